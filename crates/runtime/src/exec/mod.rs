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
//!
//! Parts: [`recover`] settles a killed run's leftovers, [`preflight`] runs the checks,
//! [`receive`] streams an archive into `zfs receive`, [`apply`] runs every other action.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::json;

use crate::config::DeployConfig;
use crate::input::{self, ArchiveInput};
use crate::plan::{self, Action, Plan, PlanEnv, Step, StepKind};
use crate::platform::Platform;
use error::{Found, RunError};

mod apply;
mod error;
mod fleet;
mod preflight;
mod receive;
mod recover;
mod refusal;

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
    /// `ZFLASH_FAULT`, read only in builds with the `test-support` feature (the tests'):
    /// a release binary has no fault injection.
    pub fn from_env() -> Option<Fault> {
        #[cfg(feature = "test-support")]
        {
            std::env::var("ZFLASH_FAULT")
                .ok()
                .and_then(|f| Fault::parse(&f))
        }
        #[cfg(not(feature = "test-support"))]
        {
            None
        }
    }

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
    /// Archive identity (`null` when the run failed before the archives were opened).
    pub archive_id: Option<String>,
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
    /// Problems that did not fail the run (a fleet report that could not be written).
    pub warnings: Vec<String>,
}

impl Report {
    /// The archive id, or `-` when it was not read.
    pub fn archive_id(&self) -> &str {
        self.archive_id.as_deref().unwrap_or("-")
    }
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.outcome {
            Outcome::Deployed => writeln!(
                f,
                "deployed {} from {} ({})",
                self.be_dataset,
                self.archive,
                self.archive_id()
            )?,
            Outcome::AlreadyDeployed => writeln!(
                f,
                "nothing to do: {} is already deployed from {} ({})",
                self.be_dataset,
                self.archive,
                self.archive_id()
            )?,
            Outcome::Resumed => writeln!(
                f,
                "finished the interrupted deployment of {} ({})",
                self.be_dataset,
                self.archive_id()
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
    /// What the clients' release has, from the plan being run.
    release: plan::ImageRelease,
    start: Instant,
    report: Report,
    /// The pool's deploy lock, from the `lock` step to the end of [`finish`].
    lock: Option<crate::lock::PoolLock>,
    /// What the `recover` step found.
    recovery: Recovery,
    /// The fleet report (deploy config `reports`), written from the lock on.
    fleet: fleet::Fleet,
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
        release: plan::ImageRelease::default(),
        start: Instant::now(),
        report: Report {
            outcome: Outcome::Failed,
            pool: cfg.pool.clone(),
            be_dataset: cfg.root_dataset_name(""),
            archive: cfg.archive.to_string(),
            archive_id: None,
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
            warnings: Vec::new(),
        },
        lock: None,
        recovery: Recovery::Fresh,
        fleet: fleet::Fleet::new(),
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
    let (state, message) = match runner.report.outcome {
        Outcome::Failed => (crate::report::State::Failed, runner.report.error.clone()),
        Outcome::Deployed => (crate::report::State::Done, None),
        Outcome::AlreadyDeployed => (
            crate::report::State::Done,
            Some(crate::plan::report::ALREADY_DEPLOYED.to_string()),
        ),
        Outcome::Resumed => (
            crate::report::State::Done,
            Some(crate::plan::report::RESUMED.to_string()),
        ),
    };
    runner.report.warnings = runner.fleet.end(
        state,
        message.as_deref(),
        runner.report.bytes_stored,
        runner.report.archive_id.as_deref(),
    );
    for w in runner.report.warnings.clone() {
        runner.note(&format!("warning: {w}"));
    }
    runner.report.total_seconds = runner.start.elapsed().as_secs_f64();
    let report = serde_json::to_value(&runner.report).unwrap_or_default();
    runner.events.emit("finished", json!({ "report": report }));
    runner.report
}

/// The plan `finish` would run, built from the real environment (for `--plan`). The
/// archive is not opened: its id is known only when the deploy config gives the digest
/// of every archive of the chain (a manifest saying otherwise is refused at run time),
/// else it is `None`, read at run time.
pub fn plan_for(cfg: &DeployConfig, opts: &FinishOptions) -> Result<Plan, plan::PlanError> {
    let ids: Option<Vec<String>> = (0..cfg.chain().len())
        .map(|i| cfg.expected_sha256(i).map(|d| format!("sha256:{d}")))
        .collect();
    plan::build(cfg, &plan_env(opts, ids.map(|ids| ids.join("+"))))
}

fn plan_env(opts: &FinishOptions, archive_id: Option<String>) -> PlanEnv {
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
            cfg.root_dataset_name(""),
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
        let pending = plan::build(cfg, &plan_env(self.opts, None))?;
        for (i, step) in pending.steps.iter().enumerate() {
            if matches!(step.kind, StepKind::Lock | StepKind::MountSource) {
                self.run_step(step, i, pending.steps.len())?;
            }
            if step.kind == StepKind::Lock {
                // The lock's holder owns the report: written from here on.
                let env = plan_env(self.opts, None);
                self.fleet.open(&pending, cfg, &env, self.platform);
                self.fleet
                    .step(i + 1, pending.steps.len(), step.kind.name(), 0, None);
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
            let expected = cfg.expected_sha256(i);
            // A refused archive is a preflight failure (the report names that step).
            let archive = input::open(Path::new(path), manifest, expected.as_deref())
                .inspect_err(|_| self.fleet.failing_step(&pending, StepKind::Preflight))?;
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
        self.report.archive_id = Some(id.clone());
        let plan = plan::build(cfg, &plan_env(self.opts, Some(id)))?;
        // What the clients' release has, for the checks of the preflight.
        self.release = plan.release.clone();

        let total = plan.steps.len();
        let mut committed = false;
        for (i, step) in plan.steps.iter().enumerate() {
            if matches!(step.kind, StepKind::Lock | StepKind::MountSource) {
                continue;
            }
            let result = self.run_step(step, i, total);
            if committed && let Err(e) = result {
                return Err(RunError::AfterCommit {
                    be: plan.be_dataset.clone(),
                    source: Box::new(e),
                });
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
        self.fleet.step(
            index + 1,
            total,
            name,
            self.report.bytes_stored,
            self.report.archive_id.as_deref(),
        );
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
}

/// Fault injection: die as a power cut or `kill -9` would, without any clean-up.
fn kill_self() {
    let pid = std::process::id().to_string();
    let _ = Command::new("kill").args(["-KILL", &pid]).status();
    std::thread::sleep(Duration::from_secs(10));
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
