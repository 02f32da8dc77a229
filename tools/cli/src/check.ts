/**
 * `policy-engine check`: static checks of policy modules against the decision points they
 * implement — parse and compile errors, `input.…` paths that cannot exist in the package's
 * typed input, result rules of the wrong shape, package names that match no decision point.
 */
import { DEFAULT_ALLOW_PACKAGES } from '@policy-engine/evaluator';
import { inputCodecFor, knownPackages } from '@policy-engine/inputs';
import { RegoCompileError, compile, type ModuleSource } from '@policy-engine/rego-eval';
import { walk, type Module, type Node, type Rule, type Term } from '@policy-engine/rego-parser';
import { nearest, shapesOf, step, type Shape } from './input-shape.js';

/** One finding. */
export interface CheckProblem {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  /** Parse and compile errors are errors; the rest are warnings (errors with `--strict`). */
  readonly severity: 'error' | 'warning';
  /** OPA's code for parse/compile errors; `input_unknown_field`, `result_rule_shape`, `unknown_package` for the rest. */
  readonly code: string;
  readonly message: string;
}

/** A module to check: its source and its parsed form. */
export interface CheckModule {
  readonly source: ModuleSource;
  readonly module: Module;
}

/** Compile errors (OPA's codes and positions) of a set of modules that all parse. */
export function compileProblems(modules: readonly ModuleSource[]): CheckProblem[] {
  try {
    compile(modules);
    return [];
  } catch (err) {
    if (!(err instanceof RegoCompileError)) throw err;
    return err.errors.map((e) => ({
      file: e.location?.file ?? '',
      line: e.location?.row ?? 0,
      col: e.location?.col ?? 0,
      severity: 'error' as const,
      code: e.code,
      message: e.message,
    }));
  }
}

function termText(t: Term): string | undefined {
  return t.type === 'string' ? t.value : undefined;
}

function pathText(parts: readonly string[]): string {
  return parts
    .map((p, i) => (i === 0 ? p : /^[A-Za-z_][A-Za-z0-9_]*$/.test(p) ? `.${p}` : p === '[_]' ? p : `[${JSON.stringify(p)}]`))
    .join('');
}

/** A variable's binding: what it can hold and the input path it came from. */
interface Binding {
  readonly shapes: readonly Shape[];
  readonly path: readonly string[];
}

/** Checks the `input.…` refs of one module against the codec of its package. */
function checkInputRefs(cm: CheckModule, pkg: string, root: readonly Shape[], out: CheckProblem[]): void {
  const file = cm.source.id;
  for (const rule of cm.module.rules) {
    const env = new Map<string, Binding>();
    /** Follows a ref (or var); reports the first part that cannot exist when `report`. */
    const follow = (t: Term, report: boolean): Binding | undefined => {
      let parts: readonly Term[];
      if (t.type === 'ref') parts = t.value;
      else if (t.type === 'var') parts = [t];
      else return undefined;
      const head = parts[0];
      if (head?.type !== 'var') return undefined;
      let cur: Binding | undefined = head.name === 'input' ? { shapes: root, path: ['input'] } : env.get(head.name);
      if (!cur) return undefined;
      for (const p of parts.slice(1)) {
        const name = termText(p);
        const r = step(cur.shapes, name);
        const path: string[] = [...cur.path, name ?? '[_]'];
        if (!r.ok) {
          if (report) {
            const fields = r.expected.flatMap((s) => (s.k === 'obj' ? [...s.fields.keys()] : []));
            const guess = nearest(r.field, fields);
            const kinds = r.expected.every((s) => s.k === 'arr') ? ' (an array: iterate it)' : '';
            const upTo = parts.slice(1, parts.indexOf(p) + 1).map((x) => termText(x) ?? '[_]');
            const shown = head.name === 'input' ? pathText(path) : `${pathText([head.name, ...upTo])} (${pathText(path)})`;
            out.push({
              file,
              line: p.location.line,
              col: p.location.col,
              severity: 'warning',
              code: 'input_unknown_field',
              message: `${shown} cannot exist in the input of ${pkg}${kinds}${guess ? ` — did you mean ${guess}?` : ''}`,
            });
          }
          return undefined;
        }
        cur = { shapes: r.shapes, path };
        if (r.shapes.length === 1 && r.shapes[0]?.k === 'any') return undefined;
      }
      return cur;
    };
    const bind = (v: Term | undefined, b: Binding | undefined): void => {
      if (v?.type === 'var' && b && v.name !== '_') env.set(v.name, b);
    };
    const element = (coll: Term): Binding | undefined => {
      const b = follow(coll, false);
      if (!b) return undefined;
      const r = step(b.shapes, undefined);
      return r.ok && !(r.shapes.length === 1 && r.shapes[0]?.k === 'any') ? { shapes: r.shapes, path: [...b.path, '[_]'] } : undefined;
    };
    walk(rule, (n: Node) => {
      if (n.type === 'call') {
        const op = n.operator.value.map((x) => (x.type === 'var' ? x.name : x.type === 'string' ? x.value : '')).join('.');
        const [a, b, c] = n.args;
        if ((op === 'assign' || op === 'eq') && a && b) {
          if (a.type === 'var') bind(a, follow(b, false));
          else if (b.type === 'var' && op === 'eq') bind(b, follow(a, false));
        } else if (op === 'internal.member_2' && a && b) bind(a, element(b));
        else if (op === 'internal.member_3' && a && b && c) bind(b, element(c));
      } else if (n.type === 'every') bind(n.value, element(n.domain));
      else if (n.type === 'ref') follow(n, true);
      return false;
    });
  }
}

function isBooleanValue(rule: Rule): boolean {
  const v = rule.head.value;
  return rule.head.generatedValue || v?.type === 'boolean';
}

const NOT_STRING = new Set([
  'number',
  'boolean',
  'null',
  'array',
  'object',
  'set',
  'arraycomprehension',
  'setcomprehension',
  'objectcomprehension',
]);

/** Result rules of the wrong kind for the package's decision convention. */
function checkResultRules(cm: CheckModule, pkg: string, out: CheckProblem[]): void {
  const allowFamily = DEFAULT_ALLOW_PACKAGES.includes(pkg);
  const warn = (rule: Rule, message: string): void => {
    out.push({
      file: cm.source.id,
      line: rule.head.location.line,
      col: rule.head.location.col,
      severity: 'warning',
      code: 'result_rule_shape',
      message,
    });
  };
  const seen = new Set<string>();
  for (const rule of cm.module.rules) {
    if (rule.head.ref.length !== 1 || rule.head.args) continue;
    const key = `${rule.name}:${rule.kind}:${rule.location.line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (allowFamily) {
      if (rule.name === 'deny') warn(rule, `deny is not read in ${pkg}: its decision is allow (a boolean) and message`);
      else if (rule.name === 'allow' && rule.kind !== 'complete')
        warn(rule, `allow must be a boolean (allow if …), not a ${rule.kind} rule`);
      else if (
        rule.name === 'allow' &&
        rule.head.value &&
        (rule.head.value.type === 'string' || NOT_STRING.has(rule.head.value.type)) &&
        !isBooleanValue(rule)
      )
        warn(rule, `allow must be a boolean, not a ${rule.head.value.type}`);
      else if (rule.name === 'message' && rule.kind !== 'complete')
        warn(rule, `message must be a string (message := "…"), not a ${rule.kind} rule`);
      else if (rule.name === 'message' && (rule.head.generatedValue || (rule.head.value && NOT_STRING.has(rule.head.value.type))))
        warn(rule, `message must be a string, not ${rule.head.generatedValue ? 'a boolean' : `a ${rule.head.value?.type ?? 'value'}`}`);
    } else {
      if (rule.name === 'allow') warn(rule, `allow is not read in ${pkg}: its decision is deny (a set of messages)`);
      else if (rule.name === 'deny' && rule.kind === 'complete' && isBooleanValue(rule))
        warn(rule, 'deny must be a set of messages (deny contains msg if …), not a boolean');
    }
  }
}

/** Decision-point families: packages under these prefixes are meant to be decision points. */
const DECISION_PREFIXES = ['spinnaker.', 'opa.'];

function checkPackage(cm: CheckModule, pkg: string, out: CheckProblem[]): void {
  if (!DECISION_PREFIXES.some((p) => pkg.startsWith(p)) || /(_test|\.test)$/.test(pkg)) return;
  const hasResult = cm.module.rules.some((r) => ['allow', 'deny', 'message'].includes(r.name));
  if (!hasResult) return;
  const known = knownPackages();
  const loc = cm.module.package.location;
  let message: string | undefined;
  if (inputCodecFor(pkg) !== undefined) {
    // A parameterised family (stages.before.<type>, deployment.tasks.before.<task>): an undocumented
    // type gets the generic input; a near miss of a documented one is probably a typo.
    if (known.includes(pkg)) return;
    const dot = pkg.lastIndexOf('.');
    const type = pkg.slice(dot + 1);
    const types = new Set(known.map((k) => k.slice(k.lastIndexOf('.') + 1)));
    const guess = types.has(type) ? undefined : nearest(type, types);
    if (!guess) return;
    message = `package ${pkg}: ${type} is no documented type (it gets the generic input) — did you mean ${pkg.slice(0, dot + 1)}${guess}?`;
  } else {
    const guess = nearest(pkg, known);
    message = `package ${pkg} matches no decision point${guess ? ` — did you mean ${guess}?` : ''}`;
  }
  out.push({ file: cm.source.id, line: loc.line, col: loc.col, severity: 'warning', code: 'unknown_package', message });
}

/** Every warning for a set of parsed modules (compile errors are separate: `compileProblems`). */
export function checkModules(modules: readonly CheckModule[]): CheckProblem[] {
  const out: CheckProblem[] = [];
  for (const cm of modules) {
    const pkg = cm.module.package.path.join('.');
    checkPackage(cm, pkg, out);
    const codec = inputCodecFor(pkg);
    if (!codec) continue;
    checkResultRules(cm, pkg, out);
    checkInputRefs(cm, pkg, shapesOf(codec), out);
  }
  return out.sort((a, b) => (a.file === b.file ? a.line - b.line || a.col - b.col : a.file < b.file ? -1 : 1));
}
