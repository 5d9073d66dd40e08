//! One file's bytes to its report: decoding (the F rules), the format lints of its kind,
//! the release rules and any cross-file rule a caller adds, in one [`FileReport`].

use crate::diagnostic::Diagnostic;
use crate::lint;
use crate::source::SourceFile;

use super::FileKind;
use super::report::{FileReport, make_report};

/// The release rules for a file of `kind`, when a release is given.
pub(super) fn release_lints(
    kind: FileKind,
    src: &SourceFile,
    release: Option<crate::release::Release>,
) -> Vec<Diagnostic> {
    match release {
        Some(r) => lint::release::check(kind, src, r),
        None => Vec::new(),
    }
}

/// The result of checking one file's bytes: its report and, when a caller needs the text
/// (the rules file, for rules.ok and cross-file rules), the decoded source.
pub(super) struct Checked {
    pub(super) report: FileReport,
    pub(super) source: Option<SourceFile>,
}

pub(super) fn check_bytes(display: &str, kind: FileKind, bytes: &[u8]) -> Checked {
    check_decoded(display, kind, lint::file::check_bytes(display, bytes))
}

/// [`check_bytes`] for bytes read from a file: they are freed once decoded, before the
/// file is parsed (for a large file the AST is the peak; the raw bytes need not add to it).
pub(super) fn check_read_bytes(display: &str, kind: FileKind, bytes: Vec<u8>) -> Checked {
    let file = lint::file::check_bytes(display, &bytes);
    drop(bytes);
    check_decoded(display, kind, file)
}

pub(super) fn check_decoded(display: &str, kind: FileKind, file: lint::file::FileBytes) -> Checked {
    check_decoded_with(display, kind, file, &|_| Vec::new())
}

/// [`check_decoded`] plus the findings of `extra` (cross-file rules that need the text).
pub(super) fn check_decoded_with(
    display: &str,
    kind: FileKind,
    file: lint::file::FileBytes,
    extra: &dyn Fn(&SourceFile) -> Vec<Diagnostic>,
) -> Checked {
    let mut diags = file.diagnostics;
    let source = if file.is_binary {
        None
    } else {
        diags.extend(lint_source(kind, &file.source));
        diags.extend(extra(&file.source));
        Some(file.source)
    };
    let report = make_report(display, kind, source.as_ref(), diags);
    Checked { report, source }
}

/// The format lints for one kind of file.
pub(super) fn lint_source(kind: FileKind, src: &SourceFile) -> Vec<Diagnostic> {
    match kind {
        FileKind::Rules => formats::rules(src),
        FileKind::RulesOk => formats::rules_ok(src),
        FileKind::Profile => formats::profile(src),
        FileKind::Sysidcfg => formats::sysidcfg(src),
        FileKind::Bootparams => formats::bootparams(src),
        FileKind::Begin | FileKind::Finish | FileKind::CustomProbes => {
            lint::dir::script::check(src)
        }
        FileKind::Dhcp => Vec::new(),
        // Checked outside this crate; see [`report_from_diagnostics`].
        FileKind::Site | FileKind::DeployConfig => Vec::new(),
    }
}

/// Adapters to the format modules (kept in one place so their signatures are used once).
pub(super) mod formats {
    use crate::diagnostic::Diagnostic;
    use crate::source::SourceFile;

    pub fn rules(src: &SourceFile) -> Vec<Diagnostic> {
        let (file, mut diags) = crate::rules::parse_as(src, crate::rules::Flavor::Rules);
        diags.extend(crate::rules::lint(src, &file));
        diags
    }
    pub fn rules_ok(src: &SourceFile) -> Vec<Diagnostic> {
        let (file, mut diags) = crate::rules::parse_ok(src);
        diags.extend(crate::rules::lint(src, &file));
        diags
    }
    pub fn profile(src: &SourceFile) -> Vec<Diagnostic> {
        crate::profile::check(src)
    }
    pub fn sysidcfg(src: &SourceFile) -> Vec<Diagnostic> {
        crate::sysidcfg::check(src)
    }
    pub fn bootparams(src: &SourceFile) -> Vec<Diagnostic> {
        crate::bootparams::check(src)
    }
    /// The exact `rules.ok` text for a rules file (stripped lines + checksum trailer).
    pub fn derive_rules_ok(src: &SourceFile) -> String {
        crate::rules::rules_ok(src)
    }
}

pub(super) fn sort_diagnostics(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (a.span.start, a.span.end, a.code).cmp(&(b.span.start, b.span.end, b.code))
    });
}
