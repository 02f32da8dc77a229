import { constants, generateKeyPairSync, sign as nodeSign, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RObject, type Value } from '@policy-engine/rego-value';
import { calls, disagreements, ours, type Call } from './oracle.js';

// Keys are made by node:crypto in the test only; the built-ins themselves are pure TypeScript.
function jwkObject(k: KeyObject, extra: Record<string, string> = {}): RObject {
  const j = { ...(k.export({ format: 'jwk' }) as Record<string, string>), ...extra };
  return new RObject(Object.entries(j).map(([a, b]): [Value, Value] => [a, b]));
}
function jwkText(k: KeyObject, extra: Record<string, string> = {}): string {
  return JSON.stringify({ ...(k.export({ format: 'jwk' }) as Record<string, string>), ...extra });
}
function pem(k: KeyObject): string {
  return k.export({ format: 'pem', type: 'spki' }) as string;
}

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsa2 = generateKeyPairSync('rsa', { modulusLength: 1024 });
const ec256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ec384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const ec521 = generateKeyPairSync('ec', { namedCurve: 'P-521' });
const ed = generateKeyPairSync('ed25519');

const signers: { alg: string; priv: KeyObject; pub: KeyObject; verify: string }[] = [
  { alg: 'RS256', priv: rsa.privateKey, pub: rsa.publicKey, verify: 'io.jwt.verify_rs256' },
  { alg: 'RS384', priv: rsa.privateKey, pub: rsa.publicKey, verify: 'io.jwt.verify_rs384' },
  { alg: 'RS512', priv: rsa2.privateKey, pub: rsa2.publicKey, verify: 'io.jwt.verify_rs512' },
  { alg: 'PS256', priv: rsa.privateKey, pub: rsa.publicKey, verify: 'io.jwt.verify_ps256' },
  { alg: 'PS384', priv: rsa.privateKey, pub: rsa.publicKey, verify: 'io.jwt.verify_ps384' },
  { alg: 'PS512', priv: rsa.privateKey, pub: rsa.publicKey, verify: 'io.jwt.verify_ps512' },
  { alg: 'ES256', priv: ec256.privateKey, pub: ec256.publicKey, verify: 'io.jwt.verify_es256' },
  { alg: 'ES384', priv: ec384.privateKey, pub: ec384.publicKey, verify: 'io.jwt.verify_es384' },
  { alg: 'ES512', priv: ec521.privateKey, pub: ec521.publicKey, verify: 'io.jwt.verify_es512' },
  { alg: 'EdDSA', priv: ed.privateKey, pub: ed.publicKey, verify: 'io.jwt.verify_eddsa' },
];

const claims = fc.record(
  {
    iss: fc.constantFrom('joe', 'ann', ''),
    aud: fc.oneof(fc.constantFrom('bob', 'saul'), fc.array(fc.constantFrom('bob', 'saul', 'x'), { maxLength: 3 })),
    exp: fc.integer({ min: 0, max: 4_000_000_000 }),
    nbf: fc.integer({ min: 0, max: 4_000_000_000 }),
    name: fc.string({ maxLength: 12 }),
  },
  { requiredKeys: [] },
);

function payloadValue(o: Record<string, unknown>): RObject {
  return new RObject(Object.entries(o).map(([k, v]): [Value, Value] => [k, Array.isArray(v) ? (v as Value[]) : (v as Value)]));
}

function sign(header: RObject, payload: RObject, key: RObject): string {
  const out = ours({ name: 'io.jwt.encode_sign', args: [header, payload, key] });
  if (out.kind !== 'value' || typeof out.value !== 'string') throw new Error(`encode_sign failed: ${JSON.stringify(out)}`);
  return out.value;
}

function header(alg: string, extra: [string, string][] = []): RObject {
  return new RObject([['alg', alg], ['typ', 'JWT'], ...extra]);
}

describe('io.jwt.* agree with OPA', () => {
  it('encodes deterministic algorithms as OPA does (HS*, RS*, EdDSA) on generated claims (fast-check, seeded)', async () => {
    const payloads = fc.sample(claims, { seed: 21, numRuns: 12 }).map(payloadValue);
    const secret = new RObject([
      ['kty', 'oct'],
      ['k', 'AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow'],
    ]);
    const cs: Call[] = [];
    for (const p of payloads) {
      for (const alg of ['HS256', 'HS384', 'HS512']) cs.push({ name: 'io.jwt.encode_sign', args: [header(alg), p, secret] });
      for (const alg of ['RS256', 'RS512']) cs.push({ name: 'io.jwt.encode_sign', args: [header(alg), p, jwkObject(rsa.privateKey)] });
      cs.push({ name: 'io.jwt.encode_sign', args: [header('EdDSA'), p, jwkObject(ed.privateKey)] });
    }
    cs.push(
      ...calls('io.jwt.encode_sign_raw', [
        ['{"alg":"HS256"}', 'plain text', JSON.stringify({ kty: 'oct', k: 'c2VjcmV0' })],
        ['{"alg":"HS256","typ":"text/plain"}', 'plain text', JSON.stringify({ kty: 'oct', k: 'c2VjcmV0' })],
        ['{"alg":"nope"}', '{}', JSON.stringify({ kty: 'oct', k: 'c2VjcmV0' })],
        ['', '{}', JSON.stringify({ kty: 'oct', k: 'c2VjcmV0' })],
        ['{"typ":"JWT"}', '{}', JSON.stringify({ kty: 'oct', k: 'c2VjcmV0' })],
      ]),
    );
    expect((await disagreements(cs)).join('\n')).toBe('');
  });

  it('verifies tokens of every algorithm (ours signed, random salts and nonces included) with PEM keys, JWKs and JWK sets', async () => {
    const payloads = fc.sample(claims, { seed: 22, numRuns: 3 }).map(payloadValue);
    const cs: Call[] = [];
    for (const s of signers) {
      for (const p of payloads) {
        const token = sign(header(s.alg, [['kid', 'k1']]), p, jwkObject(s.priv));
        const [h, b, sig] = token.split('.') as [string, string, string];
        const tampered = `${h}.${b}x.${sig}`;
        const other = s.alg.startsWith('E') && s.alg !== 'EdDSA' ? rsa.publicKey : ec256.publicKey;
        const set = JSON.stringify({
          keys: [JSON.parse(jwkText(other, { kid: 'k0' })), JSON.parse(jwkText(s.pub, { kid: 'k1', alg: s.alg }))],
        });
        cs.push(
          ...calls(s.verify, [
            [token, pem(s.pub)],
            [token, jwkText(s.pub)],
            [token, set],
            [tampered, pem(s.pub)],
            [token, pem(other)],
          ]),
          ...calls('io.jwt.decode_verify', [
            [
              token,
              new RObject([
                ['cert', pem(s.pub)],
                ['time', 1_000_000_000_000_000_000],
              ]),
            ],
            [
              token,
              new RObject([
                ['cert', set],
                ['aud', 'bob'],
                ['iss', 'joe'],
                ['time', 2_000_000_000_000_000_000],
              ]),
            ],
            [
              token,
              new RObject([
                ['cert', pem(s.pub)],
                ['alg', 'HS256'],
              ]),
            ],
            [tampered, new RObject([['cert', jwkText(s.pub)]])],
          ]),
          ...calls('io.jwt.decode', [[token], [tampered]]),
        );
      }
    }
    expect((await disagreements(cs)).join('\n')).toBe('');
  }, 120_000);

  it('verifies signatures made elsewhere (node:crypto): PSS with any salt length, ECDSA in IEEE P1363 form', async () => {
    const b64u = (b: Buffer | string): string => Buffer.from(b).toString('base64url');
    const token = (alg: string, f: (input: string) => Buffer): string => {
      const input = `${b64u(JSON.stringify({ alg, typ: 'JWT' }))}.${b64u(JSON.stringify({ sub: 'x', n: alg }))}`;
      return `${input}.${b64u(f(input))}`;
    };
    const pss = (hash: string, saltLength: number) => (input: string) =>
      nodeSign(hash, Buffer.from(input), { key: rsa.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength });
    const ecdsa = (hash: string, key: KeyObject) => (input: string) =>
      nodeSign(hash, Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
    const cs: Call[] = [];
    for (const salt of [0, 20, 32, 64, constants.RSA_PSS_SALTLEN_MAX_SIGN])
      cs.push(...calls('io.jwt.verify_ps256', [[token('PS256', pss('sha256', salt)), pem(rsa.publicKey)]]));
    cs.push(...calls('io.jwt.verify_ps512', [[token('PS512', pss('sha512', 10)), jwkText(rsa.publicKey)]]));
    cs.push(
      ...calls('io.jwt.verify_rs384', [[token('RS384', (i) => nodeSign('sha384', Buffer.from(i), rsa.privateKey)), pem(rsa.publicKey)]]),
    );
    for (const [alg, hash, key, fn] of [
      ['ES256', 'sha256', ec256, 'io.jwt.verify_es256'],
      ['ES384', 'sha384', ec384, 'io.jwt.verify_es384'],
      ['ES512', 'sha512', ec521, 'io.jwt.verify_es512'],
    ] as const)
      for (let i = 0; i < 4; i++) {
        const t = token(alg, ecdsa(hash, key.privateKey));
        cs.push(
          ...calls(fn, [[t, pem(key.publicKey)]]),
          ...calls('io.jwt.decode_verify', [[t, new RObject([['cert', jwkText(key.publicKey)]])]]),
        );
      }
    cs.push(...calls('io.jwt.verify_eddsa', [[token('EdDSA', (i) => nodeSign(null, Buffer.from(i), ed.privateKey)), pem(ed.publicKey)]]));
    expect((await disagreements(cs)).join('\n')).toBe('');
    for (const c of cs) if (c.name !== 'io.jwt.decode_verify') expect(ours(c)).toEqual({ kind: 'value', value: true });
  }, 60_000);

  it('reports malformed tokens, keys and constraints with OPA’s errors', async () => {
    const token = sign(
      header('HS256'),
      new RObject([['a', 1]]),
      new RObject([
        ['kty', 'oct'],
        ['k', 'c2VjcmV0'],
      ]),
    );
    const cs: Call[] = [
      ...calls('io.jwt.decode', [['abc'], ['a.b'], ['a.b.c'], ['e30.e30.'], ['eyJlbmMiOiJ4In0.e30.'], [1]]),
      ...calls('io.jwt.verify_hs256', [
        [token, 'secret'],
        [token, 'wrong'],
        ['a.b', 'secret'],
        [token, 1],
      ]),
      ...calls('io.jwt.verify_rs256', [
        [token, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'],
        [token, '-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n'],
        [token, `${pem(rsa.publicKey)}junk`],
        [token, '{"kty":"RSA"}'],
        [token, 'not a key'],
      ]),
      ...calls('io.jwt.decode_verify', [
        [token, new RObject([['secret', 'secret']])],
        [
          token,
          new RObject([
            ['secret', 'secret'],
            ['cert', pem(rsa.publicKey)],
          ]),
        ],
        [token, new RObject()],
        [
          token,
          new RObject([
            ['secret', 'secret'],
            ['bogus', 1],
          ]),
        ],
        [
          token,
          new RObject([
            ['secret', 'secret'],
            ['time', -1],
          ]),
        ],
        [token, new RObject([['secret', 1]])],
      ]),
    ];
    expect((await disagreements(cs)).join('\n')).toBe('');
  }, 60_000);
});
