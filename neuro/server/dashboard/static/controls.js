// The send form (an action, with its data in a checked editor) and the
// other server messages of the Controls tab.
import { h, fill, $ } from './dom.js';
import { post } from './api.js';
import { Editor } from './editor.js';

export class Controls {
  constructor(app) {
    this.app = app;
    this.actions = [];
    this.awaiting = new Set(); // ids of actions sent from the form
    this.recent = new Map(); // the latest results by id: one may come before the send returns
    this.editor = new Editor($('#send-data'), $('#send-validation'), $('#send-invalid'), () => this.updateButton());
    $('#send-action').addEventListener('change', () => this.choose($('#send-action').value, true));
    $('#send-generate').addEventListener('click', () => this.generate());
    $('#send-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.send();
    });
    const game = () => this.app.selected;
    const status = (text, ok) => {
      const el = $('#c-status');
      el.textContent = text;
      el.className = 'result-line ' + (ok ? 'ok' : 'bad');
    };
    const call = async (path, body, done) => {
      if (!game()) return status('Select a game first.', false);
      try {
        await post(path, { game: game(), ...body });
        status(done, true);
      } catch (e) {
        status(e.message, false);
      }
    };
    $('#c-reregister').addEventListener('click', () => call('send', { kind: 'reregister_all' }, 'actions/reregister_all sent.'));
    $('#c-graceful').addEventListener('click', () => call('send', { kind: 'shutdown_graceful', wantsShutdown: $('#c-wants').checked }, 'shutdown/graceful sent.'));
    $('#c-immediate').addEventListener('click', () => call('send', { kind: 'shutdown_immediate' }, 'shutdown/immediate sent.'));
    $('#c-speech').addEventListener('click', () => call('send', {
      kind: 'speech_finished', isFinal: $('#c-final').checked, cancelled: $('#c-cancelled').checked, reason: $('#c-reason').value,
    }, 'speech_finished sent.'));
    $('#c-disconnect').addEventListener('click', () => call('disconnect', {
      code: Number($('#c-code').value) || 0, reason: $('#c-close-reason').value,
    }, 'Disconnected.'));
  }

  // setActions refreshes the action picker, keeping the choice and the
  // text being edited when the action is still there.
  setActions(actions) {
    const before = JSON.stringify(this.actions);
    this.actions = actions;
    if (JSON.stringify(actions) === before) return;
    const sel = $('#send-action');
    const keep = sel.value;
    fill(sel, actions.length ? actions.map((a) => h('option', { value: a.name }, a.name)) : h('option', { value: '' }, '(no action registered)'));
    if (actions.some((a) => a.name === keep)) {
      sel.value = keep;
      this.choose(keep, false);
    } else if (actions.length) {
      this.choose(actions[0].name, true);
    } else {
      this.choose('', false);
    }
  }

  action(name) {
    return this.actions.find((a) => a.name === name) || null;
  }

  // pick opens the Actions tab's editor on an action.
  pick(name) {
    $('#send-action').value = name;
    this.choose(name, true);
    $('#send-data').focus();
  }

  choose(name, regenerate) {
    const a = this.action(name);
    $('#send-description').textContent = a ? a.description || '' : '';
    if (!a) {
      this.editor.set(null, '');
      return;
    }
    if (regenerate) {
      this.editor.set(a.schema, '');
      this.generate();
    } else {
      this.editor.schema = a.schema;
      this.editor.check();
    }
  }

  async generate() {
    const a = this.action($('#send-action').value);
    if (!a || !this.app.selected) return;
    if (!a.schema) {
      this.editor.set(null, '');
      return;
    }
    try {
      const r = await post('generate', { game: this.app.selected, action: a.name });
      this.editor.set(a.schema, r.hasData ? r.data : '');
    } catch (e) {
      this.result('Could not generate data: ' + e.message, false);
    }
  }

  updateButton() {
    $('#send-button').disabled = !this.action($('#send-action').value) || !this.editor.sendable();
  }

  result(text, ok) {
    const el = $('#send-result');
    el.textContent = text;
    el.className = 'result-line ' + (ok ? 'ok' : ok === false ? 'bad' : '');
  }

  async send() {
    const name = $('#send-action').value;
    if (!this.app.selected || !this.action(name) || !this.editor.sendable()) return;
    try {
      const r = await post('action', { game: this.app.selected, name, ...this.editor.payload() });
      this.awaiting.add(r.id);
      this.result(`Sent ${name} (${r.id}); waiting for the game's result…`, null);
      if (this.recent.has(r.id)) this.onEvent(this.recent.get(r.id));
    } catch (e) {
      this.result(e.message, false);
    }
  }

  // onEvent shows the result of an action sent from the form.
  onEvent(e) {
    if (e.kind !== 'result') return;
    this.recent.set(e.result.id, e);
    if (this.recent.size > 500) this.recent.delete(this.recent.keys().next().value);
    if (!this.awaiting.has(e.result.id)) return;
    this.awaiting.delete(e.result.id);
    const r = e.result;
    const how = r.timedOut ? 'no result in time' : r.success ? 'success' : 'failure';
    this.result(`Result of ${r.name} (${r.id}): ${how}${r.message ? ' — ' + r.message : ''}`, r.success);
  }
}
