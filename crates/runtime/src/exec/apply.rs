//! Every action but the checks and the receive, natively.

use std::fs;
use std::io::{self, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use super::{RunError, Runner};
use crate::plan::{self, Action};
use zflash_zfs::Name;

impl Runner<'_> {
    pub(super) fn apply(&mut self, action: &Action) -> Result<(), RunError> {
        let p = self.platform;
        let act = |r: Result<String, crate::platform::CommandError>| {
            r.map(|_| ()).map_err(RunError::from)
        };
        let io_err = |what: &str, path: &str, source: io::Error| RunError::File {
            what: what.to_string(),
            path: path.to_string(),
            source,
        };
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
                Ok(p.mount_nfs(source, target)?)
            }
            Action::Unmount { target } => {
                if !p.is_mounted(target) {
                    return Ok(());
                }
                Ok(p.unmount(target)?)
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
            Action::RecordArchiveId { dataset, id } => {
                // The runtime builds the plan it runs after the archives are opened: the
                // id is always known here.
                let id = id
                    .as_deref()
                    .ok_or_else(|| RunError::UnknownArchiveId(dataset.clone()))?;
                act(p.zfs(&[
                    "set",
                    &format!("{}={id}", crate::plan::ARCHIVE_PROPERTY),
                    dataset,
                ]))
            }
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
                if !*recursive {
                    return act(p.zfs(&["destroy", dataset]));
                }
                // A filesystem's tree is unmounted first (its snapshots are not mounted).
                if let Name::Dataset(fs) = dataset {
                    self.unmount_tree(fs)?;
                }
                act(p.zfs(&["destroy", "-r", dataset]))
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
                    Err(RunError::Identity {
                        path: path.clone(),
                        present: true,
                    })
                }
            }
            Action::VerifyAbsent { path } => {
                if fs::symlink_metadata(path).is_err() {
                    Ok(())
                } else {
                    Err(RunError::Identity {
                        path: path.clone(),
                        present: false,
                    })
                }
            }
            Action::Run { argv } => {
                let out = Command::new(&argv[0])
                    .args(&argv[1..])
                    .stdin(Stdio::null())
                    .output()
                    .map_err(|source| RunError::Spawn {
                        program: argv[0].clone(),
                        source,
                    })?;
                for l in String::from_utf8_lossy(&out.stdout)
                    .lines()
                    .chain(String::from_utf8_lossy(&out.stderr).lines())
                {
                    self.detail(&format!("    | {l}"));
                }
                if out.status.success() {
                    Ok(())
                } else {
                    Err(RunError::Hook {
                        argv: argv.clone(),
                        status: out.status,
                    })
                }
            }
        }
    }

    /// The dataset and its descendant filesystems, in name order (parents first):
    /// the children of a BE from a recursive archive are only known at run time.
    pub(super) fn tree(&self, dataset: &str) -> Result<Vec<String>, RunError> {
        let out = self.platform.zfs(&[
            "list",
            "-H",
            "-o",
            "name",
            "-r",
            "-t",
            "filesystem",
            dataset,
        ])?;
        let mut names: Vec<String> = out.lines().map(str::to_string).collect();
        names.sort();
        Ok(names)
    }

    /// `zfs mount` the dataset, then each descendant in name order. A descendant must
    /// inherit its mountpoint, so that it lands inside the BE's temporary root (a
    /// recursive archive may carry a child's own mountpoint as a received property,
    /// which `zfs inherit` cannot clear on a pool of version 22 or later).
    pub(super) fn mount_tree(&mut self, dataset: &str) -> Result<(), RunError> {
        let p = self.platform;
        for ds in self.tree(dataset)? {
            if ds != dataset {
                let source = p.zfs(&["get", "-H", "-o", "source", "mountpoint", &ds])?;
                if !source.trim().starts_with("inherited") {
                    let value = p.zfs_get("mountpoint", &ds).unwrap_or_default();
                    return Err(RunError::OwnMountpoint(format!(
                        "{ds} has its own mountpoint {value} ({}): a dataset inside a boot environment must inherit its mountpoint (as /var does); run `zfs inherit mountpoint` on that dataset of the golden image and capture again",
                        source.trim()
                    )));
                }
            }
            if p.zfs_get("mounted", &ds).as_deref() == Some("yes") {
                continue;
            }
            p.zfs(&["mount", &ds])?;
        }
        Ok(())
    }

    /// `zfs umount` every mounted filesystem of the tree, children first.
    pub(super) fn unmount_tree(&mut self, dataset: &str) -> Result<(), RunError> {
        let p = self.platform;
        if !p.exists(dataset) {
            return Ok(());
        }
        for ds in self.tree(dataset)?.iter().rev() {
            if p.zfs_get("mounted", ds).as_deref() == Some("yes") {
                p.zfs(&["umount", ds])?;
            }
        }
        Ok(())
    }

    pub(super) fn write_log(&self, to: &str) -> Result<(), RunError> {
        let mut text = self.log.join("\n");
        text.push('\n');
        write_atomic(Path::new(to), text.as_bytes()).map_err(|source| RunError::File {
            what: "cannot write the log".into(),
            path: to.to_string(),
            source,
        })
    }

    /// Bring the log copy in the BE up to date: the last moment it is mounted.
    pub(super) fn refresh_log_copy(&mut self) -> Result<(), RunError> {
        let Some(to) = self.log_copy.clone() else {
            return Ok(());
        };
        self.detail(
            "log copy in the BE ends here (BE unmounted next); set_mountpoint, switch_bootfs and cleanup follow: see the report and the events",
        );
        self.write_log(&to)
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
