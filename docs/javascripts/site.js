/*
 * Small accessibility repairs to the theme's markup, run on every page:
 *
 * 1. Tables that are wider than the page scroll sideways inside their own box. A keyboard user
 *    can only scroll such a box if it can take focus (WCAG 2.1.1), and a screen reader user
 *    needs to know what it is: give each scrolling box tabindex="0", role="region" and a name.
 *    Boxes that fit get none of this, so they add no extra stop to the tab order.
 * 2. The search panel has role="dialog" but no name: name it after the search box's label.
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
})();
