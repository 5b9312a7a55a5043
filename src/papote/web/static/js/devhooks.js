// Test and support hooks of a development build (never served in production: the
// server answers 404 for this file when PAPOTE_ENV=prod). See docs/web.md.

/** window.papote.drop(holdMs): simulate a network drop; the page reconnects by itself. */
export function install(conn) {
  window.papote = { drop: (holdMs = 0) => conn.drop(holdMs) };
}
