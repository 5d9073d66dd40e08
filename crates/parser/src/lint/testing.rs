//! Test helpers shared by the rule groups' unit tests.

use crate::diagnostic::{Diagnostic, Rule};
use crate::source::SourceFile;

/// A format's `check` (parse + lint, sorted).
pub(crate) type CheckFn = fn(&SourceFile) -> Vec<Diagnostic>;

/// The codes `check` reports for `text` read as a file named `kind`, runs of one code
/// counted once.
pub(crate) fn codes(check: CheckFn, kind: &str, text: &str) -> Vec<&'static str> {
    let mut codes: Vec<_> = check(&SourceFile::new(kind, text))
        .into_iter()
        .map(|d| d.code)
        .collect();
    codes.dedup();
    codes
}

/// Each rule's fixture (fixtures/lint/<CODE>/<kind>) raises that code and nothing else.
pub(crate) fn assert_fixtures_raise_only_their_code(rules: &[&Rule], kind: &str, check: CheckFn) {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/lint");
    let mut wrong = Vec::new();
    for rule in rules {
        let path = format!("{root}/{}/{kind}", rule.code);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let got = codes(check, kind, &text);
        if got != vec![rule.code] {
            wrong.push(format!("{}: {got:?}", rule.code));
        }
    }
    assert!(wrong.is_empty(), "fixtures raising other codes: {wrong:#?}");
}
