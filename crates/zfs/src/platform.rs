//! The system's commands, behind one small abstraction: `zfs`, `zpool`, `uname`, NFS
//! mounts. `zflash capture` and `zflash finish` both run them through a [`Platform`].
//!
//! Solaris (`SunOS`) and Linux (zfs-fuse, for tests) differ only in the NFS mount syntax and
//! in where the mount table lives. Program paths are overridable (`ZFLASH_ZFS`,
//! `ZFLASH_ZPOOL`, `ZFLASH_MOUNT`, `ZFLASH_UMOUNT`) so tests and odd installations can wrap
//! them. Every `zfs`, `zpool` and `umount` that changes something is retried while it
//! answers "busy" ([`RetryPolicy::BUSY`]); queries run once.

use std::process::Command;
use std::sync::Arc;

use crate::command::{CommandError, RetryPolicy, Runner, SystemRunner};

/// Operating-system flavour, for command syntax.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Os {
    /// Solaris / illumos: `mount -F nfs`, `/etc/mnttab`.
    SunOs,
    /// Linux (zfs-fuse): `mount -t nfs`, `/proc/mounts`.
    Linux,
}

impl Os {
    /// The one this program was built for.
    pub fn current() -> Os {
        if cfg!(any(target_os = "solaris", target_os = "illumos")) {
            Os::SunOs
        } else {
            Os::Linux
        }
    }
}

/// How to run the system's commands.
#[derive(Debug, Clone)]
pub struct Platform {
    /// OS flavour.
    pub os: Os,
    /// `zfs` program.
    pub zfs: String,
    /// `zpool` program.
    pub zpool: String,
    /// `mount` program.
    pub mount: String,
    /// `umount` program.
    pub umount: String,
    /// `uname` program.
    pub uname: String,
    /// What runs them ([`SystemRunner`] but in tests).
    pub runner: Arc<dyn Runner>,
    /// When a "busy" answer is retried.
    pub retry: RetryPolicy,
}

impl Default for Platform {
    /// The programs by their plain names, on this OS, run for real.
    fn default() -> Platform {
        Platform {
            os: Os::current(),
            zfs: "zfs".into(),
            zpool: "zpool".into(),
            mount: "mount".into(),
            umount: "umount".into(),
            uname: "uname".into(),
            runner: Arc::new(SystemRunner),
            retry: RetryPolicy::BUSY,
        }
    }
}

impl Platform {
    /// The running system, with `ZFLASH_*` overrides from the environment.
    pub fn detect() -> Platform {
        let var = |k: &str, d: String| std::env::var(k).unwrap_or(d);
        let plain = Platform::default();
        Platform {
            zfs: var("ZFLASH_ZFS", plain.zfs),
            zpool: var("ZFLASH_ZPOOL", plain.zpool),
            mount: var("ZFLASH_MOUNT", plain.mount),
            umount: var("ZFLASH_UMOUNT", plain.umount),
            ..plain
        }
    }

    /// `zfs ARGS`, retried while the daemon answers "busy"; stdout on success.
    pub fn zfs(&self, args: &[&str]) -> Result<String, CommandError> {
        self.retry.run(self.runner.as_ref(), &self.zfs, args)
    }

    /// `zfs ARGS` once: a query, whose failure is an answer.
    pub fn zfs_once(&self, args: &[&str]) -> Result<String, CommandError> {
        RetryPolicy::ONCE.run(self.runner.as_ref(), &self.zfs, args)
    }

    /// `zpool ARGS`, retried while "busy"; stdout on success.
    pub fn zpool(&self, args: &[&str]) -> Result<String, CommandError> {
        self.retry.run(self.runner.as_ref(), &self.zpool, args)
    }

    /// A `zfs` command to run by hand: for `zfs send` and `zfs receive`, whose data
    /// streams through pipes while they run.
    pub fn zfs_command(&self) -> Command {
        Command::new(&self.zfs)
    }

    /// Does the dataset (or snapshot) exist?
    pub fn exists(&self, name: &str) -> bool {
        self.zfs_once(&["list", "-H", "-t", "all", "-o", "name", name])
            .is_ok()
    }

    /// `zfs get -H -p -o value PROP DATASET`; `None` when the dataset is missing, `Some("-")`
    /// for an unset user property.
    pub fn zfs_get(&self, prop: &str, dataset: &str) -> Option<String> {
        self.zfs_once(&["get", "-H", "-p", "-o", "value", prop, dataset])
            .ok()
            .map(|v| v.trim().to_string())
    }

    /// A pool property from `zpool get PROP POOL` (parsed table: zfs-fuse has no `-H`).
    pub fn zpool_get(&self, prop: &str, pool: &str) -> Result<String, CommandError> {
        let out = self.zpool(&["get", prop, pool])?;
        parse_zpool_get(&out, pool, prop).ok_or_else(|| CommandError::Unexpected {
            command: format!("{} get {prop} {pool}", self.zpool),
            output: out,
        })
    }

    /// The arguments of `mount` that mount NFS export `source` at `target` with `options`
    /// (`-F nfs` on Solaris, `-t nfs` on Linux): for callers that run it their own way
    /// (the fleet report bounds it in time).
    pub fn nfs_mount_args<'a>(
        &self,
        options: &'a str,
        source: &'a str,
        target: &'a str,
    ) -> [&'a str; 6] {
        let fs_flag = match self.os {
            Os::SunOs => "-F",
            Os::Linux => "-t",
        };
        [fs_flag, "nfs", "-o", options, source, target]
    }

    /// Mount an NFS export read-only.
    pub fn mount_nfs(&self, source: &str, target: &str) -> Result<(), CommandError> {
        RetryPolicy::ONCE
            .run(
                self.runner.as_ref(),
                &self.mount,
                &self.nfs_mount_args("ro", source, target),
            )
            .map(|_| ())
    }

    /// Unmount a mount point.
    pub fn unmount(&self, target: &str) -> Result<(), CommandError> {
        self.retry
            .run(self.runner.as_ref(), &self.umount, &[target])
            .map(|_| ())
    }

    /// Is something mounted exactly at `target`?
    pub fn is_mounted(&self, target: &str) -> bool {
        let table = match self.os {
            Os::SunOs => "/etc/mnttab",
            Os::Linux => "/proc/mounts",
        };
        let Ok(text) = std::fs::read_to_string(table) else {
            return false;
        };
        let target = target.trim_end_matches('/');
        text.lines().any(|l| {
            let mut f = l.split_whitespace();
            // mnttab: special mount_point …; /proc/mounts: device mount_point … (octal escapes).
            f.next();
            f.next()
                .map(|m| m.replace("\\040", " ") == target)
                .unwrap_or(false)
        })
    }

    /// Is a `zfs receive` whose command line contains `pattern` still running (e.g. the
    /// child of a killed run, which ends once it sees the end of its input)? `pgrep -f`
    /// exists on Solaris 10 and Linux; when it cannot run, answers false.
    pub fn receive_running(&self, pattern: &str) -> bool {
        RetryPolicy::ONCE
            .run(
                self.runner.as_ref(),
                "pgrep",
                &["-f", &format!("receive {pattern}")],
            )
            .is_ok()
    }

    /// `uname ARGS`, trimmed; `None` when it fails.
    pub fn uname(&self, args: &[&str]) -> Option<String> {
        RetryPolicy::ONCE
            .run(self.runner.as_ref(), &self.uname, args)
            .ok()
            .map(|o| o.trim().to_string())
    }

    /// `uname -p`, for `SI_ARCH` when it is not set.
    pub fn processor(&self) -> String {
        self.uname(&["-p"]).unwrap_or_default()
    }
}

/// Parse `zpool get` output: `NAME PROPERTY VALUE SOURCE`.
pub fn parse_zpool_get(out: &str, pool: &str, prop: &str) -> Option<String> {
    out.lines().skip(1).find_map(|l| {
        let f: Vec<&str> = l.split_whitespace().collect();
        (f.len() >= 3 && f[0] == pool && f[1] == prop).then(|| f[2].to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::tests::FakeRunner;

    fn with(runner: FakeRunner) -> (Platform, Arc<FakeRunner>) {
        let runner = Arc::new(runner);
        let platform = Platform {
            runner: runner.clone(),
            ..Platform::default()
        };
        (platform, runner)
    }

    #[test]
    fn zpool_get_table_is_parsed() {
        let out = "NAME     PROPERTY  VALUE    SOURCE\nrpool  bootfs  rpool/ROOT/be  local\n";
        assert_eq!(
            parse_zpool_get(out, "rpool", "bootfs").as_deref(),
            Some("rpool/ROOT/be")
        );
        assert_eq!(parse_zpool_get(out, "other", "bootfs"), None);
        let (p, _) = with(FakeRunner::failing(0, "", "NAME PROPERTY\n"));
        let e = p.zpool_get("bootfs", "rpool").unwrap_err();
        assert_eq!(
            e.to_string(),
            "`zpool get bootfs rpool` failed: unexpected output: \"NAME PROPERTY\\n\""
        );
    }

    #[test]
    fn changes_are_retried_while_busy_and_queries_are_not() {
        let busy = "cannot unmount 'p/fs': pool is busy";
        let (p, runner) = with(FakeRunner::failing(2, busy, ""));
        p.zfs(&["umount", "p/fs"]).unwrap();
        assert_eq!(runner.calls(), 3);
        let (p, runner) = with(FakeRunner::failing(2, busy, ""));
        assert!(p.zpool(&["destroy", "p"]).is_ok());
        assert_eq!(runner.calls(), 3);
        let (p, runner) = with(FakeRunner::failing(2, busy, ""));
        assert!(p.unmount("/mnt").is_ok());
        assert_eq!(runner.calls(), 3);
        // A query's failure is its answer.
        let (p, runner) = with(FakeRunner::failing(1, busy, ""));
        assert!(!p.exists("p/fs"));
        assert_eq!(p.zfs_get("mounted", "p/fs"), Some(String::new()));
        assert_eq!(runner.calls(), 2);
        assert_eq!(
            runner.calls.lock().unwrap()[0],
            "zfs list -H -t all -o name p/fs"
        );
    }

    #[test]
    fn the_overrides_and_the_mount_syntax_are_the_platforms() {
        let (mut p, runner) = with(FakeRunner::default());
        p.zfs = "/opt/zfs-wrapper".into();
        p.mount = "/sbin/mount".into();
        p.os = Os::SunOs;
        p.zfs(&["list"]).unwrap();
        p.mount_nfs("js:/export/flash", "/tmp/src").unwrap();
        p.os = Os::Linux;
        p.mount_nfs("js:/export/flash", "/tmp/src").unwrap();
        assert_eq!(p.uname(&["-p"]).as_deref(), Some(""));
        assert_eq!(
            *runner.calls.lock().unwrap(),
            [
                "/opt/zfs-wrapper list",
                "/sbin/mount -F nfs -o ro js:/export/flash /tmp/src",
                "/sbin/mount -t nfs -o ro js:/export/flash /tmp/src",
                "uname -p",
            ]
        );
    }
}
