/**
 * OPA's object built-ins (`topdown/object.go`, `subset.go`): `object.get`, `object.keys`,
 * `object.remove`, `object.filter`, `object.union`, `object.union_n`, `object.subset`.
 */
import { RObject, RSet, equals, isInteger, isNumber, toBigInt, type Value } from '@policy-engine/rego-value';
import { filterValue } from './json.js';
import { BuiltinError, argArray, argObject, type BuiltinDef } from './registry.js';
import { elementError, typeErrorOf } from './util.js';

/** OPA's `Term.Get`: object key, array index, set member. */
function getIn(v: Value, k: Value): Value | undefined {
  if (v instanceof RObject) return v.get(k);
  if (Array.isArray(v)) {
    if (!isNumber(k) || !isInteger(k)) return undefined;
    const i = toBigInt(k) as bigint;
    return i >= 0n && i < BigInt(v.length) ? (v[Number(i)] as Value) : undefined;
  }
  if (v instanceof RSet) return v.has(k) ? k : undefined;
  return undefined;
}

function keysParam(name: string, v: Value): RSet {
  if (Array.isArray(v)) return new RSet(v as readonly Value[]);
  if (v instanceof RSet) return v;
  if (v instanceof RObject) return new RSet(v.sortedKeys());
  throw typeErrorOf(name, 2, v, 'object', 'set', 'array');
}

function merge(a: RObject, b: RObject): RObject {
  const out = new RObject();
  for (const [k, v] of a.entries()) {
    const w = b.get(k);
    if (w === undefined) out.set(k, v);
    else if (v instanceof RObject && w instanceof RObject) out.set(k, merge(v, w));
    else out.set(k, w);
  }
  for (const [k, w] of b.entries()) if (!a.has(k)) out.set(k, w);
  return out;
}

function copyIfObject(v: Value): Value {
  if (!(v instanceof RObject)) return v;
  const o = new RObject();
  for (const [k, x] of v.entries()) o.set(k, copyIfObject(x));
  return o;
}

function mergeInPlace(dst: RObject, src: RObject, frozen: Set<RObject>): void {
  for (const [k, v] of src.sortedEntries()) {
    const v2 = dst.get(k);
    if (v2 === undefined) dst.set(k, copyIfObject(v));
    else if (v instanceof RObject && v2 instanceof RObject) {
      if (!frozen.has(v2)) mergeInPlace(v2, v, frozen);
    } else if (v2 instanceof RObject) frozen.add(v2);
  }
}

function objectSubset(sup: RObject, sub: RObject): boolean {
  for (const [k, s] of sub.entries()) {
    const p = sup.get(k);
    if (p === undefined) return false;
    if (equals(s, p)) continue;
    if (p instanceof RObject && s instanceof RObject) {
      if (!objectSubset(p, s)) return false;
    } else if (p instanceof RSet && s instanceof RSet) {
      if (!setSubset(p, s)) return false;
    } else if (Array.isArray(p) && Array.isArray(s)) {
      if (!arraySubset(p as readonly Value[], s as readonly Value[])) return false;
    } else return false;
  }
  return true;
}

function setSubset(sup: RSet, sub: RSet): boolean {
  for (const v of sub.values()) if (!sup.has(v)) return false;
  return true;
}

function arraySubset(sup: readonly Value[], sub: readonly Value[]): boolean {
  if (sub.length > sup.length) return false;
  if (equals(sub, sup)) return true;
  let supCursor = 0;
  let subCursor = 0;
  for (;;) {
    if (subCursor === sub.length) return true;
    if (supCursor + subCursor === sup.length) return false;
    if (equals(sup[supCursor + subCursor] as Value, sub[subCursor] as Value)) subCursor++;
    else {
      supCursor++;
      subCursor = 0;
    }
  }
}

function arraySetSubset(sup: readonly Value[], sub: RSet): boolean {
  let unmatched = sub.size;
  for (const t of sup) {
    if (sub.has(t)) unmatched--;
    if (unmatched === 0) return true;
  }
  return false;
}

/** The built-ins of this family. */
export const builtins: BuiltinDef[] = [
  {
    name: 'object.get',
    arity: 3,
    fn: (args) => {
      const obj = argObject('object.get', args, 0);
      const path = args[1] as Value;
      const dflt = args[2] as Value;
      // A key holding null is found: only a missing key gives the default (`??` would also replace null).
      if (!Array.isArray(path)) {
        const v = obj.get(path);
        return v === undefined ? dflt : v;
      }
      let cur: Value | undefined = obj;
      for (const k of path as readonly Value[]) {
        cur = getIn(cur, k);
        if (cur === undefined) break;
      }
      return cur === undefined ? dflt : cur;
    },
  },
  {
    name: 'object.keys',
    arity: 1,
    fn: (args) => new RSet(argObject('object.keys', args, 0).sortedKeys()),
  },
  {
    name: 'object.remove',
    arity: 2,
    fn: (args) => {
      const obj = argObject('object.remove', args, 0);
      const keys = keysParam('object.remove', args[1] as Value);
      const out = new RObject();
      for (const [k, v] of obj.entries()) if (!keys.has(k)) out.set(k, v);
      return out;
    },
  },
  {
    name: 'object.filter',
    arity: 2,
    fn: (args) => {
      const obj = argObject('object.filter', args, 0);
      const keys = keysParam('object.filter', args[1] as Value);
      const filter = new RObject();
      for (const k of keys.values()) filter.set(k, null);
      return filterValue(obj, filter);
    },
  },
  {
    name: 'object.union',
    arity: 2,
    fn: (args) => {
      const a = argObject('object.union', args, 0);
      const b = argObject('object.union', args, 1);
      if (a.size === 0) return b;
      if (b.size === 0 || equals(a, b)) return a;
      return merge(a, b);
    },
  },
  {
    name: 'object.union_n',
    arity: 1,
    fn: (args) => {
      const arr = argArray('object.union_n', args, 0);
      if (arr.length === 0) return new RObject();
      for (const e of arr) if (!(e instanceof RObject)) throw elementError('object.union_n', 1, arr, e, 'object');
      if (arr.length === 1) return arr[0];
      const result = new RObject();
      const frozen = new Set<RObject>();
      for (let i = arr.length - 1; i >= 0; i--) {
        const o = arr[i] as RObject;
        if (o.size > 0) mergeInPlace(result, o, frozen);
      }
      return result;
    },
  },
  {
    name: 'object.subset',
    arity: 2,
    fn: (args) => {
      const sup = args[0] as Value;
      const sub = args[1] as Value;
      if (sup instanceof RObject && sub instanceof RObject) return objectSubset(sup, sub);
      if (sup instanceof RSet && sub instanceof RSet) return setSubset(sup, sub);
      if (Array.isArray(sup) && Array.isArray(sub)) return arraySubset(sup as readonly Value[], sub as readonly Value[]);
      if (Array.isArray(sup) && sub instanceof RSet) return arraySetSubset(sup as readonly Value[], sub);
      throw new BuiltinError('object.subset: both arguments object.subset must be of the same type or array and set', 'eval_type_error');
    },
  },
];
