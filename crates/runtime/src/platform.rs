//! The commands the runtime runs, behind one small abstraction: `zfs`, `zpool`, NFS mounts.
//!
//! Solaris (`SunOS`) and Linux (zfs-fuse, for tests) differ only in the NFS mount syntax and
//! in where the mount table lives. Program paths are overridable (`ZFLASH_ZFS`,
//! `ZFLASH_ZPOOL`, `ZFLASH_MOUNT`, `ZFLASH_UMOUNT`) so tests and odd miniroots can wrap them.

use std::process::{Command, Output, Stdio};
use std::time::Duration;

/// A failed command.
#[derive(Debug, thiserror::Error)]
#[error("`{command}` failed: {message}")]
pub struct CmdError {
    /// The command line, for messages.
    pub command: String,
    /// Its stderr (trimmed), or why it could not start.
    pub message: String,
}

/// Operating-system flavour, for command syntax.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Os {
    /// Solaris / illumos: `mount -F nfs`, `/etc/mnttab`.
    SunOs,
    /// Linux (zfs-fuse): `mount -t nfs`, `/proc/mounts`.
    Linux,
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
}

impl Platform {
    /// The running system, with `ZFLASH_*` overrides from the environment.
    pub fn detect() -> Platform {
        let os = if cfg!(any(target_os = "solaris", target_os = "illumos")) {
            Os::SunOs
        } else {
            Os::Linux
        };
        let var = |k: &str, d: &str| std::env::var(k).unwrap_or_else(|_| d.to_string());
        Platform {
            os,
            zfs: var("ZFLASH_ZFS", "zfs"),
            zpool: var("ZFLASH_ZPOOL", "zpool"),
            mount: var("ZFLASH_MOUNT", "mount"),
            umount: var("ZFLASH_UMOUNT", "umount"),
        }
    }

    /// `zfs ARGS`, retried while the daemon answers "busy"; stdout on success.
    pub fn zfs(&self, args: &[&str]) -> Result<String, CmdError> {
        run_retrying(&self.zfs, args)
    }

    /// `zpool ARGS`, retried while "busy"; stdout on success.
    pub fn zpool(&self, args: &[&str]) -> Result<String, CmdError> {
        run_retrying(&self.zpool, args)
    }

    /// Does the dataset (or snapshot) exist?
    pub fn exists(&self, dataset: &str) -> bool {
        Command::new(&self.zfs)
            .args(["list", "-H", "-t", "all", "-o", "name", dataset])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    }

    /// `zfs get -H -p -o value PROP DATASET`; `None` when the dataset is missing, `Some("-")`
    /// for an unset user property.
    pub fn zfs_get(&self, prop: &str, dataset: &str) -> Option<String> {
        let out = Command::new(&self.zfs)
            .args(["get", "-H", "-p", "-o", "value", prop, dataset])
            .output()
            .ok()?;
        if !out.status.success() {
            return None;
        }
        Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
    }

    /// A pool property from `zpool get PROP POOL` (parsed table: zfs-fuse has no `-H`).
    pub fn zpool_get(&self, prop: &str, pool: &str) -> Result<String, CmdError> {
        let out = self.zpool(&["get", prop, pool])?;
        parse_zpool_get(&out, pool, prop).ok_or_else(|| CmdError {
            command: format!("{} get {prop} {pool}", self.zpool),
            message: format!("unexpected output: {out:?}"),
        })
    }

    /// Mount an NFS export read-only.
    pub fn mount_nfs(&self, source: &str, target: &str) -> Result<(), CmdError> {
        let fs_flag = match self.os {
            Os::SunOs => "-F",
            Os::Linux => "-t",
        };
        run_once(&self.mount, &[fs_flag, "nfs", "-o", "ro", source, target]).map(|_| ())
    }

    /// Unmount a mount point.
    pub fn unmount(&self, target: &str) -> Result<(), CmdError> {
        run_retrying(&self.umount, &[target]).map(|_| ())
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

    /// Is a `zfs receive` into `snapshot` still running (e.g. the child of a killed run,
    /// which ends once it sees the end of its input)? `pgrep -f` exists on Solaris 10 and
    /// Linux; when it cannot run, answers false.
    pub fn receive_running(&self, snapshot: &str) -> bool {
        Command::new("pgrep")
            .args(["-f", &format!("receive {snapshot}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    }

    /// `uname -p`, for `SI_ARCH` when it is not set.
    pub fn processor(&self) -> String {
        Command::new("uname")
            .arg("-p")
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default()
    }
}

/// Parse `zpool get` output: `NAME PROPERTY VALUE SOURCE`.
pub fn parse_zpool_get(out: &str, pool: &str, prop: &str) -> Option<String> {
    out.lines().skip(1).find_map(|l| {
        let f: Vec<&str> = l.split_whitespace().collect();
        (f.len() >= 3 && f[0] == pool && f[1] == prop).then(|| f[2].to_string())
    })
}

fn describe(program: &str, args: &[&str]) -> String {
    let mut s = program.to_string();
    for a in args {
        s.push(' ');
        s.push_str(a);
    }
    s
}

fn output(program: &str, args: &[&str]) -> Result<Output, CmdError> {
    Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| CmdError {
            command: describe(program, args),
            message: format!("cannot run {program}: {e}"),
        })
}

fn run_once(program: &str, args: &[&str]) -> Result<String, CmdError> {
    let out = output(program, args)?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(CmdError {
            command: describe(program, args),
            message: failure_text(&out),
        })
    }
}

fn failure_text(out: &Output) -> String {
    let err = String::from_utf8_lossy(&out.stderr).trim().to_string();
    if err.is_empty() {
        format!("exit status {}", out.status)
    } else {
        err
    }
}

/// zfs-fuse answers "busy" for a moment after writes; a retry a little later succeeds.
fn run_retrying(program: &str, args: &[&str]) -> Result<String, CmdError> {
    let mut attempt = 0u64;
    loop {
        let out = output(program, args)?;
        if out.status.success() {
            return Ok(String::from_utf8_lossy(&out.stdout).into_owned());
        }
        let msg = failure_text(&out);
        attempt += 1;
        if !msg.contains("busy") || attempt >= 15 {
            return Err(CmdError {
                command: describe(program, args),
                message: msg,
            });
        }
        std::thread::sleep(Duration::from_millis(100 * attempt.min(5)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zpool_get_table_is_parsed() {
        let out = "NAME     PROPERTY  VALUE    SOURCE\nrpool  bootfs  rpool/ROOT/be  local\n";
        assert_eq!(
            parse_zpool_get(out, "rpool", "bootfs").as_deref(),
            Some("rpool/ROOT/be")
        );
        assert_eq!(parse_zpool_get(out, "other", "bootfs"), None);
    }
}
