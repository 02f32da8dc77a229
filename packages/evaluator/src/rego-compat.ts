import { declaredPackage, type Import } from '@policy-engine/rego-parser';
import { parsedModule, type ModuleText } from './policy-module.js';

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

function importsRegoV1(imports: readonly Import[]): boolean {
  return imports.some((i) => {
    const [root, name, ...rest] = i.path.value;
    return rest.length === 0 && root?.type === 'var' && root.name === 'rego' && name?.type === 'string' && name.value === 'v1';
  });
}

/**
 * Makes a module loadable by a `--v0-compatible` OPA whatever its version. A v0 module is
 * left alone. A v1 module gets `import rego.v1` (a v0 parser then applies the v1 rules to
 * that module) right after its `package` clause, before any comment on that line, so every
 * line and column OPA reports stays the module's own. The clause and the imports come from
 * the parsed module (`PolicyModule.ast`, or the source parsed once); a v1 module that does
 * not parse is rewritten too when its `package` clause was read, so OPA reports its
 * problems as v1 problems. OPA 1.22 accepts `package a.b import rego.v1` and also accepts
 * `future.keywords` imports next to it.
 */
export function v0CompatibleSource(module: ModuleText): CompatSource {
  const { source } = module;
  if (module.regoVersion === 'v0') return { source, rewritten: false };
  const parsed = parsedModule(module);
  const pkg = declaredPackage(parsed);
  const imports = parsed.module?.imports ?? parsed.partial?.imports ?? [];
  if (pkg === undefined || importsRegoV1(imports)) return { source, rewritten: false };
  const end = pkg.location.end;
  return { source: `${source.slice(0, end)} import rego.v1${source.slice(end)}`, rewritten: true };
}
