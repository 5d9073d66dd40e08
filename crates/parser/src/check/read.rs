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

/// Read a file the user named, at most [`MAX_FILE_BYTES`]. A FIFO or device is read as
/// given (`--kind profile <(generate)` is a fair use), but not without bound.
pub(super) fn read_named(path: &Path) -> std::io::Result<Vec<u8>> {
    read_bounded(std::fs::File::open(path)?)
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
