//! [`ArchiveError`], every way reading an archive can fail (each names the file), and its
//! broad [`ErrorClass`], which decides `zflash verify`'s exit status.

use std::io;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::Compression;
use crate::stream::{self, StreamError, StreamErrorKind};

/// Broad class of an [`ArchiveError`], which decides `zflash verify`'s exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorClass {
    /// Cannot read a file (exit 2).
    Io,
    /// Wrong kind of input: suffix/content mismatch, unreadable manifest (exit 2).
    BadInput,
    /// The archive or stream is damaged or does not match its manifest (exit 1).
    Damaged,
    /// Uses features or record types this reader does not know (exit 1).
    Unsupported,
}

/// Everything that can go wrong with an archive; every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error("{}: {message}", path.display())]
    BadInput { path: PathBuf, message: String },
    /// A problem in the raw stream, at a raw-stream offset.
    #[error("{}: {error}", path.display())]
    Stream { path: PathBuf, error: StreamError },
    /// The compressed container is damaged (raw stream offset unknown).
    #[error("{}: {compression} data is damaged near stored byte {stored_offset}: {message}", path.display())]
    Compressed {
        path: PathBuf,
        compression: Compression,
        stored_offset: u64,
        message: String,
    },
    /// The archive does not match its manifest (digest, sizes, GUIDs).
    #[error("{}: does not match its manifest: {message}", path.display())]
    ManifestMismatch { path: PathBuf, message: String },
}

impl ArchiveError {
    pub fn class(&self) -> ErrorClass {
        match self {
            ArchiveError::Io { .. } => ErrorClass::Io,
            ArchiveError::BadInput { .. } => ErrorClass::BadInput,
            ArchiveError::Stream { error, .. } => match error.kind {
                StreamErrorKind::Unsupported => ErrorClass::Unsupported,
                _ => ErrorClass::Damaged,
            },
            ArchiveError::Compressed { .. } | ArchiveError::ManifestMismatch { .. } => {
                ErrorClass::Damaged
            }
        }
    }

    pub fn path(&self) -> &Path {
        match self {
            ArchiveError::Io { path, .. }
            | ArchiveError::BadInput { path, .. }
            | ArchiveError::Stream { path, .. }
            | ArchiveError::Compressed { path, .. }
            | ArchiveError::ManifestMismatch { path, .. } => path,
        }
    }

    /// The message without the leading file name (for output that already names it).
    pub fn detail(&self) -> String {
        let full = self.to_string();
        let prefix = format!("{}: ", self.path().display());
        full.strip_prefix(&prefix)
            .map(str::to_string)
            .unwrap_or(full)
    }

    /// Raw-stream offset of a stream error.
    pub fn offset(&self) -> Option<u64> {
        match self {
            ArchiveError::Stream { error, .. } => Some(error.offset),
            _ => None,
        }
    }

    /// The record a stream error is about.
    pub fn record(&self) -> Option<&stream::RecordRef> {
        match self {
            ArchiveError::Stream { error, .. } => error.record.as_ref(),
            _ => None,
        }
    }

    /// Wrap for an `io::Read` consumer; recover with [`ArchiveError::from_io`].
    pub fn into_io(self) -> io::Error {
        match self {
            ArchiveError::Io { source, .. } => source,
            other => io::Error::new(io::ErrorKind::InvalidData, other),
        }
    }

    /// The `ArchiveError` inside an `io::Error` made by [`VerifyingReader`](crate::VerifyingReader), if any.
    pub fn from_io(e: &io::Error) -> Option<&ArchiveError> {
        e.get_ref()?.downcast_ref::<ArchiveError>()
    }
}
