// The packed catalog and the catalog kept on the device, in a real browser:
//
// - `data-catalog` pointing at a packed catalog (`tailor catalog pack`) is
//   read by its content, whether it is called catalog.bin or catalog.json,
//   and gives the same recommendations as the JSON feed it was packed from;
// - the catalog is kept with the Cache API: the next page view shows the
//   kept copy at once and revalidates it with its ETag meanwhile (the
//   server answers 304: nothing is read again), and a page view that cannot
//   reach the shop shows the kept copy;
// - a feed that changed since it was kept replaces the kept copy on the
//   same page view (a second tailor:ready, catalog "updated") and is kept;
// - a browser whose Cache API is missing, throws or rejects gets a plain
//   fetch, with no error anywhere;
// - the loader reads the kept copy while the wasm compiles, and the widget
//   uses that read (one Cache API read); a failed early read, or a damaged
//   copy, still ends in the kept or the downloaded catalog, without errors;
// - the content index built from a catalog is kept beside it: the next page
//   view with the same catalog reads it instead of building it (tailor:ready
//   says `index: "kept"`), with the same recommendations; a kept index that
//   is damaged, cut short, another catalog's or not an index is built again.
//
// Run: npm run test:e2e (see harness.mjs for the environment it reads).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

// The content index built from a catalog is kept beside it under this key.
const INDEX_KEY = '?tailor-content-index';
const needsWidget = NO_WIDGET ? 'no widget in this run (TAILOR_E2E_NO_WIDGET=1)' : false;
const DIR = 'cache-e2e';
const FEEDS = {
  json: 'catalog.json',
  packed: 'catalog.bin',
  // Packed bytes under a JSON name: the content decides, not the extension.
  'packed-as-json': 'packed.json',
  // Served by the tests themselves (page.route), to change it between views.
  changing: 'changing.json',
  // 20,000 generated products (about 7 MB, accented titles among them): the
  // Cache API hands a kept copy of it over in many chunks.
  large: 'large.json',
  // A URL with a fragment (which the Cache API ignores in its keys).
  fragment: 'catalog.bin#v2',
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
    const large = spawnSync(bin, ['catalog', 'generate', '--count', '20000', '--seed', '7', '--out', path.join(dir, FEEDS.large)], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    assert.equal(large.status, 0, 'tailor catalog generate');
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

  async function count(page, type) {
    return (await tailorEvents(page)).filter((e) => e.type === type).length;
  }

  async function settle(page) {
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(300);
  }

  function assertClean(problems, events) {
    assert.equal(problems.length, 0, `problems in the browser:\n${describeProblems(problems)}`);
    assert.deepEqual(events.filter((e) => e.type === 'tailor:error'), []);
  }

  it('reads a packed catalog by its content and recommends as from the JSON feed', async () => {
    const shown = {};
    for (const name of ['json', 'packed', 'packed-as-json']) {
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
        assert.equal((await ready(page)).timings.catalog, 'cached', 'second view shows the kept copy at once');
        assert.deepEqual(await waitForSlotItems(page, 'recommendations'), first);
        // The revalidation ran meanwhile.
        await settle(page);
        assert.deepEqual(conditional, [false, true], 'If-None-Match sent only with a kept copy');
        assert.deepEqual(statuses, [200, 304]);
        assert.equal(await count(page, 'tailor:ready'), 1, 'an unchanged feed is not read again');

        await page.route(feedUrl, (route) => route.abort('internetdisconnected'));
        await page.reload();
        assert.equal((await ready(page)).timings.catalog, 'cached', 'offline view shows the kept copy');
        assert.deepEqual(await waitForSlotItems(page, 'recommendations'), first);
        await settle(page);
        assert.equal(await count(page, 'tailor:ready'), 1, 'the shop unreachable: the kept copy stands');
        assertClean(problems, await tailorEvents(page));
      } finally {
        await context.close();
      }
    });
  }

  // The shop's feed, served by the test so it can change between page
  // views: with an ETag per version, `304` to a request that names the
  // current one. `log` has [If-None-Match sent, status] per request.
  function serveFeed(page, feed) {
    const feedUrl = `${server.url}${DIR}/${FEEDS.changing}`;
    return page.route(feedUrl, (route) => {
      const asked = route.request().headers()['if-none-match'] ?? null;
      const current = feed.versions[feed.current];
      const status = asked === current.etag ? 304 : 200;
      feed.log.push([asked, status]);
      if (status === 304) return route.fulfill({ status, headers: { etag: current.etag } });
      return route.fulfill({ status, contentType: 'application/json', headers: { etag: current.etag }, body: current.body });
    });
  }

  function feedVersions() {
    const feed = JSON.parse(readFileSync(path.join(site, DIR, 'catalog.json'), 'utf8'));
    const list = Array.isArray(feed) ? feed : feed.products;
    return { list, with: (products) => JSON.stringify(Array.isArray(feed) ? products : { ...feed, products }) };
  }

  async function keptCopy(page) {
    return page.evaluate(async (url) => {
      const kept = await (await caches.open('tailor-catalog')).match(url);
      return kept ? kept.text() : null;
    }, `${server.url}${DIR}/${FEEDS.changing}`);
  }

  it('shows an unchanged feed from the kept copy and does not read it twice', async () => {
    const { list, with: body } = feedVersions();
    const feed = { current: 'a', versions: { a: { etag: '"a"', body: body(list) } }, log: [] };
    const { context, page, problems } = await shopperPage(browser);
    try {
      await serveFeed(page, feed);
      await page.goto(`${server.url}${DIR}/changing.html`);
      assert.deepEqual(
        Object.entries((await ready(page)).timings).filter(([k]) => k === 'catalog' || k === 'index'),
        [['catalog', 'network'], ['index', 'built']],
      );
      const first = await waitForSlotItems(page, 'recommendations');
      await page.waitForFunction(async (url) => Boolean(await (await caches.open('tailor-catalog')).match(url)), `${server.url}${DIR}/${FEEDS.changing}`);
      await keptIndex(page, `${server.url}${DIR}/${FEEDS.changing}`);

      await page.reload();
      const detail = await ready(page);
      assert.equal(detail.timings.catalog, 'cached');
      assert.equal(detail.timings.index, 'kept', 'the index built on the first view is read, not built again');
      assert.equal(detail.products, list.length);
      assert.deepEqual(await waitForSlotItems(page, 'recommendations'), first);
      await settle(page);
      assert.deepEqual(feed.log, [[null, 200], ['"a"', 304]], 'revalidated with the ETag, answered 304');
      assert.equal(await count(page, 'tailor:ready'), 1, 'read once');
      assert.equal(await count(page, 'tailor:shown'), 1, 'drawn once');
      assertClean(problems, await tailorEvents(page));
    } finally {
      await context.close();
    }
  });

  it('replaces the kept copy by a changed feed after painting, on the same page view, and keeps it', async () => {
    const { list, with: body } = feedVersions();
    const feed = { current: 'a', versions: { a: { etag: '"a"', body: body(list) } }, log: [] };
    const { context, page, problems } = await shopperPage(browser);
    try {
      await serveFeed(page, feed);
      await page.goto(`${server.url}${DIR}/changing.html`);
      assert.equal((await ready(page)).timings.catalog, 'network');
      const first = await waitForSlotItems(page, 'recommendations');
      await page.waitForFunction(async (url) => Boolean(await (await caches.open('tailor-catalog')).match(url)), `${server.url}${DIR}/${FEEDS.changing}`);

      // The shop drops every product the shopper was shown.
      const remaining = list.filter((p) => !first.includes(String(p.id)));
      feed.versions.b = { etag: '"b"', body: body(remaining) };
      feed.current = 'b';
      await keptIndex(page, `${server.url}${DIR}/${FEEDS.changing}`);
      await page.reload();
      await page.waitForFunction(() => window.__tailorEvents.filter((e) => e.type === 'tailor:ready').length === 2);
      const readies = (await tailorEvents(page)).filter((e) => e.type === 'tailor:ready').map((e) => e.detail);
      assert.deepEqual(
        readies.map((r) => [r.timings.catalog, r.products]),
        [['cached', list.length], ['updated', remaining.length]],
        'the kept copy first, then the changed feed',
      );
      assert.deepEqual(readies.map((r) => r.timings.index), ['kept', 'built'], 'the kept index serves the kept copy only');
      await page.waitForFunction(
        (gone) => [...document.querySelectorAll('[data-tailor="recommendations"] [data-tailor-item]')].every((n) => !gone.includes(n.getAttribute('data-tailor-item'))),
        first,
      );
      const now = await waitForSlotItems(page, 'recommendations');
      assert.ok(now.length > 0, 'recommendations from the changed feed');
      for (const id of now) assert.ok(!first.includes(id), `${id} was dropped from the feed but is still shown`);
      assert.deepEqual(feed.log, [[null, 200], ['"a"', 200]]);
      await page.waitForFunction(async (url) => (await (await (await caches.open('tailor-catalog')).match(url))?.headers.get('etag')) === '"b"', `${server.url}${DIR}/${FEEDS.changing}`);
      assert.equal(await keptCopy(page), feed.versions.b.body, 'the changed feed is kept');

      // Next view: the new copy at once, revalidated, not read again.
      await page.reload();
      assert.equal((await ready(page)).products, remaining.length);
      assert.deepEqual(await waitForSlotItems(page, 'recommendations'), now);
      await settle(page);
      assert.deepEqual(feed.log.at(-1), ['"b"', 304]);
      assert.equal(await count(page, 'tailor:ready'), 1);
      assertClean(problems, await tailorEvents(page));
    } finally {
      await context.close();
    }
  });

  // Notes every Cache API read of a kept file (the feed's URL, when) and
  // when the wasm was instantiated, without changing what either does.
  function watchCacheReads() {
    window.__cacheReads = [];
    // When the first read was begun: the cache is opened (the match itself
    // follows once the open resolves, which may be after the wasm is in).
    const open = CacheStorage.prototype.open;
    CacheStorage.prototype.open = function (...args) {
      window.__cacheOpenedAt ??= performance.now();
      return open.apply(this, args);
    };
    const match = Cache.prototype.match;
    Cache.prototype.match = function (request, options) {
      window.__cacheReads.push({ url: String(request && request.url ? request.url : request), at: performance.now() });
      return match.call(this, request, options);
    };
    for (const name of ['instantiateStreaming', 'instantiate']) {
      const original = WebAssembly[name];
      WebAssembly[name] = function (...args) {
        return original.apply(this, args).then((result) => {
          window.__instantiatedAt = performance.now();
          return result;
        });
      };
    }
  }

  // The first view downloads the packed feed and keeps it; `feedUrl` is
  // then in the cache and the page's recommendations are returned.
  async function keepPackedFeed(page) {
    const feedUrl = `${server.url}${DIR}/${FEEDS.packed}`;
    await page.goto(`${server.url}${DIR}/packed.html`);
    assert.equal((await ready(page)).timings.catalog, 'network', 'first view downloads');
    const first = await waitForSlotItems(page, 'recommendations');
    await page.waitForFunction(async (url) => Boolean(await (await caches.open('tailor-catalog')).match(url)), feedUrl, {
      timeout: 10_000,
      polling: 100,
    });
    return { feedUrl, first };
  }

  // Waits until the content index built from the feed at `feedUrl` is kept
  // beside it, and gives its length in bytes.
  async function keptIndex(page, feedUrl) {
    const handle = await page.waitForFunction(async (url) => {
      const found = await (await caches.open('tailor-catalog')).match(url);
      return found ? (await found.arrayBuffer()).byteLength : false;
    }, `${feedUrl}${INDEX_KEY}`, { timeout: 10_000, polling: 100 });
    return handle.jsonValue();
  }

  // SHA-256 of the kept entry at `key` (hex), or null.
  async function indexDigest(page, key) {
    return page.evaluate(async (key) => {
      const found = await (await caches.open('tailor-catalog')).match(key);
      if (!found) return null;
      const hash = await crypto.subtle.digest('SHA-256', await found.arrayBuffer());
      return [...new Uint8Array(hash)].map((b) => b.toString(16).padStart(2, '0')).join('');
    }, key);
  }

  // The Cache API reads before tailor:ready: of the feed (`reads`) and of
  // the content index kept beside it (`indexReads`).
  async function readsBeforeReady(page) {
    const events = await tailorEvents(page);
    const readyAt = events.find((e) => e.type === 'tailor:ready').at;
    const { all, openedAt, instantiatedAt } = await page.evaluate((readyAt) => ({
      all: window.__cacheReads.filter((r) => r.at < readyAt),
      openedAt: window.__cacheOpenedAt,
      instantiatedAt: window.__instantiatedAt,
    }), readyAt);
    const isIndex = (r) => r.url.endsWith(INDEX_KEY);
    return { reads: all.filter((r) => !isIndex(r)), indexReads: all.filter(isIndex), openedAt, instantiatedAt };
  }

  it('reads the kept catalog once, from the loader while the wasm compiles, and revalidates it once', async () => {
    const { context, page, problems } = await shopperPage(browser);
    try {
      const { feedUrl, first } = await keepPackedFeed(page);
      await keptIndex(page, feedUrl);
      await context.addInitScript(watchCacheReads);
      const requests = [];
      page.on('request', (r) => {
        if (r.url() === feedUrl) requests.push(r.headers()['if-none-match'] ?? null);
      });
      await page.reload();
      const { timings } = await ready(page);
      assert.equal(timings.catalog, 'cached', 'the kept copy is shown');
      assert.equal(timings.index, 'kept', 'the content index the first view built is read');
      assert.deepEqual(await waitForSlotItems(page, 'recommendations'), first);
      const { reads, indexReads, openedAt, instantiatedAt } = await readsBeforeReady(page);
      assert.deepEqual(reads.map((r) => r.url), [`/${DIR}/${FEEDS.packed}`], 'one Cache API read of the feed');
      assert.deepEqual(indexReads.map((r) => r.url), [`/${DIR}/${FEEDS.packed}${INDEX_KEY}`], 'one of its index');
      assert.ok(openedAt < instantiatedAt, `the read began (${openedAt} ms) before the wasm was instantiated (${instantiatedAt} ms)`);
      await settle(page);
      assert.equal(requests.length, 1, 'one request for the feed: the revalidation');
      assert.ok(requests[0], 'sent with the kept ETag');
      assert.equal(await count(page, 'tailor:ready'), 1, 'read and shown once');
      assertClean(problems, await tailorEvents(page));
    } finally {
      await context.close();
    }
  });

  it('reads the kept catalog itself when the loader could not (its read failed)', async () => {
    const { context, page, problems } = await shopperPage(browser);
    try {
      const { first } = await keepPackedFeed(page);
      await context.addInitScript(watchCacheReads);
      // The loader's is the page's first stream reader: it fails; the
      // widget's, later, works.
      await context.addInitScript(() => {
        const getReader = ReadableStream.prototype.getReader;
        let calls = 0;
        ReadableStream.prototype.getReader = function (...args) {
          calls += 1;
          if (calls === 1) throw new TypeError('host page: no reader here');
          return getReader.apply(this, args);
        };
      });
      await page.reload();
      assert.equal((await ready(page)).timings.catalog, 'cached', 'the kept copy is still shown at once');
      assert.deepEqual(await waitForSlotItems(page, 'recommendations'), first);
      const { reads } = await readsBeforeReady(page);
      assert.equal(reads.length, 2, 'the loader and then the widget read the cache');
      await settle(page);
      assert.equal(await count(page, 'tailor:ready'), 1);
      assertClean(problems, await tailorEvents(page));
    } finally {
      await context.close();
    }
  });

  it('reads a large kept feed chunk by chunk in the loader, never whole, and keeps it with its length', async () => {
    const { context, page, problems } = await shopperPage(browser);
    try {
      const feedUrl = `${server.url}${DIR}/${FEEDS.large}`;
      const size = readFileSync(path.join(site, DIR, FEEDS.large)).length;
      await page.goto(`${server.url}${DIR}/large.html`);
      assert.equal((await ready(page)).timings.catalog, 'network', 'first view downloads');
      const first = await waitForSlotItems(page, 'recommendations');
      await page.waitForFunction(async (url) => Boolean(await (await caches.open('tailor-catalog')).match(url)), feedUrl, {
        timeout: 10_000,
        polling: 100,
      });
      const kept = await page.evaluate(async (url) => {
        const found = await (await caches.open('tailor-catalog')).match(url);
        return { length: found.headers.get('content-length'), bytes: (await found.arrayBuffer()).byteLength };
      }, feedUrl);
      assert.deepEqual(kept, { length: String(size), bytes: size }, 'kept whole, with its length');
      await context.addInitScript(watchCacheReads);
      // Reading a body whole is what the loader must not do (one long task).
      await context.addInitScript(() => {
        for (const name of ['arrayBuffer', 'blob', 'text', 'json']) {
          Response.prototype[name] = () => Promise.reject(new TypeError(`no ${name}() for Tailor`));
        }
      });
      await page.reload();
      const detail = await ready(page);
      assert.equal(detail.timings.catalog, 'cached', 'the kept copy is shown');
      assert.equal(detail.products, 20000, 'every product read');
      assert.deepEqual(await waitForSlotItems(page, 'recommendations'), first);
      const { reads } = await readsBeforeReady(page);
      assert.equal(reads.length, 1, 'the loader\'s read was used');
      await settle(page);
      assertClean(problems, await tailorEvents(page));
    } finally {
      await context.close();
    }
  });

  it('starts without the loader\'s read when the Cache API never answers it', async () => {
    const { context, page, problems } = await shopperPage(browser);
    try {
      const { first } = await keepPackedFeed(page);
      // The first caches.open (the loader's) never settles; later ones work.
      await context.addInitScript(() => {
        const open = CacheStorage.prototype.open;
        let calls = 0;
        CacheStorage.prototype.open = function (...args) {
          calls += 1;
          return calls === 1 ? new Promise(() => {}) : open.apply(this, args);
        };
      });
      await page.reload();
      assert.equal((await ready(page)).timings.catalog, 'cached', 'the widget read the kept copy itself');
      assert.deepEqual(await waitForSlotItems(page, 'recommendations'), first);
      assert.equal(await page.evaluate(() => window.tailor.loaded), true);
      await settle(page);
      assertClean(problems, await tailorEvents(page));
    } finally {
      await context.close();
    }
  });

  it('replaces a damaged kept catalog read early by the shop\'s feed, without an error', async () => {
    const { context, page, problems } = await shopperPage(browser);
    try {
      const { feedUrl, first } = await keepPackedFeed(page);
      await page.evaluate(async (url) => {
        const cache = await caches.open('tailor-catalog');
        await cache.put(url, new Response('not a catalog \u0000\u0001', { headers: { etag: '"damaged"' } }));
      }, feedUrl);
      await page.reload();
      assert.equal((await ready(page)).timings.catalog, 'network', 'the damaged copy is not shown: the feed is downloaded');
      assert.deepEqual(await waitForSlotItems(page, 'recommendations'), first);
      await page.waitForFunction(
        async (url) => (await (await caches.open('tailor-catalog')).match(url))?.headers.get('etag') !== '"damaged"',
        feedUrl,
        { timeout: 10_000, polling: 100 },
      );
      await settle(page);
      assert.equal(await count(page, 'tailor:ready'), 1);
      assertClean(problems, await tailorEvents(page));
    } finally {
      await context.close();
    }
  });

  it('keeps the index of a catalog whose URL has a fragment beside it, not over it', async () => {
    const { context, page, problems } = await shopperPage(browser);
    try {
      const feedUrl = `${server.url}${DIR}/catalog.bin`;
      await page.goto(`${server.url}${DIR}/fragment.html`);
      assert.equal((await ready(page)).timings.index, 'built');
      const first = await waitForSlotItems(page, 'recommendations');
      await keptIndex(page, feedUrl);
      const kept = await page.evaluate(async (url) => {
        const found = await (await caches.open('tailor-catalog')).match(url);
        return [...new Uint8Array(await found.arrayBuffer()).slice(0, 4)];
      }, `${feedUrl}#v2`);
      assert.deepEqual(kept, [...readFileSync(path.join(site, DIR, FEEDS.packed)).subarray(0, 4)], 'the kept catalog is still the catalog');
      await page.reload();
      const { timings } = await ready(page);
      assert.deepEqual([timings.catalog, timings.index], ['cached', 'kept']);
      assert.deepEqual(await waitForSlotItems(page, 'recommendations'), first);
      assertClean(problems, await tailorEvents(page));
    } finally {
      await context.close();
    }
  });

  // A kept content index that is not this catalog's, or not whole: each
  // `spoil` turns the good entry's bytes into what the next view finds.
  const SPOILT_INDEXES = {
    'damaged (its offsets)': (bytes) => bytes.fill(0xff, 44, 48),
    'cut short': (bytes) => bytes.subarray(0, bytes.length - 3),
    "another catalog's": (bytes) => bytes.fill(0x5a, 16, 24),
    'not an index at all': () => new TextEncoder().encode('<html>not found</html>'),
  };

  for (const [how, spoil] of Object.entries(SPOILT_INDEXES)) {
    it(`builds the content index again, without an error, when the kept one is ${how}`, async () => {
      const { context, page, problems } = await shopperPage(browser);
      try {
        const { feedUrl, first } = await keepPackedFeed(page);
        await keptIndex(page, feedUrl);
        const key = `${feedUrl}${INDEX_KEY}`;
        const good = await indexDigest(page, key);
        // Spoilt here, not in the page (its policy forbids eval).
        const bytes = Uint8Array.from(await page.evaluate(async (key) => {
          const found = await (await caches.open('tailor-catalog')).match(key);
          return [...new Uint8Array(await found.arrayBuffer())];
        }, key));
        await page.evaluate(async ({ key, spoilt }) => {
          const cache = await caches.open('tailor-catalog');
          await cache.put(key, new Response(new Uint8Array(spoilt)));
        }, { key, spoilt: [...spoil(bytes)] });
        assert.notEqual(await indexDigest(page, key), good, 'spoilt');
        await page.reload();
        const { timings } = await ready(page);
        assert.deepEqual([timings.catalog, timings.index], ['cached', 'built']);
        assert.deepEqual(await waitForSlotItems(page, 'recommendations'), first, 'the same recommendations');
        await settle(page);
        // Built again and kept again: the same bytes as the first time.
        let kept = null;
        for (let tries = 0; tries < 100 && kept !== good; tries++) {
          await page.waitForTimeout(100);
          kept = await indexDigest(page, key);
        }
        assert.equal(kept, good, 'kept again, the same bytes as the first time');
        await page.reload();
        assert.equal((await ready(page)).timings.index, 'kept');
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
