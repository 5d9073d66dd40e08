//! S222 `unknown-keyboard`: a `keyboard` layout Solaris 10 does not ship.

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::sysidcfg::Keyword;
use crate::sysidcfg::keywords::did_you_mean;

pub static RULE: Rule = Rule {
    code: "S222",
    name: "unknown-keyboard",
    severity: Severity::Warning,
    summary: "a `keyboard` value that is not a layout name of Solaris 10's kbd_layouts",
    doc: r#"## What it does
`keyboard` (Solaris 10 10/06 SPARC, 8/07 x86 and later) names a layout of
`/usr/share/lib/keytables/type_6/kbd_layouts`. zflash knows the Solaris 10 list:
Albanian, Belarusian, Belgian, Bulgarian, Croatian, Czech, Danish, Dutch, Finnish, French,
French-Canadian, Hungarian, German, Greek, Icelandic, Italian, Japanese-type6,
Japanese-106/type7, Korean, Latin-American, Lithuanian, Latvian, Macedonian, Malta_UK,
Malta_US, Norwegian, Polish, Portuguese, Russian, Serbia-And-Montenegro, Slovenian,
Slovakian, Spanish, Swedish, Swiss-French, Swiss-German, Taiwanese, TurkishQ, TurkishF,
UK-English, US-English. Names are matched exactly; a case-only difference gets a
suggestion.

## Why is this bad?
On a system whose keyboard does not identify itself the installer asks for the layout at
the console, which stops a hands-off installation.

## Example
```
keyboard=US
```
Use instead:
```
keyboard=US-English
```
"#,
};

/// Layout names of Solaris 10's `kbd_layouts` (type 6 keytables).
pub const LAYOUTS: &[&str] = &[
    "Albanian",
    "Belarusian",
    "Belgian",
    "Bulgarian",
    "Croatian",
    "Czech",
    "Danish",
    "Dutch",
    "Finnish",
    "French",
    "French-Canadian",
    "Hungarian",
    "German",
    "Greek",
    "Icelandic",
    "Italian",
    "Japanese-type6",
    "Japanese-106/type7",
    "Korean",
    "Latin-American",
    "Lithuanian",
    "Latvian",
    "Macedonian",
    "Malta_UK",
    "Malta_US",
    "Norwegian",
    "Polish",
    "Portuguese",
    "Russian",
    "Serbia-And-Montenegro",
    "Slovenian",
    "Slovakian",
    "Spanish",
    "Swedish",
    "Swiss-French",
    "Swiss-German",
    "Taiwanese",
    "TurkishQ",
    "TurkishF",
    "UK-English",
    "US-English",
];

pub(crate) fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    let Some(e) = ctx.file.get(Keyword::Keyboard) else {
        return;
    };
    let v = e.value.text.as_str();
    if v.is_empty() || LAYOUTS.contains(&v) {
        return;
    }
    let mut d = Diagnostic::new(
        &RULE,
        e.value.text_span(),
        format!("expected a Solaris keyboard layout such as `US-English` or `German`, found `{v}`"),
    )
    .label("unknown keyboard layout");
    if let Some(m) = LAYOUTS.iter().find(|l| l.eq_ignore_ascii_case(v)) {
        d = d.help(format!(
            "layout names are case-sensitive: did you mean `{m}`?"
        ));
    } else if let Some(m) = did_you_mean(v, LAYOUTS.iter().copied()) {
        d = d.help(crate::suggest::help(m));
    }
    out.push(d);
}
