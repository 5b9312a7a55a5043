// Small DOM helpers. User text only ever goes through textContent or attributes set
// with setAttribute: nothing in this page builds markup from strings.

/** Create an element: h("button", {class: "x", type: "button"}, "text", child...). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") el.className = value;
    else if (name === "dataset") Object.assign(el.dataset, value);
    else if (name === "hidden") el.hidden = Boolean(value);
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function $(selector, root = document) {
  return root.querySelector(selector);
}

export function $$(selector, root = document) {
  return Array.from(root.querySelectorAll(selector));
}

export function clear(el) {
  el.replaceChildren();
}

/** replaceChildren without the trap: null, undefined and false are skipped, never "null". */
export function fill(el, ...children) {
  el.replaceChildren(...children.filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

/** Run fn once per animation frame at most, however often it is asked for. */
export function frameBatcher(fn) {
  let queued = false;
  return () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      fn();
    });
  };
}

export function formatTime(ts) {
  return new Date(ts).toLocaleTimeString(document.documentElement.lang || "fr", {
    hour: "2-digit",
    minute: "2-digit",
  });
}

export function formatDate(ts) {
  return new Date(ts).toLocaleString(document.documentElement.lang || "fr", {
    dateStyle: "long",
    timeStyle: "short",
  });
}
