//! Writing the generated directory: a plan of changes, then all-or-nothing writes.
//!
//! - A new output directory is built complete in a sibling temporary directory and renamed
//!   into place: it appears whole or not at all.
//! - An existing output directory (one `generate` wrote: it holds [`MARKER`]) is updated
//!   file by file: every new or changed file is first staged as a temporary file next to
//!   its target; only when all are staged are they renamed over their targets, then the
//!   files of the previous run that are no longer generated are removed. A failure while
//!   staging removes the staged files and leaves the directory as it was.
//!
//! Confinement (the same rule `check` reads by, [`zflash_parser::confine`]): generate never
//! writes or deletes through a symbolic link. Every path is reached from a descriptor of
//! the output directory one component at a time (`openat` with `O_NOFOLLOW`); files are
//! created with `O_EXCL | O_NOFOLLOW`, renamed with `renameat` and removed with `unlinkat`
//! in their directory, so a link put in place of a file or directory can neither redirect
//! a write nor a removal outside the directory. A path whose component is a symbolic link
//! is refused before anything is written.
//!
//! Ownership: the marker lists every file generate wrote with its SHA-256. A file that is
//! not in the marker, or whose bytes changed since, is "not written by generate": it is
//! never overwritten or removed without `--force` (`--plan` says "would overwrite a file
//! not written by generate").
//!
//! Modes are explicit, whatever the umask: directories 0755, `sysidcfg/<host>/` 0700,
//! files the mode [`crate::render`] gives them (sysidcfg 0600, scripts 0755, others 0644).

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs;
use std::io::Write;
use std::os::fd::OwnedFd;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use rustix::fs::{AtFlags, FileType, Mode, OFlags};
use sha2::{Digest, Sha256};
use zflash_parser::confine::{self, ConfineError};

use crate::error::GenerateError;
use crate::render::Files;

/// The list of files the last `generate` wrote (with their SHA-256), kept in the output
/// directory so that the next run knows what it may change or remove (and never touches
/// anything else).
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
    /// The change overwrites or removes a file generate did not write (not in the marker,
    /// or changed since): refused without `--force`.
    pub foreign: bool,
}

impl Change {
    /// What `--plan` says after the path of a [`Change::foreign`] change.
    pub fn warning(&self) -> Option<&'static str> {
        match (self.foreign, self.kind) {
            (true, ChangeKind::Remove) => {
                Some("would remove a file not written by generate (changed since)")
            }
            (true, _) => Some("would overwrite a file not written by generate"),
            _ => None,
        }
    }
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn digest(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The marker file's contents for a set of files: `SHA256  PATH` per file.
pub fn marker_text(files: &Files) -> Vec<u8> {
    let mut s = String::from(
        "# files written by `zflash generate` (sha256, path); it changes or removes only these, and only while unchanged\n",
    );
    for (path, file) in files {
        s.push_str(&digest(&file.bytes));
        s.push_str("  ");
        s.push_str(path);
        s.push('\n');
    }
    s.into_bytes()
}

/// The files the marker of `dir` lists, with their digests (`None` for a marker of an
/// older zflash, which kept paths only). `None` when there is no marker.
fn previous_files(dir: &Path) -> Result<Option<BTreeMap<String, Option<String>>>, GenerateError> {
    use std::io::Read;
    let mut text = String::new();
    match confine::open_inside(dir, Path::new(MARKER)) {
        Ok(mut f) => f
            .read_to_string(&mut text)
            .map_err(|e| GenerateError::io("cannot read", dir.join(MARKER), e))?,
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => return Err(confine_error("cannot read", dir, Path::new(MARKER), e)),
    };
    let mut out = BTreeMap::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let (digest, path) = match line.split_once("  ") {
            Some((d, p)) if d.len() == 64 && d.bytes().all(|b| b.is_ascii_hexdigit()) => {
                (Some(d.to_string()), p)
            }
            _ => (None, line),
        };
        // Only plain relative paths; each is still reached under the confinement rule
        // before anything is removed (a tampered marker may name `link/file`).
        if path.starts_with('/') || path.split('/').any(|c| c == ".." || c.is_empty()) {
            continue;
        }
        out.insert(path.to_string(), digest);
    }
    Ok(Some(out))
}

/// Map a confinement failure on `dir/rel` to the generator's error.
fn confine_error(action: &'static str, dir: &Path, rel: &Path, e: ConfineError) -> GenerateError {
    match e {
        ConfineError::Io(error) => GenerateError::io(action, dir.join(rel), error),
        other if other.is_outside() => GenerateError::Symlink {
            path: dir.join(rel),
            reason: other.to_string(),
        },
        other => GenerateError::io(action, dir.join(rel), other.into_io()),
    }
}

/// Refuse `dir/rel` when any component of it below `dir` is a symbolic link (even one
/// leading inside: generate writes real files and directories only).
fn refuse_links(dir: &Path, rel: &str) -> Result<(), GenerateError> {
    let mut p = dir.to_path_buf();
    for c in rel.split('/') {
        p.push(c);
        match fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = fs::read_link(&p).unwrap_or_default();
                return Err(GenerateError::Symlink {
                    reason: format!("is a symbolic link (to {})", target.display()),
                    path: p,
                });
            }
            Ok(_) => {}
            Err(_) => return Ok(()),
        }
    }
    Ok(())
}

/// Mode of a directory generate creates: `sysidcfg/<host>/` holds a password hash.
fn dir_mode(rel: &Path) -> u32 {
    let parts: Vec<_> = rel.components().collect();
    if parts.len() == 2 && parts[0].as_os_str() == "sysidcfg" {
        0o700
    } else {
        0o755
    }
}

/// Read the regular file `dir/rel` (reached under the confinement rule).
fn read_inside(dir: &Path, rel: &str) -> Result<Vec<u8>, GenerateError> {
    use std::io::Read;
    let mut bytes = Vec::new();
    confine::open_inside(dir, Path::new(rel))
        .map_err(|e| confine_error("cannot read", dir, Path::new(rel), e))?
        .read_to_end(&mut bytes)
        .map_err(|e| GenerateError::io("cannot read", dir.join(rel), e))?;
    Ok(bytes)
}

/// Did generate write `rel` with these bytes (per the marker)?
fn written_by_generate(
    previous: Option<&BTreeMap<String, Option<String>>>,
    rel: &str,
    current: &[u8],
) -> bool {
    match previous.and_then(|p| p.get(rel)) {
        Some(Some(d)) => *d == digest(current),
        // A marker of an older zflash (paths only): its files are taken as written by it.
        Some(None) => true,
        None => false,
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

/// Compare `files` with what is in `dir`. Refuses a path through a symbolic link.
pub fn plan(dir: &Path, files: &Files) -> Result<Vec<Change>, GenerateError> {
    let mut changes = Vec::new();
    let previous = if dir.is_dir() {
        previous_files(dir)?
    } else {
        None
    };
    for (path, file) in files {
        let target = dir.join(path);
        refuse_links(dir, path)?;
        let (kind, foreign) = match fs::symlink_metadata(&target) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (ChangeKind::Create, false),
            Err(e) => return Err(GenerateError::io("cannot read", target, e)),
            Ok(meta) if !meta.is_file() => (ChangeKind::Change, true),
            Ok(meta) => {
                let current = read_inside(dir, path)?;
                let same_mode = meta.permissions().mode() & 0o7777 == file.mode;
                if same_mode && current == file.bytes {
                    (ChangeKind::Unchanged, false)
                } else {
                    let ours = written_by_generate(previous.as_ref(), path, &current);
                    (ChangeKind::Change, !ours)
                }
            }
        };
        changes.push(Change {
            path: path.clone(),
            kind,
            client: file.client.clone(),
            foreign,
        });
    }
    if let Some(prev) = &previous {
        for path in prev.keys() {
            if path == MARKER || files.contains_key(path) {
                continue;
            }
            refuse_links(dir, path)?;
            if !fs::symlink_metadata(dir.join(path)).is_ok_and(|m| m.is_file()) {
                continue;
            }
            let current = read_inside(dir, path)?;
            changes.push(Change {
                client: client_of(path),
                path: path.clone(),
                kind: ChangeKind::Remove,
                foreign: !written_by_generate(Some(prev), path, &current),
            });
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
/// directory that `generate` did not create, and overwriting or removing files it did not
/// write. Returns the changes made.
pub fn write(dir: &Path, files: &Files, force: bool) -> Result<Vec<Change>, GenerateError> {
    let marker = crate::render::GenFile {
        bytes: marker_text(files),
        mode: 0o644,
        client: None,
    };
    if !dir.exists() {
        let mut all = files.clone();
        all.insert(MARKER.to_string(), marker);
        write_new(dir, &all)?;
        return Ok(files
            .iter()
            .map(|(p, f)| Change {
                path: p.clone(),
                kind: ChangeKind::Create,
                client: f.client.clone(),
                foreign: false,
            })
            .collect());
    }
    check_writable(dir, force)?;
    let changes = plan(dir, files)?;
    let foreign: Vec<String> = changes
        .iter()
        .filter(|c| c.foreign)
        .map(|c| c.path.clone())
        .collect();
    if !foreign.is_empty() && !force {
        return Err(GenerateError::NotWrittenByGenerate { paths: foreign });
    }
    let mut marker_files = Files::new();
    marker_files.insert(MARKER.to_string(), marker);
    // The marker's own change only (`plan` would list every other file as removed).
    let mut marker_change: Vec<Change> = plan(dir, &marker_files)?
        .into_iter()
        .filter(|c| c.path == MARKER)
        .collect();
    let mut all = files.clone();
    all.extend(marker_files);
    let mut staged_changes = changes.clone();
    staged_changes.append(&mut marker_change);
    update(dir, &all, &staged_changes)?;
    Ok(changes)
}

/// Create the file `root/rel` (new: `O_EXCL`, never through a link) with exactly `mode`,
/// making missing directories with their [`dir_mode`]. Returns the directories made.
fn create_file(
    root: &Path,
    rel: &Path,
    bytes: &[u8],
    mode: u32,
) -> Result<Vec<PathBuf>, GenerateError> {
    let (dirfd, name, made) = confine::open_dir_inside(root, rel, Some(&dir_mode))
        .map_err(|e| confine_error("cannot create", root, rel, e))?;
    write_at(&dirfd, &name, bytes, mode)
        .map_err(|e| GenerateError::io("cannot write", root.join(rel), e))?;
    Ok(made)
}

/// Write a new file `name` in the directory `dirfd` with exactly `mode` (umask aside).
fn write_at(dirfd: &OwnedFd, name: &OsString, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    let fd = rustix::fs::openat(
        dirfd,
        name.as_os_str(),
        OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::from_raw_mode(0o600),
    )?;
    rustix::fs::fchmod(&fd, Mode::from_raw_mode(mode))?;
    let mut f = fs::File::from(fd);
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
    for (rel, file) in files {
        create_file(stage.path(), Path::new(rel), &file.bytes, file.mode)?;
    }
    fs::set_permissions(stage.path(), fs::Permissions::from_mode(0o755))
        .map_err(|e| GenerateError::io("cannot set the mode of", stage.path(), e))?;
    let staged = stage.keep();
    fs::rename(&staged, dir).map_err(|e| {
        let _ = fs::remove_dir_all(&staged);
        GenerateError::io("cannot rename the staged directory to", dir, e)
    })
}

/// `rel` with its last component replaced by `name`.
fn sibling(rel: &Path, name: &str) -> PathBuf {
    rel.parent().unwrap_or(Path::new("")).join(name)
}

/// Remove the entry `dir/rel` without following it (a file, or with `dir_flag` an empty
/// directory), reached under the confinement rule.
fn remove_inside(dir: &Path, rel: &Path, dir_flag: bool) -> Result<(), GenerateError> {
    let (dirfd, name, _) = confine::open_dir_inside(dir, rel, None)
        .map_err(|e| confine_error("cannot remove", dir, rel, e))?;
    let io = |e: rustix::io::Errno| GenerateError::io("cannot remove", dir.join(rel), e.into());
    if dir_flag {
        return rustix::fs::unlinkat(&dirfd, name.as_os_str(), AtFlags::REMOVEDIR).map_err(io);
    }
    let st = rustix::fs::statat(&dirfd, name.as_os_str(), AtFlags::SYMLINK_NOFOLLOW).map_err(io)?;
    if FileType::from_raw_mode(st.st_mode) != FileType::RegularFile {
        return Err(GenerateError::Symlink {
            path: dir.join(rel),
            reason: "is not a regular file".into(),
        });
    }
    rustix::fs::unlinkat(&dirfd, name.as_os_str(), AtFlags::empty()).map_err(io)
}

/// Update an existing directory: stage every new or changed file, then rename them all.
fn update(dir: &Path, files: &Files, changes: &[Change]) -> Result<(), GenerateError> {
    // (staged temporary file, target), both relative to `dir`.
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    let mut created_dirs: Vec<PathBuf> = Vec::new();
    let tag = format!(".zflash-tmp-{}-", std::process::id());
    let result = (|| {
        for (n, c) in changes.iter().enumerate() {
            if !matches!(c.kind, ChangeKind::Create | ChangeKind::Change) {
                continue;
            }
            let file = &files[&c.path];
            let target = PathBuf::from(&c.path);
            let tmp = sibling(&target, &format!("{tag}{n}"));
            let made = create_file(dir, &tmp, &file.bytes, file.mode)?;
            created_dirs.extend(made);
            staged.push((tmp, target));
        }
        Ok(())
    })();
    if let Err(e) = result {
        for (tmp, _) in &staged {
            let _ = remove_inside(dir, tmp, false);
        }
        for d in created_dirs.iter().rev() {
            let _ = remove_inside(dir, d, true);
        }
        return Err(e);
    }
    // The marker goes last: until it is renamed, a rerun still knows the old set.
    staged.sort_by_key(|(_, target)| target.ends_with(MARKER));
    for (tmp, target) in &staged {
        let (dirfd, tmp_name, _) = confine::open_dir_inside(dir, tmp, None)
            .map_err(|e| confine_error("cannot rename a staged file to", dir, target, e))?;
        let name = target.file_name().expect("a file name");
        // renameat replaces the entry itself: a link put at the target is replaced, never
        // followed.
        rustix::fs::renameat(&dirfd, tmp_name.as_os_str(), &dirfd, name).map_err(|e| {
            GenerateError::io("cannot rename a staged file to", dir.join(target), e.into())
        })?;
    }
    for c in changes.iter().filter(|c| c.kind == ChangeKind::Remove) {
        let rel = PathBuf::from(&c.path);
        remove_inside(dir, &rel, false)?;
        // Drop directories the removal emptied (per-client sysidcfg dirs), up to `dir`.
        let mut p = rel.parent();
        while let Some(d) = p.filter(|d| !d.as_os_str().is_empty()) {
            if remove_inside(dir, d, true).is_err() {
                break;
            }
            p = d.parent();
        }
    }
    Ok(())
}
