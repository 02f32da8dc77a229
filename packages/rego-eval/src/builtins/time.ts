/**
 * OPA's `time.*` built-ins (`topdown/time.go`) with Go's `time` package semantics: Go layouts
 * (`2006-01-02T15:04:05Z07:00` and the named layouts `RFC3339`, `RFC1123`, …) for
 * `time.parse_ns` and `time.format`, Go's `time.ParseDuration` (plus OPA's `d`, `w`, `y` units)
 * for `time.parse_duration_ns`, `time.AddDate` normalisation for `time.add_date`, and Go's
 * error texts. Results are BigInt-exact nanoseconds. IANA zones are resolved through
 * `Intl.DateTimeFormat` (no Node API). `time.now_ns` is the evaluation's `now`, fixed for the
 * whole query.
 *
 * The `MST` layout element prints tzdata's abbreviation from a generated table
 * (`zone-abbreviations.ts`, 1970–2100), else tzdata's numeric form (`+04`, `+0530`); before
 * 1970 Go may print historic letters (`LMT`, `PMT`) where this prints the numeric form.
 */
import { fromBigInt, isInteger, isNumber, toBigInt, type Value } from '@policy-engine/rego-value';
import type { BuiltinDef } from './registry.js';
import { argString, typeError } from './registry.js';
import { fail, intOperand } from './util.js';
import { ZONE_ABBREVIATIONS } from './zone-abbreviations.js';

// ---------------------------------------------------------------------------
// Calendar arithmetic (proleptic Gregorian, days since 1970-01-01).

/** Days since the epoch of a civil date (month 1..12, any day; Howard Hinnant's algorithm). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The civil date of a day count. */
function civilFromDays(z: number): [number, number, number] {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

const isLeap = (y: number): boolean => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
const DAYS_BEFORE = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];
function daysIn(m: number, y: number): number {
  if (m === 2 && isLeap(y)) return 29;
  return (DAYS_BEFORE[m] as number) - (DAYS_BEFORE[m - 1] as number);
}

const floorDiv = (a: bigint, b: bigint): bigint => (a >= 0n ? a / b : -((-a + b - 1n) / b));

// ---------------------------------------------------------------------------
// Zones.

/** A location: UTC, a fixed offset, or an IANA zone resolved through `Intl`. */
interface Zone {
  readonly kind: 'utc' | 'iana';
  readonly name: string;
}

const UTC_ZONE: Zone = { kind: 'utc', name: 'UTC' };
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The zone's UTC offset in seconds at a Unix second. */
function offsetAt(zone: Zone, unix: number): number {
  if (zone.kind === 'utc') return 0;
  const parts = formatter(zone.name).formatToParts(new Date(unix * 1000));
  const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value ?? '0');
  let year = get('year');
  if (parts.find((p) => p.type === 'era')?.value === 'BC') year = 1 - year;
  const local = daysFromCivil(year, get('month'), get('day')) * 86400 + get('hour') * 3600 + get('minute') * 60 + get('second');
  return local - unix;
}

/** The zone abbreviation at an offset (`MST` layout element): tzdata's letters, else its numeric form. */
function abbreviation(zone: Zone, offset: number): string {
  if (zone.kind === 'utc') return 'UTC';
  const table = ZONE_ABBREVIATIONS[zone.name] ?? ZONE_ABBREVIATIONS[canonicalName(zone.name)];
  const letters = table?.[String(offset)];
  if (letters !== undefined) return letters;
  const sign = offset < 0 ? '-' : '+';
  const a = Math.abs(offset);
  const hh = String(Math.floor(a / 3600)).padStart(2, '0');
  const mm = Math.floor((a % 3600) / 60);
  return sign + hh + (mm === 0 ? '' : String(mm).padStart(2, '0'));
}

function canonicalName(name: string): string {
  return formatter(name).resolvedOptions().timeZone;
}

const zoneCache = new Map<string, Zone | string>();
/** Go's `time.LoadLocation` over `Intl`: the zone, or Go's error text. */
function loadLocation(name: string): Zone | string {
  const cached = zoneCache.get(name);
  if (cached !== undefined) return cached;
  let out: Zone | string = `unknown time zone ${name}`;
  if (name.includes('..') || name.startsWith('/') || name.startsWith('\\')) out = 'time: invalid location name';
  else if (/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(name)) {
    try {
      const resolved = new Intl.DateTimeFormat('en-US', {
        timeZone: name,
      }).resolvedOptions().timeZone;
      // Go's zone files are case-sensitive; Intl canonicalises case.
      if (resolved === name || resolved.toLowerCase() !== name.toLowerCase()) out = { kind: 'iana', name };
    } catch {
      // unknown to Intl
    }
  }
  zoneCache.set(name, out);
  return out;
}

// ---------------------------------------------------------------------------
// Instants.

const NS = 1_000_000_000n;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** A time: nanoseconds since the epoch in a zone. */
interface Time {
  readonly ns: bigint;
  readonly zone: Zone;
}

/** Wall-clock fields of a time in its zone. */
interface Fields {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly min: number;
  readonly sec: number;
  readonly nsec: number;
  readonly yday: number;
  readonly weekday: number;
  readonly offset: number;
  readonly unix: number;
}

function fields(t: Time): Fields {
  const unixB = floorDiv(t.ns, NS);
  const nsec = Number(t.ns - unixB * NS);
  const unix = Number(unixB);
  const offset = offsetAt(t.zone, unix);
  const local = unix + offset;
  const days = Math.floor(local / 86400);
  const secs = local - days * 86400;
  const [year, month, day] = civilFromDays(days);
  const yday = daysFromCivil(year, month, day) - daysFromCivil(year, 1, 1) + 1;
  return {
    year,
    month,
    day,
    hour: Math.floor(secs / 3600),
    min: Math.floor((secs % 3600) / 60),
    sec: secs % 60,
    nsec,
    yday,
    weekday: (((days + 4) % 7) + 7) % 7,
    offset,
    unix,
  };
}

/** Go's `time.Date` (fields normalised, the zone's offset found as Go does). */
function date(year: number, month: number, day: number, hour: number, min: number, sec: number, nsec: number, zone: Zone): Time {
  // normalise month into 1..12
  const m0 = month - 1;
  year += Math.floor(m0 / 12);
  month = (((m0 % 12) + 12) % 12) + 1;
  const local = BigInt(daysFromCivil(year, month, 1) + day - 1) * 86400n + BigInt(hour) * 3600n + BigInt(min) * 60n + BigInt(sec);
  let unix = local + floorDiv(BigInt(nsec), NS);
  const ns = BigInt(nsec) - floorDiv(BigInt(nsec), NS) * NS;
  const o1 = offsetAt(zone, Number(unix));
  if (o1 !== 0) unix -= BigInt(offsetAt(zone, Number(unix) - o1));
  return { ns: unix * NS + ns, zone };
}

const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

// ---------------------------------------------------------------------------
// Go layouts (`time/format.go`).

const enum Std {
  None = 0,
  LongMonth,
  Month,
  NumMonth,
  ZeroMonth,
  LongWeekDay,
  WeekDay,
  Day,
  UnderDay,
  ZeroDay,
  UnderYearDay,
  ZeroYearDay,
  Hour,
  Hour12,
  ZeroHour12,
  Minute,
  ZeroMinute,
  Second,
  ZeroSecond,
  LongYear,
  Year,
  PM,
  pm,
  TZ,
  ISO8601TZ,
  ISO8601SecondsTZ,
  ISO8601ShortTZ,
  ISO8601ColonTZ,
  ISO8601ColonSecondsTZ,
  NumTZ,
  NumSecondsTz,
  NumShortTZ,
  NumColonTZ,
  NumColonSecondsTZ,
  FracSecond0,
  FracSecond9,
}

/** One layout element: the literal before it, the element (with digits/separator for fractions), the rest. */
interface Chunk {
  readonly prefix: string;
  readonly std: Std;
  readonly digits: number;
  readonly sep: string;
  readonly suffix: string;
}

const STD0X = [Std.ZeroMonth, Std.ZeroDay, Std.ZeroHour12, Std.ZeroMinute, Std.ZeroSecond, Std.Year];
const startsWithLower = (s: string): boolean => s.length > 0 && s[0] !== undefined && s[0] >= 'a' && s[0] <= 'z';
const digitAt = (s: string, i: number): boolean => i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57;

/** Go's `nextStdChunk`. */
function nextStdChunk(layout: string): Chunk {
  const at = (i: number, std: Std, len: number, digits = 0, sep = '.'): Chunk => ({
    prefix: layout.slice(0, i),
    std,
    digits,
    sep,
    suffix: layout.slice(i + len),
  });
  const has = (i: number, s: string): boolean => layout.startsWith(s, i);
  for (let i = 0; i < layout.length; i++) {
    const c = layout[i];
    switch (c) {
      case 'J':
        if (has(i, 'Jan')) {
          if (has(i, 'January')) return at(i, Std.LongMonth, 7);
          if (!startsWithLower(layout.slice(i + 3))) return at(i, Std.Month, 3);
        }
        break;
      case 'M':
        if (has(i, 'Mon')) {
          if (has(i, 'Monday')) return at(i, Std.LongWeekDay, 6);
          if (!startsWithLower(layout.slice(i + 3))) return at(i, Std.WeekDay, 3);
        }
        if (has(i, 'MST')) return at(i, Std.TZ, 3);
        break;
      case '0':
        if (i + 1 < layout.length && (layout[i + 1] as string) >= '1' && (layout[i + 1] as string) <= '6') {
          return at(i, STD0X[layout.charCodeAt(i + 1) - 49] as Std, 2);
        }
        if (has(i, '002')) return at(i, Std.ZeroYearDay, 3);
        break;
      case '1':
        if (has(i, '15')) return at(i, Std.Hour, 2);
        return at(i, Std.NumMonth, 1);
      case '2':
        if (has(i, '2006')) return at(i, Std.LongYear, 4);
        return at(i, Std.Day, 1);
      case '_':
        if (has(i, '_2')) {
          if (has(i, '_2006'))
            return {
              prefix: layout.slice(0, i + 1),
              std: Std.LongYear,
              digits: 0,
              sep: '.',
              suffix: layout.slice(i + 5),
            };
          return at(i, Std.UnderDay, 2);
        }
        if (has(i, '__2')) return at(i, Std.UnderYearDay, 3);
        break;
      case '3':
        return at(i, Std.Hour12, 1);
      case '4':
        return at(i, Std.Minute, 1);
      case '5':
        return at(i, Std.Second, 1);
      case 'P':
        if (has(i, 'PM')) return at(i, Std.PM, 2);
        break;
      case 'p':
        if (has(i, 'pm')) return at(i, Std.pm, 2);
        break;
      case '-':
        if (has(i, '-070000')) return at(i, Std.NumSecondsTz, 7);
        if (has(i, '-07:00:00')) return at(i, Std.NumColonSecondsTZ, 9);
        if (has(i, '-0700')) return at(i, Std.NumTZ, 5);
        if (has(i, '-07:00')) return at(i, Std.NumColonTZ, 6);
        if (has(i, '-07')) return at(i, Std.NumShortTZ, 3);
        break;
      case 'Z':
        if (has(i, 'Z070000')) return at(i, Std.ISO8601SecondsTZ, 7);
        if (has(i, 'Z07:00:00')) return at(i, Std.ISO8601ColonSecondsTZ, 9);
        if (has(i, 'Z0700')) return at(i, Std.ISO8601TZ, 5);
        if (has(i, 'Z07:00')) return at(i, Std.ISO8601ColonTZ, 6);
        if (has(i, 'Z07')) return at(i, Std.ISO8601ShortTZ, 3);
        break;
      case '.':
      case ',':
        if (i + 1 < layout.length && (layout[i + 1] === '0' || layout[i + 1] === '9')) {
          const ch = layout[i + 1];
          let j = i + 1;
          while (j < layout.length && layout[j] === ch) j++;
          if (!digitAt(layout, j)) {
            return at(i, ch === '0' ? Std.FracSecond0 : Std.FracSecond9, j - i, (j - (i + 1)) & 0xfff, c);
          }
        }
        break;
    }
  }
  return { prefix: layout, std: Std.None, digits: 0, sep: '.', suffix: '' };
}

const pad = (x: number, width: number): string => {
  const s = String(Math.abs(x)).padStart(width, '0');
  return x < 0 ? '-' + s : s;
};

/** Go's `Time.Format`. */
function format(t: Time, layout: string): string {
  const f = fields(t);
  let out = '';
  while (layout !== '') {
    const { prefix, std, digits, sep, suffix } = nextStdChunk(layout);
    out += prefix;
    if (std === Std.None) break;
    layout = suffix;
    switch (std) {
      case Std.Year:
        out += pad(Math.abs(f.year) % 100, 2);
        break;
      case Std.LongYear:
        out += pad(f.year, 4);
        break;
      case Std.Month:
        out += (MONTH_NAMES[f.month - 1] as string).slice(0, 3);
        break;
      case Std.LongMonth:
        out += MONTH_NAMES[f.month - 1] as string;
        break;
      case Std.NumMonth:
        out += String(f.month);
        break;
      case Std.ZeroMonth:
        out += pad(f.month, 2);
        break;
      case Std.WeekDay:
        out += (DAY_NAMES[f.weekday] as string).slice(0, 3);
        break;
      case Std.LongWeekDay:
        out += DAY_NAMES[f.weekday] as string;
        break;
      case Std.Day:
        out += String(f.day);
        break;
      case Std.UnderDay:
        out += (f.day < 10 ? ' ' : '') + String(f.day);
        break;
      case Std.ZeroDay:
        out += pad(f.day, 2);
        break;
      case Std.UnderYearDay:
        out += (f.yday < 100 ? ' ' : '') + (f.yday < 10 ? ' ' : '') + String(f.yday);
        break;
      case Std.ZeroYearDay:
        out += pad(f.yday, 3);
        break;
      case Std.Hour:
        out += pad(f.hour, 2);
        break;
      case Std.Hour12:
        out += String(f.hour % 12 === 0 ? 12 : f.hour % 12);
        break;
      case Std.ZeroHour12:
        out += pad(f.hour % 12 === 0 ? 12 : f.hour % 12, 2);
        break;
      case Std.Minute:
        out += String(f.min);
        break;
      case Std.ZeroMinute:
        out += pad(f.min, 2);
        break;
      case Std.Second:
        out += String(f.sec);
        break;
      case Std.ZeroSecond:
        out += pad(f.sec, 2);
        break;
      case Std.PM:
        out += f.hour >= 12 ? 'PM' : 'AM';
        break;
      case Std.pm:
        out += f.hour >= 12 ? 'pm' : 'am';
        break;
      case Std.TZ: {
        out += abbreviation(t.zone, f.offset);
        break;
      }
      case Std.FracSecond0:
      case Std.FracSecond9: {
        const trim = std === Std.FracSecond9;
        if (trim && (digits === 0 || f.nsec === 0)) break;
        let frac = pad(f.nsec, 9);
        if (digits < 9) frac = frac.slice(0, digits);
        let s = sep + frac;
        if (trim) {
          s = s.replace(/0+$/, '');
          if (s === sep) s = '';
        }
        out += s;
        break;
      }
      default: {
        const iso =
          std === Std.ISO8601TZ ||
          std === Std.ISO8601ColonTZ ||
          std === Std.ISO8601SecondsTZ ||
          std === Std.ISO8601ShortTZ ||
          std === Std.ISO8601ColonSecondsTZ;
        if (f.offset === 0 && iso) {
          out += 'Z';
          break;
        }
        let zone = Math.trunc(f.offset / 60);
        let absOffset = f.offset;
        if (zone < 0) {
          out += '-';
          zone = -zone;
          absOffset = -absOffset;
        } else out += '+';
        out += pad(Math.floor(zone / 60), 2);
        const colon =
          std === Std.ISO8601ColonTZ || std === Std.NumColonTZ || std === Std.ISO8601ColonSecondsTZ || std === Std.NumColonSecondsTZ;
        if (colon) out += ':';
        if (std !== Std.NumShortTZ && std !== Std.ISO8601ShortTZ) out += pad(zone % 60, 2);
        if (
          std === Std.ISO8601SecondsTZ ||
          std === Std.NumSecondsTz ||
          std === Std.NumColonSecondsTZ ||
          std === Std.ISO8601ColonSecondsTZ
        ) {
          if (std === Std.NumColonSecondsTZ || std === Std.ISO8601ColonSecondsTZ) out += ':';
          out += pad(absOffset % 60, 2);
        }
      }
    }
  }
  return out;
}

/** Go's `time` package `quote` (non-ASCII and control bytes as `\xNN`). */
function timeQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (c >= 0x80 || c < 0x20) {
      for (const b of new TextEncoder().encode(ch)) out += '\\x' + b.toString(16).padStart(2, '0');
    } else {
      if (ch === '"' || ch === '\\') out += '\\';
      out += ch;
    }
  }
  return out + '"';
}

/** A `time.Parse` failure with Go's message. */
class ParseError extends Error {}

function parseError(layout: string, value: string, layoutElem: string, valueElem: string, message: string): ParseError {
  if (message === '') {
    return new ParseError(
      `parsing time ${timeQuote(value)} as ${timeQuote(layout)}: cannot parse ${timeQuote(valueElem)} as ${timeQuote(layoutElem)}`,
    );
  }
  return new ParseError(`parsing time ${timeQuote(value)}${message}`);
}

const SHORT_DAYS = DAY_NAMES.map((d) => d.slice(0, 3));
const SHORT_MONTHS = MONTH_NAMES.map((m) => m.slice(0, 3));

/** Go's `lookup`: case-insensitive prefix match; index or -1. */
function lookup(tab: readonly string[], val: string): [number, string] {
  for (const [i, v] of tab.entries()) {
    if (val.length >= v.length && val.slice(0, v.length).toLowerCase() === v.toLowerCase()) {
      // Go's match folds only ASCII letters
      let ok = true;
      for (let k = 0; k < v.length; k++) {
        const a = val.charCodeAt(k);
        const b = v.charCodeAt(k);
        if (a !== b && ((a | 0x20) !== (b | 0x20) || (a | 0x20) < 97 || (a | 0x20) > 122)) ok = false;
      }
      if (ok) return [i, val.slice(v.length)];
    }
  }
  return [-1, val];
}

/** Go's `getnum`. */
function getnum(s: string, fixed: boolean): [number, string] | undefined {
  if (!digitAt(s, 0)) return undefined;
  if (!digitAt(s, 1)) {
    if (fixed) return undefined;
    return [s.charCodeAt(0) - 48, s.slice(1)];
  }
  return [(s.charCodeAt(0) - 48) * 10 + (s.charCodeAt(1) - 48), s.slice(2)];
}

function getnum3(s: string, fixed: boolean): [number, string] | undefined {
  let n = 0;
  let i = 0;
  for (; i < 3 && digitAt(s, i); i++) n = n * 10 + (s.charCodeAt(i) - 48);
  if (i === 0 || (fixed && i !== 3)) return undefined;
  return [n, s.slice(i)];
}

/** Go's `leadingInt`: `undefined` on overflow. */
function leadingInt(s: string): [bigint, string] | undefined {
  let i = 0;
  let x = 0n;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) break;
    if (x > (1n << 63n) / 10n) return undefined;
    x = x * 10n + BigInt(c - 48);
    if (x > 1n << 63n) return undefined;
  }
  return [x, s.slice(i)];
}

/** Go's `atoi`: optional sign and digits only. */
function atoi(s: string): number | undefined {
  let neg = false;
  if (s.length > 0 && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  const r = leadingInt(s);
  if (!r || r[1].length > 0) return undefined;
  const x = Number(BigInt.asIntN(64, r[0]));
  return neg ? -x : x;
}

function skip(value: string, prefix: string): string | undefined {
  while (prefix.length > 0) {
    if (prefix[0] === ' ') {
      if (value.length > 0 && value[0] !== ' ') return undefined;
      prefix = prefix.replace(/^ +/, '');
      value = value.replace(/^ +/, '');
      continue;
    }
    if (value.length === 0 || value[0] !== prefix[0]) return undefined;
    prefix = prefix.slice(1);
    value = value.slice(1);
  }
  return value;
}

function parseSignedOffset(value: string): number {
  const sign = value[0];
  if (sign !== '-' && sign !== '+') return 0;
  const r = leadingInt(value.slice(1));
  if (!r || r[1] === value.slice(1)) return 0;
  if (r[0] > 23n) return 0;
  return value.length - r[1].length;
}

/** Go's `parseTimeZone`: the length of the zone name, or 0. */
function parseTimeZone(value: string): number {
  if (value.length < 3) return 0;
  if (value.startsWith('ChST') || value.startsWith('MeST')) return 4;
  if (value.startsWith('GMT')) return value.length === 3 ? 3 : 3 + parseSignedOffset(value.slice(3));
  if (value[0] === '+' || value[0] === '-') return parseSignedOffset(value);
  let n = 0;
  for (; n < 6 && n < value.length; n++) {
    const c = value[n] as string;
    if (c < 'A' || c > 'Z') break;
  }
  if (n === 5) return value[4] === 'T' ? 5 : 0;
  if (n === 4) return value[3] === 'T' || value.startsWith('WITA') ? 4 : 0;
  if (n === 3) return 3;
  return 0;
}

const commaOrPeriod = (c: string | undefined): boolean => c === '.' || c === ',';

/** Go's `parseNanoseconds`: [ns, rangeError] or undefined (bad). */
function parseNanoseconds(value: string, nbytes: number): [number, string] | undefined {
  if (!commaOrPeriod(value[0])) return undefined;
  if (nbytes > 10) nbytes = 10;
  const ns = atoi(value.slice(1, nbytes));
  if (ns === undefined) return undefined;
  if (ns < 0) return [0, 'fractional second'];
  return [ns * 10 ** (10 - nbytes), ''];
}

/** Go's `time.Parse` (location `Local` = UTC, as OPA runs in this project's images). */
function parse(layoutIn: string, valueIn: string): Time {
  let layout = layoutIn;
  let value = valueIn;
  let rangeErr = '';
  let amSet = false;
  let pmSet = false;
  let year = 0;
  let month = -1;
  let day = -1;
  let yday = -1;
  let hour = 0;
  let min = 0;
  let sec = 0;
  let nsec = 0;
  let utc = false;
  let zoneOffset = -1;
  for (;;) {
    const chunk = nextStdChunk(layout);
    const stdstr = layout.slice(chunk.prefix.length, layout.length - chunk.suffix.length);
    const skipped = skip(value, chunk.prefix);
    if (skipped === undefined) throw parseError(layoutIn, valueIn, chunk.prefix, value, '');
    value = skipped;
    if (chunk.std === Std.None) {
      if (value.length !== 0) throw parseError(layoutIn, valueIn, '', value, ': extra text: ' + timeQuote(value));
      break;
    }
    layout = chunk.suffix;
    const std = chunk.std;
    const hold = value;
    let bad = false;
    const num = (r: [number, string] | undefined): number => {
      if (!r) {
        bad = true;
        return 0;
      }
      value = r[1];
      return r[0];
    };
    switch (std) {
      case Std.Year: {
        if (value.length < 2) {
          bad = true;
          break;
        }
        const y = atoi(value.slice(0, 2));
        value = value.slice(2);
        if (y === undefined) bad = true;
        else year = y >= 69 ? y + 1900 : y + 2000;
        break;
      }
      case Std.LongYear: {
        if (value.length < 4 || !digitAt(value, 0)) {
          bad = true;
          break;
        }
        const y = atoi(value.slice(0, 4));
        value = value.slice(4);
        if (y === undefined) bad = true;
        else year = y;
        break;
      }
      case Std.Month:
      case Std.LongMonth: {
        const [i, rest] = lookup(std === Std.Month ? SHORT_MONTHS : MONTH_NAMES, value);
        if (i < 0) bad = true;
        else {
          month = i + 1;
          value = rest;
        }
        break;
      }
      case Std.NumMonth:
      case Std.ZeroMonth:
        month = num(getnum(value, std === Std.ZeroMonth));
        if (!bad && (month <= 0 || month > 12)) rangeErr = 'month';
        break;
      case Std.WeekDay:
      case Std.LongWeekDay: {
        const [i, rest] = lookup(std === Std.WeekDay ? SHORT_DAYS : DAY_NAMES, value);
        if (i < 0) bad = true;
        else value = rest;
        break;
      }
      case Std.Day:
      case Std.UnderDay:
      case Std.ZeroDay:
        if (std === Std.UnderDay && value[0] === ' ') value = value.slice(1);
        day = num(getnum(value, std === Std.ZeroDay));
        break;
      case Std.UnderYearDay:
      case Std.ZeroYearDay:
        for (let i = 0; i < 2; i++) if (std === Std.UnderYearDay && value[0] === ' ') value = value.slice(1);
        yday = num(getnum3(value, std === Std.ZeroYearDay));
        break;
      case Std.Hour:
        hour = num(getnum(value, false));
        if (hour < 0 || hour >= 24) rangeErr = 'hour';
        break;
      case Std.Hour12:
      case Std.ZeroHour12:
        hour = num(getnum(value, std === Std.ZeroHour12));
        if (hour < 0 || hour > 12) rangeErr = 'hour';
        break;
      case Std.Minute:
      case Std.ZeroMinute:
        min = num(getnum(value, std === Std.ZeroMinute));
        if (min < 0 || min >= 60) rangeErr = 'minute';
        break;
      case Std.Second:
      case Std.ZeroSecond: {
        sec = num(getnum(value, std === Std.ZeroSecond));
        if (bad) break;
        if (sec < 0 || sec >= 60) {
          rangeErr = 'second';
          break;
        }
        if (value.length >= 2 && commaOrPeriod(value[0]) && digitAt(value, 1)) {
          const next = nextStdChunk(layout).std;
          if (next === Std.FracSecond0 || next === Std.FracSecond9) break;
          let n = 2;
          while (n < value.length && digitAt(value, n)) n++;
          const r = parseNanoseconds(value, n);
          if (!r) bad = true;
          else [nsec, rangeErr] = r;
          value = value.slice(n);
        }
        break;
      }
      case Std.PM:
      case Std.pm: {
        if (value.length < 2) {
          bad = true;
          break;
        }
        const p = value.slice(0, 2);
        value = value.slice(2);
        if (p === (std === Std.PM ? 'PM' : 'pm')) pmSet = true;
        else if (p === (std === Std.PM ? 'AM' : 'am')) amSet = true;
        else bad = true;
        break;
      }
      case Std.TZ: {
        if (value.startsWith('UTC')) {
          utc = true;
          value = value.slice(3);
          break;
        }
        const n = parseTimeZone(value);
        if (n === 0) bad = true;
        else value = value.slice(n); // an abbreviation other than UTC: no offset (Local is UTC)
        break;
      }
      case Std.FracSecond0: {
        const ndigit = 1 + chunk.digits;
        if (value.length < ndigit) {
          bad = true;
          break;
        }
        const r = parseNanoseconds(value, ndigit);
        if (!r) bad = true;
        else [nsec, rangeErr] = r;
        value = value.slice(ndigit);
        break;
      }
      case Std.FracSecond9: {
        if (value.length < 2 || !commaOrPeriod(value[0]) || !digitAt(value, 1)) break;
        let i = 0;
        while (i + 1 < value.length && digitAt(value, i + 1)) i++;
        const r = parseNanoseconds(value, 1 + i);
        if (!r) bad = true;
        else [nsec, rangeErr] = r;
        value = value.slice(1 + i);
        break;
      }
      default: {
        const iso =
          std === Std.ISO8601TZ ||
          std === Std.ISO8601ShortTZ ||
          std === Std.ISO8601ColonTZ ||
          std === Std.ISO8601SecondsTZ ||
          std === Std.ISO8601ColonSecondsTZ;
        if (iso && value[0] === 'Z') {
          value = value.slice(1);
          utc = true;
          break;
        }
        let parts: [string, string, string, string] | undefined;
        const v = value;
        if (std === Std.ISO8601ColonTZ || std === Std.NumColonTZ) {
          if (v.length >= 6 && v[3] === ':') parts = [v.slice(0, 1), v.slice(1, 3), v.slice(4, 6), '00'];
          if (parts) value = v.slice(6);
        } else if (std === Std.NumShortTZ || std === Std.ISO8601ShortTZ) {
          if (v.length >= 3) parts = [v.slice(0, 1), v.slice(1, 3), '00', '00'];
          if (parts) value = v.slice(3);
        } else if (std === Std.ISO8601ColonSecondsTZ || std === Std.NumColonSecondsTZ) {
          if (v.length >= 9 && v[3] === ':' && v[6] === ':') parts = [v.slice(0, 1), v.slice(1, 3), v.slice(4, 6), v.slice(7, 9)];
          if (parts) value = v.slice(9);
        } else if (std === Std.ISO8601SecondsTZ || std === Std.NumSecondsTz) {
          if (v.length >= 7) parts = [v.slice(0, 1), v.slice(1, 3), v.slice(3, 5), v.slice(5, 7)];
          if (parts) value = v.slice(7);
        } else {
          if (v.length >= 5) parts = [v.slice(0, 1), v.slice(1, 3), v.slice(3, 5), '00'];
          if (parts) value = v.slice(5);
        }
        if (!parts) {
          bad = true;
          break;
        }
        const [sign, hh, mm, ss] = parts;
        const hr = getnum(hh, true);
        const mi = hr ? getnum(mm, true) : undefined;
        const se = mi ? getnum(ss, true) : undefined;
        if (!se) bad = true;
        const h = hr?.[0] ?? 0;
        const m = mi?.[0] ?? 0;
        const s = se?.[0] ?? 0;
        if (h > 24) rangeErr = 'time zone offset hour';
        if (m > 60) rangeErr = 'time zone offset minute';
        if (s > 60) rangeErr = 'time zone offset second';
        zoneOffset = (h * 60 + m) * 60 + s;
        if (sign === '-') zoneOffset = -zoneOffset;
        else if (sign !== '+') bad = true;
      }
    }
    if (rangeErr !== '') throw parseError(layoutIn, valueIn, stdstr, value, ': ' + rangeErr + ' out of range');
    if (bad) throw parseError(layoutIn, valueIn, stdstr, hold, '');
  }
  if (pmSet && hour < 12) hour += 12;
  else if (amSet && hour === 12) hour = 0;
  if (yday >= 0) {
    let d = 0;
    let m = 0;
    if (isLeap(year)) {
      if (yday === 31 + 29) {
        m = 2;
        d = 29;
      } else if (yday > 31 + 29) yday--;
    }
    if (yday < 1 || yday > 365) throw parseError(layoutIn, valueIn, '', value, ': day-of-year out of range');
    if (m === 0) {
      m = Math.floor((yday - 1) / 31) + 1;
      if ((DAYS_BEFORE[m] as number) < yday) m++;
      d = yday - (DAYS_BEFORE[m - 1] as number);
    }
    if (month >= 0 && month !== m) throw parseError(layoutIn, valueIn, '', value, ': day-of-year does not match month');
    month = m;
    if (day >= 0 && day !== d) throw parseError(layoutIn, valueIn, '', value, ': day-of-year does not match day');
    day = d;
  } else {
    if (month < 0) month = 1;
    if (day < 0) day = 1;
  }
  if (day < 1 || day > daysIn(month, year)) throw parseError(layoutIn, valueIn, '', value, ': day out of range');
  const t = date(year, month, day, hour, min, sec, nsec, UTC_ZONE);
  if (!utc && zoneOffset !== -1) return { ns: t.ns - BigInt(zoneOffset) * NS, zone: UTC_ZONE };
  return t;
}

// ---------------------------------------------------------------------------
// Durations (`time.ParseDuration` and OPA's `parseExtendedDuration`).

const UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1000n,
  µs: 1000n,
  μs: 1000n,
  ms: 1_000_000n,
  s: NS,
  m: 60n * NS,
  h: 3600n * NS,
};

/** Go's `time.ParseDuration`; throws Go's message. */
function parseDuration(orig: string): bigint {
  let s = orig;
  let d = 0n;
  let neg = false;
  const invalid = (): Error => new Error(`time: invalid duration ${timeQuote(orig)}`);
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw invalid();
  while (s !== '') {
    let f = 0n;
    let scale = 1;
    if (!(s[0] === '.' || digitAt(s, 0))) throw invalid();
    const pl = s.length;
    const li = leadingInt(s);
    if (!li) throw invalid();
    let v = li[0];
    s = li[1];
    const pre = pl !== s.length;
    let post = false;
    if (s[0] === '.') {
      s = s.slice(1);
      const pl2 = s.length;
      let i = 0;
      let overflow = false;
      for (; i < s.length && digitAt(s, i); i++) {
        if (overflow) continue;
        if (f > ((1n << 63n) - 1n) / 10n) {
          overflow = true;
          continue;
        }
        const y = f * 10n + BigInt(s.charCodeAt(i) - 48);
        if (y > 1n << 63n) {
          overflow = true;
          continue;
        }
        f = y;
        scale *= 10;
      }
      s = s.slice(i);
      post = pl2 !== s.length;
    }
    if (!pre && !post) throw invalid();
    let i = 0;
    while (i < s.length && !(s[i] === '.' || digitAt(s, i))) i++;
    if (i === 0) throw new Error(`time: missing unit in duration ${timeQuote(orig)}`);
    const u = s.slice(0, i);
    s = s.slice(i);
    const unit = UNITS[u];
    if (unit === undefined) throw new Error(`time: unknown unit ${timeQuote(u)} in duration ${timeQuote(orig)}`);
    if (v > (1n << 63n) / unit) throw invalid();
    v *= unit;
    if (f > 0n) {
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (v > 1n << 63n) throw invalid();
    }
    d += v;
    if (d > 1n << 63n) throw invalid();
  }
  if (neg) return -d;
  if (d > INT64_MAX) throw invalid();
  return d;
}

/** Go's `strconv.FormatFloat(x, 'f', -1, 64)`. */
function formatFloatF(x: number): string {
  const s = String(x);
  if (!/e/.test(s)) return s;
  const [mant = '', expText = '0'] = s.split('e');
  const exp = Number(expText);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  const point = (mant.replace('-', '').indexOf('.') === -1 ? mant.replace('-', '').length : mant.replace('-', '').indexOf('.')) + exp;
  const out =
    point <= 0
      ? '0.' + '0'.repeat(-point) + digits
      : point >= digits.length
        ? digits + '0'.repeat(point - digits.length)
        : digits.slice(0, point) + '.' + digits.slice(point);
  return (neg ? '-' : '') + out;
}

/** OPA's `parseExtendedDuration`. */
function parseExtendedDuration(s: string): bigint {
  const invalid = (): Error => new Error(`time: invalid duration ${goQuoteStr(s)}`);
  if (s === '') throw invalid();
  if (!/[dwy]/.test(s)) return parseDuration(s);
  const m = /^([-+]?)((?:[0-9.]+(?:ms|us|µs|ns|[a-z]))+)$/u.exec(s);
  if (!m) throw invalid();
  let rewritten = m[1] ?? '';
  for (const seg of (m[2] as string).matchAll(/([0-9.]+)(ms|us|µs|ns|[a-z])/gu)) {
    const [, digits = '', unit = ''] = seg;
    const coeff = unit === 'd' ? 24 : unit === 'w' ? 7 * 24 : unit === 'y' ? 365 * 24 : 0;
    if (coeff === 0) {
      rewritten += digits + unit;
      continue;
    }
    if (!/^(\d+\.?\d*|\.\d+)$/.test(digits)) throw invalid();
    const val = Number(digits);
    if (!Number.isFinite(val)) throw invalid();
    rewritten += formatFloatF(val * coeff) + 'h';
  }
  try {
    return parseDuration(rewritten);
  } catch (e) {
    const msg = (e as Error).message;
    const i = msg.lastIndexOf(' ');
    throw new Error(`${i === -1 ? msg : msg.slice(0, i)} ${goQuoteStr(s)}`);
  }
}

/** Go's `strconv.Quote` for the texts `fmt.Errorf("%q")` prints. */
function goQuoteStr(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x0d) out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + '"';
}

// ---------------------------------------------------------------------------
// The built-ins.

const LAYOUTS: Record<string, string> = {
  ANSIC: 'Mon Jan _2 15:04:05 2006',
  UnixDate: 'Mon Jan _2 15:04:05 MST 2006',
  RubyDate: 'Mon Jan 02 15:04:05 -0700 2006',
  RFC822: '02 Jan 06 15:04 MST',
  RFC822Z: '02 Jan 06 15:04 -0700',
  RFC850: 'Monday, 02-Jan-06 15:04:05 MST',
  RFC1123: 'Mon, 02 Jan 2006 15:04:05 MST',
  RFC1123Z: 'Mon, 02 Jan 2006 15:04:05 -0700',
  RFC3339: '2006-01-02T15:04:05Z07:00',
  RFC3339Nano: '2006-01-02T15:04:05.999999999Z07:00',
};

/** OPA's `toSafeUnixNano`. */
function safeNanos(name: string, ns: bigint): Value {
  if (ns < INT64_MIN || ns > INT64_MAX) throw fail(name, 'time outside of valid range');
  return fromBigInt(ns);
}

/** OPA's `tzTime`: the time of `ns` or `[ns, tz]` / `[ns, tz, layout]`, and the layout. */
function tzTime(name: string, a: Value): [Time, string] {
  const either = 'either number (ns) or [number (ns), string (tz)]';
  let n: Value;
  let zone = UTC_ZONE;
  let layout = '';
  if (Array.isArray(a)) {
    const arr = a as readonly Value[];
    if (arr.length === 0) throw typeError(name, 1, either, a);
    n = arr[0] as Value;
    if (!isNumber(n)) throw typeError(name, 1, 'number', n);
    if (arr.length > 1) {
      const tz = arr[1] as Value;
      if (typeof tz !== 'string') throw typeError(name, 1, 'string', tz);
      if (tz !== '' && tz !== 'UTC' && tz !== 'Local') {
        const z = loadLocation(tz);
        if (typeof z === 'string') throw fail(name, z);
        zone = z;
      }
    }
    if (arr.length > 2) {
      const l = arr[2] as Value;
      if (typeof l !== 'string') throw typeError(name, 1, 'string', l);
      layout = l;
    }
  } else if (isNumber(a)) n = a;
  else throw typeError(name, 1, either, a);
  const i = isInteger(n) ? toBigInt(n) : undefined;
  if (i === undefined || i < INT64_MIN || i > INT64_MAX) throw fail(name, 'timestamp too big');
  return [{ ns: i, zone }, layout];
}

function wrapParse<T>(name: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ParseError) throw fail(name, e.message);
    throw e;
  }
}

/** The built-ins of this family. */
export const builtins: BuiltinDef[] = [
  { name: 'time.now_ns', arity: 0, fn: (_args, ctx) => fromBigInt(ctx.now) },
  {
    name: 'time.parse_ns',
    arity: 2,
    fn: (args) => {
      const name = 'time.parse_ns';
      const layout = argString(name, args, 0);
      const value = argString(name, args, 1);
      const t = wrapParse(name, () => parse(LAYOUTS[layout] ?? layout, value));
      return safeNanos(name, t.ns);
    },
  },
  {
    name: 'time.parse_rfc3339_ns',
    arity: 1,
    fn: (args) => {
      const name = 'time.parse_rfc3339_ns';
      const value = argString(name, args, 0);
      return safeNanos(name, wrapParse(name, () => parse(LAYOUTS['RFC3339'] as string, value)).ns);
    },
  },
  {
    name: 'time.parse_duration_ns',
    arity: 1,
    fn: (args) => {
      const name = 'time.parse_duration_ns';
      const s = argString(name, args, 0);
      try {
        return fromBigInt(parseExtendedDuration(s));
      } catch (e) {
        throw fail(name, (e as Error).message);
      }
    },
  },
  {
    name: 'time.format',
    arity: 1,
    fn: (args) => {
      const [t, layout] = tzTime('time.format', args[0] as Value);
      return format(t, layout === '' ? (LAYOUTS['RFC3339Nano'] as string) : (LAYOUTS[layout] ?? layout));
    },
  },
  {
    name: 'time.date',
    arity: 1,
    fn: (args) => {
      const f = fields(tzTime('time.date', args[0] as Value)[0]);
      return [f.year, f.month, f.day];
    },
  },
  {
    name: 'time.clock',
    arity: 1,
    fn: (args) => {
      const f = fields(tzTime('time.clock', args[0] as Value)[0]);
      return [f.hour, f.min, f.sec];
    },
  },
  {
    name: 'time.weekday',
    arity: 1,
    fn: (args) => DAY_NAMES[fields(tzTime('time.weekday', args[0] as Value)[0]).weekday],
  },
  {
    name: 'time.add_date',
    arity: 4,
    fn: (args) => {
      const name = 'time.add_date';
      const [t] = tzTime(name, args[0] as Value);
      const years = intOperand(name, args[1] as Value, 2);
      const months = intOperand(name, args[2] as Value, 3);
      const days = intOperand(name, args[3] as Value, 4);
      const f = fields(t);
      const r = date(f.year + years, f.month + months, f.day + days, f.hour, f.min, f.sec, f.nsec, t.zone);
      return safeNanos(name, r.ns);
    },
  },
  {
    name: 'time.diff',
    arity: 2,
    fn: (args) => {
      const name = 'time.diff';
      const [a] = tzTime(name, args[0] as Value);
      const [b0] = tzTime(name, args[1] as Value);
      let t1 = a;
      let t2: Time = { ns: b0.ns, zone: a.zone };
      if (t1.ns > t2.ns) [t1, t2] = [t2, t1];
      const f1 = fields(t1);
      const f2 = fields(t2);
      let year = f2.year - f1.year;
      let month = f2.month - f1.month;
      let day = f2.day - f1.day;
      let hour = f2.hour - f1.hour;
      let min = f2.min - f1.min;
      let sec = f2.sec - f1.sec;
      if (sec < 0) {
        sec += 60;
        min--;
      }
      if (min < 0) {
        min += 60;
        hour--;
      }
      if (hour < 0) {
        hour += 24;
        day--;
      }
      if (day < 0) {
        day += daysIn(f1.month, f1.year);
        month--;
      }
      if (month < 0) {
        month += 12;
        year--;
      }
      return [year, month, day, hour, min, sec];
    },
  },
];
