// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  // Focus the first field marked autofocus-scan (desk screens) after each load.
  const scan = document.querySelector("[data-scan]");
  if (scan) scan.focus();
});
