/**
 * The engine contract is enough to write an engine: a third engine, written here only
 * against the public API (the same code as the README's "Writing an engine" example), runs
 * every example decision case through createPolicyEngine with the real `opa eval`.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  EngineUnavailable,
  EvaluationError,
  PolicyCompileError,
  createPolicyEngine,
  type Engine,
  type EngineResult,
  type PolicySet,
} from '@policy-engine/evaluator';
import { mergedData, v0CompatibleSource } from '@policy-engine/evaluator/engine-kit';
import { findOpa } from '@policy-engine/opa';
import { EXAMPLE_POLICIES, decisionCases } from '@policy-engine/test-kit';
import { recordingLogger } from '@policy-engine/evaluator/testing';

// ---- the README example, verbatim from here to the end marker ----
/** An engine that runs `opa eval` once per decision: slow, but a whole engine in ~40 lines. */
function opaEvalEngine(opaPath: string): Engine {
  let dir: string | undefined; // the active set, written out; replaced whole on load
  const opa = (args: string[], stdin: string, signal?: AbortSignal) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
      const child = execFile(opaPath, args, { signal }, (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') reject(new EngineUnavailable(`cannot run ${opaPath}: ${error.message}`));
        else resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
      });
      child.stdin?.end(stdin);
    });
  return {
    name: 'opa-eval',
    async load(set: PolicySet) {
      const next = await mkdtemp(join(tmpdir(), 'opa-eval-engine-'));
      // v1 modules get `import rego.v1` so that v0 and v1 modules load together with --v0-compatible.
      for (const [i, m] of set.modules.entries()) await writeFile(join(next, `m${i}.rego`), v0CompatibleSource(m).source);
      await writeFile(join(next, 'data.json'), JSON.stringify(mergedData(set)));
      const check = await opa(['check', '--v0-compatible', next], '');
      if (check.code !== 0) throw new PolicyCompileError([{ message: check.stderr.trim() }]);
      const old = dir;
      dir = next; // atomic: an evaluation reads `dir` once
      if (old) await rm(old, { recursive: true, force: true });
    },
    async evaluate(packageName, input, options): Promise<EngineResult> {
      if (!dir) return { defined: false };
      const args = ['eval', '--v0-compatible', '-d', dir, '--format', 'json', '--stdin-input', `data.${packageName}`];
      const run = await opa(args, JSON.stringify(input ?? null), options?.signal);
      if (run.code !== 0) throw new EvaluationError(run.stderr.trim() || run.stdout.trim());
      const out = JSON.parse(run.stdout) as { result?: { expressions: { value: unknown }[] }[] };
      const first = out.result?.[0]?.expressions[0];
      return first ? { defined: true, value: first.value } : { defined: false };
    },
    async close() {
      if (dir) await rm(dir, { recursive: true, force: true });
      dir = undefined;
    },
  };
}
// ---- end of the README example ----

describe('a user-written engine (opa eval per decision) through createPolicyEngine', () => {
  it('decides every example case like the built-in engines', async () => {
    const pe = await createPolicyEngine({
      engine: opaEvalEngine(findOpa()),
      policies: { kind: 'directory', path: EXAMPLE_POLICIES, regoVersion: 'auto' },
      options: { logger: recordingLogger() },
    });
    try {
      const cases = decisionCases();
      expect(cases.length).toBeGreaterThan(40);
      const results = await Promise.all(cases.map(async (c) => ({ c, d: await pe.evaluate(c.package, c.input) })));
      for (const { c, d } of results) {
        expect({ name: c.name, allowed: d.allowed, policyFound: d.policyFound, denies: d.denies, message: d.message }).toEqual({
          name: c.name,
          ...c.expect,
        });
        expect(d).toMatchObject({ engine: 'opa-eval' });
        expect(d.error).toBeUndefined();
      }
    } finally {
      await pe.close();
    }
  });

  it('its typed errors reach the Decision and the initial load', async () => {
    const broken = createPolicyEngine({
      engine: opaEvalEngine(findOpa()),
      policies: { kind: 'inline', modules: [{ id: 'x.rego', source: 'package x\n\nimport rego.v1\n\ndeny contains msg if input.a\n' }] },
      options: { logger: recordingLogger() },
    });
    await expect(broken).rejects.toMatchObject({ code: 'POLICY_COMPILE_ERROR' });
    await expect(broken).rejects.toThrow('var msg is unsafe');
    const missing = createPolicyEngine({
      engine: opaEvalEngine('/nonexistent/opa'),
      policies: { kind: 'inline', modules: [{ id: 'y.rego', source: 'package y\n' }] },
      options: { logger: recordingLogger() },
    });
    await expect(missing).rejects.toMatchObject({ code: 'ENGINE_UNAVAILABLE' });
  });

  it('is the code the README shows', () => {
    const self = readFileSync(new URL(import.meta.url), 'utf8');
    const start = self.indexOf('/** An engine that runs `opa eval`');
    const code = self.slice(start, self.indexOf('// ---- end of the README example ----')).trimEnd();
    expect(start).toBeGreaterThan(0);
    expect(readFileSync(new URL('../README.md', import.meta.url), 'utf8')).toContain(`\`\`\`ts\n${code}\n\`\`\``);
  });
});
