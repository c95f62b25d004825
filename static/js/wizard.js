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
    // The browser's scroll to the #fragment runs after DOMContentLoaded and takes focus away
    // (review M7), so focus moves again once the page has loaded and scrolled.
    var target = window.location.hash && document.getElementById(window.location.hash.slice(1));
    if (target) {
      var field = target.querySelector("input, textarea") || target;
      var focusField = function () {
        if (document.activeElement !== field) {
          field.focus();
        }
      };
      focusField();
      window.addEventListener("load", function () {
        window.requestAnimationFrame(focusField);
      });
    }
  });

  // "If yes" follow-ups (devices step): shown to everyone without JavaScript; with it, only
  // after "Yes", like the GOV.UK conditional reveal.
  document.addEventListener("DOMContentLoaded", function () {
    var followUps = document.querySelector(".follow-ups");
    var question = followUps && document.querySelectorAll("input[name='devices-send_mail']");
    if (!question || !question.length) {
      return;
    }
    function update() {
      var no = document.querySelector("input[name='devices-send_mail'][value='no']");
      followUps.hidden = Boolean(no && no.checked);
    }
    Array.prototype.forEach.call(question, function (radio) {
      radio.addEventListener("change", update);
    });
    update();
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
