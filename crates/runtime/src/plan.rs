//! The deploy plan: what `zflash finish` does, as data.
//!
//! [`build`] turns a [`DeployConfig`] and a [`PlanEnv`] into a [`Plan`]: typed [`Step`]s, each
//! lowered to primitive [`Op`]s = an [`Action`] plus the action that undoes it. Two consumers
//! interpret the same plan, so the native runtime and the generated Bourne-shell `loadzfs`
//! finish script cannot drift:
//! - the native executor (`crate::exec`) runs the actions and, on failure before the `bootfs`
//!   switch, runs the recorded undos in reverse order;
//! - the generator renders each action as `/sbin/sh` (SVR4 Bourne shell) text.
//!
//! # How a renderer must treat each action
//! Dataset and snapshot names are [`Dataset`], [`Snapshot`] and [`Name`] (from
//! `zflash-zfs`): validated when the plan is built or read, and plain strings in JSON.
//! Every other string in an action is either literal text or contains the shell references the
//! caller put in [`PlanEnv`] (`${SI_CONFIG_DIR}`…): quote each argument with double quotes
//! (escape `"`, `\`, `` ` `` but NOT `$`), so the references expand and nothing else does.
//! Every rendered command must be checked (`|| fail "…"`); a failure before
//! [`StepKind::SwitchBootfs`] must run the undos of the ops done so far, newest first
//! (a shell renderer may simply push each undo onto a rollback script), then exit non-zero.
//! Undo failures are reported and do not stop the remaining undos.
//!
//! | action | Bourne shell rendering (Solaris) |
//! |---|---|
//! | `check` | see [`Check`]; a renderer may implement a subset, must do `pool_imported`, `dataset_free`, `bootfs_set`, `file_readable` (`[ -f … ]` and `[ -r … ]`: a directory is refused), `archive_readable` (`[ -r … ]`) |
//! | `mkdir` | `mkdir -p PATH` |
//! | `remove_dir` | `rmdir PATH 2>/dev/null` — never fails (only removes an empty directory) |
//! | `mount_nfs` | `mount -F nfs -o ro SOURCE TARGET` (Linux: `mount -t nfs -o ro`) |
//! | `unmount` | `umount TARGET` |
//! | `receive` | `zfs receive -v SNAPSHOT < ARCHIVE` for a bare stream; for a zflash archive, the decompressed stream piped in (the native runtime also verifies records and the digest); every `receive` after the first of the `receive` step is an increment (config `increments`) into the same dataset: `zfs receive -F`. A compound (`zfs send -R`) base stream, told at run time by its first BEGIN record, is received into the DATASET part of SNAPSHOT with its children (`zfs receive -u DATASET`: not mounted), then its snapshots are renamed to SNAPSHOT's name (`zfs rename -r DATASET@SENT DATASET@NAME`) when the sender's name differs. Its undo is armed *before* it runs: a compound receive that fails half-way leaves the datasets it finished |
//! | `zfs_set` | `zfs set PROPERTY=VALUE DATASET` |
//! | `record_archive_id` | `zfs set org.zflash:archive=ID DATASET`; ID is `null` in a plan shown before the archive is read (`finish --plan` without the digests in the deploy config) and is never run so |
//! | `zfs_rename` | `zfs rename FROM TO`; with `if_exists`, only when `zfs list FROM` succeeds |
//! | `zfs_mount` / `zfs_unmount` | `zfs mount DATASET` / `zfs umount DATASET` |
//! | `zfs_set_tree` | `zfs set PROPERTY=VALUE` on DATASET and on every descendant filesystem, found at run time: `zfs list -H -o name -r -t filesystem DATASET` (a plain archive has none; a recursive one has e.g. `BE/var`); a failing `zfs list` fails the action (and every tree action; `zfs_unmount_tree` of a dataset that is gone does nothing) — a shell renderer must not let an empty pipeline pass for success |
//! | `zfs_mount_tree` | `zfs mount` DATASET, then each descendant filesystem in name order (`… \| LC_ALL=C sort`); a descendant whose `mountpoint` is not inherited (`zfs get -H -o source mountpoint`) fails the action, naming it. Its undo is armed before it runs |
//! | `zfs_unmount_tree` | `zfs umount` each *mounted* filesystem of the tree, in reverse name order (children first), DATASET last |
//! | `zfs_destroy` | `zfs destroy [-r] DATASET`; with `if_exists`, only when it exists |
//! | `zpool_set` | `zpool set PROPERTY=VALUE POOL` |
//! | `touch` | `touch PATH` |
//! | `remove` | `rm -f PATH` |
//! | `copy_file` | `cp -p FROM TO` |
//! | `copy_tree` | copy the CONTENTS of directory FROM into directory TO, keeping modes: `(cd FROM && find . -print \| cpio -pdmu TO)`; skipped when FROM is not a directory |
//! | `write_log` | copy the finish script's own log (native: the runtime's log) to TO |
//! | `verify_present` / `verify_absent` | `[ -f PATH ]` / `[ ! -f PATH ]`, failing with the path named |
//! | `run` | the argv, each argument quoted |
//!
//! State journal: right after the receive the plan sets the user properties
//! `org.zflash:state=in-progress` (a recursive archive carries the golden image's own user
//! properties, and a golden deployed by zflash says `done`) and `org.zflash:archive` (the
//! archive id) on the new dataset — work in progress of this runtime — and at the very end
//! `org.zflash:state=done`, so that a rerun after a kill can
//! tell its own half-done work from a finished or foreign BE (see `crate::exec`). A shell
//! renderer keeps both, with the same meaning.
//!
//! Fleet report: [`Plan::report`] says where and how both interpreters write the client's
//! `<host>.json` (see [`report`]); it is not a step, since a report never fails a run.

use std::fmt;

use serde::{Deserialize, Serialize};

use zflash_zfs::{Dataset, Name, NameError, Snapshot};

use crate::config::{ArchiveLocation, DeployConfig, HookMode, IdentityEntry};

pub mod report;
pub use report::{ReportMount, ReportTarget};

/// User property holding the deployment state on the received dataset.
pub const STATE_PROPERTY: &str = "org.zflash:state";
/// User property holding the archive identity (manifest digest or stream GUID).
pub const ARCHIVE_PROPERTY: &str = "org.zflash:archive";
/// `org.zflash:state` of a deployment in progress (set right after the receive).
pub const IN_PROGRESS: &str = "in-progress";
/// File name of the runtime's own log inside the first preserved log directory.
pub const RUNTIME_LOG_NAME: &str = "zflash-finish.log";

/// What the plan is built for: the miniroot environment, as strings. The native runtime
/// passes real values; the generator passes shell references such as `${SI_CONFIG_DIR}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanEnv {
    /// The target root, `/a` in JumpStart.
    pub altroot: String,
    /// `SI_CONFIG_DIR`: the mounted JumpStart directory.
    pub si_config_dir: String,
    /// `SI_HOSTNAME`.
    pub si_hostname: String,
    /// `SI_ARCH` (`uname -p`: sparc, i386).
    pub si_arch: String,
    /// `SI_KARCH` (`uname -m`).
    pub si_karch: String,
    /// The value recorded in `org.zflash:archive` (native: `sha256:<hex>` from the
    /// manifest or the deploy config's `sha256`, else `guid:<toguid>` of the stream; one
    /// per archive of the chain, joined by `+`); `None` while not known (`--plan` of an
    /// archive without a digest in the deploy config: read at run time).
    pub archive_id: Option<String>,
    /// `--force`: park an existing BE of the same name and destroy it after the switch.
    pub force: bool,
}

/// The kinds of steps, in execution order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// Take the pool's deploy lock (one run per pool, native or shell), held until the
    /// run ends, also on failure.
    Lock,
    /// Mount an NFS archive source read-only (only for `server:/path` archives).
    MountSource,
    /// Settle what a killed run left: destroy its half-done BE, or finish its clean-up
    /// when it had already switched `bootfs`; a rerun after success is a no-op.
    Recover,
    /// Checks, no change.
    Preflight,
    /// Stream the archive into a temporary dataset.
    Receive,
    /// Rename the received dataset to the BE name: a standalone filesystem (no origin).
    MakeStandalone,
    /// `canmount=noauto` on the final dataset and its descendants; the configured
    /// properties on the final dataset.
    SetProperties,
    /// Mount the BE, then its descendants, at a temporary mountpoint under the altroot.
    MountTemporary,
    /// Apply the identity-reset list.
    ResetIdentity,
    /// Copy `sysidcfg` from the config dir.
    CopySysidcfg,
    /// Check the identity-reset list again (and the sysidcfg copy).
    VerifyIdentity,
    /// Copy the installed BE's logs and the runtime's log.
    PreserveLogs,
    /// Configured hooks.
    RunHooks,
    /// Unmount the BE and its descendants (children first).
    Unmount,
    /// `mountpoint=/`.
    SetMountpoint,
    /// `zpool set bootfs=` — the commit point.
    SwitchBootfs,
    /// Destroy the `@flar` snapshots (`-r`), a parked old BE, mark done.
    Cleanup,
    /// Unmount the NFS source.
    UnmountSource,
}

impl StepKind {
    /// Every kind, in execution order.
    pub const ALL: [StepKind; 18] = [
        StepKind::Lock,
        StepKind::MountSource,
        StepKind::Recover,
        StepKind::Preflight,
        StepKind::Receive,
        StepKind::MakeStandalone,
        StepKind::SetProperties,
        StepKind::MountTemporary,
        StepKind::ResetIdentity,
        StepKind::CopySysidcfg,
        StepKind::VerifyIdentity,
        StepKind::PreserveLogs,
        StepKind::RunHooks,
        StepKind::Unmount,
        StepKind::SetMountpoint,
        StepKind::SwitchBootfs,
        StepKind::Cleanup,
        StepKind::UnmountSource,
    ];

    /// Stable name (as in JSON).
    pub fn name(self) -> &'static str {
        match self {
            StepKind::Lock => "lock",
            StepKind::MountSource => "mount_source",
            StepKind::Recover => "recover",
            StepKind::Preflight => "preflight",
            StepKind::Receive => "receive",
            StepKind::MakeStandalone => "make_standalone",
            StepKind::SetProperties => "set_properties",
            StepKind::MountTemporary => "mount_temporary",
            StepKind::ResetIdentity => "reset_identity",
            StepKind::CopySysidcfg => "copy_sysidcfg",
            StepKind::VerifyIdentity => "verify_identity",
            StepKind::PreserveLogs => "preserve_logs",
            StepKind::RunHooks => "run_hooks",
            StepKind::Unmount => "unmount",
            StepKind::SetMountpoint => "set_mountpoint",
            StepKind::SwitchBootfs => "switch_bootfs",
            StepKind::Cleanup => "cleanup",
            StepKind::UnmountSource => "unmount_source",
        }
    }
}

/// A preflight check (no change to the system).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "check", rename_all = "snake_case")]
pub enum Check {
    /// The pool is imported with this altroot (`zpool list POOL`, `zpool get altroot`).
    PoolImported {
        /// Pool.
        pool: String,
        /// Expected altroot.
        altroot: String,
    },
    /// The pool has `bootfs` set (the installed BE).
    BootfsSet {
        /// Pool.
        pool: String,
    },
    /// The dataset does not exist (or, natively: was deployed from this archive → no-op;
    /// or `--force`).
    DatasetFree {
        /// The BE dataset.
        dataset: Dataset,
    },
    /// A file exists and is readable.
    FileReadable {
        /// Path.
        path: String,
    },
    /// The archive is readable and its manifest (if any) parses.
    ArchiveReadable {
        /// Archive file.
        archive: String,
        /// Separate manifest file.
        manifest: Option<String>,
        /// When the archive's digest is checked: [`DigestCheck::Before`] reads the whole
        /// archive here, before any change (a second read).
        digest: DigestCheck,
    },
    /// Native only: manifest architecture vs the client, stream features vs the pool
    /// version, raw size vs free space.
    ArchiveFits {
        /// Archive file.
        archive: String,
        /// Pool.
        pool: String,
        /// Client architecture (`SI_ARCH`).
        arch: String,
    },
}

/// A primitive action. See the module doc for how to render each.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// A preflight check.
    Check(Check),
    /// `mkdir -p`.
    Mkdir {
        /// Directory.
        path: String,
    },
    /// Remove a directory if it is empty; never fails.
    RemoveDir {
        /// Directory.
        path: String,
    },
    /// Mount an NFS export read-only.
    MountNfs {
        /// `server:/dir`.
        source: String,
        /// Mount point.
        target: String,
    },
    /// Unmount a mount point.
    Unmount {
        /// Mount point.
        target: String,
    },
    /// Take the pool's deploy lock: `mkdir DIR` (atomic), the holder's pid in `DIR/pid`;
    /// a lock whose holder is no longer running is taken over; a live holder refuses the
    /// run before any change. Released (`rm -rf DIR`) when the run ends, whatever the
    /// outcome. The native runtime and the loadzfs take the same directory.
    TakeLock {
        /// Pool.
        pool: String,
        /// Lock directory ([`lock_dir`]).
        dir: String,
    },
    /// Settle a killed run's leftovers (see [`Recovery`]).
    Recover(Recovery),
    /// Receive the archive's stream as `snapshot`.
    Receive {
        /// `POOL/ROOT/.zflash-tmp-BE@flar`.
        snapshot: Snapshot,
        /// Archive file.
        archive: String,
        /// `zfs receive` options.
        mode: ReceiveMode,
        /// When the archive's digest is checked.
        digest: DigestCheck,
    },
    /// `zfs set`.
    ZfsSet {
        /// Dataset.
        dataset: Dataset,
        /// Property.
        property: String,
        /// Value.
        value: String,
    },
    /// `zfs set org.zflash:archive=ID DATASET`: the journal's archive id.
    RecordArchiveId {
        /// Dataset.
        dataset: Dataset,
        /// The id; `None` while not known (a plan shown before the archive is read).
        id: Option<String>,
    },
    /// `zfs rename`.
    ZfsRename {
        /// Old name.
        from: Dataset,
        /// New name.
        to: Dataset,
        /// Do nothing when `from` does not exist.
        if_exists: bool,
    },
    /// `zfs mount`.
    ZfsMount {
        /// Dataset.
        dataset: Dataset,
    },
    /// `zfs umount`.
    ZfsUnmount {
        /// Dataset.
        dataset: Dataset,
    },
    /// `zfs set` on the dataset and every descendant filesystem (found at run time).
    ZfsSetTree {
        /// Top dataset.
        dataset: Dataset,
        /// Property.
        property: String,
        /// Value.
        value: String,
    },
    /// `zfs mount` the dataset, then its descendant filesystems in name order.
    ZfsMountTree {
        /// Top dataset.
        dataset: Dataset,
    },
    /// `zfs umount` the mounted filesystems of the tree, children first.
    ZfsUnmountTree {
        /// Top dataset.
        dataset: Dataset,
    },
    /// `zfs destroy`.
    ZfsDestroy {
        /// Dataset or snapshot.
        dataset: Name,
        /// `-r` (snapshots too).
        recursive: bool,
        /// Do nothing when it does not exist.
        if_exists: bool,
    },
    /// `zpool set`.
    ZpoolSet {
        /// Pool.
        pool: String,
        /// Property.
        property: String,
        /// Value.
        value: String,
    },
    /// Create an empty file if missing.
    Touch {
        /// File.
        path: String,
    },
    /// Remove a file if present.
    Remove {
        /// File.
        path: String,
    },
    /// Copy one file, keeping its mode.
    CopyFile {
        /// Source.
        from: String,
        /// Destination.
        to: String,
    },
    /// Copy a directory's contents into another directory (skipped if `from` is absent).
    CopyTree {
        /// Source directory.
        from: String,
        /// Destination directory.
        to: String,
        /// How.
        method: CopyMethod,
    },
    /// Write the runtime's own log to this file.
    WriteLog {
        /// Destination file.
        to: String,
    },
    /// Fail unless the file exists.
    VerifyPresent {
        /// File.
        path: String,
    },
    /// Fail if the file exists.
    VerifyAbsent {
        /// File.
        path: String,
    },
    /// Run a program (hooks).
    Run {
        /// Program and arguments.
        argv: Vec<String>,
    },
}

/// The pool's deploy lock directory, the same for `zflash finish` and the loadzfs: in
/// `/tmp` (the miniroot's, the same for every altroot).
pub fn lock_dir(pool: &str) -> String {
    format!("/tmp/zflash.{}.lock.d", pool.replace('/', "_"))
}

/// When an archive's SHA-256 (against its manifest) is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DigestCheck {
    /// While it is received, in the same read (the default): a mismatch found at the end
    /// fails the receive and its undo destroys what was received.
    DuringReceive,
    /// In preflight, by a full read before any change (`verify_first`), then again
    /// while it is received.
    Before,
}

/// How `zfs receive` is run for one archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiveMode {
    /// `-F`: roll the dataset back to its latest snapshot first (an increment onto the
    /// snapshot received before it).
    pub rollback: bool,
    /// How a compound (`zfs send -R`) stream, told at run time by its first BEGIN record,
    /// is received; `None`: this receive takes plain streams only (an increment).
    pub compound: Option<CompoundReceive>,
}

/// A compound (`zfs send -R`) base stream: received unmounted (`-u`, it carries the
/// golden's mountpoints) into `dataset` with its children, then its snapshots renamed
/// (`zfs rename -r DATASET@SENT DATASET@SNAPSHOT`) when the sender's name differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompoundReceive {
    /// The dataset received into (`zfs receive -u DATASET`).
    pub dataset: Dataset,
    /// The snapshot name every received dataset ends up with.
    pub snapshot: String,
}

/// How [`Action::CopyTree`] copies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CopyMethod {
    /// `(cd FROM && tar cf - .) | (cd TO && tar xpf -)`: contents, modes and times (the
    /// Solaris 10 miniroot has tar; natively, the same in Rust).
    Tar,
}

/// What a rerun does with a killed run's leftovers, in this order:
/// 1. `be` exists with `org.zflash:state=done` and `org.zflash:archive` = this run's
///    archive id: nothing to do (exit 0, after unmounting the NFS source);
/// 2. `be` exists, its state is not `done` and its archive id is set (a half-done
///    deployment of zflash): when it is the pool's `bootfs` (killed after the commit
///    point), the steps `resume` are run and the run ends; otherwise it is unmounted
///    (children first) and destroyed (`zfs destroy -r`);
/// 3. a leftover `temp` dataset is destroyed (`-r`);
/// 4. a parked `parked` BE without `be` (killed during a `--force` replacement) is
///    renamed back to `be`;
/// 5. the empty temporary mount directories under the altroot are removed.
///
/// A `be` that is none of these (foreign, or done from another archive) is left to the
/// preflight's `dataset_free` check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recovery {
    /// Pool.
    pub pool: String,
    /// The BE dataset.
    pub be: Dataset,
    /// The temporary dataset a receive goes into.
    pub temp: Dataset,
    /// Where `--force` parks an existing BE.
    pub parked: Dataset,
    /// The BE's temporary mountpoint under the altroot (removed when empty).
    pub be_root: String,
    /// The steps a run killed after the `bootfs` switch still has to do.
    pub resume: Vec<StepKind>,
}

fn q(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-:=@,+${}".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Check::PoolImported { pool, altroot } => {
                write!(f, "check pool {pool} is imported with altroot {altroot}")
            }
            Check::BootfsSet { pool } => write!(f, "check pool {pool} has bootfs set"),
            Check::DatasetFree { dataset } => write!(
                f,
                "check {dataset} is free (or already deployed from this archive)"
            ),
            Check::FileReadable { path } => write!(f, "check {path} is readable"),
            Check::ArchiveReadable {
                archive,
                manifest,
                digest,
            } => {
                match manifest {
                    Some(m) => write!(f, "check archive {archive} and manifest {m} are readable")?,
                    None => write!(f, "check archive {archive} is readable")?,
                }
                if *digest == DigestCheck::Before {
                    write!(
                        f,
                        ", and read it through to check its SHA-256 (verify_first)"
                    )?;
                }
                Ok(())
            }
            Check::ArchiveFits {
                archive,
                pool,
                arch,
            } => write!(
                f,
                "check {archive}: made for architecture {}, stream features receivable by pool {pool}, enough free space",
                if arch.is_empty() { "`uname -p`" } else { arch }
            ),
        }
    }
}

impl fmt::Display for Action {
    /// A shell-like one-line description (for humans; renderers use the fields).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::Check(c) => write!(f, "{c}"),
            Action::TakeLock { pool, dir } => write!(
                f,
                "take the deploy lock of pool {} (mkdir {}, holder pid inside; a dead holder's lock is taken over)",
                q(pool),
                q(dir)
            ),
            Action::Recover(r) => {
                let resume: Vec<&str> = r.resume.iter().map(|k| k.name()).collect();
                write!(
                    f,
                    "recover: {be} done from this archive -> nothing to do; {be} half-done (org.zflash:state!=done, archive set) -> {} if it is bootfs, else destroy -r; destroy a leftover {}; rename a parked {} back to {be}",
                    resume.join(" + "),
                    q(&r.temp),
                    q(&r.parked),
                    be = q(&r.be)
                )
            }
            Action::Mkdir { path } => write!(f, "mkdir -p {}", q(path)),
            Action::RemoveDir { path } => write!(f, "rmdir {} (if empty)", q(path)),
            Action::MountNfs { source, target } => {
                write!(f, "mount -o ro (nfs) {} {}", q(source), q(target))
            }
            Action::Unmount { target } => write!(f, "umount {}", q(target)),
            Action::Receive {
                snapshot,
                archive,
                mode,
                digest,
            } => {
                write!(
                    f,
                    "zfs receive {}{} < {}",
                    if mode.rollback { "-F " } else { "" },
                    q(snapshot),
                    q(archive)
                )?;
                if let Some(c) = &mode.compound {
                    write!(
                        f,
                        " (if a zfs send -R stream: zfs receive -u {}, snapshots renamed to @{})",
                        q(&c.dataset),
                        c.snapshot
                    )?;
                }
                match digest {
                    DigestCheck::DuringReceive => write!(f, ", SHA-256 checked while received"),
                    DigestCheck::Before => write!(f, ", SHA-256 checked before and while received"),
                }
            }
            Action::ZfsSet {
                dataset,
                property,
                value,
            } => write!(
                f,
                "zfs set {} {}",
                q(&format!("{property}={value}")),
                q(dataset)
            ),
            Action::RecordArchiveId { dataset, id } => match id {
                Some(id) => write!(
                    f,
                    "zfs set {} {}",
                    q(&format!("{ARCHIVE_PROPERTY}={id}")),
                    q(dataset)
                ),
                None => write!(
                    f,
                    "zfs set {ARCHIVE_PROPERTY}=(archive id, read at run time) {}",
                    q(dataset)
                ),
            },
            Action::ZfsRename {
                from,
                to,
                if_exists,
            } => write!(
                f,
                "zfs rename {} {}{}",
                q(from),
                q(to),
                if *if_exists { " (if it exists)" } else { "" }
            ),
            Action::ZfsMount { dataset } => write!(f, "zfs mount {}", q(dataset)),
            Action::ZfsUnmount { dataset } => write!(f, "zfs umount {}", q(dataset)),
            Action::ZfsSetTree {
                dataset,
                property,
                value,
            } => write!(
                f,
                "zfs set {} on {} and its descendants",
                q(&format!("{property}={value}")),
                q(dataset)
            ),
            Action::ZfsMountTree { dataset } => {
                write!(f, "zfs mount {} and its descendants", q(dataset))
            }
            Action::ZfsUnmountTree { dataset } => {
                write!(f, "zfs umount {} and its descendants", q(dataset))
            }
            Action::ZfsDestroy {
                dataset,
                recursive,
                if_exists,
            } => write!(
                f,
                "zfs destroy {}{}{}",
                if *recursive { "-r " } else { "" },
                q(dataset),
                if *if_exists { " (if it exists)" } else { "" }
            ),
            Action::ZpoolSet {
                pool,
                property,
                value,
            } => write!(
                f,
                "zpool set {} {}",
                q(&format!("{property}={value}")),
                q(pool)
            ),
            Action::Touch { path } => write!(f, "touch {}", q(path)),
            Action::Remove { path } => write!(f, "rm -f {}", q(path)),
            Action::CopyFile { from, to } => write!(f, "cp -p {} {}", q(from), q(to)),
            Action::CopyTree { from, to, method } => match method {
                CopyMethod::Tar => write!(f, "copy {}/* into {} (tar)", q(from), q(to)),
            },
            Action::WriteLog { to } => write!(f, "write the runtime log to {}", q(to)),
            Action::VerifyPresent { path } => write!(f, "verify {} exists", q(path)),
            Action::VerifyAbsent { path } => write!(f, "verify {} is absent", q(path)),
            Action::Run { argv } => {
                let parts: Vec<String> = argv.iter().map(|a| q(a)).collect();
                write!(f, "run {}", parts.join(" "))
            }
        }
    }
}

impl Action {
    /// The undo of this action is armed before it runs, since a failure half-way may
    /// leave something to undo: a receive (a compound stream's finished datasets, a
    /// received filesystem) and a mount of a tree (the filesystems mounted before the
    /// one that failed).
    pub fn undo_armed_first(&self) -> bool {
        matches!(self, Action::Receive { .. } | Action::ZfsMountTree { .. })
    }
}

/// An action and what undoes it (`None`: nothing to undo, or undone by an earlier op's
/// undo — e.g. properties of the received dataset vanish when it is destroyed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Op {
    /// What to do.
    pub action: Action,
    /// How to undo it, if needed.
    pub undo: Option<Action>,
}

/// One typed step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// Kind.
    pub kind: StepKind,
    /// One line for humans.
    pub description: String,
    /// Its primitive actions, in order.
    pub ops: Vec<Op>,
}

/// The whole plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// Plan format version (1).
    pub version: u32,
    /// Root pool.
    pub pool: String,
    /// Final BE dataset.
    pub be_dataset: Dataset,
    /// Temporary dataset the stream is received into.
    pub temp_dataset: Dataset,
    /// Received snapshot name (without dataset).
    pub snapshot: String,
    /// Where the BE is mounted while edited (altroot + temporary mountpoint).
    pub be_root: String,
    /// The archive file as read (after the NFS mount, if any).
    pub archive_path: String,
    /// Recorded archive identity; `None` (JSON `null`) while not known: read at run time.
    pub archive_id: Option<String>,
    /// The expected SHA-256 of each archive of the chain (receive order) given by the
    /// deploy config's `sha256`; `None` (JSON `null`): from its manifest at run time, if any.
    #[serde(default)]
    pub archive_sha256: Vec<Option<String>>,
    /// What the clients' release has that the deploy depends on (deploy config
    /// `image_release`); without one, everything.
    #[serde(default)]
    pub release: ImageRelease,
    /// Where the run writes its fleet report (deploy config `reports`); `None`: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<ReportTarget>,
    /// Steps in order.
    pub steps: Vec<Step>,
}

/// The zfs commands the clients' Solaris 10 release has, as decided from the deploy
/// config's `image_release`: both renderers read these, never the release itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageRelease {
    /// The release (`10/08`), normalised; `None` when the config names none.
    pub name: Option<String>,
    /// `zfs receive -u` exists: a recursive (`zfs send -R`) archive can be received.
    /// Without it such an archive is refused before any change.
    pub receive_unmounted: bool,
    /// The `guid` dataset property exists: an archive id not read from the stream may
    /// be read from the received snapshot.
    pub guid_property: bool,
}

impl Default for ImageRelease {
    fn default() -> Self {
        ImageRelease {
            name: None,
            receive_unmounted: true,
            guid_property: true,
        }
    }
}

impl ImageRelease {
    /// The decisions for a config's `image_release` (already validated).
    pub fn of(image_release: Option<&str>) -> ImageRelease {
        match image_release.and_then(zflash_parser::release::Release::parse) {
            Some(r) => ImageRelease {
                name: Some(r.name().to_string()),
                receive_unmounted: r.info().zfs_receive_u,
                guid_property: r.info().zfs_guid_property,
            },
            None => ImageRelease::default(),
        }
    }

    /// Why a recursive archive cannot be received, if it cannot.
    pub fn recursive_refusal(&self) -> Option<String> {
        if self.receive_unmounted {
            return None;
        }
        Some(format!(
            "a recursive (zfs send -R) archive needs zfs receive -u, which Solaris 10 {} (the release of the install image of the clients) lacks; deploy an archive of the BE alone (captured without -r), or install the clients from a newer image",
            self.name.as_deref().unwrap_or("?")
        ))
    }
}

/// A plan that cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// The archive location is not supported by this runtime.
    #[error(
        "archive {0}: http(s) sources are not supported yet; copy the archive to the JumpStart server and use a path or server:/path"
    )]
    UrlNotSupported(String),
    /// The config is invalid.
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    /// The environment is unusable.
    #[error("{0}")]
    Env(String),
    /// A dataset or snapshot name the plan needs is not valid (e.g. an increment's
    /// snapshot name grown too long).
    #[error("invalid deploy config: {0}")]
    Name(#[from] NameError),
}

fn join(base: &str, rel: &str) -> String {
    let rel = rel.trim_start_matches('/');
    if base.ends_with('/') {
        format!("{base}{rel}")
    } else {
        format!("{base}/{rel}")
    }
}

fn op(action: Action) -> Op {
    Op { action, undo: None }
}

fn op_undo(action: Action, undo: Action) -> Op {
    Op {
        action,
        undo: Some(undo),
    }
}

fn set(dataset: &Dataset, property: &str, value: &str) -> Action {
    Action::ZfsSet {
        dataset: dataset.clone(),
        property: property.to_string(),
        value: value.to_string(),
    }
}
/// Build the plan. Pure: looks at nothing but its arguments. One function per
/// [`StepKind`], behind an exhaustive `match`: each returns its step, or `None` when the
/// configuration has nothing for it to do (no NFS source, no hooks…).
pub fn build(cfg: &DeployConfig, env: &PlanEnv) -> Result<Plan, PlanError> {
    let x = Inputs::resolve(cfg, env)?;
    let steps = StepKind::ALL
        .iter()
        .filter_map(|&kind| match kind {
            StepKind::Lock => lock_step(&x),
            StepKind::MountSource => mount_source_step(&x),
            StepKind::Recover => recover_step(&x),
            StepKind::Preflight => preflight_step(&x),
            StepKind::Receive => receive_step(&x),
            StepKind::MakeStandalone => make_standalone_step(&x),
            StepKind::SetProperties => set_properties_step(&x),
            StepKind::MountTemporary => mount_temporary_step(&x),
            StepKind::ResetIdentity => reset_identity_step(&x),
            StepKind::CopySysidcfg => copy_sysidcfg_step(&x),
            StepKind::VerifyIdentity => verify_identity_step(&x),
            StepKind::PreserveLogs => preserve_logs_step(&x),
            StepKind::RunHooks => run_hooks_step(&x),
            StepKind::Unmount => unmount_step(&x),
            StepKind::SetMountpoint => set_mountpoint_step(&x),
            StepKind::SwitchBootfs => switch_bootfs_step(&x),
            StepKind::Cleanup => cleanup_step(&x),
            StepKind::UnmountSource => unmount_source_step(&x),
        })
        .collect::<Vec<Step>>();
    Ok(Plan {
        version: 1,
        report: report::target(cfg, env, steps.len()),
        pool: cfg.pool.clone(),
        be_dataset: x.be.clone(),
        temp_dataset: x.tmp.clone(),
        snapshot: x.snap.clone(),
        be_root: x.be_root.clone(),
        archive_path: x.archive_path.clone(),
        archive_id: env.archive_id.clone(),
        archive_sha256: (0..cfg.chain().len())
            .map(|i| cfg.expected_sha256(i))
            .collect(),
        release: ImageRelease::of(cfg.image_release.as_deref()),
        steps,
    })
}

/// What the steps are built from: the config and the environment, resolved (and
/// refused when unusable) once.
struct Inputs<'a> {
    cfg: &'a DeployConfig,
    env: &'a PlanEnv,
    /// Without a trailing `/`.
    altroot: String,
    be: Dataset,
    tmp: Dataset,
    old: Dataset,
    /// The received snapshot's name (without dataset).
    snap: String,
    /// `TMP@SNAP`: what the base archive is received as.
    tmp_snap: Snapshot,
    /// `TMP@SNAP-<n>`: what each increment is received as.
    tmp_increments: Vec<Snapshot>,
    /// `BE@SNAP` and `BE@SNAP-<n>`: the same snapshots after the rename to the BE.
    be_snap: Snapshot,
    be_increments: Vec<Snapshot>,
    be_mountpoint: String,
    be_root: String,
    force: bool,
    increments: usize,
    archive_path: String,
    increment_paths: Vec<String>,
    /// `(server:/dir, mount point)`, the base archive's first.
    mounts: Vec<(String, String)>,
    sysidcfg_src: Option<String>,
    sysidcfg_dst: String,
    digest: DigestCheck,
}

impl<'a> Inputs<'a> {
    fn resolve(cfg: &'a DeployConfig, env: &'a PlanEnv) -> Result<Inputs<'a>, PlanError> {
        cfg.validate()?;
        if env.altroot.is_empty() {
            return Err(PlanError::Env("the altroot is empty".into()));
        }
        let altroot = env.altroot.trim_end_matches('/');
        let be = cfg.be_dataset()?;
        let tmp = cfg.temp_dataset()?;
        let old = cfg.old_dataset()?;
        let snap = &cfg.options.snapshot;
        let increment_snapshots = |dataset: &Dataset| {
            (0..cfg.increments.len())
                .map(|i| increment_snapshot(dataset, snap, i))
                .collect::<Result<Vec<_>, _>>()
        };
        let tmp_snap = Snapshot::new(&tmp, snap)?;
        let tmp_increments = increment_snapshots(&tmp)?;
        let be_snap = Snapshot::new(&be, snap)?;
        let be_increments = increment_snapshots(&be)?;
        let be_mountpoint = cfg.be_mountpoint();
        let be_root = format!("{altroot}{be_mountpoint}");
        let force = env.force || cfg.options.force;
        let increments = cfg.increments.len();

        let (archive_path, nfs) = match &cfg.archive {
            ArchiveLocation::Url(u) => return Err(PlanError::UrlNotSupported(u.clone())),
            ArchiveLocation::Path(p) => (p.clone(), None),
            ArchiveLocation::Nfs { .. } => {
                let (source, file) = cfg.archive.nfs_split().expect("nfs");
                let mnt = cfg.options.source_mountpoint.clone();
                (join(&mnt, &file), Some((source, mnt)))
            }
        };

        // NFS mounts: the base archive's directory first; an increment in the same
        // `server:/dir` shares its mount, another directory gets `<source_mountpoint>-<n>`.
        let mut mounts: Vec<(String, String)> = nfs.iter().cloned().collect();
        let mut increment_paths = Vec::new();
        for inc in &cfg.increments {
            match inc {
                ArchiveLocation::Url(u) => return Err(PlanError::UrlNotSupported(u.clone())),
                ArchiveLocation::Path(p) => increment_paths.push(p.clone()),
                ArchiveLocation::Nfs { .. } => {
                    let (source, file) = inc.nfs_split().expect("nfs");
                    let mnt = match mounts.iter().find(|(s, _)| *s == source) {
                        Some((_, m)) => m.clone(),
                        None => {
                            let m =
                                format!("{}-{}", cfg.options.source_mountpoint, mounts.len() + 1);
                            mounts.push((source, m.clone()));
                            m
                        }
                    };
                    increment_paths.push(join(&mnt, &file));
                }
            }
        }
        if let Some(s) = &cfg.sysidcfg
            && !s.starts_with('/')
            && env.si_config_dir.is_empty()
        {
            return Err(PlanError::Env(format!(
                "SI_CONFIG_DIR is not set, and `sysidcfg: {s}` is relative to it (set it, or give an absolute path)"
            )));
        }
        let sysidcfg_src = cfg.sysidcfg.as_ref().map(|s| {
            if s.starts_with('/') {
                s.clone()
            } else {
                join(&env.si_config_dir, s)
            }
        });

        let digest = if cfg.verify_first {
            DigestCheck::Before
        } else {
            DigestCheck::DuringReceive
        };
        let sysidcfg_dst = join(&be_root, "etc/sysidcfg");
        Ok(Inputs {
            cfg,
            env,
            altroot: altroot.to_string(),
            be,
            tmp,
            old,
            snap: snap.clone(),
            tmp_snap,
            tmp_increments,
            be_snap,
            be_increments,
            be_mountpoint,
            be_root,
            force,
            increments,
            archive_path,
            increment_paths,
            mounts,
            sysidcfg_src,
            sysidcfg_dst,
            digest,
        })
    }
}

/// The `lock` step: the pool's deploy lock, first of all.
fn lock_step(x: &Inputs) -> Option<Step> {
    let Inputs { cfg, .. } = x;
    Some(Step {
        kind: StepKind::Lock,
        description: format!(
            "take the deploy lock of pool {} (one run per pool, zflash finish or loadzfs)",
            cfg.pool
        ),
        ops: vec![op(Action::TakeLock {
            pool: cfg.pool.clone(),
            dir: lock_dir(&cfg.pool),
        })],
    })
}

/// The `mount_source` step: each NFS directory an archive is read from.
fn mount_source_step(x: &Inputs) -> Option<Step> {
    let Inputs { mounts, .. } = x;
    if mounts.is_empty() {
        return None;
    }
    let mut ops = Vec::new();
    for (source, mnt) in mounts {
        ops.push(op(Action::Mkdir { path: mnt.clone() }));
        ops.push(op_undo(
            Action::MountNfs {
                source: source.clone(),
                target: mnt.clone(),
            },
            Action::Unmount {
                target: mnt.clone(),
            },
        ));
    }
    let described: Vec<String> = mounts
        .iter()
        .map(|(source, mnt)| format!("{source} read-only at {mnt}"))
        .collect();
    Some(Step {
        kind: StepKind::MountSource,
        description: format!("mount {}", described.join(", ")),
        ops,
    })
}

/// The `recover` step: what a rerun does with a killed run's leftovers.
fn recover_step(x: &Inputs) -> Option<Step> {
    let Inputs {
        cfg,
        be,
        tmp,
        old,
        be_root,
        mounts,
        ..
    } = x;
    let mut resume = vec![StepKind::Cleanup];
    if !mounts.is_empty() {
        resume.push(StepKind::UnmountSource);
    }
    Some(Step {
        kind: StepKind::Recover,
        description: format!(
            "settle a killed run's leftovers: destroy a half-done {be} (or finish its clean-up if it is already bootfs) and a leftover {tmp}"
        ),
        ops: vec![op(Action::Recover(Recovery {
            pool: cfg.pool.clone(),
            be: be.clone(),
            temp: tmp.clone(),
            parked: old.clone(),
            be_root: be_root.clone(),
            resume,
        }))],
    })
}

/// The `preflight` step: checks only, before any change.
fn preflight_step(x: &Inputs) -> Option<Step> {
    let Inputs {
        cfg,
        env,
        altroot,
        be,
        archive_path,
        increment_paths,
        sysidcfg_src,
        ..
    } = x;
    let increments = x.increments;
    let digest = x.digest;
    let mut checks = vec![
        Check::PoolImported {
            pool: cfg.pool.clone(),
            altroot: altroot.to_string(),
        },
        Check::BootfsSet {
            pool: cfg.pool.clone(),
        },
        Check::DatasetFree {
            dataset: be.clone(),
        },
        Check::ArchiveReadable {
            archive: archive_path.clone(),
            manifest: cfg.manifest.clone(),
            digest,
        },
        Check::ArchiveFits {
            archive: archive_path.clone(),
            pool: cfg.pool.clone(),
            arch: env.si_arch.clone(),
        },
    ];
    // Natively, an increment's `archive_fits` also checks the chain: it must be an
    // incremental stream from the previous archive's snapshot (by GUID).
    for path in increment_paths {
        checks.push(Check::ArchiveReadable {
            archive: path.clone(),
            manifest: None,
            digest,
        });
        checks.push(Check::ArchiveFits {
            archive: path.clone(),
            pool: cfg.pool.clone(),
            arch: env.si_arch.clone(),
        });
    }
    if let Some(src) = sysidcfg_src {
        checks.push(Check::FileReadable { path: src.clone() });
    }
    Some(Step {
        kind: StepKind::Preflight,
        description: if cfg.verify_first {
            "check the pool, the archive(s) and the client, and read every archive through to verify it (verify_first), before any change".into()
        } else if increments > 0 {
            format!(
                "check the pool, the archive and its {increments} increment(s) (chain of snapshot GUIDs) and the client before any change"
            )
        } else {
            "check the pool, the archive and the client before any change".into()
        },
        ops: checks.into_iter().map(|c| op(Action::Check(c))).collect(),
    })
}

/// The `receive` step: the base archive, then each increment (`-F`).
fn receive_step(x: &Inputs) -> Option<Step> {
    let Inputs {
        env,
        tmp,
        snap,
        tmp_snap,
        tmp_increments,
        archive_path,
        increment_paths,
        ..
    } = x;
    let increments = x.increments;
    let digest = x.digest;
    let mut receive_ops = vec![
        op_undo(
            Action::Receive {
                snapshot: tmp_snap.clone(),
                archive: archive_path.clone(),
                mode: ReceiveMode {
                    rollback: false,
                    compound: Some(CompoundReceive {
                        dataset: tmp.clone(),
                        snapshot: snap.clone(),
                    }),
                },
                digest,
            },
            Action::ZfsDestroy {
                dataset: tmp.clone().into(),
                recursive: true,
                if_exists: true,
            },
        ),
        // The parent ROOT is legacy, so the received filesystem is not mounted (a
        // compound stream is received with -u). The state and the archive id mark it as
        // this runtime's work in progress (journal); the state is set explicitly since a
        // recursive archive carries the golden's user properties, `done` included.
        op(set(tmp, STATE_PROPERTY, IN_PROGRESS)),
        op(Action::RecordArchiveId {
            dataset: tmp.clone(),
            id: env.archive_id.clone(),
        }),
    ];
    // Each increment lands as one more snapshot of the same temporary dataset
    // (`zfs receive -F`); destroying the dataset undoes them all.
    for (path, snapshot) in increment_paths.iter().zip(tmp_increments) {
        receive_ops.push(op(Action::Receive {
            snapshot: snapshot.clone(),
            archive: path.clone(),
            mode: ReceiveMode {
                rollback: true,
                compound: None,
            },
            digest,
        }));
    }
    Some(Step {
        kind: StepKind::Receive,
        description: if increments > 0 {
            format!(
                "receive the archive into {tmp_snap}, then its {increments} increment(s) with zfs receive -F into {tmp}@{snap}-1…"
            )
        } else {
            format!("receive the archive into {tmp_snap}")
        },
        ops: receive_ops,
    })
}

/// The `make_standalone` step: the received dataset renamed to the BE (an existing one parked with `--force`).
fn make_standalone_step(x: &Inputs) -> Option<Step> {
    let Inputs { be, tmp, old, .. } = x;
    let force = x.force;
    let mut standalone = Vec::new();
    if force {
        standalone.push(op_undo(
            Action::ZfsRename {
                from: be.clone(),
                to: old.clone(),
                if_exists: true,
            },
            Action::ZfsRename {
                from: old.clone(),
                to: be.clone(),
                if_exists: true,
            },
        ));
    }
    standalone.push(op_undo(
        Action::ZfsRename {
            from: tmp.clone(),
            to: be.clone(),
            if_exists: false,
        },
        Action::ZfsRename {
            from: be.clone(),
            to: tmp.clone(),
            if_exists: true,
        },
    ));
    Some(Step {
        kind: StepKind::MakeStandalone,
        description: format!(
            "rename {tmp} to {be}: a received full stream is already a standalone filesystem (no clone, no origin)"
        ),
        ops: standalone,
    })
}

/// The `set_properties` step.
fn set_properties_step(x: &Inputs) -> Option<Step> {
    let Inputs { cfg, be, .. } = x;

    // Solaris BE convention: the BE and every dataset inside it (a separate /var) are
    let mut props = vec![op(Action::ZfsSetTree {
        dataset: be.clone(),
        property: "canmount".into(),
        value: "noauto".into(),
    })];
    for (k, v) in &cfg.properties {
        props.push(op(set(be, k, v)));
    }
    Some(Step {
        kind: StepKind::SetProperties,
        description: format!(
            "canmount=noauto on {be} and its descendants, and the configured properties on {be}"
        ),
        ops: props,
    })
}

/// The `mount_temporary` step.
fn mount_temporary_step(x: &Inputs) -> Option<Step> {
    let Inputs {
        be,
        be_mountpoint,
        be_root,
        ..
    } = x;
    Some(Step {
        kind: StepKind::MountTemporary,
        description: format!("mount {be} and its descendants at {be_root}"),
        ops: vec![
            op(set(be, "mountpoint", be_mountpoint)),
            op_undo(
                Action::ZfsMountTree {
                    dataset: be.clone(),
                },
                Action::ZfsUnmountTree {
                    dataset: be.clone(),
                },
            ),
        ],
    })
}

/// The `reset_identity` step.
fn reset_identity_step(x: &Inputs) -> Option<Step> {
    let Inputs { cfg, be_root, .. } = x;
    let mut reset = Vec::new();
    for e in &cfg.identity_reset {
        let path = join(be_root, e.path());
        reset.push(op(match e {
            IdentityEntry::Touch(_) => Action::Touch { path },
            IdentityEntry::Remove(_) => Action::Remove { path },
        }));
    }
    Some(Step {
        kind: StepKind::ResetIdentity,
        description: format!("reset the system identity in {be_root}"),
        ops: reset,
    })
}

/// The `copy_sysidcfg` step (only with a `sysidcfg`).
fn copy_sysidcfg_step(x: &Inputs) -> Option<Step> {
    let Inputs {
        sysidcfg_src,
        sysidcfg_dst,
        ..
    } = x;
    let Some(src) = sysidcfg_src else {
        return None;
    };
    Some(Step {
        kind: StepKind::CopySysidcfg,
        description: format!("copy {src} to {sysidcfg_dst}"),
        ops: vec![op(Action::CopyFile {
            from: src.clone(),
            to: sysidcfg_dst.clone(),
        })],
    })
}

/// The `verify_identity` step.
fn verify_identity_step(x: &Inputs) -> Option<Step> {
    let Inputs {
        cfg,
        be_root,
        sysidcfg_src,
        sysidcfg_dst,
        ..
    } = x;
    let mut verify: Vec<Op> = cfg
        .identity_reset
        .iter()
        .map(|e| {
            let path = join(be_root, e.path());
            op(match e {
                IdentityEntry::Touch(_) => Action::VerifyPresent { path },
                IdentityEntry::Remove(_) => Action::VerifyAbsent { path },
            })
        })
        .collect();
    if sysidcfg_src.is_some() {
        verify.push(op(Action::VerifyPresent {
            path: sysidcfg_dst.clone(),
        }));
    }
    Some(Step {
        kind: StepKind::VerifyIdentity,
        description: "check the identity-reset list again".into(),
        ops: verify,
    })
}

/// The `preserve_logs` step (unless disabled).
fn preserve_logs_step(x: &Inputs) -> Option<Step> {
    let Inputs {
        cfg,
        altroot,
        be_root,
        ..
    } = x;
    if !cfg.preserve_logs.enabled || cfg.preserve_logs.paths.is_empty() {
        return None;
    }
    let mut ops = Vec::new();
    for p in &cfg.preserve_logs.paths {
        let to = join(be_root, p);
        ops.push(op(Action::Mkdir { path: to.clone() }));
        ops.push(op(Action::CopyTree {
            from: join(altroot, p),
            to,
            method: CopyMethod::Tar,
        }));
    }
    ops.push(op(Action::WriteLog {
        to: join(
            &join(be_root, &cfg.preserve_logs.paths[0]),
            RUNTIME_LOG_NAME,
        ),
    }));
    Some(Step {
        kind: StepKind::PreserveLogs,
        description: "copy the installed BE's logs and this run's log into the new BE".into(),
        ops,
    })
}

/// The `run_hooks` step (only with hooks).
fn run_hooks_step(x: &Inputs) -> Option<Step> {
    let Inputs { cfg, be_root, .. } = x;
    if cfg.hooks.is_empty() {
        return None;
    }
    let ops = cfg
        .hooks
        .iter()
        .map(|h| {
            let argv = match h.mode {
                HookMode::Chroot => {
                    let mut v = vec!["chroot".to_string(), be_root.clone()];
                    v.extend(h.argv.iter().cloned());
                    v
                }
                HookMode::Argument => {
                    let mut v = h.argv.clone();
                    v.push(be_root.clone());
                    v
                }
            };
            op(Action::Run { argv })
        })
        .collect();
    Some(Step {
        kind: StepKind::RunHooks,
        description: format!("run {} hook(s) against {be_root}", cfg.hooks.len()),
        ops,
    })
}

/// The `unmount` step.
fn unmount_step(x: &Inputs) -> Option<Step> {
    let Inputs {
        altroot,
        be,
        be_root,
        ..
    } = x;
    Some(Step {
        kind: StepKind::Unmount,
        description: format!("unmount {be} and its descendants"),
        ops: vec![
            op(Action::ZfsUnmountTree {
                dataset: be.clone(),
            }),
            op(Action::RemoveDir {
                path: be_root.clone(),
            }),
            op(Action::RemoveDir {
                path: parent_dir(be_root, altroot),
            }),
        ],
    })
}

/// The `set_mountpoint` step.
fn set_mountpoint_step(x: &Inputs) -> Option<Step> {
    let Inputs { be, .. } = x;
    Some(Step {
        kind: StepKind::SetMountpoint,
        description: format!(
            "make {be} ready to be the root: mountpoint=/ (its descendants inherit it)"
        ),
        ops: vec![op(set(be, "mountpoint", "/"))],
    })
}

/// The `switch_bootfs` step: the commit point.
fn switch_bootfs_step(x: &Inputs) -> Option<Step> {
    let Inputs { cfg, be, .. } = x;
    Some(Step {
        kind: StepKind::SwitchBootfs,
        description: format!("boot from {be} (the commit point)"),
        ops: vec![op(Action::ZpoolSet {
            pool: cfg.pool.clone(),
            property: "bootfs".into(),
            value: be.to_string(),
        })],
    })
}

/// The `cleanup` step.
fn cleanup_step(x: &Inputs) -> Option<Step> {
    let Inputs {
        cfg,
        be,
        old,
        snap,
        be_snap,
        be_increments,
        ..
    } = x;
    let force = x.force;
    let mut cleanup = Vec::new();
    if !cfg.keep_snapshot {
        // -r: the snapshot of the same name in every descendant (a recursive archive).
        cleanup.push(op(Action::ZfsDestroy {
            dataset: be_snap.clone().into(),
            recursive: true,
            if_exists: true,
        }));
        for snapshot in be_increments {
            cleanup.push(op(Action::ZfsDestroy {
                dataset: snapshot.clone().into(),
                recursive: false,
                if_exists: true,
            }));
        }
    }
    if force {
        cleanup.push(op(Action::ZfsDestroy {
            dataset: old.clone().into(),
            recursive: true,
            if_exists: true,
        }));
    }
    cleanup.push(op(set(be, STATE_PROPERTY, "done")));
    Some(Step {
        kind: StepKind::Cleanup,
        description: if cfg.keep_snapshot {
            format!("mark {be} deployed (keeping @{snap})")
        } else {
            format!("destroy {be_snap} and mark {be} deployed")
        },
        ops: cleanup,
    })
}

/// The `unmount_source` step (only with NFS sources).
fn unmount_source_step(x: &Inputs) -> Option<Step> {
    let Inputs { mounts, .. } = x;
    if mounts.is_empty() {
        return None;
    }
    let mut ops = Vec::new();
    for (_, mnt) in mounts.iter().rev() {
        ops.push(op(Action::Unmount {
            target: mnt.clone(),
        }));
        ops.push(op(Action::RemoveDir { path: mnt.clone() }));
    }
    let names: Vec<&str> = mounts.iter().rev().map(|(_, m)| m.as_str()).collect();
    Some(Step {
        kind: StepKind::UnmountSource,
        description: format!("unmount {}", names.join(", ")),
        ops,
    })
}

impl Plan {
    /// The archive files in the order they are received: the base, then each increment.
    pub fn archives(&self) -> Vec<&str> {
        self.actions()
            .filter_map(|a| match a {
                Action::Receive { archive, .. } => Some(archive.as_str()),
                _ => None,
            })
            .collect()
    }

    /// Every action of every step, in order.
    pub fn actions(&self) -> impl Iterator<Item = &Action> {
        self.steps.iter().flat_map(|s| &s.ops).map(|o| &o.action)
    }

    /// The step of this kind, if the plan has one.
    pub fn step(&self, kind: StepKind) -> Option<&Step> {
        self.steps.iter().find(|s| s.kind == kind)
    }
}

/// `DATASET@SNAP-<n>`: the snapshot increment `index` (0-based) is received as.
pub fn increment_snapshot(
    dataset: &Dataset,
    snap: &str,
    index: usize,
) -> Result<Snapshot, NameError> {
    Snapshot::new(dataset, &format!("{snap}-{}", index + 1))
}

/// The parent of the temporary mountpoint (e.g. `/a/.zflash`), removed when empty; the
/// altroot itself is never a candidate.
fn parent_dir(be_root: &str, altroot: &str) -> String {
    match be_root.rsplit_once('/') {
        Some((parent, _)) if parent.len() > altroot.len() => parent.to_string(),
        _ => be_root.to_string(),
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Deploy plan: {} -> {} (pool {}, archive id {})",
            self.archive_path,
            self.be_dataset,
            self.pool,
            self.archive_id.as_deref().unwrap_or("read at run time")
        )?;
        for (path, digest) in self.archives().iter().zip(&self.archive_sha256) {
            match digest {
                Some(d) => writeln!(f, "    expected sha256 of {path}: {d} (deploy config)")?,
                None => writeln!(
                    f,
                    "    expected sha256 of {path}: from its manifest at run time, if any"
                )?,
            }
        }
        if let Some(name) = &self.release.name {
            let has = |b: bool| if b { "yes" } else { "no" };
            writeln!(
                f,
                "    clients' release: Solaris 10 {name} (zfs receive -u: {}, guid property: {})",
                has(self.release.receive_unmounted),
                has(self.release.guid_property)
            )?;
        }
        if let Some(report) = &self.report {
            writeln!(f, "    {report}")?;
        }
        for (i, step) in self.steps.iter().enumerate() {
            writeln!(
                f,
                "{:>2}. {:<16} {}",
                i + 1,
                step.kind.name(),
                step.description
            )?;
            for o in &step.ops {
                writeln!(f, "      - {}", o.action)?;
                if let Some(u) = &o.undo {
                    writeln!(f, "        undo: {u}")?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> PlanEnv {
        PlanEnv {
            altroot: "/a".into(),
            si_config_dir: "/tmp/install_config".into(),
            si_hostname: "client1".into(),
            si_arch: "sparc".into(),
            si_karch: "sun4u".into(),
            archive_id: Some("guid:0x1234".into()),
            force: false,
        }
    }

    fn cfg(extra: &str) -> DeployConfig {
        DeployConfig::from_yaml(&format!(
            "version: 1\narchive: js:/export/flash/s10.zfs\nbe_name: s10gold\nproperties: {{compression: \"on\"}}\n{extra}"
        ))
        .unwrap()
    }

    /// The clients' release decides which zfs commands the plan may use; both spellings
    /// are normalised, an unknown one is a config error, and without one every command
    /// is available (as before releases were known).
    #[test]
    fn image_release_decides_receive_u_and_the_guid_property() {
        let release = |extra: &str| build(&cfg(extra), &env()).unwrap().release;
        assert_eq!(release(""), ImageRelease::default());
        assert!(release("").recursive_refusal().is_none());
        let old = release("image_release: s10u6\n");
        assert_eq!(
            old,
            ImageRelease {
                name: Some("10/08".into()),
                receive_unmounted: false,
                guid_property: false,
            }
        );
        assert!(
            old.recursive_refusal()
                .unwrap()
                .contains("Solaris 10 10/08")
        );
        let new = release("image_release: 9/10\n");
        assert!(new.receive_unmounted && new.guid_property, "{new:?}");
        assert_eq!(new.name.as_deref(), Some("9/10"));
        let err = DeployConfig::from_yaml(
            "version: 1\narchive: /x.zfs\nbe_name: b\nimage_release: 10/07\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("`image_release: 10/07`") && err.contains("10/08"),
            "{err}"
        );
        let plan = build(&cfg("image_release: 5/09\n"), &env()).unwrap();
        assert!(
            plan.to_string().contains(
                "clients' release: Solaris 10 5/09 (zfs receive -u: no, guid property: no)"
            ),
            "{plan}"
        );
    }

    #[test]
    fn default_plan_has_every_step_in_order() {
        let plan = build(&cfg(""), &env()).unwrap();
        let kinds: Vec<&str> = plan.steps.iter().map(|s| s.kind.name()).collect();
        assert_eq!(
            kinds,
            [
                "lock",
                "mount_source",
                "recover",
                "preflight",
                "receive",
                "make_standalone",
                "set_properties",
                "mount_temporary",
                "reset_identity",
                "copy_sysidcfg",
                "verify_identity",
                "preserve_logs",
                "unmount",
                "set_mountpoint",
                "switch_bootfs",
                "cleanup",
                "unmount_source"
            ]
        );
        assert_eq!(plan.archive_path, "/tmp/zflash-source/s10.zfs");
        assert_eq!(plan.be_root, "/a/.zflash/s10gold");
        // bootfs is the last change to the pool before cleanup.
        let all: Vec<&Op> = plan.steps.iter().flat_map(|s| &s.ops).collect();
        let last_set = all
            .iter()
            .rposition(|o| matches!(o.action, Action::ZpoolSet { .. }))
            .unwrap();
        assert!(all[last_set + 1..].iter().all(|o| matches!(
            o.action,
            Action::ZfsDestroy { .. }
                | Action::ZfsSet { .. }
                | Action::Unmount { .. }
                | Action::RemoveDir { .. }
        )));
    }

    /// Every snapshot name is built once, from validated parts: one that would be too
    /// long (an increment's `-N` suffix on a 200-character snapshot name) is refused
    /// when the plan is built, not by `zfs` half-way through a deploy.
    #[test]
    fn snapshot_names_are_checked_when_the_plan_is_built() {
        let plan = build(&cfg("increments: [/x/p1.zfs]\n"), &env()).unwrap();
        let receives: Vec<&Snapshot> = plan
            .actions()
            .filter_map(|a| match a {
                Action::Receive { snapshot, .. } => Some(snapshot),
                _ => None,
            })
            .collect();
        assert_eq!(receives[1].dataset(), plan.temp_dataset);
        assert_eq!(receives[1].name(), "flar-1");
        let long = "s".repeat(200);
        let e = build(
            &cfg(&format!(
                "increments: [/x/p1.zfs]\noptions: {{snapshot: {long}}}\n"
            )),
            &env(),
        )
        .unwrap_err();
        assert!(matches!(e, PlanError::Name(_)), "{e}");
        assert!(e.to_string().contains("longer than 200 characters"), "{e}");
    }

    #[test]
    fn plan_is_data_and_round_trips_through_json() {
        let plan = build(&cfg("hooks: [{name: h, argv: [/bin/true]}]\n"), &env()).unwrap();
        let json = serde_json::to_string_pretty(&plan).unwrap();
        assert!(json.contains("\"action\": \"receive\""));
        let back: Plan = serde_json::from_str(&json).unwrap();
        assert_eq!(back, plan);
        // Names are plain strings in JSON, and checked when read back: a plan edited to
        // destroy `-rf` is refused, not run.
        assert!(json.contains("\"snapshot\": \"rpool/ROOT/.zflash-tmp-s10gold@flar\""));
        assert!(json.contains("\"dataset\": \"rpool/ROOT/s10gold@flar\""));
        let edited = json.replace("\"rpool/ROOT/s10gold@flar\"", "\"rpool/ROOT/-rf\"");
        let e = serde_json::from_str::<Plan>(&edited).unwrap_err();
        assert!(
            e.to_string()
                .contains("`rpool/ROOT/-rf` is not a valid ZFS dataset name"),
            "{e}"
        );
        let hook = plan
            .steps
            .iter()
            .find(|s| s.kind == StepKind::RunHooks)
            .unwrap();
        assert_eq!(
            hook.ops[0].action,
            Action::Run {
                argv: vec![
                    "chroot".into(),
                    "/a/.zflash/s10gold".into(),
                    "/bin/true".into()
                ]
            }
        );
    }

    #[test]
    fn shell_references_pass_through() {
        let mut e = env();
        e.si_config_dir = "${SI_CONFIG_DIR}".into();
        let c = DeployConfig::from_yaml("version: 1\narchive: /flar/x.zfs\nbe_name: b\n").unwrap();
        let plan = build(&c, &e).unwrap();
        let text = plan.to_string();
        assert!(
            text.contains("cp -p ${SI_CONFIG_DIR}/sysidcfg /a/.zflash/b/etc/sysidcfg"),
            "{text}"
        );
        assert!(!text.contains("mount_source"));
    }

    #[test]
    fn relative_sysidcfg_needs_si_config_dir() {
        let mut e = env();
        e.si_config_dir = String::new();
        let err = build(&cfg(""), &e).unwrap_err().to_string();
        assert!(err.contains("SI_CONFIG_DIR is not set"), "{err}");
        let abs = cfg("sysidcfg: /etc/site/sysidcfg\n");
        assert!(build(&abs, &e).is_ok());
    }

    #[test]
    fn url_archive_is_refused_clearly() {
        let c =
            DeployConfig::from_yaml("version: 1\narchive: https://h/x.zfs\nbe_name: b\n").unwrap();
        let e = build(&c, &env()).unwrap_err().to_string();
        assert!(e.contains("not supported yet"), "{e}");
    }

    #[test]
    fn increments_add_receives_checks_mounts_and_cleanup_only() {
        let base = build(&cfg(""), &env()).unwrap();
        let chain = build(
            &cfg("increments: ['js:/export/flash/s10-p1.zfs', /local/s10-p2.zfs, 'other:/x/p3.zfs']\n"),
            &env(),
        )
        .unwrap();
        let receives: Vec<(&str, &str)> = chain
            .steps
            .iter()
            .flat_map(|s| &s.ops)
            .filter_map(|o| match &o.action {
                Action::Receive {
                    snapshot, archive, ..
                } => Some((snapshot.as_str(), archive.as_str())),
                _ => None,
            })
            .collect();
        assert_eq!(
            receives,
            [
                (
                    "rpool/ROOT/.zflash-tmp-s10gold@flar",
                    "/tmp/zflash-source/s10.zfs"
                ),
                (
                    "rpool/ROOT/.zflash-tmp-s10gold@flar-1",
                    "/tmp/zflash-source/s10-p1.zfs"
                ),
                ("rpool/ROOT/.zflash-tmp-s10gold@flar-2", "/local/s10-p2.zfs"),
                (
                    "rpool/ROOT/.zflash-tmp-s10gold@flar-3",
                    "/tmp/zflash-source-2/p3.zfs"
                ),
            ]
        );
        let text = chain.to_string();
        assert!(
            text.contains("mount -o ro (nfs) other:/x /tmp/zflash-source-2"),
            "{text}"
        );
        assert!(
            text.contains("zfs destroy rpool/ROOT/s10gold@flar-3"),
            "{text}"
        );
        assert!(text.contains("umount /tmp/zflash-source-2"), "{text}");
        // Same step kinds; only the receive, preflight, cleanup and NFS steps grow.
        let kinds = |p: &Plan| p.steps.iter().map(|s| s.kind).collect::<Vec<_>>();
        assert_eq!(kinds(&base), kinds(&chain));
        let checks = |p: &Plan| {
            p.steps
                .iter()
                .find(|s| s.kind == StepKind::Preflight)
                .unwrap()
                .ops
                .len()
        };
        assert_eq!(checks(&chain), checks(&base) + 6);
        // Absent and empty `increments` are the same plan, byte for byte.
        let empty = build(&cfg("increments: []\n"), &env()).unwrap();
        assert_eq!(
            serde_json::to_string(&empty).unwrap(),
            serde_json::to_string(&base).unwrap()
        );
    }

    /// A recursive archive's children (a separate /var) are only known at run time: the
    /// plan says "the BE and its descendants" wherever they matter, the same plan for a
    /// plain and a recursive archive.
    #[test]
    fn child_datasets_are_handled_as_a_tree_found_at_run_time() {
        let plan = build(&cfg(""), &env()).unwrap();
        let step = |k: StepKind| plan.steps.iter().find(|s| s.kind == k).unwrap();
        let be = Dataset::new("rpool/ROOT/s10gold").unwrap();
        let tmp = Dataset::new("rpool/ROOT/.zflash-tmp-s10gold").unwrap();
        let receive = step(StepKind::Receive);
        assert!(receive.ops[0].action.undo_armed_first());
        assert_eq!(
            receive.ops[1].action,
            set(&tmp, STATE_PROPERTY, IN_PROGRESS)
        );
        assert_eq!(
            step(StepKind::SetProperties).ops[0].action,
            Action::ZfsSetTree {
                dataset: be.clone(),
                property: "canmount".into(),
                value: "noauto".into()
            }
        );
        // compression only on the BE: its descendants inherit it.
        assert_eq!(
            step(StepKind::SetProperties).ops[1].action,
            set(&be, "compression", "on")
        );
        let mount = &step(StepKind::MountTemporary).ops[1];
        assert_eq!(
            mount.action,
            Action::ZfsMountTree {
                dataset: be.clone()
            }
        );
        assert!(mount.action.undo_armed_first());
        assert_eq!(
            mount.undo,
            Some(Action::ZfsUnmountTree {
                dataset: be.clone()
            })
        );
        assert_eq!(
            step(StepKind::Unmount).ops[0].action,
            Action::ZfsUnmountTree {
                dataset: be.clone()
            }
        );
        // Children inherit mountpoint=/ (→ /var); the snapshots go with -r.
        assert_eq!(
            step(StepKind::SetMountpoint).ops,
            vec![op(set(&be, "mountpoint", "/"))]
        );
        assert_eq!(
            step(StepKind::Cleanup).ops[0].action,
            Action::ZfsDestroy {
                dataset: Name::Snapshot(be.snapshot("flar").unwrap()),
                recursive: true,
                if_exists: true
            }
        );
        let text = plan.to_string();
        assert!(
            text.contains("zfs mount rpool/ROOT/s10gold and its descendants"),
            "{text}"
        );
        assert!(
            text.contains("undo: zfs umount rpool/ROOT/s10gold and its descendants"),
            "{text}"
        );
        // Nothing else is armed before it runs.
        let armed = plan
            .steps
            .iter()
            .flat_map(|s| &s.ops)
            .filter(|o| o.action.undo_armed_first())
            .count();
        assert_eq!(armed, 2);
    }

    #[test]
    fn force_parks_the_old_be_and_destroys_it_after_the_switch() {
        let mut e = env();
        e.force = true;
        let plan = build(&cfg(""), &e).unwrap();
        let text = plan.to_string();
        assert!(text.contains(
            "zfs rename rpool/ROOT/s10gold rpool/ROOT/.zflash-old-s10gold (if it exists)"
        ));
        assert!(text.contains("zfs destroy -r rpool/ROOT/.zflash-old-s10gold"));
    }
}
