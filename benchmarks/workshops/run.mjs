// Workshops benchmark: starts its own Azurite (in memory), mail inbox and the app (Release build),
// then measures
//   1. a 1,000-invitee invitation campaign: time from "start" until every invitation is in the inbox;
//   2. (after a warm-up: a 200-invitee campaign and its registrations for another series)
//      a burst of 1,000 concurrent registrations (autocannon, one personal link each) for a
//      session of 100 seats with a waitlist: throughput, latency percentiles, status codes, and a
//      check that exactly 100 seats were granted and nobody registered twice.
// Usage (from the repository root): node benchmarks/workshops/run.mjs [--invitees 1000] [--seats 100] [--warmup 200]
import { spawn, execFileSync } from 'node:child_process';
import { createServer, Socket } from 'node:net';
import { openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'package.json'));
const autocannon = require('autocannon');

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []));
const invitees = Number(args.invitees ?? 1000);
const seats = Number(args.seats ?? 100);
const warmup = Number(args.warmup ?? 200);
const children = [];

function freePort() {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function start(command, commandArgs, options = {}) {
  const child = spawn(command, commandArgs, { stdio: ['ignore', 'ignore', 'inherit'], ...options });
  children.push(child);
  return child;
}

async function waitFor(url, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer in time`);
}

function waitForPort(port, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = new Socket();
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`port ${port} did not open`));
        else setTimeout(attempt, 200);
      });
      socket.connect(port, '127.0.0.1');
    };
    attempt();
  });
}

function stopAll() {
  for (const child of children) child.kill('SIGTERM');
}
process.on('exit', stopAll);
process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));

/** A tiny cookie-keeping client for the app's API with the antiforgery header. */
class Client {
  constructor(base) {
    this.base = base;
    this.cookies = new Map();
    this.xsrf = '';
  }
  cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  async call(method, path, body, headers = {}) {
    const response = await fetch(this.base + path, {
      method,
      headers: { 'Content-Type': 'application/json', Cookie: this.cookieHeader(), 'X-XSRF-TOKEN': this.xsrf, ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const at = pair.indexOf('=');
      this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    const text = await response.text();
    const json = text ? JSON.parse(text) : undefined;
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return json;
  }
  async antiforgery() {
    this.xsrf = (await this.call('GET', '/api/auth/antiforgery')).token;
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
function cpuSeconds(child) {
  try {
    const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}
const cpuOf = (processes) => Object.fromEntries(Object.entries(processes).map(([name, child]) => [name, cpuSeconds(child)]));
const cpuSince = (before, processes) => Object.entries(cpuOf(processes)).map(([name, now]) => `${name} ${(now - before[name]).toFixed(1)} s`).join(', ');

/** Waits until the app and Azurite together use under 10% of a core for two seconds in a row (at most 90 s). */
async function waitForQuiet(processes) {
  const watched = Object.fromEntries(Object.entries(processes).filter(([name]) => name !== 'maildev'));
  const deadline = Date.now() + 90_000;
  let quiet = 0;
  while (quiet < 4 && Date.now() < deadline) {
    const before = Object.values(cpuOf(watched)).reduce((a, b) => a + b, 0);
    await new Promise((r) => setTimeout(r, 500));
    const used = Object.values(cpuOf(watched)).reduce((a, b) => a + b, 0) - before;
    quiet = used < 0.05 ? quiet + 1 : 0;
  }
}

const tokenOf = (message) => /#token=([A-Za-z0-9_-]{43})/.exec(message.text)[1];

/** One registration per personal link, every one on its own new connection, all at once (autocannon). */
function registrationBurst(appBase, visitor, tokens, sessionId) {
  let next = 0;
  return autocannon({
    url: appBase,
    connections: tokens.length,
    amount: tokens.length,
    timeout: 60,
    requests: [
      {
        method: 'POST',
        path: '/api/workshops/invitation/registration',
        setupRequest: (request) => ({
          ...request,
          headers: {
            'content-type': 'application/json',
            cookie: visitor.cookieHeader(),
            'x-xsrf-token': visitor.xsrf,
            'x-workshop-token': tokens[next++ % tokens.length],
          },
          body: JSON.stringify({ sessionId, answers: { challenge: 'Measuring the results of innovation projects.' }, consent: true }),
        }),
      },
    ],
  });
}

const seconds = (ms) => (ms / 1000).toFixed(1);

async function main() {
  const [blobPort, queuePort, tablePort, smtpPort, mailPort, appPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort(), freePort()]);
  const node = process.execPath;
  console.log('Building the app (Release)…');
  execFileSync('dotnet', ['build', join(root, 'functions', 'Serverless.Functions'), '-c', 'Release', '--nologo', '-v', 'quiet', '-clp:ErrorsOnly'], { stdio: 'inherit' });

  const azuriteFlags = ['--inMemoryPersistence', '--silent', '--skipApiVersionCheck', '--loose', '--disableTelemetry'];
  const processes = {};
  processes.azurite = start(node, [join(root, 'scripts/azurite.cjs'), ...azuriteFlags,
    '--blobHost', '127.0.0.1', '--blobPort', blobPort, '--queueHost', '127.0.0.1', '--queuePort', queuePort, '--tableHost', '127.0.0.1', '--tablePort', tablePort].map(String));
  processes.maildev = start(node, [join(root, 'node_modules/maildev/dist/bin/maildev.js'), '--smtp', smtpPort, '--web', mailPort, '--ip', '127.0.0.1', '--web-ip', '127.0.0.1', '--silent'].map(String));
  await Promise.all([blobPort, queuePort, tablePort, smtpPort].map((p) => waitForPort(p)));
  const storage = `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:${blobPort}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:${queuePort}/devstoreaccount1;TableEndpoint=http://127.0.0.1:${tablePort}/devstoreaccount1;`;
  const appBase = `http://127.0.0.1:${appPort}`;
  const mailBase = `http://127.0.0.1:${mailPort}`;
  const admin = 'bench-admin@bench.example';
  const appLog = join(tmpdir(), `workshops-bench-app-${Date.now()}.log`);
  console.log(`App log: ${appLog}`);
  processes.app = start('dotnet', ['Serverless.Functions.dll'], {
    stdio: ['ignore', openSync(appLog, 'a'), openSync(appLog, 'a')],
    cwd: join(root, 'functions/Serverless.Functions/bin/Release/net10.0'),
    env: {
      ...process.env,
      ASPNETCORE_ENVIRONMENT: 'Production',
      ASPNETCORE_URLS: appBase,
      Storage__ConnectionString: storage,
      Email__Smtp__Port: String(smtpPort),
      Auth__FirstAdminEmail: admin,
      Auth__PublicBaseUrl: appBase,
      RateLimits__PerClientPermits: '1000000',
      RateLimits__PerAddressPermits: '1000',
      DemoData__Enabled: 'false',
      Durable__TaskHubName: 'bench',
      Logging__LogLevel__Default: 'Warning',
    },
  });
  await waitFor(`${mailBase}/api/email`);
  await waitFor(`${appBase}/api/health`);
  const mail = async () => (await fetch(`${mailBase}/api/email`)).json();

  // Sign in as the first admin through the inbox, as a person would.
  const api = new Client(appBase);
  await api.antiforgery();
  await api.call('POST', '/api/auth/sign-in', { email: admin, language: 'en' });
  let signInToken;
  for (let i = 0; i < 100 && !signInToken; i++) {
    const message = (await mail()).find((m) => m.to[0].address === admin);
    signInToken = message && /#token=([A-Za-z0-9_-]{43})/.exec(message.text)?.[1];
    if (!signInToken) await new Promise((r) => setTimeout(r, 200));
  }
  await api.call('POST', '/api/auth/complete', { token: signInToken });
  await api.antiforgery();

  const series = await api.call('POST', '/api/workshops/series', {
    titles: { en: 'Co-design of the Innovation Development Model', el: 'Συν-σχεδιασμός Μοντέλου Ανάπτυξης Καινοτομίας' },
    questions: [{ id: 'challenge', labels: { en: 'Your management challenge' }, maxLength: 1000, required: true }],
  });
  const session = await api.call('POST', `/api/workshops/series/${series.id}/sessions`, {
    titles: { en: 'First co-design workshop' },
    start: '2031-07-13T10:00',
    end: '2031-07-13T12:00',
    timeZone: 'Europe/Athens',
    onlineUrl: 'https://meet.example.org/codesign-1',
    capacity: seats,
    waitlist: true,
    registrationDeadline: '2031-07-10T00:00:00Z',
  });

  // 1. The campaign: until every invitation is in the inbox.
  const domain = 'bench.gov.example';
  const csv = ['email,name', ...Array.from({ length: invitees }, (_, i) => `invitee${String(i).padStart(4, '0')}@${domain},Invitee ${i}`)].join('\n');
  const campaignCpu = cpuOf(processes);
  const started = Date.now();
  const campaign = await api.call('POST', '/api/workshops/campaigns', { seriesId: series.id, emailsCsv: csv, deadline: new Date(Date.now() + 3_600_000).toISOString(), reminderDaysBefore: 0 });
  const accepted = Date.now();
  let invitations = [];
  let lastReport = 0;
  let outboxMs = null;
  let lastProgress = Date.now();
  while (invitations.length < invitees && Date.now() - lastProgress < 90_000) {
    await new Promise((r) => setTimeout(r, 1000));
    const before = invitations.length;
    invitations = (await mail()).filter((m) => m.to[0].address.endsWith('@' + domain) && /#token=/.test(m.text));
    if (invitations.length > before) lastProgress = Date.now();
    if (outboxMs === null) {
      // "sent" counts invitations written to the email outbox (the dispatcher then delivers them).
      const progress = await api.call('GET', `/api/workshops/campaigns/${campaign.id}`);
      if (progress.counts.sent + progress.counts.bounced >= invitees) outboxMs = Date.now() - started;
    }
    if (Date.now() - lastReport > 5000) {
      lastReport = Date.now();
      console.log(`  ${seconds(Date.now() - started)} s: ${invitations.length} invitations in the inbox${outboxMs === null ? '' : ` (all in the outbox after ${seconds(outboxMs)} s)`}`);
    }
  }
  const campaignMs = invitations.length >= invitees ? Date.now() - started : null;
  const campaignCpuText = cpuSince(campaignCpu, processes);
  const status = await api.call('GET', `/api/workshops/campaigns/${campaign.id}`);
  const unique = new Set(invitations.map((m) => m.to[0].address)).size;
  if (unique < invitees) {
    const arrived = new Set(invitations.map((m) => m.to[0].address));
    const missing = Array.from({ length: invitees }, (_, i) => `invitee${String(i).padStart(4, '0')}@${domain}`).filter((a) => !arrived.has(a));
    console.log(`  not in the inbox: ${missing.slice(0, 20).join(', ')}${missing.length > 20 ? ', …' : ''}`);
  }

  // 2. Warm-up, as an app in use would be: a second series, a session and a small campaign, whose
  // invitees register in a burst of their own, so that the measured burst does not pay for the
  // first compilation of the registration path (.NET compiles methods on first use and again,
  // optimised, once they are hot) or for the first connections to storage.
  const warmSeries = await api.call('POST', '/api/workshops/series', { titles: { en: 'Warm-up series' }, questions: [] });
  const warmSession = await api.call('POST', `/api/workshops/series/${warmSeries.id}/sessions`, {
    titles: { en: 'Warm-up session' }, start: '2031-07-14T10:00', end: '2031-07-14T12:00', timeZone: 'Europe/Athens',
    onlineUrl: 'https://meet.example.org/warm-up', capacity: Math.ceil(warmup / 4), waitlist: true, registrationDeadline: '2031-07-10T00:00:00Z',
  });
  const warmDomain = 'warmup.bench.example';
  const warmCsv = ['email,name', ...Array.from({ length: warmup }, (_, i) => `warm${i}@${warmDomain},Warm ${i}`)].join('\n');
  await api.call('POST', '/api/workshops/campaigns', { seriesId: warmSeries.id, emailsCsv: warmCsv, deadline: new Date(Date.now() + 3_600_000).toISOString(), reminderDaysBefore: 0 });
  let warmInvitations = [];
  for (let waited = 0; warmInvitations.length < warmup && waited < 120; waited++) {
    await new Promise((r) => setTimeout(r, 1000));
    warmInvitations = (await mail()).filter((m) => m.to[0].address.endsWith('@' + warmDomain) && /#token=/.test(m.text));
  }
  const visitor = new Client(appBase);
  await visitor.antiforgery();
  const warm = await registrationBurst(appBase, visitor, warmInvitations.map(tokenOf), warmSession.id);
  console.log(`  warm-up: ${warmInvitations.length} registrations for another session, p99 ${warm.latency.p99} ms`);

  // The campaigns leave background work behind (the durable sweeper tidies the invitees'
  // orchestrations 30 s after their last step); the burst is measured on a quiet app.
  const quietFrom = Date.now();
  await waitForQuiet(processes);
  console.log(`  waited ${seconds(Date.now() - quietFrom)} s for the app and storage to go quiet`);

  // 3a. The harness's own floor: the same burst shape against an endpoint that touches no storage.
  const floor = await autocannon({ url: `${appBase}/api/auth/antiforgery`, connections: invitees, amount: invitees, timeout: 60 });

  // 3. The registration burst: one request per personal link, all at once.
  const tokens = invitations.map(tokenOf);
  const burstCpu = cpuOf(processes);
  const burst = await registrationBurst(appBase, visitor, tokens, session.id);
  const burstCpuText = cpuSince(burstCpu, processes);
  const registrations = await api.call('GET', `/api/workshops/series/${series.id}/registrations`);
  const confirmed = registrations.filter((r) => r.status === 'confirmed').length;
  const waitlisted = registrations.filter((r) => r.status === 'waitlisted').length;

  console.log('\nWorkshops benchmark');
  console.log(`campaign: ${invitees} invitees; accepted by the API in ${seconds(accepted - started)} s; every invitation in the outbox after ${outboxMs === null ? '?' : seconds(outboxMs)} s, in the inbox after ${campaignMs === null ? `— (stopped waiting: ${invitations.length} arrived, none for 90 s)` : `${seconds(campaignMs)} s`} (${unique} distinct recipients, ${invitations.length} emails)`);
  console.log(`          CPU used meanwhile: ${campaignCpuText}`);
  console.log(`          campaign counts then: ${JSON.stringify(status.counts)}`);
  console.log(`registration burst: ${burst.requests.sent ?? tokens.length} requests over ${tokens.length} connections in ${seconds(burst.duration * 1000)} s`);
  console.log(`          throughput ${burst.requests.average.toFixed(0)} req/s (mean over the run); ${(tokens.length / burst.duration).toFixed(0)} registrations/s overall`);
  console.log(`          CPU used meanwhile: ${burstCpuText}`);
  console.log(`          latency p50 ${burst.latency.p50} ms, p90 ${burst.latency.p90} ms, p99 ${burst.latency.p99} ms, max ${burst.latency.max} ms`);
  console.log(`          status codes: 2xx ${burst['2xx']}, 4xx ${burst['4xx']}, 5xx ${burst['5xx']}, errors ${burst.errors}, timeouts ${burst.timeouts}`);
  console.log(`          floor of this harness (${invitees} concurrent GETs that touch no storage): p50 ${floor.latency.p50} ms, p99 ${floor.latency.p99} ms`);
  console.log(`          result: ${registrations.length} registrations, ${confirmed} confirmed (seats ${seats}), ${waitlisted} waitlisted`);
  const ok = confirmed === Math.min(seats, registrations.length) && new Set(registrations.map((r) => r.personId)).size === registrations.length && unique === invitees;
  console.log(ok ? 'checks: passed' : 'checks: FAILED');
  stopAll();
  process.exit(ok ? 0 : 1);
}

main().catch((error) => {
  console.error(error);
  stopAll();
  process.exit(1);
});
