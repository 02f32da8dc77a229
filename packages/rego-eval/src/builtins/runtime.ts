/**
 * Built-ins that reach outside the policy: `http.send` and `opa.runtime`. The interpreter is
 * synchronous and runs in browsers, so it sends no HTTP: `http.send` is known to the compiler (so
 * policies that call it compile, and `with http.send as mock` always works) but a real call is an
 * `eval_builtin_error` saying so (undefined in non-strict mode). `opa.runtime` is `{}`: the embedded
 * engine has no OPA runtime (no config, environment or version to report), as OPA's Go test runner.
 */
import { RObject } from '@policy-engine/rego-value';
import { argObject, type BuiltinDef } from './registry.js';
import { fail } from './util.js';

/** The built-ins of this family. */
export const builtins: BuiltinDef[] = [
  {
    name: 'http.send',
    arity: 1,
    nondeterministic: true,
    fn: (args) => {
      argObject('http.send', args, 0);
      throw fail('http.send', 'network access is not available in the embedded engine (mock it with `with http.send as ...`)');
    },
  },
  { name: 'opa.runtime', arity: 0, nondeterministic: true, fn: () => new RObject() },
];
