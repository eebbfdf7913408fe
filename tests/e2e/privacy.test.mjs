// Privacy end to end, in Chromium under the strict CSP:
// - a network audit (audit.mjs, also run by the demo shop's suite): every
//   request while a shopper searches, browses, carts, buys and answers the
//   survey (with a comment) is recorded, and the test fails if a visited
//   product id, search term or event appears in any request URL or body
//   other than page navigations and GETs of the site's static files, or if
//   the survey answer POSTed to the configured endpoint carries anything but
//   the answer's fields;
// - Global Privacy Control and Do Not Track: nothing persisted in
//   localStorage after browsing; consent required: nothing until
//   tailor('consent', true); localStorage throwing: the shop still works;
// - corrupt stored data is reported and replaced; two tabs lose nothing;
// - the "what Tailor remembers" panel: listing, download (a JSON file),
//   remove, forget everything.
//
// Run: npm run test:e2e (see harness.mjs for the environment it reads).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  NO_WIDGET,
  ROOT,
  describeProblems,
  launchBrowser,
  readCatalog,
  shopperPage,
  siteDir,
  startServer,
  tailorBin,
  waitForSlotItems,
  waitForTailorEvent,
} from './harness.mjs';
import { answerSurvey, auditRequests, fakeCollector, recordRequests, staticPaths, surveyPosts } from './audit.mjs';

const skip = NO_WIDGET ? 'no widget in this run (TAILOR_E2E_NO_WIDGET=1)' : false;
const SEARCH = 'zebrawood teapot';

/** A copy of the demo site whose home page also has the privacy slot. */
function privacySite(dir) {
  const copy = path.join(ROOT, 'target', 'e2e-privacy-site');
  rmSync(copy, { recursive: true, force: true });
  cpSync(dir, copy, { recursive: true });
  const index = path.join(copy, 'index.html');
  const html = readFileSync(index, 'utf8');
  const slot = '<section class="slot-section"><div data-tailor="privacy"></div></section>\n';
  const withSlot = html.includes('</main>') ? html.replace('</main>', `${slot}</main>`) : html.replace('</body>', `${slot}</body>`);
  writeFileSync(index, withSlot);
  return copy;
}

/** Sets `window.tailorConfig` (and optional navigator stubs) before any page script. */
async function configure(context, { config = {}, gpc = false, dnt = false, storageThrows = false } = {}) {
  await context.addInitScript(
    ({ config, gpc, dnt, storageThrows }) => {
      window.tailorConfig = config;
      if (gpc) Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true, configurable: true });
      if (dnt) Object.defineProperty(Navigator.prototype, 'doNotTrack', { get: () => '1', configurable: true });
      if (storageThrows) {
        Object.defineProperty(window, 'localStorage', {
          get() {
            throw new DOMException('The operation is insecure.', 'SecurityError');
          },
          configurable: true,
        });
      }
    },
    { config, gpc, dnt, storageThrows },
  );
}

/** core::store::price_band: the profile keeps bands, not prices. */
function priceBand(price) {
  const bands = [[10, '0-10'], [25, '10-25'], [50, '25-50'], [100, '50-100'], [250, '100-250'], [500, '250-500']];
  return (bands.find(([upper]) => price < upper) || [0, '500+'])[1];
}

/** The stored weight of one interest (0 when absent). */
function interest(memory, key) {
  return memory?.profile?.find(([k]) => k === key)?.[1] ?? 0;
}

async function stored(page) {
  return page.evaluate(() => {
    const text = window.localStorage.getItem('tailor');
    return text === null ? null : JSON.parse(text);
  });
}

/** Department → two products (the second carted) → home. Returns the ids. */
async function browse(page, url) {
  const ids = [];
  await page.goto(`${url}c/kitchen.html`);
  for (let n = 0; n < 2; n++) {
    await page.locator('.grid .card:has(button[data-add-to-cart]) .card-link').nth(n * 3 + 1).click();
    await page.waitForURL('**/p/*.html');
    ids.push(await page.locator('[data-tailor-product]').getAttribute('data-tailor-product'));
    if (!NO_WIDGET) await waitForTailorEvent(page, 'tailor:ready');
    if (n === 1) await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.goBack();
  }
  await page.goto(url);
  if (!NO_WIDGET) await waitForTailorEvent(page, 'tailor:ready');
  return ids;
}

describe('privacy: what the shopper does stays in the browser', () => {
  let server;
  let browser;
  let site;
  let statics;
  let catalog;

  before(async () => {
    const bin = tailorBin();
    site = privacySite(siteDir(bin));
    statics = staticPaths(site);
    catalog = readCatalog(site);
    server = await startServer(bin, site, ['--csp', 'strict']);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('no request carries a product id, search term or event (search, browse, cart, buy, survey)', async () => {
    const { context, page, problems } = await shopperPage(browser);
    const surveyEndpoint = new URL('/v1/answers', server.url).href;
    await configure(context, { config: { searchParam: 'q', surveyEndpoint } });
    await fakeCollector(context, surveyEndpoint);
    const requests = recordRequests(context);
    await page.goto(`${server.url}c/kitchen.html?q=${encodeURIComponent(SEARCH)}`);
    if (!NO_WIDGET) await waitForTailorEvent(page, 'tailor:ready');
    const viewed = await browse(page, server.url);
    // Follow one of Tailor's own recommendations (a tailor:click): a
    // stronger interest in its price band than a view alone gives.
    let clickedBand = 0;
    if (!NO_WIDGET) {
      await waitForSlotItems(page, 'recommendations');
      const band = `p:${priceBand(catalog.get(await page.locator('[data-tailor="recommendations"] [data-tailor-item]').first().getAttribute('data-tailor-item')).price)}`;
      const before = interest(await stored(page), band);
      await page.locator('[data-tailor="recommendations"] [data-tailor-item] a').first().click();
      await page.waitForURL('**/p/*.html');
      await waitForTailorEvent(page, 'tailor:ready');
      viewed.push(await page.locator('[data-tailor-product]').getAttribute('data-tailor-product'));
      clickedBand = interest(await stored(page), band) - before;
    }
    await page.getByRole('link', { name: /^Cart/ }).click();
    await page.waitForURL('**/cart.html');
    await page.getByRole('link', { name: 'Go to checkout' }).click();
    await page.waitForURL('**/checkout.html');
    await page.getByLabel('Full name').fill('Dana Levi');
    await page.getByLabel('Email').fill('dana@example.com');
    await page.getByLabel('Street and number').fill('Lindenstraße 12');
    await page.getByLabel('Postcode').fill('10115');
    await page.getByLabel('City').fill('Berlin');
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.waitForURL('**/thank-you.html');
    const order = await page.locator('[data-order]').getAttribute('data-order');
    const comment = 'Quick delivery, well packed';
    if (!NO_WIDGET) {
      await waitForTailorEvent(page, 'tailor:ready');
      // The survey the purchase brought up: one tap, then a comment. Only
      // the configured endpoint may get the answer, and only the answer.
      await answerSurvey(page, requests, surveyEndpoint, comment);
    }
    // Anything sent late (keepalive, the outbox) is recorded too.
    await page.goto(server.url);
    await page.waitForTimeout(300);

    const leaks = auditRequests(requests, {
      origin: new URL(server.url).origin,
      statics,
      identifying: [...new Set([...viewed, ...SEARCH.split(' '), order, 'Dana', 'dana@example.com', 'Lindenstra'])],
      eventWords: ['purchase', '"view"', '"cart"'],
      surveyEndpoint,
      comments: [comment],
    });
    assert.ok(requests.length > 10, `only ${requests.length} requests recorded`);
    assert.deepEqual(leaks, [], `requests carrying browsing data:\n${leaks.join('\n')}`);
    if (!NO_WIDGET) {
      const answers = surveyPosts(requests, surveyEndpoint);
      assert.ok(answers.length >= 1, 'the survey answer was sent');
      assert.ok(
        answers.every((a) => a.answer.score === 4 && a.answer.survey === answers[0].answer.survey && a.key === answers[0].key),
        `one answer, under one key: ${JSON.stringify(answers)}`,
      );
      assert.ok(answers.some((a) => a.answer.comment === comment), 'with its comment');
    }
    if (!NO_WIDGET) {
      const memory = await stored(page);
      assert.equal(memory.v, 2);
      const ids = memory.events.map((e) => e.id);
      for (const id of viewed) assert.ok(ids.includes(id), `${id} is remembered locally`);
      assert.ok(memory.events.some((e) => e.type === 'purchase'), 'the purchase is remembered locally');
      assert.ok(
        memory.events.some((e) => e.type === 'cart' && e.id === viewed[1]),
        'the click on the product page\'s data-tailor-add-to-cart button is a cart event',
      );
      // A view adds at most 1 to each of the product's interests, a click on a recommendation 1.5 more.
      assert.ok(clickedBand >= 1.5, `the recommendation click is learnt: +${clickedBand}`);
      const keys = memory.profile.map(([key]) => key);
      assert.ok(keys.includes('q:teapot'), `search words are a local interest: ${keys}`);
      assert.ok(keys.some((k) => k.startsWith('c:')), `categories are local interests: ${keys}`);
      const dwelt = memory.events.filter((e) => e.type === 'view' && typeof e.s === 'number');
      assert.ok(dwelt.length > 0, 'view time is recorded when a page is left');
      assert.ok(JSON.stringify(memory).length <= 32 * 1024);
    }
    assert.equal(problems.length, 0, describeProblems(problems));
    await context.close();
  });

  for (const [name, stub] of [
    ['Global Privacy Control', { gpc: true }],
    ['Do Not Track', { dnt: true }],
  ]) {
    it(`${name}: nothing is persisted, recommendations still show`, { skip }, async () => {
      const { context, page, problems } = await shopperPage(browser);
      await configure(context, stub);
      // What an earlier visit stored is erased too.
      await page.goto(server.url);
      await page.evaluate(() => localStorage.setItem('tailor', JSON.stringify({ v: 2, events: [{ id: 'earlier', type: 'view', t: Math.floor(Date.now() / 1000) }] })));
      await browse(page, server.url);
      assert.equal(await stored(page), null, 'nothing in localStorage');
      assert.ok((await waitForSlotItems(page, 'recommendations')).length > 0, 'page-context recommendations');
      assert.deepEqual(
        await page.locator('[data-tailor="recently-viewed"] [data-tailor-item]').count(),
        0,
        'no memory of other pages',
      );
      assert.equal(problems.length, 0, describeProblems(problems));
      await context.close();
    });
  }

  it('consent required: nothing kept until tailor("consent", true); false erases and stops', { skip }, async () => {
    const { context, page, problems } = await shopperPage(browser);
    await configure(context, { config: { consent: 'required' } });
    await browse(page, server.url);
    assert.equal(await stored(page), null, 'nothing before consent');
    await page.evaluate(() => window.tailor('consent', true));
    assert.equal(await page.evaluate(() => localStorage.getItem('tailor-consent')), '1');
    const viewed = await browse(page, server.url);
    const memory = await stored(page);
    assert.deepEqual(
      memory.events.filter((e) => e.type === 'view').map((e) => e.id),
      viewed,
      'after consent, views are kept',
    );
    await page.evaluate(() => window.tailor('consent', false));
    assert.equal(await stored(page), null, 'refusal erases');
    await browse(page, server.url);
    assert.equal(await stored(page), null, 'and stops');
    assert.equal(await page.evaluate(() => localStorage.getItem('tailor-consent')), '0');
    assert.equal(problems.length, 0, describeProblems(problems));
    await context.close();
  });

  it('localStorage that throws: page memory, the shop works, no errors', { skip }, async () => {
    const { context, page, problems } = await shopperPage(browser);
    await configure(context, { storageThrows: true });
    await browse(page, server.url);
    assert.ok((await waitForSlotItems(page, 'recommendations')).length > 0);
    await page.evaluate(() => {
      window.tailor('view', { id: 'x' });
      window.tailor('forget');
      window.tailor('consent', true);
    });
    assert.equal(problems.length, 0, describeProblems(problems));
    await context.close();
  });

  for (const [name, text] of [
    ['corrupt stored data', '{"v":2,"events":[oops'],
    ['data from a newer Tailor (schema 99)', '{"v":99,"events":[{"id":"future","type":"view","t":1}]}'],
  ]) it(`${name} is reported once as tailor:error (storage) and replaced`, { skip }, async () => {
    const { context, page, problems } = await shopperPage(browser, {
      // The browser asks for /favicon.ico on the bare script page below.
      allow: (kind, text) =>
        kind === 'console error' && (/tailor:error .*"source":"storage"/.test(text) || /favicon\.ico/.test(text)),
    });
    // Corrupt the memory from a same-origin page without the widget: on a
    // shop page the widget's own save on pagehide (dwell) would repair it
    // before the reload reads it.
    await page.goto(new URL('/tailor/tailor.js', server.url).href);
    await page.evaluate((text) => localStorage.setItem('tailor', text), text);
    await page.goto(server.url);
    await waitForTailorEvent(page, 'tailor:error');
    const errors = await page.evaluate(() => window.__tailorEvents.filter((e) => e.type === 'tailor:error').map((e) => e.detail));
    assert.deepEqual(errors.map((e) => e.source), ['storage']);
    await browse(page, server.url);
    const memory = await stored(page);
    assert.equal(memory.v, 2, 'working storage again');
    assert.ok(!memory.events.some((e) => e.id === 'future'), 'what could not be read is not kept');
    assert.equal(problems.length, 0, describeProblems(problems));
    await context.close();
  });

  it('two tabs writing at once lose and duplicate nothing', { skip }, async () => {
    const { context, page: first, problems } = await shopperPage(browser);
    const second = await context.newPage();
    for (const page of [first, second]) {
      await page.goto(server.url);
      await waitForTailorEvent(page, 'tailor:ready');
    }
    const ids = [...catalog.keys()].slice(0, 20);
    for (let i = 0; i < ids.length; i++) {
      await (i % 2 ? second : first).evaluate((id) => window.tailor('cart', { id }), ids[i]);
    }
    // Browsers sync localStorage between tabs asynchronously: a write that
    // overwrote the other tab's is repaired when its storage event arrives.
    await first
      .waitForFunction(
        (n) => (JSON.parse(localStorage.getItem('tailor') || '{"events":[]}').events || []).length >= n,
        ids.length,
        { timeout: 5_000 },
      )
      .catch(() => {});
    const memory = await stored(first);
    const carted = memory.events.filter((e) => e.type === 'cart').map((e) => e.id);
    assert.deepEqual([...carted].sort(), [...ids].sort(), `carted in order ${ids}, stored ${JSON.stringify(memory.events)}`);
    // The other tab's storage event refreshed its memory: its panel lists all.
    await second.getByRole('button', { name: 'What Tailor remembers' }).click();
    await second.locator('[data-tailor="privacy"] [data-tailor-item]').nth(ids.length - 1).waitFor();
    assert.equal(problems.length, 0, describeProblems(problems));
    await context.close();
  });

  it('the shopper sees, downloads, removes and forgets what Tailor remembers', { skip }, async () => {
    const { context, page, problems } = await shopperPage(browser);
    await configure(context, { config: { searchParam: 'q' } });
    await page.goto(`${server.url}?q=${encodeURIComponent(SEARCH)}`);
    // The search is learnt when Tailor starts on that page: let it start before leaving.
    if (!NO_WIDGET) await waitForTailorEvent(page, 'tailor:ready');
    const viewed = await browse(page, server.url);
    const toggle = page.getByRole('button', { name: 'What Tailor remembers' });
    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    const items = page.locator('[data-tailor="privacy"] [data-tailor-item]');
    await items.first().waitFor();
    const listed = await items.evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-tailor-item')));
    assert.deepEqual(listed, [...viewed].reverse(), 'newest first');
    assert.match(await page.locator('[data-tailor="privacy"] .tailor-memory-interests').textContent(), /teapot/);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download my data' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'tailor-data.json');
    const file = await download.path();
    const data = JSON.parse(readFileSync(file, 'utf8'));
    assert.deepEqual(data.events.filter((e) => e.type === 'view').map((e) => e.id), viewed);
    assert.ok(data.profile.some(([key]) => key === 'q:teapot'));

    const title = catalog.get(viewed[0]).title;
    await page.getByRole('button', { name: `Remove ${title}` }).click();
    await page.locator(`[data-tailor="privacy"] [data-tailor-item="${viewed[0]}"]`).waitFor({ state: 'detached' });
    assert.ok(!(await stored(page)).events.some((e) => e.id === viewed[0]), 'removed from storage');

    await page.getByRole('button', { name: 'Forget everything' }).click();
    await items.first().waitFor({ state: 'detached' });
    const memory = await stored(page);
    assert.ok(memory === null || memory.events.length === 0, 'forgotten');
    assert.equal(problems.length, 0, describeProblems(problems));
    await context.close();
  });
});
