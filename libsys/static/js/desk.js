// Desk screens: send scans with fetch and swap the page's main part, so the scanner never
// waits for a full page load. Without JavaScript the same forms post and redirect.
(() => {
  const main = document.getElementById("main");
  if (!main || !window.fetch || !window.DOMParser) return;

  const focusScan = () => {
    const scan = main.querySelector("[data-scan]");
    if (scan) { scan.value = ""; scan.focus(); }
  };

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
