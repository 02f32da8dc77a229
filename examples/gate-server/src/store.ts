import { randomUUID } from 'node:crypto';

/** A submitted task: recorded, never executed. */
export interface TaskRecord {
  readonly id: string;
  readonly application: string | null;
  readonly description: string | null;
  readonly jobTypes: readonly string[];
  readonly user: string;
  readonly submittedAt: string;
  readonly body: unknown;
}

/** An application as the example keeps it. */
export interface ApplicationRecord {
  readonly name: string;
  readonly email?: string;
  readonly cloudProviders?: string;
  readonly createdBy: string;
}

/** In-memory state of the example Gate. */
export interface GateStore {
  readonly applications: Map<string, ApplicationRecord>;
  readonly tasks: TaskRecord[];
  /** Pipelines per application, keyed by pipeline name. */
  readonly pipelines: Map<string, Map<string, Record<string, unknown>>>;
}

/** A store with a couple of applications so reads have something to show. */
export function createStore(): GateStore {
  const applications = new Map<string, ApplicationRecord>([
    ['demo', { name: 'demo', email: 'demo@example.com', cloudProviders: 'kubernetes', createdBy: 'admin' }],
    ['payments', { name: 'payments', email: 'payments@example.com', cloudProviders: 'kubernetes', createdBy: 'admin' }],
  ]);
  return { applications, tasks: [], pipelines: new Map() };
}

/** A new task id (Orca uses ULIDs; a UUID does here). */
export function newTaskId(): string {
  return randomUUID();
}
