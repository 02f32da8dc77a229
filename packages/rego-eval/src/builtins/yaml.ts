/**
 * OPA's `yaml.marshal`, `yaml.unmarshal` and `yaml.is_valid` (`topdown/encoding.go` over
 * `internal/yaml`, go.yaml.in/yaml/v3) on the `yaml` package (YAML 1.2, as OPA ≥ 1.21 reads it):
 * every document of the text must parse and the first is the value, duplicate keys keep the last
 * value, `<<` merge keys merge, timestamps stay strings, non-string keys become their text.
 * `yaml.marshal` writes go-yaml's layout: 2-space indent with indented sequences, sorted keys,
 * strings that would read back as another type (YAML 1.1 rules: `yes`, `on`, `1.0`, `~`, dates)
 * double-quoted, strings quoted for their syntax single-quoted, multi-line strings as `|-` blocks.
 * Errors read `yaml: line N: <reason>` (go-yaml's wording for unclosed flow collections; other
 * reasons are the `yaml` package's own words).
 */
import { Document, isScalar, parseAllDocuments, visit, type ErrorCode, type ScalarTag, type YAMLError } from 'yaml';
import { RObject, fromBigInt, goIsPrint, type Value } from '@policy-engine/rego-value';
import { goMarshal } from './gojson.js';
import { argString, type BuiltinDef } from './registry.js';
import { fail } from './util.js';

class YAMLTextError extends Error {}

/** go-yaml's words for the `yaml` package's error codes where they are known to differ. */
function goReason(e: YAMLError): string {
  const code: ErrorCode = e.code;
  if (code === 'MISSING_CHAR' && /flow sequence/i.test(e.message)) return "did not find expected ',' or ']'";
  if (code === 'MISSING_CHAR' && /flow map/i.test(e.message)) return "did not find expected ',' or '}'";
  if (code === 'TAB_AS_INDENT') return 'found character that cannot start any token';
  return e.message.split('\n')[0] ?? e.message;
}

/** A JS value of the `yaml` package's `toJS` as a Rego value (go-yaml's `keyString` for keys). */
function fromYAML(x: unknown): Value {
  if (x === null || x === undefined) return null;
  if (typeof x === 'bigint') return fromBigInt(x);
  if (typeof x === 'number') {
    if (!Number.isFinite(x)) throw new YAMLTextError(`json: unsupported value: ${x > 0 ? '+Inf' : x < 0 ? '-Inf' : 'NaN'}`);
    return x;
  }
  if (typeof x === 'string' || typeof x === 'boolean') return x;
  if (Array.isArray(x)) return x.map(fromYAML);
  if (x instanceof Map) {
    const entries: [Value, Value][] = [];
    for (const [k, v] of x as Map<unknown, unknown>) entries.push([keyText(k), fromYAML(v)]);
    return new RObject(entries);
  }
  if (x instanceof Set) return [...(x as Set<unknown>)].map(fromYAML);
  if (typeof x === 'object') return new RObject(Object.entries(x as Record<string, unknown>).map(([k, v]) => [k, fromYAML(v)]));
  return null;
}

function keyText(k: unknown): string {
  if (typeof k === 'string') return k;
  if (typeof k === 'number' || typeof k === 'bigint' || typeof k === 'boolean') return String(k);
  if (k === null) return 'null';
  throw new YAMLTextError(`unsupported map key of type: ${typeof k}`);
}

/** go-yaml's `YAMLToJSON` as a Rego value: every document must parse, the first is the value. */
function yamlValue(text: string): Value {
  const docs = parseAllDocuments(text, { version: '1.2', merge: true, uniqueKeys: false, intAsBigInt: true, prettyErrors: true });
  const list = [...docs];
  for (const d of list) {
    const e = d.errors[0];
    if (e) throw new YAMLTextError(`yaml: line ${e.linePos?.[0].line ?? 1}: ${goReason(e)}`);
  }
  const first = list[0];
  if (first === undefined || first.contents === null) return null;
  return fromYAML(first.toJS({ mapAsMap: true, maxAliasCount: 10_000 }));
}

/** The plain-scalar tests of YAML 1.1's types other than strings (the `yaml` package's 1.1 schema). */
const yaml11Tests: readonly { readonly tag: string; readonly test: RegExp }[] = (() => {
  const tags = new Document(null, { version: '1.1' }).schema.tags;
  const out: { tag: string; test: RegExp }[] = [];
  for (const t of tags) {
    if (typeof t === 'object' && t.default === true && t.tag !== 'tag:yaml.org,2002:str' && t.test instanceof RegExp)
      out.push({ tag: t.tag, test: t.test });
  }
  return out;
})();

/**
 * Would go-yaml (`resolve`: YAML 1.1 types, old booleans such as `yes`/`on`/`y`, base-60 numbers)
 * read the text as a plain scalar of another type than string? Then it double-quotes it.
 */
function resolvesToNonString(s: string): boolean {
  if (/^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/.test(s)) return true; // base 60
  return yaml11Tests.some(({ tag, test }) => test.test(s) && (!/:(?:int|float)$/.test(tag) || /[0-9]|inf|nan/i.test(s)));
}

/** A float64 as go-yaml writes it: `strconv.FormatFloat(f, 'g', -1, 64)`, `.inf`, `-.inf`, `.nan`. */
function goYAMLFloat(f: number): string {
  if (Number.isNaN(f)) return '.nan';
  if (!Number.isFinite(f)) return f > 0 ? '.inf' : '-.inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const [mant = '', e = '0'] = f.toExponential().split('e');
  const exp = Number(e);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  let out: string;
  if (exp < -4 || exp >= 6) {
    const m = digits.length > 1 ? digits[0] + '.' + digits.slice(1) : digits;
    out = `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  } else if (exp < 0) out = '0.' + '0'.repeat(-exp - 1) + digits;
  else
    out = digits.length > exp + 1 ? digits.slice(0, exp + 1) + '.' + digits.slice(exp + 1) : digits + '0'.repeat(exp + 1 - digits.length);
  return (neg ? '-' : '') + out;
}

/** A float64 scalar, written with Go's text. */
class YAMLFloat {
  constructor(readonly text: string) {}
}

const floatTag: ScalarTag = {
  identify: (v: unknown) => v instanceof YAMLFloat,
  tag: 'tag:yaml.org,2002:float',
  default: true,
  resolve: (text: string) => new YAMLFloat(text),
  stringify: (item) => (item.value as YAMLFloat).text,
};

const isLetter = (c: string): boolean => /\p{L}/u.test(c);
const isDigit = (c: string): boolean => /\p{Nd}/u.test(c);

/** go-yaml's `keyList.Less` for string keys: letters before other characters, runs of digits by value. */
function goKeyLess(a: string, b: string): boolean {
  const ar = Array.from(a);
  const br = Array.from(b);
  let digits = false;
  for (let i = 0; i < ar.length && i < br.length; i++) {
    const x = ar[i] as string;
    const y = br[i] as string;
    if (x === y) {
      digits = isDigit(x);
      continue;
    }
    const al = isLetter(x);
    const bl = isLetter(y);
    if (al && bl) return (x.codePointAt(0) as number) < (y.codePointAt(0) as number);
    if (al || bl) return digits ? al : bl;
    let an = 0n;
    let bn = 0n;
    if (x === '0' || y === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j] as string); j--) {
        if (ar[j] !== '0') {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < ar.length && isDigit(ar[ai] as string); ai++) an = an * 10n + BigInt((ar[ai] as string).charCodeAt(0) - 48);
    for (; bi < br.length && isDigit(br[bi] as string); bi++) bn = bn * 10n + BigInt((br[bi] as string).charCodeAt(0) - 48);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return (x.codePointAt(0) as number) < (y.codePointAt(0) as number);
  }
  return ar.length < br.length;
}

/** The value go-yaml reads from OPA's JSON text, as the JS the `yaml` package writes (keys in go-yaml's order). */
function toYAMLNode(x: unknown): unknown {
  if (typeof x === 'number') return Number.isInteger(x) && Math.abs(x) < 2 ** 63 && !Object.is(x, -0) ? x : new YAMLFloat(goYAMLFloat(x));
  if (Array.isArray(x)) return x.map(toYAMLNode);
  if (x instanceof Map) {
    const keys = [...(x as Map<string, unknown>).keys()].sort((a, b) => (goKeyLess(a, b) ? -1 : goKeyLess(b, a) ? 1 : 0));
    return new Map(keys.map((k) => [k, toYAMLNode((x as Map<string, unknown>).get(k))]));
  }
  return x;
}

/** Whether the `yaml` package would quote the text as a plain scalar (a syntax reason; type reasons are checked first). */
function needsQuotes(s: string, key: boolean): boolean {
  const doc = new Document(key ? new Map([[s, null]]) : s, { version: '1.2' });
  return /^["']/.test(doc.toString({ lineWidth: 0 }));
}

const printable = (s: string): boolean => Array.from(s).every((c) => goIsPrint(c.codePointAt(0) as number) || c === ' ');

function yamlMarshal(v: Value): string {
  // OPA marshals to JSON first (sets become arrays, keys strings), go-yaml reads that, then writes YAML.
  const docs = parseAllDocuments(goMarshal(v), { version: '1.2', intAsBigInt: true });
  const first = [...docs][0];
  const js: unknown = first ? first.toJS({ mapAsMap: true }) : null;
  const doc = new Document(toYAMLNode(js), { version: '1.2', customTags: [floatTag] });
  visit(doc, {
    Pair(_key, pair) {
      for (const [node, key] of [
        [pair.key, true],
        [pair.value, false],
      ] as const) {
        if (isScalar(node) && typeof node.value === 'string') style(node, node.value, key);
      }
    },
    Seq(_key, seq) {
      for (const node of seq.items) if (isScalar(node) && typeof node.value === 'string') style(node, node.value, false);
    },
  });
  if (isScalar(doc.contents) && typeof doc.contents.value === 'string') style(doc.contents, doc.contents.value, false);
  const out = doc.toString({ indent: 2, indentSeq: true, lineWidth: 0, minContentWidth: 0 });
  // go-yaml indents a top-level block scalar's lines by 2.
  if (typeof js === 'string' && /^[|>]/.test(out)) return out.replace(/\n(?=.)/g, '\n  ');
  return out;
}

/** go-yaml's scalar style: double quotes for a text that reads as another type, single quotes for syntax. */
function style(node: { type?: string | undefined }, s: string, key: boolean): void {
  if (s.includes('\n')) return;
  if (resolvesToNonString(s)) node.type = 'QUOTE_DOUBLE';
  else if (needsQuotes(s, key)) node.type = printable(s) ? 'QUOTE_SINGLE' : 'QUOTE_DOUBLE';
}

/** The `yaml.*` built-ins. */
export const builtins: BuiltinDef[] = [
  {
    name: 'yaml.marshal',
    arity: 1,
    fn: ([v]) => {
      try {
        return yamlMarshal(v as Value);
      } catch (e) {
        if (e instanceof YAMLTextError) throw fail('yaml.marshal', e.message);
        throw e;
      }
    },
  },
  {
    name: 'yaml.unmarshal',
    arity: 1,
    fn: (args) => {
      try {
        return yamlValue(argString('yaml.unmarshal', args, 0));
      } catch (e) {
        if (e instanceof YAMLTextError) throw fail('yaml.unmarshal', e.message);
        throw e;
      }
    },
  },
  {
    name: 'yaml.is_valid',
    arity: 1,
    fn: ([v]) => {
      if (typeof v !== 'string') return false;
      try {
        yamlValue(v);
        return true;
      } catch (e) {
        if (e instanceof YAMLTextError) return false;
        throw e;
      }
    },
  },
];
