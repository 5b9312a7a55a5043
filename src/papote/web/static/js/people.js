// People online: filters (gender, age range, region; default my region, said plainly
// with "Ma région · voir tout Papote"), collapsed behind "Filtres" so the list keeps the
// screen, a count, and a windowed list that only keeps the visible rows in the DOM.

import { request, ui } from "./context.js";
import { $, frameBatcher, h } from "./dom.js";
import { REGIONS, t } from "./i18n.js";
import { verifiedBadge } from "./messages.js";
import { describeUser } from "./person-text.js";
import { rememberUser, state } from "./state.js";

const WHO_REFRESH_MS = 60000;
let whoTimer = null;

const ROW_PX = 48;
const OVERSCAN = 8;

export function readFilters() {
  const num = (id, fallback) => {
    const n = parseInt($(id).value, 10);
    return Number.isFinite(n) ? n : fallback;
  };
  return {
    scope: $("#f-scope").value,
    gender: $("#f-gender").value,
    age_min: num("#f-age-min", 18),
    age_max: num("#f-age-max", 120),
    region: $("#f-region").value,
  };
}

export function matches(user, filters) {
  if (filters.gender && user.gender !== filters.gender) return false;
  if (typeof user.age === "number" && (user.age < filters.age_min || user.age > filters.age_max)) return false;
  if (filters.region && user.region !== filters.region) return false;
  return true;
}

/** The `who` frame for the filters (the room scope is filtered here, from members). */
export function whoFrame(filters) {
  const frame = { type: "who", age_min: filters.age_min, age_max: filters.age_max };
  if (filters.gender) frame.gender = filters.gender;
  if (filters.region) frame.region = filters.region;
  return frame;
}

export function fillRegions(myRegion) {
  const select = $("#f-region");
  const first = select.options[0];
  const names = REGIONS.includes(myRegion) || !myRegion ? REGIONS : [myRegion, ...REGIONS];
  select.replaceChildren(first, ...names.map((r) => h("option", { value: r }, r)));
  select.value = myRegion || "";
}

/** "Ma région · voir tout Papote": which people the list shows, and the way out. */
export function renderRegionScope() {
  const region = $("#f-region").value;
  const box = $("#region-scope");
  if (!region) {
    box.replaceChildren(h("span", {}, t("filters.showing.all")),
      state.me?.region ? regionButton(t("filters.mine"), state.me.region) : null);
    return;
  }
  box.replaceChildren(h("span", {}, t("filters.showing.region", { region })), regionButton(t("filters.all"), ""));
}

function regionButton(label, value) {
  const button = h("button", { type: "button", class: "btn btn-link", "data-region": value }, label);
  button.addEventListener("click", () => {
    $("#f-region").value = value;
    $("#filters").dispatchEvent(new Event("input", { bubbles: true }));
  });
  return h("span", {}, " · ", button);
}

export function renderPeople() {
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
  ui.people.setItems(list);
  renderRegionScope();
}

export const redrawPeople = frameBatcher(renderPeople);

/** Ask the server who is online for the filters; again every minute. */
export async function refreshWho() {
  clearTimeout(whoTimer);
  whoTimer = setTimeout(refreshWho, WHO_REFRESH_MS);
  const reply = await request(whoFrame(readFilters()));
  if (reply.type !== "users") return;
  state.online = new Map((reply.users || []).map((u) => [u.id, rememberUser(u)]));
  for (const id of state.online.keys()) if (state.presence.get(id) !== "online") state.presence.set(id, "online");
  redrawPeople();
}

export function stopWho() {
  clearTimeout(whoTimer);
}

export class PeopleList {
  constructor(onPick) {
    this.box = $("#people-list");
    this.inner = $("#people-inner");
    this.items = [];
    this.onPick = onPick;
    this.draw = frameBatcher(() => this._draw());
    this.box.addEventListener("scroll", this.draw, { passive: true });
    new ResizeObserver(this.draw).observe(this.box);
    this.inner.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-user]");
      if (button) this.onPick(button.dataset.user);
    });
  }

  setItems(users) {
    const collator = new Intl.Collator("fr", { sensitivity: "base" });
    this.items = users.slice().sort((a, b) => collator.compare(a.pseudo, b.pseudo));
    const n = this.items.length;
    $("#people-count").textContent =
      n === 0 ? t("chat.people.count0") : n === 1 ? t("chat.people.count1") : t("chat.people.count", { n });
    this.draw();
  }

  _draw() {
    const n = this.items.length;
    this.inner.style.height = `${n * ROW_PX}px`;
    const first = Math.max(0, Math.floor(this.box.scrollTop / ROW_PX) - OVERSCAN);
    const last = Math.min(n, Math.ceil((this.box.scrollTop + this.box.clientHeight) / ROW_PX) + OVERSCAN);
    const focused = document.activeElement?.closest?.("#people-inner button")?.dataset.user;
    const rows = [];
    for (let i = first; i < last; i++) {
      const user = this.items[i];
      const row = h("li", { class: "person-row", "aria-setsize": n, "aria-posinset": i + 1 },
        h("button", { type: "button", class: `person-btn g-${user.gender}`, "data-user": user.id },
          h("span", { class: "pseudo" }, user.pseudo),
          h("span", { class: "about" }, describeUser(user), user.verified_adult ? " · " : null,
            user.verified_adult ? verifiedBadge(true) : null)));
      row.style.top = `${i * ROW_PX}px`;
      rows.push(row);
    }
    this.inner.replaceChildren(...rows);
    if (focused) this.inner.querySelector(`button[data-user="${CSS.escape(focused)}"]`)?.focus();
  }
}
