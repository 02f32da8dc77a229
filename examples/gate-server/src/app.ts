import express, { type Request, type Response } from 'express';
import type { Front50Validator } from '@policy-engine/front50-adapter';
import { expressGateMiddleware, getGateContext, type GateAuthorizer } from '@policy-engine/gate-adapter';
import type { BundleStatus } from '@policy-engine/evaluator';
import { newTaskId, type GateStore, type TaskRecord } from './store.js';

/** What the Express app is built from. */
export interface GateAppOptions {
  readonly authorizer: GateAuthorizer;
  /** Save-time validation of `POST /pipelines` (front50-adapter). */
  readonly validator: Front50Validator;
  readonly store: GateStore;
  /**
   * What `GET /health` reports (the policy engine's `health()`): `UP` answers 200, `DOWN` 503,
   * so an orchestrator sees an engine that cannot decide. Without it the app is always `UP`.
   */
  readonly health?: () => Promise<{ readonly status: 'UP' | 'DOWN'; readonly detail?: string; readonly bundles?: readonly BundleStatus[] }>;
  /** Served on `GET /metrics` (Prometheus text), outside the policy (a scrape is not a Gate request). */
  readonly metrics?: { text(): Promise<string>; readonly contentType: string };
  /**
   * Benchmark baseline only (tools/bench measures what the middleware costs): leaves the
   * authorization middleware out, so every route is open to anyone. Never set for a served gate;
   * `main.ts` and the environment settings have no way to set it.
   */
  readonly withoutAuthorization?: boolean;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function badRequest(res: Response, message: string, extra: Record<string, unknown> = {}): void {
  res.status(400).json({ error: 'BadRequest', message, ...extra });
}

function currentUser(req: Request): string {
  return getGateContext(req)?.user?.username ?? 'anonymous';
}

/**
 * The Gate-like API: every route sits behind the gate-adapter middleware, so a handler
 * only runs for requests `spinnaker.http.authz` allowed (or exempt paths).
 */
export function createGateApp(options: GateAppOptions): express.Express {
  const { authorizer, validator, store, health, metrics, withoutAuthorization = false } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('strict routing', false);
  // Gate (Spring) matches paths case-sensitively, and the policy sees the path as sent: with
  // Express's default case-insensitive routing `POST /TASKS` would reach the /tasks handler
  // while the policy saw ["TASKS"].
  app.set('case sensitive routing', true);
  if (metrics) {
    app.get('/metrics', async (_req, res) => {
      res.type(metrics.contentType).send(await metrics.text());
    });
  }
  if (!withoutAuthorization) app.use(expressGateMiddleware(authorizer));
  app.use(express.json({ limit: authorizer.config.bodyLimitBytes }));

  app.get('/health', async (_req, res) => {
    const h = health
      ? await health().catch((e: unknown) => ({ status: 'DOWN' as const, detail: e instanceof Error ? e.message : String(e) }))
      : undefined;
    const status = h?.status ?? 'UP';
    // Readiness with its reason and the bundles' state (revision, last error), as OPA's /health?bundles tells.
    res.status(status === 'UP' ? 200 : 503).json({
      status,
      ...(h?.detail !== undefined ? { detail: h.detail } : {}),
      ...(h && 'bundles' in h && h.bundles !== undefined ? { bundles: h.bundles } : {}),
    });
  });

  // Exempt like in Gate: tells the UI who is logged in (the identity is still checked).
  app.get('/auth/user', async (req, res) => {
    const user = await authorizer.identify(req);
    if (!user) {
      res.status(401).json({ error: 'Unauthorized', message: 'not logged in' });
      return;
    }
    res.json({ username: user.username, roles: user.roles.map((r) => r.name), admin: user.isAdmin });
  });

  app.get('/applications', (_req, res) => {
    res.json([...store.applications.values()].sort((a, b) => a.name.localeCompare(b.name)));
  });

  app.get('/applications/:app', (req, res) => {
    const found = store.applications.get(req.params.app);
    if (!found) {
      res.status(404).json({ error: 'NotFound', message: `application ${req.params.app} not found` });
      return;
    }
    res.json(found);
  });

  app.post('/tasks', (req, res) => {
    const body: unknown = req.body;
    if (!isRecord(body) || !Array.isArray(body['job']) || body['job'].length === 0) {
      badRequest(res, 'a task needs a non-empty "job" array');
      return;
    }
    const jobs: unknown[] = body['job'];
    const types: string[] = [];
    for (const [i, job] of jobs.entries()) {
      if (!isRecord(job) || typeof job['type'] !== 'string' || job['type'] === '') {
        badRequest(res, `job[${i}] needs a string "type"`);
        return;
      }
      types.push(job['type']);
    }
    const user = currentUser(req);
    const task: TaskRecord = {
      id: newTaskId(),
      application: typeof body['application'] === 'string' ? body['application'] : null,
      description: typeof body['description'] === 'string' ? body['description'] : null,
      jobTypes: types,
      user,
      submittedAt: new Date().toISOString(),
      body,
    };
    store.tasks.push(task);
    // createApplication is the one job whose effect the example keeps: reads then show the app.
    for (const job of jobs) {
      if (
        isRecord(job) &&
        job['type'] === 'createApplication' &&
        isRecord(job['application']) &&
        typeof job['application']['name'] === 'string'
      ) {
        const a = job['application'];
        const name = a['name'] as string;
        store.applications.set(name, {
          name,
          createdBy: user,
          ...(typeof a['email'] === 'string' ? { email: a['email'] } : {}),
          ...(typeof a['cloudProviders'] === 'string' ? { cloudProviders: a['cloudProviders'] } : {}),
        });
      }
    }
    res.json({ ref: `/tasks/${task.id}`, id: task.id, status: 'RECORDED', jobs: types });
  });

  app.get('/tasks/:id', (req, res) => {
    const task = store.tasks.find((t) => t.id === req.params.id);
    if (!task) {
      res.status(404).json({ error: 'NotFound', message: `task ${req.params.id} not found` });
      return;
    }
    res.json(task);
  });

  app.post('/pipelines', async (req, res, next) => {
    try {
      const pipeline: unknown = req.body;
      if (!isRecord(pipeline) || typeof pipeline['application'] !== 'string' || typeof pipeline['name'] !== 'string') {
        badRequest(res, 'a pipeline needs string "application" and "name" fields');
        return;
      }
      const user = getGateContext(req)?.user;
      const result = await validator.validatePipelineSave(
        pipeline,
        user ? { username: user.username, isAdmin: user.isAdmin, roles: user.roles } : undefined,
      );
      if (!result.valid) {
        badRequest(res, result.errors.join('; '), { errors: result.errors });
        return;
      }
      const app = pipeline['application'];
      const saved = {
        ...pipeline,
        id: typeof pipeline['id'] === 'string' ? pipeline['id'] : newTaskId(),
        lastModifiedBy: currentUser(req),
        updateTs: String(Date.now()),
      };
      const forApp = store.pipelines.get(app) ?? new Map<string, Record<string, unknown>>();
      forApp.set(pipeline['name'], saved);
      store.pipelines.set(app, forApp);
      res.json(saved);
    } catch (e) {
      next(e);
    }
  });

  app.get('/pipelines/:app', (req, res) => {
    res.json([...(store.pipelines.get(req.params.app)?.values() ?? [])]);
  });

  app.use((req, res) => {
    res.status(404).json({ error: 'NotFound', message: `no route for ${req.method} ${req.path}` });
  });
  app.use((err: unknown, _req: Request, res: Response, _next: (e?: unknown) => void) => {
    const status = isRecord(err) && typeof err['status'] === 'number' ? err['status'] : 500;
    res
      .status(status)
      .json({ error: status === 500 ? 'InternalServerError' : 'BadRequest', message: err instanceof Error ? err.message : String(err) });
  });
  return app;
}
