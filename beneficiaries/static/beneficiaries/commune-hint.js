// Tells the prescriber, while they type the commune, that it contains a QPV (the page decides nothing).
(function () {
  "use strict";
  var input = document.getElementById("id_commune");
  var hint = document.getElementById("indice-qpv");
  var list = document.getElementById("communes-du-territoire");
  if (!input || !hint || !list) { return; }
  var abbreviations = { st: "saint", ste: "sainte" };
  function key(value) {
    var text = value.replace(/\(?\s*\d{5}\s*\)?/g, " ").replace(/œ/gi, "oe").replace(/æ/gi, "ae");
    text = text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
    return text.split(/[^a-z0-9]+/).filter(Boolean).map(function (word) {
      return abbreviations[word] || word;
    }).join("");
  }
  function update() {
    var typed = key(input.value);
    var match = null;
    list.querySelectorAll("option").forEach(function (option) {
      if (option.dataset.key === typed) { match = option; }
    });
    if (match && match.dataset.qpv) {
      hint.innerHTML = document.getElementById("modele-indice-qpv").innerHTML;
      hint.querySelector("[data-qpv-name]").textContent = match.value;
      hint.classList.remove("d-none");
    } else {
      hint.classList.add("d-none");
    }
  }
  input.addEventListener("input", update);
  input.addEventListener("change", update);
  update();
})();
