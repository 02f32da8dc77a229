/**
 * Input builders: project the execution model onto the documents Armory's Orca hooks send
 * (key sets as in /work/shared/spec/fixtures; times are epoch milliseconds, contexts keep
 * their literal dotted keys).
 */
import { deepFreeze, frozenArrayWith } from '@policy-engine/evaluator';
import type { DeploymentTaskInput } from '@policy-engine/inputs-deployment';
import type { JsonObject, PipelineExecution, StageExecution, TaskExecution, Trigger, User } from './model.js';

/** How `input.pipeline.stages[]` is emitted in stage inputs: full stage objects (default) or stage ids. */
export type StageListForm = 'objects' | 'ids';

/** The raw trigger map, as `spinnaker.execution.pipelines.before` (and `trigger.other`) show it. */
export function rawTriggerDocument(trigger: Trigger): JsonObject {
  return {
    artifacts: trigger.artifacts,
    dryRun: trigger.dryRun,
    enabled: trigger.enabled,
    eventId: trigger.eventId,
    executionId: trigger.executionId,
    expectedArtifacts: trigger.expectedArtifacts,
    parameters: trigger.parameters,
    preferred: trigger.preferred,
    rebake: trigger.rebake,
    resolvedExpectedArtifacts: trigger.resolvedExpectedArtifacts,
    type: trigger.type,
    user: trigger.user,
    ...trigger.extra,
  };
}

/** The trigger as Orca serialises it inside a running execution (`isDryRun`, `other`, …). */
export function executionTriggerDocument(trigger: Trigger): JsonObject {
  return {
    artifacts: trigger.artifacts,
    correlationId: trigger.correlationId,
    isDryRun: trigger.dryRun,
    isRebake: trigger.rebake,
    isStrategy: trigger.strategy,
    notifications: trigger.notifications,
    other: { ...rawTriggerDocument(trigger), notifications: trigger.notifications, strategy: trigger.strategy },
    parameters: trigger.parameters,
    resolvedExpectedArtifacts: trigger.resolvedExpectedArtifacts,
    type: trigger.type,
    user: trigger.user,
  };
}

/** `input.stage.tasks[]` element. */
export function taskDocument(task: TaskExecution): JsonObject {
  return {
    endTime: task.endTime,
    id: task.id,
    implementingClass: task.implementingClass,
    loopEnd: task.loopEnd,
    loopStart: task.loopStart,
    name: task.name,
    stageEnd: task.stageEnd,
    stageStart: task.stageStart,
    startTime: task.startTime,
    status: task.status,
  };
}

/** Stages made by {@link freezeStage}, and their documents (built once: such a stage cannot change). */
const frozenStageDocuments = new WeakMap<StageExecution, JsonObject>();

/**
 * A deep-frozen copy of `stage`, for a stage that will not change any more (finished, or not
 * started yet). Its {@link stageDocument} is built once and shared by every later input, so a
 * pipeline of n stages costs O(n) document building instead of O(n²). To change the stage
 * again, work on `structuredClone(frozen)` (an unfrozen copy) and put that in its place.
 */
export function freezeStage(stage: StageExecution): StageExecution {
  const frozen = deepFreeze(structuredClone(stage));
  frozenStageDocuments.set(frozen, deepFreeze(buildStageDocument(frozen)));
  return frozen;
}

function buildStageDocument(stage: StageExecution): JsonObject {
  return structuredClone({
    context: stage.context,
    endTime: stage.endTime,
    id: stage.id,
    lastModified: stage.lastModified,
    name: stage.name,
    outputs: stage.outputs,
    parentStageId: stage.parentStageId,
    refId: stage.refId,
    requisiteStageRefIds: stage.requisiteStageRefIds,
    scheduledTime: stage.scheduledTime,
    startTime: stage.startTime,
    startTimeExpiry: stage.startTimeExpiry,
    status: stage.status,
    syntheticStageOwner: stage.syntheticStageOwner,
    tasks: stage.tasks.map(taskDocument),
    type: stage.type,
  });
}

/**
 * `input.stage` (and elements of `input.pipeline.stages[]`). A deep copy: later changes do not
 * leak in. For a stage from {@link freezeStage} it is one shared, deep-frozen document.
 */
export function stageDocument(stage: StageExecution): JsonObject {
  return frozenStageDocuments.get(stage) ?? buildStageDocument(stage);
}

/** The stage list last built for an execution, reused by its next input where the stages are the same. */
interface StageList {
  /** `input.pipeline.stages`: a deep-frozen list. */
  readonly docs: readonly JsonObject[];
  /** The stages the documents were built from (a copy of `execution.stages` then). */
  readonly sources: readonly StageExecution[];
  /** Indexes of live stages (not from {@link freezeStage}): their documents are built again each time. */
  readonly live: readonly number[];
  /** The documents built for live stages by this call (`input.stage` of the running stage shares it). */
  readonly fresh: ReadonlyMap<StageExecution, JsonObject>;
}

const stageLists = new WeakMap<PipelineExecution, StageList>();

/** Above this many live stages an execution is not one a runner freezes: its list is built afresh, as always. */
const MAX_LIVE_STAGES = 1;

/**
 * `input.pipeline.stages` of `execution`, sharing what the previous input of the same execution
 * had: while at most one stage is live (a runner that freezes finished and waiting stages, like
 * the Orca simulator), the list is a deep-frozen copy of the previous one with the changed
 * stages' documents replaced, so an input costs O(changed stages) document building and the
 * input guard walks only those. Otherwise every stage's document is built, unfrozen, as before.
 */
function stageDocumentList(execution: PipelineExecution): StageList {
  const stages = execution.stages;
  const previous = stageLists.get(execution);
  let changed: number[];
  if (previous === undefined || previous.sources.length !== stages.length) {
    changed = stages.map((_, i) => i);
  } else {
    changed = [...previous.live];
    for (let i = 0; i < stages.length; i++) if (stages[i] !== previous.sources[i] && !previous.live.includes(i)) changed.push(i);
  }
  const live = changed.filter((i) => !frozenStageDocuments.has(stages[i] as StageExecution));
  if (live.length > MAX_LIVE_STAGES) {
    stageLists.delete(execution);
    return { docs: stages.map(stageDocument), sources: stages, live, fresh: new Map() };
  }
  const fresh = new Map<StageExecution, JsonObject>();
  const docOf = (stage: StageExecution): JsonObject => {
    const shared = frozenStageDocuments.get(stage);
    if (shared !== undefined) return shared;
    const doc = deepFreeze(buildStageDocument(stage));
    fresh.set(stage, doc);
    return doc;
  };
  let docs: readonly JsonObject[];
  if (previous === undefined || changed.length * 4 > stages.length) {
    const redo = new Set(changed);
    docs = Object.freeze(stages.map((s, i) => (previous !== undefined && !redo.has(i) ? (previous.docs[i] as JsonObject) : docOf(s))));
  } else {
    docs = previous.docs;
    for (const i of changed) docs = frozenArrayWith(docs, i, docOf(stages[i] as StageExecution));
  }
  const list: StageList = { docs, sources: [...stages], live, fresh };
  stageLists.set(execution, list);
  return list;
}

/**
 * `input.pipeline` of the stage packages: the running execution. The documents of stages from
 * {@link freezeStage} are shared; while at most one stage is live, `stages` is a deep-frozen list
 * shared with the execution's previous input except where a stage changed (copy it to change it).
 */
export function executionDocument(execution: PipelineExecution, stageList: StageListForm = 'objects'): JsonObject {
  return executionDocumentWith(execution, stageList === 'ids' ? execution.stages.map((s) => s.id) : stageDocumentList(execution).docs);
}

function executionDocumentWith(execution: PipelineExecution, stages: readonly unknown[]): JsonObject {
  const rest = execution;
  return {
    ...structuredClone({
      application: rest.application,
      authentication: rest.authentication,
      buildTime: rest.buildTime,
      canceled: rest.canceled,
      canceledBy: rest.canceledBy,
      cancellationReason: rest.cancellationReason,
      description: rest.description,
      endTime: rest.endTime,
      id: rest.id,
      initialConfig: rest.initialConfig,
      keepWaitingPipelines: rest.keepWaitingPipelines,
      limitConcurrent: rest.limitConcurrent,
      name: rest.name,
      notifications: rest.notifications,
      origin: rest.origin,
      partition: rest.partition,
      paused: rest.paused,
      pipelineConfigId: rest.pipelineConfigId,
      source: rest.source,
      spelEvaluator: rest.spelEvaluator,
    }),
    stages,
    ...structuredClone({
      startTime: rest.startTime,
      startTimeExpiry: rest.startTimeExpiry,
      status: rest.status,
      systemNotifications: rest.systemNotifications,
      templateVariables: rest.templateVariables,
      trigger: executionTriggerDocument(rest.trigger),
      type: rest.type,
    }),
  };
}

/** `input.user`. */
export function userDocument(user: User): JsonObject {
  return { isAdmin: user.isAdmin, roles: user.roles.map((r) => ({ name: r.name, source: r.source })), username: user.username };
}

/**
 * Input of `spinnaker.execution.pipelines.before`: the pipeline configuration (every saved key
 * passes through; documented keys get Spinnaker's defaults) plus `executionId`, the firing
 * trigger and `receivedArtifacts`, and the user.
 */
export function pipelineBeforeInput(execution: PipelineExecution, user: User): JsonObject {
  const config = execution.config;
  return structuredClone({
    pipeline: {
      disabled: false,
      expectedArtifacts: [],
      keepWaitingPipelines: false,
      limitConcurrent: true,
      notifications: [],
      parallel: true,
      parameterConfig: [],
      plan: false,
      respectQuietPeriod: false,
      spelEvaluator: 'v4',
      triggers: [],
      id: execution.pipelineConfigId ?? execution.id,
      ...config,
      application: config.application,
      name: config.name,
      stages: config.stages,
      executionId: execution.id,
      receivedArtifacts: execution.trigger.artifacts,
      trigger: rawTriggerDocument(execution.trigger),
    },
    user: userDocument(user),
  });
}

/** Input of `spinnaker.execution.stages.before|after.<type>`: the execution, the stage and the user. */
export function stageInput(
  execution: PipelineExecution,
  stage: StageExecution,
  user: User,
  stageList: StageListForm = 'objects',
): JsonObject {
  if (stageList === 'ids') {
    return { pipeline: executionDocument(execution, 'ids'), stage: stageDocument(stage), user: userDocument(user) };
  }
  const list = stageDocumentList(execution);
  // The running stage's document in the list is the one `input.stage` shows (built once, checked once).
  const own = list.fresh.get(stage) ?? stageDocument(stage);
  return { pipeline: executionDocumentWith(execution, list.docs), stage: own, user: userDocument(user) };
}

/** Input of `spinnaker.deployment.tasks.before.<type>`: `{ deploy: <operation description> }`. */
export function deploymentInput(description: JsonObject): DeploymentTaskInput {
  return { deploy: structuredClone(description) };
}
