// Public notice form (DSA Article 16): no chat session needed.
import { h, $ } from "/static/js/dom.js";

const CATEGORIES = {
  child_safety: "Protection des mineurs (abus sexuel sur mineur)", grooming: "Sollicitation d'un mineur",
  violence: "Menaces, appel à la violence", sexual_violence: "Violence sexuelle",
  ncii: "Images intimes diffusées sans accord", hate: "Haine, discrimination",
  harassment: "Harcèlement", personal_data: "Données personnelles divulguées",
  scam: "Arnaque, fraude", drugs: "Drogues, produits illicites", spam: "Spam",
};

for (const [value, label] of Object.entries(CATEGORIES)) $("#n-category").append(h("option", { value }, label));

$("#notice-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const optional = (id) => $(id).value.trim() || null;
  const response = await fetch("/api/v1/notices", {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ url_or_id: $("#n-what").value.trim(), category: $("#n-category").value,
      explanation: $("#n-explanation").value.trim(), name: optional("#n-name"), email: optional("#n-email") }),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) { $("#n-error").textContent = data.error?.message || "Envoi impossible."; return; }
  $("#notice-form").hidden = true;
  const done = $("#n-done");
  done.hidden = false;
  done.textContent = `Merci : ton signalement est enregistré sous la référence ${data.notice.id}. Une personne de l'équipe de modération va l'examiner.`;
});
