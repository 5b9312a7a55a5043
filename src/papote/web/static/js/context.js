// What the parts of the main view share: the connection, the message view, the people
// list, and two small verbs (a request that never throws, a toast).

import { $ } from "./dom.js";
import { t } from "./i18n.js";

export const ui = {
  conn: null, // Connection
  view: null, // MessageView
  people: null, // PeopleList
};

/** Send a frame and wait for its reply; offline becomes an `error` reply, never a throw. */
export async function request(frame) {
  try {
    return await ui.conn.request(frame);
  } catch (err) {
    return { type: "error", code: err.code || "disconnected", message: t("composer.offline") };
  }
}

export function toast(text) {
  const box = $("#toast");
  box.textContent = text;
  box.classList.add("show");
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => box.classList.remove("show"), 4000);
}
