import { ConfigurationError } from '@policy-engine/evaluator';

/**
 * Normalises an OPA address to its base URL: trailing `/`, `/data` and `/v1` are removed,
 * so `http://opa:8181`, `http://opa:8181/v1` and `http://opa:8181/v1/data` (Armory's
 * documentation uses all three) name the same server.
 * @throws ConfigurationError when the value is not an http(s) URL.
 */
export function normaliseBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new ConfigurationError(`OPA URL ${JSON.stringify(value)} is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigurationError(`OPA URL ${JSON.stringify(value)} must use http or https`);
  }
  let path = url.pathname.replace(/\/+$/, '');
  if (path.endsWith('/data')) path = path.slice(0, -'/data'.length).replace(/\/+$/, '');
  if (path.endsWith('/v1')) path = path.slice(0, -'/v1'.length).replace(/\/+$/, '');
  url.pathname = path;
  url.search = '';
  url.hash = '';
  return url.toString().replace(/\/+$/, '');
}

/** `a.b.c` → `a/b/c`, each segment URL-encoded. */
export function packagePath(packageName: string): string {
  return packageName
    .split('.')
    .filter((s) => s !== '')
    .map(encodeURIComponent)
    .join('/');
}
