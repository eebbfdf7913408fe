/*! Tailor: on-device storefront personalization. Nothing about the shopper leaves this browser. */
/* The loader a site owner embeds as a classic script. It reads its own
   <script> element at once (document.currentScript is only set while the
   script first runs), loads tailor_bg.wasm from next to its own src, starts
   the widget and then turns the page's tailor(...) command queue into direct
   calls. It never throws into the host page, and it starts once even when
   the page includes it twice. The wasm-bindgen glue is inlined below by
   scripts/build.sh, inside this function, so it defines no globals. */
(function () {
  'use strict';
  var w = window;
  var d = document;
  var script = d.currentScript;
  if (w.__tailorLoaded) { return; }
  w.__tailorLoaded = true;

  function warn(message, error) {
    try {
      if (w.console && w.console.warn) { w.console.warn('Tailor: ' + message, error || ''); }
      d.dispatchEvent(new CustomEvent('tailor:error', { detail: { source: 'loader', message: String(message) } }));
    } catch (ignored) { /* a page that broke console or events still must not break */ }
  }

  var src = (script && script.src) || '';
  var base = src.slice(0, src.lastIndexOf('/') + 1);

  // Calls made before the wasm is ready wait in tailor.q, as the page's own stub does.
  if (typeof w.tailor !== 'function') {
    w.tailor = function () { (w.tailor.q = w.tailor.q || []).push(arguments); };
  }

  // A returning shopper's catalog, kept on the device (Cache API; see
  // src/platform/cache.rs), is read now, while the wasm downloads and
  // compiles, not after; the widget starts once both are done, with
  // [url, cache, found, index] (found: the kept copy read into memory, or
  // nothing; index: a promise of the kept content index's bytes).
  // On any failure the read gives nothing, and the widget opens and reads
  // the cache itself. The content index built from that catalog on an
  // earlier view (src/core/rank/kept.rs) is read meanwhile too, but not
  // waited for: the widget needs it only once it has read the catalog.
  var early;
  try {
    var at = (script && script.getAttribute('data-catalog')) || w.tailorConfig.catalog;
    early = w.caches.open('tailor-catalog').then(function (cache) {
      // As src/platform/cache.rs's index_url: the query before any fragment.
      var path = at.split('#')[0];
      var index = cache.match(path + (path.indexOf('?') < 0 ? '?' : '&') + 'tailor-content-index')
        .then(function (found) { return found && found.arrayBuffer(); })
        .then(0, function () {});
      return cache.match(at).then(function (found) {
        return found && inMemory(found);
      }).then(function (found) { return [at, cache, found, index]; });
    }).then(0, function () {});
  } catch (ignored) { /* no tailorConfig, no Cache API: boot reads it */ }

  // The kept copy read chunk by chunk as the browser hands it over, and
  // given back as a Response over those same chunks, with its length (the
  // widget takes it in exactly that room). Not arrayBuffer() and a Response
  // over it: for a 36 MB feed each of those copied the whole file in one
  // task, and the widget's first read of it a third time.
  function inMemory(found) {
    var reader = found.body.getReader();
    var chunks = [];
    var size = 0;
    function next(step) {
      if (step.done) {
        var headers = new Headers(found.headers);
        headers.set('content-length', String(size));
        return new Response(new ReadableStream({
          start: function (stream) {
            for (var i = 0; i < chunks.length; i++) { stream.enqueue(chunks[i]); }
            stream.close();
            // The stream keeps this function: each chunk is then let go
            // once the widget has read it, not when the page ends.
            chunks = null;
          }
        }), { status: found.status, statusText: found.statusText, headers: headers });
      }
      chunks[chunks.length] = step.value;
      size += step.value.length;
      return reader.read().then(next);
    }
    return reader.read().then(next);
  }

  /*__WASM_BINDGEN_GLUE__*/

  function run(args) {
    // Copy without Array.prototype helpers: a host page may have replaced them.
    var copy = [];
    for (var i = 0; i < args.length; i++) { copy[i] = args[i]; }
    try { wasm_bindgen.command(copy); } catch (error) { warn('command failed', error); }
  }

  function start(kept) {
    try {
      wasm_bindgen.boot(script || null, w.tailorConfig, kept);
    } catch (error) {
      warn('could not start', error);
      return;
    }
    var pending = (w.tailor && w.tailor.q) || [];
    w.tailor = function () { run(arguments); };
    w.tailor.loaded = true;
    for (var i = 0; i < pending.length; i++) { run(pending[i]); }
  }

  try {
    wasm_bindgen({ module_or_path: base + 'tailor_bg.wasm' }).then(function () {
      // A Cache API that never answers must not keep the widget from
      // starting: after 3 s it starts without the early read.
      return new Promise(function (done) {
        setTimeout(done, 3000);
        if (early) { early.then(done); } else { done(); }
      });
    }).then(start, function (error) {
      warn('could not load ' + base + 'tailor_bg.wasm (the page CSP needs script-src \'wasm-unsafe-eval\')', error);
    });
  } catch (error) {
    warn('could not load', error);
  }
})();
