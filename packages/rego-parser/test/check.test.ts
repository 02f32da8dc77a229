/** checkRegoV1 agrees with `opa check` (v1) about deprecated built-ins on real modules. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runOpa } from '@policy-engine/opa';
import { checkRegoV1, parse } from '../src/index.js';

describe('checkRegoV1', () => {
  it('flags calls to deprecated built-ins with file:line:col', () => {
    const src = 'package x\n\np if any([true])\nq := [y | y := re_match("a", "a")]\nr := count([1])\n';
    const m = parse(src, { file: 'd.rego' }).module!;
    expect(checkRegoV1(m, src).map((e) => [e.code, e.message, e.location.line, e.location.col])).toEqual([
      ['rego_type_error', 'deprecated built-in function calls in expression: any', 3, 6],
      ['rego_type_error', 'deprecated built-in function calls in expression: re_match', 4, 16],
    ]);
  });

  it("makes regoVersion 'auto' fall back to v0 for v1-parsable modules that call them", () => {
    const src = 'package x\n\np = any([true])\n';
    expect(parse(src).errors).toEqual([]);
    expect(parse(src, { regoVersion: 'auto' }).module?.regoVersion).toBe('v0');
  });

  it('agrees with opa check on where deprecated calls are found', async () => {
    const bodies = [
      'p if any([true])',
      'p := all([true])',
      'p := [x | x := cast_string(1)]',
      'p := {k: 1 | k := set_diff({1}, {2})}',
      'p if { every x in [1] { re_match("a", "a") } }',
      'p := 1 if false else := net.cidr_overlap("1.0.0.0/8", "1.2.3.4")',
      'p := count([any([true])])',
      'p := $"{cast_array([1])}"',
      'p if { true with input as any([true]) }',
      'p := any',
      'p := count([1])',
      'p := data.lib.any([true])',
      'f(x) := cast_set(x)',
      'p contains x if { some x in [cast_boolean(true)] }',
    ];
    const dir = mkdtempSync(join(tmpdir(), 'check-v1-'));
    try {
      for (const [i, b] of bodies.entries()) {
        const src = `package x\n\n${b}\n`;
        const file = join(dir, `m${i}.rego`);
        writeFileSync(file, src);
        const r = await runOpa(['check', file]);
        const out = r.stdout + r.stderr;
        const opaLine = out.includes('deprecated built-in')
          ? (/m\d+\.rego:(\d+): rego_type_error: deprecated/.exec(out)?.[1] ?? '3')
          : undefined;
        const m = parse(src).module;
        expect(m, b).toBeDefined();
        const ours = checkRegoV1(m!, src)[0]?.location.line.toString();
        expect(`${b}: ${ours ?? 'none'}`).toBe(`${b}: ${opaLine ?? 'none'}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
