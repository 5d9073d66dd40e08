//! File-level rules (`F0xx`): problems with the bytes of a file, whatever its kind.
//!
//! These run before any format parser. [`check_bytes`] turns raw bytes into a
//! [`SourceFile`] (lossily when they are not UTF-8) and reports every file-level
//! problem; binary files are not handed to a format parser at all.

use crate::diagnostic::{Diagnostic, Rule};
use crate::source::SourceFile;

pub mod binary_file;
pub mod check_stopped;
pub mod crlf_line_endings;
pub mod empty_file;
pub mod invalid_utf8;
pub mod long_line;
pub mod missing_final_newline;
pub mod symlink_outside;
pub mod unreadable_file;

/// The rules of this group (one file each).
pub static RULES: &[&Rule] = &[
    &unreadable_file::RULE,
    &invalid_utf8::RULE,
    &binary_file::RULE,
    &empty_file::RULE,
    &crlf_line_endings::RULE,
    &long_line::RULE,
    &missing_final_newline::RULE,
    &symlink_outside::RULE,
    &check_stopped::RULE,
];

/// What the file-level pass found out about one file.
#[derive(Debug)]
pub struct FileBytes {
    /// The decoded text (lossy when the bytes were not UTF-8).
    pub source: SourceFile,
    pub diagnostics: Vec<Diagnostic>,
    /// The file holds NUL bytes: format parsers must not run on it.
    pub is_binary: bool,
}

/// Run every file-level rule over the bytes of `path`.
pub fn check_bytes(path: &str, bytes: &[u8]) -> FileBytes {
    let mut diagnostics = Vec::new();
    if let Some(d) = binary_file::check(bytes) {
        diagnostics.push(d);
        // Decoding and line rules on a binary file only add noise.
        return FileBytes {
            source: SourceFile::new(path, String::new()),
            diagnostics,
            is_binary: true,
        };
    }
    let (source, bad_utf8) = SourceFile::from_bytes(path, bytes);
    if let Some(offset) = bad_utf8 {
        diagnostics.push(invalid_utf8::check(&source, bytes, offset));
    }
    if let Some(d) = empty_file::check(&source) {
        diagnostics.push(d);
    }
    diagnostics.extend(crlf_line_endings::check(&source));
    diagnostics.extend(long_line::check(&source));
    diagnostics.extend(missing_final_newline::check(&source));
    FileBytes {
        source,
        diagnostics,
        is_binary: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(bytes: &[u8]) -> Vec<&'static str> {
        check_bytes("f", bytes)
            .diagnostics
            .iter()
            .map(|d| d.code)
            .collect()
    }

    #[test]
    fn clean_file_has_no_findings() {
        assert!(codes(b"install_type initial_install\n").is_empty());
    }

    #[test]
    fn binary_stops_further_checks() {
        let r = check_bytes("f", b"ab\0\xffcd");
        assert!(r.is_binary);
        assert_eq!(codes(b"ab\0\xffcd"), vec!["F003"]);
    }

    #[test]
    fn invalid_utf8_reports_offset() {
        let r = check_bytes("f", b"abc\n\xe9t\xe9\n");
        assert_eq!(r.diagnostics[0].code, "F002");
        assert!(
            r.diagnostics[0].message.contains("byte 4"),
            "{}",
            r.diagnostics[0].message
        );
    }

    #[test]
    fn empty_and_blank() {
        assert_eq!(codes(b""), vec!["F004"]);
        assert_eq!(codes(b"  \n\n"), vec!["F004"]);
    }

    #[test]
    fn crlf_once_per_file() {
        assert_eq!(codes(b"a\r\nb\r\nc\r\n"), vec!["F005"]);
    }

    #[test]
    fn long_line() {
        let mut s = "x".repeat(long_line::MAX_LINE_BYTES + 1);
        s.push('\n');
        assert_eq!(codes(s.as_bytes()), vec!["F006"]);
        let mut ok = "x".repeat(long_line::MAX_LINE_BYTES);
        ok.push('\n');
        assert!(codes(ok.as_bytes()).is_empty());
    }

    #[test]
    fn missing_newline() {
        assert_eq!(codes(b"a\nb"), vec!["F007"]);
    }
}
