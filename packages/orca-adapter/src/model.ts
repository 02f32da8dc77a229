/**
 * A typed, Orca-like execution model: the saved pipeline configuration, the running
 * execution with its stages and tasks, the trigger and the acting user. Field names follow
 * Orca's JSON (see packages.md §1) so that the input builders are plain projections.
 */

/** Orca's execution / stage / task statuses (the subset this model uses). */
export type ExecutionStatus = 'NOT_STARTED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED_CONTINUE' | 'TERMINAL' | 'CANCELED' | 'SKIPPED';

/** A JSON object with arbitrary keys (stage contexts hold literal dotted keys such as `kato.tasks`). */
export type JsonObject = Record<string, unknown>;

/** One role of the acting user, as Fiat supplies it. */
export interface UserRole {
  readonly name: string;
  readonly source: string;
}

/** The acting user (`input.user`). */
export interface User {
  readonly username: string;
  readonly isAdmin: boolean;
  readonly roles: readonly UserRole[];
}

/** One stage of a saved pipeline configuration: its context is its configuration. */
export interface StageConfig {
  readonly refId: string;
  readonly type: string;
  readonly name?: string;
  readonly requisiteStageRefIds?: readonly string[];
  readonly [key: string]: unknown;
}

/** A pipeline configuration as Front50 stores it (extra keys pass through unchanged). */
export interface PipelineConfig {
  readonly application: string;
  readonly name: string;
  readonly id?: string;
  readonly stages: readonly StageConfig[];
  readonly triggers?: readonly unknown[];
  readonly [key: string]: unknown;
}

/**
 * The trigger that started an execution. `type`, `user` and `parameters` are what policies
 * read most; the remaining fields mirror Orca's trigger JSON. `extra` holds any further keys
 * of the raw trigger map (they appear in `trigger.other` and in the pipelines.before trigger).
 */
export interface Trigger {
  type: string;
  user: string;
  parameters: JsonObject;
  artifacts: unknown[];
  expectedArtifacts: unknown[];
  resolvedExpectedArtifacts: unknown[];
  notifications: unknown[];
  correlationId: string | null;
  dryRun: boolean;
  rebake: boolean;
  strategy: boolean;
  enabled: boolean;
  preferred: boolean;
  eventId: string;
  executionId: string;
  extra: JsonObject;
}

/** One task of a stage execution (`input.stage.tasks[]`). */
export interface TaskExecution {
  id: string;
  name: string;
  implementingClass: string;
  status: ExecutionStatus;
  /** Epoch milliseconds, null until the task starts. */
  startTime: number | null;
  /** Epoch milliseconds, null until the task ends. */
  endTime: number | null;
  stageStart: boolean;
  stageEnd: boolean;
  loopStart: boolean;
  loopEnd: boolean;
}

/** One stage of a running execution (`input.stage`, and elements of `input.pipeline.stages[]`). */
export interface StageExecution {
  id: string;
  refId: string;
  type: string;
  name: string;
  status: ExecutionStatus;
  /** The stage configuration plus what its tasks wrote; flat dotted keys stay flat. */
  context: JsonObject;
  outputs: JsonObject;
  tasks: TaskExecution[];
  requisiteStageRefIds: string[];
  startTime: number | null;
  endTime: number | null;
  scheduledTime: number | null;
  startTimeExpiry: number | null;
  lastModified: JsonObject | null;
  parentStageId: string | null;
  syntheticStageOwner: 'STAGE_BEFORE' | 'STAGE_AFTER' | null;
}

/** A running pipeline execution (`input.pipeline` of the stage packages). */
export interface PipelineExecution {
  id: string;
  type: 'PIPELINE' | 'ORCHESTRATION';
  application: string;
  name: string | null;
  description: string | null;
  pipelineConfigId: string | null;
  status: ExecutionStatus;
  canceled: boolean;
  canceledBy: string | null;
  cancellationReason: string | null;
  /** Epoch milliseconds. */
  buildTime: number;
  startTime: number | null;
  endTime: number | null;
  startTimeExpiry: number | null;
  keepWaitingPipelines: boolean;
  limitConcurrent: boolean;
  origin: string;
  partition: string | null;
  paused: JsonObject | null;
  source: JsonObject | null;
  spelEvaluator: string | null;
  templateVariables: JsonObject | null;
  authentication: { user: string; allowedAccounts: string[] };
  initialConfig: JsonObject;
  notifications: unknown[];
  systemNotifications: unknown[];
  trigger: Trigger;
  stages: StageExecution[];
  /** The configuration this execution was started from (what `spinnaker.execution.pipelines.before` sees). */
  config: PipelineConfig;
}
