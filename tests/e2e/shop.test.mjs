// A shopper's visit to the demo shop, served under the strict CSP: home →
// a search → a department → three products (clicking links like a person)
// → home, where recommendations and recently-viewed must reflect the visit;
// then cart, checkout, the order confirmation and the survey. Any console
// error, page error, failed request or CSP violation fails the run, and so
// does any request that carries what the shopper did (the network audit of
// audit.mjs, over every request of the visit).
//
// Run: npm run test:e2e (see harness.mjs for the environment it reads).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  NO_WIDGET,
  artifactPath,
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
import { answerSurvey, auditRequests, fakeCollector, recordRequests, staticPaths, surveyPosts } from './audit.mjs';

const needsWidget = NO_WIDGET ? 'no widget in this run (TAILOR_E2E_NO_WIDGET=1)' : false;
/** The shop's own search words, as its results page would have them in `?q=`. */
const SEARCH = 'zebrawood teapot';
const COMMENT = 'Quick delivery, well packed';

describe('a shopper browses the demo shop under the strict CSP', () => {
  let server;
  let browser;
  let page;
  let problems;
  let catalog;
  const viewed = [];
  let cartIds = [];
  let statics;
  let requests;
  let surveyEndpoint;
  let order;

  before(async () => {
    const bin = tailorBin();
    const dir = siteDir(bin);
    if (!NO_WIDGET && !existsSync(path.join(dir, 'tailor', 'tailor.js'))) {
      throw new Error(
        `${dir} has no tailor/tailor.js: build the widget (scripts/build.sh) and the site, ` +
          'or set TAILOR_E2E_NO_WIDGET=1 to test the shop alone',
      );
    }
    catalog = readCatalog(dir);
    statics = staticPaths(dir);
    server = await startServer(bin, dir, ['--csp', 'strict']);
    browser = await launchBrowser();
    let context;
    ({ context, page, problems } = await shopperPage(browser));
    // The owner names the search parameter and a survey endpoint (same
    // origin, answered here in place of their collector).
    surveyEndpoint = new URL('/v1/answers', server.url).href;
    await context.addInitScript((config) => {
      window.tailorConfig = config;
    }, { searchParam: 'q', surveyEndpoint });
    await fakeCollector(context, surveyEndpoint);
    requests = recordRequests(context);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('home page loads with the embed and both slots', async () => {
    const response = await page.goto(server.url);
    assert.equal(response.status(), 200);
    const csp = response.headers()['content-security-policy'];
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
    assert.equal(await page.locator('script[src="/tailor/tailor.js"][data-catalog="/tailor/catalog.json"]').count(), 1);
    assert.equal(await page.locator('[data-tailor="recommendations"]').count(), 1);
    assert.equal(await page.locator('[data-tailor="recently-viewed"]').count(), 1);
    if (!NO_WIDGET) await waitForTailorEvent(page, 'tailor:ready');
  });

  it('recommends popular products before there is any history', { skip: needsWidget }, async () => {
    const items = await waitForSlotItems(page, 'recommendations');
    assert.ok(items.length > 0);
    for (const id of items) assert.ok(catalog.has(id), `${id} is not in the catalog`);
    assert.deepEqual(await slotItems(page, 'recently-viewed'), [], 'nothing viewed yet');
  });

  it("searches the shop (its results page has the words in `?q=`)", async () => {
    await page.goto(`${server.url}?q=${encodeURIComponent(SEARCH)}`);
    if (!NO_WIDGET) await waitForTailorEvent(page, 'tailor:ready');
  });

  it('goes to a department from the navigation', async () => {
    await page.getByRole('navigation', { name: 'Departments' }).getByRole('link', { name: 'Kitchen' }).click();
    await page.waitForURL('**/c/kitchen.html');
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Kitchen');
    assert.ok((await page.locator('.grid .card').count()) > 20);
  });

  it('views three products, clicking through like a person', async () => {
    for (let n = 0; n < 3; n++) {
      // A different product each time, in stock so it can go in the cart.
      const card = page.locator('.grid .card:has(button[data-add-to-cart]) .card-link').nth(n * 2);
      const title = (await card.locator('.card-title').textContent()).trim();
      await card.click();
      await page.waitForURL('**/p/*.html');
      const product = page.locator('[data-tailor-product]');
      const id = await product.getAttribute('data-tailor-product');
      assert.ok(catalog.has(id), `${id} on screen is a catalog product`);
      assert.equal((await page.getByRole('heading', { level: 1 }).textContent()).trim(), title);
      const ld = JSON.parse(await page.locator('script[type="application/ld+json"]').textContent());
      assert.equal(ld.sku, id);
      viewed.push(id);

      if (!NO_WIDGET) {
        const similar = await waitForSlotItems(page, 'similar');
        assert.ok(!similar.includes(id), `similar shows the product on screen (${id}): ${similar}`);
        for (const s of similar) assert.ok(catalog.has(s), `similar shows ${s}, not in the catalog`);
      }

      if (n === 2) {
        // Put the last one in the cart from its product page.
        await page.getByRole('button', { name: 'Add to cart' }).click();
        await assertCartCount(page, 1);
        cartIds.push(id);
      }
      // Back to the department through the breadcrumb.
      await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Kitchen' }).click();
      await page.waitForURL('**/c/kitchen.html');
    }
    assert.equal(new Set(viewed).size, 3);
  });

  it('home shows personal recommendations and the three viewed products, newest first', { skip: needsWidget }, async () => {
    await page.getByRole('link', { name: /Juniper Lane/ }).first().click();
    await page.waitForURL(server.url);
    await waitForTailorEvent(page, 'tailor:shown');
    const recommendations = await waitForSlotItems(page, 'recommendations');
    assert.ok(recommendations.length >= 3, `only ${recommendations.length} recommendations`);
    for (const id of recommendations) assert.ok(catalog.has(id), `${id} is not in the catalog`);
    const kitchen = recommendations.filter((id) => catalog.get(id).category?.[0] === 'Kitchen');
    assert.ok(kitchen.length > 0, `after viewing three Kitchen products, none of ${recommendations} is from Kitchen`);
    const recent = await waitForSlotItems(page, 'recently-viewed');
    assert.deepEqual(recent, [...viewed].reverse());
    const shown = (await tailorEvents(page)).filter((e) => e.type === 'tailor:shown');
    assert.ok(shown.length > 0);
  });

  it('takes a screenshot of the home page after browsing', async () => {
    if (!page.url().endsWith('/')) {
      await page.getByRole('link', { name: /Juniper Lane/ }).first().click();
      await page.waitForURL(server.url);
    }
    // Lazy images below the fold: scroll through so the full-page shot has them.
    await page.evaluate(async () => {
      for (let y = 0; y < document.body.scrollHeight; y += 600) {
        window.scrollTo(0, y);
        await new Promise((r) => setTimeout(r, 30));
      }
      window.scrollTo(0, 0);
    });
    const file = artifactPath('home-after-browsing.png');
    await page.screenshot({ path: file, fullPage: true });
    assert.ok(existsSync(file));
  });

  it('quick-adds a product from the department page through the command queue', async () => {
    // After the home page checks, so recently-viewed holds views only.
    await page.getByRole('navigation', { name: 'Departments' }).getByRole('link', { name: 'Kitchen' }).click();
    await page.waitForURL('**/c/kitchen.html');
    const button = page.locator('.grid .card button[data-add-to-cart]').nth(5);
    const id = await button.getAttribute('data-product-id');
    await button.click();
    await assertCartCount(page, 2);
    cartIds.push(id);
    if (NO_WIDGET) {
      const queued = await page.evaluate(() => (window.tailor.q || []).map((args) => Array.from(args)));
      assert.deepEqual(queued, [['cart', { id }]]);
    }
  });

  it('cart lists both products with quantities and totals', async () => {
    await page.getByRole('link', { name: /^Cart/ }).click();
    await page.waitForURL('**/cart.html');
    const lines = page.locator('[data-cart-line]');
    assert.equal(await lines.count(), 2);
    assert.deepEqual(await lines.evaluateAll((ls) => ls.map((l) => l.getAttribute('data-cart-line'))), cartIds);
    // One more of the first product.
    await lines.first().getByRole('button', { name: 'One more' }).click();
    await assertCartCount(page, 3);
    assert.equal((await lines.first().locator('.qty-value').textContent()).trim(), '2');
    const prices = cartIds.map((id) => catalog.get(id).price);
    const subtotal = 2 * prices[0] + prices[1];
    const shownSubtotal = await page.locator('[data-total="subtotal"]').textContent();
    assert.equal(parseMoney(shownSubtotal), Math.round(subtotal * 100) / 100);
  });

  it('checkout asks for the missing fields, then places the order', async () => {
    await page.getByRole('link', { name: 'Go to checkout' }).click();
    await page.waitForURL('**/checkout.html');
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.getByRole('alert').filter({ hasText: 'Please fill in' }).waitFor();
    assert.ok(page.url().endsWith('/checkout.html'), 'stays on checkout with an empty form');
    await page.getByLabel('Full name').fill('Dana Levi');
    await page.getByLabel('Email').fill('dana@example.com');
    await page.getByLabel('Street and number').fill('Lindenstraße 12');
    await page.getByLabel('Postcode').fill('10115');
    await page.getByLabel('City').fill('Berlin');
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.waitForURL('**/thank-you.html');
  });

  it('the survey the purchase brought up takes one tap and a comment', { skip: needsWidget }, async () => {
    await waitForTailorEvent(page, 'tailor:ready');
    await answerSurvey(page, requests, surveyEndpoint, COMMENT);
    const answers = surveyPosts(requests, surveyEndpoint);
    assert.ok(answers.every((a) => a.answer.score === 4), JSON.stringify(answers));
  });

  it('thank-you page confirms the order and reports the purchase once', async () => {
    await assertCartCount(page, 0);
    assert.equal((await page.getByRole('heading', { level: 1 }).textContent()).trim(), 'Thank you, Dana!');
    order = await page.locator('[data-order]').getAttribute('data-order');
    assert.match(order, /^JL-\d{6}$/);
    assert.equal(await page.locator('[data-tailor="thank-you"]').count(), 1);
    assert.equal(await page.locator('[data-tailor="survey"]').count(), 1);
    if (NO_WIDGET) {
      const queued = await page.evaluate(() => (window.tailor.q || []).map((args) => Array.from(args)));
      assert.equal(queued.length, 1);
      const [command, purchase] = queued[0];
      assert.equal(command, 'purchase');
      assert.equal(purchase.order, order);
      assert.equal(purchase.name, 'Dana Levi');
      assert.deepEqual(
        purchase.items.map((i) => [i.id, i.qty]),
        [[cartIds[0], 2], [cartIds[1], 1]],
      );
    }
    if (!NO_WIDGET) {
      // The widget's own thank-you message, rendered in the slot's shadow root.
      await page.waitForFunction(
        () => (document.querySelector('[data-tailor="thank-you"]')?.shadowRoot?.textContent || '').trim().length > 0,
        null,
        { timeout: 10_000 },
      );
      // The shop's co-purchase model (data-model) is linked, and what goes
      // with the order comes from it: "often bought with" one of its items.
      const ready = (await tailorEvents(page)).find((e) => e.type === 'tailor:ready');
      assert.equal(ready?.detail.model, true, JSON.stringify(ready?.detail));
      await waitForSlotItems(page, 'thank-you');
      const reasons = await page.locator('[data-tailor="thank-you"]').evaluate((host) =>
        [...host.shadowRoot.querySelectorAll('.tailor-reason')].map((r) => r.textContent));
      const bought = cartIds.map((id) => catalog.get(id).title);
      assert.ok(
        reasons.some((r) => bought.some((title) => r === `Often bought with ${title}`)),
        `reasons ${JSON.stringify(reasons)} name none of ${JSON.stringify(bought)}`,
      );
    }
    await page.reload();
    assert.equal(await page.locator('[data-order]').getAttribute('data-order'), order, 'reload shows the same order');
    if (NO_WIDGET) {
      const queued = await page.evaluate(() => window.tailor.q || []);
      assert.equal(queued.length, 0, 'a reload does not report the purchase again');
    }
  });

  it('no request carries a product id, search word, the order or an event', async () => {
    // Anything sent late (keepalive, the outbox's retries) is recorded too.
    await page.goto(server.url);
    await page.waitForTimeout(300);
    const leaks = auditRequests(requests, {
      origin: new URL(server.url).origin,
      statics,
      identifying: [...new Set([...viewed, ...cartIds, ...SEARCH.split(' '), order, 'Dana', 'dana@example.com', 'Lindenstra'])],
      eventWords: ['purchase', '"view"', '"cart"'],
      surveyEndpoint,
      comments: [COMMENT],
    });
    assert.ok(requests.length > 10, `only ${requests.length} requests recorded`);
    assert.deepEqual(leaks, [], `requests carrying browsing data:\n${leaks.join('\n')}`);
    if (!NO_WIDGET) assert.ok(surveyPosts(requests, surveyEndpoint).some((a) => a.answer.comment === COMMENT));
  });

  it('no console errors, page errors, failed requests or CSP violations', () => {
    assert.equal(problems.length, 0, `problems in the browser:\n${describeProblems(problems)}`);
  });
});

async function assertCartCount(page, expected) {
  await page.locator('[data-cart-count]').filter({ hasText: new RegExp(`^${expected}$`) }).waitFor({ timeout: 5_000 });
}

function parseMoney(text) {
  return Number(text.replace(/[^0-9.]/g, ''));
}
