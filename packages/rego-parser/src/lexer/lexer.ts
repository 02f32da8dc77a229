import type { CommentToken, Token, TokenKind } from './tokens.js';

const isLetter = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
const isDecimal = (c: string): boolean => c >= '0' && c <= '9';
const UNI_DIGIT = /\p{Nd}/u;
const isDigit = (c: string): boolean => isDecimal(c) || (c.charCodeAt(0) >= 0x80 && UNI_DIGIT.test(c));

const SIMPLE: Record<string, TokenKind> = {
  '[': '[',
  ']': ']',
  '{': '{',
  '}': '}',
  '(': '(',
  ')': ')',
  ',': ',',
  '+': '+',
  '-': '-',
  '*': '*',
  '/': '/',
  '%': '%',
  '&': '&',
  '|': '|',
  ';': ';',
  '.': '.',
};

/** The result of lexing: tokens (ending with `eof`) and all comments. */
export interface LexResult {
  readonly tokens: Token[];
  readonly comments: CommentToken[];
}

/**
 * Splits Rego source into tokens, following OPA's scanner: whitespace and comments are
 * not tokens but are recorded on the next token (`ws`, `nl`); template strings are
 * split into parts around their `{expr}` holes.
 */
export function lex(src: string): LexResult {
  const tokens: Token[] = [];
  const comments: CommentToken[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  let ws = false;
  let nl = false;
  // Template-string nesting: each entry is the brace depth at which the hole closes, and raw-ness.
  const templates: { depth: number; raw: boolean }[] = [];
  let depth = 0;
  if (src.charCodeAt(0) === 0xfeff) i = 1;

  const errorsIn = (start: number, end: number): { message: string; offset: number }[] => {
    const errs: { message: string; offset: number }[] = [];
    for (let k = start; k < end; k++) {
      const c = src.charCodeAt(k);
      if (c === 0) errs.push({ message: 'illegal null character', offset: k });
      else if (c === 0xfeff) errs.push({ message: 'illegal byte-order mark', offset: k });
      // Lone surrogates are what a UTF-8 file can never hold; they encode as U+FFFD, which OPA accepts.
    }
    return errs;
  };

  const push = (kind: TokenKind, start: number, extra: { message: string; offset: number }[] = [], text?: string): void => {
    // Only string tokens can hold NUL or BOM characters (others are ASCII by construction).
    const errs = kind === 'string' ? [...errorsIn(start, i), ...extra] : extra;
    const tok: Token = {
      kind: errs.length > 0 ? 'illegal' : kind,
      text: text ?? src.slice(start, i),
      offset: start,
      end: i,
      line,
      col: start - lineStart + 1,
      ws,
      nl,
      ...(errs.length > 0 ? { errors: errs } : {}),
    };
    tokens.push(tok);
    ws = false;
    nl = false;
  };
  const newlinesIn = (start: number, end: number): void => {
    for (let k = start; k < end; k++) {
      if (src.charCodeAt(k) === 10) {
        line++;
        lineStart = k + 1;
      }
    }
  };

  // Scans a template string body from i (after `$"`, `$\``, or a closing `}`); returns kind.
  const scanTemplate = (start: number, raw: boolean, startLine: number, startCol: number): void => {
    const errs: { message: string; offset: number }[] = [];
    let text = raw ? '`' : '"';
    let kind: TokenKind = raw ? 'rawtmpl-part' : 'tmpl-part';
    for (;;) {
      const c = src[i];
      if (c === undefined || (!raw && c === '\n')) {
        errs.push({ message: 'non-terminated string', offset: i });
        break;
      }
      i++;
      if (c === (raw ? '`' : '"')) {
        kind = raw ? 'rawtmpl-end' : 'tmpl-end';
        text += c;
        break;
      }
      if (c === '{') {
        text += c;
        break;
      }
      if (c === '\\') {
        const n = src[i];
        if (raw) {
          if (n === '{') {
            i++;
            text += '{';
          } else text += c;
          continue;
        }
        if (n !== undefined && '\\"/bfnrt'.includes(n)) {
          text += c + n;
          i++;
        } else if (n === '{') {
          text += '{';
          i++;
        } else if (n === 'u') {
          text += src.slice(i - 1, i + 5);
          i += 5;
        } else {
          errs.push({ message: 'illegal escape sequence', offset: i });
          text += c;
        }
        continue;
      }
      text += c;
    }
    const errsAll = [...errorsIn(start, Math.min(i, src.length)), ...errs];
    tokens.push({
      kind: errsAll.length > 0 ? 'illegal' : kind,
      text,
      offset: start,
      end: i,
      line: startLine,
      col: startCol,
      ws,
      nl,
      ...(errsAll.length > 0 ? { errors: errsAll } : {}),
    });
    ws = false;
    nl = false;
    newlinesIn(start, Math.min(i, src.length));
    if (kind === 'tmpl-part' || kind === 'rawtmpl-part') {
      templates.push({ depth, raw });
    }
  };

  while (i < src.length) {
    const c = src[i] as string;
    const start = i;
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      ws = true;
      continue;
    }
    if (c === '\n') {
      i++;
      ws = true;
      nl = true;
      line++;
      lineStart = i;
      continue;
    }
    if (c === '#') {
      let e = src.indexOf('\n', i);
      if (e < 0) e = src.length;
      let te = e;
      while (te > i + 1 && src[te - 1] === '\r') te--;
      comments.push({ text: src.slice(i + 1, te), offset: i, line, col: i - lineStart + 1 });
      const errs = errorsIn(i, e);
      i = e;
      ws = true;
      if (errs.length > 0) {
        tokens.push({
          kind: 'illegal',
          text: src.slice(start, e),
          offset: start,
          end: e,
          line,
          col: start - lineStart + 1,
          ws,
          nl,
          errors: errs,
        });
        ws = false;
        nl = false;
      }
      continue;
    }
    if (isLetter(c)) {
      i++;
      while (i < src.length && (isLetter(src[i] as string) || isDigit(src[i] as string))) i++;
      push('ident', start);
      continue;
    }
    if (isDecimal(c)) {
      const errs: { message: string; offset: number }[] = [];
      while (i < src.length && isDecimal(src[i] as string)) i++;
      if (src[i] === '.') {
        i++;
        let found = false;
        while (i < src.length && isDecimal(src[i] as string)) {
          i++;
          found = true;
        }
        if (!found) errs.push({ message: 'expected fraction', offset: i });
      }
      if (src[i] === 'e' || src[i] === 'E') {
        i++;
        if (src[i] === '+' || src[i] === '-') i++;
        let found = false;
        while (i < src.length && isDecimal(src[i] as string)) {
          i++;
          found = true;
        }
        if (!found) errs.push({ message: 'expected exponent', offset: i });
      }
      if (i < src.length && isLetter(src[i] as string)) {
        errs.push({ message: 'illegal number format', offset: i });
        while (i < src.length && (isLetter(src[i] as string) || isDigit(src[i] as string))) i++;
      }
      push('number', start, errs);
      continue;
    }
    if (c === '"') {
      i++;
      const errs: { message: string; offset: number }[] = [];
      for (;;) {
        const ch = src[i];
        if (ch === undefined || ch === '\n') {
          errs.push({ message: 'non-terminated string', offset: i });
          break;
        }
        i++;
        if (ch === '"') break;
        if (ch === '\\') {
          const n = src[i];
          if (n !== undefined && '\\"/bfnrt'.includes(n)) i++;
          else if (n === 'u') i += 4;
          else errs.push({ message: 'illegal escape sequence', offset: i });
        }
      }
      if (i > src.length) i = src.length;
      push('string', start, errs);
      continue;
    }
    if (c === '`') {
      const e = src.indexOf('`', i + 1);
      if (e < 0) {
        i = src.length;
        const startLine = line;
        const startCol = start - lineStart + 1;
        newlinesIn(start, i);
        tokens.push({
          kind: 'illegal',
          text: src.slice(start),
          offset: start,
          end: i,
          line: startLine,
          col: startCol,
          ws,
          nl,
          errors: [{ message: 'non-terminated string', offset: i }],
        });
        ws = false;
        nl = false;
        continue;
      }
      i = e + 1;
      const startLine = line;
      const startCol = start - lineStart + 1;
      const errs = errorsIn(start, i);
      tokens.push({
        kind: errs.length ? 'illegal' : 'rawstring',
        text: src.slice(start, i),
        offset: start,
        end: i,
        line: startLine,
        col: startCol,
        ws,
        nl,
        ...(errs.length ? { errors: errs } : {}),
      });
      ws = false;
      nl = false;
      newlinesIn(start, i);
      continue;
    }
    if (c === '$' && (src[i + 1] === '"' || src[i + 1] === '`')) {
      const raw = src[i + 1] === '`';
      i += 2;
      scanTemplate(start, raw, line, start - lineStart + 1);
      continue;
    }
    if (c === '}' && templates.length > 0 && (templates[templates.length - 1] as { depth: number }).depth === depth) {
      const t = templates.pop() as { depth: number; raw: boolean };
      i++;
      push('}', start);
      // The continuation of the template string starts right after the brace.
      scanTemplate(i, t.raw, line, i - lineStart + 1);
      // scanTemplate's text starts with a quote for uniform decoding.
      continue;
    }
    i++;
    const n = src[i];
    switch (c) {
      case ':':
        if (n === '=') {
          i++;
          push(':=', start);
        } else push(':', start);
        continue;
      case '=':
        if (n === '=') {
          i++;
          push('==', start);
        } else push('=', start);
        continue;
      case '>':
        if (n === '=') {
          i++;
          push('>=', start);
        } else push('>', start);
        continue;
      case '<':
        if (n === '=') {
          i++;
          push('<=', start);
        } else push('<', start);
        continue;
      case '!':
        if (n === '=') {
          i++;
          push('!=', start);
        } else push('illegal', start, [{ message: 'illegal ! character', offset: start }]);
        continue;
      case '{':
        depth++;
        push('{', start);
        continue;
      case '}':
        depth--;
        push('}', start);
        continue;
      default: {
        const k = SIMPLE[c];
        if (k) {
          push(k, start);
          continue;
        }
        // Consume a whole surrogate pair as one illegal character.
        const code = c.charCodeAt(0);
        if (code >= 0xd800 && code <= 0xdbff && i < src.length) i++;
        const msg =
          c === '\u0000'
            ? 'illegal null character'
            : c === '\ufeff'
              ? 'illegal byte-order mark'
              : c === '\u00a0'
                ? 'illegal non-breaking space character, use a regular space instead'
                : c === '$'
                  ? 'illegal $ character'
                  : 'illegal token';
        push('illegal', start, [{ message: msg, offset: start }]);
      }
    }
  }
  tokens.push({ kind: 'eof', text: '', offset: src.length, end: src.length, line, col: src.length - lineStart + 1, ws, nl });
  return { tokens, comments };
}
