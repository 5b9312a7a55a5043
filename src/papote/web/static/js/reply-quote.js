// A reply travels as plain text: its first line quotes the message it answers,
// "> pseudo : excerpt", and the page draws that line as a quote. No protocol change.

export const QUOTE_CHARS = 80;
const REPLY_RE = /^> ([^\s:]{1,40}) : ([^\n]*)\n/;

/** A reply carries its quote as a first line "> pseudo : excerpt" (plain text on the wire). */
export function parseReply(text) {
  const match = typeof text === "string" ? text.match(REPLY_RE) : null;
  if (!match) return { reply: null, body: text || "" };
  return { reply: { pseudo: match[1], text: match[2] }, body: text.slice(match[0].length) };
}

export function withQuote(text, replyTo) {
  if (!replyTo) return text;
  const excerpt = Array.from(replyTo.text.replace(/\s+/g, " ").trim()).slice(0, QUOTE_CHARS).join("");
  return `> ${replyTo.pseudo} : ${excerpt}\n${text}`;
}

