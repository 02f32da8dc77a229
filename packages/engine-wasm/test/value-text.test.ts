// The ABI host's reader and writer of OPA's wasm value text (opa_value_dump / opa_value_parse).
import { describe, expect, it } from 'vitest';
import { BigNum, RObject, RSet, numberText, toJSON, toJSONText } from '@policy-engine/rego-value';
import { ValueTextError, readValueText, valueTextToJson, writeValueText } from '../src/worker/value-text.js';

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
    // A string the text ends inside: the offset where the scan stopped, past an escape too.
    expect(() => readValueText('["ab')).toThrow(/at offset 4: unterminated string/);
    expect(() => readValueText('"a\\')).toThrow(/at offset 4: unterminated string/);
    for (const text of ['["ab', '"a\\', '{"k": "v\\"']) expect(() => valueTextToJson(text)).toThrow(ValueTextError);
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

/** What the engine reads from a value text: JSON.parse of it, re-serialised (key order included). */
const parsed = (json: string): string => JSON.stringify(JSON.parse(json));
const slow = (text: string): string => parsed(toJSONText(readValueText(text)));

/** A random value text in OPA's dump syntax, set members and object keys in random order. */
function randomText(rand: () => number, depth: number, plain: boolean): string {
  const strings = ['a', 'b', 'B', '', 'é', '\uffff', '😀', 'a\\"b', 'a\\\\b', 'line\\nbreak', '\\u00e9', '10', '2', '__proto__'];
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  // OPA's dump never repeats a member or key: distinct by value, not spelling ("\u00e9" is "é").
  const distinct = (xs: string[]): string[] => [...new Map(xs.map((x) => [JSON.parse(x) as string, x])).values()];
  const str = (): string => `"${pick(strings)}${rand() < 0.3 ? Math.floor(rand() * 100) : ''}"`;
  const kind = depth <= 0 ? Math.floor(rand() * 3) : Math.floor(rand() * 7);
  switch (kind) {
    case 0:
      return str();
    case 1:
      return pick(['0', '-1', '2.5', '1e21', '1e+21', '12345678901234567890', '-0.125', '3E-5']);
    case 2:
      return pick(['true', 'false', 'null']);
    case 3:
      return '[' + Array.from({ length: Math.floor(rand() * 4) }, () => randomText(rand, depth - 1, plain)).join(', ') + ']';
    case 4: {
      const keys = distinct(Array.from({ length: Math.floor(rand() * 5) }, str));
      if (!plain && rand() < 0.3) keys.push(String(Math.floor(rand() * 9)));
      return '{' + keys.map((k) => `${k}: ${randomText(rand, depth - 1, plain)}`).join(', ') + '}';
    }
    default: {
      const items = distinct(Array.from({ length: Math.floor(rand() * 5) }, str));
      if (!plain && rand() < 0.5)
        for (const extra of new Set(
          Array.from({ length: 1 + Math.floor(rand() * 3) }, () =>
            pick(['1', '2.5', '-3', '[1, "a"]', '[1]', 'true', 'null', '{"x": set()}', '{"b": 1, "a": [2]}', '{"x"}', '{"y", "x"}']),
          ),
        ))
          items.push(extra);
      return items.length === 0 ? 'set()' : '{' + items.join(', ') + '}';
    }
  }
}

describe('valueTextToJson', () => {
  it('gives what toJSONText(readValueText(text)) gives after JSON.parse: sets sorted as OPA sorts them, keys too', () => {
    expect(valueTextToJson('{"b": {"z", "😀", "\uffff", "a"}, "a": set(), "c": [1e+21, {}]}')).toBe(
      '{"a":[],"b":["a","z","\uffff","😀"],"c":[1e+21,{}]}',
    );
    // A result set: a set of one object, no order needed.
    expect(valueTextToJson('{{"result": {"b", "a"}}}')).toBe('[{"result":["a","b"]}]');
    expect(valueTextToJson('{[2, 1]}')).toBe('[[2,1]]');
    // Members that are not strings sort in OPA's order: numbers before strings before arrays before objects.
    expect(valueTextToJson('{{"a": 1}, [2], "s", 10, 9}')).toBe('[9,10,"s",[2],{"a":1}]');
    let seed = 7;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let k = 0; k < 3000; k++) {
      const text = randomText(rand, 4, k % 2 === 0);
      expect({ text, json: parsed(valueTextToJson(text)) }).toEqual({ text, json: slow(text) });
    }
  });

  it('takes the full reader for non-string keys, and fails as it does on text it does not understand', () => {
    for (const text of ['{2, 1}', '{1: "a", "b": 2}', '[{[1]: {}}]', '{"a", 1}', '{"s": {{"x"}, set()}}', '[1, 2']) {
      if (text === '[1, 2') expect(() => valueTextToJson(text)).toThrow(ValueTextError);
      else expect(parsed(valueTextToJson(text))).toBe(slow(text));
    }
    expect(valueTextToJson('{2, 1}')).toBe('[1,2]');
  });
});
