import type { Package, RefTerm, Term } from '../ast.js';
import { ALL_FUTURE, KEYWORDS_V0, KEYWORDS_V1, type ParserState } from './state.js';
import { parseTerm, valueName } from './terms.js';

/** OPA's isIdentOrAllowedRefKeyword (reclassifies an allowed keyword as identifier). */
function identOrAllowedKeyword(p: ParserState): boolean {
  if (p.tok() === 'ident') return true;
  if (!p.ws && p.t.kind === 'ident' && p.isAllowedRefKeyword(p.tok())) {
    p.override = 'ident';
    return true;
  }
  return false;
}

/** `package a.b.c`; undefined when this is not a package statement (or on error). */
export function parsePackage(p: ParserState): Package | undefined {
  if (p.tok() !== 'package') return undefined;
  const location = p.loc();
  p.scanWS();
  if (p.tok() === '.' || p.tok() === '[') return undefined;
  if (p.tok() === 'ws') p.scan();
  if (!identOrAllowedKeyword(p)) {
    p.illegal();
    return undefined;
  }
  const term = parseTerm(p);
  let path: string[] | undefined;
  if (term) {
    if (term.type === 'var') path = [term.name];
    else if (term.type === 'ref') {
      const [first, ...rest] = term.value;
      if (first?.type !== 'var') {
        if (first) p.error(first.location, `unexpected ${valueName(first)} token: expecting var`);
        return undefined;
      }
      path = [first.name];
      for (const r of rest) {
        if (r.type !== 'string') {
          p.error(r.location, `unexpected ${valueName(r)} token: expecting string`);
          return undefined;
        }
        path.push(r.value);
      }
    } else {
      p.illegal();
      return undefined;
    }
  }
  if (!path) {
    if (p.errors.length === 0) p.error(p.loc(), 'expected path');
    return undefined;
  }
  return { type: 'package', path, location };
}

const IMPORT_ROOTS = new Set(['data', 'input', 'future', 'rego']);

/** A parsed import before keyword processing. */
export interface RawImport {
  path: RefTerm;
  alias?: string;
  aliasLocation?: Term['location'];
  location: Term['location'];
}

/** `import data.x [as y]`. */
export function parseImport(p: ParserState): RawImport | undefined {
  if (p.tok() !== 'import') return undefined;
  const location = p.loc();
  p.scanWS();
  if (p.tok() === '.' || p.tok() === '[') return undefined;
  if (p.tok() === 'ws') p.scan();
  if (!identOrAllowedKeyword(p)) {
    p.illegal();
    return undefined;
  }
  // Parse the path with no future keywords (like OPA's presentParser).
  const saved = [...p.keywords].filter((k) => ALL_FUTURE.has(k));
  for (const k of saved) p.keywords.delete(k);
  p.termCache.clear();
  let term: Term | undefined;
  try {
    term = parseTerm(p);
  } finally {
    for (const k of saved) p.keywords.add(k);
    p.termCache.clear();
  }
  let path: RefTerm | undefined;
  if (term) {
    if (term.type === 'var') path = { type: 'ref', value: [term], location: term.location };
    else if (term.type === 'ref') {
      for (const r of term.value.slice(1)) {
        if (r.type !== 'string') {
          p.error(r.location, `unexpected ${valueName(r)} token: expecting string`);
          return undefined;
        }
      }
      path = term;
    }
  }
  if (!path) {
    p.error(p.loc(), 'expected path');
    return undefined;
  }
  const head = path.value[0];
  const headName = head?.type === 'var' ? head.name : '';
  if (!IMPORT_ROOTS.has(headName)) {
    p.hint('if this is unexpected, try updating OPA');
    p.error(
      path.location,
      `unexpected import path, must begin with one of: {data, future, input, rego}, got: ${head ? termText(head) : ''}`,
    );
    return undefined;
  }
  if (p.tok() === 'as') {
    p.scan();
    if (p.tok() !== 'ident') {
      p.illegal('expected var');
      return undefined;
    }
    const alias = parseTerm(p);
    if (alias?.type === 'var') return { path, alias: alias.name, aliasLocation: alias.location, location };
    if (alias?.type === 'ref' && alias.value.length === 1 && alias.value[0]?.type === 'var') {
      p.error(alias.location, `unexpected import alias, must not be a reserved name, got: ${alias.value[0].name}`);
      return undefined;
    }
    p.illegal('expected var');
    return undefined;
  }
  const kws = p.regoVersion === 'v1' ? KEYWORDS_V1 : KEYWORDS_V0;
  const r = path.value;
  if (r.length === 1) {
    if (kws.has(headName)) {
      p.hint('import a different path or use an alias');
      p.error(r[0]?.location ?? location, `unexpected import path, must not end with a keyword, got: ${headName}`);
    }
  } else if (headName !== 'future') {
    const last = r[r.length - 1];
    if (last?.type === 'string' && kws.has(last.value)) {
      p.hint('import a different path or use an alias');
      p.error(last.location, `unexpected import path, must not end with a keyword, got: ${last.value}`);
    }
  }
  return { path, location };
}

function termText(t: Term): string {
  switch (t.type) {
    case 'var':
      return t.name;
    case 'string':
      return JSON.stringify(t.value);
    case 'number':
      return t.value;
    default:
      return t.type;
  }
}

/** Future keywords an import may enable in this mode. */
export function allowedFutureKeywords(v: 'v0' | 'v1'): string[] {
  return v === 'v1' ? ['in', 'every', 'contains', 'if', 'and', 'not', 'or'] : ['and', 'contains', 'every', 'if', 'in', 'not', 'or'];
}

/** Applies `import future.keywords[.x]` / `import rego.v1|v2` to the scanner. Returns the version raise, if any. */
export function applySpecialImport(p: ParserState, imp: RawImport): 'v1' | 'v2' | undefined {
  const path = imp.path.value;
  const head = path[0];
  if (head?.type !== 'var') return undefined;
  if (head.name === 'rego') {
    const second = path[1];
    const which =
      path.length === 2 && second?.type === 'string' && (second.value === 'v1' || second.value === 'v2') ? second.value : undefined;
    if (!which) {
      p.error(imp.path.location, `invalid import \`${refString(path)}\`, must be one of: \`rego.v1\`, \`rego.v2\``);
      return undefined;
    }
    if (imp.alias !== undefined) {
      p.error(imp.aliasLocation ?? imp.location, '`rego` imports cannot be aliased');
      return undefined;
    }
    if (which === 'v1') {
      if (p.regoVersion === 'v0') for (const k of ['in', 'every', 'contains', 'if']) p.keywords.add(k);
    } else {
      for (const k of ['in', 'every', 'contains', 'if', 'not', 'and', 'or']) p.keywords.add(k);
      p.notBodies = true;
    }
    p.termCache.clear();
    return which;
  }
  if (head.name === 'future') {
    const second = path[1];
    if (path.length === 1 || second?.type !== 'string' || second.value !== 'keywords') {
      p.error(imp.path.location, 'invalid import, must be `future.keywords`');
      return undefined;
    }
    if (imp.alias !== undefined) {
      p.error(imp.aliasLocation ?? imp.location, '`future` imports cannot be aliased');
      return undefined;
    }
    const allowed = allowedFutureKeywords(p.regoVersion);
    let kwds = allowed;
    if (path.length === 3) {
      const kw = path[2];
      if (kw?.type !== 'string') {
        p.error(imp.path.location, 'invalid import, must be `future.keywords.x`, e.g. `import future.keywords.in`');
        return undefined;
      }
      if (!allowed.includes(kw.value)) {
        p.error(imp.path.location, `unexpected keyword, must be one of [${[...allowed].sort().join(' ')}]`);
        return undefined;
      }
      kwds = [kw.value];
    }
    for (const k of kwds) {
      if (k === 'not') p.notBodies = true;
      p.keywords.add(k);
      if (k === 'every') p.keywords.add('in');
    }
    p.termCache.clear();
  }
  return undefined;
}

/** `a.b["c"]` text of an import path. */
export function refString(path: readonly Term[]): string {
  return path
    .map((t, i) => (i === 0 ? termText(t) : t.type === 'string' && /^[A-Za-z_]\w*$/.test(t.value) ? `.${t.value}` : `[${termText(t)}]`))
    .join('');
}
