//! The begin and finish scripts of the real-world corpus (fixtures/corpus/{begin,finish}/,
//! copied from ../shared/corpus/jumpstart with INDEX.tsv rows for provenance): every one is
//! `valid` there, so none may get an error-severity finding. The warnings they do get are
//! pinned here, so a scanner change that adds or loses one shows up.

use std::path::{Path, PathBuf};

use zflash_parser::Severity;
use zflash_parser::check::{FileKind, check_bytes_as};

fn corpus(kind: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/corpus")
        .join(kind)
}

/// (code, line) of the findings each file gets; files not listed get none.
fn expected(name: &str) -> Vec<(&'static str, usize)> {
    match name {
        // `#!/bin/ksh` sub-finish script with `[[ ]]` tests: run by /sbin/sh at install time
        // only through the project's ksh master script, so J005 and H003 (`[[`) are right to warn.
        "snltd__Gentle-Jumpstart__finish_scripts__F23defaultrouter" => {
            vec![("J005", 1), ("H003", 16), ("H003", 30), ("H003", 33)]
        }
        _ => Vec::new(),
    }
}

#[test]
fn corpus_scripts_reproduce_their_verdicts() {
    let mut checked = 0;
    for (dir, kind) in [("begin", FileKind::Begin), ("finish", FileKind::Finish)] {
        let index = std::fs::read_to_string(corpus(dir).join("INDEX.tsv")).expect("INDEX.tsv");
        for row in index.lines().skip(1) {
            let cols: Vec<&str> = row.split('\t').collect();
            let (file, verdict) = (cols[0], cols[5]);
            assert_eq!(
                verdict, "valid",
                "{file}: only valid scripts are in the corpus"
            );
            let name = file.rsplit('/').next().unwrap();
            let bytes = std::fs::read(corpus(dir).join(name)).expect("corpus file");
            let report = check_bytes_as(file, kind, &bytes);
            let errors: Vec<_> = report
                .findings
                .iter()
                .filter(|f| f.diagnostic.severity == Severity::Error)
                .map(|f| f.diagnostic.code)
                .collect();
            assert!(errors.is_empty(), "{file}: valid but got {errors:?}");
            let got: Vec<(&str, usize)> = report
                .findings
                .iter()
                .map(|f| (f.diagnostic.code, f.start.line))
                .collect();
            assert_eq!(got, expected(name), "{file}");
            checked += 1;
        }
    }
    assert_eq!(checked, 9, "every corpus script was checked");
}
