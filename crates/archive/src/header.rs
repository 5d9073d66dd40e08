//! [`StreamHeader`]: the first BEGIN record of a stream — and for a compound stream its
//! nvlist and the first substream's BEGIN — read from the start of the file only
//! (`zflash info`), and what it tells checked against the manifest.

use std::io::Read;

use serde::Serialize;

use crate::{
    Archive, ArchiveError, BeginInfo, ByteOrder, FEATURES, Guid, StreamError, StreamErrorKind,
    StreamVerifier, features_unsupported_by_pool_version, record,
};

/// The decoded first BEGIN record(s) of a stream.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StreamHeader {
    pub byte_order: ByteOrder,
    /// A compound (`-R`, `-I`, `-p`) stream: `begin` is the package header.
    pub compound: bool,
    /// The first BEGIN of the stream.
    pub begin: BeginInfo,
    /// For a compound stream, the BEGIN of its first substream (when present).
    pub first_substream: Option<BeginInfo>,
}

impl StreamHeader {
    /// The BEGIN that describes the data: the first substream's, else the first BEGIN.
    pub fn data_begin(&self) -> &BeginInfo {
        self.first_substream.as_ref().unwrap_or(&self.begin)
    }

    /// Union of the feature bits of the BEGIN records read.
    pub fn features(&self) -> u64 {
        self.begin.features | self.first_substream.as_ref().map_or(0, |b| b.features)
    }

    /// Names of [`features`](Self::features).
    pub fn feature_names(&self) -> Vec<String> {
        record::flag_names(self.features(), FEATURES)
    }

    /// Features a pool of SPA version `v` cannot receive (empty = receivable, as far as
    /// the first BEGIN records tell; later substreams of a `-R` stream may add more).
    pub fn unsupported_by_pool_version(&self, v: u64) -> Vec<String> {
        features_unsupported_by_pool_version(self.features(), v)
    }

    pub fn is_supported_by_pool_version(&self, v: u64) -> bool {
        self.unsupported_by_pool_version(v).is_empty()
    }
}

impl Archive {
    /// Decode the first BEGIN record — and for a compound stream also its nvlist and the
    /// first substream's BEGIN — reading only the start of the file.
    pub fn header(&self) -> Result<StreamHeader, ArchiveError> {
        let mut decoder = self.decoder(false)?;
        let mut verifier = StreamVerifier::new();
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = match decoder.read(&mut buf) {
                Ok(n) => n,
                Err(e) => return Err(self.decode_error(&decoder, e)),
            };
            if n == 0 {
                break;
            }
            if let Err(e) = verifier.update(&buf[..n]) {
                // Damage past the BEGIN records does not matter here.
                if verifier.first_substream_begin().is_none() {
                    return Err(self.stream_error(e));
                }
                break;
            }
            if verifier.first_substream_begin().is_some() {
                break;
            }
        }
        let first = verifier.first_substream_begin().cloned();
        let begin = match (verifier.compound_header(), &first) {
            (Some(c), _) => c.clone(),
            (None, Some(f)) => f.clone(),
            (None, None) => {
                let e = verifier
                    .check_complete()
                    .err()
                    .unwrap_or_else(|| StreamError {
                        kind: StreamErrorKind::Damaged,
                        offset: verifier.offset(),
                        record: None,
                        message: "no substream BEGIN".into(),
                    });
                return Err(self.stream_error(e));
            }
        };
        Ok(StreamHeader {
            byte_order: verifier.byte_order().unwrap_or(ByteOrder::Little),
            compound: begin.compound,
            first_substream: if begin.compound { first } else { None },
            begin,
        })
    }

    /// Check what the start of the file tells against the manifest: the stored size
    /// and the header's snapshot GUIDs. For `zflash info`, which reads no further (a
    /// truncated copy or a manifest of another archive shows here); the full check of
    /// digest and sizes is the [`VerifyingReader`](crate::VerifyingReader)'s.
    pub fn check_header_against_manifest(&self, h: &StreamHeader) -> Result<(), ArchiveError> {
        let Some(m) = &self.manifest else {
            return Ok(());
        };
        let mismatch = |message: String| ArchiveError::ManifestMismatch {
            path: self.path.clone(),
            message,
        };
        if self.stored_size != m.stored_bytes {
            return Err(mismatch(format!(
                "{} stored bytes, the manifest says {}",
                self.stored_size, m.stored_bytes
            )));
        }
        // A manifest written by the capture script has no stream fields to compare.
        let Some(stream) = &m.stream else {
            return Ok(());
        };
        let (origin, top) = h.chain_guids();
        // A compound header's top GUID comes from its nvlist; only a single stream's is
        // exact without reading the whole stream.
        let top_differs = !h.compound && top != stream.toguid;
        if top_differs || origin != stream.fromguid {
            let guid = |g: Option<Guid>| g.map_or("none".to_string(), |g| g.to_string());
            return Err(mismatch(format!(
                "the stream is {} (snapshot GUID {}, from {}), the manifest describes {} (snapshot GUID {}, from {})",
                h.begin.name,
                guid(top),
                guid(origin),
                stream.name,
                guid(stream.toguid),
                guid(stream.fromguid)
            )));
        }
        Ok(())
    }
}
