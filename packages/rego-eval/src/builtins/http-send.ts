/**
 * `http.send` (`topdown/http.go`) for the embedded engine: the request object is checked as OPA
 * checks it (`raise_error`, unknown and missing parameters, with OPA's messages), and then no
 * request is sent: network access is off in this interpreter, so the call fails with a clear
 * error (or, with `raise_error: false`, returns OPA's error object). `with http.send as …`
 * mocks replace the built-in as usual. `validateHttpRequest` is shared with `providers.aws.sign_req`.
 */
import { RObject, RSet, formatValue, type Value } from '@policy-engine/rego-value';
import { BuiltinError, typeError, type BuiltinDef } from './registry.js';
import { operandError } from './util.js';

const NAME = 'http.send';

/** The request parameters OPA's `http.send` accepts (`allowedKeyNames`). */
const HTTP_ALLOWED = new Set([
  'method',
  'url',
  'body',
  'enable_redirect',
  'force_json_decode',
  'force_yaml_decode',
  'headers',
  'raw_body',
  'tls_use_system_certs',
  'tls_ca_cert',
  'tls_ca_cert_file',
  'tls_ca_cert_env_variable',
  'tls_client_cert',
  'tls_client_cert_file',
  'tls_client_cert_env_variable',
  'tls_client_key',
  'tls_client_key_file',
  'tls_client_key_env_variable',
  'tls_insecure_skip_verify',
  'tls_server_name',
  'timeout',
  'cache',
  'force_cache',
  'force_cache_duration_seconds',
  'raise_error',
  'caching_mode',
  'max_retry_attempts',
  'cache_ignored_headers',
]);

/** OPA's `validateHTTPRequestOperand(term, pos)` for the built-in `name`: unknown keys first, then missing `method` / `url`. */
export function validateHttpRequest(name: string, v: Value, pos: number): RObject {
  if (!(v instanceof RObject)) throw typeError(name, pos, 'object', v);
  const keys = v.sortedEntries().map(([k]) => k);
  const invalid = keys.filter((k) => typeof k !== 'string' || !HTTP_ALLOWED.has(k));
  if (invalid.length > 0) throw operandError(name, pos, `invalid request parameters(s): ${formatValue(new RSet(invalid))}`);
  const missing = ['method', 'url'].filter((k) => v.get(k) === undefined);
  if (missing.length > 0) throw operandError(name, pos, `missing required request parameters(s): ${formatValue(new RSet(missing))}`);
  return v;
}

/** OPA's result for a failed request with `raise_error: false`. */
function errorResult(message: string): RObject {
  return new RObject([
    ['status_code', 0],
    [
      'error',
      new RObject([
        ['code', 'eval_http_send_internal_error'],
        ['message', message],
      ]),
    ],
  ]);
}

function send(args: Value[]): Value {
  const req = args[0] as Value;
  if (!(req instanceof RObject)) throw typeError(NAME, 1, 'object', req);
  const raise = req.get('raise_error');
  if (raise !== undefined && typeof raise !== 'boolean') throw new BuiltinError(`${NAME}: invalid value for raise_error field`);
  const raiseError = raise !== false;
  try {
    validateHttpRequest(NAME, req, 1);
  } catch (e) {
    if (!raiseError && e instanceof BuiltinError) return errorResult(e.message);
    throw e;
  }
  const detail = 'network access is disabled in the embedded engine (no request is sent; mock the call with `with http.send as …`)';
  if (!raiseError) return errorResult(detail);
  throw new BuiltinError(`${NAME}: ${detail}`);
}

/** The built-ins of this family. */
export const builtins: BuiltinDef[] = [{ name: NAME, arity: 1, fn: (args) => send(args), nondeterministic: true }];
