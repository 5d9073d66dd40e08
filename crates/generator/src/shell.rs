//! The deploy plan as SVR4 Bourne shell: the per-action part of the `loadzfs` finish
//! script. One function per [`Action`] (and per [`Check`]) variant behind exhaustive
//! `match`es, so an action without a shell form fails to compile instead of failing on a
//! client being installed. `templates/loadzfs.tera` keeps the skeleton (header, traps,
//! helper functions) and inserts what [`render_plan`] returns.
//!
//! Quoting: every value from the site file reaches the script single-quoted ([`word`]), so
//! a `$`, `` ` `` or `\` in a hook argument or a property is passed on literally, as the
//! native runtime passes it. The only expansions are the shell references the plan was
//! built with ([`shell_plan_env`]: `${ZFLASH_ALTROOT}`, `${SI_CONFIG_DIR}`…), carried in
//! the plan's strings between two `\u{1}` (a control character no validated site value
//! holds) and rendered as `"${NAME}"`.
//!
//! Every construct is one the Solaris 10 `/sbin/sh` accepts: no `$( )`, `$(( ))`, `!`, no
//! reserved word as a `case` pattern; tools: those of a Solaris 10 miniroot only.

use std::fmt::Write as _;

use zflash_runtime::plan::{
    self, Action, Check, CopyMethod, DigestCheck, Plan, PlanEnv, ReceiveMode, Recovery, StepKind,
};

use crate::model::Compression;

mod report;

/// Marks a shell reference inside a plan string: `\u{1}NAME\u{1}`.
const MARK: char = '\u{1}';

/// The references a loadzfs plan may carry, each set by the script before use.
const REFERENCES: &[&str] = &[
    "ZFLASH_ALTROOT",
    "SI_CONFIG_DIR",
    "SI_HOSTNAME",
    "SI_ARCH",
    "SI_KARCH",
    "ZF_ARCHIVE_ID",
];

/// `name` as a reference inside a plan string (rendered `"${NAME}"`).
pub fn reference_of(name: &str) -> String {
    reference(name)
}

fn reference(name: &str) -> String {
    format!("{MARK}{name}{MARK}")
}

/// The plan environment of the Bourne-shell finish script: shell references, expanded by
/// `/sbin/sh` at install time.
pub fn shell_plan_env() -> PlanEnv {
    PlanEnv {
        altroot: reference("ZFLASH_ALTROOT"),
        si_config_dir: reference("SI_CONFIG_DIR"),
        si_hostname: reference("SI_HOSTNAME"),
        si_arch: reference("SI_ARCH"),
        si_karch: reference("SI_KARCH"),
        archive_id: Some(reference("ZF_ARCHIVE_ID")),
        force: false,
    }
}

/// Split a plan string into literal text (`Ok`) and known references (`Err(name)`).
fn pieces(s: &str) -> Vec<Result<&str, &str>> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(start) = rest.find(MARK) {
        let after = &rest[start + 1..];
        match after.find(MARK) {
            Some(end) if REFERENCES.contains(&&after[..end]) => {
                if start > 0 {
                    out.push(Ok(&rest[..start]));
                }
                out.push(Err(&after[..end]));
                rest = &after[end + 1..];
            }
            // Not one of ours: literal text (single-quoted like the rest).
            _ => {
                out.push(Ok(&rest[..start + 1]));
                rest = after;
            }
        }
    }
    if !rest.is_empty() || out.is_empty() {
        out.push(Ok(rest));
    }
    out
}

fn single(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// One shell word for a plan string: literal text single-quoted, the plan's references
/// as `"${NAME}"`.
pub fn word(s: &str) -> String {
    let mut out = String::new();
    let mut literal = String::new();
    for p in pieces(s) {
        match p {
            Ok(text) => literal.push_str(text),
            Err(name) => {
                if !literal.is_empty() {
                    out.push_str(&single(&literal));
                    literal.clear();
                }
                let _ = write!(out, "\"${{{name}}}\"");
            }
        }
    }
    if !literal.is_empty() || out.is_empty() {
        out.push_str(&single(&literal));
    }
    out
}

/// A plan string for a comment or a description: references as `${NAME}`.
pub fn plain(s: &str) -> String {
    pieces(s)
        .into_iter()
        .map(|p| match p {
            Ok(text) => text.replace('\n', " "),
            Err(name) => format!("${{{name}}}"),
        })
        .collect()
}

/// A run-time shell variable, double-quoted (to be glued to [`word`]s).
fn var(name: &str) -> String {
    format!("\"${name}\"")
}

/// A message: literal pieces and run-time variables (`$name` pieces), one word.
fn msg(parts: &[&str]) -> String {
    parts
        .iter()
        .map(|p| match p.strip_prefix('$') {
            Some(name) if !name.is_empty() => var(name),
            _ => word(p),
        })
        .collect()
}

/// What the script knows about one archive of the chain (base first).
#[derive(Debug, Clone)]
pub struct ArchiveFacts {
    /// The path the plan reads it from.
    pub path: String,
    /// As the site names it.
    pub location: String,
    /// How it is stored.
    pub compression: Compression,
    /// Its SHA-256 (lower-case hex), known at generate time from its manifest.
    pub sha256: Option<String>,
    /// The architecture it was captured on, from that manifest.
    pub arch: Option<String>,
}

/// Everything [`render_plan`] needs beside the plan.
#[derive(Debug, Clone)]
pub struct Facts {
    /// The chain, in receive order.
    pub archives: Vec<ArchiveFacts>,
}

impl Facts {
    fn chain_known(&self) -> bool {
        self.archives.iter().all(|a| a.sha256.is_some())
    }
}

/// The shell text of a plan: the rollback's body, one function per step and the calls.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// Assignments made before anything runs (archive ids, digests).
    pub variables: String,
    /// Body of `zf_rollback`: the undos, newest first.
    pub rollback: String,
    /// `zf_step_KIND() { … }` for every step.
    pub steps: String,
    /// The calls of the step functions, in order.
    pub main: String,
}

/// `on_fail`: what a failing command calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OnFail {
    /// Stop, undo, exit 1.
    Fail,
    /// Report and go on (inside the rollback).
    UndoFailed,
}

impl OnFail {
    fn name(self) -> &'static str {
        match self {
            OnFail::Fail => "zf_fail",
            OnFail::UndoFailed => "zf_undo_failed",
        }
    }
}

struct Cx<'a> {
    plan: &'a Plan,
    facts: &'a Facts,
    on_fail: OnFail,
}

impl Cx<'_> {
    /// `|| zf_fail MESSAGE`.
    fn or_fail(&self, message: &str) -> String {
        format!("|| {} {}", self.on_fail.name(), message)
    }

    fn fail(&self, message: &str) -> String {
        format!("{} {}", self.on_fail.name(), message)
    }

    /// Index in the chain of the archive at `path`.
    fn archive_index(&self, path: &str) -> usize {
        self.facts
            .archives
            .iter()
            .position(|a| a.path == path)
            .unwrap_or(0)
    }
}

/// The shell variable holding archive `n`'s id (`sha256:…` or `guid:…`).
fn id_var(n: usize) -> String {
    if n == 0 {
        "ZF_ARCHIVE_ID".into()
    } else {
        format!("ZF_INCREMENT_ID_{n}")
    }
}

/// The shell variable holding archive `n`'s expected SHA-256 (empty: not known).
fn sha_var(n: usize) -> String {
    format!("ZF_SHA256_{n}")
}

fn id_of(a: &ArchiveFacts) -> String {
    match &a.sha256 {
        Some(d) => format!("sha256:{d}"),
        None => "unknown".to_string(),
    }
}

/// The chain's id as the script knows it once the preflight has read the sidecar
/// manifests: what the journal records and a rerun compares with.
fn chain_id_expr(facts: &Facts) -> String {
    if facts.chain_known() || facts.archives.len() == 1 {
        var("ZF_ARCHIVE_ID")
    } else {
        (0..facts.archives.len())
            .map(|n| var(&id_var(n)))
            .collect::<Vec<_>>()
            .join("'+'")
    }
}

/// Render the plan. Pure.
pub fn render_plan(plan: &Plan, facts: &Facts) -> Rendered {
    let mut r = Rendered::default();
    let known = facts.chain_known();
    let archive_id = if known {
        facts
            .archives
            .iter()
            .map(id_of)
            .collect::<Vec<_>>()
            .join("+")
    } else {
        id_of(&facts.archives[0])
    };
    let _ = writeln!(r.variables, "ZF_ARCHIVE_ID={}", single(&archive_id));
    for (n, a) in facts.archives.iter().enumerate() {
        if n > 0 && !known {
            let _ = writeln!(r.variables, "{}={}", id_var(n), single(&id_of(a)));
        }
        let _ = writeln!(
            r.variables,
            "{}={}",
            sha_var(n),
            single(a.sha256.as_deref().unwrap_or(""))
        );
    }
    let _ = write!(r.variables, "ZF_DEPLOYED=");
    r.variables.push_str(&report::variables(plan, facts));

    let mut cx = Cx {
        plan,
        facts,
        on_fail: OnFail::Fail,
    };
    let mut undos: Vec<String> = Vec::new();
    for (i, step) in plan.steps.iter().enumerate() {
        let name = step.kind.name();
        let _ = writeln!(
            r.steps,
            "# {}. {name}: {}\nzf_step_{name}() {{",
            i + 1,
            plain(&step.description)
        );
        let _ = writeln!(
            r.steps,
            "    zf_log {}",
            word(&format!("step {}: {name}: {}", i + 1, step.description))
        );
        if plan.report.is_some() {
            r.steps.push_str(&report::step_start(i, name));
        }
        for op in &step.ops {
            let undo_index = op.undo.as_ref().map(|u| {
                cx.on_fail = OnFail::UndoFailed;
                undos.push(action(u, &cx));
                cx.on_fail = OnFail::Fail;
                undos.len()
            });
            let armed_first = op.action.undo_armed_first();
            if let (Some(n), true) = (undo_index, armed_first) {
                let _ = writeln!(
                    r.steps,
                    "    # Armed first: a failure half-way may leave something to undo.\n    ZF_DONE={n}"
                );
            }
            r.steps.push_str(&indent(&action(&op.action, &cx), 4));
            if let (Some(n), false) = (undo_index, armed_first) {
                let _ = writeln!(r.steps, "    ZF_DONE={n}");
            }
            if let (Some(_), Action::Receive { archive, .. }) = (&plan.report, &op.action) {
                r.steps.push_str(&report::after_receive(archive));
            }
        }
        if plan.report.is_some() && step.kind == StepKind::Lock {
            r.steps.push_str(report::after_lock());
        }
        match step.kind {
            StepKind::SwitchBootfs => r.steps.push_str("    ZF_COMMITTED=1\n"),
            StepKind::Preflight => r.steps.push_str(&indent(&deferred_rerun(plan, facts), 4)),
            _ => {}
        }
        r.steps.push_str("    :\n}\n\n");
        let _ = writeln!(r.main, "zf_step_{name}");
    }
    for (n, u) in undos.iter().enumerate().rev() {
        let _ = writeln!(
            r.rollback,
            "    if [ \"$ZF_DONE\" -ge {} ]; then\n{}    fi",
            n + 1,
            indent(u, 8)
        );
    }
    for d in plan.actions().filter_map(|a| match a {
        Action::RemoveDir { path } => Some(path),
        _ => None,
    }) {
        let _ = writeln!(r.rollback, "    rmdir {} 2>/dev/null || :", word(d));
    }
    r
}

fn indent(text: &str, width: usize) -> String {
    let pad = " ".repeat(width);
    let mut out = String::new();
    for line in text.lines() {
        if line.is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, "{pad}{line}");
        }
    }
    out
}

/// The end of the preflight: a BE deployed from an archive whose id was not known when
/// the `recover` step looked (a digest read from a sidecar manifest in the preflight).
fn deferred_rerun(plan: &Plan, facts: &Facts) -> String {
    let be = &plan.be_dataset;
    if facts.chain_known() {
        return String::new();
    }
    let chain = chain_id_expr(facts);
    format!(
        "# The BE exists and is done, deployed from an archive whose id was not known when\n\
         # the recover step looked: now that the sidecar manifests were read, the same\n\
         # archive is nothing to do.\n\
         if [ -n \"$ZF_DEPLOYED\" ]; then\n\
         \x20   zf_chain={chain}\n\
         \x20   case \"+$zf_chain+\" in\n\
         \x20       *+unknown+*) zf_fail {unknown} ;;\n\
         \x20       \"+$ZF_DEPLOYED+\")\n\
         \x20           zf_log {same}\n\
         \x20           zf_nothing_to_do\n\
         \x20           ;;\n\
         \x20       *) zf_fail {other} ;;\n\
         \x20   esac\n\
         fi\n",
        unknown = msg(&[
            &format!("{be} already exists, deployed from "),
            "$ZF_DEPLOYED",
            "; this archive has no known digest (no manifest) to tell whether it is the same: keep it, or destroy it to deploy again"
        ]),
        same = word(&format!(
            "{be} is already deployed from this archive: nothing to do"
        )),
        other = msg(&[
            &format!("{be} already exists, deployed from "),
            "$ZF_DEPLOYED",
            ", not from this archive (",
            "$zf_chain",
            "): destroy it or choose another deploy.be"
        ]),
    )
}

/// One action as shell text (lines ending in `\n`).
fn action(a: &Action, cx: &Cx) -> String {
    let mut s = match a {
        Action::Check(c) => check(c, cx),
        Action::TakeLock { pool, dir } => take_lock(pool, dir),
        Action::Recover(r) => recover(r, cx),
        Action::Mkdir { path } => mkdir(path, cx),
        Action::RemoveDir { path } => remove_dir(path),
        Action::MountNfs { source, target } => mount_nfs(source, target, cx),
        Action::Unmount { target } => unmount(target, cx),
        Action::Receive {
            snapshot,
            archive,
            mode,
            digest,
        } => receive(snapshot, archive, mode, *digest, cx),
        Action::ZfsSet {
            dataset,
            property,
            value,
        } => zfs_set(dataset, property, value, cx),
        Action::RecordArchiveId { dataset, id } => zfs_set(
            dataset,
            zflash_runtime::plan::ARCHIVE_PROPERTY,
            // The shell plan's id is the reference to `ZF_ARCHIVE_ID`, which the script
            // always sets (a plan built without it gets the same).
            &id.clone().unwrap_or_else(|| reference("ZF_ARCHIVE_ID")),
            cx,
        ),
        Action::ZfsRename {
            from,
            to,
            if_exists,
        } => zfs_rename(from, to, *if_exists, cx),
        Action::ZfsMount { dataset } => zfs_mount(dataset, cx),
        Action::ZfsUnmount { dataset } => zfs_unmount(dataset, cx),
        Action::ZfsSetTree {
            dataset,
            property,
            value,
        } => zfs_set_tree(dataset, property, value, cx),
        Action::ZfsMountTree { dataset } => zfs_mount_tree(dataset, cx),
        Action::ZfsUnmountTree { dataset } => zfs_unmount_tree(dataset, cx),
        Action::ZfsDestroy {
            dataset,
            recursive,
            if_exists,
        } => zfs_destroy(dataset, *recursive, *if_exists, cx),
        Action::ZpoolSet {
            pool,
            property,
            value,
        } => zpool_set(pool, property, value, cx),
        Action::Touch { path } => touch(path, cx),
        Action::Remove { path } => remove(path, cx),
        Action::CopyFile { from, to } => copy_file(from, to, cx),
        Action::CopyTree { from, to, method } => copy_tree(from, to, *method, cx),
        Action::WriteLog { to } => write_log(to, cx),
        Action::VerifyPresent { path } => verify_present(path, cx),
        Action::VerifyAbsent { path } => verify_absent(path, cx),
        Action::Run { argv } => run(argv, cx),
    };
    if !s.ends_with('\n') {
        s.push('\n');
    }
    s
}

fn check(c: &Check, cx: &Cx) -> String {
    match c {
        Check::PoolImported { pool, altroot } => check_pool_imported(pool, altroot, cx),
        Check::BootfsSet { pool } => check_bootfs_set(pool, cx),
        Check::DatasetFree { dataset } => check_dataset_free(dataset, cx),
        Check::FileReadable { path } => check_file_readable(path, cx),
        Check::ArchiveReadable {
            archive,
            manifest,
            digest,
        } => check_archive_readable(archive, manifest.as_deref(), *digest, cx),
        Check::ArchiveFits { archive, .. } => check_archive_fits(archive, cx),
    }
}

fn check_pool_imported(pool: &str, altroot: &str, cx: &Cx) -> String {
    format!(
        "zpool list {p} >/dev/null 2>&1 {}\nzf_value=`zf_pool_prop altroot {p}`\n[ \"$zf_value\" = {a} ] {}\n",
        cx.or_fail(&word(&format!("pool {pool} is not imported"))),
        cx.or_fail(
            &(msg(&[
                &format!("pool {pool} has altroot "),
                "$zf_value",
                ", expected "
            ]) + &word(altroot))
        ),
        p = word(pool),
        a = word(altroot),
    )
}

fn check_bootfs_set(pool: &str, cx: &Cx) -> String {
    format!(
        "zf_value=`zf_pool_prop bootfs {}`\ncase \"$zf_value\" in\n    \"\" | -) {} ;;\nesac\n",
        word(pool),
        cx.fail(&word(&format!(
            "pool {pool} has no bootfs: is this a ZFS-root install?"
        )))
    )
}

/// After `recover`, a BE of this name is either foreign, or done from another archive,
/// or done from an archive whose id is read later in this preflight (compared at its end).
fn check_dataset_free(dataset: &str, cx: &Cx) -> String {
    let ds = word(dataset);
    let done = if cx.facts.chain_known() {
        cx.fail(&msg(&[
            &format!("{dataset} already exists, deployed from "),
            "$ZF_DEPLOYED",
            ", not from this archive (",
            "$ZF_ARCHIVE_ID",
            "): destroy it or choose another deploy.be",
        ]))
    } else {
        ": compared at the end of this preflight, once the sidecar manifests are read".into()
    };
    format!(
        "if zfs list {ds} >/dev/null 2>&1; then\n\
         \x20   zf_value=`zfs get -H -o value {state} {ds}`\n\
         \x20   ZF_DEPLOYED=`zfs get -H -o value {archive} {ds}`\n\
         \x20   case \"$zf_value\" in\n\
         \x20       \"done\") {done} ;;\n\
         \x20       *) {foreign} ;;\n\
         \x20   esac\n\
         fi\n",
        state = word(plan::STATE_PROPERTY),
        archive = word(plan::ARCHIVE_PROPERTY),
        foreign = cx.fail(&word(&format!(
            "{dataset} already exists and was not deployed by zflash: destroy it or choose another deploy.be"
        ))),
    )
}

fn check_file_readable(path: &str, cx: &Cx) -> String {
    let p = word(path);
    format!(
        "[ -f {p} ] {}\n[ -r {p} ] {}\n",
        cx.or_fail(&word(&format!(
            "{path} is not a file (a directory or missing): name the file itself"
        ))),
        cx.or_fail(&word(&format!("cannot read {path}"))),
    )
}

fn check_archive_readable(
    archive: &str,
    manifest: Option<&str>,
    digest: DigestCheck,
    cx: &Cx,
) -> String {
    let a = word(archive);
    let mut s = format!(
        "[ -f {a} ] {}\n[ -r {a} ] {}\n",
        cx.or_fail(&word(&format!("the archive {archive} is not a file"))),
        cx.or_fail(&word(&format!("cannot read the archive {archive}"))),
    );
    if let Some(m) = manifest {
        let _ = writeln!(
            s,
            "[ -r {} ] {}",
            word(m),
            cx.or_fail(&word(&format!("cannot read the manifest {m}")))
        );
    }
    match digest {
        DigestCheck::DuringReceive => {}
        // verify_first: a full read before any change; the receive checks it again.
        DigestCheck::Before => {
            let n = cx.archive_index(archive);
            let sha = sha_var(n);
            let _ = write!(
                s,
                "if [ -n \"${sha}\" ] && [ \"$ZF_DIGEST\" != none ]; then\n\
                 \x20   zf_value=`zf_sha256_file {a} | tr ABCDEF abcdef` {}\n\
                 \x20   [ \"$zf_value\" = \"${sha}\" ] {}\n\
                 \x20   zf_log {}\n\
                 fi\n",
                cx.or_fail(&word(&format!(
                    "cannot read {archive} to check its SHA-256"
                ))),
                cx.or_fail(&msg(&[
                    &format!("SHA-256 mismatch: {archive} has "),
                    "$zf_value",
                    ", the manifest says ",
                    &format!("${sha}"),
                    " (damaged or replaced archive; found by verify_first, before any change)",
                ])),
                word(&format!("SHA-256 of {archive} verified (verify_first)")),
            );
        }
    }
    s
}

/// What the script needs from the archive's manifest: known at generate time, or read
/// from its sidecar `ARCHIVE.manifest.json` by `zf_manifest` (any valid JSON layout); a
/// manifest it cannot read is refused. Without a manifest, the archive's id is its first
/// stream's toguid, read before any change (a rerun then tells the archive deployed).
fn check_archive_fits(archive: &str, cx: &Cx) -> String {
    let n = cx.archive_index(archive);
    let facts = &cx.facts.archives[n];
    let a = word(archive);
    let compression = match facts.compression {
        Compression::Zstd => {
            return cx.fail(&word(&format!(
                "the archive {archive} is zstd-compressed and a Solaris 10 miniroot cannot decompress zstd: use the native finish script, or capture with --compress gzip"
            )));
        }
        Compression::Gzip => "gzip",
        Compression::None => "none",
    };
    let mut s = String::new();
    if let Some(arch) = &facts.arch {
        let _ = writeln!(
            s,
            "[ \"$SI_ARCH\" = {} ] || [ \"${{SI_KARCH:-}}\" = {} ] {}",
            word(arch),
            word(arch),
            cx.or_fail(&msg(&[
                &format!("the archive was captured on {arch}, this client is "),
                "$SI_ARCH"
            ]))
        );
    }
    let id = id_var(n);
    let sha = sha_var(n);
    let manifest = format!("{archive}.manifest.json");
    if let Some(known) = &facts.sha256 {
        let _ = write!(
            s,
            "# The digest was known when this script was generated (the site file's sha256 or\n\
             # manifest, also in deploy/HOST.yaml): a sidecar manifest saying otherwise is\n\
             # refused before any change, as zflash finish does.\n\
             zf_manifest={m}\n\
             if [ -f \"$zf_manifest\" ]; then\n\
             \x20   zf_manifest_read \"$zf_manifest\" {}\n\
             \x20   [ \"$zf_manifest_sha256\" = \"${sha}\" ] {}\n\
             fi\n",
            cx.or_fail(&msg(&[
                "cannot read the manifest ",
                "$zf_manifest",
                ": ",
                "$zf_manifest_error"
            ])),
            cx.or_fail(&msg(&[
                &format!("{archive}: the sha256 known at generate time is {known}, its manifest "),
                "$zf_manifest",
                " says ",
                "$zf_manifest_sha256",
                ": regenerate or fix the manifest",
            ])),
            m = word(&manifest),
        );
        return s;
    }
    let _ = write!(
        s,
        "# No manifest was known when this script was generated: read the archive's sidecar\n\
         # manifest when there is one, as zflash finish does.\n\
         zf_manifest={m}\n\
         if [ -f \"$zf_manifest\" ]; then\n\
         \x20   zf_manifest_read \"$zf_manifest\" {}\n\
         \x20   case \"$zf_manifest_compression\" in\n\
         \x20       {compression} | \"\") ;;\n\
         \x20       *) {} ;;\n\
         \x20   esac\n\
         \x20   case \"$zf_manifest_arch\" in\n\
         \x20       \"\" | \"$SI_ARCH\" | \"${{SI_KARCH:-}}\") ;;\n\
         \x20       *) {} ;;\n\
         \x20   esac\n\
         \x20   {sha}=$zf_manifest_sha256\n\
         \x20   {id}=\"sha256:$zf_manifest_sha256\"\n\
         \x20   zf_log {}\n\
         else\n\
         \x20   zf_log \"no manifest for this archive: zfs receive checks the stream\"\n\
         \x20   zf_value=`zf_stream_guid {a} {compression}`\n\
         \x20   case \"$zf_value\" in\n\
         \x20       [0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]) {id}=\"guid:$zf_value\" ;;\n\
         \x20       *) {} ;;\n\
         \x20   esac\n\
         fi\n",
        cx.or_fail(&msg(&[
            "cannot read the manifest ",
            "$zf_manifest",
            ": ",
            "$zf_manifest_error"
        ])),
        cx.fail(&msg(&[
            "the manifest ",
            "$zf_manifest",
            " says the archive is ",
            "$zf_manifest_compression",
            &format!(
                "-compressed, the site file says {compression}: regenerate with the right archive"
            ),
        ])),
        cx.fail(&msg(&[
            "the archive was captured on ",
            "$zf_manifest_arch",
            ", this client is ",
            "$SI_ARCH"
        ])),
        msg(&[
            &format!("the digest of {archive} is read from "),
            "$zf_manifest"
        ]),
        // The clients' release has the `guid` dataset property (9/10 on): an archive id
        // that could not be read from the stream before the receive is read from the
        // received snapshot. Without it (10/08 … 10/09) such an archive is refused here.
        if cx.plan.release.guid_property {
            format!(
                "zf_log {}",
                word(&format!(
                    "cannot read the first BEGIN record of {archive}: its id (the snapshot's guid) is read after the receive"
                ))
            )
        } else {
            cx.fail(&word(&format!(
                "cannot read the first BEGIN record of {archive}, and this release has no guid property to read its id after the receive: give the archive its manifest ({archive}.manifest.json)"
            )))
        },
        m = word(&manifest),
    );
    s
}

fn take_lock(pool: &str, dir: &str) -> String {
    format!("zf_lock {} {}\n", word(dir), word(pool))
}

/// See [`Recovery`]: the same decisions as `zflash finish`, in the same order.
fn recover(r: &Recovery, cx: &Cx) -> String {
    let be = word(&r.be);
    let tmp = word(&r.temp);
    let parked = word(&r.parked);
    let resume: String = r
        .resume
        .iter()
        .map(|k| format!("            zf_step_{}\n", k.name()))
        .collect();
    let same = if cx.facts.chain_known() {
        format!(
            "if [ \"$ZF_DEPLOYED\" = \"$ZF_ARCHIVE_ID\" ]; then\n\
             \x20               zf_log {}\n\
             \x20               zf_nothing_to_do\n\
             \x20           fi",
            word(&format!(
                "{} is already deployed from this archive: nothing to do",
                r.be
            ))
        )
    } else {
        ": compared at the end of the preflight, once the sidecar manifests are read".into()
    };
    format!(
        "# A killed run's zfs receive outlives it until it has read its input: let it end.\n\
         for zf_try in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30; do\n\
         \x20   pgrep -f {pattern} >/dev/null 2>&1 || break\n\
         \x20   sleep 1\n\
         done\n\
         if zfs list {be} >/dev/null 2>&1; then\n\
         \x20   zf_value=`zfs get -H -o value {state} {be}`\n\
         \x20   ZF_DEPLOYED=`zfs get -H -o value {archive} {be}`\n\
         \x20   case \"$zf_value\" in\n\
         \x20       \"done\")\n\
         \x20           {same}\n\
         \x20           ;;\n\
         \x20       *)\n\
         \x20           case \"$ZF_DEPLOYED\" in\n\
         \x20               \"\" | -) ;;\n\
         \x20               *)\n\
         \x20                   zf_value=`zf_pool_prop bootfs {pool}`\n\
         \x20                   if [ \"$zf_value\" = {be} ]; then\n\
         \x20                       zf_log {resuming}\n\
         \x20                       ZF_COMMITTED=1\n\
         {resume}\
         \x20                       zf_log {done}\n\
         {resumed}\
         \x20                       exit 0\n\
         \x20                   fi\n\
         \x20                   zf_log {destroying}\n\
         \x20                   zf_destroy_tree {be} {}\n\
         \x20                   ;;\n\
         \x20           esac\n\
         \x20           ZF_DEPLOYED=\n\
         \x20           ;;\n\
         \x20   esac\n\
         fi\n\
         if zfs list {tmp} >/dev/null 2>&1; then\n\
         \x20   zf_log {leftover}\n\
         \x20   zf_destroy_tree {tmp} {}\n\
         fi\n\
         if zfs list {parked} >/dev/null 2>&1 && zfs list {be} >/dev/null 2>&1; then\n\
         \x20   :\n\
         elif zfs list {parked} >/dev/null 2>&1; then\n\
         \x20   zf_log {restoring}\n\
         \x20   zf_retry zfs rename {parked} {be} {}\n\
         fi\n\
         rmdir {be_root} 2>/dev/null\n\
         rmdir {be_root_parent} 2>/dev/null\n\
         :\n",
        cx.or_fail(&word(&format!("cannot destroy the half-done {}", r.be))),
        cx.or_fail(&word(&format!("cannot destroy the leftover {}", r.temp))),
        cx.or_fail(&word(&format!(
            "cannot rename {} back to {}",
            r.parked, r.be
        ))),
        pattern = single(&format!("receive .*{}", r.temp)),
        state = word(plan::STATE_PROPERTY),
        archive = word(plan::ARCHIVE_PROPERTY),
        pool = word(&r.pool),
        resume = resume.replace("            ", "                        "),
        resuming = word(&format!(
            "{} is bootfs but its clean-up was interrupted: finishing it",
            r.be
        )),
        done = word(&format!("done: {} is the pool's bootfs", r.be)),
        resumed = indent(&report::resumed(cx.plan), 24),
        destroying = msg(&[
            &format!("{} is a half-done deployment of ", r.be),
            "$ZF_DEPLOYED",
            ": destroying it"
        ]),
        leftover = word(&format!(
            "destroying the leftover temporary dataset {}",
            r.temp
        )),
        restoring = word(&format!("restoring the parked {} as {}", r.parked, r.be)),
        be_root = word(&r.be_root),
        be_root_parent = word(&parent_of(&r.be_root)),
    )
}

fn parent_of(path: &str) -> String {
    match path.rsplit_once('/') {
        Some((parent, _)) if !parent.is_empty() => parent.to_string(),
        _ => path.to_string(),
    }
}

fn mkdir(path: &str, cx: &Cx) -> String {
    format!(
        "mkdir -p {} {}",
        word(path),
        cx.or_fail(&word(&format!("cannot create {path}")))
    )
}

fn remove_dir(path: &str) -> String {
    format!("rmdir {} 2>/dev/null || :", word(path))
}

fn mount_nfs(source: &str, target: &str, cx: &Cx) -> String {
    format!(
        "zf_mount_nfs {} {} {}",
        word(source),
        word(target),
        cx.or_fail(&word(&format!("cannot mount {source} at {target}")))
    )
}

fn unmount(target: &str, cx: &Cx) -> String {
    format!(
        "zf_retry umount {} {}",
        word(target),
        cx.or_fail(&word(&format!("cannot unmount {target}")))
    )
}

/// One read of the archive: `zf_receive` feeds the same bytes to `zfs receive` and, when
/// a digest is known, to `digest -a sha256` (tee into `/dev/fd/3`); a mismatch found at
/// the end fails the action, and the receive's undo (armed first) destroys what it wrote.
fn receive(
    snapshot: &str,
    archive: &str,
    mode: &ReceiveMode,
    digest: DigestCheck,
    cx: &Cx,
) -> String {
    let n = cx.archive_index(archive);
    let facts = &cx.facts.archives[n];
    let a = word(archive);
    let compression = match facts.compression {
        Compression::Zstd => {
            return cx.fail(&word(&format!(
                "the archive {archive} is zstd-compressed: no zstd in a Solaris 10 miniroot"
            )));
        }
        Compression::Gzip => "gzip",
        Compression::None => "none",
    };
    // Natively the digest is checked while received in both cases; `before` also read
    // the archive through in the preflight.
    let _ = digest;
    let sha = format!("\"$ZF_DIGEST_{n}\"");
    let mut s = format!(
        "if [ \"$ZF_DIGEST\" = none ]; then ZF_DIGEST_{n}=; else ZF_DIGEST_{n}=${}; fi\n",
        sha_var(n)
    );
    let failed = cx.or_fail(&word(&format!(
        "zfs receive of {archive} into {snapshot} failed"
    )));
    let kind = format!(
        "zf_kind=`{}`\n",
        if compression == "gzip" {
            format!("gzip -dc <{a} 2>/dev/null | zf_stream_kind")
        } else {
            format!("zf_stream_kind <{a}")
        }
    );
    s.push_str(&kind);
    match &mode.compound {
        // The clients' release has no `zfs receive -u`: a compound stream is refused
        // before the receive, told by its first BEGIN record (a recursive archive without
        // a manifest; one with a manifest was refused at generate time).
        Some(_) if !cx.plan.release.receive_unmounted => {
            let why = cx.plan.release.recursive_refusal().unwrap_or_default();
            let _ = write!(
                s,
                "[ \"$zf_kind\" != compound ] {}\nzf_receive {a} {compression} {sha}{} {} {failed}\n",
                cx.or_fail(&word(&format!("{archive}: {why}"))),
                if mode.rollback { " -F" } else { "" },
                word(snapshot),
            );
        }
        Some(c) => {
            let ds = word(&c.dataset);
            let _ = write!(
                s,
                "if [ \"$zf_kind\" = compound ]; then\n\
                 \x20   # A recursive archive (zfs send -R: the BE and its child datasets, e.g. /var):\n\
                 \x20   # received unmounted into the dataset, under the sender's snapshot name.\n\
                 \x20   zf_receive {a} {compression} {sha} -u {ds} {failed}\n\
                 \x20   zf_value=`zfs list -H -o name -t snapshot -r {ds} | sed 's/^.*@//' | sort -u`\n\
                 \x20   zf_sent=`echo \"$zf_value\" | sed -n 1p`\n\
                 \x20   zf_more=`echo \"$zf_value\" | sed -n 2p`\n\
                 \x20   [ -n \"$zf_sent\" ] {}\n\
                 \x20   [ -z \"$zf_more\" ] {}\n\
                 \x20   [ \"$zf_sent\" = {want} ] || zf_retry zfs rename -r {ds}\"@$zf_sent\" {snap} {}\n\
                 else\n\
                 \x20   zf_receive {a} {compression} {sha}{rollback} {snap} {failed}\n\
                 fi\n",
                cx.or_fail(&word(&format!(
                    "no snapshot was received into {}",
                    c.dataset
                ))),
                cx.or_fail(&msg(&[
                    &format!("the recursive archive {archive} holds several snapshots per dataset (@"),
                    "$zf_sent",
                    ", @",
                    "$zf_more",
                    ": zfs send -R of a golden image with older snapshots); deploy a full stream of one snapshot",
                ])),
                cx.or_fail(&msg(&[
                    "cannot rename the received snapshots @",
                    "$zf_sent",
                    &format!(" to {snapshot}"),
                ])),
                want = word(&c.snapshot),
                snap = word(snapshot),
                rollback = if mode.rollback { " -F" } else { "" },
            );
        }
        None => {
            let _ = write!(
                s,
                "[ \"$zf_kind\" != compound ] {}\nzf_receive {a} {compression} {sha}{} {} {failed}\n",
                cx.or_fail(&word(&format!(
                    "{archive} is a compound (zfs send -R) stream, and this receive takes a plain one (increments are plain incremental streams)"
                ))),
                if mode.rollback { " -F" } else { "" },
                word(snapshot),
            );
        }
    }
    // Without the guid property the id is known before the receive or the archive was
    // refused (see `check_archive_fits`).
    if facts.sha256.is_none() && cx.plan.release.guid_property {
        let id = id_var(n);
        let _ = write!(
            s,
            "if [ \"${id}\" = unknown ]; then\n\
             \x20   zf_value=`zfs get -H -p -o value guid {}` {}\n\
             \x20   {id}=guid:`zf_hex16 \"$zf_value\"`\n\
             fi\n",
            word(snapshot),
            cx.or_fail(&word(&format!("cannot read the guid of {snapshot}"))),
        );
    }
    // The last receive of a chain whose ids are found while the script runs records
    // the chain's id (the one set right after the base's receive held only the base's).
    let last = cx.facts.archives.len() - 1;
    if n == last && n > 0 && !cx.facts.chain_known() {
        let _ = writeln!(
            s,
            "zf_retry zfs set {}{} {} {}",
            word(&format!("{}=", plan::ARCHIVE_PROPERTY)),
            chain_id_expr(cx.facts),
            word(&cx.plan.temp_dataset),
            cx.or_fail(&word(&format!(
                "cannot record the chain's archive id on {}",
                cx.plan.temp_dataset
            ))),
        );
    }
    s
}

fn zfs_set(dataset: &str, property: &str, value: &str, cx: &Cx) -> String {
    let assignment = format!("{property}={value}");
    format!(
        "zf_retry zfs set {} {} {}",
        word(&assignment),
        word(dataset),
        cx.or_fail(&word(&format!("cannot set {assignment} on {dataset}")))
    )
}

fn zfs_rename(from: &str, to: &str, if_exists: bool, cx: &Cx) -> String {
    let cmd = format!(
        "zf_retry zfs rename {} {} {}",
        word(from),
        word(to),
        cx.or_fail(&word(&format!("cannot rename {from} to {to}")))
    );
    if if_exists {
        format!(
            "if zfs list {} >/dev/null 2>&1; then\n    {cmd}\nfi",
            word(from)
        )
    } else {
        cmd
    }
}

fn zfs_mount(dataset: &str, cx: &Cx) -> String {
    format!(
        "zf_retry zfs mount {} {}",
        word(dataset),
        cx.or_fail(&word(&format!("cannot mount {dataset}")))
    )
}

fn zfs_unmount(dataset: &str, cx: &Cx) -> String {
    format!(
        "zf_value=`zfs get -H -o value mounted {d}`\n[ \"$zf_value\" != yes ] || zf_retry zfs umount {d} {}",
        cx.or_fail(&word(&format!("cannot unmount {dataset}"))),
        d = word(dataset),
    )
}

fn zfs_set_tree(dataset: &str, property: &str, value: &str, cx: &Cx) -> String {
    let assignment = format!("{property}={value}");
    format!(
        "zf_tree {} | while read zf_ds; do\n\
         \x20   [ \"$zf_ds\" != - ] || exit 1\n\
         \x20   zf_retry zfs set {} \"$zf_ds\" || exit 1\n\
         done {}",
        word(dataset),
        word(&assignment),
        cx.or_fail(&word(&format!(
            "cannot set {assignment} on {dataset} and its descendants"
        )))
    )
}

fn zfs_mount_tree(dataset: &str, cx: &Cx) -> String {
    let d = word(dataset);
    format!(
        "zf_tree {d} | while read zf_ds; do\n\
         \x20   [ \"$zf_ds\" != - ] || exit 1\n\
         \x20   if [ \"$zf_ds\" != {d} ]; then\n\
         \x20       # The fourth column of zfs get -H: where the value comes from.\n\
         \x20       zf_value=`zfs get -H mountpoint \"$zf_ds\" | cut -f4`\n\
         \x20       case \"$zf_value\" in\n\
         \x20           inherited*) ;;\n\
         \x20           *) zf_log \"$zf_ds has its own mountpoint ($zf_value): a dataset inside a boot environment must inherit its mountpoint (as /var does); run zfs inherit mountpoint on that dataset of the golden image and capture again\"; exit 1 ;;\n\
         \x20       esac\n\
         \x20   fi\n\
         \x20   zf_value=`zfs get -H -o value mounted \"$zf_ds\"`\n\
         \x20   [ \"$zf_value\" = yes ] || zf_retry zfs mount \"$zf_ds\" || exit 1\n\
         done {}",
        cx.or_fail(&word(&format!(
            "cannot mount {dataset} and its descendants"
        )))
    )
}

fn zfs_unmount_tree(dataset: &str, cx: &Cx) -> String {
    format!(
        "zf_unmount_tree {} {}",
        word(dataset),
        cx.or_fail(&word(&format!(
            "cannot unmount {dataset} and its descendants"
        )))
    )
}

fn zfs_destroy(dataset: &str, recursive: bool, if_exists: bool, cx: &Cx) -> String {
    let d = word(dataset);
    let failed = cx.or_fail(&word(&format!("cannot destroy {dataset}")));
    // A filesystem tree is unmounted first, children first (as natively).
    let cmd = if recursive && !dataset.contains('@') {
        format!("zf_destroy_tree {d} {failed}")
    } else if recursive {
        format!("zf_retry zfs destroy -r {d} {failed}")
    } else {
        format!("zf_retry zfs destroy {d} {failed}")
    };
    if if_exists {
        format!("if zfs list {d} >/dev/null 2>&1; then\n    {cmd}\nfi")
    } else {
        cmd
    }
}

fn zpool_set(pool: &str, property: &str, value: &str, cx: &Cx) -> String {
    let assignment = format!("{property}={value}");
    format!(
        "zf_retry zpool set {} {} {}",
        word(&assignment),
        word(pool),
        cx.or_fail(&word(&format!("cannot set {assignment} on pool {pool}")))
    )
}

fn touch(path: &str, cx: &Cx) -> String {
    format!(
        "touch {} {}",
        word(path),
        cx.or_fail(&word(&format!("cannot create {path}")))
    )
}

fn remove(path: &str, cx: &Cx) -> String {
    format!(
        "rm -f {} {}",
        word(path),
        cx.or_fail(&word(&format!("cannot remove {path}")))
    )
}

fn copy_file(from: &str, to: &str, cx: &Cx) -> String {
    format!(
        "cp -p {} {} {}",
        word(from),
        word(to),
        cx.or_fail(&word(&format!("cannot copy {from} to {to}")))
    )
}

fn copy_tree(from: &str, to: &str, method: CopyMethod, cx: &Cx) -> String {
    let f = word(from);
    let copy = match method {
        CopyMethod::Tar => format!("(cd {f} && tar cf - .) | (cd {} && tar xpf -)", word(to)),
    };
    format!(
        "if [ -d {f} ]; then\n    {copy} {}\nfi",
        cx.or_fail(&word(&format!("cannot copy {from} into {to}")))
    )
}

fn write_log(to: &str, cx: &Cx) -> String {
    format!(
        "cp \"$ZF_LOG\" {} {}",
        word(to),
        cx.or_fail(&word(&format!("cannot write the log to {to}")))
    )
}

fn verify_present(path: &str, cx: &Cx) -> String {
    format!(
        "[ -f {} ] {}",
        word(path),
        cx.or_fail(&word(&format!(
            "{path} is missing after the identity reset"
        )))
    )
}

fn verify_absent(path: &str, cx: &Cx) -> String {
    format!(
        "if [ -f {} ]; then {}; fi",
        word(path),
        cx.fail(&word(&format!(
            "{path} is still present after the identity reset"
        )))
    )
}

/// A hook: every argument single-quoted, so it reaches the program as written; stdin
/// from /dev/null (as natively).
fn run(argv: &[String], cx: &Cx) -> String {
    let words: Vec<String> = argv.iter().map(|a| word(a)).collect();
    format!(
        "zf_hook {} {}",
        words.join(" "),
        cx.or_fail(&word(&format!("hook failed: {}", argv.join(" "))))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_single_quoted_and_references_expand() {
        assert_eq!(word("price=$5"), "'price=$5'");
        assert_eq!(word("it's"), "'it'\\''s'");
        assert_eq!(word(""), "''");
        assert_eq!(
            word(&format!("{}/.zflash/be", reference("ZFLASH_ALTROOT"))),
            "\"${ZFLASH_ALTROOT}\"'/.zflash/be'"
        );
        // An unknown name between marks stays literal text.
        assert_eq!(word("\u{1}HOME\u{1}"), "'\u{1}HOME\u{1}'");
        assert_eq!(
            plain(&format!("{}/x", reference("SI_CONFIG_DIR"))),
            "${SI_CONFIG_DIR}/x"
        );
        assert_eq!(msg(&["a ", "$zf_value", " b"]), "'a '\"$zf_value\"' b'");
    }
}

#[cfg(test)]
mod plan_tests {
    use super::*;
    use zflash_runtime::config::DeployConfig;

    fn facts(path: &str, sha256: Option<&str>) -> Facts {
        Facts {
            archives: vec![ArchiveFacts {
                path: path.into(),
                location: path.into(),
                compression: Compression::Gzip,
                sha256: sha256.map(str::to_string),
                arch: Some("sparc".into()),
            }],
        }
    }

    fn render(extra: &str, sha256: Option<&str>) -> String {
        let cfg = DeployConfig::from_yaml(&format!(
            "version: 1\narchive: /flash/gold.zfs.gz\nbe_name: b\nsysidcfg: /etc/sysidcfg\nhooks: [{{name: h, argv: [/bin/echo, 'price=$5']}}]\n{extra}"
        ))
        .unwrap();
        let plan = plan::build(&cfg, &shell_plan_env()).unwrap();
        let r = render_plan(&plan, &facts("/flash/gold.zfs.gz", sha256));
        format!("{}\n{}\n{}\n{}", r.variables, r.rollback, r.steps, r.main)
    }

    /// Without the `guid` property (before 9/10) an archive whose id is unknown at generate
    /// time is never looked up with `zfs get guid`: when its BEGIN record cannot be read
    /// the script refuses it before any change.
    #[test]
    fn no_guid_property_no_guid_lookup() {
        let cfg = DeployConfig::from_yaml(
            "version: 1\narchive: /flash/gold.zfs.gz\nbe_name: b\nsysidcfg: /etc/sysidcfg\n",
        )
        .unwrap();
        let plan = plan::build(&cfg, &shell_plan_env()).unwrap();
        let text = |guid_property| {
            let mut plan = plan.clone();
            plan.release.guid_property = guid_property;
            let r = render_plan(&plan, &facts("/flash/gold.zfs.gz", None));
            format!("{}\n{}\n{}\n{}", r.variables, r.rollback, r.steps, r.main)
        };
        let with = text(true);
        assert!(with.contains("zfs get -H -p -o value guid"), "{with}");
        let without = text(false);
        assert!(!without.contains("value guid"), "{without}");
        assert!(
            without.contains("zf_fail 'cannot read the first BEGIN record of /flash/gold.zfs.gz, and this release has no guid property"),
            "{without}"
        );
    }

    /// The digest is checked while the archive is received, from the one read; with
    /// `verify_first`, also by a full read in the preflight.
    #[test]
    fn digest_during_the_receive_and_before_with_verify_first() {
        let during = render("", Some("ab12"));
        assert!(during.contains("ZF_SHA256_0='ab12'"), "{during}");
        assert!(
            during.contains("zf_receive '/flash/gold.zfs.gz' gzip \"$ZF_DIGEST_0\" -u "),
            "{during}"
        );
        assert!(!during.contains("zf_sha256_file"), "{during}");
        let before = render("verify_first: true\n", Some("ab12"));
        assert!(
            before.contains("zf_value=`zf_sha256_file '/flash/gold.zfs.gz' | tr ABCDEF abcdef`"),
            "{before}"
        );
        assert!(before.contains("found by verify_first"), "{before}");
    }

    /// Site values are single-quoted; only the plan's references expand; every step is a
    /// function, called in plan order.
    #[test]
    fn values_quoted_and_steps_called_in_order() {
        let text = render("", None);
        assert!(
            text.contains(
                "zf_hook 'chroot' \"${ZFLASH_ALTROOT}\"'/.zflash/b' '/bin/echo' 'price=$5' "
            ),
            "{text}"
        );
        assert!(
            text.contains("'org.zflash:archive='\"${ZF_ARCHIVE_ID}\""),
            "{text}"
        );
        let calls: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with("zf_step_") && !l.contains('('))
            .collect();
        assert_eq!(calls.first(), Some(&"zf_step_lock"));
        assert_eq!(calls[1], "zf_step_recover");
        assert_eq!(calls.last(), Some(&"zf_step_cleanup"));
        assert!(!text.contains("$("), "{text}");
    }
}
