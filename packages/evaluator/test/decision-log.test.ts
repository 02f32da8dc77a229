import { describe, expect, it, vi } from 'vitest';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigurationError, EngineUnavailable, canonicalJson, createPolicyEngine, decisionLogSink } from '@policy-engine/evaluator';
import { defined, inlinePackages, recordingLogger, scriptedEngine } from '@policy-engine/evaluator/testing';
import { removeDir, tempDir } from './support/temp.js';

describe('decisionLogSink', () => {
  it('writes one JSON line per decision to a real file, with the input hash by default', async () => {
    const dir = await tempDir('evaluator-log-');
    const file = join(dir, 'decisions.log');
    const sink = decisionLogSink(file);
    const engine = scriptedEngine((pkg) => {
      if (pkg === 'spinnaker.http.authz') return defined({ allow: false, message: 'admins only' });
      if (pkg === 'opa.pipelines') return defined({ deny: ['no'] });
      throw new EngineUnavailable('down');
    });
    const pe = await createPolicyEngine({
      engine,
      policies: inlinePackages('opa.pipelines', 'spinnaker.http.authz', 'spinnaker.execution.pipelines.before'),
      options: { onDecision: sink, logger: recordingLogger() },
    });
    const inputs = [{ b: 1, a: [true, null] }, { user: 'u' }, {}, { n: 4 }];
    const decisions = [
      await pe.evaluate('opa.pipelines', inputs[0]),
      await pe.evaluate('spinnaker.http.authz', inputs[1]),
      await pe.evaluate('spinnaker.execution.pipelines.before', inputs[2]),
      await pe.evaluate('no.policy.here', inputs[3]),
    ];
    await pe.close();
    await sink.close();
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    records.forEach((record, i) => {
      const d = decisions[i]!;
      expect(Object.keys(record).sort()).toEqual(['durationMs', 'engine', 'id', 'inputHash', 'package', 'result', 'time']);
      expect(record['package']).toBe(d.package);
      expect(record['engine']).toBe('scripted');
      expect(record['durationMs']).toBe(d.durationMs);
      expect(record['id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(Number.isNaN(Date.parse(String(record['time'])))).toBe(false);
      expect(record['inputHash']).toBe(createHash('sha256').update(canonicalJson(inputs[i])).digest('hex'));
      expect(record['result']).toEqual({
        allowed: d.allowed,
        denies: d.denies,
        message: d.message,
        policyFound: d.policyFound,
        ...(d.error ? { error: d.error } : {}),
      });
    });
    expect(records[0]?.['result']).toMatchObject({ allowed: false, denies: ['no'] });
    expect(records[1]?.['result']).toMatchObject({ allowed: false, message: 'admins only' });
    expect(records[2]?.['result']).toMatchObject({ allowed: false, error: { code: 'ENGINE_UNAVAILABLE', message: 'down' } });
    expect(records[3]?.['result']).toMatchObject({ allowed: true, policyFound: false });
    expect(new Set(records.map((r) => r['id'])).size).toBe(4);
    await removeDir(dir);
  });

  it('includes the whole input with includeInput, appends to an existing file, and hashes key order away', async () => {
    const dir = await tempDir('evaluator-log-');
    const file = join(dir, 'decisions.log');
    const engine = scriptedEngine(() => defined({ deny: [] }));
    for (const includeInput of [true, false]) {
      const sink = decisionLogSink(file, { includeInput });
      const pe = await createPolicyEngine({
        engine,
        policies: inlinePackages('opa.pipelines'),
        options: { onDecision: sink, logger: recordingLogger() },
      });
      await pe.evaluate('opa.pipelines', { x: 1, y: 2 });
      await pe.evaluate('opa.pipelines', { y: 2, x: 1 });
      await sink.close();
    }
    const records = (await readFile(file, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records).toHaveLength(4);
    expect(records[0]?.['input']).toEqual({ x: 1, y: 2 });
    expect(records[0]?.['inputHash']).toBeUndefined();
    expect(records[2]?.['input']).toBeUndefined();
    expect(records[2]?.['inputHash']).toBe(records[3]?.['inputHash']);
    await removeDir(dir);
  });

  it('writes to a stream it was given and does not close it', async () => {
    const chunks: string[] = [];
    let ended = false;
    const sink = decisionLogSink({ write: (c: string) => chunks.push(c), end: () => (ended = true) });
    const engine = scriptedEngine(() => defined({ deny: [] }));
    const pe = await createPolicyEngine({
      engine,
      policies: inlinePackages('opa.pipelines'),
      options: { onDecision: sink, logger: recordingLogger() },
    });
    await pe.evaluate('opa.pipelines', {});
    await sink.close();
    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.endsWith('\n')).toBe(true);
    expect(ended).toBe(false);
  });

  it('a log path that cannot be opened is a ConfigurationError at creation, not a crash later', async () => {
    const dir = await tempDir('evaluator-log-');
    const file = join(dir, 'missing-subdir', 'decisions.log');
    let caught: unknown;
    try {
      decisionLogSink(file);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigurationError);
    expect((caught as ConfigurationError).code).toBe('CONFIGURATION_ERROR');
    expect((caught as Error).message).toContain(`cannot open the decision log ${file}`);
    await removeDir(dir);
  });

  it('a write error after opening goes to onError; decisions go on', async () => {
    const errors: Error[] = [];
    // /dev/full opens fine and fails every write with ENOSPC.
    const sink = decisionLogSink('/dev/full', { onError: (e) => errors.push(e) });
    const engine = scriptedEngine(() => defined({ deny: [] }));
    const pe = await createPolicyEngine({
      engine,
      policies: inlinePackages('opa.pipelines'),
      options: { onDecision: sink, logger: recordingLogger() },
    });
    const decision = await pe.evaluate('opa.pipelines', {});
    await sink.close();
    await pe.close();
    expect(decision.allowed).toBe(true);
    await vi.waitFor(() => expect(errors).toHaveLength(1));
    expect(errors[0]?.message).toContain('writing the decision log /dev/full failed: ENOSPC');
  });
});
