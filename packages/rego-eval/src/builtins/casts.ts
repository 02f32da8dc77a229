/**
 * OPA's conversions (`topdown/casts.go`): `to_number`, with Go's `strconv.ParseFloat` rules and
 * errors, and the deprecated `cast_*` checks (Rego v0 modules only; v1 modules refuse them).
 */
import { RObject, RSet, goQuote, isNumber, parseNumber, fromFloat, type Value } from '@policy-engine/rego-value';
import { typeError, type BuiltinDef } from './registry.js';
import { fail, typeErrorOf } from './util.js';

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const HEX = /^([+-]?)0[xX]((?:_?[0-9a-fA-F])*)(?:\.([0-9a-fA-F_]*))?[pP]([+-]?\d+)$/;

function parseGoFloat(s: string): Value {
  const syntax = (): never => {
    throw fail('to_number', `strconv.ParseFloat: parsing ${goQuote(s)}: invalid syntax`);
  };
  const range = (): never => {
    throw fail('to_number', `strconv.ParseFloat: parsing ${goQuote(s)}: value out of range`);
  };
  const d = DECIMAL.exec(s);
  if (d) {
    const [, sign = '', int = '', frac, exp] = d;
    if (int === '' && (frac === undefined || frac === '')) return syntax();
    const text = `${sign === '-' ? '-' : ''}${int || '0'}${frac ? '.' + frac : ''}${exp !== undefined ? 'e' + exp : ''}`;
    const f = Number(text);
    if (!Number.isFinite(f)) return range();
    return parseNumber(text) ?? syntax();
  }
  const h = HEX.exec(s);
  if (h) {
    const [, sign = '', int = '', frac = '', exp = '0'] = h;
    const digits = (int + frac).replace(/_/g, '');
    if (digits === '') return syntax();
    const m = BigInt('0x' + digits);
    const e = Number(exp) - 4 * frac.replace(/_/g, '').length;
    const f = Number(m) * 2 ** e;
    if (!Number.isFinite(f)) return range();
    return fromFloat(sign === '-' ? -f : f);
  }
  return syntax();
}

/** The built-ins of this family. */
export const builtins: BuiltinDef[] = [
  {
    name: 'to_number',
    arity: 1,
    fn: ([v]) => {
      const x = v as Value;
      if (x === null) return 0;
      if (typeof x === 'boolean') return x ? 1 : 0;
      if (isNumber(x)) return x;
      if (typeof x === 'string') {
        const lower = x.replace(/^[+-]+/, '').toLowerCase();
        if (lower === 'inf' || lower === 'infinity' || lower === 'nan') throw typeErrorOf('to_number', 1, x, 'valid number string');
        return parseGoFloat(x);
      }
      throw typeErrorOf('to_number', 1, x, 'null', 'boolean', 'number', 'string');
    },
  },
  {
    name: 'cast_array',
    arity: 1,
    fn: ([v]) => {
      if (Array.isArray(v)) return v as Value;
      if (v instanceof RSet) return v.sorted();
      throw typeErrorOf('cast_array', 1, v as Value, 'array', 'set');
    },
  },
  {
    name: 'cast_set',
    arity: 1,
    fn: ([v]) => {
      if (Array.isArray(v)) return new RSet(v as readonly Value[]);
      if (v instanceof RSet) return v;
      throw typeErrorOf('cast_set', 1, v as Value, 'array', 'set');
    },
  },
  cast('cast_string', 'string', (v) => typeof v === 'string'),
  cast('cast_boolean', 'boolean', (v) => typeof v === 'boolean'),
  cast('cast_null', 'null', (v) => v === null),
  cast('cast_object', 'object', (v) => v instanceof RObject),
];

function cast(name: string, want: string, ok: (v: Value) => boolean): BuiltinDef {
  return {
    name,
    arity: 1,
    fn: ([v]) => {
      if (ok(v as Value)) return v;
      throw typeError(name, 1, want, v as Value);
    },
  };
}
