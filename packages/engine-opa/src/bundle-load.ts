/**
 * Loading a policy set as one bundle (see bundle-server.ts): the files of the bundle, waiting for
 * a server to activate it, and turning a failed activation into PolicyCompileError.
 */
import { createHash } from 'node:crypto';
import { EvaluationCancelled, EvaluationTimeout, PolicyCompileError, type PolicyProblem } from '@policy-engine/evaluator';
import { rejectUnauthorized } from './auth.js';
import type { BundleFile, BundleStatusReport, OpaBundleServer } from './bundle-server.js';
import { bundleTarball } from './bundle-server.js';
import type { DesiredState } from './desired.js';
import { ConnectionFailed, request } from './http.js';
import { opaProblems } from './opa-errors.js';
import { packagePath } from './urls.js';

/** A set as a bundle: its tarball and the ETag / manifest revision naming its content. */
export interface PreparedBundle {
  readonly etag: string;
  readonly bytes: Buffer;
}

/**
 * The roots the bundle owns: every package path and top-level data key, without those inside
 * another (OPA refuses overlapping roots). OPA erases a bundle's roots when it activates the next
 * one, and leaves everything outside them (e.g. a `system.authz` policy loaded from a file) alone.
 */
export function bundleRoots(set: DesiredState): string[] {
  const all = [...new Set([...[...set.packages].map(packagePath), ...[...set.data.keys()].map(packagePath)])].sort();
  const roots: string[] = [];
  for (const r of all) if (!roots.some((o) => r === o || r.startsWith(`${o}/`))) roots.push(r);
  return roots;
}

/** The files of the bundle of `set`: one `<policy id>.rego` per module, `data.json`, `.manifest` (revision = `etag`). */
export function bundleFiles(set: DesiredState): { files: BundleFile[]; etag: string } {
  const files: BundleFile[] = [...set.modules].map(([id, source]) => ({ path: `${id}.rego`, content: source }));
  if (set.data.size > 0) files.push({ path: 'data.json', content: JSON.stringify(Object.fromEntries(set.data)) });
  const hash = createHash('sha256');
  for (const f of files) hash.update(`${f.path}\0${f.content}\0`);
  const etag = hash.digest('hex').slice(0, 32);
  // rego_version 0: every v1 module carries `import rego.v1` (v0CompatibleSource), as with the Policy API.
  files.push({ path: '.manifest', content: JSON.stringify({ revision: etag, roots: bundleRoots(set), rego_version: 0 }) });
  return { files, etag };
}

/** Builds the tarball of `set`. */
export function prepareBundle(set: DesiredState): PreparedBundle {
  const { files, etag } = bundleFiles(set);
  return { etag, bytes: bundleTarball(files) };
}

/** The revision of the bundle `bundleName` active on the server at `baseUrl`, or undefined when none is. */
export async function activeRevision(
  baseUrl: string,
  bundleName: string,
  headers: Readonly<Record<string, string>>,
  timeoutMs: number,
): Promise<string | undefined> {
  const url = `${baseUrl}/v1/data/system/bundles/${encodeURIComponent(bundleName)}/manifest/revision`;
  const res = await request(url, { method: 'GET', headers, timeoutMs });
  rejectUnauthorized(res, `GET ${url}`);
  const body = res.body as { result?: unknown } | undefined;
  return res.status === 200 && typeof body?.result === 'string' ? body.result : undefined;
}

/** Policy id (`policy-engine-…`) of a file OPA names in a bundle error (`<bundle url>/<id>.rego`). */
function policyIdOfFile(file: string): string {
  const base = file.slice(file.lastIndexOf('/') + 1);
  return base.endsWith('.rego') ? base.slice(0, -'.rego'.length) : base;
}

/** The problems of a failed activation, with the module ids of `set` as file names. */
export function activationProblems(report: BundleStatusReport, set: DesiredState): PolicyProblem[] {
  const problems = opaProblems(report.error, (file) => set.files.get(policyIdOfFile(file)) ?? file);
  const v0Parse = problems.some((p) => p.code === 'rego_parse_error' && p.location && set.v0Modules.has(p.location.file));
  return v0Parse ? [...problems, { message: 'hint: the Rego v0 module does not parse' }] : problems;
}

/** A server that could not be reached while waiting. */
export interface DownServer {
  readonly url: string;
  readonly error: ConnectionFailed;
}

/**
 * Waits until every reachable one of `baseUrls` has the bundle `etag` active; returns those that
 * could not be reached. A failed activation reported by OPA's status plugin (`statusError`, after
 * the bundle was published) rejects with PolicyCompileError.
 * @throws EvaluationTimeout after `timeoutMs`, EvaluationCancelled when `signal` aborts.
 */
export async function waitActive(
  server: OpaBundleServer,
  baseUrls: readonly string[],
  etag: string,
  set: DesiredState,
  headers: Readonly<Record<string, string>>,
  timeoutMs: number,
  signal?: AbortSignal,
  statusError?: () => BundleStatusReport | undefined,
): Promise<DownServer[]> {
  const deadline = performance.now() + timeoutMs;
  const pending = new Set(baseUrls);
  const down: DownServer[] = [];
  let delay = 5;
  while (pending.size > 0) {
    const failed = statusError?.();
    if (failed) throw new PolicyCompileError(activationProblems(failed, set));
    if (signal?.aborted) throw new EvaluationCancelled('policy load cancelled by the caller');
    for (const url of [...pending]) {
      const left = deadline - performance.now();
      if (left <= 0) break;
      try {
        if ((await activeRevision(url, server.bundleName, headers, Math.min(left, 5000))) === etag) pending.delete(url);
      } catch (err) {
        if (!(err instanceof ConnectionFailed)) throw err;
        pending.delete(url);
        down.push({ url, error: err });
      }
    }
    if (pending.size === 0) return down;
    if (performance.now() >= deadline) {
      const ms = Math.round(timeoutMs);
      throw new EvaluationTimeout(ms, `OPA ${[...pending].join(', ')} did not activate the policy bundle within ${ms} ms`);
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 50);
  }
  return down;
}
