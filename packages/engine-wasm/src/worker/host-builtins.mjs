// Host implementations of OPA built-ins that opa-wasm's JS SDK leaves to the caller, plus a
// Go-compatible `sprintf` (the SDK's uses sprintf-js, which does not know Go's %v / %q and
// formats composite values differently from OPA). Plain JavaScript because it runs inside
// the evaluation worker thread, which loads it without a TypeScript loader.
import { createHash } from 'node:crypto';
import { RegoObject, RegoSet } from './rego-value.mjs';

/** Go's strconv.Quote, close enough for policy messages. */
function goQuote(s) {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0);
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c === 7) out += '\\a';
    else if (c === 8) out += '\\b';
    else if (c === 12) out += '\\f';
    else if (c === 11) out += '\\v';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + '"';
}

/** Go's %v of a float64 (strconv 'g' with shortest precision, exponent below 1e-4 and from 1e21). */
function goFloat(n) {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e21)) {
    return n.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  }
  return String(n);
}

/**
 * OPA's text form of a term (ast.Term.String): strings quoted, sets as `{a, b}` (or
 * `set()`), objects with sorted keys. Takes parsed Rego values (RegoSet / RegoObject,
 * already sorted) and plain JSON values alike.
 */
function termString(v) {
  if (v === null) return 'null';
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : goFloat(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return '[' + v.map(termString).join(', ') + ']';
  if (v instanceof RegoSet) return v.items.length === 0 ? 'set()' : '{' + v.items.map(termString).join(', ') + '}';
  if (v instanceof RegoObject) return '{' + v.entries.map(([k, x]) => termString(k) + ': ' + termString(x)).join(', ') + '}';
  const keys = Object.keys(v).sort();
  return '{' + keys.map((k) => goQuote(k) + ': ' + termString(v[k])).join(', ') + '}';
}

/** How OPA hands an argument to Go's fmt: string, int, float64, or the term's text (booleans too). */
function goArg(v) {
  if (typeof v === 'string') return { kind: 'string', v };
  if (typeof v === 'number') return Number.isInteger(v) ? { kind: 'int64', v } : { kind: 'float64', v };
  return { kind: 'string', v: termString(v) };
}

function pad(s, width, flags) {
  if (width === undefined || s.length >= width) return s;
  if (flags.includes('-')) return s + ' '.repeat(width - s.length);
  if (flags.includes('0') && /^[+-]?[0-9.]/.test(s)) {
    const sign = /^[+-]/.test(s) ? s[0] : '';
    return sign + '0'.repeat(width - s.length) + s.slice(sign.length);
  }
  return ' '.repeat(width - s.length) + s;
}

function bad(verb, a) {
  return `%!${verb}(${a.kind}=${a.kind === 'float64' ? goFloat(a.v) : a.v})`;
}

function formatOne(verb, flags, prec, a) {
  const plus = flags.includes('+');
  const signed = (s, n) => (plus && n >= 0 ? '+' + s : s);
  switch (verb) {
    case 'v':
      return a.kind === 'float64' ? goFloat(a.v) : String(a.v);
    case 's':
      return a.kind === 'string' ? (prec !== undefined ? a.v.slice(0, prec) : a.v) : bad(verb, a);
    case 'q':
      return a.kind === 'string' ? goQuote(a.v) : bad(verb, a);
    case 'd':
      return a.kind === 'int64' ? signed(String(a.v), a.v) : bad(verb, a);
    case 'f':
    case 'F':
      return a.kind === 'int64' || a.kind === 'float64' ? signed(a.v.toFixed(prec ?? 6), a.v) : bad(verb, a);
    case 'e':
      return a.kind === 'int64' || a.kind === 'float64'
        ? signed(a.v.toExponential(prec ?? 6).replace(/e([+-])(\d)$/, 'e$10$2'), a.v)
        : bad(verb, a);
    case 'x':
    case 'X': {
      let s;
      if (a.kind === 'int64') s = (a.v < 0 ? '-' : '') + Math.abs(a.v).toString(16);
      else if (a.kind === 'string') s = Buffer.from(a.v, 'utf8').toString('hex');
      else return bad(verb, a);
      return verb === 'X' ? s.toUpperCase() : s;
    }
    case 'o':
      return a.kind === 'int64' ? a.v.toString(8) : bad(verb, a);
    case 'b':
      return a.kind === 'int64' ? a.v.toString(2) : bad(verb, a);
    default:
      return `%!${verb}(${a.kind}=${a.v})`;
  }
}

/**
 * OPA's `sprintf(format, values)` with Go fmt semantics for the common verbs. Takes parsed
 * Rego values (so a set prints as OPA prints it); JSON values work too.
 */
export function goSprintf(format, values) {
  if (typeof format !== 'string') return undefined;
  const args = Array.isArray(values) ? values.map(goArg) : [];
  let next = 0;
  let out = '';
  const re = /%([-+# 0]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])/g;
  let last = 0;
  for (let m = re.exec(format); m; m = re.exec(format)) {
    out += format.slice(last, m.index);
    last = re.lastIndex;
    const [, flags = '', w, p, verb] = m;
    if (verb === '%') {
      out += '%';
      continue;
    }
    const a = args[next++];
    if (a === undefined) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    out += pad(formatOne(verb, flags, p === undefined ? undefined : Number(p), a), w === undefined ? undefined : Number(w), flags);
  }
  out += format.slice(last);
  if (next < args.length) {
    out +=
      '%!(EXTRA ' +
      args
        .slice(next)
        .map((a) => `${a.kind}=${a.kind === 'float64' ? goFloat(a.v) : a.v}`)
        .join(', ') +
      ')';
  }
  return out;
}

const hash = (alg) => (s) => (typeof s === 'string' ? createHash(alg).update(s, 'utf8').digest('hex') : undefined);
const asList = (v) => (typeof v === 'string' ? [v] : Array.isArray(v) ? v : []);

/** Go's url.QueryEscape. */
function queryEscape(s) {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const ch = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(ch)) out += ch;
    else if (ch === ' ') out += '+';
    else out += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

// SemVer 2.0.0 as OPA checks it: an optional `v`, no leading zeros, int64 major/minor/patch.
const IDENT = '(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)';
const SEMVER = new RegExp(
  `^v?(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-(${IDENT}(?:\\.${IDENT})*))?(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$`,
);
const INT64_MAX = 9223372036854775807n;

function parseSemver(v) {
  if (typeof v !== 'string') return undefined;
  const m = SEMVER.exec(v);
  if (!m) return undefined;
  const core = [BigInt(m[1]), BigInt(m[2]), BigInt(m[3])];
  if (core.some((n) => n > INT64_MAX)) return undefined;
  return { core, pre: m[4] === undefined ? [] : m[4].split('.') };
}

function compareIdent(a, b) {
  const na = /^\d+$/.test(a);
  const nb = /^\d+$/.test(b);
  if (na && nb) return BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0;
  if (na !== nb) return na ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** semver.compare: -1, 0 or 1 (build metadata ignored); undefined (OPA: error) for an invalid version. */
function semverCompare(a, b) {
  const x = parseSemver(a);
  const y = parseSemver(b);
  if (!x || !y) return undefined;
  for (let i = 0; i < 3; i++) if (x.core[i] !== y.core[i]) return x.core[i] < y.core[i] ? -1 : 1;
  if (x.pre.length === 0 || y.pre.length === 0) return x.pre.length === y.pre.length ? 0 : x.pre.length === 0 ? 1 : -1;
  for (let i = 0; i < Math.min(x.pre.length, y.pre.length); i++) {
    const c = compareIdent(x.pre[i], y.pre[i]);
    if (c !== 0) return c;
  }
  return Math.sign(x.pre.length - y.pre.length);
}

// OPA reads the clock once per query: every time.now_ns() of one evaluation gives the same value.
let evaluationStartNs;

/** Marks the start of an evaluation (called by the worker before each one). */
export function startEvaluation() {
  evaluationStartNs = undefined;
}

/** Built-ins that take parsed Rego values (sets stay sets). */
export const rawHostBuiltins = {
  sprintf: goSprintf,
};

/** Built-ins this engine supplies (name → implementation on JSON values; sets arrive as sorted arrays). */
export const hostBuiltins = {
  'time.now_ns': () => (evaluationStartNs ??= Date.now() * 1e6),
  'crypto.sha256': hash('sha256'),
  'crypto.sha1': hash('sha1'),
  'crypto.md5': hash('md5'),
  'hex.encode': (s) => (typeof s === 'string' ? Buffer.from(s, 'utf8').toString('hex') : undefined),
  'hex.decode': (s) => (typeof s === 'string' && /^(?:[0-9a-fA-F]{2})*$/.test(s) ? Buffer.from(s, 'hex').toString('utf8') : undefined),
  'strings.any_prefix_match': (search, base) =>
    asList(search).some((s) => typeof s === 'string' && asList(base).some((b) => typeof b === 'string' && s.startsWith(b))),
  'strings.any_suffix_match': (search, base) =>
    asList(search).some((s) => typeof s === 'string' && asList(base).some((b) => typeof b === 'string' && s.endsWith(b))),
  'urlquery.encode': (s) => (typeof s === 'string' ? queryEscape(s) : undefined),
  'semver.is_valid': (v) => parseSemver(v) !== undefined,
  'semver.compare': semverCompare,
};
