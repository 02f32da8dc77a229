/**
 * The Orca interceptor: one method per hook. Each hook builds its input, skips packages
 * the loaded set cannot decide (the evaluator's one rule, `hasPolicy`: no engine call),
 * evaluates the others and turns a denial into a TERMINAL result carrying the messages.
 */
import type { Decision } from '@policy-engine/evaluator';
import {
  PIPELINE_BEFORE_PACKAGE,
  deploymentBeforePackage,
  legacyDeploymentPackage,
  legacyTaskBeforePackage,
  stageAfterPackage,
  stageBeforePackage,
} from './packages.js';
import { deploymentInput, pipelineBeforeInput, stageInput, type StageListForm } from './inputs.js';
import type { JsonObject, PipelineExecution, StageExecution, TaskExecution, User } from './model.js';

/**
 * What the interceptor needs from a policy engine: the `PolicyEngine` returned by
 * `createPolicyEngine` (from `@policy-engine/evaluator`) fits.
 */
export interface PolicyDecider {
  /** Never rejects; failures are decisions with `error`. */
  evaluate(packageName: string, input: unknown, opts?: { readonly signal?: AbortSignal }): Promise<Decision>;
  /**
   * The evaluator's rule "may the active set decide this package" (a module declares it, or a
   * parent package's rule heads reach it; follows reloads). The adapter keeps no index of its own.
   */
  hasPolicy(packageName: string): boolean;
}

/** The four hooks. */
export type HookName = 'beforePipeline' | 'beforeTask' | 'afterStage' | 'beforeDeploymentOperation';

/** One package the hook looked at. */
export interface PackageCheck {
  readonly package: string;
  /** False when no policy defines the package: it was not sent to the engine. */
  readonly evaluated: boolean;
  readonly decision?: Decision;
}

/** Outcome of one hook: CONTINUE, or TERMINAL with the policy's messages. */
export interface HookResult {
  readonly hook: HookName;
  readonly status: 'CONTINUE' | 'TERMINAL';
  /** Deny messages of every denying package (or the engine error when there are none). */
  readonly messages: readonly string[];
  /** Every package considered, in order (primary name first, then legacy aliases). */
  readonly checks: readonly PackageCheck[];
}

/** Options of {@link createOrcaInterceptor}. */
export interface OrcaInterceptorOptions {
  readonly policyEngine: PolicyDecider;
  /**
   * Also consult the legacy package names: `spinnaker.execution.task.before.<taskName>` for
   * tasks and `spinnaker.deployment.tasks.<operationType>` for deployment operations. Default false.
   */
  readonly legacyPackageNames?: boolean;
  /** Form of `input.pipeline.stages[]` in stage inputs (default full objects). */
  readonly stageList?: StageListForm;
}

/** Per-call options. */
export interface HookOptions {
  readonly signal?: AbortSignal;
}

/** The hooks Orca (and Clouddriver) call. */
export interface OrcaInterceptor {
  /** `spinnaker.execution.pipelines.before`: once, before any stage runs. */
  beforePipeline(execution: PipelineExecution, user: User, opts?: HookOptions): Promise<HookResult>;
  /** `spinnaker.execution.stages.before.<stage.type>`: before `task` runs; `stage.tasks` holds the current statuses. */
  beforeTask(execution: PipelineExecution, stage: StageExecution, task: TaskExecution, user: User, opts?: HookOptions): Promise<HookResult>;
  /** `spinnaker.execution.stages.after.<stage.type>`: right after the stage's tasks ran. */
  afterStage(execution: PipelineExecution, stage: StageExecution, user: User, opts?: HookOptions): Promise<HookResult>;
  /** `spinnaker.deployment.tasks.before.<operationType>` with `input.deploy` = the operation description. */
  beforeDeploymentOperation(operationType: string, description: JsonObject, opts?: HookOptions): Promise<HookResult>;
}

function denialMessages(decision: Decision): readonly string[] {
  if (decision.denies.length > 0) return decision.denies;
  if (decision.error) return [`policy ${decision.package} could not be evaluated (${decision.error.code}): ${decision.error.message}`];
  if (decision.message) return [decision.message];
  return [`denied by policy ${decision.package}`];
}

/** Creates the interceptor over a policy engine. */
export function createOrcaInterceptor(options: OrcaInterceptorOptions): OrcaInterceptor {
  const { policyEngine } = options;
  const legacy = options.legacyPackageNames === true;
  const stageList = options.stageList ?? 'objects';

  async function check(hook: HookName, packages: readonly string[], input: () => unknown, opts?: HookOptions): Promise<HookResult> {
    const checks: PackageCheck[] = [];
    const messages: string[] = [];
    let built: unknown;
    for (const pkg of packages) {
      if (!policyEngine.hasPolicy(pkg)) {
        checks.push({ package: pkg, evaluated: false });
        continue;
      }
      built ??= input();
      const decision = await policyEngine.evaluate(pkg, built, opts?.signal ? { signal: opts.signal } : undefined);
      checks.push({ package: pkg, evaluated: true, decision });
      if (!decision.allowed) for (const m of denialMessages(decision)) if (!messages.includes(m)) messages.push(m);
    }
    const denied = checks.some((c) => c.decision !== undefined && !c.decision.allowed);
    return { hook, status: denied ? 'TERMINAL' : 'CONTINUE', messages, checks };
  }

  return {
    beforePipeline: (execution, user, opts) =>
      check('beforePipeline', [PIPELINE_BEFORE_PACKAGE], () => pipelineBeforeInput(execution, user), opts),
    beforeTask: (execution, stage, task, user, opts) =>
      check(
        'beforeTask',
        legacy ? [stageBeforePackage(stage.type), legacyTaskBeforePackage(task.name)] : [stageBeforePackage(stage.type)],
        () => stageInput(execution, stage, user, stageList),
        opts,
      ),
    afterStage: (execution, stage, user, opts) =>
      check('afterStage', [stageAfterPackage(stage.type)], () => stageInput(execution, stage, user, stageList), opts),
    beforeDeploymentOperation: (operationType, description, opts) =>
      check(
        'beforeDeploymentOperation',
        legacy
          ? [deploymentBeforePackage(operationType), legacyDeploymentPackage(operationType)]
          : [deploymentBeforePackage(operationType)],
        () => deploymentInput(description),
        opts,
      ),
  };
}
