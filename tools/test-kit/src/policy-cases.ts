import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@policy-engine/opa';
import { fixtureInput } from './fixtures.js';

/** `examples/policies`: the example policy set every engine decides the cases on. */
export const EXAMPLE_POLICIES = join(repoRoot, 'examples', 'policies');

/** What a case of `examples/policy-cases.json` expects of the Decision. */
export interface ExpectedDecision {
  readonly allowed: boolean;
  readonly policyFound: boolean;
  readonly denies: string[];
  readonly message: string | null;
}

/** A decision case of `examples/policy-cases.json`, its input built from the shared fixture and the case's edits. */
export interface DecisionCase {
  readonly name: string;
  readonly package: string;
  /** The fixture file the input was built from. */
  readonly fixture: string;
  readonly input: unknown;
  readonly expect: ExpectedDecision;
}

interface CaseSpec {
  readonly name: string;
  readonly package: string;
  readonly fixture: string;
  readonly edits: readonly { readonly path: string; readonly value: unknown }[];
  readonly expect: ExpectedDecision;
}

/** Sets `value` at a JSON pointer (RFC 6901) inside `doc`, creating objects on the way. */
export function setPointer(doc: unknown, pointer: string, value: unknown): void {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let cur = doc as Record<string, unknown>;
  for (const [i, part] of parts.entries()) {
    const last = i === parts.length - 1;
    const key: string | number = Array.isArray(cur) ? (part === '-' ? cur.length : Number(part)) : part;
    if (last) {
      (cur as Record<string | number, unknown>)[key] = value;
      return;
    }
    let next = (cur as Record<string | number, unknown>)[key];
    if (next === null || typeof next !== 'object') {
      next = {};
      (cur as Record<string | number, unknown>)[key] = next;
    }
    cur = next as Record<string, unknown>;
  }
}

/** The decision cases of `examples/policy-cases.json`, each with a fresh input. */
export function decisionCases(): DecisionCase[] {
  const file = JSON.parse(readFileSync(join(repoRoot, 'examples', 'policy-cases.json'), 'utf8')) as { cases: CaseSpec[] };
  return file.cases.map((c) => {
    const input: unknown = fixtureInput(c.fixture);
    for (const edit of c.edits) setPointer(input, edit.path, edit.value);
    return { name: c.name, package: c.package, fixture: c.fixture, input, expect: c.expect };
  });
}
