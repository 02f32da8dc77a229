import * as t from 'io-ts';
import { isLeft } from 'fp-ts/lib/Either.js';
import { isJsonObject } from './kind.js';

/**
 * The TypeScript type of an open object: required props, optional props, and any number
 * of extra keys (Spinnaker sends more fields than the docs list; they are kept).
 */
export type OpenOf<R extends t.Props, O extends t.Props> = { [K in keyof R]: t.TypeOf<R[K]> } & {
  [K in keyof O]?: t.TypeOf<O[K]>;
} & { [key: string]: unknown };

/**
 * io-ts codec of a JSON object whose documented fields are typed and whose extra keys are
 * kept untouched. Decoding never copies: a valid input decodes to the very same object.
 * Required fields must be present; optional fields may be absent (but not `null` unless
 * their codec is `nullable`).
 */
export class OpenObjectType<R extends t.Props, O extends t.Props> extends t.Type<OpenOf<R, O>, OpenOf<R, O>, unknown> {
  /** Discriminant, like io-ts' own `_tag`s, for tools that walk codecs. */
  readonly _tag = 'OpenObjectType' as const;

  constructor(
    name: string,
    /** Fields that must be present. */
    readonly required: R,
    /** Fields that may be absent. */
    readonly optional: O,
  ) {
    super(
      name,
      (u): u is OpenOf<R, O> =>
        isJsonObject(u) &&
        Object.entries(required).every(([k, codec]) => codec.is(u[k])) &&
        Object.entries(optional).every(([k, codec]) => u[k] === undefined || codec.is(u[k])),
      (u, c) => {
        if (!isJsonObject(u)) return t.failure(u, c);
        const errors: t.ValidationError[] = [];
        const check = (k: string, codec: t.Mixed, value: unknown): void => {
          const r = codec.validate(value, t.appendContext(c, k, codec, value));
          if (isLeft(r)) errors.push(...r.left);
        };
        for (const [k, codec] of Object.entries(required)) check(k, codec, u[k]);
        for (const [k, codec] of Object.entries(optional)) if (u[k] !== undefined) check(k, codec, u[k]);
        return errors.length > 0 ? t.failures(errors) : t.success(u as OpenOf<R, O>);
      },
      t.identity,
    );
  }
}

/** Builds an {@link OpenObjectType}: `openObject('User', {}, { username: t.string })`. */
export function openObject<R extends t.Props, O extends t.Props>(name: string, required: R, optional: O): OpenObjectType<R, O> {
  return new OpenObjectType(name, required, optional);
}
