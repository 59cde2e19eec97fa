// A small JSON schema validator for the subset action schemas use: type,
// enum, const, properties, required, additionalProperties, items,
// prefixItems, min/maxItems, uniqueItems, min/maxLength, pattern,
// minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf,
// min/maxProperties, anyOf, oneOf, allOf, not. Other keywords are listed
// as not checked here; the server checks the data again in full.

const handled = new Set([
  'type', 'enum', 'const', 'properties', 'required', 'additionalProperties', 'items', 'prefixItems',
  'minItems', 'maxItems', 'uniqueItems', 'minLength', 'maxLength', 'pattern', 'minimum', 'maximum',
  'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minProperties', 'maxProperties',
  'anyOf', 'oneOf', 'allOf', 'not', 'description', 'title', '$schema', '$comment', 'default', 'examples', 'format',
]);

function typeOf(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v; // string, boolean, object
}

function typeMatches(v, t) {
  const actual = typeOf(v);
  return actual === t || (t === 'number' && actual === 'integer');
}

function equal(a, b) {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a), kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && equal(a[k], b[k]));
}

function show(v) {
  const s = JSON.stringify(v);
  return s && s.length > 60 ? s.slice(0, 60) + '…' : s;
}

// validate checks value against schema and returns {errors, unchecked}:
// errors are "path: problem" strings (empty when valid), unchecked the
// keywords met that this validator does not check.
export function validate(schema, value) {
  const errors = [];
  const unchecked = new Set();
  check(schema, value, '$', errors, unchecked, 0);
  return { errors, unchecked: [...unchecked] };
}

function check(s, v, path, errors, unchecked, depth) {
  if (s === true || s === undefined) return;
  if (s === false) {
    errors.push(`${path}: no value is allowed here`);
    return;
  }
  if (typeof s !== 'object' || s === null || depth > 64) return;
  for (const k of Object.keys(s)) if (!handled.has(k)) unchecked.add(k);

  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? s.type : [s.type];
    if (!types.some((t) => typeMatches(v, t))) {
      errors.push(`${path}: must be ${types.join(' or ')}, not ${typeOf(v)} ${show(v)}`);
      return;
    }
  }
  if (s.enum !== undefined && !s.enum.some((e) => equal(e, v))) {
    errors.push(`${path}: must be one of ${s.enum.map(show).join(', ')}, not ${show(v)}`);
  }
  if (s.const !== undefined && !equal(s.const, v)) errors.push(`${path}: must be ${show(s.const)}`);

  const t = typeOf(v);
  if (t === 'string') {
    const len = [...v].length;
    if (s.minLength !== undefined && len < s.minLength) errors.push(`${path}: must have at least ${s.minLength} characters`);
    if (s.maxLength !== undefined && len > s.maxLength) errors.push(`${path}: must have at most ${s.maxLength} characters`);
    if (s.pattern !== undefined) {
      let re = null;
      try {
        re = new RegExp(s.pattern, 'u');
      } catch {
        unchecked.add('pattern');
      }
      if (re && !re.test(v)) errors.push(`${path}: must match ${s.pattern}`);
    }
  }
  if (t === 'number' || t === 'integer') {
    if (s.minimum !== undefined && v < s.minimum) errors.push(`${path}: must be ≥ ${s.minimum}`);
    if (s.maximum !== undefined && v > s.maximum) errors.push(`${path}: must be ≤ ${s.maximum}`);
    if (typeof s.exclusiveMinimum === 'number' && v <= s.exclusiveMinimum) errors.push(`${path}: must be > ${s.exclusiveMinimum}`);
    if (typeof s.exclusiveMaximum === 'number' && v >= s.exclusiveMaximum) errors.push(`${path}: must be < ${s.exclusiveMaximum}`);
    if (s.multipleOf !== undefined) {
      const q = v / s.multipleOf;
      if (Math.abs(q - Math.round(q)) > 1e-9) errors.push(`${path}: must be a multiple of ${s.multipleOf}`);
    }
  }
  if (t === 'array') {
    if (s.minItems !== undefined && v.length < s.minItems) errors.push(`${path}: must have at least ${s.minItems} items`);
    if (s.maxItems !== undefined && v.length > s.maxItems) errors.push(`${path}: must have at most ${s.maxItems} items`);
    if (s.uniqueItems === true) {
      for (let i = 0; i < v.length; i++) {
        for (let j = i + 1; j < v.length; j++) {
          if (equal(v[i], v[j])) {
            errors.push(`${path}: items ${i} and ${j} are equal; items must be unique`);
            i = v.length;
            break;
          }
        }
      }
    }
    const prefix = Array.isArray(s.prefixItems) ? s.prefixItems : [];
    v.forEach((item, i) => {
      if (i < prefix.length) check(prefix[i], item, `${path}[${i}]`, errors, unchecked, depth + 1);
      else if (s.items !== undefined) check(s.items, item, `${path}[${i}]`, errors, unchecked, depth + 1);
    });
  }
  if (t === 'object') {
    const keys = Object.keys(v);
    if (s.minProperties !== undefined && keys.length < s.minProperties) errors.push(`${path}: must have at least ${s.minProperties} properties`);
    if (s.maxProperties !== undefined && keys.length > s.maxProperties) errors.push(`${path}: must have at most ${s.maxProperties} properties`);
    for (const r of s.required || []) {
      if (!Object.hasOwn(v, r)) errors.push(`${path}: missing required property "${r}"`);
    }
    const props = s.properties || {};
    for (const k of keys) {
      if (Object.hasOwn(props, k)) check(props[k], v[k], `${path}.${k}`, errors, unchecked, depth + 1);
      else if (s.additionalProperties === false) errors.push(`${path}: property "${k}" is not allowed`);
      else if (s.additionalProperties !== undefined) check(s.additionalProperties, v[k], `${path}.${k}`, errors, unchecked, depth + 1);
    }
  }
  const sub = (schema) => {
    const e = [];
    check(schema, v, path, e, unchecked, depth + 1);
    return e.length === 0;
  };
  if (Array.isArray(s.allOf)) s.allOf.forEach((x) => check(x, v, path, errors, unchecked, depth + 1));
  if (Array.isArray(s.anyOf) && !s.anyOf.some(sub)) errors.push(`${path}: matches none of the anyOf choices`);
  if (Array.isArray(s.oneOf)) {
    const n = s.oneOf.filter(sub).length;
    if (n !== 1) errors.push(`${path}: must match exactly one oneOf choice, matches ${n}`);
  }
  if (s.not !== undefined && sub(s.not)) errors.push(`${path}: must not match the "not" schema`);
}

// checkText parses text as JSON and validates it, with the server's
// policy: without a schema any data passes (and is ignored); absent data
// ("" or null) passes when the schema accepts an empty object.
export function checkText(schema, text) {
  const hasSchema = schema && typeof schema === 'object' && Object.keys(schema).length > 0;
  if (!hasSchema) {
    const notes = text.trim() === '' ? [] : ['this action has no schema: the game ignores data'];
    return { ok: true, errors: [], unchecked: [], notes };
  }
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === 'null') {
    const r = validate(schema, {});
    if (r.errors.length === 0) return { ok: true, errors: [], unchecked: r.unchecked, notes: ['no data: the schema accepts that'] };
    return { ok: false, errors: ['this action needs data'], unchecked: r.unchecked, notes: [] };
  }
  let value;
  try {
    value = JSON.parse(trimmed);
  } catch (e) {
    return { ok: false, errors: ['not JSON: ' + e.message], unchecked: [], notes: [] };
  }
  const r = validate(schema, value);
  return { ok: r.errors.length === 0, errors: r.errors, unchecked: r.unchecked, notes: [] };
}
