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

// A table wider than the screen scrolls in its frame (.table-wrap): the frame takes the focus
// and a name, so a keyboard can scroll it too (WCAG: scrollable regions are focusable). Frames
// a template already named are left as they are; a table that fits stays as it is.
const nameOf = (wrap) => {
  const caption = wrap.querySelector("caption");
  if (caption && caption.textContent.trim()) return caption.textContent.trim();
  for (let node = wrap; node && node !== document.body; node = node.parentElement) {
    for (let prev = node.previousElementSibling; prev; prev = prev.previousElementSibling) {
      const heading = /^H[1-6]$/.test(prev.tagName) ? prev : prev.querySelector("h1, h2, h3");
      if (heading && heading.textContent.trim()) return heading.textContent.trim();
    }
  }
  const title = document.querySelector("h1");
  return title ? title.textContent.trim() : document.title;
};
const frameWideTables = () => {
  document.querySelectorAll(".table-wrap:not([tabindex])").forEach((wrap) => {
    if (wrap.scrollWidth <= wrap.clientWidth) return;
    wrap.tabIndex = 0;
    wrap.setAttribute("role", "region");
    wrap.setAttribute("aria-label", nameOf(wrap));
  });
};
document.addEventListener("DOMContentLoaded", frameWideTables);
window.addEventListener("resize", frameWideTables);
