// The ABI host's reader and writer of OPA's wasm value text (opa_value_dump / opa_value_parse).
import { describe, expect, it } from 'vitest';
import { BigNum, RObject, RSet, numberText, toJSON } from '@policy-engine/rego-value';
import { ValueTextError, readValueText, writeValueText } from '../src/worker/value-text.js';

describe('readValueText', () => {
  it('reads sets, non-string keys, escaped strings and exact numbers as rego-value values', () => {
    const v = readValueText('{"a": {2, 1}, 1: set(), "q\\"\\u00e9": [12345678901234567890, 1e21, -0.5, true, null], [1]: {}}');
    expect(v).toBeInstanceOf(RObject);
    const o = v as RObject;
    expect(o.get('a')).toBeInstanceOf(RSet);
    expect((o.get('a') as RSet).sorted()).toEqual([1, 2]);
    expect(o.get(1)).toEqual(new RSet());
    const arr = o.get('q"é') as readonly unknown[];
    expect(arr[0]).toBeInstanceOf(BigNum);
    expect(numberText(arr[0] as BigNum)).toBe('12345678901234567890');
    // A literal's text is kept (OPA's sprintf formats 1e21 as a float: 1e+21).
    expect((arr[1] as BigNum).text).toBe('1e21');
    expect(arr.slice(2)).toEqual([-0.5, true, null]);
    expect(o.get([1])).toEqual(new RObject());
    expect(toJSON(v, { bigNumbers: 'string' })).toEqual({
      '1': [],
      '[1]': {},
      a: [1, 2],
      'q"é': ['12345678901234567890', '1e21', -0.5, true, null],
    });
  });

  it('fails with ValueTextError on text it does not understand', () => {
    expect(() => readValueText('{"a" 1}')).toThrow(ValueTextError);
    expect(() => readValueText('[1, 2')).toThrow(ValueTextError);
    expect(() => readValueText('1 2')).toThrow(/trailing text/);
  });
});

describe('writeValueText', () => {
  it('writes what readValueText reads back: sets as literals, keys of any type, strings as JSON', () => {
    const v = new RObject([
      [1, new RSet(['b', 'a'])],
      ['x\u0007"', [new RSet(), null, false, 2.5]],
    ]);
    const text = writeValueText(v);
    expect(text).toBe('{1:{"a","b"},"x\\u0007\\"":[set(),null,false,2.5]}');
    expect(writeValueText(readValueText(text))).toBe(text);
  });
});
