// The packed catalog and the catalog kept on the device, in a real browser:
//
// - `data-catalog` pointing at a packed catalog (`tailor catalog pack`) is
//   read by its content, whether it is called catalog.bin or catalog.json,
//   and gives the same recommendations as the JSON feed it was packed from;
// - the catalog is kept with the Cache API: the next page view revalidates
//   it with its ETag (the server answers 304 and the kept copy is used),
//   and a page view that cannot reach the shop uses the kept copy;
// - a browser whose Cache API is missing, throws or rejects gets a plain
//   fetch, with no error anywhere.
//
// Run: npm run test:e2e (see harness.mjs for the environment it reads).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import {
  NO_WIDGET,
  describeProblems,
  launchBrowser,
  readCatalog,
  shopperPage,
  siteDir,
  startServer,
  tailorBin,
  tailorEvents,
  waitForSlotItems,
  waitForTailorEvent,
} from './harness.mjs';

const needsWidget = NO_WIDGET ? 'no widget in this run (TAILOR_E2E_NO_WIDGET=1)' : false;
const DIR = 'cache-e2e';
const FEEDS = {
  json: 'catalog.json',
  packed: 'catalog.bin',
  // Packed bytes under a JSON name: the content decides, not the extension.
  'packed-as-json': 'packed.json',
};

function hostPage(feed) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Catalog ${feed}</title>
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<script src="/tailor/tailor.js" data-catalog="/${DIR}/${feed}" data-limit="8" async></script>
</head>
<body>
<main>
<h1>Catalog ${feed}</h1>
<div data-tailor="recommendations"></div>
</main>
</body>
</html>
`;
}

// Browsers whose Cache API is broken in the ways real ones are (private
// modes, blocked storage) or a host page broke it.
const BROKEN_CACHES = {
  missing: () => Object.defineProperty(window, 'caches', { value: undefined, configurable: true }),
  'throws on access': () =>
    Object.defineProperty(window, 'caches', {
      configurable: true,
      get() {
        throw new DOMException('The operation is insecure.', 'SecurityError');
      },
    }),
  'open rejects': () => {
    CacheStorage.prototype.open = () => Promise.reject(new DOMException('denied', 'SecurityError'));
  },
  'open throws': () => {
    CacheStorage.prototype.open = () => {
      throw new Error('host page: no caches here');
    };
  },
  'match rejects and put throws': () => {
    Cache.prototype.match = () => Promise.reject(new TypeError('broken'));
    Cache.prototype.put = () => {
      throw new DOMException('quota', 'QuotaExceededError');
    };
  },
  'not a cache': () => Object.defineProperty(window, 'caches', { value: { open: () => Promise.resolve(42) }, configurable: true }),
};

describe('Tailor with a packed and a cached catalog', { skip: needsWidget }, () => {
  let bin;
  let site;
  let products;
  let server;
  let browser;

  before(async () => {
    bin = tailorBin();
    site = siteDir(bin);
    products = readCatalog(site);
    const dir = path.join(site, DIR);
    mkdirSync(dir, { recursive: true });
    copyFileSync(path.join(site, 'tailor', 'catalog.json'), path.join(dir, 'catalog.json'));
    const packed = spawnSync(bin, ['catalog', 'pack', path.join(dir, 'catalog.json'), '--out', path.join(dir, 'catalog.bin')], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    assert.equal(packed.status, 0, 'tailor catalog pack');
    copyFileSync(path.join(dir, 'catalog.bin'), path.join(dir, 'packed.json'));
    for (const [name, feed] of Object.entries(FEEDS)) writeFileSync(path.join(dir, `${name}.html`), hostPage(feed));
    server = await startServer(bin, site, ['--csp', 'strict']);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (site && existsSync(path.join(site, DIR))) rmSync(path.join(site, DIR), { recursive: true, force: true });
  });

  async function ready(page) {
    await waitForTailorEvent(page, 'tailor:ready', 20_000);
    const events = await tailorEvents(page);
    return events.find((e) => e.type === 'tailor:ready').detail;
  }

  function assertClean(problems, events) {
    assert.equal(problems.length, 0, `problems in the browser:\n${describeProblems(problems)}`);
    assert.deepEqual(events.filter((e) => e.type === 'tailor:error'), []);
  }

  it('reads a packed catalog by its content and recommends as from the JSON feed', async () => {
    const shown = {};
    for (const name of Object.keys(FEEDS)) {
      const { context, page, problems } = await shopperPage(browser);
      try {
        await page.goto(`${server.url}${DIR}/${name}.html`);
        const detail = await ready(page);
        assert.equal(detail.products, products.size, `${name}: every product read`);
        shown[name] = await waitForSlotItems(page, 'recommendations');
        assert.ok(shown[name].length > 0, `${name}: recommendations shown`);
        for (const id of shown[name]) assert.ok(products.has(id), `${name}: ${id} is in the catalog`);
        assertClean(problems, await tailorEvents(page));
      } finally {
        await context.close();
      }
    }
    assert.deepEqual(shown.packed, shown.json, 'packed and JSON give the same picks');
    assert.deepEqual(shown['packed-as-json'], shown.json);
  });

  for (const name of ['packed', 'json']) {
    it(`keeps the ${name} catalog on the device: revalidated with its ETag, used when the shop is unreachable`, async () => {
      const feedUrl = `${server.url}${DIR}/${FEEDS[name]}`;
      // The browser's own report of the request cut off on purpose.
      const offline = (kind, text) =>
        (kind === 'request failed' && text.startsWith(`${feedUrl}:`)) ||
        (kind === 'console error' && text.includes('ERR_INTERNET_DISCONNECTED') && text.includes(feedUrl));
      const { context, page, problems } = await shopperPage(browser, { allow: offline });
      try {
        const statuses = [];
        const conditional = [];
        page.on('response', (r) => {
          if (r.url() === feedUrl) statuses.push(r.status());
        });
        page.on('request', (r) => {
          if (r.url() === feedUrl) conditional.push(Boolean(r.headers()['if-none-match']));
        });
        await page.goto(`${server.url}${DIR}/${name}.html`);
        assert.equal((await ready(page)).timings.catalog, 'network', 'first view downloads');
        const first = await waitForSlotItems(page, 'recommendations');
        // The copy is written in the background; give it a moment.
        await page.waitForFunction(
          async (url) => Boolean(await (await caches.open('tailor-catalog')).match(url)),
          feedUrl,
          { timeout: 10_000, polling: 100 },
        );

        await page.reload();
        assert.equal((await ready(page)).timings.catalog, 'revalidated', 'second view revalidates the kept copy');
        assert.deepEqual(await waitForSlotItems(page, 'recommendations'), first);
        assert.deepEqual(conditional, [false, true], 'If-None-Match sent only with a kept copy');
        assert.deepEqual(statuses, [200, 304]);

        await page.route(feedUrl, (route) => route.abort('internetdisconnected'));
        await page.reload();
        assert.equal((await ready(page)).timings.catalog, 'kept', 'offline view uses the kept copy');
        assert.deepEqual(await waitForSlotItems(page, 'recommendations'), first);
        assertClean(problems, await tailorEvents(page));
      } finally {
        await context.close();
      }
    });
  }

  for (const [how, breakIt] of Object.entries(BROKEN_CACHES)) {
    it(`falls back to a plain fetch, without errors, when the Cache API ${how}`, async () => {
      const { context, page, problems } = await shopperPage(browser);
      try {
        await context.addInitScript(breakIt);
        for (let view = 0; view < 2; view++) {
          await page.goto(`${server.url}${DIR}/packed.html`);
          assert.equal((await ready(page)).timings.catalog, 'network');
          assert.ok((await waitForSlotItems(page, 'recommendations')).length > 0);
          assertClean(problems, await tailorEvents(page));
        }
      } finally {
        await context.close();
      }
    });
  }
});
