// DOM helpers. Everything the page shows is built with these: text goes
// in as text (never parsed as HTML), so nothing a game sends can run.

// h builds an element: h('div', {class: 'x', dataset: {id: 1}}, child, 'text', ...).
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k === 'dataset') Object.assign(el.dataset, v);
      else if (k === 'on') for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
      else if (k === 'text') el.textContent = v;
      else if (k in el && typeof v !== 'string') el[k] = v;
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

// clear empties el and appends children.
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export const $ = (sel, root = document) => root.querySelector(sel);

// pretty returns JSON text indented, or the text unchanged when it is not
// JSON.
export function pretty(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export function prettyValue(v) {
  return JSON.stringify(v, null, 2);
}

// clock formats a time as HH:MM:SS.mmm (local).
export function clock(t) {
  const d = t instanceof Date ? t : new Date(t);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

// seconds formats a duration in ms as "1.2 s" / "3 min 4 s".
export function seconds(ms) {
  if (ms < 0) ms = 0;
  if (ms < 60000) return (ms / 1000).toFixed(1) + ' s';
  const m = Math.floor(ms / 60000);
  return `${m} min ${Math.floor((ms % 60000) / 1000)} s`;
}

export function clip(s, n) {
  return s.length > n ? s.slice(0, n) + '…' : s;
}

// gameLabel names a game as "Name (#1)", or "#1" before its first message.
export function gameLabel(id, name) {
  return name ? `${name} (${id})` : id;
}
