/** OPA's bitwise built-ins (`topdown/bits.go`) on integers of any size (Go `big.Int` semantics). */
import { fromBigInt, type Value } from '@policy-engine/rego-value';
import type { BuiltinDef } from './registry.js';
import { bigIntOperand, operandError } from './util.js';

function binary(name: string, op: (a: bigint, b: bigint) => bigint, shift = false): BuiltinDef {
  return {
    name,
    arity: 2,
    fn: (args) => {
      const a = bigIntOperand(name, args[0] as Value, 1);
      const b = bigIntOperand(name, args[1] as Value, 2);
      if (shift && b < 0n) throw operandError(name, 2, 'must be an unsigned integer number but got a negative integer');
      return fromBigInt(op(a, b));
    },
  };
}

/** The built-ins of this family. */
export const builtins: BuiltinDef[] = [
  binary('bits.or', (a, b) => a | b),
  binary('bits.and', (a, b) => a & b),
  binary('bits.xor', (a, b) => a ^ b),
  binary('bits.lsh', (a, b) => a << b, true),
  binary('bits.rsh', (a, b) => a >> b, true),
  { name: 'bits.negate', arity: 1, fn: (args) => fromBigInt(~bigIntOperand('bits.negate', args[0] as Value, 1)) },
];
