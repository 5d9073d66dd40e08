//! H101 missing-command.

use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::shell::{Script, SimpleCommand};

pub static RULE: Rule = Rule {
    code: "H101",
    name: "missing-command",
    severity: Severity::Warning,
    summary: "a command or option Solaris 10 does not have (`sha256sum`, `mktemp`, `grep -q`, `sed -i`, …)",
    doc: "\
## What it does
Reports commands that Solaris 10 (and its miniroot, where begin and finish scripts run)
does not have — `sha256sum`, `md5sum`, `mktemp`, `readlink`, `realpath`, `seq`, `stat`,
`timeout`, `base64`, `tac`, `shuf`, `nproc`, `killall` (which on Solaris kills every
process) — and options its `/usr/bin` tools do not have: `grep -q -E -F -r -o -P`,
`sed -i -E -r`, `head -c`, `cp -a -v -u`, `xargs -0 -r`, `find -maxdepth -mindepth
-iname -print0 -delete`, `id -u -g -n`, `awk -v` (`/usr/bin/awk` is the old awk), `tar`
with `z` or `j`.

A command the script probes for with its error output discarded (`if sha256sum /dev/null
>/dev/null 2>&1; then …`) is taken as a guarded fallback and not reported.

## Why is this bad?
These are GNU/Linux habits. On Solaris 10 the command is `not found`, or the tool stops
with `illegal option`, so the step silently does not happen (or the script stops). The
Solaris 10-like userland zflash tests its own scripts with has the same gaps.

## Example
```
sha256sum /a/var/tmp/image | grep -q \"$SUM\"
```
Use instead:
```
digest -a sha256 /a/var/tmp/image | grep \"$SUM\" > /dev/null
```
",
};

/// Commands Solaris 10 does not have, with what to use instead.
const MISSING: &[(&str, &str)] = &[
    ("sha256sum", "use `digest -a sha256 FILE`"),
    ("sha1sum", "use `digest -a sha1 FILE`"),
    ("sha512sum", "use `digest -a sha512 FILE`"),
    ("md5sum", "use `digest -a md5 FILE`"),
    (
        "mktemp",
        "use a name with the shell's pid, created with `mkdir` (atomic): /tmp/x.$$",
    ),
    ("readlink", "use `ls -l` and take the part after `->`"),
    ("realpath", "use `(cd DIR && pwd)`"),
    ("seq", "count with a `while` loop and `expr`"),
    ("stat", "use `ls -l` (or `ls -ld` for a directory)"),
    (
        "timeout",
        "run the command in the background and `kill` it after a `sleep`",
    ),
    ("base64", "use `uuencode -m`"),
    ("tac", "use `tail -r`"),
    ("shuf", "use `awk` with `srand()`/`rand()` (nawk)"),
    ("nproc", "use `psrinfo | wc -l`"),
    (
        "killall",
        "use `pkill NAME` (Solaris `killall` kills every process)",
    ),
];

/// (command, option, what to use instead). A one-letter option also matches inside a
/// cluster (`-qs`).
const OPTIONS: &[(&str, &str, &str)] = &[
    (
        "grep",
        "-q",
        "use `grep -s … > /dev/null` or /usr/xpg4/bin/grep -q",
    ),
    ("grep", "-E", "use `egrep`"),
    ("grep", "-F", "use `fgrep`"),
    ("grep", "-r", "use `find … -exec grep …`"),
    ("grep", "-o", "use `sed -n 's/…/\\1/p'`"),
    ("grep", "-P", "use `egrep` with an extended expression"),
    (
        "sed",
        "-i",
        "write to a temporary file and `mv` it over the original",
    ),
    (
        "sed",
        "-E",
        "use basic expressions with `\\(` `\\)`, or nawk",
    ),
    (
        "sed",
        "-r",
        "use basic expressions with `\\(` `\\)`, or nawk",
    ),
    ("head", "-c", "use `dd bs=N count=1`"),
    ("cp", "-a", "use `cp -pr` (or `find … | cpio -pdm`)"),
    ("cp", "-v", "echo the names yourself"),
    ("cp", "-u", "compare with `find -newer` first"),
    (
        "xargs",
        "-0",
        "avoid blanks in names, or use `find … -exec`",
    ),
    ("xargs", "-r", "check for empty input first"),
    ("find", "-maxdepth", "use `-prune`"),
    ("find", "-mindepth", "use `-prune` and a pattern"),
    ("find", "-iname", "use a `[Aa]`-style pattern with `-name`"),
    ("find", "-print0", "use `-print` or `-exec`"),
    ("find", "-delete", "use `-exec rm {} \\;`"),
    ("id", "-u", "use /usr/xpg4/bin/id -u, or parse `id` output"),
    ("id", "-g", "use /usr/xpg4/bin/id -g, or parse `id` output"),
    ("id", "-n", "use /usr/xpg4/bin/id, or parse `id` output"),
    (
        "awk",
        "-v",
        "use `nawk -v`, or put `VAR=value` after the program",
    ),
];

fn option_matches(arg: &str, option: &str) -> bool {
    if arg == option {
        return true;
    }
    // `-qs`: a cluster of one-letter options.
    option.len() == 2
        && arg.len() > 2
        && arg.starts_with('-')
        && !arg.starts_with("--")
        && arg[1..].bytes().all(|b| b.is_ascii_alphabetic())
        && arg[1..].contains(&option[1..])
}

/// The command name without its directory (`/usr/bin/grep` is `grep`).
fn base_name(c: &SimpleCommand) -> Option<&str> {
    let name = &c.argv().first()?.text;
    Some(name.rsplit('/').next().unwrap_or(name))
}

/// Commands the script runs with their error output discarded (`2>/dev/null`, `2>&1`):
/// probes for whether they exist.
fn probed(script: &Script) -> Vec<&str> {
    script
        .commands
        .iter()
        .filter(|c| c.redirects.iter().any(|r| r.fd == Some(2)))
        .filter_map(base_name)
        .collect()
}

pub fn check(script: &Script) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let probed = probed(script);
    for c in &script.commands {
        let argv = c.argv();
        let Some(name) = argv.first() else { continue };
        let base = base_name(c).unwrap_or_default();
        if let Some((cmd, instead)) = MISSING.iter().find(|(m, _)| *m == base) {
            if probed.contains(cmd) {
                continue;
            }
            out.push(
                Diagnostic::new(
                    &RULE,
                    name.span.clone(),
                    format!("expected a command Solaris 10 has, found `{cmd}`, which it does not"),
                )
                .label("not on Solaris 10")
                .help(*instead),
            );
            continue;
        }
        if base == "tar"
            && let Some(key) = argv.get(1)
            && !key.text.starts_with("--")
            && key
                .text
                .trim_start_matches('-')
                .bytes()
                .all(|b| b.is_ascii_alphabetic())
            && key.text.contains(['z', 'j'])
        {
            out.push(
                Diagnostic::new(
                    &RULE,
                    key.span.clone(),
                    format!("expected a tar key Solaris 10's tar has, found `{}` (no `z`/`j` compression)", key.text),
                )
                .label("illegal option on Solaris 10")
                .help("decompress in a pipe: `gzip -dc FILE | tar xf -`"),
            );
            continue;
        }
        for arg in &argv[1..] {
            if arg.text == "--" || !arg.text.starts_with('-') {
                // Options come first (for find: its expression comes after the paths).
                if base != "find" {
                    break;
                }
                continue;
            }
            if let Some((_, option, instead)) = OPTIONS
                .iter()
                .find(|(cmd, o, _)| *cmd == base && option_matches(&arg.text, o))
            {
                out.push(
                    Diagnostic::new(
                        &RULE,
                        arg.span.clone(),
                        format!(
                            "expected an option Solaris 10's `{base}` has, found `{option}`, which it does not"
                        ),
                    )
                    .label("illegal option on Solaris 10")
                    .help(*instead),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::codes;

    fn check(src: &crate::source::SourceFile) -> Vec<crate::diagnostic::Diagnostic> {
        crate::lint::shell::check(src)
    }

    #[test]
    fn commands_options_and_probes() {
        let c = |t: &str| codes(check, "post.fin", t);
        assert_eq!(
            c("seq 1 3
"),
            ["H101"]
        );
        assert_eq!(
            c("/usr/bin/grep -qs x f
"),
            ["H101"]
        );
        assert_eq!(
            c("grep -s x f > /dev/null
"),
            Vec::<&str>::new()
        );
        assert_eq!(
            c("sed -i s/a/b/ f
"),
            ["H101"]
        );
        assert_eq!(
            c("find /a -name x -maxdepth 1
"),
            ["H101"]
        );
        assert_eq!(
            c("tar czf x.tgz d
"),
            ["H101"]
        );
        assert_eq!(
            c("tar cf x.tar d
"),
            Vec::<&str>::new()
        );
        // Probed first, used as a fallback: not reported.
        let probe = "if sha256sum /dev/null >/dev/null 2>&1; then sha256sum \"$1\"; fi\n";
        assert_eq!(c(probe), Vec::<&str>::new());
    }
}
