/**
 * Helpers shared by the built-in families: OPA's operand error texts
 * (`topdown/builtins.NewOperand*Err`), integer operands and Go string semantics (runes).
 */
import { goQuote, isInteger, isNumber, toBigInt, typeName, type Value } from '@policy-engine/rego-value';
import { BuiltinError, typeError } from './registry.js';

/** `"<name>: operand N <detail>"` as an `eval_type_error` (OPA's `NewOperandErr`). */
export function operandError(name: string, pos: number, detail: string): BuiltinError {
  return new BuiltinError(`${name}: operand ${pos} ${detail}`, 'eval_type_error');
}

/** OPA's `NewOperandTypeErr` with several accepted types: "must be one of {a, b} but got X". */
export function typeErrorOf(name: string, pos: number, got: Value, ...want: string[]): BuiltinError {
  if (want.length === 1) return typeError(name, pos, want[0] as string, got);
  return operandError(name, pos, `must be one of {${want.join(', ')}} but got ${typeName(got)}`);
}

/** OPA's `NewOperandElementErr`: "must be array of strings but got array containing number". */
export function elementError(name: string, pos: number, composite: Value, got: Value, ...want: string[]): BuiltinError {
  const t = typeName(composite);
  if (want.length === 1) return operandError(name, pos, `must be ${t} of ${want[0]}s but got ${t} containing ${typeName(got)}`);
  return operandError(name, pos, `must be ${t} of (any of) {${want.join(', ')}} but got ${t} containing ${typeName(got)}`);
}

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

/** OPA's `IntOperand`: a number that is an integer fitting Go's `int`. */
export function intOperand(name: string, v: Value, pos: number): number {
  if (!isNumber(v)) throw typeError(name, pos, 'number', v);
  const i = isInteger(v) ? toBigInt(v) : undefined;
  if (i === undefined || i > INT64_MAX || i < INT64_MIN) {
    throw operandError(name, pos, 'must be integer number but got floating-point number');
  }
  return Number(i);
}

/** OPA's `BigIntOperand`: any integer number. */
export function bigIntOperand(name: string, v: Value, pos: number): bigint {
  if (!isNumber(v)) throw typeError(name, pos, 'integer', v);
  const i = toBigInt(v);
  if (i === undefined) throw operandError(name, pos, 'must be integer number but got floating-point number');
  return i;
}

/** A built-in error with OPA's `"<name>: <detail>"` text. */
export function fail(name: string, detail: string): BuiltinError {
  return new BuiltinError(`${name}: ${detail}`);
}

/** The code points of a string (Go's `[]rune`). */
export function runes(s: string): string[] {
  return Array.from(s);
}

/** Whether every code unit is ASCII. */
export function isASCII(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8');

/** UTF-8 bytes of a string. */
export function utf8(s: string): Uint8Array {
  return utf8Encoder.encode(s);
}

/** A string of UTF-8 bytes (invalid sequences become U+FFFD, as OPA's JSON output shows them). */
export function fromUtf8(b: Uint8Array): string {
  return utf8Decoder.decode(b);
}

/** Length of the valid UTF-8 sequence at `i` (Go's `utf8.DecodeRune` rules), or 0 when the byte starts none. */
export function utf8SequenceLength(b: Uint8Array, i: number): number {
  const c = b[i] as number;
  if (c < 0x80) return 1;
  const cont = (j: number, lo = 0x80, hi = 0xbf): boolean => i + j < b.length && (b[i + j] as number) >= lo && (b[i + j] as number) <= hi;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    const ok1 = c === 0xe0 ? cont(1, 0xa0) : c === 0xed ? cont(1, 0x80, 0x9f) : cont(1);
    return ok1 && cont(2) ? 3 : 0;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    const ok1 = c === 0xf0 ? cont(1, 0x90) : c === 0xf4 ? cont(1, 0x80, 0x8f) : cont(1);
    return ok1 && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

/** Go's `strconv.Quote` of raw bytes: invalid UTF-8 bytes become `\xNN`. */
export function goQuoteBytes(b: Uint8Array): string {
  let out = '';
  for (let i = 0; i < b.length;) {
    const n = utf8SequenceLength(b, i);
    if (n === 0) {
      out += '\\x' + (b[i] as number).toString(16).padStart(2, '0');
      i++;
    } else {
      out += goQuote(fromUtf8(b.subarray(i, i + n))).slice(1, -1);
      i += n;
    }
  }
  return `"${out}"`;
}

/** Go's `subtle.ConstantTimeCompare` (`hmac.Equal`): equal lengths and bytes, compared in time independent of the contents. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}
