// The WebSocket link: hello/welcome, request/reply by ref, reconnection with backoff.
// Handlers: welcome(frame), frame(frame), status(state, info), expired(frame).
// States: "connecting", "open", "down" (a retry is scheduled), "closed" (final).

const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 15000;
const REQUEST_TIMEOUT_MS = 15000;

export class Connection {
  constructor(token, handlers) {
    this.token = token;
    this.handlers = handlers;
    this.ws = null;
    this.ready = false;
    this.final = false;
    this.attempt = 0;
    this.seq = 0;
    this.pending = new Map();
    this.retryTimer = null;
    this.serverDelay = null;
    this.holdUntil = 0;
  }

  start() {
    this.final = false;
    this._open();
  }

  _open() {
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(`${scheme}//${location.host}/api/v1/ws`);
    this.ws = ws;
    this.handlers.status("connecting", { attempt: this.attempt });
    ws.addEventListener("open", () => {
      ws.send(JSON.stringify({ type: "hello", token: this.token, ref: "hello" }));
    });
    ws.addEventListener("message", (event) => this._onMessage(ws, event.data));
    ws.addEventListener("close", (event) => this._onClose(ws, event));
  }

  _onMessage(ws, data) {
    if (ws !== this.ws) return;
    let frame;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    if (!frame || typeof frame.type !== "string") return;
    if (frame.type === "welcome") {
      this.ready = true;
      this.attempt = 0;
      this.serverDelay = null;
      this.handlers.status("open", {});
      this.handlers.welcome(frame);
      return;
    }
    if (frame.type === "reconnect") {
      this.serverDelay = Number(frame.after_ms) || 0;
      return;
    }
    if (!this.ready && frame.type === "error" &&
        ["invalid_token", "not_authenticated"].includes(frame.code)) {
      this.final = true;
      this.handlers.expired(frame);
      ws.close(1000);
      return;
    }
    if (frame.ref && this.pending.has(frame.ref)) {
      const { resolve, timer } = this.pending.get(frame.ref);
      clearTimeout(timer);
      this.pending.delete(frame.ref);
      resolve(frame);
      return;
    }
    this.handlers.frame(frame);
  }

  _onClose(ws, event) {
    if (ws !== this.ws) return;
    this.ready = false;
    this.ws = null;
    for (const { reject, timer } of this.pending.values()) {
      clearTimeout(timer);
      reject(Object.assign(new Error("disconnected"), { code: "disconnected" }));
    }
    this.pending.clear();
    if (this.final) {
      this.handlers.status("closed", { code: event.code });
      return;
    }
    let delay;
    if (this.serverDelay !== null) {
      delay = this.serverDelay + Math.random() * 500;
      this.serverDelay = null;
    } else {
      const base = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** this.attempt);
      delay = base * (0.75 + Math.random() * 0.5);
    }
    delay = Math.max(delay, this.holdUntil - Date.now());
    this.attempt += 1;
    this.handlers.status("down", { delay, restart: event.code === 1012 });
    this.retryTimer = setTimeout(() => this._open(), delay);
  }

  /** Send a frame and resolve with the direct reply (any type carrying the same ref). */
  request(frame, timeout = REQUEST_TIMEOUT_MS) {
    if (!this.ready || !this.ws) {
      return Promise.reject(Object.assign(new Error("offline"), { code: "disconnected" }));
    }
    const ref = `r${++this.seq}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(ref);
        reject(Object.assign(new Error("timeout"), { code: "timeout" }));
      }, timeout);
      this.pending.set(ref, { resolve, reject, timer });
      this.ws.send(JSON.stringify({ ...frame, ref }));
    });
  }

  /** Fire and forget (typing). Dropped when offline. */
  send(frame) {
    if (this.ready && this.ws) this.ws.send(JSON.stringify(frame));
  }

  /** Leave for good: no reconnection. */
  close() {
    this.final = true;
    clearTimeout(this.retryTimer);
    if (this.ws) this.ws.close(1000);
    else this.handlers.status("closed", { code: 1000 });
  }

  /** Drop the socket as a network failure would; stay offline at least holdMs. */
  drop(holdMs = 0) {
    this.holdUntil = Date.now() + holdMs;
    if (this.ws) this.ws.close(4000, "dropped");
  }
}
