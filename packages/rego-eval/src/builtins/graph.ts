/** OPA's graph built-ins (`topdown/reachable.go`): `graph.reachable`, `graph.reachable_paths`. */
import { RSet, type Value } from '@policy-engine/rego-value';
import { argObject, type BuiltinDef } from './registry.js';
import { typeError } from './registry.js';
import type { RObject } from '@policy-engine/rego-value';

function vertices(v: Value | undefined): readonly Value[] {
  if (Array.isArray(v)) return v as readonly Value[];
  if (v instanceof RSet) return v.sorted();
  return [];
}

function initial(name: string, v: Value): readonly Value[] {
  if (Array.isArray(v) || v instanceof RSet) return vertices(v);
  throw typeError(name, 2, '{array, set}', v);
}

function pathBuilder(graph: RObject, root: Value, path: Value[], out: RSet, reached: RSet): void {
  const edges = graph.get(root);
  if (edges === undefined) {
    out.add(path);
    return;
  }
  path = [...path, root];
  const next = vertices(edges);
  if (next.length === 0) {
    out.add(path);
    return;
  }
  const seen = new RSet(reached.values());
  seen.add(root);
  for (const n of next) {
    if (seen.has(n)) out.add(path);
    else pathBuilder(graph, n, [...path], out, seen);
  }
}

/** The built-ins of this family. */
export const builtins: BuiltinDef[] = [
  {
    name: 'graph.reachable',
    arity: 2,
    fn: (args) => {
      const graph = argObject('graph.reachable', args, 0);
      const queue = [...initial('graph.reachable', args[1] as Value)];
      const reached = new RSet();
      for (let i = 0; i < queue.length; i++) {
        const node = queue[i] as Value;
        const edges = graph.get(node);
        if (edges === undefined) continue;
        for (const n of vertices(edges)) if (!reached.has(n)) queue.push(n);
        reached.add(node);
      }
      return reached;
    },
  },
  {
    name: 'graph.reachable_paths',
    arity: 2,
    fn: (args) => {
      const graph = argObject('graph.reachable_paths', args, 0);
      const out = new RSet();
      for (const node of initial('graph.reachable_paths', args[1] as Value)) {
        const edges = graph.get(node);
        if (edges === undefined) continue;
        const next = vertices(edges);
        if (next.length === 0) out.add([node]);
        else for (const n of next) pathBuilder(graph, n, [node], out, new RSet([node]));
      }
      return out;
    },
  },
];
