/**
 * Runs the real `opa parse` over many modules (concurrently, 8 at a time) and caches
 * each verdict by content hash in the temp dir, so repeated test runs are fast.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OPA_VERSION, findOpa } from '@policy-engine/opa';
import type { CorpusModule } from './corpus.js';

/** A rule as OPA's parser reports it (per rule, in source order; else branches not listed). */
export interface OpaRule {
  /** `head.name` when OPA sets it, else the ref text. */
  readonly name: string;
  readonly kind: string;
  readonly default: boolean;
}

/** A rule head as cached: OPA's raw JSON bits needed to derive name and kind. */
interface CachedRule {
  readonly headName?: string;
  readonly ref: OpaTerm[];
  readonly hasKey: boolean;
  readonly hasValue: boolean;
  readonly args: number;
  readonly default: boolean;
}

interface CachedVerdict {
  readonly ok: boolean;
  readonly error?: string;
  readonly rules?: CachedRule[];
  readonly pkg?: string[];
}

/** OPA's verdict for one module. */
export interface OpaVerdict {
  readonly ok: boolean;
  readonly error?: string;
  readonly rules?: OpaRule[];
  readonly pkg?: string[];
}

interface OpaTerm {
  type: string;
  value: unknown;
}
interface OpaRuleJson {
  default?: boolean;
  head: { name?: string; ref?: OpaTerm[]; key?: unknown; value?: unknown; args?: unknown[] };
}

/** Kind names shared with the parser's `Rule.kind`. */
export function opaRuleKind(head: OpaRuleJson['head']): string {
  if (head.args && head.args.length > 0) return 'function';
  if (head.key !== undefined && head.value === undefined) return 'partial-set';
  if (head.key !== undefined) return 'partial-object';
  return 'complete';
}

function termText(t: OpaTerm, first: boolean): string {
  if (first && t.type === 'var') return String(t.value);
  if (t.type === 'ref') return `[${opaRefText(t.value as OpaTerm[])}]`;
  if (t.type === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(String(t.value))) return `.${String(t.value)}`;
  if (t.type === 'string') return `[${JSON.stringify(t.value)}]`;
  if (t.type === 'var') return `[${String(t.value)}]`;
  if (t.type === 'number' || t.type === 'boolean' || t.type === 'null') return `[${JSON.stringify(t.value)}]`;
  // Composite keys (calls, arrays, …) are named by their type, as the parser's refText does.
  return `[${t.type}]`;
}

/** Text of a head ref as the parser's `Rule.ref` would print it (`a.b[x].c`). */
export function opaRefText(ref: OpaTerm[]): string {
  return ref.map((t, i) => termText(t, i === 0)).join('');
}

function verdictFrom(code: number, stdout: string, stderr: string): CachedVerdict {
  // The parser accepted the module but OPA could not print it as JSON (e.g. the number `.0`).
  if (code !== 0 && (stdout + stderr).includes('error calling MarshalJSON')) return { ok: true, error: 'accepted; JSON output failed' };
  if (code !== 0) return { ok: false, error: (stderr || stdout).trim() };
  const doc = JSON.parse(stdout) as { package: { path: OpaTerm[] }; rules?: OpaRuleJson[] };
  return {
    ok: true,
    pkg: doc.package.path.slice(1).map((t) => String(t.value)),
    rules: (doc.rules ?? []).map((r) => ({
      ...(r.head.name !== undefined ? { headName: r.head.name } : {}),
      ref: r.head.ref ?? [],
      hasKey: r.head.key !== undefined,
      hasValue: r.head.value !== undefined,
      args: r.head.args?.length ?? 0,
      default: r.default === true,
    })),
  };
}

function toVerdict(c: CachedVerdict): OpaVerdict {
  return {
    ok: c.ok,
    ...(c.error !== undefined ? { error: c.error } : {}),
    ...(c.pkg ? { pkg: c.pkg } : {}),
    ...(c.rules
      ? {
          rules: c.rules.map((r) => ({
            name: r.headName ?? opaRefText(r.ref),
            kind: opaRuleKind({
              ...(r.hasKey ? { key: true } : {}),
              ...(r.hasValue ? { value: true } : {}),
              args: Array.from({ length: r.args }),
            }),
            default: r.default,
          })),
        }
      : {}),
  };
}

function run(bin: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Cache file path (per OPA version). */
export function oracleCachePath(): string {
  return join(tmpdir(), `rego-parser-opa-parse-cache-v4-${OPA_VERSION}.json`);
}

/** OPA's verdicts for `modules`, keyed by `hash`. */
export async function opaVerdicts(modules: readonly CorpusModule[], concurrency = 8): Promise<Map<string, OpaVerdict>> {
  const cachePath = oracleCachePath();
  let cache: Record<string, CachedVerdict> = {};
  if (existsSync(cachePath)) {
    try {
      cache = JSON.parse(readFileSync(cachePath, 'utf8')) as Record<string, CachedVerdict>;
    } catch {
      cache = {};
    }
  }
  const todo = modules.filter((m) => !(m.hash in cache));
  if (todo.length > 0) {
    const bin = findOpa();
    const dir = mkdtempSync(join(tmpdir(), 'rego-parser-oracle-'));
    mkdirSync(dir, { recursive: true });
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < todo.length) {
        const m = todo[next++];
        if (!m) break;
        const file = join(dir, `${m.hash.slice(0, 24)}.rego`);
        writeFileSync(file, m.source);
        const args = ['parse', '--format', 'json', ...(m.regoVersion === 'v0' ? ['--v0-compatible'] : []), file];
        const r = await run(bin, args);
        cache[m.hash] = verdictFrom(r.code, r.stdout, r.stderr.split(file).join('MODULE'));
      }
    };
    await Promise.all(Array.from({ length: concurrency }, () => worker()));
    rmSync(dir, { recursive: true, force: true });
    // Merge with what other test files wrote meanwhile (they share the cache file).
    let onDisk: Record<string, CachedVerdict> = {};
    try {
      if (existsSync(cachePath)) onDisk = JSON.parse(readFileSync(cachePath, 'utf8')) as Record<string, CachedVerdict>;
    } catch {
      onDisk = {};
    }
    const tmp = `${cachePath}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ ...onDisk, ...cache }));
    renameSync(tmp, cachePath);
  }
  const out = new Map<string, OpaVerdict>();
  for (const m of modules) {
    const v = cache[m.hash];
    if (v) out.set(m.hash, toVerdict(v));
  }
  return out;
}
