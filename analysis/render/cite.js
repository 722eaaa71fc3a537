/* Copy buttons of the "Cite" boxes under figures and tables, and of "Cite this report".
   Works from file:// and offline: the Clipboard API where the page may use it, else a
   hidden textarea and execCommand("copy").  The button says whether it worked. */
(function () {
  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }
  function report(button, ok) {
    var label = button.getAttribute("data-label") || button.textContent;
    button.setAttribute("data-label", label);
    button.setAttribute("data-copied", ok ? "true" : "false");
    button.textContent = ok ? "Copied" : "Select and copy the text above";
    window.setTimeout(function () { button.textContent = label; }, 2500);
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.cite-copy") : null;
    if (!button) { return; }
    var box = button.closest(".cite-box");
    var source = box && box.querySelector("." + button.getAttribute("data-copy"));
    if (!source) { return; }
    var text = source.textContent;
    button.setAttribute("data-copy-text", text.length);
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { report(button, true); },
        function () { report(button, fallbackCopy(text)); });
    } else {
      report(button, fallbackCopy(text));
    }
  });
})();
