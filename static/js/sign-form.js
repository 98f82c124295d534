// Preselect the signer's country from the browser's languages (e.g. "it-IT" -> Italy)
// when they have not chosen one; done here so the page itself can be cached for everyone.
(function () {
  "use strict";
  var select = document.querySelector("#sign-form select[name=country], form select[name=country]");
  if (!select || select.value) {
    return;
  }
  var languages = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language];
  for (var i = 0; i < languages.length; i++) {
    var parts = (languages[i] || "").split("-");
    var region = parts.length > 1 ? parts[parts.length - 1].toUpperCase() : "";
    if (region.length === 2 && select.querySelector('option[value="' + region + '"]')) {
      select.value = region;
      return;
    }
  }
})();
