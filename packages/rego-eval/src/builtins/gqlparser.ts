/**
 * A port of gqlparser's lexer and parser (github.com/vektah/gqlparser/v2 v2.5.64, the library
 * OPA's `graphql.*` built-ins use), producing its AST as Go's `encoding/json` writes it: Go
 * struct field names, every field present (`null` for nil pointers and slices), comments kept as
 * gqlparser attaches them, `Position` left out (OPA prunes it). Error texts and their locations
 * are gqlparser's (`Expected Name, found <EOF>`, `expected at least one definition, found }`,
 * `Unexpected String "Description"`), which graphql-js's parser words and places differently,
 * so the parsing is ported rather than adapted; graphql-js validates (see `graphql.ts`).
 */
import { goQuote } from '@policy-engine/rego-value';

/** A JSON value as Go marshals gqlparser's AST. */
export type GoJSON = null | string | number | boolean | GoJSON[] | { [key: string]: GoJSON };
/** A Go struct marshalled to JSON. */
export type GoObject = { [key: string]: GoJSON };

/** A gqlparser error: its message and 1-based location (absent for errors without one). */
export class GqlError extends Error {
  readonly line: number | undefined;
  readonly column: number | undefined;
  constructor(message: string, line?: number, column?: number) {
    super(message);
    this.name = 'GqlError';
    this.line = line;
    this.column = column;
  }
}

const enum T {
  Invalid,
  EOF,
  Bang,
  Dollar,
  Amp,
  ParenL,
  ParenR,
  Spread,
  Colon,
  Equals,
  At,
  BracketL,
  BracketR,
  BraceL,
  BraceR,
  Pipe,
  Name,
  Int,
  Float,
  String,
  BlockString,
  Comment,
}

const KIND_TEXT = [
  '<Invalid>',
  '<EOF>',
  '!',
  '$',
  '&',
  '(',
  ')',
  '...',
  ':',
  '=',
  '@',
  '[',
  ']',
  '{',
  '}',
  '|',
  'Name',
  'Int',
  'Float',
  'String',
  'BlockString',
  'Comment',
];

interface Token {
  readonly kind: T;
  readonly value: string;
  readonly line: number;
  readonly column: number;
}

function tokenText(t: Token): string {
  return t.value !== '' ? `${KIND_TEXT[t.kind] as string} ${goQuote(t.value)}` : (KIND_TEXT[t.kind] as string);
}

function hex4(c: number): string {
  return c.toString(16).padStart(4, '0');
}

/** The first UTF-8 byte of the code point at `i`, as Go's `string(rune(byte))` shows it. */
function firstByteChar(s: string, i: number): string {
  const c = s.codePointAt(i) as number;
  if (c < 0x80) return String.fromCharCode(c);
  const b = new TextEncoder().encode(String.fromCodePoint(c))[0] as number;
  return String.fromCharCode(b);
}

/** gqlparser's `lexer.blockStringValue`. */
function blockStringValue(raw: string): string {
  const lines = raw.split('\n');
  const MAX = 0x7fffffff;
  const leading = (str: string): number => {
    for (let i = 0; i < str.length; i++) if (str[i] !== ' ' && str[i] !== '\t') return i;
    return MAX;
  };
  let common = MAX;
  for (const line of lines) {
    const indent = leading(line);
    if (indent < line.length && indent < common) {
      common = indent;
      if (common === 0) break;
    }
  }
  if (common !== MAX)
    for (let i = 1; i < lines.length; i++) lines[i] = (lines[i] as string).length < common ? '' : (lines[i] as string).slice(common);
  let start = 0;
  let end = lines.length;
  while (start < end && leading(lines[start] as string) === MAX) start++;
  while (start < end && leading(lines[end - 1] as string) === MAX) end--;
  return lines.slice(start, end).join('\n');
}

function hexDigit(c: string | undefined): number {
  if (c === undefined) return -1;
  const n = c.charCodeAt(0);
  if (n >= 48 && n <= 57) return n - 48;
  if (n >= 97 && n <= 102) return n - 87;
  if (n >= 65 && n <= 70) return n - 55;
  return -1;
}

function unhex(b: string): number | undefined {
  let v = 0;
  for (const c of b) {
    const d = hexDigit(c);
    if (d < 0) return undefined;
    v = v * 16 + d;
  }
  return v;
}

/** gqlparser's `lexer.Lexer`, over UTF-16 code units with rune-counted columns as Go's. */
class Lexer {
  private start = 0;
  private startRunes = 0;
  private end = 0;
  private endRunes = 0;
  private line = 1;
  private lineStartRunes = 0;

  constructor(private readonly input: string) {}

  private token(kind: T, value: string): Token {
    return { kind, value, line: this.line, column: this.startRunes - this.lineStartRunes + 1 };
  }

  private error(message: string): [Token, GqlError] {
    const column = this.endRunes - this.lineStartRunes + 1;
    return [{ kind: T.Invalid, value: '', line: this.line, column }, new GqlError(message, this.line, column)];
  }

  /** The width (in code units) of the character at `i`. */
  private width(i: number): number {
    const c = this.input.codePointAt(i) as number;
    return c > 0xffff ? 2 : 1;
  }

  read(): [Token, GqlError | undefined] {
    this.ws();
    this.start = this.end;
    this.startRunes = this.endRunes;
    const s = this.input;
    if (this.end >= s.length) return [this.token(T.EOF, ''), undefined];
    const r = s[this.start] as string;
    this.end++;
    this.endRunes++;
    const punct: Record<string, T> = {
      '!': T.Bang,
      $: T.Dollar,
      '&': T.Amp,
      '(': T.ParenL,
      ')': T.ParenR,
      ':': T.Colon,
      '=': T.Equals,
      '@': T.At,
      '[': T.BracketL,
      ']': T.BracketR,
      '{': T.BraceL,
      '}': T.BraceR,
      '|': T.Pipe,
    };
    const p = punct[r];
    if (p !== undefined) return [this.token(p, ''), undefined];
    if (r === '.' && s.slice(this.start, this.start + 3) === '...') {
      this.end += 2;
      this.endRunes += 2;
      return [this.token(T.Spread, ''), undefined];
    }
    if (r === '#') return this.readComment();
    if (/[_A-Za-z]/.test(r)) return this.readName();
    if (/[-0-9]/.test(r)) return this.readNumber();
    if (r === '"') return s.slice(this.start, this.start + 3) === '"""' ? this.readBlockString() : this.readString();
    this.end--;
    this.endRunes--;
    const c = r.charCodeAt(0);
    if (c < 0x20 && c !== 9 && c !== 10 && c !== 13) return this.error(`Cannot contain the invalid character "\\u${hex4(c)}"`);
    if (r === "'") return this.error(`Unexpected single quote character ('), did you mean to use a double quote (")?`);
    return this.error(`Cannot parse the unexpected character "${firstByteChar(s, this.start)}".`);
  }

  private ws(): void {
    const s = this.input;
    while (this.end < s.length) {
      const c = s[this.end];
      if (c === '\t' || c === ' ' || c === ',' || c === '\uFEFF') {
        this.end++;
        this.endRunes++;
      } else if (c === '\n' || c === '\r') {
        this.end++;
        this.endRunes++;
        this.line++;
        this.lineStartRunes = this.endRunes;
        if (c === '\r' && s[this.end] === '\n') {
          this.end++;
          this.endRunes++;
        }
      } else return;
    }
  }

  private readComment(): [Token, undefined] {
    const s = this.input;
    while (this.end < s.length) {
      const c = s.codePointAt(this.end) as number;
      if (c > 0x1f || c === 9) {
        this.end += this.width(this.end);
        this.endRunes++;
      } else break;
    }
    return [this.token(T.Comment, s.slice(this.start, this.end)), undefined];
  }

  private acceptByte(...chars: string[]): boolean {
    if (this.end >= this.input.length) return false;
    if (chars.includes(this.input[this.end] as string)) {
      this.end++;
      this.endRunes++;
      return true;
    }
    return false;
  }

  private acceptDigits(): number {
    let n = 0;
    while (this.end < this.input.length && /[0-9]/.test(this.input[this.end] as string)) {
      this.end++;
      this.endRunes++;
      n++;
    }
    return n;
  }

  private describeNext(): string {
    return this.end < this.input.length ? `"${firstByteChar(this.input, this.end)}"` : '<EOF>';
  }

  private readNumber(): [Token, GqlError | undefined] {
    let float = false;
    this.end--;
    this.endRunes--;
    this.acceptByte('-');
    if (this.acceptByte('0')) {
      const consumed = this.acceptDigits();
      if (consumed !== 0) {
        this.end -= consumed;
        this.endRunes -= consumed;
        return this.error(`Invalid number, unexpected digit after 0: ${this.describeNext()}.`);
      }
    } else if (this.acceptDigits() === 0) return this.error(`Invalid number, expected digit but got: ${this.describeNext()}.`);
    if (this.acceptByte('.')) {
      float = true;
      if (this.acceptDigits() === 0) return this.error(`Invalid number, expected digit but got: ${this.describeNext()}.`);
    }
    if (this.acceptByte('e', 'E')) {
      float = true;
      this.acceptByte('-', '+');
      if (this.acceptDigits() === 0) return this.error(`Invalid number, expected digit but got: ${this.describeNext()}.`);
    }
    return [this.token(float ? T.Float : T.Int, this.input.slice(this.start, this.end)), undefined];
  }

  private readName(): [Token, undefined] {
    while (this.end < this.input.length && /[0-9A-Za-z_]/.test(this.input[this.end] as string)) {
      this.end++;
      this.endRunes++;
    }
    return [this.token(T.Name, this.input.slice(this.start, this.end)), undefined];
  }

  private readString(): [Token, GqlError | undefined] {
    const s = this.input;
    const len = s.length;
    let buf: string | undefined;
    this.start++;
    this.startRunes++;
    while (this.end < len) {
      const r = s[this.end] as string;
      const c = r.charCodeAt(0);
      if (r === '\n' || r === '\r') break;
      if (c < 0x20 && r !== '\t') return this.error(`Invalid character within String: "\\u${hex4(c)}".`);
      if (r === '"') {
        const t = this.token(T.String, buf ?? s.slice(this.start, this.end));
        this.end++;
        this.endRunes++;
        return [t, undefined];
      }
      if (r !== '\\') {
        const w = this.width(this.end);
        if (buf !== undefined) buf += s.slice(this.end, this.end + w);
        this.end += w;
        this.endRunes++;
        continue;
      }
      if (this.end + 1 >= len) {
        this.end++;
        this.endRunes++;
        return this.error('Invalid character escape sequence.');
      }
      buf ??= s.slice(this.start, this.end);
      const escape = s[this.end + 1] as string;
      if (escape === 'u') {
        if (s[this.end + 2] === '{') {
          const rest = s.slice(this.end + 3);
          let v = 0;
          let n = 0;
          let ok = false;
          while (n < rest.length && n <= 8) {
            if (rest[n] === '}') {
              n++;
              ok = n !== 1 && v <= 0x10ffff && !(v >= 0xd800 && v <= 0xdfff);
              break;
            }
            const d = hexDigit(rest[n]);
            if (d < 0) break;
            v = v * 16 + d;
            n++;
          }
          if (!ok) {
            this.end++;
            this.endRunes++;
            return this.error(`Invalid character escape sequence: \\${s.slice(this.end, this.end + 2 + n)}.`);
          }
          this.end += 3 + n;
          this.endRunes += 3 + n;
          buf += String.fromCodePoint(v);
          continue;
        }
        if (this.end + 6 >= len) {
          this.end++;
          this.endRunes++;
          return this.error(`Invalid character escape sequence: \\${s.slice(this.end)}.`);
        }
        let v = unhex(s.slice(this.end + 2, this.end + 6));
        if (v === undefined) {
          this.end++;
          this.endRunes++;
          return this.error(`Invalid character escape sequence: \\${s.slice(this.end, this.end + 5)}.`);
        }
        this.end += 6;
        this.endRunes += 6;
        if (v >= 0xd800 && v < 0xdc00 && this.end + 6 < len) {
          const next = s.slice(this.end, this.end + 6);
          const r2 = unhex(next.slice(2));
          if (next.startsWith('\\u') && r2 !== undefined && r2 >= 0xdc00 && r2 <= 0xdfff) {
            v = (v - 0xd800) * 0x400 + (r2 - 0xdc00) + 0x10000;
            this.end += 6;
            this.endRunes += 6;
          }
        }
        // Go's WriteRune writes U+FFFD for a lone surrogate.
        buf += v >= 0xd800 && v <= 0xdfff ? '\uFFFD' : String.fromCodePoint(v);
        continue;
      }
      const simple: Record<string, string> = { '"': '"', '/': '/', '\\': '\\', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      const out = simple[escape];
      if (out === undefined) {
        this.end++;
        this.endRunes++;
        return this.error(`Invalid character escape sequence: \\${firstByteChar(s, this.end)}.`);
      }
      buf += out;
      this.end += 2;
      this.endRunes += 2;
    }
    return this.error('Unterminated string.');
  }

  private readBlockString(): [Token, GqlError | undefined] {
    const s = this.input;
    const len = s.length;
    let buf = '';
    this.start += 3;
    this.startRunes += 3;
    this.end += 2;
    this.endRunes += 2;
    while (this.end < len) {
      const r = s[this.end] as string;
      if (r === '"') {
        let quotes = 1;
        let i = this.end + 1;
        while (i < len && s[i] === '"') {
          quotes++;
          i++;
        }
        if (quotes >= 3) {
          buf += '"'.repeat(quotes - 3);
          const t = this.token(T.BlockString, blockStringValue(buf));
          this.end += quotes;
          this.endRunes += quotes;
          return [t, undefined];
        }
      }
      const c = r.charCodeAt(0);
      if (c < 0x20 && r !== '\t' && r !== '\n' && r !== '\r') return this.error(`Invalid character within String: "\\u${hex4(c)}".`);
      if (r === '\\' && s.slice(this.end, this.end + 4) === '\\"""') {
        buf += '"""';
        this.end += 4;
        this.endRunes += 4;
      } else if (r === '\r') {
        if (s[this.end + 1] === '\n') {
          this.end++;
          this.endRunes++;
        }
        buf += '\n';
        this.end++;
        this.endRunes++;
        this.line++;
        this.lineStartRunes = this.endRunes;
      } else {
        const w = this.width(this.end);
        buf += s.slice(this.end, this.end + w);
        this.end += w;
        this.endRunes++;
        if (r === '\n') {
          this.line++;
          this.lineStartRunes = this.endRunes;
        }
      }
    }
    return this.error('Unterminated string.');
  }
}

/** gqlparser's `ast.CommentGroup` as JSON (nil as `null`). */
type Comments = GoObject | null;

interface Description {
  text: string;
  comment: Comments;
  present: boolean;
}

const MAX_NESTING_DEPTH = 1000;

const DIRECTIVE_LOCATIONS = new Set([
  'QUERY',
  'MUTATION',
  'SUBSCRIPTION',
  'FIELD',
  'FRAGMENT_DEFINITION',
  'FRAGMENT_SPREAD',
  'INLINE_FRAGMENT',
  'VARIABLE_DEFINITION',
  'SCHEMA',
  'SCALAR',
  'OBJECT',
  'FIELD_DEFINITION',
  'ARGUMENT_DEFINITION',
  'INTERFACE',
  'UNION',
  'ENUM',
  'ENUM_VALUE',
  'INPUT_OBJECT',
  'INPUT_FIELD_DEFINITION',
  'DIRECTIVE_DEFINITION',
]);

/** Value kinds (`ast.ValueKind`). */
export const ValueKind = {
  Variable: 0,
  IntValue: 1,
  FloatValue: 2,
  StringValue: 3,
  BlockValue: 4,
  BooleanValue: 5,
  NullValue: 6,
  EnumValue: 7,
  ListValue: 8,
  ObjectValue: 9,
} as const;

function joinComments(before: Comments, after: Comments): Comments {
  if (before === null) return after;
  if (after === null) return before;
  return { List: [...((before.List as GoJSON[] | null) ?? []), ...((after.List as GoJSON[] | null) ?? [])] };
}

function list<V extends GoJSON>(xs: V[]): V[] | null {
  return xs.length === 0 ? null : xs;
}

/** gqlparser's `parser`, with its error-latching, peeking and comment grouping. */
class Parser {
  private readonly lexer: Lexer;
  err: GqlError | undefined;
  private peeked = false;
  private peekToken: Token = { kind: T.EOF, value: '', line: 1, column: 1 };
  private peekError: GqlError | undefined;
  private prev: Token = { kind: T.EOF, value: '', line: 0, column: 0 };
  private comment: Comments = null;
  private commentConsuming = false;
  private depth = 0;

  constructor(input: string) {
    this.lexer = new Lexer(input);
  }

  private error(tok: Token, message: string): void {
    this.err ??= new GqlError(message, tok.line, tok.column);
  }

  /** The next token's position (`peekPos`), kept for error locations; OPA prunes it. */
  private pos(): GoObject {
    const t = this.peek();
    return { Line: t.line, Column: t.column };
  }

  private enterNested(): boolean {
    if (this.depth >= MAX_NESTING_DEPTH) {
      this.error(this.peek(), `exceeded maximum nesting depth of ${MAX_NESTING_DEPTH}`);
      return false;
    }
    this.depth++;
    return true;
  }

  private consumeCommentGroup(): void {
    if (this.err !== undefined || this.commentConsuming) return;
    this.commentConsuming = true;
    const comments: GoJSON[] = [];
    for (;;) {
      if (this.err !== undefined) break;
      const tok = this.peek();
      if (tok.kind !== T.Comment) break;
      this.next();
      comments.push({ Value: tok.value });
    }
    this.comment = { List: list(comments) };
    this.commentConsuming = false;
  }

  peek(): Token {
    if (this.err !== undefined) return this.prev;
    if (!this.peeked) {
      [this.peekToken, this.peekError] = this.lexer.read();
      this.peeked = true;
      if (this.peekToken.kind === T.Comment) this.consumeCommentGroup();
    }
    return this.peekToken;
  }

  next(): Token {
    if (this.err !== undefined) return this.prev;
    if (this.peeked) {
      this.peeked = false;
      this.comment = null;
      this.prev = this.peekToken;
      this.err = this.peekError;
    } else {
      [this.prev, this.err] = this.lexer.read();
      if (this.prev.kind === T.Comment) this.consumeCommentGroup();
    }
    return this.prev;
  }

  private expectKeyword(value: string): Comments {
    const tok = this.peek();
    const comment = this.comment;
    if (tok.kind === T.Name && tok.value === value) {
      this.next();
      return comment;
    }
    this.error(tok, `Expected ${goQuote(value)}, found ${tokenText(tok)}`);
    return comment;
  }

  private expect(kind: T): [Token, Comments] {
    const tok = this.peek();
    const comment = this.comment;
    if (tok.kind === kind) return [this.next(), comment];
    this.error(tok, `Expected ${KIND_TEXT[kind] as string}, found ${KIND_TEXT[tok.kind] as string}`);
    return [tok, comment];
  }

  private skip(kind: T): boolean {
    if (this.err !== undefined) return false;
    if (this.peek().kind !== kind) return false;
    this.next();
    return true;
  }

  private unexpectedToken(tok: Token): void {
    this.error(tok, `Unexpected ${tokenText(tok)}`);
  }

  private unexpectedError(): void {
    this.unexpectedToken(this.peek());
  }

  private many(start: T, end: T, cb: () => void): void {
    if (!this.skip(start)) return;
    while (this.peek().kind !== end && this.err === undefined) cb();
    this.next();
  }

  private some(start: T, end: T, cb: () => void): Comments {
    if (!this.skip(start)) return null;
    let called = false;
    while (this.peek().kind !== end && this.err === undefined) {
      called = true;
      cb();
    }
    if (!called) {
      this.error(this.peek(), `expected at least one definition, found ${KIND_TEXT[this.peek().kind] as string}`);
      return null;
    }
    const comment = this.comment;
    this.next();
    return comment;
  }

  // ---- query documents (parser/query.go) ----

  parseQueryDocument(): GoObject {
    const operations: GoJSON[] = [];
    const fragments: GoJSON[] = [];
    while (this.peek().kind !== T.EOF) {
      if (this.err !== undefined) break;
      const description = this.parseDescription();
      const tok = this.peek();
      if (tok.kind === T.Name && ['query', 'mutation', 'subscription'].includes(tok.value))
        operations.push(this.parseOperationDefinition(description));
      else if (tok.kind === T.Name && tok.value === 'fragment') fragments.push(this.parseFragmentDefinition(description));
      else if (tok.kind === T.BraceL) operations.push(this.parseOperationDefinition(description));
      else this.unexpectedError();
    }
    return { Operations: list(operations), Fragments: list(fragments), Comment: null };
  }

  private parseOperationDefinition(description: Description): GoObject {
    if (this.peek().kind === T.BraceL) {
      if (description.present) this.unexpectedToken(this.prev);
      // Go evaluates the literal's calls before its plain operands: `Comment: p.comment` is read
      // after the selection set is parsed.
      const position = this.pos();
      const selectionSet = this.parseRequiredSelectionSet();
      return {
        Position: position,
        Description: '',
        Operation: 'query',
        Name: '',
        VariableDefinitions: null,
        Directives: null,
        SelectionSet: selectionSet,
        Comment: this.comment,
      };
    }
    const position = this.pos();
    const comment = joinComments(description.comment, this.comment);
    const operation = this.parseOperationType();
    const name = this.peek().kind === T.Name ? this.next().value : '';
    const variables = this.parseVariableDefinitions();
    const directives = this.parseDirectives(false);
    return {
      Position: position,
      Description: description.text,
      Operation: operation,
      Name: name,
      VariableDefinitions: variables,
      Directives: directives,
      SelectionSet: this.parseRequiredSelectionSet(),
      Comment: comment,
    };
  }

  private parseOperationType(): string {
    const tok = this.next();
    if (tok.value === 'query' || tok.value === 'mutation' || tok.value === 'subscription') return tok.value;
    this.unexpectedToken(tok);
    return '';
  }

  private parseVariableDefinitions(): GoJSON[] | null {
    const defs: GoJSON[] = [];
    this.some(T.ParenL, T.ParenR, () => defs.push(this.parseVariableDefinition()));
    return list(defs);
  }

  private parseVariableDefinition(): GoObject {
    const description = this.parseDescription();
    const position = this.pos();
    const comment = joinComments(description.comment, this.comment);
    const variable = this.parseVariable();
    this.expect(T.Colon);
    const type = this.parseTypeReference();
    const defaultValue = this.skip(T.Equals) ? this.parseValueLiteral(true) : null;
    return {
      Position: position,
      Description: description.text,
      Variable: variable,
      Type: type,
      DefaultValue: defaultValue,
      Directives: this.parseDirectives(false),
      Comment: comment,
      Definition: null,
      Used: false,
    };
  }

  private parseVariable(): string {
    this.expect(T.Dollar);
    return this.parseName();
  }

  private parseOptionalSelectionSet(): GoJSON[] | null {
    if (!this.enterNested()) return null;
    try {
      const selections: GoJSON[] = [];
      this.some(T.BraceL, T.BraceR, () => selections.push(this.parseSelection()));
      return list(selections);
    } finally {
      this.depth--;
    }
  }

  private parseRequiredSelectionSet(): GoJSON[] | null {
    if (this.peek().kind !== T.BraceL) {
      this.error(this.peek(), `Expected {, found ${KIND_TEXT[this.peek().kind] as string}`);
      return null;
    }
    return this.parseOptionalSelectionSet();
  }

  private parseSelection(): GoObject {
    return this.peek().kind === T.Spread ? this.parseFragment() : this.parseField();
  }

  private parseField(): GoObject {
    const position = this.pos();
    const comment = this.comment;
    const alias = this.parseName();
    const name = this.skip(T.Colon) ? this.parseName() : alias;
    const args = this.parseArguments(false);
    const directives = this.parseDirectives(false);
    const selectionSet = this.peek().kind === T.BraceL ? this.parseOptionalSelectionSet() : null;
    return {
      Position: position,
      Alias: alias,
      Name: name,
      Arguments: args,
      Directives: directives,
      SelectionSet: selectionSet,
      Comment: comment,
      Definition: null,
      ObjectDefinition: null,
    };
  }

  private parseArguments(isConst: boolean): GoJSON[] | null {
    const args: GoJSON[] = [];
    this.some(T.ParenL, T.ParenR, () => args.push(this.parseArgument(isConst)));
    return list(args);
  }

  private parseArgument(isConst: boolean): GoObject {
    const position = this.pos();
    const comment = this.comment;
    const name = this.parseName();
    this.expect(T.Colon);
    return { Position: position, Name: name, Value: this.parseValueLiteral(isConst), Comment: comment };
  }

  private parseFragment(): GoObject {
    const [, comment] = this.expect(T.Spread);
    const peek = this.peek();
    const position = this.pos();
    if (peek.kind === T.Name && peek.value !== 'on') {
      const name = this.parseFragmentName();
      return {
        Position: position,
        Name: name,
        Directives: this.parseDirectives(false),
        ObjectDefinition: null,
        Definition: null,
        Comment: comment,
      };
    }
    let typeCondition = '';
    if (this.peek().value === 'on') {
      this.next();
      typeCondition = this.parseName();
    }
    const directives = this.parseDirectives(false);
    return {
      Position: position,
      TypeCondition: typeCondition,
      Directives: directives,
      SelectionSet: this.parseRequiredSelectionSet(),
      ObjectDefinition: null,
      Comment: comment,
    };
  }

  private parseFragmentDefinition(description: Description): GoObject {
    const position = this.pos();
    const comment = joinComments(description.comment, this.comment);
    this.expectKeyword('fragment');
    const name = this.parseFragmentName();
    const variables = this.parseVariableDefinitions();
    this.expectKeyword('on');
    const typeCondition = this.parseName();
    const directives = this.parseDirectives(false);
    return {
      Position: position,
      Description: description.text,
      Name: name,
      VariableDefinition: variables,
      TypeCondition: typeCondition,
      Directives: directives,
      SelectionSet: this.parseRequiredSelectionSet(),
      Definition: null,
      Comment: comment,
    };
  }

  private parseFragmentName(): string {
    if (this.peek().value === 'on') {
      this.unexpectedError();
      return '';
    }
    return this.parseName();
  }

  private value(position: GoObject, raw: string, kind: number, comment: Comments, children: GoJSON[] | null = null): GoObject {
    return {
      Position: position,
      Raw: raw,
      Children: children,
      Kind: kind,
      Comment: comment,
      Definition: null,
      VariableDefinition: null,
      ExpectedType: null,
      ExpectedTypeHasDefault: false,
    };
  }

  private parseValueLiteral(isConst: boolean): GoObject | null {
    const token = this.peek();
    let kind: number;
    switch (token.kind) {
      case T.BracketL:
        return this.parseList(isConst);
      case T.BraceL:
        return this.parseObject(isConst);
      case T.Dollar: {
        if (isConst) {
          this.unexpectedError();
          return null;
        }
        const raw = this.parseVariable();
        return this.value({ Line: token.line, Column: token.column }, raw, ValueKind.Variable, this.comment);
      }
      case T.Int:
        kind = ValueKind.IntValue;
        break;
      case T.Float:
        kind = ValueKind.FloatValue;
        break;
      case T.String:
        kind = ValueKind.StringValue;
        break;
      case T.BlockString:
        kind = ValueKind.BlockValue;
        break;
      case T.Name:
        kind =
          token.value === 'true' || token.value === 'false'
            ? ValueKind.BooleanValue
            : token.value === 'null'
              ? ValueKind.NullValue
              : ValueKind.EnumValue;
        break;
      default:
        this.unexpectedError();
        return null;
    }
    this.next();
    return this.value({ Line: token.line, Column: token.column }, token.value, kind, this.comment);
  }

  private parseList(isConst: boolean): GoObject | null {
    if (!this.enterNested()) return null;
    try {
      const values: GoJSON[] = [];
      const position = this.pos();
      const comment = this.comment;
      this.many(T.BracketL, T.BracketR, () => values.push({ Name: '', Value: this.parseValueLiteral(isConst), Comment: null }));
      return this.value(position, '', ValueKind.ListValue, comment, list(values));
    } finally {
      this.depth--;
    }
  }

  private parseObject(isConst: boolean): GoObject | null {
    if (!this.enterNested()) return null;
    try {
      const fields: GoJSON[] = [];
      const position = this.pos();
      const comment = this.comment;
      this.many(T.BraceL, T.BraceR, () => {
        const fieldPosition = this.pos();
        const fieldComment = this.comment;
        const name = this.parseName();
        this.expect(T.Colon);
        fields.push({ Position: fieldPosition, Name: name, Value: this.parseValueLiteral(isConst), Comment: fieldComment });
      });
      return this.value(position, '', ValueKind.ObjectValue, comment, list(fields));
    } finally {
      this.depth--;
    }
  }

  private parseDirectives(isConst: boolean): GoJSON[] | null {
    const directives: GoJSON[] = [];
    while (this.peek().kind === T.At) {
      if (this.err !== undefined) break;
      this.expect(T.At);
      const position = this.pos();
      const name = this.parseName();
      directives.push({
        Position: position,
        Name: name,
        Arguments: this.parseArguments(isConst),
        ParentDefinition: null,
        Definition: null,
        Location: '',
      });
    }
    return list(directives);
  }

  private parseTypeReference(): GoObject | null {
    let elem: GoObject | null = null;
    let named = '';
    let position: GoObject;
    if (this.skip(T.BracketL)) {
      if (!this.enterNested()) return null;
      try {
        position = this.pos();
        elem = this.parseTypeReference();
        this.expect(T.BracketR);
      } finally {
        this.depth--;
      }
    } else {
      position = this.pos();
      named = this.parseName();
    }
    return { Position: position, NamedType: named, Elem: elem, NonNull: this.skip(T.Bang) };
  }

  private parseName(): string {
    return this.expect(T.Name)[0].value;
  }

  // ---- schema documents (parser/schema.go) ----

  parseSchemaDocument(): GoObject | null {
    const doc = {
      Schema: [] as GoJSON[],
      SchemaExtension: [] as GoJSON[],
      Directives: [] as GoJSON[],
      DirectiveExtensions: [] as GoJSON[],
      Definitions: [] as GoJSON[],
      Extensions: [] as GoJSON[],
    };
    this.peek();
    while (this.peek().kind !== T.EOF) {
      if (this.err !== undefined) return null;
      let description: Description = { text: '', comment: null, present: false };
      if (this.peek().kind === T.BlockString || this.peek().kind === T.String) description = this.parseDescription();
      if (this.peek().kind !== T.Name) {
        this.unexpectedError();
        break;
      }
      const word = this.peek().value;
      if (['scalar', 'type', 'interface', 'union', 'enum', 'input'].includes(word))
        doc.Definitions.push(this.parseTypeSystemDefinition(description, word));
      else if (word === 'schema') doc.Schema.push(this.parseSchemaDefinition(description));
      else if (word === 'directive') doc.Directives.push(this.parseDirectiveDefinition(description));
      else if (word === 'extend') {
        if (description.text !== '') this.unexpectedToken(this.prev);
        this.parseTypeSystemExtension(doc);
      } else {
        this.unexpectedError();
        return null;
      }
    }
    return {
      Schema: list(doc.Schema),
      SchemaExtension: list(doc.SchemaExtension),
      Directives: list(doc.Directives),
      DirectiveExtensions: list(doc.DirectiveExtensions),
      Definitions: list(doc.Definitions),
      Extensions: list(doc.Extensions),
      Comment: this.comment,
    };
  }

  private parseDescription(): Description {
    const token = this.peek();
    if (token.kind !== T.BlockString && token.kind !== T.String) return { text: '', comment: null, present: false };
    const comment = this.comment;
    return { present: true, comment, text: this.next().value };
  }

  private definition(kind: string, description: Description | null, afterComment: Comments): GoObject {
    return {
      Kind: kind,
      Description: description?.text ?? '',
      Name: '',
      Directives: null,
      Interfaces: null,
      Fields: null,
      Types: null,
      EnumValues: null,
      BuiltIn: false,
      BeforeDescriptionComment: description?.comment ?? null,
      AfterDescriptionComment: afterComment,
      EndOfDefinitionComment: null,
    };
  }

  private parseTypeSystemDefinition(description: Description, word: string): GoObject {
    const comment = this.expectKeyword(word);
    const kinds: Record<string, string> = {
      scalar: 'SCALAR',
      type: 'OBJECT',
      interface: 'INTERFACE',
      union: 'UNION',
      enum: 'ENUM',
      input: 'INPUT_OBJECT',
    };
    const def = this.definition(kinds[word] as string, description, comment);
    def.Position = this.pos();
    def.Name = this.parseName();
    this.parseDefinitionBody(def, word, true);
    return def;
  }

  /** The part after the name, shared by definitions and extensions. */
  private parseDefinitionBody(def: GoObject, word: string, definition: boolean): void {
    switch (word) {
      case 'scalar':
        def.Directives = this.parseDirectives(true);
        break;
      case 'type':
      case 'interface':
        def.Interfaces = this.parseImplementsInterfaces();
        def.Directives = this.parseDirectives(true);
        [def.Fields, def.EndOfDefinitionComment] = this.parseFieldList(() => this.parseFieldDefinition(true));
        break;
      case 'union':
        def.Directives = this.parseDirectives(true);
        def.Types = this.parseUnionMemberTypes();
        break;
      case 'enum':
        def.Directives = this.parseDirectives(true);
        [def.EnumValues, def.EndOfDefinitionComment] = this.parseFieldList(() => this.parseEnumValueDefinition());
        break;
      case 'input':
        def.Directives = this.parseDirectives(definition);
        [def.Fields, def.EndOfDefinitionComment] = this.parseFieldList(() => this.parseFieldDefinition(false));
        break;
    }
  }

  private parseSchemaDefinition(description: Description): GoObject {
    const comment = this.expectKeyword('schema');
    const position = this.pos();
    const directives = this.parseDirectives(true);
    const ops: GoJSON[] = [];
    const end = this.some(T.BraceL, T.BraceR, () => ops.push(this.parseOperationTypeDefinition()));
    return {
      Position: position,
      Description: description.text,
      Directives: directives,
      OperationTypes: list(ops),
      BeforeDescriptionComment: description.comment,
      AfterDescriptionComment: comment,
      EndOfDefinitionComment: end,
    };
  }

  private parseOperationTypeDefinition(): GoObject {
    const position = this.pos();
    const comment = this.comment;
    const operation = this.parseOperationType();
    this.expect(T.Colon);
    return { Position: position, Operation: operation, Type: this.parseName(), Comment: comment };
  }

  private parseImplementsInterfaces(): GoJSON[] | null {
    const types: GoJSON[] = [];
    if (this.peek().value === 'implements') {
      this.next();
      this.skip(T.Amp);
      types.push(this.parseName());
      while (this.skip(T.Amp) && this.err === undefined) types.push(this.parseName());
    }
    return list(types);
  }

  private parseFieldList(item: () => GoObject): [GoJSON[] | null, Comments] {
    const defs: GoJSON[] = [];
    const comment = this.some(T.BraceL, T.BraceR, () => defs.push(item()));
    return [list(defs), comment];
  }

  /** `parseFieldDefinition` (with arguments) and `parseInputValueDef` (with a default value). */
  private parseFieldDefinition(withArguments: boolean): GoObject {
    const desc = this.parseDescription();
    const position = this.pos();
    const after = this.comment;
    const name = this.parseName();
    const args = withArguments ? this.parseArgumentDefs() : null;
    this.expect(T.Colon);
    const type = this.parseTypeReference();
    const defaultValue = !withArguments && this.skip(T.Equals) ? this.parseValueLiteral(true) : null;
    return {
      Position: position,
      Description: desc.text,
      Name: name,
      Arguments: args,
      DefaultValue: defaultValue,
      Type: type,
      Directives: this.parseDirectives(true),
      BeforeDescriptionComment: desc.text !== '' ? desc.comment : null,
      AfterDescriptionComment: after,
    };
  }

  private parseArgumentDefs(): GoJSON[] | null {
    const args: GoJSON[] = [];
    this.some(T.ParenL, T.ParenR, () => {
      const desc = this.parseDescription();
      const position = this.pos();
      const after = this.comment;
      const name = this.parseName();
      this.expect(T.Colon);
      const type = this.parseTypeReference();
      const defaultValue = this.skip(T.Equals) ? this.parseValueLiteral(true) : null;
      args.push({
        Position: position,
        Description: desc.text,
        Name: name,
        DefaultValue: defaultValue,
        Type: type,
        Directives: this.parseDirectives(true),
        BeforeDescriptionComment: desc.text !== '' ? desc.comment : null,
        AfterDescriptionComment: after,
      });
    });
    return list(args);
  }

  private parseUnionMemberTypes(): GoJSON[] | null {
    const types: GoJSON[] = [];
    if (this.skip(T.Equals)) {
      this.skip(T.Pipe);
      types.push(this.parseName());
      while (this.skip(T.Pipe) && this.err === undefined) types.push(this.parseName());
    }
    return list(types);
  }

  private parseEnumValueDefinition(): GoObject {
    const desc = this.parseDescription();
    const position = this.pos();
    const after = this.comment;
    const name = this.parseName();
    return {
      Position: position,
      Description: desc.text,
      Name: name,
      Directives: this.parseDirectives(true),
      BeforeDescriptionComment: desc.text !== '' ? desc.comment : null,
      AfterDescriptionComment: after,
    };
  }

  private parseTypeSystemExtension(doc: Record<string, GoJSON[]>): void {
    const comment = this.expectKeyword('extend');
    const word = this.peek().value;
    const kinds: Record<string, string> = {
      scalar: 'SCALAR',
      type: 'OBJECT',
      interface: 'INTERFACE',
      union: 'UNION',
      enum: 'ENUM',
      input: 'INPUT_OBJECT',
    };
    if (word === 'schema') {
      this.expectKeyword('schema');
      const position = this.pos();
      const directives = this.parseDirectives(true);
      const ops: GoJSON[] = [];
      const end = this.some(T.BraceL, T.BraceR, () => ops.push(this.parseOperationTypeDefinition()));
      if (directives === null && ops.length === 0) this.unexpectedError();
      (doc.SchemaExtension as GoJSON[]).push({
        Position: position,
        Description: '',
        Directives: directives,
        OperationTypes: list(ops),
        BeforeDescriptionComment: null,
        AfterDescriptionComment: comment,
        EndOfDefinitionComment: end,
      });
    } else if (kinds[word] !== undefined) {
      this.expectKeyword(word);
      const def = this.definition(kinds[word], null, comment);
      def.Position = this.pos();
      def.Name = this.parseName();
      this.parseDefinitionBody(def, word, false);
      const empty = (k: string): boolean => def[k] === null;
      const nothing: Record<string, string[]> = {
        scalar: ['Directives'],
        type: ['Interfaces', 'Directives', 'Fields'],
        interface: ['Interfaces', 'Directives', 'Fields'],
        union: ['Directives', 'Types'],
        enum: ['Directives', 'EnumValues'],
        input: ['Directives', 'Fields'],
      };
      if ((nothing[word] as string[]).every(empty)) this.unexpectedError();
      (doc.Extensions as GoJSON[]).push(def);
    } else if (word === 'directive') {
      this.expectKeyword('directive');
      this.expect(T.At);
      const name = this.parseName();
      const directives = this.parseDirectives(true);
      if (directives === null) this.unexpectedError();
      (doc.DirectiveExtensions as GoJSON[]).push(this.directiveDefinition('', name, null, directives, null, false, null, comment));
    } else this.unexpectedError();
  }

  private directiveDefinition(
    description: string,
    name: string,
    args: GoJSON[] | null,
    directives: GoJSON[] | null,
    locations: GoJSON[] | null,
    repeatable: boolean,
    before: Comments,
    after: Comments,
  ): GoObject {
    return {
      Description: description,
      Name: name,
      Arguments: args,
      Directives: directives,
      Locations: locations,
      IsRepeatable: repeatable,
      BeforeDescriptionComment: before,
      AfterDescriptionComment: after,
    };
  }

  private parseDirectiveDefinition(description: Description): GoObject {
    const comment = this.expectKeyword('directive');
    this.expect(T.At);
    const name = this.parseName();
    const args = this.parseArgumentDefs();
    const directives = this.parseDirectives(true);
    let repeatable = false;
    const peek = this.peek();
    if (peek.kind === T.Name && peek.value === 'repeatable') {
      repeatable = true;
      this.skip(T.Name);
    }
    this.expectKeyword('on');
    this.skip(T.Pipe);
    const locations: GoJSON[] = [this.parseDirectiveLocation()];
    while (this.skip(T.Pipe) && this.err === undefined) locations.push(this.parseDirectiveLocation());
    return this.directiveDefinition(description.text, name, args, directives, locations, repeatable, description.comment, comment);
  }

  private parseDirectiveLocation(): string {
    const [name] = this.expect(T.Name);
    if (DIRECTIVE_LOCATIONS.has(name.value)) return name.value;
    this.unexpectedToken(name);
    return '';
  }
}

/** gqlparser's `parser.ParseQuery`: the query document, or the first error. */
export function parseQueryDocument(input: string): GoObject {
  const p = new Parser(input);
  const doc = p.parseQueryDocument();
  if (p.err !== undefined) throw p.err;
  return doc;
}

/** gqlparser's `parser.ParseSchema`: the schema document (not validated), or the first error. */
export function parseSchemaDocument(input: string): GoObject {
  const p = new Parser(input);
  const doc = p.parseSchemaDocument();
  if (p.err !== undefined) throw p.err;
  if (doc === null) throw new GqlError('schema document could not be parsed');
  return doc;
}
