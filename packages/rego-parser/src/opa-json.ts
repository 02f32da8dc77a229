/**
 * OPA's AST JSON: the text `opa parse --format json` prints and `rego.parse_module` returns
 * (OPA v1.22.3, `v1/ast/policy_json.go`, `term_json.go`), built from this parser's AST.
 *
 * What OPA writes, and so what this writes:
 * - keys in OPA's order (Go's `encoding/json` before Go 1.27: map-backed nodes alphabetical,
 *   struct-backed ones in field order), no locations (OPA's default; `--json-include locations`
 *   is not supported here), comments unless `comments: false` (`--json-include -comments`);
 * - wildcards `_` renamed `$0`, `$1`, … in source order over the whole module, as OPA's parser does;
 * - object items and set elements sorted in OPA's term order (sets without duplicates);
 * - numbers as written; strings escaped as Go escapes them (`<`, `>`, `&`, U+2028, U+2029 as `\u…`);
 * - comments as `{"Text": <base64>, "Location": {file, row, col}}`.
 *
 * Not written: `annotations` (the `# METADATA` blocks) — they join when the AST carries them.
 * @module
 */
import type { Body, Comment, Every, Expr, Import, LogicalExpr, Module, NotBody, Rule, SomeDecl, Term, VarTerm, With } from './ast.js';

/** Options of {@link toOpaAstJson}. */
export interface OpaAstJsonOptions {
  /** Include the module's comments (`opa parse` and `rego.parse_module` do). Default `true`. */
  readonly comments?: boolean;
}

/** Thrown when OPA itself could not encode the module (e.g. the number `.5`, not JSON). */
export class OpaAstJsonError extends Error {
  readonly code = 'rego_ast_json_error';
  constructor(message: string) {
    super(message);
    this.name = 'OpaAstJsonError';
  }
}

/** A JSON string literal as Go's `encoding/json` writes it (HTML-safe escapes). */
export function goJsonString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** Base64 of the UTF-8 bytes of `s` (Go encodes the comment's `[]byte` that way). */
function base64Utf8(s: string): string {
  const bytes = new TextEncoder().encode(s);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

// ---------------------------------------------------------------------------------------------
// OPA's term order (v1/ast/compare.go), over this parser's terms.

interface Decimal {
  readonly sign: -1 | 0 | 1;
  /** Significant digits without leading or trailing zeros. */
  readonly digits: string;
  /** Value = 0.digits × 10^exp. */
  readonly exp: number;
}

function decimalOf(text: string): Decimal {
  const m = /^(-?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) return { sign: 0, digits: '', exp: 0 };
  const int = m[2] ?? '';
  const frac = m[3] ?? '';
  const all = int + frac;
  const lead = all.length - all.replace(/^0+/, '').length;
  const digits = all.slice(lead).replace(/0+$/, '');
  if (digits === '') return { sign: 0, digits: '', exp: 0 };
  const e = Number(m[4] ?? '0');
  return { sign: m[1] === '-' ? -1 : 1, digits, exp: int.length - lead + e };
}

function compareNumberTexts(a: string, b: string): number {
  if (a === b) return 0;
  const x = decimalOf(a);
  const y = decimalOf(b);
  if (x.sign !== y.sign) return x.sign < y.sign ? -1 : 1;
  if (x.sign === 0) return 0;
  let c: number;
  if (x.exp !== y.exp) c = x.exp < y.exp ? -1 : 1;
  else {
    const n = Math.max(x.digits.length, y.digits.length);
    const dx = x.digits.padEnd(n, '0');
    const dy = y.digits.padEnd(n, '0');
    c = dx === dy ? 0 : dx < dy ? -1 : 1;
  }
  return x.sign * c;
}

function sortOrder(t: Term): number {
  switch (t.type) {
    case 'null':
      return 0;
    case 'boolean':
      return 1;
    case 'number':
      return 2;
    case 'string':
      return 3;
    case 'templatestring':
      return 4;
    case 'var':
      return 5;
    case 'ref':
      return 6;
    case 'array':
      return 7;
    case 'object':
      return 8;
    case 'set':
      return 9;
    case 'arraycomprehension':
      return 10;
    case 'objectcomprehension':
      return 11;
    case 'setcomprehension':
      return 12;
    case 'call':
      return 13;
  }
}

function compareStrings(a: string, b: string): number {
  // Go compares strings bytewise (UTF-8); comparing code points gives the same order.
  if (a === b) return 0;
  const x = [...a];
  const y = [...b];
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const cx = x[i]!.codePointAt(0)!;
    const cy = y[i]!.codePointAt(0)!;
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
  return x.length - y.length < 0 ? -1 : x.length === y.length ? 0 : 1;
}

/** The writer: holds the module-wide wildcard numbering and the comments. */
class Writer {
  private readonly wildcards = new Map<number, string>();
  /** Wildcard arguments renamed per rule: OPA's parser copies a head into each `else` branch and chained body and gives its `_` arguments new names. */
  private readonly argNames = new Map<Rule, Map<number, string>>();

  constructor(
    module: Module,
    private readonly comments: readonly Comment[],
  ) {
    // Events in source order: each `_` token, and each copied head with `_` arguments (at its
    // `else` keyword, or after the chained body, where OPA's parser names them).
    const events: { pos: number; token?: number; rule?: Rule; arg?: number }[] = [];
    const seen = new Set<object>();
    const visit = (x: unknown): void => {
      if (x === null || typeof x !== 'object' || seen.has(x)) return;
      seen.add(x);
      if (Array.isArray(x)) {
        for (const y of x) visit(y);
        return;
      }
      const n = x as { type?: unknown; name?: unknown; location?: { offset: number } };
      if (n.type === 'var' && n.name === '_' && n.location) events.push({ pos: n.location.offset, token: n.location.offset });
      for (const [k, v] of Object.entries(x)) if (k !== 'location') visit(v);
    };
    visit(module.imports);
    const copied = (r: Rule, pos: number): void => {
      (r.head.args ?? []).forEach((a, i) => {
        if (a.type === 'var' && a.name === '_') events.push({ pos, rule: r, arg: i });
      });
    };
    let prev: Rule | undefined;
    for (const r of module.rules) {
      visit(r);
      if (prev && prev.head.location.offset === r.head.location.offset && prev.head.location.end === r.head.location.end)
        copied(r, r.location.end - 0.5);
      for (let e = r.else; e; e = e.else) copied(e, e.location.offset);
      prev = r;
    }
    const tokens = new Set<number>();
    let n = 0;
    for (const e of events.sort((a, b) => a.pos - b.pos)) {
      if (e.token !== undefined) {
        if (tokens.has(e.token)) continue;
        tokens.add(e.token);
        this.wildcards.set(e.token, `$${n++}`);
      } else if (e.rule && e.arg !== undefined) {
        let m = this.argNames.get(e.rule);
        if (!m) this.argNames.set(e.rule, (m = new Map<number, string>()));
        m.set(e.arg, `$${n++}`);
      }
    }
  }

  varName(v: VarTerm): string {
    return v.name === '_' ? (this.wildcards.get(v.location.offset) ?? '_') : v.name;
  }

  // -- order -----------------------------------------------------------------------------------

  compare(a: Term, b: Term): number {
    const sa = sortOrder(a);
    const sb = sortOrder(b);
    if (sa !== sb) return sa < sb ? -1 : 1;
    switch (a.type) {
      case 'null':
        return 0;
      case 'boolean':
        return a.value === (b as typeof a).value ? 0 : a.value ? 1 : -1;
      case 'number':
        return compareNumberTexts(a.value, (b as typeof a).value);
      case 'string':
        return compareStrings(a.value, (b as typeof a).value);
      case 'var':
        return compareStrings(this.varName(a), this.varName(b as typeof a));
      case 'ref':
        return this.compareLists(a.value, (b as typeof a).value);
      case 'array':
        return this.compareLists(a.items, (b as typeof a).items);
      case 'call':
        return this.compareLists([a.operator, ...a.args], [(b as typeof a).operator, ...(b as typeof a).args]);
      case 'set':
        return this.compareLists(this.setItems(a.items), this.setItems((b as typeof a).items));
      case 'object': {
        const x = this.objectItems(a.items);
        const y = this.objectItems((b as typeof a).items);
        const n = Math.min(x.length, y.length);
        for (let i = 0; i < n; i++) {
          const c = this.compare(x[i]![0], y[i]![0]) || this.compare(x[i]![1], y[i]![1]);
          if (c !== 0) return c;
        }
        return Math.sign(x.length - y.length);
      }
      case 'arraycomprehension':
      case 'setcomprehension': {
        const o = b as typeof a;
        return this.compare(a.term, o.term) || this.compareText(this.body(a.body), this.body(o.body));
      }
      case 'objectcomprehension': {
        const o = b as typeof a;
        return this.compare(a.key, o.key) || this.compare(a.value, o.value) || this.compareText(this.body(a.body), this.body(o.body));
      }
      case 'templatestring':
        // Rare as a set element or object key; ordered by their JSON text.
        return this.compareText(this.term(a), this.term(b));
    }
  }

  private compareText(a: string, b: string): number {
    return a === b ? 0 : a < b ? -1 : 1;
  }

  private compareLists(a: readonly Term[], b: readonly Term[]): number {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const c = this.compare(a[i]!, b[i]!);
      if (c !== 0) return c;
    }
    return Math.sign(a.length - b.length);
  }

  /** Set elements as OPA holds them: first of equal elements kept, sorted. */
  private setItems(items: readonly Term[]): Term[] {
    const out: Term[] = [];
    for (const t of items) if (!out.some((u) => this.compare(u, t) === 0)) out.push(t);
    return out.sort((x, y) => this.compare(x, y));
  }

  /** Object items sorted by key (stable: duplicate keys, which OPA's parser keeps, stay in order). */
  private objectItems(items: readonly (readonly [Term, Term])[]): (readonly [Term, Term])[] {
    return [...items].sort((x, y) => this.compare(x[0], y[0]));
  }

  // -- terms -----------------------------------------------------------------------------------

  term(t: Term): string {
    return `{"type":"${t.type}","value":${this.value(t)}}`;
  }

  private terms(ts: readonly Term[]): string {
    return `[${ts.map((t) => this.term(t)).join(',')}]`;
  }

  private value(t: Term): string {
    switch (t.type) {
      case 'null':
        return '{}';
      case 'boolean':
        return t.value ? 'true' : 'false';
      case 'number':
        if (!JSON_NUMBER.test(t.value))
          throw new OpaAstJsonError(`json: error calling MarshalJSON for type *ast.Term: invalid number literal ${goJsonString(t.value)}`);
        return t.value;
      case 'string':
        return goJsonString(t.value);
      case 'var':
        return goJsonString(this.varName(t));
      case 'ref':
        return this.terms(t.value);
      case 'call':
        return this.terms([t.operator, ...t.args]);
      case 'array':
        return this.terms(t.items);
      case 'set':
        return this.terms(this.setItems(t.items));
      case 'object':
        return `[${this.objectItems(t.items)
          .map(([k, v]) => `[${this.term(k)},${this.term(v)}]`)
          .join(',')}]`;
      case 'arraycomprehension':
      case 'setcomprehension':
        return `{"term":${this.term(t.term)},"body":${this.body(t.body)}}`;
      case 'objectcomprehension':
        return `{"key":${this.term(t.key)},"value":${this.term(t.value)},"body":${this.body(t.body)}}`;
      case 'templatestring': {
        let prevEnd = t.location.offset;
        const parts = t.parts.map((p) => {
          const s = p.type === 'string' ? this.term(p) : this.templatePart(p, prevEnd);
          prevEnd = p.location.end;
          return s;
        });
        return `{"parts":${parts.length ? `[${parts.join(',')}]` : 'null'},"multi_line":${t.raw ? 'true' : 'false'}}`;
      }
    }
  }

  /** A template-string expression: a scalar term stays a term unless a comment precedes it (OPA's parser). */
  private templatePart(e: Expr, prevEnd: number): string {
    const t = e.terms;
    const scalar = t.type === 'string' || t.type === 'number' || t.type === 'boolean' || t.type === 'null';
    const start = e.location.offset;
    if (
      scalar &&
      !e.negated &&
      e.with.length === 0 &&
      !this.comments.some((c) => c.location.offset >= prevEnd && c.location.offset < start)
    )
      return this.term(t);
    return this.expr(e, 0, false);
  }

  // -- bodies ----------------------------------------------------------------------------------

  body(b: Body, generated = false): string {
    return `[${b.map((e, i) => this.expr(e, i, generated)).join(',')}]`;
  }

  private expr(e: Expr, index: number, generated: boolean): string {
    let s = '{';
    if (generated) s += '"generated":true,';
    s += `"index":${index},`;
    if (e.negated) s += '"negated":true,';
    s += `"terms":${this.exprTerms(e.terms)}`;
    if (e.with.length > 0) s += `,"with":[${e.with.map((w) => this.with(w)).join(',')}]`;
    return s + '}';
  }

  private exprTerms(t: Expr['terms']): string {
    switch (t.type) {
      case 'call':
        return this.terms([t.operator, ...t.args]);
      case 'some':
        return this.some(t);
      case 'every':
        return this.every(t);
      case 'notbody':
        return this.notBody(t);
      case 'logicaland':
      case 'logicalor':
        return this.logical(t);
      default:
        return this.term(t);
    }
  }

  private some(d: SomeDecl): string {
    return `{"symbols":${this.terms(d.symbols)}}`;
  }

  private every(q: Every): string {
    return `{"body":${this.body(q.body)},"domain":${this.term(q.domain)},"key":${q.key ? this.term(q.key) : 'null'},"value":${this.term(q.value)}}`;
  }

  private notBody(n: NotBody): string {
    return `{"body":${this.body(n.body)},"explicit_body":${n.explicitBody ? 'true' : 'false'},"type":"not"}`;
  }

  private logical(l: LogicalExpr): string {
    let s = '{';
    if (l.explicitLhs) s += '"explicit_lhs":true,';
    if (l.explicitRhs) s += '"explicit_rhs":true,';
    return s + `"lhs":${this.body(l.lhs)},"rhs":${this.body(l.rhs)},"type":"${l.type === 'logicaland' ? 'and' : 'or'}"}`;
  }

  private with(w: With): string {
    return `{"target":${this.term(w.target)},"value":${this.term(w.value)}}`;
  }

  // -- statements ------------------------------------------------------------------------------

  rule(r: Rule, name: string | undefined): string {
    const generated = r.generatedBody || r.default;
    let s = `{"body":${this.body(r.body, generated)}`;
    if (r.default) s += ',"default":true';
    if (r.else) s += `,"else":${this.rule(r.else, name)}`;
    return s + `,"head":${this.head(r, name)}}`;
  }

  private head(r: Rule, name: string | undefined): string {
    const h = r.head;
    let s = '{';
    if (name !== undefined) s += `"name":${goJsonString(name)},`;
    if (h.args && h.args.length > 0) {
      const renamed = this.argNames.get(r);
      s += `"args":[${h.args.map((a, i) => (renamed?.has(i) ? `{"type":"var","value":"${renamed.get(i) ?? ''}"}` : this.term(a))).join(',')}],`;
    }
    if (h.key) s += `"key":${this.term(h.key)},`;
    if (h.value) s += `"value":${this.term(h.value)},`;
    if (h.assign) s += '"assign":true,';
    return s + `"ref":${this.terms(h.ref)}}`;
  }

  import(i: Import): string {
    return `{${i.alias !== undefined ? `"alias":${goJsonString(i.alias)},` : ''}"path":${this.term(i.path)}}`;
  }

  comment(c: Comment): string {
    const l = c.location;
    return `{"Text":"${base64Utf8(c.text)}","Location":{"file":${goJsonString(l.file)},"row":${l.line},"col":${l.col}}}`;
  }
}

/** OPA's `head.name`: the rule's single var when its head has one, else absent. */
function headName(r: Rule): string | undefined {
  const first = r.head.ref[0];
  return first?.type === 'var' && r.name === first.name ? r.name : undefined;
}

/**
 * The JSON text OPA v1.22.3 produces for `module` — `opa parse --format json` (compact, same
 * keys in the same order) and the value of `rego.parse_module` — without locations or
 * annotations. Throws {@link OpaAstJsonError} where OPA's encoder fails too (a number such as
 * `.5` that is not JSON).
 */
export function toOpaAstJson(module: Module, options: OpaAstJsonOptions = {}): string {
  const comments = options.comments === false ? [] : module.comments;
  const w = new Writer(module, module.comments);
  const path = [`{"type":"var","value":"data"}`, ...module.package.path.map((p) => `{"type":"string","value":${goJsonString(p)}}`)];
  let s = `{"package":{"path":[${path.join(',')}]}`;
  if (module.imports.length > 0) s += `,"imports":[${module.imports.map((i) => w.import(i)).join(',')}]`;
  if (module.rules.length > 0) s += `,"rules":[${module.rules.map((r) => w.rule(r, headName(r))).join(',')}]`;
  if (comments.length > 0) s += `,"comments":[${comments.map((c) => w.comment(c)).join(',')}]`;
  return s + '}';
}
