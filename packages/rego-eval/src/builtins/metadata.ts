/**
 * `rego.metadata.chain()` and `rego.metadata.rule()` as OPA v1.22.3 gives them. OPA has no
 * run-time implementation: its compiler (`rewriteRegoMetadataCalls`, `v1/ast/compile.go`)
 * replaces each call in a rule with the rule's annotations, a constant, so the compiler here
 * does the same (`metadataValue`, called while lowering a rule). A call anywhere else (a
 * query) is undefined, as in OPA. The annotations are the parser's `# METADATA` blocks
 * (`@policy-engine/rego-parser`), gathered across modules as OPA's `AnnotationSet`
 * (`v1/ast/annotations.go`): `rule` scope by the rule below the block, `package` by package,
 * `document` and `subpackages` by path; a second `package` or `document` block for one path
 * is OPA's `rego_type_error` "<scope> annotation redeclared: <file>:<row>".
 */
import type { Annotation, Module, Rule } from '@policy-engine/rego-parser';
import { fromJSON, type Value } from '@policy-engine/rego-value';
import type { BuiltinDef } from './registry.js';

/** The two built-ins: undefined when called outside a rule (OPA does not rewrite those). */
export const builtins: BuiltinDef[] = [
  { name: 'rego.metadata.chain', arity: 0, fn: () => undefined },
  { name: 'rego.metadata.rule', arity: 0, fn: () => undefined },
];

/** The names of the two built-ins the compiler replaces. */
export const METADATA_CALLS: ReadonlySet<string> = new Set(['rego.metadata.chain', 'rego.metadata.rule']);

/** A problem found building the set (OPA's code, message and location). */
export interface MetadataProblem {
  readonly code: 'rego_type_error';
  readonly message: string;
  readonly location: { readonly file: string; readonly row: number; readonly col: number };
}

/** OPA's `rule.Ref().GroundPrefix()` after `data` and the package: the ground head parts. */
function groundPrefix(rule: Rule): (string | number | boolean | null)[] {
  const out: (string | number | boolean | null)[] = [];
  for (const [i, t] of rule.head.ref.entries()) {
    if (i === 0 && t.type === 'var') out.push(t.name);
    else if (t.type === 'string' || t.type === 'boolean') out.push(t.value);
    else if (t.type === 'number') out.push(Number(t.value));
    else if (t.type === 'null') out.push(null);
    else break;
  }
  return out;
}

type Path = readonly (string | number | boolean | null)[];
const keyOfPath = (p: Path): string => JSON.stringify(p);

/** OPA's `Annotations.toTerm` as JSON (empty fields left out; no location). */
function annotationJSON(a: Annotation): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (a.scope) o.scope = a.scope;
  if (a.title) o.title = a.title;
  if (a.entrypoint) o.entrypoint = true;
  if (a.description) o.description = a.description;
  if (a.organizations && a.organizations.length > 0) o.organizations = a.organizations;
  if (a.relatedResources && a.relatedResources.length > 0)
    o.related_resources = a.relatedResources.map((r) => ({
      ...(r.ref ? { ref: r.ref } : {}),
      ...(r.description ? { description: r.description } : {}),
    }));
  if (a.authors && a.authors.length > 0)
    o.authors = a.authors.map((x) => ({ ...(x.name ? { name: x.name } : {}), ...(x.email ? { email: x.email } : {}) }));
  if (a.schemas && a.schemas.length > 0)
    o.schemas = a.schemas.map((s) => ({
      ...(s.path.length > 0 ? { path: s.path } : {}),
      ...(s.schema && s.schema.length > 0 ? { schema: s.schema } : {}),
      ...(s.definition !== undefined ? { definition: s.definition } : {}),
    }));
  if (a.custom && Object.keys(a.custom).length > 0) o.custom = a.custom;
  if (a.labels && Object.keys(a.labels).length > 0) o.labels = a.labels;
  return o;
}

interface Entry {
  readonly a: Annotation;
  readonly path: Path;
}

/** OPA's `AnnotationSet` over the compiled modules. */
export class AnnotationSet {
  private readonly byRule = new Map<Rule, Annotation[]>();
  private readonly byPackage = new Map<string, Annotation>();
  /** `document` and `subpackages` annotations by full path (`data`, package, rule prefix). */
  private readonly byPath = new Map<string, Annotation>();
  /** Every path inserted in `byPath`, and the prefixes on the way (OPA's tree nodes). */
  private readonly nodes = new Set<string>();
  readonly problems: MetadataProblem[] = [];

  /** Builds the set (modules sorted by file name, as OPA's compiler does). */
  constructor(modules: readonly Module[]) {
    const sorted = [...modules].sort((x, y) => (x.location.file < y.location.file ? -1 : x.location.file > y.location.file ? 1 : 0));
    for (const m of sorted) {
      if (m.annotations.length === 0) continue;
      const pkg: Path = ['data', ...m.package.path];
      // OPA's `statementBelow`: the first package, import or rule on a later line.
      const stmts: { line: number; rule?: Rule; pkg?: true }[] = [
        { line: m.package.location.line, pkg: true as const },
        ...m.imports.map((i) => ({ line: i.location.line })),
        ...m.rules.map((r) => ({ line: r.location.line, rule: r })),
      ].sort((x, y) => x.line - y.line);
      for (const a of m.annotations) {
        const below = stmts.find((s) => s.line > a.location.line);
        if (below?.rule) this.add({ a, path: [...pkg, ...groundPrefix(below.rule)] }, below.rule);
        else if (below?.pkg) this.add({ a, path: pkg }, undefined);
      }
    }
  }

  private redeclared(a: Annotation, other: Annotation): void {
    this.problems.push({
      code: 'rego_type_error',
      message: `${a.scope ?? ''} annotation redeclared: ${other.location.file}:${other.location.line}`,
      location: { file: a.location.file, row: a.location.line, col: a.location.col },
    });
  }

  private insert(path: Path, a: Annotation): void {
    for (let i = 1; i <= path.length; i++) this.nodes.add(keyOfPath(path.slice(0, i)));
    this.byPath.set(keyOfPath(path), a);
  }

  private add(e: Entry, rule: Rule | undefined): void {
    const { a, path } = e;
    const k = keyOfPath(path);
    switch (a.scope) {
      case 'rule':
        if (rule) this.byRule.set(rule, [...(this.byRule.get(rule) ?? []), a]);
        break;
      case 'package': {
        if (rule) break;
        const exist = this.byPackage.get(k);
        if (exist) this.redeclared(a, exist);
        else this.byPackage.set(k, a);
        break;
      }
      case 'document': {
        if (!rule) break;
        const exist = this.byPath.get(k);
        if (exist) this.redeclared(a, exist);
        else this.insert(path, a);
        break;
      }
      case 'subpackages': {
        if (rule) break;
        const exist = this.byPath.get(k);
        if (exist) this.redeclared(a, exist);
        else this.insert(path, a);
        break;
      }
      default:
        break;
    }
  }

  /** OPA's `AnnotationSet.Chain` as the value `rego.metadata.chain()` returns. */
  chain(rule: Rule, module: Module, own: boolean): Value {
    const pkg: Path = ['data', ...module.package.path];
    const path: Path = [...pkg, ...groundPrefix(rule)];
    const links: { path: Path; annotations?: Annotation }[] = [];
    const mine = own ? [...(this.byRule.get(rule) ?? [])] : [];
    if (mine.length > 0) {
      mine.sort((x, y) => y.location.line - x.location.line || y.location.col - x.location.col);
      for (const a of mine) links.push({ path, annotations: a });
    } else links.push({ path });
    const doc = this.byPath.get(keyOfPath(path));
    if (doc) links.push({ path, annotations: doc });
    const pa = this.byPackage.get(keyOfPath(pkg));
    if (pa) links.push({ path: pkg, annotations: pa });
    for (let i = pkg.length; i >= 1; i--) {
      const p = pkg.slice(0, i);
      const sub = this.byPath.get(keyOfPath(p));
      if (sub) links.push({ path: p, annotations: sub });
    }
    return fromJSON(
      links.map((l) => ({ path: l.path.slice(1), ...(l.annotations ? { annotations: annotationJSON(l.annotations) } : {}) })),
    );
  }

  /** OPA's `getPrimaryRuleAnnotations` as the value `rego.metadata.rule()` returns (`{}` when none). */
  rule(rule: Rule, own: boolean): Value {
    const mine = own ? (this.byRule.get(rule) ?? []) : [];
    let first: Annotation | undefined;
    for (const a of mine) if (!first || a.location.offset < first.location.offset) first = a;
    return fromJSON(first ? annotationJSON(first) : {});
  }
}

/** What the compiler knows while lowering a rule: the set, the rule's module, the rule, and whether it is the rule itself (not an `else` branch). */
export interface MetadataScope {
  readonly set: AnnotationSet;
  readonly module: Module;
  readonly rule: Rule;
  readonly own: boolean;
}

/** The constant a `rego.metadata.chain()` / `rego.metadata.rule()` call in a rule is replaced with. */
export function metadataValue(fn: string, scope: MetadataScope): Value {
  return fn === 'rego.metadata.chain' ? scope.set.chain(scope.rule, scope.module, scope.own) : scope.set.rule(scope.rule, scope.own);
}
