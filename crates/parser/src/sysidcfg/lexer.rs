//! Tokenizer for sysidcfg: the whole file at once, because `{ … }` blocks span lines.
//!
//! Every byte of the input belongs either to a token or to the trivia (blanks, newlines,
//! `#` comments) in front of a token or at the end of the file, so the parser can keep all
//! of it as "decor" and print the file back byte for byte.

use crate::source::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// A run of characters that are not blank, `=`, `{`, `}` or a quote.
    Word,
    Eq,
    LBrace,
    RBrace,
    /// `'…'` or `"…"`; `closed` is false when the line ended before the closing quote.
    Quoted {
        quote: char,
        closed: bool,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub kind: TokenKind,
    pub span: Span,
    /// Blanks, newlines and comments between the previous token (or file start) and this one.
    pub trivia: Span,
    /// The trivia holds a newline: the token starts a new line.
    pub newline_before: bool,
}

impl Token {
    /// Directly attached to the previous token (no trivia in between).
    pub fn glued(&self) -> bool {
        self.trivia.is_empty()
    }
}

/// Most tokens a sysidcfg is split into (a real one has a few hundred; this is 100,000
/// `keyword=value` lines): past it the rest of
/// the file is left untokenized, so 16 MiB of `{` cannot cost gigabytes of tokens.
pub(crate) const MAX_TOKENS: usize = 200_000;

/// Split `text` into tokens; returns them and the span of the trivia after the last token
/// (when [`MAX_TOKENS`] is reached: the untokenized rest, starting at a token).
pub(crate) fn tokenize(text: &str) -> (Vec<Token>, Span) {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut pos = 0;
    loop {
        if tokens.len() >= MAX_TOKENS {
            return (tokens, pos..text.len());
        }
        let trivia_start = pos;
        let mut newline_before = false;
        // Trivia: blanks, newlines, comments. A `#` starts a comment only where a token
        // could start (a `#` inside a word is part of the word, e.g. in a password).
        while pos < bytes.len() {
            match bytes[pos] {
                b'\n' => {
                    newline_before = true;
                    pos += 1;
                }
                b' ' | b'\t' | b'\r' | b'\x0b' | b'\x0c' => pos += 1,
                b'#' => {
                    while pos < bytes.len() && bytes[pos] != b'\n' {
                        pos += 1;
                    }
                }
                _ => break,
            }
        }
        let trivia = trivia_start..pos;
        if pos >= bytes.len() {
            return (tokens, trivia);
        }
        let start = pos;
        let kind = match bytes[pos] {
            b'=' => {
                pos += 1;
                TokenKind::Eq
            }
            b'{' => {
                pos += 1;
                TokenKind::LBrace
            }
            b'}' => {
                pos += 1;
                TokenKind::RBrace
            }
            q @ (b'\'' | b'"') => {
                pos += 1;
                let mut closed = false;
                while pos < bytes.len() && bytes[pos] != b'\n' {
                    if bytes[pos] == q {
                        pos += 1;
                        closed = true;
                        break;
                    }
                    pos += 1;
                }
                // An unterminated quote stops at the end of the line (not of the file), so
                // one bad line does not swallow the rest; keep a CR with the line ending.
                if !closed && pos > start + 1 && bytes[pos - 1] == b'\r' {
                    pos -= 1;
                }
                TokenKind::Quoted {
                    quote: q as char,
                    closed,
                }
            }
            _ => {
                while pos < bytes.len()
                    && !matches!(
                        bytes[pos],
                        b' ' | b'\t'
                            | b'\r'
                            | b'\n'
                            | b'\x0b'
                            | b'\x0c'
                            | b'='
                            | b'{'
                            | b'}'
                            | b'\''
                            | b'"'
                    )
                {
                    pos += 1;
                }
                TokenKind::Word
            }
        };
        tokens.push(Token {
            kind,
            span: start..pos,
            trivia,
            newline_before,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(TokenKind, &str)> {
        tokenize(text)
            .0
            .into_iter()
            .map(|t| (t.kind, &text[t.span]))
            .collect()
    }

    #[test]
    fn words_braces_quotes_comments() {
        let k = kinds("a=b {c d=\"x y\"} # c\n#x\ne='q");
        assert_eq!(
            k,
            vec![
                (TokenKind::Word, "a"),
                (TokenKind::Eq, "="),
                (TokenKind::Word, "b"),
                (TokenKind::LBrace, "{"),
                (TokenKind::Word, "c"),
                (TokenKind::Word, "d"),
                (TokenKind::Eq, "="),
                (
                    TokenKind::Quoted {
                        quote: '"',
                        closed: true
                    },
                    "\"x y\""
                ),
                (TokenKind::RBrace, "}"),
                (TokenKind::Word, "e"),
                (TokenKind::Eq, "="),
                (
                    TokenKind::Quoted {
                        quote: '\'',
                        closed: false
                    },
                    "'q"
                ),
            ]
        );
    }

    #[test]
    fn hash_inside_word_is_not_a_comment() {
        let k = kinds("p=ab#cd");
        assert_eq!(k[2], (TokenKind::Word, "ab#cd"));
    }

    #[test]
    fn covers_every_byte() {
        let text = "x=1 # c\r\n  y = 'z\r\n}";
        let (toks, tail) = tokenize(text);
        let mut out = String::new();
        for t in &toks {
            out.push_str(&text[t.trivia.clone()]);
            out.push_str(&text[t.span.clone()]);
        }
        out.push_str(&text[tail]);
        assert_eq!(out, text);
    }
}
