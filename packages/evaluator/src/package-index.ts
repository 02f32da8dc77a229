/**
 * The one rule for "may the loaded policy set decide this package": which `data.<package>`
 * documents the modules of a set can define, read from the parsed rule heads
 * (`@policy-engine/rego-parser`), never from the source text. Every adapter asks it
 * through `PolicyEngine.hasPolicy`; the facade uses it to skip the engine and to tell an
 * undefined answer that is legal from one that means the engine lost the policies.
 */
import type { Term } from '@policy-engine/rego-parser';
import type { PolicyModule } from './engine.js';
import { moduleAst } from './policy-module.js';

/** What one module can define: its package and the ground paths of its rule heads. */
interface ModuleCoverage {
  readonly packagePath: readonly string[];
  /** For each rule: the head ref's leading constant parts (`stages.before.deployManifest.deny` → 4 parts). */
  readonly rulePaths: readonly (readonly string[])[];
}

/** The constant prefix of a rule head ref: the rule var, then string parts up to the first variable part. */
function groundPrefix(ref: readonly Term[]): string[] {
  const out: string[] = [];
  for (const [i, term] of ref.entries()) {
    if (i === 0 && term.type === 'var') out.push(term.name);
    else if (term.type === 'string') out.push(term.value);
    else break;
  }
  return out;
}

function startsWith(path: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => path[i] === segment);
}

/** Which packages a policy set can decide. Immutable; rebuilt with every set. */
export interface PackageIndex {
  /** Sorted, de-duplicated package names the modules declare. */
  readonly packages: readonly string[];
  /**
   * True when the set may define `data.<packageName>`: a module declares exactly that package,
   * or a module of a parent package has a rule whose head path reaches it
   * (`stages := {…}`, `stages.before[x].deny`) or lies under it
   * (`stages.before.deployManifest.deny contains …` for `<parent>.stages.before.deployManifest`).
   */
  decides(packageName: string): boolean;
  /** True when a module declares exactly this package (OPA then always defines the document, at least `{}`). */
  declares(packageName: string): boolean;
  /**
   * The declared package whose document holds `data.<packageName>` (the package itself, or the parent
   * whose rules define it); undefined when the set cannot decide it.
   */
  declaringPackage(packageName: string): string | undefined;
}

function coverageOf(module: PolicyModule): ModuleCoverage {
  const packagePath = module.packageName.split('.');
  // The AST discovery kept; a hand-built module that does not parse has no rules we can see.
  const rules = moduleAst(module)?.rules ?? [];
  // A function (`f(x) := …`) is not a document: `data.<pkg>.f` is never defined by it.
  return { packagePath, rulePaths: rules.filter((rule) => rule.kind !== 'function').map((rule) => groundPrefix(rule.head.ref)) };
}

/** Builds the index of `modules` from their parsed rule heads. */
export function packageIndex(modules: readonly PolicyModule[]): PackageIndex {
  const coverage = modules.map(coverageOf);
  const packages = [...new Set(modules.map((m) => m.packageName))].sort();
  const declared = new Set(packages);

  const declaringPackage = (packageName: string): string | undefined => {
    if (declared.has(packageName)) return packageName;
    const wanted = packageName.split('.');
    for (const module of coverage) {
      const parent = module.packagePath;
      if (parent.length >= wanted.length || !startsWith(wanted, parent)) continue;
      const below = wanted.slice(parent.length);
      // The rule's document contains the package (rule path is a prefix) or lies under it.
      if (module.rulePaths.some((rule) => rule.length > 0 && (startsWith(below, rule) || startsWith(rule, below)))) {
        return parent.join('.');
      }
    }
    return undefined;
  };

  return {
    packages,
    declares: (packageName) => declared.has(packageName),
    decides: (packageName) => declaringPackage(packageName) !== undefined,
    declaringPackage,
  };
}
