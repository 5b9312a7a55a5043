// How a person is described in one line ("30 ans · Femme · Lyon"), everywhere the page
// shows someone: no missing field ever shows as "null" or "undefined".

import { joinParts, t } from "./i18n.js";

export function describeUser(user) {
  if (!user) return "";
  const age = typeof user.age === "number" ? t("person.age", { age: user.age }) : null;
  const gender = user.gender ? t("gender." + user.gender) : null;
  return joinParts([age, gender, user.city || user.region]);
}

/** "Lyon, Auvergne-Rhône-Alpes" (or whichever of the two is known). */
export function whereUser(user) {
  if (!user) return "";
  if (user.city && user.region && user.city !== user.region) return t("person.where", { city: user.city, region: user.region });
  return user.city || user.region || "";
}
