// Browser benchmark: Tailor against a plain-JavaScript baseline doing the
// same ranking on the same data, in Debian's Chromium, over generated
// catalogs of 1k to 100k products and a shopper with 50 events.
//
//   bash scripts/build.sh && node scripts/bench-browser.mjs [--runs 7] [--sizes 1000,10000,50000,100000]
//
// Options: --model         the page also names a co-purchase model (`data-model`,
//                          trained with `tailor train` on 2,000 synthetic shoppers)
//                          so decoding and linking it are measured too
//          --pkg DIR       the widget build to measure (default pkg/), e.g. a copy
//                          of an earlier build for a before/after run
//          --modes a,b     only these modes: packed-first, packed-cached,
//                          json-first, json-cached, plain
//          --no-bytes      skip the bytes-shipped tables (brotli-sizing the
//                          largest catalogs takes minutes)
//          --explain       also name what the longest frame ran (Chromium's
//                          long-animation-frame entries: the script that ran,
//                          how it was called, its duration), per mode
//
// Every size is measured in these modes, each a median of `runs` page loads:
//   packed, first visit   Tailor with the packed catalog (`tailor catalog pack`),
//                         a fresh browser context per load: nothing cached
//                         (script, wasm, catalog all downloaded, wasm compiled)
//   packed, cached        the same page viewed again: the catalog kept on the
//                         device (Cache API) shown at once and revalidated with
//                         its ETag (304) meanwhile, script and wasm from the HTTP cache
//   JSON, first visit     Tailor with the JSON feed, nothing cached
//   JSON, cached          Tailor with the JSON feed viewed again
//   plain JS, cached      www/bench/baseline.js: fetch + JSON.parse, the same
//                         content scoring in plain JavaScript, viewed again
// The shopper's 50 events are queued before the script; storage is cleared
// before each load (the catalog cache is not: it is what is measured).
// Prints Markdown tables for BENCHMARKS.md and writes the raw figures to
// target/bench-site/results.json.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { loadavg, cpus } from 'node:os';
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
const WITH_MODEL = process.argv.includes('--model');
const PKG = path.resolve(ROOT, arg('pkg', 'pkg'));
const ONLY_MODES = arg('modes', '').split(',').filter(Boolean);
const BYTES = !process.argv.includes('--no-bytes');
const EXPLAIN = process.argv.includes('--explain');
const targetDir = process.env.CARGO_TARGET_DIR ? path.resolve(ROOT, process.env.CARGO_TARGET_DIR) : path.join(ROOT, 'target');
const load = [loadavg()];

function sh(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed`);
}

function sizesOf(bytes) {
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_LGWIN]: 24, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
    }).length,
  };
}

const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
};

// --- the site -------------------------------------------------------------
if (!existsSync(path.join(PKG, 'tailor_bg.wasm'))) throw new Error(`no ${PKG}/tailor_bg.wasm: run bash scripts/build.sh first`);
sh('cargo', ['build', '--release', '--quiet', '--bin', 'tailor']);
const tailor = path.join(targetDir, 'release', 'tailor');
mkdirSync(path.join(SITE, 'catalogs'), { recursive: true });
cpSync(PKG, path.join(SITE, 'tailor'), { recursive: true });
cpSync(path.join(ROOT, 'www', 'bench'), path.join(SITE, 'bench'), { recursive: true });
const catalogFile = (n, ext) => path.join(SITE, 'catalogs', `catalog-${n}.${ext}`);
for (const n of SIZES) {
  if (!existsSync(catalogFile(n, 'json'))) sh(tailor, ['catalog', 'generate', '--count', String(n), '--seed', '7', '--out', catalogFile(n, 'json')]);
  // Always repacked: the packed form follows the code.
  sh(tailor, ['catalog', 'pack', catalogFile(n, 'json'), '--out', catalogFile(n, 'bin')]);
}

// --- one shopper: 50 events over the catalog; 2,000 for the model's size ---
const feeds = new Map();
function products(n) {
  if (!feeds.has(n)) {
    const feed = JSON.parse(readFileSync(catalogFile(n, 'json'), 'utf8'));
    feeds.set(n, feed.products ?? feed);
  }
  return feeds.get(n);
}

function shopper(n) {
  const list = products(n);
  const events = [];
  for (let i = 0; i < 50; i++) {
    const p = list[(i * 7919) % list.length];
    events.push({ id: String(p.id), type: i % 17 === 16 ? 'purchase' : i % 7 === 6 ? 'cart' : 'view' });
  }
  // Five more views, each timed: at 1k and 10k one ranking takes well under a
  // millisecond or two, so one sample per load is mostly timer steps.
  const next = [51, 52, 53, 54, 55].map((i) => String(list[(i * 7919) % list.length].id));
  return { events, next };
}

/** A co-purchase model trained on 2,000 synthetic shoppers (for its size). */
function model(n) {
  const out = catalogFile(n, 'model');
  if (existsSync(out)) return out;
  const list = products(n);
  let seed = 12345;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const lines = [];
  for (let u = 0; u < 2000; u++) {
    // Shoppers stay near one part of the catalog, as real ones stay in a few categories.
    const home = Math.floor(rand() * list.length);
    const events = [];
    for (let e = 0; e < 50; e++) {
      const p = list[(home + Math.floor(rand() * Math.min(500, list.length))) % list.length];
      events.push({ id: String(p.id), type: rand() < 0.3 ? 'purchase' : 'view', t: 1_700_000_000 + e * 600 });
    }
    lines.push(JSON.stringify({ user: `u${u}`, events }));
  }
  const histories = catalogFile(n, 'histories.jsonl');
  writeFileSync(histories, lines.join('\n') + '\n');
  sh(tailor, ['train', '--catalog', catalogFile(n, 'json'), '--histories', histories, '--out', out]);
  return out;
}

// Cross-origin isolated pages get 5 µs timer steps instead of 100 µs.
const server = spawn(tailor, ['serve', SITE, '--port', '0', '--isolated'], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve, reject) => {
  const lines = createInterface({ input: server.stdout });
  lines.on('line', (line) => {
    const m = line.match(/https?:\/\/\S+/);
    if (m) resolve(m[0].replace(/\/?$/, '/'));
  });
  server.on('exit', () => reject(new Error('tailor serve exited')));
});

// Runs in the page before any of its scripts.
function instrument({ ranker, catalog, model, events }) {
  localStorage.clear();
  // The recommendations are painted in the frame after they are first
  // shown: its requestAnimationFrame runs just before that paint, a task
  // queued from there just after it. Timed in the page from the moment they
  // are shown (Tailor's tailor:shown, the baseline's mark), not after the
  // bench's own polling and round trips to the page, which added a frame
  // or more to every figure.
  const shown = [];
  shown.push = function (entry) {
    if (this.length === 0) requestAnimationFrame(() => setTimeout(() => { bench.painted = performance.now(); }, 0));
    return Array.prototype.push.call(this, entry);
  };
  const bench = (window.__bench = { longest: 0, longestAt: NaN, shown });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.duration > bench.longest) {
        bench.longest = e.duration;
        bench.longestAt = e.startTime;
      }
    }
  }).observe({ type: 'longtask', buffered: true });
  // What the longest frame ran: script entries with how they were invoked.
  bench.frame = null;
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (!bench.frame || e.duration > bench.frame.duration) {
          const scripts = (e.scripts || [])
            .map((s) => `${s.invoker || s.invokerType} [${s.sourceFunctionName || '?'} in ${(s.sourceURL || '').split('/').pop()}] ${s.duration.toFixed(0)} ms`)
            .join('; ');
          bench.frame = { duration: e.duration, at: e.startTime, blocking: e.blockingDuration, scripts: scripts || '(no script: rendering, GC or compile)' };
        }
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
  } catch {}
  // When the wasm was compiled and instantiated, and its memory (read after ranking).
  for (const name of ['instantiateStreaming', 'instantiate']) {
    const original = WebAssembly[name];
    WebAssembly[name] = function (...args) {
      const t0 = performance.now();
      return original.apply(this, args).then((result) => {
        const instance = result.instance || result;
        bench.wasm = { t0, t1: performance.now(), memory: instance.exports && instance.exports.memory };
        return result;
      });
    };
  }
  if (ranker === 'tailor') {
    window.tailorConfig = model ? { catalog, model, limit: 8 } : { catalog, limit: 8 };
    window.tailor = function () { (window.tailor.q = window.tailor.q || []).push(arguments); };
    for (const e of events) window.tailor(e.type === 'purchase' ? 'purchase' : e.type, e.type === 'purchase' ? { items: [{ id: e.id }] } : { id: e.id });
    document.addEventListener('tailor:ready', (e) => { bench.ready = { at: performance.now(), detail: e.detail }; });
    document.addEventListener('tailor:shown', (e) => {
      if (e.detail.slot === 'recommendations') bench.shown.push({ at: performance.now(), items: e.detail.items, rankMs: e.detail.rank_ms });
    });
  } else {
    window.baselineConfig = { catalog, events };
  }
}

async function measure(page, ranker, next) {
  const script = ranker === 'tailor' ? '/tailor/tailor.js' : '/bench/baseline.js';
  await page.waitForFunction(() => window.__bench.painted > 0, null, { timeout: 180_000 });
  const m = await page.evaluate((script) => {
    const entry = (suffix) => performance.getEntriesByType('resource').find((e) => e.name.endsWith(suffix));
    const js = entry(script);
    const wasm = entry('/tailor/tailor_bg.wasm');
    const b = window.__bench;
    return {
      start: js ? js.startTime : NaN,
      scriptEnd: js ? js.responseEnd : NaN,
      wasmEnd: wasm ? wasm.responseEnd : NaN,
      wasmStart: wasm ? wasm.startTime : NaN,
      instantiated: b.wasm ? b.wasm.t1 : NaN,
      memory: b.wasm && b.wasm.memory ? b.wasm.memory.buffer.byteLength : NaN,
      isolated: self.crossOriginIsolated,
      ready: b.ready,
      shownAt: b.shown[0].at,
      painted: b.painted,
      longest: b.longest,
      longestAt: b.longestAt,
      frame: b.frame,
    };
  }, script);
  // Re-rank after one more view: end to end (Tailor: record, save, rank,
  // redraw, `tailor:shown`; baseline: rank and DOM update) and the ranking
  // alone (Tailor's `rank_ms` in `tailor:shown`, the baseline's `rank`).
  // Each view is timed on its own; the load's figure is their median.
  const reranks = [];
  for (const id of next) {
    if (ranker === 'tailor') {
      reranks.push(await page.evaluate(async (id) => {
        const before = window.__bench.shown.length;
        const t0 = performance.now();
        window.tailor('view', { id });
        while (window.__bench.shown.length === before) await new Promise((r) => setTimeout(r, 0));
        const shown = window.__bench.shown[before];
        return { total: shown.at - t0, rank: shown.rankMs };
      }, id));
    } else {
      reranks.push(await page.evaluate((id) => window.baselineView(id), id));
    }
  }
  const rerank = { total: median(reranks.map((r) => r.total)), rank: median(reranks.map((r) => r.rank)) };
  const t = m.ready.detail.timings;
  const tailorRun = ranker === 'tailor';
  // Which phase the longest task started in (the widget's phases come from
  // `tailor:ready`'s timings, counted back from when it was sent).
  const indexStart = m.ready.at - t.index_ms;
  const parseStart = indexStart - t.parse_ms;
  const longestIn = !(m.longest > 0)
    ? ''
    : m.longestAt < (tailorRun ? m.instantiated : m.scriptEnd) ? 'start-up'
    : m.longestAt < parseStart ? 'fetch'
    : m.longestAt < indexStart ? 'parse'
    : m.longestAt < m.ready.at ? 'index'
    : m.longestAt < m.shownAt ? 'rank + render'
    : 'after';
  return {
    toReady: m.ready.at - m.start,
    toPainted: m.painted - m.start,
    // Script and wasm downloads (overlapping compile) plus the catalog's.
    fetch: (tailorRun ? m.wasmEnd - m.start : m.scriptEnd - m.start) + t.fetch_ms,
    // What compiling and instantiating the wasm added after its download ended.
    compile: tailorRun ? Math.max(0, m.instantiated - m.wasmEnd) : NaN,
    parse: t.parse_ms,
    index: t.index_ms,
    rankRender: m.shownAt - m.ready.at,
    longest: m.longest,
    longestIn,
    memoryMB: (tailorRun ? m.memory : await page.evaluate(() => performance.memory?.usedJSHeapSize ?? NaN)) / 1048576,
    rerank: rerank.total,
    rankAlone: rerank.rank,
    // The catalog's source, and whether its content index was read from
    // the device (`kept`) or built.
    source: `${t.catalog || 'network'}${t.index === 'kept' ? ', index kept' : ''}`,
    isolated: m.isolated,
    model: m.ready.detail.model ? 'linked' : 'none',
    frame: m.frame ? `${m.frame.duration.toFixed(0)} ms at ${(m.frame.at - m.start).toFixed(0)} ms: ${m.frame.scripts}` : '',
  };
}

const MODES = [
  { key: 'packed-first', name: 'packed, first visit', ranker: 'tailor', ext: 'bin', cold: true },
  { key: 'packed-cached', name: 'packed, cached', ranker: 'tailor', ext: 'bin', cold: false },
  { key: 'json-first', name: 'JSON, first visit', ranker: 'tailor', ext: 'json', cold: true },
  { key: 'json-cached', name: 'JSON, cached', ranker: 'tailor', ext: 'json', cold: false },
  { key: 'plain', name: 'plain JS, cached', ranker: 'baseline', ext: 'json', cold: false },
].filter((mode) => ONLY_MODES.length === 0 || ONLY_MODES.includes(mode.key));

process.on('exit', () => server.kill());
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--enable-precise-memory-info', '--no-proxy-server'],
});
const chromiumVersion = browser.version();
const results = [];
for (const n of SIZES) {
  const { events, next } = shopper(n);
  for (const mode of MODES) {
    // The model file is served next to the catalogs (trained once per size).
    const modelUrl = WITH_MODEL ? `/catalogs/${path.basename(model(n))}` : null;
    const options = { ranker: mode.ranker, catalog: `/catalogs/catalog-${n}.${mode.ext}`, model: modelUrl, events };
    const pageUrl = url + (mode.ranker === 'tailor' ? 'bench/index.html' : 'bench/baseline.html');
    const runs = [];
    let context = null;
    let page = null;
    for (let i = 0; i <= RUNS; i++) {
      if (mode.cold || !context) {
        await context?.close();
        context = await browser.newContext();
        await context.addInitScript(instrument, options);
        page = await context.newPage();
      }
      await page.goto(pageUrl);
      const r = await measure(page, mode.ranker, next);
      // Cached modes: the first load only fills the caches. First visits: all count.
      if (mode.cold ? i > 0 || RUNS === 0 : i > 0) runs.push(r);
    }
    await context.close();
    const row = { n, mode: mode.name, ranker: mode.ranker };
    for (const key of Object.keys(runs[0])) {
      if (key === 'frame') continue;
      if (key === 'isolated') { row.isolated = runs.every((r) => r.isolated); continue; }
      row[key] = key === 'source' || key === 'longestIn' || key === 'model' ? [...new Set(runs.map((r) => r[key]))].join('/') : median(runs.map((r) => r[key]));
    }
    row.frames = runs.map((r) => r.frame);
    results.push(row);
    process.stderr.write(`${n} ${mode.name}: painted ${row.toPainted.toFixed(1)} ms (catalog: ${row.source})\n`);
  }
}
await browser.close();
server.kill();
load.push(loadavg());

// --- report -------------------------------------------------------------------
const f = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '–');
const kb = (b) => (b / 1024).toFixed(1);
const pct = (a, b) => `${((100 * a) / b).toFixed(0)} %`;
const bytes = {};
console.log(`Timer: ${results.every((r) => r.isolated) ? 'cross-origin isolated pages (5 µs steps)' : 'NOT isolated on every page (100 µs steps)'}`);
console.log(`Chromium ${chromiumVersion}; ${cpus().length} cores; load average (1, 5, 15 min) at start ${load[0].map((x) => x.toFixed(1)).join(', ')}, at end ${load[1].map((x) => x.toFixed(1)).join(', ')}`);
// Timings first: sizing the largest catalogs with brotli takes minutes.
writeFileSync(path.join(SITE, 'results.json'), JSON.stringify({ load, runs: RUNS, results }, null, 2));
console.log(`\n### Timings (median of ${RUNS} loads, ms; memory in MiB)\n`);
console.log('| products | mode | script → ready | script → painted | fetch | compile | parse | index | rank + render | longest task (started in) | memory | re-rank after a view | its ranking alone | catalog from |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of results) {
  const memory = r.ranker === 'tailor' ? `${f(r.memoryMB)} wasm` : `${f(r.memoryMB)} JS heap`;
  const longestIn = r.longestIn.split('/').filter(Boolean).join('/');
  const longest = r.longest > 0 ? `${f(r.longest, 0)} (${longestIn})` : '< 50';
  const source = r.ranker === 'tailor' ? r.source : 'HTTP cache';
  console.log(`| ${r.n} | ${r.mode} | ${f(r.toReady)} | ${f(r.toPainted)} | ${f(r.fetch)} | ${f(r.compile)} | ${f(r.parse)} | ${f(r.index)} | ${f(r.rankRender)} | ${longest} | ${memory} | ${f(r.rerank, 2)} | ${f(r.rankAlone, 2)} | ${source} |`);
}
if (EXPLAIN) {
  console.log('\n### Longest animation frame per load (duration, start after the script request, what ran)\n');
  for (const r of results) for (const frame of r.frames) console.log(`- ${r.n} ${r.mode}: ${frame}`);
}
const everyMode = MODES.length === 5;
if (WITH_MODEL) console.log(`\nWith the co-purchase model (--model): ${[...new Set(results.filter((r) => r.ranker === 'tailor').map((r) => r.model))].join('/')}`);
if (everyMode) {
  console.log('\n### Ratios in the same run (above 1: Tailor is faster or smaller)\n');
  console.log('| products | JSON parse ÷ packed read (Tailor) | plain JS ÷ Tailor packed cached: to painted | parse + index | re-rank | ranking alone | plain JS ÷ Tailor JSON cached: to painted |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
}
const row = (n, mode) => results.find((r) => r.n === n && r.mode === mode);
for (const n of everyMode ? SIZES : []) {
  const packed = row(n, 'packed, cached');
  const json = row(n, 'JSON, cached');
  const base = row(n, 'plain JS, cached');
  console.log(`| ${n} | ${f(json.parse / packed.parse, 1)} | ${f(base.toPainted / packed.toPainted, 2)} | ${f((base.parse + base.index) / (packed.parse + packed.index), 2)} | ${f(base.rerank / packed.rerank, 2)} | ${f(base.rankAlone / packed.rankAlone, 2)} | ${f(base.toPainted / json.toPainted, 2)} |`);
}
if (!BYTES) process.exit(0);
console.log(`\n### Bytes shipped (KiB: raw / gzip / brotli)\n`);
console.log('| file | raw | gzip | brotli |\n| --- | --- | --- | --- |');
for (const name of ['tailor.js', 'tailor_bg.wasm']) {
  const s = sizesOf(readFileSync(path.join(PKG, name)));
  bytes[name] = s;
  console.log(`| ${name} | ${kb(s.raw)} | ${kb(s.gzip)} | ${kb(s.brotli)} |`);
}
const css = sizesOf(readFileSync(path.join(ROOT, 'src', 'ui', 'style.css')));
bytes.css = css;
console.log(`| CSS (src/ui/style.css, inside the wasm: no request of its own) | ${kb(css.raw)} | ${kb(css.gzip)} | ${kb(css.brotli)} |`);
console.log('\n| catalog | JSON raw | JSON gzip | JSON brotli | packed raw | packed gzip | packed brotli | packed ÷ JSON, brotli | model (2,000 shoppers, raw / brotli) |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const n of SIZES) {
  const j = sizesOf(readFileSync(catalogFile(n, 'json')));
  const p = sizesOf(readFileSync(catalogFile(n, 'bin')));
  const m = sizesOf(readFileSync(model(n)));
  bytes[`catalog-${n}`] = { json: j, packed: p, model: m };
  console.log(`| ${n} | ${kb(j.raw)} | ${kb(j.gzip)} | ${kb(j.brotli)} | ${kb(p.raw)} | ${kb(p.gzip)} | ${kb(p.brotli)} | ${pct(p.brotli, j.brotli)} | ${kb(m.raw)} / ${kb(m.brotli)} |`);
}
writeFileSync(path.join(SITE, 'results.json'), JSON.stringify({ load, runs: RUNS, bytes, results }, null, 2));
