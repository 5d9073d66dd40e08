//! P211 flash-without-archive: flash_install or flash_update without archive_location

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::profile::{InstallType, Keyword};

pub static RULE: Rule = Rule {
    code: "P211",
    name: "flash-without-archive",
    severity: Severity::Error,
    summary: "flash_install or flash_update without archive_location",
    doc: r#"## What
`install_type flash_install` or `flash_update` with no `archive_location` line.

## Why
A Flash install deploys an archive; without its location there is nothing to install.

## Example
```
install_type flash_install
partitioning explicit
filesys c0t0d0s0 free /
```"#,
};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    if !matches!(
        ctx.install_type,
        Some(InstallType::FlashInstall | InstallType::FlashUpdate)
    ) {
        return;
    }
    if ctx.first(Keyword::ArchiveLocation).is_some() {
        return;
    }
    let Some(it) = ctx.first(Keyword::InstallType) else {
        return;
    };
    out.push(
        Diagnostic::new(
            &RULE,
            it.span.clone(),
            "a Flash install needs an `archive_location` line",
        )
        .label("no `archive_location` in this profile")
        .help("add e.g. `archive_location nfs server:/export/flar/master.flar`"),
    );
}

#[cfg(test)]
mod tests {
    use super::super::codes;

    #[test]
    fn flags_bad_input() {
        let bad = r#"install_type flash_install
partitioning explicit
filesys c0t0d0s0 free /
"#;
        assert!(codes(bad).contains(&"P211"), "{:?}", codes(bad));
    }

    #[test]
    fn accepts_good_input() {
        let good = r#"install_type flash_install
archive_location local_file /cdrom/a.flar
partitioning explicit
filesys c0t0d0s0 free /
"#;
        assert!(!codes(good).contains(&"P211"), "{:?}", codes(good));
    }
}
