/**
 * Turning a saved pipeline configuration into a fresh execution of the model.
 */
import { randomUUID } from 'node:crypto';
import { InvalidPipelineConfig } from './errors.js';
import type { JsonObject, PipelineConfig, PipelineExecution, StageConfig, StageExecution, Trigger, User } from './model.js';

function isRecord(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/**
 * Checks that `value` is an executable pipeline configuration: an object with `application`,
 * `name` and a `stages` array whose elements have unique non-empty `refId`s, a `type`, and
 * `requisiteStageRefIds` naming existing stages without cycles. Throws {@link InvalidPipelineConfig}
 * listing every problem.
 */
export function parsePipelineConfig(value: unknown): PipelineConfig {
  const problems: string[] = [];
  if (!isRecord(value)) throw new InvalidPipelineConfig([`pipeline: expected an object, got ${describe(value)}`]);
  if (typeof value['application'] !== 'string' || value['application'] === '') {
    problems.push(`application: expected a non-empty string, got ${describe(value['application'])}`);
  }
  if (typeof value['name'] !== 'string' || value['name'] === '') {
    problems.push(`name: expected a non-empty string, got ${describe(value['name'])}`);
  }
  const stages = value['stages'];
  if (!Array.isArray(stages)) {
    problems.push(`stages: expected an array, got ${describe(stages)}`);
    throw new InvalidPipelineConfig(problems);
  }
  const refIds = new Set<string>();
  stages.forEach((stage: unknown, i) => {
    if (!isRecord(stage)) {
      problems.push(`stages[${i}]: expected an object, got ${describe(stage)}`);
      return;
    }
    const refId = stage['refId'];
    if (typeof refId !== 'string' || refId === '') problems.push(`stages[${i}].refId: expected a non-empty string, got ${describe(refId)}`);
    else if (refIds.has(refId)) problems.push(`stages[${i}].refId: duplicate refId ${JSON.stringify(refId)}`);
    else refIds.add(refId);
    if (typeof stage['type'] !== 'string' || stage['type'] === '')
      problems.push(`stages[${i}].type: expected a non-empty string, got ${describe(stage['type'])}`);
    const reqs = stage['requisiteStageRefIds'];
    if (reqs !== undefined && (!Array.isArray(reqs) || !reqs.every((r) => typeof r === 'string'))) {
      problems.push(`stages[${i}].requisiteStageRefIds: expected an array of strings, got ${describe(reqs)}`);
    }
  });
  if (problems.length === 0) {
    stages.forEach((stage: StageConfig, i) => {
      for (const req of stage.requisiteStageRefIds ?? []) {
        if (!refIds.has(req)) problems.push(`stages[${i}].requisiteStageRefIds: unknown refId ${JSON.stringify(req)}`);
      }
    });
  }
  if (problems.length === 0) {
    const cycle = findCycle(stages as StageConfig[]);
    if (cycle) problems.push(`stages: requisiteStageRefIds form a cycle: ${cycle.join(' -> ')}`);
  }
  if (problems.length > 0) throw new InvalidPipelineConfig(problems);
  return value as PipelineConfig;
}

function findCycle(stages: readonly StageConfig[]): string[] | undefined {
  const byRef = new Map(stages.map((s) => [s.refId, s]));
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (ref: string): string[] | undefined => {
    const st = state.get(ref);
    if (st === 'done') return undefined;
    if (st === 'visiting') return [...path.slice(path.indexOf(ref)), ref];
    state.set(ref, 'visiting');
    path.push(ref);
    for (const req of byRef.get(ref)?.requisiteStageRefIds ?? []) {
      const found = visit(req);
      if (found) return found;
    }
    path.pop();
    state.set(ref, 'done');
    return undefined;
  };
  for (const s of stages) {
    const found = visit(s.refId);
    if (found) return found;
  }
  return undefined;
}

/** Accepts a User or a bare username (then not an admin, no roles). */
export function toUser(user: User | string | undefined): User {
  if (user === undefined) return { username: 'anonymous', isAdmin: false, roles: [] };
  if (typeof user === 'string') return { username: user, isAdmin: false, roles: [] };
  return user;
}

/** A manual trigger by `user`, with any fields of `overrides` applied. */
export function createTrigger(user: string, executionId: string, overrides: Partial<Trigger> = {}): Trigger {
  return {
    type: 'manual',
    user,
    parameters: {},
    artifacts: [],
    expectedArtifacts: [],
    resolvedExpectedArtifacts: [],
    notifications: [],
    correlationId: null,
    dryRun: false,
    rebake: false,
    strategy: false,
    enabled: false,
    preferred: false,
    eventId: randomUUID(),
    executionId,
    extra: {},
    ...overrides,
  };
}

/** A NOT_STARTED stage execution whose context is the stage configuration (without graph keys). */
export function createStageExecution(config: StageConfig, id: string = randomUUID()): StageExecution {
  const { refId, requisiteStageRefIds, ...context } = config;
  return {
    id,
    refId,
    type: config.type,
    name: typeof config.name === 'string' ? config.name : config.type,
    status: 'NOT_STARTED',
    context: structuredClone(context),
    outputs: {},
    tasks: [],
    requisiteStageRefIds: [...(requisiteStageRefIds ?? [])],
    startTime: null,
    endTime: null,
    scheduledTime: null,
    startTimeExpiry: null,
    lastModified: null,
    parentStageId: null,
    syntheticStageOwner: null,
  };
}

/** Options of {@link createExecution}. */
export interface CreateExecutionOptions {
  /** The user who starts the execution (default `anonymous`). */
  readonly user?: User | string;
  /** Trigger fields to override (default: a manual trigger by the user). */
  readonly trigger?: Partial<Trigger>;
  /** Clock in epoch milliseconds (default `Date.now`). */
  readonly now?: () => number;
  /** Id generator for the execution and its stages (default random UUIDs). */
  readonly newId?: () => string;
  /** Accounts the run-as user may reach (`authentication.allowedAccounts`). */
  readonly allowedAccounts?: readonly string[];
}

/** A NOT_STARTED pipeline execution of `config` (validated with {@link parsePipelineConfig}). */
export function createExecution(config: PipelineConfig, options: CreateExecutionOptions = {}): PipelineExecution {
  const parsed = parsePipelineConfig(config);
  const user = toUser(options.user);
  const newId = options.newId ?? randomUUID;
  const now = options.now ?? Date.now;
  const id = newId();
  const str = (key: string): string | null => (typeof parsed[key] === 'string' ? parsed[key] : null);
  const bool = (key: string): boolean => parsed[key] === true;
  return {
    id,
    type: 'PIPELINE',
    application: parsed.application,
    name: parsed.name,
    description: str('description'),
    pipelineConfigId: parsed.id ?? null,
    status: 'NOT_STARTED',
    canceled: false,
    canceledBy: null,
    cancellationReason: null,
    buildTime: now(),
    startTime: null,
    endTime: null,
    startTimeExpiry: null,
    keepWaitingPipelines: bool('keepWaitingPipelines'),
    limitConcurrent: bool('limitConcurrent'),
    origin: 'api',
    partition: null,
    paused: null,
    source: null,
    spelEvaluator: str('spelEvaluator'),
    templateVariables: null,
    authentication: { user: user.username, allowedAccounts: [...(options.allowedAccounts ?? [])] },
    initialConfig: {},
    notifications: Array.isArray(parsed['notifications']) ? [...(parsed['notifications'] as unknown[])] : [],
    systemNotifications: [],
    trigger: createTrigger(user.username, id, options.trigger),
    stages: parsed.stages.map((s) => createStageExecution(s, newId())),
    config: parsed,
  };
}
