// The suite's expectations are OPA's answers: re-ask the real opa binary and compare with src/cases.json.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { findOpa } from '@policy-engine/opa';
import { contractCases } from '../src/index.js';

describe('the recorded cases', () => {
  it('are what the real OPA answers today (scripts/record.mjs --check)', () => {
    const out = execFileSync(
      process.execPath,
      ['--conditions=@policy-engine/source', '--import', 'tsx', new URL('../scripts/record.mjs', import.meta.url).pathname, '--check'],
      {
        encoding: 'utf8',
        env: { ...process.env, OPA_BIN: findOpa() },
      },
    );
    expect(out).toContain('matches');
  }, 120_000);

  it('cover the edge cases and the helper-function cases of issue 16, in v0 and v1', () => {
    const { cases, compileErrors } = contractCases();
    const functions = cases.filter((c) => c.group === 'functions');
    expect(functions.length).toBeGreaterThanOrEqual(6);
    expect(new Set(functions.flatMap((c) => c.modules.map((m) => m.regoVersion)))).toEqual(new Set(['v0', 'v1']));
    expect(cases.filter((c) => c.group === 'edge').length).toBeGreaterThanOrEqual(8);
    expect(compileErrors.length).toBeGreaterThanOrEqual(2);
  });
});
