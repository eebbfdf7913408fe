// Tailor's command queue (CONTRACT.md §1): calls made before tailor.js has
// loaded are queued here and replayed by the widget once it starts. Kept in
// its own file because the shop runs under a CSP without inline scripts.
window.tailor = window.tailor || function () {
  (window.tailor.q = window.tailor.q || []).push(arguments);
};
