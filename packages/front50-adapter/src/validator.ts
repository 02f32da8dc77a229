/**
 * Save-time pipeline validation (Front50): a pipeline configuration is checked against
 * `opa.pipelines` when it is created or updated; any `deny` message rejects the save.
 */
import { ConfigurationError, InvalidInput, type Decision } from '@policy-engine/evaluator';
import { toInputErrors } from '@policy-engine/inputs-common';
import { PipelinesInput } from '@policy-engine/inputs-pipelines';
import { OPA_PIPELINES_PACKAGE, PERSISTENCE_PIPELINES_BEFORE_PACKAGE } from './packages.js';

/**
 * What the validator needs from a policy engine: the `PolicyEngine` returned by
 * `createPolicyEngine` (from `@policy-engine/evaluator`) fits.
 */
export interface PolicyDecider {
  evaluate(packageName: string, input: unknown, opts?: { readonly signal?: AbortSignal }): Promise<Decision>;
  /** The evaluator's rule "may the active set decide this package" (parent packages' ref-head rules included). */
  hasPolicy(packageName: string): boolean;
}

/** The user saving the pipeline (`input.user`; the published `opa.pipelines` examples have none). */
export interface SavingUser {
  readonly username: string;
  readonly isAdmin?: boolean;
  /** Role names, or `{name, source}` objects as Fiat supplies them. */
  readonly roles?: readonly (string | { readonly name: string; readonly source: string })[];
}

/** Options of {@link createFront50Validator}. */
export interface Front50ValidatorOptions {
  readonly policyEngine: PolicyDecider;
  /**
   * What a save does when no policy defines `opa.pipelines`. The docs contradict each other:
   * `allow` (default) is the plugin overview's reading (no policy, no validation); `deny` is the
   * extension's "fail closed" reading (no pipeline can be saved until a policy exists).
   */
  readonly onMissingPolicy?: 'allow' | 'deny';
  /** Also consult `spinnaker.persistence.pipelines.before` (early plugin name). Default false. */
  readonly legacyPackageName?: boolean;
  /**
   * Check the pipeline against the `opa.pipelines` input type before the policies see it
   * (default true). A malformed pipeline (e.g. `stages` that is not a list) is refused with
   * one error per problem (`input.pipeline.stages: expected Array<StageConfig>, got string "nope"`)
   * instead of reaching policies that would find nothing to deny. Only checked when a
   * save-time policy is loaded.
   */
  readonly validateShape?: boolean;
}

/** Outcome of validating one pipeline save. */
export interface SaveValidationResult {
  /** True when the save may go ahead. */
  readonly valid: boolean;
  /** Deny messages (or the reason the save was refused: missing policy, engine failure). */
  readonly errors: readonly string[];
  /** Whether any policy for the save package was loaded. */
  readonly policyFound: boolean;
  /** The decisions the engine returned (empty when no policy was loaded). */
  readonly decisions: readonly Decision[];
}

/** One pipeline's line in a batch report. */
export interface BatchEntry {
  /** Position in the batch. */
  readonly index: number;
  /** The pipeline's `name` (or `#<index>` when it has none). */
  readonly name: string;
  readonly id: string | null;
  readonly application: string | null;
  readonly valid: boolean;
  readonly errors: readonly string[];
}

/** Report of a batch validation (Pipelines-as-Code style). */
export interface BatchValidationResult {
  /** True when every pipeline is valid. */
  readonly valid: boolean;
  readonly total: number;
  /** Entries of the invalid pipelines, in batch order. */
  readonly invalid: readonly BatchEntry[];
  /** One entry per pipeline, in batch order. */
  readonly results: readonly BatchEntry[];
}

/** Options of a batch run. */
export interface BatchOptions {
  /** Pipelines validated at the same time (default 4). */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
}

/** Save-time validation over a policy engine. */
export interface Front50Validator {
  /**
   * Validates one pipeline save. Never rejects for policy reasons.
   * @throws InvalidInput when `pipeline` is not a JSON object.
   */
  validatePipelineSave(
    pipeline: unknown,
    user?: SavingUser | string,
    opts?: { readonly signal?: AbortSignal },
  ): Promise<SaveValidationResult>;
  /** Validates many pipelines and reports each by name/id; a malformed entry is reported, not thrown. */
  validatePipelines(pipelines: readonly unknown[], user?: SavingUser | string, opts?: BatchOptions): Promise<BatchValidationResult>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function userDocument(user: SavingUser | string): Record<string, unknown> {
  const u: SavingUser = typeof user === 'string' ? { username: user } : user;
  return { isAdmin: u.isAdmin ?? false, roles: [...(u.roles ?? [])], username: u.username };
}

function refusal(decision: Decision): string[] {
  if (decision.denies.length > 0) return [...decision.denies];
  if (decision.error) return [`policy ${decision.package} could not be evaluated (${decision.error.code}): ${decision.error.message}`];
  return [decision.message ?? `denied by policy ${decision.package}`];
}

/**
 * Creates a save-time validator.
 * @throws ConfigurationError when `onMissingPolicy` is neither `allow` nor `deny`.
 */
export function createFront50Validator(options: Front50ValidatorOptions): Front50Validator {
  const { policyEngine } = options;
  const onMissingPolicy = options.onMissingPolicy ?? 'allow';
  const validateShape = options.validateShape ?? true;
  if (onMissingPolicy !== 'allow' && onMissingPolicy !== 'deny') {
    throw new ConfigurationError(`onMissingPolicy must be 'allow' or 'deny', got ${JSON.stringify(onMissingPolicy)}`);
  }
  const packages = options.legacyPackageName ? [OPA_PIPELINES_PACKAGE, PERSISTENCE_PIPELINES_BEFORE_PACKAGE] : [OPA_PIPELINES_PACKAGE];
  const missing = (): SaveValidationResult =>
    onMissingPolicy === 'allow'
      ? { valid: true, errors: [], policyFound: false, decisions: [] }
      : {
          valid: false,
          errors: [`no policy is loaded for ${OPA_PIPELINES_PACKAGE}; save-time validation fails closed (onMissingPolicy: 'deny')`],
          policyFound: false,
          decisions: [],
        };

  const validatePipelineSave: Front50Validator['validatePipelineSave'] = async (pipeline, user, opts) => {
    if (!isRecord(pipeline)) {
      throw new InvalidInput(OPA_PIPELINES_PACKAGE, [
        `pipeline: expected an object, got ${JSON.stringify(pipeline)?.slice(0, 40) ?? 'undefined'}`,
      ]);
    }
    const input: Record<string, unknown> = { pipeline };
    if (user !== undefined) input['user'] = userDocument(user);
    const decisions: Decision[] = [];
    if (validateShape && packages.some((pkg) => policyEngine.hasPolicy(pkg))) {
      const decoded = PipelinesInput.decode(input);
      if (decoded._tag === 'Left') {
        return { valid: false, errors: toInputErrors(decoded.left).map((e) => e.message), policyFound: true, decisions };
      }
    }
    for (const pkg of packages) {
      if (!policyEngine.hasPolicy(pkg)) continue;
      const decision = await policyEngine.evaluate(pkg, input, opts?.signal ? { signal: opts.signal } : undefined);
      // A policy removed between the index lookup and the evaluation counts as missing.
      if (decision.policyFound || decision.error) decisions.push(decision);
    }
    if (decisions.length === 0) return missing();
    const errors: string[] = [];
    for (const d of decisions) if (!d.allowed) for (const m of refusal(d)) if (!errors.includes(m)) errors.push(m);
    return { valid: decisions.every((d) => d.allowed), errors, policyFound: true, decisions };
  };

  const validatePipelines: Front50Validator['validatePipelines'] = async (pipelines, user, opts) => {
    const concurrency = Math.max(1, Math.floor(opts?.concurrency ?? 4));
    const results: BatchEntry[] = new Array<BatchEntry>(pipelines.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < pipelines.length) {
        const index = next++;
        const pipeline = pipelines[index];
        const rec = isRecord(pipeline) ? pipeline : {};
        const base = {
          index,
          name: typeof rec['name'] === 'string' ? rec['name'] : `#${index}`,
          id: typeof rec['id'] === 'string' ? rec['id'] : null,
          application: typeof rec['application'] === 'string' ? rec['application'] : null,
        };
        try {
          const r = await validatePipelineSave(pipeline, user, opts?.signal ? { signal: opts.signal } : undefined);
          results[index] = { ...base, valid: r.valid, errors: r.errors };
        } catch (err) {
          results[index] = { ...base, valid: false, errors: [err instanceof Error ? err.message : String(err)] };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, pipelines.length) }, worker));
    const invalid = results.filter((r) => !r.valid);
    return { valid: invalid.length === 0, total: results.length, invalid, results };
  };

  return { validatePipelineSave, validatePipelines };
}
