// The main view: every server frame enters through onFrame(); the parts it drives are
// rooms.js (rooms pane), tabs.js (tabs, header, presence), conversations.js (joining,
// history, reload), messages.js (the list), composer.js, notices.js, people.js and the
// dialogs. state.js holds what the page knows.

import { openAgeDialog } from "./age.js";
import { endSession, verifyAge } from "./api.js";
import { notificationTitle, notify, playSound } from "./alerts.js";
import { clearStatus, focusComposer, initComposer, showStatus, startReply } from "./composer.js";
import { Connection } from "./connection.js";
import { request, toast, ui } from "./context.js";
import {
  catchUp, closeTab, countUnread, loadOlder, mergeInto, openDm, openRoom, restoreConversations, setProveAge,
} from "./conversations.js";
import { fillAccount, initDialogs, openMessage, openPerson, openPrefs, showSanction } from "./dialogs.js";
import { $, $$, fill, h } from "./dom.js";
import { codeText, t } from "./i18n.js";
import { initMedia, relabelMedia } from "./media.js";
import { MessageView, verifiedBadge } from "./messages.js";
import { addNotice, dropNotice, initNotices, renderNotices } from "./notices.js";
import {
  PeopleList, fillRegions, matches, readFilters, redrawPeople, refreshWho, renderPeople, stopWho,
} from "./people.js";
import { renderRooms } from "./rooms.js";
import { saveConversations } from "./saved-session.js";
import {
  closeConversation, conversationKey, dmKey, openConversation, purgeUser,
  rememberUser, roomKey, state,
} from "./state.js";
import {
  presenceOf, redrawRooms, redrawTabs, renderHeader, renderTabs, renderTyping, setActive, showPane,
} from "./tabs.js";
import { followViewport } from "./viewport.js";

const TYPING_SHOWN_MS = 5000;

let hooks = null;
let welcomed = false;
let endedBySanction = null;

// ---------------------------------------------------------------- incoming frames

function findHeld(id) {
  for (const conv of state.convs.values()) {
    const message = conv.messages.find((m) => m.id === id && (m.held || m.outcome));
    if (message) return { conv, message };
  }
  return null;
}

function showFate(conv, message) {
  if (conv.key === state.active) ui.view.replace(message);
  saveConversations(state);
}

function onMessage(message) {
  const key = conversationKey(message);
  if (message.room && !state.joined.has(message.room)) return;
  const held = findHeld(message.id);
  if (held) {
    // A held message published by a moderator: the same message, now seen by all.
    Object.assign(held.message, message, { held: false, outcome: "published" });
    showFate(held.conv, held.message);
    return;
  }
  const conv = openConversation(key);
  const added = mergeInto(conv, [message]);
  const fromOthers = countUnread(conv, added);
  if (conv.typing.delete(message.from?.id) && key === state.active) renderTyping();
  redrawTabs();
  // Sound and notifications for private messages only: a busy room would never stop
  // ringing, and room talk is not worth waking someone's phone for.
  if (fromOthers.length && message.dm) {
    playSound();
    notify(notificationTitle(message, ""), message.text || t("msg.image"), () => setActive(key));
  }
}

/** My message kept for a moderator: shown in place, greyed, to me only. */
function onHeld(conv, text, reply) {
  const message = {
    id: typeof reply.message_id === "string" ? reply.message_id : `held-${Date.now()}`,
    room: conv.kind === "room" ? conv.id : null,
    dm: conv.kind === "dm" ? conv.id : null,
    from: state.me, text, media: null, ts: Date.now(), held: true,
  };
  mergeInto(conv, [message]);
  saveConversations(state);
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
  const online = frame.status !== "offline";
  state.presence.set(user.id, online ? "online" : "offline");
  if (!online) state.online.delete(user.id);
  else if (matches(user, readFilters()) && !state.blocked.has(user.id)) state.online.set(user.id, user);
  redrawPeople();
  if (state.convs.has(dmKey(user.id))) {
    redrawTabs();
    if (state.active === dmKey(user.id)) renderHeader();
  }
}

// Fates of held messages told before the page restored its conversations (the outbox
// is sent right after `welcome`): applied once they are back.
let restoring = false;
const earlyFates = [];

function onNotice(frame) {
  // What became of a held message: shown on the message itself.
  const held = typeof frame.message_id === "string" ? findHeld(frame.message_id) : null;
  if (!held && restoring && typeof frame.message_id === "string") {
    earlyFates.push(frame);
    return;
  }
  if (held) {
    const outcome = ["published", "removed"].includes(frame.outcome) ? frame.outcome : "reviewed";
    // a removed message says which rule it broke (`reason`), else the notice's text
    const why = outcome === "removed" && typeof frame.reason === "string" && frame.reason
      ? t("msg.held.reason", { reason: frame.reason }) : frame.text || "";
    Object.assign(held.message, { outcome, outcomeText: why, held: outcome !== "published" });
    showFate(held.conv, held.message);
    return;
  }
  addNotice(frame);
}

/** The server took this person out of a room: its tab closes, nothing is sent back. */
function leftRoom(id) {
  state.joined.delete(id);
  state.members.delete(id);
  if (state.convs.has(roomKey(id))) closeConversation(roomKey(id));
}

function onSanction(frame) {
  showSanction(frame);
  if (frame.action === "mute") {
    state.muteUntil = frame.until || Number.POSITIVE_INFINITY;
    showStatus(t("sanction.mute"));
  } else if (frame.action === "kick") {
    // taken out of a room (extension `room`; null: every room); the session goes on
    const rooms = typeof frame.room === "string" ? [frame.room] : [...state.joined];
    for (const id of rooms) leftRoom(id);
    setActive(state.active);
    redrawRooms();
  } else {
    endedBySanction = frame;
    ui.conn.final = true;
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

/** Is the person of a restored private tab still here? A `who` narrowed to them. */
async function checkPresence(user) {
  if (!user || presenceOf(user.id)) return;
  // watch: false, a lookup: the people list keeps the filters it watches (presence)
  const reply = await request({ type: "who", gender: user.gender, age_min: user.age, age_max: user.age, watch: false });
  if (reply.type !== "users") return;
  state.presence.set(user.id, (reply.users || []).some((u) => u.id === user.id) ? "online" : "offline");
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
    restoring = true;
    try {
      if (!(await restoreConversations())) await openRoom("general");
    } finally {
      restoring = false;
      for (const frame of earlyFates.splice(0)) onNotice(frame);
    }
    if (window.matchMedia("(min-width: 761px)").matches) focusComposer();
    else $("#conv-title").focus({ preventScroll: true });
  } else {
    await catchUp();
  }
  await refreshWho();
  for (const conv of state.convs.values()) if (conv.kind === "dm") await checkPresence(state.users.get(conv.id));
  renderTabs();
  renderHeader();
}

// ---------------------------------------------------------------- block, media, leave

async function block(user, { quiet = false } = {}) {
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
  if (!quiet) toast(t("block.done", { pseudo: user.pseudo }));
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

function renderMe() {
  fill($("#me"), t("chat.me", { pseudo: state.me.pseudo }),
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
  dropNotice("minor_help");
  $("#rooms-status").replaceChildren();
  renderMe();
  fillAccount();
  redrawRooms();
  redrawPeople();
  toast(t("age.done"));
}

/** "Quitter", once confirmed: the session ends on the server at once (the pseudo is free). */
async function quit() {
  ui.conn.close();
  stopWho();
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
    stopWho();
    if (endedBySanction) hooks.onEnded({ reason: "sanction", sanction: endedBySanction });
  }
}

function messageOf(id) {
  return state.convs.get(state.active)?.messages.find((m) => m.id === id) || null;
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
  $("#conv-title").addEventListener("click", (event) => {
    const person = event.target.closest("[data-user]");
    if (person && state.users.get(person.dataset.user)) openPerson(state.users.get(person.dataset.user));
  });
  $("#message-list").addEventListener("click", (event) => {
    const author = event.target.closest("[data-user]");
    const more = event.target.closest("[data-msg]");
    const reply = event.target.closest("[data-reply]");
    if (author && state.users.get(author.dataset.user)) openPerson(state.users.get(author.dataset.user));
    else if (more && messageOf(more.dataset.msg)) openMessage(messageOf(more.dataset.msg));
    else if (reply && messageOf(reply.dataset.reply)) startReply(messageOf(reply.dataset.reply));
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
  $("#quit-btn").addEventListener("click", () => $("#quit-dialog").showModal());
  $("#quit-yes").addEventListener("click", () => {
    $("#quit-dialog").close();
    quit();
  });
  $("#quit-no").addEventListener("click", () => $("#quit-dialog").close());
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
  renderNotices();
  renderPeople();
  ui.view.show(state.convs.get(state.active) || null, state.me.id, { keepPosition: true });
}

/** Send a say/dm (text, and optionally confirm or media) to a conversation. */
function sendFields(conv, fields) {
  const frame = conv.kind === "room"
    ? { type: "say", room: conv.id, ...fields }
    : { type: "dm", to: conv.id, ...fields };
  return ui.conn.request(frame).then((reply) => {
    if (reply.type === "ack" && reply.message) mergeInto(conv, [reply.message]);
    if (conv.kind === "dm" && reply.code === "unknown_user") {
      state.presence.set(conv.id, "gone");
      if (conv.key === state.active) renderHeader();
      redrawTabs();
    }
    return reply;
  });
}

function sendFrame(conv, text, confirmToken) {
  return sendFields(conv, confirmToken ? { text, confirm: confirmToken } : { text });
}

/** Send to the conversation shown (the media picker, paste and drop use this). */
function sendToActive(fields) {
  const conv = state.convs.get(state.active);
  if (!conv) return Promise.resolve(null);
  return sendFields(conv, fields);
}

/**
 * Start the chat with a session token. chatHooks: onEnded({reason, sanction?}),
 * onExpired(). Returns the connection (tests reach it through window.papote).
 */
export function startChat(token, chatHooks) {
  hooks = chatHooks;
  state.token = token;
  ui.view = new MessageView($("#message-list"), { onOlder: loadOlder });
  ui.people = new PeopleList((id) => {
    const user = state.users.get(id);
    if (user) openPerson(user);
  });
  setProveAge(proveAge);
  initNotices({ proveAge });
  initDialogs({ openDm, block, unblock, request, toast, proveAge });
  initComposer({
    send: sendFrame,
    held: onHeld,
    typing: (conv) => ui.conn.send(conv.kind === "room" ? { type: "typing", room: conv.id } : { type: "typing", to: conv.id }),
  });
  initMedia({
    token: () => state.token,
    ready: () => state.convs.has(state.active),
    send: (mediaId) => sendToActive({ text: "", media: mediaId }).catch(() => null),
    status: (text) => showStatus(text),
    clearStatus,
  });
  followViewport(() => ui.view.stickToBottom());
  // Filters open on a wide screen; on a phone they stay folded so the list keeps the screen.
  $("#filters-box").open = window.matchMedia("(min-width: 761px)").matches;
  wireEvents();
  clearStatus();
  ui.conn = new Connection(token, {
    welcome: onWelcome,
    frame: onFrame,
    status: onStatus,
    expired: () => hooks.onExpired(),
  });
  ui.conn.start();
  return ui.conn;
}
