// Safety notices from the server (`notice` frames), shown above the conversation they
// concern: one at a time, compact, collapsible, naming the person of a private
// conversation. They never cover the composer or the last message (the box has a
// maximum height and scrolls; see .notices in app.css). The "minor_help" notice (someone
// who may be a minor) comes first and shows where to find help.

import { $, h } from "./dom.js";
import { currentLang, frenchTypography, t } from "./i18n.js";
import { state } from "./state.js";

let notices = []; // {key, level, text, dm}, the help notice first
let index = 0;
let collapsed = false;
let hooks = { proveAge: () => {} };

/** Where to find help, for someone who may be a minor: the 3018, and the age proof. */
function helpActions() {
  const prove = h("button", { type: "button", class: "btn" }, t("age.open"));
  prove.addEventListener("click", () => hooks.proveAge());
  return h("div", { class: "help-actions" },
    h("a", { class: "btn btn-help", href: "tel:3018" }, t("help.call")),
    h("a", { class: "btn", href: "https://3018.fr", target: "_blank", rel: "noopener noreferrer" }, t("help.site")),
    state.me?.verified_adult ? null : prove);
}

/** The notices for the conversation shown: general ones, and those of this private tab. */
function visible() {
  const conv = state.convs.get(state.active);
  const dmWith = conv?.kind === "dm" ? conv.id : null;
  return notices.filter((n) => !n.dm || n.dm === dmWith);
}

function button(text, onClick, extra = {}) {
  const el = h("button", { type: "button", class: "btn btn-ghost btn-small", ...extra }, text);
  el.addEventListener("click", onClick);
  return el;
}

export function renderNotices() {
  const box = $("#notices");
  const shown = visible();
  if (!shown.length) {
    box.replaceChildren();
    box.hidden = true;
    return;
  }
  box.hidden = false;
  index = Math.min(index, shown.length - 1);
  const notice = shown[index];
  const help = notice.key === "minor_help";
  const level = notice.level === "warning" ? "warning" : "info";
  if (collapsed) {
    const label = shown.length === 1 ? t("notice.summary1") : t("notice.summary", { n: shown.length });
    box.replaceChildren(h("div", { class: `notice compact ${level}${help ? " notice-help" : ""}`, "data-key": notice.key || null },
      h("span", { class: "notice-title" }, label),
      button(t("notice.expand"), () => { collapsed = false; renderNotices(); }, { "aria-expanded": "false" })));
    return;
  }
  const person = notice.dm ? state.users.get(notice.dm)?.pseudo : null;
  const dismiss = button(t("notice.dismiss"), () => dismissNotice(notice));
  const next = shown.length > 1
    ? button(t("notice.next"), () => { index = (index + 1) % shown.length; renderNotices(); })
    : null;
  const collapse = button(t("notice.collapse"), () => { collapsed = true; renderNotices(); }, { "aria-expanded": "true" });
  box.replaceChildren(h("div", {
    class: `notice ${level}${help ? " notice-help" : ""}`,
    role: level === "warning" || help ? "alert" : "status",
    "data-key": notice.key || null,
  },
  // The title and the buttons first, then the help (before the long text): on a phone
  // the box scrolls, and what matters is in view at once.
  h("div", { class: "notice-head" },
    h("p", { class: "notice-title" },
      h("strong", {}, help ? t("notice.help") : t("notice." + level)),
      person ? ` · ${t("notice.about", { pseudo: person })}` : null,
      shown.length > 1 ? h("span", { class: "notice-count" }, ` · ${t("notice.count", { i: index + 1, n: shown.length })}`) : null),
    h("div", { class: "notice-actions" }, next, collapse, dismiss)),
  h("div", { class: "notice-body" },
    help ? helpActions() : null,
    h("p", { class: "notice-text" }, currentLang() === "fr" ? frenchTypography(notice.text) : notice.text))));
}

function dismissNotice(notice) {
  notices = notices.filter((n) => n !== notice);
  renderNotices();
}

/** A `notice` frame. One per key (a newer one replaces it); the help notice first. */
export function addNotice(frame) {
  const notice = {
    key: frame.key || "", level: frame.level, text: frame.text || "",
    dm: typeof frame.dm === "string" && frame.dm ? frame.dm : null,
  };
  if (notice.key) notices = notices.filter((n) => n.key !== notice.key || n.dm !== notice.dm);
  if (notice.key === "minor_help") notices.unshift(notice);
  else notices.push(notice);
  // The help notice stays in front until dismissed; otherwise the newest is shown.
  const shown = visible();
  index = shown[0]?.key === "minor_help" ? 0 : Math.max(0, shown.indexOf(notice));
  collapsed = false;
  renderNotices();
}

/** Drop a notice by key (the help notice, once the age is proven). */
export function dropNotice(key) {
  notices = notices.filter((n) => n.key !== key);
  renderNotices();
}

export function initNotices(noticeHooks) {
  hooks = noticeHooks;
}
