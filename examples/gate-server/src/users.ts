import { readFileSync } from 'node:fs';
import { ConfigurationError } from '@policy-engine/evaluator';
import type { PasswordUser } from '@policy-engine/gate-adapter';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Checks a users document: `[{"username", "password", "roles": [...], "isAdmin"}]`;
 * roles are names or `{name, source}` objects.
 * @throws ConfigurationError naming the file and the entry.
 */
export function parseUsers(doc: unknown, file = 'users'): PasswordUser[] {
  if (!Array.isArray(doc)) throw new ConfigurationError(`${file}: expected a JSON array of users`);
  const seen = new Set<string>();
  return doc.map((entry, i) => {
    const where = `${file}: users[${i}]`;
    if (!isRecord(entry)) throw new ConfigurationError(`${where} must be an object`);
    const { username, password, roles, isAdmin } = entry;
    if (typeof username !== 'string' || username === '') throw new ConfigurationError(`${where}.username must be a non-empty string`);
    if (typeof password !== 'string') throw new ConfigurationError(`${where}.password must be a string`);
    if (seen.has(username)) throw new ConfigurationError(`${where}: duplicate username "${username}"`);
    seen.add(username);
    if (isAdmin !== undefined && typeof isAdmin !== 'boolean') throw new ConfigurationError(`${where}.isAdmin must be a boolean`);
    const roleList = roles ?? [];
    if (!Array.isArray(roleList)) throw new ConfigurationError(`${where}.roles must be an array`);
    const parsedRoles = roleList.map((r: unknown, j) => {
      if (typeof r === 'string') return r;
      if (isRecord(r) && typeof r['name'] === 'string') {
        return typeof r['source'] === 'string' ? { name: r['name'], source: r['source'] } : { name: r['name'] };
      }
      throw new ConfigurationError(`${where}.roles[${j}] must be a name or {"name", "source"}`);
    });
    return { username, password, isAdmin: isAdmin === true, roles: parsedRoles };
  });
}

/** Reads and checks a users file (see {@link parseUsers}). */
export function loadUsersFile(file: string): PasswordUser[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigurationError(`${file}: cannot read users file (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ConfigurationError(`${file}: malformed JSON (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  return parseUsers(doc, file);
}
