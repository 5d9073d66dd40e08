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
//!   rule names, `custom_probes`, every `sysidcfg` and `bootparams` below the directory (and
//!   `deploy/*.yaml` with [`CheckOptions::deploy_config`]); then
//!   writes `rules.ok` atomically when the whole run found no error (see [`RulesOkStatus`]).
//! - [`check_file`]: one file; its kind from `--kind` or from its name and `#!` line ([`FileKind::from_path_and_bytes`]).
//! - [`check_bytes_as`]: check in-memory bytes as a given kind, for rendering;
//! - [`check_text`]: lint in-memory text as a given kind (no file system), e.g. for a
//!   generator that checks what it is about to write.
//!
//! The report holds, per file with findings, each [`Diagnostic`] with its line/column and a source
//! excerpt (secret values already masked), never whole sources: memory grows with the
//! largest file, not with the directory.
//!
//! # Layout
//!
//! - this module: the public API (kinds of files, options, errors, the entry points);
//! - `file`: one file's bytes to its report (format lints, release rules);
//! - `read`: bounded and confined reading of files;
//! - `walk`: the directory walk and the cross-file (J) rules;
//! - `deploy`: the deploy configs `deploy/*.yaml`, judged by a checker passed in;
//! - `report`: findings with positions, per-rule caps, secret scrubbing;
//! - `excerpt`: the source lines shown with a finding, secrets masked
//!   (see [`crate::sysidcfg::secrets`]);
//! - `rules_ok`: deciding and writing `rules.ok`.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::lint;
use crate::source::SourceFile;

mod deploy;
mod excerpt;
mod file;
mod read;
mod report;
mod rules_ok;
mod walk;

pub use crate::sysidcfg::secrets::{MASK, secret_spans};
pub use deploy::DeployConfigCheck;
pub use excerpt::Excerpt;
pub use read::MAX_FILE_BYTES;
pub use report::{
    CheckReport, FileReport, Finding, MAX_FINDINGS_PER_RULE, Position, report_from_diagnostics,
};
pub use rules_ok::{RulesOkOutcome, RulesOkStatus, write_atomic};
pub use walk::check_dir;

use file::{
    check_bytes, check_decoded_with, check_read_bytes, lint_source, release_lints, sort_diagnostics,
};
use read::read_named;

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
    /// `*.fin` / `finish*` → finish script; `deploy/*.yaml` → deploy config (checked with
    /// [`CheckOptions::deploy_config`]); anything else is a profile (profiles have no
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
            n if n.ends_with(".yaml")
                && path
                    .parent()
                    .and_then(Path::file_name)
                    .is_some_and(|d| d == "deploy") =>
            {
                FileKind::DeployConfig
            }
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
    /// Check the deploy configs `DIR/deploy/*.yaml` of a directory with this (zflash-
    /// generator's deploy-config validation; `None`: not looked at). They are checked
    /// before `rules.ok` is decided, so an error in one holds it back.
    pub deploy_config: Option<DeployConfigCheck>,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            write_rules_ok: true,
            rules_file: None,
            kind: None,
            threads: 2,
            release: None,
            deploy_config: None,
        }
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

/// Check a directory or a single file.
pub fn check_path(path: &Path, opts: &CheckOptions) -> Result<CheckReport, CheckError> {
    let meta = std::fs::metadata(path).map_err(|e| CheckError::reading(path, e))?;
    if meta.is_dir() {
        check_dir(path, opts)
    } else {
        let mut report = CheckReport::default();
        let display = path.display().to_string();
        // A FIFO or device is a finding about the file, as inside a directory (F001), not
        // a tool error: nothing is read, so the check neither hangs nor runs forever.
        let bytes = match read_named(path) {
            Ok(bytes) => bytes,
            Err(e) if read::not_regular(&e).is_some() => {
                let kind = opts.kind.unwrap_or_else(|| FileKind::from_path(path));
                let d = lint::file::unreadable_file::diagnostic(&e);
                report.add(report::make_report(&display, kind, None, vec![d]));
                return Ok(report);
            }
            Err(e) => return Err(CheckError::reading(path, e)),
        };
        let kind = opts
            .kind
            .unwrap_or_else(|| FileKind::from_path_and_bytes(path, &bytes));
        if kind == FileKind::DeployConfig
            && let Some(checker) = opts.deploy_config
        {
            report.add(deploy::check_deploy_bytes(&display, bytes, checker));
            return Ok(report);
        }
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
            ("js/deploy/web01.yaml", FileKind::DeployConfig),
            ("deploy/web01.yaml", FileKind::DeployConfig),
            ("site.yaml", FileKind::Profile),
        ] {
            assert_eq!(FileKind::from_path(Path::new(path)), kind, "{path}");
        }
        for k in FileKind::ALL {
            assert_eq!(FileKind::parse(k.as_str()), Some(*k));
        }
    }
}
