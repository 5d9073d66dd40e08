//! Record layout of a ZFS send stream (`dmu_replay_record_t`, 312 bytes), feature flags
//! and BEGIN flags. Offsets are absolute within the record; see docs/archive.md and
//! the research notes this follows (zfs-send-stream.md §2–§5).

use serde::{Deserialize, Serialize};

/// Size of every record header.
pub const HEADER_LEN: usize = 312;
/// `DMU_BACKUP_MAGIC`, at byte 8 of a BEGIN record.
pub const BACKUP_MAGIC: u64 = 0x2_F5BA_CBAC;
/// Largest BEGIN payload (packed nvlist) accepted; libzfs' default limit.
pub const MAX_BEGIN_PAYLOAD: u64 = 64 << 20;
/// Largest payload of any other record (`SPA_MAXBLOCKSIZE`).
pub const MAX_RECORD_PAYLOAD: u64 = 16 << 20;
/// Offset of the per-record checksum (4 × u64) in every non-BEGIN record.
pub const RECORD_CHECKSUM_OFFSET: usize = 280;

/// Byte order of a stream: the sender's native order, found from the BEGIN magic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ByteOrder {
    Little,
    Big,
}

impl ByteOrder {
    /// The order in which the 8 bytes at offset 8 of a header read as the magic.
    pub fn detect(header: &[u8]) -> Option<ByteOrder> {
        let raw: [u8; 8] = header.get(8..16)?.try_into().ok()?;
        if u64::from_le_bytes(raw) == BACKUP_MAGIC {
            Some(ByteOrder::Little)
        } else if u64::from_be_bytes(raw) == BACKUP_MAGIC {
            Some(ByteOrder::Big)
        } else {
            None
        }
    }

    pub fn u16(self, b: &[u8], off: usize) -> u16 {
        let raw = [b[off], b[off + 1]];
        match self {
            ByteOrder::Little => u16::from_le_bytes(raw),
            ByteOrder::Big => u16::from_be_bytes(raw),
        }
    }

    pub fn u32(self, b: &[u8], off: usize) -> u32 {
        let raw: [u8; 4] = b[off..off + 4].try_into().expect("4 bytes");
        match self {
            ByteOrder::Little => u32::from_le_bytes(raw),
            ByteOrder::Big => u32::from_be_bytes(raw),
        }
    }

    pub fn u64(self, b: &[u8], off: usize) -> u64 {
        let raw: [u8; 8] = b[off..off + 8].try_into().expect("8 bytes");
        match self {
            ByteOrder::Little => u64::from_le_bytes(raw),
            ByteOrder::Big => u64::from_be_bytes(raw),
        }
    }

    pub fn words4(self, b: &[u8], off: usize) -> [u64; 4] {
        [
            self.u64(b, off),
            self.u64(b, off + 8),
            self.u64(b, off + 16),
            self.u64(b, off + 24),
        ]
    }

    pub fn name(self) -> &'static str {
        match self {
            ByteOrder::Little => "little-endian",
            ByteOrder::Big => "big-endian",
        }
    }
}

/// `drr_type` of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecordType {
    Begin = 0,
    Object = 1,
    FreeObjects = 2,
    Write = 3,
    Free = 4,
    End = 5,
    WriteByref = 6,
    Spill = 7,
    WriteEmbedded = 8,
    ObjectRange = 9,
    Redact = 10,
}

impl RecordType {
    pub const ALL: [RecordType; 11] = [
        RecordType::Begin,
        RecordType::Object,
        RecordType::FreeObjects,
        RecordType::Write,
        RecordType::Free,
        RecordType::End,
        RecordType::WriteByref,
        RecordType::Spill,
        RecordType::WriteEmbedded,
        RecordType::ObjectRange,
        RecordType::Redact,
    ];

    pub fn from_u32(v: u32) -> Option<RecordType> {
        RecordType::ALL.get(v as usize).copied()
    }

    /// The name ZFS uses (`DRR_` prefix dropped).
    pub fn name(self) -> &'static str {
        match self {
            RecordType::Begin => "BEGIN",
            RecordType::Object => "OBJECT",
            RecordType::FreeObjects => "FREEOBJECTS",
            RecordType::Write => "WRITE",
            RecordType::Free => "FREE",
            RecordType::End => "END",
            RecordType::WriteByref => "WRITE_BYREF",
            RecordType::Spill => "SPILL",
            RecordType::WriteEmbedded => "WRITE_EMBEDDED",
            RecordType::ObjectRange => "OBJECT_RANGE",
            RecordType::Redact => "REDACT",
        }
    }
}

impl std::fmt::Display for RecordType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Payload length that follows a header of type `ty` (zfs-send-stream.md §4).
pub fn payload_len(ty: RecordType, h: &[u8], o: ByteOrder) -> u64 {
    match ty {
        RecordType::Begin => u64::from(o.u32(h, 4)),
        RecordType::Object => {
            let raw_bonuslen = u64::from(o.u32(h, 36));
            if raw_bonuslen != 0 {
                raw_bonuslen
            } else {
                u64::from(o.u32(h, 28)).div_ceil(8) * 8
            }
        }
        RecordType::Write => {
            if h[50] != 0 {
                o.u64(h, 96)
            } else {
                o.u64(h, 32)
            }
        }
        RecordType::Spill => {
            let compressed = o.u64(h, 40);
            if compressed != 0 {
                compressed
            } else {
                o.u64(h, 16)
            }
        }
        RecordType::WriteEmbedded => u64::from(o.u32(h, 52)).div_ceil(8) * 8,
        RecordType::FreeObjects
        | RecordType::Free
        | RecordType::End
        | RecordType::WriteByref
        | RecordType::ObjectRange
        | RecordType::Redact => 0,
    }
}

/// Logical (uncompressed) bytes a data record stands for, for the summary.
pub fn logical_len(ty: RecordType, h: &[u8], o: ByteOrder) -> u64 {
    match ty {
        RecordType::Write => o.u64(h, 32),
        RecordType::Spill => o.u64(h, 16),
        RecordType::WriteEmbedded => u64::from(o.u32(h, 48)),
        _ => 0,
    }
}

/// A named bit in a flag word.
#[derive(Debug, Clone, Copy)]
pub struct FlagName {
    pub bit: u64,
    pub name: &'static str,
    /// Lowest pool version (SPA version) whose receiver understands a stream with this
    /// feature; `None` for features that need a feature-flags pool (version 5000).
    pub min_pool_version: Option<u64>,
}

const fn feature(bit: u32, name: &'static str, min_pool_version: Option<u64>) -> FlagName {
    FlagName {
        bit: 1 << bit,
        name,
        min_pool_version,
    }
}

/// Stream feature flags (`DMU_BACKUP_FEATURE_*`, bits of `versioninfo >> 2`).
///
/// Pool versions: dedup streams came with pool v21 (`zfs send -D`), SA spill blocks
/// with system attributes (pool v24, ZPL 5); every later feature was introduced with
/// feature flags (pool version 5000) and no numbered-version receiver accepts it.
pub static FEATURES: &[FlagName] = &[
    feature(0, "DEDUP", Some(21)),
    feature(1, "DEDUPPROPS", Some(21)),
    feature(2, "SA_SPILL", Some(24)),
    feature(16, "EMBED_DATA", None),
    feature(17, "LZ4", None),
    feature(19, "LARGE_BLOCKS", None),
    feature(20, "RESUMING", None),
    feature(21, "REDACTED", None),
    feature(22, "COMPRESSED", None),
    feature(23, "LARGE_DNODE", None),
    feature(24, "RAW", None),
    feature(25, "ZSTD", None),
    feature(26, "HOLDS", None),
    feature(27, "SWITCH_TO_LARGE_BLOCKS", None),
    feature(28, "LONGNAME", None),
    feature(29, "LARGE_MICROZAP", None),
];

/// Mask of every feature bit this reader knows.
pub fn known_features_mask() -> u64 {
    FEATURES.iter().fold(0, |m, f| m | f.bit)
}

/// BEGIN `drr_flags`.
pub static BEGIN_FLAGS: &[FlagName] = &[
    FlagName {
        bit: 0x1,
        name: "CLONE",
        min_pool_version: None,
    },
    FlagName {
        bit: 0x2,
        name: "CI_DATA",
        min_pool_version: None,
    },
    FlagName {
        bit: 0x4,
        name: "FREERECORDS",
        min_pool_version: None,
    },
    FlagName {
        bit: 0x8,
        name: "SPILL_BLOCK",
        min_pool_version: None,
    },
];

/// Names of the set bits of `value`; unknown bits as `0x…`.
pub fn flag_names(value: u64, table: &[FlagName]) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = value;
    for f in table {
        if value & f.bit != 0 {
            names.push(f.name.to_string());
            rest &= !f.bit;
        }
    }
    if rest != 0 {
        names.push(format!("{rest:#x}"));
    }
    names
}

/// Feature names (of `features`) that a pool of SPA version `pool_version` cannot receive.
pub fn features_unsupported_by_pool_version(features: u64, pool_version: u64) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = features;
    for f in FEATURES {
        if features & f.bit != 0 {
            rest &= !f.bit;
            let ok = pool_version >= 5000 || f.min_pool_version.is_some_and(|v| pool_version >= v);
            if !ok {
                out.push(f.name.to_string());
            }
        }
    }
    if rest != 0 {
        out.push(format!("{rest:#x}"));
    }
    out
}

/// `dmu_objset_type_t` name.
pub fn objset_type_name(t: u32) -> &'static str {
    match t {
        0 => "none",
        1 => "meta",
        2 => "zfs",
        3 => "zvol",
        4 => "other",
        _ => "unknown",
    }
}
