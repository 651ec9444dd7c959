// Small DOM helpers. Text always goes in through textContent, never innerHTML: customer names, notes and
// attributes come from outside and must not become markup.

export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export const $ = (selector, root = document) => root.querySelector(selector);

/** 0:07, 3:05, 1:02:03 */
export function duration(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** Shows a message in the page's status line; errors stay until the next message. */
export function notify(text, kind = 'info') {
  const line = $('#notice');
  if (!line) return;
  line.textContent = text;
  line.dataset.kind = kind;
}

/** Runs fn at most once per intervalMs, and once more after the last call (so the last change is shown). */
export function throttle(fn, intervalMs) {
  let last = 0;
  let pending = null;
  return () => {
    const now = Date.now();
    if (pending) return;
    const wait = Math.max(0, last + intervalMs - now);
    pending = setTimeout(() => {
      pending = null;
      last = Date.now();
      fn();
    }, wait);
  };
}
