// The error summary of a form sent back with errors (templates/forms/error_summary.html): it takes the focus so a
// screen reader reads it first, and each of its links moves the focus to the field, its label or legend in view.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) {
    return;
  }
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) {
      return;
    }
    var target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!target || !target.matches("input, select, textarea")) {
      return; // not a field (a fieldset, a section): the browser's own jump is right
    }
    event.preventDefault();
    var fieldset = target.closest("fieldset");
    var legend = fieldset && (target.type === "radio" || target.type === "checkbox") ? fieldset.querySelector("legend") : null;
    var label = legend || document.querySelector("label[for='" + CSS.escape(target.id) + "']") || target;
    label.scrollIntoView();
    target.focus({ preventScroll: true });
  });
})();
