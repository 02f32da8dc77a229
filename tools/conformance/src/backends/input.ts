/**
 * How a case's input reaches an engine that takes JSON input. `input_term` is Rego term
 * text: when it is also JSON it is passed as JSON; otherwise (sets, non-string keys,
 * trailing commas) the query becomes `<query> with input as <term>`, which OPA evaluates to
 * exactly the term — this needs a query of one expression (every such case in OPA's trees
 * is one).
 */
import type { ConformanceCase } from '../load.js';
import { parseJsonExact, type JValue } from '../value.js';

/** The query to run and the JSON input to give it, or why the case cannot be given. */
export type PreparedInput =
  { readonly query: string; readonly input: JValue | undefined } | { readonly error: { readonly code: string; readonly message: string } };

/** Whether a query text is a single expression (no top-level `;` or line break). */
export function isSingleExpression(query: string): boolean {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < query.length; i++) {
    const ch = query[i] as string;
    if (quote) {
      if (ch === '\\' && quote === '"') i++;
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '"' || ch === '`') quote = ch;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
    else if (depth === 0 && (ch === ';' || ch === '\n') && query.slice(i + 1).trim() !== '') return false;
  }
  return true;
}

/** The query and JSON input for a case (see the module comment). */
export function inputOf(c: ConformanceCase): PreparedInput {
  if (c.inputTerm === undefined) return { query: c.query, input: c.input };
  try {
    return { query: c.query, input: parseJsonExact(c.inputTerm) };
  } catch {
    if (!isSingleExpression(c.query)) {
      return { error: { code: 'conformance_runner', message: 'input_term is not JSON and the query has several expressions' } };
    }
    return { query: `${c.query.trim()} with input as ${c.inputTerm.trim()}`, input: undefined };
  }
}
