/** The interpreter's intermediate form: resolved, renamed, safety-ordered terms and bodies. */
import type { Value } from '@policy-engine/rego-value';
import type { ErrorLocation } from './errors.js';

/**
 * Set on a term by the `markTree` pass when it has at most one value and cannot bind a var
 * (no ref with a var part, no `walk`): the evaluator computes it directly, without a continuation.
 */
export interface TermFlags {
  s?: boolean;
}

/** A term. */
export type T = TermFlags &
  (
    | { readonly k: 'val'; readonly v: Value }
    | { readonly k: 'var'; readonly n: string }
    | { readonly k: 'input' }
    | { readonly k: 'data' }
    | { readonly k: 'ref'; readonly head: T; readonly path: readonly T[]; readonly loc: ErrorLocation }
    | { readonly k: 'arr'; readonly items: readonly T[] }
    | { readonly k: 'set'; readonly items: readonly T[] }
    | { readonly k: 'obj'; readonly items: readonly (readonly [T, T])[] }
    | { readonly k: 'call'; readonly fn: string; readonly args: readonly T[]; readonly loc: ErrorLocation }
    | {
        readonly k: 'ac';
        readonly term: T;
        readonly body: Body;
        /** A template part: its elements are the part's values. */ readonly spread?: true;
      }
    | { readonly k: 'sc'; readonly term: T; readonly body: Body }
    | { readonly k: 'oc'; readonly key: T; readonly value: T; readonly body: Body }
    | { readonly k: 'tpl'; readonly parts: readonly (string | T)[]; readonly loc: ErrorLocation }
  );

/** A `with` modifier: target path (`input…`, `data…`, or a function / built-in name) and value. */
export interface W {
  readonly root: 'input' | 'data' | 'fn';
  readonly path: readonly string[];
  /** For `fn`: the function's name (`count`, `data.p.f`). */
  readonly fn: string;
  readonly value: T;
  /** For `fn`: the value is itself a function name (a mock function), not a constant. */
  readonly mockFn?: string;
}

/** An expression kind. */
export type X =
  | { readonly k: 'unify'; readonly a: T; readonly b: T }
  | { readonly k: 'term'; readonly t: T }
  | { readonly k: 'callout'; readonly fn: string; readonly args: readonly T[]; readonly out: T }
  | { readonly k: 'somein'; readonly key: T | undefined; readonly val: T; readonly coll: T }
  | { readonly k: 'every'; readonly key: T | undefined; readonly val: T; readonly domain: T; readonly body: Body }
  | { readonly k: 'notbody'; readonly body: Body }
  | { readonly k: 'or'; readonly lhs: Body; readonly rhs: Body }
  | { readonly k: 'and'; readonly lhs: Body; readonly rhs: Body }
  | { readonly k: 'true' };

/** A body expression. */
export interface E {
  /**
   * Set by the `markTree` pass when the expression succeeds at most once and binds at most one
   * var without iterating (no `with`; a negation, a single-valued test, an assignment or
   * comparison of single-valued terms, a call with single-valued arguments, `every`, `not {…}`,
   * `or`/`and`): the evaluator runs a row of them in a loop, without a continuation each.
   */
  d?: boolean;
  readonly x: X;
  readonly neg: boolean;
  readonly with: readonly W[];
  readonly loc: ErrorLocation;
}

/** A body. */
export type Body = readonly E[];
