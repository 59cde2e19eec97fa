// The dashboard page: loads the simulator's history, follows its live
// stream and wires the views. No inline script: the page's CSP forbids it.
import { $ } from './dom.js';
import { get, streamURL } from './api.js';
import { Log } from './log.js';
import { Games } from './games.js';
import { Controls } from './controls.js';
import { Operator } from './operator.js';
import { parseImport, deriveGames, deriveDetail } from './importer.js';

const MAX_BACKLOG = 100000;

const app = {
  mode: 'live',
  selected: null,
  session: null,
  retries: -1,
  offset: 0, // server clock − page clock, ms
  lastSeq: 0,
  liveEvents: null, // kept aside while an import is shown
  backlog: [], // live events that came while an import is shown
  liveSummaries: [],
  imported: null,

  serverNow() {
    return Date.now() + this.offset;
  },

  sessionLabel() {
    const s = this.session;
    return s ? `${s.displayName || ''} (${s.characterId || ''}) · session ${s.sessionId || ''}` : '';
  },

  select(id) {
    if (this.selected === id) return;
    this.selected = id;
    this.games.detail = null;
    this.games.list.invalidate(); // the selection moved
    this.games.renderList();
    this.games.renderHead();
    this.games.renderOverview();
    this.log.refilter();
    this.refreshDetail(true);
  },
};

app.log = new Log(() => app.selected);
app.controls = new Controls(app);
app.games = new Games(app);
app.operator = new Operator(app);

// ---- tabs ----
for (const tab of document.querySelectorAll('.tab')) {
  tab.addEventListener('click', () => {
    for (const t of document.querySelectorAll('.tab')) t.classList.toggle('active', t === tab);
    for (const p of document.querySelectorAll('.panel')) p.hidden = p.id !== 'tab-' + tab.dataset.tab;
    if (tab.dataset.tab === 'messages') app.log.list.schedule();
  });
}

// ---- the selected game's details, fetched at most every 300 ms ----
let detailTimer = null;
let detailDirty = false;
app.refreshDetail = (now) => {
  if (app.mode === 'import') {
    app.games.setDetail(deriveDetail(app.log.events, app.selected, app.imported.advice));
    return;
  }
  detailDirty = true;
  if (detailTimer) return;
  detailTimer = setTimeout(fetchDetail, now ? 0 : 300);
};

async function fetchDetail() {
  detailTimer = null;
  if (!detailDirty || !app.selected || app.mode !== 'live') return;
  detailDirty = false;
  const id = app.selected;
  try {
    const d = await get('game?id=' + encodeURIComponent(id));
    if (app.selected === id && app.mode === 'live') app.games.setDetail(d);
  } catch {
    // the game may be gone; the next state says so
  }
}

// ---- live data ----
function onState(s) {
  app.session = s.session;
  app.retries = s.retries;
  app.offset = Date.parse(s.now) - Date.now();
  app.liveSummaries = s.games;
  $('#session').textContent = app.sessionLabel();
  if (app.mode === 'live') {
    app.games.set(s.games);
    app.refreshDetail(false);
  }
  if (s.operator !== undefined) app.operator.set(s.operator);
}

function onEvents(m) {
  const events = m.events;
  if (events.length) app.lastSeq = events[events.length - 1].seq;
  if (app.mode !== 'live') {
    app.backlog.push(...events);
    if (app.backlog.length > MAX_BACKLOG) app.backlog.splice(0, app.backlog.length - MAX_BACKLOG);
    return;
  }
  app.log.add(events, m.skipped);
  let mine = false;
  for (const e of events) {
    app.controls.onEvent(e);
    if (e.gameId === app.selected) mine = true;
  }
  if (mine) app.refreshDetail(false);
}

async function loadHistory() {
  let after = 0;
  const all = [];
  for (;;) {
    const page = await get('history?after=' + after);
    for (const e of page.events) all.push(e);
    after = page.last;
    if (!page.more) break;
  }
  app.lastSeq = after;
  app.log.reset(all);
}

function connect() {
  const conn = $('#conn');
  const es = new EventSource(streamURL(app.lastSeq));
  es.addEventListener('open', () => {
    conn.textContent = 'live';
    conn.className = 'badge ok';
  });
  es.addEventListener('error', () => {
    conn.textContent = es.readyState === EventSource.CLOSED ? 'disconnected (reload the page)' : 'reconnecting…';
    conn.className = 'badge bad';
  });
  es.addEventListener('state', (ev) => onState(JSON.parse(ev.data)));
  es.addEventListener('operator', (ev) => app.operator.set(JSON.parse(ev.data)));
  es.addEventListener('events', (ev) => onEvents(JSON.parse(ev.data)));
}

// ---- import / export ----
$('#import').addEventListener('change', async (ev) => {
  const file = ev.target.files[0];
  ev.target.value = '';
  if (!file) return;
  let parsed;
  try {
    parsed = parseImport(await file.text());
  } catch (e) {
    $('#import-name').textContent = 'Could not import ' + file.name + ': ' + e.message;
    $('#import-banner').hidden = false;
    return;
  }
  if (app.mode === 'live') {
    app.liveEvents = app.log.events;
    app.backlog = [];
  }
  app.mode = 'import';
  app.imported = parsed;
  $('#import-name').textContent = `Viewing ${file.name}: ${parsed.events.length} events` +
    (parsed.session ? `, session ${parsed.session.sessionId}` : '') + (parsed.bad ? ` (${parsed.bad} unreadable lines skipped)` : '');
  $('#import-banner').hidden = false;
  $('#export').hidden = true;
  app.selected = null;
  app.log.reset(parsed.events);
  app.games.set(deriveGames(parsed.events));
  app.refreshDetail(true);
});

$('#import-leave').addEventListener('click', () => {
  app.mode = 'live';
  app.imported = null;
  $('#import-banner').hidden = true;
  $('#export').hidden = false;
  app.selected = null;
  app.log.reset((app.liveEvents || []).concat(app.backlog));
  app.liveEvents = null;
  app.backlog = [];
  app.games.set(app.liveSummaries);
  app.refreshDetail(true);
});

// ---- ages and countdowns ----
setInterval(() => {
  if (app.games.ticking()) app.games.renderOverview();
  app.operator.tick();
}, 500);

(async () => {
  try {
    await loadHistory();
  } catch (e) {
    $('#conn').textContent = 'history failed: ' + e.message;
  }
  connect();
})();
