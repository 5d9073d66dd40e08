//! The `rules` file and its checked copy `rules.ok` (jumpstart-formats.md §1, §2).
//!
//! Parsing is line-oriented: [`crate::source::logical_lines`] joins `\` continuations and
//! strips `#` comments; each logical line is cut into tokens the way Sun's `check` script
//! does (blanks separate, single quotes protect blanks, `&&` splits textually), and the
//! last three tokens of a rule are begin, profile and finish.
//!
//! The AST is lossless: every token keeps the raw text before it (`pre`: blanks, tabs,
//! `\`-newline continuations) and every item keeps what follows its last token (`post`:
//! trailing blanks, comment, line terminator), so [`RulesFile::to_source`] prints the
//! input back byte for byte.

pub mod ok;
pub mod values;

use crate::diagnostic::Diagnostic;
use crate::lint::rules as lints;
use crate::source::{LineSyntax, LogicalLine, SourceFile, Span};
use std::borrow::Cow;

pub use ok::{derive_rules_ok, rules_ok, sysv_sum};
pub use values::{MatchValue, ValueError};

/// Which of the two file kinds was parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// The hand-written `rules` file.
    Rules,
    /// The `rules.ok` file written by `check` (ends with `# version=2 checksum=N`).
    RulesOk,
}

impl Flavor {
    /// `RulesOk` for a path whose file name ends in `.ok`, else `Rules`.
    pub fn from_path(path: &str) -> Flavor {
        let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
        if name.ends_with(".ok") {
            Flavor::RulesOk
        } else {
            Flavor::Rules
        }
    }
}

/// A parsed `rules` or `rules.ok` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RulesFile {
    pub flavor: Flavor,
    /// One item per logical line, in file order.
    pub items: Vec<Item>,
}

/// One logical line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A blank, whitespace-only or comment-only line.
    Trivia(Trivia),
    /// `probe NAME` (or its synonym `set NAME`).
    Probe(ProbeLine),
    /// `match [&& match]… begin profile finish`.
    Rule(Rule),
    /// A non-comment line with fewer than four tokens: neither a probe line nor a rule.
    Invalid(InvalidLine),
    /// The `# version=N checksum=N` line of a `rules.ok` file.
    Trailer(Trailer),
}

/// A token: its raw text in the file plus the raw text between it and the previous token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tok {
    /// Raw bytes before the token since the previous token (or the line start): blanks,
    /// tabs and `\`-newline continuations. Empty for the first token of a line without
    /// indentation, for `&&` glued to a word, and for a keyword glued to its `!`.
    pub pre: String,
    /// The token as written in the file (quotes kept; a `\`-newline inside a token kept).
    pub text: String,
    /// File span of `text` (may be empty for a token added by hand).
    pub span: Span,
}

impl Tok {
    /// A token built by hand (no span), preceded by one blank.
    pub fn new(text: impl Into<String>) -> Tok {
        Tok {
            pre: " ".into(),
            text: text.into(),
            span: 0..0,
        }
    }

    /// The token as the shell sees it after joining continuations (quotes kept).
    pub fn value(&self) -> String {
        self.value_str().into_owned()
    }

    /// Like [`Tok::value`], borrowing when the token holds no continuation.
    pub fn value_str(&self) -> Cow<'_, str> {
        if self.text.contains('\\') {
            Cow::Owned(join_continuations(&self.text))
        } else {
            Cow::Borrowed(&self.text)
        }
    }

    /// The value as `chkprobe` compares it: quotes dropped, blanks inside quotes turned
    /// into `_` (`'SUNW,Sun 4_50'` → `SUNW,Sun_4_50`).
    pub fn match_value(&self) -> String {
        let mut out = String::new();
        self.push_match_value(&mut out);
        out
    }

    /// Append [`Tok::match_value`] to `out` (no allocation of its own).
    pub fn push_match_value(&self, out: &mut String) {
        let value = self.value_str();
        if !value.contains('\'') {
            out.push_str(&value);
            return;
        }
        let mut quoted = false;
        for c in value.chars() {
            match c {
                '\'' => quoted = !quoted,
                ' ' | '\t' if quoted => out.push('_'),
                c => out.push(c),
            }
        }
    }

    fn write(&self, out: &mut String) {
        out.push_str(&self.pre);
        out.push_str(&self.text);
    }
}

fn join_continuations(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_string();
    }
    s.replace("\\\r\n", "").replace("\\\n", "")
}

/// Blank or comment-only line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trivia {
    /// 1-based line number of the first physical line.
    pub line: usize,
    /// The whole raw text, line terminator(s) included.
    pub raw: String,
    pub span: Span,
    /// File span of the comment, if any.
    pub comment: Option<Span>,
}

/// `probe NAME`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeLine {
    pub line: usize,
    /// Span of the logical line (comment included, terminator excluded).
    pub span: Span,
    /// `probe` or `set`.
    pub keyword: Tok,
    /// The probe names: exactly one is expected.
    pub names: Vec<Tok>,
    /// Raw text after the last token: blanks, comment, line terminator.
    pub post: String,
    pub comment: Option<Span>,
}

impl ProbeLine {
    /// The (first) probe name.
    pub fn name(&self) -> Option<&Tok> {
        self.names.first()
    }
}

/// A line too short to be a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidLine {
    pub line: usize,
    pub span: Span,
    pub toks: Vec<Tok>,
    pub post: String,
    pub comment: Option<Span>,
}

/// One rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// 1-based number of the first physical line.
    pub line: usize,
    /// Span of the logical line (comment included, terminator excluded).
    pub span: Span,
    /// The match pieces, split on `&&`.
    pub matches: Vec<MatchPiece>,
    pub begin: Field,
    pub profile: Field,
    pub finish: Field,
    /// Raw text after the finish field: blanks, comment, line terminator.
    pub post: String,
    pub comment: Option<Span>,
}

/// `[&&] [!]keyword value…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchPiece {
    /// The `&&` before this piece (`None` for the first piece).
    pub and: Option<Tok>,
    /// The `!` token. Attached negation (`!model`) is a `!` token followed by a keyword
    /// token whose `pre` is empty.
    pub negation: Option<Tok>,
    /// `None` only for an empty piece (`&&` at the start or end, `&& &&`, lone `!`).
    pub keyword: Option<Tok>,
    pub values: Vec<Tok>,
}

/// How a negation is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NegationStyle {
    /// `!model …` (what the Solaris guides show).
    Attached,
    /// `! model …` (what the 1996 `check`/`chkprobe` understand).
    Separate,
}

impl MatchPiece {
    pub fn is_negated(&self) -> bool {
        self.negation.is_some()
    }

    pub fn negation_style(&self) -> Option<NegationStyle> {
        let _ = self.negation.as_ref()?;
        match &self.keyword {
            Some(k) if k.pre.is_empty() => Some(NegationStyle::Attached),
            _ => Some(NegationStyle::Separate),
        }
    }

    /// The keyword name (`None` for an empty piece).
    pub fn keyword_name(&self) -> Option<&str> {
        self.keyword.as_ref().map(|k| k.text.as_str())
    }

    /// What the keyword is.
    pub fn kind(&self) -> Option<Keyword> {
        self.keyword
            .as_ref()
            .map(|k| Keyword::from_name(&k.value()))
    }

    /// Typed value, checked against the keyword's value syntax (§1.4).
    pub fn value(&self) -> Result<MatchValue, ValueError> {
        values::match_value(self)
    }

    /// Span from the negation (or keyword) to the last value.
    pub fn span(&self) -> Span {
        let start = self
            .negation
            .as_ref()
            .or(self.keyword.as_ref())
            .or(self.and.as_ref())
            .map_or(0, |t| t.span.start);
        let end = self
            .values
            .last()
            .or(self.keyword.as_ref())
            .or(self.negation.as_ref())
            .or(self.and.as_ref())
            .map_or(start, |t| t.span.end);
        start..end
    }

    fn write(&self, out: &mut String) {
        for t in [&self.and, &self.negation, &self.keyword]
            .into_iter()
            .flatten()
        {
            t.write(out);
        }
        for v in &self.values {
            v.write(out);
        }
    }
}

/// Rule keywords of §1.4.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Keyword {
    Any,
    Arch,
    Disksize,
    Domainname,
    Hostaddress,
    Hostname,
    Installed,
    Karch,
    Memsize,
    Model,
    Network,
    Osname,
    Totaldisk,
    /// Not built in: a valid shell name, so `custom_probes` may define `cmp_<name>`.
    Custom(String),
    /// Not built in and not a valid shell function name: can never be defined.
    Invalid(String),
}

impl Keyword {
    /// Every built-in match keyword, in documentation order.
    pub const BUILTIN: &'static [&'static str] = &[
        "any",
        "arch",
        "disksize",
        "domainname",
        "hostaddress",
        "hostname",
        "installed",
        "karch",
        "memsize",
        "model",
        "network",
        "osname",
        "totaldisk",
    ];

    pub fn from_name(name: &str) -> Keyword {
        match name {
            "any" => Keyword::Any,
            "arch" => Keyword::Arch,
            "disksize" => Keyword::Disksize,
            "domainname" => Keyword::Domainname,
            "hostaddress" => Keyword::Hostaddress,
            "hostname" => Keyword::Hostname,
            "installed" => Keyword::Installed,
            "karch" => Keyword::Karch,
            "memsize" => Keyword::Memsize,
            "model" => Keyword::Model,
            "network" => Keyword::Network,
            "osname" => Keyword::Osname,
            "totaldisk" => Keyword::Totaldisk,
            other if is_shell_name(other) => Keyword::Custom(other.to_string()),
            other => Keyword::Invalid(other.to_string()),
        }
    }

    /// Number of values the keyword takes (`None` for custom keywords: whatever
    /// `cmp_<name>` accepts).
    pub fn arity(&self) -> Option<usize> {
        match self {
            Keyword::Disksize | Keyword::Installed => Some(2),
            Keyword::Custom(_) | Keyword::Invalid(_) => None,
            _ => Some(1),
        }
    }

    pub fn is_builtin(&self) -> bool {
        !matches!(self, Keyword::Custom(_) | Keyword::Invalid(_))
    }
}

/// Built-in probe names usable after `probe` (§1.4).
pub const BUILTIN_PROBES: &[&str] = &[
    "arch",
    "disks",
    "domainname",
    "hostaddress",
    "hostname",
    "installed",
    "karch",
    "memsize",
    "model",
    "network",
    "osname",
    "rootdisk",
    "totaldisk",
];

/// A name `custom_probes` could define as `probe_<name>()` / `cmp_<name>()`.
pub fn is_shell_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The closest candidate within a small edit distance (case differences count as
/// nothing), for "did you mean" help.
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let lower = word.to_ascii_lowercase();
    let lower = lower.trim_start_matches('!');
    crate::suggest::closest(lower, candidates.iter().copied(), |d, c| {
        d <= 2.min(c.len() / 3 + 1)
    })
}

/// A begin, profile or finish field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Raw text before the field (blanks, continuations).
    pub pre: String,
    pub value: FieldValue,
    pub span: Span,
}

/// What a begin/profile/finish field says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldValue {
    /// `-`: no script / null profile.
    None,
    /// `=`: derived profile (profile field only; the begin script writes it).
    Derived,
    /// A path relative to the JumpStart directory, as written.
    Path(String),
}

impl FieldValue {
    fn from_text(s: &str) -> FieldValue {
        match s {
            "-" => FieldValue::None,
            "=" => FieldValue::Derived,
            p => FieldValue::Path(p.to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            FieldValue::None => "-",
            FieldValue::Derived => "=",
            FieldValue::Path(p) => p,
        }
    }

    /// The path, for a `Path` value.
    pub fn path(&self) -> Option<&str> {
        match self {
            FieldValue::Path(p) => Some(p),
            _ => None,
        }
    }
}

impl Field {
    fn from_tok(t: Tok) -> Field {
        Field {
            value: FieldValue::from_text(&t.text),
            pre: t.pre,
            span: t.span,
        }
    }

    /// The path with continuations joined (for a `Path` value).
    pub fn path(&self) -> Option<String> {
        self.value.path().map(join_continuations)
    }
}

/// `# version=N checksum=N`, the last line of `rules.ok`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trailer {
    pub line: usize,
    /// The line as written, terminator excluded.
    pub text: String,
    pub span: Span,
    /// Parsed `version=` number (`None` when the line is malformed).
    pub version: Option<u64>,
    /// Parsed `checksum=` number (`None` when the line is malformed).
    pub checksum: Option<u64>,
    /// The line terminator (`"\n"`, `"\r\n"` or `""` at end of file).
    pub eol: String,
}

impl Trailer {
    /// Parse `# version=N checksum=N` exactly as `check` writes it.
    pub fn parse_numbers(text: &str) -> Option<(u64, u64)> {
        let rest = text.strip_prefix("# version=")?;
        let (version, rest) = rest.split_once(" checksum=")?;
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(version) || !digits(rest) {
            return None;
        }
        Some((version.parse().ok()?, rest.parse().ok()?))
    }

    fn write(&self, out: &mut String) {
        match (self.version, self.checksum) {
            (Some(v), Some(c)) if Trailer::parse_numbers(&self.text) != Some((v, c)) => {
                out.push_str(&format!("# version={v} checksum={c}"));
            }
            _ => out.push_str(&self.text),
        }
        out.push_str(&self.eol);
    }
}

impl Rule {
    /// The match pieces whose keyword is not built in (custom probe keywords or invalid
    /// names), with the keyword token.
    pub fn unknown_keywords(&self) -> impl Iterator<Item = &Tok> {
        self.matches.iter().filter_map(|m| {
            let k = m.keyword.as_ref()?;
            (!Keyword::from_name(&k.value_str()).is_builtin()).then_some(k)
        })
    }

    /// True for a rule whose only piece is an un-negated `any`.
    pub fn is_catch_all(&self) -> bool {
        self.matches.len() == 1
            && !self.matches[0].is_negated()
            && self.matches[0].kind() == Some(Keyword::Any)
    }

    /// The match expression normalised (single blanks, `&&` spaced, quoted blanks as
    /// `_`), for comparing rules.
    pub fn match_expr_normalised(&self) -> String {
        // About the length of the line: one allocation in the common case.
        let mut out = String::with_capacity(self.span.len() + 1);
        for (i, m) in self.matches.iter().enumerate() {
            if i > 0 {
                out.push_str(" &&");
            }
            if m.is_negated() {
                out.push_str(" !");
            }
            if let Some(k) = &m.keyword {
                out.push(' ');
                out.push_str(&k.value_str());
            }
            for v in &m.values {
                out.push(' ');
                v.push_match_value(&mut out);
            }
        }
        // Every part was pushed with a leading blank.
        out.split_off(out.len().min(1))
    }

    fn write(&self, out: &mut String) {
        for m in &self.matches {
            m.write(out);
        }
        for f in [&self.begin, &self.profile, &self.finish] {
            out.push_str(&f.pre);
            out.push_str(f.value.as_str());
        }
        out.push_str(&self.post);
    }
}

impl RulesFile {
    /// Print the file back. Byte-identical to the parsed input when nothing was changed.
    pub fn to_source(&self) -> String {
        let mut out = String::new();
        for item in &self.items {
            match item {
                Item::Trivia(t) => out.push_str(&t.raw),
                Item::Probe(p) => {
                    p.keyword.write(&mut out);
                    for n in &p.names {
                        n.write(&mut out);
                    }
                    out.push_str(&p.post);
                }
                Item::Rule(r) => r.write(&mut out),
                Item::Invalid(l) => {
                    for t in &l.toks {
                        t.write(&mut out);
                    }
                    out.push_str(&l.post);
                }
                Item::Trailer(t) => t.write(&mut out),
            }
        }
        out
    }

    /// The rules, in file order.
    pub fn rules(&self) -> impl Iterator<Item = &Rule> {
        self.items.iter().filter_map(|i| match i {
            Item::Rule(r) => Some(r),
            _ => None,
        })
    }

    /// The probe lines, in file order.
    pub fn probes(&self) -> impl Iterator<Item = &ProbeLine> {
        self.items.iter().filter_map(|i| match i {
            Item::Probe(p) => Some(p),
            _ => None,
        })
    }

    /// Probe names with their spans (`probe NAME` / `set NAME`), built-in or not.
    pub fn probe_names(&self) -> Vec<(String, Span)> {
        self.probes()
            .filter_map(|p| p.name())
            .map(|t| (t.value(), t.span.clone()))
            .collect()
    }

    /// Probe names that are not built in: each needs `probe_<name>()` in `custom_probes`.
    pub fn custom_probes(&self) -> Vec<(String, Span)> {
        self.probe_names()
            .into_iter()
            .filter(|(n, _)| !BUILTIN_PROBES.contains(&n.as_str()))
            .collect()
    }

    /// Match keywords that are not built in, with spans: each needs `cmp_<name>()` in
    /// `custom_probes`. (Names that are not valid shell names are included; they are
    /// reported by R202 whatever `custom_probes` says.)
    pub fn custom_keywords(&self) -> Vec<(String, Span)> {
        self.rules()
            .flat_map(|r| r.unknown_keywords())
            .map(|t| (t.value(), t.span.clone()))
            .collect()
    }

    /// The `rules.ok` trailer, if any.
    pub fn trailer(&self) -> Option<&Trailer> {
        self.items.iter().rev().find_map(|i| match i {
            Item::Trailer(t) => Some(t),
            _ => None,
        })
    }
}

/// Parse a `rules` file, or a `rules.ok` file when the path's file name ends in `.ok`.
/// Never panics; syntax problems come back as diagnostics.
pub fn parse(src: &SourceFile) -> (RulesFile, Vec<Diagnostic>) {
    parse_as(src, Flavor::from_path(&src.path))
}

/// Parse a `rules.ok` file whatever its name.
pub fn parse_ok(src: &SourceFile) -> (RulesFile, Vec<Diagnostic>) {
    parse_as(src, Flavor::RulesOk)
}

/// Parse as the given flavor.
pub fn parse_as(src: &SourceFile, flavor: Flavor) -> (RulesFile, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    // One line at a time: a 16 MiB file of garbage is given up on after
    // MAX_SYNTAX_ERRORS, without first holding every line of it.
    let lines = crate::source::iter_logical_lines(
        src,
        LineSyntax {
            comments: true,
            continuations: true,
        },
    );
    let mut items = Vec::new();
    for line in lines {
        let line = &line;
        if let Some(why) = crate::diagnostic::stop_reason(diags.len(), items.len()) {
            diags.push(crate::diagnostic::stopped_here(
                line.span.start..line.span.start,
                &why,
            ));
            break;
        }
        items.push(parse_line(src, line, flavor, &mut diags));
    }
    (RulesFile { flavor, items }, diags)
}

/// Single-file semantic lints.
pub fn lint(src: &SourceFile, file: &RulesFile) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    lints::run(src, file, &mut out);
    out
}

/// parse + lint, diagnostics sorted by span start.
pub fn check(src: &SourceFile) -> Vec<Diagnostic> {
    crate::diagnostic::parse_and_lint(src, parse, lint)
}

fn parse_line(
    src: &SourceFile,
    line: &LogicalLine,
    flavor: Flavor,
    diags: &mut Vec<Diagnostic>,
) -> Item {
    let number = line.lines[0].number;
    let end = line.end_with_terminator();
    let full = line.span.start..end;
    if let Some(d) = dangling_continuation(src, line) {
        diags.push(d);
    }
    if line.text.bytes().all(is_blank) {
        if flavor == Flavor::RulesOk && line.lines.len() == 1 {
            let pl = &line.lines[0];
            let text = &src.text[pl.span.clone()];
            if text.starts_with("# version=") {
                let numbers = Trailer::parse_numbers(text);
                return Item::Trailer(Trailer {
                    line: number,
                    text: text.to_string(),
                    span: pl.span.clone(),
                    version: numbers.map(|n| n.0),
                    checksum: numbers.map(|n| n.1),
                    eol: src.text[pl.span.end..end].to_string(),
                });
            }
        }
        return Item::Trivia(Trivia {
            line: number,
            raw: src.text[full.clone()].to_string(),
            span: full,
            comment: line.comment.clone(),
        });
    }
    let raw_toks = tokenize(line, diags);
    let mut toks = Vec::with_capacity(raw_toks.len());
    let mut prev = line.span.start;
    for (span, is_and) in raw_toks {
        let fspan = line.file_span(span);
        toks.push((
            Tok {
                pre: src.text[prev..fspan.start].to_string(),
                text: src.text[fspan.clone()].to_string(),
                span: fspan.clone(),
            },
            is_and,
        ));
        prev = fspan.end;
    }
    let post = src.text[prev..end].to_string();
    let comment = line.comment.clone();
    let first = toks[0].0.value_str();
    if first == "probe" || first == "set" {
        let mut it = toks.into_iter().map(|(t, _)| t);
        let keyword = it.next().expect("non-empty");
        let names: Vec<Tok> = it.collect();
        if names.is_empty() {
            diags.push(
                Diagnostic::new(
                    &lints::insufficient_tokens::RULE,
                    keyword.span.clone(),
                    format!("expected a probe name after `{}`", keyword.text),
                )
                .label("probe name missing")
                .help("write `probe NAME`, e.g. `probe disks`"),
            );
        }
        return Item::Probe(ProbeLine {
            line: number,
            span: line.span.clone(),
            keyword,
            names,
            post,
            comment,
        });
    }
    if toks.len() < 4 {
        let span = toks[0].0.span.start..toks[toks.len() - 1].0.span.end;
        let d = if toks.len() == 1 {
            Diagnostic::new(
                &lints::insufficient_tokens::RULE,
                span,
                format!(
                    "expected a match keyword with its value, then begin, profile and finish fields, found only `{}`",
                    toks[0].0.value()
                ),
            )
            .label("line with a single word")
            .help("a rule is `keyword value begin profile finish`, e.g. `any - - default.prof -`")
        } else {
            Diagnostic::new(
                &lints::missing_fields::RULE,
                span,
                format!(
                    "expected at least 4 fields (match keyword, value, begin, profile, finish), found {}",
                    toks.len()
                ),
            )
            .label("too few fields for a rule")
            .help("write `-` for an absent begin or finish script, e.g. `hostname web01 - web.prof -`")
        };
        diags.push(d);
        return Item::Invalid(InvalidLine {
            line: number,
            span: line.span.clone(),
            toks: toks.into_iter().map(|(t, _)| t).collect(),
            post,
            comment,
        });
    }
    let n = toks.len();
    let field_toks = toks.split_off(n - 3);
    if let Some((and, _)) = field_toks.iter().find(|(_, is_and)| *is_and) {
        diags.push(
            Diagnostic::new(
                &lints::missing_fields::RULE,
                and.span.clone(),
                "expected begin, profile and finish fields after the match expression, found `&&`",
            )
            .label("the last three words of a rule are its fields")
            .help("end the rule with `begin profile finish`, e.g. `- web.prof -`"),
        );
    }
    let mut fields = field_toks.into_iter().map(|(t, _)| t);
    let begin = Field::from_tok(fields.next().expect("3 fields"));
    let profile = Field::from_tok(fields.next().expect("3 fields"));
    let finish = Field::from_tok(fields.next().expect("3 fields"));
    let matches = build_pieces(toks);
    Item::Rule(Rule {
        line: number,
        span: line.span.clone(),
        matches,
        begin,
        profile,
        finish,
        post,
        comment,
    })
}

/// Group match tokens into `&&`-separated pieces.
fn build_pieces(toks: Vec<(Tok, bool)>) -> Vec<MatchPiece> {
    let mut pieces = Vec::new();
    let mut cur = MatchPiece {
        and: None,
        negation: None,
        keyword: None,
        values: Vec::new(),
    };
    for (tok, is_and) in toks {
        if is_and {
            pieces.push(std::mem::replace(
                &mut cur,
                MatchPiece {
                    and: Some(tok),
                    negation: None,
                    keyword: None,
                    values: Vec::new(),
                },
            ));
            continue;
        }
        if cur.keyword.is_some() {
            cur.values.push(tok);
        } else if cur.negation.is_none() && tok.text == "!" {
            cur.negation = Some(tok);
        } else if cur.negation.is_none() && tok.text.starts_with('!') {
            // Attached negation `!model`: split into `!` and the keyword.
            let bang = tok.span.start..tok.span.start + 1;
            cur.negation = Some(Tok {
                pre: tok.pre,
                text: "!".into(),
                span: bang,
            });
            cur.keyword = Some(Tok {
                pre: String::new(),
                text: tok.text[1..].to_string(),
                span: tok.span.start + 1..tok.span.end,
            });
        } else {
            cur.keyword = Some(tok);
        }
    }
    pieces.push(cur);
    pieces
}

/// The word separators of `check` (shell `read` and awk's default field splitting): blank
/// and TAB only; a form feed or a stray CR is part of a word there, and so it is here.
fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Split the logical text into tokens like `check`: blanks separate, single quotes
/// protect blanks, `&&` splits outside quotes even when glued. Returns spans into the
/// logical text and whether the token is `&&`.
fn tokenize(line: &LogicalLine, diags: &mut Vec<Diagnostic>) -> Vec<(Span, bool)> {
    let text = line.text.as_str();
    let bytes = text.as_bytes();
    let quotes = bytes.iter().filter(|&&b| b == b'\'').count();
    let honour_quotes = quotes % 2 == 0;
    if !honour_quotes {
        let last_quote = text.rfind('\'').unwrap_or(0);
        let at = line.file_offset(last_quote);
        diags.push(
            Diagnostic::new(
                &lints::unbalanced_quote::RULE,
                at..at + 1,
                "expected a closing `'` before the end of the rule",
            )
            .label("this quote is never closed")
            .help("quote a value with blanks as a whole: `model 'SUNW,Sun 4_50'`")
            .note("`check` stops with `Mis-matched \"'\" quotes`"),
        );
    }
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut quoted = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if honour_quotes && b == b'\'' {
            quoted = !quoted;
            start.get_or_insert(i);
            i += 1;
            continue;
        }
        if !quoted && is_blank(b) {
            if let Some(s) = start.take() {
                out.push((s..i, false));
            }
            i += 1;
            continue;
        }
        if !quoted && b == b'&' && bytes.get(i + 1) == Some(&b'&') {
            if let Some(s) = start.take() {
                out.push((s..i, false));
            }
            out.push((i..i + 2, true));
            i += 2;
            continue;
        }
        start.get_or_insert(i);
        i += 1;
    }
    if let Some(s) = start {
        out.push((s..bytes.len(), false));
    }
    out
}

fn dangling_continuation(src: &SourceFile, line: &LogicalLine) -> Option<Diagnostic> {
    let last = line.lines.last()?;
    let raw = &src.text[last.span.clone()];
    if line.comment.is_some() || !raw.ends_with('\\') {
        return None;
    }
    // A trailing `\` that did not join anything: the file ends inside the rule.
    let at = last.span.end - 1;
    Some(
        Diagnostic::new(
            &lints::dangling_continuation::RULE,
            at..at + 1,
            "expected another line after the continuation `\\`, found the end of the file",
        )
        .label("continues onto nothing")
        .help("finish the rule on the next line, or remove the `\\`"),
    )
}

#[cfg(test)]
mod tests;
