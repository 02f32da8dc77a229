/**
 * The evaluator's scripted engine (`@policy-engine/evaluator/testing`) answering with `deny`
 * messages. Used only to test the runner's and interceptor's own semantics (graph order,
 * statuses, hooks called); the acceptance tests use the real engines.
 */
import { defined, inlinePackages, scriptedEngine as evaluatorScriptedEngine, type ScriptedEngine } from '@policy-engine/evaluator/testing';

export type DenyScript = (packageName: string, input: Record<string, unknown>) => string[];

/** An engine whose `deny` for each package and input is `script`'s answer; `calls` records copies of the inputs. */
export function scriptedEngine(script: DenyScript): ScriptedEngine {
  return evaluatorScriptedEngine((packageName, input) => defined({ deny: script(packageName, input as Record<string, unknown>) }));
}

/** An inline policy source declaring `packages` (so the policy engine's index knows them). */
export const declaring = inlinePackages;
