//! Property tests: arbitrary and mutated input never panics, never allocates beyond
//! the documented bounds, and chunking never changes the verdict.

use std::io::Read;
use std::path::Path;

use proptest::prelude::*;
use zflash_archive::{Archive, StreamVerifier, nvlist};

fn raw(rel: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/streams")
        .join(rel);
    let mut v = Vec::new();
    Archive::open(&p)
        .unwrap()
        .reader_with(false)
        .unwrap()
        .read_to_end(&mut v)
        .unwrap();
    v
}

fn run(bytes: &[u8], chunk: usize) -> Result<String, String> {
    let mut v = StreamVerifier::new();
    for c in bytes.chunks(chunk.max(1)) {
        v.update(c).map_err(|e| e.to_string())?;
    }
    v.finish()
        .map(|s| format!("{} {}", s.records.short(), s.raw_bytes))
        .map_err(|e| e.to_string())
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Truncate(usize),
    Insert(usize, Vec<u8>),
    Overwrite(usize, u64),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 0u8..8).prop_map(|(at, bit)| Mutation::Flip(at, bit)),
        any::<usize>().prop_map(Mutation::Truncate),
        (
            any::<usize>(),
            proptest::collection::vec(any::<u8>(), 1..16)
        )
            .prop_map(|(at, b)| Mutation::Insert(at, b)),
        (any::<usize>(), any::<u64>()).prop_map(|(at, v)| Mutation::Overwrite(at, v)),
    ]
}

fn apply(base: &[u8], muts: &[Mutation]) -> Vec<u8> {
    let mut b = base.to_vec();
    for m in muts {
        if b.is_empty() {
            break;
        }
        match m {
            Mutation::Flip(at, bit) => {
                let i = at % b.len();
                b[i] ^= 1 << bit;
            }
            Mutation::Truncate(at) => b.truncate(at % b.len()),
            Mutation::Insert(at, bytes) => {
                let i = at % b.len();
                b.splice(i..i, bytes.iter().copied());
            }
            Mutation::Overwrite(at, v) => {
                // Aligned u64 overwrite: hits length and type fields.
                let i = (at % b.len()) & !7;
                let end = (i + 8).min(b.len());
                b[i..end].copy_from_slice(&v.to_le_bytes()[..end - i]);
            }
        }
    }
    b
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, .. ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096), chunk in 1usize..700) {
        let _ = run(&bytes, chunk);
        let _ = nvlist::unpack(&bytes);
    }

    #[test]
    fn random_bytes_after_a_valid_begin_never_panic(tail in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let base = raw("zfs-fuse/empty.zs");
        let mut b = base[..312].to_vec();
        b.extend_from_slice(&tail);
        prop_assert!(run(&b, 1000).is_err());
    }

    #[test]
    fn mutated_streams_never_panic_and_are_rejected(muts in proptest::collection::vec(mutation(), 1..4), chunk in 1usize..5000) {
        let base = raw("zfs-fuse/empty.zs");
        let bad = apply(&base, &muts);
        let result = run(&bad, chunk);
        if bad != base {
            prop_assert!(result.is_err(), "mutation {:?} not detected", muts);
        }
    }

    #[test]
    fn mutated_new_format_streams_never_panic(muts in proptest::collection::vec(mutation(), 1..4)) {
        let base = raw("openzfs/little-endian-all-drr-types-incr-NATIVE.zsend.zst");
        let bad = apply(&base, &muts);
        let _ = run(&bad, 65536);
    }

    #[test]
    fn chunking_never_changes_the_verdict(chunk in 64usize..20000) {
        let base = raw("zfs-fuse/rep.zs");
        prop_assert_eq!(run(&base, chunk), run(&base, base.len()));
    }

    #[test]
    fn nvlist_mutations_never_panic(muts in proptest::collection::vec(mutation(), 1..6)) {
        let base = raw("openzfs/little-endian-all-drr-types-incr-NATIVE.zsend.zst");
        // The compound header's XDR nvlist sits right after the first header.
        let len = u32::from_le_bytes(base[4..8].try_into().unwrap()) as usize;
        let nv = &base[312..312 + len];
        let _ = nvlist::unpack(&apply(nv, &muts));
    }
}

#[test]
fn a_header_promising_a_huge_payload_fails_before_allocating() {
    // BEGIN with payloadlen 0xffffffff: refused from the header (limit 64 MiB).
    let mut b = raw("zfs-fuse/empty.zs")[..312].to_vec();
    b[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
    let mut v = StreamVerifier::new();
    let e = v.update(&b).unwrap_err();
    assert!(e.message.contains("exceeds the limit"), "{e}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    /// Random files under every suffix, with and without a compressor's magic, are
    /// rejected with an error and never panic.
    #[test]
    fn random_archives_are_rejected(
        body in proptest::collection::vec(any::<u8>(), 0..3000),
        magic in 0usize..3,
        suffix in 0usize..4,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let name = ["a.zfs.zst", "a.zfs.gz", "a.zfs", "a.bin"][suffix];
        let prefix: &[u8] = [&[0x28u8, 0xb5, 0x2f, 0xfd][..], &[0x1f, 0x8b, 8, 0][..], &[][..]][magic];
        let mut bytes = prefix.to_vec();
        bytes.extend_from_slice(&body);
        let p = dir.path().join(name);
        std::fs::write(&p, &bytes).unwrap();
        let result = Archive::open(&p).and_then(|a| {
            let _ = a.header();
            a.reader()?.finish()
        });
        prop_assert!(result.is_err());
    }
}

/// An old-format (zfs-fuse) stream built record by record: per-record checksums zero,
/// END checksum computed, so that field values can be chosen freely.
struct Builder {
    out: Vec<u8>,
    ck: zflash_archive::fletcher::Fletcher4,
}

impl Builder {
    const LE: zflash_archive::ByteOrder = zflash_archive::ByteOrder::Little;

    fn new() -> Builder {
        Builder {
            out: Vec::new(),
            ck: zflash_archive::fletcher::Fletcher4::ZERO,
        }
    }

    fn header(ty: u32) -> [u8; 312] {
        let mut h = [0u8; 312];
        h[0..4].copy_from_slice(&ty.to_le_bytes());
        h
    }

    fn begin(hdrtype: u64, toguid: u64, name: &str) -> [u8; 312] {
        let mut h = Builder::header(0);
        h[8..16].copy_from_slice(&0x2_F5BA_CBACu64.to_le_bytes());
        h[16..24].copy_from_slice(&hdrtype.to_le_bytes());
        h[40..48].copy_from_slice(&toguid.to_le_bytes());
        h[56..56 + name.len()].copy_from_slice(name.as_bytes());
        h
    }

    fn end(toguid: u64) -> [u8; 312] {
        let mut h = Builder::header(5);
        h[40..48].copy_from_slice(&toguid.to_le_bytes());
        h
    }

    fn record(&mut self, mut h: [u8; 312], payload: &[u8]) -> &mut Builder {
        let ty = u32::from_le_bytes(h[0..4].try_into().unwrap());
        if ty == 0 {
            self.ck = zflash_archive::fletcher::Fletcher4::ZERO;
        }
        if ty == 5 {
            for (i, w) in self.ck.words().iter().enumerate() {
                h[8 + 8 * i..16 + 8 * i].copy_from_slice(&w.to_le_bytes());
            }
        }
        self.ck.update(&h, Builder::LE);
        self.ck.update(payload, Builder::LE);
        self.out.extend_from_slice(&h);
        self.out.extend_from_slice(payload);
        if ty == 5 {
            self.ck = zflash_archive::fletcher::Fletcher4::ZERO;
        }
        self
    }
}

#[test]
fn the_builder_makes_valid_streams() {
    let mut b = Builder::new();
    b.record(Builder::begin(1, 7, "p/fs@a"), &[])
        .record(Builder::end(7), &[]);
    assert_eq!(run(&b.out, 1000), Ok("B1 E1 624".to_string()));
}

#[test]
fn writes_claiming_huge_logical_sizes_do_not_overflow_the_totals() {
    // A compressed WRITE's logical size is an untrusted u64 next to an 8-byte payload.
    let mut b = Builder::new();
    b.record(Builder::begin(1, 7, "p/fs@a"), &[]);
    for _ in 0..3 {
        let mut w = Builder::header(3);
        w[32..40].copy_from_slice(&u64::MAX.to_le_bytes()); // logical size
        w[50] = 1; // compression
        w[96..104].copy_from_slice(&8u64.to_le_bytes()); // compressed size
        b.record(w, &[0; 8]);
    }
    b.record(Builder::end(7), &[]);
    let mut v = StreamVerifier::new();
    v.update(&b.out).unwrap();
    let summary = v.finish().unwrap();
    assert_eq!(summary.logical_bytes, u64::MAX);
    assert_eq!(summary.substreams[0].logical_bytes, u64::MAX);
    // What a receiver would refuse is still said.
    assert!(
        summary.warnings[0].contains("logical size"),
        "{:?}",
        summary.warnings
    );
}

/// An XDR nvlist holding one byte array of `len` zero bytes.
fn xdr_nvlist_with_bytes(len: usize) -> Vec<u8> {
    let mut nv = vec![1u8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    let pair_len = (len + 24) as u32;
    nv.extend_from_slice(&pair_len.to_be_bytes()); // encoded size
    nv.extend_from_slice(&pair_len.to_be_bytes()); // decoded size
    nv.extend_from_slice(&1u32.to_be_bytes());
    nv.extend_from_slice(b"b\0\0\0");
    nv.extend_from_slice(&10u32.to_be_bytes()); // BYTE_ARRAY
    nv.extend_from_slice(&(len as u32).to_be_bytes());
    nv.resize(nv.len() + len.next_multiple_of(8), 0);
    nv.extend_from_slice(&[0; 8]);
    nv
}

#[test]
fn substream_nvlists_are_kept_only_up_to_a_budget() {
    // Many substreams with big nvlists (a few KiB once compressed) must not keep them all
    // in the summary: the first is decoded, the rest beyond the budget are not.
    let nv = xdr_nvlist_with_bytes(9 << 20);
    let mut b = Builder::new();
    b.record(Builder::begin(2, 0, "p/fs@a"), &[])
        .record(Builder::end(0), &[]);
    for guid in [101, 102] {
        let mut h = Builder::begin(1, guid, "p/fs@a");
        h[4..8].copy_from_slice(&(nv.len() as u32).to_le_bytes());
        b.record(h, &nv).record(Builder::end(guid), &[]);
    }
    b.record(Builder::header(5), &[]);
    let mut v = StreamVerifier::new();
    v.update(&b.out).unwrap();
    let s = v.finish().unwrap();
    let first = &s.substreams[0].begin;
    assert!(first.nvlist.is_some(), "{:?}", first.nvlist_error);
    let second = &s.substreams[1].begin;
    assert!(second.nvlist.is_none());
    assert!(
        second
            .nvlist_error
            .as_deref()
            .is_some_and(|e| e.contains("not decoded")),
        "{:?}",
        second.nvlist_error
    );
}
