/**
 * A deliberately small check of `# METADATA` YAML for the mistakes OPA's YAML reader
 * rejects most often — it never claims an error for YAML it does not understand:
 * a document that is a plain scalar (not a mapping), a top-level line without `key:`
 * inside a mapping, and a plain value holding `: `. Messages follow go-yaml's.
 */

/** A YAML problem: message and the 1-based content line it names (if any). */
export interface YamlProblem {
  readonly message: string;
  readonly line?: number;
}

const KEY = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"{[\]},&*!|>%@`?-][^:#]*?|-[^\s:#][^:#]*?)[ \t]*:(?:[ \t]|$)/;

function truncate(s: string): string {
  return s.length > 10 ? `${s.slice(0, 7)}...` : s;
}

function closes(s: string, quote: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote === '"' && c === '\\') {
      i++;
      continue;
    }
    if (c === quote) {
      if (quote === "'" && s[i + 1] === "'") {
        i++;
        continue;
      }
      return true;
    }
  }
  return false;
}

/** go-yaml names the line only past the first one. */
function mappingValues(n: number): YamlProblem {
  return n > 1
    ? { message: `yaml: line ${n}: mapping values are not allowed in this context`, line: n }
    : { message: 'yaml: mapping values are not allowed in this context' };
}

/** Checks the YAML text of an annotation (content lines, one `# ` prefix removed). */
export function yamlProblem(lines: readonly string[]): YamlProblem | undefined {
  const content = lines.map((l, i) => ({ l, n: i + 1 })).filter(({ l }) => l.trim() !== '' && !l.trim().startsWith('#'));
  const first = content[0];
  if (!first) return undefined;
  const anyKey = content.some(({ l }) => KEY.test(l.trimStart()));
  if (!anyKey) {
    if (/^-(\s|$)/.test(first.l))
      return { message: `yaml: unmarshal errors:\n  line ${first.n}: cannot unmarshal !!seq into ast.rawAnnotation`, line: first.n };
    if (/^[\s]*["'|>&*!?%@`{[\-.]/.test(first.l)) return undefined;
    const scalar = content.map(({ l }) => l.trim()).join(' ');
    return {
      message: `yaml: unmarshal errors:\n  line ${first.n}: cannot unmarshal !!str \`${truncate(scalar)}\` into ast.rawAnnotation`,
      line: first.n,
    };
  }
  let mapping = false;
  const keys = new Map<string, number>();
  let quote = '';
  let block = false;
  let flow = 0;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] ?? '';
    const n = i + 1;
    if (quote) {
      if (closes(l, quote)) quote = '';
      continue;
    }
    const indent = l.length - l.trimStart().length;
    if (block) {
      if (l.trim() === '' || indent > 0) continue;
      block = false;
    }
    if (flow > 0) {
      for (const c of l) flow += c === '[' || c === '{' ? 1 : c === ']' || c === '}' ? -1 : 0;
      continue;
    }
    const t = l.trim();
    if (t === '' || t.startsWith('#')) continue;
    if (indent > 0) {
      // A nested `key: plain value` whose value holds `: `.
      const nm = KEY.exec(t);
      const nv = nm ? t.slice(nm[0].length).trim() : '';
      if (nm && nv && !/^["'[{&*!%@`|>]/.test(nv) && /:([ \t]|$)/.test(nv.replace(/[ \t]#.*$/, ''))) return mappingValues(n);
      continue;
    }
    if (/^(---|\.\.\.|-\s|-$|[{[])/.test(t)) return undefined;
    const m = KEY.exec(t);
    if (!m) {
      if (mapping) return { message: `yaml: line ${n}: could not find expected ':'`, line: n };
      return undefined;
    }
    mapping = true;
    const key = (m[1] ?? '').replace(/^(["'])(.*)\1$/, '$2');
    const seen = keys.get(key);
    if (seen !== undefined)
      return { message: `yaml: unmarshal errors:\n  line ${n}: mapping key "${key}" already defined at line ${seen}`, line: n };
    keys.set(key, n);
    const value = t.slice(m[0].length).trim();
    if (value.startsWith('"') || value.startsWith("'")) {
      if (!closes(value.slice(1), value[0] as string)) quote = value[0] as string;
      continue;
    }
    if (value.startsWith('|') || value.startsWith('>')) {
      block = true;
      continue;
    }
    if (value.startsWith('[') || value.startsWith('{')) {
      for (const c of value) flow += c === '[' || c === '{' ? 1 : c === ']' || c === '}' ? -1 : 0;
      continue;
    }
    if (/^[&*!%@`]/.test(value)) return undefined;
    const plain = value.replace(/[ \t]#.*$/, '');
    if (/:([ \t]|$)/.test(plain)) return mappingValues(n);
  }
  return undefined;
}

/** OPA's hint for `key:value` (no space after the colon), appended to YAML errors. */
export function colonHints(comments: readonly { text: string; line: number }[]): string {
  let out = '';
  for (const c of comments) {
    if (!c.text.includes(':')) continue;
    const parts = c.text.split(':').slice(1);
    const bad: string[] = [];
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] ?? '';
      if (part.length === 0 && i === parts.length - 1) break;
      const r = [...part][0] ?? '';
      if (r === ' ' || r === '\t') break;
      bad.push(r === '' ? "'\\x00'" : `'${r}'`);
    }
    if (bad.length > 0)
      out += `\n  Hint: on line ${c.line}, symbol(s) [${bad.join(' ')}] immediately following a key/value separator ':' is not a legal yaml space character`;
  }
  return out;
}
