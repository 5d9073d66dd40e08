//! Shared check behind J001, J002 and J003: a file named by a rule must exist.

use std::path::Path;

use crate::check::FileKind;
use crate::diagnostic::{Diagnostic, Rule};
use crate::source::Span;

use super::{missing_begin_script, missing_finish_script, missing_profile};

/// `name` as written in the rule, `path` = the JumpStart directory joined with it, `span`
/// = the field in the rules file.
pub fn check(kind: &FileKind, name: &str, path: &Path, span: Span) -> Option<Diagnostic> {
    let (rule, what): (&'static Rule, &str) = match kind {
        FileKind::Begin => (&missing_begin_script::RULE, "begin script"),
        FileKind::Finish => (&missing_finish_script::RULE, "finish script"),
        _ => (&missing_profile::RULE, "profile"),
    };
    let found = match std::fs::metadata(path) {
        Ok(m) if m.is_file() => return None,
        Ok(m) if m.is_dir() => "a directory",
        Ok(_) => "a special file",
        Err(_) => "nothing",
    };
    let d = Diagnostic::new(
        rule,
        span,
        format!("expected a {what} `{name}` in the JumpStart directory, found {found}"),
    )
    .label(format!("{what} named here"));
    Some(match kind {
        FileKind::Profile => {
            d.help("create the profile, fix the name, or use `=` with a begin script")
        }
        _ => d.help(format!(
            "create the {what}, fix the name, or write `-` for none"
        )),
    })
}
