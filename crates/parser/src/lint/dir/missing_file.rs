//! Shared check behind J001, J002 and J003: a file named by a rule must exist.

use std::path::Path;

use crate::check::FileKind;
use crate::diagnostic::{Diagnostic, Rule};
use crate::source::Span;

use super::{missing_begin_script, missing_finish_script, missing_profile};

/// `name` as written in the rule, `path` = the JumpStart directory joined with it, `span`
/// = the field in the rules file.
pub fn check(kind: &FileKind, name: &str, path: &Path, span: Span) -> Option<Diagnostic> {
    let found = match std::fs::metadata(path) {
        Ok(m) if m.is_file() => return None,
        Ok(m) if m.is_dir() => "a directory",
        Ok(_) => "a special file",
        // The name exists but cannot be followed: say so, "nothing" would send the user
        // looking for a file that is there.
        Err(_) if std::fs::symlink_metadata(path).is_ok_and(|m| m.is_symlink()) => {
            "a symbolic link that leads nowhere (dangling, or a loop)"
        }
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            "nothing it may look at (permission denied on a directory of the path)"
        }
        Err(_) => "nothing",
    };
    Some(diagnostic(kind, name, found, span))
}

/// The finding for a name that resolves outside the JumpStart directory (`..`, or a
/// symbolic link out of it): the client cannot see it, and it is not read.
pub fn outside(kind: &FileKind, name: &str, span: Span) -> Diagnostic {
    diagnostic(kind, name, "a path that leads outside it (not read)", span)
}

fn diagnostic(kind: &FileKind, name: &str, found: &str, span: Span) -> Diagnostic {
    let (rule, what): (&'static Rule, &str) = match kind {
        FileKind::Begin => (&missing_begin_script::RULE, "begin script"),
        FileKind::Finish => (&missing_finish_script::RULE, "finish script"),
        _ => (&missing_profile::RULE, "profile"),
    };
    let d = Diagnostic::new(
        rule,
        span,
        format!("expected a {what} `{name}` in the JumpStart directory, found {found}"),
    )
    .label(format!("{what} named here"));
    match kind {
        FileKind::Profile => {
            d.help("create the profile, fix the name, or use `=` with a begin script")
        }
        _ => d.help(format!(
            "create the {what}, fix the name, or write `-` for none"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dangling_or_looping_link_is_not_called_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let looped = dir.path().join("loop1");
        std::os::unix::fs::symlink("loop2", &looped).unwrap();
        std::os::unix::fs::symlink("loop1", dir.path().join("loop2")).unwrap();
        let d = check(&FileKind::Profile, "loop1", &looped, 0..0).unwrap();
        assert!(
            d.message.contains("symbolic link that leads nowhere"),
            "{}",
            d.message
        );
        let absent = check(&FileKind::Finish, "x.fin", &dir.path().join("x.fin"), 0..0).unwrap();
        assert!(
            absent.message.ends_with("found nothing"),
            "{}",
            absent.message
        );
    }
}
