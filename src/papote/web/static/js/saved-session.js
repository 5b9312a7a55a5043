// What survives a reload of this tab (sessionStorage, gone when the tab closes): the
// session token, the open conversations (rooms and private tabs, with the people they
// are with), the one shown, and the drafts. After "Quitter", the entry form's fields
// are kept so that the form comes back filled in (the pseudo is free at once).

const TOKEN_KEY = "papote.session";
const CONVS_KEY = "papote.conversations";
const FORM_KEY = "papote.entry";

function read(key) {
  try {
    return sessionStorage.getItem(key);
  } catch {
    return null; // private mode: nothing survives a reload
  }
}

function write(key, value) {
  try {
    if (value === null) sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, value);
  } catch {
    /* private mode */
  }
}

export function savedToken() {
  return read(TOKEN_KEY);
}

export function saveToken(token) {
  write(TOKEN_KEY, token || null);
  if (!token) write(CONVS_KEY, null);
}

/** {order: [key...], active, users: {id: public user}, drafts: {key: text}, held: {key: [message]}} or null. */
export function savedConversations() {
  try {
    const data = JSON.parse(read(CONVS_KEY) || "null");
    return data && Array.isArray(data.order) ? data : null;
  } catch {
    return null;
  }
}

export function saveConversations(state) {
  const users = {};
  const drafts = {};
  const held = {}; // my messages kept for review: the server's history does not return them
  for (const key of state.order) {
    const conv = state.convs.get(key);
    if (!conv) continue;
    if (conv.kind === "dm" && state.users.has(conv.id)) users[conv.id] = state.users.get(conv.id);
    if (conv.draft) drafts[key] = conv.draft;
    const mine = conv.messages.filter((m) => m.held || m.outcome);
    if (mine.length) held[key] = mine.slice(-20);
  }
  write(CONVS_KEY, JSON.stringify({ order: state.order, active: state.active, users, drafts, held }));
}

export function savedForm() {
  try {
    return JSON.parse(read(FORM_KEY) || "null");
  } catch {
    return null;
  }
}

export function saveForm(fields) {
  write(FORM_KEY, fields ? JSON.stringify(fields) : null);
}
