import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from './exit.js';
import { jsonErrorOffset, lineColAt } from '@policy-engine/evaluator';

/** Reads a file (or standard input for `-`) as UTF-8 text. */
export function readText(file: string): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new CliError(`cannot read ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  }
}

/** 1-based line and column of a character offset in `text` (the evaluator's `lineColAt`). */
export const lineCol: (text: string, offset: number) => { line: number; col: number } = lineColAt;

/**
 * Parses JSON text; a syntax error becomes a CliError naming `file:line:col`.
 * V8's messages give a character position, which is turned into line and column.
 */
export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const message = (err as Error).message;
    const pos = /position (\d+)/.exec(message);
    const offset = pos ? Number(pos[1]) : jsonErrorOffset(text);
    const where = offset !== undefined ? lineCol(text, offset) : undefined;
    // Keep the message on one line: drop V8's echo of the (possibly multi-line) text.
    const detail = message.replace(/\s*\(line \d+ column \d+\)$/, '').replace(/, ".*" is not valid JSON$/s, '');
    throw new CliError(`${file}${where ? `:${where.line}:${where.col}` : ''}: malformed JSON: ${detail}`);
  }
}

/** Reads and parses a JSON file (or `-`). */
export function readJson(file: string): unknown {
  return parseJson(readText(file), file === '-' ? '<stdin>' : file);
}

/**
 * Unwraps OPA's request form: a document that is exactly `{"input": …}` becomes its
 * `input`; anything else is returned unchanged.
 */
export function unwrapInput(doc: unknown): unknown {
  if (doc !== null && typeof doc === 'object' && !Array.isArray(doc)) {
    const keys = Object.keys(doc);
    if (keys.length === 1 && keys[0] === 'input') return (doc as { input: unknown }).input;
  }
  return doc;
}

/** Expands directories into their `.rego` files (recursively, sorted); files and `-` are kept as given. */
export function regoFiles(args: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.rego')) out.push(p);
    }
  };
  for (const a of args) {
    let isDir = false;
    try {
      isDir = a !== '-' && statSync(a).isDirectory();
    } catch {
      isDir = false; // readText reports the missing file
    }
    if (isDir) walk(a);
    else out.push(a);
  }
  return out;
}
