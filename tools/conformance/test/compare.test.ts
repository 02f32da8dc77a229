import { describe, expect, it } from 'vitest';
import {
  judge,
  parseCaseFile,
  parseJsonExact,
  resultSetsEqual,
  type Binding,
  type CaseOutcome,
  type ConformanceCase,
  type Verdict,
} from '../src/index.js';

function one(yaml: string): ConformanceCase {
  const c = parseCaseFile(`cases:\n  - note: t\n    query: data.x.p = x\n${yaml}`, 't.yaml')[0];
  if (!c) throw new Error('no case');
  return c;
}
const rows = (json: string): CaseOutcome => ({ result: parseJsonExact(json) as unknown as Binding[] });

/** The reason of a failed verdict; a passing one fails the test. */
function reasonOf(v: Verdict): string {
  if (v.pass) throw new Error('expected a failed verdict, got a pass');
  return v.reason;
}

describe('judge: results', () => {
  it('compares result sets as sets: order and duplicates do not matter', () => {
    const c = one('    want_result:\n      - x: 1\n      - x: 2\n');
    expect(judge(c, rows('[{"x": 2}, {"x": 1}, {"x": 2}]'))).toEqual({ pass: true });
    expect(reasonOf(judge(c, rows('[{"x": 1}]')))).toMatch(/unexpected query result/);
  });
  it('uses Rego equality: 1 equals 1.0, big integers exactly', () => {
    expect(judge(one('    want_result:\n      - x: 1.0\n'), rows('[{"x": 1}]')).pass).toBe(true);
    const big = one('    want_result:\n      - x: 18446744073709551614\n');
    expect(judge(big, rows('[{"x": 18446744073709551614}]')).pass).toBe(true);
    expect(judge(big, rows('[{"x": 18446744073709551615}]')).pass).toBe(false);
  });
  it('sorts top-level arrays only with sort_bindings', () => {
    const want = '    want_result:\n      - x: [1, 2, 3]\n';
    expect(judge(one(`${want}    sort_bindings: true\n`), rows('[{"x": [3, 1, 2]}]')).pass).toBe(true);
    expect(judge(one(want), rows('[{"x": [3, 1, 2]}]')).pass).toBe(false);
  });
  it('want_result [] means undefined, not an empty value', () => {
    const c = one('    want_result: []\n');
    expect(judge(c, { result: [] }).pass).toBe(true);
    expect(judge(c, rows('[{"x": []}]')).pass).toBe(false);
  });
  it('an unexpected error fails with its text', () => {
    const v = judge(one('    want_result: []\n'), { error: { code: 'eval_type_error', message: 'plus: operand 1 must be number' } });
    expect(v).toEqual({ pass: false, reason: 'unexpected error: eval_type_error: plus: operand 1 must be number' });
  });
  it('resultSetsEqual ignores binding key order', () => {
    expect(
      resultSetsEqual(parseJsonExact('[{"a":1,"b":2}]') as unknown as Binding[], parseJsonExact('[{"b":2,"a":1}]') as unknown as Binding[]),
    ).toBe(true);
  });
});

describe('judge: errors', () => {
  const err = (code: string, message: string, text?: string): CaseOutcome => ({ error: { code, message, ...(text ? { text } : {}) } });
  it('want_error is a substring of the rendered error text', () => {
    const c = one('    want_error: "test-0.rego:3: eval_builtin_error: div: divide by zero"\n');
    expect(judge(c, err('eval_builtin_error', 'div: divide by zero', 'test-0.rego:3: eval_builtin_error: div: divide by zero')).pass).toBe(
      true,
    );
    expect(judge(one('    want_error: divide by zero\n'), err('eval_builtin_error', 'div: divide by zero')).pass).toBe(true);
    expect(judge(one('    want_error: object insert conflict\n'), err('eval_builtin_error', 'div: divide by zero')).pass).toBe(false);
  });
  it('want_error_code must be exactly that evaluation error code', () => {
    const c = one('    want_error_code: eval_conflict_error\n');
    expect(judge(c, err('eval_conflict_error', 'rule data.x.p produced conflicting values')).pass).toBe(true);
    expect(judge(c, err('eval_type_error', 'x')).pass).toBe(false);
    // A compile error is not an evaluation error, whatever its text.
    expect(judge(one('    want_error_code: rego_type_error\n'), err('rego_type_error', 'undefined function')).pass).toBe(false);
  });
  it('a wanted error that does not happen fails', () => {
    expect(reasonOf(judge(one('    want_error_code: eval_type_error\n'), rows('[{"x": 1}]')))).toMatch(
      /expected error eval_type_error but got result/,
    );
  });
  it('a wanted error overrides want_result (OPA TestCase precedence)', () => {
    const c = one('    want_result:\n      - x: 1\n    want_error: divide by zero\n');
    expect(judge(c, err('eval_builtin_error', 'div: divide by zero')).pass).toBe(true);
  });
  it('an invalid case always fails', () => {
    const c = parseCaseFile('cases:\n  - note: t\n    query: "true"\n', 't.yaml')[0] as ConformanceCase;
    expect(judge(c, { result: [{}] }).pass).toBe(false);
  });
});
