/**
 * What an `input.…` path can reach, read from the io-ts codecs of `@policy-engine/inputs`:
 * documented objects (whose field names are known), arrays, maps and "anything".
 */
import type { InputCodec } from '@policy-engine/inputs';

type Props = Readonly<Record<string, InputCodec>>;

/** One alternative of what a value can be. */
export type Shape =
  | { readonly k: 'obj'; readonly name: string; readonly fields: ReadonlyMap<string, InputCodec>; readonly open: Openness }
  | { readonly k: 'arr'; readonly item: InputCodec | undefined }
  | { readonly k: 'map'; readonly value: InputCodec | undefined }
  | { readonly k: 'scalar'; readonly name: string }
  | { readonly k: 'any' };

/** `closed`: only documented fields; `loose`: type-specific extra fields, only near misses of documented ones are typos; `open`: any key. */
export type Openness = 'closed' | 'loose' | 'open';

/**
 * Objects whose fields depend on a type (stage configurations hold their type's settings inline,
 * task jobs, raw and configured triggers): a name near a documented one is a typo, others may exist.
 */
const LOOSE_OBJECTS = new Set(['StageConfig', 'HttpTaskJob', 'TriggerOther', 'ConfiguredTrigger']);

/**
 * Objects whose extra keys are the point (stage contexts, request bodies): documented fields
 * are typed for validation, but any other key may exist, so paths into them are not checked.
 */
const OPEN_OBJECT = /(Context|Body)$/;

/** A loosely typed view of an io-ts codec's introspection properties. */
interface CodecView {
  readonly _tag?: string;
  readonly name: string;
  readonly type?: InputCodec;
  readonly types?: readonly InputCodec[];
  readonly props?: Props;
  readonly required?: Props;
  readonly optional?: Props;
  readonly members?: Readonly<Record<string, InputCodec | undefined>>;
  readonly inner?: InputCodec;
  readonly codomain?: InputCodec;
}

function view(codec: InputCodec): CodecView {
  return codec;
}

/** The alternatives a codec stands for (unions flattened, wrappers unwrapped, intersections merged). */
export function shapesOf(codec: InputCodec, depth = 0): Shape[] {
  if (depth > 50) return [{ k: 'any' }];
  const c = view(codec);
  switch (c._tag) {
    case 'OpenObjectType': {
      const fields = new Map<string, InputCodec>([...Object.entries(c.required ?? {}), ...Object.entries(c.optional ?? {})]);
      return [{ k: 'obj', name: c.name, fields, open: OPEN_OBJECT.test(c.name) ? 'open' : LOOSE_OBJECTS.has(c.name) ? 'loose' : 'closed' }];
    }
    case 'InterfaceType':
    case 'PartialType':
      return [{ k: 'obj', name: c.name, fields: new Map(Object.entries(c.props ?? {})), open: 'closed' }];
    case 'ExactType':
    case 'StrictType':
    case 'RefinementType':
    case 'ReadonlyType':
    case 'RecursiveType':
      return c.type ? shapesOf(c.type, depth + 1) : [{ k: 'any' }];
    case 'NullableType':
      return c.inner ? shapesOf(c.inner, depth + 1) : [{ k: 'any' }];
    case 'UnionType':
      return (c.types ?? []).flatMap((x) => shapesOf(x, depth + 1));
    case 'KindUnionType':
      return Object.values(c.members ?? {}).flatMap((x) => (x ? shapesOf(x, depth + 1) : []));
    case 'IntersectionType': {
      const parts = (c.types ?? []).flatMap((x) => shapesOf(x, depth + 1));
      if (parts.some((p) => p.k !== 'obj')) return parts.some((p) => p.k === 'any' || p.k === 'map') ? [{ k: 'any' }] : parts;
      const fields = new Map<string, InputCodec>();
      const rank: Openness[] = ['closed', 'loose', 'open'];
      let open: Openness = 'closed';
      for (const p of parts) {
        if (p.k !== 'obj') continue;
        if (rank.indexOf(p.open) > rank.indexOf(open)) open = p.open;
        for (const [n, f] of p.fields) fields.set(n, f);
      }
      return [{ k: 'obj', name: c.name, fields, open }];
    }
    case 'ArrayType':
    case 'ReadonlyArrayType':
      return [{ k: 'arr', item: c.type }];
    case 'UnknownArrayType':
    case 'TupleType':
      return [{ k: 'arr', item: undefined }];
    case 'DictionaryType':
      return [{ k: 'map', value: c.codomain }];
    case 'UnknownRecordType':
      return [{ k: 'map', value: undefined }];
    case 'StringType':
    case 'NumberType':
    case 'BooleanType':
    case 'NullType':
    case 'LiteralType':
    case 'KeyofType':
    case 'BigIntType':
      return [{ k: 'scalar', name: c.name }];
    default:
      return [{ k: 'any' }];
  }
}

/** The result of following one path part. */
export type Step =
  | { readonly ok: true; readonly shapes: readonly Shape[] }
  | { readonly ok: false; readonly expected: readonly Shape[]; readonly field: string };

/**
 * Follows one part of a path: a field `name` (a string key) or a dynamic part (`undefined`:
 * an index, an iteration variable). Unknown ⇒ `{ok: true, shapes: [{k: 'any'}]}`.
 */
export function step(shapes: readonly Shape[], name: string | undefined): Step {
  const out: Shape[] = [];
  let missed = false;
  for (const s of shapes) {
    switch (s.k) {
      case 'any':
        return { ok: true, shapes: [{ k: 'any' }] };
      case 'map':
        out.push(...(s.value ? shapesOf(s.value) : [{ k: 'any' as const }]));
        break;
      case 'arr':
        if (name === undefined) out.push(...(s.item ? shapesOf(s.item) : [{ k: 'any' as const }]));
        else missed = true;
        break;
      case 'obj': {
        if (name === undefined) return { ok: true, shapes: [{ k: 'any' }] };
        const f = s.fields.get(name);
        if (f) out.push(...shapesOf(f));
        else if (s.open === 'open' || (s.open === 'loose' && nearest(name, s.fields.keys()) === undefined)) out.push({ k: 'any' });
        else missed = true;
        break;
      }
      case 'scalar':
        missed = true;
        break;
    }
  }
  if (out.length === 0 && missed && name !== undefined) return { ok: false, expected: shapes, field: name };
  if (out.some((s) => s.k === 'any')) return { ok: true, shapes: [{ k: 'any' }] };
  return { ok: true, shapes: out };
}

/** Levenshtein distance (for "did you mean"). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] as number;
}

/** The candidate nearest to `name`, when it is close enough to be a likely typo. */
export function nearest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}
