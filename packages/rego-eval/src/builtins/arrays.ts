/** OPA's array built-ins (`topdown/array.go`): `array.concat`, `array.flatten`, `array.slice`, `array.reverse`. */
import type { Value } from '@policy-engine/rego-value';
import { argArray, type BuiltinDef } from './registry.js';
import { intOperand } from './util.js';

/** The built-ins of this family. */
export const builtins: BuiltinDef[] = [
  {
    name: 'array.concat',
    arity: 2,
    fn: (args) => {
      const a = argArray('array.concat', args, 0);
      const b = argArray('array.concat', args, 1);
      if (a.length === 0) return b;
      if (b.length === 0) return a;
      return [...a, ...b];
    },
  },
  {
    name: 'array.flatten',
    arity: 1,
    fn: (args) => {
      const a = argArray('array.flatten', args, 0);
      if (!a.some((x) => Array.isArray(x))) return a;
      const out: Value[] = [];
      for (const x of a) {
        if (Array.isArray(x)) out.push(...(x as readonly Value[]));
        else out.push(x);
      }
      return out;
    },
  },
  {
    name: 'array.slice',
    arity: 3,
    fn: (args) => {
      const a = argArray('array.slice', args, 0);
      let start = intOperand('array.slice', args[1] as Value, 2);
      let stop = intOperand('array.slice', args[2] as Value, 3);
      const l = a.length;
      if (stop < 0) stop = 0;
      else if (stop > l) stop = l;
      if (start < 0) start = 0;
      else if (start > stop) start = stop;
      if (start === 0 && stop >= l) return a;
      return a.slice(start, stop);
    },
  },
  {
    name: 'array.reverse',
    arity: 1,
    fn: (args) => [...argArray('array.reverse', args, 0)].reverse(),
  },
];
