// The game list and the selected game's overview, actions, context and
// warnings.
import { h, fill, $, prettyValue, clock, seconds, clip, gameLabel } from './dom.js';
import { VList } from './vlist.js';

const known = new Set(['id', 'name', 'connected', 'startedUp', 'shutdownReady', 'connectedAt', 'disconnectedAt',
  'actions', 'context', 'pending', 'forceQueue', 'findings', 'results',
  'actionCount', 'contextCount', 'warningCount', 'resultCount']);

export class Games {
  constructor(app) {
    this.app = app;
    this.summaries = [];
    this.byId = new Map();
    this.detail = null;
    this.list = new VList($('#game-list'), 46, (g) => this.row(g), (a, b) => a.id === b.id && JSON.stringify(a) === JSON.stringify(b));
    this.list.follow = false;
    $('#game-filter').addEventListener('input', () => this.renderList());
  }

  set(summaries) {
    this.summaries = summaries;
    this.byId = new Map(summaries.map((g) => [g.id, g]));
    $('#game-count').textContent = `${summaries.filter((g) => g.connected).length} connected of ${summaries.length}`;
    if (!this.app.selected || !this.byId.has(this.app.selected)) {
      const pick = [...summaries].reverse().find((g) => g.connected) || summaries[summaries.length - 1];
      if (pick) this.app.select(pick.id);
    }
    this.renderList();
    this.renderHead();
    this.renderOverview();
  }

  selected() {
    return this.byId.get(this.app.selected) || null;
  }

  renderList() {
    const q = $('#game-filter').value.trim().toLowerCase();
    const items = q ? this.summaries.filter((g) => (g.name + ' ' + g.id).toLowerCase().includes(q)) : this.summaries;
    this.list.setItems(items);
  }

  row(g) {
    const force = g.forceQueue && g.forceQueue.length ? `force ×${g.forceQueue.length}` : '';
    const pend = g.pending && g.pending.length ? `${g.pending.length} pending` : '';
    const el = h('div', { class: 'game-row' + (g.id === this.app.selected ? ' selected' : ''), dataset: { id: g.id } },
      h('div', { class: 'name' }, h('span', { class: 'dot' + (g.connected ? ' on' : '') }), g.name || '(no name yet)', ' ', h('span', { class: 'muted' }, g.id)),
      h('div', { class: 'meta' }, [plural(g.actionCount, 'action'), pend, force, g.warningCount ? plural(g.warningCount, 'warning') : '']
        .filter(Boolean).join(' · ')));
    el.addEventListener('click', () => this.app.select(g.id));
    return el;
  }

  renderHead() {
    const g = this.selected();
    $('#game-title').textContent = g ? gameLabel(g.id, g.name || '(no name yet)') : 'No game selected';
    const badges = [];
    if (g) {
      badges.push(h('span', { class: 'badge ' + (g.connected ? 'ok' : 'bad') }, g.connected ? 'connected' : 'disconnected'));
      if (g.startedUp) badges.push(h('span', { class: 'badge' }, 'started up'));
      if (g.shutdownReady) badges.push(h('span', { class: 'badge info' }, 'ready to shut down'));
      if (this.app.mode === 'import') badges.push(h('span', { class: 'badge info' }, 'imported'));
    }
    fill($('#game-badges'), badges);
    $('#n-actions').textContent = g ? String(g.actionCount) : '';
    $('#n-context').textContent = g ? String(g.contextCount) : '';
    $('#n-warnings').textContent = g ? String(g.warningCount) : '';
  }

  // renderOverview shows the selected game's state; it runs again every
  // half second while something has an age worth showing.
  renderOverview() {
    const g = this.selected();
    const box = $('#overview');
    if (!g) {
      fill(box, h('p', { class: 'muted' }, 'Waiting for a game to connect. Point a game at the websocket address.'));
      return;
    }
    const now = this.app.serverNow();
    const cards = [];
    cards.push(card('Connection', kv([
      ['Game', g.name || '(no name yet)'], ['Connection', g.id],
      ['Connected', g.connected ? 'yes' : 'no'], ['Started up', g.startedUp ? 'yes' : 'no'],
      ['Ready to shut down', g.shutdownReady ? 'yes' : 'no'],
      ['Connected at', clock(g.connectedAt)], g.disconnectedAt ? ['Disconnected at', clock(g.disconnectedAt)] : null,
      ['Session', this.app.sessionLabel()],
    ])));
    cards.push(card(`Pending actions (${(g.pending || []).length})`,
      (g.pending || []).length ? g.pending.map((p) => pendingItem(p, now)) : h('p', { class: 'muted' }, 'None: no action waits for its result.')));
    const q = g.forceQueue || [];
    cards.push(card(`Forces (${q.length})`, q.length ? q.map((f, i) => forceItem(f, i, now, this.app.retries)) : h('p', { class: 'muted' }, 'No force in flight.')));
    cards.push(card('Counts', kv([['Actions', g.actionCount], ['Context messages', g.contextCount], ['Warnings', g.warningCount], ['Results', g.resultCount]])));
    const extra = Object.keys(g).filter((k) => !known.has(k));
    if (extra.length) {
      cards.push(card('More', extra.map((k) => h('div', { class: 'item', dataset: { field: k } }, h('strong', null, k), h('pre', null, prettyValue(g[k]))))));
    }
    const results = this.detail && this.detail.game.id === g.id ? this.detail.game.results.slice(-8).reverse() : [];
    if (results.length) cards.push(card('Latest results', results.map(resultItem)));
    fill(box, h('div', { class: 'cards' }, cards));
  }

  ticking() {
    const g = this.selected();
    return g && ((g.pending && g.pending.length) || (g.forceQueue && g.forceQueue.length));
  }

  setDetail(detail) {
    this.detail = detail;
    const g = detail ? detail.game : null;
    this.renderActions(g);
    this.renderContext(g);
    this.renderWarnings(g, detail ? detail.advice : {});
    this.renderOverview();
  }

  renderActions(g) {
    const list = $('#action-list');
    if (!g || !g.actions.length) {
      fill(list, h('p', { class: 'muted' }, 'No action registered.'));
    } else {
      fill(list, g.actions.map((a) => h('div', { class: 'action', dataset: { name: a.name } },
        h('div', { class: 'title' }, h('strong', null, a.name), h('span', { class: 'spacer' }),
          h('button', { type: 'button', on: { click: () => this.app.controls.pick(a.name) } }, 'Send…')),
        h('p', null, a.description || h('span', { class: 'muted' }, '(no description)')),
        a.schema ? h('pre', null, prettyValue(a.schema)) : h('p', { class: 'muted' }, 'No schema: the action takes no data.'))));
    }
    this.app.controls.setActions(g ? g.actions : []);
  }

  renderContext(g) {
    const ol = $('#context-list');
    const entries = g ? g.context : [];
    if (!entries.length) {
      fill(ol, h('li', { class: 'muted' }, 'The game sent no context.'));
      return;
    }
    fill(ol, entries.map((c) => h('li', { class: c.silent ? 'silent' : '' },
      h('span', { class: 'muted' }, clock(c.time) + ' '), c.silent ? h('span', { class: 'badge' }, 'silent') : h('span', { class: 'badge info' }, 'may respond'), ' ', c.message)));
  }

  renderWarnings(g, advice) {
    const body = $('#warnings-table tbody');
    const ws = g ? g.findings.slice().reverse() : [];
    if (!ws.length) {
      fill(body, h('tr', null, h('td', { colSpan: 4, class: 'muted' }, 'No warning: the game follows the protocol so far.')));
      return;
    }
    fill(body, ws.map((w) => h('tr', { dataset: { kind: w.kind } },
      h('td', null, clock(w.time)), h('td', null, w.kind), h('td', null, w.detail), h('td', null, advice[w.kind] || ''))));
  }
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function card(title, body) {
  return h('div', { class: 'card' }, h('h3', null, title), body);
}

function kv(pairs) {
  return h('dl', { class: 'kv' }, pairs.filter(Boolean).flatMap(([k, v]) => [h('dt', null, k), h('dd', null, String(v))]));
}

function ageBar(from, to, now) {
  const total = Date.parse(to) - Date.parse(from);
  const age = now - Date.parse(from);
  const frac = total > 0 ? Math.min(1, age / total) : 1;
  const bar = h('div', { class: 'bar' + (frac >= 1 ? ' late' : '') }, h('div'));
  bar.firstChild.style.width = (frac * 100).toFixed(1) + '%';
  return [h('div', { class: 'muted' }, `${seconds(age)} of ${seconds(total)}`), bar];
}

function pendingItem(p, now) {
  return h('div', { class: 'item pending', dataset: { id: p.id } },
    h('strong', null, p.name), ' ', h('span', { class: 'muted' }, p.id),
    p.forced ? h('span', { class: 'badge info' }, `force, attempt ${p.attempt}`) : null,
    p.faulty ? h('span', { class: 'badge warn' }, 'invalid on purpose') : null,
    p.hasData ? h('div', { class: 'mono' }, clip(p.data, 200)) : null,
    ageBar(p.sentAt, p.deadline, now));
}

function forceItem(f, i, now, retries) {
  const tries = retries >= 0 ? ` of ${retries + 1}` : '';
  return h('div', { class: 'item force', dataset: { index: i } },
    h('span', { class: 'badge ' + (i === 0 ? 'info' : '') }, i === 0 ? 'in flight' : `queued #${i}`), ' ',
    h('strong', null, f.query),
    kv([
      f.state ? ['State', clip(f.state, 300)] : null,
      ['Actions', (f.action_names || []).join(', ')],
      ['Priority', f.priority || 'low'],
      f.ephemeral_context ? ['Ephemeral context', 'yes'] : null,
      ['Attempts', `${f.attempts}${tries}`],
      ['Waiting', seconds(now - Date.parse(f.receivedAt))],
    ]));
}

function resultItem(r) {
  const how = r.timedOut ? 'timed out' : r.success ? 'success' : 'failure';
  return h('div', { class: 'item result' }, h('span', { class: 'badge ' + (r.success ? 'ok' : 'bad') }, how), ' ',
    h('strong', null, r.name), ' ', h('span', { class: 'muted' }, r.id), r.message ? h('div', null, r.message) : null);
}
