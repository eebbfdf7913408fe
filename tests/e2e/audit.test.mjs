// The network audit (audit.mjs) itself, without a browser: it must let a
// shop's navigations, static GETs and a plain survey answer through, and
// catch every way browsing data could leave in a request.

import { it } from 'node:test';
import assert from 'node:assert/strict';
import { auditRequests } from './audit.mjs';

const origin = 'http://127.0.0.1:8000';
const surveyEndpoint = `${origin}/v1/answers`;
const options = {
  origin,
  statics: new Set(['/tailor/catalog.json', '/p/sku-1.html']),
  identifying: ['sku-1', 'teapot', 'JL-123456'],
  eventWords: ['purchase', '"view"'],
  surveyEndpoint,
  comments: ['Well packed'],
};
const request = (method, url, body = '', navigation = false) => ({ method, url: origin + url, body, navigation });
const answer = {
  key: '0123abcd',
  answer: { survey: 'post-purchase', kind: 'csat', score: 4, comment: 'Well packed', locale: 'en', context: 'purchase' },
  topic: 'delivery',
};
const post = (value) => request('POST', '/v1/answers', JSON.stringify(value));

it('the audit passes what is allowed and catches each leak', () => {
  // (what, requests, how many problems)
  const cases = [
    ['navigations, static GETs, a plain survey answer', [request('GET', '/p/sku-1.html?q=teapot', '', true), request('GET', '/tailor/catalog.json'), post(answer)], 0],
    ['a search word in a static GET\'s query', [request('GET', '/tailor/catalog.json?q=teapot')], 2],
    ['a product id in a path that is no static file', [request('GET', '/api/sku-1')], 2],
    ['an event name posted anywhere', [request('POST', '/collect', '{"type":"view"}')], 2],
    ['a beacon to another origin', [{ method: 'GET', url: 'https://tracker.example/p.gif?o=JL-123456', body: '', navigation: false }], 2],
    ['an extra field in the survey POST', [post({ ...answer, history: ['sku-1'] })], 2],
    ['an extra field in the survey answer', [post({ ...answer, answer: { ...answer.answer, viewed: 'x' } })], 1],
    ['a comment the shopper did not type', [post({ ...answer, answer: { ...answer.answer, comment: 'sku-1' } })], 2],
    ['a survey POST that is not JSON', [request('POST', '/v1/answers', 'sku=sku-1')], 2],
  ];
  for (const [what, requests, problems] of cases) {
    const leaks = auditRequests(requests, options);
    assert.equal(leaks.length, problems, `${what}: ${leaks.join('\n')}`);
  }
});
