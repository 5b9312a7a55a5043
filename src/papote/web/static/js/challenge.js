// The entry challenge: when the server answers `challenge_required` (many entries from
// one connection, or a browser that must show it is one), the ALTCHA widget solves a
// small proof of work in a worker (about half a second on a phone) and the entry is
// sent again with its answer. Nothing goes to a third party: the widget, its worker
// and the challenge all come from this site. See docs/web.md.

const VENDOR = "/static/vendor/altcha/";
let loading = null;

/**
 * The widget writes its translated labels with innerHTML. Under the page's Trusted
 * Types (docs/web.md) such writes are refused unless a "default" policy lets them
 * through: this one lets plain text through and still refuses any markup, so that
 * `innerHTML = "<img onerror=...>"` keeps throwing everywhere in the page.
 */
function allowPlainTextHtml() {
  if (!window.trustedTypes || window.trustedTypes.defaultPolicy) return;
  window.trustedTypes.createPolicy("default", {
    createHTML: (text) => (String(text).includes("<") ? null : String(text)),
  });
}

/** The proof-of-work worker's address, the one script URL this page ever builds. */
let workerPolicy = null;
function workerUrl() {
  const url = VENDOR + "pbkdf2.js";
  if (!window.trustedTypes) return url;
  workerPolicy = workerPolicy || window.trustedTypes.createPolicy("papote-altcha", {
    createScriptURL: (value) => (value === url ? value : null),
  });
  return workerPolicy.createScriptURL(url);
}

function loadWidget() {
  if (!loading) {
    loading = (async () => {
      allowPlainTextHtml();
      await import(VENDOR + "altcha.js");
      await import(VENDOR + "fr-fr.js");
      // The stock footer is a link to the vendor's site (markup): plain words instead.
      const fr = globalThis.$altcha.i18n.get("fr-fr");
      globalThis.$altcha.i18n.set("fr-fr", { ...fr, footer: "Vérification sans pistage" });
      const worker = () => new Worker(workerUrl());
      for (const name of ["PBKDF2/SHA-256", "PBKDF2/SHA-384", "PBKDF2/SHA-512"]) {
        globalThis.$altcha.algorithms.set(name, worker);
      }
      if (!document.querySelector(`link[href="${VENDOR}altcha.css"]`)) {
        const link = document.createElement("link");
        link.rel = "stylesheet";
        link.href = VENDOR + "altcha.css";
        document.head.append(link);
      }
    })();
    loading.catch(() => { loading = null; });
  }
  return loading;
}

/**
 * Show the widget in `container`, solve a fresh challenge from `url` and resolve with
 * the payload to send as `altcha`; rejects when it cannot be solved.
 */
export async function solveChallenge(container, url) {
  await loadWidget();
  const widget = document.createElement("altcha-widget");
  widget.setAttribute("challenge", url);
  widget.setAttribute("language", "fr-fr");
  widget.setAttribute("name", "altcha");
  widget.setAttribute("configuration", JSON.stringify({ hideFooter: true, hideLogo: true }));
  container.replaceChildren(widget);
  container.hidden = false;
  await customElements.whenDefined("altcha-widget");
  const solved = new Promise((resolve, reject) => {
    widget.addEventListener("verified", (event) => resolve(event.detail.payload));
    widget.addEventListener("statechange", (event) => {
      if (event.detail.state === "error" || event.detail.state === "expired") {
        reject(new Error("challenge " + event.detail.state));
      }
    });
  });
  await new Promise((resolve) => requestAnimationFrame(resolve)); // let it mount
  widget.verify();
  return solved;
}

export function hideChallenge(container) {
  container.replaceChildren();
  container.hidden = true;
}
