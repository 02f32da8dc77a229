import type { PolicyModule } from './engine.js';

/**
 * A module rewritten so that an OPA running with `--v0-compatible` parses it with the
 * syntax version the module was written in.
 */
export interface CompatSource {
  /** The text to hand to OPA. */
  readonly source: string;
  /** True when `import rego.v1` was added (on the `package` line, so no line moves). */
  readonly rewritten: boolean;
}

const HAS_REGO_V1 = /^[ \t]*import[ \t]+rego\.v1\b/m;

/**
 * Makes a module loadable by a `--v0-compatible` OPA whatever its version. A v0 module is
 * left alone. A v1 module gets `import rego.v1` (a v0 parser then applies the v1 rules to
 * that module) appended to its `package` line, before any comment, so every line and
 * column OPA reports stays the module's own. OPA 1.22 accepts `package a.b import rego.v1`
 * and also accepts `future.keywords` imports next to it.
 */
export function v0CompatibleSource(module: Pick<PolicyModule, 'source' | 'regoVersion'>): CompatSource {
  const { source } = module;
  if (module.regoVersion === 'v0' || HAS_REGO_V1.test(source)) return { source, rewritten: false };
  const pkg = /^[ \t]*package\b[^\n]*/m.exec(source);
  if (!pkg) return { source, rewritten: false };
  const line = pkg[0];
  const end = pkg.index + codeEnd(line);
  return { source: `${source.slice(0, end)} import rego.v1${source.slice(end)}`, rewritten: true };
}

/** Length of `line` without a trailing comment and whitespace (strings are skipped). */
function codeEnd(line: string): number {
  let quote: string | undefined;
  let end = line.length;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === '\\' && quote === '"') i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === '`') quote = ch;
    else if (ch === '#') {
      end = i;
      break;
    }
  }
  while (end > 0 && /\s/.test(line[end - 1] ?? '')) end--;
  return end;
}
