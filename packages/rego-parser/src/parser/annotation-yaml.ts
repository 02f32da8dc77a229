/**
 * The YAML of a `# METADATA` block decoded as OPA's `metadataParser.Parse` does
 * (`v1/ast/parser.go`): go.yaml.in/yaml/v3's `Unmarshal` into `rawAnnotation` (typed fields,
 * type errors gathered as `yaml: unmarshal errors:` lines), then OPA's checks of
 * `related_resources`, `schemas`, `authors`, `custom` and `labels` with OPA's messages.
 * The YAML itself is read by the `yaml` package (pure JavaScript, browser-safe); its syntax
 * errors are reported in go-yaml's words where they are known (`yaml-lite.ts`).
 */
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, type Document, type Node as YNode, type Scalar } from 'yaml';
import type { AnnotationValue, Author, RelatedResource, SchemaAnnotation } from '../ast.js';
import { lex } from '../lexer/lexer.js';
import { ParserState } from './state.js';
import { parseTerm } from './terms.js';
import { yamlProblem } from './yaml-lite.js';

/** The known keys of a block, decoded (OPA's `Annotations` before its scope is defaulted). */
export interface DecodedAnnotation {
  scope: string;
  title: string;
  description: string;
  entrypoint: boolean;
  organizations: string[];
  relatedResources: RelatedResource[];
  authors: Author[];
  schemas: SchemaAnnotation[];
  custom?: { [key: string]: AnnotationValue };
  labels?: { [key: string]: AnnotationValue };
}

/** A block that OPA rejects: its message, and the 1-based YAML line a `yaml: line N` error names. */
export interface AnnotationProblem {
  readonly message: string;
  /** Set for YAML errors (`yaml: line N:` / `yaml: unmarshal errors:\n  line N:`). */
  readonly line?: number;
}

/** A decoded map or sequence before OPA's checks: `stringKeys` as go-yaml's `isStringMap`. */
type Raw = null | boolean | number | string | Raw[] | RawMap;
interface RawMap {
  readonly entries: [Raw, Raw][];
  readonly stringKeys: boolean;
}

class Decoder {
  readonly terrors: string[] = [];
  /** go-yaml's error for an alias without its anchor. */
  fatal: string | undefined;
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  private deref(n: YNode | null | undefined): YNode | null | undefined {
    let x = n;
    for (let i = 0; i < 100 && x && isAlias(x); i++) {
      const to = x.resolve(this.doc) as YNode | undefined;
      if (!to) this.fatal ??= `yaml: unknown anchor '${x.source}' referenced`;
      x = to;
    }
    return x;
  }

  line(n: YNode): number {
    return this.lines.linePos(n.range?.[0] ?? 0).line;
  }

  /** go-yaml's short tag of a node. */
  tag(n: YNode): string {
    if (isMap(n)) return '!!map';
    if (isSeq(n)) return '!!seq';
    if (isScalar(n)) {
      const v = n.value;
      if (v === null || v === undefined) return '!!null';
      if (typeof v === 'boolean') return '!!bool';
      if (typeof v === 'number' || typeof v === 'bigint')
        return Number.isInteger(v) && /^[-+]?(0[xo])?[0-9a-fA-F_]+$/.test(n.source ?? String(v)) ? '!!int' : '!!float';
      return '!!str';
    }
    return '!!str';
  }

  /** go-yaml's `terror`: `line N: cannot unmarshal !!tag `value` into type`. */
  terror(n: YNode, into: string): void {
    const tag = this.tag(n);
    let value = '';
    if (tag !== '!!seq' && tag !== '!!map') {
      const text = isScalar(n) ? this.text(n) : '';
      value = text.length > 10 ? ` \`${text.slice(0, 7)}...\`` : ` \`${text}\``;
    }
    this.terrors.push(`line ${this.line(n)}: cannot unmarshal ${tag}${value} into ${into}`);
  }

  /** A scalar's text as go-yaml keeps it (`Node.Value`). */
  text(n: Scalar): string {
    const v = n.value;
    if (typeof v === 'string') return v;
    if (n.source !== undefined) return n.source;
    return typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' ? String(v) : '';
  }

  isNull(n: YNode | null | undefined): boolean {
    const x = this.deref(n);
    return !x || (isScalar(x) && (x.value === null || x.value === undefined));
  }

  /** Decoding into a Go `string`: any scalar's text; null is "". */
  str(n: YNode | null | undefined, into = 'string'): string | undefined {
    const x = this.deref(n);
    if (!x || this.isNull(x)) return '';
    if (isScalar(x)) return this.text(x);
    this.terror(x, into);
    return undefined;
  }

  /** Decoding into a Go `bool` (YAML 1.1's yes/on/no/off too, as go-yaml v3 for a typed bool). */
  bool(n: YNode | null | undefined): boolean {
    const x = this.deref(n);
    if (!x || this.isNull(x)) return false;
    if (isScalar(x)) {
      if (typeof x.value === 'boolean') return x.value;
      if (typeof x.value === 'string') {
        if (['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON'].includes(x.value)) return true;
        if (['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF'].includes(x.value)) return false;
      }
    }
    this.terror(x, 'bool');
    return false;
  }

  /** Decoding into a Go slice: a sequence (null is empty). */
  seq(n: YNode | null | undefined, into: string): YNode[] {
    const x = this.deref(n);
    if (!x || this.isNull(x)) return [];
    if (isSeq(x)) return x.items as YNode[];
    this.terror(x, into);
    return [];
  }

  /** The pairs of a mapping, checking for duplicate keys as go-yaml does. */
  pairs(m: YNode): [YNode | null, YNode | null][] {
    if (!isMap(m)) return [];
    const seen = new Map<string, number>();
    const out: [YNode | null, YNode | null][] = [];
    for (const p of m.items) {
      const k = this.deref(p.key as YNode | null);
      const v = (p.value as YNode | null) ?? null;
      if (k && isScalar(k)) {
        const key = this.text(k);
        const at = seen.get(key);
        if (at !== undefined) this.terrors.push(`line ${this.line(k)}: mapping key "${key}" already defined at line ${at}`);
        else seen.set(key, this.line(k));
      }
      out.push([k ?? null, v]);
    }
    return out;
  }

  /** Decoding into Go's `interface{}`. */
  any(n: YNode | null | undefined): Raw {
    const x = this.deref(n);
    if (!x || this.isNull(x)) return null;
    if (isScalar(x)) {
      const v = x.value;
      if (typeof v === 'string' && x.type === 'PLAIN') return goTimestamp(v) ?? v;
      if (typeof v === 'bigint') return Number(v);
      if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return v;
      return this.text(x);
    }
    if (isSeq(x)) return (x.items as YNode[]).map((i) => this.any(i));
    if (isMap(x)) {
      const entries: [Raw, Raw][] = this.pairs(x).map(([k, v]) => [this.any(k), this.any(v)]);
      const stringKeys = this.pairs(x).every(([k]) => k !== null && this.tag(k) === '!!str');
      return { entries, stringKeys };
    }
    return null;
  }

  /** Decoding into Go's `map[string]interface{}` (keys are decoded into strings). */
  stringMap(n: YNode | null | undefined, into = 'map[string]interface {}'): RawMap | undefined {
    const x = this.deref(n);
    if (!x || this.isNull(x)) return undefined;
    if (!isMap(x)) {
      this.terror(x, into);
      return undefined;
    }
    const entries: [Raw, Raw][] = this.pairs(x).map(([k, v]) => [this.str(k) ?? '', this.any(v)]);
    return { entries, stringKeys: true };
  }
}

/**
 * go-yaml v3 reads a plain scalar in one of its timestamp forms (`2006-1-2`,
 * `2006-1-2T15:4:5.999999999Z07:00`, `2006-1-2 15:4:5.999999999`) into Go's `interface{}` as
 * a `time.Time`, which becomes JSON as Go's RFC 3339 text (`2020-01-01T00:00:00Z`).
 */
function goTimestamp(s: string): string | undefined {
  const m =
    /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:([Tt])(\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?(Z|[+-]\d{2}:\d{2}))|(?: (\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?))?$/.exec(
      s,
    );
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const hh = Number(m[5] ?? m[10] ?? 0);
  const mm = Number(m[6] ?? m[11] ?? 0);
  const ss = Number(m[7] ?? m[12] ?? 0);
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > days || hh > 23 || mm > 59 || ss > 59) return undefined;
  const frac = (m[8] ?? m[13] ?? '').replace(/0+$/, '');
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const zone = m[9] ?? 'Z';
  return `${m[1]}-${p2(month)}-${p2(day)}T${p2(hh)}:${p2(mm)}:${p2(ss)}${frac === '.' ? '' : frac}${zone === '+00:00' || zone === '-00:00' ? (zone === '+00:00' ? 'Z' : zone) : zone}`;
}

function isRawMap(x: Raw): x is RawMap {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

class AnnotationError extends Error {}

/** OPA's `convertYAMLMapKeyTypes`: a map with a non-string key is refused (a string-keyed map is not looked into). */
function convertKeys(x: Raw, path: readonly string[]): void {
  if (Array.isArray(x)) x.forEach((v, i) => convertKeys(v, [...path, String(i)]));
  else if (isRawMap(x) && !x.stringKeys) {
    for (const [k, v] of x.entries) {
      if (typeof k !== 'string') throw new AnnotationError(`invalid map key type(s): ${path.join('/')}`);
      convertKeys(v, [...path, k]);
    }
  }
}

function toValue(x: Raw): AnnotationValue {
  if (Array.isArray(x)) return x.map(toValue);
  if (isRawMap(x)) {
    const out: { [key: string]: AnnotationValue } = {};
    for (const [k, v] of x.entries) out[typeof k === 'string' ? k : goS(k)] = toValue(v);
    return out;
  }
  return x;
}

/** Go's `%s` of a decoded YAML value (as OPA's messages print one). */
function goS(x: Raw): string {
  if (typeof x === 'string') return x;
  if (x === null) return '%!s(<nil>)';
  if (typeof x === 'boolean') return `%!s(bool=${x})`;
  if (typeof x === 'number') return Number.isInteger(x) ? `%!s(int=${x})` : `%!s(float64=${x})`;
  if (Array.isArray(x)) return `[${x.map(goS).join(' ')}]`;
  const entries = x.entries.map(([k, v]) => [goS(k), goS(v)] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `map[${entries.map(([k, v]) => `${k}:${v}`).join(' ')}]`;
}

function getSafeString(m: RawMap, key: string): string {
  for (const [k, v] of m.entries) if (k === key) return typeof v === 'string' ? v : '';
  return '';
}

/** The checks of Go's `url.Parse` that matter for a related resource, with its messages. */
function checkURL(s: string): void {
  const q = JSON.stringify(s);
  if ([...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f))
    throw new AnnotationError(`parse ${q}: net/url: invalid control character in URL`);
  const bad = /%(?![0-9a-fA-F]{2})(.{0,2})/.exec(s.split('#')[0] ?? '');
  if (bad) throw new AnnotationError(`parse ${q}: invalid URL escape "%${bad[1] ?? ''}"`);
  if (s.startsWith(':')) throw new AnnotationError(`parse ${q}: missing protocol scheme`);
}

function parseRelatedResource(x: Raw): RelatedResource {
  convertKeys(x, []);
  if (typeof x === 'string') {
    if (x.length === 0) throw new AnnotationError('ref URL may not be empty string');
    checkURL(x);
    return { ref: x };
  }
  if (isRawMap(x)) {
    const description = getSafeString(x, 'description').trim();
    const ref = getSafeString(x, 'ref').trim();
    if (ref.length > 0) {
      checkURL(ref);
      return description ? { ref, description } : { ref };
    }
    throw new AnnotationError("'ref' value required in object");
  }
  throw new AnnotationError('invalid value type, must be string or map');
}

function parseAuthor(x: Raw): Author {
  convertKeys(x, []);
  if (typeof x === 'string') {
    const parts = x.split(/[\t\n\v\f\r \u0085\u00a0]+/).filter((s) => s !== '');
    if (parts.length === 0) throw new AnnotationError('author is an empty string');
    let n = parts.length;
    const trailing = parts[n - 1] ?? '';
    let email = '';
    if (trailing.length >= 2 && trailing.startsWith('<') && trailing.endsWith('>')) {
      email = trailing.slice(1, -1);
      n--;
    }
    const name = parts.slice(0, n).join(' ');
    return { ...(name ? { name } : {}), ...(email ? { email } : {}) };
  }
  if (isRawMap(x)) {
    const name = getSafeString(x, 'name').trim();
    const email = getSafeString(x, 'email').trim();
    if (name || email) return { ...(name ? { name } : {}), ...(email ? { email } : {}) };
    throw new AnnotationError("'name' and/or 'email' values required in object");
  }
  throw new AnnotationError('invalid value type, must be string or map');
}

/** A ref's parts (`input.x[0]` → `["input", "x", 0]`) when `text` is one, as OPA's `ParseRef`. */
function refParts(text: string): (string | number)[] | undefined {
  const { tokens } = lex(text);
  const p = new ParserState(tokens, text, '', 'v1');
  let t;
  try {
    t = parseTerm(p);
  } catch {
    return undefined;
  }
  if (!t || p.errors.length > 0 || p.tok() !== 'eof') return undefined;
  if (t.type === 'var') return [t.name];
  if (t.type !== 'ref') return undefined;
  const out: (string | number)[] = [];
  for (const [i, part] of t.value.entries()) {
    if (i === 0 && part.type === 'var') out.push(part.name);
    else if (part.type === 'string') out.push(part.value);
    else if (part.type === 'number' && /^-?\d+$/.test(part.value)) out.push(Number(part.value));
    else return undefined;
  }
  return out;
}

function parseSchemas(maps: readonly (RawMap | undefined)[]): SchemaAnnotation[] {
  const out: SchemaAnnotation[] = [];
  for (const m of maps) {
    const first = m?.entries[0];
    const k = typeof first?.[0] === 'string' ? first[0] : '';
    const v: Raw = first?.[1] ?? null;
    const path = k === '' ? undefined : refParts(k);
    if (!path) throw new AnnotationError('invalid document reference');
    if (typeof v === 'string') {
      const schema = refParts(v);
      if (!schema || schema[0] !== 'schema') throw new AnnotationError('invalid schema reference');
      out.push({ path, schema });
    } else if (isRawMap(v) && v.stringKeys) {
      out.push({ path, definition: toValue(v) });
    } else {
      throw new AnnotationError(`invalid schema declaration for path ${JSON.stringify(k)}`);
    }
  }
  return out;
}

function customMap(m: RawMap | undefined): { [key: string]: AnnotationValue } | undefined {
  if (!m) return undefined;
  const out: { [key: string]: AnnotationValue } = {};
  for (const [k, v] of m.entries) {
    convertKeys(v, []);
    out[k as string] = toValue(v);
  }
  return out;
}

/** Where the quoted scalar opening at `lines[n][i]` ends (line and column of its closing quote). */
function quoteEnd(lines: readonly string[], n: number, i: number): { m: number; j: number } | undefined {
  const c = lines[n]?.[i];
  let j = i + 1;
  let m = n;
  let line = lines[n] ?? '';
  for (;;) {
    if (j >= line.length) {
      m++;
      if (m >= lines.length) return undefined;
      line = lines[m] ?? '';
      j = 0;
      continue;
    }
    const q = line[j];
    if (c === '"' && q === '\\') j++;
    else if (q === c) {
      if (c === "'" && line[j + 1] === "'") j++;
      else return { m, j };
    }
    j++;
  }
}

/** Whether `l[i]` starts a quoted scalar (a quote where a token starts). */
function opensQuote(l: string, i: number): boolean {
  const c = l[i];
  if (c !== '"' && c !== "'") return false;
  const before = l.slice(0, i).trimEnd();
  return before === '' || before === '-' || /[:\-[{,]$/.test(before);
}

/**
 * go-yaml reads a quoted scalar's continuation lines at any indentation; YAML 1.2 (the `yaml`
 * package) wants them indented. Their leading blanks are folded away, so one is added.
 */
function indentQuoted(lines: readonly string[]): string[] {
  const out = [...lines];
  for (let n = 0; n < lines.length; n++) {
    const l = lines[n] ?? '';
    for (let i = 0; i < l.length; i++) {
      if (l[i] === '#' && (i === 0 || /\s/.test(l[i - 1] ?? ''))) break;
      if (!opensQuote(l, i)) continue;
      const end = quoteEnd(lines, n, i);
      if (!end) return out;
      for (let k = n + 1; k <= end.m; k++) if (/^\S/.test(out[k] ?? '')) out[k] = ` ${out[k] ?? ''}`;
      if (end.m !== n) {
        n = end.m - 1;
        break;
      }
      i = end.j;
    }
  }
  return out;
}

/** A go-yaml error message: parser errors name a 0-based mark line, scanner errors a 1-based one. */
function goLine(reason: string, line: number | undefined, at?: number): AnnotationProblem {
  if (line === undefined || line <= 0) return { message: `yaml: ${reason}`, ...(at !== undefined ? { line: at } : {}) };
  return { message: `yaml: line ${line}: ${reason}`, line: at ?? line };
}

/**
 * go-yaml's words and line for a syntax error the `yaml` package found (`errLine`: the 0-based
 * line it names): unclosed quotes and flow collections, a stray `}`/`]`, characters that
 * cannot start a token, and mis-indented block lines ("did not find expected key", its line
 * the start of the block mapping being read, else the offending line, as go-yaml's marks).
 */
function goSyntaxError(lines: readonly string[], errLine: number): AnnotationProblem {
  const stack: { c: string; line: number }[] = [];
  for (let n = 0; n < lines.length; n++) {
    const l = lines[n] ?? '';
    for (let i = 0; i < l.length; i++) {
      const c = l[i] as string;
      if (c === '#' && (i === 0 || /\s/.test(l[i - 1] ?? ''))) break;
      if (opensQuote(l, i)) {
        const end = quoteEnd(lines, n, i);
        if (!end) {
          // go-yaml: "found unexpected end of stream" at the quote's line (1-based), else at the end.
          return n > 0 ? goLine('found unexpected end of stream', n + 1, n) : goLine('found unexpected end of stream', lines.length + 1, n);
        }
        const { m, j } = end;
        if (m !== n) {
          n = m - 1;
          break;
        }
        i = j;
        continue;
      }
      if (c === '{' || c === '[') stack.push({ c, line: n });
      else if (c === '}' || c === ']') {
        if (stack.length === 0) return goLine('did not find expected key', n, n);
        stack.pop();
      }
      if ((c === '%' || c === '@' || c === '`') && /^\s*(-\s+)?([^:]*:\s+)?$/.test(l.slice(0, i)))
        return goLine('found character that cannot start any token', n > 0 ? n + 1 : undefined, n);
    }
  }
  const open = stack[0];
  if (open) {
    const reason = open.c === '{' ? "did not find expected ',' or '}'" : "did not find expected ',' or ']'";
    return goLine(reason, open.line > 0 ? open.line : lines.length, open.line > 0 ? open.line : lines.length);
  }
  if (lines.some((l) => /^\s*\t/.test(l))) {
    const n = lines.findIndex((l) => /^\s*\t/.test(l));
    return goLine('found a tab character that violates indentation', n + 1, n + 1);
  }
  // A mis-indented line: the block mapping being read starts at the nearest line above with
  // less indentation (the first of its run of keys at that indentation).
  const indent = (l: string): number => l.length - l.trimStart().length;
  const content = (k: number): boolean => (lines[k] ?? '').trim() !== '' && !(lines[k] ?? '').trim().startsWith('#');
  const bad = Math.max(0, Math.min(errLine, lines.length - 1));
  const k = indent(lines[bad] ?? '');
  let ctx = 0;
  for (let m = bad - 1; m >= 0; m--) {
    if (!content(m) || indent(lines[m] ?? '') >= k) continue;
    const w = indent(lines[m] ?? '');
    ctx = m;
    for (let u = m - 1; u >= 0; u--) {
      if (!content(u)) continue;
      const iu = indent(lines[u] ?? '');
      if (iu < w) break;
      if (iu === w) ctx = u;
    }
    break;
  }
  return ctx > 0 ? goLine('did not find expected key', ctx, ctx) : goLine('did not find expected key', bad, bad);
}

/**
 * Decodes the YAML of one block (`lines`: the comment texts below `# METADATA`, one leading
 * space removed) into OPA's known keys, or returns OPA's error for it.
 */
export function decodeAnnotation(lines: readonly string[]): DecodedAnnotation | AnnotationProblem {
  const text = indentQuoted(lines)
    .map((l) => `${l}\n`)
    .join('');
  const counter = new LineCounter();
  const doc = parseDocument(text, { version: '1.2', uniqueKeys: false, lineCounter: counter, prettyErrors: false, intAsBigInt: false });
  const syntax = doc.errors[0];
  if (syntax) return yamlProblem(lines) ?? goSyntaxError(lines, counter.linePos(syntax.pos[0]).line - 1);
  const a: DecodedAnnotation = {
    scope: '',
    title: '',
    description: '',
    entrypoint: false,
    organizations: [],
    relatedResources: [],
    authors: [],
    schemas: [],
  };
  const d = new Decoder(doc, counter);
  const top = doc.contents as YNode | null;
  let related: YNode[] = [];
  let authors: YNode[] = [];
  let schemas: (RawMap | undefined)[] = [];
  let custom: RawMap | undefined;
  let labels: RawMap | undefined;
  if (top && !d.isNull(top)) {
    if (!isMap(top)) d.terror(top, 'ast.rawAnnotation');
    for (const [k, v] of d.pairs(top)) {
      const key = k && isScalar(k) ? d.text(k) : undefined;
      switch (key) {
        case 'scope':
          a.scope = d.str(v) ?? '';
          break;
        case 'title':
          a.title = d.str(v) ?? '';
          break;
        case 'description':
          a.description = d.str(v) ?? '';
          break;
        case 'entrypoint':
          a.entrypoint = d.bool(v);
          break;
        case 'organizations':
          a.organizations = d.seq(v, '[]string').flatMap((i) => {
            const s = d.str(i);
            return s === undefined ? [] : [s];
          });
          break;
        case 'related_resources':
          related = d.seq(v, '[]interface {}');
          break;
        case 'authors':
          authors = d.seq(v, '[]interface {}');
          break;
        case 'schemas':
          schemas = d.seq(v, '[]map[string]interface {}').map((i) => d.stringMap(i));
          break;
        case 'compile':
          d.stringMap(v);
          break;
        case 'custom':
          custom = d.stringMap(v);
          break;
        case 'labels':
          labels = d.stringMap(v);
          break;
        default:
          break;
      }
    }
  }
  // Decoded before OPA's checks so that their type errors come first, as go-yaml's do.
  const relatedRaw = related.map((n) => d.any(n));
  const authorsRaw = authors.map((n) => d.any(n));
  if (d.fatal !== undefined) return { message: d.fatal };
  if (d.terrors.length > 0) {
    const m = /^line (\d+):/.exec(d.terrors[0] ?? '');
    return { message: `yaml: unmarshal errors:\n  ${d.terrors.join('\n  ')}`, ...(m ? { line: Number(m[1]) } : {}) };
  }
  try {
    for (const rr of relatedRaw) {
      try {
        a.relatedResources.push(parseRelatedResource(rr));
      } catch (e) {
        throw new AnnotationError(`invalid related-resource definition ${goS(rr)}: ${(e as Error).message}`);
      }
    }
    a.schemas = parseSchemas(schemas);
    for (const au of authorsRaw) {
      try {
        a.authors.push(parseAuthor(au));
      } catch (e) {
        throw new AnnotationError(`invalid author definition ${goS(au)}: ${(e as Error).message}`);
      }
    }
    const c = customMap(custom);
    if (c) a.custom = c;
    const l = customMap(labels);
    if (l) a.labels = l;
  } catch (e) {
    if (e instanceof AnnotationError) return { message: e.message };
    throw e;
  }
  return a;
}

/** Whether `decodeAnnotation` returned a problem. */
export function isAnnotationProblem(x: DecodedAnnotation | AnnotationProblem): x is AnnotationProblem {
  return 'message' in x;
}
