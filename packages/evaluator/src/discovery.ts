/**
 * Package discovery: the one place that reads Rego source text. It finds the package a
 * module declares and resolves `regoVersion: 'auto'`.
 */
import type { RegoVersion } from './engine.js';
import { PolicyCompileError, type PolicyProblem } from './errors.js';
import type { RegoVersionSetting, RegoVersionSource } from './options.js';

/** A module whose package and Rego version are known. */
export interface DiscoveredModule {
  readonly packageName: string;
  readonly regoVersion: RegoVersion;
  readonly regoVersionSource: RegoVersionSource;
}

interface ParseAttempt {
  readonly packageName?: string;
  readonly problems: readonly PolicyProblem[];
}

function stripComments(line: string): string {
  let inString = false;
  let inRaw = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (inRaw) {
      if (ch === '`') inRaw = false;
    } else if (ch === '"') inString = true;
    else if (ch === '`') inRaw = true;
    else if (ch === '#') return line.slice(0, i);
  }
  return line;
}

/** Interim parse until the Rego parser is wired in: package line + v0/v1 rule-head heuristics. */
function attempt(source: string, version: RegoVersion, file: string): ParseAttempt {
  const lines = source.split(/\r?\n/).map(stripComments);
  let packageName: string | undefined;
  const problems: PolicyProblem[] = [];
  lines.forEach((line, index) => {
    const pkg = /^\s*package\s+([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*|\["[^"]*"\])*)\s*$/.exec(line);
    if (pkg?.[1] !== undefined && packageName === undefined) {
      packageName = pkg[1].replace(/\["([^"]*)"\]/g, '.$1');
      return;
    }
    // A rule head opening a body without `if`: v0 only.
    const v0Head = /^[A-Za-z_][\w.]*(\[[^\]]*\])?(\([^)]*\))?\s*(:?=\s*[^{\s][^{]*)?\{/;
    if (version === 'v1' && v0Head.test(line) && !/\b(if|contains|else)\b/.test(line)) {
      const col = 1;
      problems.push({ message: 'rego_parse_error: `if` keyword is required before rule body', location: { file, line: index + 1, col }, code: 'rego_parse_error' });
    }
  });
  if (packageName === undefined) {
    problems.unshift({ message: 'rego_parse_error: package expected', location: { file, line: 1, col: 1 }, code: 'rego_parse_error' });
  }
  return packageName === undefined ? { problems } : { packageName, problems };
}

/**
 * Finds the package of `source` and resolves its Rego version. `auto`: v1 when the module
 * parses as v1, else v0 when it parses as v0, else a PolicyCompileError with the v1 problems.
 * @throws PolicyCompileError with file:line:col of each parse problem.
 */
export function discoverModule(source: string, file: string, setting: RegoVersionSetting, fromManifest = false): DiscoveredModule {
  if (setting === 'auto') {
    const v1 = attempt(source, 'v1', file);
    if (v1.problems.length === 0 && v1.packageName !== undefined) {
      return { packageName: v1.packageName, regoVersion: 'v1', regoVersionSource: 'auto-v1' };
    }
    const v0 = attempt(source, 'v0', file);
    if (v0.problems.length === 0 && v0.packageName !== undefined) {
      return { packageName: v0.packageName, regoVersion: 'v0', regoVersionSource: 'auto-v0' };
    }
    throw new PolicyCompileError(v1.problems);
  }
  const result = attempt(source, setting, file);
  if (result.problems.length > 0 || result.packageName === undefined) throw new PolicyCompileError(result.problems);
  return { packageName: result.packageName, regoVersion: setting, regoVersionSource: fromManifest ? 'manifest' : 'configured' };
}
