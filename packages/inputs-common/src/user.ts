import * as t from 'io-ts';
import { openObject } from './codec/open-object.js';
import { oneOfKinds } from './codec/one-of-kinds.js';
import { deepMerge, type DeepPartial } from './merge.js';

/** A role as Fiat supplies it: `{ name, source }` (e.g. source `GITHUB_TEAMS`). */
export const RoleObject = openObject('RoleObject', { name: t.string }, { source: t.string });
/** The TypeScript type of {@link RoleObject}. */
export type RoleObject = t.TypeOf<typeof RoleObject>;

/** A role: an object `{ name, source }` (every package page) or a plain string (usage-guide snippet). */
export const Role = oneOfKinds('Role (RoleObject | string)', { object: RoleObject, string: t.string });
/** The TypeScript type of {@link Role}. */
export type Role = t.TypeOf<typeof Role>;

/** `input.user`: the acting user (API caller, or the user who started the pipeline). */
export const User = openObject(
  'User',
  {},
  {
    username: t.string,
    isAdmin: t.boolean,
    roles: t.array(Role),
    /** The docs' key table spells it `role[]` (strings); payloads use `roles`. */
    role: t.array(t.string),
  },
);
/** The TypeScript type of {@link User}. */
export type User = t.TypeOf<typeof User>;

/** A valid `input.user` (non-admin `alice` with one GitHub team role), deep-merged with `overrides`. */
export function buildUser(overrides?: DeepPartial<User>): User {
  return deepMerge<User>({ username: 'alice', isAdmin: false, roles: [{ name: 'dev-team', source: 'GITHUB_TEAMS' }] }, overrides);
}
