import { EvaluationCancelled, PolicyCompileError, type PolicyProblem } from '@policy-engine/evaluator';
import { rejectUnauthorized } from './auth.js';
import { POLICY_ID_PREFIX, type DesiredState } from './desired.js';
import { request, type HttpResponse } from './http.js';
import { opaProblems } from './opa-errors.js';
import { packagePath } from './urls.js';

/** How to talk to one server during a load. */
export interface SyncClient {
  readonly baseUrl: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

/** What this engine last pushed to one server. */
export interface PushedState {
  /** policy id → source. */
  modules: Map<string, string>;
  /** top-level data keys written. */
  dataKeys: Set<string>;
}

/**
 * One request of a load. The caller's signal is honoured between requests, never during one:
 * a PUT aborted on the wire may still be applied by OPA after the rollback has looked, and
 * leave a module of the cancelled set behind.
 */
async function call(
  client: SyncClient,
  method: 'GET' | 'PUT' | 'DELETE',
  path: string,
  body?: string,
  contentType?: string,
): Promise<HttpResponse> {
  if (client.signal?.aborted) throw new EvaluationCancelled('policy load cancelled by the caller');
  const res = await request(`${client.baseUrl}${path}`, {
    method,
    headers: client.headers,
    timeoutMs: client.timeoutMs,
    ...(body !== undefined ? { body } : {}),
    ...(contentType ? { contentType } : {}),
  });
  rejectUnauthorized(res, `${method} ${client.baseUrl}${path}`);
  return res;
}

/** Reads the modules this engine owns on the server (ids with our prefix), e.g. after a restart. */
export async function listOwnedModules(client: SyncClient): Promise<Map<string, string>> {
  const res = await call(client, 'GET', '/v1/policies');
  const owned = new Map<string, string>();
  const result = (res.body as { result?: unknown } | undefined)?.result;
  if (res.status !== 200 || !Array.isArray(result)) return owned;
  for (const p of result as unknown[]) {
    const rec = p as { id?: unknown; raw?: unknown };
    if (typeof rec.id === 'string' && rec.id.startsWith(POLICY_ID_PREFIX) && typeof rec.raw === 'string') {
      owned.set(rec.id, rec.raw);
    }
  }
  return owned;
}

function fileNameOf(desired: DesiredState, previous: ReadonlyMap<string, string> | undefined) {
  return (policyIdOrFile: string): string | undefined =>
    desired.files.get(policyIdOrFile) ?? previous?.get(policyIdOrFile) ?? policyIdOrFile;
}

/**
 * Pushes modules until they all compile. OPA compiles each PUT against everything loaded,
 * so a module can fail only because a sibling it calls is not there yet (or an old module
 * still clashes with it): failed modules are retried while any push makes progress, and
 * modules to delete are deleted when nothing else moves.
 */
async function pushModules(
  client: SyncClient,
  state: PushedState,
  wanted: ReadonlyMap<string, string>,
  fileName: (id: string) => string | undefined,
): Promise<PolicyProblem[]> {
  let pending = [...wanted].filter(([id, src]) => state.modules.get(id) !== src);
  let toDelete = [...state.modules.keys()].filter((id) => !wanted.has(id));
  let problems: PolicyProblem[] = [];
  const deleteAll = async (): Promise<void> => {
    const left: string[] = [];
    for (const id of toDelete) {
      const res = await call(client, 'DELETE', `/v1/policies/${id}`);
      if (res.status === 200 || res.status === 404) state.modules.delete(id);
      else left.push(id);
    }
    toDelete = left;
  };
  for (;;) {
    const failed: [string, string][] = [];
    problems = [];
    for (const [id, src] of pending) {
      const res = await call(client, 'PUT', `/v1/policies/${id}`, src, 'text/plain');
      if (res.status === 200) state.modules.set(id, src);
      else {
        failed.push([id, src]);
        problems.push(...opaProblems(res.body, fileName));
      }
    }
    const progressed = failed.length < pending.length;
    pending = failed;
    if (pending.length === 0) break;
    if (!progressed) {
      if (toDelete.length === 0) break;
      const before = toDelete.length;
      await deleteAll();
      if (toDelete.length === before) break;
    }
  }
  if (pending.length === 0) await deleteAll();
  return pending.length === 0 ? [] : dedupe(problems);
}

function dedupe(problems: PolicyProblem[]): PolicyProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.location?.file}:${p.location?.line}:${p.location?.col}:${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

async function pushData(client: SyncClient, state: PushedState, data: ReadonlyMap<string, unknown>): Promise<PolicyProblem[]> {
  const problems: PolicyProblem[] = [];
  for (const [key, value] of data) {
    const res = await call(client, 'PUT', `/v1/data/${packagePath(key)}`, JSON.stringify(value));
    if (res.status === 204 || res.status === 200) state.dataKeys.add(key);
    else problems.push(...opaProblems(res.body, (f) => f).map((p) => ({ ...p, message: `data.${key}: ${p.message}` })));
  }
  return problems;
}

async function deleteStaleData(client: SyncClient, state: PushedState, data: ReadonlyMap<string, unknown>): Promise<void> {
  for (const key of [...state.dataKeys]) {
    if (data.has(key)) continue;
    const res = await call(client, 'DELETE', `/v1/data/${packagePath(key)}`);
    if (res.status === 204 || res.status === 404) state.dataKeys.delete(key);
  }
}

/**
 * Makes one server hold `desired`: data first, then modules, then removes what the
 * previous set had and this one has not. When a module does not compile, everything
 * already changed on this server is put back (`previous`) and PolicyCompileError is thrown.
 * Connection failures and timeouts propagate (ConnectionFailed, EvaluationTimeout).
 */
export async function syncServer(
  client: SyncClient,
  state: PushedState,
  desired: DesiredState,
  previous: DesiredState | undefined,
): Promise<void> {
  state.modules = await listOwnedModules(client);
  const fileName = fileNameOf(desired, previous?.files);
  const dataProblems = await pushData(client, state, desired.data);
  const problems = dataProblems.length > 0 ? dataProblems : await pushModules(client, state, desired.modules, fileName);
  if (problems.length === 0) {
    await deleteStaleData(client, state, desired.data);
    return;
  }
  // Roll back to the previous set (best effort: it compiled before).
  await pushModules(client, state, previous?.modules ?? new Map(), fileName);
  if (previous) await pushData(client, state, previous.data);
  await deleteStaleData(client, state, previous?.data ?? new Map());
  const v0Parse = problems.some((p) => p.code === 'rego_parse_error' && p.location && desired.v0Modules.has(p.location.file));
  throw new PolicyCompileError(
    v0Parse
      ? [...problems, { message: 'hint: Rego v0 modules need an OPA server started with --v0-compatible (OPA 1.x parses v1 by default)' }]
      : problems,
  );
}
