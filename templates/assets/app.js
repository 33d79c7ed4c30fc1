// Progressive enhancement only: every page works without this file.
// After an htmx swap, move focus to the new page's heading so screen readers follow.
document.addEventListener("htmx:after:swap", () => {
  const target = document.querySelector("[role=alert]") || document.querySelector("main h1");
  if (target) {
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus();
  }
});
