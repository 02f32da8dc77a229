import * as t from 'io-ts';
import { kindOf, type JsonKind } from './kind.js';

/** Codecs chosen by the JSON kind of the value. */
export type KindMembers = Partial<Record<JsonKind, t.Mixed>>;

/** The union of the member types of a {@link KindMembers} map. */
export type KindUnionOf<C extends KindMembers> = { [K in keyof C]: C[K] extends t.Mixed ? t.TypeOf<C[K]> : never }[keyof C];

/**
 * A union that picks its branch by the JSON kind of the value (string, number, boolean,
 * null, array, object) and delegates to that branch alone, so errors point at the deepest
 * failing field instead of listing every branch. A value of a kind with no branch fails
 * with this codec's name (e.g. `RoleObject | string`).
 */
export class KindUnionType<C extends KindMembers> extends t.Type<KindUnionOf<C>, KindUnionOf<C>, unknown> {
  /** Discriminant for tools that walk codecs. */
  readonly _tag = 'KindUnionType' as const;

  constructor(
    name: string,
    /** Branch per JSON kind. */
    readonly members: C,
  ) {
    super(
      name,
      (u): u is KindUnionOf<C> => {
        const k = kindOf(u);
        const codec = k === 'undefined' || k === 'other' ? undefined : members[k];
        return codec !== undefined && codec.is(u);
      },
      (u, c) => {
        const k = kindOf(u);
        const codec = k === 'undefined' || k === 'other' ? undefined : members[k];
        return codec === undefined ? t.failure(u, c) : (codec.validate(u, c) as t.Validation<KindUnionOf<C>>);
      },
      t.identity,
    );
  }
}

/** Builds a {@link KindUnionType}: `oneOfKinds('Role', { string: t.string, object: RoleObject })`. */
export function oneOfKinds<C extends KindMembers>(name: string, members: C): KindUnionType<C> {
  return new KindUnionType(name, members);
}

/** A codec that also accepts `null` (errors on other values come from the inner codec). */
export class NullableType<C extends t.Mixed> extends t.Type<t.TypeOf<C> | null, t.OutputOf<C> | null, unknown> {
  /** Discriminant for tools that walk codecs. */
  readonly _tag = 'NullableType' as const;

  constructor(
    /** The codec used for non-null values. */
    readonly inner: C,
  ) {
    super(
      `${inner.name} | null`,
      (u): u is t.TypeOf<C> | null => u === null || inner.is(u),
      (u, c) => (u === null ? t.success(null) : (inner.validate(u, c) as t.Validation<t.TypeOf<C> | null>)),
      t.identity,
    );
  }
}

/** `nullable(t.string)` accepts a string or `null`. */
export function nullable<C extends t.Mixed>(inner: C): NullableType<C> {
  return new NullableType(inner);
}
