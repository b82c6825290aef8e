#!/usr/bin/env node
// The JavaScript a first visit to each page downloads, gzipped, against its budget: a public
// page (reachable without signing in) 50 KB, a portal page 120 KB. It reads the manifest of the
// last `vite build` (dist/.vite/manifest.json) and counts, once each, the entry chunk and what it
// imports, the page's chunk and what it imports, and the largest language catalogue (a reader
// downloads one). Exits 1 when a page is over its budget or the routes and the build disagree.
//
//   node scripts/bundle-sizes.mjs [dist]

import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const KB = 1024;
const budgets = { public: 50 * KB, portal: 120 * KB };

const web = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = resolve(web, process.argv[2] ?? 'dist');
const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8'));
const { routes } = JSON.parse(readFileSync(join(web, 'scripts', 'routes.json'), 'utf8'));

const gzipped = new Map();
function size(file) {
  if (!gzipped.has(file)) gzipped.set(file, gzipSync(readFileSync(join(dist, file)), { level: 9 }).length);
  return gzipped.get(file);
}

/** The JavaScript files a chunk needs before it runs: itself and its static imports, transitively. */
function closure(key, files = new Set()) {
  const chunk = manifest[key];
  if (!chunk) throw new Error(`${key} is not in the build's manifest`);
  if (files.has(chunk.file)) return files;
  files.add(chunk.file);
  for (const imported of chunk.imports ?? []) closure(imported, files);
  return files;
}

const total = (files) => [...files].reduce((sum, file) => sum + size(file), 0);
const kb = (bytes) => (bytes / KB).toFixed(1);

const problems = [];
const entryKey = Object.keys(manifest).find((key) => manifest[key].isEntry);
const entry = closure(entryKey);

const catalogueKeys = Object.keys(manifest).filter((key) => /^src\/i18n\/messages\/[a-z]{2}\.ts$/.test(key));
if (catalogueKeys.length === 0) problems.push('no language catalogue has a chunk of its own');
const catalogues = catalogueKeys
  .map((key) => ({ language: key.slice('src/i18n/messages/'.length, -'.ts'.length), files: closure(key) }))
  .map((c) => ({ ...c, extra: [...c.files].filter((f) => !entry.has(f)) }))
  .sort((a, b) => total(b.extra) - total(a.extra));
const largest = catalogues[0];

// Every page chunk must be measured: a page missing from routes.json would escape its budget.
const measured = new Set(routes.map((r) => r.page));
for (const key of Object.keys(manifest)) {
  if (manifest[key].isDynamicEntry && key.startsWith('src/features/') && !measured.has(key)) {
    problems.push(`${key} is a page chunk that scripts/routes.json does not list`);
  }
}

const rows = [];
for (const route of routes) {
  const kind = route.public ? 'public' : 'portal';
  if (!manifest[route.page]?.isDynamicEntry) {
    problems.push(`${route.path}: ${route.page} is not a chunk of its own (is the page loaded with lazyPage?)`);
    continue;
  }
  const page = [...closure(route.page)].filter((f) => !entry.has(f));
  const files = new Set([...entry, ...page, ...(largest?.extra ?? [])]);
  const bytes = total(files);
  const over = bytes > budgets[kind];
  if (over) problems.push(`${route.path} (${kind}) needs ${kb(bytes)} KB, over its ${kb(budgets[kind])} KB budget`);
  rows.push([route.path, kind, kb(total(entry)), kb(total(page)), kb(total(largest?.extra ?? [])), kb(bytes), kb(budgets[kind]), over ? 'OVER' : 'ok']);
}

const header = ['route', 'kind', 'entry', 'page', `catalogue (${largest?.language ?? '-'})`, 'total KB', 'budget', ''];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
console.log('JavaScript a first visit downloads, gzipped (KB = 1024 bytes):');
console.log(line(header));
for (const row of rows) console.log(line(row));
console.log(`Catalogues: ${catalogues.map((c) => `${c.language} ${kb(total(c.extra))}`).join(', ')}`);

if (problems.length > 0) {
  for (const problem of problems) console.error(`bundle-sizes: ${problem}`);
  process.exit(1);
}
