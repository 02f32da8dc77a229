/**
 * Judges a backend's outcome against a case, as OPA's `v1/topdown/exported_test.go` does.
 */
import type { Binding, CaseOutcome } from './backend.js';
import type { ConformanceCase } from './load.js';
import { compareValues, toJSONText, type JValue } from './value.js';

/** The verdict on one case: passed, or failed with a one-line reason. */
export type Verdict = { readonly pass: true } | { readonly pass: false; readonly reason: string };

const PASS: Verdict = { pass: true };
const fail = (reason: string): Verdict => ({ pass: false, reason });

/** Error codes of OPA's evaluation errors (`topdown.Error`); `want_error_code` matches only these. */
export const EVAL_ERROR_CODES: ReadonlySet<string> = new Set([
  'eval_builtin_error',
  'eval_type_error',
  'eval_conflict_error',
  'eval_internal_error',
  'eval_cancel_error',
  'eval_recursion_error',
  'eval_unsafe_var_error',
]);

/** Each top-level array value of a binding sorted in OPA's order (`sort_bindings`). */
export function sortBinding(b: Binding): Binding {
  const out: Record<string, JValue> = {};
  for (const [k, v] of Object.entries(b)) out[k] = Array.isArray(v) ? [...(v as readonly JValue[])].sort(compareValues) : v;
  return out;
}

/** Deduplicated, sorted bindings: a result set compared as a set. */
export function bindingSet(bs: readonly Binding[]): Binding[] {
  const sorted = [...bs].sort(compareValues);
  return sorted.filter((b, i) => i === 0 || compareValues(sorted[i - 1] as Binding, b) !== 0);
}

/** Whether two result sets are equal as sets of bindings under Rego equality. */
export function resultSetsEqual(want: readonly Binding[], got: readonly Binding[]): boolean {
  const a = bindingSet(want);
  const b = bindingSet(got);
  return a.length === b.length && a.every((x, i) => compareValues(x, b[i] as Binding) === 0);
}

const short = (s: string, n = 300): string => (s.length > n ? `${s.slice(0, n)}…` : s);
const showSet = (bs: readonly Binding[]): string => short(`[${bindingSet(bs).map(toJSONText).join(',')}]`);

/** The error text `want_error` is searched in: OPA's rendering, else `code: message`. */
export function errorText(e: { readonly code: string; readonly message: string; readonly text?: string }): string {
  return e.text ?? `${e.code}: ${e.message}`;
}

/** Compares an outcome with what the case wants. */
export function judge(c: ConformanceCase, outcome: CaseOutcome): Verdict {
  if (c.invalid !== undefined) return fail(`invalid case: ${c.invalid}`);
  if ('error' in outcome) {
    const e = outcome.error;
    const text = errorText(e);
    if (c.wantError === undefined && c.wantErrorCode === undefined) return fail(`unexpected error: ${short(text)}`);
    if (c.wantError !== undefined && !text.includes(c.wantError))
      return fail(`expected error text ${JSON.stringify(c.wantError)} but got: ${short(JSON.stringify(text))}`);
    if (c.wantErrorCode !== undefined) {
      if (!EVAL_ERROR_CODES.has(e.code)) return fail(`expected evaluation error ${c.wantErrorCode} but got: ${short(text)}`);
      if (e.code !== c.wantErrorCode)
        return fail(`expected error code ${JSON.stringify(c.wantErrorCode)} but got ${JSON.stringify(e.code)}: ${short(e.message)}`);
    }
    // OPA's TestCase: want_error_code and want_error override want_result (a few cases set both).
    return PASS;
  }
  const got = outcome.result;
  if (c.wantError !== undefined || c.wantErrorCode !== undefined) {
    return fail(
      `expected error ${c.wantErrorCode ?? ''}${c.wantError !== undefined ? ` ${JSON.stringify(c.wantError)}` : ''} but got result ${showSet(got)}`.replace(
        '  ',
        ' ',
      ),
    );
  }
  if (c.wantDefined !== undefined) {
    const defined = got.length > 0;
    if (defined !== c.wantDefined) return fail(`expected the query to be ${c.wantDefined ? 'defined' : 'undefined'}`);
  }
  if (c.wantResult !== undefined) {
    const actual = c.sortBindings ? got.map(sortBinding) : got;
    if (!resultSetsEqual(c.wantResult, actual))
      return fail(`unexpected query result: want ${showSet(c.wantResult)} got ${showSet(actual)}`);
  }
  return PASS;
}
