/**
 * Helpers of the fleet tests (fleet.test.ts, fleet-opa-pull.test.ts): bundles built and signed with
 * the real `opa build --signing-key`, a plain HTTP server, waiting for a condition.
 */
import { expect } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runOpa } from '@policy-engine/opa';

/** Listens on a free loopback port; resolves to `http://127.0.0.1:<port>`. */
export const listen = async (server: Server): Promise<string> => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

/**
 * Builds bundle `revision` in `dir` with the real OPA, signed with the private key file `key`:
 * `spinnaker.http.authz` allows GET except for the paths under `blocked` (`data.gate.blocked`).
 */
export async function buildGateBundle(dir: string, revision: string, blocked: string, key: string): Promise<Buffer> {
  const src = join(dir, `src-${revision}`);
  await mkdir(join(src, 'gate'), { recursive: true });
  await writeFile(
    join(src, 'gate', 'authz.rego'),
    'package spinnaker.http.authz\n\ndefault allow := false\n\nallow if {\n  input.method == "GET"\n  not input.path[0] in data.gate.blocked\n}\n',
  );
  await writeFile(join(src, 'gate', 'data.json'), JSON.stringify({ blocked: [blocked] }));
  const out = join(dir, `${revision}.tar.gz`);
  const built = await runOpa(['build', '-b', '.', '-r', revision, '--signing-key', key, '-o', out], { cwd: src });
  expect(built.code, built.stderr).toBe(0);
  return readFile(out);
}

/** Waits until `what()` holds (checked every 50 ms); resolves to the ms it took; throws after `ms`. */
export const until = async (what: () => Promise<boolean>, ms: number): Promise<number> => {
  const start = Date.now();
  while (!(await what())) {
    if (Date.now() - start > ms) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return Date.now() - start;
};

/**
 * A key pair (the public key at `<dir>/pub.pem`) and three bundles: rev-1 (blocks `tasks`) and
 * rev-2 (blocks `applications`) signed with it, rev-evil signed with another key.
 */
export async function signedGateBundles(
  dir: string,
): Promise<{ readonly pub: string; readonly bundles: { r1: Buffer; r2: Buffer; evil: Buffer } }> {
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const foreign = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const priv = join(dir, 'priv.pem');
  const pub = join(dir, 'pub.pem');
  const other = join(dir, 'other.pem');
  await writeFile(priv, keys.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  await writeFile(pub, keys.publicKey.export({ type: 'spki', format: 'pem' }));
  await writeFile(other, foreign.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  return {
    pub,
    bundles: {
      r1: await buildGateBundle(dir, 'rev-1', 'tasks', priv),
      r2: await buildGateBundle(dir, 'rev-2', 'applications', priv),
      evil: await buildGateBundle(dir, 'rev-evil', 'nothing', other),
    },
  };
}
