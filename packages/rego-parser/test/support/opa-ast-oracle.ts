/**
 * OPA's AST JSON for many modules, from the real OPA, cached by content hash in the temp dir:
 * - v1 modules in batches of {@link BATCH} per process, through `opa eval` of
 *   `rego.parse_module` (the same `ast.ParseModule` + JSON encoding `opa parse` uses; the
 *   answer is a Rego value, so it is compared canonically: keys sorted, numbers as written);
 * - v0 modules one process each, through `opa parse --format json --v0-compatible`
 *   (`rego.parse_module` always parses v1), compared as exact text (key order included).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OPA_VERSION, findOpa } from '@policy-engine/opa';
import type { CorpusModule } from './corpus.js';

/** Modules per `opa eval` process. */
const BATCH = 400;
/** The file name both sides give the module (it appears in comment locations). */
export const AST_FILE = 'test.rego';

/** OPA's answer for one module: `json` (compact text for v0, canonical text for v1), or rejected. */
export interface OpaAst {
  readonly ok: boolean;
  /** v0: `opa parse` output without insignificant whitespace; v1: {@link canonicalJson} of the value. */
  readonly json?: string;
  /** Why OPA gave no AST (its error text, shortened). */
  readonly error?: string;
}

/** JSON text without whitespace outside strings. */
export function compactJson(text: string): string {
  return text.replace(/("(?:[^"\\]|\\.)*")|\s+/g, (_m, q: string | undefined) => q ?? '');
}

const NUM = '\u0000n:';

/**
 * A canonical text of a JSON document: object keys sorted, numbers kept as written, and
 * every `annotations` key dropped (the parser's JSON leaves `# METADATA` out; terms never
 * have such a key — object terms are arrays of pairs).
 */
export function canonicalJson(text: string): string {
  const protectedText = compactJson(text).replace(/("(?:[^"\\]|\\.)*")|(-?[0-9.][0-9.eE+-]*)/g, (m, q: string | undefined) =>
    q !== undefined ? q : JSON.stringify(NUM + m),
  );
  const out = (v: unknown): string => {
    if (typeof v === 'string') return v.startsWith(NUM) ? v.slice(NUM.length) : JSON.stringify(v);
    if (v === null || typeof v !== 'object') return JSON.stringify(v);
    if (Array.isArray(v)) return `[${v.map(out).join(',')}]`;
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o)
      .filter((k) => k !== 'annotations')
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${out(o[k])}`).join(',')}}`;
  };
  return out(JSON.parse(protectedText));
}

function run(bin: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (d: Buffer) => out.push(d));
    p.stderr.on('data', (d: Buffer) => err.push(d));
    p.on('error', reject);
    p.on('close', (code) =>
      resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
    );
  });
}

/** Cache file path (per OPA version). */
function cachePath(): string {
  return join(tmpdir(), `rego-parser-opa-ast-cache-v1-${OPA_VERSION}.json`);
}

function readCache(): Record<string, OpaAst> {
  const path = cachePath();
  if (!existsSync(path)) return {};
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, OpaAst>;
  } catch {
    return {};
  }
}

async function v1Batch(bin: string, dir: string, mods: readonly CorpusModule[], into: Record<string, OpaAst>): Promise<void> {
  const input = join(dir, `batch-${mods[0]?.hash.slice(0, 16) ?? 'x'}.json`);
  writeFileSync(input, JSON.stringify({ m: Object.fromEntries(mods.map((m) => [m.hash, m.source])) }));
  const query = `x = {k: v | some k, s in input.m; v := rego.parse_module("${AST_FILE}", s)}`;
  const r = await run(bin, ['eval', '--format', 'json', '--input', input, query]);
  if (r.code !== 0) throw new Error(`opa eval failed: ${r.stderr.slice(0, 500)}`);
  // The value of `x`, each module's AST as compact text, cut out of OPA's answer.
  const doc = JSON.parse(
    r.stdout.replace(/("(?:[^"\\]|\\.)*")|(-?[0-9.][0-9.eE+-]*)/g, (m, q: string | undefined) =>
      q !== undefined ? q : JSON.stringify(NUM + m),
    ),
  ) as {
    result?: { bindings: { x: Record<string, unknown> } }[];
  };
  const x = doc.result?.[0]?.bindings.x ?? {};
  const restore = (v: unknown): string => {
    if (typeof v === 'string') return v.startsWith(NUM) ? v.slice(NUM.length) : JSON.stringify(v);
    if (v === null || typeof v !== 'object') return JSON.stringify(v);
    if (Array.isArray(v)) return `[${v.map(restore).join(',')}]`;
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .map((k) => `${JSON.stringify(k)}:${restore(o[k])}`)
      .join(',')}}`;
  };
  for (const m of mods) {
    const v = x[m.hash];
    into[m.hash] =
      v === undefined ? { ok: false, error: 'rego.parse_module: undefined (parse error)' } : { ok: true, json: canonicalJson(restore(v)) };
  }
}

async function v0One(bin: string, dir: string, m: CorpusModule, into: Record<string, OpaAst>): Promise<void> {
  const file = join(dir, `${m.hash.slice(0, 24)}.rego`);
  writeFileSync(file, m.source);
  const r = await run(bin, ['parse', '--format', 'json', '--v0-compatible', file]);
  if (r.code !== 0) into[m.hash] = { ok: false, error: (r.stderr || r.stdout).split(file).join(AST_FILE).trim().slice(0, 300) };
  else into[m.hash] = { ok: true, json: compactJson(r.stdout).split(JSON.stringify(file)).join(JSON.stringify(AST_FILE)) };
}

/** OPA's AST JSON for `modules`, keyed by hash (v1 batched, v0 one by one, `concurrency` at a time). */
export async function opaAsts(modules: readonly CorpusModule[], concurrency = 4): Promise<Map<string, OpaAst>> {
  const cache = readCache();
  const todo = modules.filter((m) => !(m.hash in cache));
  if (todo.length > 0) {
    const bin = findOpa();
    const dir = mkdtempSync(join(tmpdir(), 'rego-parser-ast-oracle-'));
    const fresh: Record<string, OpaAst> = {};
    const jobs: (() => Promise<void>)[] = [];
    const v1 = todo.filter((m) => m.regoVersion === 'v1');
    for (let i = 0; i < v1.length; i += BATCH) jobs.push(() => v1Batch(bin, dir, v1.slice(i, i + BATCH), fresh));
    for (const m of todo.filter((x) => x.regoVersion === 'v0')) jobs.push(() => v0One(bin, dir, m, fresh));
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < jobs.length) await jobs[next++]?.();
    };
    try {
      await Promise.all(Array.from({ length: concurrency }, () => worker()));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    Object.assign(cache, fresh);
    // Merge with what another test run wrote meanwhile.
    const merged = { ...readCache(), ...fresh };
    const tmp = `${cachePath()}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(merged));
    renameSync(tmp, cachePath());
  }
  const out = new Map<string, OpaAst>();
  for (const m of modules) {
    const v = cache[m.hash];
    if (v) out.set(m.hash, v);
  }
  return out;
}
