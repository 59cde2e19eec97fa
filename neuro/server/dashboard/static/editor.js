// Editor ties a textarea to an action's schema: it validates as one
// types, and tells whether the data may be sent.
import { checkText } from './validate.js';

export class Editor {
  constructor(textarea, status, invalidBox, onChange) {
    this.ta = textarea;
    this.status = status;
    this.invalidBox = invalidBox;
    this.onChange = onChange || (() => {});
    this.schema = null;
    this.result = { ok: true, errors: [], unchecked: [], notes: [] };
    this.ta.addEventListener('input', () => this.check());
    if (invalidBox) invalidBox.addEventListener('change', () => this.check());
  }

  set(schema, text) {
    this.schema = schema;
    this.ta.value = text ? prettyData(text) : '';
    this.ta.disabled = false;
    this.check();
  }

  check() {
    this.result = checkText(this.schema, this.ta.value);
    const r = this.result;
    const lines = [];
    if (r.ok) lines.push('✓ valid against the schema');
    else lines.push(...r.errors.map((e) => '✗ ' + e));
    lines.push(...r.notes);
    if (r.unchecked.length) lines.push('not checked in the page (the server checks): ' + r.unchecked.join(', '));
    this.status.textContent = lines.join('\n');
    this.status.className = 'validation ' + (r.ok ? 'ok' : 'bad');
    this.onChange(this);
  }

  // sendable: valid, or invalid data was asked for.
  sendable() {
    return this.result.ok || (this.invalidBox && this.invalidBox.checked);
  }

  // payload is the data as the API takes it.
  payload() {
    let text = this.ta.value.trim();
    try {
      text = JSON.stringify(JSON.parse(text)); // compact when it is JSON
    } catch {
      // sent as typed (invalid data, on purpose)
    }
    return { data: text, hasData: text !== '', allowInvalid: !!(this.invalidBox && this.invalidBox.checked) };
  }
}

function prettyData(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
