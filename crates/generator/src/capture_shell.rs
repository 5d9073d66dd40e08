//! The Solaris 10 capture script `capture/<archive>.sh`: the capture plan
//! ([`zflash_archive::capture_plan`]) that `zflash capture` runs natively, rendered as
//! SVR4 Bourne shell for golden hosts where a Rust binary does not run.
//!
//! The plan is built once per run-time variant of the script — recursive or not (`-r`),
//! full or increment, and the compression of the file chosen — with shell references
//! (`${ZF_DATASET}`…) for the values given at run time. Each step is rendered for every
//! variant; where the texts differ the script selects by `$ZF_VARIANT` in a `case`. So
//! every command the script runs comes from the plan.
//!
//! Everything emitted must run under the Solaris 10 `/sbin/sh` with only the Solaris 10
//! userland: no `$( )`, `$(( ))`, `!` pipelines, `local`, `${#v}`, `${v%…}`, `test -e`,
//! reserved words as case patterns; awk is the old awk (no `-v`, no functions, no
//! `gsub`), `printf` converts through 32 bits, `echo` interprets backslashes (values are
//! printed with `printf '%s\n'`), `tr` takes no ranges. Checked by the CLI tests under
//! `PATH=DIR/bin DIR/bin/sh` (tests/cli/capture_script.rs).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use zflash_archive::Compression as ArchiveCompression;
use zflash_archive::capture_plan::{self, Action, CapturePlan, Check, PlanInput, SizeEstimate};

use crate::model::{Archive, Compression, Location};

/// Path of an archive's capture script, relative to the JumpStart directory. Characters
/// other than letters, digits, `.`, `_`, `+` and `-` in the archive's name become `_`.
pub fn capture_script_path(archive_name: &str) -> String {
    let mut safe: String = archive_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '+' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if safe.starts_with('.') || safe.is_empty() {
        safe.insert(0, '_');
    }
    format!("capture/{safe}.sh")
}

/// Single-quote a literal value for the Bourne shell: nothing in it expands.
///
/// A small private helper: issue 9 moves the loadzfs shell text into `shell.rs` with
/// quoting helpers; this should share them once that is merged.
fn sq(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// Double-quote a plan string: `"`, `\` and `` ` `` escaped, `$` not, so the plan's
/// `${ZF_…}` references expand and nothing else does (the plan's contract).
fn dq(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if matches!(c, '"' | '\\' | '`') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// Text for a `#` comment: a control character (a newline would end the comment and
/// make the rest code) shows as `?`.
fn comment(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

fn argv(args: &[String]) -> String {
    args.iter().map(|a| dq(a)).collect::<Vec<_>>().join(" ")
}

/// One file the script can write: the base archive (index 0) or increment n.
struct Target {
    file: String,
    compression: Compression,
}

fn file_name(location: &Location) -> String {
    let path = match location {
        Location::Path { path } => path,
        Location::Nfs { path, .. } => path,
    };
    path.rsplit('/').next().unwrap_or(path).to_string()
}

fn archive_compression(c: Compression) -> ArchiveCompression {
    match c {
        Compression::None => ArchiveCompression::None,
        Compression::Gzip => ArchiveCompression::Gzip,
        Compression::Zstd => ArchiveCompression::Zstd,
    }
}

fn compression_name(c: Compression) -> &'static str {
    archive_compression(c).name()
}

/// A run-time variant of the script and its plan.
struct Variant {
    key: String,
    plan: CapturePlan,
}

fn variants(targets: &[Target]) -> Vec<Variant> {
    let mut kinds = vec!["full"];
    if targets.len() > 1 {
        kinds.push("incr");
    }
    let mut compressions: Vec<Compression> = Vec::new();
    for t in targets {
        if t.compression != Compression::Zstd && !compressions.contains(&t.compression) {
            compressions.push(t.compression);
        }
    }
    // Only zstd files: the script refuses them before the plan runs, but it is rendered.
    if compressions.is_empty() {
        compressions.push(Compression::Zstd);
    }
    let mut out = Vec::new();
    for recursive in [false, true] {
        for kind in &kinds {
            for &c in &compressions {
                let plan = capture_plan::build(&PlanInput {
                    dataset: "${ZF_DATASET}".into(),
                    snapshot: "${ZF_SNAPSHOT}".into(),
                    from: (*kind == "incr").then(|| "${ZF_FROM}".into()),
                    recursive,
                    compression: archive_compression(c),
                    output: "${ZF_OUTPUT}".into(),
                    dir: "${ZF_DIR}".into(),
                    temp: "${ZF_TEMP}".into(),
                    manifest: "${ZF_MANIFEST}".into(),
                    manifest_temp: "${ZF_MANIFEST_TEMP}".into(),
                    // `-f` is a run-time option: the check tests $ZF_FORCE.
                    force: false,
                });
                out.push(Variant {
                    key: format!("r{}-{kind}-{}", u8::from(recursive), compression_name(c)),
                    plan,
                });
            }
        }
    }
    out
}

/// Render per variant; one text when all agree, else a `case` on `$ZF_VARIANT`.
fn by_variant(variants: &[Variant], indent: &str, f: impl Fn(&CapturePlan) -> String) -> String {
    let mut groups: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for v in variants {
        let text = f(&v.plan);
        if !groups.contains_key(&text) {
            order.push(text.clone());
        }
        groups.entry(text).or_default().push(&v.key);
    }
    if order.len() == 1 {
        return indent_lines(&order[0], indent);
    }
    let mut out = format!("{indent}case \"$ZF_VARIANT\" in\n");
    for text in &order {
        let keys = groups[text].join("|");
        let _ = writeln!(out, "{indent}{keys})");
        out.push_str(&indent_lines(text, &format!("{indent}    ")));
        let _ = writeln!(out, "{indent}    ;;");
    }
    let _ = writeln!(out, "{indent}esac");
    out
}

fn indent_lines(text: &str, indent: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        if line.is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, "{indent}{line}");
        }
    }
    out
}

/// Shell text of one action of the plan, for step number `n`.
fn action_text(n: usize, step: &str, action: &Action) -> String {
    let fail = |msg: &str| format!("zf_fail {step} {}", dq(msg));
    // With the messages the command left in $ZF_WORK/FILE….
    let fail_with = |msg: &str, files: &str| format!("zf_fail {step} {} {files}", dq(msg));
    match action {
        Action::Check(Check::OutputDirWritable { dir }) => format!(
            "[ -d {d} ] || {}\n[ -w {d} ] || {}\n",
            fail(&format!("{dir}: the directory does not exist")),
            fail(&format!("{dir}: the directory is not writable")),
            d = dq(dir)
        ),
        Action::Check(Check::OutputAbsent { paths, .. }) => {
            let mut s = String::from("if [ \"$ZF_FORCE\" = 0 ]; then\n");
            for p in paths {
                let _ = writeln!(
                    s,
                    "    if ls -d {} >/dev/null 2>&1; then {}; fi",
                    dq(p),
                    fail(&format!("{p} exists (use -f to overwrite)"))
                );
            }
            s.push_str("fi\n");
            s
        }
        Action::Check(Check::DatasetExists { dataset }) => format!(
            "zfs list -H -o name -t filesystem {} >/dev/null 2>\"$ZF_WORK/err\" || {}\n",
            dq(dataset),
            fail_with(&format!("dataset {dataset} does not exist"), "err")
        ),
        Action::Check(Check::Room {
            dataset,
            dir,
            estimate,
            ratio,
        }) => match estimate {
            SizeEstimate::Unknown => {
                "zf_log \"the size of an incremental stream is not known in advance: room not checked\"\n"
                    .to_string()
            }
            SizeEstimate::Referenced | SizeEstimate::Used => format!(
                "zf_room {} {} {} {ratio}\n",
                dq(dataset),
                dq(dir),
                if *estimate == SizeEstimate::Used {
                    "used"
                } else {
                    "referenced"
                }
            ),
        },
        Action::Snapshot { argv: a, exists } => format!(
            "if zfs list -H -o name -t snapshot {e} >/dev/null 2>&1; then\n    \
             zf_log {reuse}\nelse\n    \
             zfs {args} 2>\"$ZF_WORK/err\" || {}\n    \
             ZF_ARMED_{n}=1\nfi\n",
            fail_with(&format!("zfs snapshot {exists} failed"), "err"),
            e = dq(exists),
            reuse = dq(&format!("{exists} exists: it is used and kept")),
            args = argv(a),
        ),
        Action::Send {
            argv: a,
            compression,
            temp,
        } => {
            let t = dq(temp);
            let send = format!("zfs {}", argv(a));
            let mut s = format!(
                "ZF_ARMED_{n}=1\n: >{t} || {}\n",
                fail(&format!("cannot create {temp}"))
            );
            match compression {
                ArchiveCompression::None => {
                    let _ = writeln!(
                        s,
                        "{send} >{t} 2>\"$ZF_WORK/err\" || {}",
                        fail_with("zfs send failed", "err")
                    );
                }
                ArchiveCompression::Gzip => {
                    // No pipefail in the Bourne shell: each command of the pipeline leaves
                    // a file when it fails, and every one is checked.
                    let _ = writeln!(
                        s,
                        "{{ {send} 2>\"$ZF_WORK/err\" || echo \"zfs send exit status $?\" >\"$ZF_WORK/send-failed\"; }} | \
                         {{ gzip -c || echo \"gzip exit status $?\" >\"$ZF_WORK/gzip-failed\"; }} >{t} || {}",
                        fail_with(&format!("cannot write {temp}"), "gzip-failed")
                    );
                    let _ = writeln!(
                        s,
                        "[ -f \"$ZF_WORK/send-failed\" ] && {}",
                        fail_with("zfs send failed", "send-failed err")
                    );
                    let _ = writeln!(
                        s,
                        "[ -f \"$ZF_WORK/gzip-failed\" ] && {}",
                        fail_with(&format!("gzip failed writing {temp}"), "gzip-failed")
                    );
                }
                ArchiveCompression::Zstd => {
                    let _ = writeln!(
                        s,
                        "{}",
                        fail("zstd: Solaris 10 has no zstd (use gzip or none)")
                    );
                }
            }
            s
        }
        Action::Digest { file } => format!(
            "ZF_SHA256=`digest -a sha256 {f}` || {}\n\
             case \"$ZF_SHA256\" in\n    \
             {q64}) ;;\n    \
             *) {} ;;\nesac\n\
             case \"$ZF_SHA256\" in\n    \
             *[!0-9a-f]*) {} ;;\nesac\n\
             ZF_STORED=`wc -c <{f}`\n\
             ZF_STORED=`echo $ZF_STORED`\n\
             case \"$ZF_STORED\" in\n    \
             ''|*[!0-9]*) {} ;;\nesac\n",
            fail(&format!("digest -a sha256 {file} failed")),
            fail("digest printed no SHA-256: $ZF_SHA256"),
            fail("digest printed no SHA-256: $ZF_SHA256"),
            fail(&format!("cannot tell the size of {file}")),
            f = dq(file),
            q64 = "?".repeat(64),
        ),
        Action::WriteManifest { temp, .. } => format!(
            "ZF_ARMED_{n}=1\nzf_manifest >{t} || {}\n",
            fail(&format!("cannot write {temp}")),
            t = dq(temp)
        ),
        Action::Rename { from, to } => format!(
            "mv -f {} {} || {}\n",
            dq(from),
            dq(to),
            fail(&format!("cannot rename {from} to {to}"))
        ),
        Action::DestroySnapshot { argv: a } => format!(
            "if zf_retry zfs {}; then zf_log {}; else zf_log {}; fi\n",
            argv(a),
            dq(&format!(
                "destroyed the snapshot {} it had created",
                a.last().map(String::as_str).unwrap_or("")
            )),
            dq(&format!(
                "could not destroy the snapshot {} it had created",
                a.last().map(String::as_str).unwrap_or("")
            )),
        ),
        Action::Remove { path } => format!("rm -f {}\n", dq(path)),
    }
}

/// The capture script of `archive` (a site archive with its increments).
pub fn render(archive: &Archive, site_name: &str, tool: &str) -> String {
    let targets: Vec<Target> = std::iter::once(archive)
        .chain(&archive.increments)
        .map(|a| Target {
            file: file_name(&a.location),
            compression: a.compression,
        })
        .collect();
    let variants = variants(&targets);
    let script = capture_script_path(&archive.name);
    let prog = script.rsplit('/').next().unwrap_or(&script).to_string();
    let mut s = String::new();
    let _ = write!(
        s,
        r#"#!/bin/sh
# shellcheck disable=SC2006
# {script} -- captures archive {name} on a Solaris 10 golden host; generated by
# `zflash generate` from {site_name}; do not edit.
#
# The same plan as `zflash capture` (which needs a host that runs zflash), in SVR4 Bourne
# shell with the Solaris 10 userland only:
#   sh {script} [-r] [-f] [-s SNAPSHOT] [-d DIR] DATASET
#       the base archive {base}
#   sh {script} [-r] [-f] [-s SNAPSHOT] [-d DIR] [-n N] DATASET FROM
#       increment N (default 1) of the site's `increments`, from the snapshot FROM
# -r: the dataset and its descendants (zfs send -R); -f: replace existing files;
# -s: the snapshot to take (or to reuse if it exists; default zflash-<UTC time>);
# -d: the output directory (default: the current directory).
#
# Steps: preflight (no change) -> snapshot -> zfs send | gzip into a temporary file beside
# the target (every command of the pipeline checked) -> SHA-256 (digest -a sha256) ->
# manifest (zflash-archive/1, without the stream fields: `zflash manifest FILE` adds them)
# -> rename both into place. On any failure or signal the temporary files and a snapshot
# this script created are removed, and it exits non-zero naming the step.

ZF_PROG={prog}
ZF_TOOL={tool}
ZF_RECURSIVE=0
ZF_FORCE=0
ZF_SNAPSHOT=
ZF_DIR=.
ZF_INDEX=
ZF_STEP=preflight
ZF_WORK=

zf_log() {{
    printf '%s\n' "$ZF_PROG: $1" >&2
}}

zf_usage() {{
    zf_log "$1"
    echo "usage: sh {script} [-r] [-f] [-s SNAPSHOT] [-d DIR] [-n N] DATASET [FROM]" >&2
    exit 2
}}

while [ $# -gt 0 ]; do
    case "$1" in
        -r) ZF_RECURSIVE=1; shift ;;
        -f) ZF_FORCE=1; shift ;;
        -s) [ $# -ge 2 ] || zf_usage "-s needs a snapshot name"; ZF_SNAPSHOT=$2; shift; shift ;;
        -d) [ $# -ge 2 ] || zf_usage "-d needs a directory"; ZF_DIR=$2; shift; shift ;;
        -n) [ $# -ge 2 ] || zf_usage "-n needs a number"; ZF_INDEX=$2; shift; shift ;;
        --) shift; break ;;
        -*) zf_usage "unknown option $1" ;;
        *) break ;;
    esac
done
[ $# -ge 1 ] && [ $# -le 2 ] || zf_usage "give DATASET, and FROM for an increment"
ZF_DATASET=`printf '%s\n' "$1" | sed 's:/*$::'`
ZF_FROM=${{2-}}
case "$ZF_DATASET" in
    ''|-*|*@*) zf_usage "DATASET must be a filesystem name like pool/fs, not $1" ;;
esac
[ -n "$ZF_SNAPSHOT" ] || ZF_SNAPSHOT=zflash-`date -u +%Y%m%dT%H%M%SZ`
case "$ZF_SNAPSHOT" in
    "$ZF_DATASET"@*|@*) ZF_SNAPSHOT=`printf '%s\n' "$ZF_SNAPSHOT" | sed 's/^[^@]*@//'` ;;
esac
case "$ZF_SNAPSHOT" in
    ''|-*|*@*|*/*) zf_usage "-s takes a snapshot name of DATASET, not $ZF_SNAPSHOT" ;;
esac
case "$ZF_FROM" in
    "$ZF_DATASET"@*|@*) ZF_FROM=`printf '%s\n' "$ZF_FROM" | sed 's/^[^@]*@//'` ;;
esac
case "$ZF_FROM" in
    -*|*@*|*/*) zf_usage "FROM takes an earlier snapshot of DATASET (NAME or DATASET@NAME), not $2" ;;
esac
if [ $# -eq 2 ]; then
    [ -n "$ZF_FROM" ] || zf_usage "FROM is empty"
    [ -n "$ZF_INDEX" ] || ZF_INDEX=1
    ZF_KIND=incr
else
    [ -z "$ZF_INDEX" ] || [ "$ZF_INDEX" = 0 ] || zf_usage "-n N needs FROM, the snapshot increment N starts from"
    ZF_INDEX=0
    ZF_KIND=full
fi
case "$ZF_INDEX" in
"#,
        script = script,
        name = comment(&archive.name),
        site_name = comment(site_name),
        base = comment(&targets[0].file),
        prog = sq(&prog),
        tool = sq(tool),
    );
    for (i, t) in targets.iter().enumerate() {
        let _ = writeln!(
            s,
            "    {i}) ZF_FILE={}; ZF_COMPRESSION={} ;;",
            sq(&t.file),
            compression_name(t.compression)
        );
    }
    let _ = writeln!(
        s,
        "    *) zf_usage {}\"$ZF_INDEX\" ;;\nesac",
        sq(&format!(
            "archive {} has {} increment(s): no increment ",
            archive.name,
            targets.len() - 1
        )),
    );
    s.push_str(
        r#"if [ "$ZF_COMPRESSION" = zstd ]; then
    zf_log "preflight failed: $ZF_FILE is zstd-compressed and Solaris 10 has no zstd: set compression: gzip for it in the site file, or capture it with zflash capture on a host that runs zflash"
    exit 1
fi
ZF_VARIANT=r$ZF_RECURSIVE-$ZF_KIND-$ZF_COMPRESSION
ZF_OUTPUT=$ZF_DIR/$ZF_FILE
ZF_TEMP=$ZF_DIR/.$ZF_FILE.$$.partial
ZF_MANIFEST=$ZF_OUTPUT.manifest.json
ZF_MANIFEST_TEMP=$ZF_DIR/.$ZF_FILE.manifest.json.$$.partial

zf_retry() {
    # ZFS answers "dataset is busy" for a moment after a send: try again, up to 10 times
    # a second apart, as zflash capture does.
    for zf_try in 1 2 3 4 5 6 7 8 9 10; do
        "$@" 2>/dev/null && return 0
        [ "$zf_try" = 10 ] || sleep 1
    done
    return 1
}

"#,
    );

    // Clean-up: the undos of the plan, newest first, each when its step was armed.
    let steps = &variants[0].plan.steps;
    s.push_str("zf_cleanup() {\n    trap '' 1 2 15\n");
    for (n, step) in steps.iter().enumerate().rev() {
        if step.undo.is_none() {
            continue;
        }
        let _ = writeln!(s, "    if [ \"${{ZF_ARMED_{n}-}}\" = 1 ]; then");
        s.push_str(&by_variant(&variants, "        ", |plan| {
            action_text(n, "undo", plan.steps[n].undo.as_ref().expect("same shape"))
        }));
        s.push_str("    fi\n");
    }
    s.push_str(
        r#"    [ -z "$ZF_WORK" ] || rm -rf "$ZF_WORK"
}

zf_fail() {
    # $1: the step, $2: what failed, $3...: files in $ZF_WORK with the messages of the
    # command that failed.
    zf_log "the $1 step failed: $2"
    zf_step=$1
    shift; shift
    for zf_file in "$@"; do
        [ -n "$ZF_WORK" ] && [ -s "$ZF_WORK/$zf_file" ] && sed "s/^/$zf_step: /" "$ZF_WORK/$zf_file" >&2
    done
    zf_cleanup
    zf_log "nothing was left behind"
    exit 1
}

zf_signal() {
    zf_log "the $ZF_STEP step was interrupted by SIG$1"
    zf_cleanup
    zf_log "nothing was left behind"
    exit "$2"
}

trap 'zf_signal HUP 129' 1
trap 'zf_signal INT 130' 2
trap 'zf_signal TERM 143' 15

zf_json() {
    # $1 as the inside of a JSON string: \ and " escaped, a tab as \t, other control
    # characters dropped (printf, not echo: echo interprets backslashes).
    printf '%s\n' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/	/\\t/g' |
        tr -d '\001\002\003\004\005\006\007\010\012\013\014\015\016\017\020\021\022\023\024\025\026\027\030\031\032\033\034\035\036\037\177'
}

zf_number() {
    # $1 when it is a decimal number, else null (unknown).
    case "$1" in
        ''|*[!0-9]*) echo null ;;
        *) echo "$1" ;;
    esac
}

zf_os_release() {
    # The first non-blank line of /etc/release, else PRETTY_NAME of /etc/os-release, else
    # uname -sr, as zflash capture does.
    zf_line=
    [ -r /etc/release ] && zf_line=`awk 'NF > 0 { print; exit }' /etc/release | sed -e 's/^[ 	]*//' -e 's/[ 	]*$//'`
    if [ -z "$zf_line" ] && [ -r /etc/os-release ]; then
        zf_line=`sed -n 's/^PRETTY_NAME=//p' /etc/os-release | sed -e 's/^"//' -e 's/"$//' | head -1`
    fi
    [ -n "$zf_line" ] || zf_line=`uname -sr`
    printf '%s\n' "$zf_line"
}

zf_available() {
    # Free space of the directory $1: df -k's "avail" (as "Nk"), which knows the file
    # system the directory is on (ZFS, NFS, UFS); where there is no df, the "available"
    # of the ZFS file system mounted at the longest prefix of its path (a root BE
    # mounted at / is not taken: the directory may be on another file system below it);
    # nothing when unknown.
    zf_df=`(df -k "$1") 2>/dev/null | awk 'NR > 1 && NF >= 4 { a = $(NF - 2) } END { if (a != "") print a "k" }'`
    case "$zf_df" in
        *[0-9]k) echo "$zf_df"; return 0 ;;
    esac
    zf_abs=`cd "$1" && pwd` || return 0
    zf_fs=`{ printf '%s\n' "$zf_abs"; zfs list -H -o mountpoint,name -t filesystem 2>/dev/null; } |
        awk 'BEGIN { FS = "	" }
            NR == 1 { d = $0; next }
            { m = $1; l = length(m)
              if (m == d || (substr(d, 1, l + 1) == m "/")) { if (l > best) { best = l; fs = $2 } } }
            END { if (fs != "") print fs }'`
    [ -z "$zf_fs" ] || zfs get -H -p -o value available "$zf_fs" 2>/dev/null
}

zf_room() {
    # Refuse when the directory $2 has less room than the estimated stream size
    # (zfs get $3 of $1) divided by $4, the least compression assumed.
    zf_need=`zfs get -H -p -o value "$3" "$1" 2>/dev/null`
    case "$zf_need" in
        ''|*[!0-9]*) zf_log "no size estimate for $1: room not checked"; return 0 ;;
    esac
    zf_avail=`zf_available "$2"`
    case "$zf_avail" in
        *k) zf_avail=`echo "$zf_avail" | sed 's/k$//'`; zf_unit=1024; zf_units=KiB ;;
        *) zf_unit=1; zf_units=bytes ;;
    esac
    case "$zf_avail" in
        ''|*[!0-9]*) zf_log "cannot tell the free space of $2: room not checked"; return 0 ;;
    esac
    echo "$zf_need $zf_avail $zf_unit $4" | awk '{ if ($2 * $3 < $1 / $4) exit 1 }' ||
        zf_fail preflight "$2: $zf_avail $zf_units free, the stream is estimated at $zf_need bytes (zfs get $3 $1), at least 1/$4 of that stored"
}

zf_manifest() {
    # The sidecar manifest, zflash-archive/1, with every field this host knows; the
    # stream fields (records, GUIDs...) are added by `zflash manifest FILE`.
    zf_pool=`expr "$ZF_DATASET" : '\([^/]*\)'`
    zf_pool_version=`zpool get version "$zf_pool" 2>/dev/null | awk 'NR == 2 { print $3 }'`
    zf_zpl_version=`zfs get -H -o value version "$ZF_DATASET" 2>/dev/null`
    if [ "$ZF_KIND" = incr ]; then
        zf_from=`zf_json "$ZF_FROM"`
        zf_from="
    \"from_snapshot\": \"$zf_from\","
    else
        zf_from=
    fi
    if [ "$ZF_RECURSIVE" = 1 ]; then zf_recursive=true; else zf_recursive=false; fi
    zf_name=`zf_json "$ZF_FILE"`
    zf_host=`uname -n`
    zf_host=`zf_json "$zf_host"`
    zf_dataset=`zf_json "$ZF_DATASET"`
    zf_snapshot=`zf_json "$ZF_SNAPSHOT"`
    zf_pool=`zf_json "$zf_pool"`
    zf_pool_version=`zf_number "$zf_pool_version"`
    zf_zpl_version=`zf_number "$zf_zpl_version"`
    zf_arch=`uname -p`
    zf_arch=`zf_json "$zf_arch"`
    zf_platform=`uname -m`
    zf_platform=`zf_json "$zf_platform"`
    zf_release=`zf_os_release`
    zf_release=`zf_json "$zf_release"`
    zf_tool=`zf_json "$ZF_TOOL"`
    cat <<ZF_EOF
{
  "format": "zflash-archive/1",
  "name": "$zf_name",
  "created": "$ZF_CREATED",
  "host": "$zf_host",
  "source": {
    "dataset": "$zf_dataset",
    "snapshot": "$zf_snapshot",$zf_from
    "recursive": $zf_recursive,
    "pool": "$zf_pool",
    "pool_version": $zf_pool_version,
    "zpl_version": $zf_zpl_version
  },
  "content": {
    "architecture": "$zf_arch",
    "platform": "$zf_platform",
    "os_release": "$zf_release"
  },
  "stored_bytes": $ZF_STORED,
  "compression": "$ZF_COMPRESSION",
  "sha256": "$ZF_SHA256",
  "tool": "$zf_tool"
}
ZF_EOF
}

ZF_CREATED=`date -u +%Y-%m-%dT%H:%M:%SZ`
ZF_WORK=/tmp/zflash-capture.$$
umask 022
mkdir "$ZF_WORK" || { ZF_WORK=; zf_fail preflight "cannot create the work directory /tmp/zflash-capture.$$"; }
zf_log "capturing $ZF_DATASET@$ZF_SNAPSHOT into $ZF_OUTPUT"
"#,
    );

    let mut current = "";
    for (n, step) in steps.iter().enumerate() {
        let kind = step.kind.name();
        if kind != current {
            let _ = writeln!(s, "\n# step {kind}\nZF_STEP={kind}");
            current = kind;
        }
        s.push_str(&by_variant(&variants, "", |plan| {
            action_text(n, kind, &plan.steps[n].action)
        }));
        // After the archive is renamed into place, its undo (removing it) is armed until
        // the manifest is in place too.
        if matches!(step.action, Action::Rename { .. }) && step.undo.is_some() {
            let _ = writeln!(s, "ZF_ARMED_{n}=1");
        }
    }
    s.push_str(
        r#"
# done: nothing to undo any more
trap '' 1 2 15
rm -rf "$ZF_WORK"
printf '%s\n' "$ZF_OUTPUT: $ZF_DATASET@$ZF_SNAPSHOT, $ZF_STORED bytes ($ZF_COMPRESSION), sha256 $ZF_SHA256; add the stream fields with: zflash manifest $ZF_OUTPUT"
exit 0
"#,
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn archive(name: &str, files: &[(&str, Compression)]) -> Archive {
        let mk = |(f, c): &(&str, Compression)| Archive {
            name: name.into(),
            location: Location::Path {
                path: format!("/flash/{f}"),
            },
            sha256: None,
            compression: *c,
            arch: None,
            increments: Vec::new(),
            replicas: Default::default(),
        };
        let mut a = mk(&files[0]);
        a.increments = files[1..].iter().map(mk).collect();
        a
    }

    #[test]
    fn values_are_single_quoted_and_paths_are_safe() {
        assert_eq!(sq("it's"), "'it'\\''s'");
        assert_eq!(capture_script_path("golden"), "capture/golden.sh");
        assert_eq!(capture_script_path("../x y"), "capture/_.._x_y.sh");
        let text = render(
            &archive("gold", &[("it's.zfs.gz", Compression::Gzip)]),
            "site.yaml",
            "zflash 0.1.0",
        );
        assert!(text.contains("0) ZF_FILE='it'\\''s.zfs.gz'; ZF_COMPRESSION=gzip ;;"));
        assert!(text.contains("ZF_TOOL='zflash 0.1.0'"));
        // A newline in a name cannot end a comment line and become code.
        let text = render(
            &archive("x\nrm -rf /", &[("g.zfs", Compression::None)]),
            "s\nrm -rf /.yaml",
            "t",
        );
        // (The only such line is the rest of the single-quoted usage message.)
        let code: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with("rm -rf /") && !l.starts_with("rm -rf / has 0 increment"))
            .collect();
        assert!(code.is_empty(), "{code:?}");
        assert!(text.contains(
            "zf_usage 'archive x\nrm -rf / has 0 increment(s): no increment '\"$ZF_INDEX\""
        ));
    }

    #[test]
    fn commands_come_from_the_plan_per_variant() {
        let text = render(
            &archive(
                "gold",
                &[
                    ("g.zfs.gz", Compression::Gzip),
                    ("g1.zfs", Compression::None),
                ],
            ),
            "site.yaml",
            "zflash 0.1.0",
        );
        for line in [
            "zfs \"send\" \"${ZF_DATASET}@${ZF_SNAPSHOT}\"",
            "zfs \"send\" \"-R\" \"-i\" \"${ZF_FROM}\" \"${ZF_DATASET}@${ZF_SNAPSHOT}\"",
            "zfs \"send\" \"-i\" \"${ZF_DATASET}@${ZF_FROM}\" \"${ZF_DATASET}@${ZF_SNAPSHOT}\"",
            "zfs \"snapshot\" \"-r\" \"${ZF_DATASET}@${ZF_SNAPSHOT}\"",
            "zf_retry zfs \"destroy\" \"-r\" \"${ZF_DATASET}@${ZF_SNAPSHOT}\"",
            "case \"$ZF_VARIANT\" in",
            "r1-incr-none",
        ] {
            assert!(text.contains(line), "{line}\n{text}");
        }
        // Only the variants the site has.
        let gzip_only = render(
            &archive("gold", &[("g.zfs.gz", Compression::Gzip)]),
            "site.yaml",
            "t",
        );
        assert!(!gzip_only.contains("-incr-"));
        assert!(!gzip_only.contains("none)"));
    }
}
