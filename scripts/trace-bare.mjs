// Page loads in Chromium over a bare DevTools connection that enables no
// Network domain, as in a shopper's browser with no DevTools attached.
// Playwright (bench-browser.mjs, trace-tasks.mjs) always enables it, and
// Chrome then keeps a copy of every response body and decodes a text one
// whole when it ends: a 30-55 ms task of Chrome's own for an 18 MB feed.
// For each load: the page's longest tasks (PerformanceObserver, wall time)
// and, from a trace, the longest task of the page's renderer by thread CPU
// time, with what ran in any over 50 ms.
//
//   node scripts/trace-bare.mjs --site target/bench-site --catalog /catalogs/catalog-50000.json
//        [--loads 3] [--cached] [--network]
//
// --cached: one load fills the Cache API, the next ones are measured (else
// every load is a first visit, in a fresh browser context); --network:
// enable the Network domain anyway, to compare.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The WebSocket client playwright-core carries (Node 20 has none built in).
const { ws: WebSocket } = createRequire(import.meta.url)('playwright-core/lib/utilsBundle');
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const SITE = path.resolve(ROOT, arg('site', 'target/bench-site'));
const CATALOG = arg('catalog', '/catalogs/catalog-10000.json');
const LOADS = Number(arg('loads', '3'));
const CACHED = process.argv.includes('--cached');
const NETWORK = process.argv.includes('--network');
const targetDir = process.env.CARGO_TARGET_DIR ? path.resolve(ROOT, process.env.CARGO_TARGET_DIR) : path.join(ROOT, 'target');
const tailor = process.env.TAILOR_BIN || path.join(targetDir, 'release', 'tailor');

const lineOf = (stream, pattern) =>
  new Promise((resolve) => {
    createInterface({ input: stream }).on('line', (line) => {
      const m = line.match(pattern);
      if (m) resolve(m[1]);
    });
  });
const server = spawn(tailor, ['serve', SITE, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = (await lineOf(server.stdout, /(https?:\/\/\S+)/)).replace(/\/?$/, '/');
const profile = mkdtempSync(path.join(os.tmpdir(), 'tailor-bare-'));
const chrome = spawn(process.env.CHROMIUM || '/usr/bin/chromium', [
  '--headless', '--no-sandbox', '--disable-gpu', '--no-proxy-server', '--no-first-run',
  '--disable-background-networking', '--remote-debugging-port=0', `--user-data-dir=${profile}`, 'about:blank',
], { stdio: ['ignore', 'ignore', 'pipe'] });
const endpoint = await lineOf(chrome.stderr, /DevTools listening on (ws:\S+)/);
const chromeExited = new Promise((resolve) => chrome.once('exit', resolve));
process.on('exit', () => {
  server.kill();
  chrome.kill();
});

const socket = new WebSocket(endpoint, { perMessageDeflate: false, maxPayload: 1 << 30 });
await new Promise((resolve) => socket.on('open', resolve));
let nextId = 0;
const pending = new Map();
let traceEvents = [];
let traceComplete = () => {};
socket.on('message', (data) => {
  const msg = JSON.parse(data.toString());
  if (msg.method === 'Tracing.dataCollected') traceEvents.push(...msg.params.value);
  if (msg.method === 'Tracing.tracingComplete') traceComplete();
  const waiting = msg.id && pending.get(msg.id);
  if (!waiting) return;
  pending.delete(msg.id);
  if (msg.error) waiting.reject(new Error(JSON.stringify(msg.error)));
  else waiting.resolve(msg.result);
});
const send = (method, params = {}, sessionId = undefined) =>
  new Promise((resolve, reject) => {
    nextId += 1;
    pending.set(nextId, { resolve, reject });
    socket.send(JSON.stringify({ id: nextId, method, params, sessionId }));
  });

// Runs in the page before its scripts: the shopper, the long-task record.
const instrument = `(() => {
  localStorage.clear();
  const b = (window.__bare = { tasks: [], done: false });
  new PerformanceObserver((l) => { for (const e of l.getEntries()) b.tasks.push(Math.round(e.duration)); }).observe({ type: 'longtask', buffered: true });
  window.tailorConfig = { catalog: ${JSON.stringify(CATALOG)}, limit: 8 };
  window.tailor = function () { (window.tailor.q = window.tailor.q || []).push(arguments); };
  window.tailor('view', { id: '1' });
  document.addEventListener('tailor:ready', (e) => { b.source = e.detail.timings.catalog; });
  document.addEventListener('tailor:shown', () => { setTimeout(() => { b.done = true; }, 1000); });
})();`;

let contextId = null;
let sessionId = null;
async function freshContext() {
  if (contextId) await send('Target.disposeBrowserContext', { browserContextId: contextId });
  ({ browserContextId: contextId } = await send('Target.createBrowserContext'));
  const { targetId } = await send('Target.createTarget', { url: 'about:blank', browserContextId: contextId });
  ({ sessionId } = await send('Target.attachToTarget', { targetId, flatten: true }));
  await send('Page.enable', {}, sessionId);
  await send('Runtime.enable', {}, sessionId);
  if (NETWORK) await send('Network.enable', {}, sessionId);
  await send('Page.addScriptToEvaluateOnNewDocument', { source: instrument }, sessionId);
}

/** The longest task by CPU time of the renderer that ran the widget. */
function cpuOf(events) {
  const pids = new Set(events.filter((e) => e.name === 'FunctionCall' && /tailor/.test(e.args?.data?.url || '')).map((e) => e.pid));
  const main = events.find((e) => e.name === 'thread_name' && e.args.name === 'CrRendererMain' && pids.has(e.pid));
  if (!main) return { longest: NaN, over: [] };
  const onMain = events.filter((e) => e.pid === main.pid && e.tid === main.tid);
  const tasks = onMain.filter((e) => e.name === 'RunTask' && e.ph === 'X');
  const over = tasks.filter((e) => (e.tdur || 0) > 50_000).map((task) => {
    const inner = onMain.filter((e) => e !== task && e.ph === 'X' && e.ts >= task.ts && e.ts < task.ts + task.dur && e.dur > 10_000);
    return `${(task.tdur / 1000).toFixed(0)} ms: ${inner.slice(0, 4).map((e) => `${e.name} ${(e.dur / 1000).toFixed(0)}`).join(', ')}`;
  });
  return { longest: Math.max(0, ...tasks.map((e) => e.tdur || 0)) / 1000, over };
}

const longest = [];
await freshContext();
// Cached: one more load first, to fill the cache.
for (let load = 0; load < (CACHED ? LOADS + 1 : LOADS); load++) {
  if (!CACHED && load > 0) await freshContext();
  traceEvents = [];
  await send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline,toplevel,blink,loading', transferMode: 'ReportEvents' });
  await send('Page.navigate', { url: `${url}bench/index.html` }, sessionId);
  let page = null;
  for (let tries = 0; tries < 1200 && !page; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const { result } = await send('Runtime.evaluate', { expression: 'JSON.stringify(window.__bare && window.__bare.done ? window.__bare : null)', returnByValue: true }, sessionId);
    page = JSON.parse(result.value || 'null');
  }
  const complete = new Promise((resolve) => { traceComplete = resolve; });
  await send('Tracing.end');
  await complete;
  if (!page) throw new Error(`load ${load}: no tailor:shown within 2 minutes`);
  if (CACHED && load === 0) continue; // filled the cache
  const cpu = cpuOf(traceEvents);
  longest.push(cpu.longest);
  console.log(`load ${load} (${page.source}): long tasks (wall) [${page.tasks.join(', ')}] ms; longest by CPU ${cpu.longest.toFixed(0)} ms`);
  for (const line of cpu.over) console.log(`  over 50 ms of CPU: ${line}`);
}
console.log(`${CATALOG}, ${CACHED ? 'cached' : 'first visits'}, Network domain ${NETWORK ? 'on' : 'off'}: longest task by CPU ${longest.map((x) => x.toFixed(0)).join(', ')} ms`);
socket.close();
chrome.kill();
// Its profile is removed once Chromium has stopped writing it.
await chromeExited;
rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
process.exit(0);
