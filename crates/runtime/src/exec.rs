//! The native executor: runs a [`Plan`] against the system, with recovery, rollback,
//! progress, events and a final [`Report`].
//!
//! Atomicity, in short (details in `docs/deploy.md`):
//! - everything before `zpool set bootfs=` is undoable: each op's undo is pushed on a stack
//!   and run newest-first on any failure (the receive's undo — destroy the temporary
//!   dataset — is pushed *before* the receive starts);
//! - the received dataset carries its own journal in user properties
//!   (`org.zflash:archive` = archive id, set right after the receive = work in progress;
//!   `org.zflash:state=done` at the end), so a rerun after SIGKILL recognises its own
//!   half-done work: not yet `bootfs` → destroyed and deployed again; already `bootfs` →
//!   the remaining clean-up is finished;
//! - `done` with the same archive id → nothing to do (exit 0).
//!
//! A recursive (`zfs send -R`) archive: preflight reads it through once to check every
//! substream ([`input::check_recursive`]); the receive goes into the temporary dataset
//! with `-u` and renames the snapshots to the plan's; the tree actions find the BE's
//! descendants (a separate `/var`) at run time.

use std::fs;
use std::io::{self, IsTerminal, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::json;

use crate::config::DeployConfig;
use crate::input::{self, ArchiveInput};
use crate::plan::{
    self, ARCHIVE_PROPERTY, Action, Check, Plan, PlanEnv, STATE_PROPERTY, Step, StepKind,
};
use crate::platform::Platform;

/// Test hook: make the run die or fail right after a step (`ZFLASH_FAULT`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// SIGKILL ourselves after this step completes (`kill-after:<step>`).
    KillAfter(String),
    /// Fail with an error after this step completes (`fail-after:<step>`).
    FailAfter(String),
    /// SIGKILL ourselves once half of the archive has been fed to `zfs receive`
    /// (`kill-during:receive`).
    KillDuringReceive,
}

impl Fault {
    /// Parse `kill-after:STEP` / `fail-after:STEP`.
    pub fn parse(s: &str) -> Option<Fault> {
        let (kind, step) = s.split_once(':')?;
        match kind {
            "kill-during" if step == "receive" => Some(Fault::KillDuringReceive),
            "kill-after" => Some(Fault::KillAfter(step.to_string())),
            "fail-after" => Some(Fault::FailAfter(step.to_string())),
            _ => None,
        }
    }
}

/// How to run.
#[derive(Debug, Clone)]
pub struct FinishOptions {
    /// The target root (`/a`).
    pub altroot: String,
    /// `SI_CONFIG_DIR`.
    pub si_config_dir: String,
    /// `SI_HOSTNAME`.
    pub si_hostname: String,
    /// `SI_ARCH` (empty: `uname -p`).
    pub si_arch: String,
    /// `SI_KARCH`.
    pub si_karch: String,
    /// Replace a foreign BE of the same name.
    pub force: bool,
    /// Skip the free-space preflight check (tests of a pool filling up mid-receive).
    pub skip_space_check: bool,
    /// Show a progress bar (only drawn when stderr is a terminal).
    pub progress: bool,
    /// Print step lines on stderr.
    pub verbose: bool,
    /// Fault injection (tests).
    pub fault: Option<Fault>,
}

/// How the run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The new BE is deployed and is `bootfs`.
    Deployed,
    /// It already was (same archive): nothing done.
    AlreadyDeployed,
    /// A killed run had already switched `bootfs`; its clean-up was finished.
    Resumed,
    /// Failed; everything before the `bootfs` switch was rolled back.
    Failed,
}

/// Time spent in a step.
#[derive(Debug, Clone, Serialize)]
pub struct StepTiming {
    /// Step name.
    pub step: &'static str,
    /// Seconds.
    pub seconds: f64,
}

/// The final report (human with `Display`, JSON with serde).
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// How it ended.
    pub outcome: Outcome,
    /// Pool.
    pub pool: String,
    /// The BE dataset.
    pub be_dataset: String,
    /// Archive file read.
    pub archive: String,
    /// Archive identity.
    pub archive_id: String,
    /// `bootfs` before.
    pub previous_bootfs: Option<String>,
    /// `bootfs` after.
    pub bootfs: Option<String>,
    /// Stored bytes read.
    pub bytes_stored: u64,
    /// Stream bytes fed to `zfs receive`.
    pub bytes_received: u64,
    /// sha256 of the stored bytes.
    pub sha256: Option<String>,
    /// Seconds spent receiving.
    pub receive_seconds: f64,
    /// Total seconds.
    pub total_seconds: f64,
    /// Per step.
    pub steps: Vec<StepTiming>,
    /// What a rerun found and cleaned from an interrupted run.
    pub recovered: Vec<String>,
    /// Undo actions run after a failure.
    pub rolled_back: Vec<String>,
    /// Undo actions that failed (the pool may need attention).
    pub rollback_errors: Vec<String>,
    /// Failure message.
    pub error: Option<String>,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.outcome {
            Outcome::Deployed => writeln!(
                f,
                "deployed {} from {} ({})",
                self.be_dataset, self.archive, self.archive_id
            )?,
            Outcome::AlreadyDeployed => writeln!(
                f,
                "nothing to do: {} is already deployed from {} ({})",
                self.be_dataset, self.archive, self.archive_id
            )?,
            Outcome::Resumed => writeln!(
                f,
                "finished the interrupted deployment of {} ({})",
                self.be_dataset, self.archive_id
            )?,
            Outcome::Failed => writeln!(
                f,
                "FAILED to deploy {}: {}",
                self.be_dataset,
                self.error.as_deref().unwrap_or("unknown error")
            )?,
        }
        for r in &self.recovered {
            writeln!(f, "  recovered: {r}")?;
        }
        if self.bytes_received > 0 {
            let mb = self.bytes_received as f64 / 1e6;
            writeln!(
                f,
                "  received {mb:.1} MB in {:.1} s ({:.0} MB/s), sha256 {}",
                self.receive_seconds,
                if self.receive_seconds > 0.0 {
                    mb / self.receive_seconds
                } else {
                    0.0
                },
                self.sha256.as_deref().unwrap_or("-")
            )?;
        }
        if self.outcome == Outcome::Failed {
            if !self.rolled_back.is_empty() {
                writeln!(f, "  rolled back: {}", self.rolled_back.join("; "))?;
            }
            for e in &self.rollback_errors {
                writeln!(f, "  ROLLBACK ERROR: {e}")?;
            }
        }
        writeln!(
            f,
            "  bootfs: {} -> {}; total {:.1} s",
            self.previous_bootfs.as_deref().unwrap_or("-"),
            self.bootfs.as_deref().unwrap_or("-"),
            self.total_seconds
        )
    }
}

/// JSON-lines event sink (`--events FILE|-`).
pub struct Events {
    sink: Option<Box<dyn Write>>,
    start: Instant,
}

impl Events {
    /// Events written to `sink`, or dropped.
    pub fn new(sink: Option<Box<dyn Write>>) -> Events {
        Events {
            sink,
            start: Instant::now(),
        }
    }

    fn emit(&mut self, event: &str, mut fields: serde_json::Value) {
        let Some(sink) = self.sink.as_mut() else {
            return;
        };
        if let Some(m) = fields.as_object_mut() {
            m.insert("event".into(), json!(event));
            m.insert(
                "t".into(),
                json!((self.start.elapsed().as_secs_f64() * 1000.0).round() / 1000.0),
            );
        }
        // Event output is best effort: a closed pipe must not fail the deployment.
        let _ = writeln!(sink, "{fields}");
        let _ = sink.flush();
    }
}

#[derive(Debug, thiserror::Error)]
enum RunError {
    #[error("preflight: {0}")]
    Preflight(String),
    #[error("{0}")]
    Action(String),
    #[error("archive damaged: {0}")]
    Damaged(String),
    #[error("injected failure after step {0}")]
    Injected(String),
    #[error(transparent)]
    Lock(#[from] crate::lock::LockError),
}

/// `ARCHIVE: what is wrong`, naming the archive once: a read error from
/// `zflash-archive` already starts with the file's name.
fn damage_message(archive_path: &str, e: &io::Error) -> String {
    let text = e.to_string();
    if text.starts_with(&format!("{archive_path}: ")) {
        text
    } else {
        format!("{archive_path}: {text}")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Recovery {
    Fresh,
    NoOp,
    /// Killed after the `bootfs` switch: these steps are left to do.
    Resume(Vec<StepKind>),
}

struct Runner<'a> {
    cfg: &'a DeployConfig,
    opts: &'a FinishOptions,
    platform: &'a Platform,
    events: &'a mut Events,
    /// The base archive, then the increments, in receive order.
    archives: Vec<Box<dyn ArchiveInput>>,
    /// Where `write_log` put the runtime log inside the BE: written again just before the
    /// BE is unmounted, so the copy also holds the hooks and the unmount.
    log_copy: Option<String>,
    undo: Vec<Action>,
    log: Vec<String>,
    /// The substreams of each archive read through in preflight (by receive order).
    walked: std::collections::HashMap<usize, Vec<input::Substream>>,
    start: Instant,
    report: Report,
    /// The pool's deploy lock, from the `lock` step to the end of [`finish`].
    lock: Option<crate::lock::PoolLock>,
    /// What the `recover` step found.
    recovery: Recovery,
}

/// Deploy: the whole `zflash finish` run. Never panics on bad input; failures end in a
/// [`Report`] with [`Outcome::Failed`] after rollback.
pub fn finish(
    cfg: &DeployConfig,
    opts: &FinishOptions,
    platform: &Platform,
    events: &mut Events,
) -> Report {
    let mut runner = Runner {
        cfg,
        opts,
        platform,
        events,
        archives: Vec::new(),
        log_copy: None,
        undo: Vec::new(),
        log: Vec::new(),
        walked: std::collections::HashMap::new(),
        start: Instant::now(),
        report: Report {
            outcome: Outcome::Failed,
            pool: cfg.pool.clone(),
            be_dataset: cfg.be_dataset(),
            archive: cfg.archive.to_string(),
            archive_id: String::new(),
            previous_bootfs: None,
            bootfs: None,
            bytes_stored: 0,
            bytes_received: 0,
            sha256: None,
            receive_seconds: 0.0,
            total_seconds: 0.0,
            steps: Vec::new(),
            recovered: Vec::new(),
            rolled_back: Vec::new(),
            rollback_errors: Vec::new(),
            error: None,
        },
        lock: None,
        recovery: Recovery::Fresh,
    };
    runner.report.previous_bootfs = runner.bootfs();
    // The lock, taken by the plan's first step, is held until the end of this function:
    // the whole run, rollback included.
    let result = runner.run();
    if let Err(e) = result {
        let msg = e.to_string();
        runner.note(&format!("error: {msg}"));
        runner.events.emit("error", json!({ "message": msg }));
        runner.rollback();
        runner.report.outcome = Outcome::Failed;
        runner.report.error = Some(msg);
    }
    runner.report.bootfs = runner.bootfs();
    runner.report.total_seconds = runner.start.elapsed().as_secs_f64();
    let report = serde_json::to_value(&runner.report).unwrap_or_default();
    runner.events.emit("finished", json!({ "report": report }));
    runner.report
}

/// The plan `finish` would run, built from the real environment (for `--plan`). The
/// archive id is `(read at run time)` since the archive is not opened.
pub fn plan_for(cfg: &DeployConfig, opts: &FinishOptions) -> Result<Plan, plan::PlanError> {
    plan::build(cfg, &plan_env(opts, "(read at run time)".into()))
}

fn plan_env(opts: &FinishOptions, archive_id: String) -> PlanEnv {
    PlanEnv {
        altroot: opts.altroot.clone(),
        si_config_dir: opts.si_config_dir.clone(),
        si_hostname: opts.si_hostname.clone(),
        si_arch: opts.si_arch.clone(),
        si_karch: opts.si_karch.clone(),
        archive_id,
        force: opts.force,
    }
}

impl Runner<'_> {
    fn note(&mut self, line: &str) {
        let t = self.start.elapsed().as_secs_f64();
        self.log.push(format!("[{t:8.3}] {line}"));
        if self.opts.verbose {
            eprintln!("zflash finish: {line}");
        }
    }

    /// Log only (action-level detail), not echoed on stderr.
    fn detail(&mut self, line: &str) {
        let t = self.start.elapsed().as_secs_f64();
        self.log.push(format!("[{t:8.3}] {line}"));
    }

    fn bootfs(&self) -> Option<String> {
        self.platform
            .zpool_get("bootfs", &self.cfg.pool)
            .ok()
            .filter(|b| b != "-")
    }

    fn run(&mut self) -> Result<(), RunError> {
        let cfg = self.cfg;
        self.note(&format!(
            "deploying {} into {} (altroot {}, client {} {}/{})",
            cfg.archive,
            cfg.be_dataset(),
            self.opts.altroot,
            if self.opts.si_hostname.is_empty() {
                "?"
            } else {
                &self.opts.si_hostname
            },
            if self.opts.si_arch.is_empty() {
                "(uname -p)"
            } else {
                &self.opts.si_arch
            },
            if self.opts.si_karch.is_empty() {
                "?"
            } else {
                &self.opts.si_karch
            }
        ));
        let pending = plan::build(cfg, &plan_env(self.opts, "(pending)".into()))
            .map_err(|e| RunError::Preflight(e.to_string()))?;
        for kind in [StepKind::Lock, StepKind::MountSource] {
            if let Some(step) = pending.step(kind) {
                self.run_step(step, 0, pending.steps.len())?;
            }
        }
        // The base archive and each increment, in the order they are received; the
        // config's extra `manifest` is the base archive's.
        for (i, path) in pending.archives().into_iter().enumerate() {
            let manifest = if i == 0 {
                cfg.manifest.as_deref().map(Path::new)
            } else {
                None
            };
            let archive = input::open(Path::new(path), manifest).map_err(RunError::Preflight)?;
            self.archives.push(archive);
        }
        // The chain's identity: a rerun with the same base and increments is a no-op, a
        // different (or extra) increment is a new deployment.
        let ids: Vec<&str> = self.archives.iter().map(|a| a.info().id.as_str()).collect();
        let id = ids.join("+");
        let names: Vec<&str> = self
            .archives
            .iter()
            .map(|a| a.info().path.as_str())
            .collect();
        self.report.archive = names.join(" + ");
        self.report.archive_id = id.clone();
        let plan = plan::build(cfg, &plan_env(self.opts, id))
            .map_err(|e| RunError::Preflight(e.to_string()))?;

        let total = plan.steps.len();
        let mut committed = false;
        for (i, step) in plan.steps.iter().enumerate() {
            if matches!(step.kind, StepKind::Lock | StepKind::MountSource) {
                continue;
            }
            let result = self.run_step(step, i, total);
            if committed && let Err(e) = result {
                return Err(RunError::Action(format!(
                    "{} is deployed and is bootfs, but the clean-up failed: {e}; run zflash finish again to finish it",
                    plan.be_dataset
                )));
            }
            result?;
            match (step.kind, self.recovery.clone()) {
                (StepKind::Recover, Recovery::NoOp) => {
                    self.report.outcome = Outcome::AlreadyDeployed;
                    self.run_kinds(&plan, &[StepKind::UnmountSource])?;
                    return Ok(());
                }
                (StepKind::Recover, Recovery::Resume(resume)) => {
                    self.run_kinds(&plan, &resume)?;
                    self.report.outcome = Outcome::Resumed;
                    return Ok(());
                }
                (StepKind::SwitchBootfs, _) => {
                    // The commit point: nothing before it is undone any more.
                    self.undo.clear();
                    committed = true;
                }
                _ => {}
            }
        }
        self.report.outcome = Outcome::Deployed;
        Ok(())
    }

    fn run_kinds(&mut self, plan: &Plan, kinds: &[StepKind]) -> Result<(), RunError> {
        let total = plan.steps.len();
        for (i, step) in plan.steps.iter().enumerate() {
            if kinds.contains(&step.kind) {
                self.run_step(step, i, total)?;
            }
        }
        Ok(())
    }

    fn run_step(&mut self, step: &Step, index: usize, total: usize) -> Result<(), RunError> {
        let t0 = Instant::now();
        let name = step.kind.name();
        self.note(&format!(
            "[{}/{total}] {name}: {}",
            index + 1,
            step.description
        ));
        self.events.emit(
            "step_start",
            json!({ "step": name, "index": index + 1, "total": total, "description": step.description }),
        );
        for op in &step.ops {
            // A receive or a mount of a tree may leave something behind even when it
            // fails: its undo is armed first.
            let armed_first = op.action.undo_armed_first();
            if armed_first && let Some(u) = &op.undo {
                self.undo.push(u.clone());
            }
            self.detail(&format!("  {}", op.action));
            self.events
                .emit("action", json!({ "step": name, "action": &op.action }));
            if step.kind == StepKind::Unmount
                && matches!(
                    op.action,
                    Action::ZfsUnmount { .. } | Action::ZfsUnmountTree { .. }
                )
            {
                self.refresh_log_copy()?;
            }
            self.apply(&op.action)?;
            if !armed_first && let Some(u) = &op.undo {
                self.undo.push(u.clone());
            }
        }
        let seconds = t0.elapsed().as_secs_f64();
        self.report.steps.push(StepTiming {
            step: name,
            seconds,
        });
        self.events
            .emit("step_done", json!({ "step": name, "seconds": seconds }));
        match &self.opts.fault {
            Some(Fault::KillAfter(s)) if s == name => {
                kill_self();
                Err(RunError::Injected(name.into()))
            }
            Some(Fault::FailAfter(s)) if s == name => Err(RunError::Injected(name.into())),
            _ => Ok(()),
        }
    }

    fn rollback(&mut self) {
        if self.undo.is_empty() {
            return;
        }
        self.note("rolling back");
        self.events
            .emit("rollback", json!({ "actions": self.undo.len() }));
        while let Some(action) = self.undo.pop() {
            self.note(&format!("  undo: {action}"));
            self.report.rolled_back.push(action.to_string());
            if let Err(e) = self.apply(&action) {
                self.note(&format!("  undo failed: {e}"));
                self.report.rollback_errors.push(format!("{action}: {e}"));
            }
        }
        let be_root = format!(
            "{}{}",
            self.opts.altroot.trim_end_matches('/'),
            self.cfg.be_mountpoint()
        );
        remove_empty_dirs(&be_root, &self.opts.altroot);
    }

    /// The `recover` action ([`plan::Recovery`]): settle the traces of an interrupted
    /// run before anything else.
    fn recover(&mut self, r: &plan::Recovery) -> Result<Recovery, RunError> {
        let p = self.platform;
        if p.zpool(&["list", "-H", "-o", "name", &r.pool]).is_err() {
            // Preflight names the problem.
            return Ok(Recovery::Fresh);
        }
        let be = &r.be;
        let tmp = &r.temp;
        let old = &r.parked;
        // A killed run's `zfs receive` outlives it for a moment (until it has read the
        // end of its input and discarded the partial filesystem): let it finish first.
        // Every receive goes into the temporary dataset: `TMP@SNAP`, `-F TMP@SNAP-n`, or
        // `-u TMP` for a compound stream.
        let receives = [format!("{tmp}@"), format!("-u {tmp}")];
        let waited = Instant::now();
        while receives.iter().any(|r| p.receive_running(r))
            && waited.elapsed() < Duration::from_secs(120)
        {
            std::thread::sleep(Duration::from_millis(200));
        }
        let bootfs = self.bootfs();
        if p.exists(be) {
            let state = p.zfs_get(STATE_PROPERTY, be).unwrap_or_default();
            let archive = p.zfs_get(ARCHIVE_PROPERTY, be).unwrap_or_default();
            let ours_in_progress = state != "done" && !archive.is_empty() && archive != "-";
            match state.as_str() {
                "done" if archive == self.report.archive_id => {
                    self.note(&format!("{be} is already deployed from {archive}"));
                    return Ok(Recovery::NoOp);
                }
                _ if ours_in_progress => {
                    if bootfs.as_deref() == Some(be.as_str()) {
                        self.note(&format!(
                            "{be} is bootfs but its clean-up was interrupted: finishing it"
                        ));
                        self.report
                            .recovered
                            .push(format!("{be}: finished the interrupted clean-up"));
                        return Ok(Recovery::Resume(r.resume.clone()));
                    }
                    self.note(&format!(
                        "{be} is a half-done deployment of {archive}: destroying it"
                    ));
                    self.destroy_ours(be)?;
                    self.report
                        .recovered
                        .push(format!("destroyed the half-done {be} (from {archive})"));
                }
                _ => {}
            }
        }
        if p.exists(tmp) {
            self.note(&format!("destroying the leftover temporary dataset {tmp}"));
            self.destroy_ours(tmp)?;
            self.report
                .recovered
                .push(format!("destroyed the leftover {tmp}"));
        }
        if p.exists(old) && !p.exists(be) {
            self.note(&format!("restoring the parked {old} as {be}"));
            p.zfs(&["rename", old, be])
                .map_err(|e| RunError::Action(e.to_string()))?;
            self.report
                .recovered
                .push(format!("renamed the parked {old} back to {be}"));
        }
        remove_empty_dirs(&r.be_root, &self.opts.altroot);
        Ok(Recovery::Fresh)
    }

    fn destroy_ours(&mut self, dataset: &str) -> Result<(), RunError> {
        let p = self.platform;
        self.unmount_tree(dataset)?;
        match p.zfs(&["destroy", "-r", dataset]) {
            // Gone meanwhile (an interrupted receive discarding it): what we wanted.
            Err(_) if !p.exists(dataset) => Ok(()),
            Err(e) => Err(RunError::Action(e.to_string())),
            Ok(_) => Ok(()),
        }
    }

    fn apply(&mut self, action: &Action) -> Result<(), RunError> {
        let p = self.platform;
        let act = |r: Result<String, crate::platform::CmdError>| {
            r.map(|_| ()).map_err(|e| RunError::Action(e.to_string()))
        };
        let io_err =
            |what: &str, path: &str, e: io::Error| RunError::Action(format!("{what} {path}: {e}"));
        match action {
            Action::Check(c) => self.check(c),
            Action::TakeLock { pool, dir } => {
                let mut stale = None;
                let lock = crate::lock::PoolLock::take(pool, Path::new(dir), |pid| {
                    stale = Some(pid.to_string())
                })?;
                if let Some(pid) = stale {
                    self.note(&format!(
                        "  took over the stale lock {dir} of pid {pid}, no longer running"
                    ));
                }
                self.lock = Some(lock);
                Ok(())
            }
            Action::Recover(r) => {
                self.recovery = self.recover(r)?;
                Ok(())
            }
            Action::Mkdir { path } => {
                fs::create_dir_all(path).map_err(|e| io_err("cannot create directory", path, e))
            }
            Action::RemoveDir { path } => {
                let _ = fs::remove_dir(path);
                Ok(())
            }
            Action::MountNfs { source, target } => {
                if p.is_mounted(target) {
                    self.note(&format!("  {target} is already mounted; using it"));
                    return Ok(());
                }
                p.mount_nfs(source, target)
                    .map_err(|e| RunError::Action(e.to_string()))
            }
            Action::Unmount { target } => {
                if !p.is_mounted(target) {
                    return Ok(());
                }
                p.unmount(target)
                    .map_err(|e| RunError::Action(e.to_string()))
            }
            Action::Receive {
                snapshot,
                archive,
                mode,
                // Natively the digest is always checked while received (and `before`
                // by the preflight's `archive_readable`).
                digest: _,
            } => self.receive(snapshot, archive, mode),
            Action::ZfsSet {
                dataset,
                property,
                value,
            } => act(p.zfs(&["set", &format!("{property}={value}"), dataset])),
            Action::ZfsRename {
                from,
                to,
                if_exists,
            } => {
                if *if_exists && !p.exists(from) {
                    return Ok(());
                }
                act(p.zfs(&["rename", from, to]))
            }
            Action::ZfsMount { dataset } => act(p.zfs(&["mount", dataset])),
            Action::ZfsSetTree {
                dataset,
                property,
                value,
            } => {
                let assignment = format!("{property}={value}");
                for ds in self.tree(dataset)? {
                    act(p.zfs(&["set", &assignment, &ds]))?;
                }
                Ok(())
            }
            Action::ZfsMountTree { dataset } => self.mount_tree(dataset),
            Action::ZfsUnmountTree { dataset } => self.unmount_tree(dataset),
            Action::ZfsUnmount { dataset } => {
                if p.zfs_get("mounted", dataset).as_deref() != Some("yes") {
                    return Ok(());
                }
                act(p.zfs(&["umount", dataset]))
            }
            Action::ZfsDestroy {
                dataset,
                recursive,
                if_exists,
            } => {
                if *if_exists && !p.exists(dataset) {
                    return Ok(());
                }
                if *recursive {
                    if !dataset.contains('@') {
                        self.unmount_tree(dataset)?;
                    }
                    act(p.zfs(&["destroy", "-r", dataset]))
                } else {
                    act(p.zfs(&["destroy", dataset]))
                }
            }
            Action::ZpoolSet {
                pool,
                property,
                value,
            } => act(p.zpool(&["set", &format!("{property}={value}"), pool])),
            Action::Touch { path } => fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map(|_| ())
                .map_err(|e| io_err("cannot create", path, e)),
            Action::Remove { path } => match fs::remove_file(path) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => {
                    Err(io_err("cannot remove", path, e))
                }
                _ => Ok(()),
            },
            Action::CopyFile { from, to } => fs::copy(from, to)
                .map(|_| ())
                .map_err(|e| io_err(&format!("cannot copy {from} to"), to, e)),
            // Tar's semantics (contents, modes, times), in Rust.
            Action::CopyTree {
                from,
                to,
                method: plan::CopyMethod::Tar,
            } => {
                if !Path::new(from).is_dir() {
                    self.note(&format!("  {from} is not a directory: nothing to copy"));
                    return Ok(());
                }
                copy_tree(Path::new(from), Path::new(to))
                    .map_err(|e| io_err(&format!("cannot copy {from} into"), to, e))
            }
            Action::WriteLog { to } => {
                self.log_copy = Some(to.clone());
                self.write_log(to)
            }
            Action::VerifyPresent { path } => {
                if fs::symlink_metadata(path).is_ok() {
                    Ok(())
                } else {
                    Err(RunError::Action(format!(
                        "identity check: {path} should exist after the reset but does not"
                    )))
                }
            }
            Action::VerifyAbsent { path } => {
                if fs::symlink_metadata(path).is_err() {
                    Ok(())
                } else {
                    Err(RunError::Action(format!(
                        "identity check: {path} should be absent after the reset but exists"
                    )))
                }
            }
            Action::Run { argv } => {
                let out = Command::new(&argv[0])
                    .args(&argv[1..])
                    .stdin(Stdio::null())
                    .output()
                    .map_err(|e| RunError::Action(format!("cannot run {}: {e}", argv[0])))?;
                for l in String::from_utf8_lossy(&out.stdout)
                    .lines()
                    .chain(String::from_utf8_lossy(&out.stderr).lines())
                {
                    self.detail(&format!("    | {l}"));
                }
                if out.status.success() {
                    Ok(())
                } else {
                    Err(RunError::Action(format!(
                        "hook `{}` failed with {}",
                        argv.join(" "),
                        out.status
                    )))
                }
            }
        }
    }

    /// The dataset and its descendant filesystems, in name order (parents first):
    /// the children of a BE from a recursive archive are only known at run time.
    fn tree(&self, dataset: &str) -> Result<Vec<String>, RunError> {
        let out = self
            .platform
            .zfs(&[
                "list",
                "-H",
                "-o",
                "name",
                "-r",
                "-t",
                "filesystem",
                dataset,
            ])
            .map_err(|e| RunError::Action(e.to_string()))?;
        let mut names: Vec<String> = out.lines().map(str::to_string).collect();
        names.sort();
        Ok(names)
    }

    /// `zfs mount` the dataset, then each descendant in name order. A descendant must
    /// inherit its mountpoint, so that it lands inside the BE's temporary root (a
    /// recursive archive may carry a child's own mountpoint as a received property,
    /// which `zfs inherit` cannot clear on a pool of version 22 or later).
    fn mount_tree(&mut self, dataset: &str) -> Result<(), RunError> {
        let p = self.platform;
        for ds in self.tree(dataset)? {
            if ds != dataset {
                let source = p
                    .zfs(&["get", "-H", "-o", "source", "mountpoint", &ds])
                    .map_err(|e| RunError::Action(e.to_string()))?;
                if !source.trim().starts_with("inherited") {
                    let value = p.zfs_get("mountpoint", &ds).unwrap_or_default();
                    return Err(RunError::Action(format!(
                        "{ds} has its own mountpoint {value} ({}): a dataset inside a boot environment must inherit its mountpoint (as /var does); run `zfs inherit mountpoint` on that dataset of the golden image and capture again",
                        source.trim()
                    )));
                }
            }
            if p.zfs_get("mounted", &ds).as_deref() == Some("yes") {
                continue;
            }
            p.zfs(&["mount", &ds])
                .map_err(|e| RunError::Action(e.to_string()))?;
        }
        Ok(())
    }

    /// `zfs umount` every mounted filesystem of the tree, children first.
    fn unmount_tree(&mut self, dataset: &str) -> Result<(), RunError> {
        let p = self.platform;
        if !p.exists(dataset) {
            return Ok(());
        }
        for ds in self.tree(dataset)?.iter().rev() {
            if p.zfs_get("mounted", ds).as_deref() == Some("yes") {
                p.zfs(&["umount", ds])
                    .map_err(|e| RunError::Action(e.to_string()))?;
            }
        }
        Ok(())
    }

    fn write_log(&self, to: &str) -> Result<(), RunError> {
        let mut text = self.log.join("\n");
        text.push('\n');
        write_atomic(Path::new(to), text.as_bytes())
            .map_err(|e| RunError::Action(format!("cannot write the log {to}: {e}")))
    }

    /// Bring the log copy in the BE up to date: the last moment it is mounted.
    fn refresh_log_copy(&mut self) -> Result<(), RunError> {
        let Some(to) = self.log_copy.clone() else {
            return Ok(());
        };
        self.detail(
            "log copy in the BE ends here (BE unmounted next); set_mountpoint, switch_bootfs and cleanup follow: see the report and the events",
        );
        self.write_log(&to)
    }

    fn check(&mut self, c: &Check) -> Result<(), RunError> {
        let p = self.platform;
        let fail = |m: String| Err(RunError::Preflight(m));
        match c {
            Check::PoolImported { pool, altroot } => {
                if p.zpool(&["list", "-H", "-o", "name", pool]).is_err() {
                    return fail(format!("pool {pool} is not imported"));
                }
                let actual = p
                    .zpool_get("altroot", pool)
                    .map_err(|e| RunError::Preflight(e.to_string()))?;
                if !same_path(&actual, altroot) {
                    return fail(format!(
                        "pool {pool} is imported with altroot {actual}, not {altroot} (use --altroot)"
                    ));
                }
                Ok(())
            }
            Check::BootfsSet { pool } => match self.bootfs() {
                Some(b) if p.exists(&b) => Ok(()),
                Some(b) => fail(format!("pool {pool}: bootfs {b} does not exist")),
                None => fail(format!(
                    "pool {pool} has no bootfs: this does not look like a JumpStart-installed root pool"
                )),
            },
            Check::DatasetFree { dataset } => {
                if !p.exists(dataset) {
                    return Ok(());
                }
                let force = self.opts.force || self.cfg.options.force;
                if !force {
                    let from = p.zfs_get(ARCHIVE_PROPERTY, dataset).unwrap_or_default();
                    let origin = if from == "-" || from.is_empty() {
                        "not deployed by zflash".to_string()
                    } else {
                        format!("deployed from {from}")
                    };
                    return fail(format!(
                        "boot environment {dataset} already exists ({origin}); use --force to replace it"
                    ));
                }
                if self.bootfs().as_deref() == Some(dataset.as_str()) {
                    return fail(format!(
                        "boot environment {dataset} is the pool's bootfs (the installed BE): refusing to replace it even with --force; choose another be_name"
                    ));
                }
                Ok(())
            }
            // A directory opens fine but cannot be copied: refuse it here, before the
            // receive, not after (JumpStart's sysidcfg locations are directories).
            Check::FileReadable { path } => match fs::metadata(path) {
                Ok(m) if m.is_dir() => {
                    // zflash generate's layout: sysidcfg/<host>/sysidcfg.
                    let dir = path.trim_end_matches('/');
                    let host = &self.opts.si_hostname;
                    let per_host = format!("{dir}/{host}/sysidcfg");
                    let example = if !host.is_empty() && Path::new(&per_host).is_file() {
                        per_host
                    } else {
                        format!("{dir}/sysidcfg")
                    };
                    fail(format!(
                        "{path} is a directory, not a file: name the file itself (e.g. {example})"
                    ))
                }
                _ => fs::File::open(path)
                    .map(|_| ())
                    .map_err(|e| RunError::Preflight(format!("cannot read {path}: {e}"))),
            },
            // Opened (manifest, first BEGIN record) before the plan was built.
            Check::ArchiveReadable {
                archive, digest, ..
            } => {
                if *digest == plan::DigestCheck::Before {
                    self.verify_fully(archive)
                } else {
                    Ok(())
                }
            }
            Check::ArchiveFits {
                archive,
                pool,
                arch,
            } => self.check_fits(archive, pool, arch),
        }
    }

    /// Index of an opened archive in receive order.
    fn archive_index(&self, path: &str) -> Result<usize, RunError> {
        self.archives
            .iter()
            .position(|a| a.info().path == path)
            .ok_or_else(|| RunError::Preflight(format!("archive {path} was not opened")))
    }

    /// `verify_first`: read the whole archive once (records, fletcher-4, digest against
    /// the manifest) before anything changes.
    fn verify_fully(&mut self, path: &str) -> Result<(), RunError> {
        let index = self.archive_index(path)?;
        self.note(&format!("  verifying {path} (verify_first)"));
        let t0 = Instant::now();
        let mut reader = self.archives[index]
            .reader()
            .map_err(|e| RunError::Preflight(format!("cannot read archive {path}: {e}")))?;
        let result = io::copy(&mut reader, &mut io::sink()).and_then(|_| reader.finish());
        match result {
            Ok(summary) => {
                self.walked.insert(index, summary.substreams.clone());
                self.events.emit(
                    "verified",
                    json!({ "archive": path, "summary": &summary,
                            "seconds": t0.elapsed().as_secs_f64() }),
                );
                Ok(())
            }
            Err(e) => Err(RunError::Damaged(format!(
                "{} (found by verify_first, before any change)",
                damage_message(path, &e)
            ))),
        }
    }

    fn check_fits(&mut self, path: &str, pool: &str, arch: &str) -> Result<(), RunError> {
        let p = self.platform;
        let index = self.archive_index(path)?;
        let info = self.archives[index].info().clone();
        let h = &info.header;
        let fail = |m: String| Err(RunError::Preflight(format!("{}: {m}", info.path)));
        let compound = h.hdrtype != 1;
        if compound && (index > 0 || self.archives.len() > 1) {
            return fail(format!(
                "a compound stream (zfs send -R/-I/-p) of {} in a chain of archives; increments are deployed only on top of a plain full stream, and as plain incremental streams (a recursive archive is deployed on its own)",
                h.toname
            ));
        }
        // Every substream of a compound (`zfs send -R`) archive: read through once
        // (unless verify_first already did), before any change.
        let mut features = h.features;
        if compound {
            if !self.walked.contains_key(&index) {
                self.note(&format!(
                    "  reading the recursive archive {path} through to check every substream"
                ));
                let result = self.archives[index]
                    .reader()
                    .and_then(|mut r| io::copy(&mut r, &mut io::sink()).and_then(|_| r.finish()));
                match result {
                    Ok(summary) => {
                        self.walked.insert(index, summary.substreams);
                    }
                    Err(e) => {
                        return Err(RunError::Damaged(format!(
                            "{} (found while checking the substreams, before any change)",
                            damage_message(path, &e)
                        )));
                    }
                }
            }
            let subs = &self.walked[&index];
            if let Err(m) = input::check_recursive(subs) {
                return fail(m);
            }
            features = subs.iter().fold(features, |a, s| a | s.features);
            self.note(&format!(
                "  recursive archive: {} filesystem(s): {}",
                subs.len(),
                subs.iter()
                    .map(|s| s.dataset())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if index == 0 && h.fromguid != 0 {
            return fail(format!(
                "an incremental stream of {} (from guid {:016x}); a boot environment needs a full stream (list increments under `increments`, after their base archive)",
                h.toname, h.fromguid
            ));
        }
        if index > 0 {
            let prev = self.archives[index - 1].info();
            if h.fromguid == 0 {
                return fail(format!(
                    "listed as an increment but it is a full stream of {}; an increment is made with `zflash capture --from` or `zfs send -i`",
                    h.toname
                ));
            }
            let link = |i: &input::ArchiveInfo| zflash_archive::ChainLink {
                path: i.path.clone().into(),
                origin: Some(zflash_archive::Guid(i.header.fromguid)).filter(|g| g.0 != 0),
                top: Some(zflash_archive::Guid(i.header.toguid)),
            };
            if let Some((_, problem)) = zflash_archive::check_chain(&[link(prev), link(&info)])
                .into_iter()
                .next()
            {
                return Err(RunError::Preflight(format!(
                    "broken chain of archives: {problem} (increments must be listed in the order they were captured)"
                )));
            }
        }
        if h.objset_type != 2 {
            return fail(format!(
                "the stream of {} is not a ZFS filesystem (objset type {})",
                h.toname, h.objset_type
            ));
        }
        let version_text = p
            .zpool_get("version", pool)
            .map_err(|e| RunError::Preflight(e.to_string()))?;
        // Feature-flag pools show `-` (or 5000).
        let version: u64 = version_text.parse().unwrap_or(5000);
        let refused = input::unsupported_features(features, version);
        if !refused.is_empty() {
            return fail(format!(
                "the stream uses feature(s) {} that pool {pool} (version {version_text}) cannot receive; capture the golden image with a sender matching the target pool version",
                refused.join(", ")
            ));
        }
        if !info.architectures.is_empty() {
            let client_arch = if arch.is_empty() {
                p.processor()
            } else {
                arch.to_string()
            };
            let karch = &self.opts.si_karch;
            let ok = info
                .architectures
                .iter()
                .any(|a| a == &client_arch || (!karch.is_empty() && a == karch));
            if !ok {
                return fail(format!(
                    "the archive is for {} but this client is {client_arch}{}",
                    info.architectures.join(", "),
                    if karch.is_empty() {
                        String::new()
                    } else {
                        format!("/{karch}")
                    }
                ));
            }
        }
        if !self.opts.skip_space_check {
            let root = format!("{pool}/ROOT");
            let avail: u64 = p
                .zfs_get("available", &root)
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| {
                    RunError::Preflight(format!("cannot read the free space of {root}"))
                })?;
            // The chain up to this archive is received into one dataset.
            let raw_size: u64 = self.archives[..=index]
                .iter()
                .map(|a| a.info().raw_size)
                .sum();
            if raw_size > avail {
                return fail(format!(
                    "not enough space: the stream{} {raw_size} bytes, {root} has {avail} bytes available",
                    if index > 0 {
                        "s up to this increment are"
                    } else {
                        " is"
                    }
                ));
            }
        }
        Ok(())
    }

    fn receive(
        &mut self,
        snapshot: &str,
        archive_path: &str,
        mode: &plan::ReceiveMode,
    ) -> Result<(), RunError> {
        let index = self
            .archive_index(archive_path)
            .map_err(|e| RunError::Action(e.to_string()))?;
        let archive = &self.archives[index];
        let info = archive.info().clone();
        let mut reader = archive
            .reader()
            .map_err(|e| RunError::Action(format!("cannot read archive {archive_path}: {e}")))?;
        // An increment goes on top of the previous archive's snapshot; `-F` rolls the
        // dataset back to it first (nothing should have changed it: it is not mounted).
        // A compound (`zfs send -R`) stream is received into the dataset, its children
        // below it, unmounted (it carries the golden's mountpoints), under the sender's
        // snapshot name: renamed to the plan's afterwards.
        let compound = info.header.hdrtype != 1;
        let mut args = vec!["receive"];
        let (dataset, wanted_snap) = match (&mode.compound, compound) {
            (Some(c), true) => {
                args.extend(["-u", c.dataset.as_str()]);
                (c.dataset.as_str(), c.snapshot.as_str())
            }
            (None, true) => {
                return Err(RunError::Action(format!(
                    "{archive_path} is a compound (zfs send -R) stream, and this receive takes a plain one"
                )));
            }
            (_, false) => {
                if mode.rollback {
                    args.push("-F");
                }
                args.push(snapshot);
                (snapshot, "")
            }
        };
        let mut child = Command::new(&self.platform.zfs)
            .args(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| RunError::Action(format!("cannot run {}: {e}", self.platform.zfs)))?;
        let drain = |r: Option<Box<dyn Read + Send>>| {
            std::thread::spawn(move || {
                let mut s = String::new();
                if let Some(mut r) = r {
                    let _ = r.read_to_string(&mut s);
                }
                s
            })
        };
        let err_thread = drain(
            child
                .stderr
                .take()
                .map(|e| Box::new(e) as Box<dyn Read + Send>),
        );
        let out_thread = drain(
            child
                .stdout
                .take()
                .map(|e| Box::new(e) as Box<dyn Read + Send>),
        );
        let mut stdin = child.stdin.take().expect("piped stdin");

        let bar = self.progress_bar(info.stored_size);
        let t0 = Instant::now();
        let mut last_event = Instant::now();
        let mut buf = vec![0u8; 1 << 20];
        let mut raw = 0u64;
        let mut read_error = None;
        let mut write_error = None;
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    read_error = Some(e);
                    break;
                }
            };
            let half = info.stored_size / 2;
            if self.opts.fault == Some(Fault::KillDuringReceive) && raw + n as u64 > half {
                // Feed exactly half of the stream, then die mid-receive.
                let _ = stdin.write_all(&buf[..(half.saturating_sub(raw)) as usize]);
                let _ = stdin.flush();
                std::thread::sleep(Duration::from_millis(200));
                kill_self();
            }
            if let Err(e) = stdin.write_all(&buf[..n]) {
                write_error = Some(e);
                break;
            }
            raw += n as u64;
            let (stored, _) = reader.position();

            if let Some(b) = &bar {
                b.set_position(stored);
            }
            if last_event.elapsed() >= Duration::from_secs(1) {
                last_event = Instant::now();
                let secs = t0.elapsed().as_secs_f64();
                let rate = stored as f64 / secs.max(1e-9);
                let eta = info.stored_size.saturating_sub(stored) as f64 / rate.max(1.0);
                let fields = json!({ "bytes_stored": stored, "bytes_total": info.stored_size,
                        "bytes_received": raw,
                        "rate_bytes_per_s": rate as u64,
                        "eta_seconds": (eta * 10.0).round() / 10.0 });
                // `--events -` on the bar's terminal: the bar is taken off the line while
                // the event is written, or the event line would start with the bar's text.
                match &bar {
                    Some(b) => b.suspend(|| self.events.emit("progress", fields)),
                    None => self.events.emit("progress", fields),
                }
            }
        }
        drop(stdin);
        let status = child
            .wait()
            .map_err(|e| RunError::Action(format!("waiting for zfs receive: {e}")))?;
        let stderr = err_thread.join().unwrap_or_default();
        let stdout = out_thread.join().unwrap_or_default();
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        for l in stdout.lines().chain(stderr.lines()) {
            self.detail(&format!("    | {l}"));
        }
        self.report.receive_seconds += t0.elapsed().as_secs_f64();
        self.report.bytes_received += raw;
        self.report.bytes_stored += reader.position().0;
        if let Some(e) = read_error {
            return Err(RunError::Damaged(damage_message(archive_path, &e)));
        }
        if !status.success() {
            let why = stderr.trim();
            return Err(RunError::Action(format!(
                "zfs receive {snapshot} failed: {}",
                if why.is_empty() {
                    status.to_string()
                } else {
                    why.to_string()
                }
            )));
        }
        if let Some(e) = write_error {
            return Err(RunError::Action(format!(
                "zfs receive {snapshot} stopped reading its input: {e}"
            )));
        }
        let summary = reader
            .finish()
            .map_err(|e| RunError::Damaged(damage_message(archive_path, &e)))?;
        self.events.emit(
            "received",
            json!({ "archive": archive_path, "summary": &summary }),
        );
        // The report's sha256 is the base archive's; each one is in its `received` event.
        if index == 0 {
            self.report.sha256 = Some(summary.sha256);
        }
        let sent_snap = info
            .header
            .toname
            .split_once('@')
            .map(|(_, s)| s)
            .unwrap_or("");
        if compound && sent_snap != wanted_snap {
            self.detail(&format!("  zfs rename -r {dataset}@{sent_snap} {snapshot}"));
            self.platform
                .zfs(&["rename", "-r", &format!("{dataset}@{sent_snap}"), snapshot])
                .map_err(|e| RunError::Action(e.to_string()))?;
        }
        Ok(())
    }

    fn progress_bar(&self, total: u64) -> Option<indicatif::ProgressBar> {
        if !self.opts.progress || !io::stderr().is_terminal() {
            return None;
        }
        let bar = indicatif::ProgressBar::new(total);
        let style = indicatif::ProgressStyle::with_template(
            "receiving {bar:30} {bytes}/{total_bytes} {bytes_per_sec} ETA {eta}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
        bar.set_style(style);
        Some(bar)
    }
}

/// Fault injection: die as a power cut or `kill -9` would, without any clean-up.
fn kill_self() {
    let pid = std::process::id().to_string();
    let _ = Command::new("kill").args(["-KILL", &pid]).status();
    std::thread::sleep(Duration::from_secs(10));
}

fn same_path(a: &str, b: &str) -> bool {
    let canon = |s: &str| {
        fs::canonicalize(s)
            .map(|p| p.display().to_string())
            .unwrap_or_else(|_| s.trim_end_matches('/').to_string())
    };
    canon(a) == canon(b)
}

/// Remove the temporary mount directory and its parent when empty (never the altroot).
fn remove_empty_dirs(be_root: &str, altroot: &str) {
    let _ = fs::remove_dir(be_root);
    if let Some((parent, _)) = be_root.rsplit_once('/')
        && parent.len() > altroot.trim_end_matches('/').len()
    {
        let _ = fs::remove_dir(parent);
    }
}

fn copy_tree(from: &Path, to: &Path) -> io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let src = entry.path();
        let dst = to.join(entry.file_name());
        let ft = entry.file_type()?;
        if ft.is_dir() {
            copy_tree(&src, &dst)?;
            fs::set_permissions(&dst, fs::metadata(&src)?.permissions())?;
        } else if ft.is_symlink() {
            let target = fs::read_link(&src)?;
            let _ = fs::remove_file(&dst);
            std::os::unix::fs::symlink(target, &dst)?;
        } else {
            fs::copy(&src, &dst)?;
        }
    }
    Ok(())
}

fn write_atomic(path: &Path, data: &[u8]) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(data)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
