//! Reading an archive in full: [`VerifyingReader`], an `io::Read` of the raw stream that
//! reads the file ahead on a thread (hashing it when there is a digest to compare with),
//! decompresses it and verifies every record as it passes; [`VerifyingReader::finish`]
//! completes the checks against the manifest ([`Verified`]).

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::open::read_up_to;
use crate::{
    AlignedBuf, Archive, ArchiveError, Compression, Manifest, StreamError, StreamSummary,
    StreamVerifier, hex, manifest,
};

impl Archive {
    /// A reader of the raw stream that verifies it on the way. The stored bytes are
    /// hashed (SHA-256) when the manifest has a digest to compare with.
    pub fn reader(&self) -> Result<VerifyingReader, ArchiveError> {
        let hash = self.manifest.is_some();
        self.reader_with(hash)
    }

    /// Like [`reader`](Self::reader), choosing whether to hash the stored bytes.
    pub fn reader_with(&self, hash: bool) -> Result<VerifyingReader, ArchiveError> {
        Ok(VerifyingReader {
            decoder: self.decoder(hash)?,
            verifier: StreamVerifier::new(),
            archive: self.clone(),
            raw_bytes: 0,
            failed: None,
        })
    }

    pub(crate) fn decoder(&self, hash: bool) -> Result<Decoder, ArchiveError> {
        let file = File::open(&self.path).map_err(|source| ArchiveError::Io {
            path: self.path.clone(),
            source,
        })?;
        let stored = StoredReader {
            source: if hash {
                Source::Prefetch(Prefetch::start(file, true))
            } else {
                Source::Direct(file)
            },
            bytes: 0,
            io_failed: false,
            digest: None,
        };
        Ok(match self.compression {
            Compression::None => Decoder::Raw(stored),
            Compression::Zstd => {
                let d = zstd::stream::read::Decoder::with_buffer(BufReader::with_capacity(
                    256 * 1024,
                    stored,
                ))
                .map_err(|source| ArchiveError::Io {
                    path: self.path.clone(),
                    source,
                })?;
                Decoder::Zstd(Box::new(d))
            }
            Compression::Gzip => Decoder::Gzip(Box::new(flate2::bufread::MultiGzDecoder::new(
                BufReader::with_capacity(256 * 1024, stored),
            ))),
        })
    }

    pub(crate) fn stream_error(&self, error: StreamError) -> ArchiveError {
        ArchiveError::Stream {
            path: self.path.clone(),
            error,
        }
    }

    pub(crate) fn decode_error(&self, decoder: &Decoder, e: io::Error) -> ArchiveError {
        if decoder.stored().io_failed || self.compression == Compression::None {
            ArchiveError::Io {
                path: self.path.clone(),
                source: e,
            }
        } else {
            ArchiveError::Compressed {
                path: self.path.clone(),
                compression: self.compression,
                stored_offset: decoder.stored().bytes,
                message: e.to_string(),
            }
        }
    }
}

/// Counts the stored bytes as they are handed to the decoder. The file is read, and
/// hashed when asked, by a [`Prefetch`] thread, so that reading and SHA-256 overlap
/// with decompression and the fletcher-4 walk on another core.
pub(crate) struct StoredReader {
    source: Source,
    bytes: u64,
    io_failed: bool,
    /// SHA-256 of everything read, once the end of the file was reached.
    digest: Option<String>,
}

impl Read for StoredReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let result = match &mut self.source {
            Source::Direct(f) => f.read(buf),
            Source::Prefetch(p) => p.read(buf),
        };
        match result {
            Ok(n) => {
                self.bytes += n as u64;
                if n == 0
                    && self.digest.is_none()
                    && let Source::Prefetch(p) = &mut self.source
                {
                    self.digest = p.digest.take();
                }
                Ok(n)
            }
            Err(e) => {
                self.io_failed = true;
                Err(e)
            }
        }
    }
}

/// Where stored bytes come from: the file itself when nothing needs hashing (one read
/// per chunk, no thread hand-off), else a hashing read-ahead thread.
enum Source {
    Direct(File),
    Prefetch(Prefetch),
}

/// Chunk size of the prefetch thread's reads.
const PREFETCH_CHUNK: usize = 1 << 20;
/// Chunks in flight between the thread and the reader (memory bound: ~6 MiB).
const PREFETCH_DEPTH: usize = 3;

enum Chunk {
    Data(AlignedBuf),
    End(Option<String>),
    Failed(io::Error),
}

/// Reads a file in a background thread, hashing it on the way when asked.
struct Prefetch {
    chunks: std::sync::mpsc::Receiver<Chunk>,
    recycle: std::sync::mpsc::SyncSender<AlignedBuf>,
    current: Option<AlignedBuf>,
    pos: usize,
    ended: bool,
    digest: Option<String>,
}

impl Prefetch {
    fn start(mut file: File, hash: bool) -> Prefetch {
        let (tx, chunks) = std::sync::mpsc::sync_channel(PREFETCH_DEPTH);
        let (recycle, spare) = std::sync::mpsc::sync_channel::<AlignedBuf>(PREFETCH_DEPTH + 2);
        std::thread::spawn(move || {
            let mut hasher = hash.then(Sha256::new);
            loop {
                let mut buf = spare
                    .try_recv()
                    .unwrap_or_else(|_| AlignedBuf::new(PREFETCH_CHUNK));
                buf.reset();
                let n = match read_up_to(&mut file, buf.as_mut_slice()) {
                    Ok(n) => n,
                    Err(e) => {
                        let _ = tx.send(Chunk::Failed(e));
                        return;
                    }
                };
                if n == 0 {
                    let digest = hasher.take().map(|h| hex(&h.finalize()));
                    let _ = tx.send(Chunk::End(digest));
                    return;
                }
                buf.truncate(n);
                if let Some(h) = &mut hasher {
                    h.update(buf.as_slice());
                }
                // The reader went away (error, or only the header was wanted): stop.
                if tx.send(Chunk::Data(buf)).is_err() {
                    return;
                }
            }
        });
        Prefetch {
            chunks,
            recycle,
            current: None,
            pos: 0,
            ended: false,
            digest: None,
        }
    }
}

impl Read for Prefetch {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.current.as_ref().map_or(0, AlignedBuf::len) {
            if self.ended || buf.is_empty() {
                return Ok(0);
            }
            if let Some(old) = self.current.take() {
                let _ = self.recycle.try_send(old);
            }
            self.pos = 0;
            match self.chunks.recv() {
                Ok(Chunk::Data(v)) => self.current = Some(v),
                Ok(Chunk::End(digest)) => {
                    self.ended = true;
                    self.digest = digest;
                }
                Ok(Chunk::Failed(e)) => {
                    self.ended = true;
                    return Err(e);
                }
                Err(_) => {
                    self.ended = true;
                    return Err(io::Error::other("the read-ahead thread stopped"));
                }
            }
        }
        let current = self.current.as_ref().expect("a chunk").as_slice();
        let n = buf.len().min(current.len() - self.pos);
        buf[..n].copy_from_slice(&current[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

type ZstdDecoder = zstd::stream::read::Decoder<'static, BufReader<StoredReader>>;
type GzipDecoder = flate2::bufread::MultiGzDecoder<BufReader<StoredReader>>;

pub(crate) enum Decoder {
    Raw(StoredReader),
    Zstd(Box<ZstdDecoder>),
    Gzip(Box<GzipDecoder>),
}

impl Decoder {
    fn stored(&self) -> &StoredReader {
        match self {
            Decoder::Raw(s) => s,
            Decoder::Zstd(d) => d.get_ref().get_ref(),
            Decoder::Gzip(d) => d.get_ref().get_ref(),
        }
    }

    fn stored_mut(&mut self) -> &mut StoredReader {
        match self {
            Decoder::Raw(s) => s,
            Decoder::Zstd(d) => d.get_mut().get_mut(),
            Decoder::Gzip(d) => d.get_mut().get_mut(),
        }
    }

    /// Stored bytes after the end of the compressed data (buffered or still in the file).
    fn drain_leftover(&mut self) -> io::Result<u64> {
        let buffered = match self {
            Decoder::Raw(_) => 0,
            Decoder::Zstd(d) => {
                let b = d.get_mut();
                let n = b.buffer().len();
                b.consume(n);
                n as u64
            }
            Decoder::Gzip(d) => {
                let b = d.get_mut();
                let n = b.buffer().len();
                b.consume(n);
                n as u64
            }
        };
        let mut rest = 0u64;
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = self.stored_mut().read(&mut buf)?;
            if n == 0 {
                break;
            }
            rest += n as u64;
        }
        Ok(buffered + rest)
    }
}

impl Read for Decoder {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Decoder::Raw(r) => r.read(buf),
            Decoder::Zstd(d) => d.read(buf),
            Decoder::Gzip(d) => d.read(buf),
        }
    }
}

/// An `io::Read` of the raw stream of an archive that verifies every record as it
/// passes. A problem is returned as `io::Error` of kind `InvalidData` wrapping an
/// [`ArchiveError`] ([`ArchiveError::from_io`]); the bytes of the failing read are
/// not handed out. At the end of the input the completeness of the stream is checked
/// before `Ok(0)` is returned.
pub struct VerifyingReader {
    decoder: Decoder,
    verifier: StreamVerifier,
    archive: Archive,
    raw_bytes: u64,
    failed: Option<io::ErrorKind>,
}

/// Result of a complete verification.
#[derive(Debug, Clone, Serialize)]
pub struct Verified {
    pub summary: StreamSummary,
    /// SHA-256 of the stored bytes, when they were hashed (always with a manifest).
    pub sha256: Option<String>,
    pub stored_bytes: u64,
    pub raw_bytes: u64,
}

impl VerifyingReader {
    /// Stored (compressed) bytes read so far.
    pub fn bytes_stored(&self) -> u64 {
        self.decoder.stored().bytes
    }

    /// Raw stream bytes handed out so far.
    pub fn bytes_raw(&self) -> u64 {
        self.raw_bytes
    }

    /// The archive being read.
    pub fn archive(&self) -> &Archive {
        &self.archive
    }

    fn step(&mut self, buf: &mut [u8]) -> Result<usize, ArchiveError> {
        let n = loop {
            match self.decoder.read(buf) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(self.archive.decode_error(&self.decoder, e)),
            }
        };
        if n == 0 {
            if buf.is_empty() {
                return Ok(0);
            }
            self.verifier
                .check_complete()
                .map_err(|e| self.archive.stream_error(e))?;
            return Ok(0);
        }
        self.verifier
            .update(&buf[..n])
            .map_err(|e| self.archive.stream_error(e))?;
        self.raw_bytes += n as u64;
        // Past the manifest's size the stream is not the one described: stop at once
        // rather than decompress the rest (a small archive may inflate to gigabytes).
        if let Some(said) = self.archive.manifest.as_ref().and_then(|m| m.raw_bytes)
            && self.raw_bytes > said
        {
            return Err(ArchiveError::ManifestMismatch {
                path: self.archive.path.clone(),
                message: format!(
                    "the stream is longer than the {} raw bytes the manifest says (stopped reading after {})",
                    said, self.raw_bytes
                ),
            });
        }
        Ok(n)
    }

    /// Read and verify the rest, then check completeness, trailing data and the
    /// manifest (digest, sizes, GUIDs).
    pub fn finish(mut self) -> Result<Verified, ArchiveError> {
        let mut aligned = AlignedBuf::new(256 << 10);
        let buf = aligned.as_mut_slice();
        loop {
            let n = self.step(buf)?;
            if n == 0 && self.verifier.is_complete() {
                // EOF of the decoder only arrives with a further read.
                let m = self.step(buf)?;
                if m == 0 {
                    break;
                }
            } else if n == 0 {
                break;
            }
        }
        let path = self.archive.path.clone();
        let leftover = self
            .decoder
            .drain_leftover()
            .map_err(|source| ArchiveError::Io {
                path: path.clone(),
                source,
            })?;
        let summary = self
            .verifier
            .finish()
            .map_err(|e| self.archive.stream_error(e))?;
        if leftover > 0 {
            return Err(ArchiveError::Compressed {
                path,
                compression: self.archive.compression,
                stored_offset: self.decoder.stored().bytes - leftover,
                message: format!("{leftover} bytes of trailing data after the compressed stream"),
            });
        }
        let stored = self.decoder.stored_mut();
        let stored_bytes = stored.bytes;
        let sha256 = stored.digest.take();
        let verified = Verified {
            summary,
            sha256,
            stored_bytes,
            raw_bytes: self.raw_bytes,
        };
        if let Some(m) = &self.archive.manifest {
            check_against_manifest(&path, m, &verified)?;
        }
        Ok(verified)
    }
}

impl Read for VerifyingReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(kind) = self.failed {
            return Err(io::Error::new(kind, "the archive already failed to verify"));
        }
        self.step(buf).map_err(|e| {
            let e = e.into_io();
            self.failed = Some(e.kind());
            e
        })
    }
}

fn check_against_manifest(path: &Path, m: &Manifest, v: &Verified) -> Result<(), ArchiveError> {
    let mismatch = |message: String| ArchiveError::ManifestMismatch {
        path: path.to_path_buf(),
        message,
    };
    if v.stored_bytes != m.stored_bytes {
        return Err(mismatch(format!(
            "{} stored bytes, the manifest says {}",
            v.stored_bytes, m.stored_bytes
        )));
    }
    if let Some(sha) = &v.sha256
        && !sha.eq_ignore_ascii_case(&m.sha256)
    {
        return Err(mismatch(format!(
            "SHA-256 {sha}, the manifest says {}",
            m.sha256
        )));
    }
    // A missing stream field is not an error (the capture script's manifest has none
    // until `zflash manifest` completes it); those present are checked.
    if let Some(raw) = m.raw_bytes
        && v.raw_bytes != raw
    {
        return Err(mismatch(format!(
            "{} raw stream bytes, the manifest says {raw}",
            v.raw_bytes
        )));
    }
    let info = manifest::StreamInfo::from_summary(&v.summary);
    if let Some(stream) = &m.stream
        && (info.toguid != stream.toguid || info.fromguid != stream.fromguid)
    {
        return Err(mismatch(
            "the stream's snapshot GUIDs differ from the manifest's".into(),
        ));
    }
    match &m.stream {
        Some(said) => check_stream_info(&info, said).map_err(mismatch),
        // A manifest written by the capture script has no stream fields yet.
        None => Ok(()),
    }
}

/// Every field of the manifest that describes the stream, against the stream as read:
/// a manifest is trusted for nothing the stream does not bear out.
fn check_stream_info(
    read: &manifest::StreamInfo,
    said: &manifest::StreamInfo,
) -> Result<(), String> {
    fn differ<T: std::fmt::Debug + PartialEq>(
        what: &str,
        read: &T,
        said: &T,
    ) -> Result<(), String> {
        if read == said {
            Ok(())
        } else {
            Err(format!(
                "the stream's {what} is {read:?}, the manifest says {said:?}"
            ))
        }
    }
    differ("byte order", &read.byte_order, &said.byte_order)?;
    differ("compound (-R) flag", &read.compound, &said.compound)?;
    differ("name", &read.name, &said.name)?;
    differ("record count", &read.records, &said.records)?;
    differ(
        "substream count",
        &read.substreams.len(),
        &said.substreams.len(),
    )?;
    for (i, (r, s)) in read.substreams.iter().zip(&said.substreams).enumerate() {
        let n = i + 1;
        differ(&format!("substream #{n} name"), &r.name, &s.name)?;
        differ(
            &format!("substream #{n} snapshot GUID"),
            &r.toguid,
            &s.toguid,
        )?;
        differ(
            &format!("substream #{n} origin GUID"),
            &r.fromguid,
            &s.fromguid,
        )?;
        differ(
            &format!("substream #{n} incremental flag"),
            &r.incremental,
            &s.incremental,
        )?;
    }
    Ok(())
}
