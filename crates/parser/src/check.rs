//! Whole-directory checking: `zflash check` as a library.
//!
//! # API (stable for the other crates)
//!
//! ```no_run
//! use std::path::Path;
//! use zflash_parser::check::{check_path, CheckOptions};
//! use zflash_parser::render::{render, Format, RenderOptions};
//!
//! let opts = CheckOptions { write_rules_ok: false, ..CheckOptions::default() };
//! let report = check_path(Path::new("/export/jumpstart"), &opts)?;
//! print!("{}", render(&report, Format::Human, &RenderOptions::default()));
//! if report.has_errors() { /* … */ }
//! # Ok::<(), zflash_parser::check::CheckError>(())
//! ```
//!
//! - [`check_path`]: a directory ([`check_dir`]) or a single file ([`check_file`]).
//! - [`check_dir`]: lints `rules` (or `-r FILE`), every profile, begin and finish script a
//!   rule names, `custom_probes`, every `sysidcfg` and `bootparams` below the directory; then
//!   writes `rules.ok` atomically when the whole run found no error (see [`RulesOkStatus`]).
//! - [`check_file`]: one file; its kind from `--kind` or from its name and `#!` line ([`FileKind::from_path_and_bytes`]).
//! - [`check_bytes_as`]: check in-memory bytes as a given kind, for rendering;
//! - [`check_text`]: lint in-memory text as a given kind (no file system), e.g. for a
//!   generator that checks what it is about to write.
//!
//! The report holds, per file with findings, each [`Diagnostic`] with its line/column and a source
//! excerpt (secret values already masked), never whole sources: memory grows with the
//! largest file, not with the directory.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::lint;
use crate::source::{SourceFile, Span};

/// The kind of a JumpStart file, which decides the parser and lints applied to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileKind {
    Rules,
    RulesOk,
    Profile,
    Sysidcfg,
    Bootparams,
    /// A begin script (Bourne shell, run before the install).
    Begin,
    /// A finish script (Bourne shell, run after the install with the new root at `/a`).
    Finish,
    /// `custom_probes` (Bourne shell function definitions).
    CustomProbes,
    /// DHCP configuration written for x86 clients (`dhcp`: Solaris `dhtadm`/`pntadm`
    /// commands, `dhcpd.conf`: an ISC dhcpd fragment); only checked in a directory, against
    /// the `hosts` and `ethers` beside it.
    Dhcp,
    /// The YAML site file of `zflash generate` (checked by zflash-generator; reported here).
    Site,
    /// A deploy config `deploy/<host>.yaml` (checked by zflash-generator's deploy check).
    DeployConfig,
}

impl FileKind {
    /// Every kind, in the spelling `--kind` accepts.
    pub const ALL: &'static [FileKind] = &[
        FileKind::Rules,
        FileKind::RulesOk,
        FileKind::Profile,
        FileKind::Sysidcfg,
        FileKind::Bootparams,
        FileKind::Begin,
        FileKind::Finish,
        FileKind::CustomProbes,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Rules => "rules",
            FileKind::RulesOk => "rules-ok",
            FileKind::Profile => "profile",
            FileKind::Sysidcfg => "sysidcfg",
            FileKind::Bootparams => "bootparams",
            FileKind::Begin => "begin",
            FileKind::Finish => "finish",
            FileKind::CustomProbes => "custom-probes",
            FileKind::Dhcp => "dhcp",
            FileKind::Site => "site",
            FileKind::DeployConfig => "deploy-config",
        }
    }

    /// Parse a `--kind` value.
    pub fn parse(s: &str) -> Option<FileKind> {
        FileKind::ALL.iter().copied().find(|k| k.as_str() == s)
    }

    /// Guess the kind of a single file from its name: `rules`, `rules.ok`, `sysidcfg`,
    /// `bootparams`, `custom_probes` by exact name; a name containing `sysidcfg` or
    /// `bootparams` (`sysidcfg.web01`, `web01-sysidcfg`) is that kind; `*.beg` / `begin*` → begin script;
    /// `*.fin` / `finish*` → finish script; anything else is a profile (profiles have no
    /// naming convention; `*.prof`, `*.profile` and bare names are all common).
    pub fn from_path(path: &Path) -> FileKind {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match name.as_str() {
            "rules" => FileKind::Rules,
            "rules.ok" => FileKind::RulesOk,
            "sysidcfg" => FileKind::Sysidcfg,
            "bootparams" => FileKind::Bootparams,
            "custom_probes" => FileKind::CustomProbes,
            n if n.contains("sysidcfg") => FileKind::Sysidcfg,
            n if n.contains("bootparams") => FileKind::Bootparams,
            n if n.ends_with(".beg") || n.starts_with("begin") => FileKind::Begin,
            n if n.ends_with(".fin") || n.starts_with("finish") => FileKind::Finish,
            _ => FileKind::Profile,
        }
    }

    /// [`FileKind::from_path`], except that a file it would take for a profile but whose
    /// first line is `#!` is a script (checked as a finish script): no profile starts so,
    /// and begin/finish scripts are often named freely (`F23defaultrouter`).
    pub fn from_path_and_bytes(path: &Path, bytes: &[u8]) -> FileKind {
        match FileKind::from_path(path) {
            FileKind::Profile if bytes.starts_with(b"#!") => FileKind::Finish,
            kind => kind,
        }
    }
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How to run a check.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// Write `rules.ok` next to `rules` when a directory check finds no error.
    pub write_rules_ok: bool,
    /// Check this rules file instead of `<dir>/rules` (Solaris `check -r`): as in Solaris,
    /// no `rules.ok` is written then. Relative paths are taken as given (from the current
    /// directory), like the Solaris script run from the JumpStart directory.
    pub rules_file: Option<PathBuf>,
    /// Kind of a single-file check; `None` = from the file name.
    pub kind: Option<FileKind>,
    /// Threads used for the `sysidcfg`/`bootparams` files of a directory (output order does
    /// not depend on it).
    pub threads: usize,
    /// Judge sysidcfg files and profiles for this Solaris 10 release (`--release`): the
    /// release rules of [`lint::release`] run too. `None`: no release-specific rule.
    pub release: Option<crate::release::Release>,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            write_rules_ok: true,
            rules_file: None,
            kind: None,
            threads: 2,
            release: None,
        }
    }
}

/// A 1-based line and character column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// The lines of the file a diagnostic points at, with spans rebased onto them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excerpt {
    /// Whole physical lines (secret values replaced by `********`).
    pub text: String,
    /// Line number of the first line of `text`.
    pub first_line: usize,
    /// Primary span, in `text` coordinates.
    pub primary: Span,
    /// Secondary labels that fall inside `text`, in `text` coordinates.
    pub secondary: Vec<Label>,
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

/// What happened to `rules.ok` in a directory check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RulesOkStatus {
    /// Written (atomically), new or changed content.
    Written,
    /// Already byte-identical to what would be written; left as is.
    UpToDate,
    /// Not written because errors were found; an existing `rules.ok` is left untouched.
    /// `stale` is true when that existing file differs from the current `rules`.
    NotWrittenErrors { existing: bool, stale: bool },
    /// Not written because of `--no-write`.
    NotWrittenNoWrite { existing: bool, stale: bool },
    /// Not written because `-r FILE` was given (as Solaris `check -r`).
    NotWrittenRulesOption,
}

/// The `rules.ok` outcome of one directory check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RulesOkOutcome {
    pub path: String,
    pub status: RulesOkStatus,
}

impl RulesOkOutcome {
    /// A one-line human message, e.g. for stderr.
    pub fn message(&self) -> String {
        let p = &self.path;
        match &self.status {
            RulesOkStatus::Written => format!("wrote {p}"),
            RulesOkStatus::UpToDate => format!("{p} is up to date"),
            RulesOkStatus::NotWrittenErrors { existing, stale } => match (existing, stale) {
                (false, _) => format!("{p} not written: errors were found"),
                (true, true) => {
                    format!(
                        "{p} not written: errors were found; the existing, stale {p} was left untouched"
                    )
                }
                (true, false) => {
                    format!(
                        "{p} not written: errors were found; the existing {p} was left untouched"
                    )
                }
            },
            RulesOkStatus::NotWrittenNoWrite { existing, stale } => match (existing, stale) {
                (false, _) => format!("{p} not written (--no-write)"),
                (true, true) => format!("{p} not written (--no-write); the existing {p} is stale"),
                (true, false) => {
                    format!("{p} not written (--no-write); the existing {p} is up to date")
                }
            },
            RulesOkStatus::NotWrittenRulesOption => format!("{p} file not created (-r)"),
        }
    }
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

/// A failure of the tool itself (not a finding): exit status 2 in the CLI.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error("{path}: no such file or directory")]
    NotFound { path: String },
    #[error("no rules file \"{path}\" found")]
    RulesFileNotFound { path: String },
    // The I/O error is part of the message, not a `source`: the CLI prints the cause
    // chain, which would repeat it.
    #[error("{path}: cannot read: {error}")]
    Io { path: String, error: std::io::Error },
    #[error("{path}: cannot write rules.ok: {error}")]
    WriteRulesOk { path: String, error: std::io::Error },
}

impl CheckError {
    /// A path the user named could not be read: `NotFound` when it does not exist.
    fn reading(path: &Path, source: std::io::Error) -> Self {
        let path = path.display().to_string();
        match source.kind() {
            std::io::ErrorKind::NotFound => CheckError::NotFound { path },
            _ => CheckError::Io {
                path,
                error: source,
            },
        }
    }
}

/// Largest file read (JumpStart files are a few KiB; a rules file for thousands of clients
/// a few MiB). Anything larger is refused rather than read into memory: a symbolic link to
/// `/dev/zero` must not exhaust memory.
pub const MAX_FILE_BYTES: u64 = 16 << 20;

/// Read a file the user named, at most [`MAX_FILE_BYTES`]. A FIFO or device is read as
/// given (`--kind profile <(generate)` is a fair use), but not without bound.
fn read_named(path: &Path) -> std::io::Result<Vec<u8>> {
    read_bounded(std::fs::File::open(path)?)
}

/// Read a file met inside a directory, at most [`MAX_FILE_BYTES`], under the confinement
/// rule ([`crate::confine`]): only a regular file is opened (opening a FIFO would block the
/// whole check until some writer appears), and no component of `rel` may be a symbolic link
/// leading out of `dir`: its contents would be printed in the findings (`rules ->
/// /etc/shadow` in a CI run). The path is walked with `openat(O_NOFOLLOW)`, not checked
/// and then opened.
fn read_member(dir: &Path, rel: &Path) -> Result<Vec<u8>, crate::confine::ConfineError> {
    let file = crate::confine::open_inside(dir, rel)?;
    Ok(read_bounded(file)?)
}

/// `path` (which is `dir` joined with something) relative to `dir`.
fn below<'a>(dir: &Path, path: &'a Path) -> &'a Path {
    path.strip_prefix(dir).unwrap_or(path)
}

/// The finding for a member that could not be read: F008 when its path leads outside the
/// directory, F001 otherwise.
fn unreadable(e: crate::confine::ConfineError) -> Diagnostic {
    if e.is_outside() {
        lint::file::symlink_outside::diagnostic(&e)
    } else {
        lint::file::unreadable_file::diagnostic(&e.into_io())
    }
}

fn read_bounded(file: std::fs::File) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "larger than {} MiB: not a JumpStart file",
                MAX_FILE_BYTES >> 20
            ),
        ));
    }
    Ok(bytes)
}

/// Check a directory or a single file.
pub fn check_path(path: &Path, opts: &CheckOptions) -> Result<CheckReport, CheckError> {
    let meta = std::fs::metadata(path).map_err(|e| CheckError::reading(path, e))?;
    if meta.is_dir() {
        check_dir(path, opts)
    } else {
        let bytes = read_named(path).map_err(|e| CheckError::reading(path, e))?;
        let kind = opts
            .kind
            .unwrap_or_else(|| FileKind::from_path_and_bytes(path, &bytes));
        let mut report = CheckReport::default();
        let display = path.display().to_string();
        let file = lint::file::check_bytes(&display, &bytes);
        drop(bytes);
        let extra = |src: &SourceFile| release_lints(kind, src, opts.release);
        report.add(check_decoded_with(&display, kind, file, &extra).report);
        Ok(report)
    }
}

/// Check a single file as `kind`. An unreadable file is a tool error here (the user named
/// it); inside a directory check it is a finding (F001).
pub fn check_file(path: &Path, kind: FileKind) -> Result<FileReport, CheckError> {
    let bytes = read_named(path).map_err(|e| CheckError::reading(path, e))?;
    Ok(check_read_bytes(&path.display().to_string(), kind, bytes).report)
}

/// Check in-memory bytes as `kind`, shown as `display` (no file system access): what a
/// generator calls on the files it is about to write, to render them with [`crate::render`].
pub fn check_bytes_as(display: &str, kind: FileKind, bytes: &[u8]) -> FileReport {
    check_bytes(display, kind, bytes).report
}

/// [`check_bytes_as`] judged for `release` too.
pub fn check_bytes_for(
    display: &str,
    kind: FileKind,
    bytes: &[u8],
    release: Option<crate::release::Release>,
) -> FileReport {
    let extra = |src: &SourceFile| release_lints(kind, src, release);
    check_decoded_with(
        display,
        kind,
        lint::file::check_bytes(display, bytes),
        &extra,
    )
    .report
}

/// The release rules for a file of `kind`, when a release is given.
fn release_lints(
    kind: FileKind,
    src: &SourceFile,
    release: Option<crate::release::Release>,
) -> Vec<Diagnostic> {
    match release {
        Some(r) => lint::release::check(kind, src, r),
        None => Vec::new(),
    }
}

/// Lint in-memory text as `kind`; returns the raw diagnostics (spans into `text`), sorted.
pub fn check_text(path: &str, kind: FileKind, text: &str) -> Vec<Diagnostic> {
    check_text_for(path, kind, text, None)
}

/// [`check_text`] judged for `release` too (the release rules of [`lint::release`]).
pub fn check_text_for(
    path: &str,
    kind: FileKind,
    text: &str,
    release: Option<crate::release::Release>,
) -> Vec<Diagnostic> {
    let file = lint::file::check_bytes(path, text.as_bytes());
    let mut diags = file.diagnostics;
    if !file.is_binary {
        diags.extend(lint_source(kind, &file.source));
        diags.extend(release_lints(kind, &file.source, release));
    }
    sort_diagnostics(&mut diags);
    diags
}

/// The result of checking one file's bytes: its report and, when a caller needs the text
/// (the rules file, for rules.ok and cross-file rules), the decoded source.
struct Checked {
    report: FileReport,
    source: Option<SourceFile>,
}

fn check_bytes(display: &str, kind: FileKind, bytes: &[u8]) -> Checked {
    check_decoded(display, kind, lint::file::check_bytes(display, bytes))
}

/// [`check_bytes`] for bytes read from a file: they are freed once decoded, before the
/// file is parsed (for a large file the AST is the peak; the raw bytes need not add to it).
fn check_read_bytes(display: &str, kind: FileKind, bytes: Vec<u8>) -> Checked {
    let file = lint::file::check_bytes(display, &bytes);
    drop(bytes);
    check_decoded(display, kind, file)
}

fn check_decoded(display: &str, kind: FileKind, file: lint::file::FileBytes) -> Checked {
    check_decoded_with(display, kind, file, &|_| Vec::new())
}

/// [`check_decoded`] plus the findings of `extra` (cross-file rules that need the text).
fn check_decoded_with(
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

/// Read and check one file of a directory (`dir/rel`); read errors become F001 findings,
/// a path leading outside the directory an F008 finding (the file is not read).
fn check_member(dir: &Path, rel: &Path, display: &str, kind: FileKind) -> Checked {
    check_member_with(dir, rel, display, kind, &|_| Vec::new())
}

/// [`check_member`] plus the findings of `extra` on the decoded text.
fn check_member_with(
    dir: &Path,
    rel: &Path,
    display: &str,
    kind: FileKind,
    extra: &dyn Fn(&SourceFile) -> Vec<Diagnostic>,
) -> Checked {
    match read_member(dir, rel) {
        Ok(bytes) => {
            let file = lint::file::check_bytes(display, &bytes);
            drop(bytes);
            check_decoded_with(display, kind, file, extra)
        }
        Err(e) => Checked {
            report: make_report(display, kind, None, vec![unreadable(e)]),
            source: None,
        },
    }
}

/// The format lints for one kind of file.
fn lint_source(kind: FileKind, src: &SourceFile) -> Vec<Diagnostic> {
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
mod formats {
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

fn sort_diagnostics(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (a.span.start, a.span.end, a.code).cmp(&(b.span.start, b.span.end, b.code))
    });
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
fn make_report(
    display: &str,
    kind: FileKind,
    src: Option<&SourceFile>,
    mut diags: Vec<Diagnostic>,
) -> FileReport {
    sort_diagnostics(&mut diags);
    let diags = cap_per_rule(diags);
    // Secrets are masked whatever the kind: a sysidcfg checked under another name (or as a
    // profile by mistake) must not leak its root password either.
    let secrets = src.map(|s| secret_spans(&s.text)).unwrap_or_default();
    let values: BTreeSet<&str> = match src {
        Some(src) => secrets
            .iter()
            .map(|s| &src.text[s.clone()])
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

/// Longest distance (in lines) a secondary label may be from the primary span and still be
/// drawn in the same excerpt.
const MAX_EXCERPT_LINES: usize = 12;

/// Largest excerpt kept for a finding. Longer ones (a multi-megabyte line) are not shown:
/// the finding keeps its position, and memory stays bounded by the findings, not the lines.
const MAX_EXCERPT_BYTES: usize = 16 * 1024;

/// Most excerpt bytes kept for the findings of one file. Each finding keeps its own copy of
/// its lines, so a file of 10 KiB lines with a finding on every word would otherwise keep
/// (and render) gigabytes; past the budget, findings keep their position only.
const MAX_EXCERPT_BYTES_PER_FILE: usize = 1 << 20;

fn excerpt(
    src: &SourceFile,
    secrets: &[Span],
    primary: Span,
    secondary: &[Label],
    budget: usize,
) -> Option<Excerpt> {
    let text = &src.text;
    let first = src.line_span_at(primary.start);
    let last = src.line_span_at(primary.end);
    let mut lo = first.start;
    let mut hi = last.end.max(first.end);
    let primary_line = src.line_index(primary.start);
    let mut kept = Vec::new();
    for label in secondary {
        let s = label.span.start.min(text.len());
        let e = label.span.end.clamp(s, text.len());
        let line = src.line_index(s);
        if line.abs_diff(primary_line) > MAX_EXCERPT_LINES {
            continue;
        }
        lo = lo.min(src.line_span_at(s).start);
        hi = hi.max(src.line_span_at(e).end);
        kept.push((s..e, label.message.clone()));
    }
    if hi - lo > MAX_EXCERPT_BYTES.min(budget) {
        return None;
    }
    // Mask secrets that intersect the excerpt: each becomes `********`, and every span is
    // moved to match. `secret_spans` returns them sorted and disjoint, so the ones that
    // can intersect are found by bisection, not by a scan per finding.
    let first_secret = secrets.partition_point(|s| s.end <= lo);
    let mask: Vec<Span> = secrets[first_secret..]
        .iter()
        .take_while(|s| s.start < hi)
        .filter(|s| s.start < hi && s.end > lo)
        .map(|s| s.start.max(lo)..s.end.min(hi))
        .collect();
    let map = |off: usize| -> usize {
        let mut shift: isize = 0;
        for m in &mask {
            if off >= m.end {
                shift += MASK.len() as isize - m.len() as isize;
            } else if off > m.start {
                // Inside a masked value: clamp into the mask.
                let inside = (off - m.start).min(MASK.len());
                return ((m.start - lo) as isize + shift) as usize + inside;
            }
        }
        ((off - lo) as isize + shift) as usize
    };
    let mut out = String::with_capacity(hi - lo);
    let mut at = lo;
    for m in &mask {
        out.push_str(&text[at..m.start]);
        out.push_str(MASK);
        at = m.end;
    }
    out.push_str(&text[at..hi]);
    Some(Excerpt {
        text: out,
        first_line: src.line_index(lo) + 1,
        primary: map(primary.start)..map(primary.end),
        secondary: kept
            .into_iter()
            .map(|(s, message)| Label {
                span: map(s.start)..map(s.end),
                message,
            })
            .collect(),
    })
}

/// What a secret value is shown as.
pub const MASK: &str = "********";

/// sysidcfg keywords whose values are secrets (case-insensitive).
const SECRET_KEYS: &[&str] = &[
    "root_password",
    "proxy_password",
    "oracle_pw",
    "http_proxy_pw",
];

/// Spans of values that must never be shown, for every key of [`SECRET_KEYS`]
/// (case-insensitive, at the start of a word) in every form a sysidcfg reader may take for
/// a key and its value: `KEY=VALUE`, `KEY = VALUE` (newlines around `=` too, as the
/// tokenizer treats them as blanks), `KEY:VALUE`, `KEY VALUE` on one line, `KEY={VALUE}`,
/// and `"quoted"` / `'quoted'` values whole. The spans are sorted and disjoint.
pub fn secret_spans(text: &str) -> Vec<Span> {
    let bytes = text.as_bytes();
    let blank = |b: u8| b == b' ' || b == b'\t' || b == b'\r';
    let space = |b: u8| blank(b) || b == b'\n';
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        // Keys start a word; every key starts with one of these letters.
        if !matches!(bytes[i] | 0x20, b'r' | b'p' | b'o' | b'h') {
            i += 1;
            continue;
        }
        let at_word_start =
            i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
        let key = SECRET_KEYS.iter().find(|k| {
            at_word_start
                && bytes.len() - i >= k.len()
                && bytes[i..i + k.len()].eq_ignore_ascii_case(k.as_bytes())
                && bytes
                    .get(i + k.len())
                    .is_none_or(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
        });
        let Some(key) = key else {
            i += 1;
            continue;
        };
        let after_key = i + key.len();
        // `=` may follow after blanks and newlines; `:` only glued; else a value on the line.
        let mut j = after_key;
        while j < bytes.len() && space(bytes[j]) {
            j += 1;
        }
        if j < bytes.len() && bytes[j] == b'=' {
            j += 1;
            while j < bytes.len() && space(bytes[j]) {
                j += 1;
            }
        } else if after_key < bytes.len() && bytes[after_key] == b':' {
            j = after_key + 1;
            while j < bytes.len() && blank(bytes[j]) {
                j += 1;
            }
        } else {
            j = after_key;
            while j < bytes.len() && blank(bytes[j]) {
                j += 1;
            }
        }
        // `{VALUE}`: the value is inside the braces.
        if j < bytes.len() && bytes[j] == b'{' {
            j += 1;
            while j < bytes.len() && space(bytes[j]) {
                j += 1;
            }
        }
        let start = j;
        if j < bytes.len() && (bytes[j] == b'"' || bytes[j] == b'\'') {
            let quote = bytes[j];
            j += 1;
            while j < bytes.len() && bytes[j] != quote && bytes[j] != b'\n' {
                j += 1;
            }
            j = (j + 1).min(bytes.len());
        } else {
            while j < bytes.len()
                && !bytes[j].is_ascii_whitespace()
                && !matches!(bytes[j], b'{' | b'}' | b'=')
            {
                j += 1;
            }
        }
        if j > start {
            out.push(start..j);
        }
        i = j.max(after_key);
    }
    out
}

// ------------------------------------------------------------------------------------------
// Directory check

/// Check a JumpStart directory; see the module docs.
pub fn check_dir(dir: &Path, opts: &CheckOptions) -> Result<CheckReport, CheckError> {
    let mut files = Collected::default();
    let shown = |rel: &str| dir.join(rel).display().to_string();

    // custom_probes: function names it defines.
    // Present as any kind of entry (a link out included: reported, not read).
    let custom = if std::fs::symlink_metadata(dir.join("custom_probes")).is_ok_and(|m| !m.is_dir())
    {
        let display = shown("custom_probes");
        let checked = check_member(
            dir,
            Path::new("custom_probes"),
            &display,
            FileKind::CustomProbes,
        );
        let defined = checked
            .source
            .as_ref()
            .map(|s| lint::dir::custom_probes::defined_functions(&s.text))
            .unwrap_or_default();
        files.seen.insert(display);
        files.add(checked.report);
        Some(defined)
    } else {
        None
    };

    // rules
    let (rules_path, rules_shown) = match &opts.rules_file {
        Some(r) => {
            if !r.is_file() {
                return Err(CheckError::RulesFileNotFound {
                    path: r.display().to_string(),
                });
            }
            (r.clone(), r.display().to_string())
        }
        None => (dir.join("rules"), shown("rules")),
    };
    let mut derived_rules_ok = None;
    let mut provided_si: Option<BTreeSet<String>> = None;
    let mut references: BTreeSet<(String, FileKind)> = BTreeSet::new();
    // A `rules` that exists but is not a readable file (a directory…) is an F001 finding;
    // one that is a link out of the directory an F008 finding.
    if std::fs::symlink_metadata(&rules_path).is_ok() || opts.rules_file.is_some() {
        let (report, derived, provided) = check_rules_in_dir(
            dir,
            opts.rules_file.is_none(),
            &rules_path,
            &rules_shown,
            custom.as_ref(),
            &mut references,
        );
        derived_rules_ok = derived;
        provided_si = provided;
        files.seen.insert(rules_shown.clone());
        files.add(report);
    }

    // Every file a rule names, once each.
    for (name, kind) in &references {
        let Some(path) = member_path(dir, name) else {
            continue; // outside the directory: reported by cross_file, never read
        };
        if !path.is_file() {
            continue; // already reported by missing_file
        }
        let display = path.display().to_string();
        if !files.seen.insert(display.clone()) {
            continue;
        }
        // J009: the SI_* variables a begin/finish script reads, against what rules sets.
        let extra = |src: &SourceFile| match (&provided_si, kind) {
            (Some(provided), FileKind::Begin | FileKind::Finish) => {
                lint::dir::unprovided_si_variable::check(src, provided)
            }
            _ => release_lints(*kind, src, opts.release),
        };
        files.add(check_member_with(dir, below(dir, &path), &display, *kind, &extra).report);
    }

    // Every sysidcfg and bootparams below the directory, in batches so that memory does not
    // grow with the number of client directories.
    const BATCH: usize = 512;
    let mut batch: Vec<(PathBuf, String, FileKind)> = Vec::with_capacity(BATCH);
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                let io = e
                    .into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("filesystem loop"));
                let d = lint::file::unreadable_file::diagnostic(&io);
                files.add(make_report(&path, FileKind::Profile, None, vec![d]));
                continue;
            }
        };
        let kind = match entry.file_name().to_str() {
            Some("sysidcfg") => FileKind::Sysidcfg,
            Some("bootparams") => FileKind::Bootparams,
            Some("dhcp" | "dhcpd.conf") => FileKind::Dhcp,
            _ => continue,
        };
        if entry.file_type().is_dir() {
            continue;
        }
        if kind == FileKind::Dhcp {
            // J010: few such files; compared with the hosts/ethers beside them.
            let display = entry.path().display().to_string();
            files.add(check_dhcp_in_dir(dir, entry.path(), &display).report);
            continue;
        }
        let display = entry.path().display().to_string();
        if files.seen.contains(&display) {
            continue;
        }
        batch.push((entry.into_path(), display, kind));
        if batch.len() == BATCH {
            for report in check_many(dir, &batch, opts.threads, opts.release) {
                files.add(report);
            }
            batch.clear();
        }
    }
    for report in check_many(dir, &batch, opts.threads, opts.release) {
        files.add(report);
    }

    let mut report = CheckReport {
        files: files.with_findings.into_values().collect(),
        files_checked: files.count,
        rules_ok: Vec::new(),
    };

    // rules.ok
    if let Some(derived) = derived_rules_ok {
        let ok_path = if opts.rules_file.is_some() {
            let mut p = rules_path.clone().into_os_string();
            p.push(".ok");
            PathBuf::from(p)
        } else {
            dir.join("rules.ok")
        };
        let ok_shown = ok_path.display().to_string();
        let existing = read_member(dir, below(dir, &ok_path)).ok();
        let stale = existing.as_deref().is_some_and(|e| e != derived.as_bytes());
        let status = if opts.rules_file.is_some() {
            RulesOkStatus::NotWrittenRulesOption
        } else if report.has_errors() {
            RulesOkStatus::NotWrittenErrors {
                existing: existing.is_some(),
                stale,
            }
        } else if !opts.write_rules_ok {
            RulesOkStatus::NotWrittenNoWrite {
                existing: existing.is_some(),
                stale,
            }
        } else if existing.is_some() && !stale {
            RulesOkStatus::UpToDate
        } else {
            write_atomic(&ok_path, derived.as_bytes()).map_err(|source| {
                CheckError::WriteRulesOk {
                    path: ok_shown.clone(),
                    error: source,
                }
            })?;
            RulesOkStatus::Written
        };
        // An existing rules.ok that is kept but differs from `rules` is linted and flagged
        // (an identical one would only repeat the findings of `rules`).
        if let Some(bytes) = &existing
            && stale
            && status != RulesOkStatus::Written
        {
            let ok_report =
                check_rules_ok_in_dir(&ok_shown, bytes, custom.as_ref(), &derived, &rules_shown);
            report.files_checked += 1;
            if !ok_report.findings.is_empty() {
                insert_sorted(&mut report.files, ok_report);
            }
        }
        report.rules_ok.push(RulesOkOutcome {
            path: ok_shown,
            status,
        });
    }
    Ok(report)
}

/// Check a DHCP file of a directory (J010) against the `hosts` and `ethers` beside it.
fn check_dhcp_in_dir(dir: &Path, path: &Path, display: &str) -> Checked {
    let sibling = |name: &str, mac: bool| {
        let p = path.with_file_name(name);
        read_member(dir, below(dir, &p)).ok().map(|b| {
            lint::dir::dhcp_disagrees_with_hosts::name_table(&String::from_utf8_lossy(&b), mac)
        })
    };
    let hosts = sibling("hosts", false);
    let ethers = sibling("ethers", true);
    let isc = path.file_name().is_some_and(|n| n == "dhcpd.conf");
    let extra = |src: &SourceFile| {
        lint::dir::dhcp_disagrees_with_hosts::check(src, isc, hosts.as_ref(), ethers.as_ref())
    };
    check_member_with(dir, below(dir, path), display, FileKind::Dhcp, &extra)
}

/// Check the rules file of a directory: file-level, R and J rules from one parse. Returns
/// the report and, when the file could be decoded, the `rules.ok` it derives and the
/// `SI_*` variables it has JumpStart set (for J009).
fn check_rules_in_dir(
    dir: &Path,
    confined: bool,
    path: &Path,
    display: &str,
    custom: Option<&BTreeSet<String>>,
    references: &mut BTreeSet<(String, FileKind)>,
) -> (FileReport, Option<String>, Option<BTreeSet<String>>) {
    use crate::rules::Flavor;
    // `DIR/rules` is confined like every file of the directory; a file named with `-r`
    // is read where the user said.
    let bytes = if confined {
        read_member(dir, below(dir, path))
    } else {
        read_named(path).map_err(crate::confine::ConfineError::Io)
    };
    let bytes = match bytes {
        Ok(b) => b,
        Err(e) => {
            let d = unreadable(e);
            return (
                make_report(display, FileKind::Rules, None, vec![d]),
                None,
                None,
            );
        }
    };
    let file = lint::file::check_bytes(display, &bytes);
    drop(bytes);
    let mut diags = file.diagnostics;
    if file.is_binary {
        return (
            make_report(display, FileKind::Rules, None, diags),
            None,
            None,
        );
    }
    let src = file.source;
    let (ast, parse_diags) = crate::rules::parse_as(&src, Flavor::Rules);
    diags.extend(parse_diags);
    diags.extend(crate::rules::lint(&src, &ast));
    if let Some(custom) = custom {
        let allowed = custom_defined_spans(&ast, custom);
        diags.retain(|d| !(matches!(d.code, "R201" | "R203") && allowed.contains(&d.span)));
    }
    diags.extend(cross_file(dir, &ast, references));
    let derived = formats::derive_rules_ok(&src);
    let provided = lint::dir::unprovided_si_variable::provided_by(&ast);
    (
        make_report(display, FileKind::Rules, Some(&src), diags),
        Some(derived),
        Some(provided),
    )
}

/// Lint an existing, stale rules.ok of a directory (R rules with the custom_probes filter,
/// plus J008).
fn check_rules_ok_in_dir(
    display: &str,
    bytes: &[u8],
    custom: Option<&BTreeSet<String>>,
    derived: &str,
    rules_shown: &str,
) -> FileReport {
    let file = lint::file::check_bytes(display, bytes);
    let mut diags = file.diagnostics;
    if file.is_binary {
        return make_report(display, FileKind::RulesOk, None, diags);
    }
    let src = file.source;
    let (ast, parse_diags) = crate::rules::parse_ok(&src);
    diags.extend(parse_diags);
    diags.extend(crate::rules::lint(&src, &ast));
    if let Some(custom) = custom {
        let allowed = custom_defined_spans(&ast, custom);
        diags.retain(|d| !(matches!(d.code, "R201" | "R203") && allowed.contains(&d.span)));
    }
    diags.push(lint::dir::stale_rules_ok::diagnostic(
        &src,
        derived,
        rules_shown,
    ));
    make_report(display, FileKind::RulesOk, Some(&src), diags)
}

/// Where the installer looks for a file a rule names: `SI_CONFIG_DIR/NAME` (a leading `/`
/// does not make it absolute there). `None` when that leads out of the directory (`..`, a
/// symbolic link out of it; see [`crate::confine`]): the client cannot see such a file,
/// and the checker must not read, and print excerpts of, files outside the directory it
/// was asked to check (a rules file naming `../../etc/shadow` in a CI run).
fn member_path(dir: &Path, name: &str) -> Option<PathBuf> {
    let rel = Path::new(name.trim_start_matches('/'));
    match crate::confine::open_inside(dir, rel) {
        Err(e) if e.is_outside() => None,
        _ => Some(dir.join(rel)),
    }
}

/// The J rules of one parsed rules file; collects the files its rules name into
/// `references`. Each distinct file is looked up once.
fn cross_file(
    dir: &Path,
    file: &crate::rules::RulesFile,
    references: &mut BTreeSet<(String, FileKind)>,
) -> Vec<Diagnostic> {
    use crate::rules::FieldValue;
    let mut out = Vec::new();
    // (name, kind) → found (None) or the finding's template (Some).
    let mut lookups: BTreeMap<(String, FileKind), Option<Diagnostic>> = BTreeMap::new();
    for rule in file.rules() {
        let fields = [
            (FileKind::Begin, &rule.begin),
            (FileKind::Profile, &rule.profile),
            (FileKind::Finish, &rule.finish),
        ];
        for (kind, field) in fields {
            if field.value == FieldValue::Derived {
                continue;
            }
            let Some(name) = field.path() else { continue };
            let key = (name, kind);
            let template =
                lookups
                    .entry(key.clone())
                    .or_insert_with(|| match member_path(dir, &key.0) {
                        Some(path) => lint::dir::missing_file::check(&kind, &key.0, &path, 0..0),
                        None => Some(lint::dir::missing_file::outside(&kind, &key.0, 0..0)),
                    });
            if let Some(d) = template {
                let mut d = d.clone();
                d.span = field.span.clone();
                out.push(d);
            }
        }
        out.extend(lint::dir::derived_profile_without_begin::check(
            rule.begin.value.as_str(),
            rule.profile.value.as_str(),
            rule.profile.span.clone(),
        ));
    }
    references.extend(lookups.into_keys());
    out
}

/// Spans of the custom match keywords (R201) and probes (R203) of a rules file that
/// `custom_probes` defines as `cmp_NAME()` / `probe_NAME()`: those findings are dropped in a
/// directory check, as Solaris `check` accepts them.
fn custom_defined_spans(file: &crate::rules::RulesFile, custom: &BTreeSet<String>) -> Vec<Span> {
    let keywords = file
        .custom_keywords()
        .into_iter()
        .filter(|(name, _)| custom.contains(&format!("cmp_{name}")));
    let probes = file
        .custom_probes()
        .into_iter()
        .filter(|(name, _)| custom.contains(&format!("probe_{name}")));
    keywords.chain(probes).map(|(_, span)| span).collect()
}

/// Files of a directory check: the ones with findings (sorted by path), a count of all,
/// and the paths of the few files that may be reached twice (rules, custom_probes, files
/// named by rules).
#[derive(Default)]
struct Collected {
    with_findings: BTreeMap<String, FileReport>,
    count: usize,
    seen: BTreeSet<String>,
}

impl Collected {
    fn add(&mut self, report: FileReport) {
        self.count += 1;
        if !report.findings.is_empty() {
            self.with_findings.insert(report.path.clone(), report);
        }
    }
}

fn insert_sorted(files: &mut Vec<FileReport>, report: FileReport) {
    let at = files.partition_point(|f| f.path < report.path);
    files.insert(at, report);
}

/// Check many small files on up to `threads` threads; the result keeps the input order.
fn check_many(
    dir: &Path,
    files: &[(PathBuf, String, FileKind)],
    threads: usize,
    release: Option<crate::release::Release>,
) -> Vec<FileReport> {
    let check_member = |dir: &Path, rel: &Path, display: &str, kind: FileKind| {
        let extra = |src: &SourceFile| release_lints(kind, src, release);
        check_member_with(dir, rel, display, kind, &extra)
    };
    let threads = threads.clamp(1, 8);
    if threads == 1 || files.len() < 64 {
        return files
            .iter()
            .map(|(p, d, k)| check_member(dir, below(dir, p), d, *k).report)
            .collect();
    }
    let chunk = files.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|(p, d, k)| check_member(dir, below(dir, p), d, *k).report)
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

/// Write `bytes` to `path` via a temporary file in the same directory and a rename, so
/// readers see the old or the new file, never a half-written one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".rules.ok.")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    // Solaris recommends mode 644 for JumpStart files; tempfile creates 600.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_from_name() {
        for (path, kind) in [
            ("a/rules", FileKind::Rules),
            ("rules.ok", FileKind::RulesOk),
            ("x/sysidcfg", FileKind::Sysidcfg),
            ("bootparams", FileKind::Bootparams),
            ("pre.beg", FileKind::Begin),
            ("web01.sysidcfg", FileKind::Sysidcfg),
            ("bootparams.lab", FileKind::Bootparams),
            ("post.fin", FileKind::Finish),
            ("web.prof", FileKind::Profile),
        ] {
            assert_eq!(FileKind::from_path(Path::new(path)), kind, "{path}");
        }
        for k in FileKind::ALL {
            assert_eq!(FileKind::parse(k.as_str()), Some(*k));
        }
    }

    #[test]
    fn secrets_found_case_insensitively() {
        let t = "network_interface=none\nROOT_PASSWORD = abc$1x\nroot_password=q}\nname_service=LDAP {proxy_password=\"a b\" x_root_password=no}\n";
        let spans = secret_spans(t);
        assert_eq!(spans.len(), 3);
        assert_eq!(&t[spans[0].clone()], "abc$1x");
        assert_eq!(&t[spans[1].clone()], "q");
        assert_eq!(&t[spans[2].clone()], "\"a b\"");
    }

    #[test]
    fn every_form_of_a_secret_key_is_found() {
        for form in [
            "root_password=S3cret",
            "root_password = S3cret",
            "root_password S3cret",
            "root_password\tS3cret",
            "root_password:S3cret",
            "root_password: S3cret",
            "root_password={S3cret}",
            "root_password = { S3cret }",
            "root_password=\"S3cret\"",
            "root_password='S3cret'",
            "root_password\n=\nS3cret",
            "name_service=LDAP {proxy_password S3cret}",
            "x=y root_password=S3cret",
        ] {
            let spans = secret_spans(form);
            assert_eq!(spans.len(), 1, "{form:?}: {spans:?}");
            let value = &form[spans[0].clone()];
            assert!(value.contains("S3cret"), "{form:?}: {value:?}");
            assert!(
                !value.contains('}') || value.starts_with('"'),
                "{form:?}: {value:?}"
            );
        }
        // Not keys: longer words, and a key alone at the end of a line.
        for text in ["root_passwords=x", "my_root_password=x", "root_password\n"] {
            assert!(secret_spans(text).is_empty(), "{text:?}");
        }
    }

    #[test]
    fn excerpt_masks_secret_and_moves_spans() {
        let src = SourceFile::new("sysidcfg", "root_password=0123456789abcdef timezone=Mars\n");
        let secrets = secret_spans(&src.text);
        let tz = src.text.find("Mars").unwrap();
        let ex = excerpt(&src, &secrets, tz..tz + 4, &[], usize::MAX).unwrap();
        assert_eq!(ex.text, "root_password=******** timezone=Mars");
        assert_eq!(&ex.text[ex.primary.clone()], "Mars");
        let pw = src.text.find("0123").unwrap();
        let ex = excerpt(&src, &secrets, pw..pw + 16, &[], usize::MAX).unwrap();
        assert_eq!(&ex.text[ex.primary.clone()], MASK);
    }

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

    #[test]
    fn derive_matches_worked_example() {
        let rules = "# Lab rules -- first match wins\nprobe osname\n\nhostname build01                    -        zfs_mirror.prof  post.fin   # build host\nnetwork 10.20.30.0 && karch sun4v   -        t2_server.prof   post.fin\n\tmemsize 2048-65536 && ! model \\\n\t'SUNW,Sun-Fire-V240'               pre.beg  =                -\nany -                               -        fallback.prof    -\n";
        let ok = formats::derive_rules_ok(&SourceFile::new("rules", rules));
        assert!(ok.ends_with("# version=2 checksum=20167\n"), "{ok}");
    }
}
