//! P226 legacy-keyword: A keyword or value removed before Solaris 10

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::profile::{Directive, Keyword, SystemType};

pub static RULE: Rule = Rule {
    code: "P226",
    name: "legacy-keyword",
    severity: Severity::Warning,
    summary: "a keyword or value removed before Solaris 10",
    doc: r#"## What
`isa_bits` (Solaris 7–9), `noreboot`, `swap_size` (recognised by old `check` only) or
`system_type dataless` (removed after Solaris 2.5.1).

## Why
Solaris 10 ignores or rejects them; the profile probably came from an older release.

## Example
```
isa_bits 64
```"#,
};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for l in &ctx.lines {
        match &l.directive {
            Directive::SystemType(t) if t.value == SystemType::Dataless => out.push(
                Diagnostic::new(
                    &RULE,
                    t.span.clone(),
                    "`system_type dataless` was removed after Solaris 2.5.1",
                )
                .label("expected `standalone` or `server`"),
            ),
            _ => {
                if let Some(k @ (Keyword::IsaBits | Keyword::Noreboot | Keyword::SwapSize)) =
                    l.known_keyword()
                {
                    let hint = match k {
                        Keyword::SwapSize => {
                            "size swap with `filesys … swap` or the `pool` swap size"
                        }
                        Keyword::IsaBits => {
                            "Solaris 10 installs 64-bit support where the hardware has it"
                        }
                        _ => "remove the line",
                    };
                    out.push(
                        Diagnostic::new(
                            &RULE,
                            l.keyword.span.clone(),
                            format!("`{k}` is not a Solaris 10 profile keyword"),
                        )
                        .label("legacy keyword")
                        .help(hint),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::codes;

    #[test]
    fn flags_bad_input() {
        let bad = r#"install_type initial_install
isa_bits 64
"#;
        assert!(codes(bad).contains(&"P226"), "{:?}", codes(bad));
    }

    #[test]
    fn accepts_good_input() {
        let good = r#"install_type initial_install
system_type standalone
"#;
        assert!(!codes(good).contains(&"P226"), "{:?}", codes(good));
    }
}
