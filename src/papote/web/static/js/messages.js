// The message list of the conversation shown. Messages arriving in a burst are added
// once per animation frame; text is always text (links only for server-marked safe URLs).

import { clear, formatTime, h } from "./dom.js";
import { t } from "./i18n.js";
import { renderMedia, veilText } from "./media.js";

const STICK_PX = 80;

/** Text nodes, with anchors only for links the server marked safe (https only). */
export function textWithLinks(text, links) {
  const safe = Array.isArray(links)
    ? links.filter((l) => l && l.safe === true && typeof l.url === "string" && /^https:\/\/[^\s]+$/.test(l.url))
    : [];
  if (!safe.length) return [text];
  const parts = [];
  let rest = text;
  while (rest) {
    let best = null;
    for (const link of safe) {
      const at = rest.indexOf(link.url);
      if (at >= 0 && (!best || at < best.at)) best = { at, url: link.url };
    }
    if (!best) {
      parts.push(rest);
      break;
    }
    if (best.at) parts.push(rest.slice(0, best.at));
    parts.push(h("a", { href: best.url, target: "_blank", rel: "noopener noreferrer nofollow ugc" }, best.url));
    rest = rest.slice(best.at + best.url.length);
  }
  return parts;
}

/** The "vérifié 18+" badge of a verified adult (the short form for dense lists). */
export function verifiedBadge(short = false) {
  return short
    ? h("span", { class: "verified-badge small", title: t("person.verified") },
      "✔ 18+", h("span", { class: "visually-hidden" }, ` (${t("person.verified")})`))
    : h("span", { class: "verified-badge" }, t("badge.verified"));
}

export function renderMessage(message, meId) {
  const from = message.from || { pseudo: "?", id: "" };
  const mine = from.id === meId;
  const meta = [from.age, from.city].filter((x) => x !== undefined && x !== null && x !== "").join(" · ");
  const el = h("div", { class: mine ? "msg mine" : "msg", "data-id": message.id },
    h("div", { class: "msg-head" },
      h("button", { type: "button", class: "msg-author", "data-user": from.id,
        "aria-label": t("msg.profile", { pseudo: from.pseudo }) }, from.pseudo),
      from.verified_adult ? verifiedBadge(true) : null,
      meta ? h("span", { class: "msg-meta" }, meta) : null,
      h("time", { datetime: new Date(message.ts).toISOString() }, formatTime(message.ts))),
    veilText(h("p", { class: "msg-text" }, ...textWithLinks(message.text || "", message.links)), message),
    renderMedia(message, mine));
  if (!mine) {
    el.append(h("button", { type: "button", class: "msg-more", "data-msg": message.id,
      "aria-label": t("msg.actions", { pseudo: from.pseudo }) }, "⋯"));
  }
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
