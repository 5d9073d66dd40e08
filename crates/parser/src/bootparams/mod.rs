//! `/etc/bootparams` (bootparams(4)): parser, lossless AST and printer.
//!
//! One entry per logical line: `client key=value …`, lines joined at a trailing `\`, `#`
//! comments. Every byte of the input is kept (indentation, separators including `\`
//! continuations, trailing blanks and comments), so [`Bootparams::to_source`] gives the
//! input back; values are interpreted on demand by [`Pair::typed`].

use crate::diagnostic::Diagnostic;
use crate::lint::bootparams as lints;
use crate::source::{LineSyntax, SourceFile, Span, logical_lines};
use nom::{
    IResult, Parser,
    bytes::complete::take_while1,
    character::complete::char,
    combinator::{all_consuming, opt, rest},
};

/// A parsed bootparams file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Bootparams {
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A blank or comment-only line, verbatim with its line terminator.
    Trivia(String),
    Entry(Entry),
}

/// `client key=value …`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Blanks before the client name.
    pub indent: String,
    /// Host name, or `*` for the defaults every client gets.
    pub client: Word,
    pub pairs: Vec<Pair>,
    /// Everything after the last pair: blanks, a comment, the line terminator.
    pub trailing: String,
    /// Span of the whole logical line.
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    pub span: Span,
}

impl Word {
    pub fn new(text: impl Into<String>) -> Self {
        Word {
            text: text.into(),
            span: 0..0,
        }
    }
}

/// `key=value`; `has_eq` is false for a word without `=` (a syntax error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    /// Separator before the pair: blanks, possibly `\` + newline + indentation.
    pub sep: String,
    pub key: Word,
    pub has_eq: bool,
    pub value: Word,
}

/// The keys bootparams clients ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    Root,
    Install,
    Boottype,
    SysidConfig,
    InstallConfig,
    Rootopts,
    Term,
    Domain,
    Ns,
    Swap,
    Dump,
    Swapopts,
    Dumpopts,
}

impl Key {
    pub const ALL: &'static [Key] = &[
        Key::Root,
        Key::Install,
        Key::Boottype,
        Key::SysidConfig,
        Key::InstallConfig,
        Key::Rootopts,
        Key::Term,
        Key::Domain,
        Key::Ns,
        Key::Swap,
        Key::Dump,
        Key::Swapopts,
        Key::Dumpopts,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Key::Root => "root",
            Key::Install => "install",
            Key::Boottype => "boottype",
            Key::SysidConfig => "sysid_config",
            Key::InstallConfig => "install_config",
            Key::Rootopts => "rootopts",
            Key::Term => "term",
            Key::Domain => "domain",
            Key::Ns => "ns",
            Key::Swap => "swap",
            Key::Dump => "dump",
            Key::Swapopts => "swapopts",
            Key::Dumpopts => "dumpopts",
        }
    }

    /// Keys are case-sensitive in bootparamd.
    pub fn from_name(name: &str) -> Option<Key> {
        Key::ALL.iter().copied().find(|k| k.as_str() == name)
    }

    /// The value's syntax.
    pub fn form(self) -> KeyForm {
        match self {
            Key::Root
            | Key::Install
            | Key::SysidConfig
            | Key::InstallConfig
            | Key::Swap
            | Key::Dump => KeyForm::ServerPath,
            Key::Boottype | Key::Rootopts | Key::Term | Key::Swapopts | Key::Dumpopts => {
                KeyForm::ColonValue
            }
            Key::Domain => KeyForm::Plain,
            Key::Ns => KeyForm::NameService,
        }
    }
}

/// How a key's value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyForm {
    /// `server:/absolute/path`.
    ServerPath,
    /// `[server]:value` (boottype, rootopts, term).
    ColonValue,
    /// A bare word (domain).
    Plain,
    /// `[server]:service[(netmask)]`.
    NameService,
}

/// A value interpreted after its key's form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BootValue<'a> {
    ServerPath {
        server: &'a str,
        path: &'a str,
    },
    ColonValue {
        server: &'a str,
        value: &'a str,
    },
    Plain(&'a str),
    NameService {
        server: &'a str,
        service: &'a str,
        netmask: Option<&'a str>,
    },
}

type Res<'a, O> = IResult<&'a str, O>;

fn server(i: &str) -> Res<'_, &str> {
    take_while1(|c: char| c != ':' && c != '/' && !c.is_whitespace()).parse(i)
}

/// `server:/path` (server required, path absolute).
pub fn parse_server_path(s: &str) -> Result<(&str, &str), &'static str> {
    all_consuming((server, char(':'), rest))
        .parse(s)
        .ok()
        .map(|(_, (srv, _, path))| (srv, path))
        .filter(|(_, path)| path.starts_with('/'))
        .ok_or("`server:/absolute/path`")
}

/// `[server]:value`.
pub fn parse_colon_value(s: &str) -> Result<(&str, &str), &'static str> {
    all_consuming((opt(server), char(':'), rest))
        .parse(s)
        .ok()
        .map(|(_, (srv, _, value))| (srv.unwrap_or(""), value))
        .ok_or("`:value` or `server:value`")
}

/// `[server]:service[(netmask)]`.
pub fn parse_ns(s: &str) -> Result<(&str, &str, Option<&str>), &'static str> {
    let service = take_while1(|c: char| c != '(' && c != ')');
    let netmask = (char('('), take_while1(|c: char| c != ')'), char(')')).map(|(_, m, _)| m);
    all_consuming((opt(server), char(':'), service, opt(netmask)))
        .parse(s)
        .ok()
        .map(|(_, (srv, _, svc, mask))| (srv.unwrap_or(""), svc, mask))
        .ok_or("`[server]:service[(netmask)]`, e.g. `ns=nis1:nis(255.255.255.0)`")
}

impl Pair {
    /// `key=value` for building files.
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
        Pair {
            sep: " ".into(),
            key: Word::new(key),
            has_eq: true,
            value: Word::new(value),
        }
    }

    pub fn known_key(&self) -> Option<Key> {
        Key::from_name(&self.key.text)
    }

    /// Span from the key to the end of the value.
    pub fn span(&self) -> Span {
        self.key.span.start..self.value.span.end.max(self.key.span.end)
    }

    /// The value interpreted after its key's form; `Err(expected)` when malformed, `None`
    /// for unknown keys.
    pub fn typed(&self) -> Option<Result<BootValue<'_>, &'static str>> {
        let v = self.value.text.as_str();
        Some(match self.known_key()?.form() {
            KeyForm::ServerPath => {
                parse_server_path(v).map(|(server, path)| BootValue::ServerPath { server, path })
            }
            KeyForm::ColonValue => {
                parse_colon_value(v).map(|(server, value)| BootValue::ColonValue { server, value })
            }
            KeyForm::Plain => Ok(BootValue::Plain(v)),
            KeyForm::NameService => {
                parse_ns(v).map(|(server, service, netmask)| BootValue::NameService {
                    server,
                    service,
                    netmask,
                })
            }
        })
    }
}

impl Entry {
    /// `client key=value …` for building files.
    pub fn new(client: impl Into<String>, pairs: Vec<Pair>) -> Self {
        Entry {
            indent: String::new(),
            client: Word::new(client),
            pairs,
            trailing: "\n".into(),
            span: 0..0,
        }
    }

    /// The first pair with this key.
    pub fn get(&self, key: Key) -> Option<&Pair> {
        self.pairs.iter().find(|p| p.known_key() == Some(key))
    }

    /// True for the `*` defaults entry.
    pub fn is_wildcard(&self) -> bool {
        self.client.text == "*"
    }
}

impl Bootparams {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, entry: Entry) {
        self.items.push(Item::Entry(entry));
    }

    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.items.iter().filter_map(|i| match i {
            Item::Entry(e) => Some(e),
            Item::Trivia(_) => None,
        })
    }

    /// Print the file back; byte-identical to the parsed input.
    pub fn to_source(&self) -> String {
        let mut out = String::new();
        for item in &self.items {
            match item {
                Item::Trivia(t) => out.push_str(t),
                Item::Entry(e) => {
                    out.push_str(&e.indent);
                    out.push_str(&e.client.text);
                    for p in &e.pairs {
                        out.push_str(&p.sep);
                        out.push_str(&p.key.text);
                        if p.has_eq {
                            out.push('=');
                            out.push_str(&p.value.text);
                        }
                    }
                    out.push_str(&e.trailing);
                }
            }
        }
        out
    }
}

/// Parse a bootparams file. Never panics; syntax problems come back as diagnostics.
pub fn parse(src: &SourceFile) -> (Bootparams, Vec<Diagnostic>) {
    let text = &src.text;
    let mut diags = Vec::new();
    let mut items = Vec::new();
    let lines = logical_lines(
        src,
        LineSyntax {
            comments: true,
            continuations: true,
        },
    );
    for line in &lines {
        // The raw bytes of the logical line, with its terminator.
        let last = line.lines.last();
        let raw_end = match last {
            Some(pl) if pl.has_newline => pl.span.end + usize::from(pl.has_cr) + 1,
            Some(pl) => pl.span.end + usize::from(pl.has_cr),
            None => line.span.end,
        }
        .min(text.len());
        let raw_start = line.span.start;
        let words = line.words();
        if words.is_empty() {
            items.push(Item::Trivia(text[raw_start..raw_end].to_string()));
            continue;
        }
        let mut spans: Vec<Span> = Vec::with_capacity(words.len());
        for (span, word) in &words {
            let file_span = line.file_span(span.clone());
            if file_span.len() != word.len() {
                // The word was joined across a `\` continuation.
                diags.push(
                    Diagnostic::new(
                        &lints::syntax_error::RULE,
                        file_span.clone(),
                        format!(
                            "expected blanks around a `\\` continuation, found it inside `{word}`"
                        ),
                    )
                    .label("a continuation may only come between two pairs"),
                );
            }
            spans.push(file_span);
        }
        let client = Word {
            text: text[spans[0].clone()].to_string(),
            span: spans[0].clone(),
        };
        let mut pairs = Vec::with_capacity(words.len() - 1);
        let mut prev_end = spans[0].end;
        for span in &spans[1..] {
            let word = &text[span.clone()];
            let sep = text[prev_end..span.start].to_string();
            prev_end = span.end;
            let pair = match word.find('=') {
                Some(eq) => Pair {
                    sep,
                    key: Word {
                        text: word[..eq].to_string(),
                        span: span.start..span.start + eq,
                    },
                    has_eq: true,
                    value: Word {
                        text: word[eq + 1..].to_string(),
                        span: span.start + eq + 1..span.end,
                    },
                },
                None => {
                    diags.push(
                        Diagnostic::new(
                            &lints::syntax_error::RULE,
                            span.clone(),
                            format!("expected `key=value`, found `{word}`"),
                        )
                        .label("no `=` in this word")
                        .help("bootparams pairs have no blanks around `=`: `root=server:/path`"),
                    );
                    Pair {
                        sep,
                        key: Word {
                            text: word.to_string(),
                            span: span.clone(),
                        },
                        has_eq: false,
                        value: Word {
                            text: String::new(),
                            span: span.end..span.end,
                        },
                    }
                }
            };
            if pair.has_eq && pair.key.text.is_empty() {
                diags.push(
                    Diagnostic::new(
                        &lints::syntax_error::RULE,
                        span.clone(),
                        "expected a key before `=`",
                    )
                    .label("empty key"),
                );
            }
            pairs.push(pair);
        }
        if pairs.is_empty() {
            diags.push(
                Diagnostic::new(
                    &lints::syntax_error::RULE,
                    client.span.clone(),
                    format!(
                        "expected `key=value` pairs after the client name `{}`",
                        client.text
                    ),
                )
                .label("entry without pairs"),
            );
        } else if client.text.contains('=') {
            diags.push(
                Diagnostic::new(
                    &lints::syntax_error::RULE,
                    client.span.clone(),
                    "expected a client host name (or `*`) at the start of the entry, found a `key=value` pair",
                )
                .label("the client name is missing"),
            );
        }
        items.push(Item::Entry(Entry {
            indent: text[raw_start..spans[0].start].to_string(),
            client,
            pairs,
            trailing: text[prev_end..raw_end].to_string(),
            span: line.span.clone(),
        }));
    }
    (Bootparams { items }, diags)
}

/// Single-file semantic lints.
pub fn lint(src: &SourceFile, file: &Bootparams) -> Vec<Diagnostic> {
    lints::run(src, file)
}

/// Parse + lint, sorted by position.
pub fn check(src: &SourceFile) -> Vec<Diagnostic> {
    let (file, mut diags) = parse(src);
    diags.extend(lint(src, &file));
    diags.sort_by_key(|d| (d.span.start, d.span.end));
    diags
}

#[cfg(test)]
mod tests;
