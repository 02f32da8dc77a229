/**
 * OPA's `glob.*` family (`topdown/glob.go`) with the semantics of `github.com/gobwas/glob`
 * (v1.1.0, as OPA v1.22.3 vendors it): `*` (any run of non-delimiter characters), `**` (any run),
 * `?` (one non-delimiter character), `[a-z]`, `[!a-z]`, `[abc]`, `[!abc]`, `{a,b}` (nested), `\`
 * escapes. The delimiters are `.` when the argument is an empty array and none when it is `null`.
 * The lexer and parser are ports of the library's (same token rules, same `glob: syntax error at
 * <byte offset>: <reason>` texts); the parsed pattern is matched as an anchored RE2 expression
 * (re2js, linear time). Compiled patterns are kept in a bounded cache.
 */
import { typeName, type Value } from '@policy-engine/rego-value';
import { argString, type BuiltinDef } from './registry.js';
import { compileRegex, type CompiledRegex } from './regex.js';
import { elementError, fail, operandError } from './util.js';

// ---- the library's lexer (syntax/lexer.go) ----

const enum T {
  EOF,
  Error,
  Text,
  Any,
  Super,
  Single,
  Not,
  TermSeparator,
  RangeOpen,
  RangeClose,
  RangeLo,
  RangeHi,
  RangeBetween,
  TermsOpen,
  TermsClose,
}

interface Token {
  readonly type: T;
  readonly data: string;
}

const EOF_RUNE = -1;
const TEXT_BREAKERS = ['?', '*', '[', '{'];
const TERMS_BREAKERS = [...TEXT_BREAKERS, '}', ','];

class Lexer {
  private readonly runes: readonly string[];
  /** Byte offset before each rune (and after the last). */
  private readonly offsets: number[];
  private pos = 0;
  private err: string | undefined;
  private readonly tokens: Token[] = [];
  private termsLevel = 0;
  private lastRune: string | typeof EOF_RUNE = EOF_RUNE;
  private lastRuneSize = 0;
  private hasRune = false;

  constructor(source: string) {
    this.runes = Array.from(source);
    this.offsets = [0];
    let b = 0;
    for (const r of this.runes) {
      const c = r.codePointAt(0) as number;
      b += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
      this.offsets.push(b);
    }
  }

  /** The byte offset reached. */
  offset(): number {
    return this.offsets[this.pos] as number;
  }

  next(): Token {
    for (;;) {
      if (this.err !== undefined) return { type: T.Error, data: this.err };
      const t = this.tokens.shift();
      if (t) return t;
      this.fetchItem();
    }
  }

  private peek(): string | typeof EOF_RUNE {
    return this.pos >= this.runes.length ? EOF_RUNE : (this.runes[this.pos] as string);
  }

  private read(): string | typeof EOF_RUNE {
    if (this.hasRune) {
      this.hasRune = false;
      this.pos += this.lastRuneSize;
      return this.lastRune;
    }
    const r = this.peek();
    const size = r === EOF_RUNE ? 0 : 1;
    this.pos += size;
    this.lastRune = r;
    this.lastRuneSize = size;
    return r;
  }

  private unread(): void {
    if (this.hasRune) {
      this.err = 'could not unread rune';
      return;
    }
    this.pos -= this.lastRuneSize;
    this.hasRune = true;
  }

  private fetchItem(): void {
    const r = this.read();
    if (r === EOF_RUNE) this.tokens.push({ type: T.EOF, data: '' });
    else if (r === '{') {
      this.termsLevel++;
      this.tokens.push({ type: T.TermsOpen, data: r });
    } else if (r === ',' && this.termsLevel > 0) this.tokens.push({ type: T.TermSeparator, data: r });
    else if (r === '}' && this.termsLevel > 0) {
      this.tokens.push({ type: T.TermsClose, data: r });
      this.termsLevel--;
    } else if (r === '[') {
      this.tokens.push({ type: T.RangeOpen, data: r });
      this.fetchRange();
    } else if (r === '?') this.tokens.push({ type: T.Single, data: r });
    else if (r === '*') {
      if (this.read() === '*') this.tokens.push({ type: T.Super, data: '**' });
      else {
        this.unread();
        this.tokens.push({ type: T.Any, data: '*' });
      }
    } else {
      this.unread();
      this.fetchText(this.termsLevel > 0 ? TERMS_BREAKERS : TEXT_BREAKERS);
    }
  }

  private fetchRange(): void {
    let wantHi = false;
    let wantClose = false;
    let seenNot = false;
    for (;;) {
      const r = this.read();
      if (r === EOF_RUNE) {
        this.err = 'unexpected end of input';
        return;
      }
      if (wantClose) {
        if (r !== ']') this.err = 'expected close range character';
        else this.tokens.push({ type: T.RangeClose, data: r });
        return;
      }
      if (wantHi) {
        this.tokens.push({ type: T.RangeHi, data: r });
        wantClose = true;
        continue;
      }
      if (!seenNot && r === '!') {
        this.tokens.push({ type: T.Not, data: r });
        seenNot = true;
        continue;
      }
      if (this.peek() === '-') {
        this.pos += 1;
        this.tokens.push({ type: T.RangeLo, data: r }, { type: T.RangeBetween, data: '-' });
        wantHi = true;
        continue;
      }
      this.unread();
      this.fetchText([']']);
      wantClose = true;
    }
  }

  private fetchText(breakers: readonly string[]): void {
    let data = '';
    let escaped = false;
    for (;;) {
      const r = this.read();
      if (r === EOF_RUNE) {
        if (escaped) this.err = 'trailing backslash';
        break;
      }
      if (!escaped) {
        if (r === '\\') {
          escaped = true;
          continue;
        }
        if (breakers.includes(r)) {
          this.unread();
          break;
        }
      }
      escaped = false;
      data += r;
    }
    if (data.length > 0) this.tokens.push({ type: T.Text, data });
  }
}

// ---- the library's parser (parse.go), to an AST ----

type Node =
  | { readonly k: 'text'; readonly s: string }
  | { readonly k: 'single' }
  | { readonly k: 'any' }
  | { readonly k: 'super' }
  | { readonly k: 'void' }
  | {
      readonly k: 'range';
      readonly lo: number;
      readonly hi: number;
      readonly not: boolean;
    }
  | {
      readonly k: 'set';
      readonly chars: readonly string[];
      readonly not: boolean;
    }
  | { readonly k: 'multi'; readonly items: readonly Node[] }
  | { readonly k: 'alt'; readonly items: readonly Node[] };

class GlobSyntaxError extends Error {
  constructor(offset: number, reason: string) {
    super(`glob: syntax error at ${offset}: ${reason}`);
  }
}

function parseRange(lex: Lexer): Node {
  let not = false;
  let lo = -1;
  let hi = -1;
  let chars: string[] | undefined;
  for (;;) {
    const t = lex.next();
    switch (t.type) {
      case T.EOF:
        throw new GlobSyntaxError(lex.offset(), 'unclosed `[`');
      case T.Error:
        throw new GlobSyntaxError(lex.offset(), t.data);
      case T.Not:
        not = true;
        break;
      case T.RangeLo:
        lo = t.data.codePointAt(0) as number;
        break;
      case T.RangeHi:
        hi = t.data.codePointAt(0) as number;
        if (hi < lo) throw new GlobSyntaxError(lex.offset(), 'range hi character is less than lo');
        break;
      case T.Text:
        chars = Array.from(t.data);
        break;
      case T.RangeClose: {
        const isRange = lo >= 0 && hi >= 0;
        if ((chars !== undefined) === isRange) throw new GlobSyntaxError(lex.offset(), 'could not parse range');
        if (isRange) return { k: 'range', lo, hi, not };
        return { k: 'set', chars: chars as string[], not };
      }
      default:
        break;
    }
  }
}

/** Parses a glob the library's way; throws `GlobSyntaxError`. */
function parseGlob(source: string): Node {
  const OP_TERMS = 0;
  const OP_LIST = 1;
  const stack: Node[] = [];
  const operators: { kind: number; index: number }[] = [];
  const lex = new Lexer(source);
  for (;;) {
    const t = lex.next();
    if (t.type === T.EOF) break;
    switch (t.type) {
      case T.Error:
        throw new GlobSyntaxError(lex.offset(), t.data);
      case T.Single:
        stack.push({ k: 'single' });
        break;
      case T.Text:
        stack.push({ k: 'text', s: t.data });
        break;
      case T.RangeOpen:
        stack.push(parseRange(lex));
        break;
      case T.Any:
        stack.push({ k: 'any' });
        break;
      case T.Super:
        stack.push({ k: 'super' });
        break;
      case T.TermsOpen:
        operators.push({ kind: OP_TERMS, index: stack.length }, { kind: OP_LIST, index: stack.length });
        break;
      case T.TermSeparator: {
        const x = operators[operators.length - 1];
        if (x === undefined) throw new GlobSyntaxError(lex.offset(), 'unexpected `,`');
        if (x.kind === OP_LIST) operators.pop();
        const i = x.index;
        if (i === stack.length) stack.push({ k: 'void' });
        else
          stack.splice(i, stack.length - i, {
            k: 'multi',
            items: stack.slice(i),
          });
        operators.push({ kind: OP_LIST, index: stack.length });
        break;
      }
      case T.TermsClose:
        for (;;) {
          const x = operators.pop();
          if (x === undefined) throw new GlobSyntaxError(lex.offset(), 'unexpected `}`');
          const items = stack.slice(x.index);
          const m: Node = x.kind === OP_TERMS ? { k: 'alt', items } : { k: 'multi', items };
          stack.splice(x.index, stack.length - x.index, m);
          if (x.kind === OP_TERMS) break;
        }
        break;
      default:
        throw new GlobSyntaxError(lex.offset(), `unexpected token ${t.data}`);
    }
  }
  if (operators.length !== 0) throw new GlobSyntaxError(lex.offset(), 'unclosed `{`');
  return { k: 'multi', items: stack };
}

// ---- to RE2 ----

function lit(cp: number): string {
  return `\\x{${cp.toString(16)}}`;
}

function text(s: string): string {
  return Array.from(s, (c) => lit(c.codePointAt(0) as number)).join('');
}

function toRegex(n: Node, notSep: string): string {
  switch (n.k) {
    case 'text':
      return text(n.s);
    case 'single':
      return notSep;
    case 'any':
      return `${notSep}*`;
    case 'super':
      return '.*';
    case 'void':
      return '';
    case 'range':
      return `[${n.not ? '^' : ''}${lit(n.lo)}-${lit(n.hi)}]`;
    case 'set':
      return `[${n.not ? '^' : ''}${n.chars.map((c) => lit(c.codePointAt(0) as number)).join('')}]`;
    case 'multi':
      return n.items.map((x) => toRegex(x, notSep)).join('');
    case 'alt':
      return `(?:${n.items.map((x) => toRegex(x, notSep)).join('|')})`;
  }
}

const CACHE_MAX = 100;
const cache = new Map<string, CompiledRegex | GlobSyntaxError>();

function compileGlob(pattern: string, delimiters: readonly string[]): CompiledRegex {
  const id = `${pattern}-${delimiters.join('')}`;
  let hit = cache.get(id);
  if (hit === undefined) {
    try {
      const ast = parseGlob(pattern);
      const notSep = delimiters.length === 0 ? '.' : `[^${delimiters.map((d) => lit(d.codePointAt(0) as number)).join('')}]`;
      hit = compileRegex(`(?s)^${toRegex(ast, notSep)}$`);
    } catch (e) {
      if (!(e instanceof GlobSyntaxError)) throw e;
      hit = e;
    }
    if (cache.size >= CACHE_MAX) {
      const oldest = cache.keys().next();
      if (oldest.done !== true) cache.delete(oldest.value);
    }
    cache.set(id, hit);
  }
  if (hit instanceof GlobSyntaxError) throw hit;
  return hit;
}

function delimitersOf(v: Value): string[] {
  if (v === null) return [];
  if (!Array.isArray(v)) throw operandError('glob.match', 2, `must be one of {array, null} but got ${typeName(v)}`);
  const out: string[] = [];
  for (const d of v as readonly Value[]) {
    if (typeof d !== 'string') throw elementError('glob.match', 2, v, d, 'string');
    if (Array.from(d).length !== 1) throw elementError('glob.match', 2, v, d, 'rune');
    out.push(d);
  }
  return out.length === 0 ? ['.'] : out;
}

/** gobwas/glob's `QuoteMeta`: a backslash before each of `*?\[]{}`. */
function quoteMeta(s: string): string {
  return s.replace(/[*?\\[\]{}]/g, '\\$&');
}

/** The built-ins of this family. */
export const builtins: BuiltinDef[] = [
  {
    name: 'glob.match',
    arity: 3,
    fn: (args) => {
      const pattern = argString('glob.match', args, 0);
      const delimiters = delimitersOf(args[1] as Value);
      const match = argString('glob.match', args, 2);
      try {
        return compileGlob(pattern, delimiters).re.match(match);
      } catch (e) {
        if (e instanceof GlobSyntaxError) throw fail('glob.match', e.message);
        throw e;
      }
    },
  },
  {
    name: 'glob.quote_meta',
    arity: 1,
    fn: (args) => quoteMeta(argString('glob.quote_meta', args, 0)),
  },
];
