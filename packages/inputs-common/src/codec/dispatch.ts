import * as t from 'io-ts';

/**
 * A codec that picks one of several codecs by looking at the value (e.g. "has a `deploy`
 * key"), then validates with that codec alone so errors stay precise.
 */
export class DispatchType<A> extends t.Type<A, A, unknown> {
  /** Discriminant for tools that walk codecs. */
  readonly _tag = 'DispatchType' as const;

  constructor(
    name: string,
    /** Chooses the codec for a value. */
    readonly select: (u: unknown) => t.Mixed,
  ) {
    super(
      name,
      (u): u is A => select(u).is(u),
      (u, c) => select(u).validate(u, c) as t.Validation<A>,
      t.identity,
    );
  }
}

/** Builds a {@link DispatchType} choosing between `codecs` with `select`. */
export function dispatch<A>(name: string, select: (u: unknown) => t.Mixed): DispatchType<A> {
  return new DispatchType(name, select);
}
