/**
 * OPA's set built-ins (`topdown/sets.go`): `intersection` and `union` of a set of sets, and the
 * deprecated `set_diff`. The
 * operators `&`, `|` and `-` are the evaluator's (`operators.ts`).
 */
import { RSet, type Value } from '@policy-engine/rego-value';
import { argSet, typeError, type BuiltinDef } from './registry.js';

function setsOf(name: string, args: readonly Value[]): RSet[] {
  const outer = argSet(name, args, 0);
  return outer.sorted().map((s) => {
    if (!(s instanceof RSet)) throw typeError(name, 1, 'set', s);
    return s;
  });
}

/** The built-ins of this family. */
export const builtins: BuiltinDef[] = [
  {
    // Deprecated (Rego v0 modules only): `a - b`.
    name: 'set_diff',
    arity: 2,
    fn: (args) => {
      const a = argSet('set_diff', args, 0);
      const b = argSet('set_diff', args, 1);
      return new RSet([...a.values()].filter((v) => !b.has(v)));
    },
  },
  {
    name: 'intersection',
    arity: 1,
    fn: (args) => {
      const sets = setsOf('intersection', args);
      if (sets.length === 0) return new RSet();
      let acc = sets[0] as RSet;
      for (let i = 1; i < sets.length; i++) {
        const next = sets[i] as RSet;
        const out = new RSet();
        for (const v of acc.values()) if (next.has(v)) out.add(v);
        acc = out;
      }
      return acc;
    },
  },
  {
    name: 'union',
    arity: 1,
    fn: (args) => {
      const out = new RSet();
      for (const s of setsOf('union', args)) for (const v of s.values()) out.add(v);
      return out;
    },
  },
];
