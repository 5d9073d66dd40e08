//! The pool's deploy lock ([`crate::plan::Action::TakeLock`]): a directory made with
//! `mkdir` (atomic on every Unix, and the one primitive the Solaris 10 Bourne shell has),
//! holding the holder's pid in `pid`. The native runtime and the generated loadzfs take
//! the same directory ([`crate::plan::lock_dir`]), so a `zflash finish` and a loadzfs run
//! on one pool exclude each other. A lock whose holder is gone (killed with SIGKILL, a
//! reboot without a `/tmp` clean-up) is taken over.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// Why the lock was not taken (nothing was changed).
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// A live process holds it.
    #[error(
        "another run (pid {pid}) is deploying on pool {pool} (lock {}): nothing was changed; wait for it to end, then run again if needed",
        dir.display()
    )]
    Busy {
        /// Pool.
        pool: String,
        /// Lock directory.
        dir: PathBuf,
        /// The holder.
        pid: String,
    },
    /// The directory cannot be made or read.
    #[error("cannot take the lock {} of pool {pool}: {source}", dir.display())]
    Io {
        /// Pool.
        pool: String,
        /// Lock directory.
        dir: PathBuf,
        /// Cause.
        source: io::Error,
    },
}

/// A held lock; released (the directory removed) when dropped.
#[derive(Debug)]
pub struct PoolLock {
    dir: PathBuf,
}

/// Whether process `pid` is running (`kill -0`, as the loadzfs asks).
fn alive(pid: &str) -> bool {
    if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    if Path::new("/proc/self").exists() {
        return Path::new("/proc").join(pid).exists();
    }
    Command::new("kill")
        .args(["-0", pid])
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn holder(dir: &Path) -> String {
    fs::read_to_string(dir.join("pid"))
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}

impl PoolLock {
    /// Take the lock of `pool` at `dir`, without waiting for a live holder. `took_over`
    /// is told the pid of a dead holder whose lock is taken over.
    pub fn take(
        pool: &str,
        dir: &Path,
        mut took_over: impl FnMut(&str),
    ) -> Result<PoolLock, LockError> {
        let io_err = |source| LockError::Io {
            pool: pool.to_string(),
            dir: dir.to_path_buf(),
            source,
        };
        for attempt in 0..2 {
            match fs::create_dir(dir) {
                Ok(()) => {
                    let lock = PoolLock {
                        dir: dir.to_path_buf(),
                    };
                    fs::write(dir.join("pid"), format!("{}\n", std::process::id()))
                        .map_err(io_err)?;
                    return Ok(lock);
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(io_err(e)),
            }
            let mut pid = holder(dir);
            if pid.is_empty() {
                // Just made by another run that has not written its pid yet.
                std::thread::sleep(Duration::from_secs(1));
                pid = holder(dir);
            }
            if alive(&pid) {
                return Err(LockError::Busy {
                    pool: pool.to_string(),
                    dir: dir.to_path_buf(),
                    pid,
                });
            }
            if attempt == 1 {
                break;
            }
            took_over(if pid.is_empty() { "unknown" } else { &pid });
            match fs::remove_dir_all(dir) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(io_err(e)),
                _ => {}
            }
        }
        Err(io_err(io::Error::other(
            "another run took it at the same moment",
        )))
    }
}

impl Drop for PoolLock {
    fn drop(&mut self) {
        // Only our own lock: a run that took over ours (we were thought dead) keeps its.
        if holder(&self.dir) == std::process::id().to_string() {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn held_busy_stale_and_released() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("p.lock.d");
        let lock = PoolLock::take("p", &dir, |_| panic!("nothing to take over")).unwrap();
        assert_eq!(holder(&dir), std::process::id().to_string());
        let e = PoolLock::take("p", &dir, |_| {}).unwrap_err().to_string();
        assert!(
            e.contains(&format!("another run (pid {})", std::process::id())),
            "{e}"
        );
        drop(lock);
        assert!(!dir.exists());
        // A holder that is gone: taken over.
        fs::create_dir(&dir).unwrap();
        fs::write(dir.join("pid"), "999999999\n").unwrap();
        let mut seen = String::new();
        let lock = PoolLock::take("p", &dir, |p| seen = p.to_string()).unwrap();
        assert_eq!(seen, "999999999");
        drop(lock);
        assert!(!dir.exists());
    }
}
