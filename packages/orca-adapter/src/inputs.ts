/**
 * Input builders: project the execution model onto the documents Armory's Orca hooks send
 * (key sets as in /work/shared/spec/fixtures; times are epoch milliseconds, contexts keep
 * their literal dotted keys).
 */
import { deepFreeze } from '@policy-engine/evaluator';
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

/** `input.pipeline` of the stage packages: the running execution (frozen stages' documents shared, the rest copied). */
export function executionDocument(execution: PipelineExecution, stageList: StageListForm = 'objects'): JsonObject {
  const { stages, ...rest } = execution;
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
    stages: stageList === 'ids' ? stages.map((s) => s.id) : stages.map(stageDocument),
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
  return { pipeline: executionDocument(execution, stageList), stage: stageDocument(stage), user: userDocument(user) };
}

/** Input of `spinnaker.deployment.tasks.before.<type>`: `{ deploy: <operation description> }`. */
export function deploymentInput(description: JsonObject): DeploymentTaskInput {
  return { deploy: structuredClone(description) };
}
