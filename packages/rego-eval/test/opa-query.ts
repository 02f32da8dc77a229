/**
 * Test helper: one query on the real OPA (`opa eval --format json`) and on rego-eval, each
 * reduced to a comparable outcome — the bindings of the query's variables as JSON text (sets
 * as arrays in OPA's order, objects with sorted keys), `undefined`, or `error <code>: <message>`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findOpa } from '@policy-engine/opa';
import { RObject, parseJSONText, toJSONText, type Value } from '@policy-engine/rego-value';
import { compile, RegoCompileError, RegoEvalError } from '../src/index.js';

/** A query over modules, as OPA's conformance cases give one. */
export interface QueryCase {
  readonly modules: readonly string[];
  readonly query: string;
  /** JSON input. */
  readonly input?: unknown;
  readonly strict?: boolean;
  /** Modules and query in Rego v0 (`opa eval --v0-compatible`). */
  readonly v0?: boolean;
}

function canonical(v: Value): string {
  return toJSONText(parseJSONText(toJSONText(v)));
}

/** A string field of OPA's JSON output as it is; another value as JSON text. */
function text(v: Value | undefined): string {
  return typeof v === 'string' ? v : toJSONText(v ?? null);
}

function bindingsText(rows: readonly Record<string, Value>[]): string {
  if (rows.length === 0) return 'undefined';
  return rows
    .map((r) => canonical(new RObject(Object.entries(r))))
    .sort()
    .join(' | ');
}

/** rego-eval's outcome. */
export function nativeOutcome(c: QueryCase): string {
  try {
    const p = compile(
      c.modules.map((source, i) => ({ id: `test-${i}.rego`, source })),
      c.v0 ? { regoVersion: 'v0' } : {},
    );
    const input = c.input !== undefined ? { input: parseJSONText(JSON.stringify(c.input)) } : {};
    return bindingsText(p.query(c.query, { ...input, strictBuiltinErrors: c.strict === true }));
  } catch (e) {
    if (e instanceof RegoEvalError) return `error ${e.code}: ${e.detail}`;
    if (e instanceof RegoCompileError) return `error ${e.errors[0]?.code}: ${e.errors[0]?.message}`;
    throw e;
  }
}

/** The real OPA's outcome. */
export function opaOutcome(c: QueryCase): string {
  const dir = mkdtempSync(join(tmpdir(), 'rego-eval-q-'));
  try {
    const args = ['eval', '--format', 'json'];
    c.modules.forEach((m, i) => {
      const f = join(dir, `test-${i}.rego`);
      writeFileSync(f, m);
      args.push('-d', f);
    });
    if (c.input !== undefined) {
      writeFileSync(join(dir, 'input.json'), JSON.stringify(c.input));
      args.push('-i', join(dir, 'input.json'));
    }
    if (c.strict) args.push('--strict-builtin-errors');
    if (c.v0) args.push('--v0-compatible');
    args.push(c.query);
    let out: string;
    try {
      out = execFileSync(findOpa(), args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      const stdout = (e as { stdout?: unknown }).stdout;
      out = typeof stdout === 'string' ? stdout : '';
    }
    const doc = parseJSONText(out) as RObject;
    const errors = doc.get('errors') as readonly Value[] | undefined;
    if (errors && errors.length > 0) {
      const first = errors[0] as RObject;
      // Files are named as rego-eval's (`test-0.rego`), without OPA's temporary directory.
      return `error ${text(first.get('code'))}: ${text(first.get('message')).replaceAll(`${dir}/`, '')}`;
    }
    const result = (doc.get('result') as readonly Value[] | undefined) ?? [];
    const rows = result.map((r) => {
      const row: Record<string, Value> = {};
      for (const [name, value] of ((r as RObject).get('bindings') as RObject | undefined)?.entries() ?? []) row[text(name)] = value;
      return row;
    });
    return bindingsText(rows);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
