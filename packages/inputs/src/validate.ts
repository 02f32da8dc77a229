import { isRight } from 'fp-ts/lib/Either.js';
import { toInputErrors, type InputError } from '@policy-engine/inputs-common';
import { inputCodecFor } from './registry.js';

/** Result of {@link validateInput}: the (unchanged) document, or every leaf failure. */
export type InputValidationResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly errors: InputError[] };

/** Thrown by {@link validateInput} for a package name the registry cannot resolve. */
export class UnknownInputPackage extends Error {
  override readonly name = 'UnknownInputPackage';
  /** Stable error code. */
  readonly code = 'UNKNOWN_INPUT_PACKAGE';
  constructor(readonly packageName: string) {
    super(`no input codec for policy package "${packageName}"`);
  }
}

/**
 * Validates an input document (the value policies see as `input`, not the `{"input": …}`
 * request) against the codec of `packageName`. Extra fields are allowed and kept; the
 * value is returned unchanged. Errors carry paths like `input.user.roles[0].name`.
 * @throws UnknownInputPackage when `inputCodecFor(packageName)` is undefined.
 */
export function validateInput(packageName: string, value: unknown): InputValidationResult {
  const codec = inputCodecFor(packageName);
  if (!codec) throw new UnknownInputPackage(packageName);
  const result = codec.decode(value);
  return isRight(result) ? { ok: true, value: result.right } : { ok: false, errors: toInputErrors(result.left) };
}
