// `policy-engine conformance` on the real OPA over a small case tree written here.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProgram, commands, runProgram, type CliIo } from '../src/index.js';
import { defaultRegoVersion } from '../src/commands/conformance.js';

async function inProcess(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { out: (t) => (stdout += t), err: (t) => (stderr += t) };
  const code = await runProgram(buildProgram(commands, io), args, io);
  return { code, stdout, stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'cli-conformance-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'arith'));
writeFileSync(
  join(dir, 'arith', 'plus.yaml'),
  `cases:
  - note: arith/plus
    query: data.t.p = x
    modules: ["package t\\np := 1 + 2\\n"]
    want_result: [{x: 3}]
  - note: arith/wrong expectation
    query: data.t.p = x
    modules: ["package t\\np := 1 + 2\\n"]
    want_result: [{x: 4}]
`,
);
writeFileSync(join(dir, 'big.yml'), 'cases:\n  - note: big\n    query: x = 9007199254740993\n    want_result: [{x: 9007199254740993}]\n');

describe('policy-engine conformance', () => {
  it('--format json: the last stdout line is the summary; failures exit 1', async () => {
    const r = await inProcess(['conformance', '--engine', 'opa', '--format', 'json', dir]);
    expect(r.code).toBe(1);
    const last = r.stdout.trimEnd().split('\n').pop() ?? '';
    const summary = JSON.parse(last) as Record<string, unknown>;
    expect(Object.keys(summary)).toEqual(['total', 'passed', 'failed', 'skipped', 'failures', 'skips']);
    expect(summary).toMatchObject({ total: 3, passed: 2, failed: 1, skipped: {}, skips: [] });
    const failures = summary['failures'] as { reason: string }[];
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ file: 'arith/plus.yaml', index: 1, note: 'arith/wrong expectation' });
    expect(failures[0]?.reason).toMatch(/want \[\{"x":4\}\] got \[\{"x":3\}\]/);
  });
  it('--format pretty prints the figures and each failure; all passing exits 0', async () => {
    const r = await inProcess(['conformance', '--engine', 'opa', '--filter', 'big', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/1\/1 passed \(100\.0%\), 0 failed, 0 skipped/);
  });
  it('refuses an unknown engine (exit 2)', async () => {
    const r = await inProcess(['conformance', '--engine', 'nope', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--engine.*nope/);
  });
  it('defaults the Rego version per directory name', () => {
    expect(defaultRegoVersion('/x/testdata/v0')).toBe('v0');
    expect(defaultRegoVersion('../shared/opa-conformance/v0-sample')).toBe('v0');
    expect(defaultRegoVersion('../shared/opa-conformance/newer-v1')).toBe('v1');
  });
});
