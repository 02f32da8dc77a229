import type * as t from 'io-ts';
import { isRight } from 'fp-ts/lib/Either.js';
import { toInputErrors } from '@policy-engine/inputs-common';

/** `path <expected>` of every error decoding `value` with `codec` (`[]` when valid), as the inputs-* tests compare them. */
export function errorsOf(codec: t.Mixed, value: unknown): string[] {
  const r = codec.decode(value);
  return isRight(r) ? [] : toInputErrors(r.left).map((e) => `${e.path} <${e.expected}>`);
}
