/**
 * Minimal glob matcher for bundle manifest `file_rego_versions` keys
 * (`*`, `**`, `?`, `[...]`, `{a,b}`; like OPA's gobwas glob without separators, `*` also crosses `/`).
 */

/** Compiles a glob pattern to an anchored RegExp. */
export function globToRegExp(pattern: string): RegExp {
  let out = '';
  let inBraces = 0;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] ?? '';
    if (ch === '*') {
      while (pattern[i + 1] === '*') i++;
      out += '.*';
    } else if (ch === '?') out += '.';
    else if (ch === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) out += '\\[';
      else {
        const body = pattern
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\');
        out += `[${body}]`;
        i = end;
      }
    } else if (ch === '{') {
      inBraces++;
      out += '(?:';
    } else if (ch === '}' && inBraces > 0) {
      inBraces--;
      out += ')';
    } else if (ch === ',' && inBraces > 0) out += '|';
    else out += ch.replace(/[.+^$()|\\/]/g, (c) => `\\${c}`);
  }
  return new RegExp(`^${out}$`);
}
