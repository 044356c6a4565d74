// Django's autocomplete fields (select2) leave their combobox named only by its current value, empty at first: the
// combobox (and the box showing the value) are labelled by the field's <label>, then by that value, for screen
// readers (RGAA, axe-core).
function labelAutocompletes() {
  document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
    var label = document.querySelector('label[for="' + select.id + '"]');
    var container = select.nextElementSibling;
    var box = container && container.querySelector(".select2-selection");
    var rendered = container && container.querySelector(".select2-selection__rendered");
    if (!label || !box || box.dataset.labelled) {
      return;
    }
    if (!label.id) {
      label.id = select.id + "_label";
    }
    box.setAttribute("aria-labelledby", rendered && rendered.id ? label.id + " " + rendered.id : label.id);
    if (rendered) {
      rendered.setAttribute("aria-label", label.textContent.replace(/\s*:\s*$/, ""));
    }
    box.dataset.labelled = "1";
  });
}
window.addEventListener("load", labelAutocompletes);
document.addEventListener("DOMContentLoaded", function () { window.setTimeout(labelAutocompletes, 0); });
