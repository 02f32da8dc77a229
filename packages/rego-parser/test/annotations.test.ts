// `# METADATA` blocks OPA accepts or rejects: each module is checked by the real `opa check`
// (OPA v1.22.3) and by this parser; the verdict, and for a rejected one every error's
// `file:line: code: message` and the source excerpt OPA prints under it, must be the same.
// Not covered: `compile:` (OPA parses its `unknowns` and `mask_rule` as Rego; ignored here).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findOpa } from '@policy-engine/opa';
import { describe, expect, it } from 'vitest';
import { parse } from '../src/index.js';

const modules: readonly string[] = [
  'package p\n\n# METADATA\n# title: [a]\np := 1\n',
  'package p\n\n# METADATA\n# title: 1\n# description: true\np := 1\n',
  'package p\n\n# METADATA\n# entrypoint: foo\np := 1\n',
  'package p\n\n# METADATA\n# organizations: foo\np := 1\n',
  'package p\n\n# METADATA\n# custom: 1\np := 1\n',
  'package p\n\n# METADATA\n# schemas: [1]\np := 1\n',
  'package p\n\n# METADATA\n# authors: [1]\np := 1\n',
  'package p\n\n# METADATA\n# authors: [{}]\np := 1\n',
  'package p\n\n# METADATA\n# related_resources: [{description: x}]\np := 1\n',
  'package p\n\n# METADATA\n# related_resources: ["%zz"]\np := 1\n',
  'package p\n\n# METADATA\n# schemas:\n#  - input: foo\np := 1\n',
  'package p\n\n# METADATA\n# schemas:\n#  - "1x": schema.x\np := 1\n',
  'package p\n\n# METADATA\n# scope: foo\np := 1\n',
  'package p\n\n# METADATA\n# title: x\n# title: y\np := 1\n',
  'package p\n\n# METADATA\n# custom:\n#   a: {1: 2}\np := 1\n',
  'package p\n\n# METADATA\n# entrypoint: yes\n# title: 12\n# organizations: [1, true]\np := 1\n',
  'package p\n\n# METADATA\n# title: [a]\n# entrypoint: [b]\n# custom: 3\np := 1\n',
  'package p\n\n# METADATA\n# title: {a: b\np := 1\n',
  'package p\n\n# METADATA\n# title: x\n#  - b\np := 1\n',
  'package p\n\n# METADATA\n# title: x\n# \tdescription: y\np := 1\n',
  'package p\n\n# METADATA\n# authors: ""\np := 1\n',
  'package p\n\n# METADATA\n# authors: [" "]\np := 1\n',
  'package p\n\n# METADATA\n# labels: [a]\np := 1\n',
  'package p\n\n# METADATA\n# scope: package\np := 1\n',
  '# METADATA\n# scope: rule\npackage p\n',
  'package p\n# METADATA\n# title: x\nimport data.x\n',
  'package p\n\np := 1\n# METADATA\n# title: x\n',
  'package p\n\n# METADATA\n# title: x\n# custom: {a: b\np := 1\n',
  'package p\n\n# METADATA\n# title: x\n# custom: {a: b,\n#  c: d\np := 1\n',
  'package p\n\n# METADATA\n# title: x\n# custom: [a, b\np := 1\n',
  'package p\n\n# METADATA\n# title: x\n# organizations: [a,\n#   b\n# description: y\np := 1\n',
  'package p\n\n# METADATA\n# title: x\n# description: "abc\np := 1\n',
  "package p\n\n# METADATA\n# title: x\n# description: 'abc\np := 1\n",
  'package p\n\n# METADATA\n# title: x\n#   - a\n# b\np := 1\n',
  'package p\n\n# METADATA\n# title: x\n# custom:\n#   a: 1\n#  b: 2\np := 1\n',
  'package p\n\n# METADATA\n# title: x\n# custom: *foo\np := 1\n',
  'package p\n\n# METADATA\n# title: x\n# custom: @foo\np := 1\n',
  'package p\n\n# METADATA\n# title: x\n# custom: {a: b}}\np := 1\n',
  'package p\n\n# METADATA\n# authors:\n# - a\n#  - b\np := 1\n',
  'package p\n\n# METADATA\n# title: %x\np := 1\n',
  'package p\n\n# METADATA\n# title: `x\np := 1\n',
  'package p\n\n# METADATA\n# custom:\n#   a:\n#     - x\n#    - y\np := 1\n',
  // Accepted blocks, including YAML the `yaml` package reads only after a fix-up.
  '# METADATA\n# title: pkg\n# scope: subpackages\npackage p\n\n# METADATA\n# title: "abc\n# def"\n# entrypoint: true\np := 1\n',
  'package p\n\n# METADATA\n# custom:\n#   a: &x [1, 2]\n#   b: *x\np := 1\n',
  'package p\n\n# METADATA\n# title: x\n#   continued plain\n# description: >-\n#   folded\n#   text\np := 1\n',
];

/** OPA's errors as it prints them: `file:row: code: message` lines, each with its excerpt if any. */
function opaCheck(source: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'rego-parser-annot-'));
  try {
    writeFileSync(join(dir, 'test.rego'), source);
    execFileSync(findOpa(), ['check', 'test.rego'], { cwd: dir, stdio: 'pipe', encoding: 'utf8' });
    return '';
  } catch (e) {
    const stderr = (e as { stderr?: unknown }).stderr;
    return (typeof stderr === 'string' ? stderr : '').replace(/^\d+ errors? occurred(?: during loading)?: /, '').trimEnd();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('# METADATA parse errors vs opa check', () => {
  it.each(modules.map((m, i) => [i, m] as const))('module %i', (_, source) => {
    const want = opaCheck(source);
    const r = parse(source, { file: 'test.rego' });
    const got = r.errors
      .map((e) => {
        const head = `${e.location.file}:${e.location.line}: ${e.code}: ${e.message}`;
        // OPA prints the excerpt only for errors whose location keeps the source text.
        return want.includes(`${head}\n\t`) ? `${head}\n${e.excerpt}` : head;
      })
      .join('\n');
    expect(got).toBe(want);
  });
});
