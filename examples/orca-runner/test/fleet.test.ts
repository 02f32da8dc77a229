/**
 * The runner with the gate's fleet settings: policies from a bundle built by the real
 * `opa build` out of examples/policies and served over plain HTTP, decisions shipped to a
 * collector in OPA's decision-log format.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { runOpa } from '@policy-engine/opa';
import { fleetSettingsFromEnv } from '@policy-engine/evaluator';
import { SAMPLE_PIPELINES_DIR, runPipelineExample } from '@policy-engine/orca-runner';

let dir: string;
let server: Server;
let origin: string;
const events: Record<string, unknown>[] = [];
let bundleRequests = 0;
/** Bundle requests made by OPA itself (its bundle plugin's user agent). */
let opaBundleRequests = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orca-fleet-'));
  const out = join(dir, 'bundle.tar.gz');
  // One policy of its own (examples/policies mixes v0 and v1 modules, which one `opa build` does not take).
  const src = join(dir, 'src');
  await mkdir(join(src, 'execution'), { recursive: true });
  await writeFile(
    join(src, 'execution', 'pipelines-before.rego'),
    'package spinnaker.execution.pipelines.before\n\ndeny contains sprintf("application %s is frozen (bundle)", [input.pipeline.application]) if input.pipeline.application == "payments"\n',
  );
  const built = await runOpa(['build', '-b', src, '-r', 'orca-rev-1', '-o', out]);
  expect(built.code, built.stderr).toBe(0);
  const bundle = await readFile(out);
  server = createServer((req, res) => {
    if (req.url === '/bundles/orca.tar.gz') {
      bundleRequests++;
      if (req.headers['user-agent']?.startsWith('Open-Policy-Agent/')) opaBundleRequests++;
      res.writeHead(200, { 'Content-Type': 'application/gzip', ETag: '"1"' }).end(bundle);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      events.push(...(JSON.parse(gunzipSync(Buffer.concat(chunks)).toString('utf8')) as Record<string, unknown>[]));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

describe('orca-runner with BUNDLE_URL and DECISION_LOG_URL', () => {
  it('decides the sample pipelines from the bundle and ships every decision to the collector', async () => {
    const fleet = fleetSettingsFromEnv(
      { BUNDLE_URL: `${origin}/bundles/orca.tar.gz`, BUNDLE_POLLING_SECONDS: '60', DECISION_LOG_URL: `${origin}/logs` },
      dir,
    );
    // BUNDLE_URL replaces the policy directory: whatever decides comes from the bundle.
    const sample = (name: string): unknown => JSON.parse(readFileSync(join(SAMPLE_PIPELINES_DIR, `${name}.json`), 'utf8'));
    const passes = await runPipelineExample(sample('passes'), { fleet, policyDir: dir, user: 'alice' });
    expect(passes.exitCode).toBe(0);
    const stopped = await runPipelineExample(sample('stopped-at-pipeline-start'), { fleet, policyDir: dir, user: 'alice' });
    expect(stopped.exitCode).toBe(1);
    expect(stopped.output).toContain('spinnaker.execution.pipelines.before DENIED');
    expect(stopped.output).toContain('application payments is frozen (bundle)');
    expect(bundleRequests).toBeGreaterThanOrEqual(2);

    const evaluated = [passes, stopped].flatMap((r) =>
      r.result.events.flatMap((e) => (e.kind === 'hook' ? e.result.checks.filter((c) => c.evaluated) : [])),
    );
    expect(events).toHaveLength(evaluated.length);
    for (const e of events) {
      for (const key of ['decision_id', 'path', 'input', 'result', 'timestamp', 'labels', 'bundles']) expect(e).toHaveProperty(key);
      expect(e['bundles']).toEqual({ orca: { revision: 'orca-rev-1' } });
      expect((e['labels'] as Record<string, string>)['app']).toBe('orca-runner');
    }
  }, 60_000);

  it('with engine opa the run’s OPA pulls the bundle itself and decides per it', async () => {
    const fleet = fleetSettingsFromEnv({ BUNDLE_URL: `${origin}/bundles/orca.tar.gz`, BUNDLE_POLLING_SECONDS: '1' }, dir);
    const sample = (name: string): unknown => JSON.parse(readFileSync(join(SAMPLE_PIPELINES_DIR, `${name}.json`), 'utf8'));
    const before = opaBundleRequests;
    const stopped = await runPipelineExample(sample('stopped-at-pipeline-start'), {
      engine: 'opa',
      fleet,
      policyDir: dir,
      user: 'alice',
      ...(process.env['OPA_BIN'] ? { opaPath: process.env['OPA_BIN'] } : {}),
    });
    expect(stopped.exitCode).toBe(1);
    expect(stopped.output).toContain('application payments is frozen (bundle)');
    expect(opaBundleRequests).toBeGreaterThan(before);
  }, 60_000);
});
