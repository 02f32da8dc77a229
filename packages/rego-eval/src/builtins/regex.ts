/**
 * OPA's `regex.*` family (`topdown/regex.go`, `topdown/regex_template.go`) over re2js, the
 * JavaScript port of RE2: Go's `regexp` syntax (not ECMAScript), linear-time matching and Go's
 * error texts (`error parsing regexp: missing closing ): `(``). `regex.split`, `regex.replace`
 * (with Go's `$1`/`${name}` expansion) and the `find` built-ins follow Go's `Split`,
 * `ReplaceAllString` and `FindAll*` (empty matches next to a previous match are dropped).
 * `regex.globs_match` is a port of `github.com/yashtewari/glob-intersection` (OPA's library),
 * including its heuristics and error texts. Compiled patterns are kept in a bounded cache.
 * The deprecated `re_match` (Rego v0 only) is `regex.match`.
 */
import { RE2JS } from 're2js';
import { goQuote, type Value } from '@policy-engine/rego-value';
import { argString, type BuiltinDef } from './registry.js';
import { fail, intOperand } from './util.js';

/** The part of re2js's Go-like `RE2` object this file uses (re2js types it loosely). */
interface GoRegexp {
  findAllSubmatchIndex(s: string, n: number): number[][] | null;
  match(s: string): boolean;
}

/** A compiled pattern: Go's regexp API and the names of its groups. */
export interface CompiledRegex {
  readonly re: GoRegexp;
  /** Capture group indices by name, in order (Go allows a name more than once). */
  readonly names: ReadonlyMap<string, readonly number[]>;
}

const CACHE_MAX = 100;
const cache = new Map<string, CompiledRegex | Error>();

/**
 * Renames every validly named group `(?P<x>` / `(?<x>` to `(?P<gN>` (N counting them), so that
 * re2js, which refuses a name used twice, compiles what Go accepts. Escapes, `\Q…\E` and
 * character classes are copied as they are. Returns the new pattern, the original names and openers.
 */
function renameGroups(p: string): { pattern: string; names: string[]; openers: string[] } {
  let out = '';
  const names: string[] = [];
  const openers: string[] = [];
  let i = 0;
  while (i < p.length) {
    const c = p[i] as string;
    if (c === '\\') {
      if (p[i + 1] === 'Q') {
        const e = p.indexOf('\\E', i + 2);
        const stop = e < 0 ? p.length : e + 2;
        out += p.slice(i, stop);
        i = stop;
      } else {
        out += p.slice(i, i + 2);
        i += 2;
      }
      continue;
    }
    if (c === '[') {
      let j = i + 1;
      if (p[j] === '^') j++;
      if (p[j] === ']') j++;
      while (j < p.length && p[j] !== ']') {
        if (p[j] === '\\') j += 2;
        else if (p.startsWith('[:', j)) {
          const e = p.indexOf(':]', j + 2);
          j = e < 0 ? j + 1 : e + 2;
        } else j++;
      }
      out += p.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    const named = p.startsWith('(?P<', i) ? 4 : p.startsWith('(?<', i) && p[i + 3] !== '=' && p[i + 3] !== '!' ? 3 : 0;
    if (named > 0) {
      const close = p.indexOf('>', i + named);
      // Only valid names (Go's isValidCaptureName); re2js reports the others as Go does.
      if (close >= 0 && /^[A-Za-z0-9_]+$/.test(p.slice(i + named, close))) {
        names.push(p.slice(i + named, close));
        openers.push(p.slice(i, close + 1));
        out += `(?P<g${names.length}>`;
        i = close + 1;
        continue;
      }
    }
    out += c;
    i++;
  }
  return { pattern: out, names, openers };
}

function compileUncached(pattern: string): CompiledRegex {
  let compiled: RE2JS;
  let original: string[] | undefined;
  try {
    compiled = RE2JS.compile(pattern);
  } catch (e) {
    if (!(e instanceof Error) || !e.message.includes('duplicate capture group name')) throw e;
    const renamed = renameGroups(pattern);
    try {
      compiled = RE2JS.compile(renamed.pattern);
    } catch (e2) {
      // Another error: Go's text quotes the pattern as written, so the renamed openers go back.
      const message = e2 instanceof Error ? e2.message : String(e2);
      throw new Error(message.replace(/\(\?P<g(\d+)>/g, (text, n: string) => renamed.openers[Number(n) - 1] ?? text));
    }
    original = renamed.names;
  }
  const names = new Map<string, number[]>();
  for (const [n, index] of Object.entries(compiled.namedGroups()).sort((a, b) => a[1] - b[1])) {
    const name = original ? (original[Number(n.slice(1)) - 1] as string) : n;
    names.set(name, [...(names.get(name) ?? []), index]);
  }
  return { re: compiled.re2(), names };
}

/**
 * Compiles `pattern` with Go's `regexp.Compile` syntax (through re2js), or throws an `Error`
 * with Go's text. Results (and errors) are cached, at most 100 patterns (oldest dropped first).
 */
export function compileRegex(pattern: string): CompiledRegex {
  let hit = cache.get(pattern);
  if (hit === undefined) {
    try {
      hit = compileUncached(pattern);
    } catch (e) {
      hit = e instanceof Error ? new Error(e.message) : new Error(String(e));
    }
    if (cache.size >= CACHE_MAX) {
      const oldest = cache.keys().next();
      if (oldest.done !== true) cache.delete(oldest.value);
    }
    cache.set(pattern, hit);
  }
  if (hit instanceof Error) throw hit;
  return hit;
}

function regexOf(name: string, pattern: string): CompiledRegex {
  try {
    return compileRegex(pattern);
  } catch (e) {
    throw fail(name, (e as Error).message);
  }
}

/** Go's `FindAllStringSubmatchIndex(s, n)` (`n < 0`: all). */
function findAll(re: CompiledRegex, s: string, n: number): number[][] {
  if (n === 0) return [];
  return re.re.findAllSubmatchIndex(s, n < 0 ? s.length + 1 : n) ?? [];
}

/** Go's `Regexp.Split(s, -1)`. */
function split(re: CompiledRegex, pattern: string, s: string): string[] {
  if (pattern.length > 0 && s.length === 0) return [''];
  const out: string[] = [];
  let beg = 0;
  let end = 0;
  for (const m of findAll(re, s, -1)) {
    end = m[0] as number;
    if ((m[1] as number) !== 0) out.push(s.slice(beg, end));
    beg = m[1] as number;
  }
  if (end !== s.length) out.push(s.slice(beg));
  return out;
}

function isNameChar(c: string): boolean {
  return /^[\p{L}\p{Nd}_]$/u.test(c);
}

/** Go's `regexp.extract`: a `$name` / `${name}` reference at the start of `str`. */
function extract(str: string): { name: string; num: number; rest: string } | undefined {
  let s = str;
  if (s === '') return undefined;
  const brace = s[0] === '{';
  if (brace) s = s.slice(1);
  let i = 0;
  while (i < s.length) {
    const c = String.fromCodePoint(s.codePointAt(i) as number);
    if (!isNameChar(c)) break;
    i += c.length;
  }
  if (i === 0) return undefined;
  const name = s.slice(0, i);
  if (brace) {
    if (i >= s.length || s[i] !== '}') return undefined;
    i++;
  }
  let num = 0;
  for (let k = 0; k < name.length; k++) {
    const d = name.charCodeAt(k) - 48;
    if (d < 0 || d > 9 || num >= 1e8) {
      num = -1;
      break;
    }
    num = num * 10 + d;
  }
  if (name[0] === '0' && name.length > 1) num = -1;
  return { name, num, rest: s.slice(i) };
}

/** Go's `Regexp.expand`: the template with `$n`, `${n}`, `$name`, `${name}`, `$$` filled in. */
function expand(re: CompiledRegex, template: string, src: string, m: readonly number[]): string {
  let out = '';
  let t = template;
  for (;;) {
    const at = t.indexOf('$');
    if (at < 0) break;
    out += t.slice(0, at);
    t = t.slice(at + 1);
    if (t.startsWith('$')) {
      out += '$';
      t = t.slice(1);
      continue;
    }
    const ref = extract(t);
    if (!ref) {
      out += '$';
      continue;
    }
    t = ref.rest;
    // A number is that group; a name is the first group of that name that matched.
    const groups = ref.num >= 0 ? [ref.num] : (re.names.get(ref.name) ?? []);
    const group = groups.find((g) => 2 * g + 1 < m.length && (m[2 * g] as number) >= 0);
    if (group !== undefined) out += src.slice(m[2 * group], m[2 * group + 1]);
  }
  return out + t;
}

/** Go's `ReplaceAllString`. */
function replaceAll(re: CompiledRegex, src: string, template: string): string {
  let out = '';
  let last = 0;
  for (const m of findAll(re, src, -1)) {
    out += src.slice(last, m[0]) + expand(re, template, src, m);
    last = m[1] as number;
  }
  return out + src.slice(last);
}

/** Go's `regexp.QuoteMeta`. */
function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/** OPA's `delimiterIndices` (byte-wise; the delimiters are single bytes). */
function delimiterIndices(s: string, start: string, end: string): number[] {
  let level = 0;
  let idx = 0;
  const idxs: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === start) {
      if (++level === 1) idx = i;
    } else if (c === end) {
      if (--level === 0) idxs.push(idx, i + 1);
      else if (level < 0) throw new Error(`unbalanced braces in ${goQuote(s)}`);
    }
  }
  if (level !== 0) throw new Error(`unbalanced braces in ${goQuote(s)}`);
  return idxs;
}

/** OPA's `generateRegexTemplate`: `^` + quoted text and `(pattern)` groups + `$`. */
function templateRegex(tpl: string, start: string, end: string): string {
  const idxs = delimiterIndices(tpl, start, end);
  let pattern = '^';
  let last = 0;
  for (let i = 0; i < idxs.length; i += 2) {
    const raw = tpl.slice(last, idxs[i]);
    last = idxs[i + 1] as number;
    const patt = tpl.slice((idxs[i] as number) + 1, last - 1);
    pattern += `${quoteMeta(raw)}(${patt})`;
    compileRegex(`^${patt}$`);
  }
  return pattern + quoteMeta(tpl.slice(last)) + '$';
}

const utf8 = new TextEncoder();

// ---- github.com/yashtewari/glob-intersection (v0.2.0), as OPA uses it for regex.globs_match ----

const FLAG_NONE = 0;
const FLAG_PLUS = 1;
const FLAG_STAR = 2;
const TT_CHAR = 0;
const TT_DOT = 1;
const TT_SET = 2;

interface GToken {
  readonly type: number;
  flag: number;
  readonly rune?: number;
  readonly runes?: ReadonlySet<number>;
}

class GlobInputError extends Error {}

function tokenEqual(a: GToken, b: GToken): boolean {
  if (a.type !== b.type) return false;
  if (a.type === TT_CHAR) return a.rune === b.rune;
  if (a.type === TT_DOT) return true;
  const r1 = a.runes as ReadonlySet<number>;
  const r2 = b.runes as ReadonlySet<number>;
  if (r1.size !== r2.size) return false;
  for (const k of r1) if (!r2.has(k)) return false;
  return true;
}

function tokenMatch(x: GToken, y: GToken): boolean {
  const [t1, t2] = x.type > y.type ? [y, x] : [x, y];
  if (t1.type === TT_CHAR) {
    if (t2.type === TT_CHAR) return t1.rune === t2.rune;
    if (t2.type === TT_DOT) return true;
    return (t2.runes as ReadonlySet<number>).has(t1.rune as number);
  }
  if (t1.type === TT_DOT) return true;
  const b = t2.runes as ReadonlySet<number>;
  for (const k of t1.runes as ReadonlySet<number>) if (b.has(k)) return true;
  return false;
}

/** Go's `fmt.Errorf` for the library's messages: `%s`/`%w` take the arguments in turn. */
function goErrorf(format: string, args: readonly string[], errorArg: string): string {
  let n = 0;
  // The strings are Go `string`s, the last argument is an `error` (`*errors.errorString`).
  const all = [...args, errorArg];
  const out = format.replace(/%([%a-zA-Z])/g, (_text, verb: string) => {
    if (verb === '%') return '%';
    if (n >= all.length) return `%!${verb}(MISSING)`;
    const isError = n === args.length;
    const a = all[n++] as string;
    if (verb === 's' || verb === 'v' || (verb === 'w' && isError)) return a;
    if (verb === 'q') return goQuote(a);
    return isError ? `&{%!${verb}(string=${a})}` : `%!${verb}(string=${a})`;
  });
  if (n >= all.length) return out;
  const extra = all.slice(n).map((a, i) => (n + i === args.length ? `*errors.errorString=&{${a}}` : `string=${a}`));
  return `${out}%!(EXTRA ${extra.join(', ')})`;
}

const INVALID = 'the input provided is invalid';

function inputError(input: readonly number[], index: number, message: string, ...args: string[]): GlobInputError {
  return new GlobInputError(goErrorf(`input:${String.fromCodePoint(...input)}, pos:${index}, ${message}`, args, INVALID));
}

const END = Symbol('end');
type NextRune = { readonly index: number; readonly r: number; readonly escaped: boolean } | typeof END;

function nextRune(index: number, input: readonly number[]): NextRune {
  if (index >= input.length) return END;
  if (input[index] === 0x5c) {
    if (index < input.length - 1) return { index: index + 2, r: input[index + 1] as number, escaped: true };
    throw inputError(input, index, 'input ends with a \\ (escape) character: %w');
  }
  return { index: index + 1, r: input[index] as number, escaped: false };
}

function nextTokenSet(start: number, input: readonly number[]): { index: number; token: GToken } {
  const runes: number[] = [];
  let prev = 0;
  let prevExists = false;
  let complete = false;
  let index = start;
  for (let n = nextRune(index, input); n !== END; n = nextRune(index, input)) {
    index = n.index;
    let r = n.r;
    if (!n.escaped) {
      if (r === 0x2d) {
        if (!prevExists) throw inputError(input, index, "range character '-' must be preceded by a Unicode character: %w");
        if (index >= input.length - 1) throw inputError(input, index, "range character '-' must be followed by a Unicode character: %w");
        const hi = nextRune(index, input);
        if (hi === END) throw inputError(input, index, "range character '-' must be followed by a Unicode character: %w");
        index = hi.index;
        r = hi.r;
        if (!hi.escaped && (r === 0x5d || r === 0x2d))
          throw inputError(input, index, "range character '-' cannot be followed by a special symbol: %w");
        if (r < prev) {
          throw inputError(
            input,
            index,
            "range is out of order: '%s' comes before '%s' in Unicode: %w",
            String.fromCodePoint(r),
            String.fromCodePoint(prev),
          );
        }
        for (let x = prev; x <= r; x++) runes.push(x);
        prevExists = false;
      } else if (r === 0x5d) {
        complete = true;
      } else {
        runes.push(r);
        prev = r;
        prevExists = true;
      }
    } else {
      runes.push(r);
      prev = r;
      prevExists = true;
    }
    if (complete) break;
  }
  if (!complete) throw inputError(input, index, 'found [ without matching ]: %w');
  return {
    index,
    token: { type: TT_SET, flag: FLAG_NONE, runes: new Set(runes) },
  };
}

function flagOf(r: number): number | undefined {
  return r === 0x2b ? FLAG_PLUS : r === 0x2a ? FLAG_STAR : undefined;
}

function tokenize(input: readonly number[]): GToken[] {
  const tokens: GToken[] = [];
  let index = 0;
  for (;;) {
    const n = nextRune(index, input);
    if (n === END) return tokens;
    index = n.index;
    let token: GToken;
    if (!n.escaped && n.r === 0x2e) token = { type: TT_DOT, flag: FLAG_NONE };
    else if (!n.escaped && n.r === 0x5d) throw inputError(input, index, "set-close ']' with no preceding '[': %w");
    else if (!n.escaped && n.r === 0x5b) ({ index, token } = nextTokenSet(index, input));
    else if (!n.escaped && flagOf(n.r) !== undefined) {
      throw inputError(input, index, "flag '%s' must be preceded by a non-flag: %w", String.fromCodePoint(n.r));
    } else token = { type: TT_CHAR, flag: FLAG_NONE, rune: n.r };
    const f = nextRune(index, input);
    if (f !== END && !f.escaped && flagOf(f.r) !== undefined) {
      token.flag = flagOf(f.r) as number;
      index = f.index;
    }
    tokens.push(token);
  }
}

function simplify(tokens: GToken[]): GToken[] {
  if (tokens.length === 0) return tokens;
  const simple: GToken[] = [tokens[0] as GToken];
  let latest = tokens[0] as GToken;
  for (let i = 1; i < tokens.length; i++) {
    const t = tokens[i] as GToken;
    if (t.flag !== FLAG_NONE && latest.flag !== FLAG_NONE && tokenEqual(t, latest)) {
      (simple[simple.length - 1] as GToken).flag = t.flag === FLAG_PLUS || latest.flag === FLAG_PLUS ? FLAG_PLUS : FLAG_STAR;
      continue;
    }
    latest = t;
    simple.push(t);
  }
  return simple;
}

function newGlob(s: string): GToken[] {
  return simplify(tokenize(Array.from(s, (c) => c.codePointAt(0) as number)));
}

function trimGlobs(g1: GToken[], g2: GToken[]): [GToken[], GToken[]] | undefined {
  let l = 0;
  for (; l < g1.length && l < g2.length && (g1[l] as GToken).flag === FLAG_NONE && (g2[l] as GToken).flag === FLAG_NONE; l++) {
    if (!tokenMatch(g1[l] as GToken, g2[l] as GToken)) return undefined;
  }
  if (l > 0) l--;
  let r1 = g1.length - 1;
  let r2 = g2.length - 1;
  for (
    ;
    r1 >= 0 && r1 >= l && r2 >= 0 && r2 >= l && (g1[r1] as GToken).flag === FLAG_NONE && (g2[r2] as GToken).flag === FLAG_NONE;
    r1--, r2--
  ) {
    if (!tokenMatch(g1[r1] as GToken, g2[r2] as GToken)) return undefined;
  }
  if (r1 < g1.length - 1) {
    r1++;
    r2++;
  }
  return [g1.slice(l, r1 + 1), g2.slice(l, r2 + 1)];
}

function intersectNormal(g1: readonly GToken[], g2: readonly GToken[]): boolean {
  let i = 0;
  let j = 0;
  for (; i < g1.length && j < g2.length; i++, j++) {
    const a = g1[i] as GToken;
    const b = g2[j] as GToken;
    if (a.flag === FLAG_NONE && b.flag === FLAG_NONE) {
      if (!tokenMatch(a, b)) return false;
    } else {
      return intersectSpecial(g1.slice(i), g2.slice(j));
    }
  }
  return i === g1.length && j === g2.length;
}

function intersectSpecial(g1: readonly GToken[], g2: readonly GToken[]): boolean {
  const a = g1[0] as GToken;
  if (a.flag !== FLAG_NONE) return a.flag === FLAG_PLUS ? intersectPlus(g1, g2) : intersectStar(g1, g2);
  const b = g2[0] as GToken;
  if (b.flag === FLAG_PLUS) return intersectPlus(g2, g1);
  if (b.flag === FLAG_STAR) return intersectStar(g2, g1);
  return false;
}

function intersectPlus(plussed: readonly GToken[], other: readonly GToken[]): boolean {
  // Callers always pass a non-empty `other` (Go indexes other[0] unchecked).
  if (other.length === 0) return false;
  if (!tokenMatch(plussed[0] as GToken, other[0] as GToken)) return false;
  if (intersectStar(plussed, other.slice(1))) return true;
  return (other[0] as GToken).flag !== FLAG_NONE && intersectNormal(plussed.slice(1), other);
}

function intersectStar(starred: readonly GToken[], other: readonly GToken[]): boolean {
  const star = starred[0] as GToken;
  const next = starred.length > 1 ? (starred[1] as GToken) : undefined;
  for (let i = 0; i < other.length; i++) {
    const t = other[i] as GToken;
    if (next !== undefined && tokenMatch(t, next)) {
      if (intersectNormal(starred.slice(1), other.slice(i))) return true;
      if (!tokenMatch(t, star)) return false;
    } else if (!tokenMatch(t, star)) {
      return false;
    }
  }
  return next === undefined;
}

/** `gintersect.NonEmpty`: whether two globs (regex-like: `.`, `[a-z]`, `+`, `*`, `\`) may match a common string. */
function globsIntersect(lhs: string, rhs: string): boolean {
  const g1 = newGlob(lhs);
  const g2 = newGlob(rhs);
  const trimmed = trimGlobs(g1, g2);
  if (!trimmed) return false;
  return intersectNormal(trimmed[0], trimmed[1]);
}

function regexMatch(name: string): BuiltinDef {
  return {
    name,
    arity: 2,
    fn: (args) => {
      const pattern = argString(name, args, 0);
      const s = argString(name, args, 1);
      return regexOf(name, pattern).re.match(s);
    },
  };
}

/** The built-ins of this family. */
export const builtins: BuiltinDef[] = [
  regexMatch('regex.match'),
  regexMatch('re_match'),
  {
    name: 'regex.is_valid',
    arity: 1,
    fn: ([p]) => {
      if (typeof p !== 'string') return false;
      try {
        compileRegex(p);
        return true;
      } catch {
        return false;
      }
    },
  },
  {
    name: 'regex.split',
    arity: 2,
    fn: (args) => {
      const pattern = argString('regex.split', args, 0);
      const s = argString('regex.split', args, 1);
      return split(regexOf('regex.split', pattern), pattern, s);
    },
  },
  {
    name: 'regex.find_n',
    arity: 3,
    fn: (args) => {
      const pattern = argString('regex.find_n', args, 0);
      const s = argString('regex.find_n', args, 1);
      const n = intOperand('regex.find_n', args[2] as Value, 3);
      return findAll(regexOf('regex.find_n', pattern), s, n).map((m) => s.slice(m[0], m[1]));
    },
  },
  {
    name: 'regex.find_all_string_submatch_n',
    arity: 3,
    fn: (args) => {
      const name = 'regex.find_all_string_submatch_n';
      const pattern = argString(name, args, 0);
      const s = argString(name, args, 1);
      const n = intOperand(name, args[2] as Value, 3);
      return findAll(regexOf(name, pattern), s, n).map((m) => {
        const groups: string[] = [];
        for (let g = 0; 2 * g + 1 < m.length; g++) {
          const a = m[2 * g] as number;
          groups.push(a >= 0 ? s.slice(a, m[2 * g + 1]) : '');
        }
        return groups;
      });
    },
  },
  {
    name: 'regex.replace',
    arity: 3,
    fn: (args) => {
      const base = argString('regex.replace', args, 0);
      const pattern = argString('regex.replace', args, 1);
      const value = argString('regex.replace', args, 2);
      return replaceAll(regexOf('regex.replace', pattern), base, value);
    },
  },
  {
    name: 'regex.template_match',
    arity: 4,
    fn: (args) => {
      const name = 'regex.template_match';
      const pattern = argString(name, args, 0);
      const match = argString(name, args, 1);
      const start = argString(name, args, 2);
      const end = argString(name, args, 3);
      const startLen = utf8.encode(start).length;
      if (startLen !== 1) throw fail(name, `start delimiter has to be exactly one character long but is ${startLen} long`);
      if (utf8.encode(end).length !== 1) throw fail(name, `end delimiter has to be exactly one character long but is ${startLen} long`);
      let re: CompiledRegex;
      try {
        re = compileRegex(templateRegex(pattern, start, end));
      } catch (e) {
        throw fail(name, (e as Error).message);
      }
      return re.re.match(match);
    },
  },
  {
    name: 'regex.globs_match',
    arity: 2,
    fn: (args) => {
      const a = argString('regex.globs_match', args, 0);
      const b = argString('regex.globs_match', args, 1);
      try {
        return globsIntersect(a, b);
      } catch (e) {
        if (e instanceof GlobInputError) throw fail('regex.globs_match', e.message);
        throw e;
      }
    },
  },
];
