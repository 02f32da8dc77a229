/**
 * Every built-in family, gathered. One file per OPA family; each exports `builtins`.
 * `operators.ts` holds what the evaluator itself needs (comparison, arithmetic, set `&`/`|`);
 * `walk`, `print`, `trace` and `internal.member_2/3` are handled by the evaluator.
 */
import { builtins as aggregates } from './aggregates.js';
import { builtins as arrays } from './arrays.js';
import { builtins as aws } from './aws.js';
import { builtins as bits } from './bits.js';
import { builtins as casts } from './casts.js';
import { builtins as crypto } from './crypto.js';
import { builtins as encoding } from './encoding.js';
import { builtins as glob } from './glob.js';
import { builtins as graph } from './graph.js';
import { builtins as graphql } from './graphql.js';
import { builtins as httpSend } from './http-send.js';
import { builtins as json } from './json.js';
import { builtins as jsonschema } from './jsonschema.js';
import { builtins as metadata } from './metadata.js';
import { builtins as jwt } from './jwt.js';
import { builtins as net } from './net.js';
import { builtins as numbers } from './numbers.js';
import { builtins as objects } from './objects.js';
import { builtins as operators } from './operators.js';
import { builtins as parseModule } from './parse.js';
import { builtins as regex } from './regex.js';
import { builtinTable, type BuiltinDef } from './registry.js';
import { builtins as runtime } from './runtime.js';
import { builtins as semver } from './semver.js';
import { builtins as sets } from './sets.js';
import { builtins as strings } from './strings.js';
import { builtins as template } from './template.js';
import { builtins as time } from './time.js';
import { builtins as types } from './types.js';
import { builtins as uri } from './uri.js';
import { builtins as uuid } from './uuid.js';
import { builtins as x509 } from './x509.js';
import { builtins as units } from './units.js';
import { builtins as yaml } from './yaml.js';

/** Every built-in shipped with the interpreter. */
export const coreBuiltins: readonly BuiltinDef[] = [
  ...operators,
  ...aggregates,
  ...arrays,
  ...aws,
  ...bits,
  ...casts,
  ...crypto,
  ...encoding,
  ...glob,
  ...graph,
  ...graphql,
  ...httpSend,
  ...json,
  ...jsonschema,
  ...metadata,
  ...jwt,
  ...net,
  ...numbers,
  ...objects,
  ...parseModule,
  ...regex,
  ...sets,
  ...strings,
  ...template,
  ...time,
  ...types,
  ...uri,
  ...uuid,
  ...runtime,
  ...semver,
  ...units,
  ...x509,
  ...yaml,
];

/** The default table by name. */
export const defaultBuiltins: ReadonlyMap<string, BuiltinDef> = builtinTable(coreBuiltins);

export * from './registry.js';
