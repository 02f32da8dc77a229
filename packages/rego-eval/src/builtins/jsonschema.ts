/**
 * OPA's `json.verify_schema` and `json.match_schema` (`v1/topdown/jsonschema.go`) with the
 * semantics of the gojsonschema OPA vendors (`internal/gojsonschema`, draft 4/6/7 and OPA's
 * "hybrid" default when `$schema` is absent), written here rather than over a JavaScript
 * validator: OPA's answers are gojsonschema's own walk — its schema-compile errors (which no
 * validator reports, they do not check schemas), its error order, its score-based choice of the
 * "closest" `anyOf` / `oneOf` / `contains` branch whose errors it reports, `$ref` replacing its
 * sibling keywords, RE2 patterns (re2js, as `regex.*`), exact rational numbers, and Go's texts.
 * Nothing is compiled with `new Function` (CSP- and browser-safe).
 *
 * Go iterates maps in random order; where gojsonschema does (`properties`, `patternProperties`,
 * `dependencies`, additional properties) this file takes sorted key order, so OPA's order of
 * several such errors can differ run to run while ours is stable. Remote `$ref`s (which OPA
 * would fetch over the network) are not fetched: they are an error here.
 */
import {
  BigNum,
  RObject,
  RSet,
  compareStrings,
  isNumber,
  numberText,
  toDecimal,
  type RNumber,
  type Value,
} from '@policy-engine/rego-value';
import { GoJSONError, goJSONString, goMarshal, goUnmarshal } from './gojson.js';
import { parseAddr } from './net.js';
import { compileRegex } from './regex.js';
import { type BuiltinDef } from './registry.js';
import { fail } from './util.js';

/** A failure with gojsonschema's (or OPA's loader's) text. */
class SchemaError extends Error {}

// ---------------------------------------------------------------- JSON values and numbers

/**
 * A number of a JSON text written with a fraction or an exponent (`1.0`, `1e2`): gojsonschema
 * takes it as a number but never as the integer of `minLength` & co. (Go's `Int64()` of its text).
 */
class FloatText {
  constructor(readonly value: RNumber) {}
}

/** A JSON value as gojsonschema sees it: string keys, sets as arrays, numbers exact. */
type J = null | boolean | string | RNumber | FloatText | readonly J[] | JObject;
type JObject = ReadonlyMap<string, J>;
type JNumber = RNumber | FloatText;

function isObj(v: J): v is JObject {
  return v instanceof Map;
}

function isNum(v: J): v is JNumber {
  return typeof v === 'number' || v instanceof BigNum || v instanceof FloatText;
}

function numOf(v: JNumber): RNumber {
  return v instanceof FloatText ? v.value : v;
}

/** A JSON text already known valid (`goUnmarshal` checked it) as a `J`, numbers' syntax kept. */
function parseJSONTextJ(text: string): J {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const token = (re: RegExp): string => {
    re.lastIndex = i;
    const m = re.exec(text);
    if (!m) throw new SchemaError('invalid JSON string');
    i += m[0].length;
    return m[0];
  };
  const str = (): string => goUnmarshal(token(/"(?:[^"\\]|\\.)*"/y)) as string;
  const value = (): J => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const m = new Map<string, J>();
      ws();
      if (text[i] === '}') {
        i++;
        return m;
      }
      for (;;) {
        ws();
        const k = str();
        ws();
        i++; // ':'
        m.set(k, value());
        ws();
        if (text[i++] === '}') return m;
      }
    }
    if (c === '[') {
      i++;
      const a: J[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return a;
      }
      for (;;) {
        a.push(value());
        ws();
        if (text[i++] === ']') return a;
      }
    }
    if (c === '"') return str();
    if (text.startsWith('true', i)) return ((i += 4), true);
    if (text.startsWith('false', i)) return ((i += 5), false);
    if (text.startsWith('null', i)) return ((i += 4), null);
    const t = token(/-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y);
    const n = goUnmarshal(t) as RNumber;
    return /[.eE]/.test(t) ? new FloatText(n) : n;
  };
  return value();
}

function toJ(v: Value): J {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (isNumber(v)) return v;
  if (Array.isArray(v)) return (v as readonly Value[]).map(toJ);
  if (v instanceof RSet) return v.sorted().map(toJ);
  if (v instanceof RObject) {
    const m = new Map<string, J>();
    for (const [k, x] of v.sortedEntries()) m.set(typeof k === 'string' ? k : goMarshal(k), toJ(x));
    return m;
  }
  return null;
}

/** OPA's `astValueToJSONSchemaLoader` then `LoadJSON`. */
function load(v: Value): J {
  if (typeof v === 'string') {
    try {
      goUnmarshal(v);
    } catch (e) {
      if (e instanceof GoJSONError) throw new SchemaError('invalid JSON string');
      throw e;
    }
    return parseJSONTextJ(v);
  }
  if (v instanceof RObject || Array.isArray(v)) return toJ(v);
  throw new SchemaError('wrong type, expected string or object');
}

/** An exact decimal `m·10^e`. */
type Dec = readonly [bigint, number];

function dec(n: JNumber): Dec {
  return toDecimal(numOf(n));
}

function align(a: Dec, b: Dec): [bigint, bigint] {
  const e = Math.min(a[1], b[1]);
  return [a[0] * 10n ** BigInt(a[1] - e), b[0] * 10n ** BigInt(b[1] - e)];
}

function cmpDec(a: Dec, b: Dec): number {
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function isIntDec(a: Dec): boolean {
  return a[1] >= 0 || a[0] % 10n ** BigInt(-a[1]) === 0n;
}

/** `big.Float.SetRat(r)` printed with `%v` (shortest `'g'`, exponent when < -4 or >= 6). */
function goBigFloatText(a: Dec): string {
  let [m, e] = a;
  if (m === 0n) return '0';
  const neg = m < 0n;
  if (neg) m = -m;
  while (m % 10n === 0n) {
    m /= 10n;
    e++;
  }
  const digits = m.toString();
  const exp = e + digits.length - 1;
  let out: string;
  if (exp < -4 || exp >= 6) {
    const mant = digits.length > 1 ? digits[0] + '.' + digits.slice(1) : digits;
    out = `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  } else if (e >= 0) out = digits + '0'.repeat(e);
  else if (exp >= 0) out = digits.slice(0, exp + 1) + '.' + digits.slice(exp + 1);
  else out = '0.' + '0'.repeat(-exp - 1) + digits;
  return (neg ? '-' : '') + out;
}

/** gojsonschema's `marshalWithoutNumber`: JSON text after a round trip through float64. */
function marshalFloat(v: J): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return goJSONString(v);
  if (isNum(v)) {
    const f = Number(numberText(numOf(v)));
    if (!Number.isFinite(f)) throw new SchemaError(`json: cannot unmarshal number ${numberText(numOf(v))} into Go value of type float64`);
    return Object.is(f, -0) ? '-0' : String(f);
  }
  if (Array.isArray(v)) return '[' + (v as readonly J[]).map(marshalFloat).join(',') + ']';
  const keys = [...(v as JObject).keys()].sort(compareStrings);
  return '{' + keys.map((k) => goJSONString(k) + ':' + marshalFloat((v as JObject).get(k) as J)).join(',') + '}';
}

function isIntNumber(v: JNumber): boolean {
  return isIntDec(dec(v));
}

/** `mustBeInteger`: an integral JSON number (as Go's `int`), else undefined. */
function mustBeInteger(v: J | undefined): bigint | undefined {
  if (v === undefined || !isNum(v) || v instanceof FloatText || !isIntNumber(v)) return undefined;
  const d = dec(v);
  const i = d[0] * 10n ** BigInt(Math.max(d[1], 0));
  if (i > 9223372036854775807n || i < -9223372036854775808n) return undefined;
  return i;
}

function mustBeNumber(v: J | undefined): Dec | undefined {
  return v !== undefined && isNum(v) ? dec(v) : undefined;
}

// ---------------------------------------------------------------- texts

const JSON_TYPES = ['array', 'boolean', 'integer', 'number', 'null', 'object', 'string'];

const invalidType = (expected: string, given: string): SchemaError =>
  new SchemaError(`Invalid type. Expected: ${expected}, given: ${given}`);
const mustBeOfA = (x: string, y: string): SchemaError => new SchemaError(`${x} must be of a ${y}`);
const mustBeOfAn = (x: string, y: string): SchemaError => new SchemaError(`${x} must be of an ${y}`);
const mustBeOfType = (key: string, type: string): SchemaError => new SchemaError(`${key} must be of type ${type}`);
const mustBeGTEZero = (key: string): SchemaError => new SchemaError(`${key} must be greater than or equal to 0`);
const cannotBeUsedWithout = (x: string, y: string): SchemaError => new SchemaError(`${x} cannot be used without ${y}`);
const itemsMustBeUnique = (key: string): SchemaError => new SchemaError(`${key} items must be unique`);

// ---------------------------------------------------------------- drafts and references

const DRAFT4 = 4;
const DRAFT6 = 6;
const DRAFT7 = 7;
const HYBRID = 2147483647;
const DRAFT_URLS = new Map([
  ['http://json-schema.org/draft-04/schema', DRAFT4],
  ['http://json-schema.org/draft-06/schema', DRAFT6],
  ['http://json-schema.org/draft-07/schema', DRAFT7],
]);

/** A reference as `gojsonreference`'s `String()` writes it (an empty fragment dropped). */
function refText(s: string): string {
  return s.endsWith('#') ? s.slice(0, -1) : s;
}

const hasScheme = (s: string): boolean => /^[A-Za-z][A-Za-z0-9+.-]*:/.test(s);

/** Go's `resolvePath` (`net/url`): the reference's path against the base's, dot segments removed, rooted. */
function resolvePath(base: string, ref: string): string {
  const full = ref === '' ? base : ref.startsWith('/') ? ref : base.slice(0, base.lastIndexOf('/') + 1) + ref;
  if (full === '') return '';
  const out: string[] = [];
  const segs = full.split('/');
  segs.forEach((seg, i) => {
    if (seg === '.') {
      if (i === segs.length - 1) out.push('');
    } else if (seg === '..') {
      if (out.length > 1) out.pop();
      if (i === segs.length - 1) out.push('');
    } else out.push(seg);
  });
  const path = out.join('/').replace(/^\/+/, '');
  return '/' + path;
}

/** `parent.Inherits(child)`: Go's `ResolveReference` of the child against the parent (fragment dropped). */
function inherits(parent: string, child: string): string {
  const base = parent.split('#')[0] as string;
  if (hasScheme(child)) return refText(child);
  if (hasScheme(base)) {
    try {
      return refText(new URL(child, base).href);
    } catch {
      return refText(child);
    }
  }
  if (child.startsWith('#')) return refText(base + child);
  const cut = child.search(/[?#]/);
  const path = cut < 0 ? child : child.slice(0, cut);
  const rest = cut < 0 ? '' : child.slice(cut);
  const basePath = base.split('?')[0] as string;
  return refText((path === '' ? basePath : resolvePath(basePath, path)) + rest);
}

/** `parseSchemaURL`: the draft named by `$schema`, if any. */
function parseSchemaURL(doc: J): number | undefined {
  if (typeof doc === 'boolean') return undefined;
  if (!isObj(doc)) throw new SchemaError('schema is invalid');
  const s = doc.get('$schema');
  if (s === undefined) return undefined;
  if (typeof s !== 'string') throw mustBeOfType('$schema', 'string');
  return DRAFT_URLS.get(refText(s));
}

interface PoolDoc {
  readonly doc: J;
  readonly draft: number | undefined;
}

/** `gojsonpointer`'s `Get`. */
function pointerGet(doc: J, fragment: string): J {
  let text = fragment;
  try {
    text = decodeURIComponent(fragment);
  } catch {
    // Go's url.Parse would have failed earlier; keep the raw text.
  }
  if (text === '' || !text.startsWith('/')) return doc;
  let node = doc;
  for (const token of text.slice(1).split('/')) {
    if (isObj(node)) {
      const key = token.replaceAll('~1', '/').replaceAll('~0', '~');
      const next = node.get(key);
      if (next === undefined) throw new SchemaError(`Object has no key '${key}'`);
      node = next;
    } else if (Array.isArray(node)) {
      if (!/^[+-]?\d+$/.test(token)) throw new SchemaError(`Invalid array index '${token}'`);
      const i = Number(token);
      if (i < 0 || i >= node.length) throw new SchemaError(`Out of bound array[0,${node.length}] index '${i}'`);
      node = (node as readonly J[])[i] as J;
    } else throw new SchemaError(`Invalid token reference '${token}'`);
  }
  return node;
}

/** The schema pool: documents by `$id`, absolute `$ref`s of each schema object. */
class Pool {
  readonly docs = new Map<string, PoolDoc>();
  readonly refs = new WeakMap<JObject, string>();

  /** `parseReferences(doc, "#", true)`. */
  add(doc: J): void {
    const draft = parseSchemaURL(doc);
    this.walk(doc, '', draft);
    this.docs.set('', { doc, draft });
  }

  private walk(doc: J, ref: string, draft: number | undefined): void {
    if (Array.isArray(doc)) {
      for (const v of doc as readonly J[]) this.walk(v, ref, draft);
      return;
    }
    if (!isObj(doc)) return;
    let local = ref;
    const id = doc.get(doc.has('id') ? 'id' : '$id');
    if (typeof id === 'string') {
      local = inherits(ref, id);
      if (this.docs.has(local)) throw new SchemaError(`Reference already exists: "${local}"`);
      this.docs.set(local, { doc, draft });
    }
    const r = doc.get('$ref');
    if (typeof r === 'string') this.refs.set(doc, inherits(local, r));
    for (const [k, v] of [...doc.entries()].sort((a, b) => compareStrings(a[0], b[0]))) {
      if (k === 'const' || k === 'enum') continue;
      if (k === 'properties' || k === 'dependencies' || k === 'patternProperties') {
        if (isObj(v)) for (const [, c] of [...v.entries()].sort((a, b) => compareStrings(a[0], b[0]))) this.walk(c, local, draft);
      } else this.walk(v, local, draft);
    }
  }

  /** `GetDocument`. */
  get(reference: string): PoolDoc {
    const hit = this.docs.get(reference);
    if (hit) return hit;
    const hash = reference.indexOf('#');
    const base = hash < 0 ? reference : reference.slice(0, hash);
    const cached = this.docs.get(base);
    if (cached) {
      const spd = { doc: pointerGet(cached.doc, hash < 0 ? '' : reference.slice(hash + 1)), draft: cached.draft };
      this.docs.set(reference, spd);
      return spd;
    }
    if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]/.test(reference)) throw new SchemaError(`Reference ${reference} must be canonical`);
    throw new SchemaError(`remote reference ${reference} is not fetched by the native engine`);
  }
}

// ---------------------------------------------------------------- compiled schemas

interface Sub {
  draft: number | undefined;
  property: string;
  parent: Sub | undefined;
  ref: string;
  pass?: boolean;
  types: string[];
  refSchema?: Sub;
  items: Sub[];
  itemsSingle: boolean;
  properties: Sub[];
  multipleOf?: Dec;
  maximum?: Dec;
  exclusiveMaximum?: Dec;
  minimum?: Dec;
  exclusiveMinimum?: Dec;
  minLength?: bigint;
  maxLength?: bigint;
  pattern?: { match(s: string): boolean; text: string };
  format: string;
  minProperties?: bigint;
  maxProperties?: bigint;
  required: string[];
  dependencies?: Map<string, string[] | Sub>;
  additionalProperties?: boolean | Sub;
  patternProperties?: [{ match(s: string): boolean }, Sub][];
  propertyNames?: Sub;
  minItems?: bigint;
  maxItems?: bigint;
  uniqueItems: boolean;
  contains?: Sub;
  additionalItems?: boolean | Sub;
  constant?: string;
  enumeration?: string[];
  oneOf: Sub[];
  anyOf: Sub[];
  allOf: Sub[];
  not?: Sub;
  if?: Sub;
  then?: Sub;
  else?: Sub;
}

function newSub(property: string, parent: Sub | undefined, ref: string, draft?: number): Sub {
  return {
    draft,
    property,
    parent,
    ref,
    types: [],
    items: [],
    itemsSingle: false,
    properties: [],
    format: '',
    required: [],
    uniqueItems: false,
    oneOf: [],
    anyOf: [],
    allOf: [],
  };
}

function sortedEntries(m: JObject): [string, J][] {
  return [...m.entries()].sort((a, b) => compareStrings(a[0], b[0]));
}

function goRegex(pattern: string): { match(s: string): boolean } | undefined {
  try {
    const re = compileRegex(pattern).re;
    return { match: (s: string) => re.match(s) };
  } catch {
    return undefined;
  }
}

/** gojsonschema's `SchemaLoader.Compile` with `ValidatePatterns` (the root schema). */
class Compiler {
  readonly pool = new Pool();
  readonly refPool = new Map<string, Sub>();

  compile(doc: J): Sub {
    this.pool.add(doc);
    const root = newSub('(Root)', undefined, '', parseSchemaURL(doc) ?? HYBRID);
    this.parse(doc, root);
    return root;
  }

  private child(doc: J, property: string, parent: Sub): Sub {
    const s = newSub(property, parent, parent.ref);
    this.parse(doc, s);
    return s;
  }

  private getString(m: JObject, key: string): string | undefined {
    const v = m.get(key);
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw invalidType('string', key);
    return v;
  }

  private getSlice(m: JObject, key: string): readonly J[] | undefined {
    const v = m.get(key);
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) throw mustBeOfAn(key, 'array');
    return v as readonly J[];
  }

  private nonNegative(m: JObject, key: string): bigint | undefined {
    const v = m.get(key);
    if (v === undefined) return undefined;
    const i = mustBeInteger(v);
    if (i === undefined) throw mustBeOfAn(key, 'integer');
    if (i < 0n) throw mustBeGTEZero(key);
    return i;
  }

  private exclusive(m: JObject, s: Sub, key: 'exclusiveMinimum' | 'exclusiveMaximum', bound: 'minimum' | 'maximum'): void {
    const v = m.get(key);
    if (v === undefined) return;
    const draft = s.draft as number;
    if (typeof v === 'boolean' && (draft === DRAFT4 || draft === HYBRID)) {
      if (s[bound] === undefined) throw cannotBeUsedWithout(key, bound);
      if (v) {
        s[key] = s[bound];
        delete s[bound];
      }
    } else if (draft === DRAFT4) throw invalidType('boolean', key);
    else if (isNum(v)) s[key] = dec(v);
    else throw invalidType(draft === HYBRID ? 'boolean/number' : 'number', key);
  }

  /** `additionalProperties` / `additionalItems`: a boolean or a schema object. */
  private boolOrSchema(m: JObject, key: string, s: Sub): boolean | Sub | undefined {
    const v = m.get(key);
    if (v === undefined || typeof v === 'boolean') return v;
    if (isObj(v)) return this.child(v, key, s);
    throw invalidType('boolean/Valid Schema', key);
  }

  private schemaOrBool(v: J, key: string, s: Sub, err: () => SchemaError): Sub {
    if (typeof v !== 'boolean' && !isObj(v)) throw err();
    return this.child(v, key, s);
  }

  private parse(doc: J, s: Sub): void {
    if (s.draft === undefined) s.draft = s.parent?.draft;
    const draft = s.draft as number;
    if (draft >= DRAFT6 && typeof doc === 'boolean') {
      s.pass = doc;
      return;
    }
    if (!isObj(doc)) throw new SchemaError('Expected: Valid Schema, given: Invalid JSON');
    const m = doc;

    const keyID = draft === DRAFT4 ? 'id' : draft === HYBRID && m.has('id') ? 'id' : '$id';
    this.getString(m, keyID);

    const defs = m.get('definitions');
    if (defs !== undefined) {
      if (!isObj(defs)) throw invalidType('Array Of Schemas', 'definitions');
      for (const [, dv] of sortedEntries(defs)) {
        if (typeof dv !== 'boolean' && !isObj(dv)) throw invalidType('Array Of Schemas', 'definitions');
        this.parse(dv, newSub('definitions', s, ''));
      }
    }
    this.getString(m, 'title');
    this.getString(m, 'description');

    if (this.getString(m, '$ref') !== undefined) {
      const ref = this.pool.refs.get(m) ?? '';
      s.ref = ref;
      const known = this.refPool.get(ref);
      if (known) s.refSchema = known;
      else {
        this.parseReference(s);
        return;
      }
    }

    const typ = m.get('type');
    if (typ !== undefined) {
      const list = typeof typ === 'string' ? [typ] : Array.isArray(typ) ? (typ as readonly J[]) : undefined;
      if (list === undefined) throw invalidType('type', 'string/Array Of Strings');
      for (const t of list) {
        if (typeof t !== 'string') throw invalidType('type', 'string/Array Of Strings');
        if (!JSON_TYPES.includes(t))
          throw new SchemaError(
            `has a primitive type that is NOT VALID -- given: /${t}/ Expected valid values are:[${JSON_TYPES.join(' ')}]`,
          );
        if (s.types.includes(t)) throw new SchemaError(`${t} type is duplicated`);
        s.types.push(t);
      }
    }

    const props = m.get('properties');
    if (props !== undefined) {
      if (!isObj(props)) throw mustBeOfType('Properties', 'object');
      for (const [k, v] of sortedEntries(props)) {
        const c = newSub(k, s, s.ref);
        s.properties.push(c);
        this.parse(v, c);
      }
    }

    const ap = this.boolOrSchema(m, 'additionalProperties', s);
    if (ap !== undefined) s.additionalProperties = ap;

    const pp = m.get('patternProperties');
    if (pp !== undefined) {
      if (!isObj(pp)) throw invalidType('Valid Schema', 'patternProperties');
      if (pp.size > 0) {
        s.patternProperties = [];
        for (const [k, v] of sortedEntries(pp)) {
          const re = goRegex(k);
          if (re === undefined) throw new SchemaError(`Invalid regex pattern '${k}'`);
          s.patternProperties.push([re, this.child(v, k, s)]);
        }
      }
    }

    const pn = m.get('propertyNames');
    if (pn !== undefined && draft >= DRAFT6)
      s.propertyNames = this.schemaOrBool(pn, 'propertyNames', s, () => invalidType('Valid Schema', 'patternProperties'));

    const deps = m.get('dependencies');
    if (deps !== undefined) {
      if (!isObj(deps)) throw mustBeOfType('dependencies', 'object');
      s.dependencies = new Map();
      const bad = (): SchemaError => mustBeOfType('Dependency', 'Schema Or Array Of Strings');
      for (const [k, v] of sortedEntries(deps)) {
        if (Array.isArray(v)) {
          const names: string[] = [];
          for (const x of v as readonly J[]) {
            if (typeof x !== 'string') throw bad();
            names.push(x);
            s.dependencies.set(k, names);
          }
        } else if (typeof v === 'boolean' || isObj(v)) s.dependencies.set(k, this.child(v, k, s));
        else throw bad();
      }
    }

    const items = m.get('items');
    if (items !== undefined) {
      const bad = (): SchemaError => invalidType('Valid Schema/Array Of Schemas', 'items');
      if (Array.isArray(items)) {
        for (const it of items as readonly J[]) {
          if (typeof it !== 'boolean' && !isObj(it)) throw bad();
          const c = newSub('items', s, s.ref);
          s.items.push(c);
          this.parse(it, c);
          s.itemsSingle = false;
        }
      } else if (typeof items === 'boolean' || isObj(items)) {
        s.items.push(this.child(items, 'items', s));
        s.itemsSingle = true;
      } else throw bad();
    }

    const ai = this.boolOrSchema(m, 'additionalItems', s);
    if (ai !== undefined) s.additionalItems = ai;

    const mo = m.get('multipleOf');
    if (mo !== undefined) {
      const d = mustBeNumber(mo);
      if (d === undefined) throw invalidType('Number', 'multipleOf');
      if (d[0] <= 0n) throw new SchemaError('multipleOf must be strictly greater than 0');
      s.multipleOf = d;
    }
    const min = m.get('minimum');
    if (min !== undefined) {
      const d = mustBeNumber(min);
      if (d === undefined) throw mustBeOfA('minimum', 'Number');
      s.minimum = d;
    }
    this.exclusive(m, s, 'exclusiveMinimum', 'minimum');
    const max = m.get('maximum');
    if (max !== undefined) {
      const d = mustBeNumber(max);
      if (d === undefined) throw mustBeOfA('maximum', 'Number');
      s.maximum = d;
    }
    this.exclusive(m, s, 'exclusiveMaximum', 'maximum');

    const minLength = this.nonNegative(m, 'minLength');
    if (minLength !== undefined) s.minLength = minLength;
    const maxLength = this.nonNegative(m, 'maxLength');
    if (maxLength !== undefined) s.maxLength = maxLength;
    if (s.minLength !== undefined && s.maxLength !== undefined && s.minLength > s.maxLength)
      throw new SchemaError('minLength cannot be greater than maxLength');

    const pattern = this.getString(m, 'pattern');
    if (pattern !== undefined) {
      const re = goRegex(pattern);
      if (re === undefined) throw new SchemaError('pattern must be a valid regex');
      s.pattern = { match: (x: string) => re.match(x), text: pattern };
    }
    const format = this.getString(m, 'format');
    if (format !== undefined) s.format = format;

    const minProperties = this.nonNegative(m, 'minProperties');
    if (minProperties !== undefined) s.minProperties = minProperties;
    const maxProperties = this.nonNegative(m, 'maxProperties');
    if (maxProperties !== undefined) s.maxProperties = maxProperties;
    if (s.minProperties !== undefined && s.maxProperties !== undefined && s.minProperties > s.maxProperties)
      throw new SchemaError('minProperties cannot be greater than maxProperties');

    for (const r of this.getSlice(m, 'required') ?? []) {
      if (typeof r !== 'string') throw invalidType('string', 'required');
      if (s.required.includes(r)) throw itemsMustBeUnique('required');
      s.required.push(r);
    }

    const minItems = this.nonNegative(m, 'minItems');
    if (minItems !== undefined) s.minItems = minItems;
    const maxItems = this.nonNegative(m, 'maxItems');
    if (maxItems !== undefined) s.maxItems = maxItems;

    const unique = m.get('uniqueItems');
    if (unique !== undefined) {
      if (typeof unique !== 'boolean') throw mustBeOfA('uniqueItems', 'boolean');
      s.uniqueItems = unique;
    }

    const contains = m.get('contains');
    if (contains !== undefined && draft >= DRAFT6) s.contains = this.child(contains, 'contains', s);

    const constant = m.get('const');
    if (constant !== undefined && draft >= DRAFT6) s.constant = marshalFloat(constant);

    const enumeration = this.getSlice(m, 'enum');
    if (enumeration !== undefined) {
      s.enumeration = [];
      for (const v of enumeration) {
        const t = marshalFloat(v);
        if (s.enumeration.includes(t)) throw itemsMustBeUnique('enum');
        s.enumeration.push(t);
      }
    }

    for (const v of this.getSlice(m, 'oneOf') ?? []) {
      const c = newSub('oneOf', s, s.ref);
      s.oneOf.push(c);
      this.parse(v, c);
    }
    for (const v of this.getSlice(m, 'anyOf') ?? []) {
      const c = newSub('anyOf', s, s.ref);
      s.anyOf.push(c);
      this.parse(v, c);
    }
    for (const v of this.getSlice(m, 'allOf') ?? []) {
      const c = newSub('allOf', s, s.ref);
      s.allOf.push(c);
      this.parse(v, c);
    }
    const not = m.get('not');
    if (not !== undefined) s.not = this.schemaOrBool(not, 'not', s, () => mustBeOfAn('not', 'object'));

    if (draft >= DRAFT7) {
      for (const key of ['if', 'then', 'else'] as const) {
        const v = m.get(key);
        if (v !== undefined) s[key] = this.schemaOrBool(v, key, s, () => mustBeOfAn(key, 'object'));
      }
    }
  }

  private parseReference(s: Sub): void {
    const target = newSub('$ref', s, s.ref);
    if (!this.refPool.has(s.ref)) this.refPool.set(s.ref, target);
    const spd = this.pool.get(s.ref);
    target.draft = spd.draft;
    if (typeof spd.doc !== 'boolean' && !isObj(spd.doc)) throw mustBeOfType('Valid Schema', 'object');
    this.parse(spd.doc, target);
    s.refSchema = target;
  }
}

// ---------------------------------------------------------------- formats

const rxHostname = /^([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]{0,61}[a-zA-Z0-9])(\.([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]{0,61}[a-zA-Z0-9]))*$/;
const rxUUID = /^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/i;
const rxJSONPointer = /^(?:\/(?:[^~/]|~0|~1)*)*$/u;
const rxRelJSONPointer = /^(?:0|[1-9][0-9]*)(?:#|(?:\/(?:[^~/]|~0|~1)*)*)$/u;
const rxURITemplate = /^([^{]*(\{[^}]*\})?)*$/u;

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Go's `time.Parse` of the layouts gojsonschema uses: `2006-01-02`, `15:04:05`, `15:04:05Z07:00` and RFC 3339. */
function goTime(s: string, date: boolean, time: boolean, zone: 'none' | 'required'): boolean {
  let rest = s;
  if (date) {
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(rest);
    if (!m) return false;
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo)) return false;
    rest = rest.slice(10);
    if (time) {
      if (!rest.startsWith('T')) return false;
      rest = rest.slice(1);
    }
  }
  if (time) {
    const m = /^(\d{2}):(\d{2}):(\d{2})(\.\d+)?/.exec(rest);
    if (!m || Number(m[1]) > 23 || Number(m[2]) > 59 || Number(m[3]) > 59) return false;
    rest = rest.slice(m[0].length);
  }
  if (zone === 'required') {
    if (rest === 'Z') return true;
    const z = /^[+-](\d{2}):(\d{2})$/.exec(rest);
    return z !== null && Number(z[1]) <= 24 && Number(z[2]) <= 59;
  }
  return rest === '';
}

/** A rough `url.Parse`: a scheme (if any) is well formed, escapes are valid, no control characters. */
function goURL(s: string): { scheme: string } | undefined {
  for (const ch of s) if (ch.charCodeAt(0) < 0x20 || ch === '\x7f') return undefined;
  if (/%(?![0-9a-fA-F]{2})/.test(s)) return undefined;
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(s);
  if (m) return { scheme: m[1] as string };
  if (/^[^/?#]*:/.test(s)) return undefined;
  return { scheme: '' };
}

function isFormat(format: string, v: J): boolean {
  if (typeof v !== 'string') return true;
  switch (format) {
    case 'date':
      return goTime(v, true, false, 'none');
    case 'time':
      return goTime(v, false, true, 'required') || goTime(v, false, true, 'none');
    case 'date-time':
      return (
        goTime(v, false, true, 'none') ||
        goTime(v, false, true, 'required') ||
        goTime(v, true, false, 'none') ||
        goTime(v, true, true, 'required')
      );
    case 'hostname':
      return rxHostname.test(v) && v.length < 256;
    case 'email':
    case 'idn-email':
      return /^[^@\s<>()[\]\\,;:"]+@[^@\s<>()[\]\\,;:"]+$/.test(v);
    case 'ipv4':
      return parseAddr(v) !== undefined && v.includes('.');
    case 'ipv6':
      return parseAddr(v) !== undefined && v.includes(':');
    case 'uri':
    case 'iri': {
      const u = goURL(v);
      return u !== undefined && u.scheme !== '' && !v.includes('\\');
    }
    case 'uri-reference':
    case 'iri-reference':
      return goURL(v) !== undefined && !v.includes('\\');
    case 'uri-template': {
      if (goURL(v) === undefined || v.includes('\\')) return false;
      const path = v.replace(/^[A-Za-z][A-Za-z0-9+.-]*:(\/\/[^/?#]*)?/, '').replace(/[?#].*$/, '');
      return rxURITemplate.test(path);
    }
    case 'uuid':
      return rxUUID.test(v);
    case 'regex':
      return v === '' || goRegex(v) !== undefined;
    case 'json-pointer':
      return rxJSONPointer.test(v);
    case 'relative-json-pointer':
      return rxRelJSONPointer.test(v);
    default:
      return true;
  }
}

// ---------------------------------------------------------------- validation

/** A JSON path as gojsonschema's `JSONContext`: `(Root).a.0.b`. */
interface Ctx {
  readonly head: string;
  readonly tail: Ctx | undefined;
}

function ctxText(c: Ctx): string {
  return c.tail ? ctxText(c.tail) + '.' + c.head : c.head;
}

interface ResultError {
  readonly type: string;
  readonly field: string;
  readonly desc: string;
}

class Result {
  errors: ResultError[] = [];
  score = 0;
  get valid(): boolean {
    return this.errors.length === 0;
  }
  add(type: string, ctx: Ctx, desc: (field: string) => string): void {
    const text = ctxText(ctx);
    const field = text.startsWith('(Root).') ? text.slice('(Root).'.length) : text;
    this.errors.push({ type, field, desc: desc(field) });
    this.score -= 2;
  }
  merge(o: Result): void {
    this.errors.push(...o.errors);
    this.score += o.score;
  }
}

function typesText(t: readonly string[]): string {
  return t.length > 1 ? `[${t.join(',')}]` : (t[0] ?? 'Undefined');
}

function sub(s: Sub, node: J, ctx: Ctx): Result {
  const r = new Result();
  validate(s, node, r, ctx);
  return r;
}

function validate(s: Sub, node: J, r: Result, ctx: Ctx): void {
  if (s.pass !== undefined) {
    if (!s.pass) r.add('false', ctx, () => 'False always fails validation');
    return;
  }
  if (s.refSchema) {
    validate(s.refSchema, node, r, ctx);
    return;
  }
  const typed = s.types.length > 0;
  const wrongType = (given: string): boolean => {
    r.add('invalid_type', ctx, () => `Invalid type. Expected: ${typesText(s.types)}, given: ${given}`);
    return true;
  };
  if (node === null) {
    if (typed && !s.types.includes('null') && wrongType('null')) return;
    validateSchema(s, node, r, ctx);
    validateCommon(s, node, r, ctx);
  } else if (isNum(node)) {
    const isInt = isIntNumber(node);
    const ok = s.types.includes('number') || (isInt && s.types.includes('integer'));
    if (typed && !ok && wrongType(isInt ? 'integer' : 'number')) return;
    validateSchema(s, node, r, ctx);
    validateNumber(s, node, r, ctx);
    validateCommon(s, node, r, ctx);
  } else if (Array.isArray(node)) {
    if (typed && !s.types.includes('array') && wrongType('array')) return;
    validateSchema(s, node, r, ctx);
    validateArray(s, node as readonly J[], r, ctx);
    validateCommon(s, node, r, ctx);
  } else if (isObj(node)) {
    if (typed && !s.types.includes('object') && wrongType('object')) return;
    validateSchema(s, node, r, ctx);
    validateObject(s, node, r, ctx);
    validateCommon(s, node, r, ctx);
    for (const p of s.properties) {
      const next = node.get(p.property);
      if (next !== undefined) validate(p, next, r, { head: p.property, tail: ctx });
    }
  } else if (typeof node === 'boolean') {
    if (typed && !s.types.includes('boolean') && wrongType('boolean')) return;
    validateSchema(s, node, r, ctx);
    validateCommon(s, node, r, ctx);
  } else {
    if (typed && !s.types.includes('string') && wrongType('string')) return;
    validateSchema(s, node, r, ctx);
    validateCommon(s, node, r, ctx);
    validateString(s, node as string, r, ctx);
  }
  r.score++;
}

function validateSchema(s: Sub, node: J, r: Result, ctx: Ctx): void {
  if (s.anyOf.length > 0) {
    let ok = false;
    let best: Result | undefined;
    for (const a of s.anyOf) {
      if (ok) break;
      const res = sub(a, node, ctx);
      ok = res.valid;
      if (!ok && (best === undefined || res.score > best.score)) best = res;
    }
    if (!ok) {
      r.add('number_any_of', ctx, () => 'Must validate at least one schema (anyOf)');
      if (best) r.merge(best);
    }
  }
  if (s.oneOf.length > 0) {
    let n = 0;
    let best: Result | undefined;
    for (const o of s.oneOf) {
      const res = sub(o, node, ctx);
      if (res.valid) n++;
      else if (n === 0 && (best === undefined || res.score > best.score)) best = res;
    }
    if (n !== 1) {
      r.add('number_one_of', ctx, () => 'Must validate one and only one schema (oneOf)');
      if (n === 0 && best) r.merge(best);
    }
  }
  if (s.allOf.length > 0) {
    let n = 0;
    for (const a of s.allOf) {
      const res = sub(a, node, ctx);
      if (res.valid) n++;
      r.merge(res);
    }
    if (n !== s.allOf.length) r.add('number_all_of', ctx, () => 'Must validate all the schemas (allOf)');
  }
  if (s.not && sub(s.not, node, ctx).valid) r.add('number_not', ctx, () => 'Must not validate the schema (not)');
  if (s.dependencies && s.dependencies.size > 0 && isObj(node)) {
    for (const key of [...node.keys()].sort(compareStrings)) {
      const dep = s.dependencies.get(key);
      if (dep === undefined) continue;
      if (Array.isArray(dep)) {
        for (const on of dep) if (!node.has(on)) r.add('missing_dependency', ctx, () => `Has a dependency on ${on}`);
      } else validate(dep, node, r, ctx);
    }
  }
  if (s.if) {
    const cond = sub(s.if, node, ctx).valid;
    if (s.then && cond) {
      const res = sub(s.then, node, ctx);
      if (!res.valid) {
        r.add('condition_then', ctx, () => 'Must validate "then" as "if" was valid');
        r.merge(res);
      }
    }
    if (s.else && !cond) {
      const res = sub(s.else, node, ctx);
      if (!res.valid) {
        r.add('condition_else', ctx, () => 'Must validate "else" as "if" was not valid');
        r.merge(res);
      }
    }
  }
  r.score++;
}

function validateCommon(s: Sub, node: J, r: Result, ctx: Ctx): void {
  if (s.constant !== undefined) {
    const allowed = s.constant;
    if (marshalFloat(node) !== allowed) r.add('const', ctx, (field) => `${field} does not match: ${allowed}`);
  }
  if (s.enumeration !== undefined) {
    const allowed = s.enumeration;
    if (!allowed.includes(marshalFloat(node)))
      r.add('enum', ctx, (field) => `${field} must be one of the following: ${allowed.join(', ')}`);
  }
  if (s.format !== '' && !isFormat(s.format, node)) {
    const format = s.format;
    r.add('format', ctx, () => `Does not match format '${format}'`);
  }
  r.score++;
}

function validateArray(s: Sub, node: readonly J[], r: Result, ctx: Ctx): void {
  const n = node.length;
  const count = BigInt(n);
  const at = (i: number): Ctx => ({ head: String(i), tail: ctx });
  if (s.itemsSingle) {
    node.forEach((x, i) => r.merge(sub(s.items[0] as Sub, x, at(i))));
  } else if (s.items.length > 0) {
    const k = s.items.length;
    for (let i = 0; i < k && i < n; i++) r.merge(sub(s.items[i] as Sub, node[i] as J, at(i)));
    if (k < n) {
      const extra = s.additionalItems;
      if (extra === false) r.add('array_no_additional_items', ctx, () => 'No additional items allowed on array');
      else if (extra !== undefined && extra !== true) for (let i = k; i < n; i++) r.merge(sub(extra, node[i] as J, at(i)));
    }
  }
  if (s.minItems !== undefined && count < s.minItems) {
    const min = s.minItems;
    r.add('array_min_items', ctx, () => `Array must have at least ${min} items`);
  }
  if (s.maxItems !== undefined && count > s.maxItems) {
    const max = s.maxItems;
    r.add('array_max_items', ctx, () => `Array must have at most ${max} items`);
  }
  if (s.uniqueItems) {
    const seen = new Map<string, number>();
    node.forEach((x, j) => {
      const t = marshalFloat(x);
      const i = seen.get(t);
      if (i !== undefined) r.add('unique', ctx, () => `array items[${i},${j}] must be unique`);
      seen.set(t, j);
    });
  }
  if (s.contains) {
    let one = false;
    let best: Result | undefined;
    for (let i = 0; i < n; i++) {
      const res = sub(s.contains, node[i] as J, at(i));
      if (res.valid) {
        one = true;
        break;
      }
      if (best === undefined || res.score > best.score) best = res;
    }
    if (!one) {
      r.add('contains', ctx, () => 'At least one of the items must match');
      if (best) r.merge(best);
    }
  }
  r.score++;
}

function validateObject(s: Sub, node: JObject, r: Result, ctx: Ctx): void {
  if (s.minProperties !== undefined && BigInt(node.size) < s.minProperties) {
    const min = s.minProperties;
    r.add('array_min_properties', ctx, () => `Must have at least ${min} properties`);
  }
  if (s.maxProperties !== undefined && BigInt(node.size) > s.maxProperties) {
    const max = s.maxProperties;
    r.add('array_max_properties', ctx, () => `Must have at most ${max} properties`);
  }
  for (const req of s.required) {
    if (node.has(req)) r.score++;
    else r.add('required', ctx, () => `${req} is required`);
  }
  const keys = [...node.keys()].sort(compareStrings);
  for (const k of keys) {
    const found = s.properties.some((p) => p.property === k);
    let pp = false;
    for (const [re, ps] of s.patternProperties ?? []) {
      if (re.match(k)) {
        pp = true;
        r.merge(sub(ps, node.get(k) as J, { head: k, tail: ctx }));
      }
    }
    if (pp) r.score++;
    if (!found && !pp) {
      const ap = s.additionalProperties;
      if (ap === false) r.add('additional_property_not_allowed', ctx, () => `Additional property ${k} is not allowed`);
      else if (ap !== undefined && ap !== true) r.merge(sub(ap, node.get(k) as J, { head: k, tail: ctx }));
    }
  }
  if (s.propertyNames) {
    for (const k of keys) {
      const res = sub(s.propertyNames, k, ctx);
      if (!res.valid) {
        r.add('invalid_property_name', ctx, () => `Property name of "${k}" does not match`);
        r.merge(res);
      }
    }
  }
  r.score++;
}

function validateString(s: Sub, node: string, r: Result, ctx: Ctx): void {
  const len = BigInt([...node].length);
  if (s.minLength !== undefined && len < s.minLength) {
    const min = s.minLength;
    r.add('string_gte', ctx, () => `String length must be greater than or equal to ${min}`);
  }
  if (s.maxLength !== undefined && len > s.maxLength) {
    const max = s.maxLength;
    r.add('string_lte', ctx, () => `String length must be less than or equal to ${max}`);
  }
  if (s.pattern && !s.pattern.match(node)) {
    const p = s.pattern.text;
    r.add('pattern', ctx, () => `Does not match pattern '${p}'`);
  }
  r.score++;
}

function validateNumber(s: Sub, node: JNumber, r: Result, ctx: Ctx): void {
  const v = dec(node);
  if (s.multipleOf) {
    const [a, b] = align(v, s.multipleOf);
    const m = goBigFloatText(s.multipleOf);
    if (a % b !== 0n) r.add('multiple_of', ctx, () => `Must be a multiple of ${m}`);
  }
  if (s.maximum && cmpDec(v, s.maximum) === 1) {
    const t = goBigFloatText(s.maximum);
    r.add('number_lte', ctx, () => `Must be less than or equal to ${t}`);
  }
  if (s.exclusiveMaximum && cmpDec(v, s.exclusiveMaximum) >= 0) {
    const t = goBigFloatText(s.exclusiveMaximum);
    r.add('number_lt', ctx, () => `Must be less than ${t}`);
  }
  if (s.minimum && cmpDec(v, s.minimum) === -1) {
    const t = goBigFloatText(s.minimum);
    r.add('number_gte', ctx, () => `Must be greater than or equal to ${t}`);
  }
  if (s.exclusiveMinimum && cmpDec(v, s.exclusiveMinimum) <= 0) {
    const t = goBigFloatText(s.exclusiveMinimum);
    r.add('number_gt', ctx, () => `Must be greater than ${t}`);
  }
  r.score++;
}

// ---------------------------------------------------------------- built-ins

function compileSchema(v: Value): Sub {
  return new Compiler().compile(load(v));
}

function verifySchema(args: Value[]): Value {
  try {
    compileSchema(args[0] as Value);
    return [true, null];
  } catch (e) {
    if (e instanceof SchemaError) return [false, `jsonschema: ${e.message}`];
    throw e;
  }
}

function matchSchema(args: Value[]): Value {
  const name = 'json.match_schema';
  let doc: J;
  let schema: Sub;
  try {
    doc = load(args[0] as Value);
    schema = compileSchema(args[1] as Value);
  } catch (e) {
    if (e instanceof SchemaError) throw fail(name, e.message);
    throw e;
  }
  const r = new Result();
  try {
    validate(schema, doc, r, { head: '(Root)', tail: undefined });
  } catch (e) {
    if (e instanceof SchemaError) throw fail(name, e.message);
    throw e;
  }
  const errors: Value[] = r.errors.map(
    (e) =>
      new RObject([
        ['error', `${e.field}: ${e.desc}`],
        ['type', e.type],
        ['field', e.field],
        ['desc', e.desc],
      ]),
  );
  return [r.valid, errors];
}

export const builtins: BuiltinDef[] = [
  { name: 'json.verify_schema', arity: 1, fn: verifySchema },
  { name: 'json.match_schema', arity: 2, fn: matchSchema },
];
