/**
 * OPA's hash and HMAC built-ins (`topdown/crypto.go`): `crypto.md5`, `crypto.sha1`,
 * `crypto.sha256`, `crypto.hmac.{md5,sha1,sha256,sha512}` (lower-case hex of the digest of the
 * string's UTF-8 bytes) and `crypto.hmac.equal` (Go's `hmac.Equal`: constant-time byte
 * comparison). Hashes come from `@noble/hashes` (synchronous, browser-safe). The x509 and
 * JWT built-ins live elsewhere.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { md5, sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { bytesToHex, type CHash } from '@noble/hashes/utils.js';
import type { Value } from '@policy-engine/rego-value';
import { argString, type BuiltinDef } from './registry.js';
import { constantTimeEqual, utf8 } from './util.js';

type Hash = CHash;

function digest(name: string, h: Hash): BuiltinDef {
  return { name, arity: 1, fn: (args) => bytesToHex(h(utf8(argString(name, args, 0)))) };
}

function hmacOf(name: string, h: Hash): BuiltinDef {
  return {
    name,
    arity: 2,
    fn: (args) => {
      const message = utf8(argString(name, args, 0));
      const key = utf8(argString(name, args, 1));
      return bytesToHex(hmac(h, key, message));
    },
  };
}

/** The built-ins of this family. */
export const builtins: BuiltinDef[] = [
  digest('crypto.md5', md5),
  digest('crypto.sha1', sha1),
  digest('crypto.sha256', sha256),
  hmacOf('crypto.hmac.md5', md5),
  hmacOf('crypto.hmac.sha1', sha1),
  hmacOf('crypto.hmac.sha256', sha256),
  hmacOf('crypto.hmac.sha512', sha512),
  {
    name: 'crypto.hmac.equal',
    arity: 2,
    fn: (args: Value[]) => {
      const a = utf8(argString('crypto.hmac.equal', args, 0));
      const b = utf8(argString('crypto.hmac.equal', args, 1));
      return constantTimeEqual(a, b);
    },
  },
];
