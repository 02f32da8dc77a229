/**
 * OPA's string built-ins (`topdown/strings.go`) with Go's string semantics: lengths and
 * offsets in runes (code points), `strings.Replacer` priority rules, `unicode.IsSpace`,
 * Go's simple case mapping, `strings.Split` of an empty separator into runes.
 */
import { RSet, compare, isArray, isInteger, isNumber, sprintf, toBigInt, type Value } from '@policy-engine/rego-value';
import { goFloat, goTrunc } from './gofloat.js';
import { argArray, argObject, argString, type BuiltinDef } from './registry.js';
import { elementError, fail, fromUtf8, intOperand, isASCII, operandError, runes, typeErrorOf, utf8 } from './util.js';

/** Go's `unicode.IsSpace`. */
function isGoSpace(c: number): boolean {
  switch (c) {
    case 0x09:
    case 0x0a:
    case 0x0b:
    case 0x0c:
    case 0x0d:
    case 0x20:
    case 0x85:
    case 0xa0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202f:
    case 0x205f:
    case 0x3000:
      return true;
  }
  return c >= 0x2000 && c <= 0x200a;
}

function goCase(s: string, upper: boolean): string {
  if (isASCII(s)) return upper ? s.toUpperCase() : s.toLowerCase();
  let out = '';
  for (const c of s) {
    const m = upper ? c.toUpperCase() : c.toLowerCase();
    if (Array.from(m).length === 1) out += m;
    else if (!upper && c === '\u0130') out += 'i';
    else out += c; // no simple (one-rune) mapping: Go leaves the rune as it is
  }
  return out;
}

/** Go's `strings.genSplit`: at most `n` parts (`n < 0`: all), an empty separator splits into runes. */
function goSplit(s: string, sep: string, n: number): string[] {
  if (n === 0) return [];
  if (sep === '') {
    const rs = runes(s);
    if (n < 0 || n >= rs.length) return rs;
    return [...rs.slice(0, n - 1), rs.slice(n - 1).join('')];
  }
  const parts = s.split(sep);
  if (n < 0 || parts.length <= n) return parts;
  return [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
}

/** Go's `strings.Count` (an empty substring counts runes + 1). */
function goCount(s: string, sub: string): number {
  if (sub === '') return runes(s).length + 1;
  let n = 0;
  for (let i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + sub.length)) n++;
  return n;
}

/** Go's generic `strings.NewReplacer(pairs...)`: at each position the earliest matching pair wins. */
function goReplace(s: string, pairs: readonly (readonly [string, string])[]): string {
  if (pairs.length === 1 && (pairs[0] as readonly [string, string])[0] !== '') {
    const [o, n] = pairs[0] as readonly [string, string];
    return s.split(o).join(n);
  }
  // Go's replacer walks UTF-8 bytes: an empty key matches between the bytes of a character
  // (leaving invalid UTF-8, which reads back as U+FFFD, as OPA's output shows it).
  const src = utf8(s);
  const keys = pairs.map(([k, v]) => [utf8(k), utf8(v)] as const);
  const out: number[] = [];
  const startsAt = (k: Uint8Array, i: number): boolean => {
    if (i + k.length > src.length) return false;
    for (let j = 0; j < k.length; j++) if (src[i + j] !== k[j]) return false;
    return true;
  };
  let last = 0;
  let prevMatchEmpty = false;
  for (let i = 0; i <= src.length;) {
    let found: readonly [Uint8Array, Uint8Array] | undefined;
    for (const p of keys) {
      if (p[0].length === 0 ? !prevMatchEmpty : startsAt(p[0], i)) {
        found = p;
        break;
      }
    }
    prevMatchEmpty = found !== undefined && found[0].length === 0;
    if (found) {
      for (let j = last; j < i; j++) out.push(src[j] as number);
      out.push(...found[1]);
      i += found[0].length;
      last = i;
      continue;
    }
    i++;
  }
  for (let j = last; j < src.length; j++) out.push(src[j] as number);
  return fromUtf8(Uint8Array.from(out));
}

function trimLeftSet(rs: string[], cut: Set<string>): number {
  let i = 0;
  while (i < rs.length && cut.has(rs[i] as string)) i++;
  return i;
}

function trimRightSet(rs: string[], cut: Set<string>, from: number): number {
  let j = rs.length;
  while (j > from && cut.has(rs[j - 1] as string)) j--;
  return j;
}

function strings2(name: string, args: readonly Value[]): [string, string] {
  return [argString(name, args, 0), argString(name, args, 1)];
}

function stringSlice(name: string, v: Value, pos: number): string[] {
  const xs = isArray(v) ? v : (v as RSet).sorted();
  return xs.map((x) => {
    if (typeof x !== 'string') throw elementError(name, pos, v, x, 'string');
    return x;
  });
}

function affix(name: string, args: readonly Value[], match: (s: string, a: string) => boolean): boolean {
  const a = args[0] as Value;
  const b = args[1] as Value;
  let strs: string[];
  if (typeof a === 'string') strs = [a];
  else if (Array.isArray(a) || a instanceof RSet) strs = stringSlice(name, a, 1);
  else throw typeErrorOf(name, 1, a, 'string', 'set', 'array');
  let bases: string[];
  if (typeof b === 'string') bases = [b];
  else if (Array.isArray(b) || b instanceof RSet) bases = stringSlice(name, b, 2);
  else throw typeErrorOf(name, 2, b, 'string', 'set', 'array');
  return strs.some((s) => bases.some((x) => match(s, x)));
}

function indexOf(base: string, search: string): number {
  if (isASCII(base) && isASCII(search)) return base.indexOf(search);
  const b = runes(base);
  const s = runes(search);
  for (let i = 0; i + s.length <= b.length; i++) {
    let ok = true;
    for (let j = 0; j < s.length && ok; j++) ok = b[i + j] === s[j];
    if (ok) return i;
  }
  return -1;
}

function indexOfN(base: string, search: string): number[] {
  const out: number[] = [];
  if (isASCII(base) && isASCII(search)) {
    for (let i = base.indexOf(search); i >= 0; i = base.indexOf(search, i + 1)) out.push(i);
    return out;
  }
  const b = runes(base);
  const s = runes(search);
  for (let i = 0; i + s.length <= b.length; i++) {
    let ok = true;
    for (let j = 0; j < s.length && ok; j++) ok = b[i + j] === s[j];
    if (ok) out.push(i);
  }
  return out;
}

const BASES: Record<string, number> = { '2': 2, '8': 8, '10': 10, '16': 16 };

/** The built-ins of this family. */
export const builtins: BuiltinDef[] = [
  {
    name: 'concat',
    arity: 2,
    fn: (args) => {
      const sep = argString('concat', args, 0);
      const c = args[1] as Value;
      if (!Array.isArray(c) && !(c instanceof RSet)) throw typeErrorOf('concat', 2, c, 'set', 'array');
      return stringSlice('concat', c, 2).join(sep);
    },
  },
  {
    name: 'contains',
    arity: 2,
    fn: (args) => {
      const [s, sub] = strings2('contains', args);
      return s.includes(sub);
    },
  },
  {
    name: 'startswith',
    arity: 2,
    fn: (args) => {
      const [s, p] = strings2('startswith', args);
      return s.startsWith(p);
    },
  },
  {
    name: 'endswith',
    arity: 2,
    fn: (args) => {
      const [s, p] = strings2('endswith', args);
      return s.endsWith(p);
    },
  },
  {
    name: 'format_int',
    arity: 2,
    fn: (args) => {
      const n = args[0] as Value;
      const b = args[1] as Value;
      if (!isNumber(n)) throw typeErrorOf('format_int', 1, n, 'number');
      if (!isNumber(b)) throw typeErrorOf('format_int', 2, b, 'number');
      const radix = typeof b === 'number' ? BASES[String(b)] : undefined;
      if (radix === undefined) throw operandError('format_int', 2, 'must be one of {2, 8, 10, 16}');
      const i = isInteger(n) ? (toBigInt(n) as bigint) : goTrunc(goFloat(n));
      return i.toString(radix);
    },
  },
  {
    name: 'indexof',
    arity: 2,
    fn: (args) => {
      const [base, search] = strings2('indexof', args);
      if (search === '') throw fail('indexof', 'empty search character');
      return indexOf(base, search);
    },
  },
  {
    name: 'indexof_n',
    arity: 2,
    fn: (args) => {
      const [base, search] = strings2('indexof_n', args);
      if (search === '') throw fail('indexof_n', 'empty search character');
      return indexOfN(base, search);
    },
  },
  { name: 'lower', arity: 1, fn: (args) => goCase(argString('lower', args, 0), false) },
  { name: 'upper', arity: 1, fn: (args) => goCase(argString('upper', args, 0), true) },
  {
    name: 'split',
    arity: 2,
    fn: (args) => {
      const [s, d] = strings2('split', args);
      if (!s.includes(d)) return [s];
      return goSplit(s, d, -1);
    },
  },
  {
    name: 'strings.split_n',
    arity: 3,
    fn: (args) => {
      const [s, d] = strings2('strings.split_n', args);
      const n = intOperand('strings.split_n', args[2] as Value, 3);
      if (n >= 0) return goSplit(s, d, n + 1).slice(0, n);
      const parts = goSplit(s, d, -1);
      return parts.slice(Math.max(parts.length + n, 0));
    },
  },
  {
    name: 'replace',
    arity: 3,
    fn: (args) => {
      const s = argString('replace', args, 0);
      const old = argString('replace', args, 1);
      const n = argString('replace', args, 2);
      return goReplace(s, [[old, n]]);
    },
  },
  {
    name: 'strings.replace_n',
    arity: 2,
    fn: (args) => {
      const patterns = argObject('strings.replace_n', args, 0);
      const s = argString('strings.replace_n', args, 1);
      const pairs: [string, string][] = [];
      for (const k of [...patterns.sortedKeys()].sort(compare)) {
        if (typeof k !== 'string') throw operandError('strings.replace_n', 1, 'non-string key found in pattern object');
        const v = patterns.get(k);
        if (typeof v !== 'string') throw operandError('strings.replace_n', 1, 'non-string value found in pattern object');
        pairs.push([k, v]);
      }
      if (pairs.length === 0) return s;
      return goReplace(s, pairs);
    },
  },
  {
    name: 'strings.reverse',
    arity: 1,
    fn: (args) =>
      runes(argString('strings.reverse', args, 0))
        .reverse()
        .join(''),
  },
  {
    name: 'strings.any_prefix_match',
    arity: 2,
    fn: (args) => affix('strings.any_prefix_match', args, (s, a) => s.startsWith(a)),
  },
  {
    name: 'strings.any_suffix_match',
    arity: 2,
    fn: (args) => affix('strings.any_suffix_match', args, (s, a) => s.endsWith(a)),
  },
  {
    name: 'strings.count',
    arity: 2,
    fn: (args) => {
      const [s, sub] = strings2('strings.count', args);
      return goCount(s, sub);
    },
  },
  {
    name: 'substring',
    arity: 3,
    fn: (args) => {
      const base = argString('substring', args, 0);
      const start = intOperand('substring', args[1] as Value, 2);
      const length = intOperand('substring', args[2] as Value, 3);
      if (start < 0) throw fail('substring', 'negative offset');
      const rs = isASCII(base) ? undefined : runes(base);
      const len = rs ? rs.length : base.length;
      if (start >= len) return '';
      const end = length < 0 ? len : start + Math.min(length, len - start);
      return rs ? rs.slice(start, end).join('') : base.slice(start, end);
    },
  },
  {
    name: 'trim',
    arity: 2,
    fn: (args) => {
      const [s, c] = strings2('trim', args);
      const rs = runes(s);
      const cut = new Set(runes(c));
      const i = trimLeftSet(rs, cut);
      return rs.slice(i, trimRightSet(rs, cut, i)).join('');
    },
  },
  {
    name: 'trim_left',
    arity: 2,
    fn: (args) => {
      const [s, c] = strings2('trim_left', args);
      const rs = runes(s);
      return rs.slice(trimLeftSet(rs, new Set(runes(c)))).join('');
    },
  },
  {
    name: 'trim_right',
    arity: 2,
    fn: (args) => {
      const [s, c] = strings2('trim_right', args);
      const rs = runes(s);
      return rs.slice(0, trimRightSet(rs, new Set(runes(c)), 0)).join('');
    },
  },
  {
    name: 'trim_prefix',
    arity: 2,
    fn: (args) => {
      const [s, p] = strings2('trim_prefix', args);
      return s.startsWith(p) ? s.slice(p.length) : s;
    },
  },
  {
    name: 'trim_suffix',
    arity: 2,
    fn: (args) => {
      const [s, p] = strings2('trim_suffix', args);
      return p !== '' && s.endsWith(p) ? s.slice(0, s.length - p.length) : s;
    },
  },
  {
    name: 'trim_space',
    arity: 1,
    fn: (args) => {
      const s = argString('trim_space', args, 0);
      const rs = runes(s);
      let i = 0;
      let j = rs.length;
      while (i < j && isGoSpace((rs[i] as string).codePointAt(0) as number)) i++;
      while (j > i && isGoSpace((rs[j - 1] as string).codePointAt(0) as number)) j--;
      return rs.slice(i, j).join('');
    },
  },
  {
    name: 'sprintf',
    arity: 2,
    fn: (args) => sprintf(argString('sprintf', args, 0), argArray('sprintf', args, 1)),
  },
];
