/*
 * Small accessibility repairs to the theme's markup, run on every page:
 *
 * 1. Tables that are wider than the page scroll sideways inside their own box. A keyboard user
 *    can only scroll such a box if it can take focus (WCAG 2.1.1), and a screen reader user
 *    needs to know what it is: give each scrolling box tabindex="0", role="region" and a name.
 *    A sighted reader needs to see it: the box gets the class "scrolls-sideways" (site.css draws
 *    a shadow where the table is cut and keeps its first column in view), "is-scrolled" once it
 *    is scrolled away from its start, and a "scroll sideways" line above it. Boxes that fit get
 *    none of this, so they add no extra stop to the tab order and no cue. It is worked out again
 *    whenever the window or a table changes size.
 * 2. The search panel has role="dialog" but no name: name it after the search box's label.
 * 4. An element of class "site-address" shows the site's own address (the home link, resolved), so
 *    that a printed page says where to read more; without script it keeps its words.
 * 3. A printed page shows every table: notes closed on screen ("Show the numbers") are opened
 *    for printing and closed again afterwards.
 */
(function () {
  "use strict";

  function label(box, index) {
    var table = box.querySelector("table");
    var caption = table && table.querySelector("caption");
    if (caption && caption.textContent.trim()) {
      return caption.textContent.trim() + " (table, scrolls sideways)";
    }
    return "Table " + (index + 1) + " (scrolls sideways)";
  }

  /* The line above a wide table. Screen readers skip it: the box's name already says it scrolls. */
  var HINT = "table-scroll-hint";
  function hintFor(box, create) {
    var before = box.previousElementSibling;
    if (before && before.classList.contains(HINT)) { return before; }
    if (!create) { return null; }
    var hint = document.createElement("p");
    hint.className = HINT;
    hint.setAttribute("aria-hidden", "true");
    hint.textContent = "Scroll sideways for more columns \u2192";
    box.parentNode.insertBefore(hint, box);
    return hint;
  }

  function markScrolled(box) {
    box.classList.toggle("is-scrolled", box.scrollLeft > 1);
  }

  var watched = typeof WeakSet === "function" ? new WeakSet() : null;
  var resized = typeof ResizeObserver === "function" ? new ResizeObserver(function () { schedule(); }) : null;
  function watch(box) {
    if (!watched || watched.has(box)) { return; }
    watched.add(box);
    box.addEventListener("scroll", function () { markScrolled(box); }, { passive: true });
    if (resized) {
      resized.observe(box);
      var table = box.querySelector("table");
      if (table) { resized.observe(table); }
    }
  }

  function update() {
    var boxes = document.querySelectorAll(".md-typeset__scrollwrap");
    boxes.forEach(function (box, index) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", label(box, index));
      } else if (!scrolls && box.hasAttribute("tabindex")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
      box.classList.toggle("scrolls-sideways", scrolls);
      var hint = hintFor(box, scrolls);
      if (hint) { hint.hidden = !scrolls; }
      markScrolled(box);
      watch(box);
    });
  }

  function nameSearchDialog() {
    var dialog = document.querySelector(".md-search[role=dialog]");
    if (dialog && !dialog.hasAttribute("aria-label") && !dialog.hasAttribute("aria-labelledby")) {
      var input = dialog.querySelector("input.md-search__input");
      dialog.setAttribute("aria-label", (input && input.getAttribute("aria-label")) || "Search");
    }
  }

  var pending = null;
  function schedule() {
    if (pending) { window.cancelAnimationFrame(pending); }
    pending = window.requestAnimationFrame(function () { pending = null; update(); nameSearchDialog(); });
  }

  /* Material publishes each loaded page on document$; fall back to the load event without it */
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(schedule);
  } else {
    window.addEventListener("load", schedule);
  }
  window.addEventListener("resize", schedule);
  var openedForPrint = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (note) {
      note.setAttribute("open", "");
      openedForPrint.push(note);
    });
  });
  window.addEventListener("afterprint", function () {
    openedForPrint.forEach(function (note) { note.removeAttribute("open"); });
    openedForPrint = [];
  });
  function fillSiteAddress() {
    var home = document.querySelector("a.md-header__button.md-logo, a.md-logo");
    if (!home) { return; }
    document.querySelectorAll(".site-address").forEach(function (span) {
      var address = new URL(home.getAttribute("href"), window.location.href).href;
      span.textContent = address;
    });
  }
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(fillSiteAddress);
  } else {
    window.addEventListener("load", fillSiteAddress);
  }
})();
