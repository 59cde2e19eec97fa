// Operator mode: forces wait here for a person to pick the action and its
// data (pre-filled, checked against the schema).
import { h, $, seconds, gameLabel } from './dom.js';
import { post } from './api.js';
import { Editor } from './editor.js';

export class Operator {
  constructor(app) {
    this.app = app;
    this.view = null;
    this.cards = new Map(); // prompt id → {el, deadline}
    $('#operator-toggle').addEventListener('change', async (ev) => {
      try {
        this.set(await post('operator', { enabled: ev.target.checked }));
      } catch (e) {
        ev.target.checked = !ev.target.checked;
        $('#operator-switch').title = e.message;
      }
    });
  }

  set(view) {
    this.view = view;
    $('#operator-switch').hidden = !view;
    if (!view) return;
    $('#operator-toggle').checked = view.enabled;
    const ids = new Set(view.waiting.map((p) => p.id));
    for (const [id, c] of this.cards) {
      if (!ids.has(id)) {
        c.el.remove();
        this.cards.delete(id);
      }
    }
    for (const p of view.waiting) if (!this.cards.has(p.id)) this.add(p);
    $('#operator-panel').hidden = this.cards.size === 0;
    this.tick();
  }

  add(p) {
    const status = h('div', { class: 'validation' });
    const ta = h('textarea', { class: 'prompt-data', spellcheck: 'false', rows: 4 });
    const invalid = h('input', { type: 'checkbox', class: 'prompt-invalid' });
    const send = h('button', { type: 'button', class: 'primary prompt-send' }, 'Send this action');
    const fallback = h('button', { type: 'button', class: 'prompt-fallback' }, 'Let the random policy answer');
    const error = h('div', { class: 'result-line bad' });
    const countdown = h('span', { class: 'muted countdown' });
    const editor = new Editor(ta, status, invalid, () => {
      send.disabled = !editor.sendable();
    });
    const pick = (name) => {
      const a = p.actions.find((x) => x.name === name);
      editor.set(a ? a.schema : null, p.suggestions[name] || '');
    };
    const radios = p.actions.map((a, i) => h('label', { class: 'choice' },
      h('input', { type: 'radio', name: 'pick-' + p.id, value: a.name, checked: i === 0, on: { change: () => pick(a.name) } }),
      ' ', h('strong', null, a.name), a.description ? h('span', { class: 'muted' }, ' — ' + a.description) : null));
    const f = p.force;
    const el = h('div', { class: 'prompt', dataset: { id: p.id, game: p.gameId } },
      h('div', { class: 'row' },
        h('span', { class: 'badge info' }, gameLabel(p.gameId, p.game)),
        h('span', { class: 'query' }, f.query),
        h('span', { class: 'badge' }, 'priority ' + (f.priority || 'low')),
        f.ephemeral_context ? h('span', { class: 'badge' }, 'ephemeral context') : null,
        h('span', { class: 'badge' }, 'attempt ' + p.attempt), h('span', { class: 'spacer' }), countdown),
      h('div', { class: 'prompt-body' },
        h('div', null,
          f.state ? h('div', { class: 'state' }, f.state) : null,
          h('div', { class: 'muted' }, 'Listed: ' + (f.action_names || []).join(', ')),
          h('div', { class: 'choices' }, radios)),
        h('div', null, ta, status,
          h('div', { class: 'row' }, h('label', null, invalid, ' Send invalid data'), h('span', { class: 'spacer' }), fallback, send),
          error)));
    send.addEventListener('click', async () => {
      const name = el.querySelector('input[type=radio]:checked').value;
      try {
        await post('operator/answer', { id: p.id, name, ...editor.payload() });
      } catch (e) {
        error.textContent = e.message;
      }
    });
    fallback.addEventListener('click', async () => {
      try {
        await post('operator/answer', { id: p.id, fallback: true });
      } catch (e) {
        error.textContent = e.message;
      }
    });
    $('#prompts').append(el);
    this.cards.set(p.id, { el, countdown, deadline: p.deadline ? Date.parse(p.deadline) : 0 });
    if (p.actions.length) pick(p.actions[0].name);
  }

  // tick updates the countdowns; it says whether one is running.
  tick() {
    const now = this.app.serverNow();
    let any = false;
    for (const c of this.cards.values()) {
      if (!c.deadline) {
        c.countdown.textContent = 'waiting for you';
        continue;
      }
      any = true;
      c.countdown.textContent = `random policy answers in ${seconds(c.deadline - now)}`;
    }
    return any;
  }
}
