import { createPolicyEngine, type Decision, type PolicyEngine, type RegoVersionSetting } from '@policy-engine/evaluator';
import { nativeEngine } from '@policy-engine/engine-native';

/** Policies of a fixture: one module's source, or module sources by file name. */
export type FixturePolicies = string | Readonly<Record<string, string>>;

/** Options of `policyFixture`. */
export interface PolicyFixtureOptions {
  /** Base data merged at the root of `data`. */
  readonly data?: Record<string, unknown>;
  /** Rego version of the modules (default `auto`: v1 when it parses as v1, else v0). */
  readonly regoVersion?: RegoVersionSetting;
  /**
   * Check every input against the package's typed input first (default `true`): an input that
   * does not match it gives a Decision with error `INVALID_INPUT` instead of a verdict.
   */
  readonly validateInput?: boolean;
}

/** A loaded policy set deciding one package on the native engine. */
export interface PolicyFixture {
  /** The package every `decide` asks. */
  readonly packageName: string;
  /** Decides `input` (e.g. made with an inputs-* builder). */
  decide(input: unknown): Promise<Decision>;
  /** Closes the engine. */
  close(): Promise<void>;
}

/** The fixture could not be made: the policies do not compile, or none declares the package. */
export class PolicyFixtureError extends Error {
  override readonly name = 'PolicyFixtureError';
}

/**
 * Loads `policies` on the native engine (as the gate and Orca adapters do) and returns a
 * fixture that decides `packageName`. Throws `PolicyFixtureError` when the policies fail to
 * compile or no module declares `packageName` (a typo would otherwise be "allowed, no policy").
 */
export async function policyFixture(
  packageName: string,
  policies: FixturePolicies,
  options: PolicyFixtureOptions = {},
): Promise<PolicyFixture> {
  const files = typeof policies === 'string' ? { 'policy.rego': policies } : policies;
  const regoVersion = options.regoVersion ?? 'auto';
  let engine: PolicyEngine;
  try {
    engine = await createPolicyEngine({
      engine: nativeEngine(),
      policies: { kind: 'inline', modules: Object.entries(files).map(([id, source]) => ({ id, source, regoVersion })) },
      ...(options.data ? { data: options.data } : {}),
      options: { validateInput: options.validateInput === false ? 'off' : 'reject' },
    });
  } catch (err) {
    throw new PolicyFixtureError(`the policies do not load: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const loaded = engine.modules().map((m) => m.packageName);
  const declared = loaded.some((p) => p === packageName || packageName.startsWith(`${p}.`) || p.startsWith(`${packageName}.`));
  if (!declared) {
    await engine.close();
    throw new PolicyFixtureError(`no module declares package ${packageName} (loaded: ${loaded.join(', ') || 'none'})`);
  }
  return fixtureOf(packageName, engine);
}

function fixtureOf(packageName: string, engine: PolicyEngine): PolicyFixture {
  return {
    packageName,
    decide: (input: unknown) => engine.evaluate(packageName, input),
    close: () => engine.close(),
  };
}
