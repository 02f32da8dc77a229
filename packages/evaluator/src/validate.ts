/**
 * Input validation against the package's io-ts codec from `@policy-engine/inputs`.
 */
import { inputCodecFor, validateInput } from '@policy-engine/inputs';

/** Result of validating one input. `checked: false` when no codec exists for the package. */
export type InputValidation =
  { readonly ok: true; readonly checked: boolean } | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Validates `value` as the input of `packageName`. A package without a codec (a custom
 * package) is not checked and counts as valid.
 */
export function checkInput(packageName: string, value: unknown): InputValidation {
  if (inputCodecFor(packageName) === undefined) return { ok: true, checked: false };
  const result = validateInput(packageName, value);
  if (result.ok) return { ok: true, checked: true };
  return { ok: false, problems: result.errors.map((e) => e.message) };
}
