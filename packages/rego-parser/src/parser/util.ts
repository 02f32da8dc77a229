import type { Term } from '../ast.js';

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Whether a term contains no variables (refs and calls count as non-ground through their vars). */
export function isGround(t: Term): boolean {
  switch (t.type) {
    case 'var':
      return false;
    case 'ref':
      return t.value.slice(1).every(isGround);
    case 'call':
      return isGround(t.operator) && t.args.every(isGround);
    case 'array':
    case 'set':
      return t.items.every(isGround);
    case 'object':
      return t.items.every(([k, v]) => isGround(k) && isGround(v));
    case 'arraycomprehension':
    case 'setcomprehension':
    case 'objectcomprehension':
    case 'templatestring':
      return false;
    default:
      return true;
  }
}

/** Text of a ref's parts: `a.b[x]["c-d"][1]`. */
export function refText(parts: readonly Term[]): string {
  let out = '';
  parts.forEach((t, i) => {
    if (i === 0) out += t.type === 'var' ? t.name : `[${scalarText(t)}]`;
    else if (t.type === 'string' && IDENT.test(t.value)) out += `.${t.value}`;
    else out += `[${scalarText(t)}]`;
  });
  return out;
}

function scalarText(t: Term): string {
  switch (t.type) {
    case 'var':
      return t.name;
    case 'string':
      return JSON.stringify(t.value);
    case 'number':
      return t.value;
    case 'boolean':
      return String(t.value);
    case 'null':
      return 'null';
    case 'ref':
      return refText(t.value);
    default:
      return t.type;
  }
}
