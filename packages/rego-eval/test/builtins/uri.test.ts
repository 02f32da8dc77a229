import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Value } from '@policy-engine/rego-value';
import { calls, disagreements } from './oracle.js';

/** URL-ish texts built from the pieces Go's url.Parse distinguishes, with odd characters mixed in. */
const piece = fc.constantFrom(
  'http',
  'HTTPS',
  'mailto',
  'x+y.z-1',
  '1a',
  ':',
  '//',
  '/',
  '///',
  '?',
  '#',
  '@',
  '[',
  ']',
  '[::1]',
  '[fe80::1%25en0]',
  '[1.2.3.4]',
  '[::1',
  'example.com',
  'exa%6dple.com',
  'ex%C3%A9',
  ':8080',
  ':80a',
  ':٣٤',
  'user:pa%20ss',
  'a<b',
  'user name',
  'a%21b',
  'a%27b',
  'a%2Ab',
  'a%2fb',
  '%zz',
  '%',
  '%e9',
  'é',
  '\u{1f600}',
  ' ',
  '+',
  '*',
  'q=1&r=2',
  'frag%20x',
  '\t',
  '\x7f',
);
const urlText = fc.array(piece, { minLength: 0, maxLength: 7 }).map((ps) => ps.join(''));

describe('uri built-ins', () => {
  it('uri.parse and uri.is_valid agree with OPA on 1,000 generated URL texts (fast-check, seeded) and odd operands', async () => {
    const texts = [...new Set(fc.sample(urlText, { seed: 12, numRuns: 1000 }))].map((t): Value[] => [t]);
    const hand: Value[][] = [
      ['https://user:pw@example.com:8443/a/b%20c?q=1#top'],
      ['http://[::1]:80/x'],
      ['http://foo]bar/'],
      ['*'],
      [''],
      ['mailto:someone@example.com'],
      ['http://a:b:c/'],
      ['postgres://h1:1,h2:2/db'],
    ];
    const odd: Value[][] = [[1], [null], [['http://x']]];
    const parse = calls('uri.parse', [...texts, ...hand, ...odd]);
    const valid = calls('uri.is_valid', [...texts, ...hand, ...odd]);
    expect((await disagreements([...parse, ...valid])).join('\n')).toBe('');
  }, 300_000);
});
