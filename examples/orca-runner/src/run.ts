/**
 * The example runner: one call does what `policy-engine run-pipeline` does.
 */
import { createOrcaInterceptor, type PipelineConfig, type User } from '@policy-engine/orca-adapter';
import { runPipeline, type PipelineRunResult } from '@policy-engine/orca-simulator';
import type { Engine, FleetSettings } from '@policy-engine/evaluator';
import { DEFAULT_ENGINE, DEFAULT_POLICY_DIR, openPolicyEngine, type EngineName } from './engines.js';
import { formatExecutionLog, type LogFormat } from './format.js';

/** Options of {@link runPipelineExample}. */
export interface RunPipelineExampleOptions {
  /** Default {@link DEFAULT_POLICY_DIR} (examples/policies). */
  readonly policyDir?: string;
  /** Default `DEFAULT_ENGINE` of `@policy-engine/engines` (native: in-process, no OPA). */
  readonly engine?: EngineName;
  /** The user starting the pipeline: a name, or a full user (default `anonymous`). */
  readonly user?: User | string;
  /** Default `pretty`. */
  readonly format?: LogFormat;
  /** Also consult the legacy package names (`spinnaker.execution.task.before.*`, `spinnaker.deployment.tasks.*`). */
  readonly legacyPackageNames?: boolean;
  readonly opaPath?: string;
  /** Wraps the engine (e.g. a counting decorator in tests). */
  readonly wrapEngine?: (engine: Engine) => Engine;
  /** Bundle service and decision-log collector (the gate's settings, `fleetSettingsFromEnv`); see `openPolicyEngine`. */
  readonly fleet?: FleetSettings;
}

/** What a run produced: the exit code (0 succeeded, 1 stopped by a policy), the rendered log and the raw result. */
export interface RunPipelineExampleResult {
  readonly exitCode: 0 | 1;
  readonly output: string;
  readonly result: PipelineRunResult;
}

/**
 * Executes a pipeline configuration (as Spinnaker saves it) with the simulated executors
 * under every policy hook, and renders the execution log.
 * @throws InvalidPipelineConfig for a configuration that cannot run; EngineNotAvailableError for
 *   `engine: 'native'`; PolicySourceError / PolicyCompileError for unreadable or broken policies.
 */
export async function runPipelineExample(pipeline: unknown, options: RunPipelineExampleOptions = {}): Promise<RunPipelineExampleResult> {
  const engine = options.engine ?? DEFAULT_ENGINE;
  const runner = await openPolicyEngine({
    engine,
    policyDir: options.policyDir ?? DEFAULT_POLICY_DIR,
    ...(options.opaPath ? { opaPath: options.opaPath } : {}),
    ...(options.wrapEngine ? { wrapEngine: options.wrapEngine } : {}),
    ...(options.fleet ? { fleet: options.fleet } : {}),
  });
  try {
    const interceptor = createOrcaInterceptor({
      policyEngine: runner.policyEngine,
      legacyPackageNames: options.legacyPackageNames ?? false,
    });
    const result = await runPipeline(pipeline as PipelineConfig, {
      interceptor,
      ...(options.user !== undefined ? { user: options.user } : {}),
    });
    return {
      exitCode: result.status === 'SUCCEEDED' ? 0 : 1,
      output: formatExecutionLog(result, options.format ?? 'pretty', { engine }),
      result,
    };
  } finally {
    await runner.close();
  }
}
