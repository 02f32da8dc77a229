import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as t from 'io-ts';
import { isRight } from 'fp-ts/lib/Either.js';
import { toInputErrors } from '@policy-engine/inputs-common';

/** `path <expected>` of every error decoding `value` with `codec` ([] when valid). */
export function errorsOf(codec: t.Mixed, value: unknown): string[] {
  const r = codec.decode(value);
  return isRight(r) ? [] : toInputErrors(r.left).map((e) => `${e.path} <${e.expected}>`);
}

/** The `input` of a shared fixture (`<repo>/../shared/spec/fixtures`). */
export function fixture(file: string): Record<string, unknown> {
  const dir = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/spec/fixtures');
  return (JSON.parse(readFileSync(join(dir, file), 'utf8')) as { input: Record<string, unknown> }).input;
}
