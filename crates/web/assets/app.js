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

/* Quick entry (记一笔): company suggestions, industry picker, location, drafts that survive a closed
   tab, and an offline queue: an entry made without signal is kept on the phone (IndexedDB, photos
   included) and sent when the signal returns. Each entry carries its own client key, so a resend
   is never saved twice. */
(function () {
  'use strict';
  if (!window.fetch || !window.FormData) { return; }

  function $(sel, root) { return (root || document).querySelector(sel); }
  function debounce(fn, ms) {
    var t = null;
    return function () { var args = arguments; clearTimeout(t); t = setTimeout(function () { fn.apply(null, args); }, ms); };
  }
  function randomKey() {
    var bytes = new Uint8Array(16);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    var out = '';
    for (var i = 0; i < bytes.length; i++) { out += ('0' + bytes[i].toString(16)).slice(-2); }
    return out;
  }

  // Company suggestions while typing.
  var search = $('form[data-enterprise-search]');
  if (search) {
    var input = $('input[name=q]', search);
    var list = $('[data-suggestions]', search);
    var suggest = debounce(function () {
      var q = input.value.replace(/^\s+|\s+$/g, '');
      if (q.length < 2) { list.innerHTML = ''; return; }
      fetch('/enterprises/suggest?q=' + encodeURIComponent(q), { credentials: 'same-origin' })
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (data) {
          list.innerHTML = '';
          for (var i = 0; i < data.items.length; i++) {
            var li = document.createElement('li');
            var a = document.createElement('a');
            a.className = 'btn choice';
            a.href = '/followups/new?enterprise_id=' + data.items[i].id;
            a.textContent = data.items[i].name;
            li.appendChild(a);
            list.appendChild(li);
          }
        })['catch'](function () { /* offline: the plain search button still works later */ });
    }, 250);
    input.addEventListener('input', suggest, false);
  }

  // Industry picker: type a name, pick a GB/T 4754 code.
  var industry = $('input[data-industry-picker]');
  if (industry && industry.list) {
    industry.addEventListener('input', debounce(function () {
      var q = industry.value.replace(/^\s+|\s+$/g, '');
      if (!q) { return; }
      fetch('/industries?q=' + encodeURIComponent(q), { credentials: 'same-origin' })
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (data) {
          var dl = industry.list;
          dl.innerHTML = '';
          for (var i = 0; i < data.items.length; i++) {
            var o = document.createElement('option');
            o.value = data.items[i].code;
            o.label = data.items[i].code + ' ' + data.items[i].path;
            o.textContent = data.items[i].code + ' ' + data.items[i].path;
            dl.appendChild(o);
          }
        })['catch'](function () {});
    }, 250), false);
  }

  // Location, when the phone allows it: any form with a [data-locate] button (quick entry,
  // site checks) fills its [data-latitude] and [data-longitude] fields.
  var locators = document.querySelectorAll('[data-locate]');
  for (var li = 0; li < locators.length && navigator.geolocation; li++) {
    (function (locate) {
      var owner = locate.form || document;
      locate.hidden = false;
      locate.addEventListener('click', function () {
        navigator.geolocation.getCurrentPosition(function (p) {
          $('[data-latitude]', owner).value = p.coords.latitude.toFixed(6);
          $('[data-longitude]', owner).value = p.coords.longitude.toFixed(6);
          locate.textContent = '已记录位置';
        }, function () { locate.textContent = '无法获取位置'; }, { timeout: 10000 });
      }, false);
    })(locators[li]);
  }

  var form = $('form[data-offline-queue]');

  // The queue lives in IndexedDB so photos survive as Blobs.
  function openQueue(cb) {
    if (!window.indexedDB) { cb(null); return; }
    var req = indexedDB.open('zhaoshang', 1);
    req.onupgradeneeded = function () { req.result.createObjectStore('outbox', { keyPath: 'key' }); };
    req.onsuccess = function () { cb(req.result); };
    req.onerror = function () { cb(null); };
  }
  function queue(entry, done) {
    openQueue(function (db) {
      if (!db) { done(false); return; }
      var tx = db.transaction('outbox', 'readwrite');
      tx.objectStore('outbox').put(entry);
      tx.oncomplete = function () { done(true); };
      tx.onerror = function () { done(false); };
    });
  }
  function send(entry) {
    var body = new FormData();
    for (var i = 0; i < entry.fields.length; i++) {
      var f = entry.fields[i];
      if (f.blob) { body.append(f.name, f.blob, f.fileName); } else { body.append(f.name, f.value); }
    }
    return fetch(entry.url, { method: 'POST', body: body, credentials: 'same-origin' });
  }
  var inFlight = {};
  function flush() {
    openQueue(function (db) {
      if (!db) { return; }
      var req = db.transaction('outbox', 'readonly').objectStore('outbox').getAll();
      req.onsuccess = function () {
        var items = req.result || [];
        items.forEach(function (entry) {
          if (inFlight[entry.key]) { return; }
          inFlight[entry.key] = true;
          send(entry).then(function (r) {
            delete inFlight[entry.key];
            // Saved (or saved before: same client key) unless we were sent to sign in.
            if (r.ok && r.url.indexOf('/login') < 0) {
              db.transaction('outbox', 'readwrite').objectStore('outbox')['delete'](entry.key);
              var note = document.createElement('p');
              note.className = 'flash flash-ok';
              note.setAttribute('role', 'status');
              note.textContent = '离线时记录的「' + entry.title + '」已发送';
              var main = $('main');
              if (main) { main.insertBefore(note, main.firstChild); }
            }
          })['catch'](function () { delete inFlight[entry.key]; /* still offline: try again later */ });
        });
      };
    });
  }
  window.addEventListener('online', flush, false);
  flush();
  // Some in-app browsers never fire 'online': try again now and then.
  setInterval(flush, 60000);

  if (!form) { return; }

  // Drafts: every keystroke is kept until the entry is sent.
  var draftKey = 'draft:' + form.getAttribute('data-draft-key');
  var fields = form.querySelectorAll('textarea, input[type=text], input:not([type]), input[type=date]');
  try {
    var saved = JSON.parse(localStorage.getItem(draftKey) || '{}');
    for (var i = 0; i < fields.length; i++) {
      if (saved[fields[i].name] && !fields[i].value) { fields[i].value = saved[fields[i].name]; }
    }
  } catch (err) { /* private mode: no drafts */ }
  form.addEventListener('input', function () {
    var draft = {};
    for (var i = 0; i < fields.length; i++) { draft[fields[i].name] = fields[i].value; }
    try { localStorage.setItem(draftKey, JSON.stringify(draft)); } catch (err) {}
  }, false);

  function snapshot() {
    var entries = [];
    var data = new FormData(form);
    if (data.forEach) {
      data.forEach(function (value, name) {
        if (typeof value === 'object' && value && value.size !== undefined) {
          if (value.size > 0) { entries.push({ name: name, blob: value, fileName: value.name }); }
        } else {
          entries.push({ name: name, value: value });
        }
      });
    }
    return entries;
  }

  form.addEventListener('submit', function (e) {
    if (e.defaultPrevented) { return; }
    e.preventDefault();
    var entry = { key: $('[data-client-key]', form).value, url: form.action, fields: snapshot(), title: ($('strong', form) || {}).textContent || '对接记录' };
    var note = $('[data-offline-note]', form);
    function keepOffline() {
      queue(entry, function (ok) {
        if (ok) {
          note.hidden = false;
          try { localStorage.removeItem(draftKey); } catch (err) {}
          form.reset();
          $('[data-client-key]', form).value = randomKey();
        } else {
          form.submit();
        }
        var buttons = form.querySelectorAll('button[type=submit]');
        for (var i = 0; i < buttons.length; i++) { buttons[i].disabled = false; }
      });
    }
    if (navigator.onLine === false) { keepOffline(); return; }
    send(entry).then(function (r) {
      if (r.ok && r.redirected && r.url.indexOf('/login') < 0) {
        try { localStorage.removeItem(draftKey); } catch (err) {}
        window.location.href = r.url;
      } else {
        // A message about the input: let the server show the form again with it.
        form.submit();
      }
    })['catch'](keepOffline);
  }, false);
})();
