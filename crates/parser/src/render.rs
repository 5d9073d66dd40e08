//! The one layer that renders diagnostics: human (rustc-style, annotate-snippets), JSON,
//! SARIF 2.1.0 and GitHub workflow commands. Every format renders from a
//! [`CheckReport`]; nothing else in the workspace formats a [`Diagnostic`](crate::Diagnostic).
//!
//! Secret values (sysidcfg `root_password` and every other secret of the keyword tables,
//! in sysidcfg syntax and in YAML: [`crate::sysidcfg::secrets`]) are already masked in the
//! excerpts a report carries and scrubbed from its messages, so no format can show them.

use std::fmt::Write as _;

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use serde::Serialize;

use crate::check::{CheckReport, FileReport, Finding, RulesOkStatus};
use crate::diagnostic::{Rule, Severity};
use crate::lint;

/// Output format (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
}

impl Format {
    pub const ALL: &'static [Format] =
        &[Format::Human, Format::Json, Format::Sarif, Format::Github];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
        }
    }

    pub fn parse(s: &str) -> Option<Format> {
        Format::ALL.iter().copied().find(|f| f.as_str() == s)
    }
}

/// Rendering options.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// ANSI colour in human output.
    pub color: bool,
    /// Tool version written into SARIF (`tool.driver.version`).
    pub tool_version: Option<String>,
}

/// Render a whole report in `format`. Human output ends with a summary line.
pub fn render(report: &CheckReport, format: Format, opts: &RenderOptions) -> String {
    match format {
        Format::Human => human(report, opts.color),
        Format::Json => json(report),
        Format::Sarif => sarif(report, opts.tool_version.as_deref().unwrap_or("0.1.0")),
        Format::Github => github(report),
    }
}

// ------------------------------------------------------------------------------------------
// Human

fn level(severity: Severity) -> Level<'static> {
    match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
    }
}

/// One finding, rustc-style, with a trailing newline.
pub fn human_finding(file: &FileReport, finding: &Finding, color: bool) -> String {
    let d = &finding.diagnostic;
    let title = level(d.severity)
        .primary_title(d.message.as_str())
        .id(d.code);
    let mut group: Group<'_> = match &finding.excerpt {
        Some(ex) => {
            let mut primary = AnnotationKind::Primary.span(ex.primary.clone());
            if let Some(label) = &d.label {
                primary = primary.label(label.as_str());
            }
            let snippet = Snippet::source(ex.text.as_str())
                .path(file.path.as_str())
                .line_start(ex.first_line)
                .annotation(primary)
                .annotations(ex.secondary.iter().map(|l| {
                    AnnotationKind::Context
                        .span(l.span.clone())
                        .label(l.message.as_str())
                }));
            title.element(snippet)
        }
        None => title.element(
            Origin::path(file.path.as_str())
                .line(finding.start.line)
                .char_column(finding.start.column),
        ),
    };
    for note in &d.notes {
        group = group.element(Level::NOTE.message(note.as_str()));
    }
    if let Some(help) = &d.help {
        group = group.element(Level::HELP.message(help.as_str()));
    }
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = renderer.render(&[group]);
    if finding.excerpt.is_none() {
        out = indent_gutter(&out);
    }
    out.push('\n');
    out
}

/// Without a source excerpt there are no line numbers, so annotate-snippets draws the gutter
/// zero columns wide (`--> file:1:1`, ` = help:`). Shift everything from the `-->` line on by
/// one column, to the width a one-digit line number gives (` --> file:1:1`, `  = help:`), so
/// findings with and without an excerpt line up. Colour codes are skipped when looking for
/// the arrow; the space goes before them.
fn indent_gutter(rendered: &str) -> String {
    let visible = |line: &str| -> String {
        let mut text = String::new();
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                // CSI sequence: ESC [ parameters final-byte.
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            } else {
                text.push(c);
            }
        }
        text
    };
    let mut out = String::with_capacity(rendered.len() + 8);
    let mut in_gutter = false;
    for (i, line) in rendered.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        in_gutter = in_gutter || visible(line).starts_with("-->");
        if in_gutter && !line.is_empty() {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

/// Every finding, a blank line between them, then the summary line.
pub fn human(report: &CheckReport, color: bool) -> String {
    let mut out = String::new();
    for (file, finding) in report.findings() {
        out.push_str(&human_finding(file, finding, color));
        out.push('\n');
    }
    out.push_str(&summary(report));
    out.push('\n');
    out
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// `Checked 12 files: 2 errors, 1 warning, 0 infos.` or `Checked 12 files: no problems found.`
pub fn summary(report: &CheckReport) -> String {
    let files = plural(report.files_checked, "file");
    let (e, w, i) = (
        report.count(Severity::Error),
        report.count(Severity::Warning),
        report.count(Severity::Info),
    );
    if e + w + i == 0 {
        format!("Checked {files}: no problems found.")
    } else {
        format!(
            "Checked {files}: {}, {}, {}.",
            plural(e, "error"),
            plural(w, "warning"),
            plural(i, "info")
        )
    }
}

// ------------------------------------------------------------------------------------------
// JSON

/// Version of the JSON schema below; bumped on any incompatible change.
pub const JSON_SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    files_checked: usize,
    summary: JsonSummary,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    rules_ok: Vec<JsonRulesOk<'a>>,
}

#[derive(Serialize)]
struct JsonSummary {
    errors: usize,
    warnings: usize,
    infos: usize,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    file: &'a str,
    code: &'a str,
    name: &'a str,
    severity: Severity,
    message: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    label: Option<&'a str>,
    help: Option<&'a str>,
    notes: &'a [String],
}

#[derive(Serialize)]
struct JsonRulesOk<'a> {
    path: &'a str,
    status: &'static str,
    message: String,
}

fn rules_ok_status(s: &RulesOkStatus) -> &'static str {
    match s {
        RulesOkStatus::Written => "written",
        RulesOkStatus::UpToDate => "up-to-date",
        RulesOkStatus::NotWrittenErrors { .. } => "not-written-errors",
        RulesOkStatus::NotWrittenNoWrite { .. } => "not-written-no-write",
        RulesOkStatus::NotWrittenRulesOption => "not-written-rules-option",
    }
}

/// One JSON document (pretty-printed): see docs/check.md for the schema.
pub fn json(report: &CheckReport) -> String {
    let doc = JsonReport {
        version: JSON_SCHEMA_VERSION,
        files_checked: report.files_checked,
        summary: JsonSummary {
            errors: report.count(Severity::Error),
            warnings: report.count(Severity::Warning),
            infos: report.count(Severity::Info),
        },
        diagnostics: report
            .findings()
            .map(|(file, f)| {
                let d = &f.diagnostic;
                JsonDiagnostic {
                    file: &file.path,
                    code: d.code,
                    name: d.name,
                    severity: d.severity,
                    message: &d.message,
                    line: f.start.line,
                    column: f.start.column,
                    end_line: f.end.line,
                    end_column: f.end.column,
                    label: d.label.as_deref(),
                    help: d.help.as_deref(),
                    notes: &d.notes,
                }
            })
            .collect(),
        rules_ok: report
            .rules_ok
            .iter()
            .map(|r| JsonRulesOk {
                path: &r.path,
                status: rules_ok_status(&r.status),
                message: r.message(),
            })
            .collect(),
    };
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

// ------------------------------------------------------------------------------------------
// SARIF 2.1.0

const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

#[derive(Serialize)]
struct Sarif<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [SarifRun<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRun<'a> {
    tool: SarifTool<'a>,
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct SarifTool<'a> {
    driver: SarifDriver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifDriver<'a> {
    name: &'static str,
    version: &'a str,
    rules: Vec<SarifRule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRule {
    id: &'static str,
    name: &'static str,
    short_description: SarifText,
    full_description: SarifText,
    help: SarifHelp,
    default_configuration: SarifConfig,
}

#[derive(Serialize)]
struct SarifText {
    text: String,
}

#[derive(Serialize)]
struct SarifHelp {
    text: &'static str,
    markdown: &'static str,
}

#[derive(Serialize)]
struct SarifConfig {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: SarifText,
    locations: [SarifLocation<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation<'a> {
    physical_location: SarifPhysical<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifPhysical<'a> {
    artifact_location: SarifArtifact<'a>,
    region: SarifRegion,
}

#[derive(Serialize)]
struct SarifArtifact<'a> {
    uri: std::borrow::Cow<'a, str>,
}

/// A file path as the URI reference SARIF requires (RFC 3986): every byte outside the
/// unreserved and path characters is percent-encoded, so a `#`, `%`, `?` or blank in a
/// path does not turn into a fragment, a query or an invalid URI.
fn sarif_uri(path: &str) -> std::borrow::Cow<'_, str> {
    let keep = |b: u8| b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b);
    if path.bytes().all(keep) {
        return std::borrow::Cow::Borrowed(path);
    }
    let mut out = String::with_capacity(path.len() + 8);
    for b in path.bytes() {
        if keep(b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    std::borrow::Cow::Owned(out)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRegion {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn sarif_rule(r: &'static Rule) -> SarifRule {
    SarifRule {
        id: r.code,
        name: r.name,
        short_description: SarifText {
            text: r.summary.to_string(),
        },
        full_description: SarifText {
            text: r.summary.to_string(),
        },
        help: SarifHelp {
            text: r.doc,
            markdown: r.doc,
        },
        default_configuration: SarifConfig {
            level: sarif_level(r.severity),
        },
    }
}

/// A SARIF 2.1.0 log with every registered rule and one result per finding.
pub fn sarif(report: &CheckReport, version: &str) -> String {
    let all = lint::all();
    let results = report
        .findings()
        .map(|(file, f)| {
            let d = &f.diagnostic;
            SarifResult {
                rule_id: d.code,
                rule_index: all.iter().position(|r| r.code == d.code).unwrap_or(0),
                level: sarif_level(d.severity),
                message: SarifText {
                    text: d.message.clone(),
                },
                locations: [SarifLocation {
                    physical_location: SarifPhysical {
                        artifact_location: SarifArtifact {
                            uri: sarif_uri(&file.path),
                        },
                        region: SarifRegion {
                            start_line: f.start.line,
                            start_column: f.start.column,
                            end_line: f.end.line,
                            end_column: f.end.column,
                        },
                    },
                }],
            }
        })
        .collect();
    let doc = Sarif {
        schema: SARIF_SCHEMA,
        version: "2.1.0",
        runs: [SarifRun {
            tool: SarifTool {
                driver: SarifDriver {
                    name: "zflash",
                    version,
                    rules: all.into_iter().map(sarif_rule).collect(),
                },
            },
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

// ------------------------------------------------------------------------------------------
// GitHub workflow commands

/// Escape the message part of a workflow command.
fn gh_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
        .chars()
        .map(visible_control)
        .collect()
}

/// Other control characters (an escape sequence quoted from a hostile file) as their
/// visible Unicode pictures (`␛`), as the human output shows them: the Actions log
/// would otherwise interpret them.
fn visible_control(c: char) -> char {
    match u32::from(c) {
        0x09 => c,
        code @ 0..=0x1f => char::from_u32(0x2400 + code).unwrap_or('\u{fffd}'),
        0x7f => '\u{2421}',
        0x80..=0x9f => '\u{fffd}',
        _ => c,
    }
}

/// Escape a property value of a workflow command.
fn gh_property(s: &str) -> String {
    gh_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// One `::error file=…,line=…::…` line per finding.
pub fn github(report: &CheckReport) -> String {
    let mut out = String::new();
    for (file, f) in report.findings() {
        let d = &f.diagnostic;
        let cmd = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let _ = write!(
            out,
            "::{cmd} title={},file={},line={},endLine={}",
            gh_property(&format!("zflash ({})", d.code)),
            gh_property(&file.path),
            f.start.line,
            f.end.line
        );
        // Columns only make sense on a single line (GitHub ignores them otherwise).
        if f.start.line == f.end.line {
            let _ = write!(out, ",col={},endColumn={}", f.start.column, f.end.column);
        }
        let mut msg = format!(
            "{}:{}:{}: {} {}",
            file.path, f.start.line, f.start.column, d.code, d.message
        );
        if let Some(help) = &d.help {
            msg.push_str("\nhelp: ");
            msg.push_str(help);
        }
        let _ = writeln!(out, "::{}", gh_data(&msg));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gutter_without_excerpt_is_one_column_wide_even_in_colour() {
        let plain = "error[F001]: x\n--> f:1:1\n = help: y";
        assert_eq!(
            indent_gutter(plain),
            "error[F001]: x\n --> f:1:1\n  = help: y"
        );
        let styled = "\x1b[1merror\x1b[0m: x\n\x1b[34m-->\x1b[0m f:1:1\n\x1b[34m = \x1b[0mhelp: y";
        assert_eq!(
            indent_gutter(styled),
            "\x1b[1merror\x1b[0m: x\n \x1b[34m-->\x1b[0m f:1:1\n \x1b[34m = \x1b[0mhelp: y"
        );
    }

    #[test]
    fn github_escapes() {
        assert_eq!(gh_data("a%b\nc\r"), "a%25b%0Ac%0D");
        assert_eq!(gh_property("a:b,c"), "a%3Ab%2Cc");
        assert_eq!(
            gh_data("a\x1b[31mb\u{7f}\u{9b}"),
            "a\u{241b}[31mb\u{2421}\u{fffd}"
        );
    }

    #[test]
    fn formats_round_trip_names() {
        for f in Format::ALL {
            assert_eq!(Format::parse(f.as_str()), Some(*f));
        }
    }

    #[test]
    fn sarif_uris_are_percent_encoded() {
        assert_eq!(sarif_uri("js/rules"), "js/rules");
        assert_eq!(sarif_uri("./a-b_c.prof"), "./a-b_c.prof");
        assert_eq!(
            sarif_uri("my dir#1/a%b?.prof"),
            "my%20dir%231/a%25b%3F.prof"
        );
        assert_eq!(sarif_uri("é"), "%C3%A9");
    }
}
