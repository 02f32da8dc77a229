/**
 * Test helper: runs built-in calls on the real OPA (`opa eval`, one process for all the
 * successful calls, one strict-mode process per failing call to read its error) and on our
 * implementation, and lists every disagreement. Arguments reach OPA through
 * `object.get({"a": <arg>}, "a", null)` so the type checker cannot reject them before
 * evaluation (OPA's runtime errors are what we match).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { findOpa } from '@policy-engine/opa';
import { RObject, RSet, equals, numberText, parseJSONText, toJSONText, typeName, type Value } from '@policy-engine/rego-value';
import { BuiltinError, defaultBuiltins, type BuiltinContext } from '../../src/builtins/index.js';

/** One call of a built-in with ground arguments. */
export interface Call {
  readonly name: string;
  readonly args: readonly Value[];
}

/** What a call gave: a value, undefined, or an error (`code`, `message`). */
export type Outcome =
  | { readonly kind: 'value'; readonly value: Value }
  | { readonly kind: 'undefined' }
  | { readonly kind: 'error'; readonly code: string; readonly message: string };

/** Rego literal text of a value (strings as JSON, sets as `{…}` / `set()`). */
export function regoLiteral(v: Value): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string')
    return JSON.stringify(v).replace(/[^\x20-\x7e]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
  if (Array.isArray(v)) return '[' + (v as readonly Value[]).map(regoLiteral).join(', ') + ']';
  if (v instanceof RSet) return v.size === 0 ? 'set()' : '{' + v.sorted().map(regoLiteral).join(', ') + '}';
  if (v instanceof RObject)
    return (
      '{' +
      v
        .sortedEntries()
        .map(([k, x]) => `${regoLiteral(k)}: ${regoLiteral(x)}`)
        .join(', ') +
      '}'
    );
  return numberText(v as Parameters<typeof numberText>[0]);
}

/** A fresh built-in context (strict, empty cache). */
export function testContext(name: string): BuiltinContext {
  return { name, now: 0n, strict: true, cache: new Map(), print: () => undefined };
}

/** Our outcome for a call. */
export function ours(call: Call): Outcome {
  const def = defaultBuiltins.get(call.name);
  if (!def) throw new Error(`no built-in ${call.name}`);
  try {
    const v = def.fn([...call.args], testContext(call.name));
    return v === undefined ? { kind: 'undefined' } : { kind: 'value', value: v };
  } catch (e) {
    if (e instanceof BuiltinError) return { kind: 'error', code: e.code, message: e.message };
    throw e;
  }
}

/** Runs `opa <args>` (stdin closed, so a quick exit never races a write) and returns its stdout. */
function runOpa(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(findOpa(), [...args], { maxBuffer: 256 * 1024 * 1024, timeout: 120_000 }, (err, stdout, stderr) => {
      const code = err && typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : err ? -1 : 0;
      resolve({ code, stdout, stderr });
    });
    child.stdin?.end();
  });
}

/** How OPA runs the calls. */
export interface OracleOptions {
  /** Rego v0 (for built-ins that Rego v1 removed, such as `any` and `all`). */
  readonly v0?: boolean;
}

function ruleText(i: number, call: Call, v0: boolean): string {
  const args = call.args.map((a) => `object.get({"a": ${regoLiteral(a)}}, "a", null)`).join(', ');
  return `r${i} ${v0 ? '=' : ':='} {"v": x, "t": type_name(x)} ${v0 ? '' : 'if '}{ x := ${call.name}(${args}) }\n`;
}

function obj(v: Value | undefined): RObject | undefined {
  return v instanceof RObject ? v : undefined;
}

async function pool<T>(items: readonly T[], limit: number, f: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await f(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** OPA's outcome for each call. */
export async function opaOutcomes(calls: readonly Call[], options: OracleOptions = {}): Promise<Outcome[]> {
  const dir = mkdtempSync(join(tmpdir(), 'rego-eval-oracle-'));
  try {
    const file = join(dir, 'calls.rego');
    writeFileSync(file, 'package t\n\n' + calls.map((c, i) => ruleText(i, c, options.v0 === true)).join(''));
    const v0 = options.v0 ? ['--v0-compatible'] : [];
    const all = await runOpa(['eval', ...v0, '--format', 'json', '-d', file, 'data.t']);
    if (all.code !== 0) throw new Error(`opa eval failed: ${all.stdout}${all.stderr}`);
    const root = obj(parseJSONText(all.stdout));
    const result = root?.get('result') as readonly Value[] | undefined;
    const exprs = obj(result?.[0])?.get('expressions') as readonly Value[] | undefined;
    const doc = obj(obj(exprs?.[0])?.get('value')) ?? new RObject();
    const out: Outcome[] = new Array<Outcome>(calls.length);
    const missing: number[] = [];
    calls.forEach((_, i) => {
      const r = obj(doc.get(`r${i}`));
      if (r) out[i] = { kind: 'value', value: r };
      else missing.push(i);
    });
    await pool(missing, 4, async (i) => {
      const single = join(dir, `call${i}.rego`);
      writeFileSync(single, 'package t\n\n' + ruleText(i, calls[i] as Call, options.v0 === true));
      const one = await runOpa(['eval', ...v0, '--strict-builtin-errors', '--format', 'json', '-d', single, `data.t.r${i}`]);
      const parsed = obj(parseJSONText(one.stdout));
      const errors = parsed?.get('errors') as readonly Value[] | undefined;
      const first = obj(errors?.[0]);
      if (first) out[i] = { kind: 'error', code: text(first.get('code')), message: text(first.get('message')) };
      else out[i] = { kind: 'undefined' };
    });
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A string field of OPA's JSON output as it is; another value as JSON text. */
function text(v: Value | undefined): string {
  return typeof v === 'string' ? v : toJSONText(v ?? null);
}

/** Whether our outcome is OPA's (values by JSON text and top-level type; errors by code and message). */
function same(mine: Outcome, opa: Outcome): boolean {
  if (mine.kind !== opa.kind) return false;
  if (mine.kind === 'undefined') return true;
  if (mine.kind === 'error' && opa.kind === 'error') return mine.code === opa.code && mine.message === opa.message;
  if (mine.kind === 'value' && opa.kind === 'value') {
    const o = opa.value as RObject;
    return typeName(mine.value) === o.get('t') && equals(parseJSONText(toJSONText(mine.value)), o.get('v') as Value);
  }
  return false;
}

function show(o: Outcome): string {
  if (o.kind === 'undefined') return 'undefined';
  if (o.kind === 'error') return `${o.code}: ${o.message}`;
  if (o.value instanceof RObject && o.value.has('t') && o.value.has('v'))
    return `${text(o.value.get('t'))} ${toJSONText(o.value.get('v') as Value)}`;
  return `${typeName(o.value)} ${toJSONText(o.value)}`;
}

/** Every call where we and OPA disagree, as readable lines (empty when all agree). */
export async function disagreements(calls: readonly Call[], options: OracleOptions = {}): Promise<string[]> {
  const theirs = await opaOutcomes(calls, options);
  const lines: string[] = [];
  calls.forEach((c, i) => {
    const mine = ours(c);
    const opa = theirs[i] as Outcome;
    if (!same(mine, opa)) lines.push(`${c.name}(${c.args.map(regoLiteral).join(', ')}): ours ${show(mine)} | opa ${show(opa)}`);
  });
  if (lines.length > 0) console.error(`${lines.length} disagreement(s) with OPA:\n${lines.join('\n')}`);
  return lines;
}

/** Calls of `name` with each argument list. */
export function calls(name: string, argLists: readonly (readonly Value[])[]): Call[] {
  return argLists.map((args) => ({ name, args }));
}
