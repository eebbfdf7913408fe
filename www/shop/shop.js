// Juniper Lane, the demo shop's own behaviour: its cart (kept in the shop's
// localStorage key, separate from Tailor's), the checkout and the order
// confirmation. It tells Tailor what the shopper does through the command
// queue (tailor-queue.js), the way a real shop would. Only DOM APIs that
// treat text as text are used (no innerHTML), so the shop also runs under
// Trusted Types and the strict CSP.
(function () {
  'use strict';

  var CART_KEY = 'demo-shop-cart';
  var PENDING_ORDER_KEY = 'demo-shop-pending-order';
  var LAST_ORDER_KEY = 'demo-shop-last-order';
  var FREE_DELIVERY_FROM = 50;
  var DELIVERY_FEE = 4.95;

  function readJson(key, fallback) {
    try {
      var text = window.localStorage.getItem(key);
      if (text === null) return fallback;
      var value = JSON.parse(text);
      return value === null ? fallback : value;
    } catch (e) {
      return fallback;
    }
  }

  function writeJson(key, value) {
    try {
      window.localStorage.setItem(key, JSON.stringify(value));
    } catch (e) {
      // Storage full or blocked: the cart lives only for this page then.
    }
  }

  function readCart() {
    var cart = readJson(CART_KEY, []);
    if (!Array.isArray(cart)) return [];
    return cart.filter(function (line) {
      return line && typeof line.id === 'string' && line.qty > 0;
    });
  }

  function writeCart(cart) {
    writeJson(CART_KEY, cart);
    updateBadges(cart);
  }

  function cartCount(cart) {
    return cart.reduce(function (n, line) { return n + line.qty; }, 0);
  }

  function subtotal(cart) {
    return cart.reduce(function (sum, line) { return sum + line.qty * (line.price || 0); }, 0);
  }

  function currencyOf(cart) {
    return (cart[0] && cart[0].currency) || document.documentElement.getAttribute('data-currency') || 'EUR';
  }

  function money(amount, currency) {
    try {
      return new Intl.NumberFormat('en', { style: 'currency', currency: currency }).format(amount);
    } catch (e) {
      return amount.toFixed(2) + ' ' + currency;
    }
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === 'text') node.textContent = attrs[name];
      else if (name === 'className') node.className = attrs[name];
      else node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function updateBadges(cart) {
    var count = cartCount(cart || readCart());
    document.querySelectorAll('[data-cart-count]').forEach(function (badge) {
      badge.textContent = String(count);
      badge.classList.toggle('is-empty', count === 0);
    });
  }

  function productFrom(button) {
    return {
      id: button.getAttribute('data-product-id'),
      title: button.getAttribute('data-title') || '',
      price: parseFloat(button.getAttribute('data-price')) || 0,
      currency: button.getAttribute('data-currency') || 'EUR',
      image: button.getAttribute('data-image') || '',
      url: button.getAttribute('data-url') || ''
    };
  }

  function addToCart(product) {
    var cart = readCart();
    var line = cart.find(function (l) { return l.id === product.id; });
    if (line) line.qty += 1;
    else cart.push(Object.assign({ qty: 1 }, product));
    writeCart(cart);
    toast('Added to your cart: ' + product.title);
  }

  var toastTimer = null;
  function toast(message) {
    var box = document.querySelector('.toast');
    if (!box) {
      box = el('div', { className: 'toast', role: 'status', 'aria-live': 'polite' }, [
        el('span', { className: 'toast-text' }),
        el('a', { href: '/cart.html', text: 'View cart' })
      ]);
      document.body.appendChild(box);
    }
    box.querySelector('.toast-text').textContent = message;
    box.classList.add('is-visible');
    window.clearTimeout(toastTimer);
    toastTimer = window.setTimeout(function () { box.classList.remove('is-visible'); }, 3500);
  }

  // Product page: the button carries data-tailor-add-to-cart, so Tailor
  // counts the click itself (the declarative way). Quick-add buttons on
  // category pages have no such attribute and tell Tailor through the
  // command queue (the scripted way). Either way each add is counted once.
  function bindAddButtons() {
    document.addEventListener('click', function (event) {
      var button = event.target.closest('[data-add-to-cart]');
      if (!button || button.disabled) return;
      var product = productFrom(button);
      if (!product.id) return;
      addToCart(product);
      if (!button.hasAttribute('data-tailor-add-to-cart')) {
        window.tailor('cart', { id: product.id });
      }
    });
  }

  function totalsFor(cart) {
    var currency = currencyOf(cart);
    var sub = subtotal(cart);
    var delivery = sub >= FREE_DELIVERY_FROM || sub === 0 ? 0 : DELIVERY_FEE;
    return { currency: currency, subtotal: sub, delivery: delivery, total: sub + delivery };
  }

  function renderTotals(target, totals) {
    if (!target) return;
    target.textContent = '';
    [
      ['Subtotal', money(totals.subtotal, totals.currency)],
      ['Delivery', totals.delivery === 0 ? 'Free' : money(totals.delivery, totals.currency)],
      ['Total', money(totals.total, totals.currency)]
    ].forEach(function (row, i) {
      var cls = i === 2 ? 'grand-total' : '';
      target.appendChild(el('dt', { className: cls, text: row[0] }));
      target.appendChild(el('dd', { className: cls, text: row[1], 'data-total': row[0].toLowerCase() }));
    });
  }

  function renderCartPage() {
    var root = document.querySelector('[data-cart-page]');
    if (!root) return;
    var list = root.querySelector('.cart-items');
    var summary = root.querySelector('[data-cart-summary]');
    var cart = readCart();
    list.textContent = '';
    if (cart.length === 0) {
      list.appendChild(el('div', { className: 'empty-state' }, [
        el('p', { className: 'lead', text: 'Your cart is empty.' }),
        el('a', { className: 'button', href: '/', text: 'Start shopping' })
      ]));
      summary.hidden = true;
      return;
    }
    var ul = el('ul', { className: 'cart-lines' });
    cart.forEach(function (line) {
      var qty = el('span', { className: 'qty-value', text: String(line.qty), 'aria-live': 'polite' });
      ul.appendChild(el('li', { className: 'cart-line', 'data-cart-line': line.id }, [
        el('img', { src: line.image || '/assets/favicon.svg', alt: '', width: '88', height: '88' }),
        el('div', { className: 'cart-line-info' }, [
          el('a', { href: line.url || '#', className: 'cart-line-title', text: line.title }),
          el('span', { className: 'muted', text: money(line.price, line.currency) + ' each' }),
          el('button', { type: 'button', className: 'link-button', 'data-remove': line.id, text: 'Remove' })
        ]),
        el('div', { className: 'qty', role: 'group', 'aria-label': 'Quantity of ' + line.title }, [
          el('button', { type: 'button', className: 'qty-button', 'data-qty-change': '-1', 'data-id': line.id, 'aria-label': 'One less', text: '−' }),
          qty,
          el('button', { type: 'button', className: 'qty-button', 'data-qty-change': '1', 'data-id': line.id, 'aria-label': 'One more', text: '+' })
        ]),
        el('span', { className: 'cart-line-total', text: money(line.price * line.qty, line.currency) })
      ]));
    });
    list.appendChild(ul);
    summary.hidden = false;
    renderTotals(root.querySelector('[data-cart-totals]'), totalsFor(cart));
  }

  function bindCartPage() {
    var root = document.querySelector('[data-cart-page]');
    if (!root) return;
    root.addEventListener('click', function (event) {
      var change = event.target.closest('[data-qty-change]');
      var remove = event.target.closest('[data-remove]');
      if (!change && !remove) return;
      var cart = readCart();
      if (change) {
        var id = change.getAttribute('data-id');
        var delta = parseInt(change.getAttribute('data-qty-change'), 10);
        cart.forEach(function (line) { if (line.id === id) line.qty += delta; });
        cart = cart.filter(function (line) { return line.qty > 0; });
      } else {
        var removed = remove.getAttribute('data-remove');
        cart = cart.filter(function (line) { return line.id !== removed; });
      }
      writeCart(cart);
      renderCartPage();
    });
    renderCartPage();
  }

  function orderNumber() {
    var digits = new Uint32Array(1);
    window.crypto.getRandomValues(digits);
    return 'JL-' + String(100000 + (digits[0] % 900000));
  }

  function bindCheckout() {
    var form = document.getElementById('checkout-form');
    if (!form) return;
    var cart = readCart();
    var items = document.querySelector('[data-checkout-items]');
    items.textContent = '';
    if (cart.length === 0) {
      items.appendChild(el('p', { className: 'muted', text: 'Your cart is empty.' }));
    } else {
      items.appendChild(el('ul', { className: 'summary-lines' }, cart.map(function (line) {
        return el('li', {}, [
          el('span', { text: line.qty + ' × ' + line.title }),
          el('span', { text: money(line.qty * line.price, line.currency) })
        ]);
      })));
    }
    renderTotals(document.querySelector('[data-cart-totals]'), totalsFor(cart));

    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var error = form.querySelector('[data-form-error]');
      var current = readCart();
      var missing = Array.prototype.filter.call(form.querySelectorAll('[required]'), function (input) {
        return !input.value.trim() || !input.checkValidity();
      });
      form.querySelectorAll('[aria-invalid]').forEach(function (input) { input.removeAttribute('aria-invalid'); });
      missing.forEach(function (input) { input.setAttribute('aria-invalid', 'true'); });
      if (current.length === 0) {
        error.textContent = 'Your cart is empty: add something before placing an order.';
        error.hidden = false;
        return;
      }
      if (missing.length > 0) {
        error.textContent = 'Please fill in: ' + missing.map(function (input) {
          return form.querySelector('label[for="' + input.id + '"]').textContent;
        }).join(', ') + '.';
        error.hidden = false;
        missing[0].focus();
        return;
      }
      var totals = totalsFor(current);
      writeJson(PENDING_ORDER_KEY, {
        order: orderNumber(),
        name: form.elements.name.value.trim(),
        email: form.elements.email.value.trim(),
        currency: totals.currency,
        total: totals.total,
        items: current.map(function (line) {
          return { id: line.id, qty: line.qty, price: line.price, title: line.title };
        })
      });
      window.location.assign('/thank-you.html');
    });
  }

  // The confirmation page reports the purchase to Tailor exactly once: the
  // pending order is consumed here, so a reload shows the same order again
  // without counting it twice.
  function confirmOrder() {
    var root = document.querySelector('[data-confirmation]');
    if (!root) return;
    var pending = readJson(PENDING_ORDER_KEY, null);
    var order = pending;
    if (pending && pending.order) {
      window.tailor('purchase', {
        order: pending.order,
        items: pending.items.map(function (item) {
          return { id: item.id, qty: item.qty, price: item.price };
        }),
        name: pending.name
      });
      writeJson(LAST_ORDER_KEY, pending);
      window.localStorage.removeItem(PENDING_ORDER_KEY);
      writeCart([]);
    } else {
      order = readJson(LAST_ORDER_KEY, null);
    }
    var title = root.querySelector('[data-confirmation-title]');
    var text = root.querySelector('[data-confirmation-text]');
    var items = root.querySelector('[data-confirmation-items]');
    if (!order || !order.order) {
      title.textContent = 'No recent order';
      text.textContent = 'We could not find a recent order in this browser.';
      return;
    }
    var first = (order.name || '').split(' ')[0];
    title.textContent = first ? 'Thank you, ' + first + '!' : 'Thank you for your order!';
    text.textContent = 'Your order ' + order.order + ' is confirmed. A confirmation is on its way to ' +
      (order.email || 'your inbox') + '.';
    text.setAttribute('data-order', order.order);
    items.textContent = '';
    items.appendChild(el('ul', { className: 'summary-lines' }, order.items.map(function (item) {
      return el('li', {}, [
        el('span', { text: item.qty + ' × ' + (item.title || item.id) }),
        el('span', { text: money(item.qty * item.price, order.currency) })
      ]);
    }).concat([el('li', { className: 'grand-total' }, [
      el('span', { text: 'Total paid' }),
      el('span', { text: money(order.total, order.currency) })
    ])])));
  }

  function start() {
    updateBadges();
    bindAddButtons();
    bindCartPage();
    bindCheckout();
    confirmOrder();
    // Another tab changed the cart: keep this one's badge right.
    window.addEventListener('storage', function (event) {
      if (event.key === CART_KEY) updateBadges();
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
