/**
 * Corpus parse test (no OPA needed): every module of the conformance trees parses in
 * its own Rego version, except the few OPA itself rejects (checked by differential.test.ts),
 * and the v0 tree is mostly rejected in v1 mode (it uses `p[x] { }` / no `if`).
 */
import { describe, expect, it } from 'vitest';
import { parse } from '../src/index.js';
import { caseModules } from './support/corpus.js';

const modules = caseModules();

describe('corpus', () => {
  it('parses (almost) every module in its own version, without throwing', () => {
    const failed: string[] = [];
    for (const m of modules) {
      const r = parse(m.source, { regoVersion: m.regoVersion });
      if (r.errors.length > 0) failed.push(`${m.id}: ${r.errors[0]?.message}`);
      else expect(r.module).toBeDefined();
    }
    // OPA itself rejects exactly these test modules (see differential.test.ts).
    expect(failed.length).toBeLessThan(5);
  });

  it('rejects most v0-only modules in v1 mode', () => {
    const v0 = modules.filter((m) => m.regoVersion === 'v0' && /\]\s*\{|\)\s*(=\s*\S+\s*)?\{/.test(m.source));
    const accepted = v0.filter((m) => parse(m.source, { regoVersion: 'v1' }).errors.length === 0);
    expect(v0.length).toBeGreaterThan(100);
    expect(accepted.length).toBeLessThan(v0.length / 10);
  });
});
