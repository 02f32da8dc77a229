import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RObject } from '@policy-engine/rego-value';
import { calls, disagreements, type Call } from './oracle.js';

// Certificates, CSRs and keys from OPA v1.22.3's own test cases (v1/test/cases/testdata), Apache-2.0.
const fixtures = JSON.parse(readFileSync(new URL('./fixtures/x509.json', import.meta.url), 'utf8')) as Record<string, string>;
const of = (prefix: string): string[] =>
  Object.entries(fixtures)
    .filter(([k]) => k.startsWith(prefix))
    .map(([, v]) => v);
const certs = [...of('cryptox509parsecertificates/'), ...of('jwt/').filter((v) => v.includes('CERTIFICATE'))];

describe('crypto.x509.* agree with OPA (whole Go x509.Certificate JSON)', () => {
  it('parse_certificates on PEM, base64 PEM, base64 DER and chains (RSA, ECDSA, Ed25519 keys), and bad input', async () => {
    const cs: Call[] = calls('crypto.x509.parse_certificates', [
      ...certs.map((c) => [c]),
      ['YmFkc3RyaW5n'],
      ['not base64!'],
      ['-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n'],
      [''],
      [1],
    ]);
    expect((await disagreements(cs)).join('\n')).toBe('');
  }, 60_000);

  it('parse_and_verify_certificates(_with_options): chains, single certificates, options and their errors', async () => {
    const chains = of('cryptox509parseandverifycertificates/');
    const cs: Call[] = [
      ...calls('crypto.x509.parse_and_verify_certificates', [...chains.map((c) => [c]), ...certs.slice(0, 3).map((c) => [c]), ['bad']]),
      ...calls(
        'crypto.x509.parse_and_verify_certificates_with_options',
        chains.flatMap((c) => [
          [c, new RObject([['DNSName', 'notarealsite.opa.localhost']])],
          [c, new RObject([['DNSName', 'wrong.example']])],
          [c, new RObject([['KeyUsages', ['KeyUsageServerAuth']]])],
          [c, new RObject([['KeyUsages', ['KeyUsageCodeSigning']]])],
          [c, new RObject([['KeyUsages', ['Nope']]])],
          [c, new RObject([['CurrentTime', 0]])],
          [c, new RObject([['bogus', 1]])],
          [c, new RObject([['DNSName', 1]])],
        ]),
      ),
    ];
    expect((await disagreements(cs)).join('\n')).toBe('');
  }, 60_000);

  it('parse_certificate_request, parse_keypair, parse_rsa_private_key and parse_private_keys', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const ed = generateKeyPairSync('ed25519');
    const pkcs1 = rsa.privateKey.export({ format: 'pem', type: 'pkcs1' }) as string;
    const pkcs8 = [rsa, ec, ed].map((k) => k.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string);
    const sec1 = ec.privateKey.export({ format: 'pem', type: 'sec1' }) as string;
    const [cert118, key118, cert119, key119] = of('cryptox509parsekeypair/');
    const cs: Call[] = [
      ...calls('crypto.x509.parse_certificate_request', [
        ...of('cryptox509parsecertificaterequest/').map((c) => [c]),
        ['YmFkc3RyaW5n'],
        ['foobar'],
      ]),
      ...calls('crypto.x509.parse_keypair', [
        [cert118 as string, key118 as string],
        [cert119 as string, key119 as string],
        [cert118 as string, key119 as string],
        ['bad', 'bad'],
      ]),
      ...calls('crypto.x509.parse_rsa_private_key', [
        ...of('cryptox509parsersaprivatekey/').map((c) => [c]),
        [pkcs1],
        ...pkcs8.map((p) => [p]),
        [sec1],
        [Buffer.from(pkcs1).toString('base64')],
        ['invalid'],
        [''],
      ]),
      ...calls('crypto.parse_private_keys', [
        [pkcs1],
        ...pkcs8.map((p) => [p]),
        [sec1],
        [pkcs1 + sec1],
        ['nope'],
        [''],
        [Buffer.from(sec1).toString('base64')],
      ]),
    ];
    expect((await disagreements(cs)).join('\n')).toBe('');
  }, 60_000);
});
