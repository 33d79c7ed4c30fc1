// Progressive enhancement only: every page works without this file.
// After an htmx swap, move focus to the new page's heading so screen readers follow.
document.addEventListener("htmx:after:swap", () => {
  const target = document.querySelector("[role=alert]") || document.querySelector("main h1");
  if (target) {
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus();
  }
});

// Passkeys (« Clé d'accès »): their forms stay hidden where the browser has no WebAuthn, and
// without this script; the password and the code always work. The WebAuthn library is loaded
// only when a passkey form is used.
const revealPasskeys = () => {
  if (!window.PublicKeyCredential) return;
  for (const form of document.querySelectorAll("form[data-passkey]")) form.hidden = false;
};
document.addEventListener("DOMContentLoaded", revealPasskeys);
document.addEventListener("htmx:after:swap", revealPasskeys);
const webauthnLibrary = (src) =>
  window.SimpleWebAuthnBrowser
    ? Promise.resolve(window.SimpleWebAuthnBrowser)
    : new Promise((resolve, reject) => {
        const script = document.createElement("script");
        script.src = src;
        script.onload = () => resolve(window.SimpleWebAuthnBrowser);
        script.onerror = reject;
        document.head.append(script);
      });
document.addEventListener(
  "submit",
  async (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.passkey) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    const status = form.querySelector("[data-passkey-status]");
    try {
      const lib = await webauthnLibrary(form.dataset.library);
      const res = await fetch(form.dataset.options, {
        method: "POST",
        headers: { Accept: "application/json" },
      });
      if (!res.ok) throw new Error(String(res.status));
      const optionsJSON = await res.json();
      const answer =
        form.dataset.passkey === "register"
          ? await lib.startRegistration({ optionsJSON })
          : await lib.startAuthentication({ optionsJSON });
      form.querySelector("input[name=response]").value = JSON.stringify(answer);
      HTMLFormElement.prototype.submit.call(form);
    } catch {
      if (status) status.textContent = "La clé d'accès n'a pas répondu. Réessayez, ou saisissez un code.";
    }
  },
  true,
);
