import * as t from 'io-ts';
import { oneOfKinds } from './one-of-kinds.js';

const numeric = /^-?\d+(\.\d+)?$/;

/** A string holding a decimal number (Spinnaker sends some epoch-millisecond timestamps this way). */
export const NumericString = new t.Type<string, string, unknown>(
  'NumericString',
  (u): u is string => typeof u === 'string' && numeric.test(u),
  (u, c) => (typeof u === 'string' && numeric.test(u) ? t.success(u) : t.failure(u, c)),
  t.identity,
);

/** An epoch-millisecond timestamp: a number, or a numeric string as in `updateTs: "1620677311000"`. */
export const Timestamp = oneOfKinds('Timestamp (number | numeric string)', { number: t.number, string: NumericString });
/** The TypeScript type of {@link Timestamp}. */
export type Timestamp = t.TypeOf<typeof Timestamp>;

/** A value the docs and payloads disagree on: number in one place, string in another (e.g. `replicas`). */
export const NumberOrString = oneOfKinds('number | string', { number: t.number, string: t.string });
/** The TypeScript type of {@link NumberOrString}. */
export type NumberOrString = t.TypeOf<typeof NumberOrString>;

/** Any JSON object, kept as is (e.g. a Kubernetes manifest). */
export const JsonObject = t.UnknownRecord;
/** The TypeScript type of {@link JsonObject}. */
export type JsonObject = t.TypeOf<typeof JsonObject>;

/** A list of anything (documented only as "array"). */
export const AnyArray = t.UnknownArray;

/** The TypeScript type of {@link NumericString}. */
export type NumericString = t.TypeOf<typeof NumericString>;
