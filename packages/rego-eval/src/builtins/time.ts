/**
 * OPA's clock built-in `time.now_ns` (`topdown/time.go`): the evaluation's `now`, fixed for
 * the whole query. The Go-layout time built-ins (`time.parse_*`, `time.date`, …) are not here.
 */
import { fromBigInt } from '@policy-engine/rego-value';
import type { BuiltinDef } from './registry.js';

/** The built-ins of this family. */
export const builtins: BuiltinDef[] = [{ name: 'time.now_ns', arity: 0, fn: (_args, ctx) => fromBigInt(ctx.now) }];
