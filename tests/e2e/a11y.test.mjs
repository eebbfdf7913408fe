// Accessibility of every kind of page in the demo shop (and of the widget's
// slots in them, which axe reads through their open shadow roots), checked
// with axe-core against WCAG 2.1 A and AA, under the strict CSP.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  NO_WIDGET,
  describeProblems,
  launchBrowser,
  shopperPage,
  siteDir,
  startServer,
  tailorBin,
  waitForTailorEvent,
} from './harness.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

describe('the demo shop is accessible (axe-core, WCAG 2.1 AA)', () => {
  let server;
  let browser;
  let page;
  let problems;

  before(async () => {
    const bin = tailorBin();
    const dir = siteDir(bin);
    server = await startServer(bin, dir, ['--csp', 'strict']);
    browser = await launchBrowser();
    ({ page, problems } = await shopperPage(browser));
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  // Evaluated through the DevTools protocol, so the page's CSP (rightly)
  // does not have to allow it.
  async function violations() {
    await page.waitForLoadState('networkidle');
    if (!NO_WIDGET) await waitForTailorEvent(page, 'tailor:ready');
    await page.evaluate(AXE_SOURCE);
    const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: tags }), WCAG);
    return result.violations.map(
      (v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join('\n    ')}`,
    );
  }

  for (const [name, path] of [
    ['home', '/'],
    ['department', '/c/kitchen.html'],
    ['product', null],
    ['cart', '/cart.html'],
    ['checkout', '/checkout.html'],
    ['thank-you', '/thank-you.html'],
  ]) {
    it(`${name} page`, async () => {
      if (path) {
        await page.goto(server.url + path.slice(1));
      } else {
        // A product page reached like a shopper, then put in the cart so
        // the cart and checkout pages are checked with content.
        await page.goto(`${server.url}c/kitchen.html`);
        await page.locator('.grid .card:has(button[data-add-to-cart]) .card-link').first().click();
        await page.waitForURL('**/p/*.html');
        await page.getByRole('button', { name: 'Add to cart' }).click();
      }
      const found = await violations();
      assert.deepEqual(found, [], `${name}: ${found.length} accessibility violations:\n${found.join('\n')}`);
    });
  }

  // Every widget state (gallery frames) and the thank-you page with the
  // survey the purchase brought up.
  for (const [view, lang, theme] of [
    ['rails', 'en', 'light'],
    ['rails', 'he', 'light'],
    ['rails', 'zh', 'dark'],
    ['grid', 'en', 'dark'],
    ['new-arrivals', 'he', 'light'],
    ['thank-you', 'en', 'light'],
    ['thank-you', 'ar', 'dark'],
    ['survey-csat', 'en', 'light'],
    ['survey-nps', 'he', 'light'],
    ['survey-ces', 'de', 'dark'],
    ['survey-answered', 'zh', 'light'],
  ]) {
    it(`widget: ${view} (${lang}, ${theme})`, { skip: NO_WIDGET && 'no widget' }, async () => {
      await page.emulateMedia({ colorScheme: theme });
      await page.goto(`${server.url}gallery/frame.html?view=${view}&lang=${lang}&theme=${theme}`);
      await page.locator('[data-tailor] >> .tailor-root > *').first().waitFor();
      const found = await violations();
      await page.emulateMedia({ colorScheme: 'light' });
      assert.deepEqual(found, [], `${view} ${lang} ${theme}: ${found.length} accessibility violations:\n${found.join('\n')}`);
    });
  }

  it('thank-you page with the survey and its comment step', { skip: NO_WIDGET && 'no widget' }, async () => {
    await page.goto(`${server.url}thank-you.html`);
    await waitForTailorEvent(page, 'tailor:ready');
    await page.evaluate(() => window.tailor('survey', 'a11y-check'));
    const survey = page.locator('[data-tailor="survey"] .tailor-survey');
    await survey.waitFor();
    let found = await violations();
    assert.deepEqual(found, [], `survey: ${found.length} accessibility violations:\n${found.join('\n')}`);
    await survey.locator('.tailor-score').nth(3).click();
    await survey.locator('input').waitFor();
    found = await violations();
    assert.deepEqual(found, [], `survey comment: ${found.length} accessibility violations:\n${found.join('\n')}`);
  });

  it('no console errors, page errors, failed requests or CSP violations', () => {
    assert.equal(problems.length, 0, `problems in the browser:\n${describeProblems(problems)}`);
  });
});
