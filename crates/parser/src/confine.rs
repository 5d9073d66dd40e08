//! The confinement rule for every path the tools touch below a directory they were given.
//!
//! **No component of a path below the directory may be a symbolic link leading out of it.**
//! A link that stays inside (`profiles/web.prof -> ../common.prof`) is followed; one that
//! leads out (`rules -> /etc/shadow`, `c1 -> ../victim`) is refused with an error naming the
//! link. Paths are opened one component at a time from a descriptor of the directory
//! (`openat` with `O_NOFOLLOW`), and each symbolic link met is resolved by hand against the
//! components walked so far: there is no window between a check and the open in which a
//! component could be swapped for a link (as there is with `canonicalize` then `open`).
//!
//! Readers (`zflash check`) use [`open_inside`]; the generator uses [`open_dir_inside`] to
//! reach the directory of a file it writes or removes, then acts on the last component
//! through that descriptor without following it.

use std::collections::VecDeque;
use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path, PathBuf};

use rustix::fs::{AtFlags, FileType, Mode, OFlags};
use rustix::io::Errno;

/// Most symbolic links followed while resolving one path (as Linux's `MAXSYMLINKS`).
const MAX_LINKS: usize = 40;

/// Why a path below a directory could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum ConfineError {
    /// A component is a symbolic link whose target lies outside the directory.
    #[error(
        "{}: a symbolic link to {} leads outside {} (not followed)",
        link.display(),
        target.display(),
        root.display()
    )]
    Outside {
        /// The link, as the directory joined with its path below it.
        link: PathBuf,
        /// What the link points to, as stored in it.
        target: PathBuf,
        root: PathBuf,
    },
    /// The path leads above the directory with `..`.
    #[error("{}: leads outside {} with `..`", path.display(), root.display())]
    Escapes { path: PathBuf, root: PathBuf },
    /// The file exists but is not a regular file (a FIFO, socket or device): not opened
    /// for reading, as opening a FIFO would block.
    #[error("not a regular file (a FIFO, socket or device)")]
    NotRegular,
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl ConfineError {
    /// The error as an `io::Error` (kind `PermissionDenied` for a path leading out).
    pub fn into_io(self) -> std::io::Error {
        match self {
            ConfineError::Io(e) => e,
            ConfineError::NotRegular => {
                std::io::Error::new(std::io::ErrorKind::InvalidInput, self.to_string())
            }
            other => std::io::Error::new(std::io::ErrorKind::PermissionDenied, other.to_string()),
        }
    }

    /// Does the path lead outside the directory (a link out or `..` above it)?
    pub fn is_outside(&self) -> bool {
        matches!(
            self,
            ConfineError::Outside { .. } | ConfineError::Escapes { .. }
        )
    }

    /// Is it "no such file or directory" (on the way or at the end)?
    pub fn is_not_found(&self) -> bool {
        matches!(self, ConfineError::Io(e) if e.kind() == std::io::ErrorKind::NotFound)
    }
}

fn io(e: Errno) -> ConfineError {
    ConfineError::Io(e.into())
}

/// A resolved position below the root: one open directory per component walked.
struct Walk<'a> {
    root: &'a Path,
    /// Descriptors from the root down; never empty.
    dirs: Vec<OwnedFd>,
    /// Names of the components below the root, for messages.
    names: Vec<OsString>,
    links: usize,
}

impl<'a> Walk<'a> {
    fn new(root: &'a Path) -> Result<Self, ConfineError> {
        let fd = rustix::fs::open(
            root,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(io)?;
        Ok(Walk {
            root,
            dirs: vec![fd],
            names: Vec::new(),
            links: 0,
        })
    }

    fn here(&self) -> &OwnedFd {
        self.dirs.last().expect("the root is never popped")
    }

    fn shown(&self, name: &OsStr) -> PathBuf {
        let mut p = self.root.to_path_buf();
        p.extend(&self.names);
        p.push(name);
        p
    }

    fn up(&mut self, rel: &Path) -> Result<(), ConfineError> {
        if self.dirs.len() == 1 {
            return Err(ConfineError::Escapes {
                path: self.root.join(rel),
                root: self.root.to_path_buf(),
            });
        }
        self.dirs.pop();
        self.names.pop();
        Ok(())
    }

    /// `name` in the current directory is a symbolic link: put its target's components in
    /// front of `queue` (or fail when it leads out).
    fn follow(&mut self, name: &OsStr, queue: &mut VecDeque<OsString>) -> Result<(), ConfineError> {
        self.links += 1;
        if self.links > MAX_LINKS {
            return Err(io(Errno::LOOP));
        }
        let target = rustix::fs::readlinkat(self.here(), name, Vec::new()).map_err(io)?;
        let target = PathBuf::from(OsStr::from_bytes(target.as_bytes()));
        let outside = || ConfineError::Outside {
            link: self.shown(name),
            target: target.clone(),
            root: self.root.to_path_buf(),
        };
        let mut front: Vec<OsString> = Vec::new();
        if target.is_absolute() {
            // Absolute links are followed only when they name a place inside the root (as
            // its canonical path): a tree copied elsewhere then breaks the link, not the rule.
            let root = std::fs::canonicalize(self.root).map_err(ConfineError::Io)?;
            let Ok(below) = target.strip_prefix(&root) else {
                return Err(outside());
            };
            self.dirs.truncate(1);
            self.names.clear();
            front.extend(below.components().map(|c| c.as_os_str().to_owned()));
        } else {
            // `..` in the target is resolved against the directories walked so far; going
            // above the root is leading outside.
            let mut depth = self.dirs.len() - 1;
            for c in target.components() {
                match c {
                    Component::ParentDir if depth == 0 => return Err(outside()),
                    Component::ParentDir => depth -= 1,
                    Component::Normal(_) => depth += 1,
                    _ => {}
                }
                if let Component::Normal(_) | Component::ParentDir = c {
                    front.push(c.as_os_str().to_owned());
                }
            }
        }
        for c in front.into_iter().rev() {
            queue.push_front(c);
        }
        Ok(())
    }

    /// Walk the components of `rel`; all but the last are directories (links inside
    /// followed). Returns the last component's name (the walk is at its directory), or
    /// `None` when `rel` names the root itself.
    fn walk_to_parent_of(
        &mut self,
        rel: &Path,
        queue: &mut VecDeque<OsString>,
    ) -> Result<Option<OsString>, ConfineError> {
        loop {
            let Some(name) = queue.pop_front() else {
                return Ok(None);
            };
            if name == ".." {
                self.up(rel)?;
                continue;
            }
            if name == "." || name.is_empty() {
                continue;
            }
            if queue.is_empty() {
                return Ok(Some(name));
            }
            match rustix::fs::openat(
                self.here(),
                name.as_os_str(),
                OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
                Mode::empty(),
            ) {
                Ok(fd) => {
                    self.dirs.push(fd);
                    self.names.push(name);
                }
                Err(e) if self.is_link(&name, e)? => self.follow(&name, queue)?,
                Err(e) => return Err(io(e)),
            }
        }
    }

    /// After `openat(…, O_NOFOLLOW)` failed with `e`: is `name` a symbolic link?
    fn is_link(&self, name: &OsStr, e: Errno) -> Result<bool, ConfineError> {
        if !matches!(e, Errno::LOOP | Errno::NOTDIR | Errno::MLINK) {
            return Ok(false);
        }
        let st = rustix::fs::statat(self.here(), name, AtFlags::SYMLINK_NOFOLLOW).map_err(io)?;
        Ok(FileType::from_raw_mode(st.st_mode) == FileType::Symlink)
    }
}

fn components(rel: &Path) -> VecDeque<OsString> {
    rel.components()
        .filter_map(|c| match c {
            Component::Normal(n) => Some(n.to_owned()),
            Component::ParentDir => Some(OsString::from("..")),
            // A leading `/` is taken as the root (as `SI_CONFIG_DIR//name` on a client).
            _ => None,
        })
        .collect()
}

/// Open `root/rel` for reading under the confinement rule (see the module docs). Only a
/// regular file is opened (a FIFO, socket or device is [`ConfineError::NotRegular`]); a
/// directory opens (reading it then fails with "is a directory").
pub fn open_inside(root: &Path, rel: &Path) -> Result<File, ConfineError> {
    let mut walk = Walk::new(root)?;
    let mut queue = components(rel);
    loop {
        let Some(name) = walk.walk_to_parent_of(rel, &mut queue)? else {
            return Err(io(Errno::ISDIR));
        };
        // O_NONBLOCK: a FIFO must not block the open; it is refused just below.
        match rustix::fs::openat(
            walk.here(),
            name.as_os_str(),
            OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC,
            Mode::empty(),
        ) {
            Ok(fd) => {
                let st = rustix::fs::fstat(&fd).map_err(io)?;
                let kind = FileType::from_raw_mode(st.st_mode);
                if kind != FileType::RegularFile && kind != FileType::Directory {
                    return Err(ConfineError::NotRegular);
                }
                return Ok(File::from(fd));
            }
            Err(e) if walk.is_link(&name, e)? => {
                walk.follow(&name, &mut queue)?;
            }
            Err(e) => return Err(io(e)),
        }
    }
}

/// Does `root/rel` exist as a regular file, reached under the confinement rule? `Ok(false)`
/// when nothing is there; an error when the path leads outside.
pub fn is_file_inside(root: &Path, rel: &Path) -> Result<bool, ConfineError> {
    match open_inside(root, rel) {
        Ok(f) => Ok(f.metadata()?.is_file()),
        Err(e) if e.is_not_found() => Ok(false),
        Err(ConfineError::Io(e)) if e.raw_os_error() == Some(Errno::NOTDIR.raw_os_error()) => {
            Ok(false)
        }
        Err(ConfineError::NotRegular) => Ok(false),
        Err(e) => Err(e),
    }
}

/// The directory holding `root/rel` (reached under the confinement rule) and the last
/// component's name, for acting on that entry without following it (`unlinkat`,
/// `renameat`, `openat(O_NOFOLLOW)`). With `create`, missing directories on the way are
/// made with `mode` exactly (whatever the umask); their paths (below `root`) are
/// returned, outermost first, so a caller can undo them.
pub fn open_dir_inside(
    root: &Path,
    rel: &Path,
    create: Option<&dyn Fn(&Path) -> u32>,
) -> Result<(OwnedFd, OsString, Vec<PathBuf>), ConfineError> {
    let mut walk = Walk::new(root)?;
    let mut queue = components(rel);
    let mut made = Vec::new();
    loop {
        let Some(name) = queue.pop_front() else {
            return Err(io(Errno::ISDIR));
        };
        if name == ".." {
            walk.up(rel)?;
            continue;
        }
        if name == "." || name.is_empty() {
            continue;
        }
        if queue.is_empty() {
            let fd = walk.dirs.pop().expect("the root");
            return Ok((fd, name, made));
        }
        let open = |walk: &Walk| {
            rustix::fs::openat(
                walk.here(),
                name.as_os_str(),
                OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
                Mode::empty(),
            )
        };
        match open(&walk) {
            Ok(fd) => {
                walk.dirs.push(fd);
                walk.names.push(name);
            }
            Err(Errno::NOENT) if create.is_some() => {
                let mut below = PathBuf::new();
                below.extend(&walk.names);
                below.push(&name);
                let mode = create.map(|f| f(&below)).unwrap_or(0o755);
                rustix::fs::mkdirat(walk.here(), name.as_os_str(), Mode::from_raw_mode(0o700))
                    .map_err(io)?;
                made.push(below);
                let fd = open(&walk).map_err(io)?;
                // Explicit mode: mkdir's is filtered by the umask.
                rustix::fs::fchmod(&fd, Mode::from_raw_mode(mode)).map_err(io)?;
                walk.dirs.push(fd);
                walk.names.push(name);
            }
            Err(e) if walk.is_link(&name, e)? => walk.follow(&name, &mut queue)?,
            Err(e) => return Err(io(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use std::os::unix::fs::symlink;

    fn read(root: &Path, rel: &str) -> Result<String, ConfineError> {
        let mut s = String::new();
        open_inside(root, Path::new(rel))?.read_to_string(&mut s)?;
        Ok(s)
    }

    #[test]
    fn links_inside_are_followed_links_out_are_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("js");
        let outside = tmp.path().join("outside");
        std::fs::create_dir_all(root.join("a/b")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(root.join("a/b/f"), "inside").unwrap();
        std::fs::write(outside.join("secret"), "outside").unwrap();
        symlink("a/b/f", root.join("rel")).unwrap();
        symlink("../b/f", root.join("a/b/up")).unwrap();
        symlink("b", root.join("a/dirlink")).unwrap();
        symlink(root.join("a/b/f"), root.join("abs_in")).unwrap();
        symlink("../outside/secret", root.join("out_rel")).unwrap();
        symlink(outside.join("secret"), root.join("out_abs")).unwrap();
        symlink("../outside", root.join("out_dir")).unwrap();
        symlink("../../../outside", root.join("a/b/deep_out")).unwrap();
        symlink("loop", root.join("loop")).unwrap();
        for ok in ["rel", "a/b/up", "a/dirlink/f", "abs_in", "a/b/f", "/a/b/f"] {
            assert_eq!(read(&root, ok).unwrap(), "inside", "{ok}");
        }
        for out in [
            "out_rel",
            "out_abs",
            "out_dir/secret",
            "a/b/deep_out/secret",
        ] {
            let e = read(&root, out).unwrap_err();
            assert!(matches!(e, ConfineError::Outside { .. }), "{out}: {e}");
            assert!(e.to_string().contains("leads outside"), "{e}");
        }
        assert!(read(&root, "../outside/secret").unwrap_err().is_outside());
        assert!(read(&root, "missing").unwrap_err().is_not_found());
        assert!(matches!(
            read(&root, "loop").unwrap_err(),
            ConfineError::Io(e) if e.raw_os_error() == Some(libc_eloop())
        ));
        assert!(is_file_inside(&root, Path::new("rel")).unwrap());
        assert!(!is_file_inside(&root, Path::new("nothing")).unwrap());
        assert!(is_file_inside(&root, Path::new("out_rel")).is_err());
    }

    fn libc_eloop() -> i32 {
        Errno::LOOP.raw_os_error()
    }

    #[test]
    fn a_fifo_is_refused_not_opened() {
        let tmp = tempfile::tempdir().unwrap();
        let fifo = tmp.path().join("fifo");
        rustix::fs::mknodat(
            rustix::fs::CWD,
            &fifo,
            FileType::Fifo,
            Mode::from_raw_mode(0o600),
            0,
        )
        .unwrap();
        assert!(matches!(
            open_inside(tmp.path(), Path::new("fifo")).unwrap_err(),
            ConfineError::NotRegular
        ));
    }

    #[test]
    fn directories_are_created_with_their_exact_mode() {
        // 0777 and 0750 whatever the umask (no test changes the process's umask: tests
        // run in threads of one process).
        let tmp = tempfile::tempdir().unwrap();
        let mode = |p: &Path| if p.ends_with("private") { 0o750 } else { 0o777 };
        let (_, name, made) =
            open_dir_inside(tmp.path(), Path::new("x/private/file"), Some(&mode)).unwrap();
        assert_eq!(name, "file");
        assert_eq!(made, [PathBuf::from("x"), PathBuf::from("x/private")]);
        use std::os::unix::fs::PermissionsExt;
        let m = |p: &str| {
            std::fs::metadata(tmp.path().join(p))
                .unwrap()
                .permissions()
                .mode()
                & 0o7777
        };
        assert_eq!((m("x"), m("x/private")), (0o777, 0o750));
    }
}
