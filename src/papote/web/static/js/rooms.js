// The rooms pane: rooms grouped (themes, regions) with their member count ("Général,
// 3 personnes" for screen readers), a lock on the room for verified adults (and why),
// and a refused join explained where the person clicked.

import { $, h } from "./dom.js";
import { codeText, t } from "./i18n.js";
import { state } from "./state.js";

const SVG = "http://www.w3.org/2000/svg";

/** A padlock drawn with SVG elements (no emoji font needed, no markup from strings). */
function lockIcon() {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 16 16");
  svg.setAttribute("width", "14");
  svg.setAttribute("height", "14");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("class", "lock-icon");
  const shackle = document.createElementNS(SVG, "path");
  shackle.setAttribute("d", "M4.5 7V5a3.5 3.5 0 0 1 7 0v2");
  shackle.setAttribute("fill", "none");
  shackle.setAttribute("stroke", "currentColor");
  shackle.setAttribute("stroke-width", "1.8");
  const body = document.createElementNS(SVG, "rect");
  for (const [k, v] of Object.entries({ x: "2.5", y: "7", width: "11", height: "8", rx: "1.5", fill: "currentColor" })) {
    body.setAttribute(k, v);
  }
  svg.append(shackle, body);
  return svg;
}

export function renderRooms() {
  const activeRoom = state.active?.startsWith("room:") ? state.active.slice(5) : null;
  for (const kind of ["theme", "region"]) {
    const items = [];
    for (const room of state.rooms.values()) {
      if ((room.kind === "region" ? "region" : "theme") !== kind) continue;
      // A room for verified adults stays clickable: the server's refusal says why and
      // offers the anonymous proof (see showRoomRefusal). A lock, never a tick.
      const locked = room.adult && !state.me.verified_adult;
      const count = room.member_count ?? 0;
      const button = h("button", {
        type: "button", class: locked ? "room-btn locked" : "room-btn", "data-room": room.id,
        "aria-current": room.id === activeRoom ? "true" : null,
        title: room.adult ? (locked ? t("chat.rooms.locked") : t("chat.rooms.adult")) : null,
      },
      // Read as "Général, 3 personnes" (the words after the number are for screen readers).
      h("span", { class: "name" }, room.name),
      locked ? h("span", { class: "lock" }, lockIcon(), "18+",
        h("span", { class: "visually-hidden" }, ` (${t("chat.rooms.locked")})`)) : null,
      h("span", { class: "visually-hidden" }, ", "),
      h("span", { class: "count" }, String(count)),
      h("span", { class: "visually-hidden" }, ` ${count === 1 ? t("chat.room.person") : t("chat.room.people")}`));
      items.push(h("li", {}, button));
    }
    $(`#room-list-${kind}`).replaceChildren(...items);
  }
}

/**
 * A refused join, shown where the person clicked (the rooms pane, visible on a phone
 * too) and kept until dismissed; the adult room offers the anonymous age proof.
 */
export function showRoomRefusal(reply, proveAge) {
  const box = $("#rooms-status");
  const dismiss = h("button", { type: "button", class: "btn btn-ghost" }, t("notice.dismiss"));
  dismiss.addEventListener("click", () => box.replaceChildren());
  let prove = null;
  if (reply.code === "adult_room") {
    prove = h("button", { type: "button", class: "btn btn-primary", id: "rooms-prove" }, t("age.open"));
    prove.addEventListener("click", proveAge);
  }
  box.replaceChildren(h("div", { class: "composer-alert error", "data-code": reply.code || null },
    h("p", {}, codeText(reply.code, reply.message)), prove, dismiss));
  box.scrollIntoView({ block: "nearest" });
}
