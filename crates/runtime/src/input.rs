//! The archive as the runtime sees it: what preflight needs to know (first BEGIN record,
//! architecture, sizes, identity) and one verifying read pass for the receive.
//!
//! Two kinds of input: a bare `zfs send` stream (the seed's `s10s_u6wos_07_flar.zfs`), read
//! as is while hashed, and a zflash archive, read through `zflash-archive`'s verifying
//! reader (records, digest against the manifest, decompression).

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;

use serde::Serialize;
use sha2::{Digest, Sha256};

/// Size of a send-stream record header.
pub const RECORD_HEADER: usize = 312;
const BACKUP_MAGIC: u64 = 0x2_F5BA_CBAC;

/// What the first BEGIN record says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StreamHeader {
    /// `little` or `big`.
    pub byte_order: &'static str,
    /// 1 = substream (plain send), 2 = compound (`-R`, `-I`, `-p`…).
    pub hdrtype: u64,
    /// Feature flag bits.
    pub features: u64,
    /// BEGIN `drr_flags`.
    pub flags: u32,
    /// `dmu_objset_type` (2 = ZFS filesystem).
    pub objset_type: u32,
    /// GUID of the snapshot sent.
    pub toguid: u64,
    /// GUID of the incremental source (0 for a full stream).
    pub fromguid: u64,
    /// `pool/fs@snap` on the sender.
    pub toname: String,
}

/// Feature bits and names (zfs-send-stream.md §5).
pub const FEATURES: &[(u64, &str)] = &[
    (0x1, "DEDUP"),
    (0x2, "DEDUPPROPS"),
    (0x4, "SA_SPILL"),
    (0x10000, "EMBED_DATA"),
    (0x20000, "LZ4"),
    (0x80000, "LARGE_BLOCKS"),
    (0x100000, "RESUMING"),
    (0x200000, "REDACTED"),
    (0x400000, "COMPRESSED"),
    (0x800000, "LARGE_DNODE"),
    (0x1000000, "RAW"),
    (0x2000000, "ZSTD"),
    (0x4000000, "HOLDS"),
    (0x8000000, "SWITCH_TO_LARGE_BLOCKS"),
    (0x10000000, "LONGNAME"),
    (0x20000000, "LARGE_MICROZAP"),
];

/// Names of the set feature bits (unknown bits as hex).
pub fn feature_names(features: u64) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = features;
    for (bit, name) in FEATURES {
        if features & bit != 0 {
            names.push((*name).to_string());
            rest &= !bit;
        }
    }
    if rest != 0 {
        names.push(format!("unknown(0x{rest:x})"));
    }
    names
}

/// The feature bits a pool of this version can receive. Legacy versions: v23 (zfs-fuse,
/// Solaris 10 9/10) knows dedup streams only; system attributes (SA_SPILL) came with v24.
/// Feature-flag pools (5000) receive what OpenZFS senders emit, except resume/redaction
/// streams, which need options this runtime does not use.
pub fn receivable_features(pool_version: u64) -> u64 {
    match pool_version {
        0..=23 => 0x1 | 0x2,
        24..=4999 => 0x1 | 0x2 | 0x4,
        _ => FEATURES
            .iter()
            .map(|(b, _)| *b)
            .filter(|b| *b != 0x100000 && *b != 0x200000)
            .fold(0, |a, b| a | b),
    }
}

/// Parse the first record of a stream.
pub fn parse_begin(h: &[u8]) -> Result<StreamHeader, String> {
    if h.len() < RECORD_HEADER {
        return Err(format!(
            "too short for a send stream ({} bytes, a record header is {RECORD_HEADER})",
            h.len()
        ));
    }
    let le = |o: usize| u64::from_le_bytes(h[o..o + 8].try_into().expect("8 bytes"));
    let be = |o: usize| u64::from_be_bytes(h[o..o + 8].try_into().expect("8 bytes"));
    let little = if le(8) == BACKUP_MAGIC {
        true
    } else if be(8) == BACKUP_MAGIC {
        false
    } else {
        return Err("no ZFS send-stream magic at offset 8 (not a `zfs send` stream)".into());
    };
    let u64_at = |o: usize| if little { le(o) } else { be(o) };
    let u32_at = |o: usize| {
        let b: [u8; 4] = h[o..o + 4].try_into().expect("4 bytes");
        if little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        }
    };
    if u32_at(0) != 0 {
        return Err("the first record is not a BEGIN record".into());
    }
    let vi = u64_at(16);
    let name = &h[56..312];
    let end = name.iter().position(|&b| b == 0).unwrap_or(name.len());
    Ok(StreamHeader {
        byte_order: if little { "little" } else { "big" },
        hdrtype: vi & 3,
        features: (vi >> 2) & ((1 << 56) - 1),
        flags: u32_at(36),
        objset_type: u32_at(32),
        toguid: u64_at(40),
        fromguid: u64_at(48),
        toname: String::from_utf8_lossy(&name[..end]).into_owned(),
    })
}

/// What is known about an archive before reading it through.
#[derive(Debug, Clone, Serialize)]
pub struct ArchiveInfo {
    /// File name as given.
    pub path: String,
    /// `bare-stream` or the zflash archive compression.
    pub format: String,
    /// First BEGIN record.
    pub header: StreamHeader,
    /// Size of the file.
    pub stored_size: u64,
    /// Size of the decompressed stream, when known (manifest), else the stored size.
    pub raw_size: u64,
    /// Architectures the manifest declares (empty: unknown).
    pub architectures: Vec<String>,
    /// Expected sha256 of the stored bytes (from the manifest), hex.
    pub expected_sha256: Option<String>,
    /// Identity recorded on the BE: `sha256:<hex>` or `guid:<hex>`.
    pub id: String,
}

/// The result of a complete verified read.
#[derive(Debug, Clone, Serialize)]
pub struct ReadSummary {
    /// sha256 of the stored bytes, hex.
    pub sha256: String,
    /// Stored bytes read.
    pub stored_bytes: u64,
    /// Stream bytes produced.
    pub raw_bytes: u64,
}

/// One verifying pass over the archive.
pub trait StreamReader: Read + Send {
    /// (stored bytes read, stream bytes produced) so far.
    fn position(&self) -> (u64, u64);
    /// After EOF: check digests; damage → `InvalidData`.
    fn finish(self: Box<Self>) -> io::Result<ReadSummary>;
}

/// An opened archive.
pub trait ArchiveInput {
    /// Known facts.
    fn info(&self) -> &ArchiveInfo;
    /// Start the single read pass.
    fn reader(&self) -> io::Result<Box<dyn StreamReader>>;
}

/// Open an archive file: a bare stream, or (when the file is not one) a zflash archive.
pub fn open(path: &Path, manifest: Option<&Path>) -> Result<Box<dyn ArchiveInput>, String> {
    let mut f =
        File::open(path).map_err(|e| format!("cannot open archive {}: {e}", path.display()))?;
    let stored_size = f
        .metadata()
        .map_err(|e| format!("cannot stat archive {}: {e}", path.display()))?
        .len();
    let mut head = vec![0u8; RECORD_HEADER];
    let mut got = 0;
    while got < head.len() {
        match f.read(&mut head[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) => return Err(format!("cannot read archive {}: {e}", path.display())),
        }
    }
    head.truncate(got);
    match parse_begin(&head) {
        Ok(header) => {
            if manifest.is_some() {
                return Err(format!(
                    "{}: a separate manifest was given, but the archive is a bare zfs send stream; wrap it with `zflash archive` to carry a manifest",
                    path.display()
                ));
            }
            let id = format!("guid:{:016x}", header.toguid);
            Ok(Box::new(BareStream {
                info: ArchiveInfo {
                    path: path.display().to_string(),
                    format: "bare-stream".into(),
                    header,
                    stored_size,
                    raw_size: stored_size,
                    architectures: Vec::new(),
                    expected_sha256: None,
                    id,
                },
            }))
        }
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

struct BareStream {
    info: ArchiveInfo,
}

impl ArchiveInput for BareStream {
    fn info(&self) -> &ArchiveInfo {
        &self.info
    }

    fn reader(&self) -> io::Result<Box<dyn StreamReader>> {
        let f = File::open(&self.info.path)?;
        Ok(Box::new(HashingReader {
            inner: BufReader::with_capacity(1 << 20, f),
            hasher: Sha256::new(),
            bytes: 0,
        }))
    }
}

struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
    bytes: u64,
}

impl<R: Read + Send> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
}

impl<R: Read + Send> StreamReader for HashingReader<R> {
    fn position(&self) -> (u64, u64) {
        (self.bytes, self.bytes)
    }

    fn finish(self: Box<Self>) -> io::Result<ReadSummary> {
        let digest = self.hasher.finalize();
        let sha256 = digest.iter().map(|b| format!("{b:02x}")).collect();
        Ok(ReadSummary {
            sha256,
            stored_bytes: self.bytes,
            raw_bytes: self.bytes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn begin(little: bool, vi: u64, name: &str) -> Vec<u8> {
        let mut h = vec![0u8; RECORD_HEADER];
        let put = |h: &mut Vec<u8>, o: usize, v: u64| {
            let b = if little {
                v.to_le_bytes()
            } else {
                v.to_be_bytes()
            };
            h[o..o + 8].copy_from_slice(&b);
        };
        put(&mut h, 8, BACKUP_MAGIC);
        put(&mut h, 16, vi);
        put(&mut h, 40, 0xabcdef);
        h[56..56 + name.len()].copy_from_slice(name.as_bytes());
        h
    }

    #[test]
    fn begin_is_parsed_in_both_byte_orders() {
        for little in [true, false] {
            let h = parse_begin(&begin(little, (0x80004 << 2) | 1, "p/fs@s")).unwrap();
            assert_eq!(h.hdrtype, 1);
            assert_eq!(h.features, 0x80004);
            assert_eq!(h.toguid, 0xabcdef);
            assert_eq!(h.toname, "p/fs@s");
            assert_eq!(feature_names(h.features), ["SA_SPILL", "LARGE_BLOCKS"]);
        }
        assert!(parse_begin(&[0u8; 400]).unwrap_err().contains("magic"));
        assert!(parse_begin(&[0u8; 10]).unwrap_err().contains("too short"));
    }

    #[test]
    fn pool_v23_receives_only_dedup_features() {
        assert_eq!(0x3 & !receivable_features(23), 0);
        let refused = 0x30004 & !receivable_features(23);
        assert_eq!(feature_names(refused), ["SA_SPILL", "EMBED_DATA", "LZ4"]);
        assert_eq!(0x30004 & !receivable_features(5000), 0);
    }
}
