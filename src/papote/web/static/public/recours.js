// The appeal page: the browser's own cookie says which decision it received.
import { h, $, clear } from "/static/js/dom.js";

const ACTIONS = { warn: "avertissement", delete: "suppression d'un message", mute: "mise en sourdine",
  kick: "exclusion d'un salon", ban: "bannissement", suspend: "suspension" };
const STATES = { open: "en cours d'examen", upheld: "décision maintenue", overturned: "décision annulée" };

async function load() {
  const box = $("#decision");
  const response = await fetch("/api/v1/appeals", { credentials: "same-origin" });
  const data = await response.json().catch(() => ({}));
  clear(box);
  if (!response.ok) { box.append(h("p", {}, data.error?.message || "Aucune décision à contester.")); return; }
  const d = data.decision;
  box.append(h("h2", {}, `Décision : ${ACTIONS[d.action] || d.action}`),
    h("p", { class: "statement" }, d.statement));
  if (d.revoked) box.append(h("p", {}, "Cette décision a été annulée."));
  if (data.appeal) {
    box.append(h("p", {}, `Ta contestation : ${STATES[data.appeal.state] || data.appeal.state}.`));
    if (data.appeal.answer) box.append(h("p", {}, data.appeal.answer));
  } else if (!d.revoked && Date.now() < d.appealable_until) {
    $("#appeal-form").hidden = false;
  }
}

$("#appeal-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const response = await fetch("/api/v1/appeals", {
    method: "POST", credentials: "same-origin", headers: { "content-type": "application/json" },
    body: JSON.stringify({ text: $("#appeal-text").value }),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) { $("#appeal-error").textContent = data.error?.message || "Envoi impossible."; return; }
  $("#appeal-form").hidden = true;
  load();
});

load();
