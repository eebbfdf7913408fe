// Tailor in host pages that make its life hard: Trusted Types enforced,
// CSS that restyles everything with !important, the script included twice,
// commands queued (some malformed) before the script loads, builtins the
// widget might lean on replaced by the host, broken catalog feeds, and slots
// removed from under the widget. In each, the host page must see no uncaught
// error, no console error and no CSP violation, and the widget must either
// work or hide.
//
// The small host pages are written into the site directory (under
// /hostile/) at test time and removed afterwards: the strict CSP allows no
// inline script or style, so every script and stylesheet is its own file.
//
// Run: npm run test:e2e (see harness.mjs for the environment it reads).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
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

const needsWidget = NO_WIDGET ? 'no widget in this run (TAILOR_E2E_NO_WIDGET=1)' : false;
const EMBED = '<script src="/tailor/tailor.js" data-catalog="/tailor/catalog.json" async></script>';

// Restyles every element it can reach, with !important, the way a careless
// theme or a CSS reset gone wrong would. None of it may reach into the slots.
const HOSTILE_CSS = `
* { all: unset !important; color: red !important; display: inline !important; font-size: 40px !important; }
li, img, a, section, h2, ul, span, div {
  display: inline !important; width: 5px !important; height: 5px !important;
  margin: 17px !important; padding: 0 !important; border: 3px dotted red !important;
  font-family: monospace !important; list-style: disc !important; text-decoration: line-through !important;
}
.tailor-card, .tailor-heading, .tailor-image, .tailor-items, [data-tailor-item] { display: none !important; }
head, script, style, link { display: none !important; }
`;

// The host's own behaviour, which a failing widget must not take down.
const HOST_JS = `
document.addEventListener('DOMContentLoaded', function () {
  var clicks = 0;
  document.getElementById('host-button').addEventListener('click', function () {
    clicks += 1;
    document.getElementById('host-output').textContent = 'clicked ' + clicks;
  });
});
`;

// Replaces builtins a widget might use with ones that throw: anything
// Tailor calls through them fails loudly.
const BROKEN_BUILTINS_JS = `
Array.prototype.push = function () { throw new Error('host page: Array.prototype.push is broken here'); };
Array.prototype.map = function () { throw new Error('host page: Array.prototype.map is broken here'); };
JSON.parse = function () { throw new Error('host page: JSON.parse is broken here'); };
`;

// Removes the recommendations slot as soon as the widget is ready (before or
// while it renders) and the similar slot once it has shown its cards.
const REMOVE_JS = `
document.addEventListener('tailor:ready', function () {
  var slot = document.querySelector('[data-tailor="recommendations"]');
  if (slot) slot.remove();
});
document.addEventListener('tailor:shown', function (event) {
  if (!event.detail || event.detail.slot !== 'similar') return;
  var slot = document.querySelector('[data-tailor="similar"]');
  if (slot) slot.remove();
});
`;

function queueJs(id) {
  return `// The page's command queue, used before tailor.js has loaded, with two malformed calls.
window.tailor = window.tailor || function () { (window.tailor.q = window.tailor.q || []).push(arguments); };
tailor('view', { id: ${JSON.stringify(id)} });
tailor('explode');
tailor('view');
`;
}

function hostPage(title, head, body) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${title}</title>
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
${head}
</head>
<body>
<main>
<h1>${title}</h1>
<p>The host page's own content.</p>
<button id="host-button" type="button">Host button</button>
<output id="host-output">not clicked</output>
${body}
</main>
</body>
</html>
`;
}

const SLOTS = '<div data-tailor="recommendations"></div>\n<div data-tailor="recently-viewed"></div>';
const HOST_SCRIPT = '<script src="/hostile/host.js"></script>';

/** The hostile pages and their assets, by path under the site directory. */
function hostileFiles(productId) {
  const feedPage = (file) =>
    hostPage(
      `Broken feed ${file}`,
      `${HOST_SCRIPT}\n<script src="/tailor/tailor.js" data-catalog="/hostile/${file}" async></script>`,
      SLOTS,
    );
  return {
    'style.css': HOSTILE_CSS,
    'host.js': HOST_JS,
    'builtins.js': BROKEN_BUILTINS_JS,
    'remove.js': REMOVE_JS,
    'queue.js': queueJs(productId),
    'invalid.json': '{"products": [{"id": "a", "title": "Half a',
    'wrong-shape.json': '{"items": 3}',
    'css.html': hostPage(
      'Hostile CSS',
      `<link rel="stylesheet" href="/hostile/style.css">\n${HOST_SCRIPT}\n${EMBED}`,
      `<div data-tailor-product="${productId}"></div>\n<div data-tailor="recommendations"></div>\n<div data-tailor="recently-viewed"></div>`,
    ),
    'small-root.css': '/* The "1rem = 10px" idiom many shop themes use. */\nhtml { font-size: 62.5%; }\n',
    'plain.html': hostPage('Plain host', `${HOST_SCRIPT}\n${EMBED}`, SLOTS),
    'small-root.html': hostPage(
      'Host with a 10px root font size',
      `<link rel="stylesheet" href="/hostile/small-root.css">\n${HOST_SCRIPT}\n${EMBED}`,
      SLOTS,
    ),
    'twice.html': hostPage('Script twice', `${HOST_SCRIPT}\n${EMBED}\n${EMBED}`, SLOTS),
    'queue.html': hostPage(
      'Queue before load',
      `${HOST_SCRIPT}\n<script src="/hostile/queue.js"></script>\n${EMBED}`,
      '<div data-tailor="recommendations"></div>',
    ),
    'builtins.html': hostPage(
      'Broken builtins',
      `${HOST_SCRIPT}\n<script src="/hostile/builtins.js"></script>\n${EMBED}`,
      `<div data-tailor-product="${productId}"></div>\n${SLOTS}`,
    ),
    'feed-missing.html': feedPage('missing.json'),
    'feed-invalid.html': feedPage('invalid.json'),
    'feed-shape.html': feedPage('wrong-shape.json'),
    'remove.html': hostPage(
      'Slots removed',
      `${HOST_SCRIPT}\n<script src="/hostile/remove.js"></script>\n${EMBED}`,
      `<div data-tailor="recommendations"></div>\n<div data-tailor="similar" data-product="${productId}"></div>\n<div data-tailor="recently-viewed"></div>`,
    ),
  };
}

/** The harness's console echo of a `tailor:error` event from `source`. */
const isTailorErrorEcho = (source) => (kind, text) =>
  kind === 'console error' && text.startsWith(`tailor:error {"source":"${source}"`);

async function assertHostStillWorks(page) {
  await page.locator('#host-button').click();
  await page.locator('#host-output').filter({ hasText: /^clicked 1$/ }).waitFor({ timeout: 5_000 });
}

/** Elements in a slot's shadow root that show something (cards, headings). */
function slotContent(page, slot) {
  return page
    .locator(`[data-tailor="${slot}"]`)
    .evaluate((el) => (el.shadowRoot ? el.shadowRoot.querySelectorAll('section, li, h2, img').length : -1));
}

function slotHeight(page, slot) {
  return page.locator(`[data-tailor="${slot}"]`).evaluate((el) => el.getBoundingClientRect().height);
}

/** Lets work the page has queued run out before counting what happened. */
async function settle(page) {
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(300);
}

function assertNoProblems(problems) {
  assert.equal(problems.length, 0, `problems in the browser:\n${describeProblems(problems)}`);
}

describe('Tailor in hostile host pages', { skip: needsWidget }, () => {
  let bin;
  let dir;
  let hostileDir;
  let catalog;
  let productId;
  let server;
  let browser;

  before(async () => {
    bin = tailorBin();
    dir = siteDir(bin);
    if (!existsSync(path.join(dir, 'tailor', 'tailor.js'))) {
      throw new Error(`${dir} has no tailor/tailor.js: build the widget (scripts/build.sh) and the site`);
    }
    catalog = readCatalog(dir);
    productId = [...catalog.values()].find((p) => p.in_stock !== false && p.image).id;
    hostileDir = path.join(dir, 'hostile');
    mkdirSync(hostileDir, { recursive: true });
    for (const [name, text] of Object.entries(hostileFiles(productId))) {
      writeFileSync(path.join(hostileDir, name), text);
    }
    server = await startServer(bin, dir, ['--csp', 'strict']);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (hostileDir) rmSync(hostileDir, { recursive: true, force: true });
  });

  /** Runs `fn` in a fresh shopper (empty storage), closing it afterwards. */
  async function asShopper(options, fn) {
    const { context, page, problems } = await shopperPage(browser, options);
    try {
      return await fn(page, problems);
    } finally {
      await context.close();
    }
  }

  it('browses home → product → home with Trusted Types enforced, without a violation', async () => {
    const trusted = await startServer(bin, dir, ['--csp', 'strict', '--trusted-types']);
    try {
      await asShopper({}, async (page, problems) => {
        const response = await page.goto(trusted.url);
        assert.match(response.headers()['content-security-policy'], /require-trusted-types-for 'script'/);
        await waitForTailorEvent(page, 'tailor:ready');
        const popular = await waitForSlotItems(page, 'recommendations');
        assert.ok(popular.length > 0);

        // Into a product from the widget's own card, like a shopper.
        const card = page.locator('[data-tailor="recommendations"] [data-tailor-item]').first();
        const picked = await card.getAttribute('data-tailor-item');
        await card.locator('a').click();
        await page.waitForURL('**/p/*.html');
        assert.equal(await page.locator('[data-tailor-product]').getAttribute('data-tailor-product'), picked);
        const similar = await waitForSlotItems(page, 'similar');
        assert.ok(similar.length > 0 && !similar.includes(picked), `similar: ${similar}`);
        assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);

        await page.getByRole('link', { name: /Juniper Lane/ }).first().click();
        await page.waitForURL(trusted.url);
        const recommendations = await waitForSlotItems(page, 'recommendations');
        assert.ok(recommendations.length > 0 && !recommendations.includes(picked));
        assert.deepEqual(await waitForSlotItems(page, 'recently-viewed'), [picked]);
        await settle(page);
        assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);

        // Lazy images below the fold: scroll through so the full-page shot has them.
        await page.evaluate(async () => {
          for (let y = 0; y < document.body.scrollHeight; y += 600) {
            window.scrollTo(0, y);
            await new Promise((r) => setTimeout(r, 30));
          }
          window.scrollTo(0, 0);
        });
        const file = artifactPath('home-trusted-types.png');
        await page.screenshot({ path: file, fullPage: true });
        assert.ok(existsSync(file));
        assertNoProblems(problems);
      });
    } finally {
      await trusted.stop();
    }
  });

  it('keeps its own styles under host CSS that restyles everything with !important', async (t) => {
    await asShopper({}, async (page, problems) => {
      await page.goto(`${server.url}hostile/css.html`);
      // The host's stylesheet is really in force on the host's own elements.
      assert.equal(await page.locator('h1').evaluate((el) => getComputedStyle(el).fontSize), '40px');
      assert.equal(await page.locator('h1').evaluate((el) => getComputedStyle(el).display), 'inline');
      const items = await waitForSlotItems(page, 'recommendations');
      assert.ok(items.length > 0);
      await settle(page);

      const styles = await page.locator('[data-tailor="recommendations"]').evaluate((host) => {
        const root = host.shadowRoot;
        const style = (selector) => getComputedStyle(root.querySelector(selector));
        const image = root.querySelector('.tailor-image');
        return {
          card: style('.tailor-card').display,
          cardBorder: style('.tailor-card').borderTopStyle,
          items: style('.tailor-items').display,
          itemsListStyle: style('.tailor-items').listStyleType,
          headingDisplay: style('.tailor-heading').display,
          headingSize: style('.tailor-heading').fontSize,
          headingHeight: root.querySelector('.tailor-heading').getBoundingClientRect().height,
          titleDecoration: style('.tailor-title').textDecorationLine,
          imageAttributes: [image.getAttribute('width'), image.getAttribute('height')],
          imageWidth: image.getBoundingClientRect().width,
          imageDisplay: style('.tailor-image').display,
          cardWidth: root.querySelector('.tailor-card').getBoundingClientRect().width,
          titleColor: style('.tailor-title').color,
          titleFont: style('.tailor-title').fontFamily,
        };
      });
      t.diagnostic(`computed in the shadow root: ${JSON.stringify(styles)}`);
      assert.equal(styles.card, 'flex', JSON.stringify(styles));
      assert.equal(styles.items, 'grid', JSON.stringify(styles));
      assert.equal(styles.itemsListStyle, 'none', JSON.stringify(styles));
      assert.equal(styles.cardBorder, 'solid', JSON.stringify(styles));
      assert.equal(styles.headingDisplay, 'block', JSON.stringify(styles));
      assert.notEqual(styles.headingSize, '40px', JSON.stringify(styles));
      assert.ok(styles.headingHeight > 0, JSON.stringify(styles));
      assert.equal(styles.titleDecoration, 'none', JSON.stringify(styles));
      assert.deepEqual(styles.imageAttributes, ['160', '160']);
      assert.equal(styles.imageDisplay, 'block', JSON.stringify(styles));
      assert.ok(styles.imageWidth > 50, `image squashed by the host CSS: ${JSON.stringify(styles)}`);
      assert.ok(styles.cardWidth > 100, `card squashed by the host CSS: ${JSON.stringify(styles)}`);
      await assertHostStillWorks(page);
      assertNoProblems(problems);
    });
  });

  it(
    'keeps its text colour when host CSS colours the slot element',
    async () => {
      await asShopper({}, async (page, problems) => {
        await page.goto(`${server.url}hostile/css.html`);
        await waitForSlotItems(page, 'recommendations');
        const colours = await page.locator('[data-tailor="recommendations"]').evaluate((host) =>
          ['.tailor-heading', '.tailor-title', '.tailor-price'].map(
            (selector) => `${selector} ${getComputedStyle(host.shadowRoot.querySelector(selector)).color}`,
          ),
        );
        assertNoProblems(problems);
        for (const colour of colours) assert.doesNotMatch(colour, /rgb\(255, 0, 0\)/, colours.join(', '));
      });
    },
  );

  it(
    'keeps its text sizes when the host sets html { font-size: 62.5% }',
    async (t) => {
      const sizes = (page) =>
        page.locator('[data-tailor="recommendations"]').evaluate((host) => {
          const size = (selector) => getComputedStyle(host.shadowRoot.querySelector(selector)).fontSize;
          return {
            heading: size('.tailor-heading'),
            title: size('.tailor-title'),
            reason: size('.tailor-reason'),
            cardWidth: Math.round(host.shadowRoot.querySelector('.tailor-card').getBoundingClientRect().width),
          };
        });
      await asShopper({}, async (page, problems) => {
        await page.goto(`${server.url}hostile/plain.html`);
        await waitForSlotItems(page, 'recommendations');
        const plain = await sizes(page);
        await page.goto(`${server.url}hostile/small-root.html`);
        await waitForSlotItems(page, 'recommendations');
        const small = await sizes(page);
        t.diagnostic(`plain host: ${JSON.stringify(plain)}; html { font-size: 62.5% }: ${JSON.stringify(small)}`);
        assertNoProblems(problems);
        assert.deepEqual(small, plain);
      });
    },
  );

  it('renders each slot once when the page includes tailor.js twice', async () => {
    await asShopper({}, async (page, problems) => {
      await page.goto(`${server.url}hostile/twice.html`);
      assert.equal(await page.locator('script[src="/tailor/tailor.js"]').count(), 2);
      const items = await waitForSlotItems(page, 'recommendations');
      await settle(page);
      assert.equal(new Set(items).size, items.length, `duplicated items: ${items}`);
      const rendered = await page.locator('[data-tailor="recommendations"]').evaluate((host) => ({
        roots: host.shadowRoot.querySelectorAll('.tailor-root').length,
        rails: host.shadowRoot.querySelectorAll('section').length,
      }));
      assert.deepEqual(rendered, { roots: 1, rails: 1 });
      const events = await tailorEvents(page);
      assert.equal(events.filter((e) => e.type === 'tailor:ready').length, 1, JSON.stringify(events));
      assert.deepEqual(events.filter((e) => e.type === 'tailor:error'), []);
      assertNoProblems(problems);
    });
  });

  it('replays commands queued before load; malformed ones only warn', async () => {
    await asShopper({ allow: isTailorErrorEcho('command') }, async (page, problems) => {
      const warnings = [];
      page.on('console', (m) => {
        if (m.type() === 'warning') warnings.push(m.text());
      });
      await page.goto(`${server.url}hostile/queue.html`);
      await waitForTailorEvent(page, 'tailor:ready');
      await settle(page);
      const errors = (await tailorEvents(page)).filter((e) => e.type === 'tailor:error');
      assert.equal(errors.length, 2, JSON.stringify(errors));
      for (const e of errors) assert.equal(e.detail.source, 'command', JSON.stringify(e));
      const commandWarnings = warnings.filter((w) => /command/.test(w));
      assert.equal(commandWarnings.length, 2, `console warnings: ${JSON.stringify(warnings)}`);
      // The view counted: the next page remembers it.
      await page.goto(server.url);
      assert.deepEqual(await waitForSlotItems(page, 'recently-viewed'), [productId]);
      assertNoProblems(problems);
    });
  });

  it('works in a page that replaced Array.prototype.push/map and JSON.parse', async () => {
    await asShopper({}, async (page, problems) => {
      await page.goto(`${server.url}hostile/builtins.html`);
      // Playwright's main-world evaluate itself needs Array.prototype.push for
      // its arguments, so in this page: argument-free evaluate, results as
      // JSON strings, and locators (which run in Playwright's own world).
      const brokenHere = await page.evaluate(() => {
        try {
          [].push(1);
          return false;
        } catch {
          return true;
        }
      });
      assert.ok(brokenHere, 'the host script replaced the builtins');
      const cards = page.locator('[data-tailor="recommendations"] [data-tailor-item]');
      await cards.first().waitFor({ timeout: 10_000 });
      await settle(page);
      const items = [];
      for (let i = 0, n = await cards.count(); i < n; i++) items.push(await cards.nth(i).getAttribute('data-tailor-item'));
      assert.ok(items.length > 0 && !items.includes(productId), `recommendations: ${items}`);
      for (const id of items) assert.ok(catalog.has(id), `${id} is not in the catalog`);
      const events = JSON.parse(await page.evaluate(() => JSON.stringify(window.__tailorEvents)));
      assert.deepEqual(events.filter((e) => e.type === 'tailor:error'), []);
      assert.equal(events.filter((e) => e.type === 'tailor:ready').length, 1);
      // The shopper's view of the product on screen was recorded despite the host.
      assert.ok(events.find((e) => e.type === 'tailor:ready').detail.events >= 1, JSON.stringify(events));
      await assertHostStillWorks(page);
      assertNoProblems(problems);
    });
  });

  for (const [name, file] of [
    ['a missing catalog (404)', 'missing.json'],
    ['a catalog that is not JSON', 'invalid.json'],
    ['a catalog of the wrong shape', 'wrong-shape.json'],
  ]) {
    const pageName = { 'missing.json': 'feed-missing', 'invalid.json': 'feed-invalid', 'wrong-shape.json': 'feed-shape' }[file];
    it(`hides on ${name}: empty slots, one catalog error, host page unharmed`, async () => {
      const expected404 = (kind, text) =>
        (kind === 'HTTP error' && text === `404 ${server.url}hostile/${file}`) ||
        (kind === 'console error' && /Failed to load resource: .*404/.test(text) && text.includes(`/hostile/${file}`));
      const allow = (kind, text) => isTailorErrorEcho('catalog')(kind, text) || (file === 'missing.json' && expected404(kind, text));
      await asShopper({ allow }, async (page, problems) => {
        await page.goto(`${server.url}hostile/${pageName}.html`);
        await waitForTailorEvent(page, 'tailor:error');
        await settle(page);
        const events = await tailorEvents(page);
        const errors = events.filter((e) => e.type === 'tailor:error');
        assert.equal(errors.length, 1, JSON.stringify(errors));
        assert.equal(errors[0].detail.source, 'catalog');
        assert.ok(errors[0].detail.message.includes(`/hostile/${file}`), errors[0].detail.message);
        assert.deepEqual(events.filter((e) => e.type !== 'tailor:error'), [], 'no ready or shown after a failed catalog');
        for (const slot of ['recommendations', 'recently-viewed']) {
          assert.equal(await slotHeight(page, slot), 0, `${slot} takes space`);
          assert.ok((await slotContent(page, slot)) <= 0, `${slot} shows something`);
        }
        await assertHostStillWorks(page);
        assertNoProblems(problems);
      });
    });
  }

  it('shrugs off slots removed from the page right after load', async () => {
    await asShopper({}, async (page, problems) => {
      await page.goto(`${server.url}hostile/remove.html`);
      await waitForTailorEvent(page, 'tailor:ready');
      await page.locator('[data-tailor="similar"]').waitFor({ state: 'detached', timeout: 10_000 });
      assert.equal(await page.locator('[data-tailor="recommendations"]').count(), 0);
      // Memory changes re-render every rail, the removed ones included.
      await page.evaluate((id) => window.tailor('view', { id }), productId);
      assert.deepEqual(await waitForSlotItems(page, 'recently-viewed'), [productId]);
      await page.evaluate(() => window.tailor('forget'));
      await page.locator('[data-tailor="recently-viewed"] [data-tailor-item]').first().waitFor({ state: 'detached' });
      await settle(page);
      const errors = (await tailorEvents(page)).filter((e) => e.type === 'tailor:error');
      assert.deepEqual(errors, []);
      assert.deepEqual(await slotItems(page, 'recently-viewed'), []);
      await assertHostStillWorks(page);
      assertNoProblems(problems);
    });
  });
});
