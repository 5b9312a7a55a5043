// Images in the chat (docs/images.md): send one (button, paste, drag and drop, the
// camera roll on a phone), show upload progress, show received images blurred when the
// server says so behind a clear "voir" control, open them full size, and lift the
// "contenu explicite" veil of explicit words. Hooks into the rest of the page:
// initMedia() once from chat.js; renderMedia() and veilText() from messages.js.

import { h } from "./dom.js";
import { currentLang } from "./i18n.js";

const MAX_BYTES = 5 * 1024 * 1024;
const ACCEPTED = /^image\/(jpeg|png|webp)$/;

const TEXT = {
  fr: {
    button: "Envoyer une image",
    uploading: "Envoi de l’image… {pct} %",
    sending: "Image envoyée, publication…",
    not_image: "Ce fichier n’est pas une photo JPEG, PNG ou WebP.",
    too_large: "Image trop lourde : 5 Mo au plus.",
    network: "L’image n’a pas pu être envoyée (connexion). Réessaie.",
    no_conv: "Ouvre d’abord un salon ou une conversation.",
    blurred: "Image floutée",
    blurred_explicit: "Image floutée : contenu explicite",
    see: "voir",
    see_label: "Voir l’image en clair",
    image: "Image envoyée par {pseudo}",
    open: "Ouvrir l’image en grand",
    close: "Fermer",
    unavailable: "Image indisponible.",
    veil: "Contenu explicite",
    veil_see: "voir le message",
    drop: "Dépose ton image ici",
  },
  en: {
    button: "Send an image",
    uploading: "Uploading the image… {pct} %",
    sending: "Image uploaded, posting…",
    not_image: "This file is not a JPEG, PNG or WebP photo.",
    too_large: "Image too large: 5 MB at most.",
    network: "The image could not be sent (connection). Try again.",
    no_conv: "Open a room or a conversation first.",
    blurred: "Blurred image",
    blurred_explicit: "Blurred image: explicit content",
    see: "see",
    see_label: "See the image in clear",
    image: "Image sent by {pseudo}",
    open: "Open the image full size",
    close: "Close",
    unavailable: "Image unavailable.",
    veil: "Explicit content",
    veil_see: "see the message",
    drop: "Drop your image here",
  },
};

function tr(key, params = {}) {
  const raw = (TEXT[currentLang()] || TEXT.fr)[key] ?? TEXT.fr[key] ?? key;
  return raw.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ""));
}

let hooks = null;
const urls = new Map(); // "id:variant" -> object URL (a redraw never fetches twice)

// ---------------------------------------------------------------- fetching

async function imageUrl(id, full) {
  const key = `${id}:${full ? "full" : "blurred"}`;
  if (urls.has(key)) return urls.get(key);
  const response = await fetch(`/api/v1/media/${encodeURIComponent(id)}${full ? "?view=full" : ""}`, {
    headers: { Authorization: `Bearer ${hooks.token()}` },
    credentials: "same-origin",
  });
  if (!response.ok) {
    let message = "";
    try {
      message = (await response.json()).error.message;
    } catch {
      /* no JSON body */
    }
    const error = new Error(message || tr("unavailable"));
    error.status = response.status;
    throw error;
  }
  const blob = await response.blob();
  if (!/^image\/(jpeg|webp)$/.test(blob.type)) throw new Error(tr("unavailable"));
  const url = URL.createObjectURL(blob);
  urls.set(key, url);
  return url;
}

// ---------------------------------------------------------------- sending

function upload(file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/v1/media");
    xhr.setRequestHeader("Authorization", `Bearer ${hooks.token()}`);
    xhr.responseType = "json";
    xhr.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(Math.round((100 * event.loaded) / event.total));
    });
    xhr.addEventListener("load", () => {
      const body = xhr.response || {};
      if (xhr.status === 201 && body.media) resolve(body.media);
      else reject(new Error((body.error && body.error.message) || tr("network")));
    });
    xhr.addEventListener("error", () => reject(new Error(tr("network"))));
    // The file as the raw body (the protocol's extension): the server reads it as it
    // comes, with no multipart form to parse on its event loop.
    xhr.setRequestHeader("Content-Type", file.type);
    xhr.send(file);
  });
}

function progressBox() {
  let box = document.getElementById("image-upload");
  if (!box) {
    box = h("div", { id: "image-upload", class: "image-upload", role: "status", hidden: true },
      h("progress", { max: "100", value: "0" }), h("span", {}));
    document.getElementById("composer").before(box);
  }
  return box;
}

function showProgress(pct, label) {
  const box = progressBox();
  box.hidden = pct === null;
  if (pct === null) return;
  box.querySelector("progress").value = pct;
  box.querySelector("span").textContent = label;
}

/** Upload a file, then send it in the conversation shown. */
export async function sendImage(file) {
  if (!file) return;
  if (!hooks.ready()) {
    hooks.status(tr("no_conv"));
    return;
  }
  if (!ACCEPTED.test(file.type)) {
    hooks.status(tr("not_image"));
    return;
  }
  if (file.size > MAX_BYTES) {
    hooks.status(tr("too_large"));
    return;
  }
  hooks.clearStatus();
  showProgress(0, tr("uploading", { pct: 0 }));
  let media;
  try {
    media = await upload(file, (pct) => showProgress(pct, tr("uploading", { pct })));
  } catch (err) {
    showProgress(null);
    hooks.status(err.message); // a blocked image is never shown: only the refusal
    return;
  }
  showProgress(100, tr("sending"));
  const reply = await hooks.send(media.id);
  showProgress(null);
  if (reply && reply.type !== "ack") hooks.status(reply.message || tr("network"));
}

function firstImage(items) {
  for (const file of items || []) if (file && ACCEPTED.test(file.type)) return file;
  return null;
}

// ---------------------------------------------------------------- showing

function openViewer(url, alt) {
  const img = h("img", { src: url, alt });
  const close = h("button", { type: "button", class: "btn media-viewer-close" }, tr("close"));
  const dialog = h("dialog", { class: "media-viewer", "aria-label": alt }, img, close);
  close.addEventListener("click", () => dialog.close());
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog) dialog.close();
  });
  dialog.addEventListener("close", () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  close.focus();
}

function showClear(figure, img, url) {
  img.src = url;
  img.classList.remove("blurred");
  figure.classList.remove("is-blurred");
  figure.querySelector(".media-reveal")?.remove();
  img.tabIndex = 0;
  img.setAttribute("role", "button");
  img.title = tr("open");
}

/** The figure of a message's image; null when the message has none. */
export function renderMedia(message, mine = false) {
  const media = message.media;
  if (!media || !media.id) return null;
  const alt = tr("image", { pseudo: (message.from && message.from.pseudo) || "" });
  const img = h("img", { alt, class: media.blurred ? "blurred" : null, decoding: "async" });
  if (media.width && media.height) {
    img.width = Math.min(320, media.width);
    img.height = Math.round((img.width * media.height) / media.width);
  }
  const figure = h("figure", { class: media.blurred ? "msg-media is-blurred" : "msg-media",
    "data-media-id": media.id }, img);
  const fail = (err) => {
    const note = figure.querySelector(".media-note") || h("p", { class: "media-note hint" });
    note.textContent = err.message;
    figure.append(note);
  };
  if (media.blurred && !mine) {
    const label = media.explicit ? tr("blurred_explicit") : tr("blurred");
    const reveal = h("button", { type: "button", class: "btn media-reveal", "aria-label": tr("see_label") },
      h("span", { class: "media-reveal-why" }, label), h("span", { class: "media-reveal-see" }, tr("see")));
    reveal.addEventListener("click", () => {
      imageUrl(media.id, true).then((url) => showClear(figure, img, url)).catch(fail);
    });
    figure.append(reveal);
    imageUrl(media.id, false).then((url) => { if (!img.src) img.src = url; }).catch(fail);
  } else {
    imageUrl(media.id, true).then((url) => showClear(figure, img, url)).catch(fail);
  }
  const open = () => {
    if (!figure.classList.contains("is-blurred") && img.src) openViewer(img.src, alt);
  };
  img.addEventListener("click", open);
  img.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      open();
    }
  });
  return figure;
}

/** Explicit words a person sent anyway, to someone who had not answered: veiled.
 * Returns what to put in the message in place of the text element. */
export function veilText(textEl, message) {
  if (!message.veiled) return textEl;
  textEl.hidden = true;
  const lift = h("button", { type: "button", class: "btn veil" },
    h("span", {}, tr("veil")), " — ", h("span", { class: "veil-see" }, tr("veil_see")));
  lift.addEventListener("click", () => {
    textEl.hidden = false;
    lift.remove();
    textEl.focus?.();
  });
  if (textEl.parentNode) {  // already in the message: the veil goes just before the text
    textEl.before(lift);
    return textEl;
  }
  const both = document.createDocumentFragment();
  both.append(lift, textEl);
  return both;
}

// ---------------------------------------------------------------- wiring

/**
 * hooks: token() -> bearer token; ready() -> a conversation is shown;
 * send(mediaId) -> Promise<reply frame>; status(text) and clearStatus() for the
 * composer's message area.
 */
export function initMedia(mediaHooks) {
  hooks = mediaHooks;
  const composer = document.getElementById("composer");
  const input = h("input", { type: "file", id: "image-input", accept: "image/*",
    class: "visually-hidden", tabindex: "-1", "aria-hidden": "true" });
  const button = h("button", { type: "button", class: "btn btn-icon", id: "image-btn",
    "aria-label": tr("button"), title: tr("button") }, "📷");
  button.addEventListener("click", () => input.click());
  input.addEventListener("change", () => {
    const file = input.files && input.files[0];
    input.value = "";
    sendImage(file);
  });
  composer.prepend(input, button);
  document.getElementById("composer-input").addEventListener("paste", (event) => {
    const file = firstImage(event.clipboardData && event.clipboardData.files);
    if (file) {
      event.preventDefault();
      sendImage(file);
    }
  });
  const pane = document.getElementById("pane-conv");
  pane.addEventListener("dragover", (event) => {
    if (!Array.from(event.dataTransfer?.types || []).includes("Files")) return;
    event.preventDefault();
    pane.classList.add("dropping");
  });
  pane.addEventListener("dragleave", (event) => {
    if (event.target === pane) pane.classList.remove("dropping");
  });
  pane.addEventListener("drop", (event) => {
    pane.classList.remove("dropping");
    const file = firstImage(event.dataTransfer && event.dataTransfer.files);
    if (!file) return;
    event.preventDefault();
    sendImage(file);
  });
}

/** Redraw the labels this module wrote, after a language switch. */
export function relabelMedia() {
  const button = document.getElementById("image-btn");
  if (button) {
    button.setAttribute("aria-label", tr("button"));
    button.title = tr("button");
  }
}
