// Browser driver for the C# browser tests: one headless Chromium driven through playwright-core,
// answering JSON-lines commands on stdin with one JSON line each on stdout.
//
//   request:  {"id": 1, "cmd": "goto", "args": {"pageId": "p1", "url": "http://127.0.0.1:5000/"}}
//   answer:   {"id": 1, "ok": true, "result": {"status": 200, "url": "..."}}
//   failure:  {"id": 1, "ok": false, "error": "..."}
//
// The first line written is {"event": "ready", "version": "..."} once the browser is up, or
// {"event": "failed", "error": "..."} (and exit code 1) when it cannot start. Elements are found
// by {selector} (any Playwright selector, e.g. CSS), {role, name}, {label} or {text}, with
// optional {exact, nth}. Nothing but protocol lines goes to stdout; diagnostics go to stderr.
// The process ends when stdin closes, so a dead test run never leaves a browser behind.

import { mkdirSync, existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
// Tools come from the repository root's node_modules (tests/Serverless.Browser.Tests/driver -> root).
const repoRoot = resolve(here, '..', '..', '..');
const requireFromRoot = createRequire(join(repoRoot, 'package.json'));

const executablePath = process.env.BROWSER_EXECUTABLE || '/usr/bin/chromium';
const launchArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const defaultTimeoutMs = 10_000;
const navigationTimeoutMs = 30_000;

let browser;
let closing = false;
let nextPageNumber = 1;
const pages = new Map();
const downloadDir = join(tmpdir(), `browser-driver-${process.pid}`);

function send(message) {
  process.stdout.write(JSON.stringify(message) + '\n');
}

function log(...parts) {
  process.stderr.write(parts.join(' ') + '\n');
}

function required(args, name) {
  const value = args[name];
  if (value === undefined || value === null || value === '') {
    throw new Error(`argument '${name}' is required`);
  }
  return value;
}

function entry(args) {
  const pageId = required(args, 'pageId');
  const found = pages.get(pageId);
  if (!found) {
    throw new Error(`no open page '${pageId}'`);
  }
  return found;
}

function pageOf(args) {
  return entry(args).page;
}

/** A Playwright locator from {selector} | {role, name} | {label} | {text}, plus {exact, nth}. */
function locate(page, args) {
  const exact = args.exact === undefined ? undefined : Boolean(args.exact);
  let locator;
  if (args.role) {
    locator = page.getByRole(args.role, args.name === undefined || args.name === null ? {} : { name: args.name, exact });
  } else if (args.label) {
    locator = page.getByLabel(args.label, { exact });
  } else if (args.text) {
    locator = page.getByText(args.text, { exact });
  } else if (args.selector) {
    locator = page.locator(args.selector);
  } else {
    throw new Error('name the element with selector, role (+ name), label or text');
  }
  return Number.isInteger(args.nth) ? locator.nth(args.nth) : locator;
}

function timeoutOf(args, fallback = defaultTimeoutMs) {
  return Number.isFinite(args.timeoutMs) ? args.timeoutMs : fallback;
}

let axeSource;
function axeScript() {
  axeSource ??= readFileSync(requireFromRoot.resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
}

async function saveDownload(download, args) {
  const suggestedFilename = download.suggestedFilename();
  mkdirSync(downloadDir, { recursive: true });
  const path = args.saveAs ? resolve(args.saveAs) : join(downloadDir, `${Date.now()}-${suggestedFilename}`);
  await download.saveAs(path);
  return { path, suggestedFilename, url: download.url() };
}

const commands = {
  async ping() {
    return { version: browser.version() };
  },

  async newPage(args) {
    const context = await browser.newContext({
      locale: args.locale || 'en-US',
      timezoneId: args.timezoneId || undefined,
      viewport: args.viewport || { width: 1280, height: 800 },
      colorScheme: args.colorScheme || 'light',
      reducedMotion: 'reduce',
      acceptDownloads: true,
    });
    context.setDefaultTimeout(timeoutOf(args));
    context.setDefaultNavigationTimeout(navigationTimeoutMs);
    const page = await context.newPage();
    const pageId = `p${nextPageNumber++}`;
    const problems = [];
    page.on('console', (message) => {
      if (message.type() === 'error') {
        problems.push(`console: ${message.text()}`);
      }
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    pages.set(pageId, { page, context, problems });
    return { pageId };
  },

  async goto(args) {
    const page = pageOf(args);
    const response = await page.goto(required(args, 'url'), {
      waitUntil: args.waitUntil || 'load',
      timeout: timeoutOf(args, navigationTimeoutMs),
    });
    return { status: response ? response.status() : null, url: page.url() };
  },

  async url(args) {
    return pageOf(args).url();
  },

  async title(args) {
    return pageOf(args).title();
  },

  async click(args) {
    await locate(pageOf(args), args).click({ timeout: timeoutOf(args) });
    return null;
  },

  async fill(args) {
    await locate(pageOf(args), args).fill(String(args.value ?? ''), { timeout: timeoutOf(args) });
    return null;
  },

  async selectOption(args) {
    return locate(pageOf(args), args).selectOption(String(required(args, 'value')), { timeout: timeoutOf(args) });
  },

  async press(args) {
    const page = pageOf(args);
    const key = required(args, 'key');
    if (args.selector || args.role || args.label || args.text) {
      await locate(page, args).press(key, { timeout: timeoutOf(args) });
    } else {
      await page.keyboard.press(key);
    }
    return null;
  },

  async type(args) {
    // Types into the focused element key by key; characters off the US layout (Arabic, Greek)
    // arrive as text input, as from a keyboard with that layout.
    await pageOf(args).keyboard.type(String(required(args, 'text')));
    return null;
  },

  async text(args) {
    return (await locate(pageOf(args), args).innerText({ timeout: timeoutOf(args) })).trim();
  },

  async texts(args) {
    return (await locate(pageOf(args), args).allInnerTexts()).map((t) => t.trim());
  },

  async attribute(args) {
    return locate(pageOf(args), args).getAttribute(required(args, 'attribute'), { timeout: timeoutOf(args) });
  },

  async count(args) {
    return locate(pageOf(args), args).count();
  },

  async isVisible(args) {
    return locate(pageOf(args), args).isVisible();
  },

  async waitFor(args) {
    await locate(pageOf(args), args).first().waitFor({ state: args.state || 'visible', timeout: timeoutOf(args) });
    return null;
  },

  async waitForFunction(args) {
    // The expression is evaluated in the page until it is truthy.
    await pageOf(args).waitForFunction(required(args, 'expression'), undefined, { timeout: timeoutOf(args) });
    return null;
  },

  async waitForUrl(args) {
    const page = pageOf(args);
    await page.waitForURL(required(args, 'url'), { timeout: timeoutOf(args) });
    return page.url();
  },

  async evaluate(args) {
    // A string is evaluated as a JavaScript expression in the page; promises are awaited.
    const value = await pageOf(args).evaluate(required(args, 'expression'));
    return value === undefined ? null : value;
  },

  async axe(args) {
    const page = pageOf(args);
    const loaded = await page.evaluate(() => typeof window.axe === 'object');
    if (!loaded) {
      // Evaluated over the protocol rather than added as a script tag, so a CSP cannot block it.
      await page.evaluate(axeScript());
    }
    const options = {};
    if (Array.isArray(args.tags) && args.tags.length > 0) {
      options.runOnly = { type: 'tag', values: args.tags };
    }
    if (args.rules && typeof args.rules === 'object') {
      options.rules = args.rules;
    }
    // Without include/exclude, the whole document is checked.
    const context = args.include || args.exclude ? { include: args.include, exclude: args.exclude } : null;
    return page.evaluate(
      async ({ options, context }) => {
        const results = await window.axe.run(context ?? document, options);
        return results.violations.map((v) => ({
          id: v.id,
          impact: v.impact ?? null,
          description: v.description,
          help: v.help,
          helpUrl: v.helpUrl,
          nodes: v.nodes.map((n) => ({
            target: n.target.map((t) => (Array.isArray(t) ? t.join(' >> ') : String(t))).join(' '),
            html: n.html,
            failureSummary: n.failureSummary ?? null,
          })),
        }));
      },
      { options, context },
    );
  },

  async screenshot(args) {
    const path = resolve(required(args, 'path'));
    mkdirSync(dirname(path), { recursive: true });
    await pageOf(args).screenshot({ path, fullPage: args.fullPage !== false });
    return path;
  },

  /** Clicks an element (or opens a URL) that starts a download; answers where it was saved. */
  async download(args) {
    const page = pageOf(args);
    const downloadStarted = page.waitForEvent('download', { timeout: timeoutOf(args, navigationTimeoutMs) });
    if (args.url) {
      // Navigating to a file that downloads aborts the navigation; that is the expected outcome.
      page.goto(args.url, { timeout: timeoutOf(args, navigationTimeoutMs) }).catch(() => {});
    } else {
      await locate(page, args).click({ timeout: timeoutOf(args) });
    }
    return saveDownload(await downloadStarted, args);
  },

  /** Errors the page logged to its console or threw, since it opened (or since cleared). */
  async problems(args) {
    const found = entry(args);
    const list = [...found.problems];
    if (args.clear) {
      found.problems.length = 0;
    }
    return list;
  },

  async closePage(args) {
    const found = entry(args);
    pages.delete(args.pageId);
    await found.context.close();
    return null;
  },

  async close() {
    await shutdown(0, true);
    return null;
  },
};

async function handle(line) {
  let request;
  try {
    request = JSON.parse(line);
  } catch (error) {
    send({ id: null, ok: false, error: `not JSON: ${error.message}` });
    return;
  }
  const { id = null, cmd, args = {} } = request ?? {};
  const command = Object.hasOwn(commands, cmd) ? commands[cmd] : undefined;
  if (!command) {
    send({ id, ok: false, error: `unknown command '${cmd}'` });
    return;
  }
  if (!browser || !browser.isConnected()) {
    send({ id, ok: false, error: 'the browser is not running' });
    return;
  }
  try {
    const result = await command(args ?? {});
    send({ id, ok: true, result: result ?? null });
  } catch (error) {
    send({ id, ok: false, error: plain(String(error?.message ?? error)) });
  }
}

/** Playwright colours its call logs for terminals; test output wants plain text. */
function plain(text) {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

async function shutdown(code, answerFirst = false) {
  if (closing) {
    return;
  }
  closing = true;
  const finish = async () => {
    try {
      await browser?.close();
    } catch (error) {
      log('closing the browser failed:', error?.message ?? error);
    }
    process.exit(code);
  };
  if (answerFirst) {
    // Let the caller's answer be written before the process ends.
    setImmediate(finish);
  } else {
    await finish();
  }
}

async function main() {
  let chromium;
  try {
    ({ chromium } = requireFromRoot('playwright-core'));
  } catch (error) {
    send({ event: 'failed', error: `playwright-core is not installed in ${repoRoot}/node_modules: run 'npm ci' there (${error.message})` });
    process.exit(1);
  }
  if (!existsSync(executablePath)) {
    send({
      event: 'failed',
      error: `Chromium was not found at ${executablePath}: install it with 'apt-get install -y chromium' (or set BROWSER_EXECUTABLE)`,
    });
    process.exit(1);
  }
  try {
    browser = await chromium.launch({ executablePath, headless: true, args: launchArgs });
  } catch (error) {
    send({ event: 'failed', error: `Chromium at ${executablePath} did not start: ${error.message}` });
    process.exit(1);
  }
  browser.on('disconnected', () => {
    if (!closing) {
      log('the browser disconnected');
    }
  });

  const input = createInterface({ input: process.stdin, crlfDelay: Infinity });
  input.on('line', (line) => {
    if (line.trim() !== '') {
      handle(line);
    }
  });
  input.on('close', () => shutdown(0));
  send({ event: 'ready', version: browser.version() });
}

process.on('unhandledRejection', (error) => log('unhandled rejection:', error?.stack ?? error));
process.on('uncaughtException', (error) => log('uncaught exception:', error?.stack ?? error));
process.on('SIGTERM', () => shutdown(0));

main();
