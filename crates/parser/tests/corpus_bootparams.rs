//! Every `bootparams` file of the real-world corpus (fixtures/corpus/bootparams/, copied
//! from ../shared/corpus/jumpstart with INDEX.tsv for provenance) gets the verdict INDEX.tsv
//! gives (all three are `valid` → no error-severity diagnostic) and round-trips byte for
//! byte. The interactive install entries (no `sysid_config`/`install_config`) get the B205
//! note, which this test asserts too.

mod common;

use zflash_parser::{Severity, bootparams};

#[test]
fn corpus_verdicts_are_reproduced() {
    let mut checked = 0;
    // Every diagnostic of the corpus, reviewed once and pinned (a snapshot), so a change in
    // what the real-world files get shows up as a diff.
    let mut listing = String::new();
    for common::CorpusFile { name, verdict, src } in common::corpus("bootparams") {
        let (parsed, _) = bootparams::parse(&src);
        assert_eq!(parsed.to_source(), src.text, "{name} does not round-trip");
        assert_eq!(parsed.entries().count(), 1, "{name}");
        let diags = bootparams::check(&src);
        for d in &diags {
            listing.push_str(&common::listing_line(&src, d));
        }
        assert_eq!(verdict, "valid", "{name}: only valid files are expected");
        let errors: Vec<_> = diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| format!("{} {}", d.code, d.message))
            .collect();
        assert!(errors.is_empty(), "{name} is valid but got:\n{errors:#?}");
        let codes: Vec<&str> = diags.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["B205"], "{name}");
        checked += 1;
    }
    insta::assert_snapshot!("bootparams_corpus_diagnostics", listing);
    assert_eq!(checked, 3);
}
