// The entry form: pseudo, age, gender, postal code (with the commune shown as typed),
// refusals with where to find help, and the anonymous age proof for a locked browser.

import { closeAgeDialog, openAgeDialog } from "./age.js";
import { ApiError, createSession, lookupPostal } from "./api.js";
import { hideChallenge, solveChallenge } from "./challenge.js";
import { $, h } from "./dom.js";
import { codeText, t } from "./i18n.js";
import { savedForm, saveForm } from "./saved-session.js";

const FIELD_OF_CODE = {
  invalid_pseudo: "pseudo",
  pseudo_taken: "pseudo",
  pseudo_reserved: "pseudo",
  pseudo_contact: "pseudo",
  pseudo_refused: "pseudo",
  invalid_age: "age",
  underage: "age",
  age_gate_locked: "age",
  invalid_postal_code: "postal",
};

let entered = null; // onEntered, set by initEntry
let postalAbort = null;
let postalTimer = null;

function showPostal(text, bad = false) {
  const out = $("#postal-result");
  out.textContent = text;
  out.classList.toggle("bad", bad);
}

async function onPostalInput() {
  const input = $("#postal");
  const code = input.value.replace(/\s+/g, "");
  clearTimeout(postalTimer);
  if (postalAbort) postalAbort.abort();
  input.removeAttribute("aria-invalid");
  if (!/^\d{5}$/.test(code)) {
    showPostal(code.length > 5 || /\D/.test(code) ? t("postal.unknown") : "", code.length > 5 || /\D/.test(code));
    return;
  }
  showPostal(t("postal.looking"));
  postalTimer = setTimeout(async () => {
    postalAbort = new AbortController();
    try {
      const info = await lookupPostal(code, postalAbort.signal);
      const communes = info.communes && info.communes.length ? info.communes : [info.city];
      const text = communes.length > 3
        ? t("postal.many", { first: communes.slice(0, 2).join(", "), n: communes.length - 2, region: info.region })
        : t("postal.found", { communes: communes.join(", "), department: info.department, region: info.region });
      showPostal(text);
    } catch (err) {
      if (err.name === "AbortError") return;
      if (err instanceof ApiError && err.status === 404) {
        showPostal(codeText("invalid_postal_code", err.message), true);
        input.setAttribute("aria-invalid", "true");
      } else {
        showPostal("");
      }
    }
  }, 120);
}

function readForm() {
  const form = $("#entry-form");
  const gender = form.querySelector('input[name="gender"]:checked');
  const ageText = $("#age").value.trim();
  return {
    pseudo: $("#pseudo").value.trim(),
    age: /^\d{1,3}$/.test(ageText) ? Number(ageText) : ageText === "" ? null : ageText,
    gender: gender ? gender.value : null,
    postal_code: $("#postal").value.replace(/\s+/g, ""),
    // A coarse device signal for the sticky age gate (see docs/minors.md).
    screen: `${window.screen.width}x${window.screen.height}`,
  };
}

/** Help resources sent with an age-gate refusal: name, text, phone and https link. */
function helpList(help) {
  if (!help || !help.length) return null;
  return h("ul", { class: "help-list" }, ...help.map((item) => {
    const phone = typeof item.phone === "string" && /^[0-9 +]{3,20}$/.test(item.phone)
      ? h("a", { href: "tel:" + item.phone.replace(/\s+/g, "") }, item.phone) : null;
    const link = typeof item.url === "string" && /^https:\/\/[^\s]+$/.test(item.url)
      ? h("a", { href: item.url, target: "_blank", rel: "noopener noreferrer" }, item.url.replace(/^https:\/\//, ""))
      : null;
    return h("li", {}, h("strong", {}, item.name || ""), " ", item.text || "", " ", phone, phone && link ? " · " : "", link);
  }));
}

/**
 * A locked browser (an age under 18 was declared here recently) may belong to an
 * adult: offer the anonymous proof, then send the entry again with the attestation.
 */
function proveOffer() {
  const button = h("button", { type: "button", class: "btn btn-primary", id: "entry-prove" }, t("age.open"));
  button.addEventListener("click", () => {
    openAgeDialog({
      token: null,
      submit: async (attestation, nonce) => {
        const session = await createSession({ ...readForm(), attestation, nonce });
        closeAgeDialog();
        entered(session);
      },
      onOther: (err) => showError(err.code, codeText(err.code, err.message), err.help),
    });
  });
  return h("div", { class: "entry-prove" }, h("p", {}, t("age.locked.offer")), button);
}

function showError(code, message, help = null) {
  for (const id of ["pseudo", "age", "postal"]) $("#" + id).removeAttribute("aria-invalid");
  const box = $("#entry-error");
  box.replaceChildren(h("p", {}, message), helpList(help) || "", code === "age_gate_locked" ? proveOffer() : "");
  if (!message) box.replaceChildren();
  const field = FIELD_OF_CODE[code];
  if (field) {
    const input = $("#" + field);
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-errormessage", "entry-error");
    input.focus();
  }
}

/**
 * Send the entry; when the server asks for a challenge (many entries from this
 * connection), solve it in the page and send the entry again with the answer.
 */
async function enterWithChallenge(fields) {
  const box = $("#entry-challenge");
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        return await createSession(fields);
      } catch (err) {
        if (!(err instanceof ApiError) || err.code !== "challenge_required" || attempt >= 2) throw err;
        showError(null, "");
        box.setAttribute("aria-label", codeText(err.code, err.message));
        fields = { ...fields, altcha: await solveChallenge(box, err.challengeUrl || "/api/v1/challenge") };
      }
    }
  } finally {
    hideChallenge(box);
  }
}

/** Every empty field at once: "Il manque : le pseudo, l'âge, le genre." */
function missingFields(fields) {
  const missing = [];
  if (!fields.pseudo) missing.push(["pseudo", "pseudo"]);
  if (fields.age === null) missing.push(["age", "age"]);
  if (!fields.gender) missing.push(["gender", "g-homme"]);
  if (!fields.postal_code) missing.push(["postal", "postal"]);
  return missing;
}

function showMissing(missing) {
  showError(null, t("entry.missing", { fields: missing.map(([name]) => t("entry.missing." + name)).join(", ") }));
  for (const [, id] of missing) {
    $("#" + id).setAttribute("aria-invalid", "true");
    $("#" + id).setAttribute("aria-errormessage", "entry-error");
  }
  $("#" + missing[0][1]).focus();
}

/** After "Quitter": the form comes back filled in (the pseudo is free at once). */
function prefill() {
  const saved = savedForm();
  if (!saved) return;
  $("#pseudo").value = saved.pseudo || "";
  $("#age").value = saved.age ?? "";
  const gender = saved.gender ? $(`#g-${saved.gender}`) : null;
  if (gender) gender.checked = true;
  $("#postal").value = saved.postal_code || "";
  if ($("#postal").value) onPostalInput();
}

/** Wire the form; onEntered({token, user, prefs}) is called after a successful entry. */
export function initEntry(onEntered) {
  entered = (session) => {
    saveForm(readForm());
    onEntered(session);
  };
  prefill();
  $("#postal").addEventListener("input", onPostalInput);
  $("#entry-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const fields = readForm();
    const button = $("#entry-submit");
    showError(null, "");
    $("#g-homme").removeAttribute("aria-invalid");
    const missing = missingFields(fields);
    if (missing.length) {
      showMissing(missing);
      return;
    }
    button.disabled = true;
    button.textContent = t("entry.sending");
    // The entry's answer says what the postal code is: a look-up still pending would
    // write its own refusal under the field after the alert's.
    clearTimeout(postalTimer);
    if (postalAbort) postalAbort.abort();
    try {
      const session = await enterWithChallenge(fields);
      entered(session);
    } catch (err) {
      // The postal code's error is said once: in the alert, not under the field as well.
      if (err instanceof ApiError && err.code === "invalid_postal_code") showPostal("", true);
      else onPostalInput(); // the commune shown again under a code that exists
      if (err instanceof ApiError) {
        showError(err.code, err.code === "network" ? t("err.network") : codeText(err.code, err.message), err.help);
      } else {
        showError(null, t("err.generic"));
      }
    } finally {
      button.disabled = false;
      button.textContent = t("entry.submit");
    }
  });
}

export function showEntryMessage(text) {
  $("#entry-error").textContent = text;
}
