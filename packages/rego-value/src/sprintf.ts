/**
 * Go's `fmt.Sprintf` as OPA's `sprintf` built-in uses it: integer numbers become Go `int`
 * (or `*big.Int`), other numbers `float64`, strings stay strings and every other value is
 * passed as its term text (so `%v` of `[1]` is `[1]`, and `%d` of a set is a `%!d(string=…)`).
 */
import { goCanBackquote, goQuote, formatValue } from './format.js';
import { BigNum, isInteger, toBigInt, toFloat, numberText } from './number.js';
import { isNumber, type Value } from './value.js';

type GoArg =
  | { readonly t: 'int'; readonly v: bigint; readonly big: boolean }
  | { readonly t: 'float64'; readonly v: number }
  | { readonly t: 'string'; readonly v: string };

function toGoArg(v: Value): GoArg {
  if (isNumber(v)) {
    // A JS double past 1e21 reaches OPA as JSON text with an exponent (`1e+21`), which OPA formats as a float.
    // So does a number whose kept text is not an integer's (`1e+21` from input).
    const floatText = v instanceof BigNum && v.text !== undefined && !/^-?\d+$/.test(v.text);
    if (isInteger(v) && !floatText && !(typeof v === 'number' && Math.abs(v) >= 1e21)) {
      const b = toBigInt(v) as bigint;
      return { t: 'int', v: b, big: b > 9223372036854775807n || b < -9223372036854775808n };
    }
    const f = toFloat(v);
    if (Number.isFinite(f)) return { t: 'float64', v: f };
    return { t: 'string', v: numberText(v) };
  }
  if (typeof v === 'string') return { t: 'string', v };
  return { t: 'string', v: formatValue(v) };
}

interface Spec {
  minus: boolean;
  plus: boolean;
  space: boolean;
  zero: boolean;
  sharp: boolean;
  width: number | undefined;
  prec: number | undefined;
}

function typeLabel(a: GoArg): string {
  // OPA v1 passes integers to fmt as int64 (util.Atoi64), larger ones as *big.Int.
  return a.t === 'int' ? (a.big ? '*big.Int' : 'int64') : a.t;
}

/** The rune Go's `%c`/`%q` print for an integer: U+FFFD for negatives, surrogates and values past U+10FFFF. */
function goRune(v: bigint): number {
  return v < 0n || v > 0x10ffffn || (v >= 0xd800n && v <= 0xdfffn) ? 0xfffd : Number(v);
}

function pad(s: string, sp: Spec, numeric: boolean): string {
  if (sp.width === undefined || s.length >= sp.width) return s;
  const n = sp.width - [...s].length;
  if (n <= 0) return s;
  if (sp.minus) return s + ' '.repeat(n);
  if (sp.zero && numeric) {
    const signed = s[0] === '-' || s[0] === '+' || s[0] === ' ';
    return signed ? s[0] + '0'.repeat(n) + s.slice(1) : '0'.repeat(n) + s;
  }
  return ' '.repeat(n) + s;
}

function signOf(neg: boolean, sp: Spec): string {
  return neg ? '-' : sp.plus ? '+' : sp.space ? ' ' : '';
}

function fmtInt(v: bigint, verb: string, sp: Spec): string | undefined {
  const neg = v < 0n;
  const m = neg ? -v : v;
  let digits: string;
  let prefix = '';
  switch (verb) {
    case 'v':
    case 'd':
      digits = m.toString(10);
      break;
    case 'b':
      digits = m.toString(2);
      if (sp.sharp) prefix = '0b';
      break;
    case 'o':
      digits = m.toString(8);
      if (sp.sharp) prefix = '0';
      break;
    case 'O':
      digits = m.toString(8);
      prefix = '0o';
      break;
    case 'x':
      digits = m.toString(16);
      if (sp.sharp) prefix = '0x';
      break;
    case 'X':
      digits = m.toString(16).toUpperCase();
      if (sp.sharp) prefix = '0X';
      break;
    case 'c':
      return pad(String.fromCodePoint(goRune(v)), sp, false);
    case 'q': {
      const r = goRune(v);
      return pad(goQuote(String.fromCodePoint(r), "'", sp.plus), sp, false);
    }
    case 'U':
      // Go formats the value as a uint64: a negative one wraps around.
      return pad('U+' + (neg ? (1n << 64n) + v : v).toString(16).toUpperCase().padStart(4, '0'), sp, false);
    default:
      return undefined;
  }
  if (sp.prec !== undefined) {
    if (sp.prec === 0 && m === 0n) digits = '';
    digits = digits.padStart(sp.prec, '0');
    return pad(signOf(neg, sp) + prefix + digits, { ...sp, zero: false }, true);
  }
  return pad(signOf(neg, sp) + prefix + digits, sp, true);
}

/** Go's two-digit (at least) exponent form of JS exponential text. */
function goExp(s: string, upper: boolean): string {
  const i = s.indexOf('e');
  const mant = s.slice(0, i);
  const sign = s[i + 1] === '-' ? '-' : '+';
  const digits = s.slice(i + 2).padStart(2, '0');
  return mant + (upper ? 'E' : 'e') + sign + digits;
}

function fixed(x: number, prec: number): string {
  if (Math.abs(x) < 1e21) return x.toFixed(Math.min(prec, 100));
  const int = BigInt(x).toString();
  return prec > 0 ? int + '.' + '0'.repeat(prec) : int;
}

/** `strconv.FormatFloat(x, 'g', prec, 64)` (prec -1 = shortest). */
function fmtG(x: number, prec: number, upper: boolean, sharp: boolean): string {
  if (x === 0) return prec > 0 && sharp ? '0.' + '0'.repeat(prec - 1) : '0';
  const shortest = prec < 0;
  const e = shortest ? x.toExponential() : x.toExponential(Math.max(prec, 1) - 1);
  const [mantText, expText] = e.split('e') as [string, string];
  const exp = Number(expText);
  const nd = mantText.replace('-', '').replace('.', '').length;
  let eprec = shortest ? 6 : Math.max(prec, 1);
  if (!shortest && eprec > nd && nd >= exp + 1) eprec = nd;
  if (exp < -4 || exp >= eprec) return goExp(e, upper);
  const fracDigits = Math.max(nd - (exp + 1), 0);
  return x.toFixed(fracDigits);
}

function fmtFloat(x: number, verb: string, sp: Spec): string | undefined {
  const neg = x < 0 || Object.is(x, -0);
  const a = Math.abs(x);
  let body: string;
  switch (verb) {
    case 'v':
    case 'g':
    case 'G':
      body = fmtG(a, sp.prec ?? -1, verb === 'G', sp.sharp);
      break;
    case 'e':
    case 'E':
      body = goExp(a.toExponential(Math.min(sp.prec ?? 6, 100)), verb === 'E');
      break;
    case 'f':
    case 'F':
      body = fixed(a, sp.prec ?? 6);
      break;
    default:
      return undefined;
  }
  return pad(signOf(neg, sp) + body, sp, true);
}

function utf8Hex(s: string, upper: boolean, sp: Spec): string {
  const bytes = new TextEncoder().encode(s);
  let out = '';
  for (const b of bytes) {
    if (sp.space && out) out += ' ';
    out += b.toString(16).padStart(2, '0');
  }
  return upper ? out.toUpperCase() : out;
}

function fmtString(s: string, verb: string, sp: Spec): string | undefined {
  if (sp.prec !== undefined && (verb === 's' || verb === 'v' || verb === 'q')) s = [...s].slice(0, sp.prec).join('');
  switch (verb) {
    case 'v':
    case 's':
      return pad(s, sp, false);
    case 'q':
      return pad(sp.sharp && goCanBackquote(s) ? '`' + s + '`' : goQuote(s, '"', sp.plus), sp, false);
    case 'x':
    case 'X':
      return pad(utf8Hex(s, verb === 'X', sp), sp, false);
    default:
      return undefined;
  }
}

function fmtArgV(a: GoArg): string {
  if (a.t === 'int') return a.v.toString();
  if (a.t === 'float64') return fmtG(a.v, -1, false, false);
  return a.v;
}

function formatArg(a: GoArg, verb: string, sp: Spec): string {
  let out: string | undefined;
  if (a.t === 'int' && a.big) {
    // A *big.Int formats itself (math/big's Int.Format): %s and %v are decimal, unknown verbs name `big.Int`.
    if ('bdoOsvxX'.includes(verb)) out = fmtInt(a.v, verb === 's' || verb === 'v' ? 'd' : verb, sp);
    else return `%!${verb}(big.Int=${a.v.toString()})`;
  } else if (a.t === 'int') out = fmtInt(a.v, verb, sp);
  else if (a.t === 'float64') out = fmtFloat(a.v, verb, sp);
  else out = fmtString(a.v, verb, sp);
  return out ?? `%!${verb}(${typeLabel(a)}=${fmtArgV(a)})`;
}

/** Go's `fmt.Sprintf(format, args...)` over Rego values, as OPA's `sprintf` calls it. */
export function sprintf(format: string, args: readonly Value[]): string {
  const goArgs = args.map(toGoArg);
  let out = '';
  let argi = 0;
  let i = 0;
  const n = format.length;
  while (i < n) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    if (i >= n) {
      out += '%!(NOVERB)';
      break;
    }
    const sp: Spec = { minus: false, plus: false, space: false, zero: false, sharp: false, width: undefined, prec: undefined };
    for (; i < n; i++) {
      const c = format[i];
      if (c === '-') sp.minus = true;
      else if (c === '+') sp.plus = true;
      else if (c === ' ') sp.space = true;
      else if (c === '0') sp.zero = !sp.minus;
      else if (c === '#') sp.sharp = true;
      else break;
    }
    const readNum = (): number | undefined => {
      if (format[i] === '*') {
        i++;
        const a = goArgs[argi++];
        return a && a.t === 'int' ? Number(a.v) : undefined;
      }
      const s = i;
      while (i < n && format.charCodeAt(i) >= 48 && format.charCodeAt(i) <= 57) i++;
      return i > s ? Number(format.slice(s, i)) : undefined;
    };
    sp.width = readNum();
    if (format[i] === '.') {
      i++;
      sp.prec = readNum() ?? 0;
    }
    if (i >= n) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i) as number);
    i += verb.length;
    if (verb === '%') {
      out += '%';
      continue;
    }
    const a = goArgs[argi++];
    if (!a) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    if (verb === 't') {
      out += a.t === 'int' && a.big ? `%!t(big.Int=${a.v.toString()})` : `%!t(${typeLabel(a)}=${fmtArgV(a)})`;
      continue;
    }
    out += formatArg(a, verb, sp);
  }
  if (argi < goArgs.length) {
    out +=
      '%!(EXTRA ' +
      goArgs
        .slice(argi)
        .map((a) => `${typeLabel(a)}=${fmtArgV(a)}`)
        .join(', ') +
      ')';
  }
  return out;
}
