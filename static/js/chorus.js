/* Small enhancements shared by every page. Loaded from our own origin (strict CSP: no inline JS).
 *
 * <select data-autosubmit> submits its form when changed; the form's [data-autosubmit-button]
 * stays for keyboard users but is visually hidden once this script runs.
 */
(function () {
  "use strict";

  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    var form = select.form;
    if (!form) {
      return;
    }
    form.querySelectorAll("[data-autosubmit-button]").forEach(function (button) {
      button.classList.add("visually-hidden-focusable");
    });
    select.addEventListener("change", function () {
      if (typeof form.requestSubmit === "function") {
        form.requestSubmit();
      } else {
        form.submit();
      }
    });
  });
})();
