//! Reading a report directory: every `<host>.json` in it, each checked on its own.
//!
//! The directory is shared read-write with every client being installed, so nothing in
//! it is trusted: a file that is not a report is a [`Warning`] naming it and the listing
//! goes on. What is skipped without a word is what writers leave there by design: names
//! starting with `.` (a writer's temporary file, `.ws001.json.123`, before its rename)
//! and names not ending in `.json`.

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use zflash_runtime::report::{MAX_REPORT_BYTES, Report};

/// A report file that could not be used, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The file.
    pub file: PathBuf,
    /// What is wrong with it.
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file.display(), self.message)
    }
}

/// What one `<host>.json` held.
#[derive(Debug, Clone)]
pub enum Entry {
    /// A valid report.
    Report {
        /// The file it was read from.
        file: PathBuf,
        /// The report.
        report: Box<Report>,
    },
    /// A file with a report's name that is not a usable report (its [`Warning`] is in
    /// [`ReportDir::warnings`] too).
    Unreadable {
        /// The file.
        file: PathBuf,
        /// Why it cannot be used.
        message: String,
    },
}

/// Every report file of a directory, by host name (the file name without `.json`).
#[derive(Debug, Default)]
pub struct ReportDir {
    /// By host name.
    pub entries: HashMap<String, Entry>,
    /// One per file that is not a usable report, in file-name order.
    pub warnings: Vec<Warning>,
}

/// The report directory itself cannot be listed.
#[derive(Debug, thiserror::Error)]
#[error("cannot read report directory {}: {error}", path.display())]
pub struct ReadDirError {
    /// The directory.
    pub path: PathBuf,
    /// Why.
    pub error: std::io::Error,
}

/// Read every report of `dir`. Only a directory that cannot be listed is an error; each
/// bad file is a warning.
pub fn read_report_dir(dir: &Path) -> Result<ReportDir, ReadDirError> {
    let fail = |error| ReadDirError {
        path: dir.to_path_buf(),
        error,
    };
    let mut out = ReportDir::default();
    for entry in std::fs::read_dir(dir).map_err(fail)? {
        let entry = entry.map_err(fail)?;
        let name = entry.file_name();
        let file = entry.path();
        let Some(name) = name.to_str() else {
            if name.as_encoded_bytes().ends_with(b".json") {
                out.warn(file, "the file name is not UTF-8: not a host name");
            }
            continue;
        };
        // Writers' temporary files (renamed into place when complete) and other hidden
        // files, and anything that is not named as a report.
        if name.starts_with('.') {
            continue;
        }
        let Some(host) = name.strip_suffix(".json") else {
            continue;
        };
        match read_one(&entry, &file, host) {
            Ok(report) => {
                out.entries.insert(
                    host.to_string(),
                    Entry::Report {
                        file,
                        report: Box::new(report),
                    },
                );
            }
            Err(message) => {
                out.warn(file.clone(), &message);
                out.entries
                    .insert(host.to_string(), Entry::Unreadable { file, message });
            }
        }
    }
    out.warnings.sort_by(|a, b| a.file.cmp(&b.file));
    Ok(out)
}

impl ReportDir {
    fn warn(&mut self, file: PathBuf, message: &str) {
        self.warnings.push(Warning {
            file,
            message: message.to_string(),
        });
    }
}

/// One report file, checked: a regular file (never followed through a symbolic link: a
/// client could point one at any file of the server), at most [`MAX_REPORT_BYTES`], a
/// valid report, for the host its name says.
fn read_one(entry: &std::fs::DirEntry, file: &Path, host: &str) -> Result<Report, String> {
    let kind = entry.file_type().map_err(|e| format!("cannot read: {e}"))?;
    if kind.is_symlink() {
        return Err("a symbolic link, not a report: not followed".into());
    }
    if kind.is_dir() {
        return Err("a directory, not a report".into());
    }
    if !kind.is_file() {
        let what = if kind.is_fifo() {
            "a FIFO"
        } else if kind.is_socket() {
            "a socket"
        } else {
            "a device"
        };
        return Err(format!("{what}, not a report"));
    }
    // O_NOFOLLOW and O_NONBLOCK: the file may have been replaced by a link or a FIFO
    // since it was listed; the open must neither follow the one nor hang on the other.
    let mut handle = File::options()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(file)
        .map_err(|e| format!("cannot read: {e}"))?;
    let meta = handle.metadata().map_err(|e| format!("cannot read: {e}"))?;
    if !meta.is_file() {
        return Err("not a regular file, not a report".into());
    }
    let mut bytes = Vec::with_capacity(meta.len().min(MAX_REPORT_BYTES) as usize);
    (&mut handle)
        .take(MAX_REPORT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > MAX_REPORT_BYTES {
        return Err(format!(
            "larger than {} KiB: not a report",
            MAX_REPORT_BYTES >> 10
        ));
    }
    let report = Report::from_json(&bytes).map_err(|e| e.to_string())?;
    if report.client != host {
        return Err(format!(
            "the report is for client {:?}, its file name for {host:?}: not used",
            report.client
        ));
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::ffi::OsStrExt;

    fn warning_for<'a>(dir: &'a ReportDir, name: &str) -> Option<&'a Warning> {
        dir.warnings.iter().find(|w| {
            w.file
                .file_name()
                .is_some_and(|n| n.as_bytes() == name.as_bytes())
        })
    }

    #[test]
    fn a_fifo_named_like_a_report_is_a_warning_not_a_hang() {
        let tmp = tempfile::tempdir().unwrap();
        let fifo = tmp.path().join("ws001.json");
        let c = std::ffi::CString::new(fifo.as_os_str().as_bytes()).unwrap();
        // SAFETY: mkfifo(3) with a NUL-terminated path that lives across the call.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        let dir = read_report_dir(tmp.path()).unwrap();
        assert_eq!(
            warning_for(&dir, "ws001.json").unwrap().message,
            "a FIFO, not a report"
        );
        assert!(matches!(
            dir.entries.get("ws001"),
            Some(Entry::Unreadable { .. })
        ));
    }

    #[test]
    fn hidden_and_other_files_are_skipped_silently() {
        let tmp = tempfile::tempdir().unwrap();
        for name in [
            ".ws001.json.123",
            ".ws001.json",
            "ws001.json.tmp",
            "README",
            "lost+found",
        ] {
            std::fs::write(tmp.path().join(name), "{").unwrap();
        }
        let dir = read_report_dir(tmp.path()).unwrap();
        assert!(dir.entries.is_empty() && dir.warnings.is_empty(), "{dir:?}");
    }

    #[test]
    fn a_non_utf8_report_name_is_a_warning() {
        let tmp = tempfile::tempdir().unwrap();
        let name = std::ffi::OsStr::from_bytes(b"ws\xff01.json");
        std::fs::write(tmp.path().join(name), "{}").unwrap();
        let dir = read_report_dir(tmp.path()).unwrap();
        assert!(dir.entries.is_empty());
        assert_eq!(dir.warnings.len(), 1);
        assert_eq!(dir.warnings[0].file.file_name(), Some(name));
        assert!(dir.warnings[0].message.contains("not UTF-8"));
    }

    #[test]
    fn a_missing_directory_is_an_error_naming_it() {
        let tmp = tempfile::tempdir().unwrap();
        let missing = tmp.path().join("nope");
        let err = read_report_dir(&missing).unwrap_err();
        assert!(err.to_string().starts_with(&format!(
            "cannot read report directory {}: ",
            missing.display()
        )));
    }
}
