/**
 * `opa.runtime`: `{}`, as in OPA's Go test runner — the embedded engine has no OPA runtime (no
 * config, environment or version to report). `http.send` lives in `http-send.ts`.
 */
import { RObject } from '@policy-engine/rego-value';
import type { BuiltinDef } from './registry.js';

/** The built-ins of this family. */
export const builtins: BuiltinDef[] = [{ name: 'opa.runtime', arity: 0, nondeterministic: true, fn: () => new RObject() }];
