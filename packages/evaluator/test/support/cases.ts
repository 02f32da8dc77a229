/** The decision cases of examples/policy-cases.json, with their inputs built from the shared fixtures. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@policy-engine/opa';

export const EXAMPLE_POLICIES = join(repoRoot, 'examples', 'policies');
const FIXTURES = join(repoRoot, '..', 'shared', 'spec', 'fixtures');

export interface DecisionCase {
  readonly name: string;
  readonly package: string;
  readonly input: unknown;
  readonly expect: { allowed: boolean; policyFound: boolean; denies: string[]; message: string | null };
}

function setPointer(doc: unknown, pointer: string, value: unknown): void {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let target = doc as Record<string, unknown>;
  for (const part of parts.slice(0, -1)) target = target[part] as Record<string, unknown>;
  target[parts[parts.length - 1] as string] = value;
}

export function decisionCases(): DecisionCase[] {
  const file = JSON.parse(readFileSync(join(repoRoot, 'examples', 'policy-cases.json'), 'utf8')) as {
    cases: { name: string; package: string; fixture: string; edits: { path: string; value: unknown }[]; expect: DecisionCase['expect'] }[];
  };
  return file.cases.map((c) => {
    const input = (JSON.parse(readFileSync(join(FIXTURES, c.fixture), 'utf8')) as { input: unknown }).input;
    for (const edit of c.edits) setPointer(input, edit.path, edit.value);
    return { name: c.name, package: c.package, input, expect: c.expect };
  });
}
