//! The deploy configs of a JumpStart directory (`deploy/*.yaml`, written by `zflash
//! generate`, read by `zflash finish` in the miniroot). Their validation lives in
//! zflash-generator, which depends on this crate, so the caller passes it in
//! ([`DeployConfigCheck`]); this module finds the files and reads them under the same rules
//! as every other file of the directory (confined, bounded, F rules). They are checked
//! during the walk, before `rules.ok` is decided: a broken deploy config holds back
//! `rules.ok` like any other error.

use std::path::Path;

use crate::lint;

use super::FileKind;
use super::read::{read_member, unreadable};
use super::report::{FileReport, make_report};

/// A checker of deploy configs, passed in [`super::CheckOptions::deploy_config`].
#[derive(Debug, Clone, Copy)]
pub struct DeployConfigCheck {
    /// Largest deploy config the reader (`zflash finish`) accepts; a larger file is an
    /// F001 finding, as it would fail there.
    pub max_bytes: u64,
    /// The findings for one deploy config's text, `display` naming it.
    pub check: fn(display: &str, text: &str) -> FileReport,
}

/// Check every `deploy/*.yaml` of `dir` (in name order) with `checker`; each report goes to
/// `add`.
pub(super) fn check_deploy_configs(
    dir: &Path,
    checker: DeployConfigCheck,
    add: &mut dyn FnMut(FileReport),
) {
    let deploy = Path::new("deploy");
    let shown = dir.join(deploy).display().to_string();
    match crate::confine::open_inside(dir, deploy) {
        Ok(_) => {}
        Err(e) if e.is_not_found() => return,
        Err(e) => {
            add(make_report(
                &shown,
                FileKind::DeployConfig,
                None,
                vec![unreadable(e)],
            ));
            return;
        }
    }
    // `deploy` is reached inside the directory (checked just above); each file is read
    // under the confinement rule again.
    let entries = match std::fs::read_dir(dir.join(deploy)) {
        Ok(entries) => entries,
        // Not a directory: nothing generated there.
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => return,
        Err(e) => {
            let d = lint::file::unreadable_file::diagnostic(&e);
            add(make_report(&shown, FileKind::DeployConfig, None, vec![d]));
            return;
        }
    };
    let mut names: Vec<std::ffi::OsString> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .filter(|n| Path::new(n).extension().is_some_and(|e| e == "yaml"))
        .collect();
    names.sort();
    for name in names {
        let rel = deploy.join(&name);
        let display = dir.join(&rel).display().to_string();
        add(check_one(dir, &rel, &display, checker));
    }
}

/// Read and check one deploy config of a directory.
fn check_one(dir: &Path, rel: &Path, display: &str, checker: DeployConfigCheck) -> FileReport {
    match read_member(dir, rel) {
        Ok(bytes) => check_deploy_bytes(display, bytes, checker),
        Err(e) => make_report(display, FileKind::DeployConfig, None, vec![unreadable(e)]),
    }
}

/// Check the bytes of one deploy config: F rules, then the checker on its text (not on a
/// binary file, or one over the size the reader accepts).
pub(super) fn check_deploy_bytes(
    display: &str,
    bytes: Vec<u8>,
    checker: DeployConfigCheck,
) -> FileReport {
    if bytes.len() as u64 > checker.max_bytes {
        let e = std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "{} bytes, more than the {} a deploy config may have",
                bytes.len(),
                checker.max_bytes
            ),
        );
        let d = lint::file::unreadable_file::diagnostic(&e);
        return make_report(display, FileKind::DeployConfig, None, vec![d]);
    }
    let file = lint::file::check_bytes(display, &bytes);
    drop(bytes);
    if file.is_binary {
        return make_report(display, FileKind::DeployConfig, None, file.diagnostics);
    }
    let mut report = (checker.check)(display, &file.source.text);
    let bytes_report = make_report(
        display,
        FileKind::DeployConfig,
        Some(&file.source),
        file.diagnostics,
    );
    report.findings.extend(bytes_report.findings);
    report.findings.sort_by(|a, b| {
        (a.start, a.end, a.diagnostic.code).cmp(&(b.start, b.end, b.diagnostic.code))
    });
    report
}
