/**
 * Renders a run's execution log: stage -> task -> decision -> status, with denial messages.
 */
import type { HookResult } from '@policy-engine/orca-adapter';
import type { ExecutionEvent, PipelineRunResult } from '@policy-engine/orca-simulator';

/** Output formats of `run-pipeline`. */
export type LogFormat = 'pretty' | 'json';

function checks(result: HookResult): string {
  const evaluated = result.checks.filter((c) => c.evaluated);
  if (evaluated.length === 0) return `no policy (${result.checks.map((c) => c.package).join(', ')} not validated)`;
  return evaluated.map((c) => `${c.package} ${c.decision?.allowed ? 'allowed' : 'DENIED'}`).join(', ');
}

function bullets(messages: readonly string[], indent: string): string[] {
  return messages.map((m) => `${indent}- ${m}`);
}

/**
 * Human-readable log: one line per pipeline check, stage, task (its check and status) and
 * deployment operation; denial messages indented below the check that denied.
 */
export function formatPretty(result: PipelineRunResult, meta: { readonly engine?: string } = {}): string {
  const lines: string[] = [];
  let pending: string | undefined; // a task line waiting for its status
  const flush = (): void => {
    if (pending !== undefined) lines.push(pending);
    pending = undefined;
  };
  for (const event of result.events) {
    switch (event.kind) {
      case 'pipeline.start':
        lines.push(
          `pipeline "${event.pipeline}" (application ${event.application}) started by ${event.user}${meta.engine ? `, engine ${meta.engine}` : ''}`,
        );
        break;
      case 'hook':
        lines.push(...hookLines(event, (line) => (pending = line), flush));
        break;
      case 'stage.start':
        flush();
        lines.push(`  stage ${event.stage.refId} "${event.stage.name}" (${event.stage.type})`);
        break;
      case 'task.end':
        if (pending !== undefined) {
          lines.push(`${pending} -> ${event.status}`);
          pending = undefined;
        } else {
          lines.push(`      -> ${event.status}`);
        }
        break;
      case 'stage.end':
        flush();
        lines.push(`  stage ${event.stage.refId} "${event.stage.name}" -> ${event.status}`);
        break;
      case 'stage.notRun':
        flush();
        lines.push(`  stage ${event.stage.refId} "${event.stage.name}" (${event.stage.type}) not run: ${event.reason}`);
        break;
      case 'pipeline.end':
        flush();
        lines.push(`pipeline ${event.status}`, ...bullets(event.messages, '  '));
        break;
    }
  }
  flush();
  return `${lines.join('\n')}\n`;
}

/** Lines for one hook event; `setPending` holds back a task line until its status is known. */
function hookLines(event: Extract<ExecutionEvent, { kind: 'hook' }>, setPending: (line: string) => void, flush: () => void): string[] {
  const line = checks(event.result);
  const messages = event.result.status === 'TERMINAL' ? event.result.messages : [];
  switch (event.hook) {
    case 'beforePipeline':
      return [`  before pipeline: ${line}`, ...bullets(messages, '    ')];
    case 'beforeTask':
      flush();
      if (messages.length === 0) {
        setPending(`    task ${event.task ?? '?'}: ${line}`);
        return [];
      }
      setPending('     ');
      return [`    task ${event.task ?? '?'}: ${line}`, ...bullets(messages, '        ')];
    case 'beforeDeploymentOperation':
      flush();
      setPending('     ');
      return [`      operation ${event.operation ?? '?'}: ${line}`, ...bullets(messages, '        ')];
    case 'afterStage':
      flush();
      return [`    after stage: ${line}`, ...bullets(messages, '      ')];
  }
  return [];
}

/** Machine-readable log: the result as one JSON document (events with their full Decisions). */
export function formatJson(result: PipelineRunResult, meta: { readonly engine?: string } = {}): string {
  const stages = result.execution.stages.map((s) => ({
    refId: s.refId,
    name: s.name,
    type: s.type,
    status: s.status,
    tasks: s.tasks.map((t) => ({ name: t.name, status: t.status })),
  }));
  return `${JSON.stringify(
    {
      status: result.status,
      pipeline: result.execution.name,
      application: result.execution.application,
      executionId: result.execution.id,
      ...(meta.engine ? { engine: meta.engine } : {}),
      stops: result.stops,
      stages,
      events: result.events,
    },
    null,
    2,
  )}\n`;
}

/** Renders in `format`. */
export function formatExecutionLog(result: PipelineRunResult, format: LogFormat, meta: { readonly engine?: string } = {}): string {
  return format === 'json' ? formatJson(result, meta) : formatPretty(result, meta);
}
