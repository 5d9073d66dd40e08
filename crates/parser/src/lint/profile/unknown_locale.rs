//! P230 unknown-locale: geo region unknown, or locale name malformed

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::profile::{Directive, did_you_mean};

pub static RULE: Rule = Rule {
    code: "P230",
    name: "unknown-locale",
    severity: Severity::Warning,
    summary: "geo region unknown, or locale name malformed",
    doc: r#"## What
`geo` with a region other than `N_Africa`, `C_America`, `N_America`, `S_America`, `Asia`,
`Ausi`, `C_Europe`, `E_Europe`, `N_Europe`, `S_Europe`, `W_Europe`, `M_East`; or `locale` with
a name not shaped like `ll[_CC][.codeset][@modifier]` (e.g. `de_DE.UTF-8`), `C` or `POSIX`.

## Why
The installer silently skips locales and regions it does not know. The lists are data, not
grammar, hence a warning.

## Example
```
geo Europe
locale german
```"#,
};

pub const GEO_REGIONS: &[&str] = &[
    "N_Africa",
    "C_America",
    "N_America",
    "S_America",
    "Asia",
    "Ausi",
    "C_Europe",
    "E_Europe",
    "N_Europe",
    "S_Europe",
    "W_Europe",
    "M_East",
];

fn locale_ok(name: &str) -> bool {
    if name == "C" || name == "POSIX" {
        return true;
    }
    let (base, _modifier) = name.split_once('@').unwrap_or((name, ""));
    let (lang_terr, codeset) = base.split_once('.').unwrap_or((base, ""));
    let (lang, terr) = lang_terr.split_once('_').unwrap_or((lang_terr, ""));
    (2..=3).contains(&lang.len())
        && lang.bytes().all(|b| b.is_ascii_lowercase())
        && (terr.is_empty() || (terr.len() == 2 && terr.bytes().all(|b| b.is_ascii_uppercase())))
        && codeset
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for l in &ctx.lines {
        match &l.directive {
            Directive::Geo(g) if !GEO_REGIONS.contains(&g.value.as_str()) => {
                let mut d = Diagnostic::new(
                    &RULE,
                    g.span.clone(),
                    format!("unknown geographic region `{}`", g.value),
                )
                .label("expected a region such as `W_Europe` or `N_America`");
                if let Some(m) = did_you_mean(&g.value, GEO_REGIONS) {
                    d = d.help(crate::suggest::help(m));
                }
                out.push(d);
            }
            Directive::Locale(loc) if !locale_ok(&loc.value) => out.push(
                Diagnostic::new(
                    &RULE,
                    loc.span.clone(),
                    format!("locale `{}` is not a locale name", loc.value),
                )
                .label("expected e.g. `en_US.UTF-8`, `de_DE.ISO8859-15`, `C`"),
            ),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::codes;

    #[test]
    fn flags_bad_input() {
        let bad = r#"install_type initial_install
geo Europe
"#;
        assert!(codes(bad).contains(&"P230"), "{:?}", codes(bad));
    }

    #[test]
    fn accepts_good_input() {
        let good = r#"install_type initial_install
geo W_Europe
locale de_DE.UTF-8
"#;
        assert!(!codes(good).contains(&"P230"), "{:?}", codes(good));
    }
}
