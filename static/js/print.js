// Buttons marked data-print open the browser's print dialog (no inline onclick: the CSP forbids inline scripts).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
