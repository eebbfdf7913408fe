// The shopper-facing widgets in a real browser under the strict CSP:
// screenshots of every widget in en, he and zh, light and dark (into
// target/e2e/widgets/, for a person to look at), the right-to-left layout,
// the survey's one-tap answer and its never-nagging memory, and "new since
// your last visit" on the demo shop's home page for a returning shopper.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import {
  ARTIFACTS,
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

const SHOTS = path.join(ARTIFACTS, 'widgets');

/** What shows a frame's widget is ready to be looked at. */
const READY = {
  rails: (page) => waitForSlotItems(page, 'recommendations'),
  grid: (page) => waitForSlotItems(page, 'recommendations'),
  'new-arrivals': (page) => waitForSlotItems(page, 'new-arrivals'),
  'thank-you': (page) => waitForSlotItems(page, 'thank-you'),
  loading: (page) => page.locator('[data-tailor="recommendations"] .tailor-loading').waitFor(),
  'survey-csat': (page) => page.locator('[data-tailor="survey"] .tailor-survey').waitFor(),
  'survey-nps': (page) => page.locator('[data-tailor="survey"] .tailor-survey').waitFor(),
  'survey-ces': (page) => page.locator('[data-tailor="survey"] .tailor-survey').waitFor(),
  'survey-answered': (page) => page.locator('[data-tailor="survey"] .tailor-comment').waitFor(),
};

describe('widgets', { skip: NO_WIDGET && 'the site has no widget yet' }, () => {
  let server;
  let browser;

  before(async () => {
    const bin = tailorBin();
    server = await startServer(bin, siteDir(bin), ['--csp', 'strict']);
    browser = await launchBrowser();
    mkdirSync(SHOTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function framePage(view, lang, theme, viewport) {
    const { context, page, problems } = await shopperPage(browser, { viewport });
    await page.emulateMedia({ colorScheme: theme });
    await page.goto(`${server.url}gallery/frame.html?view=${view}&lang=${lang}&theme=${theme}`);
    await READY[view](page);
    // Let lazy images decode so the screenshot shows them.
    await page.waitForLoadState('networkidle');
    return { context, page, problems };
  }

  const matrix = [];
  for (const view of ['rails', 'new-arrivals', 'thank-you', 'survey-csat', 'survey-nps']) {
    for (const lang of ['en', 'he', 'zh']) for (const theme of ['light', 'dark']) matrix.push([view, lang, theme]);
  }
  matrix.push(['survey-ces', 'en', 'light'], ['survey-answered', 'en', 'light'], ['grid', 'en', 'light'], ['loading', 'en', 'light']);

  it(`screenshots of every widget (${matrix.length}) with no problems in the browser`, async () => {
    const all = [];
    for (const [view, lang, theme] of matrix) {
      const { context, page, problems } = await framePage(view, lang, theme);
      await page.locator('[data-frame]').screenshot({ path: path.join(SHOTS, `${view}-${lang}-${theme}.png`) });
      all.push(...problems);
      await context.close();
    }
    assert.equal(all.length, 0, describeProblems(all));
  });

  it('new since your last visit: nothing on a first visit, what arrived since in liked categories on the return', async () => {
    const DAY = 86_400_000;
    const catalog = [...readCatalog(siteDir(tailorBin())).values()];
    const realNow = Date.now();
    const firstVisit = realNow - 10 * DAY;
    const leaf = (p) => (p.category || []).at(-1);
    // The category with the most products that arrived after the first visit.
    const arrived = catalog.filter((p) => p.in_stock !== false && p.added * 1000 > firstVisit);
    const counts = new Map();
    for (const p of arrived) counts.set(leaf(p), (counts.get(leaf(p)) || 0) + 1);
    const [liked] = [...counts].sort((a, b) => b[1] - a[1])[0] || [];
    assert.ok(liked, 'the demo catalog has products added in the last days');
    const older = catalog.filter((p) => leaf(p) === liked && p.added * 1000 < firstVisit).slice(0, 2);
    assert.equal(older.length, 2);

    const { context, page, problems } = await shopperPage(browser);
    await page.clock.setFixedTime(firstVisit);
    await page.goto(server.url);
    await waitForTailorEvent(page, 'tailor:ready');
    const slot = page.locator('[data-tailor="new-arrivals"]');
    assert.equal(await slot.locator('[data-tailor-item]').count(), 0, 'first visit: nothing is new to them');
    assert.equal((await slot.boundingBox())?.height ?? 0, 0, 'and the slot takes no space');
    for (const p of older) {
      await page.goto(`${server.url}p/${encodeURIComponent(p.id)}.html`);
      await waitForTailorEvent(page, 'tailor:ready');
    }

    // Ten days later.
    await page.clock.setFixedTime(realNow);
    await page.goto(server.url);
    const items = await waitForSlotItems(page, 'new-arrivals');
    const byId = new Map(catalog.map((p) => [String(p.id), p]));
    for (const id of items) {
      const p = byId.get(id);
      assert.equal(leaf(p), liked, `${id} is in the liked category`);
      assert.ok(p.added * 1000 > firstVisit, `${id} arrived after the first visit`);
      assert.notEqual(p.in_stock, false, `${id} is in stock`);
    }
    const expected = arrived.filter((p) => leaf(p) === liked).length;
    assert.equal(items.length, Math.min(expected, 8), `${items.join(', ')}`);
    const heading = await slot.locator('.tailor-heading').textContent();
    assert.equal(heading, 'New since your last visit');
    await page.screenshot({ path: path.join(SHOTS, 'home-returning-new-arrivals.png') });
    assert.equal(problems.length, 0, describeProblems(problems));
    await context.close();
  });

  it('keyboard: Tab reaches every control of every rail in order, with a visible focus ring', async () => {
    const { context, page, problems } = await framePage('rails', 'en', 'light');
    const expected = await page.evaluate(() =>
      [...document.querySelectorAll('[data-tailor]')].flatMap((host) =>
        [...host.shadowRoot.querySelectorAll('button, a[href], summary')].map((el, i) => `${host.dataset.tailor}#${i}`),
      ),
    );
    assert.ok(expected.length > 10, `${expected.length} controls`);
    const reached = [];
    for (let n = 0; n < expected.length; n++) {
      await page.keyboard.press('Tab');
      reached.push(
        await page.evaluate(() => {
          const host = document.activeElement;
          const el = host?.shadowRoot?.activeElement;
          if (!el) return `outside: ${host?.tagName}`;
          const i = [...host.shadowRoot.querySelectorAll('button, a[href], summary')].indexOf(el);
          const style = getComputedStyle(el);
          const ring = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
          return `${host.dataset.tailor}#${i}${ring ? '' : ' (no focus ring)'}`;
        }),
      );
    }
    assert.deepEqual(reached, expected);
    assert.equal(problems.length, 0, describeProblems(problems));
    await context.close();
  });

  it('images lazy-load with their size set; the host themes through custom properties; dark follows the system', async () => {
    const { context, page, problems } = await shopperPage(browser);
    for (const scheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(server.url);
      await waitForSlotItems(page, 'recommendations');
      const look = await page.locator('[data-tailor="recommendations"]').evaluate((host) => {
        const card = host.shadowRoot.querySelector('.tailor-card');
        const images = [...host.shadowRoot.querySelectorAll('img')];
        const before = getComputedStyle(card).backgroundColor;
        host.style.setProperty('--tailor-radius', '3px');
        host.style.setProperty('--tailor-text', 'rgb(1, 2, 3)');
        host.style.setProperty('--tailor-font', 'Georgia, serif');
        const heading = getComputedStyle(host.shadowRoot.querySelector('.tailor-heading'));
        return {
          background: before,
          radius: getComputedStyle(card).borderRadius,
          colour: heading.color,
          font: heading.fontFamily,
          images: images.length,
          lazy: images.every((img) => img.loading === 'lazy' && img.getAttribute('width') && img.getAttribute('height')),
        };
      });
      assert.equal(look.background, scheme === 'dark' ? 'rgb(22, 27, 34)' : 'rgb(255, 255, 255)', scheme);
      assert.deepEqual([look.radius, look.colour, look.font], ['3px', 'rgb(1, 2, 3)', 'Georgia, serif']);
      assert.ok(look.images > 0 && look.lazy, JSON.stringify(look));
    }
    assert.equal(problems.length, 0, describeProblems(problems));
    await context.close();
  });

  it('on a phone the rail swipes sideways, without the scroll buttons', async () => {
    const { context, page, problems } = await shopperPage(browser, { viewport: { width: 390, height: 844 } });
    await page.goto(server.url);
    await waitForSlotItems(page, 'recommendations');
    const rail = await page.locator('[data-tailor="recommendations"]').evaluate((host) => {
      const list = host.shadowRoot.querySelector('.tailor-items');
      const buttons = host.shadowRoot.querySelector('.tailor-scrollers');
      return {
        overflow: getComputedStyle(list).overflowX,
        wider: list.scrollWidth > list.clientWidth,
        buttons: buttons ? getComputedStyle(buttons).display : 'none',
      };
    });
    assert.deepEqual(rail, { overflow: 'auto', wider: true, buttons: 'none' });
    assert.equal(problems.length, 0, describeProblems(problems));
    await context.close();
  });

  it('mirrors right to left in Hebrew: the rail starts on the right', async () => {
    const { context, page, problems } = await framePage('rails', 'he', 'light', { width: 1280, height: 900 });
    const layout = await page.locator('[data-tailor="recommendations"]').evaluate((host) => {
      const root = host.shadowRoot.querySelector('.tailor-root');
      const cards = [...host.shadowRoot.querySelectorAll('.tailor-card')].map((c) => c.getBoundingClientRect());
      const heading = host.shadowRoot.querySelector('.tailor-heading').getBoundingClientRect();
      const box = host.getBoundingClientRect();
      return { dir: root.getAttribute('dir'), first: cards[0].right, second: cards[1].right, right: box.right, headingRight: heading.right };
    });
    assert.equal(layout.dir, 'rtl');
    assert.ok(layout.first > layout.second, `first card is right of the second: ${JSON.stringify(layout)}`);
    assert.ok(layout.right - layout.first < 40, `first card hugs the right edge: ${JSON.stringify(layout)}`);
    assert.ok(layout.right - layout.headingRight < 40, `heading starts on the right: ${JSON.stringify(layout)}`);
    assert.equal(problems.length, 0, describeProblems(problems));
    await context.close();
  });

  it('the prev/next buttons scroll the rail, forward is leftwards in Hebrew', async () => {
    for (const [lang, sign] of [['en', 1], ['he', -1]]) {
      const { context, page } = await framePage('rails', lang, 'light', { width: 900, height: 900 });
      const slot = page.locator('[data-tailor="recommendations"]');
      await slot.locator('.tailor-scroll[data-direction="forward"]').click();
      await page.waitForTimeout(700);
      const left = await slot.evaluate((host) => host.shadowRoot.querySelector('.tailor-items').scrollLeft);
      assert.ok(Math.sign(left) === sign && Math.abs(left) > 100, `${lang}: scrollLeft ${left}`);
      await context.close();
    }
  });

  it('survey after a purchase: one tap answers, then never again', async () => {
    const { context, page, problems } = await shopperPage(browser);
    await page.goto(`${server.url}thank-you.html`);
    await waitForTailorEvent(page, 'tailor:ready');
    const order = { order: 'E2E-1', items: [{ id: 'nope', qty: 1 }], name: 'Dana' };
    await page.evaluate((o) => window.tailor('purchase', o), order);
    const survey = page.locator('[data-tailor="survey"] .tailor-survey');
    await survey.waitFor();
    await survey.getByRole('button', { name: /^4 of 5/ }).click();
    await waitForTailorEvent(page, 'tailor:survey-answer');
    const answers = (await tailorEvents(page)).filter((e) => e.type === 'tailor:survey-answer');
    assert.deepEqual(answers.map((a) => a.detail), [
      { survey: 'satisfaction', kind: 'csat', score: 4, locale: 'en', context: 'after-purchase' },
    ]);
    await survey.locator('input').fill('Quick and easy');
    await survey.getByRole('button', { name: 'Send' }).click();
    await page.waitForFunction(() => window.__tailorEvents.filter((e) => e.type === 'tailor:survey-answer').length === 2);
    const withComment = (await tailorEvents(page)).filter((e) => e.type === 'tailor:survey-answer')[1].detail;
    assert.equal(withComment.comment, 'Quick and easy');

    // Another purchase, another page: the survey is not shown again.
    await page.reload();
    await waitForTailorEvent(page, 'tailor:ready');
    await page.evaluate((o) => window.tailor('purchase', o), { ...order, order: 'E2E-2' });
    await page.waitForTimeout(300);
    assert.equal(await page.locator('[data-tailor="survey"] .tailor-survey').count(), 0);
    assert.equal(problems.length, 0, describeProblems(problems));
    await context.close();
  });

  it("the owner's rules pin, hide and bury in the widget, inline or from a file; a typo is reported and the rules are left out", async () => {
    const { context, page, problems } = await shopperPage(browser, {
      allow: (kind, text) => kind === 'console error' && /setting `rules`|rules-typo\.json: unknown field/.test(text),
    });
    const catalog = readCatalog(siteDir(tailorBin()));
    const products = [...catalog.values()];
    const pinned = products[products.length - 1];
    const hiddenDepartment = products[0].category[0];
    let rules = '';
    await page.route('**/', async (route) => {
      const response = await route.fetch();
      const html = (await response.text()).replace('data-catalog="/tailor/catalog.json"', `data-catalog="/tailor/catalog.json" data-limit="24" data-rules='${rules}'`);
      await route.fulfill({ response, body: html });
    });
    await page.route('**/tailor/rules-*.json', (route) => route.fulfill({
      contentType: 'application/json',
      body: route.request().url().includes('typo') ? JSON.stringify({ pinned: [pinned.id] }) : JSON.stringify({ pin: [pinned.id], hide: [{ category: hiddenDepartment }] }),
    }));
    const inline = JSON.stringify({ pin: [pinned.id], hide: [{ category: hiddenDepartment }] });
    for (const source of [inline, '/tailor/rules-shop.json']) {
      rules = source;
      await page.goto(server.url);
      const items = await waitForSlotItems(page, 'recommendations');
      assert.equal(items[0], pinned.id, `${source}: the pinned product comes first`);
      const departments = items.map((id) => catalog.get(id).category[0]);
      assert.ok(!departments.includes(hiddenDepartment), `${source}: ${hiddenDepartment} is hidden, got ${departments}`);
      assert.deepEqual((await tailorEvents(page)).filter((e) => e.type === 'tailor:error'), [], source);
    }
    // A typo: reported once, recommendations still shown without the rules.
    for (const source of ['{"pinned": ["x"]}', '/tailor/rules-typo.json']) {
      rules = source;
      await page.goto(server.url);
      const items = await waitForSlotItems(page, 'recommendations');
      const departments = items.map((id) => catalog.get(id).category[0]);
      assert.ok(departments.includes(hiddenDepartment) || items[0] !== pinned.id, `${source}: rules not applied`);
      const errors = (await tailorEvents(page)).filter((e) => e.type === 'tailor:error');
      assert.equal(errors.length, 1, `${source}: ${JSON.stringify(errors)}`);
      assert.match(errors[0].detail.message, /pinned/);
    }
    assert.equal(problems.length, 0, describeProblems(problems));
    await context.close();
  });

  it('survey after N product views: shown on the third product page, not before, and only once', async () => {
    const { context, page, problems } = await shopperPage(browser);
    // The owner's settings for this test: ask after 3 products, with a
    // survey slot on product pages (served as the owner would write them).
    await page.route('**/p/*.html', async (route) => {
      const response = await route.fetch();
      const html = (await response.text())
        .replace('data-catalog="/tailor/catalog.json"', 'data-catalog="/tailor/catalog.json" data-survey-trigger="views:3"')
        .replace('<div data-tailor="similar"></div>', '<div data-tailor="similar"></div><div data-tailor="survey"></div>');
      await route.fulfill({ response, body: html });
    });
    await page.goto(server.url);
    const products = await page.locator('a[href^="/p/"]').evaluateAll((links) => [...new Set(links.map((a) => a.getAttribute('href')))]);
    assert.ok(products.length >= 4, `${products.length} product links on the home page`);
    const survey = page.locator('[data-tailor="survey"] .tailor-survey');
    const shownAfter = [];
    for (const [i, href] of products.slice(0, 4).entries()) {
      await page.goto(`${server.url}${href.slice(1)}`);
      await waitForTailorEvent(page, 'tailor:ready');
      await page.waitForTimeout(300);
      if (await survey.count()) {
        shownAfter.push(i + 1);
        if (shownAfter.length === 1) {
          await survey.getByRole('button', { name: /^5 of 5/ }).click();
          await waitForTailorEvent(page, 'tailor:survey-answer');
          const answer = (await tailorEvents(page)).find((e) => e.type === 'tailor:survey-answer').detail;
          assert.equal(answer.score, 5);
        }
      }
    }
    assert.deepEqual(shownAfter, [3], 'the survey appears on the third product viewed, and is answered there');
    assert.equal(problems.length, 0, describeProblems(problems));
    await context.close();
  });

  it('a dismissed survey stays closed, even on the owner\'s command', async () => {
    const { context, page, problems } = await shopperPage(browser);
    await page.goto(`${server.url}thank-you.html`);
    await waitForTailorEvent(page, 'tailor:ready');
    await page.evaluate(() => window.tailor('survey'));
    const survey = page.locator('[data-tailor="survey"] .tailor-survey');
    await survey.waitFor();
    await survey.getByRole('button', { name: 'Close survey' }).click();
    assert.equal(await survey.count(), 0);
    await page.reload();
    await waitForTailorEvent(page, 'tailor:ready');
    await page.evaluate(() => window.tailor('survey'));
    await page.waitForTimeout(300);
    assert.equal(await page.locator('[data-tailor="survey"] .tailor-survey').count(), 0);
    assert.equal(problems.length, 0, describeProblems(problems));
    await context.close();
  });
});
