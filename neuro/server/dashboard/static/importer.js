// Reading an exported session (JSON Lines) back, and rebuilding from its
// events what the live page gets from the simulator.

// parseImport reads an export: an optional header line
// ({"kind":"session",…}) and one event per line.
export function parseImport(text) {
  const events = [];
  let session = null;
  let advice = {};
  let bad = 0;
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t) continue;
    let v;
    try {
      v = JSON.parse(t);
    } catch {
      bad++;
      continue;
    }
    if (v && v.kind === 'session') {
      session = v.session || null;
      advice = v.advice || {};
      continue;
    }
    if (!v || typeof v.seq !== 'number' || typeof v.kind !== 'string') {
      bad++;
      continue;
    }
    events.push(v);
  }
  if (!events.length) throw new Error('no event in this file (is it a session export?)');
  events.sort((a, b) => a.seq - b.seq);
  return { events, session, advice, bad };
}

function frameOf(e) {
  try {
    return JSON.parse(e.frame);
  } catch {
    return null;
  }
}

// deriveGames rebuilds the game list from events.
export function deriveGames(events) {
  const games = new Map();
  for (const e of events) {
    if (!e.gameId) continue;
    let g = games.get(e.gameId);
    if (!g) {
      g = { id: e.gameId, name: '', connected: false, startedUp: false, shutdownReady: false, connectedAt: e.time,
        pending: [], forceQueue: [], actionCount: 0, contextCount: 0, warningCount: 0, resultCount: 0 };
      games.set(e.gameId, g);
    }
    if (e.game) g.name = e.game;
    if (e.kind === 'connected') g.connected = true;
    if (e.kind === 'disconnected') {
      g.connected = false;
      g.disconnectedAt = e.time;
    }
    if (e.kind === 'received' && e.command === 'startup') g.startedUp = true;
    if (e.kind === 'received' && e.command === 'context') g.contextCount++;
    if (e.kind === 'finding') g.warningCount++;
    if (e.kind === 'result') g.resultCount++;
  }
  for (const g of games.values()) g.actionCount = deriveDetail(events, g.id).game.actions.length;
  return [...games.values()];
}

// deriveDetail rebuilds one game's registry, context, warnings and results.
export function deriveDetail(events, id, advice = {}) {
  const game = { id, actions: [], context: [], findings: [], results: [] };
  for (const e of events) {
    if (e.gameId !== id) continue;
    if (e.kind === 'finding') game.findings.push(e.finding);
    if (e.kind === 'result') game.results.push(e.result);
    if (e.kind !== 'received') continue;
    const f = frameOf(e);
    const data = f && f.data;
    if (!data) continue;
    if (e.command === 'startup') game.actions = [];
    if (e.command === 'actions/register' && Array.isArray(data.actions)) {
      for (const a of data.actions) if (a && a.name && !game.actions.some((x) => x.name === a.name)) game.actions.push(a);
    }
    if (e.command === 'actions/unregister' && Array.isArray(data.action_names)) {
      game.actions = game.actions.filter((a) => !data.action_names.includes(a.name));
    }
    if (e.command === 'context' && typeof data.message === 'string') {
      game.context.push({ message: data.message, silent: !!data.silent, time: e.time });
    }
  }
  return { game, advice };
}
