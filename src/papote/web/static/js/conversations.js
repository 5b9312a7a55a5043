// Opening, restoring and closing conversations: joining rooms, private tabs, history
// (merged by id, so nothing shows twice), older messages, and what a reload or a
// reconnection brings back (the open rooms and private tabs with their recent history).

import { focusComposer } from "./composer.js";
import { request, toast, ui } from "./context.js";
import { $ } from "./dom.js";
import { codeText } from "./i18n.js";
import { redrawPeople } from "./people.js";
import { showRoomRefusal } from "./rooms.js";
import { savedConversations } from "./saved-session.js";
import {
  addMessages, closeConversation, dmKey, openConversation, rememberUser, roomKey, state,
} from "./state.js";
import { redrawRooms, redrawTabs, setActive } from "./tabs.js";

const CATCH_UP_LIMIT = 100;
let proveAge = () => {};

export function setProveAge(fn) {
  proveAge = fn;
}

export function mergeInto(conv, messages) {
  const { added, appended } = addMessages(conv, messages);
  if (!added.length) return added;
  if (conv.key === state.active) {
    if (appended) ui.view.append(conv, added);
    else ui.view.show(conv, state.me.id, { keepPosition: true });
  }
  return added;
}

export function countUnread(conv, added) {
  const fromOthers = added.filter((m) => m.from?.id !== state.me.id);
  if (!fromOthers.length) return fromOthers;
  if (conv.key !== state.active || document.hidden) conv.unread += fromOthers.length;
  return fromOthers;
}

/** Join a room; a refusal goes to onRefused(reply) (by default, a toast). */
export async function joinRoom(id, onRefused = (reply) => toast(codeText(reply.code, reply.message))) {
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

export async function openRoom(id) {
  const key = roomKey(id);
  if (state.joined.has(id) && state.convs.has(key)) {
    setActive(key);
    return;
  }
  if ((await joinRoom(id, (reply) => showRoomRefusal(reply, proveAge))) !== null) setActive(key);
}

async function fetchHistory(conv, extra = {}) {
  const frame = { type: "history", limit: CATCH_UP_LIMIT, ...extra };
  if (conv.kind === "room") frame.room = conv.id;
  else frame.with = conv.id;
  const reply = await request(frame);
  if (reply.type !== "history") return null;
  return reply.messages || [];
}

async function loadDmHistory(conv) {
  const messages = await fetchHistory(conv);
  if (!messages) return [];
  if (messages.length < CATCH_UP_LIMIT) conv.complete = true;
  return mergeInto(conv, messages);
}

export async function openDm(user) {
  rememberUser(user);
  const key = dmKey(user.id);
  const known = state.convs.has(key);
  const conv = openConversation(key);
  setActive(key);
  if (!known) await loadDmHistory(conv);
  focusComposer();
}

export async function loadOlder(conv) {
  if (!conv.messages.length) return;
  const messages = await fetchHistory(conv, { before: conv.messages[0].id, limit: 50 });
  if (!messages) return;
  if (messages.length < 50) conv.complete = true;
  const { added } = addMessages(conv, messages);
  if (conv.key === state.active) ui.view.show(conv, state.me.id, { keepPosition: true });
  if (!added.length) conv.complete = true;
}

export async function closeTab(key) {
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
export async function catchUp({ rejoin = true } = {}) {
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

/**
 * After a reload: the conversations this tab had open come back in their order, with
 * their drafts and recent history; the one shown before is shown again. Returns false
 * when there was nothing to restore.
 */
export async function restoreConversations() {
  const saved = savedConversations();
  if (!saved || !saved.order.length) return false;
  for (const user of Object.values(saved.users || {})) if (user && user.id) rememberUser(user);
  for (const key of saved.order) {
    if (typeof key !== "string") continue;
    if (key.startsWith("room:")) {
      await joinRoom(key.slice(5));
    } else if (key.startsWith("dm:") && state.users.has(key.slice(3))) {
      await loadDmHistory(openConversation(key));
    }
    const conv = state.convs.get(key);
    if (!conv) continue;
    if (saved.drafts?.[key]) conv.draft = saved.drafts[key];
    const held = saved.held?.[key];
    if (Array.isArray(held)) mergeInto(conv, held.filter((m) => m && typeof m.id === "string" && m.from?.id === state.me.id));
  }
  if (!state.order.length) return false;
  setActive(state.convs.has(saved.active) ? saved.active : state.order[0]);
  return true;
}
