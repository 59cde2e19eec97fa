// The message log: every event (frames both ways, results, warnings,
// forces, connections), filtered and virtualised.
import { h, fill, $, pretty, prettyValue, clock, clip, gameLabel } from './dom.js';
import { VList } from './vlist.js';

const MAX_EVENTS = 100000; // the oldest are dropped beyond this
const ROW = 24;

export class Log {
  constructor(getSelectedGame) {
    this.selectedGame = getSelectedGame;
    this.events = [];
    this.shown = [];
    this.commands = new Set();
    this.clearedBefore = 0;
    this.dropped = 0;
    this.skipped = 0;
    this.current = null; // the event in the detail pane
    this.list = new VList($('#log'), ROW, (e) => this.row(e));
    for (const id of ['#f-sent', '#f-received', '#f-other', '#f-game', '#f-command']) {
      $(id).addEventListener('change', () => this.refilter());
    }
    $('#f-text').addEventListener('input', () => this.refilter());
    $('#log-clear').addEventListener('click', () => {
      const last = this.events[this.events.length - 1];
      this.clearedBefore = last ? last.seq : 0;
      this.refilter();
    });
  }

  // reset replaces every event (an import, or back to live).
  reset(events) {
    this.events = events.slice(-MAX_EVENTS);
    this.commands = new Set();
    this.events.forEach((e) => this.learn(e));
    this.clearedBefore = 0;
    this.skipped = 0;
    this.current = null;
    this.showSkipped();
    this.list.invalidate();
    this.refilter();
    this.showDetail(null);
  }

  learn(e) {
    if (e.command && !this.commands.has(e.command)) {
      this.commands.add(e.command);
      const sel = $('#f-command');
      const opts = [...this.commands].sort();
      const keep = sel.value;
      fill(sel, h('option', { value: '' }, 'Any command'), opts.map((c) => h('option', { value: c }, c)));
      sel.value = keep;
    }
  }

  // add appends events that arrived (in order).
  add(events, skipped) {
    if (skipped) {
      this.skipped += skipped;
      this.showSkipped();
    }
    const match = this.matcher();
    for (const e of events) {
      this.events.push(e);
      this.learn(e);
      if (match(e)) this.shown.push(e);
    }
    if (this.events.length > MAX_EVENTS) {
      const over = this.events.length - MAX_EVENTS + Math.floor(MAX_EVENTS / 10);
      this.dropped += over;
      this.events = this.events.slice(over);
      this.refilter();
      return;
    }
    this.list.setItems(this.shown);
    this.count();
  }

  showSkipped() {
    const el = $('#log-skipped');
    el.hidden = this.skipped === 0;
    el.textContent = `${this.skipped} events were not streamed to this page (they came faster than it reads them); Export has every event the simulator keeps.`;
  }

  matcher() {
    const sent = $('#f-sent').checked, received = $('#f-received').checked, other = $('#f-other').checked;
    const onlyGame = $('#f-game').value === 'selected' ? this.selectedGame() : null;
    const cmd = $('#f-command').value;
    const text = $('#f-text').value.trim().toLowerCase();
    const after = this.clearedBefore;
    return (e) => {
      if (e.seq <= after) return false;
      if (e.kind === 'sent' ? !sent : e.kind === 'received' ? !received : !other) return false;
      if (onlyGame && e.gameId !== onlyGame) return false;
      if (cmd && e.command !== cmd) return false;
      if (text && !searchText(e).includes(text)) return false;
      return true;
    };
  }

  refilter() {
    const match = this.matcher();
    this.shown = this.events.filter(match);
    this.list.setItems(this.shown);
    this.count();
  }

  count() {
    const n = this.shown.length;
    $('#log-count').textContent = `${n} of ${this.events.length} events` + (this.dropped ? ` (${this.dropped} oldest dropped)` : '');
    $('#n-messages').textContent = String(n);
  }

  row(e) {
    const dir = e.kind === 'sent' ? '→' : e.kind === 'received' ? '←' : '•';
    const el = h('div', { class: 'log-row ' + e.kind + (e === this.current ? ' selected' : ''), dataset: { seq: e.seq },
      title: e.kind === 'sent' ? 'Neuro → game' : e.kind === 'received' ? 'game → Neuro' : e.kind },
    h('span', { class: 't' }, clock(e.time)),
    h('span', { class: 'dir' }, dir),
    h('span', { class: 'g' }, gameLabel(e.gameId, e.game)),
    h('span', { class: 'c' }, e.command || e.kind),
    h('span', { class: 's' }, summary(e)));
    el.addEventListener('click', () => {
      this.current = e;
      this.showDetail(e);
      this.list.invalidate();
    });
    return el;
  }

  showDetail(e) {
    const pane = $('#log-detail');
    if (!e) {
      fill(pane, h('p', { class: 'muted' }, 'Click a message to see its frame.'));
      return;
    }
    const parts = [
      h('h3', null, `#${e.seq} ${e.kind} ${e.command || ''}`),
      h('div', { class: 'muted' }, `${new Date(e.time).toISOString()} · ${gameLabel(e.gameId, e.game)}`),
    ];
    if (e.frame !== undefined) {
      parts.push(h('h4', null, 'Frame'), h('pre', { class: 'frame' }, pretty(e.frame)));
      const inner = innerData(e.frame);
      if (inner !== null) parts.push(h('h4', null, 'data (the JSON string, decoded)'), h('pre', null, inner));
    }
    if (e.error) parts.push(h('h4', null, 'Error'), h('pre', null, e.error));
    for (const k of ['finding', 'result', 'forceDone']) {
      if (e[k]) parts.push(h('h4', null, k), h('pre', null, prettyValue(e[k])));
    }
    fill(pane, parts);
  }
}

// innerData pretty-prints an action's "data" string, which holds JSON.
function innerData(frame) {
  try {
    const f = JSON.parse(frame);
    if (f && f.data && typeof f.data.data === 'string') return pretty(f.data.data);
  } catch {
    // not JSON: shown raw above
  }
  return null;
}

function searchText(e) {
  if (e._search === undefined) {
    e._search = [e.command, e.game, e.gameId, e.frame, e.error, e.finding && e.finding.detail, e.result && e.result.message]
      .filter(Boolean).join(' ').toLowerCase();
  }
  return e._search;
}

export function summary(e) {
  if (e.frame !== undefined) return clip(e.frame, 400);
  if (e.finding) return `${e.finding.kind}: ${e.finding.detail}`;
  if (e.result) {
    const r = e.result;
    const how = r.timedOut ? 'timed out' : r.success ? 'success' : 'failure';
    return `${r.name} (${r.id}): ${how}${r.message ? ' — ' + r.message : ''}`;
  }
  if (e.forceDone) return `force "${e.forceDone.force.query}" ${e.forceDone.outcome} after ${e.forceDone.attempts} attempt(s)`;
  return e.error || '';
}
