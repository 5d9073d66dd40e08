//! Every profile of the real-world corpus (fixtures/corpus/profile/, copied from
//! ../shared/corpus/jumpstart with INDEX.tsv for provenance) gets the verdict INDEX.tsv gives:
//! `valid` → no error-severity diagnostic; `invalid: …` → at least one error; `unknown` → no
//! panic (what we report is asserted per file below). Every file also round-trips byte for byte.

use std::path::Path;
use zflash_parser::{Severity, SourceFile, profile};

fn fixtures() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures"))
}

fn load(path: &Path) -> SourceFile {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    SourceFile::from_bytes(path.display().to_string(), &bytes).0
}

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
    let dir = fixtures().join("corpus/profile");
    let index = std::fs::read_to_string(dir.join("INDEX.tsv")).expect("INDEX.tsv");
    let mut checked = 0;
    for row in index.lines().skip(1) {
        let cols: Vec<&str> = row.split('\t').collect();
        assert_eq!(cols[1], "profile", "row of another kind: {row}");
        let name = cols[0].trim_start_matches("profile/");
        let src = load(&dir.join(name));
        let (parsed, _) = profile::parse(&src);
        assert_eq!(parsed.to_source(), src.text, "{name} does not round-trip");
        let errs = errors(&src);
        let verdict = cols[5];
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
    let src = load(&fixtures().join("seed/profile"));
    let diags = profile::check(&src);
    assert!(diags.is_empty(), "seed profile: {diags:#?}");
    let (p, _) = profile::parse(&src);
    let pool = p.pool().expect("seed profile has a pool");
    assert_eq!(pool.name.value, "rpool");
    assert_eq!(pool.devices.len(), 2);
    assert_eq!(p.install_type(), Some(profile::InstallType::InitialInstall));
    assert_eq!(p.to_source(), src.text);
}
