/**
 * Reading files and parsing JSON / YAML data documents, with PolicySourceError on failure.
 */
import { readFile } from 'node:fs/promises';
import { YAMLError, parse as parseYaml } from 'yaml';
import { PolicySourceError } from '../errors.js';
import { jsonErrorOffset, lineColAt } from '../json-location.js';

/** True for file names that hold base data (`.json`, `.yaml`, `.yml`). */
export function isDataFile(name: string): boolean {
  return /\.(json|ya?ml)$/i.test(name);
}

/** True for Rego modules. */
export function isRegoFile(name: string): boolean {
  return name.toLowerCase().endsWith('.rego');
}

/** Reads a UTF-8 file. @throws PolicySourceError naming the path. */
export async function readSourceFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new PolicySourceError(`cannot read file (${reason})`, path, { cause });
  }
}

/** Parses a JSON or YAML data document. @throws PolicySourceError with line:col where known. */
export function parseDataText(text: string, id: string): unknown {
  if (/\.json$/i.test(id)) {
    try {
      return JSON.parse(text) as unknown;
    } catch (cause) {
      const message = cause instanceof Error ? cause.message : String(cause);
      const offset = jsonErrorOffset(text);
      const at = offset === undefined ? undefined : lineColAt(text, offset);
      throw new PolicySourceError(`invalid JSON: ${message}`, id, at ? { cause, position: at } : { cause });
    }
  }
  try {
    return parseYaml(text, { prettyErrors: false }) as unknown;
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    const pos = cause instanceof YAMLError ? cause.linePos?.[0] : undefined;
    throw new PolicySourceError(`invalid YAML: ${message}`, id, pos ? { cause, position: { line: pos.line, col: pos.col } } : { cause });
  }
}
