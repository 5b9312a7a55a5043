// What the page knows: me, rooms, conversations and their messages (deduplicated by id),
// people online, blocked people. No DOM here.

const MAX_MESSAGES = 500;

export const state = {
  token: null,
  me: null,
  prefs: null,
  rooms: new Map(), // id -> room
  joined: new Set(), // room ids
  convs: new Map(), // key -> conversation
  order: [], // keys of open conversations, in tab order
  active: null, // key of the conversation shown
  blocked: new Map(), // user id -> pseudo (or null when unknown)
  users: new Map(), // id -> public user, every user seen
  online: new Map(), // id -> public user, from `who` and presence
  members: new Map(), // room id -> Map(user id -> public user)
  presence: new Map(), // user id -> "online" | "offline" | "gone" (from presence events)
  muteUntil: 0,
};

export function roomKey(id) {
  return `room:${id}`;
}

export function dmKey(userId) {
  return `dm:${userId}`;
}

export function rememberUser(user) {
  if (user && user.id) state.users.set(user.id, user);
  return user;
}

export function conversationKey(message) {
  return message.room ? roomKey(message.room) : dmKey(message.dm);
}

/** The conversation for key, created (and added to the tabs) when missing. */
export function openConversation(key) {
  let conv = state.convs.get(key);
  if (!conv) {
    const [kind, id] = [key.slice(0, key.indexOf(":")), key.slice(key.indexOf(":") + 1)];
    // draft: the text typed for this conversation (one draft per conversation);
    // replyTo: the message quoted by the next send; held: messages kept for review.
    conv = {
      key, kind, id, messages: [], ids: new Set(), unread: 0, typing: new Map(), complete: false,
      draft: "", replyTo: null,
    };
    state.convs.set(key, conv);
  }
  if (!state.order.includes(key)) state.order.push(key);
  return conv;
}

export function closeConversation(key) {
  state.order = state.order.filter((k) => k !== key);
  state.convs.delete(key);
  if (state.active === key) state.active = state.order[state.order.length - 1] || null;
}

export function conversationTitle(conv) {
  if (conv.kind === "room") return state.rooms.get(conv.id)?.name || conv.id;
  return state.users.get(conv.id)?.pseudo || "…";
}

function compare(a, b) {
  if (a.ts !== b.ts) return a.ts - b.ts;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Add messages to a conversation, skipping ids already there and blocked senders.
 * Returns {added: [...], appended: bool} — appended is true when every new message
 * sorts after the ones shown, so the view can append instead of redrawing.
 */
export function addMessages(conv, messages) {
  const added = [];
  for (const message of messages) {
    if (!message || !message.id || conv.ids.has(message.id)) continue;
    if (message.from && state.blocked.has(message.from.id)) continue;
    rememberUser(message.from);
    conv.ids.add(message.id);
    added.push(message);
  }
  if (!added.length) return { added, appended: true };
  added.sort(compare);
  const last = conv.messages[conv.messages.length - 1];
  const appended = !last || compare(added[0], last) > 0;
  if (appended) conv.messages.push(...added);
  else conv.messages = conv.messages.concat(added).sort(compare);
  let trimmed = false;
  if (conv.messages.length > MAX_MESSAGES) {
    for (const old of conv.messages.splice(0, conv.messages.length - MAX_MESSAGES)) conv.ids.delete(old.id);
    trimmed = true;
  }
  return { added, appended: appended && !trimmed };
}

/** Remove every message of a blocked user from every conversation. */
export function purgeUser(userId) {
  for (const conv of state.convs.values()) {
    const kept = conv.messages.filter((m) => m.from?.id !== userId);
    if (kept.length !== conv.messages.length) {
      conv.messages = kept;
      conv.ids = new Set(kept.map((m) => m.id));
    }
  }
  state.online.delete(userId);
  for (const members of state.members.values()) members.delete(userId);
}

/** Rooms this page knows both people are in (from the members lists of joined rooms). */
export function roomsInCommon(userId) {
  const found = [];
  for (const [roomId, members] of state.members) {
    if (members.has(userId) && state.joined.has(roomId)) found.push(state.rooms.get(roomId)?.name || roomId);
  }
  return found;
}

export function totalUnread() {
  let n = 0;
  for (const conv of state.convs.values()) n += conv.unread;
  return n;
}
