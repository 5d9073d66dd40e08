//! Every `bootparams` file of the real-world corpus (fixtures/corpus/bootparams/, copied
//! from ../shared/corpus/jumpstart with INDEX.tsv for provenance) gets the verdict INDEX.tsv
//! gives (all three are `valid` → no error-severity diagnostic) and round-trips byte for
//! byte. The interactive install entries (no `sysid_config`/`install_config`) get the B205
//! note, which this test asserts too.

use std::path::Path;
use zflash_parser::{Severity, SourceFile, bootparams};

#[test]
fn corpus_verdicts_are_reproduced() {
    let dir = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/corpus/bootparams"
    ));
    let index = std::fs::read_to_string(dir.join("INDEX.tsv")).expect("INDEX.tsv");
    let mut checked = 0;
    // Every diagnostic of the corpus, reviewed once and pinned (a snapshot), so a change in
    // what the real-world files get shows up as a diff.
    let mut listing = String::new();
    for row in index.lines().skip(1) {
        let cols: Vec<&str> = row.split('\t').collect();
        assert_eq!(cols[1], "bootparams", "row of another kind: {row}");
        let name = &cols[0]["bootparams/".len()..];
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let src = SourceFile::from_bytes(name, &bytes).0;
        let (parsed, _) = bootparams::parse(&src);
        assert_eq!(parsed.to_source(), src.text, "{name} does not round-trip");
        assert_eq!(parsed.entries().count(), 1, "{name}");
        let diags = bootparams::check(&src);
        for d in &diags {
            let (line, col) = src.line_col(d.span.start);
            listing.push_str(&format!(
                "{name}:{line}:{col}: {} {}: {}\n",
                d.severity.as_str(),
                d.code,
                d.message
            ));
        }
        assert_eq!(cols[5], "valid", "{name}: only valid files are expected");
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
