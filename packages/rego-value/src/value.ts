/**
 * Rego values: `null`, booleans, numbers (`number` or exact `BigNum`), strings, arrays
 * (plain JS arrays), objects (`RObject`, keys of any type) and sets (`RSet`).
 */
import { BigNum, canonicalNumber, compareNumbers, numberText, numbersEqual, type RNumber } from './number.js';

/** A Rego value. */
export type Value = null | boolean | number | BigNum | string | readonly Value[] | RObject | RSet;

/** OPA's type names. */
export type TypeName = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object' | 'set';

/** OPA's type name of a value (`type_name`). */
export function typeName(v: Value): TypeName {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return 'boolean';
    case 'number':
      return 'number';
    case 'string':
      return 'string';
  }
  if (Array.isArray(v)) return 'array';
  if (v instanceof RObject) return 'object';
  if (v instanceof RSet) return 'set';
  return 'number';
}

/** Whether the value is a number. */
export function isNumber(v: Value): v is RNumber {
  return typeof v === 'number' || v instanceof BigNum;
}
/** Whether the value is an array. */
export function isArray(v: Value): v is readonly Value[] {
  return Array.isArray(v);
}
/** Whether the value is an object. */
export function isObject(v: Value): v is RObject {
  return v instanceof RObject;
}
/** Whether the value is a set. */
export function isSet(v: Value): v is RSet {
  return v instanceof RSet;
}

function rank(v: Value): number {
  if (v === null) return 0;
  switch (typeof v) {
    case 'boolean':
      return 1;
    case 'number':
      return 2;
    case 'string':
      return 3;
  }
  if (Array.isArray(v)) return 4;
  if (v instanceof RObject) return 5;
  if (v instanceof RSet) return 6;
  return 2;
}

/** Go's string order (UTF-8 bytes = code points), not JS's UTF-16 order. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 0xd800 && y >= 0xd800) {
        x = x <= 0xdfff ? x + 0x2000 : x - 0x800;
        y = y <= 0xdfff ? y + 0x2000 : y - 0x800;
      }
      return x < y ? -1 : 1;
    }
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** OPA's total order: null < boolean < number < string < array < object < set. */
export function compare(a: Value, b: Value): number {
  if (a === b) return 0;
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 0:
      return 0;
    case 1:
      return a === b ? 0 : a === false ? -1 : 1;
    case 2:
      return compareNumbers(a as RNumber, b as RNumber);
    case 3:
      return compareStrings(a as string, b as string);
    case 4: {
      const x = a as readonly Value[];
      const y = b as readonly Value[];
      const n = Math.min(x.length, y.length);
      for (let i = 0; i < n; i++) {
        const c = compare(x[i] as Value, y[i] as Value);
        if (c !== 0) return c;
      }
      return x.length < y.length ? -1 : x.length > y.length ? 1 : 0;
    }
    case 5: {
      const x = (a as RObject).sortedEntries();
      const y = (b as RObject).sortedEntries();
      const n = Math.min(x.length, y.length);
      for (let i = 0; i < n; i++) {
        const [xk, xv] = x[i] as readonly [Value, Value];
        const [yk, yv] = y[i] as readonly [Value, Value];
        const c = compare(xk, yk);
        if (c !== 0) return c;
        const d = compare(xv, yv);
        if (d !== 0) return d;
      }
      return x.length < y.length ? -1 : x.length > y.length ? 1 : 0;
    }
    default: {
      const x = (a as RSet).sorted();
      const y = (b as RSet).sorted();
      const n = Math.min(x.length, y.length);
      for (let i = 0; i < n; i++) {
        const c = compare(x[i] as Value, y[i] as Value);
        if (c !== 0) return c;
      }
      return x.length < y.length ? -1 : x.length > y.length ? 1 : 0;
    }
  }
}

/** Rego equality. */
export function equals(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (typeof a === 'string' || typeof b === 'string' || typeof a === 'boolean' || a === null || b === null) return false;
  if (typeof a === 'number' || a instanceof BigNum) return (typeof b === 'number' || b instanceof BigNum) && numbersEqual(a, b);
  if (typeof b === 'number') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!equals(a[i] as Value, b[i] as Value)) return false;
    return true;
  }
  if (a instanceof RObject) {
    if (!(b instanceof RObject) || a.size !== b.size) return false;
    for (const [k, v] of a.entries()) {
      const w = b.get(k);
      if (w === undefined || !equals(v, w)) return false;
    }
    return true;
  }
  if (a instanceof RSet) {
    if (!(b instanceof RSet) || a.size !== b.size) return false;
    for (const v of a.values()) if (!b.has(v)) return false;
    return true;
  }
  return false;
}

/** A string that is equal for equal values and different for different values (hash key). */
export function keyOf(v: Value): string {
  if (v === null) return 'n';
  switch (typeof v) {
    case 'boolean':
      return v ? 't' : 'f';
    case 'number':
      return '#' + String(v);
    case 'string':
      // Length-prefixed, not escaped: unambiguous inside composite keys, and no scan of the text.
      return '"' + v.length + '"' + v;
  }
  if (v instanceof BigNum) return v.text === undefined ? '#' + numberText(v) : keyOf(canonicalNumber(v));
  if (Array.isArray(v)) {
    let s = '[';
    for (let i = 0; i < v.length; i++) s += (i ? ',' : '') + keyOf(v[i] as Value);
    return s + ']';
  }
  if (v instanceof RObject) return v.key();
  return (v as RSet).key();
}

const byStringKey = (a: readonly [Value, Value], b: readonly [Value, Value]): number => compareStrings(a[0] as string, b[0] as string);
const byKey = (a: readonly [Value, Value], b: readonly [Value, Value]): number => compare(a[0], b[0]);

/** An object (keys of any type). Build with `set`, then treat as immutable once shared. */
export class RObject {
  private readonly strs = new Map<string, Value>();
  private others: Map<string, [Value, Value]> | undefined;
  private sortedCache: (readonly [Value, Value])[] | undefined;
  private keyCache: string | undefined;
  private hashCache: number | undefined;
  /** Not yet converted members of a lazily converted JS object (`RObject.lazy`). */
  private raw: Readonly<Record<string, unknown>> | undefined;
  private conv: ((x: unknown) => Value) | undefined;

  /** An object from entries. */
  constructor(entries?: Iterable<readonly [Value, Value]>) {
    if (entries) for (const [k, v] of entries) this.set(k, v);
  }
  /**
   * An object over a plain JS object whose members are converted by `conv` when first read
   * (large inputs cost only what a policy looks at). Members that are `undefined` are absent.
   */
  static lazy(raw: Readonly<Record<string, unknown>>, conv: (x: unknown) => Value): RObject {
    const o = new RObject();
    o.raw = raw;
    o.conv = conv;
    return o;
  }
  private materialize(): void {
    const raw = this.raw;
    if (!raw) return;
    const conv = this.conv as (x: unknown) => Value;
    this.raw = undefined;
    this.conv = undefined;
    const read = this.strs;
    if (read.size === 0) {
      // Nothing read yet: convert in the source object's order, one pass.
      for (const k of Object.keys(raw)) {
        const x = raw[k];
        if (x !== undefined) read.set(k, conv(x));
      }
      return;
    }
    // Keep insertion order of the source object; members already read keep their value.
    const ordered: [string, Value][] = [];
    for (const k of Object.keys(raw)) {
      const x = raw[k];
      if (x === undefined) continue;
      const v = read.get(k);
      ordered.push([k, v !== undefined ? v : conv(x)]);
    }
    read.clear();
    for (const [k, v] of ordered) read.set(k, v);
  }
  /** An object of string keys. */
  static fromRecord(rec: Readonly<Record<string, Value>>): RObject {
    const o = new RObject();
    for (const k of Object.keys(rec)) o.strs.set(k, rec[k] as Value);
    return o;
  }
  /** Number of keys. */
  get size(): number {
    this.materialize();
    return this.strs.size + (this.others?.size ?? 0);
  }
  /** The value at `k`, or undefined. */
  get(k: Value): Value | undefined {
    if (typeof k === 'string') {
      const v = this.strs.get(k);
      if (v !== undefined || !this.raw) return v;
      if (!Object.prototype.hasOwnProperty.call(this.raw, k)) return undefined;
      const x = this.raw[k];
      if (x === undefined) return undefined;
      // A string, boolean or null is its own value: nothing to convert or keep.
      if (typeof x === 'string' || typeof x === 'boolean' || x === null) return x;
      const c = (this.conv as (x: unknown) => Value)(x);
      this.strs.set(k, c);
      return c;
    }
    return this.others?.get(keyOf(k))?.[1];
  }
  /** Whether `k` is a key. */
  has(k: Value): boolean {
    return this.get(k) !== undefined;
  }
  /** Sets `k` to `v` (replacing). Only while building. */
  set(k: Value, v: Value): this {
    this.materialize();
    this.sortedCache = undefined;
    this.keyCache = undefined;
    this.hashCache = undefined;
    if (typeof k === 'string') this.strs.set(k, v);
    else (this.others ??= new Map()).set(keyOf(k), [k, v]);
    return this;
  }
  /** Removes `k`. Only while building. */
  delete(k: Value): void {
    this.materialize();
    this.sortedCache = undefined;
    this.keyCache = undefined;
    this.hashCache = undefined;
    if (typeof k === 'string') this.strs.delete(k);
    else this.others?.delete(keyOf(k));
  }
  /** Entries in insertion order (cheap). */
  *entries(): IterableIterator<readonly [Value, Value]> {
    this.materialize();
    for (const e of this.strs) yield e;
    if (this.others) for (const e of this.others.values()) yield e;
  }
  /** Entries in insertion order, as a new array (no generator on the hot paths). */
  private entryArray(): (readonly [Value, Value])[] {
    this.materialize();
    const all: (readonly [Value, Value])[] = [];
    for (const e of this.strs) all.push(e);
    if (this.others) for (const e of this.others.values()) all.push(e);
    return all;
  }
  /** Entries in key order (OPA's iteration order), cached. */
  sortedEntries(): readonly (readonly [Value, Value])[] {
    if (!this.sortedCache) {
      const all = this.entryArray();
      if (all.length > 1) all.sort(this.others ? byKey : byStringKey);
      this.sortedCache = all;
    }
    return this.sortedCache;
  }
  /** Keys in key order. */
  sortedKeys(): Value[] {
    return this.sortedEntries().map((e) => e[0]);
  }
  /** A shallow copy (for building a modified object). */
  clone(): RObject {
    this.materialize();
    const o = new RObject();
    for (const [k, v] of this.strs) o.strs.set(k, v);
    if (this.others) o.others = new Map(this.others);
    return o;
  }
  /** Hash key (see `keyOf`). */
  key(): string {
    if (this.keyCache === undefined) {
      const entries = this.sortedEntries();
      let s = '{';
      for (let i = 0; i < entries.length; i++) {
        const e = entries[i] as readonly [Value, Value];
        s += (i === 0 ? '' : ',') + keyOf(e[0]) + ':' + keyOf(e[1]);
      }
      this.keyCache = s + '}';
    }
    return this.keyCache;
  }
  /** Hash (see `hashOf`): a sum over the entries, so it needs no sorting; cached. */
  hash(): number {
    if (this.hashCache === undefined) {
      this.materialize();
      let h = 0x6f626a;
      for (const [k, v] of this.strs) h = (h + entryHash(hashString(k), hashOf(v))) | 0;
      if (this.others) for (const [k, v] of this.others.values()) h = (h + entryHash(hashOf(k), hashOf(v))) | 0;
      this.hashCache = h;
    }
    return this.hashCache;
  }
}

/** FNV-1a over the UTF-16 code units of `s`. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

/** Mixes an object entry's key and value hashes (entries are then summed, in any order). */
function entryHash(k: number, v: number): number {
  return Math.imul(k ^ Math.imul(v, 0x5bd1e995), 0x27d4eb2d) ^ (v >>> 15);
}

/**
 * A 32-bit hash consistent with `equals`: equal values hash alike (numbers by their canonical
 * text, as `keyOf`; objects and sets order-independently). Unequal values may collide.
 */
export function hashOf(v: Value): number {
  if (v === null) return 0x6e756c6c;
  switch (typeof v) {
    case 'boolean':
      return v ? 0x74727565 : 0x66616c73;
    case 'number':
      return hashString(keyOf(v));
    case 'string':
      return hashString(v);
  }
  if (v instanceof BigNum) return hashString(keyOf(v));
  if (Array.isArray(v)) {
    let h = 0x61727279 ^ v.length;
    for (let i = 0; i < v.length; i++) h = Math.imul(h ^ hashOf(v[i] as Value), 0x01000193);
    return h;
  }
  if (v instanceof RObject) return v.hash();
  return (v as RSet).hash();
}

/** Members of an `RSet` whose hashes collide (a class of its own: never a Rego value). */
class Bucket {
  constructor(readonly items: Value[]) {}
}

/** A set. Build with `add`, then treat as immutable once shared. */
export class RSet {
  /** String members (the common set: messages, names), keyed by themselves: no key string is made. */
  private readonly strs = new Set<string>();
  /** Other members by `hashOf`: a bucket is the member itself, or a list of members whose hashes collide. */
  private others: Map<number, Value | Bucket> | undefined;
  /** Members in `others`. */
  private otherCount = 0;
  private sortedCache: Value[] | undefined;
  private keyCache: string | undefined;
  private hashCache: number | undefined;

  /** A set of values. */
  constructor(values?: Iterable<Value>) {
    if (values) for (const v of values) this.add(v);
  }
  /** Number of members. */
  get size(): number {
    return this.strs.size + this.otherCount;
  }
  /** Whether `v` is a member. */
  has(v: Value): boolean {
    if (typeof v === 'string') return this.strs.has(v);
    if (this.others === undefined) return false;
    const b = this.others.get(hashOf(v));
    return b !== undefined && (b instanceof Bucket ? b.items.some((x) => equals(x, v)) : equals(b, v));
  }
  /** Adds `v`; returns whether it was new. Only while building. */
  add(v: Value): boolean {
    if (typeof v === 'string') {
      if (this.strs.has(v)) return false;
      this.strs.add(v);
    } else {
      const h = hashOf(v);
      const others = (this.others ??= new Map<number, Value | Bucket>());
      const b = others.get(h);
      if (b === undefined) others.set(h, v);
      else if (b instanceof Bucket) {
        if (b.items.some((x) => equals(x, v))) return false;
        b.items.push(v);
      } else {
        if (equals(b, v)) return false;
        others.set(h, new Bucket([b, v]));
      }
      this.otherCount++;
    }
    this.changed();
    return true;
  }
  /** Removes `v`. Only while building. */
  delete(v: Value): void {
    if (typeof v === 'string') {
      if (this.strs.delete(v)) this.changed();
      return;
    }
    const h = hashOf(v);
    const b = this.others?.get(h);
    if (b === undefined || this.others === undefined) return;
    if (b instanceof Bucket) {
      const i = b.items.findIndex((x) => equals(x, v));
      if (i < 0) return;
      b.items.splice(i, 1);
      if (b.items.length === 1) this.others.set(h, b.items[0] as Value);
    } else if (equals(b, v)) this.others.delete(h);
    else return;
    this.otherCount--;
    this.changed();
  }
  private changed(): void {
    this.sortedCache = undefined;
    this.keyCache = undefined;
    this.hashCache = undefined;
  }
  /** Members (strings first, each kind in insertion order; cheap). */
  values(): IterableIterator<Value> {
    return this.others === undefined ? this.strs.values() : this.allValues();
  }
  private *allValues(): IterableIterator<Value> {
    yield* this.strs;
    if (this.others)
      for (const b of this.others.values())
        if (b instanceof Bucket) yield* b.items;
        else yield b;
  }
  /** Hash (see `hashOf`): a sum over the members, cached. */
  hash(): number {
    if (this.hashCache === undefined) {
      let h = 0x736574;
      for (const v of this.values()) h = (h + Math.imul(hashOf(v), 0x9e3779b1)) | 0;
      this.hashCache = h;
    }
    return this.hashCache;
  }
  /** Members in OPA's order, cached. */
  sorted(): readonly Value[] {
    if (!this.sortedCache) {
      const all: Value[] = [...this.values()];
      // Only strings (the common set): their order is compareStrings, without compare's type ranks.
      if (all.length > 1) all.sort(this.others === undefined ? (compareStrings as (a: Value, b: Value) => number) : compare);
      this.sortedCache = all;
    }
    return this.sortedCache;
  }
  /** Hash key (see `keyOf`). */
  key(): string {
    if (this.keyCache === undefined) this.keyCache = '<' + this.sorted().map(keyOf).join(',') + '>';
    return this.keyCache;
  }
}
