// The profile card, opened by a click on a pseudo (in a room, the people list or a tab):
// pseudo, age, gender, city and region, the verified-adult badge, the rooms in common
// (from the member lists of the rooms this page has joined), and write / block / report.

import { $, fill, h } from "./dom.js";
import { t } from "./i18n.js";
import { verifiedBadge } from "./messages.js";
import { whereUser } from "./person-text.js";
import { roomsInCommon, state } from "./state.js";

let actions = null;
let shown = null;

export function openPerson(user) {
  shown = user;
  const mine = user.id === state.me.id;
  const blocked = state.blocked.has(user.id);
  fill($("#person-name"), user.pseudo, user.verified_adult ? " " : null, user.verified_adult ? verifiedBadge() : null);
  const facts = [
    typeof user.age === "number" ? t("person.age", { age: user.age }) : null,
    user.gender ? t("gender." + user.gender) : null,
    whereUser(user) || null,
  ].filter(Boolean);
  fill($("#person-facts"), ...facts.map((f) => h("li", {}, f)));
  const rooms = mine ? [] : roomsInCommon(user.id);
  $("#person-rooms-block").hidden = mine;
  fill($("#person-rooms"), ...(rooms.length
    ? rooms.map((name) => h("li", {}, name))
    : [h("li", { class: "hint" }, t("person.rooms.none"))]));
  $("#person-you").hidden = !mine;
  $("#person-actions").hidden = mine;
  $("#person-block").textContent = blocked ? t("person.unblock") : t("person.block");
  $("#person-dm").disabled = blocked;
  $("#person-dialog").showModal();
}

/** acts: openDm(user), block(user), unblock(id), report(user). */
export function initPersonCard(acts) {
  actions = acts;
  $("#person-dm").addEventListener("click", () => {
    $("#person-dialog").close();
    actions.openDm(shown);
  });
  $("#person-block").addEventListener("click", async () => {
    $("#person-dialog").close();
    if (state.blocked.has(shown.id)) await actions.unblock(shown.id);
    else await actions.block(shown);
  });
  $("#person-report").addEventListener("click", () => {
    $("#person-dialog").close();
    actions.report(shown);
  });
}
