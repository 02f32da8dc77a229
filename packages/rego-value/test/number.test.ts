import { describe, expect, it } from 'vitest';
import {
  add,
  compare,
  div,
  equals,
  mul,
  numberText,
  parseJSONText,
  parseNumber,
  rem,
  round,
  sub,
  toJSONText,
  type Value,
} from '../src/index.js';

const n = (t: string): Value => parseNumber(t) as Value;

describe('numbers', () => {
  it('keeps decimals and big integers exact', () => {
    expect(equals(n('3.50'), n('3.5'))).toBe(true);
    expect(compare(n('1e400'), n('1e399'))).toBe(1);
    expect(numberText(n('12345678901234567890') as number)).toBe('12345678901234567890');
    expect(equals(n('9007199254740993'), n('9007199254740992'))).toBe(false);
    expect(equals(n('100e-2'), 1)).toBe(true);
  });
  it('does exact integer arithmetic past 2^53', () => {
    expect(toJSONText(add(n('9007199254740993') as number, 1))).toBe('9007199254740994');
    expect(toJSONText(mul(n('12345678901234567890') as number, 10))).toBe('123456789012345678900');
    expect(toJSONText(sub(0, n('1e400') as number))).toBe('-1e+400');
  });
  it('divides, takes remainders and rounds as OPA', () => {
    expect(div(1, 0)).toBeUndefined();
    expect(div(6, 3)).toBe(2);
    expect(div(1, 4)).toBe(0.25);
    expect(rem(-7, 3)).toBe(-1);
    expect(rem(1.5, 1)).toBeUndefined();
    expect(round(-2.5)).toBe(-3);
    expect(round(2.5)).toBe(3);
  });
  it('parses JSON text with big numbers', () => {
    expect(toJSONText(parseJSONText('{"b":[1.0, 2e2, 123456789012345678901234567890]}'))).toBe(
      '{"b":[1,200,123456789012345678901234567890]}',
    );
  });
});

describe('lazy objects', () => {
  it('convert members when read and equal their eager form', async () => {
    const { fromJSON, equals, toJSONText, RObject } = await import('../src/index.js');
    const raw = { b: [1, { c: 'x' }], a: null, skip: undefined };
    const lazy = fromJSON(raw, 0, { lazy: true });
    expect(lazy).toBeInstanceOf(RObject);
    expect((lazy as InstanceType<typeof RObject>).get('a')).toBeNull();
    expect((lazy as InstanceType<typeof RObject>).get('skip')).toBeUndefined();
    expect(equals(lazy, fromJSON(raw))).toBe(true);
    expect(toJSONText(lazy)).toBe('{"a":null,"b":[1,{"c":"x"}]}');
    expect(() => (fromJSON({ a: { b: { c: 1 } } }, 0, { lazy: true, maxDepth: 1 }) as InstanceType<typeof RObject>).get('a')).not.toThrow();
    expect(() => toJSONText(fromJSON({ a: { b: { c: 1 } } }, 0, { lazy: true, maxDepth: 1 }))).toThrow('nested deeper');
  });
});

describe('bigints', () => {
  it('read as exact integers by default, and are refused with refuseBigInts (eager and lazy)', async () => {
    const { fromJSON, toJSONText, ValueConversionError } = await import('../src/index.js');
    expect(toJSONText(fromJSON({ n: 12345678901234567890n }))).toBe('{"n":12345678901234567890}');
    expect(() => fromJSON({ n: [1n] }, 0, { refuseBigInts: true })).toThrow(ValueConversionError);
    expect(() => fromJSON(new Set([1n]), 0, { refuseBigInts: true })).toThrow('not a JSON value');
    const lazy = fromJSON({ ok: 1, n: 1n }, 0, { lazy: true, refuseBigInts: true });
    expect(() => toJSONText(lazy)).toThrow(ValueConversionError);
  });
});

describe('input numbers keep their JSON text (as OPA keeps json.Number text)', () => {
  it('exponent forms keep their text; value, equality, order and hash are unchanged', async () => {
    const { fromJSON, formatValue, sprintf, equals, compare, keyOf, parseNumber, RSet } = await import('../src/index.js');
    const v = fromJSON([1e21, 1e-7, 0.5, 12]) as Value[];
    expect(formatValue(v)).toBe('[1e+21, 1e-7, 0.5, 12]');
    expect(sprintf('%d', [v[0] as Value])).toBe('%!d(float64=1e+21)');
    expect(sprintf('%v', [[v[1] as Value]])).toBe('[1e-7]');
    const lit = parseNumber('1000000000000000000000') as Value;
    expect(equals(v[0] as Value, lit)).toBe(true);
    expect(equals(v[1] as Value, 1e-7)).toBe(true);
    expect(equals(1e-7, v[1] as Value)).toBe(true);
    expect(equals(v[1] as Value, 2e-7)).toBe(false);
    expect(compare(v[1] as Value, 1e-7)).toBe(0);
    expect(keyOf(v[1] as Value)).toBe(keyOf(1e-7));
    expect(new RSet([v[1] as Value, 1e-7]).size).toBe(1);
    expect(sprintf('%d', [lit])).toBe('1000000000000000000000');
  });
});
