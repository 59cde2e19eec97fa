// Calls to the dashboard's API. State-changing calls are JSON POSTs with
// the per-run token the page was served with.

const token = document.querySelector('meta[name="dashboard-token"]').content;
const base = '/dashboard/api/';

async function answer(r) {
  let body = null;
  try {
    body = await r.json();
  } catch {
    body = null;
  }
  if (!r.ok) throw new Error((body && body.error) || `${r.status} ${r.statusText}`);
  return body;
}

export async function get(path) {
  return answer(await fetch(base + path, { headers: { Accept: 'application/json' } }));
}

export async function post(path, body) {
  return answer(await fetch(base + path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Dashboard-Token': token },
    body: JSON.stringify(body),
  }));
}

export function streamURL(after) {
  return base + 'stream?after=' + after;
}
