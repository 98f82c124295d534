/* Petition page: hide the sticky "Sign" bar on phones while the form or the top button is in
 * view, so that it never covers the form itself. Without JavaScript the bar simply stays. */
(function () {
  "use strict";

  var bar = document.querySelector("[data-sign-bar]");
  var form = document.getElementById("sign");
  if (!bar || !form || !("IntersectionObserver" in window)) {
    return;
  }
  var targets = [form].concat(Array.prototype.slice.call(document.querySelectorAll("[data-sign-cta]")));
  var visible = new Set();

  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) {
        visible.add(entry.target);
      } else {
        visible.delete(entry.target);
      }
    });
    var hide = visible.size > 0;
    bar.classList.toggle("is-hidden", hide);
    bar.inert = hide;
  });
  targets.forEach(function (target) {
    observer.observe(target);
  });
})();
