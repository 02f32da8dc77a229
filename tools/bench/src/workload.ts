/**
 * What is measured: the 48 decision cases of examples/policy-cases.json on their fixture
 * inputs, and the generated policies and inputs of the load test and cost curves.
 */

/** One decision case with its input already built (fixture + edits). */
export interface DecisionCase {
  readonly name: string;
  readonly pkg: string;
  readonly input: unknown;
  readonly allowed: boolean;
}

/** One entry of examples/policy-cases.json. */
export interface CaseSpec {
  readonly name: string;
  readonly package: string;
  readonly fixture: string;
  readonly edits: readonly { readonly path: string; readonly value: unknown }[];
  readonly expect: { readonly allowed: boolean };
}

/** Sets `value` at a JSON pointer (`/a/b/0`) inside `doc`, creating nothing. */
export function setPointer(doc: unknown, pointer: string, value: unknown): void {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let cur = doc as Record<string, unknown>;
  for (const part of parts.slice(0, -1)) {
    const next = cur[part];
    if (typeof next !== 'object' || next === null) throw new Error(`pointer ${pointer}: ${part} is not an object or array`);
    cur = next as Record<string, unknown>;
  }
  cur[parts[parts.length - 1] as string] = value;
}

/** The cases with their inputs: `fixtureInput(name)` reads a fixture's `input` (a fresh copy each call). */
export function buildCases(specs: readonly CaseSpec[], fixtureInput: (file: string) => unknown): DecisionCase[] {
  return specs.map((c) => {
    const input = fixtureInput(c.fixture);
    for (const e of c.edits) setPointer(input, e.path, e.value);
    return { name: c.name, pkg: c.package, input, allowed: c.expect.allowed };
  });
}

/** A generated module. */
export interface GeneratedModule {
  readonly id: string;
  readonly source: string;
}

/**
 * `count` independent Rego v1 policies, one package each (`bench.gen.p<i>`), shaped like the
 * example policies: an allow rule over roles and a deny set over pipeline stages.
 */
export function generatedPolicies(count: number): GeneratedModule[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `gen/p${i}.rego`,
    source: [
      `package bench.gen.p${i}`,
      '',
      'default allow := false',
      '',
      'allow if {',
      `\tsome role in input.user.roles`,
      `\trole.name == "role-${i}"`,
      '\tinput.method == "GET"',
      '}',
      '',
      'deny contains msg if {',
      '\tsome stage in input.pipeline.stages',
      `\tstage.type == "type-${i}"`,
      `\tmsg := sprintf("stage %q is not allowed by policy ${i}", [stage.name])`,
      '}',
      '',
    ].join('\n'),
  }));
}

/** The package of {@link manyRulesPolicy}. */
export const MANY_RULES_PACKAGE = 'bench.rules';

/**
 * One package with `count` deny rules, each looking at every stage of the pipeline (so the
 * work grows with the rule count; none matches the fixture pipeline, so the decision is allow).
 */
export function manyRulesPolicy(count: number): GeneratedModule {
  const rules = Array.from({ length: count }, (_, i) =>
    [
      'deny contains msg if {',
      '\tsome stage in input.pipeline.stages',
      `\tstage.type == "forbidden-${i}"`,
      `\tmsg := sprintf("rule ${i}: stage %q", [stage.name])`,
      '}',
    ].join('\n'),
  );
  return { id: 'rules/rules.rego', source: [`package ${MANY_RULES_PACKAGE}`, '', ...rules, ''].join('\n') };
}

/**
 * A copy of a pipeline input (`{ pipeline: { stages } }`) with exactly `count` stages, cycled
 * from the fixture's own stages (refIds and names made unique, each stage depending on the previous).
 */
export function pipelineWithStages(input: unknown, count: number): unknown {
  const copy = structuredClone(input) as { pipeline?: { stages?: unknown[] } };
  const stages = copy.pipeline?.stages;
  if (!copy.pipeline || !Array.isArray(stages) || stages.length === 0) throw new Error('the input has no pipeline.stages to repeat');
  copy.pipeline.stages = Array.from({ length: count }, (_, i) => {
    const base = structuredClone(stages[i % stages.length]) as Record<string, unknown>;
    return {
      ...base,
      refId: String(i + 1),
      name: `${typeof base['name'] === 'string' ? base['name'] : 'stage'} ${i + 1}`,
      requisiteStageRefIds: i === 0 ? [] : [String(i)],
    };
  });
  return copy;
}

/** A pipeline configuration: its `stages` (the rest is passed through). */
export interface PipelineConfigLike {
  readonly stages: readonly Readonly<Record<string, unknown>>[];
  readonly [key: string]: unknown;
}

/**
 * `base` with its stages cycled into a chain of `n` (stage i + 1 depends on stage i; fresh
 * `refId`s and names): the run-pipeline cost curve's input.
 */
export function chainedPipeline(base: PipelineConfigLike, n: number): PipelineConfigLike {
  if (base.stages.length === 0) throw new Error('chainedPipeline: the base pipeline has no stages');
  return {
    ...base,
    stages: Array.from({ length: n }, (_, i) => ({
      ...structuredClone(base.stages[i % base.stages.length]),
      refId: String(i + 1),
      name: `stage ${i + 1}`,
      requisiteStageRefIds: i === 0 ? [] : [String(i)],
    })),
  };
}
