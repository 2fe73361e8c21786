// parley's pages work without this script; with it they keep drafts, send
// messages in place, follow the event stream, show times in the viewer's
// time zone and load older messages on scrolling up. No framework.
(function () {
  "use strict";
  var body = document.body, lang = body.dataset.lang || "en";
  var locale = lang === "ar" ? "ar-u-nu-latn" : lang;
  function fmt(t, vals) { return t.replace(/\{(\w+)\}/g, function (m, k) { return k in vals ? vals[k] : m; }); }

  // Times: shown in UTC by the server, here in the viewer's zone; the UTC
  // time stays in the title.
  var df = window.Intl ? new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }) : null;
  function localTimes(root) {
    if (!df) return;
    root.querySelectorAll("time.local[datetime]").forEach(function (el) {
      var d = new Date(el.getAttribute("datetime"));
      if (!isNaN(d)) el.textContent = df.format(d);
    });
  }
  localTimes(document);

  // Size limits, counted in UTF-8 bytes as the server counts them.
  var enc = window.TextEncoder ? new TextEncoder() : null;
  function counter(ta) {
    var form = ta.form, out = form && form.querySelector(".count");
    if (!out || !enc) return;
    var max = +ta.dataset.maxBytes, n = enc.encode(ta.value).length, nf = new Intl.NumberFormat(locale);
    var over = n > max;
    out.textContent = fmt(out.dataset[over ? "over" : "template"], { n: nf.format(n), max: nf.format(max) });
    out.classList.toggle("over", over);
    ta.setCustomValidity(over ? out.textContent : "");
  }
  document.querySelectorAll("textarea[data-max-bytes]").forEach(function (ta) {
    counter(ta);
    ta.addEventListener("input", function () { counter(ta); });
  });

  // Drafts: every form with data-draft keeps its fields in this browser
  // until the server has taken them.
  // They are kept per account, and a browser shared by several people
  // forgets them when one signs out or the sign-in page shows: a draft
  // (a caucus message, a preference profile) is never offered to another
  // account.
  var store = window.localStorage, pending = window.sessionStorage, user = body.dataset.user;
  function draftKey(form) { return "parley:draft:" + user + ":" + form.dataset.draft; }
  function forgetDrafts() {
    try {
      for (var i = store.length - 1; i >= 0; i--) {
        var k = store.key(i);
        if (k && k.indexOf("parley:draft:") === 0) store.removeItem(k);
      }
      pending.removeItem("parley:sent");
    } catch (e) { /* off */ }
  }
  if (!user) forgetDrafts();
  document.querySelectorAll("form[data-signout]").forEach(function (f) { f.addEventListener("submit", forgetDrafts); });
  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && !/^(hidden|password|submit|button)$/.test(el.type) && el.tagName !== "BUTTON";
    });
  }
  function saveDraft(form) {
    var d = {};
    fields(form).forEach(function (el) {
      if (el.type === "radio") { if (el.checked) d[el.name] = el.value; }
      else if (el.type === "checkbox") d[el.name] = el.checked ? "on" : "";
      else d[el.name] = el.value;
    });
    try { store.setItem(draftKey(form), JSON.stringify(d)); } catch (e) { /* full or off */ }
  }
  function clearDraft(form) { try { store.removeItem(draftKey(form)); } catch (e) { /* off */ } }
  // A page after a successful form (a flash, no error shown) clears the
  // drafts that form sent; after an error they stay. A hidden error slot
  // (the room's message form has one) is no error.
  try {
    var sent = JSON.parse(pending.getItem("parley:sent") || "[]");
    if (sent.length && document.querySelector("main > .flash") && !document.querySelector(".error:not([hidden])")) {
      sent.forEach(function (k) { store.removeItem(k); });
    }
    pending.removeItem("parley:sent");
  } catch (e) { /* off */ }
  if (user) document.querySelectorAll("form[data-draft]").forEach(function (form) {
    var d = null;
    try { d = JSON.parse(store.getItem(draftKey(form)) || "null"); } catch (e) { /* off */ }
    if (d) fields(form).forEach(function (el) {
      if (!(el.name in d)) return;
      if (el.type === "radio") el.checked = el.value === d[el.name];
      else if (el.type === "checkbox") el.checked = d[el.name] === "on";
      else el.value = d[el.name];
      if (el.dataset.maxBytes) counter(el);
    });
    form.addEventListener("input", function () { saveDraft(form); });
    form.addEventListener("change", function () { saveDraft(form); });
    form.addEventListener("submit", function () {
      saveDraft(form);
      if (form.dataset.fetch) return;
      try {
        var s = JSON.parse(pending.getItem("parley:sent") || "[]");
        s.push(draftKey(form));
        pending.setItem("parley:sent", JSON.stringify(s));
      } catch (e) { /* off */ }
    });
  });

  // The room.
  var list = document.getElementById("messages"), talks = body.dataset.talks;
  var room = list && list.dataset.room;
  function lastSeq() {
    var items = list.querySelectorAll("li.msg[data-seq]"), n = 0;
    items.forEach(function (li) { n = Math.max(n, +li.dataset.seq); });
    return n;
  }
  function insert(html, before) {
    var t = document.createElement("template");
    t.innerHTML = html;
    var empty = list.querySelector(".empty");
    Array.prototype.slice.call(t.content.children).forEach(function (li) {
      if (li.id && document.getElementById(li.id)) return;
      if (empty) { empty.remove(); empty = null; }
      localTimes(li);
      if (before) list.insertBefore(li, before); else list.appendChild(li);
    });
  }
  function roomURL() { return "/talks/" + encodeURIComponent(talks) + "/rooms/" + encodeURIComponent(room); }
  function markRead() {
    var seq = lastSeq();
    if (!seq || document.hidden) return;
    fetch("/api/v1/talks/" + encodeURIComponent(talks) + "/rooms/" + encodeURIComponent(room) + "/read",
      { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ seq: seq }) });
  }
  if (list && room) {
    // Open at the newest messages, or at what is new since the last visit.
    if (!location.hash) {
      var first = list.querySelector(".newline") || list.lastElementChild;
      if (first) first.scrollIntoView({ block: first.classList.contains("newline") ? "start" : "end" });
    }
    document.addEventListener("visibilitychange", markRead);
    var older = document.getElementById("older");
    if (older && window.IntersectionObserver) {
      var busy = false;
      new IntersectionObserver(function (es) {
        if (!es[0].isIntersecting || busy || !older.dataset.before) return;
        busy = true;
        fetch(roomURL() + "/messages?before=" + older.dataset.before).then(function (r) {
          if (!r.ok) throw r;
          var prev = r.headers.get("X-Prev");
          return r.text().then(function (html) {
            var h = document.documentElement.scrollHeight;
            insert(html, list.firstElementChild);
            window.scrollBy(0, document.documentElement.scrollHeight - h);
            if (prev) { older.dataset.before = prev; older.href = "?before=" + prev; } else older.parentNode.remove();
          });
        }).catch(function () { /* the link still works */ }).then(function () { busy = false; });
      }).observe(older);
    }
  }

  // Messages are sent in place: one's own post appears at once, and a
  // refusal is shown next to the form with the text kept.
  document.querySelectorAll("form[data-fetch=messages]").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var err = form.querySelector(".form-error"), btn = form.querySelector("button[type=submit]");
      btn.disabled = true;
      fetch(form.action, { method: "POST", headers: { "X-Parley-Fetch": "1", "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(new FormData(form)) }).then(function (r) {
        return r.text().then(function (text) {
          if (!r.ok) throw new Error(text || r.statusText);
          insert(text);
          form.querySelector("textarea").value = "";
          clearDraft(form);
          form.querySelectorAll("textarea[data-max-bytes]").forEach(counter);
          err.hidden = true;
          list.lastElementChild.scrollIntoView({ block: "end" });
        });
      }).catch(function (e) {
        err.textContent = e.message && e.message !== "Failed to fetch" ? e.message : form.dataset.offline || e.message;
        err.hidden = false;
      }).then(function () { btn.disabled = false; });
    });
  });

  // Notifications: asked for when the user turns them on for a room.
  document.querySelectorAll("button[data-notify-room]").forEach(function (b) {
    b.addEventListener("click", function () {
      if (window.Notification && Notification.permission === "default" && b.form.notify.value === "on") Notification.requestPermission();
    });
  });

  // Live updates: the page follows the event stream from the ledger size it
  // was read at. New messages of this room are fetched as rendered by the
  // server; any other change refreshes the page's live regions.
  if (body.dataset.lastEvent === undefined || !window.EventSource) return;
  var q = "last_event_id=" + encodeURIComponent(body.dataset.lastEvent) + (talks ? "&talks=" + encodeURIComponent(talks) : "");
  var es = new EventSource("/api/v1/events?" + q);
  // A page left for another closes its stream at once (browsers allow few
  // connections per server); one shown again from the back-forward cache
  // is read anew.
  window.addEventListener("pagehide", function () { es.close(); });
  window.addEventListener("pageshow", function (ev) { if (ev.persisted) location.reload(); });
  var notify = (body.dataset.notify || "").split(" ").filter(Boolean), timer = null;
  function refresh() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      // Marked as the script's: reading the page so is not opening it
      // (a room stays unread while its tab is hidden).
      fetch(location.pathname + location.search, { headers: { "X-Parley-Fetch": "1" } }).then(function (r) { return r.ok ? r.text() : ""; }).then(function (html) {
        if (!html) return;
        var doc = new DOMParser().parseFromString(html, "text/html");
        document.querySelectorAll("[data-live]").forEach(function (el) {
          var fresh = doc.querySelector('[data-live="' + el.dataset.live + '"]');
          if (fresh && !el.contains(document.activeElement)) { localTimes(fresh); el.replaceWith(document.adoptNode(fresh)); }
        });
      });
    }, 300);
  }
  es.addEventListener("message.posted", function (ev) {
    var e = JSON.parse(ev.data);
    if (list && room && e.room === room) {
      fetch(roomURL() + "/messages?after=" + lastSeq()).then(function (r) { return r.ok ? r.text() : ""; }).then(function (html) {
        if (html) { insert(html); markRead(); }
      });
    } else refresh();
    if (notify.indexOf(e.room) >= 0 && (document.hidden || e.room !== room) && window.Notification && Notification.permission === "granted") {
      var link = document.querySelector('nav.rooms a[href$="/rooms/' + e.room + '"] span');
      new Notification(fmt(body.dataset.notifyText, { room: link ? link.textContent : e.room }), { tag: e.talks + e.room });
    }
  });
  ("talks.status delegation.presence plenary.changed talks.created delegation.added member.added relay.recorded agreement.recorded captive.recorded captive.status registry.access " +
   "agreement.phase agreement.obligation agreement.verification meeting.recorded report.recorded deadline.set deadline.alert " +
   "text.version text.positions domain.set profile.changed reflection.step").split(" ").forEach(function (k) {
    es.addEventListener(k, refresh);
  });
  // A removal ends this person's access: the page is read anew (and may
  // now be refused) rather than keep showing what is no longer theirs.
  ["member.removed", "delegation.removed"].forEach(function (k) {
    es.addEventListener(k, function () { window.location.reload(); });
  });
  // A stream the server ended because this person was signed out,
  // removed or disabled does not come back: leave the page for the
  // sign-in page.
  es.addEventListener("error", function () {
    fetch("/api/v1/me", { credentials: "same-origin" }).then(function (r) {
      if (r.status === 401) {
        es.close();
        if (list) list.replaceChildren();
        window.location.assign("/login");
      }
    });
  });
})();
