/** OPA's type built-ins (`topdown/type.go`, `type_name.go`): `is_*` and `type_name`. */
import { typeName, type TypeName, type Value } from '@policy-engine/rego-value';
import type { BuiltinDef } from './registry.js';

function is(t: TypeName): BuiltinDef {
  return { name: `is_${t}`, arity: 1, fn: ([v]) => typeName(v as Value) === t };
}

/** The built-ins of this family. */
export const builtins: BuiltinDef[] = [
  is('number'),
  is('string'),
  is('boolean'),
  is('array'),
  is('set'),
  is('object'),
  is('null'),
  { name: 'type_name', arity: 1, fn: ([v]) => typeName(v as Value) },
];
