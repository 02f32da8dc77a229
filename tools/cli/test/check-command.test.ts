/**
 * `policy-engine check`: seeded mistakes in every policy family are found at their exact
 * positions; examples/policies and the Spinnaker-free modules of OPA's conformance corpus give
 * no warning.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseFiles, caseTrees, parseCaseFile } from '@policy-engine/conformance';
import { parse } from '@policy-engine/rego-parser';
import { readFileSync } from 'node:fs';
import { checkModules, type CheckModule } from '../src/check.js';
import { inProcess } from './in-process.js';

const here = dirname(fileURLToPath(import.meta.url));
const SEEDED = resolve(here, 'fixtures/check-seeded');
const EXAMPLES = resolve(here, '../../../examples/policies');

interface Problem {
  file: string;
  line: number;
  col: number;
  severity: string;
  code: string;
  message: string;
}

let tmp = '';
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'cli-check-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('policy-engine check', () => {
  it('finds the seeded mistakes of every policy family at their exact positions', async () => {
    const r = await inProcess(['check', '--format', 'json', SEEDED]);
    expect(r.code).toBe(0);
    const { problems, warnings, errors } = JSON.parse(r.stdout) as { problems: Problem[]; warnings: number; errors: number };
    const got = problems.map((p) => `${p.file.slice(SEEDED.length + 1)}:${p.line}:${p.col} ${p.code} ${p.message}`);
    expect(got).toEqual([
      'authz.rego:5:21 input_unknown_field input.user.isAdmn cannot exist in the input of spinnaker.http.authz — did you mean isAdmin?',
      'authz.rego:13:1 result_rule_shape message must be a string, not a number',
      'authz.rego:15:1 result_rule_shape deny is not read in spinnaker.http.authz: its decision is allow (a boolean) and message',
      'authz.rego:15:28 input_unknown_field input.pathh cannot exist in the input of spinnaker.http.authz — did you mean path?',
      'deployment.rego:3:1 result_rule_shape deny must be a set of messages (deny contains msg if …), not a boolean',
      'deployment.rego:3:22 input_unknown_field input.deploy.acount cannot exist in the input of spinnaker.deployment.tasks.before.deployManifest — did you mean account?',
      'pipelines-before.rego:5:41 input_unknown_field input.user.usernme cannot exist in the input of spinnaker.execution.pipelines.before — did you mean username?',
      'pipelines.rego:5:4 input_unknown_field s.tpye (input.pipeline.stages[_].tpye) cannot exist in the input of opa.pipelines — did you mean type?',
      'pipelines.rego:10:23 input_unknown_field input.pipeline.stagez cannot exist in the input of opa.pipelines — did you mean stages?',
      'pipelines.rego:17:13 input_unknown_field st.moniker.clustr (input.pipeline.stages[_].moniker.clustr) cannot exist in the input of opa.pipelines — did you mean cluster?',
      'pipelines.rego:18:12 input_unknown_field st.nmae (input.pipeline.stages[_].nmae) cannot exist in the input of opa.pipelines — did you mean name?',
      'pipelines.rego:21:1 result_rule_shape allow is not read in opa.pipelines: its decision is deny (a set of messages)',
      'stage-typo.rego:1:1 unknown_package package spinnaker.execution.stages.before.deployManfest: deployManfest is no documented type (it gets the generic input) — did you mean spinnaker.execution.stages.before.deployManifest?',
      'stage.rego:5:14 input_unknown_field input.stage.contex cannot exist in the input of spinnaker.execution.stages.before.deployManifest — did you mean context?',
      'stage.rego:11:5 input_unknown_field t.nme (input.stage.tasks[_].nme) cannot exist in the input of spinnaker.execution.stages.before.deployManifest — did you mean name?',
      'ui.rego:3:1 result_rule_shape allow must be a boolean (allow if …), not a partial-set rule',
      'ui.rego:3:43 input_unknown_field input.user.roles[_].nam cannot exist in the input of spinnaker.ui.entitlements.isFeatureEnabled — did you mean name?',
      'unknown.rego:1:1 unknown_package package spinnaker.http.auth matches no decision point — did you mean spinnaker.http.authz?',
    ]);
    expect(problems.every((p) => p.severity === 'warning')).toBe(true);
    expect([warnings, errors]).toEqual([18, 0]);
  });

  it('does not flag open maps (stage contexts, request bodies) nor type-specific stage settings', async () => {
    const r = await inProcess(['check', '--format', 'json', SEEDED]);
    const { problems } = JSON.parse(r.stdout) as { problems: Problem[] };
    // stage.rego:4 and :13 read input.stage.context.*, authz.rego:10 input.body.anything, pipelines.rego:16 st.account.
    const at = new Set(problems.map((p) => `${p.file.slice(SEEDED.length + 1)}:${p.line}`));
    for (const ok of ['stage.rego:4', 'stage.rego:13', 'authz.rego:10', 'pipelines.rego:16', 'pipelines-before.rego:3'])
      expect(at.has(ok)).toBe(false);
  });

  it('--strict makes warnings errors (exit 1); pretty output is file:line:col: severity: code: message', async () => {
    const r = await inProcess(['check', '--strict', join(SEEDED, 'pipelines.rego')]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines[1]).toBe(
      `${join(SEEDED, 'pipelines.rego')}:10:23: error: input_unknown_field: input.pipeline.stagez cannot exist in the input of opa.pipelines — did you mean stages?`,
    );
    expect(lines.at(-1)).toBe('1 file checked: 5 error(s), 0 warning(s)');
    const plain = await inProcess(['check', join(SEEDED, 'pipelines.rego')]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain(':10:23: warning: input_unknown_field: ');
  });

  it('reports nothing on examples/policies (exit 0, even with --strict)', async () => {
    const r = await inProcess(['check', '--strict', EXAMPLES]);
    expect(r.stdout).toMatch(/^\d+ files checked, no problems\n$/);
    expect(r.code).toBe(0);
  });

  it('reports parse and compile errors with file:line:col and OPA codes (exit 2)', async () => {
    await writeFile(join(tmp, 'parse.rego'), 'package opa.pipelines\n\ndeny contains msg if {\n\tmsg := \n}\n');
    const p = await inProcess(['check', join(tmp, 'parse.rego')]);
    expect(p.code).toBe(2);
    expect(p.stdout).toMatch(new RegExp(`^${join(tmp, 'parse.rego')}:\\d+:\\d+: error: rego_parse_error: `));
    await writeFile(join(tmp, 'parse.rego'), 'package opa.pipelines\n\ndeny contains msg if {\n\tx == 1\n\tmsg := "m"\n}\n');
    const c = await inProcess(['check', join(tmp, 'parse.rego')]);
    expect(c.code).toBe(2);
    expect(c.stdout).toContain(`${join(tmp, 'parse.rego')}:4:2: error: rego_unsafe_var_error: var x is unsafe`);
  });

  it("gives no warning on the Spinnaker-free modules of OPA's conformance corpus", () => {
    let modules = 0;
    for (const tree of caseTrees()) {
      for (const file of caseFiles(tree.dir)) {
        const cases = parseCaseFile(readFileSync(file, 'utf8'), file);
        for (const [i, c] of cases.entries()) {
          const parsed: CheckModule[] = [];
          c.modules.forEach((source, j) => {
            const r = parse(source, { regoVersion: tree.regoVersion, file: `${file}#${i}.${j}` });
            if (r.module && !/^(spinnaker|opa)\./.test(r.module.package.path.join('.'))) {
              parsed.push({ source: { id: `${file}#${i}.${j}`, source, regoVersion: tree.regoVersion }, module: r.module });
            }
          });
          modules += parsed.length;
          expect(checkModules(parsed)).toEqual([]);
        }
      }
    }
    expect(modules).toBeGreaterThan(4000);
  }, 120_000);
});
