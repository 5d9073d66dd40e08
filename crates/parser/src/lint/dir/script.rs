//! The lints run on a begin/finish script or `custom_probes`: J005, and the shell rules
//! (J006 and the H codes, `crate::lint::shell`).

use crate::diagnostic::Diagnostic;
use crate::source::SourceFile;

use super::script_not_bourne;

pub fn check(src: &SourceFile) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = script_not_bourne::check(src).into_iter().collect();
    out.extend(crate::lint::shell::check(src));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shebang() {
        let codes = |t: &str| -> Vec<&str> {
            check(&SourceFile::new("x", t))
                .iter()
                .map(|d| d.code)
                .collect()
        };
        assert_eq!(codes("#!/bin/bash\necho\n"), vec!["J005"]);
        assert_eq!(codes("#!/usr/bin/env perl\nprint 1;\n"), vec!["J005"]);
        assert!(codes("#!/sbin/sh\necho\n").is_empty());
        assert!(codes("#! /bin/sh -x\necho\n").is_empty());
        assert!(codes("echo no shebang\n").is_empty());
    }
}
