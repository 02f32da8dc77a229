/**
 * docs/writing-policies.md shows real output: this test runs its commands on the files in
 * docs/writing-policies/ and compares with the guide's console blocks (durations aside).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureOpa, runOpa } from '@policy-engine/opa';
import { inProcess } from './in-process.js';

const here = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(here, '../../..');
const GUIDE = join(REPO, 'docs/writing-policies.md');
const POLICIES = join(REPO, 'docs/writing-policies/policies');
const REL = 'docs/writing-policies/policies';

async function run(args: readonly string[]): Promise<{ code: number; out: string[] }> {
  const r = await inProcess(args);
  return { code: r.code, out: (r.stdout + r.stderr).trimEnd().split('\n') };
}

/** The guide's code blocks of one language, in order. */
function blocks(text: string, lang: string): string[] {
  return [...text.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1] as string);
}

/** The output lines after `$ <command>` in the guide's console blocks. */
function outputOf(text: string, command: string): string[] {
  for (const b of blocks(text, 'console')) {
    const lines = b.trimEnd().split('\n');
    const at = lines.indexOf(`$ ${command}`);
    if (at < 0) continue;
    const end = lines.findIndex((l, i) => i > at && l.startsWith('$ '));
    return lines.slice(at + 1, end < 0 ? undefined : end);
  }
  throw new Error(`the guide has no "$ ${command}"`);
}

const noDurations = (lines: readonly string[]): string[] =>
  lines.map((l) => l.replace(/\((\d+(\.\d+)?(ns|µs|ms|s)|engine native, [\d.]+ ms)\)/, '(…)'));

let guide = '';
let tmp = '';
beforeAll(async () => {
  guide = await readFile(GUIDE, 'utf8');
  tmp = await mkdtemp(join(tmpdir(), 'cli-guide-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('docs/writing-policies.md', () => {
  it('quotes the committed policy and test files', async () => {
    const rego = blocks(guide, 'rego');
    expect(rego[1]).toBe(await readFile(join(POLICIES, 'pipelines.rego'), 'utf8'));
    expect(rego[2]).toBe(await readFile(join(POLICIES, 'pipelines_test.rego'), 'utf8'));
  });

  it('check finds the draft typos one after the other, then nothing', async () => {
    const draft = blocks(guide, 'rego')[0] as string;
    const dir = join(tmp, REL);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'pipelines.rego'), draft);
    const show = (lines: string[]) => lines.map((l) => l.replace(`${tmp}/`, ''));
    const first = await run(['check', dir]);
    expect(show(first.out)).toEqual(outputOf(guide, `npx policy-engine check ${REL}`));
    await writeFile(join(dir, 'pipelines.rego'), draft.replace('input.pipeline.stagez', 'input.pipeline.stages'));
    const second = await run(['check', dir]);
    const secondBlock = blocks(guide, 'console')[1] as string;
    expect(show(second.out)).toEqual(secondBlock.trimEnd().split('\n').slice(1));
    const done = await run(['check', '--strict', POLICIES]);
    expect(done.code).toBe(0);
    expect(done.out).toEqual(outputOf(guide, `npx policy-engine check --strict ${REL}`));
  });

  it('test prints what the guide shows, with the summary of the real opa test', async () => {
    const r = await run(['test', POLICIES]);
    expect(r.code).toBe(0);
    const ours = r.out.map((l) => l.replace(`${REPO}/`, ''));
    expect(noDurations(ours)).toEqual(noDurations(outputOf(guide, `npx policy-engine test ${REL}`)));
    const opa = await runOpa(['test', POLICIES], { opaBin: await ensureOpa() });
    expect(opa.stdout.trim().split('\n').at(-1)).toBe(ours.at(-1));
    const cov = await run(['test', '--coverage', POLICIES]);
    expect(cov.out.slice(-4).map((l) => l.replace(`${REPO}/`, ''))).toEqual(
      outputOf(guide, `npx policy-engine test --coverage ${REL} | tail -4`),
    );
  }, 60_000);

  it('fmt --check, validate-input, eval and build give the guide output', async () => {
    const fmt = await run(['fmt', '--check', POLICIES]);
    expect([fmt.code, fmt.out]).toEqual([0, ['']]);
    const input = join(REPO, 'docs/writing-policies/pipeline.json');
    expect((await run(['validate-input', '--package', 'opa.pipelines', input])).out).toEqual(['ok']);
    const ev = await run(['eval', '--policy', POLICIES, '--package', 'opa.pipelines', '--input', input]);
    expect(ev.code).toBe(1);
    expect(noDurations(ev.out)).toEqual(
      noDurations(
        outputOf(guide, `npx policy-engine eval --policy ${REL} --package opa.pipelines --input docs/writing-policies/pipeline.json`).slice(
          0,
          2,
        ),
      ),
    );
    const out = join(tmp, 'bundle.tar.gz');
    const b = await run(['build', '--target', 'wasm', '-o', out, POLICIES]);
    expect(b.code).toBe(0);
    expect(b.out.map((l) => l.replace(out, '/tmp/bundle.tar.gz'))).toEqual(
      outputOf(guide, `npx policy-engine build --target wasm -o /tmp/bundle.tar.gz ${REL}`),
    );
  }, 60_000);
});
