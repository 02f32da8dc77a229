/**
 * Input validation against the package's io-ts codec from `@policy-engine/inputs`.
 * The registry is loaded lazily, on the first validation, so engines that never validate
 * do not pay for loading every codec.
 */

/** One validation problem, as the input registry reports it. */
export interface InputProblem {
  readonly path: string;
  readonly expected: string;
  readonly actual: string;
  readonly message: string;
}

/** Result of validating one input. */
export type InputValidation = { readonly ok: true } | { readonly ok: false; readonly problems: readonly string[] };

/** Validates `value` as the input of `packageName`. */
export type InputValidator = (packageName: string, value: unknown) => InputValidation;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function problemLine(problem: unknown): string {
  if (!isRecord(problem)) return String(problem);
  if (typeof problem['message'] === 'string' && problem['message'] !== '') return problem['message'];
  return `${String(problem['path'])}: expected ${String(problem['expected'])}, got ${String(problem['actual'])}`;
}

let registry: Promise<InputValidator> | undefined;

/** Loads the validator of `@policy-engine/inputs` (once). */
export function loadInputValidator(): Promise<InputValidator> {
  registry ??= import('@policy-engine/inputs').then((mod: unknown) => {
    const fn = isRecord(mod) ? mod['validateInput'] : undefined;
    if (typeof fn !== 'function') {
      return (): InputValidation => ({ ok: true });
    }
    return (packageName: string, value: unknown): InputValidation => {
      const result: unknown = fn(packageName, value);
      if (isRecord(result) && result['ok'] === false) {
        const errors = Array.isArray(result['errors']) ? result['errors'] : [];
        return { ok: false, problems: errors.map(problemLine) };
      }
      return { ok: true };
    };
  });
  return registry;
}
