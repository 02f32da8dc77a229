// Issue 16's reproduction, as a user types it: a v0 policy whose helper function reads a
// package rule decides the same on `--engine native` and `--engine wasm` as on `--engine opa` (wasm used to fail
// with a bare `POLICY_COMPILE_ERROR: opa build failed`).
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/policy-engine.mjs', import.meta.url));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-helper-fn-'));
  await writeFile(
    join(dir, 'policy.rego'),
    'package opa.pipelines\n\nallowed := ["a"]\n\ndeny["x"] {\n  not ok(input.a)\n}\n\nok(v) {\n  allowed[_] == v\n}\n',
  );
  await writeFile(join(dir, 'deny.json'), '{"a":"b"}');
  await writeFile(join(dir, 'allow.json'), '{"a":"a"}');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function evalCli(engine: string, input: string): Promise<{ code: number; out: string; err: string }> {
  const args = [BIN, 'eval', '--engine', engine, '--policy', join(dir, 'policy.rego'), '--rego-version', 'v0'];
  args.push('--package', 'opa.pipelines', '--input', join(dir, input), '--format', 'json');
  return new Promise((resolve) => {
    execFile(process.execPath, args, (error, out, err) => resolve({ code: error ? Number(error.code) : 0, out, err }));
  });
}

describe('policy-engine eval: a helper function over a package rule', () => {
  // Six CLI processes (each starting tsx; opa also starts an OPA server): generous on a loaded machine.
  it('denies with x on native and wasm as on opa, and allows when the helper holds', { timeout: 120_000 }, async () => {
    for (const engine of ['native', 'wasm', 'opa']) {
      const denied = await evalCli(engine, 'deny.json');
      expect({ engine, code: denied.code, err: denied.err }).toEqual({ engine, code: 1, err: '' });
      expect(JSON.parse(denied.out)).toMatchObject({ allowed: false, denies: ['x'], engine });
      const allowed = await evalCli(engine, 'allow.json');
      expect(allowed.code).toBe(0);
      expect(JSON.parse(allowed.out)).toMatchObject({ allowed: true, denies: [], engine });
    }
  });
});
