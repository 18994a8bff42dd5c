/* Small helpers around htmx; no inline script anywhere (CSP script-src 'self'). */
(function () {
  "use strict";
  function editingCard() { return document.querySelector(".card.editing"); }

  // The board polls for changes (its own requests are the polls); never replace it under an
  // open form, nor while the tab is hidden.
  document.addEventListener("htmx:beforeRequest", function (evt) {
    var elt = evt.detail.elt;
    if (elt && elt.id === "board-poll" && (editingCard() || document.hidden)) { evt.preventDefault(); }
  });

  // The poll tells the server what this page shows: each column's signature from its count
  // (a transition's answer blanks the two it touched), not the ones of the last poll's answer.
  document.addEventListener("htmx:configRequest", function (evt) {
    var elt = evt.detail.elt;
    if (!elt || elt.id !== "board-poll") { return; }
    var counts = document.querySelectorAll("section.column .count[data-sig]");
    if (!counts.length) { return; }
    var sigs = Array.prototype.map.call(counts, function (c) { return c.getAttribute("data-sig"); });
    var url = new URL(evt.detail.path, window.location.href);
    url.searchParams.set("sig", sigs.join("."));
    evt.detail.path = url.pathname + url.search;
  });

  // The side panel is a modal dialog (WAI-ARIA dialog pattern): focus moves into it, Tab stays
  // inside, Esc closes it, and focus returns to the card button that opened it. Everything behind
  // it is made inert so neither Tab nor Enter reaches another card.
  var FOCUSABLE = "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";
  var opener = null;   // {card: "card-12", href: "/dokumen/12/aksi/decrypt"} of the last opened panel

  function setBackgroundInert(on) {
    var behind = document.querySelectorAll(".topbar, .board-toolbar, .skip, .card:not(.editing)");
    for (var i = 0; i < behind.length; i++) {
      if (on) { behind[i].setAttribute("inert", ""); } else { behind[i].removeAttribute("inert"); }
    }
  }

  function focusables(root) {
    return Array.prototype.filter.call(root.querySelectorAll(FOCUSABLE), function (el) {
      return el.offsetParent !== null || el === document.activeElement;
    });
  }

  document.addEventListener("click", function (evt) {
    var link = evt.target.closest && evt.target.closest(".card-actions a[hx-get]");
    var card = link && link.closest(".card");
    if (card) { opener = {card: card.id, href: link.getAttribute("href")}; }
  }, true);

  function returnFocus() {
    if (!opener) { return; }
    var card = document.getElementById(opener.card);
    var target = null;
    if (card) {
      var links = card.querySelectorAll(".card-actions a");
      for (var i = 0; i < links.length && !target; i++) {
        if (links[i].getAttribute("href") === opener.href) { target = links[i]; }
      }
      target = target || links[0] || card.querySelector("a");
    }
    opener = null;
    if (target) { target.focus(); }
  }

  // A reveal (the text pane's own form) puts focus on the text it brought, not back on a field.
  var focusText = false;
  document.addEventListener("htmx:beforeRequest", function (evt) {
    var elt = evt.detail.elt;
    focusText = !!(elt && elt.closest && elt.closest(".panel-text"));
  });

  document.addEventListener("htmx:afterSettle", function () {
    var card = editingCard();
    setBackgroundInert(!!card);
    var text = card && focusText && card.querySelector(".panel-text");
    focusText = false;
    if (text) {
      text.focus();
    } else if (card) {
      if (!card.contains(document.activeElement)) {
        var invalid = card.querySelector("[aria-invalid=true]");
        var first = invalid || card.querySelector("input:not([type=hidden]), select, textarea, button");
        if (first) { first.focus(); }
      }
    } else if (!document.activeElement || document.activeElement === document.body) {
      returnFocus();
    }
  });

  document.addEventListener("keydown", function (evt) {
    var open = editingCard();
    if (open && evt.key === "Tab") {
      var items = focusables(open);
      if (!items.length) { return; }
      var first = items[0], last = items[items.length - 1];
      if (evt.shiftKey && (document.activeElement === first || !open.contains(document.activeElement))) {
        evt.preventDefault(); last.focus();
      } else if (!evt.shiftKey && (document.activeElement === last || !open.contains(document.activeElement))) {
        evt.preventDefault(); first.focus();
      }
      return;
    }
  });

  document.addEventListener("keydown", function (evt) {
    if (evt.key === "Escape") {
      var card = editingCard();
      var cancel = card && card.querySelector("[data-cancel]");
      if (cancel) { evt.preventDefault(); cancel.click(); }
      return;
    }
    var tag = (evt.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || evt.ctrlKey || evt.metaKey || evt.altKey) { return; }
    if (evt.key === "/") {
      var q = document.getElementById("q");
      if (q) { evt.preventDefault(); q.focus(); }
    }
  });
})();

/* Complaint desk: Alt+Shift+P opens the quick complaint form from any page (for the roles whose
   menu has the link); Ctrl+Enter in a quick form saves it. */
(function () {
  "use strict";
  document.addEventListener("keydown", function (evt) {
    if (evt.altKey && evt.shiftKey && !evt.ctrlKey && !evt.metaKey && evt.code === "KeyP") {
      var link = document.querySelector("nav a[accesskey='p']");
      if (link) { evt.preventDefault(); window.location.assign(link.href); }
      return;
    }
    if (evt.key === "Enter" && (evt.ctrlKey || evt.metaKey)) {
      var form = evt.target && evt.target.form;
      if (form && form.hasAttribute("data-quick-save")) {
        evt.preventDefault();
        if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
      }
    }
  });
})();

/* Print views (naskah/printview.py): a "Cetak" button that opens the browser's print dialog. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var buttons = document.querySelectorAll("[data-print]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].hidden = false;
      buttons[i].addEventListener("click", function () { window.print(); });
    }
  });
})();
