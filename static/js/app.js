// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // <button data-copy-target="some-id" hidden> copies the text (or value) of #some-id.
  // Templates render these buttons hidden, since without JavaScript they would do nothing.
  function copyFrom(button) {
    var target = document.getElementById(button.getAttribute("data-copy-target"));
    if (!target) {
      return;
    }
    var text = "value" in target ? target.value : target.textContent;
    navigator.clipboard.writeText(text.trim()).then(function () {
      var label = button.textContent;
      button.textContent = "Copied";
      window.setTimeout(function () {
        button.textContent = label;
      }, 2000);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    // An error summary takes focus, so a screen reader announces it (as in the wizard).
    var summary = document.querySelector("[data-error-summary]");
    if (summary && document.activeElement !== summary) {
      summary.focus();
    }
    if (!navigator.clipboard) {
      return;
    }
    var buttons = document.querySelectorAll("[data-copy-target]");
    Array.prototype.forEach.call(buttons, function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        copyFrom(button);
      });
    });
  });
})();
