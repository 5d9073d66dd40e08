//! Push-style, bounded-memory verifier of a raw ZFS send stream.
//!
//! Feed it the stream in chunks of any size ([`StreamVerifier::update`]); it frames
//! records, keeps the running fletcher-4, checks per-record and END checksums and the
//! BEGIN…END structure, and builds a [`StreamSummary`]. Memory: one 312-byte header
//! buffer plus the BEGIN nvlist being decoded (at most [`MAX_BEGIN_PAYLOAD`]); payloads
//! are checksummed in place and never copied.

use std::fmt;

use serde::Serialize;

use crate::fletcher::Fletcher4;
use crate::nvlist::{self, NvList};
use crate::record::{
    self, BEGIN_FLAGS, ByteOrder, FEATURES, HEADER_LEN, MAX_BEGIN_PAYLOAD, MAX_RECORD_PAYLOAD,
    RECORD_CHECKSUM_OFFSET, RecordType, flag_names, known_features_mask,
};

/// What is wrong with a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StreamErrorKind {
    /// Not a ZFS send stream at all (bad magic, first record not BEGIN).
    NotAStream,
    /// Checksum mismatch, bad framing, truncation, trailing data.
    Damaged,
    /// Well-formed as far as it can tell, but uses features or record types this reader
    /// does not know (newer OpenZFS, Oracle Solaris 11).
    Unsupported,
}

/// The record an error is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordRef {
    /// 0-based index of the record in the stream.
    pub index: u64,
    /// Type name (`WRITE`…), or `type N` when unknown.
    #[serde(rename = "type")]
    pub kind: String,
    /// Offset of the record header in the raw stream.
    pub offset: u64,
}

impl fmt::Display for RecordRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "record #{} ({}) at offset {}",
            self.index, self.kind, self.offset
        )
    }
}

/// A verification failure, with the raw-stream byte offset where it was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StreamError {
    pub kind: StreamErrorKind,
    /// Offset in the raw (decompressed) stream where the problem was detected.
    pub offset: u64,
    pub record: Option<RecordRef>,
    pub message: String,
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            StreamErrorKind::NotAStream => "not a ZFS send stream",
            StreamErrorKind::Damaged => "damaged stream",
            StreamErrorKind::Unsupported => "unsupported stream",
        };
        write!(f, "{what}: {} at offset {}", self.message, self.offset)?;
        if let Some(r) = &self.record {
            write!(f, " (in {r})")?;
        }
        Ok(())
    }
}

impl std::error::Error for StreamError {}

/// Record counts (or byte totals) per record type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RecordCounts {
    pub begin: u64,
    pub object: u64,
    pub freeobjects: u64,
    pub write: u64,
    pub free: u64,
    pub end: u64,
    pub write_byref: u64,
    pub spill: u64,
    pub write_embedded: u64,
    pub object_range: u64,
    pub redact: u64,
}

impl RecordCounts {
    pub fn get(&self, ty: RecordType) -> u64 {
        *self.slot_ref(ty)
    }

    fn slot_ref(&self, ty: RecordType) -> &u64 {
        match ty {
            RecordType::Begin => &self.begin,
            RecordType::Object => &self.object,
            RecordType::FreeObjects => &self.freeobjects,
            RecordType::Write => &self.write,
            RecordType::Free => &self.free,
            RecordType::End => &self.end,
            RecordType::WriteByref => &self.write_byref,
            RecordType::Spill => &self.spill,
            RecordType::WriteEmbedded => &self.write_embedded,
            RecordType::ObjectRange => &self.object_range,
            RecordType::Redact => &self.redact,
        }
    }

    fn slot(&mut self, ty: RecordType) -> &mut u64 {
        match ty {
            RecordType::Begin => &mut self.begin,
            RecordType::Object => &mut self.object,
            RecordType::FreeObjects => &mut self.freeobjects,
            RecordType::Write => &mut self.write,
            RecordType::Free => &mut self.free,
            RecordType::End => &mut self.end,
            RecordType::WriteByref => &mut self.write_byref,
            RecordType::Spill => &mut self.spill,
            RecordType::WriteEmbedded => &mut self.write_embedded,
            RecordType::ObjectRange => &mut self.object_range,
            RecordType::Redact => &mut self.redact,
        }
    }

    pub fn add(&mut self, ty: RecordType, n: u64) {
        *self.slot(ty) += n;
    }

    pub fn total(&self) -> u64 {
        RecordType::ALL.iter().map(|&t| self.get(t)).sum()
    }

    /// `B1 O30 FO3 W56 F36 E1` style, zero counts left out.
    pub fn short(&self) -> String {
        let abbrev = |t: RecordType| match t {
            RecordType::Begin => "B",
            RecordType::Object => "O",
            RecordType::FreeObjects => "FO",
            RecordType::Write => "W",
            RecordType::Free => "F",
            RecordType::End => "E",
            RecordType::WriteByref => "WBR",
            RecordType::Spill => "S",
            RecordType::WriteEmbedded => "WE",
            RecordType::ObjectRange => "OR",
            RecordType::Redact => "R",
        };
        RecordType::ALL
            .iter()
            .filter(|&&t| self.get(t) != 0)
            .map(|&t| format!("{}{}", abbrev(t), self.get(t)))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A GUID, shown and serialized as 16 hex digits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Guid(pub u64);

impl fmt::Display for Guid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

impl Serialize for Guid {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Guid {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        u64::from_str_radix(s.trim_start_matches("0x"), 16)
            .map(Guid)
            .map_err(|_| serde::de::Error::custom(format!("GUID `{s}` is not hex")))
    }
}

/// The decoded fields of a BEGIN record (and its nvlist).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BeginInfo {
    /// Offset of the BEGIN header in the raw stream.
    pub offset: u64,
    /// `drr_toname`: `pool/fs@snap`.
    pub name: String,
    /// 1 = substream, 2 = compound (package) header.
    pub hdrtype: u32,
    pub compound: bool,
    pub incremental: bool,
    pub toguid: Guid,
    pub fromguid: Guid,
    /// Snapshot creation time, seconds since the epoch.
    pub creation_time: u64,
    pub objset_type: String,
    pub features: u64,
    pub feature_names: Vec<String>,
    pub flags: u32,
    pub flag_names: Vec<String>,
    pub nvlist_encoding: Option<String>,
    pub nvlist: Option<NvList>,
    pub nvlist_error: Option<String>,
}

impl BeginInfo {
    fn decode(h: &[u8], o: ByteOrder, offset: u64) -> BeginInfo {
        let vi = o.u64(h, 16);
        let features = (vi >> 2) & ((1u64 << 56) - 1);
        let flags = o.u32(h, 36);
        let name_raw = &h[56..HEADER_LEN];
        let name_end = name_raw
            .iter()
            .position(|&c| c == 0)
            .unwrap_or(name_raw.len());
        let hdrtype = (vi & 3) as u32;
        let fromguid = o.u64(h, 48);
        BeginInfo {
            offset,
            name: String::from_utf8_lossy(&name_raw[..name_end]).into_owned(),
            hdrtype,
            compound: hdrtype == 2,
            incremental: fromguid != 0,
            toguid: Guid(o.u64(h, 40)),
            fromguid: Guid(fromguid),
            creation_time: o.u64(h, 24),
            objset_type: record::objset_type_name(o.u32(h, 32)).to_string(),
            features,
            feature_names: flag_names(features, FEATURES),
            flags,
            flag_names: flag_names(u64::from(flags), BEGIN_FLAGS),
            nvlist_encoding: None,
            nvlist: None,
            nvlist_error: None,
        }
    }

    /// The dataset part of the name (before `@`).
    pub fn dataset(&self) -> &str {
        self.name.split('@').next().unwrap_or(&self.name)
    }

    /// The snapshot part of the name (after `@`).
    pub fn snapshot(&self) -> &str {
        self.name.split_once('@').map(|(_, s)| s).unwrap_or("")
    }
}

/// Whether per-record checksums (new-format streams) were found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RecordChecksums {
    /// Old format (zfs-fuse, OpenSolaris, ZoL < 0.7): only END records carry one.
    Absent,
    Present,
    /// Some non-BEGIN records carry one and others do not (besides compound ENDs).
    Mixed,
}

/// One BEGIN…END substream.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubstreamSummary {
    #[serde(flatten)]
    pub begin: BeginInfo,
    /// Length of the substream in raw bytes, BEGIN header through END.
    pub length: u64,
    pub records: RecordCounts,
    pub payload_bytes: RecordCounts,
    /// Logical (uncompressed) bytes of WRITE, SPILL and WRITE_EMBEDDED records.
    pub logical_bytes: u64,
    pub record_checksums_checked: u64,
}

/// Everything learnt from walking a whole stream.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StreamSummary {
    pub byte_order: ByteOrder,
    /// The package header of a compound (`-R`, `-I`, `-p`) stream.
    pub compound: Option<BeginInfo>,
    pub substreams: Vec<SubstreamSummary>,
    pub records: RecordCounts,
    pub payload_bytes: RecordCounts,
    pub header_bytes: u64,
    pub logical_bytes: u64,
    /// Length of the raw stream.
    pub raw_bytes: u64,
    pub record_checksums: RecordChecksums,
    pub record_checksums_checked: u64,
    pub end_checksums_checked: u64,
    /// Field values a modern OpenZFS receiver rejects although the checksums are right
    /// (`recv_check_drr_*` rules; at most [`MAX_WARNINGS`] kept).
    pub warnings: Vec<String>,
}

/// Most semantic warnings kept in a summary.
pub const MAX_WARNINGS: usize = 20;

/// Most payload bytes of substream BEGIN nvlists decoded and kept in a summary (real
/// ones are a few hundred bytes each: resume and redaction data, crypt keys).
pub const MAX_KEPT_SUBSTREAM_NVLISTS: u64 = 16 << 20;

impl StreamSummary {
    /// GUID this stream is incremental from (first substream's `fromguid`), if any.
    pub fn origin_guid(&self) -> Option<Guid> {
        self.substreams
            .first()
            .map(|s| s.begin.fromguid)
            .filter(|g| g.0 != 0)
    }

    /// GUID of the newest snapshot of the top dataset: the `toguid` of the last
    /// substream whose dataset is the first substream's dataset.
    pub fn top_guid(&self) -> Option<Guid> {
        let first = self.substreams.first()?;
        self.substreams
            .iter()
            .rev()
            .find(|s| s.begin.dataset() == first.begin.dataset())
            .map(|s| s.begin.toguid)
    }

    /// Union of the feature bits of every BEGIN in the stream.
    pub fn all_features(&self) -> u64 {
        self.substreams
            .iter()
            .map(|s| s.begin.features)
            .chain(self.compound.iter().map(|c| c.features))
            .fold(0, |a, f| a | f)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Nothing read yet.
    Start,
    /// After a compound BEGIN: its END must follow.
    CompoundHeader,
    /// In a compound stream between substreams: BEGIN or the final END.
    Between,
    /// Inside a BEGIN…END substream.
    InSubstream { compound: bool },
    /// Complete; any further byte is trailing garbage.
    Done,
}

/// Where in a record the next input byte belongs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Header,
    Payload,
}

/// The streaming verifier. See the module documentation.
#[derive(Debug)]
pub struct StreamVerifier {
    order: Option<ByteOrder>,
    offset: u64,
    header: [u8; HEADER_LEN],
    header_fill: usize,
    phase: Phase,
    payload_left: u64,
    /// Partial 32-bit word of a payload split across chunks.
    carry: [u8; 4],
    carry_fill: usize,
    begin_payload: Option<Vec<u8>>,
    current: Option<RecordRef>,
    current_type: Option<RecordType>,
    record_index: u64,
    ck: Fletcher4,
    state: State,
    compound: Option<BeginInfo>,
    sub: Option<SubstreamSummary>,
    substreams: Vec<SubstreamSummary>,
    totals: RecordCounts,
    payload_totals: RecordCounts,
    logical_bytes: u64,
    header_bytes: u64,
    with_record_checksum: u64,
    without_record_checksum: u64,
    end_checksums_checked: u64,
    warnings: Vec<String>,
    pending_unsupported: Option<StreamError>,
    error: Option<StreamError>,
    /// What is left of [`MAX_KEPT_SUBSTREAM_NVLISTS`].
    nvlist_budget: u64,
}

impl Default for StreamVerifier {
    fn default() -> Self {
        Self::new()
    }
}

impl StreamVerifier {
    pub fn new() -> StreamVerifier {
        StreamVerifier {
            order: None,
            offset: 0,
            header: [0; HEADER_LEN],
            header_fill: 0,
            phase: Phase::Header,
            payload_left: 0,
            carry: [0; 4],
            carry_fill: 0,
            begin_payload: None,
            current: None,
            current_type: None,
            record_index: 0,
            ck: Fletcher4::ZERO,
            state: State::Start,
            compound: None,
            sub: None,
            substreams: Vec::new(),
            totals: RecordCounts::default(),
            payload_totals: RecordCounts::default(),
            logical_bytes: 0,
            header_bytes: 0,
            with_record_checksum: 0,
            without_record_checksum: 0,
            end_checksums_checked: 0,
            warnings: Vec::new(),
            pending_unsupported: None,
            error: None,
            nvlist_budget: MAX_KEPT_SUBSTREAM_NVLISTS,
        }
    }

    /// Raw bytes consumed so far.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    pub fn byte_order(&self) -> Option<ByteOrder> {
        self.order
    }

    /// True once the stream's last END has been read.
    pub fn is_complete(&self) -> bool {
        self.state == State::Done
    }

    /// The compound header, once read.
    pub fn compound_header(&self) -> Option<&BeginInfo> {
        self.compound.as_ref()
    }

    /// The BEGIN of the first substream, once it (and its nvlist) has been read.
    pub fn first_substream_begin(&self) -> Option<&BeginInfo> {
        if let Some(s) = self.substreams.first() {
            return Some(&s.begin);
        }
        let reading_nvlist =
            self.phase == Phase::Payload && self.current_type == Some(RecordType::Begin);
        match &self.sub {
            Some(s) if !reading_nvlist => Some(&s.begin),
            _ => None,
        }
    }

    /// Feed the next chunk of the raw stream.
    pub fn update(&mut self, mut data: &[u8]) -> Result<(), StreamError> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        while !data.is_empty() {
            if self.state == State::Done {
                let e = self.trailing(data);
                return Err(self.fail(e));
            }
            match self.phase {
                Phase::Header => {
                    let n = (HEADER_LEN - self.header_fill).min(data.len());
                    self.header[self.header_fill..self.header_fill + n].copy_from_slice(&data[..n]);
                    self.header_fill += n;
                    self.offset += n as u64;
                    data = &data[n..];
                    if self.header_fill == HEADER_LEN {
                        self.header_fill = 0;
                        if let Err(e) = self.on_header() {
                            return Err(self.fail(e));
                        }
                    }
                }
                Phase::Payload => {
                    let n = usize::try_from(self.payload_left)
                        .unwrap_or(usize::MAX)
                        .min(data.len());
                    self.on_payload(&data[..n]);
                    self.offset += n as u64;
                    self.payload_left -= n as u64;
                    data = &data[n..];
                    if self.payload_left == 0
                        && let Err(e) = self.end_of_payload()
                    {
                        return Err(self.fail(e));
                    }
                }
            }
        }
        Ok(())
    }

    /// The input has ended: check that the stream is complete and return its summary.
    pub fn finish(mut self) -> Result<StreamSummary, StreamError> {
        self.check_complete()?;
        Ok(self.summary())
    }

    /// Like [`finish`](Self::finish) without consuming the verifier.
    pub fn check_complete(&mut self) -> Result<(), StreamError> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        if self.state == State::Done {
            return Ok(());
        }
        let e = if self.state == State::Start
            && (self.header_fill < 16 || ByteOrder::detect(&self.header).is_none())
        {
            StreamError {
                kind: StreamErrorKind::NotAStream,
                offset: 0,
                record: None,
                message: if self.header_fill == 0 {
                    "empty input".into()
                } else {
                    format!(
                        "{} bytes without DMU_BACKUP_MAGIC at byte 8",
                        self.header_fill
                    )
                },
            }
        } else if self.phase == Phase::Header && self.header_fill > 0 {
            self.damaged(format!(
                "stream ends inside a record header ({} of {HEADER_LEN} bytes)",
                self.header_fill
            ))
            .with_record(None)
        } else if self.phase == Phase::Payload {
            self.damaged(format!(
                "stream ends inside a payload ({} bytes missing)",
                self.payload_left
            ))
        } else {
            match self.state {
                State::Start => StreamError {
                    kind: StreamErrorKind::NotAStream,
                    offset: 0,
                    record: None,
                    message: "empty input".into(),
                },
                State::CompoundHeader => self
                    .damaged("stream ends after the compound header, before its END".into())
                    .with_record(None),
                State::Between => self
                    .damaged(format!(
                        "compound stream ends without its final END (after {} substreams)",
                        self.substreams.len()
                    ))
                    .with_record(None),
                State::InSubstream { .. } => {
                    let name = self.sub.as_ref().map(|s| s.begin.name.clone());
                    self.damaged(format!(
                        "stream ends without the END of substream `{}` (truncated, or an incomplete saved stream)",
                        name.unwrap_or_default()
                    ))
                    .with_record(None)
                }
                State::Done => unreachable!("handled above"),
            }
        };
        Err(self.fail(e))
    }

    /// Summary of what has been read so far (complete after a successful finish).
    pub fn summary(&self) -> StreamSummary {
        let record_checksums = match (self.with_record_checksum, self.without_record_checksum) {
            (0, _) => RecordChecksums::Absent,
            (_, 0) => RecordChecksums::Present,
            _ => RecordChecksums::Mixed,
        };
        StreamSummary {
            byte_order: self.order.unwrap_or(ByteOrder::Little),
            compound: self.compound.clone(),
            substreams: self.substreams.clone(),
            records: self.totals,
            payload_bytes: self.payload_totals,
            header_bytes: self.header_bytes,
            logical_bytes: self.logical_bytes,
            raw_bytes: self.offset,
            record_checksums,
            record_checksums_checked: self.with_record_checksum,
            end_checksums_checked: self.end_checksums_checked,
            warnings: self.warnings.clone(),
        }
    }

    fn fail(&mut self, e: StreamError) -> StreamError {
        // A stream already known to use unknown features is reported as unsupported:
        // the damage may only be our misreading of a format we do not know.
        let e = match self.pending_unsupported.take() {
            Some(mut u) if e.kind == StreamErrorKind::Damaged => {
                u.message = format!("{}; the stream then fails to verify: {e}", u.message);
                u
            }
            _ => e,
        };
        self.error = Some(e.clone());
        e
    }

    fn damaged(&self, message: String) -> StreamError {
        StreamError {
            kind: StreamErrorKind::Damaged,
            offset: self.offset,
            record: self.current.clone(),
            message,
        }
    }

    fn trailing(&self, data: &[u8]) -> StreamError {
        let concatenated = ByteOrder::detect(data).is_some();
        StreamError {
            kind: StreamErrorKind::Damaged,
            offset: self.offset,
            record: None,
            message: if concatenated {
                "trailing data after the end of the stream: another stream starts here (concatenated streams)".into()
            } else {
                "trailing data after the end of the stream".into()
            },
        }
    }

    fn on_payload(&mut self, mut data: &[u8]) {
        let order = self.order.expect("payload only after a header");
        if let Some(buf) = &mut self.begin_payload {
            buf.extend_from_slice(data);
        }
        if self.carry_fill > 0 {
            let n = (4 - self.carry_fill).min(data.len());
            self.carry[self.carry_fill..self.carry_fill + n].copy_from_slice(&data[..n]);
            self.carry_fill += n;
            data = &data[n..];
            if self.carry_fill == 4 {
                self.ck.update(&self.carry, order);
                self.carry_fill = 0;
            }
        }
        let whole = data.len() & !3;
        self.ck.update(&data[..whole], order);
        let rest = &data[whole..];
        self.carry[..rest.len()].copy_from_slice(rest);
        self.carry_fill = rest.len();
    }

    fn end_of_payload(&mut self) -> Result<(), StreamError> {
        // ZFS checksums each payload in one call that ignores a trailing partial word.
        self.carry_fill = 0;
        self.phase = Phase::Header;
        if let Some(buf) = self.begin_payload.take() {
            let info = match (self.state, &mut self.sub, &mut self.compound) {
                (State::InSubstream { .. }, Some(sub), _) => &mut sub.begin,
                (_, _, Some(c)) => c,
                _ => return Ok(()),
            };
            match nvlist::unpack(&buf) {
                Ok((enc, list)) => {
                    info.nvlist_encoding = Some(enc.name().to_string());
                    info.nvlist = Some(list);
                }
                Err(e) => info.nvlist_error = Some(e.to_string()),
            }
        }
        Ok(())
    }

    fn on_header(&mut self) -> Result<(), StreamError> {
        let rec_offset = self.offset - HEADER_LEN as u64;
        let index = self.record_index;
        self.record_index += 1;
        self.header_bytes += HEADER_LEN as u64;
        let h = self.header;
        let order = match self.order {
            Some(o) => o,
            None => {
                let Some(o) = ByteOrder::detect(&h) else {
                    return Err(StreamError {
                        kind: StreamErrorKind::NotAStream,
                        offset: 8,
                        record: None,
                        message: "no DMU_BACKUP_MAGIC at byte 8 of the first record".into(),
                    });
                };
                self.order = Some(o);
                o
            }
        };
        let raw_type = order.u32(&h, 0);
        let mut rref = RecordRef {
            index,
            kind: RecordType::from_u32(raw_type)
                .map(|t| t.name().to_string())
                .unwrap_or_else(|| format!("type {raw_type}")),
            offset: rec_offset,
        };
        self.current = Some(rref.clone());
        if index == 0 && raw_type != RecordType::Begin as u32 {
            return Err(StreamError {
                kind: StreamErrorKind::NotAStream,
                offset: 0,
                record: Some(rref),
                message: "the first record is not a BEGIN record".into(),
            });
        }

        // Checksum rules (zfs-send-stream.md §7.3).
        let before = self.ck;
        if raw_type == RecordType::Begin as u32 {
            self.ck = Fletcher4::ZERO;
        }
        self.ck.update(&h[..RECORD_CHECKSUM_OFFSET], order);
        let mut record_checksum_ok = false;
        if raw_type != RecordType::Begin as u32 {
            let stored = order.words4(&h, RECORD_CHECKSUM_OFFSET);
            if stored != [0; 4] {
                if stored != self.ck.words() {
                    return Err(self.damaged_at(
                        rec_offset + RECORD_CHECKSUM_OFFSET as u64,
                        &rref,
                        format!(
                            "record checksum mismatch (stored {}, computed {})",
                            hex4(stored),
                            hex4(self.ck.words())
                        ),
                    ));
                }
                record_checksum_ok = true;
            }
        }
        self.ck.update(&h[RECORD_CHECKSUM_OFFSET..], order);

        let Some(ty) = RecordType::from_u32(raw_type) else {
            // With a verified record checksum (or a small number) this is a record type
            // from a newer ZFS; a huge number means the stream is mis-framed.
            let kind = if record_checksum_ok || raw_type < 64 {
                StreamErrorKind::Unsupported
            } else {
                StreamErrorKind::Damaged
            };
            return Err(StreamError {
                kind,
                offset: rec_offset,
                record: Some(rref),
                message: format!("unknown record type {raw_type}"),
            });
        };

        if ty != RecordType::Begin && ty != RecordType::End {
            if record_checksum_ok {
                self.with_record_checksum += 1;
            } else {
                self.without_record_checksum += 1;
            }
        }

        let payload = record::payload_len(ty, &h, order);
        let limit = if ty == RecordType::Begin {
            MAX_BEGIN_PAYLOAD
        } else {
            MAX_RECORD_PAYLOAD
        };
        if payload > limit {
            return Err(self.damaged_at(
                rec_offset,
                &rref,
                format!("payload length {payload} exceeds the limit of {limit} bytes"),
            ));
        }

        match ty {
            RecordType::Begin => self.on_begin(&h, order, rec_offset, &rref)?,
            RecordType::End => {
                let stored = order.words4(&h, 8);
                if stored != before.words() {
                    return Err(self.damaged_at(
                        rec_offset + 8,
                        &rref,
                        format!(
                            "END checksum mismatch (stored {}, computed {})",
                            hex4(stored),
                            hex4(before.words())
                        ),
                    ));
                }
                self.end_checksums_checked += 1;
                self.on_end(&h, order, rec_offset, &rref)?;
                self.ck = Fletcher4::ZERO;
            }
            _ => {
                if !matches!(self.state, State::InSubstream { .. }) {
                    rref.kind = ty.name().to_string();
                    return Err(self.damaged_at(
                        rec_offset,
                        &rref,
                        format!("{ty} record outside a BEGIN…END substream"),
                    ));
                }
            }
        }

        if self.warnings.len() < MAX_WARNINGS
            && let Some(sub) = &self.sub
            && let Some(w) = semantic_problem(ty, &h, order, sub.begin.features)
        {
            self.warnings.push(format!("{w} (in {rref})"));
        }
        self.totals.add(ty, 1);
        self.payload_totals.add(ty, payload);
        // A logical size is an untrusted u64 (a compressed WRITE may claim 2^64-1
        // bytes for an 8-byte payload): the totals saturate instead of overflowing.
        let logical = record::logical_len(ty, &h, order);
        self.logical_bytes = self.logical_bytes.saturating_add(logical);
        if let Some(sub) = &mut self.sub {
            sub.records.add(ty, 1);
            sub.payload_bytes.add(ty, payload);
            sub.logical_bytes = sub.logical_bytes.saturating_add(logical);
            if record_checksum_ok {
                sub.record_checksums_checked += 1;
            }
        }
        if ty == RecordType::End
            && let Some(mut sub) = self.sub.take()
        {
            sub.length = self.offset - sub.begin.offset;
            self.substreams.push(sub);
        }

        self.current_type = Some(ty);
        if payload > 0 {
            self.phase = Phase::Payload;
            self.payload_left = payload;
            self.carry_fill = 0;
        }
        Ok(())
    }

    fn on_begin(
        &mut self,
        h: &[u8; HEADER_LEN],
        order: ByteOrder,
        rec_offset: u64,
        rref: &RecordRef,
    ) -> Result<(), StreamError> {
        let info = BeginInfo::decode(h, order, rec_offset);
        let compound = match (self.state, info.hdrtype) {
            (State::Start, 1) => false,
            (State::Start, 2) => true,
            (_, 1 | 2) if matches!(self.state, State::InSubstream { .. }) => {
                return Err(self.damaged_at(
                    rec_offset,
                    rref,
                    "BEGIN inside a substream (missing END)".into(),
                ));
            }
            (State::Between, 1) => true,
            (State::Between | State::CompoundHeader, 2) => {
                return Err(self.damaged_at(
                    rec_offset,
                    rref,
                    "compound-stream BEGIN not at the start of the stream".into(),
                ));
            }
            (State::CompoundHeader, _) => {
                return Err(self.damaged_at(
                    rec_offset,
                    rref,
                    "the compound header is not followed by its END".into(),
                ));
            }
            (_, t) => {
                return Err(self.damaged_at(
                    rec_offset + 16,
                    rref,
                    format!("invalid BEGIN header type {t} (expected 1 or 2)"),
                ));
            }
        };
        if order.u64(h, 8) != record::BACKUP_MAGIC {
            return Err(self.damaged_at(rec_offset + 8, rref, "bad magic in BEGIN".into()));
        }
        let unknown = info.features & !known_features_mask();
        if unknown != 0 && self.pending_unsupported.is_none() {
            self.pending_unsupported = Some(StreamError {
                kind: StreamErrorKind::Unsupported,
                offset: rec_offset + 16,
                record: Some(rref.clone()),
                message: format!(
                    "unknown feature flags {unknown:#x} in `{}` (not OpenZFS: Oracle Solaris 11, or newer than this reader)",
                    info.name
                ),
            });
        }
        let mut info = info;
        let payload = u64::from(order.u32(h, 4));
        if payload != 0 {
            // The package header's nvlist is always decoded (it is bounded by the payload
            // limit); substream nvlists only while the stream's total stays under a budget.
            // Else a small compressed file of many substreams, each with a 64 MiB nvlist
            // of zeros, would keep gigabytes in the summary.
            if info.hdrtype == 2 || payload <= self.nvlist_budget {
                if info.hdrtype != 2 {
                    self.nvlist_budget -= payload;
                }
                self.begin_payload = Some(Vec::new());
            } else {
                info.nvlist_error = Some(format!(
                    "not decoded: the substream nvlists of this stream exceed {} MiB in total",
                    MAX_KEPT_SUBSTREAM_NVLISTS >> 20
                ));
            }
        }
        if info.hdrtype == 2 {
            self.compound = Some(info);
            self.state = State::CompoundHeader;
        } else {
            self.sub = Some(SubstreamSummary {
                begin: info,
                length: 0,
                records: RecordCounts::default(),
                payload_bytes: RecordCounts::default(),
                logical_bytes: 0,
                record_checksums_checked: 0,
            });
            self.state = State::InSubstream { compound };
        }
        Ok(())
    }

    fn on_end(
        &mut self,
        h: &[u8; HEADER_LEN],
        order: ByteOrder,
        rec_offset: u64,
        rref: &RecordRef,
    ) -> Result<(), StreamError> {
        // The END header itself is covered by no checksum in old streams (its stored
        // value is for the bytes before it), so its unused bytes must be zero.
        let unused_end = if self.state == State::Between {
            // The conclusion record: 312 zero bytes but the type.
            h[4..].iter().position(|&b| b != 0).map(|p| p + 4)
        } else {
            h[4..8]
                .iter()
                .position(|&b| b != 0)
                .map(|p| p + 4)
                .or_else(|| {
                    h[48..RECORD_CHECKSUM_OFFSET]
                        .iter()
                        .position(|&b| b != 0)
                        .map(|p| p + 48)
                })
        };
        if let Some(at) = unused_end {
            return Err(self.damaged_at(
                rec_offset + at as u64,
                rref,
                format!("nonzero byte {at} in the unused part of an END record"),
            ));
        }
        match self.state {
            State::CompoundHeader => {
                // libzfs writes the package header's END with toguid 0.
                if order.u64(h, 40) != 0 {
                    return Err(self.damaged_at(
                        rec_offset + 40,
                        rref,
                        "nonzero toguid in the END of a compound header".into(),
                    ));
                }
                self.state = State::Between;
            }
            State::Between => self.state = State::Done,
            State::InSubstream { compound } => {
                let toguid = order.u64(h, 40);
                let begin_guid = self.sub.as_ref().map(|s| s.begin.toguid.0).unwrap_or(0);
                if toguid != begin_guid {
                    return Err(self.damaged_at(
                        rec_offset + 40,
                        rref,
                        format!(
                            "END toguid {toguid:016x} differs from the BEGIN toguid {begin_guid:016x}"
                        ),
                    ));
                }
                self.state = if compound {
                    State::Between
                } else {
                    State::Done
                };
            }
            State::Start | State::Done => {
                return Err(self.damaged_at(rec_offset, rref, "END outside a substream".into()));
            }
        }
        if self.state == State::Done
            && let Some(u) = self.pending_unsupported.take()
        {
            // The whole stream checks out, so the unknown features are real.
            return Err(u);
        }
        Ok(())
    }

    fn damaged_at(&self, offset: u64, rref: &RecordRef, message: String) -> StreamError {
        StreamError {
            kind: StreamErrorKind::Damaged,
            offset,
            record: Some(rref.clone()),
            message,
        }
    }
}

impl StreamError {
    fn with_record(mut self, record: Option<RecordRef>) -> StreamError {
        self.record = record;
        self
    }
}

/// The pool-independent field checks of a modern receiver (zfs-send-stream.md §10).
fn semantic_problem(ty: RecordType, h: &[u8], o: ByteOrder, features: u64) -> Option<String> {
    const LARGE_BLOCKS: u64 = 1 << 19;
    const EMBED_DATA: u64 = 1 << 16;
    const COMPRESSED: u64 = 1 << 22;
    const LARGE_DNODE: u64 = 1 << 23;
    const RAW: u64 = 1 << 24;
    const SMALL_MAX: u64 = 128 << 10;
    let has = |f: u64| features & f != 0;
    match ty {
        RecordType::Write => {
            let lsize = o.u64(h, 32);
            let comp = h[50];
            let csize = o.u64(h, 96);
            if !(512..=MAX_RECORD_PAYLOAD).contains(&lsize) {
                return Some(format!("WRITE logical size {lsize} out of [512, 16M]"));
            }
            if lsize > SMALL_MAX && !has(LARGE_BLOCKS) {
                return Some(format!(
                    "WRITE of {lsize} bytes without the LARGE_BLOCKS feature"
                ));
            }
            if has(RAW) {
                if csize == 0 {
                    return Some("raw WRITE with compressed size 0".into());
                }
            } else if comp != 0 {
                if !has(COMPRESSED) {
                    return Some("compressed WRITE without the COMPRESSED feature".into());
                }
                if csize == 0 || csize > lsize {
                    return Some(format!(
                        "compressed WRITE with compressed size {csize} for logical size {lsize}"
                    ));
                }
            }
            None
        }
        RecordType::WriteEmbedded => {
            let psize = o.u32(h, 52);
            if !has(EMBED_DATA) {
                Some("WRITE_EMBEDDED without the EMBED_DATA feature".into())
            } else if psize > 112 {
                Some(format!("WRITE_EMBEDDED payload size {psize} above 112"))
            } else {
                None
            }
        }
        RecordType::Object => {
            let blksz = u64::from(o.u32(h, 24));
            let slots = h[34];
            if blksz % 512 != 0 || !(512..=MAX_RECORD_PAYLOAD).contains(&blksz) {
                Some(format!("OBJECT block size {blksz} invalid"))
            } else if blksz > SMALL_MAX && !has(LARGE_BLOCKS) {
                Some(format!(
                    "OBJECT block size {blksz} without the LARGE_BLOCKS feature"
                ))
            } else if slots > 1 && !has(LARGE_DNODE) {
                Some(format!(
                    "OBJECT with {slots} dnode slots without the LARGE_DNODE feature"
                ))
            } else {
                None
            }
        }
        RecordType::ObjectRange if !has(RAW) => {
            Some("OBJECT_RANGE in a stream without the RAW feature".into())
        }
        _ => None,
    }
}

fn hex4(w: [u64; 4]) -> String {
    format!("{:x}:{:x}:{:x}:{:x}", w[0], w[1], w[2], w[3])
}
