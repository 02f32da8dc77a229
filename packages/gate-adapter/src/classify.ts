import type { GateAuthzConfig } from './config.js';
import { DEFAULT_EXEMPT_PATHS } from './config.js';
import { GateRequestError } from './errors.js';
import { normalizeRequestPath } from './path.js';
import { compilePathPattern, type PathPattern } from './pattern.js';

/** How a request is treated before any identity or policy is looked at. */
export type RequestClass =
  | { readonly kind: 'invalid'; readonly error: GateRequestError }
  /** On the allow list and not forced: passes without identity or policy. */
  | { readonly kind: 'exempt'; readonly path: readonly string[]; readonly pattern: string }
  /** The UI entitlements route. */
  | { readonly kind: 'entitlements'; readonly path: readonly string[] }
  /** Needs an identity and a `spinnaker.http.authz` decision. */
  | { readonly kind: 'protected'; readonly path: readonly string[]; readonly forced: boolean };

/** Pre-compiled matchers for one configuration. */
export interface RequestClassifier {
  classify(method: string, url: string): RequestClass;
}

/** Compiles the allow list (defaults + `allow`) and `forceAuthentication` of a configuration. */
export function createRequestClassifier(config: GateAuthzConfig): RequestClassifier {
  const exempt: PathPattern[] = [...DEFAULT_EXEMPT_PATHS, ...config.allow].map(compilePathPattern);
  const forced = config.forceAuthentication.map((f) => ({
    pattern: compilePathPattern(f.path),
    method: f.method === undefined || f.method === '*' ? undefined : f.method.toUpperCase(),
  }));
  const entitlements = normalizeRequestPath(config.entitlementsPath).segments;
  return {
    classify(method, url) {
      let normalized;
      try {
        normalized = normalizeRequestPath(url);
      } catch (e) {
        if (e instanceof GateRequestError) return { kind: 'invalid', error: e };
        throw e;
      }
      const m = method.toUpperCase();
      const { segments: path, ambiguous } = normalized;
      if (m === 'POST' && !ambiguous && path.length === entitlements.length && path.every((s, i) => s === entitlements[i])) {
        return { kind: 'entitlements', path };
      }
      // HEAD is served by GET handlers (Express, Fastify), so a forced GET covers HEAD too.
      const isForced = forced.some(
        (f) => (f.method === undefined || f.method === m || (f.method === 'GET' && m === 'HEAD')) && f.pattern.matches(path),
      );
      if (!isForced && !ambiguous) {
        const hit = exempt.find((p) => p.matches(path));
        if (hit) return { kind: 'exempt', path, pattern: hit.source };
      }
      return { kind: 'protected', path, forced: isForced };
    },
  };
}
