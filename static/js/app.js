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

  // Focus the first field of a form that just opened in a card.
  document.addEventListener("htmx:afterSwap", function () {
    var card = editingCard();
    if (card && !card.contains(document.activeElement)) {
      var first = card.querySelector("input:not([type=hidden]), select, textarea, button");
      if (first) { first.focus(); }
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
