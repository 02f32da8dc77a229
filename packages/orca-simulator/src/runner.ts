/**
 * The pipeline runner: executes a pipeline configuration over its stage graph
 * (`requisiteStageRefIds`), with pluggable executors per stage type, calling every hook of
 * the interceptor, and records an execution log.
 *
 * Semantics (a simplified Orca):
 * - `beforePipeline` denies ⇒ the execution is TERMINAL and no stage runs.
 * - Stages run one at a time, in configuration order among the stages whose requisites have
 *   finished (deterministic logs). A stage stopped by a policy (or a failing task) is
 *   TERMINAL; stages that depend on it do not run; unrelated branches still run to the end
 *   (Orca's "complete other branches, then fail"). A stage with `continuePipeline: true`
 *   ends FAILED_CONTINUE instead and its dependants run.
 * - Before each task: `beforeTask` (the task is RUNNING in the input). Each deployment
 *   operation a task submits passes `beforeDeploymentOperation` first. After all tasks of a
 *   stage succeeded: `afterStage` (stage still RUNNING in the input); a denial fails the stage.
 * - A failed stage carries the messages in `context.exception.details.errors`, where Orca
 *   shows them in the execution details.
 * - The execution ends SUCCEEDED, or TERMINAL when any stage is TERMINAL.
 * - Cost is linear in the stage count: stages not started yet and finished stages are
 *   deep-frozen copies (`freezeStage`), whose input documents are built and checked once and
 *   shared by every later hook; only the running stage is a live object. A stage is replaced
 *   by a live copy when it starts and by a frozen copy when it ends, so executors change their
 *   own stage (through their outcome), never a finished one.
 */
import { createExecution, freezeStage, toUser, type CreateExecutionOptions } from '@policy-engine/orca-adapter';
import { genericExecutor, simulatedExecutors } from './simulated.js';
import type { StageExecutor, StageExecutors } from './executors.js';
import type { HookName, HookResult, OrcaInterceptor } from '@policy-engine/orca-adapter';
import type { ExecutionStatus, PipelineConfig, PipelineExecution, StageExecution, TaskExecution, User } from '@policy-engine/orca-adapter';

/** Identifies a stage in the log. */
export interface StageRef {
  readonly refId: string;
  readonly name: string;
  readonly type: string;
}

/** One entry of the execution log. */
export type ExecutionEvent =
  | {
      readonly kind: 'pipeline.start';
      readonly executionId: string;
      readonly pipeline: string;
      readonly application: string;
      readonly user: string;
    }
  | {
      readonly kind: 'hook';
      readonly hook: HookName;
      readonly result: HookResult;
      readonly stage?: StageRef;
      readonly task?: string;
      readonly operation?: string;
    }
  | { readonly kind: 'stage.start'; readonly stage: StageRef }
  | {
      readonly kind: 'task.end';
      readonly stage: StageRef;
      readonly task: string;
      readonly status: ExecutionStatus;
      readonly messages: readonly string[];
    }
  | { readonly kind: 'stage.end'; readonly stage: StageRef; readonly status: ExecutionStatus; readonly messages: readonly string[] }
  | { readonly kind: 'stage.notRun'; readonly stage: StageRef; readonly reason: string }
  | { readonly kind: 'pipeline.end'; readonly status: ExecutionStatus; readonly messages: readonly string[] };

/** Where and why a policy (or a task) stopped the execution. */
export interface StopReport {
  readonly hook: HookName | 'task';
  readonly stage?: StageRef;
  readonly task?: string;
  readonly operation?: string;
  /** Packages that denied. */
  readonly packages: readonly string[];
  readonly messages: readonly string[];
}

/** Result of {@link runPipeline}. */
export interface PipelineRunResult {
  /** SUCCEEDED or TERMINAL. */
  readonly status: ExecutionStatus;
  /** The final execution (stage and task statuses, contexts, outputs). */
  readonly execution: PipelineExecution;
  /** The execution log, in order. */
  readonly events: readonly ExecutionEvent[];
  /** Every stop, in order (empty when the pipeline succeeded). */
  readonly stops: readonly StopReport[];
}

/** Options of {@link runPipeline}. */
export interface RunPipelineOptions extends CreateExecutionOptions {
  readonly interceptor: OrcaInterceptor;
  /** Executors by stage type; merged over {@link simulatedExecutors}. */
  readonly executors?: StageExecutors;
  /** Executor for stage types with none (default {@link genericExecutor}). */
  readonly fallbackExecutor?: (stageType: string) => StageExecutor;
  /** Called for every log entry as it happens. */
  readonly onEvent?: (event: ExecutionEvent) => void;
  readonly signal?: AbortSignal;
}

const stageRef = (stage: StageExecution): StageRef => ({ refId: stage.refId, name: stage.name, type: stage.type });
const deniedPackages = (result: HookResult): string[] =>
  result.checks.filter((c) => c.decision !== undefined && !c.decision.allowed).map((c) => c.package);

/** Runs `config` to the end and returns the final execution and its log. Throws InvalidPipelineConfig for a bad graph. */
export async function runPipeline(config: PipelineConfig, options: RunPipelineOptions): Promise<PipelineRunResult> {
  const execution = createExecution(config, options);
  const user: User = toUser(options.user);
  const now = options.now ?? Date.now;
  const executors: StageExecutors = { ...simulatedExecutors, ...options.executors };
  const fallback = options.fallbackExecutor ?? genericExecutor;
  const { interceptor } = options;
  const hookOpts = options.signal ? { signal: options.signal } : undefined;
  const events: ExecutionEvent[] = [];
  const stops: StopReport[] = [];
  const log = (event: ExecutionEvent): void => {
    events.push(event);
    options.onEvent?.(event);
  };

  log({ kind: 'pipeline.start', executionId: execution.id, pipeline: config.name, application: config.application, user: user.username });
  execution.status = 'RUNNING';
  execution.startTime = now();

  const start = await interceptor.beforePipeline(execution, user, hookOpts);
  log({ kind: 'hook', hook: 'beforePipeline', result: start });
  if (start.status === 'TERMINAL') {
    stops.push({ hook: 'beforePipeline', packages: deniedPackages(start), messages: start.messages });
    execution.status = 'TERMINAL';
    execution.endTime = now();
    for (const stage of execution.stages)
      log({ kind: 'stage.notRun', stage: stageRef(stage), reason: 'the pipeline was stopped before it started' });
    log({ kind: 'pipeline.end', status: 'TERMINAL', messages: start.messages });
    return { status: 'TERMINAL', execution, events, stops };
  }

  execution.stages = execution.stages.map(freezeStage);
  const byRef = new Map(execution.stages.map((s) => [s.refId, s]));
  const indexOf = new Map(execution.stages.map((s, i) => [s.refId, i]));
  const done = (s: StageExecution): boolean => s.status === 'SUCCEEDED' || s.status === 'FAILED_CONTINUE';
  const replace = (stage: StageExecution): void => {
    execution.stages[indexOf.get(stage.refId) as number] = stage;
    byRef.set(stage.refId, stage);
  };
  // Ready stages, run lowest configuration index first: each stage is scheduled once, when its last requisite is done.
  const waitingOn = new Map(execution.stages.map((s) => [s.refId, new Set(s.requisiteStageRefIds).size]));
  const dependants = new Map<string, string[]>();
  for (const s of execution.stages)
    for (const r of new Set(s.requisiteStageRefIds)) dependants.set(r, [...(dependants.get(r) ?? []), s.refId]);
  const ready = new ReadyQueue();
  for (const [i, s] of execution.stages.entries()) if (waitingOn.get(s.refId) === 0) ready.push(i);
  for (let i = ready.pop(); i !== undefined; i = ready.pop()) {
    const live = structuredClone(execution.stages[i] as StageExecution);
    replace(live);
    await runStage(live);
    const finished = freezeStage(live);
    replace(finished);
    if (!done(finished)) continue;
    for (const d of dependants.get(finished.refId) ?? []) {
      const left = (waitingOn.get(d) as number) - 1;
      waitingOn.set(d, left);
      if (left === 0) ready.push(indexOf.get(d) as number);
    }
  }

  for (const stage of execution.stages) {
    if (stage.status !== 'NOT_STARTED') continue;
    const blockers = blockedBy(stage);
    log({
      kind: 'stage.notRun',
      stage: stageRef(stage),
      reason: `upstream stage ${blockers.map((b) => `${b.name} (${b.refId})`).join(', ')} did not succeed`,
    });
  }
  const status: ExecutionStatus = execution.stages.some((s) => s.status === 'TERMINAL') ? 'TERMINAL' : 'SUCCEEDED';
  execution.status = status;
  execution.endTime = now();
  log({ kind: 'pipeline.end', status, messages: stops.flatMap((s) => s.messages) });
  return { status, execution, events, stops };

  function blockedBy(stage: StageExecution): StageExecution[] {
    return stage.requisiteStageRefIds.map((r) => byRef.get(r) as StageExecution).filter((s) => !done(s));
  }

  async function runStage(stage: StageExecution): Promise<void> {
    const ref = stageRef(stage);
    // Own keys only: a stage type such as `constructor` or `toString` must not find Object.prototype's.
    const exec = (Object.hasOwn(executors, stage.type) ? executors[stage.type] : undefined) ?? fallback(stage.type);
    const definitions = exec.tasks(stage);
    stage.tasks = definitions.map((d, i): TaskExecution => ({
      id: String(i + 1),
      name: d.name,
      implementingClass: d.implementingClass,
      status: 'NOT_STARTED',
      startTime: null,
      endTime: null,
      stageStart: i === 0,
      stageEnd: i === definitions.length - 1,
      loopStart: false,
      loopEnd: false,
    }));
    stage.status = 'RUNNING';
    stage.startTime = now();
    log({ kind: 'stage.start', stage: ref });

    const fail = (messages: readonly string[], operation: string): void => {
      stage.status = stage.context['continuePipeline'] === true ? 'FAILED_CONTINUE' : 'TERMINAL';
      stage.endTime = now();
      // Where Orca shows a failed stage's messages in the execution details.
      stage.context['exception'] = { details: { errors: [...messages] }, operation, shouldRetry: false, timestamp: stage.endTime };
      log({ kind: 'stage.end', stage: ref, status: stage.status, messages });
    };

    for (const [i, definition] of definitions.entries()) {
      const task = stage.tasks[i] as TaskExecution;
      task.status = 'RUNNING';
      task.startTime = now();
      const before = await interceptor.beforeTask(execution, stage, task, user, hookOpts);
      log({ kind: 'hook', hook: 'beforeTask', result: before, stage: ref, task: task.name });
      if (before.status === 'TERMINAL') {
        stops.push({ hook: 'beforeTask', stage: ref, task: task.name, packages: deniedPackages(before), messages: before.messages });
        endTask(task, 'TERMINAL', before.messages);
        return fail(before.messages, task.name);
      }
      let outcome;
      try {
        outcome = await definition.run({ execution, stage, task, user });
      } catch (err) {
        const messages = [`task ${task.name} failed: ${err instanceof Error ? err.message : String(err)}`];
        stops.push({ hook: 'task', stage: ref, task: task.name, packages: [], messages });
        endTask(task, 'TERMINAL', messages);
        return fail(messages, task.name);
      }
      for (const op of outcome.operations ?? []) {
        const check = await interceptor.beforeDeploymentOperation(op.type, op.description, hookOpts);
        log({ kind: 'hook', hook: 'beforeDeploymentOperation', result: check, stage: ref, task: task.name, operation: op.type });
        if (check.status === 'TERMINAL') {
          stops.push({
            hook: 'beforeDeploymentOperation',
            stage: ref,
            task: task.name,
            operation: op.type,
            packages: deniedPackages(check),
            messages: check.messages,
          });
          endTask(task, 'TERMINAL', check.messages);
          return fail(check.messages, task.name);
        }
      }
      if (outcome.status === 'TERMINAL') {
        const messages = outcome.messages ?? [`task ${task.name} failed`];
        stops.push({ hook: 'task', stage: ref, task: task.name, packages: [], messages });
        endTask(task, 'TERMINAL', messages);
        return fail(messages, task.name);
      }
      Object.assign(stage.context, outcome.context);
      Object.assign(stage.outputs, outcome.outputs);
      endTask(task, 'SUCCEEDED', outcome.messages ?? []);
    }

    const after = await interceptor.afterStage(execution, stage, user, hookOpts);
    log({ kind: 'hook', hook: 'afterStage', result: after, stage: ref });
    if (after.status === 'TERMINAL') {
      stops.push({ hook: 'afterStage', stage: ref, packages: deniedPackages(after), messages: after.messages });
      return fail(after.messages, 'afterStage');
    }
    stage.status = 'SUCCEEDED';
    stage.endTime = now();
    log({ kind: 'stage.end', stage: ref, status: 'SUCCEEDED', messages: [] });

    function endTask(task: TaskExecution, status: ExecutionStatus, messages: readonly string[]): void {
      task.status = status;
      task.endTime = now();
      log({ kind: 'task.end', stage: ref, task: task.name, status, messages });
    }
  }
}

/** A binary min-heap of stage indexes: the ready stage first in configuration order runs next. */
class ReadyQueue {
  readonly #heap: number[] = [];
  push(value: number): void {
    const h = this.#heap;
    h.push(value);
    for (let i = h.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if ((h[parent] as number) <= value) break;
      h[i] = h[parent] as number;
      h[parent] = value;
      i = parent;
    }
  }
  pop(): number | undefined {
    const h = this.#heap;
    const top = h[0];
    const last = h.pop();
    if (h.length === 0 || last === undefined) return top;
    h[0] = last;
    for (let i = 0; ;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && (h[l] as number) < (h[m] as number)) m = l;
      if (r < h.length && (h[r] as number) < (h[m] as number)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m] as number, h[i] as number];
      i = m;
    }
    return top;
  }
}
