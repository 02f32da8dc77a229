// The conformance figures `npm test` prints (issue 11's acceptance): native over the shared
// suite's core tier (a gate: every non-skipped core case must pass), the whole shared suite
// and OPA v1.22.3's own v1 and v0 trees; the real OPA over the core tier (validates the
// runner: every failure must be explained in skip-opa.tsv); wasm over a deterministic sample
// of the core tier (a figure, not a gate). One line per figure goes to
// tmp/test-results/conformance-figures.txt, which tools/test-summary.mjs prints last.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findOpa, OPA_VERSION, repoRoot } from '@policy-engine/opa';
import {
  caseTrees,
  casesOfTier,
  createBackend,
  formatFigure,
  loadCases,
  loadSkipList,
  loadTiers,
  mergeSummaries,
  runCases,
  sharedSuiteDir,
  skippedCount,
  summaryJson,
  type CaseTree,
  type ConformanceCase,
  type ConformanceSummary,
  type EngineName,
} from '../src/index.js';

/**
 * Non-skipped core cases native may fail: none. Every core case passes or is in skip-native.tsv
 * with its reason (real OPA v1.22.3 disagrees with the shared file's expectation).
 */
const KNOWN_CORE_FAILURES = 0;
/**
 * Wasm runs every WASM_SAMPLE_EVERY-th core case: one `opa build` and one worker each, 80–370 ms
 * a case with 2 in flight depending on the machine's load (compiled wasm is cached by content).
 */
const WASM_SAMPLE_EVERY = 10;

const figuresFile = join(repoRoot, 'tmp', 'test-results', 'conformance-figures.txt');
/** Full summaries (every failure), as `npm run conformance` writes them. */
const summariesDir = join(repoRoot, 'tmp', 'conformance');
const lines: string[] = [];
const figure = (line: string): void => {
  lines.push(line);
  console.log(line);
};

afterAll(() => {
  mkdirSync(join(repoRoot, 'tmp', 'test-results'), { recursive: true });
  writeFileSync(figuresFile, `${lines.join('\n')}\n`);
});

const shared = sharedSuiteDir();
const manifest = shared === undefined ? undefined : join(shared, 'MANIFEST.tsv');

/** OPA v1.22.3's own trees; fetched with `go mod download` when Go is here and they are not. */
function opaTrees(): { trees: CaseTree[]; why?: string } {
  const have = (): CaseTree[] => caseTrees().filter((t) => t.name.startsWith('opa-'));
  if (have().length === 2) return { trees: have() };
  const mod = `github.com/open-policy-agent/opa@v${OPA_VERSION}`;
  const r = spawnSync('go', ['mod', 'download', '-json', mod], { encoding: 'utf8', timeout: 300_000 });
  if (r.error || r.status !== 0)
    return {
      trees: [],
      why: `OPA ${OPA_VERSION}'s trees are not in the Go module cache and 'go mod download ${mod}' failed: ${r.error?.message ?? r.stderr.trim().slice(0, 200)}`,
    };
  let dir: string | undefined;
  try {
    dir = (JSON.parse(r.stdout) as { Dir?: string }).Dir;
  } catch {
    dir = undefined;
  }
  const trees: CaseTree[] = ['v1', 'v0'].map((v) => ({
    name: `opa-${OPA_VERSION}/${v}`,
    dir: join(dir ?? '', 'v1', 'test', 'cases', 'testdata', v),
    regoVersion: v as 'v0' | 'v1',
  }));
  return trees.every((t) => existsSync(t.dir))
    ? { trees }
    : { trees: [], why: `'go mod download ${mod}' gave no v1/test/cases/testdata/{v1,v0} under ${dir}` };
}

let opaBin: string | undefined;
let noOpa = '';
try {
  opaBin = findOpa();
} catch (err) {
  noOpa = (err as Error).message;
}

async function run(
  engine: EngineName,
  label: string,
  regoVersion: 'v0' | 'v1',
  cases: readonly ConformanceCase[],
  concurrency = 1,
): Promise<{ s: ConformanceSummary; note: string }> {
  const backend = await createBackend(engine, { regoVersion });
  const started = Date.now();
  try {
    const s = await runCases(cases, { backend, skips: loadSkipList(engine), concurrency });
    // The runner judged (or skipped) every case it was given.
    expect(s.total).toBe(cases.length);
    expect(s.passed + s.failed + skippedCount(s)).toBe(s.total);
    mkdirSync(summariesDir, { recursive: true });
    writeFileSync(join(summariesDir, `figures-${engine}-${label.replace(/\W+/g, '_')}.json`), `${summaryJson(s)}\n`);
    return { s, note: `${((Date.now() - started) / 1000).toFixed(1)} s` };
  } finally {
    await backend.close?.();
  }
}

const failureList = (s: ConformanceSummary): string[] => s.failures.map((f) => `${f.file}#${f.index} ${f.note}: ${f.reason}`);

const haveShared = shared !== undefined && manifest !== undefined && existsSync(manifest);

describe.skipIf(!haveShared)(
  haveShared ? 'conformance figures' : 'conformance figures (skipped: the shared suite ../shared/opa-conformance is not on this machine)',
  () => {
    // The describe body is collected even when skipped: read nothing then.
    const v1 = haveShared ? loadCases(join(shared, 'v1')) : [];
    const core = haveShared ? casesOfTier(v1, loadTiers(manifest), 'core') : [];

    it('native passes every non-skipped case of the shared v1 core tier', async () => {
      expect(core).toHaveLength(1353);
      const { s, note } = await run('native', 'shared/v1 core', 'v1', core);
      figure(formatFigure('shared/v1 core tier', 'native', s, `${note}; gate: no failure`));
      expect(s.failed, `native fails non-skipped core cases:\n  ${failureList(s).join('\n  ')}`).toBeLessThanOrEqual(KNOWN_CORE_FAILURES);
    }, 300_000);

    it('native over the whole shared suite (figure)', async () => {
      const parts: ConformanceSummary[] = [];
      for (const tree of caseTrees().filter((t) => t.name.startsWith('shared/'))) {
        const { s, note } = await run('native', tree.name, tree.regoVersion, loadCases(tree.dir));
        figure(formatFigure(tree.name, 'native', s, note));
        parts.push(s);
      }
      const all = mergeSummaries(parts);
      figure(formatFigure('shared (all trees)', 'native', all));
      expect(all.total).toBeGreaterThanOrEqual(v1.length);
    }, 300_000);

    it("native over OPA v1.22.3's own v1 and v0 trees (figure)", async (ctx) => {
      const { trees, why } = opaTrees();
      if (why !== undefined) {
        figure(`opa-${OPA_VERSION}/v1, v0            native not run: ${why}`);
        ctx.skip();
      }
      const manifest1223 = join(shared as string, `MANIFEST-v${OPA_VERSION}.tsv`);
      for (const tree of trees) {
        const cases = loadCases(tree.dir);
        const { s, note } = await run('native', tree.name, tree.regoVersion, cases);
        figure(formatFigure(tree.name, 'native', s, note));
        // The shared suite also classifies OPA v1.22.3's v1 tree (MANIFEST-v1.22.3.tsv).
        if (tree.regoVersion === 'v1' && existsSync(manifest1223)) {
          const core1223 = casesOfTier(cases, loadTiers(manifest1223), 'core');
          expect(core1223.length).toBeGreaterThan(0);
          const c = await run('native', `${tree.name} core`, 'v1', core1223);
          figure(formatFigure(`${tree.name} core tier`, 'native', c.s, c.note));
        }
      }
    }, 600_000);

    const withoutOpa = opaBin === undefined ? ` (skipped: ${noOpa})` : '';
    it.skipIf(opaBin === undefined)(
      `the real OPA passes every non-skipped core case: the runner is right${withoutOpa}`,
      async () => {
        const { s, note } = await run('opa', 'shared/v1 core', 'v1', core, 2);
        figure(formatFigure('shared/v1 core tier', 'opa', s, `${note}; runner validation, gate: 0 failed`));
        expect(
          s.failed,
          `OPA fails cases the runner should judge as OPA does (or skip-opa.tsv must explain):\n  ${failureList(s).join('\n  ')}`,
        ).toBe(0);
      },
      600_000,
    );

    it.skipIf(opaBin === undefined)(
      `wasm over 1 in ${WASM_SAMPLE_EVERY} core cases (figure; failures counted, not asserted)${withoutOpa}`,
      async () => {
        const sample = core.filter((_, i) => i % WASM_SAMPLE_EVERY === 0);
        const { s, note } = await run('wasm', 'shared/v1 core sample', 'v1', sample, 2);
        figure(formatFigure(`shared/v1 core, 1 in ${WASM_SAMPLE_EVERY}`, 'wasm', s, `${note}; not a gate`));
        // Not a gate, but a backend that passes nothing is broken, not a figure.
        expect(s.passed).toBeGreaterThan(0);
      },
      600_000,
    );
  },
);
