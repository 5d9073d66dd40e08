//! Reading the files of a check: bounded in size ([`MAX_FILE_BYTES`]) and, inside a
//! directory, confined to it ([`crate::confine`]), so that a link to `/dev/zero`, a FIFO or a
//! link out of the directory can neither hang the check nor leak a file into its output.

use std::path::Path;

use crate::diagnostic::Diagnostic;
use crate::lint;

/// Largest file read (JumpStart files are a few KiB; a rules file for thousands of clients
/// a few MiB). Anything larger is refused rather than read into memory: a symbolic link to
/// `/dev/zero` must not exhaust memory.
pub const MAX_FILE_BYTES: u64 = 16 << 20;

/// Read a file the user named, at most [`MAX_FILE_BYTES`]. Only a regular file is read,
/// as inside a directory: a FIFO would block the check until some writer appears, and a
/// device is no JumpStart file (`/dev/zero` never ends). The one exception is an
/// anonymous pipe, `zflash check --kind profile <(generate)` or `… | zflash check --kind
/// profile /dev/stdin`: its writer exists by construction, so reading it cannot hang. A
/// file refused is a [`NotRegular`] error (see [`not_regular`]).
pub(super) fn read_named(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::os::unix::fs::OpenOptionsExt;
    // `stat` opens nothing: a FIFO or device is refused before it is opened (opening a
    // device can have effects of its own, a tape rewinds).
    let anonymous_pipe = is_anonymous_pipe(path);
    refuse_unless_regular(&std::fs::metadata(path)?.file_type(), anonymous_pipe)?;
    // O_NONBLOCK so that a FIFO put in the file's place since the `stat` cannot block the
    // open; refused just below, on what was really opened.
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open(path)?;
    refuse_unless_regular(&file.metadata()?.file_type(), anonymous_pipe)?;
    // Blocking reads again: a pipe whose writer is still at work is waited for.
    rustix::fs::fcntl_setfl(&file, rustix::fs::OFlags::empty())?;
    read_bounded(file)
}

/// A file named on the command line that is not a regular file; `.0` says what it is
/// ("a FIFO"). Carried inside the `io::Error` of [`read_named`].
#[derive(Debug)]
pub(super) struct NotRegular(pub &'static str);

impl std::fmt::Display for NotRegular {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "not a regular file ({})", self.0)
    }
}

impl std::error::Error for NotRegular {}

/// The [`NotRegular`] inside an error of [`read_named`], if that is why it failed.
pub(super) fn not_regular(e: &std::io::Error) -> Option<&NotRegular> {
    e.get_ref()?.downcast_ref::<NotRegular>()
}

fn refuse_unless_regular(t: &std::fs::FileType, anonymous_pipe: bool) -> std::io::Result<()> {
    use std::os::unix::fs::FileTypeExt;
    let what = if t.is_file() || t.is_dir() || (t.is_fifo() && anonymous_pipe) {
        // A directory is refused by reading it ("Is a directory"), as before.
        return Ok(());
    } else if t.is_fifo() {
        "a FIFO"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "not a file"
    };
    Err(std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        NotRegular(what),
    ))
}

/// Is `path` an anonymous pipe (`/dev/fd/63` from `<(cmd)`, `/dev/stdin` fed by a pipe)?
/// On Linux such a path is a link, through `/proc/self/fd`, to `pipe:[inode]`, which names
/// no file; a named FIFO resolves to a path in a file system. Elsewhere nothing is taken
/// for an anonymous pipe (a FIFO is then always refused: the safe side).
fn is_anonymous_pipe(path: &Path) -> bool {
    let mut here = path.to_path_buf();
    // A few links deep: `/dev/stdin` -> `/proc/self/fd/0` -> `pipe:[…]`.
    for _ in 0..8 {
        let Ok(target) = std::fs::read_link(&here) else {
            return false;
        };
        let text = target.to_string_lossy();
        if text.starts_with("pipe:[") && text.ends_with(']') {
            return true;
        }
        here = match here.parent() {
            Some(parent) if target.is_relative() => parent.join(target),
            _ => target,
        };
    }
    false
}

/// Read a file met inside a directory, at most [`MAX_FILE_BYTES`], under the confinement
/// rule ([`crate::confine`]): only a regular file is opened (opening a FIFO would block the
/// whole check until some writer appears), and no component of `rel` may be a symbolic link
/// leading out of `dir`: its contents would be printed in the findings (`rules ->
/// /etc/shadow` in a CI run). The path is walked with `openat(O_NOFOLLOW)`, not checked
/// and then opened.
pub(super) fn read_member(dir: &Path, rel: &Path) -> Result<Vec<u8>, crate::confine::ConfineError> {
    let file = crate::confine::open_inside(dir, rel)?;
    Ok(read_bounded(file)?)
}

/// `path` (which is `dir` joined with something) relative to `dir`.
pub(super) fn below<'a>(dir: &Path, path: &'a Path) -> &'a Path {
    path.strip_prefix(dir).unwrap_or(path)
}

/// The finding for a member that could not be read: F008 when its path leads outside the
/// directory, F001 otherwise.
pub(super) fn unreadable(e: crate::confine::ConfineError) -> Diagnostic {
    if e.is_outside() {
        lint::file::symlink_outside::diagnostic(&e)
    } else {
        lint::file::unreadable_file::diagnostic(&e.into_io())
    }
}

pub(super) fn read_bounded(file: std::fs::File) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "larger than {} MiB: not a JumpStart file",
                MAX_FILE_BYTES >> 20
            ),
        ));
    }
    Ok(bytes)
}
