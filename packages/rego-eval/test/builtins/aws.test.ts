import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RObject, type Value } from '@policy-engine/rego-value';
import { calls, disagreements, type Call } from './oracle.js';

const o = (entries: [string, Value][]): RObject => new RObject(entries);

const config = fc.record(
  {
    aws_service: fc.constantFrom('s3', 'glacier', 'execute-api', 'sts'),
    aws_access_key: fc.constantFrom('AKIDEXAMPLE', 'MYKEY'),
    aws_secret_access_key: fc.string({ minLength: 1, maxLength: 20 }),
    aws_region: fc.constantFrom('us-east-1', 'eu-west-3'),
    aws_session_token: fc.string({ maxLength: 10 }),
    disable_payload_signing: fc.boolean(),
  },
  { requiredKeys: ['aws_service', 'aws_access_key', 'aws_secret_access_key', 'aws_region'] },
);

const request = fc.record(
  {
    method: fc.constantFrom('GET', 'POST', 'put'),
    url: fc.constantFrom(
      'https://example.com',
      'https://examplebucket.s3.amazonaws.com/test.txt',
      'http://user@host:8080/a b/c?x=1&y=%20#frag',
      'https://example.com/päth/%41?q=ä',
    ),
    headers: fc.dictionary(
      fc.constantFrom('Content-Type', 'X-Custom', 'user-agent', 'Authorization', 'host', 'x-amz-content-sha256'),
      fc.string({ maxLength: 12 }),
    ),
    body: fc.oneof(fc.string({ maxLength: 20 }), fc.dictionary(fc.string({ maxLength: 4 }), fc.integer())),
    raw_body: fc.string({ maxLength: 20 }),
  },
  { requiredKeys: ['method', 'url'] },
);

function toValue(x: unknown): Value {
  if (x !== null && typeof x === 'object' && !Array.isArray(x)) return o(Object.entries(x).map(([k, v]) => [k, toValue(v)]));
  return x as Value;
}

describe('providers.aws.sign_req agrees with OPA', () => {
  it('on generated requests, configs and timestamps (fast-check, seeded), and on every operand error', async () => {
    const generated = fc.sample(fc.tuple(request, config, fc.integer({ min: 0, max: 4_000_000_000 })), { seed: 31, numRuns: 150 });
    const ok = o([
      ['aws_service', 's3'],
      ['aws_access_key', 'k'],
      ['aws_secret_access_key', 's'],
      ['aws_region', 'r'],
    ]);
    const req = o([
      ['method', 'GET'],
      ['url', 'https://example.com/x'],
    ]);
    const cs: Call[] = [
      ...calls(
        'providers.aws.sign_req',
        generated.map(([r, c, s]): Value[] => [toValue(r), toValue(c), s * 1_000_000_000 + 123]),
      ),
      ...calls('providers.aws.sign_req', [
        [o([]), ok, 0],
        [
          o([
            ['method', 1],
            ['url', 2],
          ]),
          ok,
          0,
        ],
        [
          o([
            ['method', 'GET'],
            ['url', 'u'],
            ['bad_key', 1],
          ]),
          ok,
          0,
        ],
        [
          o([
            ['method', 'GET'],
            ['url', 'u'],
            ['headers', 'h'],
          ]),
          ok,
          0,
        ],
        [req, o([]), 0],
        [
          req,
          o([
            ['aws_service', 1],
            ['aws_access_key', 1],
            ['aws_secret_access_key', 1],
            ['aws_region', 1],
          ]),
          0,
        ],
        [req, o([...ok.sortedEntries().map(([k, v]) => [k as string, v] as [string, Value]), ['disable_payload_signing', 'yes']]), 0],
        [req, ok, 1.5],
        [req, ok, 'now'],
        ['req', ok, 0],
        [req, 'cfg', 0],
        [req, ok, -1_000_000_000],
        [
          o([
            ['method', 'GET'],
            ['url', 'https://example.com/%zz'],
          ]),
          ok,
          0,
        ],
        [
          o([
            ['method', 'GET'],
            ['url', 'https://example.com/a%2Fb?c=%zz'],
            ['headers', o([['h', 1]])],
          ]),
          ok,
          0,
        ],
      ]),
    ];
    expect((await disagreements(cs)).join('\n')).toBe('');
  }, 60_000);
});
