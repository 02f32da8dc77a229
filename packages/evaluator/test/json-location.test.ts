import { describe, expect, it } from 'vitest';
import { jsonErrorOffset, lineColAt } from '@policy-engine/evaluator';

describe('jsonErrorOffset / lineColAt', () => {
  it('is undefined exactly when JSON.parse accepts the text', () => {
    for (const text of ['{}', ' [1, -2.5e3, "a\\u00e9", true, false, null] ', '"x"', '{"a": {"b": []}}']) {
      expect(() => JSON.parse(text) as unknown).not.toThrow();
      expect(jsonErrorOffset(text), text).toBeUndefined();
    }
  });

  it.each([
    ['{\n  "a": 1,\n  "b": \n}\n', 4, 1],
    ['{"a": 1,}', 1, 9],
    ['[1 2]', 1, 4],
    ['{"a": tru}', 1, 10],
    ['"bad \\x escape"', 1, 7],
    ['"\\u12G4"', 1, 6],
    ['{"a": 1} trailing', 1, 10],
    ['{"unterminated', 1, 15],
  ])('%j fails at line %i col %i, and JSON.parse rejects it too', (text, line, col) => {
    expect(() => JSON.parse(text) as unknown).toThrow();
    const offset = jsonErrorOffset(text);
    expect(offset).toBeDefined();
    expect(lineColAt(text, offset ?? -1)).toEqual({ line, col });
  });
});
