/**
 * OPA's JSON document built-ins (`topdown/json.go`): `json.filter`, `json.remove` and
 * `json.patch` (RFC 6902 with OPA's extensions: array paths, set members as path segments,
 * `-` to append). Also the object filter `object.filter` shares (`filterValue`).
 */
import { RObject, RSet, equals, formatValue, isNumber, isInteger, toBigInt, typeName, type Value } from '@policy-engine/rego-value';
import { argArray, argObject, type BuiltinDef } from './registry.js';
import { fail, operandError, typeErrorOf } from './util.js';

/** A path as OPA's `parsePath` reads it: `"/a/b"` (with `~0`, `~1` escapes) or an array of segments. */
function parsePath(name: string, p: Value): Value[] {
  if (typeof p === 'string') {
    if (p === '') return [];
    return p
      .replace(/^\/+/, '')
      .split('/')
      .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
  }
  if (Array.isArray(p)) return [...(p as readonly Value[])];
  throw operandError(name, 2, `must be one of {set, array} containing string paths or array of path segments but got ${typeName(p)}`);
}

function jsonPaths(name: string, v: Value): Value[][] {
  if (Array.isArray(v)) return (v as readonly Value[]).map((p) => parsePath(name, p));
  if (v instanceof RSet) return v.sorted().map((p) => parsePath(name, p));
  throw typeErrorOf(name, 2, v, 'set', 'array');
}

/** OPA's `pathsToObject`: a tree of objects whose `null` leaves mark the selected paths. */
function pathsToObject(paths: readonly Value[][]): RObject {
  const root = new RObject();
  for (const path of paths) {
    if (path.length === 0) continue;
    let node = root;
    let done = false;
    for (let i = 0; i < path.length - 1 && !done; i++) {
      const k = path[i] as Value;
      const child = node.get(k);
      if (child === undefined) {
        const obj = new RObject();
        node.set(k, obj);
        node = obj;
      } else if (child === null) done = true;
      else node = child as RObject;
    }
    if (!done) node.set(path[path.length - 1] as Value, null);
  }
  return root;
}

/** OPA's `filterObject`: keep what the filter tree selects. */
export function filterValue(o: Value, filter: Value): Value {
  if (filter === null) return o;
  const f = filter as RObject;
  if (Array.isArray(o)) {
    const out: Value[] = [];
    (o as readonly Value[]).forEach((x, i) => {
      const sub = f.get(String(i));
      if (sub !== undefined) out.push(filterValue(x, sub));
    });
    return out;
  }
  if (o instanceof RSet) {
    const out = new RSet();
    for (const t of o.sorted()) {
      const sub = f.get(t);
      if (sub !== undefined) out.add(filterValue(t, sub));
    }
    return out;
  }
  if (o instanceof RObject) {
    const out = new RObject();
    for (const [k, v] of o.sortedEntries()) {
      const sub = f.get(k);
      if (sub !== undefined) out.set(k, filterValue(v, sub));
    }
    return out;
  }
  return o;
}

/** OPA's `jsonRemove`: drop what the tree selects; undefined when the whole value goes. */
function removeValue(a: Value, b: Value | undefined): Value | undefined {
  if (b === undefined) return a;
  if (b === null) return undefined;
  if (!(b instanceof RObject)) return a;
  if (a instanceof RObject) {
    const out = new RObject();
    for (const [k, v] of a.sortedEntries()) {
      const d = removeValue(v, b.get(k));
      if (d !== undefined) out.set(k, d);
    }
    return out;
  }
  if (a instanceof RSet) {
    const out = new RSet();
    for (const v of a.sorted()) {
      const d = removeValue(v, b.get(v));
      if (d !== undefined) out.add(d);
    }
    return out;
  }
  if (Array.isArray(a)) {
    const out: Value[] = [];
    (a as readonly Value[]).forEach((v, i) => {
      const d = removeValue(v, b.get(String(i)));
      if (d !== undefined) out.push(d);
    });
    return out;
  }
  return a;
}

// ---- json.patch ----------------------------------------------------------------------------

class PatchError extends Error {}

/** The edit tree's `toIndex`: a number, a decimal string without leading zeros, or `-` (append). */
function toIndex(length: number, key: Value): number {
  if (isNumber(key)) {
    const i = isInteger(key) ? toBigInt(key) : undefined;
    if (i === undefined) throw new PatchError('invalid number type for indexing');
    return Number(i);
  }
  if (typeof key === 'string') {
    if (key === '-') return length;
    if (!/^[+-]?\d+$/.test(key)) throw new PatchError('invalid string for indexing');
    if (key !== '0' && key.startsWith('0')) throw new PatchError('leading zeros are not allowed in JSON paths');
    return Number(key);
  }
  throw new PatchError('invalid type for indexing');
}

function child(node: Value, key: Value): Value {
  if (node instanceof RObject) {
    const v = node.get(key);
    if (v === undefined) throw new PatchError(`path ${formatValue(key)} does not exist in object term ${formatValue(node)}`);
    return v;
  }
  if (node instanceof RSet) {
    if (!node.has(key)) throw new PatchError(`path [${formatValue(key)}] does not exist in set term ${formatValue(node)}`);
    return key;
  }
  if (Array.isArray(node)) {
    const a = node as readonly Value[];
    const i = toIndex(a.length, key);
    if (i < 0 || i >= a.length) throw new PatchError(`path ${i} does not exist in array term ${formatValue(node)}`);
    return a[i] as Value;
  }
  throw new PatchError(`expected composite type for path ${formatValue(key)}, found value: ${formatValue(node)}`);
}

function replaceChild(node: Value, key: Value, old: Value, next: Value): Value {
  if (node instanceof RObject) return node.clone().set(key, next);
  if (node instanceof RSet) {
    const s = new RSet(node.values());
    s.delete(old);
    s.add(next);
    return s;
  }
  const a = [...(node as readonly Value[])];
  a[toIndex(a.length, key)] = next;
  return a;
}

function modifyAt(node: Value, path: readonly Value[], i: number, f: (parent: Value) => Value): Value {
  if (i === path.length) return f(node);
  const key = path[i] as Value;
  const c = child(node, key);
  return replaceChild(node, key, c, modifyAt(c, path, i + 1, f));
}

function insertChild(node: Value, key: Value, value: Value): Value {
  if (node instanceof RObject) return node.clone().set(key, value);
  if (node instanceof RSet) {
    if (!equals(key, value)) throw new PatchError(`set key ${formatValue(key)} does not equal value to be inserted ${formatValue(value)}`);
    const s = new RSet(node.values());
    s.add(value);
    return s;
  }
  if (Array.isArray(node)) {
    const a = [...(node as readonly Value[])];
    const i = toIndex(a.length, key);
    if (i < 0 || i > a.length) throw new PatchError('index for array insertion out of bounds');
    a.splice(i, 0, value);
    return a;
  }
  throw new PatchError(`expected composite type, found value: ${formatValue(node)}`);
}

function deleteChild(node: Value, key: Value): Value {
  if (node instanceof RObject) {
    if (!node.has(key)) throw new PatchError(`cannot delete child key ${formatValue(key)} that does not exist`);
    const o = node.clone();
    o.delete(key);
    return o;
  }
  if (node instanceof RSet) {
    if (!node.has(key)) throw new PatchError(`cannot delete child key ${formatValue(key)} that does not exist`);
    const s = new RSet(node.values());
    s.delete(key);
    return s;
  }
  if (Array.isArray(node)) {
    const a = [...(node as readonly Value[])];
    const i = toIndex(a.length, key);
    if (i < 0 || i > a.length - 1) throw new PatchError('index for array delete out of bounds');
    a.splice(i, 1);
    return a;
  }
  throw new PatchError(`expected composite type, found value: ${formatValue(node)}`);
}

// The document is `undefined` once its root was removed (OPA's edit tree with a nil value).

function insertAt(doc: Value | undefined, path: readonly Value[], value: Value): Value {
  if (path.length === 0) return value;
  return modifyAt(rooted(doc), path.slice(0, -1), 0, (p) => insertChild(p, path[path.length - 1] as Value, value));
}

function deleteAt(doc: Value | undefined, path: readonly Value[]): Value | undefined {
  if (path.length === 0) {
    if (doc === undefined) throw new PatchError('deleted node encountered during delete operation');
    return undefined;
  }
  return modifyAt(rooted(doc), path.slice(0, -1), 0, (p) => deleteChild(p, path[path.length - 1] as Value));
}

function renderAt(doc: Value | undefined, path: readonly Value[]): Value {
  let node = rooted(doc);
  for (const k of path) node = child(node, k);
  return node;
}

function rooted(doc: Value | undefined): Value {
  if (doc === undefined) throw new PatchError('deleted node encountered during delete operation');
  return doc;
}

function applyPatch(source: Value, ops: readonly Value[]): Value | undefined {
  let doc: Value | undefined = source;
  for (const op of ops) {
    if (!(op instanceof RObject)) throw new PatchError('must be an array of JSON-Patch objects, but at least one element is not an object');
    const pathV = op.get('path');
    if (pathV === undefined) throw new PatchError("missing required attribute 'path'");
    const opV = op.get('op');
    if (opV === undefined) throw new PatchError("missing required attribute 'op'");
    if (typeof opV !== 'string') throw new PatchError(`attribute 'op' must be a string but found: ${typeName(opV)}`);
    const path = parsePath('json.patch', pathV);
    const value = (): Value => {
      const v = op.get('value');
      if (v === undefined) throw new PatchError("missing required attribute 'value'");
      return v;
    };
    const from = (): Value[] => {
      const f = op.get('from');
      if (f === undefined) throw new PatchError("missing required attribute 'from'");
      return parsePath('json.patch', f);
    };
    switch (opV) {
      case 'add':
        doc = insertAt(doc, path, value());
        break;
      case 'remove':
        doc = deleteAt(doc, path);
        break;
      case 'replace':
        doc = deleteAt(doc, path);
        doc = insertAt(doc, path, value());
        break;
      case 'move': {
        const f = from();
        const chunk = renderAt(doc, f);
        doc = deleteAt(doc, f);
        doc = insertAt(doc, path, chunk);
        break;
      }
      case 'copy': {
        const chunk = renderAt(doc, from());
        doc = insertAt(doc, path, chunk);
        break;
      }
      case 'test': {
        const chunk = path.length === 0 && doc === undefined ? undefined : renderAt(doc, path);
        const v = value();
        if (chunk === undefined || !equals(chunk, v)) {
          throw new PatchError(
            `value from EditTree != patch value.\n\nExpected: ${formatValue(v)}\n\nFound: ${chunk === undefined ? '<nil>' : formatValue(chunk)}`,
          );
        }
        break;
      }
      default:
        throw new PatchError(`unrecognized op: '${opV}'`);
    }
  }
  return doc;
}

/** The built-ins of this family. */
export const builtins: BuiltinDef[] = [
  {
    name: 'json.filter',
    arity: 2,
    fn: (args) => {
      const obj = argObject('json.filter', args, 0);
      return filterValue(obj, pathsToObject(jsonPaths('json.filter', args[1] as Value)));
    },
  },
  {
    name: 'json.remove',
    arity: 2,
    fn: (args) => {
      const obj = argObject('json.remove', args, 0);
      return removeValue(obj, pathsToObject(jsonPaths('json.remove', args[1] as Value)));
    },
  },
  {
    name: 'json.patch',
    arity: 2,
    fn: (args) => {
      const ops = argArray('json.patch', args, 1);
      try {
        return applyPatch(args[0] as Value, ops);
      } catch (e) {
        if (e instanceof PatchError) throw fail('json.patch', e.message);
        throw e;
      }
    },
  },
];
