import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseNumber, type Value } from '@policy-engine/rego-value';
import { calls, disagreements, ours } from './oracle.js';

const MIN = -(2n ** 63n);
const MAX = 2n ** 63n - 1n;
const num = (b: bigint): Value => parseNumber(b.toString()) as Value;
/** Nanoseconds: mostly 1900–2100, some near the int64 edges. */
const ns = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.bigInt({
      min: -2208988800n * 10n ** 9n,
      max: 4102444800n * 10n ** 9n,
    }),
  },
  { weight: 1, arbitrary: fc.bigInt({ min: MIN, max: MIN + 10n ** 17n }) },
  { weight: 1, arbitrary: fc.bigInt({ min: MAX - 10n ** 17n, max: MAX }) },
);
const zones = [
  '',
  'UTC',
  'America/New_York',
  'America/Los_Angeles',
  'Europe/Paris',
  'Europe/London',
  'Asia/Kolkata',
  'Asia/Tokyo',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'America/St_Johns',
  'Etc/GMT+3',
];
const zone = fc.constantFrom(...zones);
const layouts = [
  'RFC3339',
  'RFC3339Nano',
  'RFC1123Z',
  'RFC822Z',
  'RubyDate',
  'ANSIC',
  '2006-01-02T15:04:05Z07:00',
  '2006-01-02 15:04:05.000 -0700',
  'Mon Jan _2 15:04:05.999999 2006',
  'January 2, 2006 3:04:05.00 PM -07:00:00',
  '02/01/06 03:04pm Z0700',
  '2006.002 15:04:05,999 Z07',
  '__2 2006 Monday -070000 Z07:00:00',
  '20060102150405.999999999Z070000',
  '15:04',
  'Jan 2 06 3:4:5 -07',
];
const layout = fc.constantFrom(...layouts);

describe('time built-ins agree with OPA', () => {
  it('time.format, date, clock, weekday on 1,000 generated instants × zones × layouts (fast-check, seeded)', async () => {
    const samples = fc.sample(fc.tuple(ns, zone, layout), {
      seed: 31,
      numRuns: 1000,
    });
    const cases = [
      ...calls(
        'time.format',
        samples.map(([n, z, l]): Value[] => [[num(n), z, l]]),
      ),
      ...calls(
        'time.format',
        samples.slice(0, 100).map(([n]): Value[] => [num(n)]),
      ),
      ...calls('time.format', [
        [[0, 'UTC', 'Mon, 02 Jan 2006 15:04:05 MST']],
        [[0, 'America/New_York', 'MST']],
        [1.5],
        [1e30],
        ['x'],
        [[]],
        [[0, 'Nowhere/Land']],
        [[0, 'utc']],
        [[0, 1]],
      ]),
      ...['time.date', 'time.clock', 'time.weekday'].flatMap((name) =>
        calls(
          name,
          samples.slice(0, 300).map(([n, z]): Value[] => [[num(n), z]]),
        ),
      ),
    ];
    expect((await disagreements(cases)).join('\n')).toBe('');
  }, 300_000);

  it('time.parse_ns and parse_rfc3339_ns on 1,000 generated texts, some mutated (fast-check, seeded)', async () => {
    const samples = fc.sample(
      fc.tuple(
        fc.bigInt({
          min: -2208988800n * 10n ** 9n,
          max: 4102444800n * 10n ** 9n,
        }),
        zone,
        layout,
        fc.nat(60),
        fc.nat(40),
      ),
      { seed: 32, numRuns: 1000 },
    );
    const texts = samples.map(([n, z, l, cut, ch]): Value[] => {
      const made = ours({ name: 'time.format', args: [[num(n), z, l]] });
      let text = made.kind === 'value' && typeof made.value === 'string' ? made.value : '';
      // mutate one in 8 texts: replace a character
      if (cut % 8 === 0 && text.length > 0) {
        const i = cut % text.length;
        text = text.slice(0, i) + ' 0a9Z+-:.,'.charAt(ch % 10) + text.slice(i + 1);
      }
      return [l, text];
    });
    const rfc = texts.filter(([l]) => l === 'RFC3339' || l === 'RFC3339Nano').map(([, t]): Value[] => [t as Value]);
    const cases = [
      ...calls('time.parse_ns', texts),
      ...calls('time.parse_ns', [
        ['2006-01-02', '2024-02-30'],
        ['2006-002', '2023-366'],
        ['2006-002', '2024-366'],
        ['2006-01-02 MST', '2024-01-01 PDT'],
        ['2006-01-02 MST', '2024-01-01 GMT+3'],
        ['15:04:05', '25:00:00'],
        ['2006', '0001'],
        ['2006-01-02T15:04:05Z07:00', '2024-01-01T00:00:00.123456789123+01:00'],
        ['Jan', 'jan'],
        [1, 'x'],
      ]),
      ...calls('time.parse_rfc3339_ns', [
        ...rfc,
        ['2024-01-01T00:00:00Z'],
        ['2024-13-01T00:00:00Z'],
        ['1677-09-21T00:12:43.145224191Z'],
        ['2262-04-11T23:47:16.854775808Z'],
        [3],
      ]),
    ];
    expect((await disagreements(cases)).join('\n')).toBe('');
  }, 300_000);

  it('time.parse_duration_ns on 1,000 generated durations (fast-check, seeded)', async () => {
    const unit = fc.constantFrom('ns', 'us', 'µs', 'μs', 'ms', 's', 'm', 'h', 'd', 'w', 'y', 'x', '');
    const amount = fc.oneof(
      fc.nat(1000).map(String),
      fc.tuple(fc.nat(99), fc.nat(9999)).map(([a, b]) => `${a}.${b}`),
      fc.constantFrom('.5', '5.', '.', '1.2.3', '9223372036854775807', '106751'),
    );
    const seg = fc.tuple(amount, unit).map(([a, u]) => a + u);
    const duration = fc
      .tuple(fc.constantFrom('', '-', '+'), fc.array(seg, { minLength: 1, maxLength: 3 }))
      .map(([s, xs]) => s + xs.join(''));
    const texts = fc.sample(duration, { seed: 33, numRuns: 1000 }).map((t): Value[] => [t]);
    const cases = calls('time.parse_duration_ns', [
      ...texts,
      [''],
      ['0'],
      ['-0'],
      ['1D'],
      ['1 h'],
      ['2562047h47m16.854775807s'],
      ['2562047h47m16.854775808s'],
      [1],
    ]);
    expect((await disagreements(cases)).join('\n')).toBe('');
  }, 300_000);

  it('time.add_date and time.diff on 1,000 generated instants × zones (fast-check, seeded)', async () => {
    const samples = fc.sample(
      fc.tuple(ns, ns, zone, fc.integer({ min: -30, max: 30 }), fc.integer({ min: -30, max: 30 }), fc.integer({ min: -400, max: 400 })),
      { seed: 34, numRuns: 1000 },
    );
    const cases = [
      ...calls(
        'time.add_date',
        samples.map(([a, , z, y, m, d]): Value[] => [[num(a), z], y, m, d]),
      ),
      ...calls('time.add_date', [
        [0, 1.5, 0, 0],
        [0, 0, 'x', 0],
        [num(MAX), 0, 0, 1],
      ]),
      ...calls(
        'time.diff',
        samples.slice(0, 500).map(([a, b, z]): Value[] => [[num(a), z], num(b)]),
      ),
    ];
    expect((await disagreements(cases)).join('\n')).toBe('');
  }, 300_000);
});
