//! Decoder for packed nvlists (BEGIN payloads): XDR and NATIVE encodings.
//!
//! Only what a send stream carries needs to decode well, but any input must fail
//! cleanly: every read is bounds-checked and nesting depth is limited.

use std::fmt;

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use crate::record::ByteOrder;

const MAX_DEPTH: usize = 32;

/// A decoded nvlist: name/value pairs in stream order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NvList(pub Vec<(String, NvValue)>);

/// A decoded nvpair value.
#[derive(Debug, Clone, PartialEq)]
pub enum NvValue {
    /// `DATA_TYPE_BOOLEAN`: presence only.
    Flag,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Double(f64),
    String(String),
    Bytes(Vec<u8>),
    IntArray(Vec<i64>),
    UintArray(Vec<u64>),
    BoolArray(Vec<bool>),
    StringArray(Vec<String>),
    List(NvList),
    ListArray(Vec<NvList>),
}

impl NvList {
    pub fn get(&self, name: &str) -> Option<&NvValue> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    pub fn get_str(&self, name: &str) -> Option<&str> {
        match self.get(name)? {
            NvValue::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn get_list(&self, name: &str) -> Option<&NvList> {
        match self.get(name)? {
            NvValue::List(l) => Some(l),
            _ => None,
        }
    }
}

impl Serialize for NvList {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl Serialize for NvValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            NvValue::Flag => s.serialize_bool(true),
            NvValue::Bool(b) => s.serialize_bool(*b),
            NvValue::Int(v) => s.serialize_i64(*v),
            NvValue::Uint(v) => s.serialize_u64(*v),
            NvValue::Double(v) => s.serialize_f64(*v),
            NvValue::String(v) => s.serialize_str(v),
            NvValue::Bytes(v) => {
                let hex: String = v.iter().map(|b| format!("{b:02x}")).collect();
                s.serialize_str(&hex)
            }
            NvValue::IntArray(v) => v.serialize(s),
            NvValue::UintArray(v) => v.serialize(s),
            NvValue::BoolArray(v) => v.serialize(s),
            NvValue::StringArray(v) => v.serialize(s),
            NvValue::List(l) => l.serialize(s),
            NvValue::ListArray(ls) => {
                let mut seq = s.serialize_seq(Some(ls.len()))?;
                for l in ls {
                    seq.serialize_element(l)?;
                }
                seq.end()
            }
        }
    }
}

/// Why a packed nvlist did not decode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NvError {
    /// Offset within the packed nvlist.
    pub offset: usize,
    pub message: String,
}

impl fmt::Display for NvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "nvlist byte {}: {}", self.offset, self.message)
    }
}

impl std::error::Error for NvError {}

/// Encoding of a packed nvlist (first header byte).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NvEncoding {
    Native(ByteOrder),
    Xdr,
}

impl NvEncoding {
    pub fn name(self) -> &'static str {
        match self {
            NvEncoding::Native(_) => "native",
            NvEncoding::Xdr => "xdr",
        }
    }
}

/// Decode a packed nvlist (4-byte header + body).
pub fn unpack(buf: &[u8]) -> Result<(NvEncoding, NvList), NvError> {
    if buf.len() < 4 {
        return Err(err(0, "shorter than the 4-byte nvlist header"));
    }
    let encoding = match (buf[0], buf[1]) {
        (1, _) => NvEncoding::Xdr,
        (0, 1) => NvEncoding::Native(ByteOrder::Little),
        (0, 0) => NvEncoding::Native(ByteOrder::Big),
        (e, o) => return Err(err(0, format!("unknown encoding {e} / byte order {o}"))),
    };
    let mut cur = Cursor { buf, pos: 4 };
    let list = match encoding {
        NvEncoding::Xdr => xdr_list(&mut cur, 0)?,
        NvEncoding::Native(order) => {
            cur.take(8)?; // version, nvflag
            native_pairs(&mut cur, order, 0)?
        }
    };
    Ok((encoding, list))
}

fn err(offset: usize, message: impl Into<String>) -> NvError {
    NvError {
        offset,
        message: message.into(),
    }
}

struct Cursor<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], NvError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.buf.len())
            .ok_or_else(|| err(self.pos, format!("needs {n} more bytes past the end")))?;
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    fn be_u32(&mut self) -> Result<u32, NvError> {
        Ok(u32::from_be_bytes(self.take(4)?.try_into().expect("4")))
    }

    fn be_u64(&mut self) -> Result<u64, NvError> {
        Ok(u64::from_be_bytes(self.take(8)?.try_into().expect("8")))
    }

    fn align(&mut self, to: usize) -> Result<(), NvError> {
        let pad = (to - self.pos % to) % to;
        self.take(pad).map(|_| ())
    }

    /// An element count, bounded by what the rest of the buffer could hold.
    fn count(&self, n: u64, elem_min: usize) -> Result<usize, NvError> {
        let n = usize::try_from(n).map_err(|_| err(self.pos, "element count too large"))?;
        if n.saturating_mul(elem_min.max(1)) > self.remaining() {
            return Err(err(self.pos, format!("element count {n} exceeds the data")));
        }
        Ok(n)
    }
}

// Data types (nvpair.h).
const BOOLEAN: u32 = 1;
const BYTE: u32 = 2;
const INT16: u32 = 3;
const UINT16: u32 = 4;
const INT32: u32 = 5;
const UINT32: u32 = 6;
const INT64: u32 = 7;
const UINT64: u32 = 8;
const STRING: u32 = 9;
const BYTE_ARRAY: u32 = 10;
const INT16_ARRAY: u32 = 11;
const UINT16_ARRAY: u32 = 12;
const INT32_ARRAY: u32 = 13;
const UINT32_ARRAY: u32 = 14;
const INT64_ARRAY: u32 = 15;
const UINT64_ARRAY: u32 = 16;
const STRING_ARRAY: u32 = 17;
const HRTIME: u32 = 18;
const NVLIST: u32 = 19;
const NVLIST_ARRAY: u32 = 20;
const BOOLEAN_VALUE: u32 = 21;
const INT8: u32 = 22;
const UINT8: u32 = 23;
const BOOLEAN_ARRAY: u32 = 24;
const INT8_ARRAY: u32 = 25;
const UINT8_ARRAY: u32 = 26;
const DOUBLE: u32 = 27;

fn xdr_string(cur: &mut Cursor<'_>) -> Result<String, NvError> {
    let len = cur.be_u32()? as usize;
    let bytes = cur.take(len)?;
    cur.align(4)?;
    Ok(String::from_utf8_lossy(bytes).into_owned())
}

fn xdr_list(cur: &mut Cursor<'_>, depth: usize) -> Result<NvList, NvError> {
    if depth > MAX_DEPTH {
        return Err(err(cur.pos, "nvlists nested too deeply"));
    }
    cur.take(8)?; // version, nvflag
    let mut pairs = Vec::new();
    loop {
        let start = cur.pos;
        let encoded = cur.be_u32()? as usize;
        let decoded = cur.be_u32()?;
        if encoded == 0 && decoded == 0 {
            return Ok(NvList(pairs));
        }
        let name = xdr_string(cur)?;
        let ty = cur.be_u32()?;
        let nelem = u64::from(cur.be_u32()?);
        let value = match ty {
            BOOLEAN => NvValue::Flag,
            BOOLEAN_VALUE => NvValue::Bool(cur.be_u32()? != 0),
            BYTE | UINT8 | UINT16 | UINT32 => NvValue::Uint(u64::from(cur.be_u32()?)),
            INT8 | INT16 | INT32 => NvValue::Int(i64::from(cur.be_u32()? as i32)),
            INT64 | HRTIME => NvValue::Int(cur.be_u64()? as i64),
            UINT64 => NvValue::Uint(cur.be_u64()?),
            DOUBLE => NvValue::Double(f64::from_bits(cur.be_u64()?)),
            STRING => NvValue::String(xdr_string(cur)?),
            BYTE_ARRAY => {
                let n = cur.count(nelem, 1)?;
                let b = cur.take(n)?.to_vec();
                cur.align(4)?;
                NvValue::Bytes(b)
            }
            INT8_ARRAY | INT16_ARRAY | INT32_ARRAY => {
                let declared = u64::from(cur.be_u32()?);
                let n = cur.count(declared, 4)?;
                let v = (0..n)
                    .map(|_| cur.be_u32().map(|x| i64::from(x as i32)))
                    .collect::<Result<_, _>>()?;
                NvValue::IntArray(v)
            }
            UINT8_ARRAY | UINT16_ARRAY | UINT32_ARRAY => {
                let declared = u64::from(cur.be_u32()?);
                let n = cur.count(declared, 4)?;
                let v = (0..n)
                    .map(|_| cur.be_u32().map(u64::from))
                    .collect::<Result<_, _>>()?;
                NvValue::UintArray(v)
            }
            BOOLEAN_ARRAY => {
                let declared = u64::from(cur.be_u32()?);
                let n = cur.count(declared, 4)?;
                let v = (0..n)
                    .map(|_| cur.be_u32().map(|x| x != 0))
                    .collect::<Result<_, _>>()?;
                NvValue::BoolArray(v)
            }
            INT64_ARRAY => {
                let declared = u64::from(cur.be_u32()?);
                let n = cur.count(declared, 8)?;
                let v = (0..n)
                    .map(|_| cur.be_u64().map(|x| x as i64))
                    .collect::<Result<_, _>>()?;
                NvValue::IntArray(v)
            }
            UINT64_ARRAY => {
                let declared = u64::from(cur.be_u32()?);
                let n = cur.count(declared, 8)?;
                let v = (0..n).map(|_| cur.be_u64()).collect::<Result<_, _>>()?;
                NvValue::UintArray(v)
            }
            STRING_ARRAY => {
                let declared = u64::from(cur.be_u32()?);
                let n = cur.count(declared, 4)?;
                let v = (0..n).map(|_| xdr_string(cur)).collect::<Result<_, _>>()?;
                NvValue::StringArray(v)
            }
            NVLIST => NvValue::List(xdr_list(cur, depth + 1)?),
            NVLIST_ARRAY => {
                let n = cur.count(nelem, 16)?;
                let v = (0..n)
                    .map(|_| xdr_list(cur, depth + 1))
                    .collect::<Result<_, _>>()?;
                NvValue::ListArray(v)
            }
            other => {
                // Unknown type: the encoded size lets us step over it.
                let end = start
                    .checked_add(encoded)
                    .filter(|&e| e >= cur.pos && e <= cur.buf.len())
                    .ok_or_else(|| err(start, format!("pair `{name}` of unknown type {other}")))?;
                cur.pos = end;
                continue;
            }
        };
        pairs.push((name, value));
    }
}

fn native_pairs(cur: &mut Cursor<'_>, o: ByteOrder, depth: usize) -> Result<NvList, NvError> {
    if depth > MAX_DEPTH {
        return Err(err(cur.pos, "nvlists nested too deeply"));
    }
    let mut pairs = Vec::new();
    loop {
        let start = cur.pos;
        let size_bytes = cur.take(4)?;
        let size = o.u32(size_bytes, 0) as usize;
        if size == 0 {
            return Ok(NvList(pairs));
        }
        cur.pos = start;
        let pair = cur.take(size)?;
        if size < 16 {
            return Err(err(start, format!("nvpair size {size} below 16")));
        }
        let name_sz = o.u16(pair, 4) as usize;
        let nelem = u64::from(o.u32(pair, 8));
        let ty = o.u32(pair, 12);
        let name_end = 16usize
            .checked_add(name_sz)
            .filter(|&e| e <= size && name_sz > 0)
            .ok_or_else(|| err(start, "nvpair name runs past the pair"))?;
        let name_raw = &pair[16..name_end];
        let name =
            String::from_utf8_lossy(name_raw.strip_suffix(&[0]).unwrap_or(name_raw)).into_owned();
        let voff = name_end.div_ceil(8) * 8;
        let value = pair.get(voff..).unwrap_or(&[]);
        let need = |n: usize| -> Result<&[u8], NvError> {
            value
                .get(..n)
                .ok_or_else(|| err(start, format!("value of `{name}` is truncated")))
        };
        let elems = |w: usize| -> Result<usize, NvError> {
            let n = usize::try_from(nelem).unwrap_or(usize::MAX);
            if n.saturating_mul(w) > value.len() {
                return Err(err(start, format!("array `{name}` exceeds its pair")));
            }
            Ok(n)
        };
        let cstr = |b: &[u8]| -> String {
            let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
            String::from_utf8_lossy(&b[..end]).into_owned()
        };
        let v = match ty {
            BOOLEAN => NvValue::Flag,
            BOOLEAN_VALUE => NvValue::Bool(o.u32(need(4)?, 0) != 0),
            BYTE | UINT8 => NvValue::Uint(u64::from(need(1)?[0])),
            INT8 => NvValue::Int(i64::from(need(1)?[0] as i8)),
            INT16 => NvValue::Int(i64::from(o.u16(need(2)?, 0) as i16)),
            UINT16 => NvValue::Uint(u64::from(o.u16(need(2)?, 0))),
            INT32 => NvValue::Int(i64::from(o.u32(need(4)?, 0) as i32)),
            UINT32 => NvValue::Uint(u64::from(o.u32(need(4)?, 0))),
            INT64 | HRTIME => NvValue::Int(o.u64(need(8)?, 0) as i64),
            UINT64 => NvValue::Uint(o.u64(need(8)?, 0)),
            DOUBLE => NvValue::Double(f64::from_bits(o.u64(need(8)?, 0))),
            STRING => NvValue::String(cstr(value)),
            BYTE_ARRAY | UINT8_ARRAY => NvValue::Bytes(value[..elems(1)?].to_vec()),
            INT8_ARRAY => NvValue::IntArray(
                value[..elems(1)?]
                    .iter()
                    .map(|&b| i64::from(b as i8))
                    .collect(),
            ),
            INT16_ARRAY => NvValue::IntArray(
                (0..elems(2)?)
                    .map(|i| i64::from(o.u16(value, 2 * i) as i16))
                    .collect(),
            ),
            UINT16_ARRAY => NvValue::UintArray(
                (0..elems(2)?)
                    .map(|i| u64::from(o.u16(value, 2 * i)))
                    .collect(),
            ),
            INT32_ARRAY => NvValue::IntArray(
                (0..elems(4)?)
                    .map(|i| i64::from(o.u32(value, 4 * i) as i32))
                    .collect(),
            ),
            UINT32_ARRAY => NvValue::UintArray(
                (0..elems(4)?)
                    .map(|i| u64::from(o.u32(value, 4 * i)))
                    .collect(),
            ),
            BOOLEAN_ARRAY => {
                NvValue::BoolArray((0..elems(4)?).map(|i| o.u32(value, 4 * i) != 0).collect())
            }
            INT64_ARRAY => {
                NvValue::IntArray((0..elems(8)?).map(|i| o.u64(value, 8 * i) as i64).collect())
            }
            UINT64_ARRAY => {
                NvValue::UintArray((0..elems(8)?).map(|i| o.u64(value, 8 * i)).collect())
            }
            STRING_ARRAY => {
                // nelem pointer slots (8 bytes each), then the NUL-terminated strings.
                let n = elems(8)?;
                let mut rest = &value[8 * n..];
                let mut v = Vec::with_capacity(n);
                for _ in 0..n {
                    let end = rest
                        .iter()
                        .position(|&c| c == 0)
                        .ok_or_else(|| err(start, format!("string array `{name}` truncated")))?;
                    v.push(String::from_utf8_lossy(&rest[..end]).into_owned());
                    rest = &rest[end + 1..];
                }
                NvValue::StringArray(v)
            }
            // The embedded lists' pairs follow this pair, each list ending in 4 zero bytes.
            NVLIST => NvValue::List(native_pairs(cur, o, depth + 1)?),
            NVLIST_ARRAY => {
                let n = elems(8)?;
                let v = (0..n)
                    .map(|_| native_pairs(cur, o, depth + 1))
                    .collect::<Result<_, _>>()?;
                NvValue::ListArray(v)
            }
            // Unknown types: the pair's own size already stepped over the value.
            _ => continue,
        };
        pairs.push((name, v));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn native_example_from_the_notes() {
        // 00 01 00 00 | version 0, nvflag 1 | pair: size 40, name_sz 13, nelem 1,
        // type 16 (UINT64_ARRAY), "redact_snaps\0" + pad, one u64 | terminator.
        let mut b = vec![0u8, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0];
        b.extend_from_slice(&40u32.to_le_bytes());
        b.extend_from_slice(&13u16.to_le_bytes());
        b.extend_from_slice(&0u16.to_le_bytes());
        b.extend_from_slice(&1u32.to_le_bytes());
        b.extend_from_slice(&16u32.to_le_bytes());
        b.extend_from_slice(b"redact_snaps\0\0\0\0");
        b.extend_from_slice(&0x1234u64.to_le_bytes());
        b.extend_from_slice(&[0, 0, 0, 0]);
        let (enc, list) = unpack(&b).unwrap();
        assert_eq!(enc, NvEncoding::Native(ByteOrder::Little));
        assert_eq!(
            list.get("redact_snaps"),
            Some(&NvValue::UintArray(vec![0x1234]))
        );
    }

    #[test]
    fn garbage_never_panics() {
        for len in 0..64 {
            let b: Vec<u8> = (0..len).map(|i| (i * 37 % 256) as u8).collect();
            let _ = unpack(&b);
            let mut x = b.clone();
            if !x.is_empty() {
                x[0] = 1;
            }
            let _ = unpack(&x);
        }
    }
}
