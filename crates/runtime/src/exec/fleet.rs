//! The fleet report of `zflash finish`: `<report dir>/<host>.json` (see
//! [`crate::report`] for the file, [`crate::plan::report`] for when and where it is
//! written), by the plan's [`ReportTarget`].
//!
//! The report must never fail or slow the deployment, so the deploy thread only hands
//! each new report to a writer thread (which keeps the newest when it falls behind) and
//! goes on. That thread mounts an NFS report directory (the mount command killed after
//! the plan's timeout), writes each report atomically (a temporary file in the same
//! directory, then `rename`), and unmounts at the end. The first problem (mount, write)
//! gives one warning on stderr and in the run's final report, and ends the writing: a
//! hung server (a soft mount fails the write after its timeouts) is then never touched
//! again. At the end the run waits for the last write at most the plan's timeout.

use std::fs;
use std::io::{self, Read, Write};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::config::DeployConfig;
use crate::plan::{Plan, PlanEnv, ReportTarget, StepKind};
use crate::platform::Platform;
use crate::report::{self, REPORT_VERSION, Report, ReportStep, State, Writer};

/// The run's fleet report: the report being kept up to date, and its writer once the
/// lock is held.
pub(super) struct Fleet {
    started: String,
    step: Option<ReportStep>,
    /// The archive id of the last report, kept for [`progress`](Self::progress).
    archive_id: Option<String>,
    /// When the last report was handed over.
    sent: Instant,
    writer: Option<WriterThread>,
    warnings: Arc<Mutex<Vec<String>>>,
}

struct WriterThread {
    target: ReportTarget,
    /// `None` once the run has ended (the writer then finishes and unmounts).
    tx: Option<mpsc::Sender<Report>>,
    done: mpsc::Receiver<()>,
}

/// How often a receive updates the report's bytes.
const PROGRESS_EVERY: Duration = Duration::from_secs(5);

/// Now, as the reports write times.
pub fn now_utc() -> String {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    report::format_utc(seconds)
}

/// Cut `message` to [`report::MAX_MESSAGE_CHARS`] characters.
fn cut(message: &str) -> String {
    message.chars().take(report::MAX_MESSAGE_CHARS).collect()
}

impl Fleet {
    /// A run starting now, without a report until [`open`](Self::open).
    pub(super) fn new() -> Fleet {
        Fleet {
            started: now_utc(),
            step: None,
            archive_id: None,
            sent: Instant::now(),
            writer: None,
            warnings: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// Start writing the report of `plan` (after the lock is taken): nothing without a
    /// report directory, a warning when the plan could make no target.
    pub(super) fn open(
        &mut self,
        plan: &Plan,
        cfg: &DeployConfig,
        env: &PlanEnv,
        platform: &Platform,
    ) {
        if self.writer.is_some() || cfg.reports.is_none() {
            return;
        }
        let Some(target) = plan.report.clone() else {
            let why = crate::plan::report::problem(cfg, env)
                .unwrap_or_else(|| "the plan has no report target".into());
            warn(&self.warnings, &why);
            return;
        };
        let (tx, rx) = mpsc::channel();
        let (done_tx, done) = mpsc::channel();
        let warnings = Arc::clone(&self.warnings);
        let thread_target = target.clone();
        let platform = platform.clone();
        let spawned = std::thread::Builder::new()
            .name("zflash-report".into())
            .spawn(move || {
                write_reports(&thread_target, &platform, &rx, &warnings);
                let _ = done_tx.send(());
            });
        if let Err(e) = spawned {
            warn(
                &self.warnings,
                &format!("cannot start the report writer: {e}"),
            );
            return;
        }
        self.writer = Some(WriterThread {
            target,
            tx: Some(tx),
            done,
        });
    }

    /// The step now running (1-based `index` of `total`): a `running` report.
    pub(super) fn step(
        &mut self,
        index: usize,
        total: usize,
        name: &str,
        bytes: u64,
        archive_id: Option<&str>,
    ) {
        self.step = Some(ReportStep {
            index: u32::try_from(index).unwrap_or(u32::MAX),
            total: u32::try_from(total).unwrap_or(u32::MAX),
            name: name.to_string(),
        });
        self.send(State::Running, None, bytes, archive_id);
    }

    /// Bytes read so far during a receive: a `running` report of the current step at
    /// most every [`PROGRESS_EVERY`] (a long receive shows its progress).
    pub(super) fn progress(&mut self, bytes: u64) {
        if self.sent.elapsed() >= PROGRESS_EVERY {
            let id = self.archive_id.clone();
            self.send(State::Running, None, bytes, id.as_deref());
        }
    }

    /// The run is failing in the plan's step `kind`, before it started (the archives
    /// are opened and checked before the `recover` step: a failure there is the
    /// preflight's): the last report names it.
    pub(super) fn failing_step(&mut self, plan: &Plan, kind: StepKind) {
        if let Some(i) = plan.steps.iter().position(|s| s.kind == kind) {
            self.step = Some(ReportStep {
                index: u32::try_from(i + 1).unwrap_or(u32::MAX),
                total: u32::try_from(plan.steps.len()).unwrap_or(u32::MAX),
                name: kind.name().to_string(),
            });
        }
    }

    /// The run ended: the last report, written before this returns (or given up after
    /// the plan's timeout), the directory unmounted. Returns the warnings of the run.
    pub(super) fn end(
        &mut self,
        state: State,
        message: Option<&str>,
        bytes: u64,
        archive_id: Option<&str>,
    ) -> Vec<String> {
        self.send(state, message, bytes, archive_id);
        if let Some(mut w) = self.writer.take() {
            w.tx = None;
            let timeout = w
                .target
                .mount
                .as_ref()
                .map_or(crate::plan::report::REPORT_TIMEOUT_SECONDS, |m| {
                    m.timeout_seconds
                });
            if w.done
                .recv_timeout(Duration::from_secs(u64::from(timeout)))
                .is_err()
            {
                warn(
                    &self.warnings,
                    &format!(
                        "the report {} was not written within {timeout} s: the report directory does not answer",
                        w.target.file
                    ),
                );
            }
        }
        self.warnings.lock().map(|w| w.clone()).unwrap_or_default()
    }

    fn send(&mut self, state: State, message: Option<&str>, bytes: u64, archive_id: Option<&str>) {
        self.archive_id = archive_id.map(str::to_string);
        let Some(w) = &self.writer else { return };
        let Some(tx) = &w.tx else { return };
        self.sent = Instant::now();
        let now = now_utc();
        let report = Report {
            version: REPORT_VERSION,
            client: w.target.client.clone(),
            writer: Writer::Native,
            archive_id: archive_id.map(str::to_string),
            be: w.target.be.clone(),
            state,
            step: self.step.clone(),
            message: message.map(cut),
            started: self.started.clone(),
            updated: now.clone(),
            finished: (state != State::Running).then_some(now),
            bytes_received: bytes,
        };
        // A writer that has stopped (after its warning) just drops what it is sent.
        let _ = tx.send(report);
    }
}

/// The first problem of the report: one warning (stderr and the run's report).
fn warn(warnings: &Mutex<Vec<String>>, why: &str) {
    let Ok(mut list) = warnings.lock() else {
        return;
    };
    if !list.is_empty() {
        return;
    }
    let text = format!("{why}: no fleet report is written (the deployment goes on)");
    eprintln!("zflash finish: warning: {text}");
    list.push(text);
}

/// The writer thread: mount, write each report (the newest when several are queued),
/// unmount once the run has ended (the channel is closed).
fn write_reports(
    target: &ReportTarget,
    platform: &Platform,
    rx: &mpsc::Receiver<Report>,
    warnings: &Mutex<Vec<String>>,
) {
    let mut usable = true;
    let mut mounted = false;
    if let Some(m) = &target.mount {
        let timeout = Duration::from_secs(u64::from(m.timeout_seconds));
        let mounting = fs::create_dir_all(&m.target)
            .map_err(|e| format!("cannot create the mount point {}: {e}", m.target))
            .and_then(|()| {
                run_bounded(
                    &platform.mount,
                    &platform.nfs_mount_args(&m.options, &m.source, &m.target),
                    timeout,
                )
            });
        match mounting {
            Ok(()) => mounted = true,
            Err(e) => {
                warn(
                    warnings,
                    &format!(
                        "cannot mount the report directory {} at {}: {e}",
                        m.source, m.target
                    ),
                );
                let _ = fs::remove_dir(&m.target);
                usable = false;
            }
        }
    }
    if usable {
        remove_stale_temps(target);
    }
    while let Ok(mut report) = rx.recv() {
        // Behind: only the newest report matters.
        while let Ok(newer) = rx.try_recv() {
            report = newer;
        }
        if !usable {
            continue;
        }
        if let Err(e) = write_atomic(target, &report.to_json()) {
            warn(warnings, &format!("cannot write {}: {e}", target.file));
            usable = false;
        }
    }
    if let (true, Some(m)) = (mounted, &target.mount) {
        let timeout = Duration::from_secs(u64::from(m.timeout_seconds));
        match run_bounded(&platform.umount, &[&m.target], timeout) {
            Ok(()) => {
                let _ = fs::remove_dir(&m.target);
            }
            Err(e) => warn(
                warnings,
                &format!("cannot unmount the report directory {}: {e}", m.target),
            ),
        }
    }
}

/// A run killed while writing left its temporary file (`TEMP.PID`): the lock's holder
/// removes those of its client.
fn remove_stale_temps(target: &ReportTarget) {
    let Some(prefix) = std::path::Path::new(&target.temp_file)
        .file_name()
        .map(|n| format!("{}.", n.to_string_lossy()))
    else {
        return;
    };
    let Ok(entries) = fs::read_dir(&target.dir) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Write `json` to the target's temporary file (`.PID` appended) and rename it over
/// the report: readers see the old report or the new one.
fn write_atomic(target: &ReportTarget, json: &str) -> io::Result<()> {
    let temp = format!("{}.{}", target.temp_file, std::process::id());
    let written = (|| {
        let mut f = fs::File::create(&temp)?;
        f.write_all(json.as_bytes())?;
        f.write_all(b"\n")?;
        f.sync_all()?;
        fs::rename(&temp, &target.file)
    })();
    if written.is_err() {
        let _ = fs::remove_file(&temp);
    }
    written
}

/// Run a command, killed when it has not ended after `timeout`.
fn run_bounded(program: &str, args: &[&str], timeout: Duration) -> Result<(), String> {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    let deadline = Instant::now() + timeout;
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => {
                let mut err = String::new();
                if let Some(mut e) = child.stderr.take() {
                    let _ = e.read_to_string(&mut err);
                }
                let err = err.trim();
                return Err(if err.is_empty() {
                    format!("{program} {}", status)
                } else {
                    err.to_string()
                });
            }
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "{program} gave no answer in {} s (killed)",
                    timeout.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(format!("waiting for {program}: {e}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_that_hangs_is_killed_at_its_deadline() {
        let t0 = Instant::now();
        let e = run_bounded("sleep", &["30"], Duration::from_millis(300)).unwrap_err();
        assert!(e.contains("gave no answer"), "{e}");
        assert!(t0.elapsed() < Duration::from_secs(10));
        assert!(run_bounded("true", &[], Duration::from_secs(10)).is_ok());
        let e = run_bounded(
            "sh",
            &["-c", "echo nope >&2; exit 3"],
            Duration::from_secs(10),
        )
        .unwrap_err();
        assert_eq!(e, "nope");
    }

    fn plan_writing_into(dir: &std::path::Path) -> (Plan, DeployConfig, PlanEnv) {
        let cfg = DeployConfig::from_yaml(&format!(
            "version: 1\narchive: /flar/a.zfs\nbe_name: gold\nsysidcfg: null\nreports: {}\n",
            dir.display()
        ))
        .unwrap();
        let env = PlanEnv {
            altroot: "/a".into(),
            si_config_dir: String::new(),
            si_hostname: "ws001".into(),
            si_arch: "sparc".into(),
            si_karch: "sun4u".into(),
            archive_id: None,
            force: false,
        };
        (crate::plan::build(&cfg, &env).unwrap(), cfg, env)
    }

    fn read(dir: &std::path::Path) -> Report {
        Report::from_json(&fs::read(dir.join("ws001.json")).unwrap()).unwrap()
    }

    #[test]
    fn a_receive_updates_the_bytes_at_most_every_few_seconds_and_the_end_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let (plan, cfg, env) = plan_writing_into(dir.path());
        let mut fleet = Fleet::new();
        fleet.open(&plan, &cfg, &env, &Platform::detect());
        fleet.step(5, plan.steps.len(), "receive", 0, Some("sha256:ab"));
        // Right after a report: no new one.
        let sent = fleet.sent;
        fleet.progress(7);
        assert_eq!(fleet.sent, sent);
        fleet.sent = Instant::now() - PROGRESS_EVERY;
        fleet.progress(123);
        assert!(fleet.sent > sent);
        // Wait for the writer to catch up: end the writer alone, keep the state.
        let w = fleet.writer.take().unwrap();
        drop(w.tx);
        w.done.recv_timeout(Duration::from_secs(10)).unwrap();
        let r = read(dir.path());
        assert_eq!((r.state, r.bytes_received), (State::Running, 123));
        assert_eq!(r.archive_id.as_deref(), Some("sha256:ab"));
        assert_eq!(r.step.unwrap().name, "receive");

        let mut fleet = Fleet::new();
        fleet.open(&plan, &cfg, &env, &Platform::detect());
        fleet.step(2, plan.steps.len(), "recover", 0, None);
        let warnings = fleet.end(State::Failed, Some("it \"broke\"\n"), 9, None);
        assert!(warnings.is_empty(), "{warnings:?}");
        let r = read(dir.path());
        assert_eq!(r.state, State::Failed);
        assert_eq!(r.message.as_deref(), Some("it \"broke\"\n"));
        assert_eq!(r.finished.as_deref(), Some(r.updated.as_str()));
        assert_eq!(r.writer, Writer::Native);
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("ws001.json")]);
    }

    #[test]
    fn messages_are_cut_to_the_contract_length() {
        let long = "é".repeat(report::MAX_MESSAGE_CHARS + 10);
        assert_eq!(cut(&long).chars().count(), report::MAX_MESSAGE_CHARS);
    }
}
