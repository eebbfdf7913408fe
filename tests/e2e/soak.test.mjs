// Endurance: one simulated shopper in one long session on the demo shop.
// ~100 real page navigations (home, product pages, cart) with clicks, then
// 10,000 `tailor('view'|'cart', …)` commands on one page, with random
// products from a seeded generator. Measured as it goes and printed: JS heap
// (after a forced GC), the widget's wasm memory, DOM nodes, event listeners
// (all, and on document/window), and localStorage size. They must stay flat
// (bounded growth after warm-up), with no error of any kind.
//
// Also: the shopper's clock going backwards and time zones changing between
// page views (a traveller whose laptop clock gets corrected): order of what
// they did still drives "recently viewed", nothing errors.
//
// Run: npm run test:e2e (see harness.mjs for the environment it reads).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  NO_WIDGET,
  describeProblems,
  launchBrowser,
  readCatalog,
  shopperPage,
  siteDir,
  slotItems,
  startServer,
  tailorBin,
  tailorEvents,
  waitForSlotItems,
  waitForTailorEvent,
} from './harness.mjs';

const needsWidget = NO_WIDGET ? 'no widget in this run (TAILOR_E2E_NO_WIDGET=1)' : false;
const NAVIGATIONS = 100;
const COMMANDS = 10_000;
const BATCH = 500;

/** A small seeded generator (mulberry32): the same shopper every run. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Runs before the page's scripts: keeps a handle on the widget's wasm
// memory so the test can read its size (the widget exposes nothing).
function captureWasmMemory() {
  const keep = (result) => {
    const exports = (result && (result.instance || result).exports) || {};
    if (exports.memory instanceof WebAssembly.Memory) window.__wasmMemory = exports.memory;
    return result;
  };
  for (const name of ['instantiateStreaming', 'instantiate']) {
    const original = WebAssembly[name];
    if (typeof original !== 'function') continue;
    WebAssembly[name] = function (...args) {
      return original.apply(this, args).then(keep);
    };
  }
}

async function measure(page, cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  const metrics = Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  const listenersOn = async (expression) => {
    const { result } = await cdp.send('Runtime.evaluate', { expression });
    const { listeners } = await cdp.send('DOMDebugger.getEventListeners', { objectId: result.objectId });
    await cdp.send('Runtime.releaseObject', { objectId: result.objectId });
    return listeners.length;
  };
  const inPage = await page.evaluate(() => {
    let storage = 0;
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      storage += key.length + (localStorage.getItem(key) || '').length;
    }
    return { wasm: window.__wasmMemory ? window.__wasmMemory.buffer.byteLength : null, storage };
  });
  return {
    heap: metrics.JSHeapUsedSize,
    nodes: metrics.Nodes,
    listeners: metrics.JSEventListeners,
    documentListeners: (await listenersOn('document')) + (await listenersOn('window')),
    wasm: inPage.wasm,
    storage: inPage.storage,
  };
}

const kb = (bytes) => (bytes === null ? 'n/a' : `${(bytes / 1024).toFixed(0)} KiB`);
const row = (label, m) =>
  `${label.padEnd(22)} heap ${kb(m.heap).padStart(9)}  wasm ${kb(m.wasm).padStart(9)}  nodes ${String(m.nodes).padStart(5)}  listeners ${String(m.listeners).padStart(4)} (doc+win ${m.documentListeners})  storage ${kb(m.storage).padStart(7)}`;

describe('Tailor over a long session', { skip: needsWidget }, () => {
  let bin;
  let dir;
  let catalog;
  let ids;
  let server;
  let browser;

  before(async () => {
    bin = tailorBin();
    dir = siteDir(bin);
    if (!existsSync(path.join(dir, 'tailor', 'tailor.js'))) {
      throw new Error(`${dir} has no tailor/tailor.js: build the widget (scripts/build.sh) and the site`);
    }
    catalog = readCatalog(dir);
    ids = [...catalog.keys()];
    server = await startServer(bin, dir, ['--csp', 'strict']);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it(`stays flat over ${NAVIGATIONS} page views and ${COMMANDS} commands`, async (t) => {
    const { context, page, problems } = await shopperPage(browser);
    try {
      await context.addInitScript(captureWasmMemory);
      const cdp = await context.newCDPSession(page);
      await cdp.send('Performance.enable');
      const next = random(9);
      const any = () => ids[Math.floor(next() * ids.length)];
      const figures = [];

      // Real navigations: product pages mostly, home and cart now and then,
      // sometimes through the widget's own cards, sometimes adding to cart.
      const navigationFigures = [];
      for (let i = 0; i < NAVIGATIONS; i++) {
        const roll = next();
        const target =
          roll < 0.1 ? server.url : roll < 0.15 ? `${server.url}cart.html` : new URL(catalog.get(any()).url, server.url).href;
        await page.goto(target, { waitUntil: 'domcontentloaded' });
        await waitForTailorEvent(page, 'tailor:ready');
        if (next() < 0.3) {
          const add = page.locator('[data-tailor-add-to-cart]').first();
          if (await add.count()) await add.click();
        }
        if (i % 20 === 0 || i === NAVIGATIONS - 1) navigationFigures.push([`page view ${i + 1}`, await measure(page, cdp)]);
      }
      figures.push(...navigationFigures);

      // One page, many commands, as a single-page shop would send them.
      await page.goto(server.url);
      await waitForTailorEvent(page, 'tailor:ready');
      await waitForSlotItems(page, 'recommendations');
      const commandFigures = [];
      const started = Date.now();
      for (let sent = 0; sent < COMMANDS; sent += BATCH) {
        const calls = Array.from({ length: BATCH }, () => [next() < 0.8 ? 'view' : 'cart', any()]);
        await page.evaluate((batch) => {
          for (const [name, id] of batch) window.tailor(name, { id });
        }, calls);
        // Let the rails re-render before measuring.
        await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))));
        if ((sent + BATCH) % 2_000 === 0) commandFigures.push([`${sent + BATCH} commands`, await measure(page, cdp)]);
      }
      const commandSeconds = (Date.now() - started) / 1000;
      figures.push(...commandFigures);
      const lastIds = await slotItems(page, 'recently-viewed');
      assert.ok(lastIds.length > 0, 'recently viewed still renders');

      for (const [label, m] of figures) t.diagnostic(row(label, m));
      t.diagnostic(`${COMMANDS} commands in ${commandSeconds.toFixed(1)} s (${((commandSeconds * 1e6) / COMMANDS).toFixed(0)} µs each, renders included)`);

      const check = (series, what, { storageFull }) => {
        const [warmLabel, warm] = series[0];
        for (const [label, m] of series.slice(1)) {
          const where = `${what}: ${label} vs ${warmLabel}`;
          assert.ok(m.heap <= warm.heap * 1.5 + 2 * 1024 * 1024, `${where}: JS heap ${kb(warm.heap)} → ${kb(m.heap)}`);
          assert.ok(m.nodes <= warm.nodes * 1.2 + 200, `${where}: DOM nodes ${warm.nodes} → ${m.nodes}`);
          assert.ok(m.listeners <= warm.listeners + 10, `${where}: listeners ${warm.listeners} → ${m.listeners}`);
          assert.ok(m.documentListeners <= warm.documentListeners, `${where}: document/window listeners ${warm.documentListeners} → ${m.documentListeners}`);
          assert.ok(m.storage <= 64 * 1024, `${where}: localStorage at ${kb(m.storage)}`);
          // Until the history reaches its cap (200 events) storage grows by design.
          if (storageFull) assert.ok(m.storage <= warm.storage * 1.2 + 1024, `${where}: localStorage ${kb(warm.storage)} → ${kb(m.storage)}`);
          if (m.wasm !== null && warm.wasm !== null) {
            assert.ok(m.wasm <= warm.wasm + 4 * 1024 * 1024, `${where}: wasm memory ${kb(warm.wasm)} → ${kb(m.wasm)}`);
          }
        }
      };
      // Page views start fresh documents; their figures must not creep.
      check(navigationFigures.slice(1), 'page views', { storageFull: false });
      check(commandFigures, 'commands on one page', { storageFull: true });
      assert.ok(commandFigures.at(-1)[1].wasm !== null, 'the wasm memory was captured');

      const errors = (await tailorEvents(page)).filter((e) => e.type === 'tailor:error');
      assert.deepEqual(errors, []);
      assert.equal(problems.length, 0, `problems in the browser:\n${describeProblems(problems)}`);
    } finally {
      await context.close();
    }
  });

  it('keeps the order of what the shopper did when the clock goes back and the time zone changes', async () => {
    const { context, page, problems } = await shopperPage(browser);
    try {
      const cdp = await context.newCDPSession(page);
      const products = ids.slice(0, 4);
      const steps = [
        // [time zone, shopper's clock]
        ['Pacific/Kiritimati', '2026-11-23T10:00:00Z'],
        ['Pacific/Kiritimati', '2026-11-23T10:05:00Z'],
        // Flew east across the date line; the laptop clock was corrected back a year.
        ['Pacific/Pago_Pago', '2025-11-22T09:00:00Z'],
        ['America/Los_Angeles', '2025-11-22T08:59:00Z'],
      ];
      for (const [index, [zone, time]] of steps.entries()) {
        await cdp.send('Emulation.setTimezoneOverride', { timezoneId: zone });
        await page.clock.setFixedTime(new Date(time));
        await page.goto(new URL(catalog.get(products[index]).url, server.url).href);
        await waitForTailorEvent(page, 'tailor:ready');
        assert.equal(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone), zone);
      }
      await page.goto(server.url);
      await waitForTailorEvent(page, 'tailor:ready');
      assert.deepEqual(await waitForSlotItems(page, 'recently-viewed'), [...products].reverse());
      const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('tailor')));
      assert.deepEqual(
        stored.events.map((e) => e.id),
        products,
        'stored in the order they happened, whatever the clock said',
      );
      const errors = (await tailorEvents(page)).filter((e) => e.type === 'tailor:error');
      assert.deepEqual(errors, []);
      assert.equal(problems.length, 0, `problems in the browser:\n${describeProblems(problems)}`);
    } finally {
      await context.close();
    }
  });
});
