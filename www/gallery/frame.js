// One widget state on its own page, for the gallery and its screenshots:
// ?view=rails|grid|loading|empty|new-arrivals|thank-you|survey-csat|survey-nps|survey-ces|survey-answered
// &lang=en|he|zh|de|fr|es|ar &theme=light|dark. It puts the slots on the
// page, gives the shopper a short history (views through tailor(...), and a
// remembered visit and prices so the welcome back and price-drop states
// show), then loads tailor.js like any shop. DOM calls only: strict CSP and
// Trusted Types safe.
'use strict';

(function () {
  const params = new URLSearchParams(location.search);
  const view = params.get('view') || 'rails';
  const lang = /^[a-z]{2}$/.test(params.get('lang') || '') ? params.get('lang') : 'en';
  const theme = params.get('theme') === 'dark' ? 'dark' : 'light';
  const RTL = ['he', 'ar'];
  const NAMES = { en: 'Dana', he: 'דנה', zh: '丽娜', ar: 'دانة', de: 'Jonas', fr: 'Chloé', es: 'Lucía' };

  document.documentElement.lang = lang;
  document.documentElement.dir = RTL.includes(lang) ? 'rtl' : 'ltr';
  document.documentElement.dataset.theme = theme;
  const main = document.querySelector('[data-frame]');

  function slot(name, attributes = {}) {
    const div = document.createElement('div');
    div.setAttribute('data-tailor', name);
    for (const [key, value] of Object.entries(attributes)) div.setAttribute(key, value);
    main.append(div);
    return div;
  }

  function seedMemory(products) {
    // The widget's own storage format (core::store): a visit two hours ago
    // and higher prices seen for some products, so badges and the greeting show.
    const now = Math.floor(Date.now() / 1000);
    const prices = products
      .filter((p) => typeof p.price === 'number')
      .slice(0, 64)
      .map((p, i) => [p.id, i % 3 === 1 ? Math.round(p.price * 125) / 100 : p.price]);
    const events = products.slice(0, 3).map((p, i) => ({ id: p.id, type: 'view', t: now - 7300 + i }));
    try {
      localStorage.setItem('tailor', JSON.stringify({ v: 1, events, recall: { last_visit: now - 7200, prices } }));
    } catch (_) {
      // No storage: the widget keeps page memory; badges just do not show.
    }
  }

  // A shopper back after ten days who likes the categories where products
  // arrived this week (the demo catalog dates some within the week before
  // its build): the profile keys are core::store's, `c:` and the folded name.
  function seedReturning(products) {
    const now = Math.floor(Date.now() / 1000);
    const fold = (name) => name.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean).join(' ');
    const counts = new Map();
    for (const p of products) {
      const leaf = (p.category || []).at(-1);
      if (leaf && p.in_stock !== false && p.added > now - 7 * 86400) counts.set(leaf, (counts.get(leaf) || 0) + 1);
    }
    const liked = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 2).map(([leaf]) => leaf);
    const profile = liked.map((leaf, i) => [`c:${fold(leaf)}`, 3 - i, now - 10 * 86400]);
    try {
      localStorage.setItem('tailor', JSON.stringify({ v: 2, events: [], profile, recall: { last_visit: now - 10 * 86400 } }));
    } catch (_) {
      // No storage: a first visit, and the slot stays empty.
    }
  }

  function start(products) {
    const first = products[0] || {};
    const options = { theme };
    switch (view) {
      case 'grid':
        seedMemory(products);
        slot('recommendations', { 'data-layout': 'grid' });
        break;
      case 'loading':
        slot('recommendations', { 'data-preview': 'loading' });
        break;
      case 'empty':
        slot('similar');
        break;
      case 'new-arrivals':
        seedReturning(products);
        slot('new-arrivals');
        break;
      case 'thank-you': {
        const bought = products.slice(3, 5);
        slot('thank-you');
        window.tailor('purchase', {
          order: 'G-1001',
          items: bought.map((p) => ({ id: p.id, qty: 1, price: p.price })),
          name: NAMES[lang] || NAMES.en,
        });
        break;
      }
      case 'survey-csat':
      case 'survey-nps':
      case 'survey-ces':
        slot('survey', { 'data-preview': view.slice(7) });
        break;
      case 'survey-answered':
        slot('survey', { 'data-preview': 'csat answered' });
        break;
      default:
        seedMemory(products);
        slot('recommendations');
        slot('similar', { 'data-product': first.id || '' });
        slot('recently-viewed');
    }
    window.tailorConfig = { catalog: '/tailor/catalog.json', theme: options.theme, locale: lang };
    const script = document.createElement('script');
    script.async = true;
    script.src = '/tailor/tailor.js';
    document.head.append(script);
  }

  fetch('/tailor/catalog.json')
    .then((response) => response.json())
    .then((feed) => start(Array.isArray(feed) ? feed : feed.products || []))
    .catch(() => start([]));
})();
