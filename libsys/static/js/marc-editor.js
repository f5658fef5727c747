// Adding and removing rows; without JavaScript, blank rows and emptying a row do the same.
(() => {
  const body = document.getElementById("marc-body");
  const template = document.getElementById("marc-row-template");
  const add = document.getElementById("marc-add");
  if (!body || !template || !add) return;
  const wire = (row) => {
    const remove = row.querySelector(".marc-remove");
    remove.hidden = false;
    remove.addEventListener("click", () => {
      const next = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      if (next) next.querySelector("input").focus();
    });
  };
  body.querySelectorAll("tr.marc-row").forEach(wire);
  add.hidden = false;
  add.addEventListener("click", () => {
    const row = template.content.firstElementChild.cloneNode(true);
    body.appendChild(row);
    wire(row);
    row.querySelector("input").focus();
  });
})();
