import { describe, expect, it } from 'vitest';
import { RObject, parseNumber, type Value } from '@policy-engine/rego-value';
import { defaultBuiltins } from '../../src/builtins/index.js';
import { calls, disagreements, testContext } from './oracle.js';

// Not compared: Go float syntax that is not JSON ("0x1p4", "1_000" with a base prefix): OPA keeps
// the text as the number and then cannot even print it ("json: invalid number literal"); we give
// the number's value.
describe('to_number agrees with OPA', () => {
  it('on numbers, booleans, null, Go float syntax and invalid strings', async () => {
    const strings = [
      '0',
      '-1',
      '3.14',
      '1e3',
      '1E-3',
      '-0',
      '1e400',
      '1e-400',
      '12345678901234567890123',
      'abc',
      '',
      ' 1',
      '1 ',
      '0x',
      'inf',
      '-Inf',
      'NaN',
      '+-1',
      '1e',
      '--1',
      'infinity',
    ];
    const cases = calls('to_number', [
      ...strings.map((s) => [s]),
      [null],
      [true],
      [false],
      [42],
      [parseNumber('1e400') as Value],
      [[1]],
      [new RObject()],
    ]);
    expect((await disagreements(cases)).join('\n')).toBe('');
  });

  it('reads the Go float forms that are not JSON numbers by value', () => {
    // OPA accepts them too but keeps the text ("+5") as the number, which its JSON output rejects.
    const toNumber = (s: string): Value | undefined => defaultBuiltins.get('to_number')?.fn([s], testContext('to_number'));
    expect(toNumber('+5')).toBe(5);
    expect(toNumber('.5')).toBe(0.5);
    expect(toNumber('5.')).toBe(5);
    expect(toNumber('00012')).toBe(12);
    expect(toNumber('0x1p4')).toBe(16);
    expect(toNumber('-0x1.8p1')).toBe(-3);
  });
});
