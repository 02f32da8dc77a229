import * as t from 'io-ts';
import { isRight } from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import {
  NumericString,
  Role,
  Timestamp,
  User,
  buildUser,
  deepMerge,
  formatPath,
  nullable,
  oneOfKinds,
  openObject,
  toInputErrors,
} from '../src/index.js';
import { errorsOf } from './helpers.js';

const Thing = openObject('Thing', { id: t.string }, { count: t.number, label: nullable(t.string) });

describe('openObject', () => {
  it('keeps extra keys and decodes to the same object', () => {
    const value = { id: 'a', count: 1, extra: { nested: true }, 'dotted.key': [1] };
    const r = Thing.decode(value);
    expect(isRight(r) && r.right).toBe(value);
    expect(Thing.is(value)).toBe(true);
  });

  it('requires required fields, allows absent optional ones, rejects null unless nullable', () => {
    expect(errorsOf(Thing, {})).toEqual(['input.id <string>']);
    expect(errorsOf(Thing, { id: 'a' })).toEqual([]);
    expect(errorsOf(Thing, { id: 'a', label: null })).toEqual([]);
    expect(errorsOf(Thing, { id: 'a', count: null })).toEqual(['input.count <number>']);
    expect(errorsOf(Thing, { id: 'a', label: 3 })).toEqual(['input.label <string | null>']);
  });

  it('rejects arrays and scalars as objects', () => {
    expect(errorsOf(Thing, [])).toEqual(['input <Thing>']);
    expect(errorsOf(Thing, 'x')).toEqual(['input <Thing>']);
  });
});

describe('oneOfKinds', () => {
  it('delegates by JSON kind so errors stay deep', () => {
    expect(errorsOf(Role, 'admins')).toEqual([]);
    expect(errorsOf(Role, { name: 'admins', source: 'LDAP' })).toEqual([]);
    expect(errorsOf(Role, { name: 1 })).toEqual(['input.name <string>']);
    expect(errorsOf(Role, 1)).toEqual(['input <Role (RoleObject | string)>']);
  });

  it('types the union of its members', () => {
    const Id = oneOfKinds('Id', { string: t.string, number: t.number });
    const id: string | number = Id.is(3) ? 3 : 'x';
    expect(errorsOf(Id, id)).toEqual([]);
    expect(errorsOf(Id, true)).toEqual(['input <Id>']);
  });
});

describe('scalars', () => {
  it('Timestamp takes numbers and numeric strings only', () => {
    expect(errorsOf(Timestamp, 1620677311000)).toEqual([]);
    expect(errorsOf(Timestamp, '1620677311000')).toEqual([]);
    expect(errorsOf(Timestamp, 'yesterday')).toEqual(['input <Timestamp (number | numeric string)>']);
    expect(NumericString.is('12.5')).toBe(true);
    expect(NumericString.is('12a')).toBe(false);
  });
});

describe('User', () => {
  it('accepts role objects and plain string roles', () => {
    expect(errorsOf(User, buildUser())).toEqual([]);
    expect(errorsOf(User, buildUser({ roles: ['admins', { name: 'ops', source: 'GITHUB_TEAMS' }] }))).toEqual([]);
  });

  it('isAdmin "yes" fails at input.user.isAdmin', () => {
    const r = User.decode(buildUser({ isAdmin: 'yes' as unknown as boolean }));
    expect(isRight(r) ? [] : toInputErrors(r.left, 'input.user')).toEqual([
      {
        path: 'input.user.isAdmin',
        expected: 'boolean',
        actual: 'yes',
        message: 'input.user.isAdmin: expected boolean, got string "yes"',
      },
    ]);
  });
});

describe('errors', () => {
  it('formats paths with indices and quoted dotted keys', () => {
    expect(formatPath(['stage', 'context', 'kato.tasks', 0, 'status'])).toBe('input.stage.context["kato.tasks"][0].status');
    expect(formatPath([])).toBe('input');
  });

  it('reports one error per failing leaf, deduplicated by path', () => {
    const List = t.array(Thing);
    expect(errorsOf(List, [{ id: 1 }, { id: 'b', count: 'x' }, 'z'])).toEqual([
      'input[0].id <string>',
      'input[1].count <number>',
      'input[2] <Thing>',
    ]);
  });
});

describe('deepMerge', () => {
  it('merges objects, replaces arrays, skips undefined, never mutates', () => {
    const base = { a: { b: 1, c: [1, 2] }, d: 'x' };
    const merged = deepMerge(base, { a: { c: [3] }, d: undefined });
    expect(merged).toEqual({ a: { b: 1, c: [3] }, d: 'x' });
    expect(base).toEqual({ a: { b: 1, c: [1, 2] }, d: 'x' });
    expect(deepMerge(base)).toBe(base);
  });
});
