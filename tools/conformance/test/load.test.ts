import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CaseFileError, loadCases, Num, parseCaseFile, toJSONText } from '../src/index.js';

const yamlText = `cases:
  - note: big/number
    query: data.test.p = x
    modules:
      - |
        package test

        p := 18446744073709551614
    data:
    want_result:
      - x: 18446744073709551614
  - note: errors/strict
    query: data.test.q = x
    modules: []
    input_term: '{"x": {1, 2}}'
    want_error_code: eval_builtin_error
    want_error: divide by zero
    strict_error: true
    sort_bindings: true
  - note: nothing wanted
    query: "true"
`;

describe('parseCaseFile', () => {
  const cases = parseCaseFile(yamlText, 'a/b.yaml');
  it('keys cases by file and index and reads integers past 2^53 exactly', () => {
    expect(cases.map((c) => [c.file, c.index, c.note])).toEqual([
      ['a/b.yaml', 0, 'big/number'],
      ['a/b.yaml', 1, 'errors/strict'],
      ['a/b.yaml', 2, 'nothing wanted'],
    ]);
    const want = cases[0]?.wantResult?.[0]?.['x'];
    expect(want).toBeInstanceOf(Num);
    expect(toJSONText(want ?? null)).toBe('18446744073709551614');
    expect(cases[0]?.modules[0]).toContain('package test');
  });
  it('treats data: null as no data and keeps input_term as text', () => {
    expect(cases[0]?.data).toBeUndefined();
    expect(cases[1]?.inputTerm).toBe('{"x": {1, 2}}');
    expect(cases[1]).toMatchObject({
      wantErrorCode: 'eval_builtin_error',
      wantError: 'divide by zero',
      strictError: true,
      sortBindings: true,
    });
  });
  it('marks a case that wants nothing as invalid (as OPA does)', () => {
    expect(cases[2]?.invalid).toMatch(/expected one of/);
    expect(cases[0]?.invalid).toBeUndefined();
  });
  it('refuses a file that is not {cases: [...]}', () => {
    expect(() => parseCaseFile('foo: 1\n', 'x.yaml')).toThrow(CaseFileError);
    expect(() => parseCaseFile('cases: [\n', 'x.yaml')).toThrow(/x.yaml: malformed YAML/);
  });
});

describe('loadCases', () => {
  const dir = mkdtempSync(join(tmpdir(), 'conformance-load-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('walks .yaml and .yml files in sorted order, files relative to the directory', () => {
    mkdirSync(join(dir, 'z', 'sub'), { recursive: true });
    writeFileSync(join(dir, 'z', 'sub', 'one.yml'), yamlText);
    writeFileSync(join(dir, 'a.yaml'), 'cases:\n  - note: n\n    query: "true"\n    want_result: [{}]\n');
    writeFileSync(join(dir, 'README.md'), 'not a case');
    const cases = loadCases(dir);
    expect(cases.map((c) => `${c.file}#${c.index}`)).toEqual(['a.yaml#0', 'z/sub/one.yml#0', 'z/sub/one.yml#1', 'z/sub/one.yml#2']);
    expect(cases[1]?.path).toBe(join(dir, 'z', 'sub', 'one.yml'));
  });
});
