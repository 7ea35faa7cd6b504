/* zhaoshang — app.js. Small progressive enhancement; every page works without it.
   ES5 only (old WeChat X5 browsers): var/function, no arrow functions, no optional chaining.
   Never sets inline styles or evaluates strings (strict CSP); toggles attributes and classes only. */
(function () {
  'use strict';

  if (!document.addEventListener) { return; }

  var WIDE_QUERY = '(min-width: 768px)';
  var GUARD_ATTR = 'data-submit-guarded';

  function isForm(el) {
    return !!el && el.nodeName === 'FORM';
  }

  function hasClass(el, name) {
    return (' ' + (el.className || '') + ' ').indexOf(' ' + name + ' ') !== -1;
  }

  function addClass(el, name) {
    if (el.classList) { el.classList.add(name); } else if (!hasClass(el, name)) { el.className += ' ' + name; }
  }

  function removeClass(el, name) {
    if (el.classList) { el.classList.remove(name); return; }
    el.className = (' ' + el.className + ' ').replace(' ' + name + ' ', ' ').replace(/^\s+|\s+$/g, '');
  }

  // Submit buttons of a form, including ones outside it linked by form="id".
  function submitButtons(form) {
    var out = [];
    var els = form.elements || [];
    for (var i = 0; i < els.length; i++) {
      var t = (els[i].type || '').toLowerCase();
      if ((els[i].nodeName === 'BUTTON' || els[i].nodeName === 'INPUT') && (t === 'submit' || t === 'image')) {
        out.push(els[i]);
      }
    }
    return out;
  }

  // GET forms (filters, search, export) are harmless to repeat and may start a download that
  // never leaves the page, so they are not guarded; data-no-guard opts any form out.
  function wantsGuard(form) {
    var method = (form.getAttribute('method') || 'get').toLowerCase();
    return method !== 'get' && !form.hasAttribute('data-no-guard') && !form.getAttribute('target');
  }

  // 2. Double-submit guard. The flag is set at once; buttons are disabled on the next tick,
  // because a button disabled during the submit event would drop its own name=value.
  function guard(form) {
    form.setAttribute(GUARD_ATTR, '');
    addClass(form, 'is-submitting');
    form.setAttribute('aria-busy', 'true');
    window.setTimeout(function () {
      var btns = submitButtons(form);
      for (var i = 0; i < btns.length; i++) {
        if (!btns[i].disabled) {
          btns[i].disabled = true;
          btns[i].setAttribute(GUARD_ATTR, '');
        }
      }
    }, 0);
  }

  function releaseAll() {
    var marked = document.querySelectorAll('[' + GUARD_ATTR + ']');
    for (var i = 0; i < marked.length; i++) {
      var el = marked[i];
      el.removeAttribute(GUARD_ATTR);
      if (isForm(el)) {
        removeClass(el, 'is-submitting');
        el.removeAttribute('aria-busy');
      } else {
        el.disabled = false;
      }
    }
  }

  // 1. Confirmation, then 2. the guard.
  document.addEventListener('submit', function (e) {
    var form = e.target;
    if (!isForm(form)) { return; }
    if (form.hasAttribute(GUARD_ATTR)) { e.preventDefault(); return; }
    if (e.defaultPrevented) { return; }
    if (form.hasAttribute('data-confirm')) {
      var msg = (form.dataset && form.dataset.confirm) || form.getAttribute('data-confirm') || '确定要继续吗？';
      if (!window.confirm(msg)) { e.preventDefault(); return; }
    }
    if (wantsGuard(form)) { guard(form); }
  }, false);

  // Coming back through the back/forward cache: make the form usable again.
  window.addEventListener('pageshow', function () { releaseAll(); }, false);

  // 4. Auto-submit: a select[data-autosubmit] submits its form on change.
  document.addEventListener('change', function (e) {
    var el = e.target;
    if (!el || el.nodeName !== 'SELECT' || !el.hasAttribute('data-autosubmit')) { return; }
    var form = el.form;
    if (!form) { return; }
    if (typeof form.requestSubmit === 'function') {
      form.requestSubmit(); // fires submit, so confirmation and guard apply
    } else {
      // Old browsers: dispatch a cancelable submit event ourselves, then submit if allowed.
      var ev;
      try {
        ev = document.createEvent('Event');
        ev.initEvent('submit', true, true);
      } catch (err) { ev = null; }
      if (!ev || form.dispatchEvent(ev)) { form.submit(); }
    }
  }, false);

  // 3. Filter panels open on wide screens.
  function openFiltersOnWide() {
    if (!window.matchMedia || !window.matchMedia(WIDE_QUERY).matches) { return; }
    var panels = document.querySelectorAll('details.filters');
    for (var i = 0; i < panels.length; i++) {
      if (!panels[i].hasAttribute('open')) { panels[i].setAttribute('open', ''); }
    }
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', openFiltersOnWide, false);
  } else {
    openFiltersOnWide();
  }
})();
