// The load process: `node --import tsx load-client.ts` with a LoadPlan as JSON on stdin. It
// sends the plan's requests over keep-alive connections at the target rate, bounded in count
// and time, and writes one LoadReport as JSON on stdout. It runs in its own process so that the
// gate under test shares no event loop with its clients.
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { LoadPlan, LoadRecord, LoadReport } from './load-types.js';

const now = (): number => performance.timeOrigin + performance.now();

function messageOf(text: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object' && 'message' in parsed && typeof parsed.message === 'string') return parsed.message;
  } catch {
    // not JSON: keep the start of the text
  }
  return text.slice(0, 300);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function run(plan: LoadPlan): Promise<LoadReport> {
  const agent = new Agent({ keepAlive: true, maxSockets: plan.connections });
  const url = new URL(plan.url);
  const records: LoadRecord[] = [];
  const startedAt = now();
  const deadline = startedAt + plan.durationMs;
  const interval = 1000 / plan.ratePerSecond;
  let next = 0;

  const one = (index: number, connection: number): Promise<LoadRecord> => {
    const kindIndex = index % plan.kinds.length;
    const kind = plan.kinds[kindIndex]!;
    const start = now();
    return new Promise((resolve) => {
      const headers: Record<string, string> = { ...kind.headers };
      if (kind.body !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = String(Buffer.byteLength(kind.body));
      }
      let settled = false;
      const done = (status: number, message?: string, error?: string): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({
          kind: kindIndex,
          connection,
          start,
          latencyMs: now() - start,
          status,
          ...(message !== undefined ? { message } : {}),
          ...(error !== undefined ? { error } : {}),
        });
      };
      const req = request({ host: url.hostname, port: url.port, method: kind.method, path: kind.path, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          done(status, status >= 300 ? messageOf(Buffer.concat(chunks).toString('utf8')) : undefined);
        });
        res.on('error', (e) => done(0, undefined, e.message));
      });
      const timer = setTimeout(() => {
        done(0, undefined, 'timeout');
        req.destroy();
      }, plan.clientTimeoutMs);
      req.on('error', (e) => done(0, undefined, e.message));
      req.end(kind.body);
    });
  };

  const connection = async (c: number): Promise<void> => {
    for (;;) {
      const index = next++;
      if (index >= plan.maxRequests) return;
      const due = startedAt + index * interval;
      // Bounded in time too: a gate that falls behind the rate does not stretch the run.
      if (due >= deadline || now() >= deadline) return;
      const wait = due - now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      records.push(await one(index, c));
    }
  };
  await Promise.all(Array.from({ length: plan.connections }, (_, c) => connection(c)));
  agent.destroy();
  return { plan, startedAt, endedAt: now(), records };
}

const plan = JSON.parse(await readStdin()) as LoadPlan;
const report = await run(plan);
process.stdout.write(JSON.stringify(report));
