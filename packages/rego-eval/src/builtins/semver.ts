/**
 * OPA's `semver.is_valid` and `semver.compare` (`topdown/semver.go` over
 * `internal/semver`): strict SemVer 2.0 with an optional leading `v`, numeric identifiers
 * without leading zeros and within int64. Error texts are OPA's.
 */
import { goQuote, type Value } from '@policy-engine/rego-value';
import type { BuiltinDef } from './registry.js';
import { argString } from './registry.js';
import { fail } from './util.js';

/** A parsed version. */
interface Version {
  readonly major: bigint;
  readonly minor: bigint;
  readonly patch: bigint;
  readonly pre: string;
}

const META = /^[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*$/;
const DECIMALS = /^[0-9]*$/;
const INT64_MAX = (1n << 63n) - 1n;

function cut(s: string, sep: string): [string, string, boolean] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, '', false] : [s.slice(0, i), s.slice(i + 1), true];
}

function numeric(s: string): bigint | undefined {
  if (!/^(0|[1-9][0-9]*)$/.test(s)) return undefined;
  const v = BigInt(s);
  return v > INT64_MAX ? undefined : v;
}

/** `internal/semver.Parse`; `undefined` when the text is not a valid version. */
function parse(text: string): Version | undefined {
  let v = text.startsWith('v') ? text.slice(1) : text;
  const [core, meta, hasMeta] = cut(v, '+');
  if (hasMeta && !META.test(meta)) return undefined;
  const [nums, pre, hasPre] = cut(core, '-');
  if (hasPre && (!META.test(pre) || pre.split('.').some((id) => id.length > 1 && id[0] === '0' && DECIMALS.test(id)))) return undefined;
  v = nums;
  const parts = v.split('.');
  if (parts.length !== 3) return undefined;
  const [major, minor, patch] = parts.map(numeric);
  if (major === undefined || minor === undefined || patch === undefined) return undefined;
  return { major, minor, patch, pre };
}

/** Go's `strconv.Atoi` of an all-decimal identifier (clamped to int64 when it overflows, as OPA ignores the error). */
function atoi(s: string): bigint {
  const v = s === '' ? 0n : BigInt(s);
  return v > INT64_MAX ? INT64_MAX : v;
}

function cmp<T>(a: T, b: T): number {
  return a > b ? 1 : a < b ? -1 : 0;
}

/** `Version.Compare`. */
function compare(a: Version, b: Version): number {
  const c = cmp(a.major, b.major) || cmp(a.minor, b.minor) || cmp(a.patch, b.patch);
  if (c !== 0) return c;
  if (a.pre === b.pre) return 0;
  if (a.pre === '') return 1;
  if (b.pre === '') return -1;
  let [x, restA] = cut(a.pre, '.');
  let [y, restB] = cut(b.pre, '.');
  for (;;) {
    if (x === '' && y !== '') return -1;
    if (x !== '' && y === '') return 1;
    const xi = DECIMALS.test(x);
    const yi = DECIMALS.test(y);
    if (xi && !yi) return -1;
    if (!xi && yi) return 1;
    const r = xi && yi ? cmp(atoi(x), atoi(y)) : cmp(x, y);
    if (r !== 0) return r;
    if (restA !== '' && restB === '') return 1;
    if (restA === '' && restB !== '') return -1;
    if (restA === '' && restB === '') return 0;
    [x, restA] = cut(restA, '.');
    [y, restB] = cut(restB, '.');
  }
}

/** The built-ins of this family. */
export const builtins: BuiltinDef[] = [
  {
    name: 'semver.is_valid',
    arity: 1,
    fn: (args) => typeof args[0] === 'string' && parse(args[0]) !== undefined,
  },
  {
    name: 'semver.compare',
    arity: 2,
    fn: (args): Value => {
      const name = 'semver.compare';
      const a = argString(name, args, 0);
      const b = argString(name, args, 1);
      const va = parse(a);
      if (!va) throw fail(name, `operand 1: string ${goQuote(a)} is not a valid SemVer`);
      const vb = parse(b);
      if (!vb) throw fail(name, `operand 2: string ${goQuote(b)} is not a valid SemVer`);
      return compare(va, vb);
    },
  },
];
