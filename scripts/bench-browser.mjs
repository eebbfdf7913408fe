// Browser benchmark: Tailor against a plain-JavaScript baseline doing the
// same ranking on the same data, in Debian's Chromium, over generated
// catalogs of 1k to 100k products and a shopper with 50 events.
//
//   bash scripts/build.sh && node scripts/bench-browser.mjs [--runs 7] [--sizes 1000,10000,50000,100000]
//
// Each size and mode gets one browser context: a warm-up load (so the
// catalog and wasm are in the HTTP cache, revalidated with ETag as a
// returning shopper's would be), then `runs` measured loads with storage
// cleared. Medians are printed as a Markdown table for BENCHMARKS.md.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const RUNS = Number(arg('runs', '7'));
const SIZES = arg('sizes', '1000,10000,50000,100000').split(',').map(Number);
const SITE = path.join(ROOT, 'target', 'bench-site');
const targetDir = process.env.CARGO_TARGET_DIR ? path.resolve(ROOT, process.env.CARGO_TARGET_DIR) : path.join(ROOT, 'target');

function sh(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed`);
}

function sizes(file) {
  const bytes = readFileSync(file);
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
};

// --- the site -------------------------------------------------------------
if (!existsSync(path.join(ROOT, 'pkg', 'tailor_bg.wasm'))) throw new Error('no pkg/: run bash scripts/build.sh first');
sh('cargo', ['build', '--release', '--quiet', '--bin', 'tailor']);
const tailor = path.join(targetDir, 'release', 'tailor');
mkdirSync(path.join(SITE, 'catalogs'), { recursive: true });
cpSync(path.join(ROOT, 'pkg'), path.join(SITE, 'tailor'), { recursive: true });
cpSync(path.join(ROOT, 'www', 'bench'), path.join(SITE, 'bench'), { recursive: true });
for (const n of SIZES) {
  const out = path.join(SITE, 'catalogs', `catalog-${n}.json`);
  if (!existsSync(out)) sh(tailor, ['catalog', 'generate', '--count', String(n), '--seed', '7', '--out', out]);
}

const server = spawn(tailor, ['serve', SITE, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve, reject) => {
  const lines = createInterface({ input: server.stdout });
  lines.on('line', (line) => {
    const m = line.match(/https?:\/\/\S+/);
    if (m) resolve(m[0].replace(/\/?$/, '/'));
  });
  server.on('exit', () => reject(new Error('tailor serve exited')));
});

// --- one shopper: 50 events over the catalog --------------------------------
function shopper(n) {
  const feed = JSON.parse(readFileSync(path.join(SITE, 'catalogs', `catalog-${n}.json`), 'utf8'));
  const products = feed.products ?? feed;
  const events = [];
  for (let i = 0; i < 50; i++) {
    const p = products[(i * 7919) % products.length];
    events.push({ id: String(p.id), type: i % 17 === 16 ? 'purchase' : i % 7 === 6 ? 'cart' : 'view' });
  }
  const next = String(products[(51 * 7919) % products.length].id);
  return { events, next };
}

// Runs in the page before any of its scripts.
function instrument({ mode, catalog, events }) {
  localStorage.clear();
  const bench = (window.__bench = { longest: 0, shown: [] });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) bench.longest = Math.max(bench.longest, e.duration);
  }).observe({ type: 'longtask', buffered: true });
  if (mode === 'tailor') {
    window.tailorConfig = { catalog, limit: 8 };
    window.tailor = function () { (window.tailor.q = window.tailor.q || []).push(arguments); };
    for (const e of events) window.tailor(e.type === 'purchase' ? 'purchase' : e.type, e.type === 'purchase' ? { items: [{ id: e.id }] } : { id: e.id });
    document.addEventListener('tailor:ready', (e) => { bench.ready = { at: performance.now(), detail: e.detail }; });
    document.addEventListener('tailor:shown', (e) => {
      if (e.detail.slot === 'recommendations') bench.shown.push({ at: performance.now(), items: e.detail.items });
    });
  } else {
    window.baselineConfig = { catalog, events };
  }
}

const afterPaint = () => new Promise((r) => requestAnimationFrame(() => setTimeout(() => r(performance.now()), 0)));

async function measure(page, mode, next) {
  const script = mode === 'tailor' ? '/tailor/tailor.js' : '/bench/baseline.js';
  await page.waitForFunction(() => window.__bench.shown.length > 0, null, { timeout: 120_000 });
  const painted = await page.evaluate(afterPaint);
  const m = await page.evaluate((script) => {
    const entry = performance.getEntriesByType('resource').find((e) => e.name.endsWith(script));
    const b = window.__bench;
    const shownAt = b.shown[0].at;
    return { start: entry ? entry.startTime : NaN, ready: b.ready, shownAt, longest: b.longest, rankMs: b.rankMs };
  }, script);
  let rerank;
  if (mode === 'tailor') {
    rerank = await page.evaluate(async (id) => {
      const before = window.__bench.shown.length;
      const t0 = performance.now();
      window.tailor('view', { id });
      while (window.__bench.shown.length === before) await new Promise((r) => setTimeout(r, 0));
      return window.__bench.shown[before].at - t0;
    }, next);
  } else {
    rerank = await page.evaluate((id) => window.baselineView(id), next);
  }
  const memory = mode === 'tailor' ? m.ready.detail.memory_bytes : await page.evaluate(() => performance.memory?.usedJSHeapSize ?? NaN);
  const t = m.ready.detail.timings;
  return {
    toReady: m.ready.at - m.start,
    toPainted: painted - m.start,
    fetch: t.fetch_ms,
    parse: t.parse_ms,
    index: t.index_ms,
    rankRender: m.shownAt - m.ready.at,
    longest: m.longest,
    memoryMB: memory / 1048576,
    rerank,
  };
}

process.on('exit', () => server.kill());
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--enable-precise-memory-info'],
});
const results = [];
for (const n of SIZES) {
  const { events, next } = shopper(n);
  for (const mode of ['tailor', 'baseline']) {
    const context = await browser.newContext();
    await context.addInitScript(instrument, { mode, catalog: `/catalogs/catalog-${n}.json`, events });
    const page = await context.newPage();
    const pageUrl = url + (mode === 'tailor' ? 'bench/index.html' : 'bench/baseline.html');
    const runs = [];
    for (let i = 0; i <= RUNS; i++) {
      await page.goto(pageUrl);
      const r = await measure(page, mode, next);
      if (i > 0) runs.push(r); // the first load only warms the caches
    }
    await context.close();
    const row = { n, mode };
    for (const key of Object.keys(runs[0])) row[key] = median(runs.map((r) => r[key]));
    results.push(row);
    process.stderr.write(`${n} ${mode}: painted ${row.toPainted.toFixed(1)} ms\n`);
  }
}
await browser.close();
server.kill();

// --- report -------------------------------------------------------------------
const f = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '–');
const kb = (b) => (b / 1024).toFixed(1);
console.log(`\n### Bytes shipped (KiB: raw / gzip / brotli)\n`);
console.log('| file | raw | gzip | brotli |\n| --- | --- | --- | --- |');
for (const name of ['tailor.js', 'tailor_bg.wasm']) {
  const s = sizes(path.join(ROOT, 'pkg', name));
  console.log(`| ${name} | ${kb(s.raw)} | ${kb(s.gzip)} | ${kb(s.brotli)} |`);
}
for (const n of SIZES) {
  const s = sizes(path.join(SITE, 'catalogs', `catalog-${n}.json`));
  console.log(`| catalog ${n} (JSON) | ${kb(s.raw)} | ${kb(s.gzip)} | ${kb(s.brotli)} |`);
}
console.log(`\n### Timings (median of ${RUNS} loads, ms; catalog in the HTTP cache, revalidated)\n`);
console.log('| products | ranker | script → ready | script → painted | fetch | parse | index | rank + render | longest task | memory (MiB) | re-rank after a view |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of results) {
  const memory = r.mode === 'tailor' ? `${f(r.memoryMB)} wasm` : `${f(r.memoryMB)} JS heap`;
  const longest = r.longest > 0 ? f(r.longest, 0) : '< 50';
  console.log(`| ${r.n} | ${r.mode === 'tailor' ? 'Tailor' : 'plain JS'} | ${f(r.toReady)} | ${f(r.toPainted)} | ${f(r.fetch)} | ${f(r.parse)} | ${f(r.index)} | ${f(r.rankRender)} | ${longest} | ${memory} | ${f(r.rerank, 2)} |`);
}
console.log('\n### Ratios (plain JS ÷ Tailor; above 1 means Tailor is faster)\n');
console.log('| products | to painted | parse + index | re-rank |\n| --- | --- | --- | --- |');
for (const n of SIZES) {
  const t = results.find((r) => r.n === n && r.mode === 'tailor');
  const b = results.find((r) => r.n === n && r.mode === 'baseline');
  console.log(`| ${n} | ${f(b.toPainted / t.toPainted, 2)} | ${f((b.parse + b.index) / (t.parse + t.index), 2)} | ${f(b.rerank / t.rerank, 2)} |`);
}
