/**
 * Loads OPA's YAML conformance cases (`{cases: [TestCase, …]}`, schema in
 * `opa-conformance/README.md`) with exact integers (`intAsBigInt`).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { fromPlain, isJObject, type JValue } from './value.js';

/** One test case of OPA's suite, keyed by its file and its position in the file. */
export interface ConformanceCase {
  /** The file, relative to the directory given (always with `/`). */
  readonly file: string;
  /** The absolute path of the file. */
  readonly path: string;
  /** Position of the case in its file (0-based). */
  readonly index: number;
  readonly note: string;
  readonly query: string;
  /** Rego module sources; OPA's runner names them `test-0.rego`, `test-1.rego`, … */
  readonly modules: readonly string[];
  /** The base document (`data:`; absent or null = empty). */
  readonly data: JValue | undefined;
  /** The input document (`input:`), when given as JSON. */
  readonly input: JValue | undefined;
  /** The input as Rego term text (`input_term:`); takes precedence over `input`. */
  readonly inputTerm: string | undefined;
  /** Expected result set (`[]` = undefined); each element maps variable names to values. */
  readonly wantResult: readonly { readonly [name: string]: JValue }[] | undefined;
  readonly wantErrorCode: string | undefined;
  readonly wantError: string | undefined;
  readonly strictError: boolean;
  readonly sortBindings: boolean;
  /** `want_defined`: only check that the query is defined (or not). */
  readonly wantDefined: boolean | undefined;
  /** `env`: environment variables the case sets. */
  readonly env: { readonly [name: string]: string } | undefined;
  /** Why the case cannot be run at all (malformed), if so. */
  readonly invalid: string | undefined;
}

/** A YAML file that could not be read as a case file. */
export class CaseFileError extends Error {
  override readonly name = 'CaseFileError';
  readonly code = 'CONFORMANCE_CASE_FILE';
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Parses one case file's text. `file` names it in errors and results. */
export function parseCaseFile(text: string, file: string, path = file): ConformanceCase[] {
  let doc: unknown;
  try {
    doc = parseYaml(text, { intAsBigInt: true, uniqueKeys: false, maxAliasCount: -1 });
  } catch (err) {
    throw new CaseFileError(file, `malformed YAML: ${(err as Error).message}`);
  }
  const cases = doc !== null && typeof doc === 'object' && 'cases' in doc ? doc.cases : undefined;
  if (!Array.isArray(cases)) throw new CaseFileError(file, 'expected a document {cases: [...]}');
  return cases.map((raw: unknown, index): ConformanceCase => {
    const c = (raw ?? {}) as Record<string, unknown>;
    const problems: string[] = [];
    const modules = Array.isArray(c.modules) ? c.modules.map((m) => String(m)) : [];
    let wantResult: { [name: string]: JValue }[] | undefined;
    if (c.want_result !== undefined && c.want_result !== null) {
      const wr = fromPlain(c.want_result, 'want_result');
      if (!Array.isArray(wr) || !wr.every(isJObject)) problems.push('want_result must be a list of objects');
      else wantResult = wr;
    }
    const wantErrorCode = str(c.want_error_code);
    const wantError = str(c.want_error);
    const wantDefined = typeof c.want_defined === 'boolean' ? c.want_defined : undefined;
    if (wantResult === undefined && wantErrorCode === undefined && wantError === undefined && wantDefined === undefined) {
      problems.push("expected one of: 'want_result', 'want_error_code', or 'want_error'");
    }
    if (typeof c.query !== 'string') problems.push('no query');
    const env =
      c.env !== null && typeof c.env === 'object' ? Object.fromEntries(Object.entries(c.env).map(([k, v]) => [k, String(v)])) : undefined;
    return {
      file,
      path,
      index,
      note: str(c.note) ?? `${file}#${index}`,
      query: str(c.query) ?? '',
      modules,
      data: c.data === undefined || c.data === null ? undefined : fromPlain(c.data, 'data'),
      input: c.input === undefined ? undefined : fromPlain(c.input, 'input'),
      inputTerm: str(c.input_term),
      wantResult,
      wantErrorCode,
      wantError,
      strictError: c.strict_error === true,
      sortBindings: c.sort_bindings === true,
      wantDefined,
      env,
      invalid: problems.length > 0 ? problems.join('; ') : undefined,
    };
  });
}

function walk(dir: string, out: string[]): void {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile() && /\.ya?ml$/.test(e.name)) out.push(p);
  }
}

/** Every `.yaml`/`.yml` file under `dir` (or `dir` itself when it is a file), in sorted order. */
export function caseFiles(dir: string): string[] {
  if (statSync(dir).isFile()) return [dir];
  const out: string[] = [];
  walk(dir, out);
  return out;
}

/** Loads every case under `dir`; `file` of each case is relative to `dir`. */
export function loadCases(dir: string): ConformanceCase[] {
  const isFile = statSync(dir).isFile();
  return caseFiles(dir).flatMap((path) => {
    const rel = isFile ? (path.split(sep).pop() ?? path) : relative(dir, path).split(sep).join('/');
    return parseCaseFile(readFileSync(path, 'utf8'), rel, path);
  });
}
