import * as t from 'io-ts';
import { openObject } from './codec/open-object.js';
import { nullable } from './codec/one-of-kinds.js';

/** A Spinnaker moniker (`app`, `cluster`, `stack`, `detail`, `sequence`); unset parts are `null`. */
export const Moniker = openObject(
  'Moniker',
  {},
  {
    app: t.string,
    cluster: nullable(t.string),
    stack: nullable(t.string),
    detail: nullable(t.string),
    sequence: nullable(t.number),
  },
);
/** The TypeScript type of {@link Moniker}. */
export type Moniker = t.TypeOf<typeof Moniker>;
