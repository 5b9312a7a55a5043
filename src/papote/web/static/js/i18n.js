// French by default, English on request. Static text carries data-i18n="key" (its text)
// and data-i18n-attr="attr:key,attr:key" (its attributes); code calls t(key, params).
// Every French string (ours and the server's) goes through frenchTypography(): curly
// apostrophes and non-breaking spaces before ! ? : ; and inside « ».

import { CODES_EN, EN } from "./strings-en.js";
import { CODES_FR, FR } from "./strings-fr.js";

const NBSP = "\u00a0";
const NNBSP = "\u202f"; // narrow no-break space, before ! ? ;

/** French typography for one string: ’ for ', no break before ! ? : ; » and after «. */
export function frenchTypography(text) {
  return String(text)
    .replace(/(\w)'/g, "$1’")
    .replace(/[ \u00a0\u202f]+([!?;])/g, `${NNBSP}$1`)
    .replace(/[ \u00a0\u202f]+([:»])/g, `${NBSP}$1`)
    .replace(/«[ \u00a0\u202f]+/g, `«${NBSP}`);
}

function typeset(table) {
  const out = {};
  for (const [key, value] of Object.entries(table)) out[key] = frenchTypography(value);
  return out;
}

const STRINGS = { fr: typeset(FR), en: EN };
const CODES = { fr: typeset(CODES_FR), en: CODES_EN };

let lang = "fr";

export function currentLang() {
  return lang;
}

/**
 * The string for key with {params} filled in. A missing, null or undefined parameter
 * becomes an empty string, never "null" or "undefined" (and the spaces and separators
 * around it are tidied by the caller's template: see joinParts()).
 */
export function t(key, params = {}) {
  const raw = STRINGS[lang][key] ?? STRINGS.fr[key] ?? key;
  return raw.replace(/\{(\w+)\}/g, (_, name) => {
    const value = params[name];
    return value === null || value === undefined ? "" : String(value);
  });
}

/** Non-empty parts joined with a separator ("30 ans · femme · Lyon"): no "null" ever. */
export function joinParts(parts, separator = " · ") {
  return parts.filter((p) => p !== null && p !== undefined && String(p).trim() !== "").join(separator);
}

/** Text for a server error or rejection: the page's own wording, else the server's. */
export function codeText(code, serverMessage) {
  if (CODES[lang][code]) return CODES[lang][code];
  if (serverMessage) return lang === "fr" ? frenchTypography(serverMessage) : serverMessage;
  return t("err.generic");
}

export function applyTranslations(root = document) {
  document.documentElement.lang = lang;
  for (const el of root.querySelectorAll("[data-i18n]")) {
    el.textContent = t(el.dataset.i18n);
  }
  for (const el of root.querySelectorAll("[data-i18n-attr]")) {
    for (const pair of el.dataset.i18nAttr.split(",")) {
      const [attr, key] = pair.split(":");
      el.setAttribute(attr.trim(), t(key.trim()));
    }
  }
}

export function setLang(next) {
  lang = next === "en" ? "en" : "fr";
  try {
    localStorage.setItem("papote.lang", lang);
  } catch {
    /* private mode: the choice lasts for this page only */
  }
  applyTranslations();
}

export function initLang() {
  let saved = null;
  try {
    saved = localStorage.getItem("papote.lang");
  } catch {
    saved = null;
  }
  lang = saved === "en" ? "en" : "fr";
  applyTranslations();
}

export const CATEGORIES = [
  "child_safety", "grooming", "sexual_violence", "ncii", "hate", "violence", "drugs",
  "personal_data", "scam", "spam", "harassment", "sexual_content", "other",
];

export const REGIONS = [
  "Auvergne-Rhône-Alpes", "Bourgogne-Franche-Comté", "Bretagne", "Centre-Val de Loire",
  "Corse", "Grand Est", "Hauts-de-France", "Île-de-France", "Normandie",
  "Nouvelle-Aquitaine", "Occitanie", "Pays de la Loire", "Provence-Alpes-Côte d'Azur",
  "Guadeloupe", "Martinique", "Guyane", "La Réunion", "Mayotte",
];
