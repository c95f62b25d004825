// Progressive enhancement for the plan wizard: every step works without this file.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    // Move focus to the error summary so screen readers announce it and keyboard users
    // can follow its links straight to the fields.
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
      return;
    }
    // After "Add another partner" the new partner's name field is the next thing to fill.
    var target = window.location.hash && document.getElementById(window.location.hash.slice(1));
    if (target) {
      var field = target.querySelector("input, textarea");
      (field || target).focus();
    }
  });

  // Error summary links: focus the field and scroll its label (or legend) into view too.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".error-summary a[href^='#']");
    if (!link) {
      return;
    }
    var input = document.getElementById(link.getAttribute("href").slice(1));
    if (!input) {
      return;
    }
    event.preventDefault();
    var group = input.closest("fieldset") || input.closest(".form-group") || input;
    group.scrollIntoView();
    input.focus({ preventScroll: true });
  });
})();
