// The message list of the conversation shown: renderMessage() draws one message (other
// modules hook into it with onRenderMessage), MessageView the list. Messages arriving in
// a burst are added once per animation frame; text is always text, links are anchors
// built from parsed http(s) URLs.

import { clear, formatTime, h } from "./dom.js";
import { t } from "./i18n.js";
import { renderMedia, veilText } from "./media.js";
import { describeUser } from "./person-text.js";
import { parseReply } from "./reply-quote.js";

const STICK_PX = 80;

const URL_RE = /\bhttps?:\/\/[^\s<>"]+/gi;
const TRAILING = /[.,;:!?)\]»’'"]+$/;

/** One link: a new tab, no referrer, no ranking credit, and the real host shown. */
function linkTo(raw) {
  let url;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return null;
  // URL.hostname is punycode for look-alike letters: the host shown is the real one.
  return h("a", { href: url.href, target: "_blank", rel: "noopener noreferrer nofollow ugc", class: "msg-link" },
    raw, h("span", { class: "link-host" }, ` (${url.hostname})`));
}

/** Text nodes, with anchors for http(s) links; the server never fetches a preview. */
export function textWithLinks(text) {
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(URL_RE)) {
    let raw = match[0];
    const trail = raw.match(TRAILING);
    if (trail) raw = raw.slice(0, -trail[0].length);
    const link = raw ? linkTo(raw) : null;
    if (!link) continue;
    if (match.index > last) parts.push(text.slice(last, match.index));
    parts.push(link);
    last = match.index + raw.length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts.length ? parts : [text];
}

/** The "vérifié 18+" badge of a verified adult (the short form for dense lists). */
export function verifiedBadge(short = false) {
  return short
    ? h("span", { class: "verified-badge small", title: t("person.verified") },
      "✔ 18+", h("span", { class: "visually-hidden" }, ` (${t("person.verified")})`))
    : h("span", { class: "verified-badge" }, t("badge.verified"));
}

/** What became of a held message: pending, published or removed (with a reason). */
function heldState(message) {
  const outcome = message.outcome || "pending";
  const label = outcome === "published" ? t("msg.held.published")
    : outcome === "removed" ? t("msg.held.removed")
      : outcome === "reviewed" ? t("msg.held.reviewed") : t("msg.held");
  return h("p", { class: `msg-held-state ${outcome}`, role: "note" },
    h("strong", {}, label),
    outcome === "pending" ? ` — ${t("msg.held.hint")}` : null,
    message.outcomeText ? ` — ${message.outcomeText}` : null);
}

/** The quoted message a reply answers (kept short). */
function replyQuote(reply) {
  if (!reply || !reply.text) return null;
  const text = Array.from(reply.text).slice(0, 140).join("");
  return h("blockquote", { class: "msg-quote" },
    h("span", { class: "msg-quote-who" }, t("msg.reply.quote", { pseudo: reply.pseudo })), " ", text);
}

/** Hooks other modules add to every message (images, say): fn(message, el, mine). */
const renderHooks = [];

export function onRenderMessage(fn) {
  renderHooks.push(fn);
}

/**
 * One message as an element. message.held marks a message kept for review (shown to
 * its sender only, greyed); a first line "> pseudo : excerpt" is drawn as a quote.
 */
export function renderMessage(message, meId) {
  const from = message.from || { pseudo: "?", id: "" };
  const mine = from.id === meId;
  const { reply, body } = parseReply(message.text || "");
  const classes = ["msg", mine ? "mine" : null, message.held ? "held" : null].filter(Boolean).join(" ");
  const fate = message.held || message.outcome ? heldState(message) : null;
  const el = h("div", { class: classes, "data-id": message.id },
    h("div", { class: "msg-head" },
      h("button", { type: "button", class: "msg-author", "data-user": from.id,
        "aria-label": mine ? null : t("msg.profile", { pseudo: from.pseudo }) }, mine ? t("msg.mine") : from.pseudo),
      from.verified_adult ? verifiedBadge(true) : null,
      mine ? null : h("span", { class: "msg-meta" }, describeUser(from)),
      h("time", { datetime: new Date(message.ts).toISOString() }, formatTime(message.ts))),
    replyQuote(reply),
    h("p", { class: "msg-text" }, ...textWithLinks(body)),
    renderMedia(message, mine),
    fate);
  // the veil goes before the text, so the text must be in the message already
  veilText(el.querySelector(".msg-text"), message);
  if (!message.held) {
    const actions = h("div", { class: "msg-actions" },
      h("button", { type: "button", class: "msg-reply", "data-reply": message.id,
        "aria-label": t("msg.reply.to", { pseudo: from.pseudo }), title: t("msg.reply") }, "↩"),
      mine ? null : h("button", { type: "button", class: "msg-more", "data-msg": message.id,
        "aria-label": t("msg.actions", { pseudo: from.pseudo }) }, "⋯"));
    el.append(actions);
  }
  for (const hook of renderHooks) hook(message, el, mine);
  return el;
}

export class MessageView {
  constructor(list, { onOlder }) {
    this.list = list;
    this.conv = null;
    this.meId = null;
    this.pending = [];
    this.scheduled = false;
    this.onOlder = onOlder;
    // Whoever reads the newest message keeps it in view when the list shrinks (a notice
    // opens above it, the phone keyboard) or a message grows (a held message's fate).
    this.atBottom = true;
    list.addEventListener("scroll", () => { this.atBottom = this._nearBottom(); }, { passive: true });
    new ResizeObserver(() => { if (this.atBottom) this.stickToBottom(); }).observe(list);
  }

  _nearBottom() {
    const l = this.list;
    return l.scrollHeight - l.scrollTop - l.clientHeight < STICK_PX;
  }

  _olderButton() {
    if (!this.conv || this.conv.complete || this.conv.messages.length < 20) return null;
    const button = h("button", { type: "button", class: "btn older" }, t("msg.load_older"));
    button.addEventListener("click", () => this.onOlder(this.conv));
    return button;
  }

  /** Redraw the whole conversation (on switch, history merge, purge, language change). */
  show(conv, meId, { keepPosition = false } = {}) {
    this.conv = conv;
    this.meId = meId;
    this.pending = [];
    const fromBottom = this.list.scrollHeight - this.list.scrollTop;
    const stick = !keepPosition || this._nearBottom();
    clear(this.list);
    if (!conv) {
      this.list.append(h("p", { class: "empty-state" }, t("msg.noconv")));
      return;
    }
    if (!conv.messages.length) {
      this.list.append(h("p", { class: "empty-state" }, t("msg.empty")));
      return;
    }
    const fragment = document.createDocumentFragment();
    const older = this._olderButton();
    if (older) fragment.append(older);
    for (const message of conv.messages) fragment.append(renderMessage(message, meId));
    this.list.append(fragment);
    if (stick) this.list.scrollTop = this.list.scrollHeight;
    else this.list.scrollTop = this.list.scrollHeight - fromBottom;
  }

  /** Redraw one message in place (a held message whose fate is known). */
  replace(message) {
    const old = this.list.querySelector(`.msg[data-id="${CSS.escape(message.id)}"]`);
    if (!old) return;
    const stick = this.atBottom || this._nearBottom();
    old.replaceWith(renderMessage(message, this.meId));
    if (stick) this.stickToBottom();
  }

  /** Keep the newest message in view (the phone keyboard opened, the list shrank). */
  stickToBottom() {
    this.list.scrollTop = this.list.scrollHeight;
  }

  /** Queue new messages of the shown conversation; drawn on the next frame. */
  append(conv, messages) {
    if (conv !== this.conv) return;
    this.pending.push(...messages);
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      if (!this.pending.length || this.conv !== conv) return;
      const stick = this._nearBottom();
      const empty = this.list.querySelector(".empty-state");
      if (empty) empty.remove();
      const fragment = document.createDocumentFragment();
      for (const message of this.pending) fragment.append(renderMessage(message, this.meId));
      this.pending = [];
      this.list.append(fragment);
      const extra = this.list.querySelectorAll(".msg").length - conv.messages.length;
      for (let i = 0; i < extra; i++) this.list.querySelector(".msg").remove();
      if (stick) this.list.scrollTop = this.list.scrollHeight;
    });
  }
}
