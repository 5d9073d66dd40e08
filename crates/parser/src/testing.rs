//! Test helpers shared by the format modules' unit and property tests.

use crate::diagnostic::Diagnostic;
use crate::source::SourceFile;

/// Parsing `src` and printing the AST back gives its text byte for byte, and checking it
/// does not panic. `print` is the format's `parse` followed by `to_source`.
pub(crate) fn assert_lossless(
    src: &SourceFile,
    print: impl Fn(&SourceFile) -> String,
    check: fn(&SourceFile) -> Vec<Diagnostic>,
) {
    assert_eq!(print(src), src.text, "{} does not print back", src.path);
    let _ = check(src);
}
