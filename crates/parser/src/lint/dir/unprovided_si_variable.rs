//! J009 unprovided-si-variable: a begin/finish script reads an `SI_*` variable that the
//! rules file never has JumpStart set.

use std::collections::BTreeSet;

use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::rules::RulesFile;
use crate::source::{SourceFile, Span};

pub static RULE: Rule = Rule {
    code: "J009",
    name: "unprovided-si-variable",
    severity: Severity::Warning,
    summary: "a begin/finish script reads an `SI_*` variable that no `probe` line or match keyword of the rules file sets",
    doc: r#"## What it does
Scans each begin and finish script a rule names for `$SI_NAME` and `${SI_NAME…}` uses (a
static scan: comments and text in single quotes are skipped) and reports every variable that
JumpStart only sets on demand when neither a `probe` line nor a match keyword anywhere in the
rules file asks for it.

The "Custom JumpStart Environment Variables" table of the Solaris 10 Custom JumpStart guide
(Solaris 10 5/08 Installation Guide: Custom JumpStart and Advanced Installations, 820-4042,
table 8-9, https://docs.oracle.com/cd/E19253-01/820-4042/6nfhkm5so/index.html; the same
table is in every Solaris 10 update) says which variables are set for every install and
which only when a keyword is used:

* always set: `SI_BEGIN`, `SI_CLASS`, `SI_FINISH`, `SI_OSNAME`, `SI_PROFILE`,
  `SI_SYS_STATE` (listed without a condition), and `SI_CONFIG_DIR`, `SI_CONFIG_FILE`,
  `SI_CONFIG_PROG`, `SI_CUSTOM_PROBES_FILE` (in the same table of the Solaris 8 and 9
  guides; the installer mounts the JumpStart directory at `SI_CONFIG_DIR`);
* on demand ("set when the … keyword is used in the rules file", and the probe-keyword
  table of the same guide): `SI_ARCH` (`arch`), `SI_KARCH` (`karch`), `SI_HOSTNAME`
  (`hostname`), `SI_DOMAINNAME` (`domainname`), `SI_MEMSIZE` (`memsize`), `SI_MODEL`
  (`model`), `SI_NETWORK` (`network`), `SI_TOTALDISK` (`totaldisk`, `disksize`/`disks`),
  `SI_DISKLIST`, `SI_DISKSIZES`, `SI_NUMDISKS` (`disksize`, probe `disks`), `SI_INSTALLED`,
  `SI_INST_OS`, `SI_INST_VER` (`installed`), `SI_ROOTDISK`, `SI_ROOTDISKSIZE` (`installed`,
  probe `rootdisk`). `SI_HOSTADDRESS` is listed without a condition in the environment
  table, but the probe table says the `hostaddress` keyword is what sets it: it is treated
  as on demand here.

A custom probe (`probe NAME` defined in `custom_probes`) is taken to set `SI_NAME`. Any
other `SI_*` name is reported too: nothing sets it.

## Why is this bad?
The variable is empty when the script runs. A finish script that builds paths or makes
decisions from it (`bin/$SI_ARCH/…`, `sysidcfg/$SI_HOSTNAME`) fails on every client, after
the installer has already laid down the system.

## Example
```
hostaddress 10.1.1.30  -  web.prof  post.fin
```
with `post.fin` reading `$SI_HOSTNAME`.

Use instead: probe it at the top of `rules`:
```
probe hostname
hostaddress 10.1.1.30  -  web.prof  post.fin
```
"#,
};

/// Variables JumpStart sets for every install (the environment-variable table of the
/// Solaris 10 Custom JumpStart guide).
pub const ALWAYS_SET: &[&str] = &[
    "SI_BEGIN",
    "SI_CLASS",
    "SI_CONFIG_DIR",
    "SI_CONFIG_FILE",
    "SI_CONFIG_PROG",
    "SI_CUSTOM_PROBES_FILE",
    "SI_FINISH",
    "SI_OSNAME",
    "SI_PROFILE",
    "SI_SYS_STATE",
];

/// On-demand variables and the built-in probe (or match keyword of the same name) that
/// sets each; match keywords that set a variable under another name are in
/// [`MATCH_KEYWORD_SETS`].
pub const PROBE_SETS: &[(&str, &[&str])] = &[
    ("arch", &["SI_ARCH"]),
    (
        "disks",
        &["SI_DISKLIST", "SI_DISKSIZES", "SI_NUMDISKS", "SI_TOTALDISK"],
    ),
    ("domainname", &["SI_DOMAINNAME"]),
    ("hostaddress", &["SI_HOSTADDRESS"]),
    ("hostname", &["SI_HOSTNAME"]),
    (
        "installed",
        &["SI_INSTALLED", "SI_INST_OS", "SI_INST_VER", "SI_ROOTDISK"],
    ),
    ("karch", &["SI_KARCH"]),
    ("memsize", &["SI_MEMSIZE"]),
    ("model", &["SI_MODEL"]),
    ("network", &["SI_NETWORK"]),
    ("osname", &["SI_OSNAME"]),
    ("rootdisk", &["SI_ROOTDISK", "SI_ROOTDISKSIZE"]),
    ("totaldisk", &["SI_TOTALDISK"]),
];

/// Match keywords whose name is not the probe's.
pub const MATCH_KEYWORD_SETS: &[(&str, &[&str])] = &[(
    "disksize",
    &["SI_DISKLIST", "SI_DISKSIZES", "SI_NUMDISKS", "SI_TOTALDISK"],
)];

/// The built-in probe that sets `var`, if any.
pub fn probe_for(var: &str) -> Option<&'static str> {
    PROBE_SETS
        .iter()
        .find(|(_, vars)| vars.contains(&var))
        .map(|(p, _)| *p)
}

fn sets_of(keyword: &str) -> Vec<String> {
    let table = PROBE_SETS.iter().chain(MATCH_KEYWORD_SETS);
    match table.clone().find(|(k, _)| *k == keyword) {
        Some((_, vars)) => vars.iter().map(|v| v.to_string()).collect(),
        // A custom probe or match keyword: its probe function conventionally exports
        // SI_<NAME>.
        None => vec![format!("SI_{}", keyword.to_ascii_uppercase())],
    }
}

/// Every `SI_*` variable a rules file has JumpStart set: the always-set ones, and those of
/// its probe lines and match keywords.
pub fn provided_by(rules: &RulesFile) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = ALWAYS_SET.iter().map(|s| s.to_string()).collect();
    for (name, _) in rules.probe_names() {
        out.extend(sets_of(&name));
    }
    for rule in rules.rules() {
        for piece in &rule.matches {
            if let Some(k) = &piece.keyword {
                let k = k.value();
                if k != "any" {
                    out.extend(sets_of(&k));
                }
            }
        }
    }
    out
}

/// The `SI_*` variables a Bourne-shell script reads, each with the span of its first use:
/// `$SI_NAME` and `${SI_NAME…}`, outside comments and single quotes.
pub fn reads(text: &str) -> Vec<(String, Span)> {
    let mut seen: Vec<(String, Span)> = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let bytes = line.as_bytes();
        let mut i = 0;
        let mut in_single = false;
        let mut in_double = false;
        while i < bytes.len() {
            let b = bytes[i];
            match b {
                b'\\' if !in_single => {
                    i += 2;
                    continue;
                }
                b'\'' if !in_double => in_single = !in_single,
                b'"' if !in_single => in_double = !in_double,
                // A comment starts at a word boundary outside quotes.
                b'#' if !in_single
                    && !in_double
                    && (i == 0 || matches!(bytes[i - 1], b' ' | b'\t' | b';' | b'&' | b'|')) =>
                {
                    break;
                }
                b'$' if !in_single => {
                    let start = i + 1 + usize::from(bytes.get(i + 1) == Some(&b'{'));
                    let end = start
                        + bytes[start..]
                            .iter()
                            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
                            .count();
                    let name = &line[start..end];
                    if name.starts_with("SI_") && name.len() > 3 {
                        if !seen.iter().any(|(n, _)| n == name) {
                            seen.push((name.to_string(), offset + start..offset + end));
                        }
                        i = end;
                        continue;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        offset += line.len();
    }
    seen
}

/// The findings for one script named by a rule, given what the rules file provides.
pub fn check(src: &SourceFile, provided: &BTreeSet<String>) -> Vec<Diagnostic> {
    reads(&src.text)
        .into_iter()
        .filter(|(name, _)| !provided.contains(name))
        .map(|(name, span)| {
            let help = match probe_for(&name) {
                Some(p) => format!("add `probe {p}` at the top of the rules file"),
                None => format!(
                    "add a `probe` line for it (a custom probe in custom_probes that exports {name})"
                ),
            };
            Diagnostic::new(
                &RULE,
                span,
                format!(
                    "reads ${name}, which no `probe` line or match keyword of the rules file has JumpStart set: it is empty here"
                ),
            )
            .label("set only on demand")
            .help(help)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_skip_comments_and_single_quotes() {
        let t = "# $SI_MODEL\necho \"${SI_ARCH:-x}\" '$SI_KARCH' $SI_HOSTNAME # $SI_NETWORK\nX=$SI_ARCH\nsed 's/a/b/' \"$SI_CONFIG_DIR\"\necho a#$SI_MEMSIZE\n";
        let names: Vec<String> = reads(t).into_iter().map(|(n, _)| n).collect();
        assert_eq!(
            names,
            ["SI_ARCH", "SI_HOSTNAME", "SI_CONFIG_DIR", "SI_MEMSIZE"]
        );
        let (_, span) = &reads(t)[0];
        assert_eq!(&t[span.clone()], "SI_ARCH");
    }

    #[test]
    fn provided_by_probes_keywords_and_custom_probes() {
        let src = SourceFile::new(
            "rules",
            "probe arch\nprobe diskcount\nhostaddress 10.1.1.3 && disksize rootdisk 1-9  -  p  f\n",
        );
        let (ast, _) = crate::rules::parse(&src);
        let p = provided_by(&ast);
        for v in [
            "SI_ARCH",
            "SI_DISKCOUNT",
            "SI_HOSTADDRESS",
            "SI_NUMDISKS",
            "SI_CONFIG_DIR",
        ] {
            assert!(p.contains(v), "{v}");
        }
        assert!(!p.contains("SI_HOSTNAME"));
        let script = SourceFile::new("f", "cp x /a/$SI_HOSTNAME\necho $SI_ARCH\n");
        let d = check(&script, &p);
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("$SI_HOSTNAME"), "{}", d[0].message);
    }
}
