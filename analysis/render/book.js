/* Reader aids for the HTML book: search, previews of references, keyboard access to chart
   tooltips. Plain script, no network: everything it uses is in the book's own folder. */
(function () {
  "use strict";

  // --- search (Pagefind's static index, built with the pages) -------------------------
  function initSearch() {
    var box = document.getElementById("search");
    if (!box) { return; }
    if (typeof window.PagefindUI !== "function" || location.protocol === "file:") {
      // Browsers do not let a page opened from disk load the index; say how to serve it.
      box.innerHTML = '<p class="search-offline">Search needs the book served over HTTP, e.g. ' +
        '<code>python -m http.server -d _book</code>.</p>';
      return;
    }
    var base = new URL(box.getAttribute("data-root") || "./", location.href).pathname;
    window.bookSearch = new window.PagefindUI({element: "#search", baseUrl: base, showImages: false,
                                               resetStyles: false, showSubResults: true});
  }

  // --- previews of cross-references and citations --------------------------------------
  var tip;
  function showTip(anchor, html) {
    if (!tip) {
      tip = document.createElement("div");
      tip.className = "preview-tip";
      tip.setAttribute("role", "tooltip");
      tip.id = "preview-tip";
      document.body.appendChild(tip);
    }
    tip.innerHTML = html;
    tip.hidden = false;
    var r = anchor.getBoundingClientRect();
    var width = Math.min(420, document.documentElement.clientWidth - 16);
    tip.style.width = width + "px";
    var left = Math.max(8, Math.min(r.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - width - 8));
    tip.style.left = left + "px";
    tip.style.top = (r.bottom + window.scrollY + 6) + "px";
    anchor.setAttribute("aria-describedby", "preview-tip");
  }
  function hideTip() { if (tip) { tip.hidden = true; } }
  function escapeHtml(s) {
    return s.replace(/[&<>"]/g, function (c) { return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]; });
  }
  function previewFor(a) {
    if (a.hasAttribute("data-preview")) { return escapeHtml(a.getAttribute("data-preview")); }
    var href = a.getAttribute("href") || "";
    if (href.charAt(0) === "#") {
      var target = document.getElementById(decodeURIComponent(href.slice(1)));
      if (target && target.classList.contains("csl-entry")) { return target.innerHTML; }
    }
    return null;
  }
  function initPreviews() {
    document.querySelectorAll("main a.quarto-xref, main a[role=doc-biblioref], main .citation a").forEach(function (a) {
      var show = function () { var html = previewFor(a); if (html) { showTip(a, html); } };
      a.addEventListener("mouseenter", show);
      a.addEventListener("focus", show);
      a.addEventListener("mouseleave", hideTip);
      a.addEventListener("blur", hideTip);
    });
    document.addEventListener("keydown", function (e) { if (e.key === "Escape") { hideTip(); } });
  }

  // --- chart tooltips from the keyboard --------------------------------------------------
  // The chart takes focus and the arrow keys step through its marks, showing the same
  // tooltip the mouse shows (Vega keeps each drawn item, with its tooltip, on the element).
  function tooltipText(tt) {
    if (tt === null || tt === undefined) { return ""; }
    if (typeof tt !== "object") { return escapeHtml(String(tt)); }
    return Object.keys(tt).map(function (k) {
      return "<b>" + escapeHtml(k) + ":</b> " + escapeHtml(String(tt[k]));
    }).join("<br>");
  }
  window.bookChartKeys = function (holder) {
    var marks = Array.prototype.filter.call(holder.querySelectorAll("svg path, svg g, svg rect, svg line"),
      function (el) { var d = el.__data__; return d && !Array.isArray(d) && d.tooltip !== undefined && d.tooltip !== null; });
    if (!marks.length) { return; }
    holder.tabIndex = 0;
    holder.setAttribute("aria-roledescription", "chart; use the arrow keys to read each mark");
    var i = -1;
    function show(k) {
      if (i >= 0) { marks[i].classList.remove("mark-focus"); }
      i = (k + marks.length) % marks.length;
      marks[i].classList.add("mark-focus");
      showTip(marks[i], tooltipText(marks[i].__data__.tooltip));
    }
    holder.addEventListener("keydown", function (e) {
      if (e.key === "ArrowRight" || e.key === "ArrowDown") { show(i + 1); e.preventDefault(); }
      else if (e.key === "ArrowLeft" || e.key === "ArrowUp") { show(i - 1); e.preventDefault(); }
      else if (e.key === "Home") { show(0); e.preventDefault(); }
      else if (e.key === "End") { show(marks.length - 1); e.preventDefault(); }
    });
    holder.addEventListener("blur", function () { hideTip(); if (i >= 0) { marks[i].classList.remove("mark-focus"); } });
  };

  function init() { initSearch(); initPreviews(); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
