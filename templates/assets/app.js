// Progressive enhancement only: every page works without this file.
// After an htmx swap, move focus to the new page's heading so screen readers follow.
document.addEventListener("htmx:after:swap", () => {
  const target = document.querySelector("[role=alert]") || document.querySelector("main h1");
  if (target) {
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus();
  }
});

// Booking wizard: « Sélection en cours » follows the ticked days as they are ticked. Without
// this script the summary shows the days chosen so far, and the next step shows them all.
document.addEventListener("change", (event) => {
  const box = event.target;
  if (!(box instanceof HTMLInputElement) || box.name !== "jours" || !box.form) return;
  const summary = document.querySelector("[data-selection-summary]");
  if (!summary) return;
  const ticked = [...box.form.querySelectorAll("input[name=jours]:checked")];
  const count = summary.querySelector("[data-selection-count]");
  const list = summary.querySelector("ul");
  if (count) count.textContent = String(ticked.length);
  if (list) {
    list.replaceChildren(
      ...ticked.map((t) => {
        const li = document.createElement("li");
        li.textContent = t.getAttribute("aria-label") || t.value;
        return li;
      }),
    );
    list.hidden = ticked.length === 0;
  }
});
