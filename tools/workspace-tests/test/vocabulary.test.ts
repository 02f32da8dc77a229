import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '@policy-engine/opa';

/**
 * The Spinnaker vocabulary lives in the inputs-* packages: every decision-point package name
 * (`spinnaker.…`, `opa.pipelines`) is spelled there once, and everything else imports it.
 * This test reads the production sources (`src/`) of every other project and fails on a
 * string literal that spells such a name or prefix. Comments (TSDoc that names the package a
 * function asks) are not code and are ignored.
 */

/** A string literal whose text is a decision-point package name or a prefix of one. */
const PACKAGE_NAME = /^(?:spinnaker\.(?:http|ui|execution|deployment|persistence)(?:\.|$)|opa\.pipelines(?:\.|$))/;

/**
 * Files allowed to spell a package name, each with the reason. Keys are paths from the repo root.
 */
const ALLOWED: Readonly<Record<string, string>> = {
  'tools/reliability/src/hot-reload.ts':
    'Rego source text of the reload soak (`package spinnaker.http.authz` lines of generated modules), not a name the code asks for',
};

function projectDirs(): string[] {
  return ['packages', 'tools', 'examples'].flatMap((group) =>
    readdirSync(join(repoRoot, group), { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(repoRoot, group, d.name, 'package.json')))
      .map((d) => join(group, d.name)),
  );
}

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(?:ts|mts|js|mjs)$/.test(e.name)) out.push(p);
  }
  return out;
}

/** The string literals of a source text, comments removed first. */
function stringLiterals(text: string): string[] {
  const out: string[] = [];
  const token = /\/\*[\s\S]*?\*\/|\/\/[^\n]*|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g;
  for (const m of text.matchAll(token)) {
    const t = m[0];
    if (t.startsWith('/')) continue;
    out.push(t.slice(1, -1));
  }
  return out;
}

describe('the Spinnaker vocabulary in one place', () => {
  it('finds the literals of a sample text and skips comments', () => {
    const sample =
      "/** 'spinnaker.http.authz' */\n// \"opa.pipelines\"\nconst a = 'spinnaker.http.authz';\nconst b = `spinnaker.execution.stages.before.${x}`;\n";
    expect(stringLiterals(sample).filter((s) => PACKAGE_NAME.test(s))).toEqual([
      'spinnaker.http.authz',
      'spinnaker.execution.stages.before.${x}',
    ]);
  });

  it('no project outside packages/inputs-* spells a decision-point package name in src', () => {
    const found: string[] = [];
    for (const dir of projectDirs()) {
      if (/^packages\/inputs-/.test(dir)) continue;
      for (const file of sourceFiles(join(repoRoot, dir, 'src'))) {
        const rel = relative(repoRoot, file);
        if (rel in ALLOWED) continue;
        for (const literal of stringLiterals(readFileSync(file, 'utf8'))) {
          if (PACKAGE_NAME.test(literal.trimStart().replace(/^package\s+/, ''))) found.push(`${rel}: '${literal.slice(0, 60)}'`);
        }
      }
    }
    expect(found).toEqual([]);
  });

  it('every allow-listed file exists and still needs its entry', () => {
    const stale = Object.keys(ALLOWED).filter(
      (rel) =>
        !existsSync(join(repoRoot, rel)) ||
        !stringLiterals(readFileSync(join(repoRoot, rel), 'utf8')).some((l) => PACKAGE_NAME.test(l.trimStart().replace(/^package\s+/, ''))),
    );
    expect(stale).toEqual([]);
  });
});
