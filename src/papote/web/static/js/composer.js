// The composer: Enter sends, Shift+Enter breaks the line; typing signals at most every
// 3 s; refusals are explained next to the composer, never as chat messages.

import { $, formatTime, h } from "./dom.js";
import { initEmojiPicker } from "./emoji.js";
import { codeText, t } from "./i18n.js";
import { state } from "./state.js";

const TYPING_EVERY_MS = 3000;
const RESTORE_ON = new Set(["rate_limited", "text_too_long", "not_member", "disconnected", "timeout", "too_many_new_dms"]);

let hooks = null;
let lastTyping = 0;

function input() {
  return $("#composer-input");
}

function autosize() {
  const el = input();
  el.style.height = "auto";
  el.style.height = `${Math.min(el.scrollHeight + 2, 140)}px`;
}

export function clearStatus() {
  $("#composer-status").replaceChildren();
}

export function showStatus(text, { error = true, buttons = [], code = null } = {}) {
  const box = h("div", { class: error ? "composer-alert error" : "composer-alert", "data-code": code },
    h("p", {}, text), ...buttons);
  $("#composer-status").replaceChildren(box);
}

function restore(text) {
  if (!input().value.trim()) {
    input().value = text;
    autosize();
  }
}

async function send(text, confirmToken) {
  let reply;
  try {
    reply = await hooks.send(text, confirmToken);
  } catch (err) {
    restore(text);
    showStatus(t("composer.offline"));
    return;
  }
  if (!reply) return;
  if (reply.type === "ack") {
    clearStatus();
    return;
  }
  const code = reply.code || "error";
  const message = codeText(code, reply.message);
  if (code === "confirm" && reply.confirm) {
    const sendAnyway = h("button", { type: "button", class: "btn btn-primary" }, t("composer.confirm"));
    const edit = h("button", { type: "button", class: "btn" }, t("composer.edit"));
    sendAnyway.addEventListener("click", () => {
      clearStatus();
      send(text, reply.confirm);
    });
    edit.addEventListener("click", () => {
      clearStatus();
      restore(text);
      input().focus();
    });
    showStatus(message, { error: false, buttons: [sendAnyway, edit], code });
    sendAnyway.focus();
    return;
  }
  if (code === "muted" && reply.until) state.muteUntil = reply.until;
  if (RESTORE_ON.has(code)) restore(text);
  showStatus(message, { code });
}

/** hooks: ready() -> bool, send(text, confirmToken) -> Promise<reply frame>, typing() */
export function initComposer(composerHooks) {
  hooks = composerHooks;
  const el = input();
  initEmojiPicker(el);
  el.addEventListener("input", () => {
    autosize();
    const now = Date.now();
    if (el.value.trim() && now - lastTyping > TYPING_EVERY_MS) {
      lastTyping = now;
      hooks.typing();
    }
  });
  el.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      $("#composer").requestSubmit();
    }
  });
  $("#composer").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = el.value.trim();
    if (!text || !hooks.ready()) return;
    if (state.muteUntil > Date.now()) {
      showStatus(Number.isFinite(state.muteUntil)
        ? t("composer.muted", { time: formatTime(state.muteUntil) })
        : t("sanction.mute"));
      return;
    }
    el.value = "";
    autosize();
    lastTyping = 0;
    send(text, null);
  });
}
