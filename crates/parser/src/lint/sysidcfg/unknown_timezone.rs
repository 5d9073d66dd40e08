//! S210 `unknown-timezone`: a `timezone` that names no zoneinfo file.

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::sysidcfg::Keyword;
use crate::sysidcfg::timezones::{case_insensitive_match, is_known_timezone};

pub static RULE: Rule = Rule {
    code: "S210",
    name: "unknown-timezone",
    severity: Severity::Warning,
    summary: "a `timezone` that is not a known zoneinfo name or `GMT±N` offset",
    doc: r#"## What it does
`timezone` names a file under `/usr/share/lib/zoneinfo` on the installed system. zflash
ships the list of Olson (tz database) zone names *including the backward-compatible aliases*
Solaris 10 used (`US/Eastern`, `Eire`, `GMT`, `UTC`, `Etc/GMT+5`…), plus a few old names
Solaris 10 still had (`US/Pacific-New`, `Canada/East-Saskatchewan`, `Mideast/Riyadh87`…),
and accepts `GMT+N`/`GMT-N` offsets (N = 0–14). The list comes from a current tz database,
so a zone created after Solaris 10 (e.g. `America/Punta_Arenas`) is accepted even though an
old release lacks it; a name that is in no tz database is flagged. Names are
case-sensitive (they are file names); a case-only mismatch gets a suggestion.

## Why is this bad?
With an unknown zone sysidtool asks for the time zone at the console, which stops a
hands-off installation (or the system runs in GMT).

## Example
```
timezone=Europe/Berlim
```
Use instead:
```
timezone=Europe/Berlin
```
"#,
};

pub(crate) fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    let Some(e) = ctx.file.get(Keyword::Timezone) else {
        return;
    };
    let v = e.value.text.as_str();
    if v.is_empty() || is_known_timezone(v) {
        return;
    }
    let mut d = Diagnostic::new(
        &RULE,
        e.value.text_span(),
        format!("expected a zoneinfo time zone name such as `Europe/Berlin`, `US/Eastern` or `GMT`, found `{v}`"),
    )
    .label("unknown time zone");
    if let Some(m) = case_insensitive_match(v) {
        d = d.help(format!(
            "zone names are case-sensitive: did you mean `{m}`?"
        ));
    } else if let Some(m) = crate::sysidcfg::keywords::did_you_mean(
        v,
        crate::sysidcfg::timezones::ZONES.iter().copied(),
    ) {
        d = d.help(crate::suggest::help(m));
    }
    out.push(d);
}
