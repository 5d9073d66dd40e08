//! Findings from raw diagnostics: positions (line and character column), sorted, capped per
//! rule, secret values scrubbed from their texts and an excerpt each
//! ([`super::excerpt`]); and the report types the rendering layer reads.

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::SourceFile;
use crate::sysidcfg::secrets::{MASK, Syntax, secret_spans_in};

use super::FileKind;
use super::excerpt::{Excerpt, MAX_EXCERPT_BYTES_PER_FILE, excerpt};
use super::file::sort_diagnostics;
use super::rules_ok::RulesOkOutcome;
use crate::source::Span;

/// A 1-based line and character column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// One diagnostic with everything needed to render it without the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub diagnostic: Diagnostic,
    pub start: Position,
    /// Position just past the end of the primary span.
    pub end: Position,
    /// `None` when there is no text to show (unreadable, binary or empty file).
    pub excerpt: Option<Excerpt>,
}

/// All findings in one file, sorted by position.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// The path as shown to the user (the directory argument joined with the relative path).
    pub path: String,
    pub kind: FileKind,
    pub findings: Vec<Finding>,
}

/// The result of checking one or more paths.
#[derive(Debug, Clone, Default)]
pub struct CheckReport {
    /// The files with at least one finding, sorted by path within each checked argument.
    /// Clean files are only counted, so a report stays small for a huge clean directory.
    pub files: Vec<FileReport>,
    /// How many files were checked (clean ones included).
    pub files_checked: usize,
    pub rules_ok: Vec<RulesOkOutcome>,
}

impl CheckReport {
    /// All findings, file by file, in output order.
    pub fn findings(&self) -> impl Iterator<Item = (&FileReport, &Finding)> {
        self.files
            .iter()
            .flat_map(|f| f.findings.iter().map(move |d| (f, d)))
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.findings()
            .filter(|(_, d)| d.diagnostic.severity == severity)
            .count()
    }

    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }

    /// The worst severity found, if any.
    pub fn max_severity(&self) -> Option<Severity> {
        self.findings().map(|(_, d)| d.diagnostic.severity).max()
    }

    /// Count a checked file; keep its report only when it has findings.
    pub fn add(&mut self, file: FileReport) {
        self.files_checked += 1;
        if !file.findings.is_empty() {
            self.files.push(file);
        }
    }

    /// Append another report (several PATH arguments).
    pub fn extend(&mut self, other: CheckReport) {
        self.files.extend(other.files);
        self.files_checked += other.files_checked;
        self.rules_ok.extend(other.rules_ok);
    }
}

/// A report of diagnostics found by a checker outside this crate (the site file, deploy
/// configs) on `text`: positions, masked excerpts, sorted, ready for [`crate::render`].
pub fn report_from_diagnostics(
    display: &str,
    kind: FileKind,
    text: &str,
    diags: Vec<Diagnostic>,
) -> FileReport {
    let src = SourceFile::new(display, text);
    make_report(display, kind, Some(&src), diags)
}

/// Turn raw diagnostics into findings with positions and masked excerpts.
pub(super) fn make_report(
    display: &str,
    kind: FileKind,
    src: Option<&SourceFile>,
    mut diags: Vec<Diagnostic>,
) -> FileReport {
    sort_diagnostics(&mut diags);
    let diags = cap_per_rule(diags);
    // Secrets are masked whatever the kind: a sysidcfg checked under another name (or as a
    // profile by mistake) must not leak its root password either, and the site file and
    // deploy configs (YAML) use the same keys.
    let syntax = match kind {
        FileKind::Site | FileKind::DeployConfig => Syntax::Yaml,
        _ => Syntax::Sysidcfg,
    };
    let secrets = src
        .map(|s| secret_spans_in(&s.text, syntax))
        .unwrap_or_default();
    let values: BTreeSet<&str> = match src {
        // A message may quote a value without the quotes it has in the file, or one word
        // of a value with blanks (a parser error about `root_password:abc` followed by
        // more words quotes the first): each is scrubbed.
        Some(src) => secrets
            .iter()
            .map(|s| src.text[s.clone()].trim_matches(['"', '\'']))
            .flat_map(|v| std::iter::once(v).chain(v.split_ascii_whitespace()))
            .map(|v| v.trim_matches(['"', '\'']))
            .filter(|v| v.len() >= 4)
            .collect(),
        None => BTreeSet::new(),
    };
    // One automaton for all the values: a file with thousands of distinct passwords must
    // not cost (values × findings) substring searches.
    let values = (!values.is_empty())
        .then(|| {
            aho_corasick::AhoCorasick::builder()
                .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                .build(values)
                .ok()
        })
        .flatten();
    let mut columns = src.map(Columns::new);
    let findings = diags
        .into_iter()
        .map(|d| scrub(d, values.as_ref()))
        .map(|d| locate(src, columns.as_mut(), &secrets, d))
        .collect();
    FileReport {
        path: display.to_string(),
        kind,
        findings,
    }
}

/// Findings of one rule kept per file; the rest are summed up in one more finding.
pub const MAX_FINDINGS_PER_RULE: usize = 100;

/// Keep the first [`MAX_FINDINGS_PER_RULE`] findings of each rule (in position order) and
/// replace the others with one finding per rule, at the first one left out, saying how
/// many more there are: a file of a million bad lines gives a readable report (and output
/// and memory in proportion to it), and the exit status is the same.
fn cap_per_rule(diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut kept: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut summaries: BTreeMap<&'static str, (Diagnostic, usize)> = BTreeMap::new();
    let mut out = Vec::with_capacity(diags.len().min(4 * MAX_FINDINGS_PER_RULE));
    for d in diags {
        let n = kept.entry(d.code).or_default();
        if *n < MAX_FINDINGS_PER_RULE {
            *n += 1;
            out.push(d);
        } else {
            summaries.entry(d.code).or_insert((d, 0)).1 += 1;
        }
    }
    for (code, (first, more)) in summaries {
        let mut d = Diagnostic {
            message: format!(
                "{more} more {code} finding{} in this file (not shown; the first {MAX_FINDINGS_PER_RULE} are above)",
                if more == 1 { "" } else { "s" }
            ),
            label: Some("the first one not shown".into()),
            secondary: Vec::new(),
            help: None,
            notes: Vec::new(),
            ..first
        };
        d.span = d.span.start..d.span.start;
        out.push(d);
    }
    sort_diagnostics(&mut out);
    out
}

/// Columns of the (sorted) diagnostic starts of one file, counted on from the previous
/// start when it is on the same line: a line of a megabyte with a finding on every word
/// must not be recounted from its start for each one.
struct Columns<'a> {
    src: &'a SourceFile,
    /// Offset (on a char boundary), 1-based line and column of the last start.
    last: (usize, usize, usize),
    /// Excerpt bytes the file's findings may still keep ([`MAX_EXCERPT_BYTES_PER_FILE`]).
    excerpt_budget: usize,
}

impl<'a> Columns<'a> {
    fn new(src: &'a SourceFile) -> Self {
        Columns {
            src,
            last: (0, 1, 1),
            excerpt_budget: MAX_EXCERPT_BYTES_PER_FILE,
        }
    }

    /// 1-based line and column of `offset`; `remember` moves the counting point there.
    fn at(&mut self, offset: usize, remember: bool) -> (usize, usize) {
        let text = &self.src.text;
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.src.line_index(offset) + 1;
        let (last_offset, last_line, last_col) = self.last;
        let pos = if line == last_line && offset >= last_offset {
            (line, last_col + text[last_offset..offset].chars().count())
        } else {
            self.src.line_col(offset)
        };
        if remember {
            self.last = (offset, pos.0, pos.1);
        }
        pos
    }
}

/// Replace secret values in a diagnostic's texts (the format modules already leave them
/// out; this is the last line of defence).
fn scrub(mut d: Diagnostic, values: Option<&aho_corasick::AhoCorasick>) -> Diagnostic {
    let Some(values) = values else {
        return d;
    };
    let clean = |text: &mut String| {
        if values.is_match(text.as_str()) {
            let mut masked = String::with_capacity(text.len());
            values.replace_all_with(text, &mut masked, |_, _, out| {
                out.push_str(MASK);
                true
            });
            *text = masked;
        }
    };
    clean(&mut d.message);
    if let Some(l) = &mut d.label {
        clean(l);
    }
    if let Some(h) = &mut d.help {
        clean(h);
    }
    d.notes.iter_mut().for_each(clean);
    d.secondary.iter_mut().for_each(|l| clean(&mut l.message));
    d
}

fn locate(
    src: Option<&SourceFile>,
    columns: Option<&mut Columns>,
    secrets: &[Span],
    d: Diagnostic,
) -> Finding {
    let (Some(src), Some(columns)) = (src, columns) else {
        let p = Position { line: 1, column: 1 };
        return Finding {
            diagnostic: d,
            start: p,
            end: p,
            excerpt: None,
        };
    };
    let len = src.text.len();
    let start_off = d.span.start.min(len);
    let end_off = d.span.end.clamp(start_off, len);
    let (l0, c0) = columns.at(start_off, true);
    let (l1, c1) = columns.at(end_off, false);
    let start = Position {
        line: l0,
        column: c0,
    };
    let end = Position {
        line: l1,
        column: c1,
    };
    let excerpt = if src.text.is_empty() {
        None
    } else {
        excerpt(
            src,
            secrets,
            start_off..end_off,
            &d.secondary,
            columns.excerpt_budget,
        )
    };
    if let Some(ex) = &excerpt {
        columns.excerpt_budget = columns.excerpt_budget.saturating_sub(ex.text.len());
    }
    Finding {
        diagnostic: d,
        start,
        end,
        excerpt,
    }
}

#[cfg(test)]
mod tests {
    use super::super::excerpt::MAX_EXCERPT_BYTES;
    use super::*;
    use crate::lint;

    #[test]
    fn counted_on_columns_match_line_col() {
        let src = SourceFile::new("f", "é a\u{301}b\tc\nxy é z\n\nlast");
        let mut cols = Columns::new(&src);
        let mut offsets: Vec<usize> = (0..=src.text.len() + 2).collect();
        // Starts in order (as in a report), then a jump back to an earlier line.
        offsets.extend([3, 0, 9]);
        for off in offsets {
            let clamped = off.min(src.text.len());
            let mut boundary = clamped;
            while !src.text.is_char_boundary(boundary) {
                boundary -= 1;
            }
            assert_eq!(cols.at(off, true), src.line_col(boundary), "offset {off}");
            assert_eq!(cols.at(clamped, false), src.line_col(boundary), "{off}");
        }
    }

    #[test]
    fn excerpts_stop_at_the_file_budget() {
        // 10 KiB lines with a finding on every word (of many rules, so that the cap per
        // rule does not hide them): past 1 MiB of excerpts, findings keep their position only.
        let line = format!("{}\n", "a ".repeat(5000));
        let src = SourceFile::new("bootparams", line.repeat(4));
        let rules = lint::all();
        let diags: Vec<Diagnostic> = (0..20_000)
            .map(|i| Diagnostic::new(rules[i % rules.len()], 2 * i..2 * i + 1, "m"))
            .collect();
        let report = make_report("bootparams", FileKind::Bootparams, Some(&src), diags);
        let kept: usize = report
            .findings
            .iter()
            .filter_map(|f| f.excerpt.as_ref())
            .map(|e| e.text.len())
            .sum();
        assert!(kept <= MAX_EXCERPT_BYTES_PER_FILE, "{kept}");
        assert!(report.findings[0].excerpt.is_some());
        let last = report.findings.last().unwrap();
        assert!(last.excerpt.is_none());
    }

    #[test]
    fn findings_are_capped_per_rule_with_one_summary() {
        let src = SourceFile::new("bootparams", "a\n".repeat(1000));
        let diags: Vec<Diagnostic> = (0..1000)
            .flat_map(|i| {
                [
                    Diagnostic::new(&lint::file::long_line::RULE, 2 * i..2 * i + 1, "x"),
                    Diagnostic::new(&lint::file::empty_file::RULE, 2 * i..2 * i + 1, "y"),
                ]
            })
            .collect();
        let report = make_report("bootparams", FileKind::Bootparams, Some(&src), diags);
        assert_eq!(report.findings.len(), 2 * (MAX_FINDINGS_PER_RULE + 1));
        for code in ["F004", "F006"] {
            let of: Vec<&Finding> = report
                .findings
                .iter()
                .filter(|f| f.diagnostic.code == code)
                .collect();
            assert_eq!(of.len(), MAX_FINDINGS_PER_RULE + 1, "{code}");
            let summary = of.last().unwrap();
            assert!(
                summary
                    .diagnostic
                    .message
                    .starts_with(&format!("900 more {code} findings")),
                "{}",
                summary.diagnostic.message
            );
            assert_eq!(summary.start.line, MAX_FINDINGS_PER_RULE + 1);
        }
    }

    #[test]
    fn huge_lines_get_no_excerpt() {
        let src = SourceFile::new("profile", "x".repeat(MAX_EXCERPT_BYTES + 1));
        assert!(excerpt(&src, &[], 5..6, &[], usize::MAX).is_none());
        let d = Diagnostic::new(&lint::file::long_line::RULE, 5..6, "m");
        let f = locate(Some(&src), Some(&mut Columns::new(&src)), &[], d);
        assert_eq!((f.start.line, f.start.column), (1, 6));
        assert!(f.excerpt.is_none());
    }
}
