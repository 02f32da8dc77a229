import type * as t from 'io-ts';
import { isRight } from 'fp-ts/lib/Either.js';
import { toInputErrors } from '../src/index.js';

/** `path <expected>` of every error decoding `value` with `codec` ([] when valid). */
export function errorsOf(codec: t.Mixed, value: unknown): string[] {
  const r = codec.decode(value);
  return isRight(r) ? [] : toInputErrors(r.left).map((e) => `${e.path} <${e.expected}>`);
}
