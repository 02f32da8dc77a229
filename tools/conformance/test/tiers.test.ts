import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  casesOfTier,
  loadCases,
  loadTiers,
  ManifestError,
  parseCaseFile,
  parseTiers,
  sharedSuiteDir,
  tierOf,
  type ConformanceCase,
} from '../src/index.js';

const manifest =
  'file\tcase_index\tnote\ttier\tflags\nv1/a/x.yaml\t0\ta/one\tcore\t\nv1/a/x.yaml\t1\ta/two\texotic\t\nv1/b/y.yaml\t0\tb\tgo-compat\tsort_bindings\n';
const twoCases =
  'cases:\n  - note: one\n    query: "true"\n    want_result: [{}]\n  - note: two\n    query: "true"\n    want_result: [{}]\n';

describe('tiers', () => {
  it('reads file, case_index and tier by header name', () => {
    const tiers = parseTiers(manifest);
    expect([...tiers]).toEqual([
      ['v1/a/x.yaml#0', 'core'],
      ['v1/a/x.yaml#1', 'exotic'],
      ['v1/b/y.yaml#0', 'go-compat'],
    ]);
    expect(() => parseTiers('file\tcase_index\n')).toThrow(ManifestError);
    expect(() => parseTiers('file\tcase_index\ttier\nv1/a.yaml\tzero\tcore\n', 'm.tsv')).toThrow(/m.tsv:2: expected a file/);
  });

  it('matches a case by the end of its path at a "/" and its index', () => {
    const tiers = parseTiers(manifest);
    const [one, two] = parseCaseFile(twoCases, 'a/x.yaml', '/somewhere/opa-conformance/v1/a/x.yaml') as [ConformanceCase, ConformanceCase];
    expect(tierOf(one, tiers)).toBe('core');
    expect(tierOf(two, tiers)).toBe('exotic');
    const [elsewhere] = parseCaseFile(twoCases, 'a/x.yaml', '/somewhere/v0/a/x.yaml') as [ConformanceCase];
    expect(tierOf(elsewhere, tiers)).toBeUndefined();
    const [notAtSlash] = parseCaseFile(twoCases, 'a/x.yaml', '/somewhere/xv1/a/x.yaml') as [ConformanceCase];
    expect(tierOf(notAtSlash, tiers)).toBeUndefined();
    expect(casesOfTier([one, two, elsewhere], tiers, 'core')).toEqual([one]);
  });

  const shared = sharedSuiteDir();
  const absent = shared === undefined || !existsSync(join(shared, 'MANIFEST.tsv'));
  it.skipIf(absent)(
    `the shared manifest gives the v1 tree 1,353 core cases${absent ? ' (skipped: no shared suite on this machine)' : ''}`,
    () => {
      const dir = shared as string;
      const tiers = loadTiers(join(dir, 'MANIFEST.tsv'));
      const cases = loadCases(join(dir, 'v1'));
      const core = casesOfTier(cases, tiers, 'core');
      expect(core).toHaveLength(1353);
      // Every case of the v1 tree has a tier.
      expect(cases.filter((c) => tierOf(c, tiers) === undefined)).toEqual([]);
      expect(casesOfTier(cases, tiers, 'go-compat').length + casesOfTier(cases, tiers, 'exotic').length + core.length).toBe(cases.length);
    },
  );
});
