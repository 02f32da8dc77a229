// Test helper: walks an input document alongside its codec and lists the typed scalar leaves.
import type * as t from 'io-ts';
import { kindOf, type PathSegment } from '@policy-engine/inputs-common';

/** A scalar field the codec types (string, number or boolean) and where it sits. */
export interface TypedLeaf {
  readonly segments: PathSegment[];
  readonly container: Record<string, unknown> | unknown[];
  readonly key: string | number;
  /** The codec of that position (including any `| null` or kind-union wrapper). */
  readonly codec: t.Mixed;
  readonly primitive: 'StringType' | 'NumberType' | 'BooleanType';
}

interface Walkable {
  readonly _tag?: string;
  readonly inner?: t.Mixed;
  readonly members?: Partial<Record<string, t.Mixed>>;
  readonly select?: (u: unknown) => t.Mixed;
  readonly required?: t.Props;
  readonly optional?: t.Props;
  readonly type?: t.Mixed;
  readonly codomain?: t.Mixed;
}

function unwrap(codec: t.Mixed, value: unknown): t.Mixed | undefined {
  let c: t.Mixed | undefined = codec;
  for (let guard = 0; c && guard < 10; guard++) {
    const w = c as unknown as Walkable;
    if (w._tag === 'NullableType') {
      if (value === null) return undefined;
      c = w.inner;
    } else if (w._tag === 'KindUnionType') {
      const k = kindOf(value);
      c = w.members?.[k];
    } else if (w._tag === 'DispatchType' && w.select) {
      c = w.select(value);
    } else return c;
  }
  return c;
}

/** Lists every typed scalar leaf of `value` under `codec`. */
export function typedLeaves(codec: t.Mixed, value: unknown): TypedLeaf[] {
  const out: TypedLeaf[] = [];
  const visit = (
    position: t.Mixed,
    v: unknown,
    segments: PathSegment[],
    container: TypedLeaf['container'] | undefined,
    key: string | number | undefined,
  ): void => {
    const c = unwrap(position, v);
    if (!c) return;
    const w = c as unknown as Walkable;
    switch (w._tag) {
      case 'StringType':
      case 'NumberType':
      case 'BooleanType':
        if (container !== undefined && key !== undefined) out.push({ segments, container, key, codec: position, primitive: w._tag });
        return;
      case 'OpenObjectType': {
        if (kindOf(v) !== 'object') return;
        const obj = v as Record<string, unknown>;
        for (const [k, sub] of Object.entries({ ...w.optional, ...w.required })) {
          if (obj[k] !== undefined) visit(sub, obj[k], [...segments, k], obj, k);
        }
        return;
      }
      case 'ArrayType':
        if (Array.isArray(v) && w.type) v.forEach((el, i) => visit(w.type as t.Mixed, el, [...segments, i], v, i));
        return;
      case 'DictionaryType':
        if (kindOf(v) === 'object' && w.codomain) {
          for (const [k, el] of Object.entries(v as Record<string, unknown>))
            visit(w.codomain, el, [...segments, k], v as Record<string, unknown>, k);
        }
        return;
      default:
        return;
    }
  };
  visit(codec, value, [], undefined, undefined);
  return out;
}

/** A value of another kind that the leaf's position codec rejects, or undefined if none. */
export function wrongValueFor(leaf: TypedLeaf): unknown {
  const candidates: Record<TypedLeaf['primitive'], unknown[]> = {
    StringType: [42, true, { not: 'a string' }],
    NumberType: ['not-a-number', true, { not: 'a number' }],
    BooleanType: ['yes', 1, { not: 'a boolean' }],
  };
  return candidates[leaf.primitive].find((c) => !leaf.codec.is(c));
}
