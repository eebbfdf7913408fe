// What ran in the widget's long main-thread tasks, from a Chrome trace, with
// each task's thread CPU time next to its wall time: on a loaded machine
// (other builds sharing 2 cores) a 25 ms slice can take 100 ms of wall time
// while it did 25 ms of work, so `bench-browser.mjs`'s longest task (wall
// time, from the page's PerformanceObserver) says little there; the CPU
// time says what the widget itself does in one task.
//
//   node scripts/trace-tasks.mjs --site target/bench-site --catalog /catalogs/catalog-100000.json
//        [--loads 4] [--first] [--profile] [--over 40]
//
// Serves --site with `tailor serve` (build the release binary first; run
// bench-browser.mjs once to make target/bench-site), loads its
// bench/index.html (--site's tailor/ is the build measured) with that
// catalog: the first load is a first visit, the next ones cached, or all
// first visits with --first. For each load: the longest task by wall and
// by CPU time, the tasks over 50 ms of CPU; for every task over --over ms
// (either time), the trace events inside it and, with --profile (the V8
// sampling profiler, which adds its own cost), the functions it ran
// (a wasm build with names: wasm-bindgen --keep-debug, wasm-opt --debuginfo).
// Note: Playwright enables the DevTools Network domain, which makes Chrome
// keep and decode a copy of each text response (up to a size limit):
// `ResponseBodyLoader::DidFinishLoadingBody` / `TextResourceDecoder::Decode`
// tasks are that copy, not the widget's work (scripts/trace-bare.mjs loads
// the page without it).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const SITE = path.resolve(ROOT, arg('site', 'target/bench-site'));
const CATALOG = arg('catalog', '/catalogs/catalog-10000.json');
const LOADS = Number(arg('loads', '4'));
const FIRST = process.argv.includes('--first');
const PROFILE = process.argv.includes('--profile');
const OVER = Number(arg('over', '40')) * 1000;
const targetDir = process.env.CARGO_TARGET_DIR ? path.resolve(ROOT, process.env.CARGO_TARGET_DIR) : path.join(ROOT, 'target');
const tailor = process.env.TAILOR_BIN || path.join(targetDir, 'release', 'tailor');

const server = spawn(tailor, ['serve', SITE, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve, reject) => {
  createInterface({ input: server.stdout }).on('line', (line) => {
    const m = line.match(/https?:\/\/\S+/);
    if (m) resolve(m[0].replace(/\/?$/, '/'));
  });
  server.on('exit', () => reject(new Error('tailor serve exited')));
});
process.on('exit', () => server.kill());
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-proxy-server'],
});
const categories = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel', 'v8', 'v8.execute', 'disabled-by-default-v8.gc', 'blink', 'loading'];
if (PROFILE) categories.push('disabled-by-default-v8.cpu_profiler');

let context = null;
let page = null;
async function freshContext() {
  await context?.close();
  context = await browser.newContext();
  await context.addInitScript((catalog) => {
    localStorage.clear();
    window.__shown = false;
    window.tailorConfig = { catalog, limit: 8 };
    window.tailor = function () { (window.tailor.q = window.tailor.q || []).push(arguments); };
    window.tailor('view', { id: '1' });
    document.addEventListener('tailor:shown', () => { window.__shown = true; });
  }, CATALOG);
  page = await context.newPage();
}

const summary = [];
for (let load = 0; load < LOADS; load++) {
  if (load === 0 || FIRST) await freshContext();
  await browser.startTracing(page, { categories });
  await page.goto(url + 'bench/index.html');
  await page.waitForFunction(() => window.__shown, null, { timeout: 120_000 });
  await page.waitForTimeout(1500);
  const trace = JSON.parse((await browser.stopTracing()).toString());
  const kind = load === 0 || FIRST ? 'first visit' : 'cached';
  summary.push(`load ${load} (${kind}): ${report(trace.traceEvents || trace, `load ${load} (${kind})`)}`);
}
await browser.close();
server.kill();
console.log(`\n${CATALOG}: longest task, wall / CPU ms; tasks over 50 ms of CPU`);
for (const line of summary) console.log(`- ${line}`);

/** Prints the long tasks of one trace; gives its one-line summary. */
function report(events, title) {
  // The page's renderer: the one that ran the widget's script.
  const runs = (e) => e.name === 'FunctionCall' && /tailor/.test(e.args?.data?.url || '');
  const widget = events.find(runs) || events.find((e) => e.name === 'ProfileChunk');
  const main = events.find((e) => e.name === 'thread_name' && e.args.name === 'CrRendererMain' && e.pid === widget?.pid);
  if (!main) return 'no renderer main thread found';
  const onMain = events.filter((e) => e.pid === main.pid && e.tid === main.tid);
  const tasks = onMain.filter((e) => e.name === 'RunTask' && e.ph === 'X');
  const samples = PROFILE ? profileSamples(events.filter((e) => e.pid === main.pid)) : null;
  console.log(`\n=== ${title}`);
  for (const task of tasks.filter((e) => Math.max(e.dur, e.tdur || 0) > OVER).sort((a, b) => a.ts - b.ts)) {
    const end = task.ts + task.dur;
    console.log(`-- task ${(task.dur / 1000).toFixed(1)} ms (CPU ${((task.tdur || 0) / 1000).toFixed(1)} ms)`);
    const inner = onMain.filter((e) => e !== task && e.ph === 'X' && e.ts >= task.ts && e.ts + (e.dur || 0) <= end && e.dur > 3000 && e.name !== 'RunTask');
    for (const e of inner.slice(0, 20)) {
      console.log(`   ${e.name} ${(e.dur / 1000).toFixed(1)} ms ${e.args?.data?.functionName || ''}`);
    }
    if (samples) {
      const self = new Map();
      for (const [ts, dt, name] of samples) if (ts >= task.ts && ts <= end) self.set(name, (self.get(name) || 0) + dt);
      const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 8);
      console.log(`   ran: ${top.map(([name, ms]) => `${name} ${ms.toFixed(1)}`).join('; ')}`);
    }
  }
  const wall = Math.max(0, ...tasks.map((e) => e.dur)) / 1000;
  const cpu = Math.max(0, ...tasks.map((e) => e.tdur || 0)) / 1000;
  const over = tasks.filter((e) => (e.tdur || 0) > 50_000).map((e) => (e.tdur / 1000).toFixed(0));
  return `${wall.toFixed(0)} / ${cpu.toFixed(0)}; [${over.join(', ')}]`;
}

/** The sampling profiler's samples: [time µs, self time ms, function]. */
function profileSamples(events) {
  const nodes = new Map();
  const raw = [];
  let t = 0;
  for (const e of events.filter((e) => e.name === 'Profile' || e.name === 'ProfileChunk')) {
    if (e.name === 'Profile') {
      t = e.args.data.startTime;
      continue;
    }
    const profile = e.args.data.cpuProfile || {};
    for (const node of profile.nodes || []) nodes.set(node.id, node);
    const deltas = e.args.data.timeDeltas || [];
    (profile.samples || []).forEach((id, i) => {
      t += deltas[i];
      raw.push([t, id]);
    });
  }
  const name = (id) => {
    const frame = nodes.get(id)?.callFrame;
    return frame ? `${frame.functionName || '(anonymous)'}${frame.url ? ` (${frame.url.split('/').pop()})` : ''}` : '?';
  };
  return raw.map(([ts, id], i) => [ts, ((raw[i + 1]?.[0] ?? ts) - ts) / 1000, name(id)]);
}
