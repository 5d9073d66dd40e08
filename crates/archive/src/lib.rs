//! zflash-archive: reading and verifying ZFS send streams and zflash archives.
//!
//! An *archive* is a file holding one `zfs send` stream, stored raw or compressed
//! (zstd, gzip), optionally with a sidecar manifest `ARCHIVE.manifest.json`
//! ([`Manifest`]). A bare `zfs send` file is an archive without manifest.
//!
//! - [`Archive::open`] identifies the file (manifest, compression from magic bytes,
//!   suffix consistency) without reading it all;
//! - [`Archive::header`] decodes the first BEGIN record(s) cheaply;
//! - [`Archive::reader`] returns a [`VerifyingReader`]: an `io::Read` of the raw stream
//!   that checks every record (fletcher-4, framing, order) and hashes the stored bytes
//!   as they pass; [`VerifyingReader::finish`] completes the checks.
//!
//! The stream format and the checksum rules are documented in docs/archive.md.
//!
//! # Layout
//!
//! This file is the facade: the modules below and what the crate re-exports.
//!
//! - `compression`: [`Compression`], how the stream is stored;
//! - `error`: [`ArchiveError`] and its [`ErrorClass`];
//! - `open`: [`Archive::open`] (manifest, compression, suffix) and the file's accessors;
//! - `header`: [`StreamHeader`], the first BEGIN record(s) read cheaply;
//! - `read`: [`VerifyingReader`] (read-ahead, decompression, verification, the manifest
//!   check at the end) and [`Verified`];
//! - `chain`: [`check_chain`] of a base and its increments;
//! - `buf`: [`AlignedBuf`] and [`hex`];
//! - the public modules: the record and stream layers ([`record`], [`stream`], [`nvlist`],
//!   [`fletcher`]), [`manifest`], [`writer`], capture ([`capture`], [`capture_plan`]) and
//!   [`interrupt`].

mod buf;
pub mod capture;
pub mod capture_plan;
mod chain;
mod compression;
mod error;
pub mod fletcher;
mod header;
pub mod interrupt;
pub mod manifest;
pub mod nvlist;
mod open;
mod read;
pub mod record;
pub mod stream;
pub mod writer;

pub use buf::{AlignedBuf, hex};
pub use chain::{ChainLink, check_chain};
pub use compression::Compression;
pub use error::{ArchiveError, ErrorClass};
pub use header::StreamHeader;
pub use manifest::{MANIFEST_FORMAT, Manifest, manifest_path};
pub use open::{Archive, MAX_MANIFEST_BYTES};
pub use read::{Verified, VerifyingReader};
pub use record::{ByteOrder, FEATURES, RecordType, features_unsupported_by_pool_version};
pub use stream::{
    BeginInfo, Guid, RecordCounts, StreamError, StreamErrorKind, StreamSummary, StreamVerifier,
    SubstreamSummary,
};
pub use writer::{ArchiveWriter, WrittenArchive, write_manifest};
