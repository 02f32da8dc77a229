/** Built-ins of OPA's `numbers` family (to be implemented by the built-ins work). */
import type { BuiltinDef } from './registry.js';

/** The built-ins of this family. */
export const builtins: BuiltinDef[] = [];
