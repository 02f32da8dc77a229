/**
 * `policy-engine test` against the real `opa test` (v1.22.3): the same verdict for every test
 * and the same PASS/FAIL/SKIPPED counts over the corpus in test/fixtures/rego-tests (v1 and v0
 * modules, `with` mocks of input, data, built-ins and functions, duplicates, skipped and
 * partial-object tests).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureOpa, runOpa } from '@policy-engine/opa';
import { inProcess } from './in-process.js';

const here = dirname(fileURLToPath(import.meta.url));
const CORPUS = resolve(here, 'fixtures/rego-tests');

interface OpaResult {
  package: string;
  name: string;
  fail?: boolean;
  skip?: boolean;
  error?: unknown;
  sub_results?: Record<string, { fail?: boolean }>;
}
interface OurResult {
  package: string;
  name: string;
  fail?: boolean;
  skip?: boolean;
  error?: string;
  cases?: { path: string[]; fail: boolean }[];
}

function opaVerdicts(results: readonly OpaResult[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of results) {
    const v = r.skip ? 'skip' : r.error ? 'error' : r.fail ? 'fail' : 'pass';
    out[`${r.package}.${r.name}`] = v;
    for (const [k, s] of Object.entries(r.sub_results ?? {})) out[`${r.package}.${r.name}[${k}]`] = s.fail ? 'fail' : 'pass';
  }
  return out;
}

function ourVerdicts(results: readonly OurResult[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of results) {
    out[`${r.package}.${r.name}`] = r.skip ? 'skip' : r.error ? 'error' : r.fail ? 'fail' : 'pass';
    for (const c of r.cases ?? []) out[`${r.package}.${r.name}[${c.path.join('.')}]`] = c.fail ? 'fail' : 'pass';
  }
  return out;
}

/** OPA's summary lines from its pretty output. */
function summary(text: string): string[] {
  return text.split('\n').filter((l) => /^(PASS|FAIL|SKIPPED|ERROR): \d+\/\d+$/.test(l));
}

let opa = '';
let tmp = '';
beforeAll(async () => {
  opa = await ensureOpa();
  tmp = await mkdtemp(join(tmpdir(), 'cli-test-'));
}, 120_000);
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('policy-engine test, side by side with opa test', () => {
  for (const version of ['v1', 'v0'] as const) {
    it(`gives opa's verdicts and counts on the ${version} corpus`, async () => {
      const dir = join(CORPUS, version);
      const v0 = version === 'v0' ? ['--v0-compatible'] : [];
      const opaJson = await runOpa(['test', ...v0, '--format', 'json', dir], { opaBin: opa });
      const opaPretty = await runOpa(['test', ...v0, dir], { opaBin: opa });
      const ours = await inProcess(['test', '--rego-version', version, '--format', 'json', dir]);
      const oursPretty = await inProcess(['test', '--rego-version', version, dir]);

      const theirs = opaVerdicts(JSON.parse(opaJson.stdout) as OpaResult[]);
      const mine = ourVerdicts((JSON.parse(ours.stdout) as { results: OurResult[] }).results);
      expect(Object.keys(theirs).length).toBeGreaterThan(5);
      expect(mine).toEqual(theirs);
      expect(summary(oursPretty.stdout)).toEqual(summary(opaPretty.stdout));
      // opa test exits 2 when a test fails; ours exits 1 (2 is kept for parse/compile errors).
      expect(opaPretty.code).toBe(2);
      expect(oursPretty.code).toBe(1);
      expect(Object.values(mine)).toContain('fail');
      expect(Object.values(mine)).toContain('skip');
    }, 60_000);
  }

  it('prints each test with its location, verdict and duration, then the summary', async () => {
    const r = await inProcess(['test', '--rego-version', 'auto', join(CORPUS, 'v0')]);
    const lines = r.stdout.split('\n');
    const at = lines.indexOf(`${join(CORPUS, 'v0', 'legacy_test.rego')}:16:`);
    expect(at).toBeGreaterThanOrEqual(0);
    expect(lines[at + 1]).toMatch(/^data\.legacy\.pipelines\.test_wrong_expectation: FAIL \(\d+(\.\d+)?(ns|µs|ms|s)\)$/);
    expect(lines).toContain('data.legacy.pipelines.todo_test_skipped: SKIPPED');
    expect(lines.slice(-4, -1)).toEqual(['PASS: 4/6', 'FAIL: 1/6', 'SKIPPED: 1/6']);
  });

  it('--run selects tests by full name as opa test does', async () => {
    const dir = join(CORPUS, 'v1');
    const opaRun = await runOpa(['test', '--run', 'mock', dir], { opaBin: opa });
    const ours = await inProcess(['test', '--run', 'mock', dir]);
    expect(summary(ours.stdout)).toEqual(summary(opaRun.stdout));
    expect(summary(ours.stdout)).toEqual(['PASS: 3/4', 'FAIL: 1/4']);
  });

  it('--coverage reports covered and not covered lines per file, with opa test --coverage percentages', async () => {
    const dir = join(tmp, 'cover');
    await import('node:fs/promises').then((fs) => fs.mkdir(dir));
    await writeFile(
      join(dir, 'a.rego'),
      'package authz\n\ndefault allow := false\n\nallow if input.user == "admin"\n\nallow if {\n\tinput.user == "bob"\n\tinput.method == "GET"\n}\n',
    );
    await writeFile(
      join(dir, 'a_test.rego'),
      'package authz_test\n\nimport data.authz\n\ntest_admin if authz.allow with input as {"user": "admin"}\ntest_bob_get if authz.allow with input as {"user": "bob", "method": "GET"}\n',
    );
    const theirs = JSON.parse((await runOpa(['test', '--coverage', dir], { opaBin: opa })).stdout) as {
      files: Record<string, { coverage: number; covered_lines?: number; not_covered_lines?: number }>;
      coverage: number;
    };
    const ours = await inProcess(['test', '--coverage', '--format', 'json', dir]);
    expect(ours.code).toBe(0);
    const cov = (
      JSON.parse(ours.stdout) as {
        coverage: { files: Record<string, { covered_lines: number[]; not_covered_lines: number[]; coverage: number }>; coverage: number };
      }
    ).coverage;
    const a = cov.files[join(dir, 'a.rego')];
    expect(a).toEqual({ covered_lines: [5, 7, 8, 9], not_covered_lines: [3], coverage: 80 });
    for (const [file, f] of Object.entries(theirs.files)) {
      expect(cov.files[file]?.coverage).toBeCloseTo(f.coverage, 6);
      expect(cov.files[file]?.covered_lines.length).toBe(f.covered_lines ?? 0);
      expect(cov.files[file]?.not_covered_lines.length).toBe(f.not_covered_lines ?? 0);
    }
    expect(cov.coverage).toBeCloseTo(theirs.coverage, 6);
    const pretty = await inProcess(['test', '--coverage', dir]);
    expect(pretty.stdout).toContain(`${join(dir, 'a.rego')}: 80.0% (4 covered, 1 not covered)\n  not covered: 3\n`);
  });

  it('exits 2 on parse and compile errors, with file:line:col', async () => {
    const dir = join(tmp, 'broken');
    await import('node:fs/promises').then((fs) => fs.mkdir(dir));
    await writeFile(join(dir, 'parse.rego'), 'package p\n\ntest_x if {\n');
    const p = await inProcess(['test', dir]);
    expect(p.code).toBe(2);
    expect(p.stderr).toMatch(/parse\.rego:\d+:\d+: rego_parse_error: /);
    await writeFile(join(dir, 'parse.rego'), 'package p\n\ntest_x if {\n\tx == 1\n}\n');
    const c = await inProcess(['test', dir]);
    expect(c.code).toBe(2);
    expect(c.stderr).toContain('parse.rego:4:2: rego_unsafe_var_error: var x is unsafe');
  });

  it('exits 0 when every test passes, 2 when there is no test', async () => {
    const dir = join(tmp, 'ok');
    await import('node:fs/promises').then((fs) => fs.mkdir(dir));
    await writeFile(join(dir, 'ok.rego'), 'package p\n\ntest_ok if true\n');
    expect((await inProcess(['test', dir])).code).toBe(0);
    await writeFile(join(dir, 'ok.rego'), 'package p\n\nok if true\n');
    const none = await inProcess(['test', dir]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no test cases found');
  });
});
