import { ConfigurationError } from '@policy-engine/evaluator';
import type { HttpResponse } from './http.js';

/**
 * 401/403 from OPA (`--authentication=token`, `--authorization=basic`) is a configuration
 * problem (missing or wrong `headers`), not a policy or evaluation error.
 * @throws ConfigurationError
 */
export function rejectUnauthorized(res: HttpResponse, what: string): void {
  if (res.status !== 401 && res.status !== 403) return;
  const message = (res.body as { message?: unknown } | undefined)?.message;
  throw new ConfigurationError(
    `OPA refused ${what} with HTTP ${res.status}${typeof message === 'string' ? ` (${message})` : ''}: check the engine's headers (e.g. authorization: Bearer <token>)`,
  );
}
