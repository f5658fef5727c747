// Desk screens: send scans with fetch and swap the page's main part, so the scanner never
// waits for a full page load. Without JavaScript the same forms post and redirect.
(() => {
  const main = document.getElementById("main");
  if (!main || !window.fetch || !window.DOMParser) return;

  const focusScan = () => {
    const scan = main.querySelector("[data-scan]");
    if (scan) { scan.value = ""; scan.focus(); }
  };

  // Keys: Esc goes back to the scan field; Alt+letter (or digit) acts on the element with that
  // data-key (a form is submitted, a field focused, a link followed). The physical key is
  // read, so a Vietnamese input method (Telex, VNI) does not change it.
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") { focusScan(); return; }
    const letter = event.code.startsWith("Key") ? event.code.slice(3)
      : event.code.startsWith("Digit") ? event.code.slice(5) : null;
    if (!event.altKey || event.ctrlKey || event.metaKey || !letter) return;
    // In a text field other than the scan field, Alt (Option on a Mac) may type a letter.
    const typing = document.activeElement;
    if (typing && typing.matches("input:not([data-scan]), textarea")) return;
    const target = document.querySelector(`[data-key="${letter.toLowerCase()}"]`);
    if (!target) return;
    event.preventDefault();
    if (target.matches("form")) target.requestSubmit();
    else if (target.matches("input, select, textarea")) target.focus();
    else target.click();
  });

  main.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!form.matches("form[data-desk]")) return;
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    try {
      const response = await fetch(form.action, {
        method: "POST", body: new FormData(form), credentials: "same-origin",
      });
      const html = await response.text();
      const page = new DOMParser().parseFromString(html, "text/html");
      const fresh = page.getElementById("main");
      if (!fresh) { window.location.reload(); return; }
      main.innerHTML = fresh.innerHTML;
      document.title = page.title;
      focusScan();
    } catch (error) {
      form.submit();  // the network failed: fall back to a plain post
    }
  });
})();
