// Unread count in the tab title, an optional sound made with WebAudio (no file), and
// optional browser notifications. Sound and notifications are off until turned on.

import { t } from "./i18n.js";

const BASE_TITLE = "Papote";
const settings = { sound: false, notify: false };
let audio = null;

export function loadAlertSettings() {
  try {
    const saved = JSON.parse(localStorage.getItem("papote.alerts") || "{}");
    settings.sound = saved.sound === true;
    settings.notify = saved.notify === true && "Notification" in window && Notification.permission === "granted";
  } catch {
    settings.sound = false;
    settings.notify = false;
  }
  return { ...settings };
}

export function alertSettings() {
  return { ...settings };
}

/** Save the choices; asking for notification permission happens here, on a user action. */
export async function saveAlertSettings({ sound, notify }) {
  settings.sound = Boolean(sound);
  let granted = false;
  if (notify && "Notification" in window) {
    granted = Notification.permission === "granted" ||
      (Notification.permission !== "denied" && (await Notification.requestPermission()) === "granted");
  }
  settings.notify = Boolean(notify) && granted;
  if (settings.sound) ensureAudio();
  try {
    localStorage.setItem("papote.alerts", JSON.stringify(settings));
  } catch {
    /* private mode */
  }
  return { ...settings, notifyDenied: Boolean(notify) && !granted };
}

function ensureAudio() {
  if (!audio) {
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return null;
    audio = new Ctx();
  }
  if (audio.state === "suspended") audio.resume();
  return audio;
}

/** Two soft notes, 140 ms in all. */
export function playSound() {
  if (!settings.sound) return;
  const ctx = ensureAudio();
  if (!ctx) return;
  const now = ctx.currentTime;
  [[660, 0], [880, 0.07]].forEach(([freq, at]) => {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = "sine";
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0.0001, now + at);
    gain.gain.exponentialRampToValueAtTime(0.18, now + at + 0.01);
    gain.gain.exponentialRampToValueAtTime(0.0001, now + at + 0.07);
    osc.connect(gain).connect(ctx.destination);
    osc.start(now + at);
    osc.stop(now + at + 0.08);
  });
}

/** A browser notification, only when the page is hidden; the body is plain text. */
export function notify(title, body, onClick) {
  if (!settings.notify || !document.hidden || !("Notification" in window)) return;
  if (Notification.permission !== "granted") return;
  // The first 140 characters, cut between code points, never inside an emoji's pair.
  const preview = Array.from(body).slice(0, 140).join("");
  const note = new Notification(title, { body: preview, tag: "papote", silent: true });
  note.addEventListener("click", () => {
    window.focus();
    onClick();
    note.close();
  });
}

export function setTitleUnread(n) {
  document.title = n > 0 ? `(${n}) ${BASE_TITLE}` : BASE_TITLE;
}

export function notificationTitle(message, roomName) {
  return message.room
    ? t("notif.room", { pseudo: message.from.pseudo, room: roomName })
    : t("notif.dm", { pseudo: message.from.pseudo });
}
