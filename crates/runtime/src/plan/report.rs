//! Where a run writes its fleet report (`<report dir>/<host>.json`, see
//! [`crate::report`]): plan data, so that `zflash finish` and the loadzfs write the same
//! file, mount the same directory with the same options, and name the same steps.
//!
//! The report is never part of the deployment's success: a directory that cannot be
//! mounted or written gives one warning and the run goes on without a report. So the
//! target is not a [`Step`](super::Step) (whose actions fail the run and are undone)
//! but a field of the plan, [`Plan::report`](super::Plan::report), that both
//! interpreters read:
//! - the report is first written right after the `lock` step (the lock's holder owns
//!   the file: a run refused by the lock leaves the running one's report alone), then at
//!   the start of every step (`running`, the step), and at the end (`done` or `failed`);
//! - an NFS directory is mounted read-write at [`ReportMount::target`] after the lock
//!   with [`ReportMount::options`] (soft, short timeouts: a hung server fails a write
//!   instead of hanging the run), the mount command killed after
//!   [`ReportMount::timeout_seconds`]; it is unmounted at the very end;
//! - each write goes to [`ReportTarget::temp_file`] (with `.PID` appended) in the same
//!   directory, then is renamed over [`ReportTarget::file`]: a reader sees the previous
//!   report or the next one, never half of one.

use serde::{Deserialize, Serialize};

use crate::config::{ArchiveLocation, DeployConfig};

use super::{PlanEnv, join};

/// NFS options of the report directory's mount: read-write, soft (an operation on a
/// server that stopped answering fails after `timeo` × `retrans` instead of hanging),
/// one-second timeouts, two retransmissions, and no retry of the mount itself. The same
/// option names mean the same on Solaris (`mount -F nfs -o`) and Linux (`mount -t nfs
/// -o`).
pub const REPORT_MOUNT_OPTIONS: &str = "rw,soft,timeo=10,retrans=2,retry=0";

/// Seconds the report directory's mount (and its unmount, and the last write at the end
/// of the run) may take before it is given up with a warning.
pub const REPORT_TIMEOUT_SECONDS: u32 = 15;

/// The message of a `done` report of a rerun that found the BE deployed from the same
/// archive (the same words from both interpreters).
pub const ALREADY_DEPLOYED: &str = "already deployed from this archive: nothing to do";

/// The message of a `done` report of a rerun that finished the clean-up of a run
/// killed after the `bootfs` switch.
pub const RESUMED: &str = "finished the clean-up of a run interrupted after the bootfs switch";

/// The run's fleet report: where and how it is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportTarget {
    /// The report directory as the deploy config names it (`server:/dir` or a path).
    pub location: String,
    /// The NFS mount of the directory; `None` for a directory of the miniroot.
    pub mount: Option<ReportMount>,
    /// The directory the file is written in (the mount point, or the configured path).
    pub dir: String,
    /// The report: `DIR/<host>.json`.
    pub file: String,
    /// Each write goes to this file with `.PID` appended, in the same directory, then is
    /// renamed over [`file`](Self::file). A dot file: `zflash status` reads `*.json`.
    /// A run killed while writing leaves one: the next run of the client removes them.
    pub temp_file: String,
    /// The client, as the report names it (`SI_HOSTNAME`).
    pub client: String,
    /// The boot environment's name, as the report names it.
    pub be: String,
    /// Number of steps of the plan: the reports' `step.total`; a step's `index` is its
    /// 1-based position in [`Plan::steps`](super::Plan::steps).
    pub total_steps: u32,
}

/// How the report directory is mounted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportMount {
    /// `server:/dir`.
    pub source: String,
    /// Mount point (created, removed again at the end when empty).
    pub target: String,
    /// `-o` options ([`REPORT_MOUNT_OPTIONS`]).
    pub options: String,
    /// The mount and the unmount are killed after this many seconds.
    pub timeout_seconds: u32,
}

/// Why a run with a `reports` directory writes no report, known from the plan's
/// inputs alone; `None` when it can write one (or has no `reports`).
pub fn problem(cfg: &DeployConfig, env: &PlanEnv) -> Option<String> {
    cfg.reports.as_ref()?;
    let host = &env.si_hostname;
    if host.is_empty() {
        return Some("SI_HOSTNAME is not set: the report is named after the client".into());
    }
    // The shell plan's host is a reference checked by the loadzfs before use.
    let reference = host.starts_with('\u{1}') && host.ends_with('\u{1}');
    let plain =
        !host.starts_with('-') && host.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !reference && !plain {
        return Some(format!(
            "SI_HOSTNAME {host:?} is not a host name: no report file is named after it"
        ));
    }
    None
}

/// The report target of a plan of `total_steps` steps, `None` without `reports` (or
/// when [`problem`] says why none can be written).
pub fn target(cfg: &DeployConfig, env: &PlanEnv, total_steps: usize) -> Option<ReportTarget> {
    let location = cfg.reports.as_ref()?;
    if problem(cfg, env).is_some() {
        return None;
    }
    let (mount, dir) = match location {
        ArchiveLocation::Nfs { server, path } => {
            // One mount point per pool, like the lock: the runs on one pool are
            // serialised by the lock, those on other pools have their own.
            let target = format!("/tmp/zflash-reports.{}", cfg.pool.replace('/', "_"));
            (
                Some(ReportMount {
                    source: format!("{server}:{path}"),
                    target: target.clone(),
                    options: REPORT_MOUNT_OPTIONS.into(),
                    timeout_seconds: REPORT_TIMEOUT_SECONDS,
                }),
                target,
            )
        }
        // A URL is refused by the config's validation.
        ArchiveLocation::Path(p) | ArchiveLocation::Url(p) => (None, p.clone()),
    };
    let name = crate::report::Report::file_name(&env.si_hostname);
    Some(ReportTarget {
        location: location.to_string(),
        mount,
        file: join(&dir, &name),
        temp_file: join(&dir, &format!(".{name}.tmp")),
        dir,
        client: env.si_hostname.clone(),
        be: cfg.be_name.clone(),
        total_steps: u32::try_from(total_steps).unwrap_or(u32::MAX),
    })
}

impl std::fmt::Display for ReportTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "fleet report {} ", self.file)?;
        match &self.mount {
            Some(m) => write!(
                f,
                "({} mounted at {} -o {}, given up after {} s)",
                m.source, m.target, m.options, m.timeout_seconds
            )?,
            None => write!(f, "(directory {})", self.dir)?,
        }
        write!(
            f,
            ": after the lock, at each step and at the end; replaced atomically; a directory that cannot be mounted or written only warns"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{StepKind, build};

    fn env(host: &str) -> PlanEnv {
        PlanEnv {
            altroot: "/a".into(),
            si_config_dir: "/tmp/install_config".into(),
            si_hostname: host.into(),
            si_arch: "sparc".into(),
            si_karch: "sun4u".into(),
            archive_id: None,
            force: false,
        }
    }

    fn cfg(reports: Option<&str>) -> DeployConfig {
        let mut yaml =
            "version: 1\narchive: /flar/s10.zfs\npool: rpool\nbe_name: s10gold\n".to_string();
        if let Some(r) = reports {
            yaml.push_str(&format!("reports: {r}\n"));
        }
        DeployConfig::from_yaml(&yaml).unwrap()
    }

    #[test]
    fn a_local_directory_is_written_in_place() {
        let plan = build(&cfg(Some("/reports")), &env("ws001")).unwrap();
        let t = plan.report.clone().unwrap();
        assert_eq!(t.file, "/reports/ws001.json");
        assert_eq!(t.temp_file, "/reports/.ws001.json.tmp");
        assert_eq!(t.dir, "/reports");
        assert_eq!((t.client.as_str(), t.be.as_str()), ("ws001", "s10gold"));
        assert_eq!(t.mount, None);
        assert_eq!(t.total_steps as usize, plan.steps.len());
        assert_eq!(plan.steps[0].kind, StepKind::Lock);
        // Shown by `zflash finish --plan`, carried by `--plan --json`.
        assert!(
            plan.to_string()
                .contains("fleet report /reports/ws001.json (directory /reports)")
        );
        let json = serde_json::to_value(&plan).unwrap();
        assert_eq!(json["report"]["file"], "/reports/ws001.json");
    }

    #[test]
    fn an_nfs_directory_is_mounted_soft_per_pool() {
        let plan = build(&cfg(Some("js:/export/zflash/reports")), &env("ws001")).unwrap();
        let t = plan.report.unwrap();
        let m = t.mount.unwrap();
        assert_eq!(m.source, "js:/export/zflash/reports");
        assert_eq!(m.target, "/tmp/zflash-reports.rpool");
        assert_eq!(m.options, "rw,soft,timeo=10,retrans=2,retry=0");
        assert_eq!(m.timeout_seconds, REPORT_TIMEOUT_SECONDS);
        assert_eq!(t.file, "/tmp/zflash-reports.rpool/ws001.json");
        assert_eq!(t.location, "js:/export/zflash/reports");
    }

    #[test]
    fn no_directory_or_no_usable_host_name_means_no_target() {
        assert_eq!(build(&cfg(None), &env("ws001")).unwrap().report, None);
        assert_eq!(problem(&cfg(None), &env("")), None);
        for host in ["", "../etc/x", "-rf", "a b"] {
            let c = cfg(Some("/reports"));
            assert_eq!(build(&c, &env(host)).unwrap().report, None, "{host:?}");
            assert!(problem(&c, &env(host)).is_some(), "{host:?}");
        }
        // The loadzfs's plan: a reference, checked by the script before use.
        let host = "\u{1}SI_HOSTNAME\u{1}";
        let t = build(&cfg(Some("/reports")), &env(host))
            .unwrap()
            .report
            .unwrap();
        assert_eq!(t.file, format!("/reports/{host}.json"));
    }
}
