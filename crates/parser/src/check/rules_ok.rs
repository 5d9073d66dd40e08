//! `rules.ok`, as Solaris `check` writes it: what happened to it in a directory check
//! ([`RulesOkStatus`]), the decision (written only when the whole check found no error, never
//! with `-r`, left as is when up to date), the lint of an existing stale one (J008) and the
//! atomic write.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::lint;

use super::read::{below, read_member};
use super::report::{CheckReport, FileReport, make_report};
use super::walk::custom_defined_spans;
use super::{CheckError, CheckOptions, FileKind};

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

/// Decide what happens to the `rules.ok` of a directory check whose findings are all in
/// `report`, write it when due, and record the outcome (and the findings of a stale one
/// that is kept) in `report`. `derived` is the `rules.ok` the checked rules file derives.
pub(super) fn settle(
    dir: &Path,
    opts: &CheckOptions,
    rules_path: &Path,
    rules_shown: &str,
    derived: String,
    custom: Option<&BTreeSet<String>>,
    report: &mut CheckReport,
) -> Result<(), CheckError> {
    let ok_path = if opts.rules_file.is_some() {
        let mut p = rules_path.as_os_str().to_owned();
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
        write_atomic(&ok_path, derived.as_bytes()).map_err(|source| CheckError::WriteRulesOk {
            path: ok_shown.clone(),
            error: source,
        })?;
        RulesOkStatus::Written
    };
    // An existing rules.ok that is kept but differs from `rules` is linted and flagged
    // (an identical one would only repeat the findings of `rules`).
    if let Some(bytes) = &existing
        && stale
        && status != RulesOkStatus::Written
    {
        let ok_report = check_rules_ok_in_dir(&ok_shown, bytes, custom, &derived, rules_shown);
        report.files_checked += 1;
        if !ok_report.findings.is_empty() {
            insert_sorted(&mut report.files, ok_report);
        }
    }
    report.rules_ok.push(RulesOkOutcome {
        path: ok_shown,
        status,
    });
    Ok(())
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

fn insert_sorted(files: &mut Vec<FileReport>, report: FileReport) {
    let at = files.partition_point(|f| f.path < report.path);
    files.insert(at, report);
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
    use super::super::file::formats;
    use crate::source::SourceFile;

    #[test]
    fn derive_matches_worked_example() {
        let rules = "# Lab rules -- first match wins\nprobe osname\n\nhostname build01                    -        zfs_mirror.prof  post.fin   # build host\nnetwork 10.20.30.0 && karch sun4v   -        t2_server.prof   post.fin\n\tmemsize 2048-65536 && ! model \\\n\t'SUNW,Sun-Fire-V240'               pre.beg  =                -\nany -                               -        fallback.prof    -\n";
        let ok = formats::derive_rules_ok(&SourceFile::new("rules", rules));
        assert!(ok.ends_with("# version=2 checksum=20167\n"), "{ok}");
    }
}
