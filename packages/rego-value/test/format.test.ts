import { describe, expect, it } from 'vitest';
import { RObject, RSet, formatValue, parseNumber, parseNumberLiteral, sprintf, type Value } from '../src/index.js';

const BIG = parseNumber('123456789123456789123') as Value;

describe('formatValue', () => {
  it('prints OPA term text', () => {
    expect(
      formatValue(
        new RObject([
          ['a', [1, 'x']],
          [2, new RSet()],
        ]),
      ),
    ).toBe('{2: set(), "a": [1, "x"]}');
    expect(formatValue(new RSet(['b', 'a']))).toBe('{"a", "b"}');
    expect(formatValue('a"\n')).toBe('"a\\"\\n"');
  });
});

describe('sprintf (Go fmt with OPA arguments)', () => {
  const cases: [string, Value[], string][] = [
    ['%v %v %v', ['a', 1, 1.5], 'a 1 1.5'],
    ['%d', [42], '42'],
    ['%5d|%-5d|%05d', [42, 42, -42], '   42|42   |-0042'],
    ['%s', [[1, 'a']], '[1, "a"]'],
    ['%q', ['hi'], '"hi"'],
    ['%x %X', [255, 'hi'], 'ff 6869'],
    ['%.2f %e %g', [3.14159, 1234.5, 0.000012], '3.14 1.234500e+03 1.2e-05'],
    ['%v', [1e6 + 0.5], '1.0000005e+06'],
    ['%d', ['s'], '%!d(string=s)'],
    ['%d %d', [1], '1 %!d(MISSING)'],
    // *big.Int formats itself (OPA v1.22.3: sprintf/big_int); expectations from the real OPA
    [
      '%s|%v|%x|%q',
      [BIG, BIG, BIG, BIG],
      '123456789123456789123|123456789123456789123|6b14e9f9b0df36a83|%!q(big.Int=123456789123456789123)',
    ],
    // literals keep OPA's float text: %f of 100.0 is a float, %v of 2e308 its text
    [
      '%f, %3.1f, %.3f|%v|%d',
      [
        parseNumberLiteral('0.0') as Value,
        parseNumberLiteral('100.0') as Value,
        parseNumberLiteral('.0') as Value,
        parseNumberLiteral('2e308') as Value,
        parseNumberLiteral('1e2') as Value,
      ],
      '0.000000, 100.0, 0.000|2e308|%!d(float64=100)',
    ],
    ['%d', [1, 'x'], '1%!(EXTRA string=x)'],
    ['%t', [true], '%!t(string=true)'],
    ['100%%', [], '100%'],
    ['%v', [parseNumber('12345678901234567890') as Value], '12345678901234567890'],
    ['%.3s|%8.3f', ['abcdef', 2.5], 'abc|   2.500'],
    // Checked against OPA v1.22.3 (found by engine-native's differential test).
    ['%s', [421568], '%!s(int64=421568)'],
    ['%q %c %U', [-31753, -31753, -31753], "'\uFFFD' \uFFFD U+FFFFFFFFFFFF83F7"],
    ['%q %c %U', [55296, 55296, 55296], "'\uFFFD' \uFFFD U+D800"],
    ['%q %c', [1114112, 1114112], "'\uFFFD' \uFFFD"],
    ['%q %q', [10, 39], "'\\n' '\\''"],
    ['%d %s', [1e21, 1e21], '%!d(float64=1e+21) %!s(float64=1e+21)'],
    // Go fmt corners, checked against OPA v1.22.3 (opa eval): flags reach a bad verb's value,
    // strings zero-pad, %.Nf rounds exactly with ties to even, %x of a float is hex.
    ['%e|%5t|%-6.2t|%#v', [5, true, 'abc', 'q'], '%!e(int64=5)|%!t(string= true)|%!t(string=ab    )|"q"'],
    ['%.0f %.0f %.0f %.1f %.2f', [0.5, 1.5, 2.5, 0.25, 0.125], '0 2 2 0.2 0.12'],
    ['%#x|%x|%b', [1.5, 0.1, 2.5], '0x1.8000p+00|0x1.999999999999ap-04|5629499534213120p-51'],
    ['%T %T %T %5.2T', [1, 1.5, 'x', true], 'int64 float64 string    st'],
    ['%[2]d %[1]d %[3]d|%[x]d', [1, 2], '2 1 %!d(BADINDEX)|%!d(BADINDEX)'],
    ['%-*d|%.*f|%*d', [-5, 7, 2, 1.5, 'x', 1], '7    |1.50|%!(BADWIDTH)1'],
    ['%010s|%x|% X|%#U', ['hé', 'hé', 'hé', 65], "00000000hé|68c3a9|68 C3 A9|U+0041 'A'"],
    ['%.|%!', [1], '%!|(int64=1)%!!(MISSING)'], // `%.|` is precision 0 and verb `|`
  ];
  it.each(cases.map(([f, a, w], i) => [i, f, a, w] as const))('case %i: %s', (_i, f, args, want) => {
    expect(sprintf(f, args)).toBe(want);
  });
});
