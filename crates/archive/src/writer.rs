//! Writing an archive in one pass: verify, compress, hash, write a temporary file in
//! the target directory, and only then rename it into place.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::stream::{StreamSummary, StreamVerifier};
use crate::{ArchiveError, Compression, Manifest, hex};

/// zstd level used for archives: fast (hundreds of MB/s) with a good ratio.
pub const ZSTD_LEVEL: i32 = 3;
/// gzip level used for archives.
pub const GZIP_LEVEL: u32 = 6;

/// Counts and hashes what goes to the file.
struct HashingWriter<W: Write> {
    inner: W,
    hasher: Sha256,
    bytes: u64,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

enum Compressor<W: Write> {
    None(W),
    Zstd(zstd::stream::write::Encoder<'static, W>),
    Gzip(flate2::write::GzEncoder<W>),
}

impl<W: Write> Compressor<W> {
    fn new(c: Compression, w: W) -> io::Result<Compressor<W>> {
        Ok(match c {
            Compression::None => Compressor::None(w),
            Compression::Zstd => {
                Compressor::Zstd(zstd::stream::write::Encoder::new(w, ZSTD_LEVEL)?)
            }
            Compression::Gzip => Compressor::Gzip(flate2::write::GzEncoder::new(
                w,
                flate2::Compression::new(GZIP_LEVEL),
            )),
        })
    }

    fn finish(self) -> io::Result<W> {
        match self {
            Compressor::None(w) => Ok(w),
            Compressor::Zstd(e) => e.finish(),
            Compressor::Gzip(e) => e.finish(),
        }
    }
}

impl<W: Write> Write for Compressor<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Compressor::None(w) => w.write(buf),
            Compressor::Zstd(e) => e.write(buf),
            Compressor::Gzip(e) => e.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Compressor::None(w) => w.flush(),
            Compressor::Zstd(e) => e.flush(),
            Compressor::Gzip(e) => e.flush(),
        }
    }
}

/// Builds an archive from raw stream chunks. Dropping it without [`finish`] (or the
/// result without [`WrittenArchive::persist`]) removes the temporary file.
///
/// [`finish`]: ArchiveWriter::finish
pub struct ArchiveWriter {
    target: PathBuf,
    temp: tempfile::NamedTempFile,
    writer: Compressor<HashingWriter<BufWriter<File>>>,
    verifier: StreamVerifier,
    raw_bytes: u64,
}

/// A complete, verified archive in its temporary file.
pub struct WrittenArchive {
    target: PathBuf,
    temp: tempfile::NamedTempFile,
    pub summary: StreamSummary,
    pub compression: Compression,
    pub raw_bytes: u64,
    pub stored_bytes: u64,
    /// SHA-256 of the stored bytes.
    pub sha256: String,
}

impl ArchiveWriter {
    /// Start writing `target` (a temporary file is created next to it).
    pub fn create(target: &Path, compression: Compression) -> Result<ArchiveWriter, ArchiveError> {
        let io_err = |source| ArchiveError::Io {
            path: target.to_path_buf(),
            source,
        };
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "archive".into());
        let temp = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".partial")
            .permissions(archive_permissions())
            .tempfile_in(dir)
            .map_err(io_err)?;
        let file = temp.as_file().try_clone().map_err(io_err)?;
        let sink = HashingWriter {
            inner: BufWriter::with_capacity(1 << 20, file),
            hasher: Sha256::new(),
            bytes: 0,
        };
        Ok(ArchiveWriter {
            target: target.to_path_buf(),
            temp,
            writer: Compressor::new(compression, sink).map_err(io_err)?,
            verifier: StreamVerifier::new(),
            raw_bytes: 0,
        })
    }

    /// Verify and store the next chunk of the raw stream.
    pub fn write_chunk(&mut self, data: &[u8]) -> Result<(), ArchiveError> {
        self.verifier
            .update(data)
            .map_err(|error| ArchiveError::Stream {
                path: self.target.clone(),
                error,
            })?;
        self.writer
            .write_all(data)
            .map_err(|source| ArchiveError::Io {
                path: self.target.clone(),
                source,
            })?;
        self.raw_bytes += data.len() as u64;
        Ok(())
    }

    /// Raw bytes written so far.
    pub fn bytes_raw(&self) -> u64 {
        self.raw_bytes
    }

    /// Check that the stream is complete, flush and sync the temporary file.
    pub fn finish(self) -> Result<WrittenArchive, ArchiveError> {
        let target = self.target;
        let io_err = |source| ArchiveError::Io {
            path: target.clone(),
            source,
        };
        let summary = self
            .verifier
            .finish()
            .map_err(|error| ArchiveError::Stream {
                path: target.clone(),
                error,
            })?;
        let compression = match &self.writer {
            Compressor::None(_) => Compression::None,
            Compressor::Zstd(_) => Compression::Zstd,
            Compressor::Gzip(_) => Compression::Gzip,
        };
        let HashingWriter {
            inner,
            hasher,
            bytes,
        } = self.writer.finish().map_err(io_err)?;
        let file = inner.into_inner().map_err(|e| io_err(e.into_error()))?;
        file.sync_all().map_err(io_err)?;
        Ok(WrittenArchive {
            target: target.clone(),
            temp: self.temp,
            summary,
            compression,
            raw_bytes: self.raw_bytes,
            stored_bytes: bytes,
            sha256: hex(&hasher.finalize()),
        })
    }
}

impl WrittenArchive {
    /// Rename the temporary file to the target; `overwrite` allows replacing a file.
    pub fn persist(self, overwrite: bool) -> Result<(), ArchiveError> {
        persist(self.temp, &self.target, overwrite)
    }
}

fn persist(temp: tempfile::NamedTempFile, to: &Path, overwrite: bool) -> Result<(), ArchiveError> {
    let result = if overwrite {
        temp.persist(to).map(|_| ())
    } else {
        temp.persist_noclobber(to).map(|_| ())
    };
    result.map_err(|e| ArchiveError::Io {
        path: to.to_path_buf(),
        source: e.error,
    })
}

/// Write `manifest` to `path` atomically (temporary file + rename).
pub fn write_manifest(
    path: &Path,
    manifest: &Manifest,
    overwrite: bool,
) -> Result<(), ArchiveError> {
    let io_err = |source| ArchiveError::Io {
        path: path.to_path_buf(),
        source,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut temp = tempfile::Builder::new()
        .prefix(".zflash-manifest.")
        .suffix(".partial")
        .permissions(archive_permissions())
        .tempfile_in(dir)
        .map_err(io_err)?;
    temp.write_all(manifest.to_json().as_bytes())
        .map_err(io_err)?;
    temp.as_file().sync_all().map_err(io_err)?;
    persist(temp, path, overwrite)
}

/// Archives are read by install servers and clients: world-readable like a file made
/// by `zfs send > FILE` under the usual umask (tempfile's default would be 0600).
fn archive_permissions() -> std::fs::Permissions {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::Permissions::from_mode(0o644)
    }
    #[cfg(not(unix))]
    {
        std::fs::metadata(".")
            .map(|m| m.permissions())
            .expect("current directory")
    }
}
