/* The sign forms' error summary (templates/petition/_error_summary.html): take the focus on load,
 * so that a screen reader reads what went wrong first, and make each of its links focus its field,
 * opening the <details> that may hide it. Without JavaScript, `autofocus` and plain in-page links
 * do most of this. */
(function () {
  "use strict";

  var summary = document.getElementById("error-summary");
  if (!summary) {
    return;
  }
  if (document.activeElement !== summary) {
    summary.focus();
  }
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    var field = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!field) {
      return;
    }
    event.preventDefault();
    var details = field.closest("details");
    if (details) {
      details.open = true;
    }
    field.focus();
    history.replaceState(null, "", link.getAttribute("href"));
  });
})();
