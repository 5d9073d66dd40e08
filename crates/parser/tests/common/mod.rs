//! Shared by the corpus tests: the rows of a kind's INDEX.tsv with their files loaded, and
//! one line per diagnostic for the pinned listings.

// Each corpus test binary uses only part of this module.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use zflash_parser::{Diagnostic, SourceFile};

/// One corpus file: its name under fixtures/corpus/<kind>/, its INDEX.tsv verdict and its
/// text (named by `name`).
pub struct CorpusFile {
    pub name: String,
    pub verdict: String,
    pub src: SourceFile,
}

/// fixtures/corpus/<kind>/.
pub fn corpus_dir(kind: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/corpus")
        .join(kind)
}

/// Every file INDEX.tsv lists for `kind` (asserting each row is of that kind).
pub fn corpus(kind: &str) -> Vec<CorpusFile> {
    let dir = corpus_dir(kind);
    let index = std::fs::read_to_string(dir.join("INDEX.tsv")).expect("INDEX.tsv");
    index
        .lines()
        .skip(1)
        .map(|row| {
            let cols: Vec<&str> = row.split('\t').collect();
            assert_eq!(cols[1], kind, "row of another kind: {row}");
            let name = cols[0][kind.len() + 1..].to_string();
            let path = dir.join(&name);
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            CorpusFile {
                src: SourceFile::from_bytes(name.clone(), &bytes).0,
                name,
                verdict: cols[5].to_string(),
            }
        })
        .collect()
}

/// `name:line:col: severity CODE: message`, the line of a pinned listing.
pub fn listing_line(src: &SourceFile, d: &Diagnostic) -> String {
    let (line, col) = src.line_col(d.span.start);
    format!(
        "{}:{line}:{col}: {} {}: {}\n",
        src.path,
        d.severity.as_str(),
        d.code,
        d.message
    )
}
