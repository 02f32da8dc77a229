/**
 * decisionLogService: OPA's event shape, gzip JSON-array uploads, batching by size and time,
 * retries with backoff, bounded buffer with counted drops, OPA's mask semantics.
 */
import { describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { nativeEngine } from '@policy-engine/engine-native';
import { createPolicyEngine, decisionLogService, maskEvent, type DecisionLogEvent } from '@policy-engine/evaluator';
import { inlinePackages, recordingLogger } from '@policy-engine/evaluator/testing';

async function collector(status: () => number = () => 200) {
  const batches: { headers: Record<string, string | string[] | undefined>; events: DecisionLogEvent[] }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const code = status();
      if (code === 200)
        batches.push({ headers: req.headers, events: JSON.parse(gunzipSync(Buffer.concat(chunks)).toString()) as DecisionLogEvent[] });
      res.writeHead(code).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/logs`;
  return { url, batches, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const until = async (what: () => boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('decisionLogService', () => {
  it('uploads OPA events (gzip JSON array) from the facade, masked, on the interval', async () => {
    const c = await collector();
    const logs = decisionLogService({
      url: c.url,
      minDelaySeconds: 0.1,
      maxDelaySeconds: 0.2,
      labels: { app: 'gate' },
      token: 't',
      mask: ['/input/password', '/input/missing', { op: 'upsert', path: '/input/user/token', value: '**' }],
    });
    const policies = await createPolicyEngine({
      engine: nativeEngine(),
      policies: {
        kind: 'inline',
        modules: [{ id: 'p.rego', source: 'package app.authz\n\ndeny contains "no" if input.user.name == "bad"\n' }],
      },
      options: { onDecision: logs.onDecision },
    });
    try {
      const input = { password: 'pw', user: { name: 'bad', token: 'abc' } };
      await policies.evaluate('app.authz', input);
      expect(input.password).toBe('pw'); // the caller's input is not masked
      await until(() => c.batches.length > 0 && logs.stats().buffered === 0);
      const [batch] = c.batches;
      expect(batch?.headers).toMatchObject({ 'content-encoding': 'gzip', 'content-type': 'application/json', authorization: 'Bearer t' });
      const event = batch?.events[0];
      expect(event).toMatchObject({
        path: 'app/authz',
        input: { user: { name: 'bad', token: '**' } },
        result: { deny: ['no'] },
        erased: ['/input/password'],
        masked: ['/input/user/token'],
        labels: { app: 'gate', version: '0.1.0' },
      });
      expect(typeof event?.decision_id).toBe('string');
      expect(Number.isNaN(Date.parse(event?.timestamp ?? ''))).toBe(false);
      expect(typeof event?.metrics.timer_rego_query_eval_ns).toBe('number');
      expect(logs.stats()).toMatchObject({ buffered: 0, uploadedEvents: 1, dropped: 0 });
    } finally {
      await policies.close();
      await logs.close();
      await c.close();
    }
  });

  it('uploads at once when a batch is full; retries failures with backoff; drops the oldest beyond the buffer', async () => {
    let fail = 2;
    const c = await collector(() => (fail-- > 0 ? 503 : 200));
    const logger = recordingLogger();
    const logs = decisionLogService({
      url: c.url,
      minDelaySeconds: 60,
      maxDelaySeconds: 60,
      uploadSizeLimitBytes: 200,
      bufferSizeLimitEvents: 3,
      logger,
    });
    const policies = await createPolicyEngine({
      engine: nativeEngine(),
      policies: inlinePackages('x.y'),
      options: { onDecision: logs.onDecision },
    });
    try {
      for (let i = 0; i < 5; i++) await policies.evaluate('x.y', { i, pad: 'p'.repeat(80) });
      // The size limit triggered an upload long before the 60 s interval; the first two answers were 503.
      await until(() => c.batches.length > 0 && logs.stats().buffered === 0, 10_000);
      const sent = c.batches.flatMap((b) => b.events.map((e) => (e.input as { i: number }).i));
      expect(logs.stats().dropped).toBe(2);
      expect(sent).toEqual([2, 3, 4]);
      expect(logs.stats().failedUploads).toBe(2);
      expect(logger.warnings.some((w) => w.includes('dropped'))).toBe(true);
      expect(logger.errors.some((e) => e.includes('HTTP 503'))).toBe(true);
    } finally {
      await policies.close();
      await logs.close();
      await c.close();
    }
  }, 20_000);

  it('masks as OPA: array elements spliced out, whole input erased, missing paths skipped, bad rules refused', () => {
    const event: DecisionLogEvent = {
      labels: {},
      decision_id: 'd',
      path: 'p',
      input: { list: [1, 2, 3] },
      result: { ok: true },
      timestamp: 't',
      metrics: { timer_rego_query_eval_ns: 1 },
    };
    expect(maskEvent(event, ['/input/list/1'])).toMatchObject({ input: { list: [1, 3] }, erased: ['/input/list/1'] });
    const whole = maskEvent(event, ['/input', '/input/x']);
    expect(whole.input).toBeUndefined();
    expect(whole.erased).toEqual(['/input']);
    expect(maskEvent(event, ['/result/none']).erased).toBeUndefined();
    expect(() => decisionLogService({ url: 'http://x/logs', mask: ['input/a'] })).toThrow('mask must be slash-prefixed');
    expect(() => decisionLogService({ url: 'http://x/logs', mask: ['/data/a'] })).toThrow('mask prefix not allowed: data');
  });
});
