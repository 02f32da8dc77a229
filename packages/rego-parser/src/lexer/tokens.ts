/** Kinds of lexical tokens. Punctuation kinds are the punctuation itself. */
export type TokenKind =
  | 'ident'
  | 'number'
  | 'string'
  | 'rawstring'
  | 'tmpl-part'
  | 'tmpl-end'
  | 'rawtmpl-part'
  | 'rawtmpl-end'
  | 'comment'
  | 'illegal'
  | 'eof'
  | '['
  | ']'
  | '{'
  | '}'
  | '('
  | ')'
  | ','
  | ':'
  | ':='
  | '='
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '&'
  | '|'
  | '.'
  | ';';

/** One token. `text` is the exact source text (for template parts: the decoded-escape source of the part). */
export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly offset: number;
  readonly end: number;
  readonly line: number;
  readonly col: number;
  /** Whitespace or a comment comes right before this token. */
  readonly ws: boolean;
  /** A newline comes between the previous token and this one. */
  readonly nl: boolean;
  /** Lexical errors found while reading this token. */
  readonly errors?: readonly { message: string; offset: number }[];
}

/** A `#` comment: text after the `#`. */
export interface CommentToken {
  readonly text: string;
  readonly offset: number;
  readonly line: number;
  readonly col: number;
}
