/* Keyboard shortcuts and select-all of the review pages (no inline scripts: this file is loaded with defer).

   An element with data-shortcut="k" is activated by the single key k: a text field is focused, anything else
   (a link, a button, a checkbox) is clicked. Keys typed into a field, or with Ctrl/Alt/Meta, are left alone.
   Single-key shortcuts can be switched off (WCAG 2.1.4) with the checkbox marked data-shortcuts-toggle; the
   choice is remembered in this browser.

   A checkbox with data-select-all="name" ticks or clears every checkbox of that name in its form; an element
   with data-selected-count="name" shows how many are ticked. */
(function () {
  "use strict";
  var STORE = "portal.shortcuts.off";

  function off() {
    try { return window.localStorage.getItem(STORE) === "1"; } catch (e) { return false; }
  }

  function typing(el) {
    if (!el || !el.tagName) { return false; }
    var tag = el.tagName.toLowerCase();
    return el.isContentEditable || tag === "textarea" || tag === "select" ||
      (tag === "input" && ["checkbox", "radio", "button", "submit", "reset"].indexOf(el.type) < 0);
  }

  document.addEventListener("keydown", function (event) {
    if (off() || event.ctrlKey || event.metaKey || event.altKey || event.isComposing || typing(event.target)) {
      return;
    }
    var key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    var target = document.querySelector('[data-shortcut="' + key.replace(/["\\]/g, "") + '"]');
    if (!target) { return; }
    event.preventDefault();
    target.focus();
    if (!typing(target)) { target.click(); }
  });

  document.querySelectorAll("[data-shortcuts-toggle]").forEach(function (toggle) {
    toggle.checked = !off();
    toggle.addEventListener("change", function () {
      try { window.localStorage.setItem(STORE, toggle.checked ? "0" : "1"); } catch (e) { /* private mode */ }
    });
  });

  function boxesOf(name, scope) {
    return Array.prototype.slice.call(
      (scope || document).querySelectorAll('input[type="checkbox"][name="' + name + '"]'));
  }

  function showCount(name) {
    var n = boxesOf(name).filter(function (b) { return b.checked; }).length;
    document.querySelectorAll('[data-selected-count="' + name + '"]').forEach(function (el) {
      el.textContent = el.getAttribute("data-template").replace("{n}", String(n));
    });
    document.querySelectorAll('[data-select-all="' + name + '"]').forEach(function (all) {
      var boxes = boxesOf(name);
      all.checked = boxes.length > 0 && n === boxes.length;
      all.indeterminate = n > 0 && n < boxes.length;
    });
  }

  document.querySelectorAll("[data-select-all]").forEach(function (all) {
    var name = all.getAttribute("data-select-all");
    all.hidden = false;
    var wrap = all.closest("[hidden]");
    if (wrap) { wrap.hidden = false; }
    all.addEventListener("change", function () {
      boxesOf(name).forEach(function (box) { box.checked = all.checked; });
      showCount(name);
    });
    boxesOf(name).forEach(function (box) { box.addEventListener("change", function () { showCount(name); }); });
    showCount(name);
  });
})();
