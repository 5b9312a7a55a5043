// Entry point: language, the three views (entry, chat, ended), and the session kept in
// sessionStorage so that a reload within two minutes resumes the same session, with its
// open conversations (see saved-session.js and conversations.js).

import { loadAlertSettings } from "./alerts.js";
import { relabel, startChat } from "./chat.js";
import { $ } from "./dom.js";
import { initEntry, showEntryMessage } from "./entry.js";
import { currentLang, initLang, setLang, t } from "./i18n.js";
import { savedToken, saveToken } from "./saved-session.js";

function showView(name) {
  $("#entry-view").hidden = name !== "entry";
  $("#chat-view").hidden = name !== "chat";
  $("#ended-view").hidden = name !== "ended";
  const inChat = name === "chat";
  $("#settings-btn").hidden = !inChat;
  $("#quit-btn").hidden = !inChat;
  $("#me").hidden = !inChat;
  document.body.classList.toggle("in-chat", inChat);
}

function enterChat(token) {
  saveToken(token);
  showView("chat");
  const conn = startChat(token, {
    onEnded: ({ reason, sanction }) => {
      saveToken(null);
      showView("ended");
      const ended = reason === "quit" ? "ended.quit"
        : sanction && sanction.action === "suspend" ? "ended.suspend" : "ended.sanction";
      $("#ended-text").textContent = t(ended);
      const statement = $("#ended-statement");
      statement.hidden = !sanction;
      statement.textContent = sanction ? sanction.statement || sanction.reason || "" : "";
      document.title = "Papote";
      $("#ended-again").focus();
    },
    onExpired: () => {
      saveToken(null);
      location.replace("/?expired=1");
    },
  });
  // Test hooks (window.papote.drop) exist in a development build only.
  if (document.documentElement.dataset.build === "dev") {
    import("./devhooks.js").then((hooks) => hooks.install(conn));
  }
}

function boot() {
  initLang();
  loadAlertSettings();
  $("#lang-btn").addEventListener("click", () => {
    setLang(currentLang() === "fr" ? "en" : "fr");
    $("#lang-btn").setAttribute("lang", currentLang() === "fr" ? "en" : "fr");
    relabel();
  });
  $("#lang-btn").setAttribute("lang", currentLang() === "fr" ? "en" : "fr");
  $("#ended-again").addEventListener("click", () => location.assign("/"));
  $("#skip-links").addEventListener("click", (event) => {
    const link = event.target.closest("a[href^='#']");
    if (!link) return;
    event.preventDefault();
    const target = $(link.getAttribute("href"));
    const pane = link.dataset.pane;
    if (pane) $("#chat-view").dataset.pane = pane;
    target?.focus();
  });
  initEntry((session) => enterChat(session.token));
  if (new URLSearchParams(location.search).has("expired")) {
    showEntryMessage(t("err.session_expired"));
    history.replaceState(null, "", "/");
  }
  const token = savedToken();
  if (token) enterChat(token);
  else {
    showView("entry");
    // On a phone, focusing would open the keyboard over the rules: desktop only.
    if (window.matchMedia("(min-width: 761px)").matches) $("#pseudo").focus();
  }
}

boot();
