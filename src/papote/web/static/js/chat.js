// The main view: rooms, conversation tabs, messages, people, and the server's frames.
// Frames come in through onFrame(); state lives in state.js; each part redraws itself
// at most once per animation frame.

import { openAgeDialog } from "./age.js";
import { endSession, verifyAge } from "./api.js";
import { notificationTitle, notify, playSound, setTitleUnread } from "./alerts.js";
import { clearStatus, initComposer, showStatus } from "./composer.js";
import { Connection } from "./connection.js";
import { fillAccount, initDialogs, openMessage, openPerson, openPrefs, showSanction } from "./dialogs.js";
import { $, $$, frameBatcher, h } from "./dom.js";
import { codeText, t } from "./i18n.js";
import { initMedia, relabelMedia } from "./media.js";
import { MessageView, verifiedBadge } from "./messages.js";
import { PeopleList, fillRegions, matches, readFilters, whoFrame } from "./people.js";
import {
  addMessages, closeConversation, conversationKey, conversationTitle, dmKey, openConversation,
  purgeUser, rememberUser, roomKey, state, totalUnread,
} from "./state.js";

const TYPING_SHOWN_MS = 5000;
const WHO_REFRESH_MS = 60000;
const CATCH_UP_LIMIT = 100;

let conn = null;
let view = null;
let people = null;
let hooks = null;
let welcomed = false;
let endedBySanction = null;
let whoTimer = null;

const redrawRooms = frameBatcher(renderRooms);
const redrawTabs = frameBatcher(renderTabs);
const redrawPeople = frameBatcher(renderPeople);

// ---------------------------------------------------------------- requests

async function request(frame) {
  try {
    return await conn.request(frame);
  } catch (err) {
    return { type: "error", code: err.code || "disconnected", message: t("composer.offline") };
  }
}

function toast(text) {
  const box = $("#toast");
  box.textContent = text;
  box.classList.add("show");
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => box.classList.remove("show"), 4000);
}

// ---------------------------------------------------------------- rooms and tabs

function renderRooms() {
  const activeRoom = state.active?.startsWith("room:") ? state.active.slice(5) : null;
  for (const kind of ["theme", "region"]) {
    const items = [];
    for (const room of state.rooms.values()) {
      if ((room.kind === "region" ? "region" : "theme") !== kind) continue;
      // A room for verified adults stays clickable: the server's refusal says why and
      // offers the anonymous proof (see showRoomRefusal).
      const locked = room.adult && !state.me.verified_adult;
      const button = h("button", {
        type: "button", class: locked ? "room-btn locked" : "room-btn", "data-room": room.id,
        "aria-current": room.id === activeRoom ? "true" : null,
      },
      h("span", { class: "name" }, room.name),
      room.adult ? h("span", { class: "lock" }, "18+ ✔",
        h("span", { class: "visually-hidden" }, ` (${t("chat.rooms.adult")})`)) : null,
      h("span", { class: "count", "aria-label": t("chat.room.members", { n: room.member_count ?? 0 }) },
        String(room.member_count ?? 0)));
      if (room.adult) button.title = t("chat.rooms.adult");
      items.push(h("li", {}, button));
    }
    $(`#room-list-${kind}`).replaceChildren(...items);
  }
}

function renderTabs() {
  const tabs = state.order.map((key) => {
    const conv = state.convs.get(key);
    const name = conversationTitle(conv);
    const active = key === state.active;
    const badge = conv.unread
      ? h("span", { class: "badge", "aria-label": t("chat.unread", { n: conv.unread }) }, String(conv.unread))
      : null;
    return h("div", { class: `tab ${conv.kind}${active ? " active" : ""}` },
      h("button", { type: "button", class: "tab-btn", "data-conv": key, "aria-current": active ? "true" : null },
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
}

function renderHeader() {
  const conv = state.convs.get(state.active);
  if (!conv) {
    $("#conv-title").textContent = "";
    $("#conv-topic").textContent = "";
    return;
  }
  if (conv.kind === "room") {
    const room = state.rooms.get(conv.id);
    $("#conv-title").textContent = conversationTitle(conv);
    $("#conv-topic").textContent = room?.topic || "";
  } else {
    const user = state.users.get(conv.id);
    $("#conv-title").textContent = t("dm.title", { pseudo: user?.pseudo || "…" });
    $("#conv-topic").textContent = user
      ? t("person.summary", { age: user.age, gender: t("gender." + user.gender), city: user.city || "" })
      : "";
  }
}

function setActive(key) {
  state.active = key;
  const conv = state.convs.get(key);
  if (conv && !document.hidden) conv.unread = 0;
  clearStatus();
  renderHeader();
  view.show(conv || null, state.me.id);
  renderTyping();
  redrawTabs();
  redrawRooms();
  if (readFilters().scope === "room") redrawPeople();
  showPane("conv");
}

function showPane(pane) {
  $("#chat-view").dataset.pane = pane;
  for (const button of $$("[data-pane-btn]")) {
    button.setAttribute("aria-current", button.dataset.paneBtn === pane ? "true" : "false");
  }
}

// ---------------------------------------------------------------- joining and history

function mergeInto(conv, messages) {
  const { added, appended } = addMessages(conv, messages);
  if (!added.length) return added;
  if (conv.key === state.active) {
    if (appended) view.append(conv, added);
    else view.show(conv, state.me.id, { keepPosition: true });
  }
  return added;
}

/** Join a room; a refusal goes to onRefused(reply) (by default, a toast). */
async function joinRoom(id, onRefused = (reply) => toast(codeText(reply.code, reply.message))) {
  const reply = await request({ type: "join", room: id });
  if (reply.type !== "joined") {
    onRefused(reply);
    return null;
  }
  $("#rooms-status").replaceChildren();
  state.rooms.set(reply.room.id, { ...state.rooms.get(reply.room.id), ...reply.room });
  state.joined.add(reply.room.id);
  const members = new Map();
  for (const user of reply.members || []) members.set(user.id, rememberUser(user));
  state.members.set(reply.room.id, members);
  const conv = openConversation(roomKey(reply.room.id));
  const added = mergeInto(conv, reply.history || []);
  if ((reply.history || []).length < 50) conv.complete = true;
  redrawRooms();
  redrawTabs();
  redrawPeople();
  return added;
}

async function openRoom(id) {
  const key = roomKey(id);
  if (state.joined.has(id) && state.convs.has(key)) {
    setActive(key);
    return;
  }
  if ((await joinRoom(id, showRoomRefusal)) !== null) setActive(key);
}

/**
 * A refused join, shown where the person clicked (the rooms pane, visible on a phone
 * too) and kept until dismissed; the adult room offers the anonymous age proof.
 */
function showRoomRefusal(reply) {
  const box = $("#rooms-status");
  const dismiss = h("button", { type: "button", class: "btn btn-ghost" }, t("notice.dismiss"));
  dismiss.addEventListener("click", () => box.replaceChildren());
  let prove = null;
  if (reply.code === "adult_room") {
    prove = h("button", { type: "button", class: "btn btn-primary", id: "rooms-prove" }, t("age.open"));
    prove.addEventListener("click", proveAge);
  }
  const text = reply.code === "adult_room"
    ? codeText("adult_room", reply.message || t("chat.room.locked"))
    : codeText(reply.code, reply.message);
  box.replaceChildren(h("div", { class: "composer-alert error", "data-code": reply.code || null },
    h("p", {}, text), prove, dismiss));
  box.scrollIntoView({ block: "nearest" });
}

async function fetchHistory(conv, extra = {}) {
  const frame = { type: "history", limit: CATCH_UP_LIMIT, ...extra };
  if (conv.kind === "room") frame.room = conv.id;
  else frame.with = conv.id;
  const reply = await request(frame);
  if (reply.type !== "history") return null;
  return reply.messages || [];
}

async function openDm(user) {
  rememberUser(user);
  const key = dmKey(user.id);
  const known = state.convs.has(key);
  const conv = openConversation(key);
  setActive(key);
  if (!known) {
    const messages = await fetchHistory(conv);
    if (messages) {
      if (messages.length < CATCH_UP_LIMIT) conv.complete = true;
      mergeInto(conv, messages);
    }
  }
  $("#composer-input").focus();
}

async function loadOlder(conv) {
  if (!conv.messages.length) return;
  const messages = await fetchHistory(conv, { before: conv.messages[0].id, limit: 50 });
  if (!messages) return;
  if (messages.length < 50) conv.complete = true;
  const { added } = addMessages(conv, messages);
  if (conv.key === state.active) view.show(conv, state.me.id, { keepPosition: true });
  if (!added.length) conv.complete = true;
}

async function closeTab(key) {
  const conv = state.convs.get(key);
  if (!conv) return;
  if (conv.kind === "room") {
    await request({ type: "leave", room: conv.id });
    state.joined.delete(conv.id);
    state.members.delete(conv.id);
  }
  closeConversation(key);
  setActive(state.active);
}

/** After a reconnection (rejoin) or a `resync`: fetch what was missed, deduplicated. */
async function catchUp({ rejoin = true } = {}) {
  for (const key of [...state.order]) {
    const conv = state.convs.get(key);
    if (!conv) continue;
    if (conv.kind === "room" && rejoin) {
      const rejoined = await joinRoom(conv.id);
      if (rejoined === null) continue;
      countUnread(conv, rejoined);
    }
    const messages = await fetchHistory(conv);
    if (!messages) continue;
    countUnread(conv, mergeInto(conv, messages));
  }
  redrawTabs();
}

// ---------------------------------------------------------------- incoming frames

function countUnread(conv, added) {
  const fromOthers = added.filter((m) => m.from?.id !== state.me.id);
  if (!fromOthers.length) return fromOthers;
  if (conv.key !== state.active || document.hidden) conv.unread += fromOthers.length;
  return fromOthers;
}

function onMessage(message) {
  const key = conversationKey(message);
  if (message.room && !state.joined.has(message.room)) return;
  const conv = openConversation(key);
  const added = mergeInto(conv, [message]);
  const fromOthers = countUnread(conv, added);
  if (conv.typing.delete(message.from?.id) && key === state.active) renderTyping();
  redrawTabs();
  // Sound and notifications for private messages only: a busy room would never stop
  // ringing, and room talk is not worth waking someone's phone for.
  if (fromOthers.length && message.dm) {
    playSound();
    const roomName = message.room ? conversationTitle(conv) : "";
    notify(notificationTitle(message, roomName), message.text || t("msg.image"), () => setActive(key));
  }
}

function renderTyping() {
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

function onTyping(frame) {
  if (!frame.user || frame.user.id === state.me.id || state.blocked.has(frame.user.id)) return;
  const key = frame.room ? roomKey(frame.room) : dmKey(frame.dm || frame.user.id);
  const conv = state.convs.get(key);
  if (!conv) return;
  conv.typing.set(frame.user.id, { user: frame.user, until: Date.now() + TYPING_SHOWN_MS });
  if (key === state.active) {
    renderTyping();
    setTimeout(renderTyping, TYPING_SHOWN_MS + 50);
  }
}

function onMember(frame, joined) {
  const members = state.members.get(frame.room);
  if (!frame.user) return;
  rememberUser(frame.user);
  if (members) {
    if (joined) members.set(frame.user.id, frame.user);
    else members.delete(frame.user.id);
  }
  const room = state.rooms.get(frame.room);
  if (room) {
    if (typeof frame.member_count === "number") room.member_count = frame.member_count;
    else if (members) room.member_count = members.size;
    else room.member_count = Math.max(0, (room.member_count || 0) + (joined ? 1 : -1));
  }
  redrawRooms();
  if (readFilters().scope === "room") redrawPeople();
}

function onPresence(frame) {
  const user = frame.user;
  if (!user) return;
  rememberUser(user);
  if (frame.status === "offline") state.online.delete(user.id);
  else if (matches(user, readFilters()) && !state.blocked.has(user.id)) state.online.set(user.id, user);
  redrawPeople();
}

/** Where to find help, for someone who may be a minor: the 3018, and the age proof. */
function helpActions() {
  const prove = h("button", { type: "button", class: "btn" }, t("age.open"));
  prove.addEventListener("click", proveAge);
  return h("div", { class: "help-actions" },
    h("a", { class: "btn btn-help", href: "tel:3018" }, t("help.call")),
    h("a", { class: "btn", href: "https://3018.fr", target: "_blank", rel: "noopener noreferrer" }, t("help.site")),
    state.me?.verified_adult ? null : prove);
}

function onNotice(frame) {
  const box = $("#notices");
  const level = frame.level === "warning" ? "warning" : "info";
  const help = frame.key === "minor_help";
  if (frame.key) box.querySelector(`[data-key="${CSS.escape(frame.key)}"]`)?.remove();
  const dismiss = h("button", { type: "button", class: "btn btn-ghost" }, t("notice.dismiss"));
  const notice = h("div", { class: `notice ${level}${help ? " notice-help" : ""}`,
    role: level === "warning" || help ? "alert" : "status", "data-key": frame.key || null },
  h("div", { class: "notice-body" },
    h("strong", {}, help ? t("notice.help") : t("notice." + level)),
    h("p", {}, frame.text || ""),
    help ? helpActions() : null),
  dismiss);
  dismiss.addEventListener("click", () => notice.remove());
  if (help) box.prepend(notice);
  else box.append(notice);
  // At most three notices; the help one stays (it goes only when dismissed).
  const others = [...box.children].filter((el) => !el.classList.contains("notice-help"));
  while (box.children.length > 3 && others.length) others.shift().remove();
}

function onSanction(frame) {
  showSanction(frame);
  if (frame.action === "mute") {
    state.muteUntil = frame.until || Number.POSITIVE_INFINITY;
    showStatus(t("sanction.mute"));
  } else if (frame.action === "kick") {
    // taken out of a room (named in the statement); the session goes on
  } else {
    endedBySanction = frame;
    conn.final = true;
  }
}

/**
 * Rooms from welcome (whole rooms), a `room` frame, or the `rooms` event that carries
 * only {id, member_count} every few seconds: a partial entry for a room this page does
 * not know yet is skipped (it would have no name nor kind).
 */
function onRooms(rooms) {
  let named = false;
  for (const room of rooms) {
    if (!room || !room.id) continue;
    const known = state.rooms.get(room.id);
    if (!known && !room.name) continue;
    if (room.name) named = true;
    state.rooms.set(room.id, { ...known, ...room });
  }
  redrawRooms();
  if (named) redrawTabs();
}

function onFrame(frame) {
  switch (frame.type) {
    case "message": if (frame.message) onMessage(frame.message); break;
    case "typing": onTyping(frame); break;
    case "presence": onPresence(frame); break;
    case "member_joined": onMember(frame, true); break;
    case "member_left": onMember(frame, false); break;
    case "notice": onNotice(frame); break;
    case "sanction": onSanction(frame); break;
    case "rooms": onRooms(frame.rooms || []); break;
    case "room": if (frame.room) onRooms([frame.room]); break;
    case "resync": catchUp({ rejoin: false }); break;
    case "error": if (frame.code === "rate_limited") showStatus(codeText(frame.code, frame.message)); break;
    default: break;
  }
}

async function onWelcome(frame) {
  state.me = rememberUser(frame.user);
  state.prefs = frame.prefs || state.prefs;
  for (const id of frame.blocked || []) if (!state.blocked.has(id)) state.blocked.set(id, null);
  onRooms(frame.rooms || []);
  renderMe();
  $("#me").hidden = false;
  if (!welcomed) {
    welcomed = true;
    fillRegions(state.me.region);
    await openRoom("general");
  } else {
    await catchUp();
  }
  await refreshWho();
}

// ---------------------------------------------------------------- people

function renderPeople() {
  const filters = readFilters();
  let source;
  if (filters.scope === "room") {
    const conv = state.convs.get(state.active);
    source = conv?.kind === "room" ? state.members.get(conv.id)?.values() || [] : [];
  } else {
    source = state.online.values();
  }
  const list = [];
  for (const user of source) if (!state.blocked.has(user.id) && matches(user, filters)) list.push(user);
  people.setItems(list);
}

async function refreshWho() {
  clearTimeout(whoTimer);
  whoTimer = setTimeout(refreshWho, WHO_REFRESH_MS);
  const reply = await request(whoFrame(readFilters()));
  if (reply.type !== "users") return;
  state.online = new Map((reply.users || []).map((u) => [u.id, rememberUser(u)]));
  redrawPeople();
}

function findUser(id) {
  return state.users.get(id);
}

// ---------------------------------------------------------------- block, media, leave

async function block(user) {
  const reply = await request({ type: "block", user: user.id });
  if (reply.type !== "ok") {
    toast(codeText(reply.code, reply.message));
    return;
  }
  state.blocked.set(user.id, user.pseudo);
  purgeUser(user.id);
  const key = dmKey(user.id);
  if (state.convs.has(key)) closeConversation(key);
  setActive(state.active);
  redrawPeople();
  toast(t("block.done", { pseudo: user.pseudo }));
}

async function unblock(id) {
  const reply = await request({ type: "unblock", user: id });
  if (reply.type !== "ok") {
    toast(codeText(reply.code, reply.message));
    return;
  }
  const pseudo = state.blocked.get(id) || state.users.get(id)?.pseudo || "";
  state.blocked.delete(id);
  toast(t("unblock.done", { pseudo }));
  refreshWho();
}

// ---------------------------------------------------------------- age verification

function renderMe() {
  $("#me").replaceChildren(t("chat.me", { pseudo: state.me.pseudo }),
    state.me.verified_adult ? " " : null, state.me.verified_adult ? verifiedBadge() : null);
}

/** "Prouver que j'ai 18 ans" in session: nonce with the token, then /age/verify. */
function proveAge() {
  openAgeDialog({
    token: state.token,
    submit: async (attestation, nonce) => {
      const reply = await verifyAge(state.token, attestation, nonce);
      onVerified(reply && reply.user);
    },
  });
}

function onVerified(user) {
  const me = { ...state.me, ...(user && user.id === state.me.id ? user : {}), verified_adult: true, possibly_minor: false };
  state.me = rememberUser(me);
  if (state.online.has(me.id)) state.online.set(me.id, me);
  for (const members of state.members.values()) if (members.has(me.id)) members.set(me.id, me);
  $('#notices [data-key="minor_help"]')?.remove();
  $("#rooms-status").replaceChildren();
  renderMe();
  fillAccount();
  redrawRooms();
  redrawPeople();
  toast(t("age.done"));
}

async function quit() {
  conn.close();
  try {
    await endSession(state.token);
  } catch {
    /* the session ends anyway when the token expires */
  }
  hooks.onEnded({ reason: "quit" });
}

// ---------------------------------------------------------------- wiring

function onStatus(status, info) {
  const banner = $("#conn-banner");
  clearInterval(onStatus.countdown);
  if (status === "down") {
    let left = Math.ceil(info.delay / 1000);
    const say = () => {
      banner.textContent = t(info.restart ? "conn.restart" : "conn.down", { s: Math.max(left, 0) });
    };
    banner.classList.remove("ok");
    banner.hidden = false;
    say();
    onStatus.countdown = setInterval(() => {
      left -= 1;
      say();
    }, 1000);
    onStatus.wasDown = true;
  } else if (status === "connecting" && onStatus.wasDown) {
    banner.textContent = t("conn.connecting");
  } else if (status === "open" && onStatus.wasDown) {
    onStatus.wasDown = false;
    banner.textContent = t("conn.back");
    banner.classList.add("ok");
    setTimeout(() => {
      if (!onStatus.wasDown) banner.hidden = true;
    }, 2500);
  } else if (status === "closed") {
    banner.hidden = true;
    clearTimeout(whoTimer);
    if (endedBySanction) hooks.onEnded({ reason: "sanction", sanction: endedBySanction });
  }
}

function wireEvents() {
  $("#pane-rooms").addEventListener("click", (event) => {
    const button = event.target.closest("[data-room]");
    if (button) openRoom(button.dataset.room);
  });
  $("#conv-tabs").addEventListener("click", (event) => {
    const tab = event.target.closest("[data-conv]");
    const close = event.target.closest("[data-close]");
    if (close) closeTab(close.dataset.close);
    else if (tab) setActive(tab.dataset.conv);
  });
  $("#message-list").addEventListener("click", (event) => {
    const author = event.target.closest("[data-user]");
    const more = event.target.closest("[data-msg]");
    if (author && findUser(author.dataset.user)) openPerson(findUser(author.dataset.user));
    else if (more) {
      const conv = state.convs.get(state.active);
      const message = conv?.messages.find((m) => m.id === more.dataset.msg);
      if (message) openMessage(message);
    }
  });
  let filterTimer = null;
  $("#filters").addEventListener("input", (event) => {
    redrawPeople();
    if (event.target.id === "f-scope") return;
    clearTimeout(filterTimer);
    filterTimer = setTimeout(refreshWho, 300);
  });
  $("#filters").addEventListener("submit", (event) => event.preventDefault());
  for (const button of $$("[data-pane-btn]")) {
    button.addEventListener("click", () => showPane(button.dataset.paneBtn));
  }
  $("#settings-btn").addEventListener("click", openPrefs);
  $("#quit-btn").addEventListener("click", quit);
  document.addEventListener("visibilitychange", () => {
    if (document.hidden) return;
    const conv = state.convs.get(state.active);
    if (conv && conv.unread) {
      conv.unread = 0;
      redrawTabs();
    }
  });
}

/** Redraw what JavaScript wrote, after a language switch. */
export function relabel() {
  if (!state.me) return;
  renderMe();
  relabelMedia();
  if ($("#prefs-dialog").open) fillAccount();
  renderRooms();
  renderTabs();
  renderHeader();
  renderPeople();
  view.show(state.convs.get(state.active) || null, state.me.id, { keepPosition: true });
}

/** Send a say/dm (text, and optionally confirm or media) to the conversation shown. */
function sendToActive(fields) {
  const conv = state.convs.get(state.active);
  if (!conv) return Promise.resolve(null);
  const frame = conv.kind === "room"
    ? { type: "say", room: conv.id, ...fields }
    : { type: "dm", to: conv.id, ...fields };
  return conn.request(frame).then((reply) => {
    if (reply.type === "ack" && reply.message) mergeInto(conv, [reply.message]);
    return reply;
  });
}

/**
 * Start the chat with a session token. chatHooks: onEnded({reason, sanction?}),
 * onExpired(). Returns the connection (tests reach it through window.papote).
 */
export function startChat(token, chatHooks) {
  hooks = chatHooks;
  state.token = token;
  view = new MessageView($("#message-list"), { onOlder: loadOlder });
  people = new PeopleList((id) => {
    const user = findUser(id);
    if (user) openPerson(user);
  });
  initDialogs({ openDm, block, unblock, request, toast, proveAge });
  initComposer({
    ready: () => state.convs.has(state.active),
    send: (text, confirmToken) => sendToActive({ text, confirm: confirmToken || undefined }),
    typing: () => {
      const conv = state.convs.get(state.active);
      if (!conv) return;
      conn.send(conv.kind === "room" ? { type: "typing", room: conv.id } : { type: "typing", to: conv.id });
    },
  });
  initMedia({
    token: () => state.token,
    ready: () => state.convs.has(state.active),
    send: (mediaId) => sendToActive({ text: "", media: mediaId }).catch(() => null),
    status: (text) => showStatus(text),
    clearStatus,
  });
  wireEvents();
  conn = new Connection(token, {
    welcome: onWelcome,
    frame: onFrame,
    status: onStatus,
    expired: () => hooks.onExpired(),
  });
  conn.start();
  return conn;
}
