/**
 * `strings.render_template` (`topdown/template.go`): Go's `text/template` over the variables as
 * Go sees them after `ast.As` (objects → `map[string]any`, arrays → `[]any`, numbers →
 * `json.Number`, so a number prints its text and is a non-empty string for `if`), and `<no value>`
 * shown as `<undefined>`. This is a port of the language's core: text and `{{ }}` actions with
 * `{{-`/`-}}` trimming and comments; fields (`.a.b`), `$`, variables (`$x := …`, `$x = …`),
 * literals, pipelines with `|`; `if`/`else if`/`else`, `range` (with `$i, $v :=`, and `else`),
 * `with`, `end`; the functions `and`, `or`, `not`, `len`, `index`, `print`, `printf` (Go `fmt`
 * as `sprintf`), `println`, `eq`, `ne`, `lt`, `le`, `gt`, `ge`. Errors read `template: template:<line>: …`
 * as Go's do. `define`/`template`/`block` and method calls are not supported (a clear error).
 */
import { RObject, RSet, isNumber, numberText, sprintf, type Value } from '@policy-engine/rego-value';
import { argObject, argString, type BuiltinDef } from './registry.js';
import { fail } from './util.js';

class TemplateError extends Error {}

/** A Go number made by the template itself (a literal, a `range` index, `len`): zero is false, unlike a `json.Number`. */
class GoNum {
  constructor(readonly n: number) {}
}

/** A Go value after `ast.As` (Rego numbers are `json.Number` texts), or the template's own number; `undefined` is a missing key (`<no value>`). */
type GoV = Value | GoNum | undefined;

type Node =
  | { k: 'text'; s: string }
  | { k: 'action'; p: Pipe; line: number }
  | { k: 'if' | 'with'; p: Pipe; then: Node[]; els: Node[]; line: number }
  | { k: 'range'; p: Pipe; body: Node[]; els: Node[]; line: number };

interface Pipe {
  decl: string[];
  assign: boolean;
  cmds: Arg[][];
}

type Arg =
  | { t: 'field'; base: Arg | undefined; path: string[]; text?: string; col?: number }
  | { t: 'var'; name: string; path: string[] }
  | { t: 'lit'; v: GoV }
  | { t: 'ident'; name: string }
  | { t: 'pipe'; p: Pipe };

const TOKEN =
  /\s*(?:("(?:[^"\\]|\\.)*"|`[^`]*`|'(?:[^'\\]|\\.)*')|(\$[A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)|(\.[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*|\.)|(-?\d[\w.+-]*)|(:=|=|\||\(|\)|,)|([A-Za-z_][A-Za-z0-9_]*))/y;

/** Where each token starts (absolute offsets into the template), filled by `tokenize`. */
let tokenOffsets: number[] = [];

function tokenize(src: string, line: number, base = 0): string[] {
  const out: string[] = [];
  tokenOffsets = [];
  TOKEN.lastIndex = 0;
  let i = 0;
  while (i < src.length) {
    if (/^\s*$/.test(src.slice(i))) break;
    TOKEN.lastIndex = i;
    const m = TOKEN.exec(src);
    if (!m) throw new TemplateError(`template: template:${line}: unexpected "${src.slice(i).trim()[0] ?? ''}" in command`);
    out.push(m[0].trim());
    tokenOffsets.push(base + i + (m[0].length - m[0].trimStart().length));
    i = TOKEN.lastIndex;
  }
  return out;
}

function unquote(s: string): string {
  if (s.startsWith('`')) return s.slice(1, -1);
  if (s.startsWith("'")) return s.slice(1, -1);
  return JSON.parse(s) as string;
}

function parsePipe(tokens: string[], line: number, offsets: readonly number[] = [], src = ''): Pipe {
  let pos = 0;
  const colOf = (at: number, token: string): number => {
    const abs = (offsets[at] ?? 0) + token.lastIndexOf('.');
    return abs - (src.lastIndexOf('\n', abs - 1) + 1);
  };
  const decl: string[] = [];
  let assign = false;
  // `$x :=`, `$i, $v :=`, `$x =`
  const save = pos;
  while (tokens[pos]?.startsWith('$') && !tokens[pos]?.includes('.')) {
    decl.push(tokens[pos] as string);
    pos++;
    if (tokens[pos] === ',') pos++;
    else break;
  }
  if (decl.length > 0 && (tokens[pos] === ':=' || tokens[pos] === '=')) {
    assign = tokens[pos] === '=';
    pos++;
  } else {
    decl.length = 0;
    pos = save;
  }
  const parseArgs = (stop: (t: string | undefined) => boolean): Arg[][] => {
    const cmds: Arg[][] = [[]];
    while (pos < tokens.length && !stop(tokens[pos])) {
      const t = tokens[pos++] as string;
      const cur = cmds[cmds.length - 1] as Arg[];
      if (t === '|') {
        cmds.push([]);
        continue;
      }
      if (t === '(') {
        const inner = parseArgs((x) => x === ')');
        if (tokens[pos] !== ')') throw new TemplateError(`template: template:${line}: unclosed left paren`);
        pos++;
        let arg: Arg = { t: 'pipe', p: { decl: [], assign: false, cmds: inner } };
        // `(pipe).field`
        const next = tokens[pos];
        if (next?.startsWith('.') && next !== '.') {
          arg = { t: 'field', base: arg, path: next.slice(1).split('.') };
          pos++;
        }
        cur.push(arg);
        continue;
      }
      if (/^["`']/.test(t)) cur.push({ t: 'lit', v: t.startsWith("'") ? new GoNum(unquote(t).codePointAt(0) ?? 0) : unquote(t) });
      else if (t.startsWith('$')) {
        const [name = '$', ...path] = t.split('.');
        cur.push({ t: 'var', name, path });
      } else if (t === '.') cur.push({ t: 'field', base: undefined, path: [] });
      else if (t.startsWith('.')) cur.push({ t: 'field', base: undefined, path: t.slice(1).split('.'), text: t, col: colOf(pos - 1, t) });
      else if (/^-?\d/.test(t)) {
        const n = Number(t);
        if (Number.isNaN(n)) throw new TemplateError(`template: template:${line}: bad number syntax: "${t}"`);
        cur.push({ t: 'lit', v: new GoNum(n) });
      } else if (t === 'true' || t === 'false') cur.push({ t: 'lit', v: t === 'true' });
      else if (t === 'nil') cur.push({ t: 'lit', v: null });
      else if (t === ')' || t === ',' || t === ':=' || t === '=')
        throw new TemplateError(`template: template:${line}: unexpected "${t}" in command`);
      else cur.push({ t: 'ident', name: t });
    }
    for (const c of cmds) if (c.length === 0) throw new TemplateError(`template: template:${line}: missing value for command`);
    return cmds;
  };
  const cmds = parseArgs(() => false);
  return { decl, assign, cmds };
}

/** Parses the template into a node list (Go's parse.Parse, for the supported subset). */
function parseTemplate(src: string): Node[] {
  const root: Node[] = [];
  type Frame = { node: Node & { k: 'if' | 'with' | 'range' }; inElse: boolean; chained: number };
  const stack: Frame[] = [];
  const target = (): Node[] => {
    const f = stack[stack.length - 1];
    if (!f) return root;
    if (f.node.k === 'range') return f.inElse ? f.node.els : f.node.body;
    return f.inElse ? f.node.els : f.node.then;
  };
  let i = 0;
  let line = 1;
  let trimNext = false;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    let text = open < 0 ? src.slice(i) : src.slice(i, open);
    if (trimNext) text = text.replace(/^\s+/, '');
    trimNext = false;
    if (open < 0) {
      if (text) target().push({ k: 'text', s: text });
      break;
    }
    let inner = src.slice(open + 2);
    if (/^-\s/.test(inner)) {
      text = text.replace(/\s+$/, '');
      inner = inner.slice(1);
    }
    if (text) target().push({ k: 'text', s: text });
    line += (src.slice(i, open).match(/\n/g) ?? []).length;
    const close = inner.indexOf('}}');
    if (close < 0) throw new TemplateError(`template: template:${line}: unclosed action`);
    let body = inner.slice(0, close);
    if (/\s-$/.test(body)) {
      body = body.slice(0, -1);
      trimNext = true;
    }
    const actionLine = line;
    line += (body.match(/\n/g) ?? []).length;
    i = src.indexOf('}}', open + 2) + 2;
    const trimmed = body.trim();
    if (trimmed.startsWith('/*')) continue;
    const bodyStart = src.indexOf('}}', open + 2) - body.length - (trimNext ? 1 : 0);
    const words = tokenize(trimmed, actionLine, bodyStart + (body.length - body.trimStart().length));
    const offs = tokenOffsets;
    const kw = words[0];
    if (kw === 'if' || kw === 'with' || kw === 'range') {
      if (words.length === 1) throw new TemplateError(`template: template:${actionLine}: missing value for ${kw}`);
      const p = parsePipe(words.slice(1), actionLine, offs.slice(1), src);
      const node: Frame['node'] =
        kw === 'range' ? { k: 'range', p, body: [], els: [], line: actionLine } : { k: kw, p, then: [], els: [], line: actionLine };
      target().push(node);
      stack.push({ node, inElse: false, chained: 0 });
    } else if (kw === 'else') {
      const f = stack[stack.length - 1];
      if (!f || f.inElse) throw new TemplateError(`template: template:${actionLine}: unexpected {{else}}`);
      f.inElse = true;
      if (words[1] === 'if' || words[1] === 'with') {
        const p = parsePipe(words.slice(2), actionLine, offs.slice(2), src);
        const node: Frame['node'] = { k: words[1], p, then: [], els: [], line: actionLine };
        target().push(node);
        stack.push({ node, inElse: false, chained: f.chained + 1 });
      }
    } else if (kw === 'end') {
      let f = stack.pop();
      if (!f) throw new TemplateError(`template: template:${actionLine}: unexpected {{end}}`);
      while (f && f.chained > 0) f = stack.pop();
    } else if (kw === 'define' || kw === 'template' || kw === 'block' || kw === 'break' || kw === 'continue') {
      throw new TemplateError(`template: template:${actionLine}: {{${kw}}} is not supported by this engine's strings.render_template`);
    } else {
      target().push({ k: 'action', p: parsePipe(words, actionLine, offs, src), line: actionLine });
    }
  }
  if (stack.length > 0) throw new TemplateError(`template: template:${line}: unexpected EOF`);
  return root;
}

/** Go's `fmt` `%v` of a value after `ast.As`. */
function goText(v: GoV): string {
  if (v === undefined) return '<no value>';
  if (v === null) return '<nil>';
  if (v instanceof GoNum) return String(v.n);
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (isNumber(v)) return numberText(v);
  if (Array.isArray(v)) return '[' + v.map(goText).join(' ') + ']';
  if (v instanceof RSet) return '[' + v.sorted().map(goText).join(' ') + ']';
  const o = v as RObject;
  return (
    'map[' +
    o
      .sortedEntries()
      .map(([k, x]) => `${goText(k)}:${goText(x)}`)
      .join(' ') +
    ']'
  );
}

/** text/template's truth: false, 0, nil, empty string/array/map are false (numbers are json.Number strings). */
function truth(v: GoV): boolean {
  if (v === undefined || v === null || v === false || v === '') return false;
  if (v instanceof GoNum) return v.n !== 0;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof RObject || v instanceof RSet) return v.size > 0;
  return true;
}

interface Scope {
  dot: GoV;
  vars: Map<string, GoV>[];
}

function lookupVar(s: Scope, name: string, line: number): GoV {
  for (let i = s.vars.length - 1; i >= 0; i--) if (s.vars[i]?.has(name)) return s.vars[i]?.get(name);
  throw new TemplateError(`template: template:${line}: undefined variable "${name}"`);
}

function field(v: GoV, path: readonly string[], line: number, at?: { text?: string; col?: number }): GoV {
  let cur = v;
  for (const p of path) {
    if (cur instanceof RObject) cur = cur.get(p);
    else if (cur === undefined || cur === null) return undefined;
    else if (at?.text !== undefined)
      throw new TemplateError(
        `template: template:${line}:${at.col ?? 0}: executing "template" at <${at.text}>: can't evaluate field ${p} in type ${typeOfGo(cur)}`,
      );
    else throw new TemplateError(`template: template:${line}: can't evaluate field ${p} in type ${typeOfGo(cur)}`);
  }
  return cur;
}

/** The static type Go's reflection reports: values from the variables are `interface {}` (elements of `map[string]any`/`[]any`). */
function typeOfGo(v: GoV): string {
  if (v instanceof GoNum) return 'int';
  return 'interface {}';
}

const cmp = (a: GoV, b: GoV): number => {
  const an = typeof a === 'string' ? a : goText(a);
  const bn = typeof b === 'string' ? b : goText(b);
  return an < bn ? -1 : an > bn ? 1 : 0;
};

function callFn(name: string, args: GoV[], line: number): GoV {
  switch (name) {
    case 'and':
      for (const a of args) if (!truth(a)) return a;
      return args[args.length - 1];
    case 'or':
      for (const a of args) if (truth(a)) return a;
      return args[args.length - 1];
    case 'not':
      return !truth(args[0]);
    case 'len': {
      const a = args[0];
      if (typeof a === 'string') return new GoNum(new TextEncoder().encode(a).length);
      if (Array.isArray(a)) return new GoNum(a.length);
      if (a instanceof RObject || a instanceof RSet) return new GoNum(a.size);
      throw new TemplateError(`template: template:${line}: error calling len: len of type ${typeOfGo(a)}`);
    }
    case 'index': {
      let cur = args[0];
      for (const k of args.slice(1)) {
        if (cur instanceof RObject && !(k instanceof GoNum) && k !== undefined) cur = cur.get(k);
        else if (Array.isArray(cur) && k instanceof GoNum) {
          if (k.n < 0 || k.n >= cur.length)
            throw new TemplateError(`template: template:${line}: error calling index: index out of range: ${k.n}`);
          cur = (cur as readonly Value[])[k.n];
        } else throw new TemplateError(`template: template:${line}: error calling index: can't index item of type ${typeOfGo(cur)}`);
      }
      return cur;
    }
    case 'print':
      return args.map((a, i) => (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string' ? ' ' : '') + goText(a)).join('');
    case 'println':
      return args.map(goText).join(' ') + '\n';
    case 'printf':
      return sprintf(
        goText(args[0]),
        args.slice(1).map((a) => (a === undefined ? null : a instanceof GoNum ? a.n : a)),
      );
    case 'eq':
      return args.slice(1).some((b) => cmp(args[0], b) === 0);
    case 'ne':
      return cmp(args[0], args[1]) !== 0;
    case 'lt':
      return cmp(args[0], args[1]) < 0;
    case 'le':
      return cmp(args[0], args[1]) <= 0;
    case 'gt':
      return cmp(args[0], args[1]) > 0;
    case 'ge':
      return cmp(args[0], args[1]) >= 0;
    default:
      throw new TemplateError(`template: template:${line}: function "${name}" not defined`);
  }
}

function evalArg(a: Arg, s: Scope, line: number): GoV {
  switch (a.t) {
    case 'lit':
      return a.v;
    case 'field':
      return field(a.base ? evalArg(a.base, s, line) : s.dot, a.path, line, a);
    case 'var':
      return field(lookupVar(s, a.name, line), a.path, line);
    case 'pipe':
      return evalPipe(a.p, s, line);
    case 'ident':
      return callFn(a.name, [], line);
  }
}

function evalPipe(p: Pipe, s: Scope, line: number): GoV {
  let prev: GoV;
  let first = true;
  for (const cmd of p.cmds) {
    const [head, ...rest] = cmd as [Arg, ...Arg[]];
    const args = rest.map((a) => evalArg(a, s, line));
    if (!first) args.push(prev);
    if (head.t === 'ident') prev = callFn(head.name, args, line);
    else {
      if (args.length > 0)
        throw new TemplateError(`template: template:${line}: can't give argument to non-function ${goText(evalArg(head, s, line))}`);
      prev = evalArg(head, s, line);
    }
    first = false;
  }
  if (p.decl.length > 0) {
    const name = p.decl[p.decl.length - 1] as string;
    if (p.assign) {
      lookupVar(s, name, line);
      for (let i = s.vars.length - 1; i >= 0; i--) if (s.vars[i]?.has(name)) (s.vars[i] as Map<string, GoV>).set(name, prev);
    } else (s.vars[s.vars.length - 1] as Map<string, GoV>).set(name, prev);
  }
  return prev;
}

function run(nodes: readonly Node[], s: Scope, out: string[]): void {
  for (const n of nodes) {
    switch (n.k) {
      case 'text':
        out.push(n.s);
        break;
      case 'action': {
        const v = evalPipe(n.p, s, n.line);
        if (n.p.decl.length === 0) out.push(v === null ? '<no value>' : goText(v));
        break;
      }
      case 'if':
      case 'with': {
        const inner: Scope = { dot: s.dot, vars: [...s.vars, new Map<string, GoV>()] };
        const v = evalPipe(n.p, inner, n.line);
        if (truth(v)) run(n.then, n.k === 'with' ? { ...inner, dot: v } : inner, out);
        else run(n.els, s, out);
        break;
      }
      case 'range': {
        const frame = new Map<string, GoV>();
        const inner: Scope = { dot: s.dot, vars: [...s.vars, frame] };
        const decl = n.p.decl;
        const v = evalPipe({ ...n.p, decl: [] }, inner, n.line);
        let items: [GoV, GoV][];
        if (Array.isArray(v)) items = (v as readonly Value[]).map((x, i): [GoV, GoV] => [new GoNum(i), x]);
        else if (v instanceof RObject) items = v.sortedEntries().map(([k, x]) => [k, x]);
        else if (v === undefined || v === null) items = [];
        else if (v instanceof GoNum && Number.isInteger(v.n)) items = Array.from({ length: v.n }, (_, i) => [new GoNum(i), new GoNum(i)]);
        else throw new TemplateError(`template: template:${n.line}: range can't iterate over ${goText(v)}`);
        if (items.length === 0) run(n.els, s, out);
        for (const [k, x] of items) {
          if (decl.length === 1) frame.set(decl[0] as string, x);
          if (decl.length === 2) {
            frame.set(decl[0] as string, k);
            frame.set(decl[1] as string, x);
          }
          run(n.body, { ...inner, dot: x }, out);
        }
        break;
      }
    }
  }
}

function renderTemplate(template: string, vars: RObject): string {
  const nodes = parseTemplate(template);
  const out: string[] = [];
  run(nodes, { dot: vars, vars: [new Map([['$', vars]])] }, out);
  return out.join('').replaceAll('<no value>', '<undefined>');
}

/** The built-ins of this family. */
export const builtins: BuiltinDef[] = [
  {
    name: 'strings.render_template',
    arity: 2,
    fn: (args) => {
      const t = argString('strings.render_template', args, 0);
      const vars = argObject('strings.render_template', args, 1);
      try {
        return renderTemplate(t, vars);
      } catch (e) {
        if (e instanceof TemplateError) throw fail('strings.render_template', e.message);
        throw e;
      }
    },
  },
];
