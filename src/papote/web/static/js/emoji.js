// A small emoji picker: a grid of buttons, arrow keys to move, Escape to close.

import { $, h } from "./dom.js";

const EMOJI = [
  "😀", "😂", "🤣", "😊", "😍", "😘", "😎", "🤔",
  "😅", "😉", "🙂", "🙃", "😢", "😭", "😡", "😱",
  "🥰", "😴", "🤗", "🤫", "🙄", "😬", "🥳", "😇",
  "👍", "👎", "👋", "🙏", "👏", "💪", "✌️", "🤝",
  "❤️", "💔", "🔥", "✨", "🎉", "☕", "🍕", "🌞",
];
const COLUMNS = 8;

export function initEmojiPicker(input) {
  const button = $("#emoji-btn");
  const picker = $("#emoji-picker");
  picker.replaceChildren(...EMOJI.map((e) => h("button", { type: "button", "aria-label": e, tabindex: "-1" }, e)));
  const buttons = Array.from(picker.children);

  const close = (focusBack) => {
    picker.hidden = true;
    button.setAttribute("aria-expanded", "false");
    if (focusBack) button.focus();
  };
  const open = () => {
    picker.hidden = false;
    button.setAttribute("aria-expanded", "true");
    buttons[0].tabIndex = 0;
    buttons[0].focus();
  };
  button.addEventListener("click", () => (picker.hidden ? open() : close(true)));
  picker.addEventListener("click", (event) => {
    const choice = event.target.closest("button");
    if (!choice) return;
    const start = input.selectionStart ?? input.value.length;
    const end = input.selectionEnd ?? input.value.length;
    input.value = input.value.slice(0, start) + choice.textContent + input.value.slice(end);
    const caret = start + choice.textContent.length;
    close(false);
    input.focus();
    input.setSelectionRange(caret, caret);
    input.dispatchEvent(new Event("input"));
  });
  picker.addEventListener("keydown", (event) => {
    const index = buttons.indexOf(document.activeElement);
    const moves = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: COLUMNS, ArrowUp: -COLUMNS };
    if (event.key === "Escape") {
      event.preventDefault();
      close(true);
    } else if (event.key in moves && index >= 0) {
      event.preventDefault();
      const next = buttons[Math.min(buttons.length - 1, Math.max(0, index + moves[event.key]))];
      buttons[index].tabIndex = -1;
      next.tabIndex = 0;
      next.focus();
    } else if (event.key === "Tab") {
      close(false);
    }
  });
  document.addEventListener("click", (event) => {
    if (!picker.hidden && !picker.contains(event.target) && event.target !== button) close(false);
  });
}
