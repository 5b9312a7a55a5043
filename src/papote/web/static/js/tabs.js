// Open conversations as tabs (with unread badges), the header of the conversation shown
// (with the other person's presence in a private tab), the typing line, and switching
// between conversations and, on a phone, between panes.

import { setTitleUnread } from "./alerts.js";
import { switchConversation } from "./composer.js";
import { $, $$, fill, frameBatcher, h } from "./dom.js";
import { t } from "./i18n.js";
import { renderNotices } from "./notices.js";
import { describeUser } from "./person-text.js";
import { readFilters, redrawPeople } from "./people.js";
import { renderRooms } from "./rooms.js";
import { ui } from "./context.js";
import { conversationTitle, state, totalUnread } from "./state.js";
import { saveConversations } from "./saved-session.js";

export const redrawRooms = frameBatcher(renderRooms);
export const redrawTabs = frameBatcher(renderTabs);

/** "online", "offline" (gone for now: the message waits), "gone" (left Papote) or null. */
export function presenceOf(userId) {
  if (state.presence.has(userId)) return state.presence.get(userId);
  return state.online.has(userId) ? "online" : null;
}

export function renderTabs() {
  const tabs = state.order.map((key) => {
    const conv = state.convs.get(key);
    const name = conversationTitle(conv);
    const active = key === state.active;
    const badge = conv.unread
      ? h("span", { class: "badge", "aria-label": t("chat.unread", { n: conv.unread }) }, String(conv.unread))
      : null;
    const presence = conv.kind === "dm" ? presenceOf(conv.id) : null;
    return h("div", { class: `tab ${conv.kind}${active ? " active" : ""}` },
      h("button", { type: "button", class: "tab-btn", "data-conv": key, "aria-current": active ? "true" : null },
        presence ? h("span", { class: `dot ${presence}`, "aria-hidden": "true" }) : null,
        h("span", { class: "name" }, name), badge),
      h("button", { type: "button", class: "tab-close", "data-close": key,
        "aria-label": t("chat.close_conv", { name }) }, "×"));
  });
  $("#conv-tabs").replaceChildren(...tabs);
  const total = totalUnread();
  setTitleUnread(total);
  const navBadge = $("#nav-unread");
  navBadge.hidden = total === 0;
  navBadge.textContent = String(total);
  navBadge.setAttribute("aria-label", t("chat.unread", { n: total }));
  saveConversations(state);
}

export function renderHeader() {
  const conv = state.convs.get(state.active);
  const presenceBox = $("#conv-presence");
  presenceBox.replaceChildren();
  presenceBox.className = "conv-presence";
  if (!conv) {
    $("#conv-title").textContent = "";
    $("#conv-topic").textContent = "";
    return;
  }
  if (conv.kind === "room") {
    $("#conv-title").textContent = conversationTitle(conv);
    $("#conv-topic").textContent = state.rooms.get(conv.id)?.topic || "";
    return;
  }
  const user = state.users.get(conv.id);
  const pseudo = user?.pseudo || "…";
  fill($("#conv-title"), t("dm.title", { pseudo }));
  $("#conv-topic").textContent = describeUser(user);
  const presence = presenceOf(conv.id);
  if (presence === "online") {
    presenceBox.classList.add("online");
    presenceBox.textContent = t("presence.online");
  } else if (presence === "offline" || presence === "gone") {
    presenceBox.classList.add(presence);
    presenceBox.textContent = t(presence === "gone" ? "presence.gone" : "presence.offline", { pseudo });
  }
}

export function renderTyping() {
  const conv = state.convs.get(state.active);
  const now = Date.now();
  const names = [];
  if (conv) {
    for (const [id, entry] of conv.typing) {
      if (entry.until < now) conv.typing.delete(id);
      else names.push(entry.user.pseudo);
    }
  }
  $("#typing").textContent = names.length === 0 ? ""
    : names.length === 1 ? t("typing.one", { a: names[0] })
      : names.length === 2 ? t("typing.two", { a: names[0], b: names[1] }) : t("typing.many");
}

export function showPane(pane) {
  $("#chat-view").dataset.pane = pane;
  for (const button of $$("[data-pane-btn]")) {
    button.setAttribute("aria-current", button.dataset.paneBtn === pane ? "true" : "false");
  }
}

/** Show a conversation: its messages, its draft, its notices, its header. */
export function setActive(key, { pane = true } = {}) {
  state.active = key;
  const conv = state.convs.get(key);
  if (conv && !document.hidden) conv.unread = 0;
  switchConversation(conv || null);
  renderHeader();
  renderNotices();
  ui.view.show(conv || null, state.me.id);
  renderTyping();
  redrawTabs();
  redrawRooms();
  if (readFilters().scope === "room") redrawPeople();
  if (pane) showPane("conv");
}
