// The composer: one draft per conversation (text typed for a room never follows into a
// private tab), a character counter near the limit, reply (quote) to a message, Enter
// sends and Shift+Enter breaks the line, typing signals at most every 3 s. Refusals are
// explained next to the composer, never as chat messages; a held message is handed back
// to the chat (hooks.held) to be shown in place.

import { $, formatTime, h } from "./dom.js";
import { initEmojiPicker } from "./emoji.js";
import { codeText, t } from "./i18n.js";
import { QUOTE_CHARS, parseReply, withQuote } from "./reply-quote.js";
import { saveConversations } from "./saved-session.js";
import { state } from "./state.js";

export const MAX_CHARS = 1000;
const COUNT_FROM = 800;
const TYPING_EVERY_MS = 3000;
const RESTORE_ON = new Set(["rate_limited", "text_too_long", "not_member", "disconnected", "timeout", "too_many_new_dms", "unknown_user"]);

let hooks = null;
let lastTyping = 0;
let current = null; // the conversation the composer writes to
let saveTimer = null;

function input() {
  return $("#composer-input");
}

function autosize() {
  const el = input();
  el.style.height = "auto";
  el.style.height = `${Math.min(el.scrollHeight + 2, 140)}px`;
}

function renderCount() {
  const n = Array.from(input().value).length;
  const box = $("#composer-count");
  box.hidden = n < COUNT_FROM;
  box.textContent = t("composer.count", { n, max: MAX_CHARS });
  box.classList.toggle("over", n > MAX_CHARS);
}

export function clearStatus() {
  $("#composer-status").replaceChildren();
}

export function showStatus(text, { error = true, buttons = [], code = null } = {}) {
  const box = h("div", { class: error ? "composer-alert error" : "composer-alert", "data-code": code },
    h("p", {}, text), ...buttons);
  $("#composer-status").replaceChildren(box);
}

function renderReply() {
  const bar = $("#composer-reply");
  const replyTo = current?.replyTo;
  if (!replyTo) {
    bar.hidden = true;
    bar.replaceChildren();
    return;
  }
  const cancel = h("button", { type: "button", class: "btn btn-ghost btn-small", "aria-label": t("msg.reply.cancel") }, "×");
  cancel.addEventListener("click", () => {
    current.replyTo = null;
    renderReply();
    input().focus();
  });
  bar.hidden = false;
  bar.replaceChildren(h("p", {}, h("strong", {}, t("msg.reply.quote", { pseudo: replyTo.pseudo })), " ",
    Array.from(replyTo.text).slice(0, QUOTE_CHARS).join("")), cancel);
}

/** Quote a message in the next send of the conversation shown. */
export function startReply(message) {
  if (!current) return;
  const { body } = parseReply(message.text || "");
  current.replyTo = { id: message.id, pseudo: message.from?.pseudo || "?", text: body || t("msg.image") };
  renderReply();
  input().focus();
}

/** The conversation shown changed: keep the text typed for the old one, bring back the new one's. */
export function switchConversation(conv) {
  if (current === conv) return;
  if (current) current.draft = input().value;
  current = conv;
  input().value = conv ? conv.draft || "" : "";
  autosize();
  renderCount();
  renderReply();
  clearStatus();
}

function restore(conv, text) {
  if (conv !== current) {
    if (!conv.draft.trim()) conv.draft = text;
    return;
  }
  if (!input().value.trim()) {
    input().value = text;
    autosize();
    renderCount();
  }
}

async function send(conv, text, confirmToken) {
  let reply;
  try {
    reply = await hooks.send(conv, text, confirmToken);
  } catch {
    restore(conv, text);
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
  if (code === "held") {
    hooks.held(conv, text, reply);
    clearStatus();
    return;
  }
  if (code === "confirm" && reply.confirm) {
    const sendAnyway = h("button", { type: "button", class: "btn btn-primary" }, t("composer.confirm"));
    const edit = h("button", { type: "button", class: "btn" }, t("composer.edit"));
    sendAnyway.addEventListener("click", () => {
      clearStatus();
      send(conv, text, reply.confirm);
    });
    edit.addEventListener("click", () => {
      clearStatus();
      restore(conv, text);
      input().focus();
    });
    showStatus(message, { error: false, buttons: [sendAnyway, edit], code });
    sendAnyway.focus();
    return;
  }
  if (code === "muted" && reply.until) state.muteUntil = reply.until;
  if (RESTORE_ON.has(code)) restore(conv, text);
  if (conv === current) showStatus(message, { code });
}

/** hooks: send(conv, text, confirmToken) -> Promise<reply>, typing(conv), held(conv, text, reply) */
export function initComposer(composerHooks) {
  hooks = composerHooks;
  const el = input();
  el.maxLength = MAX_CHARS;
  initEmojiPicker(el);
  el.addEventListener("input", () => {
    autosize();
    renderCount();
    if (current) {
      current.draft = el.value;
      clearTimeout(saveTimer);
      saveTimer = setTimeout(() => saveConversations(state), 400);
    }
    const now = Date.now();
    if (current && el.value.trim() && now - lastTyping > TYPING_EVERY_MS) {
      lastTyping = now;
      hooks.typing(current);
    }
  });
  el.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      $("#composer").requestSubmit();
    } else if (event.key === "Escape" && current?.replyTo) {
      current.replyTo = null;
      renderReply();
    }
  });
  $("#composer").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = el.value.trim();
    const conv = current;
    if (!text || !conv || !state.convs.has(conv.key)) return;
    if (state.muteUntil > Date.now()) {
      showStatus(Number.isFinite(state.muteUntil)
        ? t("composer.muted", { time: formatTime(state.muteUntil) })
        : t("sanction.mute"));
      return;
    }
    const full = withQuote(text, conv.replyTo);
    conv.replyTo = null;
    conv.draft = "";
    el.value = "";
    autosize();
    renderCount();
    renderReply();
    saveConversations(state);
    lastTyping = 0;
    send(conv, full, null);
  });
}

/** Put the keyboard focus in the composer (after entering, after opening a tab). */
export function focusComposer() {
  input().focus({ preventScroll: true });
}
