/**
 * Task executors: what a stage type runs. A StageExecutor lists the tasks of a stage; each
 * task returns context/outputs to merge and, when it would call Clouddriver, the deployment
 * operations it submits (checked by the `beforeDeploymentOperation` hook first).
 */
import type { JsonObject, PipelineExecution, StageExecution, TaskExecution, User } from '@policy-engine/orca-adapter';

/** A deployment operation as a task would send it to Clouddriver. */
export interface DeploymentOperation {
  /** Operation type, e.g. `deployManifest`; selects `spinnaker.deployment.tasks.before.<type>`. */
  readonly type: string;
  /** The operation description (`input.deploy`). */
  readonly description: JsonObject;
}

/** What a task produced. */
export interface TaskOutcome {
  /** Default SUCCEEDED. TERMINAL fails the stage (with `messages`). */
  readonly status?: 'SUCCEEDED' | 'TERMINAL';
  /** Keys merged into the stage context (flat dotted keys stay flat), only when the task succeeds. */
  readonly context?: JsonObject;
  /** Keys merged into the stage outputs, only when the task succeeds. */
  readonly outputs?: JsonObject;
  /** Operations submitted to the cloud; each passes the deployment hook first. */
  readonly operations?: readonly DeploymentOperation[];
  readonly messages?: readonly string[];
}

/** What a task sees when it runs. */
export interface TaskContext {
  readonly execution: PipelineExecution;
  readonly stage: StageExecution;
  readonly task: TaskExecution;
  readonly user: User;
}

/** One task of a stage type. */
export interface TaskDefinition {
  readonly name: string;
  readonly implementingClass: string;
  run(ctx: TaskContext): TaskOutcome | Promise<TaskOutcome>;
}

/** Executes one stage type: the list of its tasks, in order. */
export interface StageExecutor {
  tasks(stage: StageExecution): readonly TaskDefinition[];
}

/** Stage executors by stage type. */
export type StageExecutors = Readonly<Record<string, StageExecutor>>;
