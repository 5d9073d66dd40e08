//! Every profile of the real-world corpus (fixtures/corpus/profile/, copied from
//! ../shared/corpus/jumpstart with INDEX.tsv for provenance) gets the verdict INDEX.tsv gives:
//! `valid` → no error-severity diagnostic; `invalid: …` → at least one error; `unknown` → no
//! panic (what we report is asserted per file below). Every file also round-trips byte for byte.

mod common;

use zflash_parser::{Severity, SourceFile, profile};

fn errors(src: &SourceFile) -> Vec<String> {
    profile::check(src)
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| {
            let (l, c) = src.line_col(d.span.start);
            format!("{}:{l}:{c}: {} {}", src.path, d.code, d.message)
        })
        .collect()
}

#[test]
fn corpus_verdicts_are_reproduced() {
    let mut checked = 0;
    for common::CorpusFile { name, verdict, src } in common::corpus("profile") {
        let (parsed, _) = profile::parse(&src);
        assert_eq!(parsed.to_source(), src.text, "{name} does not round-trip");
        let errs = errors(&src);
        if verdict == "valid" {
            assert!(
                errs.is_empty(),
                "{name} is valid but got:\n{}",
                errs.join("\n")
            );
        } else if verdict.starts_with("invalid") {
            assert!(
                !errs.is_empty(),
                "{name} is {verdict} but no error was reported"
            );
        } else {
            assert!(verdict.starts_with("unknown"), "bad verdict {verdict}");
            // Both `unknown` files are `partitioning explicit` without any `filesys`:
            // we report P210 (explicit layout without a `/` file system) as an error.
            assert!(
                errs.iter().any(|e| e.contains("P210")),
                "{name}: expected P210, got {errs:?}"
            );
        }
        checked += 1;
    }
    assert_eq!(checked, 27);
}

#[test]
fn seed_profile_checks_clean() {
    let path = common::corpus_dir("../seed/profile");
    let src = SourceFile::from_bytes("seed/profile", &std::fs::read(&path).unwrap()).0;
    let diags = profile::check(&src);
    assert!(diags.is_empty(), "seed profile: {diags:#?}");
    let (p, _) = profile::parse(&src);
    let pool = p.pool().expect("seed profile has a pool");
    assert_eq!(pool.name.value, "rpool");
    assert_eq!(pool.devices.len(), 2);
    assert_eq!(p.install_type(), Some(profile::InstallType::InitialInstall));
    assert_eq!(p.to_source(), src.text);
}
