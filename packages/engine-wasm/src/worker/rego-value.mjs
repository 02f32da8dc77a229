// Reads the Rego value text that OPA's wasm ABI writes with `opa_eval(..., format = 1)`
// and turns it into JSON the way OPA's REST API does: sets become arrays sorted in OPA's
// term order (ast.Compare), non-string object keys become strings. The plain JSON format
// (`format = 0`, what opa-wasm's evaluate uses) loses the difference between a set and an
// array and keeps sets in hash order, so `deny` messages would come out in another order
// than from an OPA server.

/** A Rego set (items sorted in OPA's term order). */
export class RegoSet {
  constructor(items) {
    this.items = items;
  }
}

/** A Rego object (entries sorted by key; keys may be any value). */
export class RegoObject {
  constructor(entries) {
    this.entries = entries;
  }
}

const RANK = { null: 0, boolean: 1, number: 2, string: 3, array: 6, object: 7, set: 8 };

function kind(v) {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'string') return 'string';
  if (Array.isArray(v)) return 'array';
  if (v instanceof RegoSet) return 'set';
  return 'object';
}

function compareSlices(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compare(a[i], b[i]);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/** OPA's ast.Compare on parsed values (sets and objects already sorted). */
export function compare(a, b) {
  const ka = kind(a);
  const kb = kind(b);
  if (ka !== kb) return RANK[ka] - RANK[kb];
  switch (ka) {
    case 'null':
      return 0;
    case 'boolean':
      return a === b ? 0 : a ? 1 : -1;
    case 'number':
      return a < b ? -1 : a > b ? 1 : 0;
    case 'string':
      return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
    case 'array':
      return compareSlices(a, b);
    case 'set':
      return compareSlices(a.items, b.items);
    default: {
      const n = Math.min(a.entries.length, b.entries.length);
      for (let i = 0; i < n; i++) {
        const ck = compare(a.entries[i][0], b.entries[i][0]);
        if (ck !== 0) return ck;
        const cv = compare(a.entries[i][1], b.entries[i][1]);
        if (cv !== 0) return cv;
      }
      return a.entries.length - b.entries.length;
    }
  }
}

/** Parses Rego value text (JSON plus `{a, b}` sets and `set()`), sorting sets and object keys. */
export function parseRegoValue(text) {
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const fail = (what) => {
    throw new Error(`cannot read wasm result at ${i}: ${what}`);
  };
  const value = () => {
    ws();
    const ch = text[i];
    if (ch === '"') {
      const start = i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      i++;
      return JSON.parse(text.slice(start, i));
    }
    if (ch === '[') {
      i++;
      const items = [];
      ws();
      if (text[i] === ']') {
        i++;
        return items;
      }
      for (;;) {
        items.push(value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return items;
        } else fail('expected , or ]');
      }
    }
    if (ch === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return new RegoObject([]);
      }
      const first = value();
      ws();
      if (text[i] === ':') {
        const entries = [];
        let key = first;
        for (;;) {
          i++; // ':'
          entries.push([key, value()]);
          ws();
          if (text[i] === ',') {
            i++;
            key = value();
            ws();
            if (text[i] !== ':') fail('expected :');
          } else if (text[i] === '}') {
            i++;
            entries.sort((x, y) => compare(x[0], y[0]));
            return new RegoObject(entries);
          } else fail('expected , or }');
        }
      }
      const items = [first];
      for (;;) {
        if (text[i] === ',') {
          i++;
          items.push(value());
          ws();
        } else if (text[i] === '}') {
          i++;
          items.sort(compare);
          return new RegoSet(items);
        } else fail('expected , or }');
      }
    }
    if (text.startsWith('set()', i)) {
      i += 5;
      return new RegoSet([]);
    }
    if (text.startsWith('true', i)) {
      i += 4;
      return true;
    }
    if (text.startsWith('false', i)) {
      i += 5;
      return false;
    }
    if (text.startsWith('null', i)) {
      i += 4;
      return null;
    }
    const num = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (num) {
      i += num[0].length;
      return Number(num[0]);
    }
    return fail('unexpected character');
  };
  const v = value();
  ws();
  if (i !== text.length) fail('trailing text');
  return v;
}

/** Converts a parsed value to JSON as OPA's REST API writes it. */
export function toJson(v) {
  if (Array.isArray(v)) return v.map(toJson);
  if (v instanceof RegoSet) return v.items.map(toJson);
  if (v instanceof RegoObject) {
    const out = {};
    for (const [k, val] of v.entries) {
      const key = typeof k === 'string' ? k : typeof k === 'number' ? String(k) : JSON.stringify(toJson(k));
      out[key] = toJson(val);
    }
    return out;
  }
  return v;
}
