import type { Annotation, Body, Comment, Head, Import, Module, Package, Rule, RuleKind, Term } from '../ast.js';
import type { ParseError } from '../errors.js';
import { caretExcerpt } from '../errors.js';
import { lex } from '../lexer/lexer.js';
import type { Location } from '../location.js';
import { assignEnds } from './ends.js';
import { parseQuery } from './expressions.js';
import { applySpecialImport, parseImport, parsePackage } from './imports.js';
import { ruleFromBody } from './body-rules.js';
import { errKeywordRuleName, parseRules, type RawRule } from './rules.js';
import { KEYWORDS_V1, ParserState } from './state.js';
import { refText } from './util.js';
import { collectAnnotations } from './annotations.js';
import { checkRegoV1 } from '../check/v1.js';

/** Options of `parse`. */
export interface ParseOptions {
  /**
   * Rego syntax version: `v1` (default), `v0` (like OPA's `--v0-compatible`), or `auto`:
   * v1 when the module parses as v1 (and calls no built-in OPA's compiler rejects in v1,
   * see `checkRegoV1`), else v0 when it parses as v0, else v1's result.
   */
  readonly regoVersion?: 'v0' | 'v1' | 'auto';
  /** File name used in locations and messages. */
  readonly file?: string;
}

/** The result of `parse`: the module when there are no errors, and every error found. */
export interface ParseResult {
  readonly module: Module | undefined;
  readonly errors: readonly ParseError[];
  /**
   * When `module` is undefined: the `package` clause and the imports the parser still read
   * (statements are parsed one by one, so a broken rule leaves them intact), for callers that
   * need the package of a module OPA will reject (e.g. to hand it to OPA in the right syntax
   * version). Absent when the module parsed (read them from `module`) or no package was read.
   */
  readonly partial?: { readonly package: Package; readonly imports: readonly Import[] };
}

type Stmt =
  | { kind: 'package'; pkg: Package }
  | { kind: 'import'; imp: Import }
  | { kind: 'rules'; rules: RawRule[] }
  | { kind: 'body'; body: Body; location: Location };

/** Skips to the next token that starts a line at column 1 (error recovery). */
function recover(p: ParserState, from: number): void {
  p.ws = false;
  p.override = undefined;
  let i = Math.max(p.i, p.maxI, from + 1);
  while (i < p.toks.length - 1) {
    const t = p.toks[i];
    if (t && t.nl && t.col === 1) break;
    i++;
  }
  p.i = Math.min(i, p.toks.length - 1);
  p.termCache.clear();
  const t = p.t;
  if (t.errors) for (const e of t.errors) p.error(p.loc(), e.message);
}

function statements(p: ParserState): { stmts: Stmt[]; raise: 'v1' | 'v2' | undefined } {
  const stmts: Stmt[] = [];
  let raise: 'v1' | 'v2' | undefined;
  // First token.
  if (p.t.errors) for (const e of p.t.errors) p.error(p.loc(), e.message);
  while (p.tok() !== 'eof') {
    const startI = p.i;
    const errorsBefore = p.errors.length;
    const failed = (): void => {
      if (p.errors.length === errorsBefore) p.illegal();
      recover(p, startI);
    };
    if (errKeywordRuleName(p, false)) {
      recover(p, startI);
      continue;
    }
    if (p.tok() === 'package') {
      const s = p.save();
      const pkg = parsePackage(p);
      if (pkg) {
        if (p.tok() === '-') {
          p.illegal();
          recover(p, startI);
          continue;
        }
        stmts.push({ kind: 'package', pkg });
        continue;
      } else if (p.errors.length > errorsBefore) {
        recover(p, startI);
        continue;
      }
      p.restore(s);
    }
    if (p.tok() === 'import') {
      const s = p.save();
      const imp = parseImport(p);
      if (imp) {
        if (p.tok() === '-') {
          p.illegal();
          recover(p, startI);
          continue;
        }
        const r = applySpecialImport(p, imp);
        if (r === 'v2' || (r === 'v1' && raise === undefined)) raise = r;
        stmts.push({
          kind: 'import',
          imp: { type: 'import', path: imp.path, ...(imp.alias !== undefined ? { alias: imp.alias } : {}), location: imp.location },
        });
        continue;
      } else if (p.errors.length > errorsBefore) {
        recover(p, startI);
        continue;
      }
      p.restore(s);
    }
    {
      const s = p.save();
      const rules = parseRules(p);
      if (rules) {
        stmts.push({ kind: 'rules', rules });
        if (p.errors.length > errorsBefore) recover(p, p.i - 1);
        continue;
      } else if (p.errors.length > errorsBefore) {
        recover(p, startI);
        continue;
      }
      p.restore(s);
    }
    const location = p.loc();
    const body = parseQuery(p, true, 'eof');
    if (body) {
      stmts.push({ kind: 'body', body, location });
      if (p.errors.length > errorsBefore) recover(p, p.i - 1);
      continue;
    }
    failed();
  }
  return { stmts, raise };
}

/** OPA's rule kind from the head. */
export function ruleKind(h: { args?: readonly Term[] | undefined; key?: Term | undefined; value?: Term | undefined }): RuleKind {
  if (h.args && h.args.length > 0) return 'function';
  if (h.key && !h.value) return 'partial-set';
  if (h.key && h.value) return 'partial-object';
  return 'complete';
}

function checkV1(r: RawRule, err: (loc: Location, msg: string) => void): void {
  const t = r.head.args && r.head.args.length > 0 ? 'function' : 'rule';
  if (r.head.ref.length < 2 && r.head.name !== undefined && KEYWORDS_V1.has(r.head.name))
    err(r.location, `${r.head.name} keyword cannot be used for rule name`);
  if (r.generatedBody && r.head.generatedValue) err(r.location, `${t} must have value assignment and/or body declaration`);
  if (!r.generatedBody && !r.head.keywords.includes('if') && !r.default) err(r.location, `\`if\` keyword is required before ${t} body`);
  if (ruleKind(r.head) === 'partial-set' && !r.head.keywords.includes('contains'))
    err(r.location, '`contains` keyword is required for partial set rules');
}

function freeze(r: RawRule, annotations: readonly Annotation[] | undefined): Rule {
  const h = r.head;
  const head: Head = {
    type: 'head',
    ref: h.ref,
    ...(h.args ? { args: h.args } : {}),
    ...(h.key ? { key: h.key } : {}),
    ...(h.value ? { value: h.value } : {}),
    assign: h.assign,
    generatedValue: h.generatedValue,
    keywords: h.keywords,
    location: h.location,
  };
  return {
    type: 'rule',
    name: h.name ?? refText(h.ref),
    kind: ruleKind(h),
    default: r.default,
    head,
    body: r.body,
    generatedBody: r.generatedBody,
    bodyBraces: r.bodyBraces,
    ...(r.else ? { else: freeze(r.else, undefined) } : {}),
    ...(annotations && annotations.length > 0 ? { annotations } : {}),
    location: r.location,
  };
}

/** Parses one Rego module. Never throws: problems are returned as `errors`. */
export function parseModule(source: string, options: ParseOptions = {}): ParseResult {
  if (typeof source !== 'string') {
    const location = { file: options.file ?? '', line: 1, col: 1, offset: 0, end: 0 };
    return {
      module: undefined,
      errors: [
        {
          code: 'rego_parse_error',
          message: `source must be a string, got ${source === null ? 'null' : typeof source}`,
          location,
          excerpt: '',
        },
      ],
    };
  }
  if (options.regoVersion === 'auto') {
    const v1 = parseModule(source, { ...options, regoVersion: 'v1' });
    if (v1.module && checkRegoV1(v1.module, source).length === 0) return v1;
    const v0 = parseModule(source, { ...options, regoVersion: 'v0' });
    return v0.module ? v0 : v1;
  }
  const file = options.file ?? '';
  const regoVersion = options.regoVersion ?? 'v1';
  const { tokens, comments } = lex(source);
  const p = new ParserState(tokens, source, file, regoVersion);
  if (regoVersion === 'v1') for (const k of ['in', 'every', 'contains', 'if']) p.keywords.add(k);
  let stmts: Stmt[] = [];
  let raise: 'v1' | 'v2' | undefined;
  try {
    ({ stmts, raise } = statements(p));
  } catch (e) {
    if (e instanceof RangeError) p.error(p.loc(), 'max parsing recursion depth reached');
    else throw e;
  }
  const parserErrors: ParseError[] = [...p.errors].sort((a, b) => a.location.offset - b.location.offset);
  const errors: ParseError[] = [];
  const err = (loc: Location, message: string): void => {
    errors.push({ code: 'rego_parse_error', message, location: loc, excerpt: caretExcerpt(source, loc.offset) });
  };
  if (stmts.length === 0 && parserErrors.length === 0) {
    err({ file, line: 1, col: 1, offset: 0, end: 0 }, 'empty module');
  }
  let pkg: Package | undefined;
  const first = stmts[0];
  if (first) {
    if (first.kind === 'package') pkg = first.pkg;
    else {
      const loc =
        first.kind === 'import' ? first.imp.location : first.kind === 'rules' ? (first.rules[0] as RawRule).location : first.location;
      err(loc, 'package expected');
    }
  }
  const imports: Import[] = [];
  const raw: RawRule[] = [];
  const v0Only = regoVersion === 'v0' && raise === undefined;
  const HEAD_KW: Record<string, string> = { if: 'p if { ... }', contains: 'p contains x' };
  const headKeyword = (st: Stmt | undefined): string | undefined => {
    if (!st) return undefined;
    let name: string | undefined;
    if (st.kind === 'rules') name = st.rules[0]?.head.name;
    else if (st.kind === 'body' && st.body.length === 1) {
      const t = st.body[0]?.terms;
      if (t?.type === 'var') name = t.name;
    }
    return name !== undefined && name in HEAD_KW ? name : undefined;
  };
  const stmtLine = (st: Stmt): number =>
    st.kind === 'body'
      ? st.location.line
      : st.kind === 'rules'
        ? (st.rules[0]?.location.line ?? 0)
        : st.kind === 'import'
          ? st.imp.location.line
          : st.pkg.location.line;
  stmts.forEach((s, idx) => {
    if (idx === 0) return;
    switch (s.kind) {
      case 'import':
        imports.push(s.imp);
        break;
      case 'rules':
        raw.push(...s.rules);
        break;
      case 'body': {
        const r = ruleFromBody(s.body);
        if (typeof r === 'string') {
          let msg = r;
          if (v0Only) {
            const next = stmts[idx + 1];
            const kw = headKeyword(s) ?? (next && stmtLine(next) === s.location.line ? headKeyword(next) : undefined);
            if (kw) msg = `${msg} (hint: \`import future.keywords.${kw}\` for \`${HEAD_KW[kw] ?? ''}\` rules)`;
          }
          err(s.body[0]?.location ?? s.location, msg);
        } else raw.push(r);
        break;
      }
      case 'package':
        err(s.pkg.location, 'unexpected package');
        break;
    }
  });
  if (regoVersion === 'v1' || raise !== undefined) {
    for (const r of raw) for (let x: RawRule | undefined = r; x; x = x.else) checkV1(x, err);
  }
  const commentNodes: Comment[] = comments.map((c) => ({
    type: 'comment',
    text: c.text,
    location: { file, line: c.line, col: c.col, offset: c.offset, end: c.offset + 1 + c.text.length },
  }));
  const annotated = collectAnnotations(commentNodes, [
    ...(pkg ? [{ kind: 'package' as const, location: pkg.location }] : []),
    ...imports.map((i) => ({ kind: 'import' as const, location: i.location })),
    ...raw.map((r) => ({ kind: 'rule' as const, location: r.location, ref: r.head.ref })),
  ]);
  if (errors.length === 0 && parserErrors.length === 0) for (const e of annotated.errors) err(e.location, e.message);
  if (errors.length > 0 || parserErrors.length > 0 || !pkg) {
    // Like OPA: syntax errors first (in source order), then module-level errors.
    errors.sort((a, b) => a.location.offset - b.location.offset);
    const result = { module: undefined, errors: dedupe([...parserErrors, ...errors]) };
    if (!pkg) return result;
    // The clauses that did parse, with their end offsets (as a module of only them).
    const head: Module = {
      type: 'module',
      regoVersion,
      package: pkg,
      imports,
      rules: [],
      annotations: [],
      comments: [],
      location: pkg.location,
    };
    assignEnds(head, tokens, p.lines);
    return { ...result, partial: { package: head.package, imports: head.imports } };
  }
  const module: Module = {
    type: 'module',
    regoVersion,
    package: pkg,
    imports,
    rules: raw.map((r) => freeze(r, annotated.byRule.get(r.location.offset))),
    annotations: annotated.all,
    comments: commentNodes,
    location: pkg.location,
  };
  assignEnds(module, tokens, p.lines);
  return { module, errors: [] };
}

function dedupe(errors: ParseError[]): ParseError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const k = `${e.location.offset}:${e.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
