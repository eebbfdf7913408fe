// The network audit shared by the privacy and demo-shop suites: record every
// request a shopper's browser makes, then fail if any of them, other than a
// page navigation or a GET of one of the site's static files, carries what
// the shopper did (a product id, a search word, an order, their name, an
// event). The one other request allowed is the survey answer POSTed to the
// owner's configured endpoint, and it may carry only the answer's fields.

import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** Every file of the site, as URL paths (`/tailor/tailor.js`). */
export function staticPaths(dir) {
  const out = new Set();
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const file = path.join(d, name);
      if (statSync(file).isDirectory()) walk(file);
      else out.add('/' + path.relative(dir, file).split(path.sep).join('/'));
    }
  };
  walk(dir);
  return out;
}

/** Records every request of every page of `context` into the returned array. */
export function recordRequests(context) {
  const requests = [];
  context.on('request', (request) => {
    requests.push({
      url: request.url(),
      method: request.method(),
      body: request.postData() || '',
      navigation: request.isNavigationRequest(),
    });
  });
  return requests;
}

/** Answers the survey endpoint in place of the owner's collector. */
export async function fakeCollector(context, endpoint) {
  await context.route(endpoint, (route) =>
    route.fulfill({ status: 201, contentType: 'application/json', body: '{"stored":true}' }),
  );
}

/** What the widget may send for one survey answer (core::survey::Answer, platform::send). */
const POST_FIELDS = new Set(['key', 'answer', 'topic', 'randomized']);
const ANSWER_FIELDS = new Set(['survey', 'kind', 'score', 'comment', 'locale', 'context']);

/** The survey POST's problems: unknown fields, or a comment that is not the shopper's. */
function surveyProblems(body, comments) {
  let post;
  try {
    post = JSON.parse(body);
  } catch {
    return [`survey POST is not JSON: ${body}`];
  }
  const out = [];
  for (const key of Object.keys(post)) if (!POST_FIELDS.has(key)) out.push(`survey POST field ${key}: ${body}`);
  if (typeof post.answer !== 'object' || post.answer === null) return [...out, `survey POST without an answer: ${body}`];
  for (const [key, value] of Object.entries(post.answer)) {
    if (!ANSWER_FIELDS.has(key)) out.push(`survey answer field ${key}: ${body}`);
    else if (typeof value === 'object' && value !== null) out.push(`survey answer field ${key} is not a plain value: ${body}`);
  }
  if (!Number.isInteger(post.answer.score)) out.push(`survey answer without a score: ${body}`);
  if (post.answer.comment != null && !comments.includes(post.answer.comment)) {
    out.push(`survey comment is not what the shopper typed: ${body}`);
  }
  return out;
}

/**
 * The requests that carry browsing data or are not allowed at all.
 * - `origin`: the shop's origin; `statics`: its files (staticPaths);
 * - `identifying`: product ids, search words, order id, the shopper's name…
 *   (never allowed in any request but a navigation or a plain static GET);
 * - `eventWords`: the names of events (`"view"`, `purchase`…): never
 *   allowed outside navigations and static GETs, allowed in the survey
 *   answer's own fields (a post-purchase survey says so);
 * - `surveyEndpoint` and `comments`: the configured endpoint and the
 *   comments the shopper typed, if any.
 */
export function auditRequests(requests, { origin, statics, identifying, eventWords = [], surveyEndpoint, comments = [] }) {
  const leaks = [];
  const found = (haystack, secrets) =>
    secrets.filter((s) => s && (haystack.includes(s) || haystack.includes(encodeURIComponent(s))));
  for (const r of requests) {
    if (r.navigation || r.url.startsWith('data:') || r.url.startsWith('blob:')) continue;
    const url = new URL(r.url);
    const isStatic = r.method === 'GET' && !r.body && url.origin === origin && statics.has(decodeURIComponent(url.pathname)) && !url.search;
    if (isStatic) continue;
    const haystack = `${r.method} ${r.url}\n${r.body}`;
    if (surveyEndpoint && r.method === 'POST' && r.url === surveyEndpoint) {
      leaks.push(...found(haystack, identifying).map((s) => `${s} in the survey answer: ${haystack}`));
      leaks.push(...surveyProblems(r.body, comments));
      continue;
    }
    leaks.push(...found(haystack, [...identifying, ...eventWords]).map((s) => `${s} in ${haystack}`));
    leaks.push(`not a GET of a static file, nor the survey answer: ${haystack}`);
  }
  return leaks;
}

/** The survey POSTs among `requests`, their bodies parsed. */
export function surveyPosts(requests, surveyEndpoint) {
  return requests.filter((r) => r.method === 'POST' && r.url === surveyEndpoint).map((r) => JSON.parse(r.body));
}

/**
 * Answers the survey on the thank-you page like a shopper: four stars, then
 * a comment. Resolves once both answers were sent.
 */
export async function answerSurvey(page, requests, surveyEndpoint, comment) {
  const survey = page.locator('[data-tailor="survey"] .tailor-survey');
  await survey.getByRole('button', { name: /^4 of 5/ }).click();
  await survey.locator('input').fill(comment);
  await survey.getByRole('button', { name: 'Send' }).click();
  const end = Date.now() + 10_000;
  while (!surveyPosts(requests, surveyEndpoint).some((p) => p.answer?.comment === comment)) {
    if (Date.now() > end) throw new Error(`no survey answer with its comment sent to ${surveyEndpoint}`);
    await page.waitForTimeout(100);
  }
}
