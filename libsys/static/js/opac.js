// OPAC pages on a phone. Every page works without JavaScript: this only folds the filters
// away on a narrow screen (the "Filter the results" button opens them), where they would
// otherwise stand between the search box and the results.
document.addEventListener("DOMContentLoaded", () => {
  if (!window.matchMedia("(max-width: 700px)").matches) return;
  document.querySelectorAll("details[data-closed-on-phone]").forEach((details) => {
    details.open = false;
  });
});
