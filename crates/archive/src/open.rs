//! Opening an archive ([`Archive::open`]): the sidecar manifest (bounded, regular files
//! only), the compression from the manifest or the magic bytes, checked against the
//! file's suffix; nothing past the first bytes is read.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::compression::describe;
use crate::{ArchiveError, Compression, Manifest, manifest_path};

/// An archive file, with or without sidecar manifest.
#[derive(Debug, Clone)]
pub struct Archive {
    pub(crate) path: PathBuf,
    pub(crate) manifest: Option<Manifest>,
    pub(crate) compression: Compression,
    pub(crate) stored_size: u64,
}

impl Archive {
    /// Identify `path`: read `<path>.manifest.json` if present; find the compression
    /// from the manifest or the magic bytes and check it against the file suffix.
    pub fn open(path: &Path) -> Result<Archive, ArchiveError> {
        let io_err = |source| ArchiveError::Io {
            path: path.to_path_buf(),
            source,
        };
        let bad = |message: String| ArchiveError::BadInput {
            path: path.to_path_buf(),
            message,
        };
        let meta = std::fs::metadata(path).map_err(io_err)?;
        if !meta.is_file() {
            return Err(bad("not a regular file".into()));
        }
        let mut head = [0u8; 16];
        let mut file = File::open(path).map_err(io_err)?;
        let got = read_up_to(&mut file, &mut head).map_err(io_err)?;
        let sniffed = Compression::sniff(&head[..got]);

        let mpath = manifest_path(path);
        let manifest = match read_manifest_text(&mpath) {
            Ok(text) => Some(
                Manifest::from_json(&text).map_err(|m| ArchiveError::BadInput {
                    path: mpath.clone(),
                    message: m,
                })?,
            ),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => {
                return Err(ArchiveError::Io {
                    path: mpath,
                    source: e,
                });
            }
        };

        let suffix = Compression::from_suffix(path);
        let compression = match (&manifest, sniffed, suffix) {
            (Some(m), Some(s), _) if m.compression != s => {
                return Err(ArchiveError::ManifestMismatch {
                    path: path.to_path_buf(),
                    message: format!(
                        "the manifest says {} compression but the file holds {} data",
                        m.compression,
                        describe(s)
                    ),
                });
            }
            (Some(m), _, _) => m.compression,
            (None, Some(s), _) => s,
            (None, None, Some(s)) => s,
            (None, None, None) => Compression::None,
        };
        if let (Some(expected), Some(found)) = (suffix, sniffed)
            && expected != found
        {
            return Err(bad(format!(
                "the file name promises {} but the file holds {}",
                describe(expected),
                describe(found)
            )));
        }
        Ok(Archive {
            path: path.to_path_buf(),
            manifest,
            compression,
            stored_size: meta.len(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn manifest(&self) -> Option<&Manifest> {
        self.manifest.as_ref()
    }

    pub fn compression(&self) -> Compression {
        self.compression
    }

    pub fn stored_size(&self) -> u64 {
        self.stored_size
    }
}

/// Largest sidecar manifest read (one of a `-R` stream of 100,000 snapshots is ~20 MiB).
pub const MAX_MANIFEST_BYTES: u64 = 64 << 20;

/// Read a sidecar manifest: only a regular file (opening a FIFO would block), and not
/// without bound (a link to `/dev/zero`).
fn read_manifest_text(path: &Path) -> io::Result<String> {
    let meta = std::fs::metadata(path)?;
    if meta.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "is a directory, not a manifest file",
        ));
    }
    if !meta.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file (a FIFO, socket or device)",
        ));
    }
    let mut text = String::new();
    File::open(path)?
        .take(MAX_MANIFEST_BYTES + 1)
        .read_to_string(&mut text)?;
    if text.len() as u64 > MAX_MANIFEST_BYTES {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "larger than {} MiB: not a zflash manifest",
                MAX_MANIFEST_BYTES >> 20
            ),
        ));
    }
    Ok(text)
}

/// Read until `buf` is full or the end of the input.
pub(crate) fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match r.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}
