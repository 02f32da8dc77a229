import { describe, expect, it } from 'vitest';
import { RObject, type Value } from '@policy-engine/rego-value';
import { calls, disagreements, opaOutcomes, ours } from './oracle.js';

const o = (entries: [string, Value][]): RObject => new RObject(entries);

describe('http.send in the embedded engine', () => {
  it('checks the request object as OPA does (raise_error, unknown and missing parameters)', async () => {
    const cs = calls('http.send', [
      [
        o([
          ['bad_key', 'bad_value'],
          ['method', 'get'],
          ['url', 'http://127.0.0.1:51113'],
        ]),
      ],
      [o([['method', 'get']])],
      [o([])],
      [
        o([
          ['a', 1],
          ['b', 2],
        ]),
      ],
      [
        o([
          ['method', 'get'],
          ['raise_error', 'no'],
        ]),
      ],
      ['not an object'],
    ]);
    expect((await disagreements(cs)).join('\n')).toBe('');
  }, 60_000);

  it('with raise_error false, returns OPA’s error object (its message without the location, which built-ins do not see)', async () => {
    const cs = calls('http.send', [
      [
        o([
          ['method', 'get'],
          ['raise_error', false],
        ]),
      ],
      [
        o([
          ['bad', 1],
          ['url', 'u'],
          ['method', 'get'],
          ['raise_error', false],
        ]),
      ],
    ]);
    const theirs = await opaOutcomes(cs);
    cs.forEach((c, i) => {
      const t = theirs[i];
      const opaValue = t?.kind === 'value' ? ((t.value as RObject).get('v') as RObject) : undefined;
      const opaError = opaValue?.get('error') as RObject | undefined;
      const mine = ours(c);
      const myError = mine.kind === 'value' ? ((mine.value as RObject).get('error') as RObject) : undefined;
      expect(myError?.get('code')).toBe(opaError?.get('code'));
      expect((opaError?.get('message') as string).replace(/^.*?:\d+: eval_type_error: /, '')).toBe(myError?.get('message'));
    });
  }, 60_000);

  it('sends nothing: a valid request fails with a clear error, or returns the error object without raise_error', () => {
    const req: [string, Value][] = [
      ['method', 'get'],
      ['url', 'https://example.com'],
    ];
    const raised = ours({ name: 'http.send', args: [o(req)] });
    expect(raised).toMatchObject({ kind: 'error', code: 'eval_builtin_error' });
    expect(raised.kind === 'error' && raised.message).toContain('http.send: network access is disabled in the embedded engine');
    const quiet = ours({ name: 'http.send', args: [o([...req, ['raise_error', false]])] });
    expect(quiet.kind === 'value' && (quiet.value as RObject).get('status_code')).toBe(0);
  });
});
