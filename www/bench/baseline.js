/* A plain-JavaScript recommender doing the same work as Tailor's content
   scorer on the same data, written the way a careful front-end developer
   would: fetch + JSON.parse the catalog, tokenise title, category path, brand
   and tags, build an inverted index with idf weights and normalised
   documents, score every candidate against the shopper's most recent
   products (recency-decayed, kind-weighted), take the top 8 and render
   cards. It reports the same marks as Tailor's tailor:ready / tailor:shown. */
(function () {
  'use strict';
  var config = window.baselineConfig || {};
  var marks = (window.__bench = window.__bench || {});
  var KIND = { view: 1, cart: 2, purchase: 3 };
  var DECAY = 0.8;
  var SEEDS = 12;
  var LIMIT = 8;

  function tokens(text) {
    return String(text || '').toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  }

  function fields(p) {
    var out = [];
    tokens(p.title).forEach(function (t) { out.push([t, 1]); });
    (p.category || []).forEach(function (c, depth) { out.push(['c' + depth + ':' + String(c).toLowerCase(), 1.5]); });
    if (p.brand) out.push(['b:' + String(p.brand).toLowerCase(), 0.8]);
    (p.tags || []).forEach(function (t) { out.push(['t:' + String(t).toLowerCase(), 0.6]); });
    return out;
  }

  function buildIndex(products) {
    var vocab = new Map();
    var raw = products.map(function (p) {
      var doc = new Map();
      fields(p).forEach(function (f) {
        var id = vocab.get(f[0]);
        if (id === undefined) { id = vocab.size; vocab.set(f[0], id); }
        doc.set(id, Math.max(doc.get(id) || 0, f[1]));
      });
      return doc;
    });
    var df = new Uint32Array(vocab.size);
    raw.forEach(function (doc) { doc.forEach(function (_, t) { df[t]++; }); });
    var n = Math.max(products.length, 1);
    var cap = Math.max(Math.floor(n * 0.2), 500);
    var postings = Array.from({ length: vocab.size }, function () { return []; });
    var docs = raw.map(function (doc, p) {
      var weighted = [];
      doc.forEach(function (w, t) {
        if (df[t] <= cap) weighted.push([t, w * Math.max(Math.log(n / df[t]), 0) + w * 0.1]);
      });
      var norm = Math.sqrt(weighted.reduce(function (s, x) { return s + x[1] * x[1]; }, 0)) || 1;
      weighted.forEach(function (x) { x[1] /= norm; postings[x[0]].push([p, x[1]]); });
      return weighted;
    });
    var byId = new Map(products.map(function (p, i) { return [String(p.id), i]; }));
    return { docs: docs, postings: postings, byId: byId };
  }

  function rank(index, products, events) {
    var score = new Float64Array(products.length);
    var seen = new Set();
    var seeds = new Map();
    var step = 0;
    for (var i = events.length - 1; i >= 0 && seeds.size < SEEDS; i--) {
      var p = index.byId.get(String(events[i].id));
      if (p === undefined) continue;
      seen.add(p);
      var w = (KIND[events[i].type] || 1) * Math.pow(DECAY, step++);
      seeds.set(p, (seeds.get(p) || 0) + w);
    }
    events.forEach(function (e) { var p = index.byId.get(String(e.id)); if (p !== undefined) seen.add(p); });
    seeds.forEach(function (weight, seed) {
      index.docs[seed].forEach(function (x) {
        index.postings[x[0]].forEach(function (c) { score[c[0]] += weight * x[1] * c[1]; });
      });
    });
    var picks = [];
    for (var c = 0; c < products.length; c++) {
      if (seen.has(c) || products[c].in_stock === false) continue;
      picks.push([c, score[c] + 0.05 / (1 + Math.log(1 + c))]);
    }
    picks.sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
    return picks.slice(0, LIMIT).map(function (x) { return x[0]; });
  }

  function render(products, picks) {
    var root = document.getElementById('baseline-recommendations');
    root.textContent = '';
    picks.forEach(function (i) {
      var p = products[i];
      var card = document.createElement('div');
      card.className = 'baseline-card';
      card.setAttribute('data-item', p.id);
      var title = document.createElement('div');
      title.textContent = p.title;
      var price = document.createElement('div');
      price.textContent = p.price == null ? '' : new Intl.NumberFormat('en-US', { style: 'currency', currency: p.currency || 'USD' }).format(p.price);
      card.appendChild(title);
      card.appendChild(price);
      root.appendChild(card);
    });
  }

  var events = (config.events || []).slice();
  var t0 = performance.now();
  fetch(config.catalog).then(function (r) { return r.text(); }).then(function (text) {
    var t1 = performance.now();
    var feed = JSON.parse(text);
    var products = Array.isArray(feed) ? feed : feed.products;
    var t2 = performance.now();
    var index = buildIndex(products);
    var t3 = performance.now();
    marks.ready = { at: t3, detail: { products: products.length, timings: { fetch_ms: t1 - t0, parse_ms: t2 - t1, index_ms: t3 - t2 } } };
    var r0 = performance.now();
    var picks = rank(index, products, events);
    var r1 = performance.now();
    render(products, picks);
    marks.rankMs = r1 - r0;
    (marks.shown = marks.shown || []).push({ at: performance.now(), items: picks.map(function (i) { return products[i].id; }) });
    // The re-rank after one more view: ranking and DOM update (`total`),
    // and the ranking alone (`rank`, as Tailor's `tailor:shown` rank_ms).
    window.baselineView = function (id) {
      events.push({ id: id, type: 'view' });
      var s0 = performance.now();
      var again = rank(index, products, events);
      var s1 = performance.now();
      render(products, again);
      return { total: performance.now() - s0, rank: s1 - s0 };
    };
  });
})();
