// Papote moderation console: plain modules, no build step, no markup from strings
// (Trusted Types are enforced). Talks to the Staff API (docs/protocol.md).
import { h, $, clear } from "/static/js/dom.js";

const API = "/api/v1/staff";
const REFRESH_MS = 5000;
const ACTIONS = [
  ["dismiss", "Classer", "d"], ["warn", "Avertir", "w"], ["delete", "Supprimer", "x"],
  ["mute", "Sourdine", "m"], ["kick", "Exclure du salon", "e"], ["ban", "Bannir", "b"],
  ["suspend", "Suspendre", "s"],
];
const CATEGORIES = {
  child_safety: "Protection des mineurs", grooming: "Sollicitation de mineur",
  sexual_violence: "Violence sexuelle", ncii: "Images intimes", violence: "Menaces, violence",
  hate: "Haine", harassment: "Harcèlement", personal_data: "Données personnelles",
  scam: "Arnaque", drugs: "Drogues", spam: "Spam", other: "Autre",
};
const KINDS = { message: "message", user: "personne", media: "image", notice: "notification" };
const EVENTS = { reported: "signalé", claimed: "pris", unclaimed: "rendu", note: "note",
  action: "décision", appeal: "recours", decision: "recours décidé", undone: "annulé" };
const VERDICTS = { allow: "accepté", warn: "avertissement", hold: "retenu", block: "bloqué",
  escalate: "bloqué et remonté" };
const ACTION_NAMES = Object.fromEntries([...ACTIONS.map(([value, label]) => [value, label.toLowerCase()]),
  ["room_close", "salon fermé"], ["room_lock", "salon verrouillé"], ["room_slow", "mode lent"]]);
const label = (map, key) => map[key] || key;

const ROOM_RETRY_MS = 2000; // a live view whose stream broke opens it again after this
const STATES = { held: "en attente", removed: "retiré" };
const MODES = { open: "ouvert", slow: "mode lent", locked: "verrouillé", closed: "fermé" };

const state = { token: sessionStorage.getItem("papote.staff") || "", me: null, cases: [],
  selected: 0, view: "login", current: null, queueState: "open", timer: null, search: "",
  next: null, open: 0, room: null, roomSanction: null, roomStream: null };

function status(text) { $("#status").textContent = text; }

async function api(method, path, body) {
  const response = await fetch(API + path, {
    method,
    headers: { "content-type": "application/json", authorization: `Bearer ${state.token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = response.status === 204 ? {} : await response.json().catch(() => ({}));
  if (response.status === 401 && state.view !== "login") logout();
  if (!response.ok) throw Object.assign(new Error(data.error?.message || "Erreur"), { data });
  return data;
}

function show(view) {
  state.view = view;
  for (const name of ["login", "queue", "case", "appeals", "rooms"]) $(`#${name}-view`).hidden = name !== view;
  $("#nav").hidden = view === "login";
  clearInterval(state.timer);
  if (view === "queue") state.timer = setInterval(loadQueue, REFRESH_MS);
  if (view !== "rooms") stopRoomStream();
}

function timeLeft(ms) {
  const minutes = Math.round(Math.abs(ms) / 60000);
  const text = minutes >= 120 ? `${Math.round(minutes / 60)} h` : `${minutes} min`;
  return ms >= 0 ? { text: `reste ${text}`, late: false } : { text: `en retard de ${text}`, late: true };
}

function when(ts) { return new Date(ts).toLocaleString("fr-FR"); }

function subjectText(c) {
  const who = c.user ? ` de ${c.user.pseudo}` : "";
  return `${KINDS[c.subject.kind] || c.subject.kind}${who}`;
}

function renderQueue() {
  const body = $("#queue-body");
  clear(body);
  state.cases.forEach((c, i) => {
    const left = timeLeft(c.time_left_ms);
    const row = h("tr", { "data-id": c.id, "aria-selected": i === state.selected ? "true" : "false", tabindex: "-1" },
      h("td", { class: `sev-${c.priority}` }, String(c.priority)),
      h("td", {}, CATEGORIES[c.category] || c.category, c.automated ? " (auto)" : ""),
      h("td", {}, subjectText(c)),
      h("td", {}, String(c.reports)),
      h("td", { class: left.late && c.state === "open" ? "late" : "" }, c.state === "open" ? left.text : when(c.closed_at)),
      h("td", {}, c.claimed_by || "—"));
    row.addEventListener("click", () => { state.selected = i; openCase(c.id); });
    body.append(row);
  });
  renderCounts();
  body.querySelector('[aria-selected="true"]')?.scrollIntoView?.({ block: "nearest" });
}

function queuePath(after) {
  if (state.search) return `/cases?pseudo=${encodeURIComponent(state.search)}`;
  return `/cases?state=${state.queueState}${after ? `&after=${encodeURIComponent(after)}` : ""}`;
}

// The queue, a page at a time (worst first): a refresh reloads as many pages as shown.
async function loadQueue() {
  const wanted = Math.max(state.cases.length, 1);
  try {
    let data = await api("GET", queuePath(null));
    const cases = data.cases;
    while (data.next && cases.length < wanted && !state.search) {
      data = await api("GET", queuePath(data.next));
      cases.push(...data.cases);
    }
    state.cases = cases;
    state.next = state.search ? null : data.next;
    state.open = data.open;
    state.selected = Math.min(state.selected, Math.max(state.cases.length - 1, 0));
    $("#queue-title").textContent = state.search ? `Dossiers de « ${state.search} »`
      : state.queueState === "open" ? "File des dossiers" : "Dossiers traités";
    renderQueue();
  } catch (err) { status(err.message); }
}

async function loadMore() {
  if (!state.next) return;
  try {
    const data = await api("GET", queuePath(state.next));
    state.cases.push(...data.cases);
    state.next = data.next;
    state.open = data.open;
    renderQueue();
  } catch (err) { status(err.message); }
}

function renderCounts() {
  $("#queue-count").textContent = `${state.open} dossier(s) ouvert(s)`;
  $("#queue-shown").textContent = `${state.cases.length} affiché(s)${state.next ? " — la suite en dessous" : ""}`;
  $("#queue-more").hidden = !state.next;
}

function li(...children) { return h("li", {}, ...children); }

function messageItem(m, subjectId) {
  const media = m.media ? mediaBlock(m.media) : null;
  return h("li", { class: m.id === subjectId ? "subject" : "", "data-id": m.id },
    h("strong", {}, m.from?.pseudo || "?"), " ", h("span", { class: "muted" }, when(m.ts)), " ",
    m.state !== "delivered" ? h("span", { class: "state" }, `[${STATES[m.state] || m.state}] `) : null,
    h("span", {}, m.text), media);
}

// A reported image: its blurred variant first, the clear image only when the
// moderator asks (the server writes that to the audit log).
async function imageUrl(id, full) {
  const response = await fetch(`${API}/media/${encodeURIComponent(id)}${full ? "?view=full" : ""}`,
    { headers: { authorization: `Bearer ${state.token}` } });
  if (!response.ok) throw new Error((await response.json().catch(() => ({}))).error?.message || "Image indisponible.");
  return URL.createObjectURL(await response.blob());
}

function mediaBlock(media) {
  const img = h("img", { class: "media", alt: "Image signalée, floutée" });
  const note = h("span", { class: "muted" });
  const reveal = h("button", { type: "button", class: "btn" }, "Afficher l'image");
  imageUrl(media.id, false).then((url) => { img.src = url; }, (err) => { note.textContent = err.message; });
  reveal.addEventListener("click", async () => {
    try {
      img.src = await imageUrl(media.id, true);
      img.classList.add("shown");
      img.alt = "Image signalée";
      reveal.remove();
    } catch (err) { note.textContent = err.message; }
  });
  return h("span", { class: "media-box" }, img, reveal, note);
}

function renderCase(c) {
  state.current = c;
  $("#case-title").textContent = `${CATEGORIES[c.category] || c.category} — ${subjectText(c)}`;
  const left = timeLeft(c.time_left_ms);
  $("#case-meta").textContent = `Dossier ${c.id} · ${c.state === "open" ? "ouvert" : "traité"} · ` +
    `${c.reports} signalement(s) · ${c.state === "open" ? left.text : ""} · pris par ${c.claimed_by || "personne"}`;
  const ev = c.evidence;
  const context = $("#case-context");
  clear(context);
  if (!ev.context.length && ev.content) context.append(messageItem(ev.content, c.subject.id));
  for (const m of ev.context) context.append(messageItem(m, c.subject.id));
  const reports = $("#case-reports");
  clear(reports);
  for (const r of ev.reports) {
    reports.append(li(`${when(r.created_at)} — ${CATEGORIES[r.reason] || r.reason} (${r.from === "system" ? "automatique" : `poids ${r.weight}`}) `, r.comment || ""));
  }
  for (const v of ev.verdicts) {
    // "model:<version>:<category>" in the evidence: the learned model's version
    const model = (v.evidence || []).find((e) => typeof e === "string" && e.startsWith("model:"));
    reports.append(li(`Verdict : ${label(VERDICTS, v.action)} ${v.category ? label(CATEGORIES, v.category) : ""} · règle ${v.rule || "—"}` +
      (model ? ` · modèle ${model.split(":")[1]}` : "")));
  }
  const history = $("#case-history");
  clear(history);
  for (const s of ev.sanctions) history.append(li(`${when(s.created_at)} — ${label(ACTION_NAMES, s.action)} (${CATEGORIES[s.category] || s.category})${s.revoked_at ? " — annulée" : ""}`));
  for (const e of ev.earlier_cases) history.append(li(`Dossier ${e.id} : ${CATEGORIES[e.category] || e.category}, ${e.state === "open" ? "ouvert" : "traité"}`));
  if (!history.children.length) history.append(li("Rien d'antérieur."));
  const network = $("#case-network");
  clear(network);
  for (const [k, v] of Object.entries(ev.network)) network.append(li(`${k} : ${Array.isArray(v) ? v.join(", ") : v}`));
  const events = $("#case-events");
  clear(events);
  for (const e of c.events) events.append(li(`${when(e.ts)} — ${label(EVENTS, e.kind)} par ${e.actor === "system" ? "le système" : e.actor}${e.data?.action ? ` : ${label(ACTION_NAMES, e.data.action)}` : ""}${e.data?.text ? ` : ${e.data.text}` : ""}`));
  $("#act-reason").value = c.category in CATEGORIES ? c.category : "other";
  $("#act-error").textContent = "";
  $("#act-submit").disabled = c.state !== "open";
}

async function openCase(id) {
  try {
    const data = await api("GET", `/cases/${encodeURIComponent(id)}`);
    show("case");
    renderCase(data.case);
    $("#case-title").focus?.();
  } catch (err) { status(err.message); }
}

function chosenAction() { return $("#act-actions input:checked")?.value; }

async function act() {
  const c = state.current;
  const action = chosenAction();
  if (!c || !action) { $("#act-error").textContent = "Choisis une action."; return; }
  const minutes = parseInt($("#act-duration").value, 10);
  const body = { action, reason: $("#act-reason").value, note: $("#act-note").value,
    duration_s: Number.isFinite(minutes) ? minutes * 60 : null, version: c.version,
    all_of_author: $("#act-alike").checked };
  try {
    const done = await api("POST", `/cases/${encodeURIComponent(c.id)}/actions`, body);
    const alike = done.also_closed?.length ? ` (et ${done.also_closed.length} autre(s) dossier(s))` : "";
    status(`Dossier ${c.id} : ${ACTIONS.find((a) => a[0] === action)[1].toLowerCase()} — fait${alike}.`);
    $("#act-note").value = ""; $("#act-duration").value = ""; $("#act-alike").checked = false;
    for (const input of document.querySelectorAll("#act-actions input")) input.checked = false;
    await nextOrQueue(c.id);
  } catch (err) { $("#act-error").textContent = err.message; }
}

async function nextOrQueue(doneId) {
  await loadQueue();
  const next = state.cases.find((x) => x.id !== doneId && x.state === "open" && !(x.claimed_by && x.claimed_by !== state.me.name));
  if ($("#act-next").checked && next) { openCase(next.id); return; }
  show("queue");
}

async function claim() {
  const c = state.current;
  try {
    await api("POST", `/cases/${encodeURIComponent(c.id)}/claim`, {});
    await openCase(c.id);
    status("Dossier pris.");
  } catch (err) { $("#act-error").textContent = err.message; }
}

async function addNote() {
  const text = $("#act-note").value.trim();
  if (!text) { $("#act-note").focus(); return; }
  try {
    await api("POST", `/cases/${encodeURIComponent(state.current.id)}/notes`, { text });
    $("#act-note").value = "";
    await openCase(state.current.id);
  } catch (err) { $("#act-error").textContent = err.message; }
}

async function loadAppeals() {
  const list = $("#appeals-list");
  clear(list);
  try {
    const data = await api("GET", "/appeals");
    if (!data.appeals.length) list.append(li("Aucun recours en attente."));
    for (const a of data.appeals) {
      const uphold = h("button", { type: "button", class: "btn" }, "Maintenir");
      const overturn = h("button", { type: "button", class: "btn" }, "Annuler la sanction");
      const decide = (decision) => api("POST", `/appeals/${encodeURIComponent(a.id)}`, { decision })
        .then(() => { status("Recours décidé."); loadAppeals(); })
        .catch((err) => status(err.message));
      uphold.addEventListener("click", () => decide("uphold"));
      overturn.addEventListener("click", () => decide("overturn"));
      list.append(li(h("p", {}, `${when(a.created_at)} — ${label(ACTION_NAMES, a.sanction.action)} (${CATEGORIES[a.sanction.category] || a.sanction.category}) décidé par ${a.sanction.decided_by}`),
        h("blockquote", {}, a.text), uphold, " ", overturn));
    }
  } catch (err) { status(err.message); }
}

// ---------------------------------------------------------------- a room, live

async function loadRooms() {
  try {
    const data = await api("GET", "/rooms");
    const pick = $("#room-pick");
    const chosen = state.room || data.rooms[0]?.id;
    clear(pick);
    for (const r of data.rooms) {
      pick.append(h("option", { value: r.id }, `${r.name} (${r.member_count}) — ${MODES[r.mode] || r.mode}`));
    }
    pick.value = chosen;
    await watchRoom(chosen);
  } catch (err) { status(err.message); }
}

async function watchRoom(id) {
  state.room = id;
  clear($("#room-feed"));
  streamRoom(id);
}

// The room's live view is pushed by the server (server-sent events, read with fetch so
// that the staff token stays in a header): the view first, then what changes.
async function streamRoom(id) {
  stopRoomStream();
  const control = new AbortController();
  state.roomStream = control;
  try {
    const response = await fetch(`${API}/rooms/${encodeURIComponent(id)}/stream`, {
      headers: { authorization: `Bearer ${state.token}`, accept: "text/event-stream" },
      signal: control.signal,
    });
    if (response.status === 401) { logout(); return; }
    if (!response.ok) {
      const data = await response.json().catch(() => ({}));
      throw new Error(data.error?.message || "Erreur");
    }
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
        roomEvent(id, buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
    }
  } catch (err) {
    if (control.signal.aborted) return;
    status(err.message);
  }
  // the stream ended (a restart, the network): opened again while the view is shown
  setTimeout(() => { if (state.roomStream === control && state.view === "rooms") streamRoom(id); },
    ROOM_RETRY_MS);
}

function stopRoomStream() {
  state.roomStream?.abort();
  state.roomStream = null;
}

/** One server-sent event: `room` (the view, or what is new) or `removed` (a message). */
function roomEvent(id, block) {
  let name = "message";
  let data = "";
  for (const line of block.split("\n")) {
    if (line.startsWith("event: ")) name = line.slice(7);
    else if (line.startsWith("data: ")) data += line.slice(6);
  }
  if (!data || state.room !== id) return; // a keep-alive comment, or another room's
  const payload = JSON.parse(data);
  if (name === "room") renderRoom(payload);
  if (name === "removed") {
    const item = $("#room-feed").querySelector(`li[data-id="${CSS.escape(payload.id)}"]`);
    if (item && !item.querySelector(".state")) {
      item.querySelector(".muted").after(" ", h("span", { class: "state" }, `[${STATES.removed}]`));
    }
  }
}

function renderRoom(data) {
  if (data.room.id !== state.room) return;
  const feed = $("#room-feed");
  const shown = new Set([...feed.children].map((li) => li.dataset.id));
  const fresh = data.messages.filter((m) => !shown.has(m.id));
  for (const m of fresh) feed.append(messageItem(m, null));
  while (feed.children.length > 200) feed.firstChild.remove();
  if (fresh.length) feed.lastChild.scrollIntoView?.({ block: "nearest" });
  $("#room-live-title").textContent = `Messages de « ${data.room.name} »`;
  $("#room-mode").textContent = `État : ${MODES[data.room.mode] || data.room.mode}` +
    (data.room.until ? ` jusqu'au ${when(data.room.until)}` : "");
  state.roomSanction = data.room.sanction_id;
  $("#room-reopen").hidden = !state.roomSanction;
  $("#room-count").textContent = String(data.room.member_count);
  const members = $("#room-members");
  clear(members);
  for (const u of data.members) {
    const search = h("button", { type: "button", class: "btn ghost" }, u.pseudo);
    search.addEventListener("click", () => {
      state.search = u.pseudo; $("#search").value = u.pseudo; show("queue"); loadQueue();
    });
    members.append(li(search, ` ${u.age} ans, ${u.city}`));
  }
}

async function roomAction(action) {
  const body = { action, reason: $("#room-reason").value, slow_s: 30 };
  try {
    await api("POST", `/rooms/${encodeURIComponent(state.room)}/actions`, body);
    $("#room-error").textContent = "";
    status("Mesure appliquée au salon."); // the stream brings the room's new state
  } catch (err) { $("#room-error").textContent = err.message; }
}

async function reopenRoom() {
  if (!state.roomSanction) return;
  try {
    await api("POST", `/sanctions/${encodeURIComponent(state.roomSanction)}/undo`, {});
    status("Salon rouvert.");
  } catch (err) { $("#room-error").textContent = err.message; }
}

function logout() {
  if (state.token) fetch(`${API}/logout`, { method: "POST", headers: { authorization: `Bearer ${state.token}` } });
  state.token = ""; sessionStorage.removeItem("papote.staff");
  $("#who").hidden = true;
  show("login");
}

async function start() {
  try {
    state.me = (await api("GET", "/me")).staff;
  } catch { logout(); return; }
  $("#who").hidden = false;
  $("#who").textContent = `${state.me.name} (${state.me.role === "admin" ? "admin" : "modération"})`;
  show("queue");
  await loadQueue();
  $("#main").focus();
}

function wire() {
  const actions = $("#act-actions");
  for (const [value, label, key] of ACTIONS) {
    actions.append(h("label", {}, h("input", { type: "radio", name: "action", value }), `${label} (${key})`));
  }
  for (const select of [$("#act-reason"), $("#room-reason")]) {
    for (const [value, label] of Object.entries(CATEGORIES)) select.append(h("option", { value }, label));
  }
  $("#room-reason").value = "spam";
  $("#login-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { name: $("#login-name").value.trim(), password: $("#login-password").value,
      totp: $("#login-totp").value.trim() || null };
    const response = await fetch(`${API}/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) { $("#login-error").textContent = data.error?.message || "Connexion impossible."; return; }
    state.token = data.token; sessionStorage.setItem("papote.staff", data.token);
    $("#login-password").value = ""; $("#login-totp").value = ""; $("#login-error").textContent = "";
    start();
  });
  $("#act-form").addEventListener("submit", (event) => { event.preventDefault(); act(); });
  $("#claim").addEventListener("click", claim);
  $("#add-note").addEventListener("click", addNote);
  $("#back").addEventListener("click", () => { show("queue"); loadQueue(); });
  $("#logout").addEventListener("click", logout);
  const switchQueue = (queueState) => {
    state.search = ""; state.queueState = queueState; state.cases = []; state.selected = 0;
    show("queue"); loadQueue();
  };
  $("#nav-queue").addEventListener("click", () => switchQueue("open"));
  $("#nav-closed").addEventListener("click", () => switchQueue("closed"));
  $("#nav-appeals").addEventListener("click", () => { show("appeals"); loadAppeals(); });
  $("#nav-rooms").addEventListener("click", () => { show("rooms"); loadRooms(); });
  $("#room-pick").addEventListener("change", (event) => watchRoom(event.target.value));
  $("#room-slow").addEventListener("click", () => roomAction("slow"));
  $("#room-lock").addEventListener("click", () => roomAction("lock"));
  $("#room-close").addEventListener("click", () => roomAction("close"));
  $("#room-reopen").addEventListener("click", reopenRoom);
  $("#queue-more").addEventListener("click", loadMore);
  $("#search-form").addEventListener("submit", (event) => {
    event.preventDefault(); state.search = $("#search").value.trim(); state.cases = []; loadQueue();
  });
  document.addEventListener("keydown", onKey);
}

function onKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const typing = ["INPUT", "TEXTAREA", "SELECT"].includes(event.target.tagName);
  if (event.key === "Escape" && state.view === "case") { show("queue"); loadQueue(); return; }
  if (typing) return;
  if (state.view === "queue") {
    if (event.key === "j" || event.key === "ArrowDown") {
      if (state.selected >= state.cases.length - 1 && state.next) { event.preventDefault(); loadMore(); return; }
      state.selected = Math.min(state.selected + 1, state.cases.length - 1);
    }
    else if (event.key === "k" || event.key === "ArrowUp") state.selected = Math.max(state.selected - 1, 0);
    else if (event.key === "Home") state.selected = 0;
    else if (event.key === "End") state.selected = Math.max(state.cases.length - 1, 0);
    else if (event.key === "Enter" && state.cases[state.selected]) { openCase(state.cases[state.selected].id); return; }
    else if (event.key === "/") { event.preventDefault(); $("#search").focus(); return; }
    else return;
    event.preventDefault();
    renderQueue();
    return;
  }
  if (state.view !== "case") return;
  const action = ACTIONS.find((a) => a[2] === event.key);
  if (action) {
    event.preventDefault();
    const input = $(`#act-actions input[value=${action[0]}]`);
    input.checked = true;
    status(`Action choisie : ${action[1]}. Entrée pour valider.`);
  } else if (event.key === "c") { event.preventDefault(); claim(); }
  else if (event.key === "n") { event.preventDefault(); $("#act-note").focus(); }
  else if (event.key === "g") { event.preventDefault(); show("queue"); loadQueue(); }
  else if (event.key === "Enter" && event.target.tagName !== "BUTTON") { event.preventDefault(); act(); }
}

wire();
if (state.token) start(); else show("login");
