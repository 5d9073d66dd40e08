//! `/etc/bootparams` (bootparams(4)): parser, lossless AST and printer.
//!
//! One entry per logical line: `client key=value …`, lines joined at a trailing `\`, `#`
//! comments. Every byte of the input is kept (indentation, separators including `\`
//! continuations, trailing blanks and comments), so [`Bootparams::to_source`] gives the
//! input back; values are interpreted on demand by [`Pair::typed`].

use crate::diagnostic::Diagnostic;
use crate::lint::bootparams as lints;
use crate::source::{LineSyntax, SourceFile, Span, iter_logical_lines as logical_lines};
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

pub use crate::source::Word;

/// `key=value`, or a word without `=` (a syntax error).
///
/// The pair keeps its text as written in one allocation, the separator before it included
/// (a bootparams file is mostly pairs: 40,000 clients make 200,000 of them); the key, the
/// value and their spans are slices of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    /// The separator (blanks, possibly `\` + newline + indentation), then `key=value`.
    raw: Box<str>,
    /// File offset of `raw`; 0 for built pairs (a parsed pair never starts the file: the
    /// client name comes first), whose spans are `0..0` like those of built words.
    start: usize,
    /// Where the key begins in `raw` (the separator's length).
    key_at: usize,
    /// Where the `=` is in `raw`; `None` for a word without `=`.
    eq_at: Option<usize>,
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
        let (key, value) = (key.into(), value.into());
        Pair {
            raw: format!(" {key}={value}").into(),
            start: 0,
            key_at: 1,
            eq_at: Some(1 + key.len()),
        }
    }

    /// A word of a parsed line: `raw` is the separator before it and the word, at file
    /// offset `start`.
    fn parsed(raw: &str, start: usize, key_at: usize) -> Self {
        Pair {
            eq_at: raw[key_at..].find('=').map(|i| key_at + i),
            raw: raw.into(),
            start,
            key_at,
        }
    }

    /// The separator before the pair.
    pub fn sep(&self) -> &str {
        &self.raw[..self.key_at]
    }

    /// The key (the whole word when it has no `=`).
    pub fn key(&self) -> &str {
        &self.raw[self.key_at..self.eq_at.unwrap_or(self.raw.len())]
    }

    /// False for a word without `=` (a syntax error).
    pub fn has_eq(&self) -> bool {
        self.eq_at.is_some()
    }

    /// The value after `=` (empty without `=`).
    pub fn value(&self) -> &str {
        self.eq_at.map_or("", |eq| &self.raw[eq + 1..])
    }

    /// The file span of `range` (offsets in `raw`).
    fn file_span(&self, range: Span) -> Span {
        if self.start == 0 {
            0..0
        } else {
            self.start + range.start..self.start + range.end
        }
    }

    pub fn key_span(&self) -> Span {
        self.file_span(self.key_at..self.eq_at.unwrap_or(self.raw.len()))
    }

    /// Span of the value (empty, at the end of the word, without `=`).
    pub fn value_span(&self) -> Span {
        let end = self.raw.len();
        self.file_span(self.eq_at.map_or(end, |eq| eq + 1)..end)
    }

    /// Give the pair another value (and an `=` if it had none).
    pub fn set_value(&mut self, value: &str) {
        let key_end = self.eq_at.unwrap_or(self.raw.len());
        self.raw = format!("{}={value}", &self.raw[..key_end]).into();
        self.eq_at = Some(key_end);
    }

    pub fn known_key(&self) -> Option<Key> {
        Key::from_name(self.key())
    }

    /// Span from the key to the end of the value.
    pub fn span(&self) -> Span {
        self.file_span(self.key_at..self.raw.len())
    }

    /// The value interpreted after its key's form; `Err(expected)` when malformed, `None`
    /// for unknown keys.
    pub fn typed(&self) -> Option<Result<BootValue<'_>, &'static str>> {
        let v = self.value();
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
                        out.push_str(&p.raw);
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
    // One item per logical line: the physical line count bounds it without regrowing.
    let mut items = Vec::with_capacity(src.line_count().min(crate::diagnostic::MAX_ENTRIES));
    let lines = logical_lines(
        src,
        LineSyntax {
            comments: true,
            continuations: true,
        },
    );
    for line in lines {
        if let Some(why) = crate::diagnostic::stop_reason(diags.len(), items.len()) {
            diags.push(crate::diagnostic::stopped_here(
                line.span.start..line.span.start,
                &why,
            ));
            break;
        }
        // The raw bytes of the logical line, with its terminator.
        let raw_end = line.end_with_terminator().min(text.len());
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
            let pair = Pair::parsed(&text[prev_end..span.end], prev_end, span.start - prev_end);
            prev_end = span.end;
            if !pair.has_eq() {
                diags.push(
                    Diagnostic::new(
                        &lints::syntax_error::RULE,
                        span.clone(),
                        format!("expected `key=value`, found `{word}`"),
                    )
                    .label("no `=` in this word")
                    .help("bootparams pairs have no blanks around `=`: `root=server:/path`"),
                );
            } else if pair.key().is_empty() {
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
    crate::diagnostic::parse_and_lint(src, parse, lint)
}

#[cfg(test)]
mod tests;
