import { describe, expect, it } from 'vitest';
import { basicAuthIdentity, type GateUser, type IdentityRequest, type PasswordUser } from '../src/index.js';

/** basicAuthIdentity answers synchronously: the resolver's result, never a promise. */
function resolverOf(users: readonly PasswordUser[], roleSource?: string): (request: IdentityRequest) => GateUser | null | undefined {
  const resolve = basicAuthIdentity(users, roleSource);
  return (request) => {
    const user = resolve(request);
    if (user instanceof Promise) throw new Error('basicAuthIdentity returned a promise');
    return user;
  };
}

const users: PasswordUser[] = [
  { username: 'bob', password: 'bob-pw', roles: ['dev'] },
  { username: 'eve', password: 'eve-pw', roles: [] },
];
const basic = (creds: string) => ({ headers: { authorization: `Basic ${Buffer.from(creds).toString('base64')}` } });

describe('basicAuthIdentity', () => {
  it('accepts the right password again and again, and never a wrong one, before or after', () => {
    const identify = resolverOf(users, 'FILE');
    expect(identify(basic('bob:wrong'))).toBeNull();
    const first = identify(basic('bob:bob-pw'));
    expect(first).toMatchObject({ username: 'bob', roles: [{ name: 'dev', source: 'FILE' }] });
    expect(identify(basic('bob:bob-pw'))).toBe(first);
    expect(identify(basic('bob:wrong'))).toBeNull();
    expect(identify(basic('bob:bob-pw '))).toBeNull();
    expect(identify(basic('eve:bob-pw'))).toBeNull();
    expect(identify(basic('nobody:bob-pw'))).toBeNull();
    expect(identify({ headers: {} })).toBeNull();
    expect(identify({ headers: { authorization: 'Bearer abc' } })).toBeNull();
  });

  it('still verifies once more distinct headers were seen than it remembers', () => {
    const identify = resolverOf(users);
    // The same credentials spelled with different whitespace are different header values.
    const token = Buffer.from('eve:eve-pw').toString('base64');
    for (let i = 0; i < 1500; i++) {
      const header = `Basic${' '.repeat(1 + (i % 40))}${token}${' '.repeat(Math.floor(i / 40))}`;
      expect(identify({ headers: { authorization: header } })?.username).toBe('eve');
      expect(identify(basic(`bob:guess-${i}`))).toBeNull();
    }
    expect(identify(basic('bob:bob-pw'))?.username).toBe('bob');
  });
});
