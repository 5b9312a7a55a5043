// The phone keyboard: when it opens, the visual viewport shrinks. The chat then takes
// the visible height only (CSS variable --vvh), the bottom bar steps aside
// (body.keyboard-open), and the message list stays scrolled to the newest message.

const KEYBOARD_RATIO = 0.75;

export function followViewport(stickToBottom) {
  const vv = window.visualViewport;
  if (!vv) return;
  const root = document.documentElement;
  const update = () => {
    const list = document.querySelector("#message-list");
    const atBottom = list && list.scrollHeight - list.scrollTop - list.clientHeight < 80;
    root.style.setProperty("--vvh", `${Math.round(vv.height)}px`);
    document.body.classList.toggle("keyboard-open", vv.height < window.innerHeight * KEYBOARD_RATIO);
    if (atBottom) requestAnimationFrame(stickToBottom);
  };
  vv.addEventListener("resize", update);
  update();
}
