/**
 * The Rego value text of OPA's wasm ABI, read into and written from `@policy-engine/rego-value`
 * values. `opa_value_dump` (and `opa_eval(..., format = 1)`) write JSON plus set literals
 * (`{1, 2}`, `set()`) and non-string object keys (`{1: "a"}`); `opa_value_parse` reads the same.
 * The plain JSON format (`opa_json_dump`) turns a set into an array in hash order, so it is not
 * used for anything a policy may return or a built-in may take. Numbers keep their text (as a
 * literal does: `1e21` stays a float for `sprintf`, as in OPA), and their exact value.
 */
import {
  RObject,
  RSet,
  compare,
  compareStrings,
  isArray,
  numberText,
  parseNumberLiteral,
  toJSONText,
  type Value,
} from '@policy-engine/rego-value';

/** A value text the reader does not understand (a bug of the ABI host, never the policy's). */
export class ValueTextError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValueTextError';
  }
}

/**
 * Scans the string token whose opening quote is at `start` (both readers' scan; a number, so no
 * allocation): the offset of its closing quote, or where the scan stopped (`text.length` or past
 * it) when the text ends first; negated when the token holds an escape (then only `JSON.parse`
 * decodes it).
 */
function closingQuote(text: string, start: number): number {
  const n = text.length;
  let i = start + 1;
  let escaped = false;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34) break;
    if (c === 92) {
      escaped = true;
      i += 2;
    } else i++;
  }
  return escaped ? -i : i;
}

/** The offset just past the run of number characters (`-+.0-9eE`) from `start` (`start` when none). */
function numberEnd(text: string, start: number): number {
  const n = text.length;
  let i = start;
  while (i < n && /[-+.0-9eE]/.test(text.charAt(i))) i++;
  return i;
}

/** Reads Rego value text (as `opa_value_dump` writes it) into a value; numbers stay exact. */
export function readValueText(text: string): Value {
  let i = 0;
  const n = text.length;
  const fail = (what: string): never => {
    throw new ValueTextError(`cannot read the wasm value at offset ${i}: ${what}`);
  };
  const ws = (): void => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 10 || c === 9 || c === 13) i++;
      else return;
    }
  };
  const str = (): string => {
    const start = i;
    const q = closingQuote(text, start);
    i = q < 0 ? -q : q;
    if (i >= n) fail('unterminated string');
    i++;
    return q < 0 ? (JSON.parse(text.slice(start, i)) as string) : text.slice(start + 1, i - 1);
  };
  const value = (): Value => {
    ws();
    const c = text.charCodeAt(i);
    if (c === 34) return str();
    if (c === 91) {
      i++;
      const items: Value[] = [];
      ws();
      if (text.charCodeAt(i) === 93) {
        i++;
        return items;
      }
      for (;;) {
        items.push(value());
        ws();
        const d = text.charCodeAt(i++);
        if (d === 93) return items;
        if (d !== 44) fail('expected , or ]');
      }
    }
    if (c === 123) {
      i++;
      ws();
      if (text.charCodeAt(i) === 125) {
        i++;
        return new RObject();
      }
      const first = value();
      ws();
      if (text.charCodeAt(i) === 58) {
        const obj = new RObject();
        let key = first;
        for (;;) {
          i++; // ':'
          obj.set(key, value());
          ws();
          const d = text.charCodeAt(i++);
          if (d === 125) return obj;
          if (d !== 44) fail('expected , or }');
          key = value();
          ws();
          if (text.charCodeAt(i) !== 58) fail('expected :');
        }
      }
      const set = new RSet([first]);
      for (;;) {
        const d = text.charCodeAt(i++);
        if (d === 125) return set;
        if (d !== 44) fail('expected , or }');
        set.add(value());
        ws();
      }
    }
    if (text.startsWith('set()', i)) {
      i += 5;
      return new RSet();
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
    const start = i;
    i = numberEnd(text, start);
    const num = start < i ? parseNumberLiteral(text.slice(start, i)) : undefined;
    return num ?? fail('unexpected character');
  };
  const v = value();
  ws();
  if (i !== n) fail('trailing text');
  return v;
}

/**
 * Writes a value as Rego value text that `opa_value_parse` reads back (sets and non-string keys
 * kept). Not rego-value's `formatValue` (Go-quoted strings: `\x07`, which the wasm lexer does not
 * read) nor `toJSONText` (sets become arrays, keys strings).
 */
export function writeValueText(v: Value): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      return numberText(v);
    case 'string':
      return JSON.stringify(v);
  }
  if (isArray(v)) return '[' + v.map(writeValueText).join(',') + ']';
  if (v instanceof RSet) return v.size === 0 ? 'set()' : '{' + v.sorted().map(writeValueText).join(',') + '}';
  if (v instanceof RObject) {
    const parts: string[] = [];
    for (const [k, x] of v.sortedEntries()) parts.push(writeValueText(k) + ':' + writeValueText(x));
    return '{' + parts.join(',') + '}';
  }
  return numberText(v);
}

/** A number literal JSON reads as it is. */
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** Thrown inside {@link valueTextToJson} for text its fast path does not take. */
const NOT_PLAIN = new Error('not plain value text');

/**
 * The JSON text of a Rego value text, read as `toJSONText(readValueText(text))` reads (sets as
 * arrays in OPA's order, object keys in OPA's order), without building values: what the worker
 * hands the engine for `JSON.parse`. Strings and numbers keep their spelling (the same after
 * `JSON.parse`). Sets of strings sort by Go's string order, other sets by rego-value's order of
 * their members (read from their text); an object with a key that is not a string, or a number
 * JSON cannot read as written, takes `toJSONText(readValueText(text))`.
 */
export function valueTextToJson(text: string): string {
  try {
    return plainValueTextToJson(text);
  } catch (err) {
    if (err === NOT_PLAIN) return toJSONText(readValueText(text));
    throw err;
  }
}

function plainValueTextToJson(text: string): string {
  let i = 0;
  const n = text.length;
  const bail = (): never => {
    throw NOT_PLAIN;
  };
  const ws = (): void => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 10 || c === 9 || c === 13) i++;
      else return;
    }
  };
  /** A string token at `i`: its JSON text, and its value when `decoded` (for ordering). */
  let decoded = '';
  const str = (): string => {
    const start = i;
    const q = closingQuote(text, start);
    i = q < 0 ? -q : q;
    if (i >= n) bail();
    i++;
    const raw = text.slice(start, i);
    decoded = q < 0 ? (JSON.parse(raw) as string) : raw.slice(1, -1);
    return raw;
  };
  const byKey = (a: readonly [string, string], b: readonly [string, string]): number => compareStrings(a[0], b[0]);
  interface SetMember {
    /** The member's value when it is a string. */
    readonly key: string | undefined;
    readonly json: string;
    /** Its value text. */
    readonly raw: string;
  }
  const value = (): string => {
    ws();
    const c = text.charCodeAt(i);
    if (c === 34) return str();
    if (c === 91) {
      i++;
      ws();
      if (text.charCodeAt(i) === 93) {
        i++;
        return '[]';
      }
      let out = '[';
      for (;;) {
        out += value();
        ws();
        const d = text.charCodeAt(i++);
        if (d === 93) return out + ']';
        if (d !== 44) bail();
        out += ',';
      }
    }
    if (c === 123) {
      i++;
      ws();
      if (text.charCodeAt(i) === 125) {
        i++;
        return '{}';
      }
      const firstStart = i;
      const firstIsString = text.charCodeAt(i) === 34;
      const first = value();
      const firstEnd = i;
      const firstDecoded = decoded;
      ws();
      if (text.charCodeAt(i) === 58) {
        // An object: string keys only (others take the full reader), its members in OPA's key order.
        if (!firstIsString) bail();
        const members: [string, string][] = [];
        let key = firstDecoded;
        let raw = first;
        for (;;) {
          i++; // ':'
          members.push([key, raw + ':' + value()]);
          ws();
          const d = text.charCodeAt(i++);
          if (d === 125) break;
          if (d !== 44) bail();
          ws();
          if (text.charCodeAt(i) !== 34) bail();
          raw = str();
          key = decoded;
          ws();
          if (text.charCodeAt(i) !== 58) bail();
        }
        members.sort(byKey);
        return '{' + members.map((m) => m[1]).join(',') + '}';
      }
      // A set: an array in OPA's order. Strings sort as Go sorts them; other members by rego-value's
      // order, read from their text (a result set has one member: nothing to sort).
      const items: SetMember[] = [{ key: firstIsString ? firstDecoded : undefined, json: first, raw: text.slice(firstStart, firstEnd) }];
      for (;;) {
        const d = text.charCodeAt(i++);
        if (d === 125) break;
        if (d !== 44) bail();
        ws();
        const memberStart = i;
        const isString = text.charCodeAt(i) === 34;
        const json = value();
        items.push({ key: isString ? decoded : undefined, json, raw: text.slice(memberStart, i) });
        ws();
      }
      if (items.length > 1) {
        if (items.every((m) => m.key !== undefined)) items.sort((a, b) => compareStrings(a.key as string, b.key as string));
        else {
          const values = new Map(items.map((m) => [m, readValueText(m.raw)]));
          items.sort((a, b) => compare(values.get(a) as Value, values.get(b) as Value));
        }
      }
      return '[' + items.map((m) => m.json).join(',') + ']';
    }
    if (text.startsWith('set()', i)) {
      i += 5;
      return '[]';
    }
    if (text.startsWith('true', i)) {
      i += 4;
      return 'true';
    }
    if (text.startsWith('false', i)) {
      i += 5;
      return 'false';
    }
    if (text.startsWith('null', i)) {
      i += 4;
      return 'null';
    }
    const start = i;
    i = numberEnd(text, start);
    const num = text.slice(start, i);
    if (!JSON_NUMBER.test(num)) bail();
    return num;
  };
  const out = value();
  ws();
  if (i !== n) bail();
  return out;
}
