// Dialogs: message actions, report, "Mon compte" (profile, age proof, settings),
// sanction. Each uses the native <dialog> (focus is kept inside; Escape closes) and only
// sets text. The profile card is person-card.js.

import { alertSettings, saveAlertSettings } from "./alerts.js";
import { $, formatDate, h } from "./dom.js";
import { CATEGORIES, codeText, t } from "./i18n.js";
import { initPersonCard, openPerson } from "./person-card.js";
import { describeUser } from "./person-text.js";
import { state } from "./state.js";

let actions = null;
let current = { user: null, message: null };

export function openMessage(message) {
  current = { user: message.from, message };
  $("#message-dialog-title").textContent = message.from.pseudo;
  $("#message-dialog-quote").textContent = message.text || "";
  $("#message-block").textContent = t("msg.block", { pseudo: message.from.pseudo });
  $("#message-profile").textContent = t("msg.profile", { pseudo: message.from.pseudo });
  $("#message-dialog").showModal();
}

export function openReport(user, message) {
  current = { user, message };
  $("#report-title").textContent = message
    ? t("report.about.message", { pseudo: user.pseudo })
    : t("report.about.user", { pseudo: user.pseudo });
  const quote = $("#report-quote");
  quote.hidden = !message;
  quote.textContent = message ? message.text || "" : "";
  const select = $("#report-reason");
  // No reason preselected: the person picks one (the form refuses to send without).
  select.replaceChildren(h("option", { value: "", disabled: true }, t("report.pick")),
    ...CATEGORIES.map((c) => h("option", { value: c }, t("cat." + c))));
  select.value = "";
  $("#report-comment").value = "";
  $("#report-block").checked = false;
  $("#report-error").textContent = "";
  $("#report-dialog").showModal();
  select.focus();
}

function fillPrefs() {
  const dm = state.prefs?.dm || {};
  const accept = dm.accept === "none" ? "none" : "all";
  $(`#p-accept-${accept}`).checked = true;
  const genders = dm.genders || ["homme", "femme", "autre"];
  for (const g of ["homme", "femme", "autre"]) $(`#p-g-${g}`).checked = genders.includes(g);
  $("#p-shared").checked = Boolean(dm.only_shared_rooms);
  $("#p-verified").checked = Boolean(dm.verified_only);
  $("#p-age-min").value = dm.age_min ?? 18;
  $("#p-age-max").value = dm.age_max ?? 99;
  const alerts = alertSettings();
  $("#p-sound").checked = alerts.sound;
  $("#p-notify").checked = alerts.notify;
  $("#p-notify-denied").hidden = true;
  $("#prefs-error").textContent = "";
  toggleCriteria();
  fillBlocked();
}

function toggleCriteria() {
  const none = $("#p-accept-none").checked;
  for (const id of ["#p-criteria", "#p-shared", "#p-verified", "#p-age-min", "#p-age-max"]) {
    const el = $(id);
    el.disabled = none;
  }
}

function fillBlocked() {
  const list = $("#blocked-list");
  if (!state.blocked.size) {
    list.replaceChildren(h("li", {}, t("prefs.blocked.none")));
    return;
  }
  list.replaceChildren(...Array.from(state.blocked, ([id, pseudo]) => {
    const name = pseudo || state.users.get(id)?.pseudo || t("prefs.blocked.unknown");
    const button = h("button", { type: "button", class: "btn" }, t("person.unblock"));
    button.setAttribute("aria-label", `${t("person.unblock")} ${name}`);
    button.addEventListener("click", async () => {
      await actions.unblock(id);
      fillBlocked();
    });
    return h("li", {}, h("span", {}, name), button);
  }));
}

/** "Mon compte": my profile, the "vérifié 18+" badge, or the offer to prove my age. */
export function fillAccount() {
  const me = state.me;
  if (!me) return;
  $("#account-pseudo").textContent = me.pseudo;
  $("#account-about").textContent = describeUser(me);
  $("#account-badge").hidden = !me.verified_adult;
  $("#account-age-todo").hidden = Boolean(me.verified_adult);
  $("#age-open").hidden = Boolean(me.verified_adult);
  $("#account-age-done").hidden = !me.verified_adult;
}

export { openPerson };

export function openPrefs() {
  fillAccount();
  fillPrefs();
  $("#prefs-dialog").showModal();
}

/** "30 jours", "2 heures", "10 minutes": the real length of a sanction. */
export function durationText(ms) {
  const minutes = Math.max(1, Math.round(ms / 60000));
  if (minutes >= 2 * 1440) return t("sanction.days", { n: Math.round(minutes / 1440) });
  if (minutes >= 1440) return t("sanction.day");
  if (minutes >= 120) return t("sanction.hours", { n: Math.round(minutes / 60) });
  if (minutes >= 60) return t("sanction.hour");
  return minutes === 1 ? t("sanction.minute") : t("sanction.minutes", { n: minutes });
}

/** The reason of a sanction in words: a known category by its label, never a raw code. */
function reasonText(reason) {
  if (CATEGORIES.includes(reason)) return t("cat." + reason);
  if (typeof reason === "string" && /^[a-z0-9_]+$/.test(reason)) return t("sanction.reason.other");
  return reason || "";
}

/**
 * A statement that names a category by its code ("catégorie : child_safety") says it in
 * words. Only after "catégorie :": "spam" is also a French word ("l'interdiction du spam").
 */
function statementText(statement) {
  const codes = new RegExp(`(catégorie\\s*:\\s*)(${CATEGORIES.join("|")})\\b`, "gi");
  return String(statement || "").replace(codes, (_, named, code) => named + t("cat." + code.toLowerCase()));
}

export function showSanction(frame) {
  const kind = ["mute", "kick", "ban", "suspend"].includes(frame.action) ? frame.action : "mute";
  $("#sanction-title").textContent = t("sanction." + kind);
  const until = typeof frame.until === "number" ? frame.until : null;
  // a suspension waits for a moderator: its end is a limit, not a length
  const length = kind === "suspend" ? "sanction.for.review" : "sanction.for";
  $("#sanction-until").textContent = until
    ? t(length, { duration: durationText(until - Date.now()), date: formatDate(until) })
    : kind === "kick" ? "" : t("sanction.forever");
  $("#sanction-reason").textContent = reasonText(frame.reason);
  $("#sanction-statement").textContent = statementText(frame.statement);
  const dialog = $("#sanction-dialog");
  if (!dialog.open) dialog.showModal();
}

/** Wire the dialogs; `acts` holds the chat's verbs (openDm, block, unblock, request, toast, proveAge). */
export function initDialogs(acts) {
  actions = acts;
  initPersonCard({ ...acts, report: (user) => openReport(user, null) });
  $("#message-report").addEventListener("click", () => {
    $("#message-dialog").close();
    openReport(current.user, current.message);
  });
  $("#message-block").addEventListener("click", async () => {
    $("#message-dialog").close();
    await actions.block(current.user);
  });
  $("#message-profile").addEventListener("click", () => {
    $("#message-dialog").close();
    openPerson(current.user);
  });

  $("#report-cancel").addEventListener("click", () => $("#report-dialog").close());
  $("#report-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const reason = $("#report-reason").value;
    if (!reason) {
      $("#report-error").textContent = t("report.pick.error");
      $("#report-reason").setAttribute("aria-invalid", "true");
      $("#report-reason").focus();
      return;
    }
    $("#report-reason").removeAttribute("aria-invalid");
    const frame = { type: "report", reason };
    if (current.message) frame.message = current.message.id;
    else frame.user = current.user.id;
    const comment = $("#report-comment").value.trim();
    if (comment) frame.comment = comment;
    const reply = await actions.request(frame);
    if (reply.type !== "ok") {
      $("#report-error").textContent = codeText(reply.code, reply.message);
      return;
    }
    $("#report-dialog").close();
    // Report and block: one confirmation that says both (the block's toast would hide it).
    if ($("#report-block").checked) {
      await actions.block(current.user, { quiet: true });
      actions.toast(t("report.done.blocked", { pseudo: current.user.pseudo }));
    } else {
      actions.toast(t("report.done"));
    }
  });

  $("#age-open").addEventListener("click", () => actions.proveAge());
  $("#p-accept-all").addEventListener("change", toggleCriteria);
  $("#p-accept-none").addEventListener("change", toggleCriteria);
  $("#prefs-cancel").addEventListener("click", () => $("#prefs-dialog").close());
  $("#prefs-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const ageMin = Math.max(18, parseInt($("#p-age-min").value, 10) || 18);
    const ageMax = Math.max(ageMin, parseInt($("#p-age-max").value, 10) || 99);
    const dm = {
      accept: $("#p-accept-none").checked ? "none" : "all",
      genders: ["homme", "femme", "autre"].filter((g) => $(`#p-g-${g}`).checked),
      only_shared_rooms: $("#p-shared").checked,
      verified_only: $("#p-verified").checked,
      age_min: ageMin,
      age_max: ageMax,
    };
    const reply = await actions.request({ type: "prefs", dm });
    if (reply.type !== "prefs") {
      $("#prefs-error").textContent = codeText(reply.code, reply.message);
      return;
    }
    state.prefs = reply.prefs;
    const alerts = await saveAlertSettings({ sound: $("#p-sound").checked, notify: $("#p-notify").checked });
    if (alerts.notifyDenied) {
      $("#p-notify").checked = false;
      $("#p-notify-denied").hidden = false;
      return;
    }
    $("#prefs-dialog").close();
    actions.toast(t("prefs.saved"));
  });
}
