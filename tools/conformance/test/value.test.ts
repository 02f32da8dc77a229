import { describe, expect, it } from 'vitest';
import { compareValues, fromPlain, JsonSyntaxError, Num, parseJsonExact, toJSONText, valuesEqual } from '../src/index.js';

describe('Num', () => {
  it('compares by value: 1, 1.0, 10e-1 and 0.1e1 are equal', () => {
    const one = Num.parse('1');
    for (const t of ['1.0', '10e-1', '0.1e1', '1.000']) expect(one.compare(Num.parse(t))).toBe(0);
    expect(Num.parse('1.0').toString()).toBe('1');
    expect(Num.parse('-0.0').toString()).toBe('0');
  });
  it('keeps integers past 2^53 exact', () => {
    const a = Num.of(18446744073709551614n);
    const b = Num.of(18446744073709551615n);
    expect(a.compare(b)).toBe(-1);
    expect(a.toString()).toBe('18446744073709551614');
    expect(Num.of(-9223372036854775808n).toString()).toBe('-9223372036854775808');
  });
  it('orders by sign, magnitude and digits', () => {
    const sorted = ['1e400', '-2', '0.5', '3', '1e399', '-10', '0', '2.5'].map((t) => Num.parse(t)).sort((x, y) => x.compare(y));
    expect(sorted.map(String)).toEqual(['-10', '-2', '0', '0.5', '2.5', '3', '1e399', '1e400']);
  });
  it('rejects what is not a number', () => {
    expect(() => Num.parse('1.2.3')).toThrow(/not a number/);
  });
});

describe('parseJsonExact', () => {
  it('reads big integers and huge exponents exactly', () => {
    const v = parseJsonExact('{"a": 18446744073709551614, "b": 1e400, "c": [1.5, "x", null, true]}');
    expect(toJSONText(v)).toBe('{"a":18446744073709551614,"b":1e400,"c":[1.5,"x",null,true]}');
  });
  it('reports malformed JSON with the offset', () => {
    expect(() => parseJsonExact('{"a": }')).toThrow(JsonSyntaxError);
    expect(() => parseJsonExact('[1] 2')).toThrow(/after the value at offset 4/);
  });
});

describe('compareValues (OPA order) and Rego equality', () => {
  it('orders null < boolean < number < string < array < object', () => {
    const vs = [{}, [], 's', Num.parse('1'), true, null].map((v) => fromPlain(v));
    const sorted = [...vs].sort(compareValues);
    expect(sorted.map(toJSONText)).toEqual(['null', 'true', '1', '"s"', '[]', '{}']);
  });
  it('ignores object key order and compares numbers by value', () => {
    expect(valuesEqual(fromPlain({ a: 1, b: [2n] }), parseJsonExact('{"b": [2.0], "a": 1.0}'))).toBe(true);
    expect(valuesEqual(fromPlain({ a: 1 }), fromPlain({ a: 2 }))).toBe(false);
  });
  it('orders strings by code point as Go does, not by UTF-16 unit', () => {
    // U+FF5E (one UTF-16 unit, 0xFF5E) sorts before U+1F600 (surrogates 0xD83D…) in Go.
    expect(compareValues('\uff5e', '\u{1f600}')).toBe(-1);
  });
});
