// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  // After a refused form, focus (and so scroll to) its first wrong field: on a phone the
  // message may be far below the top. Otherwise focus the scan field (desk screens).
  const wrong = document.querySelector('form [aria-invalid="true"]');
  const scan = document.querySelector("[data-scan]");
  if (wrong) wrong.focus();
  else if (scan) scan.focus();
});

// Print buttons (slips, lists): a click prints the page (no inline handler: the CSP has none).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-print]");
  if (button) window.print();
});
