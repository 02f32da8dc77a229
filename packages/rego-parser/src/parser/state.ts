import { caretExcerpt, type ParseError } from '../errors.js';
import type { Location } from '../location.js';
import type { Term } from '../ast.js';
import type { Token } from '../lexer/tokens.js';
import { LineTable } from '../lines.js';

/** Keywords of both Rego versions that are always reserved by the scanner. */
export const BASE_KEYWORDS: ReadonlySet<string> = new Set([
  'package',
  'import',
  'as',
  'default',
  'else',
  'not',
  'some',
  'with',
  'null',
  'true',
  'false',
]);
/** Future keywords of Rego v0 (built into v1). */
export const FUTURE_V0 = ['in', 'every', 'contains', 'if'] as const;
/** Future keywords of Rego v1. */
export const FUTURE_V1 = ['not', 'and', 'or'] as const;
/** Every future keyword. */
export const ALL_FUTURE: ReadonlySet<string> = new Set([...FUTURE_V0, ...FUTURE_V1]);
/** Keywords per version (names that cannot be rule names, import ends, aliases). */
export const KEYWORDS_V0: ReadonlySet<string> = new Set(BASE_KEYWORDS);
/** Keywords of Rego v1. */
export const KEYWORDS_V1: ReadonlySet<string> = new Set([...BASE_KEYWORDS, 'if', 'contains', 'in', 'every']);

/** Snapshot of the scanning position (for backtracking). */
export interface Snapshot {
  readonly i: number;
  readonly ws: boolean;
  readonly override: string | undefined;
  readonly errors: number;
  readonly hints: number;
  readonly lastEnd: number;
  readonly skippedNL: boolean;
}

const MAX_DEPTH = 2000;

/**
 * Scanner state shared by the parser: the current token (`tok`), one-token whitespace
 * look (OPA's scanWS), save/restore, error collection with excerpts.
 */
export class ParserState {
  i = 0;
  /** Furthest token index reached (for error recovery). */
  maxI = 0;
  /** The current token is the (virtual) whitespace before `toks[i]`. */
  ws = false;
  /** Token kind forced by the parser (OPA reclassifies keywords as identifiers). */
  override: string | undefined;
  errors: ParseError[] = [];
  hints: string[] = [];
  lastEnd = 0;
  skippedNL = false;
  /** Extra keywords enabled (future imports, v1 defaults). */
  readonly keywords = new Set<string>();
  notBodies = false;
  depth = 0;
  termCache = new Map<number, { term: Term; after: Snapshot; errors: ParseError[] }>();
  /** Line starts of `src`, built once. */
  readonly lines: LineTable;

  constructor(
    readonly toks: readonly Token[],
    readonly src: string,
    readonly file: string,
    readonly regoVersion: 'v0' | 'v1',
  ) {
    this.lines = new LineTable(src);
  }

  /** The current token. */
  get t(): Token {
    return this.toks[this.i] as Token;
  }

  /** Kind of the current token: `ws`, a keyword name, or the lexical kind. */
  tok(): string {
    if (this.ws) return 'ws';
    if (this.override !== undefined) return this.override;
    const t = this.t;
    if (t.kind === 'ident' && (BASE_KEYWORDS.has(t.text) || this.keywords.has(t.text))) return t.text;
    return t.kind;
  }

  /** Literal text of the current token. */
  get lit(): string {
    return this.ws ? ' ' : this.t.text;
  }

  isKeyword(s: string): boolean {
    return BASE_KEYWORDS.has(s) || this.keywords.has(s);
  }

  loc(): Location {
    const t = this.t;
    if (this.ws) {
      // Whitespace starts right after the previous token.
      const prev = this.toks[this.i - 1];
      const off = prev ? prev.end : 0;
      return this.locAt(off);
    }
    return { file: this.file, line: t.line, col: t.col, offset: t.offset, end: t.end };
  }

  /** Location of a 0-based offset (an empty span there), through the line table. */
  locAt(offset: number): Location {
    const { line, col } = this.lines.position(offset);
    return { file: this.file, line, col, offset, end: offset };
  }

  /** Moves to the next token; with `skipws` false, stops on whitespace first. */
  doScan(skipws: boolean): void {
    this.override = undefined;
    if (!this.ws) {
      this.lastEnd = this.t.end;
      this.skippedNL = false;
    }
    if (this.ws) {
      this.ws = false;
    } else {
      if (this.t.kind !== 'eof') this.i++;
      if (this.i > this.maxI) this.maxI = this.i;
      if (!skipws && this.t.ws) this.ws = true;
    }
    if (this.t.nl) this.skippedNL = true;
    if (!this.ws && this.t.errors) {
      for (const e of this.t.errors) this.error(this.loc(), e.message);
    }
  }
  scan(): void {
    this.doScan(true);
  }
  scanWS(): void {
    this.doScan(false);
  }

  save(): Snapshot {
    return {
      i: this.i,
      ws: this.ws,
      override: this.override,
      errors: this.errors.length,
      hints: this.hints.length,
      lastEnd: this.lastEnd,
      skippedNL: this.skippedNL,
    };
  }
  restore(s: Snapshot): void {
    this.i = s.i;
    this.ws = s.ws;
    this.override = s.override;
    this.errors.length = Math.min(this.errors.length, s.errors);
    this.hints.length = Math.min(this.hints.length, s.hints);
    this.lastEnd = s.lastEnd;
    this.skippedNL = s.skippedNL;
  }

  /** Peeks at the kind of the token after the current one (whitespace-aware). */
  peekWS(): string {
    const s = this.save();
    this.scanWS();
    const k = this.tok();
    this.restore(s);
    return k;
  }
  peek(): string {
    const s = this.save();
    this.scan();
    const k = this.tok();
    this.restore(s);
    return k;
  }

  hint(h: string): void {
    this.hints.push(h);
  }

  error(loc: Location, message: string): void {
    const msg = this.hints.length === 0 ? message : `${message} (hint${this.hints.length > 1 ? 's' : ''}: ${this.hints.join(', ')})`;
    this.hints = [];
    this.errors.push({ code: 'rego_parse_error', message: msg, location: loc, excerpt: caretExcerpt(this.src, loc.offset) });
  }

  /** OPA's `illegal`: "unexpected <tok> token[: note]". */
  illegal(note = ''): void {
    const k = this.tok();
    if (k === 'illegal') {
      this.error(this.loc(), 'illegal token');
      return;
    }
    const name = tokenName(k);
    const type = BASE_KEYWORDS.has(k) || ALL_FUTURE.has(k) ? 'keyword' : 'token';
    this.error(this.loc(), note ? `unexpected ${name} ${type}: ${note}` : `unexpected ${name} ${type}`);
  }

  enter(): boolean {
    this.depth++;
    if (this.depth > MAX_DEPTH) {
      this.error(this.loc(), 'max parsing recursion depth reached');
      this.depth--;
      return false;
    }
    return true;
  }
  leave(): void {
    this.depth--;
  }

  /** Whether `keywords_in_refs` lets keyword `k` appear as a ref part / rule name. */
  isAllowedRefKeyword(k: string): boolean {
    return (this.regoVersion === 'v1' ? KEYWORDS_V1 : KEYWORDS_V0).has(k) || (k !== 'ident' && this.isKeyword(k));
  }
}

const NAMES: Record<string, string> = {
  ident: 'identifier',
  eof: 'eof',
  ws: 'whitespace',
  number: 'number',
  string: 'string',
  rawstring: 'string',
  'tmpl-part': 'template-string-part',
  'tmpl-end': 'template-string-end',
  'rawtmpl-part': 'raw-template-string-part',
  'rawtmpl-end': 'raw-template-string-end',
  '+': 'plus',
  '-': 'minus',
  '*': 'mul',
  '/': 'div',
  '%': 'rem',
  '&': 'and',
  '|': 'or',
  '=': 'eq',
  '==': 'equal',
  ':=': 'assign',
  '!=': 'neq',
  '>': 'gt',
  '<': 'lt',
  '>=': 'gte',
  '<=': 'lte',
};

/** OPA's name of a token kind in messages. */
export function tokenName(k: string): string {
  return NAMES[k] ?? k;
}
