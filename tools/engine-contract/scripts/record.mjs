#!/usr/bin/env node
// Records the expectations of the engine contract suite from the real OPA: every case of
// scripts/cases.input.json is evaluated with `opa eval` (OPA v1.22.3, located as the tests locate
// it: $OPA_BIN, else <repo>/.tools/bin/opa) and src/cases.json is written with OPA's answer as each
// case's `expect`. Compile-error cases record OPA's `opa check` message. Run it again after
// changing a case: `npm run record -w @policy-engine/engine-contract`; `--check` only compares
// (the package's own test runs it). It runs with tsx and the workspace's source condition
// (`node --conditions=@policy-engine/source --import tsx scripts/record.mjs`), so it rewrites
// modules with the evaluator's own `v0CompatibleSource`, exactly as the engines load them.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { v0CompatibleSource } from '@policy-engine/evaluator/engine-kit';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..', '..');
const opa = process.env.OPA_BIN ?? join(repoRoot, '.tools', 'bin', 'opa');
const version = execFileSync(opa, ['version'], { encoding: 'utf8' }).split('\n')[0];
const spec = JSON.parse(readFileSync(join(here, 'cases.input.json'), 'utf8'));

/** `opa` flags and file texts for a case's modules: one syntax version as is, a mix as the engines load it. */
function layout(modules) {
  const versions = new Set(modules.map((m) => m.regoVersion));
  const mixed = versions.size > 1;
  const files = modules.map((m) => ({
    path: m.id,
    // A mixed set: v1 modules get `import rego.v1` and everything is parsed v0-compatible, as OPA documents.
    source: mixed ? v0CompatibleSource(m).source : m.source,
  }));
  return { flags: versions.has('v0') ? ['--v0-compatible'] : [], files };
}

function writeCase(c) {
  const dir = mkdtempSync(join(tmpdir(), 'engine-contract-record-'));
  const { flags, files } = layout(c.modules);
  for (const f of files) {
    mkdirSync(dirname(join(dir, 'policies-root', f.path)), { recursive: true });
    writeFileSync(join(dir, 'policies-root', f.path), f.source);
  }
  if (c.data !== undefined) writeFileSync(join(dir, 'policies-root', 'data.json'), JSON.stringify(c.data));
  return { dir, flags };
}

const cases = spec.cases.map((c) => {
  const { dir, flags } = writeCase(c);
  try {
    const args = ['eval', ...flags, '--format', 'json', '-d', join(dir, 'policies-root')];
    if (c.input !== undefined) {
      writeFileSync(join(dir, 'input.json'), JSON.stringify(c.input));
      args.push('-i', join(dir, 'input.json'));
    }
    args.push(`data.${c.package}`);
    const out = JSON.parse(execFileSync(opa, args, { encoding: 'utf8' }));
    const first = out.result?.[0]?.expressions?.[0];
    return { ...c, expect: first ? { defined: true, value: first.value } : { defined: false } };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const compileErrors = spec.compileErrors.map((c) => {
  const { dir, flags } = writeCase(c);
  try {
    let text = '';
    try {
      execFileSync(opa, ['check', ...flags, '--format', 'json', join(dir, 'policies-root')], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      throw new Error(`${c.name}: opa check accepted the modules`);
    } catch (err) {
      text = `${err.stdout ?? ''}${err.stderr ?? ''}`;
    }
    const start = text.indexOf('{');
    const errors = JSON.parse(text.slice(start)).errors;
    const first = errors[0];
    const file = first.location.file.slice(join(dir, 'policies-root').length + 1);
    return { ...c, expect: { code: first.code, message: first.message, file, line: first.location.row } };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const target = join(here, '..', 'src', 'cases.json');
if (process.argv.includes('--check')) {
  // Compares instead of writing: exit 1 when the recorded expectations are no longer what OPA answers.
  const recorded = JSON.parse(readFileSync(target, 'utf8'));
  const now = JSON.stringify({ cases, compileErrors });
  const before = JSON.stringify({ cases: recorded.cases, compileErrors: recorded.compileErrors });
  if (now !== before) {
    console.error(
      'src/cases.json differs from what OPA answers for scripts/cases.input.json: run `npm run record -w @policy-engine/engine-contract`',
    );
    process.exit(1);
  }
  console.log(`src/cases.json matches ${version} on ${cases.length} cases and ${compileErrors.length} compile errors`);
  process.exit(0);
}
const header = `Expectations recorded from the real OPA (${version}) by scripts/record.mjs from scripts/cases.input.json; do not edit by hand.`;
writeFileSync(target, `${JSON.stringify({ $comment: header, cases, compileErrors }, null, 2)}\n`);
console.log(`recorded ${cases.length} cases and ${compileErrors.length} compile errors with ${version}`);
