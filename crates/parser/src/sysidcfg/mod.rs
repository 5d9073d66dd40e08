//! `sysidcfg` (sysidcfg(4)): parser, lossless AST and printer.
//!
//! The file is tokenized as a whole (`lexer`) because dependent-keyword blocks `{ … }`
//! span lines; a recursive-descent parser builds a [`Sysidcfg`] whose nodes keep every byte
//! of the input (blanks, comments, original keyword spelling) as decor, so
//! [`Sysidcfg::to_source`] gives the input back. Interpretation of values (enumerations,
//! IPv4 addresses, crypt hashes, time zones) lives in [`keywords`] and [`values`] and is used
//! by the lints in `crate::lint::sysidcfg`.

pub mod hands_off;
pub mod keywords;
pub(crate) mod lexer;
pub mod secrets;
pub mod timezones;
pub mod values;

use crate::diagnostic::Diagnostic;
use crate::lint::sysidcfg as lints;
use crate::source::{SourceFile, Span};
pub use keywords::{
    AutoRegKind, InterfaceSelector, Keyword, NameServiceKind, Nfs4Domain, SecurityPolicyKind,
    ServiceProfile, SubKeyword, Timeserver,
};
use lexer::{Token, TokenKind};

/// A parsed sysidcfg file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sysidcfg {
    pub items: Vec<Item>,
    /// Blanks and comments after the last item.
    pub trailing: String,
}

/// One top-level item.
// Entries are by far the common variant; boxing them would cost an allocation each.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Entry(Entry),
    /// Text that is not `keyword=value` (kept for printing; the parser reported it).
    Junk(Junk),
}

/// Text the parser could not make sense of, kept verbatim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Junk {
    pub decor: String,
    pub text: String,
    pub span: Span,
}

pub use crate::source::Word;

/// How a value was quoted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quote {
    None,
    Single,
    Double,
}

/// A value after `=`: its text without the quotes, and how it was quoted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Value {
    pub text: String,
    pub quote: Quote,
    /// False only for an unterminated quoted value (a syntax error).
    pub closed: bool,
    pub span: Span,
}

impl Value {
    /// A value from plain text; quoted with `"` when it holds blanks or special characters.
    pub fn new(text: impl Into<String>) -> Self {
        let text = text.into();
        let needs_quotes = text.is_empty()
            || text
                .chars()
                .any(|c| c.is_whitespace() || matches!(c, '{' | '}' | '\'' | '"' | '#' | '='));
        let quote = if !needs_quotes {
            Quote::None
        } else if text.contains('"') {
            Quote::Single
        } else {
            Quote::Double
        };
        Value {
            text,
            quote,
            closed: true,
            span: 0..0,
        }
    }

    /// The value as written, quotes included.
    pub fn raw(&self) -> String {
        let q = match self.quote {
            Quote::None => return self.text.clone(),
            Quote::Single => '\'',
            Quote::Double => '"',
        };
        let mut s = String::with_capacity(self.text.len() + 2);
        s.push(q);
        s.push_str(&self.text);
        if self.closed {
            s.push(q);
        }
        s
    }

    /// Span of the text inside the quotes (or the whole value when unquoted).
    pub fn text_span(&self) -> Span {
        match self.quote {
            Quote::None => self.span.clone(),
            _ if self.span.is_empty() => self.span.clone(),
            _ => self.span.start + 1..self.span.end - usize::from(self.closed),
        }
    }
}

/// `keyword=value [{ … }]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Blanks, newlines and comments before the keyword.
    pub decor: String,
    pub key: Word,
    /// Blanks between the keyword and `=` (normally empty).
    pub before_eq: String,
    /// Blanks between `=` and the value (normally empty).
    pub after_eq: String,
    pub value: Value,
    pub block: Option<Block>,
}

impl Entry {
    /// `key=value`, to be added with [`Sysidcfg::push`].
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
        Entry {
            decor: String::new(),
            key: Word::new(key),
            before_eq: String::new(),
            after_eq: String::new(),
            value: Value::new(value),
            block: None,
        }
    }

    /// Attach a `{ … }` block.
    pub fn with_block(mut self, entries: Vec<SubEntry>) -> Self {
        self.block = Some(Block::new(entries));
        self
    }

    /// The keyword, if it is a known one.
    pub fn keyword(&self) -> Option<Keyword> {
        Keyword::from_name(&self.key.text)
    }

    /// The value interpreted after the keyword.
    pub fn setting(&self) -> Setting<'_> {
        let Some(kw) = self.keyword() else {
            return Setting::Unknown;
        };
        let v = self.value.text.as_str();
        let typed = match kw {
            _ if v.is_empty() => None,
            Keyword::NameService => NameServiceKind::parse(v).map(Setting::NameService),
            Keyword::NetworkInterface => {
                Some(Setting::NetworkInterface(InterfaceSelector::parse(v)))
            }
            Keyword::RootPassword => values::crypt_kind(v).map(Setting::RootPassword),
            Keyword::SecurityPolicy => SecurityPolicyKind::parse(v).map(Setting::SecurityPolicy),
            Keyword::SystemLocale => Some(Setting::SystemLocale(v)),
            Keyword::Terminal => Some(Setting::Terminal(v)),
            Keyword::Timezone => Some(Setting::Timezone(v)),
            Keyword::Timeserver => Timeserver::parse(v).map(Setting::Timeserver),
            Keyword::Keyboard => Some(Setting::Keyboard(v)),
            Keyword::Nfs4Domain => Nfs4Domain::parse(v).map(Setting::Nfs4Domain),
            Keyword::ServiceProfile => ServiceProfile::parse(v).map(Setting::ServiceProfile),
            Keyword::AutoReg => AutoRegKind::parse(v).map(Setting::AutoReg),
            Keyword::Monitor | Keyword::Display | Keyword::Pointer => Some(Setting::Legacy(kw, v)),
        };
        typed.unwrap_or(Setting::Invalid(kw))
    }

    /// Span from the keyword to the end of the value.
    pub fn head_span(&self) -> Span {
        self.key.span.start..self.value.span.end.max(self.key.span.end)
    }

    /// The dependent entries (empty without a block).
    pub fn sub_entries(&self) -> impl Iterator<Item = &SubEntry> {
        self.block.iter().flat_map(|b| {
            b.items.iter().filter_map(|i| match i {
                BlockItem::Sub(s) => Some(s),
                BlockItem::Junk(_) => None,
            })
        })
    }

    /// The first dependent entry with this keyword.
    pub fn sub(&self, kw: SubKeyword) -> Option<&SubEntry> {
        self.sub_entries().find(|s| s.keyword() == Some(kw))
    }

    /// The value of the first dependent entry with this keyword.
    pub fn sub_value(&self, kw: SubKeyword) -> Option<&str> {
        self.sub(kw)
            .and_then(|s| s.value.as_ref())
            .map(|v| v.value.text.as_str())
    }
}

/// The value of a top-level entry, interpreted after its keyword ([`Entry::setting`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Setting<'a> {
    NameService(NameServiceKind),
    NetworkInterface(InterfaceSelector),
    /// The kind of crypt hash; the value itself is deliberately not exposed here.
    RootPassword(values::CryptKind),
    SecurityPolicy(SecurityPolicyKind),
    SystemLocale(&'a str),
    Terminal(&'a str),
    Timezone(&'a str),
    Timeserver(Timeserver),
    Keyboard(&'a str),
    Nfs4Domain(Nfs4Domain),
    ServiceProfile(ServiceProfile),
    AutoReg(AutoRegKind),
    /// `monitor`, `display`, `pointer`.
    Legacy(Keyword, &'a str),
    /// A known keyword whose value is outside its syntax (the lints say why).
    Invalid(Keyword),
    /// Not a sysidcfg keyword.
    Unknown,
}

/// `{ … }` after a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// Blanks/newlines/comments between the value and `{`.
    pub gap: String,
    pub open: Span,
    pub items: Vec<BlockItem>,
    /// Blanks/newlines/comments before `}`.
    pub close_decor: String,
    /// Span of `}`; `None` when the file ended first (a syntax error).
    pub close: Option<Span>,
}

impl Block {
    /// `{a=b c}` with single blanks between entries.
    pub fn new(entries: Vec<SubEntry>) -> Self {
        let items = entries
            .into_iter()
            .enumerate()
            .map(|(i, mut s)| {
                if i > 0 && s.decor.is_empty() {
                    s.decor = " ".into();
                }
                BlockItem::Sub(s)
            })
            .collect();
        Block {
            gap: " ".into(),
            open: 0..0,
            items,
            close_decor: String::new(),
            close: Some(0..0),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockItem {
    Sub(SubEntry),
    Junk(Junk),
}

/// A dependent keyword inside a block: `key=value` or a bare flag (`dhcp`, `primary`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubEntry {
    pub decor: String,
    pub key: Word,
    pub value: Option<Assign>,
}

/// `=value` of a dependent keyword, with the blanks around `=` (normally empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assign {
    pub before_eq: String,
    pub after_eq: String,
    pub value: Value,
}

impl SubEntry {
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
        SubEntry {
            decor: String::new(),
            key: Word::new(key),
            value: Some(Assign {
                before_eq: String::new(),
                after_eq: String::new(),
                value: Value::new(value),
            }),
        }
    }

    /// A bare flag such as `dhcp`.
    pub fn flag(key: impl Into<String>) -> Self {
        SubEntry {
            decor: String::new(),
            key: Word::new(key),
            value: None,
        }
    }

    pub fn keyword(&self) -> Option<SubKeyword> {
        SubKeyword::from_name(&self.key.text)
    }

    pub fn span(&self) -> Span {
        let end = self.value.as_ref().map_or(self.key.span.end, |a| {
            a.value.span.end.max(self.key.span.end)
        });
        self.key.span.start..end
    }
}

impl Sysidcfg {
    pub fn new() -> Self {
        Self::default()
    }

    /// Append an entry on a line of its own (sets its decor when empty).
    pub fn push(&mut self, mut entry: Entry) {
        if entry.decor.is_empty() {
            let mut decor = std::mem::take(&mut self.trailing);
            if !self.items.is_empty() && !decor.contains('\n') {
                decor.push('\n');
            }
            entry.decor = decor;
        }
        self.items.push(Item::Entry(entry));
        self.trailing = "\n".into();
    }

    /// The top-level entries.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.items.iter().filter_map(|i| match i {
            Item::Entry(e) => Some(e),
            Item::Junk(_) => None,
        })
    }

    /// The first entry with this keyword (the one Solaris uses).
    pub fn get(&self, kw: Keyword) -> Option<&Entry> {
        self.entries().find(|e| e.keyword() == Some(kw))
    }

    /// Print the file back. Byte-identical to the parsed input.
    pub fn to_source(&self) -> String {
        fn junk(out: &mut String, j: &Junk) {
            out.push_str(&j.decor);
            out.push_str(&j.text);
        }
        fn assignment(out: &mut String, before_eq: &str, after_eq: &str, value: &Value) {
            out.push_str(before_eq);
            out.push('=');
            out.push_str(after_eq);
            out.push_str(&value.raw());
        }
        let mut out = String::new();
        for item in &self.items {
            match item {
                Item::Junk(j) => junk(&mut out, j),
                Item::Entry(e) => {
                    out.push_str(&e.decor);
                    out.push_str(&e.key.text);
                    assignment(&mut out, &e.before_eq, &e.after_eq, &e.value);
                    if let Some(b) = &e.block {
                        out.push_str(&b.gap);
                        out.push('{');
                        for bi in &b.items {
                            match bi {
                                BlockItem::Junk(j) => junk(&mut out, j),
                                BlockItem::Sub(s) => {
                                    out.push_str(&s.decor);
                                    out.push_str(&s.key.text);
                                    if let Some(a) = &s.value {
                                        assignment(&mut out, &a.before_eq, &a.after_eq, &a.value);
                                    }
                                }
                            }
                        }
                        out.push_str(&b.close_decor);
                        if b.close.is_some() {
                            out.push('}');
                        }
                    }
                }
            }
        }
        out.push_str(&self.trailing);
        out
    }
}

/// Parse a sysidcfg file. Never panics; syntax problems come back as diagnostics.
pub fn parse(src: &SourceFile) -> (Sysidcfg, Vec<Diagnostic>) {
    let (tokens, tail) = lexer::tokenize(&src.text);
    let mut p = Parser {
        text: &src.text,
        tokens,
        pos: 0,
        diags: Vec::new(),
        stopped: None,
    };
    let items = p.file();
    let stopped = p.stopped.take().or_else(|| {
        (p.tokens.len() >= lexer::MAX_TOKENS && !tail.is_empty())
            .then(|| format!("more than {} words and signs", lexer::MAX_TOKENS))
    });
    if let Some(why) = stopped {
        let at = p.tokens.get(p.pos).map_or(tail.start, |t| t.span.start);
        p.diags.push(crate::diagnostic::stopped_here(at..at, &why));
    }
    let file = Sysidcfg {
        items,
        trailing: src.text[tail].to_string(),
    };
    (file, p.diags)
}

/// Single-file semantic lints.
pub fn lint(src: &SourceFile, file: &Sysidcfg) -> Vec<Diagnostic> {
    lints::run(src, file)
}

/// Parse + lint, sorted by position.
pub fn check(src: &SourceFile) -> Vec<Diagnostic> {
    crate::diagnostic::parse_and_lint(src, parse, lint)
}

pub(crate) use secrets::may_be_secret_key;

struct Parser<'a> {
    text: &'a str,
    tokens: Vec<Token>,
    pos: usize,
    diags: Vec<Diagnostic>,
    /// Why `file` stopped before the last token (too many errors or entries).
    stopped: Option<String>,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn slice(&self, span: &Span) -> &'a str {
        &self.text[span.clone()]
    }

    fn trivia(&self, tok: &Token) -> String {
        self.slice(&tok.trivia).to_string()
    }

    fn file(&mut self) -> Vec<Item> {
        let mut items = Vec::new();
        // The previous entry's value ended on this line: a stray word there is a value
        // with unquoted blanks rather than a line without `=`.
        let mut last_value_entry: Option<String> = None;
        while let Some(tok) = self.peek().cloned() {
            if let Some(why) = crate::diagnostic::stop_reason(self.diags.len(), items.len()) {
                self.stopped = Some(why);
                break; // `parse` says where it stopped
            }
            match tok.kind {
                TokenKind::Word if self.next_is_eq(self.pos + 1, false) => {
                    let entry = self.entry();
                    last_value_entry = if entry.block.is_none() {
                        Some(entry.key.text.clone())
                    } else {
                        None
                    };
                    items.push(Item::Entry(entry));
                    continue;
                }
                _ => {}
            }
            // Not the start of an entry: swallow tokens up to the end of the line.
            let same_line = !tok.newline_before && last_value_entry.is_some();
            let junk = self.junk_to_eol();
            let word = self.slice(&tok.span);
            match tok.kind {
                TokenKind::RBrace => self.diags.push(
                    Diagnostic::new(
                        &lints::unbalanced_braces::RULE,
                        tok.span.clone(),
                        "unbalanced `}`: no `{` is open here",
                    )
                    .label("no matching `{`"),
                ),
                TokenKind::Word if same_line => {
                    let key = last_value_entry.as_deref().unwrap_or_default();
                    self.diags.push(lints::unquoted_blanks::diagnostic(
                        key,
                        &junk.text,
                        junk.span.clone(),
                    ))
                }
                TokenKind::Word => {
                    let d = Diagnostic::new(
                        &lints::syntax_error::RULE,
                        tok.span.clone(),
                        format!("expected `keyword=value`, found `{word}` without `=`"),
                    )
                    .label("expected `=` after this keyword");
                    let d = if Keyword::from_name(word).is_some() {
                        d.help(format!("write `{word}=<value>`"))
                    } else {
                        d
                    };
                    self.diags.push(d)
                }
                TokenKind::Eq => self.diags.push(
                    Diagnostic::new(
                        &lints::syntax_error::RULE,
                        tok.span.clone(),
                        "expected a keyword before `=`",
                    )
                    .label("`=` without a keyword"),
                ),
                TokenKind::LBrace => self.diags.push(
                    Diagnostic::new(
                        &lints::syntax_error::RULE,
                        tok.span.clone(),
                        "expected `keyword=value` before `{`",
                    )
                    .label("a block must follow the value of `name_service`, `network_interface`, `security_policy` or `auto_reg`"),
                ),
                TokenKind::Quoted { closed, .. } => {
                    if !closed {
                        self.unterminated(&tok.span);
                    }
                    self.diags.push(
                        Diagnostic::new(
                            &lints::syntax_error::RULE,
                            tok.span.clone(),
                            "expected `keyword=value`, found a quoted string",
                        )
                        .label("a quoted value needs `keyword=` in front"),
                    )
                }
            }
            items.push(Item::Junk(junk));
            last_value_entry = None;
        }
        items
    }

    /// Is the token at `i` an `=` (on the same line unless `newline_ok`)?
    fn next_is_eq(&self, i: usize, newline_ok: bool) -> bool {
        self.tokens
            .get(i)
            .is_some_and(|t| t.kind == TokenKind::Eq && (newline_ok || !t.newline_before))
    }

    /// Collect tokens from the current one up to the end of its line (stopping before a
    /// token that starts a new entry) as one junk item.
    fn junk_to_eol(&mut self) -> Junk {
        let first = self.tokens[self.pos].clone();
        let mut end = first.span.end;
        self.pos += 1;
        while let Some(t) = self.peek().cloned() {
            if t.newline_before
                || (t.kind == TokenKind::Word && self.next_is_eq(self.pos + 1, false))
                || t.kind == TokenKind::LBrace
                || t.kind == TokenKind::RBrace
            {
                break;
            }
            if let TokenKind::Quoted { closed: false, .. } = t.kind {
                self.unterminated(&t.span);
            }
            end = t.span.end;
            self.pos += 1;
        }
        Junk {
            decor: self.trivia(&first),
            text: self.text[first.span.start..end].to_string(),
            span: first.span.start..end,
        }
    }

    fn unterminated(&mut self, span: &Span) {
        self.diags.push(
            Diagnostic::new(
                &lints::unterminated_quote::RULE,
                span.start..span.start + 1,
                "unterminated quoted string: expected a closing quote before the end of the line",
            )
            .label("this quote is never closed"),
        );
    }

    /// Parse the value after `=`: adjacent words, `=` and quoted strings glued together.
    fn value(&mut self, key: &Word) -> (String, Value) {
        let at = self.tokens[self.pos - 1].span.end;
        let starts_value = |t: &Token| {
            !t.newline_before
                && matches!(
                    t.kind,
                    TokenKind::Word | TokenKind::Quoted { .. } | TokenKind::Eq
                )
        };
        let Some(first) = self.peek().filter(|t| starts_value(t)).cloned() else {
            self.diags.push(
                Diagnostic::new(
                    &lints::syntax_error::RULE,
                    key.span.start..at,
                    format!("expected a value after `{}=`", key.text),
                )
                .label("empty value")
                .help("an entry that is present but empty makes Solaris ignore the file; give a value or delete the line"),
            );
            return (
                String::new(),
                Value {
                    text: String::new(),
                    quote: Quote::None,
                    closed: true,
                    span: at..at,
                },
            );
        };
        let gap = self.trivia(&first);
        self.pos += 1;
        let mut end = first.span.end;
        let mut count = 1;
        while let Some(t) = self.peek() {
            if !t.glued()
                || !matches!(
                    t.kind,
                    TokenKind::Word | TokenKind::Quoted { .. } | TokenKind::Eq
                )
            {
                break;
            }
            end = t.span.end;
            count += 1;
            self.pos += 1;
        }
        let span = first.span.start..end;
        // Report unterminated quotes among the value's pieces.
        let pieces: Vec<Span> = self.tokens[self.pos - count..self.pos]
            .iter()
            .filter(|t| matches!(t.kind, TokenKind::Quoted { closed: false, .. }))
            .map(|t| t.span.clone())
            .collect();
        for s in &pieces {
            self.unterminated(s);
        }
        let value = match first.kind {
            TokenKind::Quoted { quote, closed } if count == 1 => Value {
                text: self.text[span.start + 1..span.end - usize::from(closed)].to_string(),
                quote: if quote == '\'' {
                    Quote::Single
                } else {
                    Quote::Double
                },
                closed,
                span,
            },
            _ => Value {
                text: self.text[span.clone()].to_string(),
                quote: Quote::None,
                closed: true,
                span,
            },
        };
        (gap, value)
    }

    fn entry(&mut self) -> Entry {
        let key_tok = self.tokens[self.pos].clone();
        let key = Word {
            text: self.slice(&key_tok.span).to_string(),
            span: key_tok.span.clone(),
        };
        let eq_tok = self.tokens[self.pos + 1].clone();
        self.pos += 2;
        let (after_eq, value) = self.value(&key);
        let mut entry = Entry {
            decor: self.trivia(&key_tok),
            key,
            before_eq: self.trivia(&eq_tok),
            after_eq,
            value,
            block: None,
        };
        // A `{` may follow on the same or a later line (`name_service=DNS\n{\n…\n}`).
        if self.peek().is_some_and(|t| t.kind == TokenKind::LBrace) {
            entry.block = Some(self.block());
        }
        entry
    }

    fn block(&mut self) -> Block {
        let open_tok = self.tokens[self.pos].clone();
        self.pos += 1;
        let mut items = Vec::new();
        loop {
            let Some(tok) = self.peek().cloned() else {
                self.diags.push(
                    Diagnostic::new(
                        &lints::unbalanced_braces::RULE,
                        open_tok.span.clone(),
                        "unbalanced `{`: expected `}` before the end of the file",
                    )
                    .label("this block is never closed"),
                );
                return Block {
                    gap: self.trivia(&open_tok),
                    open: open_tok.span,
                    items,
                    close_decor: String::new(),
                    close: None,
                };
            };
            match tok.kind {
                TokenKind::RBrace => {
                    self.pos += 1;
                    return Block {
                        gap: self.trivia(&open_tok),
                        open: open_tok.span,
                        items,
                        close_decor: self.trivia(&tok),
                        close: Some(tok.span),
                    };
                }
                // A top-level `keyword=` at the start of a line means the `}` was forgotten:
                // end the block here so the rest of the file is still read as entries.
                TokenKind::Word
                    if tok.newline_before
                        && self.next_is_eq(self.pos + 1, false)
                        && Keyword::from_name(self.slice(&tok.span)).is_some() =>
                {
                    self.diags.push(
                        Diagnostic::new(
                            &lints::unbalanced_braces::RULE,
                            open_tok.span.clone(),
                            format!(
                                "unbalanced `{{`: expected `}}` before `{}`",
                                self.slice(&tok.span)
                            ),
                        )
                        .label("this block is never closed")
                        .secondary(tok.span.clone(), "the next entry starts here"),
                    );
                    return Block {
                        gap: self.trivia(&open_tok),
                        open: open_tok.span,
                        items,
                        close_decor: String::new(),
                        close: None,
                    };
                }
                TokenKind::Word => {
                    self.pos += 1;
                    let key = Word {
                        text: self.slice(&tok.span).to_string(),
                        span: tok.span.clone(),
                    };
                    let value = if self.next_is_eq(self.pos, true) {
                        let eq_tok = self.tokens[self.pos].clone();
                        self.pos += 1;
                        let (after_eq, value) = self.value(&key);
                        Some(Assign {
                            before_eq: self.trivia(&eq_tok),
                            after_eq,
                            value,
                        })
                    } else {
                        None
                    };
                    items.push(BlockItem::Sub(SubEntry {
                        decor: self.trivia(&tok),
                        key,
                        value,
                    }));
                }
                _ => {
                    self.pos += 1;
                    let msg = match tok.kind {
                        TokenKind::LBrace => "unexpected `{` inside a block: blocks do not nest",
                        TokenKind::Eq => "expected a dependent keyword before `=`",
                        _ => "expected a dependent keyword, found a quoted string",
                    };
                    if let TokenKind::Quoted { closed: false, .. } = tok.kind {
                        self.unterminated(&tok.span);
                    }
                    let rule = if tok.kind == TokenKind::LBrace {
                        &lints::unbalanced_braces::RULE
                    } else {
                        &lints::syntax_error::RULE
                    };
                    self.diags
                        .push(Diagnostic::new(rule, tok.span.clone(), msg).label("here"));
                    items.push(BlockItem::Junk(Junk {
                        decor: self.trivia(&tok),
                        text: self.slice(&tok.span).to_string(),
                        span: tok.span,
                    }));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
