/**
 * `rego.parse_module(filename, source)` (OPA's `topdown/parse.go`): parses `source` as a v1
 * module (OPA's `ast.ParseModule` ignores the configured Rego version) and returns OPA's AST
 * JSON as a value — rego-parser's `toOpaAstJson` (comments included, no locations; the
 * `annotations` of `# METADATA` blocks are not written yet). An unparsable module is a
 * built-in error worded as OPA's `ast.Errors`:
 * `rego.parse_module: 1 error occurred: x.rego:1: rego_parse_error: … \n\t<line>\n\t<caret>`.
 */
import { OpaAstJsonError, parse, toOpaAstJson, type ParseError } from '@policy-engine/rego-parser';
import { parseJSONText, type Value } from '@policy-engine/rego-value';
import { argString, builtinError, typeError, type BuiltinDef } from './registry.js';

const NAME = 'rego.parse_module';

/**
 * Errors OPA raises after parsing (`parser_ext.go`, `rego_v1.go`): they carry no source
 * excerpt, unlike the parser's own errors.
 */
const WITHOUT_DETAILS = [
  /^package expected$/,
  /^unexpected package$/,
  /keyword cannot be used for (rule|variable) name$/,
  /must have value assignment and\/or body declaration$/,
  /^`if` keyword is required before /,
  /^`contains` keyword is required for partial set rules$/,
  /^invalid annotation scope /,
  /^annotation scope '/,
];

/** One error as OPA's `ast.Error.Error()` prints it. */
function renderError(e: ParseError, source: string, file: string): string {
  const head = `${file}:${e.location.line}: ${e.code}: ${e.message}`;
  if (WITHOUT_DETAILS.some((re) => re.test(e.message))) return head;
  // OPA's ParserErrorDetail: the line without its leading tabs, a caret under the column.
  const lines = source.split('\n');
  const line = (lines[e.location.line - 1] ?? '').replace(/\r$/, '');
  const trimmed = line.replace(/^\t+/, '');
  // At end of input OPA's caret stands under the last character.
  const col = e.location.offset >= source.length ? e.location.col - 1 : e.location.col;
  const indent = Math.max(0, col - 1 - (line.length - trimmed.length));
  return `${head}\n\t${trimmed}\n\t${' '.repeat(indent)}^`;
}

/** OPA's `ast.Errors.Error()`. */
function renderErrors(errors: readonly ParseError[], source: string, file: string): string {
  const first = errors[0];
  if (!first) return 'no error(s)';
  // `empty module` is a single error, not a list, reported at row 0.
  if (first.message === 'empty module') return `${file}:0: ${first.code}: empty module`;
  if (errors.length === 1) return `1 error occurred: ${renderError(first, source, file)}`;
  return `${errors.length} errors occurred:\n${errors.map((e) => renderError(e, source, file)).join('\n')}`;
}

/** `rego.parse_module`. */
export const builtins: readonly BuiltinDef[] = [
  {
    name: NAME,
    arity: 2,
    fn(args) {
      const file = argString(NAME, args, 0);
      // OPA reports a bad second operand as `operand 1` too (`StringOperand(operands[1].Value, 1)`).
      const source = args[1];
      if (typeof source !== 'string') throw typeError(NAME, 1, 'string', source as Value);
      const r = parse(source, { regoVersion: 'v1', file });
      if (!r.module) throw builtinError(NAME, renderErrors(r.errors, source, file));
      try {
        // OPA encodes the module to JSON and parses that text back as a term; so does this.
        return parseJSONText(toOpaAstJson(r.module));
      } catch (e) {
        if (e instanceof OpaAstJsonError) throw builtinError(NAME, e.message);
        throw e;
      }
    },
  },
];
