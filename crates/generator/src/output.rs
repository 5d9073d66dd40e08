//! Writing the generated directory: a plan of changes, then all-or-nothing writes.
//!
//! - A new output directory is built complete in a sibling temporary directory and renamed
//!   into place: it appears whole or not at all.
//! - An existing output directory (one `generate` wrote: it holds [`MARKER`]) is updated
//!   file by file: every new or changed file is first staged as a temporary file next to
//!   its target; only when all are staged are they renamed over their targets, then the
//!   files of the previous run that are no longer generated are removed. A failure while
//!   staging removes the staged files and leaves the directory as it was.

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::error::GenerateError;
use crate::render::Files;

/// The list of files the last `generate` wrote, kept in the output directory so that the
/// next run knows what it may change or remove (and never touches anything else).
pub const MARKER: &str = ".zflash-generated";

/// What happens to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    /// Written, did not exist.
    Create,
    /// Written, existed with other bytes or mode.
    Change,
    /// Removed: written by the previous run, no longer generated.
    Remove,
    /// Already as generated.
    Unchanged,
}

impl ChangeKind {
    /// Lower-case verb.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Create => "create",
            ChangeKind::Change => "change",
            ChangeKind::Remove => "remove",
            ChangeKind::Unchanged => "unchanged",
        }
    }
}

/// One file's change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Path relative to the output directory.
    pub path: String,
    /// What happens.
    pub kind: ChangeKind,
    /// The client the file belongs to, if any.
    pub client: Option<String>,
}

/// The marker file's contents for a set of files.
pub fn marker_text(files: &Files) -> Vec<u8> {
    let mut s = String::from(
        "# files written by `zflash generate`; it removes the ones it no longer generates\n",
    );
    for path in files.keys() {
        s.push_str(path);
        s.push('\n');
    }
    s.push_str(MARKER);
    s.push('\n');
    s.into_bytes()
}

fn previous_files(dir: &Path) -> Result<Option<BTreeSet<String>>, GenerateError> {
    let path = dir.join(MARKER);
    match fs::read_to_string(&path) {
        Ok(text) => Ok(Some(
            text.lines()
                .filter(|l| !l.starts_with('#') && !l.is_empty())
                // Only plain relative paths: a tampered marker cannot point outside.
                .filter(|l| !l.starts_with('/') && !l.split('/').any(|c| c == ".." || c.is_empty()))
                .map(str::to_string)
                .collect(),
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(GenerateError::io("cannot read", path, e)),
    }
}

/// The client a generated path belongs to, from its name.
fn client_of(path: &str) -> Option<String> {
    if let Some(rest) = path.strip_prefix("sysidcfg/") {
        return rest.split('/').next().map(str::to_string);
    }
    path.strip_prefix("deploy/")
        .and_then(|r| r.strip_suffix(".yaml"))
        .map(str::to_string)
}

/// Compare `files` (plus the marker) with what is in `dir`.
pub fn plan(dir: &Path, files: &Files) -> Result<Vec<Change>, GenerateError> {
    let mut changes = Vec::new();
    let previous = if dir.is_dir() {
        previous_files(dir)?
    } else {
        None
    };
    for (path, file) in files {
        let target = dir.join(path);
        let kind = match fs::symlink_metadata(&target) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => ChangeKind::Create,
            Err(e) => return Err(GenerateError::io("cannot read", target, e)),
            Ok(meta) => {
                let same_mode = meta.permissions().mode() & 0o7777 == file.mode;
                let same_bytes = meta.is_file()
                    && meta.len() == file.bytes.len() as u64
                    && fs::read(&target)
                        .map_err(|e| GenerateError::io("cannot read", &target, e))?
                        == file.bytes;
                if same_mode && same_bytes {
                    ChangeKind::Unchanged
                } else {
                    ChangeKind::Change
                }
            }
        };
        changes.push(Change {
            path: path.clone(),
            kind,
            client: file.client.clone(),
        });
    }
    if let Some(prev) = previous {
        for path in prev {
            if path != MARKER && !files.contains_key(&path) && dir.join(&path).is_file() {
                changes.push(Change {
                    client: client_of(&path),
                    path,
                    kind: ChangeKind::Remove,
                });
            }
        }
    }
    Ok(changes)
}

/// Whether `write` may write into `dir`: it does not exist, or it is a directory that is
/// empty, written by `generate` (has the marker), or `force` is given. `--plan` calls it
/// too, so that a plan of a write that would be refused is that refusal.
pub fn check_writable(dir: &Path, force: bool) -> Result<(), GenerateError> {
    if !dir.exists() {
        return Ok(());
    }
    if !dir.is_dir() {
        return Err(GenerateError::io(
            "cannot write into",
            dir,
            std::io::Error::other("it exists and is not a directory"),
        ));
    }
    let has_marker = dir.join(MARKER).is_file();
    let empty = fs::read_dir(dir)
        .map_err(|e| GenerateError::io("cannot read", dir, e))?
        .next()
        .is_none();
    if !has_marker && !empty && !force {
        return Err(GenerateError::ForeignOutput {
            dir: dir.to_path_buf(),
        });
    }
    Ok(())
}

/// Write `files` into `dir` (see the module docs). `force` allows writing into an existing
/// directory that `generate` did not create. Returns the changes made.
pub fn write(dir: &Path, files: &Files, force: bool) -> Result<Vec<Change>, GenerateError> {
    let mut all = files.clone();
    all.insert(
        MARKER.to_string(),
        crate::render::GenFile {
            bytes: marker_text(files),
            mode: 0o644,
            client: None,
        },
    );
    if !dir.exists() {
        write_new(dir, &all)?;
        return Ok(all
            .iter()
            .filter(|(p, _)| *p != MARKER)
            .map(|(p, f)| Change {
                path: p.clone(),
                kind: ChangeKind::Create,
                client: f.client.clone(),
            })
            .collect());
    }
    check_writable(dir, force)?;
    let changes = plan(dir, &all)?;
    update(dir, &all, &changes)?;
    Ok(changes.into_iter().filter(|c| c.path != MARKER).collect())
}

fn write_file(path: &Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    let mut f = fs::File::create(path)?;
    f.set_permissions(fs::Permissions::from_mode(mode))?;
    f.write_all(bytes)?;
    Ok(())
}

/// Build the whole tree next to `dir`, then rename it into place.
fn write_new(dir: &Path, files: &Files) -> Result<(), GenerateError> {
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let stage = tempfile::Builder::new()
        .prefix(&format!(".{name}.zflash-"))
        .tempdir_in(&parent)
        .map_err(|e| GenerateError::io("cannot create a staging directory in", &parent, e))?;
    let mut made = BTreeSet::new();
    for (rel, file) in files {
        let target = stage.path().join(rel);
        if let Some(p) = target.parent()
            && made.insert(p.to_path_buf())
        {
            fs::create_dir_all(p).map_err(|e| GenerateError::io("cannot create", p, e))?;
        }
        write_file(&target, &file.bytes, file.mode)
            .map_err(|e| GenerateError::io("cannot write", dir.join(rel), e))?;
    }
    fs::set_permissions(stage.path(), fs::Permissions::from_mode(0o755))
        .map_err(|e| GenerateError::io("cannot set the mode of", stage.path(), e))?;
    let staged = stage.keep();
    fs::rename(&staged, dir).map_err(|e| {
        let _ = fs::remove_dir_all(&staged);
        GenerateError::io("cannot rename the staged directory to", dir, e)
    })
}

/// Update an existing directory: stage every new or changed file, then rename them all.
fn update(dir: &Path, files: &Files, changes: &[Change]) -> Result<(), GenerateError> {
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    let mut created_dirs: Vec<PathBuf> = Vec::new();
    let result = (|| {
        for c in changes {
            if !matches!(c.kind, ChangeKind::Create | ChangeKind::Change) {
                continue;
            }
            let file = &files[&c.path];
            let target = dir.join(&c.path);
            let parent = target.parent().expect("a file under dir");
            if !parent.is_dir() {
                let mut missing = Vec::new();
                let mut p = parent;
                while !p.is_dir() {
                    missing.push(p.to_path_buf());
                    p = p.parent().expect("under dir");
                }
                fs::create_dir_all(parent)
                    .map_err(|e| GenerateError::io("cannot create", parent, e))?;
                created_dirs.extend(missing.into_iter().rev());
            }
            let tmp = tempfile::Builder::new()
                .prefix(".zflash-tmp-")
                .tempfile_in(parent)
                .map_err(|e| GenerateError::io("cannot stage a file in", parent, e))?;
            let (mut f, tmp_path) = tmp
                .keep()
                .map_err(|e| GenerateError::io("cannot stage", &target, e.error))?;
            staged.push((tmp_path.clone(), target.clone()));
            f.set_permissions(fs::Permissions::from_mode(file.mode))
                .and_then(|_| f.write_all(&file.bytes))
                .map_err(|e| GenerateError::io("cannot write", &tmp_path, e))?;
        }
        Ok(())
    })();
    if let Err(e) = result {
        for (tmp, _) in &staged {
            let _ = fs::remove_file(tmp);
        }
        for d in created_dirs.iter().rev() {
            let _ = fs::remove_dir(d);
        }
        return Err(e);
    }
    // The marker goes last: until it is renamed, a rerun still knows the old set.
    staged.sort_by_key(|(_, target)| target.ends_with(MARKER));
    for (tmp, target) in &staged {
        fs::rename(tmp, target)
            .map_err(|e| GenerateError::io("cannot rename a staged file to", target, e))?;
    }
    for c in changes.iter().filter(|c| c.kind == ChangeKind::Remove) {
        let target = dir.join(&c.path);
        fs::remove_file(&target).map_err(|e| GenerateError::io("cannot remove", &target, e))?;
        // Drop directories the removal emptied (per-client sysidcfg dirs), up to `dir`.
        let mut p = target.parent();
        while let Some(d) = p {
            if d == dir || fs::remove_dir(d).is_err() {
                break;
            }
            p = d.parent();
        }
    }
    Ok(())
}
