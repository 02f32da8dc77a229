import { describe, expect, it } from 'vitest';
import {
  loadSkipList,
  parseCaseFile,
  parseSkipList,
  runCases,
  skipFor,
  SkipListError,
  summaryJson,
  type CaseOutcome,
  type ConformanceBackend,
  type ConformanceCase,
} from '../src/index.js';

const file = (n: number): string =>
  `cases:\n${Array.from({ length: n }, (_, i) => `  - note: f/case ${i}\n    query: data.x.p = x\n    want_result:\n      - x: ${i}\n`).join('')}`;

/** Answers x = index for even cases, x = -1 for odd ones; the last case throws. */
const fake: ConformanceBackend = {
  name: 'fake',
  async run(c: ConformanceCase): Promise<CaseOutcome> {
    if (c.index === 5) throw new Error('boom');
    const { Num } = await import('../src/index.js');
    return { result: [{ x: Num.of(c.index % 2 === 0 ? c.index : -1) }] };
  },
};

function casesAt(path: string, n: number): ConformanceCase[] {
  return parseCaseFile(file(n), 'dir/f.yaml', path);
}

describe('skip lists', () => {
  it('parses file, index (or *) and a reason; a reason is required', () => {
    const entries = parseSkipList('file\tindex\treason\n# comment\nshared/v1/a.yaml\t3\tstale: x\nb.yaml\t*\tslow\n', 'skip-t.tsv');
    expect(entries).toEqual([
      { file: 'shared/v1/a.yaml', index: 3, reason: 'stale: x', source: 'skip-t.tsv:3' },
      { file: 'b.yaml', index: undefined, reason: 'slow', source: 'skip-t.tsv:4' },
    ]);
    expect(() => parseSkipList('a.yaml\t1\t\n')).toThrow(SkipListError);
    expect(() => parseSkipList('a.yaml\tone\treason\n')).toThrow(/skip list:1: expected file<TAB>index<TAB>reason/);
  });
  it('matches the end of the case path at a "/" boundary', () => {
    const [c] = casesAt('/data/shared/v1/dir/f.yaml', 1);
    const at = (f: string, index: number | undefined = 0) => skipFor(c as ConformanceCase, [{ file: f, index, reason: 'r', source: 's' }]);
    expect(at('v1/dir/f.yaml')).toBeDefined();
    expect(at('dir/f.yaml', undefined)).toBeDefined();
    expect(at('1/dir/f.yaml')).toBeUndefined();
    expect(at('v0/dir/f.yaml')).toBeUndefined();
    expect(at('v1/dir/f.yaml', 1)).toBeUndefined();
  });
  it('the committed skip lists parse and give every entry a reason', () => {
    for (const engine of ['opa', 'native', 'wasm']) {
      const entries = loadSkipList(engine);
      expect(entries.length).toBeGreaterThan(40);
      for (const e of entries) expect(e.reason).not.toBe('');
    }
    expect(loadSkipList('no-such-engine')).toEqual([]);
  });
});

describe('runCases and the JSON summary', () => {
  it('counts passes, failures (a throwing backend included) and skips per reason', async () => {
    const cases = casesAt('/t/dir/f.yaml', 6);
    const skips = parseSkipList('dir/f.yaml\t2\tstale\ndir/f.yaml\t4\tstale\ndir/f.yaml\t3\tslow\n');
    const progress: number[] = [];
    const s = await runCases(cases, { backend: fake, skips, concurrency: 3, onProgress: (p) => progress.push(p.done) });
    expect(s).toMatchObject({ total: 6, passed: 1, failed: 2, skipped: { stale: 2, slow: 1 } });
    expect(s.failures.map((f) => [f.file, f.index, f.note])).toEqual([
      ['dir/f.yaml', 1, 'f/case 1'],
      ['dir/f.yaml', 5, 'f/case 5'],
    ]);
    expect(s.failures[1]?.reason).toBe('backend threw: Error: boom');
    expect(s.skips).toEqual([
      { file: 'dir/f.yaml', index: 2, reason: 'stale' },
      { file: 'dir/f.yaml', index: 3, reason: 'slow' },
      { file: 'dir/f.yaml', index: 4, reason: 'stale' },
    ]);
    expect(progress.sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });
  it('summaryJson is one line with exactly the documented keys', async () => {
    const s = await runCases(casesAt('/t/dir/f.yaml', 2), { backend: fake });
    const line = summaryJson(s);
    expect(line).not.toContain('\n');
    const parsed = JSON.parse(line) as Record<string, unknown> & { failures: { reason: unknown }[] };
    expect(Object.keys(parsed)).toEqual(['total', 'passed', 'failed', 'skipped', 'failures', 'skips']);
    expect(parsed).toMatchObject({ total: 2, passed: 1, failed: 1, skipped: {}, skips: [] });
    expect(parsed.failures).toHaveLength(1);
    expect(parsed.failures[0]).toMatchObject({ file: 'dir/f.yaml', index: 1, note: 'f/case 1' });
    expect(typeof parsed.failures[0]?.reason).toBe('string');
  });
  it('filter keeps cases whose file or note contains the text', async () => {
    const s = await runCases(casesAt('/t/dir/f.yaml', 6), { backend: fake, filter: 'case 4' });
    expect(s).toMatchObject({ total: 1, passed: 1 });
  });
});
