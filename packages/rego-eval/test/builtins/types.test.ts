import { describe, expect, it } from 'vitest';
import { RObject, RSet, type Value } from '@policy-engine/rego-value';
import { calls, disagreements } from './oracle.js';

const samples: Value[] = [null, true, 1, 2.5, 'a', [], [1], new RObject(), RObject.fromRecord({ a: 1 }), new RSet(), new RSet([1])];

describe('type built-ins agree with OPA', () => {
  it('is_* and type_name on a value of every type', async () => {
    const names = ['is_number', 'is_string', 'is_boolean', 'is_array', 'is_set', 'is_object', 'is_null', 'type_name'];
    expect(
      (
        await disagreements(
          names.flatMap((name) =>
            calls(
              name,
              samples.map((v) => [v]),
            ),
          ),
        )
      ).join('\n'),
    ).toBe('');
  });
});
