// Anonymous age verification ("double anonymat"): Papote gives a single-use nonce, an
// independent provider checks the person's age and signs an attestation over that
// nonce, the person pastes it here and Papote checks the signature. Papote learns only
// "over 18"; the provider learns nothing of Papote. See docs/minors.md.
//
// Two uses: in session (POST /api/v1/age/verify with the bearer token) and on the
// entry form of a browser the age gate locked (the entry is sent again with
// "attestation" and "nonce"; the nonce is bound to this browser by a cookie).

import { ApiError, ageNonce } from "./api.js";
import { $ } from "./dom.js";
import { codeText, t } from "./i18n.js";

/** Codes that concern the attestation itself: shown inside the dialog. */
export const AGE_CODES = new Set([
  "invalid_attestation", "expired", "replayed", "unknown_issuer", "bad_signature",
  "wrong_nonce", "not_adult", "age_assurance_unavailable", "bad_request",
]);

let current = null; // {token, submit(attestation, nonce) -> Promise, onDone}
let nonce = null;
let wired = false;

function errorText(err) {
  if (err instanceof ApiError) return err.code === "network" ? t("err.network") : codeText(err.code, err.message);
  return t("err.generic");
}

function showError(text) {
  $("#age-error").textContent = text || "";
}

function setBusy(busy) {
  $("#age-submit").disabled = busy;
  $("#age-submit").textContent = busy ? t("age.checking") : t("age.submit");
}

async function fetchNonce() {
  nonce = null;
  const code = $("#age-nonce");
  code.textContent = t("age.nonce.loading");
  code.classList.add("pending");
  $("#age-copy").disabled = true;
  $("#age-copied").textContent = "";
  try {
    const reply = await ageNonce(current.token);
    if (!current) return;
    nonce = String(reply.nonce);
    code.textContent = nonce;
    code.classList.remove("pending");
    $("#age-copy").disabled = false;
    showError("");
  } catch (err) {
    code.textContent = "—";
    showError(errorText(err));
    if (err instanceof ApiError && err.code === "age_assurance_unavailable") $("#age-submit").disabled = true;
  }
}

async function copyNonce() {
  if (!nonce) return;
  let copied = false;
  try {
    await navigator.clipboard.writeText(nonce);
    copied = true;
  } catch {
    // No clipboard API (plain http, permission refused): select the text and copy it.
    const range = document.createRange();
    range.selectNodeContents($("#age-nonce"));
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    try {
      copied = document.execCommand("copy");
    } catch {
      copied = false;
    }
  }
  $("#age-copied").textContent = copied ? t("age.copied") : t("age.copy.manual");
}

async function onSubmit(event) {
  event.preventDefault();
  const attestation = $("#age-attestation").value.replace(/\s+/g, "");
  const field = $("#age-attestation");
  field.removeAttribute("aria-invalid");
  if (!nonce) {
    showError(t("age.no_nonce"));
    return;
  }
  if (!attestation) {
    showError(t("age.empty"));
    field.setAttribute("aria-invalid", "true");
    field.focus();
    return;
  }
  showError("");
  setBusy(true);
  const job = current;
  try {
    await job.submit(attestation, nonce);
  } catch (err) {
    if (job !== current) return;
    if (!(err instanceof ApiError) || AGE_CODES.has(err.code) || err.code === "network" || !job.onOther) {
      showError(errorText(err));
      field.setAttribute("aria-invalid", "true");
      field.setAttribute("aria-errormessage", "age-error");
    } else {
      // Not about the attestation (pseudo taken, rate limit...): the caller shows it.
      close();
      job.onOther(err);
    }
    return;
  } finally {
    setBusy(false);
  }
  if (job !== current) {
    if (job.onDone) job.onDone();
    return;
  }
  $("#age-success").textContent = t("age.success");
  $("#age-steps").hidden = true;
  $("#age-attestation").value = "";
  $("#age-submit").hidden = true;
  $("#age-cancel").focus();
  nonce = null;
  $("#age-nonce").textContent = "—";
  $("#age-copy").disabled = true;
  if (job.onDone) job.onDone();
}

function close() {
  const dialog = $("#age-dialog");
  if (dialog.open) dialog.close();
}

function wire() {
  if (wired) return;
  wired = true;
  $("#age-form").addEventListener("submit", onSubmit);
  $("#age-copy").addEventListener("click", copyNonce);
  $("#age-renew").addEventListener("click", fetchNonce);
  $("#age-attestation").addEventListener("input", () => {
    showError("");
    $("#age-attestation").removeAttribute("aria-invalid");
  });
  $("#age-cancel").addEventListener("click", close);
  $("#age-dialog").addEventListener("close", () => {
    current = null;
    nonce = null;
  });
}

/**
 * Open the verification dialog. options: token (in session; null for a locked browser),
 * submit(attestation, nonce) -> Promise (throws ApiError), onDone() after success,
 * onOther(err) for a refusal that is not about the attestation (the dialog closes).
 */
export function openAgeDialog(options) {
  wire();
  current = { token: null, onDone: null, onOther: null, ...options };
  showError("");
  setBusy(false);
  $("#age-submit").hidden = false;
  $("#age-steps").hidden = false;
  $("#age-success").textContent = "";
  $("#age-attestation").value = "";
  $("#age-attestation").removeAttribute("aria-invalid");
  const dialog = $("#age-dialog");
  if (!dialog.open) dialog.showModal();
  fetchNonce().then(() => {
    if (nonce && current) $("#age-copy").focus();
  });
}

export function closeAgeDialog() {
  close();
}
