/**
 * Go's `fmt.Sprintf` as OPA's `sprintf` built-in calls it, ported from Go 1.26's `fmt/print.go`,
 * `fmt/format.go`, `strconv/ftoa.go` and `math/big/intconv.go` (the Go OPA v1.22.3 is built with).
 *
 * OPA (`v1/topdown/strings.go`, builtinSprintf) hands each Rego value to fmt as a Go value chosen
 * from its text: a number whose text has `.`, `e` or `E` is a `float64` (or, when it overflows a
 * float64, its text as a `string`), another number an `int64` when it fits and a `*big.Int`
 * otherwise; a string stays a `string`, and every other value (booleans, null, arrays, objects,
 * sets) becomes its term text as a `string` — so `%t` of `true` is `%!t(string=true)`.
 */
import { goCanBackquote, goIsPrint, goQuote, formatValue } from './format.js';
import { numberText } from './number.js';
import { isNumber, type Value } from './value.js';

/** The Go value OPA passes to fmt for a Rego value. */
type GoArg =
  | { readonly t: 'int64'; readonly v: bigint }
  | { readonly t: 'big'; readonly v: bigint }
  | { readonly t: 'float64'; readonly v: number }
  | { readonly t: 'string'; readonly v: string };

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const UINT64 = 1n << 64n;
const MAX_RUNE = 0x10ffff;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** A Go string cannot hold a lone surrogate; OPA reads one as U+FFFD. */
function wellFormed(s: string): string {
  return /[\ud800-\udfff]/.test(s) ? s.replace(LONE_SURROGATE, '\ufffd') : s;
}

function toGoArg(v: Value): GoArg {
  if (isNumber(v)) {
    const ns = numberText(v);
    if (/[.eE]/.test(ns)) {
      // json.Number.Float64 is strconv.ParseFloat: an overflow is an error, and OPA passes the text.
      const f = Number(ns);
      return Number.isFinite(f) ? { t: 'float64', v: f } : { t: 'string', v: ns };
    }
    if (/^[-+]?\d+$/.test(ns)) {
      const b = BigInt(ns);
      return b >= INT64_MIN && b <= INT64_MAX ? { t: 'int64', v: b } : { t: 'big', v: b };
    }
    return { t: 'string', v: ns };
  }
  if (typeof v === 'string') return { t: 'string', v: wellFormed(v) };
  return { t: 'string', v: wellFormed(formatValue(v)) };
}

/** `reflect.TypeOf(arg).String()`. */
function typeString(a: GoArg): string {
  return a.t === 'big' ? '*big.Int' : a.t;
}

/** Code points in `s` (Go's `utf8.RuneCountInString`). */
function runeCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff || i + 1 >= s.length) n++;
    else {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
      n++;
    }
  }
  return n;
}

const utf8Encoder = new TextEncoder();

/** Go's `fmtFlags` plus width and precision. */
interface Flags {
  widPresent: boolean;
  precPresent: boolean;
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  plusV: boolean;
  sharpV: boolean;
  wid: number;
  prec: number;
}

function clearFlags(): Flags {
  return {
    widPresent: false,
    precPresent: false,
    minus: false,
    plus: false,
    sharp: false,
    space: false,
    zero: false,
    plusV: false,
    sharpV: false,
    wid: 0,
    prec: 0,
  };
}

// ---------------------------------------------------------------------------------------------
// strconv.AppendFloat for float64 (verbs b, e, E, f, g, G, x, X), over exact BigInt decimals.

/** A decimal `0.d[0]d[1]… × 10^dp` (Go's `decimal`/`decimalSlice`; `d` has no trailing zeros). */
interface Decimal {
  d: string;
  dp: number;
}

const floatView = new DataView(new ArrayBuffer(8));

function floatBits(x: number): { neg: boolean; exp: number; mant: bigint } {
  const view = floatView;
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  return {
    neg: hi >>> 31 !== 0,
    exp: (hi >>> 20) & 0x7ff,
    mant: (BigInt(hi & 0xfffff) << 32n) | BigInt(lo),
  };
}

function trimZeros(d: string): string {
  let n = d.length;
  while (n > 0 && d.charCodeAt(n - 1) === 48) n--;
  return d.slice(0, n);
}

const pow5s: bigint[] = [];

/** 5^n, cached (n ≤ 1074 + 52 for a float64). */
function pow5(n: number): bigint {
  return (pow5s[n] ??= 5n ** BigInt(n));
}

/** The exact decimal value of `mant × 2^e2`. */
function exactDecimal(mant: bigint, e2: number): Decimal {
  if (mant === 0n) return { d: '', dp: 0 };
  if (e2 >= 0) {
    const s = (mant << BigInt(e2)).toString();
    return { d: trimZeros(s), dp: s.length };
  }
  const s = (mant * pow5(-e2)).toString();
  return { d: trimZeros(s), dp: s.length + e2 };
}

/** Shortest digits that read back as `x` (JS's Number-to-String picks them as Go does). */
function shortestDecimal(x: number): Decimal {
  if (x === 0) return { d: '', dp: 0 };
  const [m, e] = Math.abs(x).toExponential().split('e') as [string, string];
  return { d: trimZeros(m.replace('.', '')), dp: Number(e) + 1 };
}

/** Go's `decimal.Round(nd)`: half to even on the exact value. */
function roundDecimal(a: Decimal, nd: number): Decimal {
  if (nd < 0 || nd >= a.d.length) return a;
  const c = a.d.charCodeAt(nd);
  const up = c === 53 && nd + 1 === a.d.length ? nd > 0 && (a.d.charCodeAt(nd - 1) - 48) % 2 !== 0 : c >= 53;
  if (!up) {
    const d = trimZeros(a.d.slice(0, nd));
    return { d, dp: d.length === 0 ? 0 : a.dp };
  }
  for (let i = nd - 1; i >= 0; i--) {
    const ch = a.d.charCodeAt(i);
    if (ch < 57) return { d: a.d.slice(0, i) + String.fromCharCode(ch + 1), dp: a.dp };
  }
  return { d: '1', dp: a.dp + 1 };
}

function fmtE(neg: boolean, d: Decimal, prec: number, fmt: string): string {
  let out = neg ? '-' : '';
  out += d.d.length !== 0 ? d.d[0] : '0';
  if (prec > 0) {
    out += '.';
    const m = Math.min(d.d.length, prec + 1);
    let i = 1;
    if (i < m) {
      out += d.d.slice(i, m);
      i = m;
    }
    for (; i <= prec; i++) out += '0';
  }
  out += fmt;
  let exp = d.d.length === 0 ? 0 : d.dp - 1;
  out += exp < 0 ? '-' : '+';
  exp = Math.abs(exp);
  return out + (exp < 10 ? '0' + String(exp) : String(exp));
}

function fmtF(neg: boolean, d: Decimal, prec: number): string {
  let out = neg ? '-' : '';
  if (d.dp > 0) {
    const m = Math.min(d.d.length, d.dp);
    out += d.d.slice(0, m) + '0'.repeat(d.dp - m);
  } else out += '0';
  if (prec > 0) {
    out += '.';
    for (let i = 0; i < prec; i++) {
      const j = d.dp + i;
      out += j >= 0 && j < d.d.length ? d.d[j] : '0';
    }
  }
  return out;
}

function formatDigits(shortest: boolean, neg: boolean, digs: Decimal, prec: number, fmt: string): string {
  switch (fmt) {
    case 'e':
    case 'E':
      return fmtE(neg, digs, prec, fmt);
    case 'f':
      return fmtF(neg, digs, prec);
  }
  // 'g', 'G'
  const nd = digs.d.length;
  let eprec = prec;
  if (eprec > nd && nd >= digs.dp) eprec = nd;
  if (shortest) eprec = 6;
  const exp = digs.dp - 1;
  if (exp < -4 || exp >= eprec) {
    if (prec > nd) prec = nd;
    return fmtE(neg, digs, prec - 1, fmt === 'g' ? 'e' : 'E');
  }
  if (prec > digs.dp) prec = nd;
  return fmtF(neg, digs, Math.max(prec - digs.dp, 0));
}

/** `%x`: -0x1.yyyyp±dd (Go's `fmtX`). */
function fmtX(prec: number, fmt: string, neg: boolean, mant0: bigint, exp0: number): string {
  let mant = mant0;
  let exp = mant === 0n ? 0 : exp0;
  const bit60 = 1n << 60n;
  const mask60 = bit60 - 1n;
  mant <<= 60n - 52n;
  while (mant !== 0n && (mant & bit60) === 0n) {
    mant <<= 1n;
    exp--;
  }
  if (prec >= 0 && prec < 15) {
    const shift = BigInt(prec * 4);
    const extra = (mant << shift) & mask60;
    mant >>= 60n - shift;
    if ((extra | (mant & 1n)) > 1n << 59n) mant++;
    mant <<= 60n - shift;
    if ((mant & (1n << 61n)) !== 0n) {
      mant >>= 1n;
      exp++;
    }
  }
  const hex = fmt === 'X' ? '0123456789ABCDEF' : '0123456789abcdef';
  let out = (neg ? '-' : '') + '0' + fmt + String((mant >> 60n) & 1n);
  mant = (mant << 4n) & (UINT64 - 1n);
  if (prec < 0 && mant !== 0n) {
    out += '.';
    while (mant !== 0n) {
      out += hex[Number((mant >> 60n) & 15n)];
      mant = (mant << 4n) & (UINT64 - 1n);
    }
  } else if (prec > 0) {
    out += '.';
    for (let i = 0; i < prec; i++) {
      out += hex[Number((mant >> 60n) & 15n)];
      mant = (mant << 4n) & (UINT64 - 1n);
    }
  }
  out += fmt === 'X' ? 'P' : 'p';
  out += exp < 0 ? '-' : '+';
  exp = Math.abs(exp);
  return out + (exp < 10 ? '0' + String(exp) : String(exp));
}

/** Go's `strconv.FormatFloat(x, fmt, prec, 64)` for a finite `x`. */
function formatFloat(x: number, fmt: string, prec: number): string {
  const bits = floatBits(x);
  let exp = bits.exp;
  let mant = bits.mant;
  if (exp === 0) exp++;
  else mant |= 1n << 52n;
  exp += -1023;
  if (fmt === 'b') {
    const e = exp - 52;
    return (bits.neg ? '-' : '') + mant.toString() + 'p' + (e >= 0 ? '+' : '') + String(e);
  }
  if (fmt === 'x' || fmt === 'X') return fmtX(prec, fmt, bits.neg, mant, exp);
  const shortest = prec < 0;
  if (mant === 0n) return formatDigits(shortest, bits.neg, { d: '', dp: 0 }, prec, fmt);
  if (shortest) {
    const digs = shortestDecimal(x);
    const nd = digs.d.length;
    if (fmt === 'e' || fmt === 'E') prec = Math.max(nd - 1, 0);
    else if (fmt === 'f') prec = Math.max(nd - digs.dp, 0);
    else prec = nd;
    return formatDigits(true, bits.neg, digs, prec, fmt);
  }
  let digs = exactDecimal(mant, exp - 52);
  if (fmt === 'e' || fmt === 'E') digs = roundDecimal(digs, prec + 1);
  else if (fmt === 'f') digs = roundDecimal(digs, digs.dp + prec);
  else {
    if (prec === 0) prec = 1;
    digs = roundDecimal(digs, prec);
  }
  return formatDigits(false, bits.neg, digs, prec, fmt);
}

// ---------------------------------------------------------------------------------------------
// fmt's printer.

class Printer {
  buf = '';
  f: Flags = clearFlags();
  erroring = false;

  // format.go

  private writePadding(n: number): void {
    if (n <= 0) return;
    this.buf += (this.f.zero && !this.f.minus ? '0' : ' ').repeat(n);
  }

  /** Go's `pad`/`padString` (width counts runes). */
  pad(s: string): void {
    const f = this.f;
    if (!f.widPresent || f.wid === 0) {
      this.buf += s;
      return;
    }
    const width = f.wid - runeCount(s);
    if (!f.minus) {
      this.writePadding(width);
      this.buf += s;
    } else {
      this.buf += s;
      this.writePadding(width);
    }
  }

  private withoutZero(fn: () => void): void {
    const oldZero = this.f.zero;
    this.f.zero = false;
    fn();
    this.f.zero = oldZero;
  }

  private fmtBoolean(v: boolean): void {
    this.pad(v ? 'true' : 'false');
  }

  private fmtUnicode(u: bigint): void {
    const f = this.f;
    const prec = f.precPresent && f.prec > 4 ? f.prec : 4;
    let tail = '';
    if (f.sharp && u <= BigInt(MAX_RUNE) && goIsPrint(Number(u))) tail = " '" + String.fromCodePoint(Number(u)) + "'";
    const s = 'U+' + u.toString(16).toUpperCase().padStart(prec, '0') + tail;
    this.withoutZero(() => this.pad(s));
  }

  /** `fmtInteger(u, base, isSigned, verb, digits)`; `v` is the signed value, or the uint64 when `isSigned` is false. */
  fmtInteger(v: bigint, base: number, isSigned: boolean, verb: string, upper: boolean): void {
    const f = this.f;
    const negative = isSigned && v < 0n;
    const u = negative ? -v : v;
    let prec = 0;
    if (f.precPresent) {
      prec = f.prec;
      if (prec === 0 && u === 0n) {
        this.withoutZero(() => this.writePadding(f.wid));
        return;
      }
    } else if (f.zero && !f.minus && f.widPresent) {
      prec = f.wid;
      if (negative || f.plus || f.space) prec--;
    }
    let s = u.toString(base);
    if (upper) s = s.toUpperCase();
    s = s.padStart(prec, '0');
    if (f.sharp) {
      if (base === 2) s = '0b' + s;
      else if (base === 8) {
        if (s[0] !== '0') s = '0' + s;
      } else if (base === 16) s = (upper ? '0X' : '0x') + s;
    }
    if (verb === 'O') s = '0o' + s;
    if (negative) s = '-' + s;
    else if (f.plus) s = '+' + s;
    else if (f.space) s = ' ' + s;
    this.withoutZero(() => this.pad(s));
  }

  private truncateString(s: string): string {
    const f = this.f;
    if (!f.precPresent) return s;
    let n = f.prec;
    let i = 0;
    for (const ch of s) {
      n--;
      if (n < 0) return s.slice(0, i);
      i += ch.length;
    }
    return s;
  }

  fmtS(s: string): void {
    this.pad(this.truncateString(s));
  }

  private fmtSx(s: string, upper: boolean): void {
    const f = this.f;
    const b = utf8Encoder.encode(s);
    let length = b.length;
    if (f.precPresent && f.prec < length) length = f.prec;
    let width = 2 * length;
    if (width > 0) {
      if (f.space) {
        if (f.sharp) width *= 2;
        width += length - 1;
      } else if (f.sharp) width += 2;
    } else {
      if (f.widPresent) this.writePadding(f.wid);
      return;
    }
    if (f.widPresent && f.wid > width && !f.minus) this.writePadding(f.wid - width);
    const x = upper ? '0X' : '0x';
    let out = f.sharp ? x : '';
    for (let i = 0; i < length; i++) {
      if (f.space && i > 0) {
        out += ' ';
        if (f.sharp) out += x;
      }
      const h = (b[i] as number).toString(16).padStart(2, '0');
      out += upper ? h.toUpperCase() : h;
    }
    this.buf += out;
    if (f.widPresent && f.wid > width && f.minus) this.writePadding(f.wid - width);
  }

  private fmtQ(s: string): void {
    s = this.truncateString(s);
    if (this.f.sharp && goCanBackquote(s)) {
      this.pad('`' + s + '`');
      return;
    }
    this.pad(goQuote(s, '"', this.f.plus));
  }

  /** The rune Go makes of a uint64 for `%c`/`%q`: U+FFFD past U+10FFFF and for surrogates. */
  private static rune(c: bigint): number {
    if (c > BigInt(MAX_RUNE)) return 0xfffd;
    const r = Number(c);
    return r >= 0xd800 && r <= 0xdfff ? 0xfffd : r;
  }

  private fmtC(c: bigint): void {
    this.pad(String.fromCodePoint(Printer.rune(c)));
  }

  private fmtQc(c: bigint): void {
    this.pad(goQuote(String.fromCodePoint(Printer.rune(c)), "'", this.f.plus));
  }

  private fmtFloatF(v: number, verb: string, defPrec: number): void {
    const f = this.f;
    const prec = f.precPresent ? f.prec : defPrec;
    let num = formatFloat(v, verb, prec);
    if (num[0] !== '-' && num[0] !== '+') num = '+' + num;
    if (f.space && num[0] === '+' && !f.plus) num = ' ' + num.slice(1);
    if (f.sharp && verb !== 'b') {
      let digits = 0;
      if (verb === 'v' || verb === 'g' || verb === 'G' || verb === 'x') digits = prec === -1 ? 6 : prec;
      let tail = '';
      let hasDecimalPoint = false;
      let sawNonzeroDigit = false;
      for (let i = 1; i < num.length; i++) {
        const c = num[i] as string;
        if (c === '.') {
          hasDecimalPoint = true;
          continue;
        }
        if (c === 'p' || c === 'P' || ((c === 'e' || c === 'E') && verb !== 'x' && verb !== 'X')) {
          tail = num.slice(i);
          num = num.slice(0, i);
          break;
        }
        if (c !== '0') sawNonzeroDigit = true;
        if (sawNonzeroDigit) digits--;
      }
      if (!hasDecimalPoint) {
        if (num.length === 2 && num[1] === '0') digits--;
        num += '.';
      }
      if (digits > 0) num += '0'.repeat(digits);
      num += tail;
    }
    if (f.plus || num[0] !== '+') {
      if (f.zero && !f.minus && f.widPresent && f.wid > num.length) {
        this.buf += num[0];
        this.writePadding(f.wid - num.length);
        this.buf += num.slice(1);
        return;
      }
      this.pad(num);
      return;
    }
    this.pad(num.slice(1));
  }

  // print.go

  private badVerb(verb: string, a: GoArg): void {
    this.erroring = true;
    this.buf += '%!' + verb + '(' + typeString(a) + '=';
    this.printArg(a, 'v');
    this.buf += ')';
    this.erroring = false;
  }

  private fmtIntegerVerb(v: bigint, verb: string, a: GoArg): void {
    switch (verb) {
      case 'v':
      case 'd':
        return this.fmtInteger(v, 10, true, verb, false);
      case 'b':
        return this.fmtInteger(v, 2, true, verb, false);
      case 'o':
      case 'O':
        return this.fmtInteger(v, 8, true, verb, false);
      case 'x':
        return this.fmtInteger(v, 16, true, verb, false);
      case 'X':
        return this.fmtInteger(v, 16, true, verb, true);
      case 'c':
        return this.fmtC(v < 0n ? v + UINT64 : v);
      case 'q':
        return this.fmtQc(v < 0n ? v + UINT64 : v);
      case 'U':
        return this.fmtUnicode(v < 0n ? v + UINT64 : v);
      default:
        return this.badVerb(verb, a);
    }
  }

  private fmtFloatVerb(v: number, verb: string, a: GoArg): void {
    switch (verb) {
      case 'v':
        return this.fmtFloatF(v, 'g', -1);
      case 'b':
      case 'g':
      case 'G':
      case 'x':
      case 'X':
        return this.fmtFloatF(v, verb, -1);
      case 'f':
      case 'e':
      case 'E':
        return this.fmtFloatF(v, verb, 6);
      case 'F':
        return this.fmtFloatF(v, 'f', 6);
      default:
        return this.badVerb(verb, a);
    }
  }

  private fmtStringVerb(v: string, verb: string, a: GoArg): void {
    switch (verb) {
      case 'v':
        return this.f.sharpV ? this.fmtQ(v) : this.fmtS(v);
      case 's':
        return this.fmtS(v);
      case 'x':
        return this.fmtSx(v, false);
      case 'X':
        return this.fmtSx(v, true);
      case 'q':
        return this.fmtQ(v);
      default:
        return this.badVerb(verb, a);
    }
  }

  /** math/big's `(*Int).Format`. */
  private bigFormat(x: bigint, ch: string): void {
    const f = this.f;
    let base: number;
    switch (ch) {
      case 'b':
        base = 2;
        break;
      case 'o':
      case 'O':
        base = 8;
        break;
      case 'd':
      case 's':
      case 'v':
        base = 10;
        break;
      case 'x':
      case 'X':
        base = 16;
        break;
      default:
        this.buf += `%!${ch}(big.Int=${x.toString()})`;
        return;
    }
    const sign = x < 0n ? '-' : f.plus || f.plusV ? '+' : f.space ? ' ' : '';
    let prefix = '';
    if (f.sharp || f.sharpV) prefix = ch === 'b' ? '0b' : ch === 'o' ? '0' : ch === 'x' ? '0x' : ch === 'X' ? '0X' : '';
    if (ch === 'O') prefix = '0o';
    let digits = (x < 0n ? -x : x).toString(base);
    if (ch === 'X') digits = digits.toUpperCase();
    let left = 0;
    let zeros = 0;
    let right = 0;
    if (f.precPresent) {
      if (digits.length < f.prec) zeros = f.prec - digits.length;
      else if (digits === '0' && f.prec === 0) return;
    }
    const length = sign.length + prefix.length + zeros + digits.length;
    if (f.widPresent && length < f.wid) {
      const d = f.wid - length;
      if (f.minus) right = d;
      else if (f.zero && !f.precPresent) zeros = d;
      else left = d;
    }
    this.buf += ' '.repeat(left) + sign + prefix + '0'.repeat(zeros) + digits + ' '.repeat(right);
  }

  /** `printValue` of a `*big.Int` through reflection (only `%w`'s bad-verb text reaches it): `&{false [5]}`. */
  private bigStruct(x: bigint): void {
    const f = this.f;
    const words: bigint[] = [];
    for (let m = x < 0n ? -x : x; m > 0n; m >>= 64n) words.push(m & (UINT64 - 1n));
    this.buf += '&';
    if (f.sharpV) this.buf += 'big.Int';
    this.buf += '{';
    if (f.plusV || f.sharpV) this.buf += 'neg:';
    this.fmtBoolean(x < 0n);
    this.buf += f.sharpV ? ', ' : ' ';
    if (f.plusV || f.sharpV) this.buf += 'abs:';
    if (f.sharpV) {
      if (x === 0n) this.buf += 'big.nat(nil)';
      else {
        this.buf += 'big.nat{';
        words.forEach((w, i) => {
          if (i > 0) this.buf += ', ';
          const sharp = f.sharp;
          f.sharp = true;
          this.fmtInteger(w, 16, false, 'v', false);
          f.sharp = sharp;
        });
        this.buf += '}';
      }
    } else {
      this.buf += '[';
      words.forEach((w, i) => {
        if (i > 0) this.buf += ' ';
        this.fmtInteger(w, 10, false, 'v', false);
      });
      this.buf += ']';
    }
    this.buf += '}';
  }

  printArg(a: GoArg, verb: string): void {
    if (verb === 'T') {
      this.fmtS(typeString(a));
      return;
    }
    if (verb === 'p') {
      // A *big.Int's %p is its memory address (`0xc000123456`), which differs from run to run
      // and no other process can reproduce: this prints a null pointer's, `0x0`.
      if (a.t === 'big') {
        const sharp = this.f.sharp;
        this.f.sharp = !sharp;
        this.fmtInteger(0n, 16, false, 'v', false);
        this.f.sharp = sharp;
      } else this.badVerb(verb, a);
      return;
    }
    switch (a.t) {
      case 'int64':
        return this.fmtIntegerVerb(a.v, verb, a);
      case 'float64':
        return this.fmtFloatVerb(a.v, verb, a);
      case 'string':
        return this.fmtStringVerb(a.v, verb, a);
      case 'big':
        // handleMethods: a Formatter formats itself, except while printing a bad verb's value
        // or for %w (which Sprintf never accepts).
        if (this.erroring) return this.bigStruct(a.v);
        if (verb === 'w') return this.badVerb(verb, a);
        return this.bigFormat(a.v, verb);
    }
  }
}

/** Go's `tooLarge`. */
function tooLarge(x: number): boolean {
  return x > 1e6 || x < -1e6;
}

/** Go's `parsenum`: the number at `s[start:end]`, whether there was one, and where it ends. */
function parsenum(s: string, start: number, end: number): [number, boolean, number] {
  if (start >= end) return [0, false, end];
  let num = 0;
  let isnum = false;
  let i = start;
  for (; i < end && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57; i++) {
    if (tooLarge(num)) return [0, false, end];
    num = num * 10 + (s.charCodeAt(i) - 48);
    isnum = true;
  }
  return [num, isnum, i];
}

/** Go's `intFromArg`: a `*` width or precision must be an int (an int64 here) within ±1e6. */
function intFromArg(a: readonly GoArg[], argNum: number): [number, boolean, number] {
  if (argNum >= a.length) return [0, false, argNum];
  const x = a[argNum] as GoArg;
  let num = 0;
  let isInt = false;
  if (x.t === 'int64') {
    isInt = true;
    num = x.v > 10_000_000n || x.v < -10_000_000n ? 2e6 : Number(x.v);
  }
  if (tooLarge(num)) return [0, false, argNum + 1];
  return [num, isInt, argNum + 1];
}

/** Go's `parseArgNumber`: `[n]` at `format[i:]` as [index, bytes consumed, ok]. */
function parseArgNumber(format: string, i: number): [number, number, boolean] {
  if (format.length - i < 3) return [0, 1, false];
  for (let j = i + 1; j < format.length; j++) {
    if (format[j] === ']') {
      const [width, ok, newi] = parsenum(format, i + 1, j);
      if (!ok || newi !== j) return [0, j - i + 1, false];
      return [width - 1, j - i + 1, true];
    }
  }
  return [0, 1, false];
}

/** What `[n]` argument indices did to the current directive and the whole call. */
interface IndexState {
  reordered: boolean;
  goodArgNum: boolean;
}

/** Go's `argNumber`: the argument `[n]` at `format[i:]` selects (else `argN`), where the format goes on, whether one was found. */
function argNumber(st: IndexState, format: string, numArgs: number, argN: number, i: number): [number, number, boolean] {
  if (i >= format.length || format[i] !== '[') return [argN, i, false];
  st.reordered = true;
  const [index, wid, ok] = parseArgNumber(format, i);
  if (ok && index >= 0 && index < numArgs) return [index, i + wid, true];
  st.goodArgNum = false;
  return [argN, i + wid, ok];
}

/** Go's `fmt.Sprintf(format, args...)` over Rego values, as OPA's `sprintf` calls it. */
export function sprintf(format: string, args: readonly Value[]): string {
  format = wellFormed(format);
  const a = args.map(toGoArg);
  const p = new Printer();
  const end = format.length;
  let argNum = 0;
  let afterIndex = false;
  const st: IndexState = { reordered: false, goodArgNum: true };

  let i = 0;
  while (i < end) {
    st.goodArgNum = true;
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      p.buf += format.slice(i);
      break;
    }
    p.buf += format.slice(i, pct);
    i = pct + 1;
    p.f = clearFlags();
    const f = p.f;
    flags: for (; i < end; i++) {
      switch (format[i]) {
        case '#':
          f.sharp = true;
          break;
        case '0':
          f.zero = true;
          break;
        case '+':
          f.plus = true;
          break;
        case '-':
          f.minus = true;
          break;
        case ' ':
          f.space = true;
          break;
        default:
          break flags;
      }
    }
    [argNum, i, afterIndex] = argNumber(st, format, a.length, argNum, i);
    if (i < end && format[i] === '*') {
      i++;
      [f.wid, f.widPresent, argNum] = intFromArg(a, argNum);
      if (!f.widPresent) p.buf += '%!(BADWIDTH)';
      if (f.wid < 0) {
        f.wid = -f.wid;
        f.minus = true;
        f.zero = false;
      }
      afterIndex = false;
    } else {
      [f.wid, f.widPresent, i] = parsenum(format, i, end);
      if (afterIndex && f.widPresent) st.goodArgNum = false;
    }
    if (i + 1 < end && format[i] === '.') {
      i++;
      if (afterIndex) st.goodArgNum = false;
      [argNum, i, afterIndex] = argNumber(st, format, a.length, argNum, i);
      if (i < end && format[i] === '*') {
        i++;
        [f.prec, f.precPresent, argNum] = intFromArg(a, argNum);
        if (f.prec < 0) {
          f.prec = 0;
          f.precPresent = false;
        }
        if (!f.precPresent) p.buf += '%!(BADPREC)';
        afterIndex = false;
      } else {
        [f.prec, f.precPresent, i] = parsenum(format, i, end);
        if (!f.precPresent) {
          f.prec = 0;
          f.precPresent = true;
        }
      }
    }
    if (!afterIndex) [argNum, i, afterIndex] = argNumber(st, format, a.length, argNum, i);
    if (i >= end) {
      p.buf += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i) as number);
    i += verb.length;
    if (verb === '%') p.buf += '%';
    else if (!st.goodArgNum) p.buf += '%!' + verb + '(BADINDEX)';
    else if (argNum >= a.length) p.buf += '%!' + verb + '(MISSING)';
    else {
      if (verb === 'v' || verb === 'w') {
        f.sharpV = f.sharp;
        f.sharp = false;
        f.plusV = f.plus;
        f.plus = false;
      }
      p.printArg(a[argNum] as GoArg, verb);
      argNum++;
    }
  }
  if (!st.reordered && argNum < a.length) {
    p.f = clearFlags();
    p.buf += '%!(EXTRA ';
    a.slice(argNum).forEach((x, k) => {
      if (k > 0) p.buf += ', ';
      p.buf += typeString(x) + '=';
      p.printArg(x, 'v');
    });
    p.buf += ')';
  }
  return p.buf;
}
