/**
 * The `opa` backend: the real OPA (`OPA_BIN`, v1.22.3), one `opa eval` per case. Modules are
 * written as `test-0.rego`, `test-1.rego`, … (the names OPA's own runner gives them) and
 * compiled together; `data` goes in `data.json`; `strict_error` is `--strict-builtin-errors`.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findOpa } from '@policy-engine/opa';
import type { BackendOptions, Binding, CaseOutcome, ConformanceBackend } from '../backend.js';
import type { ConformanceCase } from '../load.js';
import { Num, isJObject, parseJsonExact, toJSONText, type JValue } from '../value.js';
import { inputOf } from './input.js';

/** Options of {@link opaBackend}. */
export interface OpaBackendOptions extends BackendOptions {
  /** The `opa` binary (default: `findOpa()`, which honours `OPA_BIN`). */
  readonly opaBin?: string;
  /** Kill an `opa eval` after this many milliseconds (default 60 000). */
  readonly timeoutMs?: number;
}

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs one `opa` process (no standard input), killing it after `timeoutMs`. */
function runProcess(
  bin: string,
  args: readonly string[],
  cwd: string,
  timeoutMs: number,
  env: { readonly [k: string]: string } | undefined,
): Promise<Ran> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(bin, [...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: env ? { ...process.env, ...env } : process.env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({
        code: code ?? (signal ? -1 : 0),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

/** Reads `opa eval --format json` output into an outcome. */
export function opaEvalOutcome(stdout: string, stderr: string, exitCode: number): CaseOutcome {
  let doc: JValue;
  try {
    doc = parseJsonExact(stdout);
  } catch {
    return { error: { code: 'opa_eval_failed', message: `opa eval exited ${exitCode}: ${(stderr || stdout).trim().slice(0, 500)}` } };
  }
  if (!isJObject(doc)) return { error: { code: 'opa_eval_failed', message: `unexpected output: ${stdout.slice(0, 200)}` } };
  const errors = doc['errors'];
  if (Array.isArray(errors) && errors.length > 0) {
    const e = errors[0] as JValue;
    if (!isJObject(e)) return { error: { code: 'opa_eval_failed', message: toJSONText(e) } };
    const code = typeof e['code'] === 'string' ? e['code'] : 'unknown';
    const message = typeof e['message'] === 'string' ? e['message'] : '';
    const loc = e['location'];
    let where = '';
    if (loc !== undefined && isJObject(loc)) {
      const file = typeof loc['file'] === 'string' ? loc['file'] : '';
      const row = loc['row'] instanceof Num ? loc['row'].toString() : '0';
      const col = loc['col'] instanceof Num ? loc['col'].toString() : '0';
      where = file ? `${file}:${row}: ` : `${row}:${col}: `;
    }
    return { error: { code, message, text: `${where}${code}: ${message}` } };
  }
  const result = doc['result'];
  if (result === undefined) return { result: [] };
  if (!Array.isArray(result))
    return { error: { code: 'opa_eval_failed', message: `unexpected result: ${toJSONText(result).slice(0, 200)}` } };
  const rows: Binding[] = result.map((r: JValue) => {
    const b = isJObject(r) ? r['bindings'] : undefined;
    return b !== undefined && isJObject(b) ? b : {};
  });
  return { result: rows };
}

/** The real OPA as a conformance backend (`opa eval` per case, in a private temp directory). */
export function opaBackend(options: OpaBackendOptions): ConformanceBackend {
  const bin = options.opaBin ?? findOpa();
  const root = mkdtempSync(join(tmpdir(), 'conformance-opa-'));
  let seq = 0;
  return {
    name: 'opa',
    async run(c: ConformanceCase): Promise<CaseOutcome> {
      const input = inputOf(c);
      if ('error' in input) return input;
      const dir = join(root, String(seq++));
      mkdirSync(dir);
      try {
        const args = ['eval', '--format', 'json'];
        if (options.regoVersion === 'v0') args.push('--v0-compatible');
        if (c.strictError) args.push('--strict-builtin-errors');
        c.modules.forEach((m, i) => {
          writeFileSync(join(dir, `test-${i}.rego`), m);
          args.push('-d', `test-${i}.rego`);
        });
        if (c.data !== undefined) {
          writeFileSync(join(dir, 'data.json'), toJSONText(c.data));
          args.push('-d', 'data.json');
        }
        if (input.input !== undefined) {
          writeFileSync(join(dir, 'input.json'), toJSONText(input.input));
          args.push('--input', 'input.json');
        }
        args.push('--', input.query);
        const r = await runProcess(bin, args, dir, options.timeoutMs ?? 60_000, c.env);
        return opaEvalOutcome(r.stdout, r.stderr, r.code);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    close(): Promise<void> {
      rmSync(root, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}
