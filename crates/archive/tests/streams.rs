//! Every fixture stream verifies with the record counts found by the independent
//! reference checker (zfs-send-stream.md §11, §12, §15); generated damage is caught.

use std::io::Read;
use std::path::{Path, PathBuf};

use zflash_archive::{
    Archive, ArchiveError, ByteOrder, ErrorClass, StreamErrorKind, StreamSummary, StreamVerifier,
};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/streams")
        .join(rel)
}

/// The raw stream bytes of a fixture (zstd ones decompressed).
fn raw(rel: &str) -> Vec<u8> {
    let a = Archive::open(&fixture(rel)).unwrap();
    let mut r = a.reader_with(false).unwrap();
    let mut v = Vec::new();
    r.read_to_end(&mut v).unwrap();
    v
}

fn verify(bytes: &[u8]) -> Result<StreamSummary, zflash_archive::StreamError> {
    let mut v = StreamVerifier::new();
    // Odd chunk size: exercises headers and payload words split across updates.
    for chunk in bytes.chunks(4093) {
        v.update(chunk)?;
    }
    v.finish()
}

fn verify_file(rel: &str) -> StreamSummary {
    Archive::open(&fixture(rel))
        .and_then(|a| a.reader()?.finish())
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
        .summary
}

/// (fixture, byte order, substreams, compound, record counts, features of first substream)
const EXPECTED: &[(&str, ByteOrder, usize, bool, &str, u64)] = &[
    (
        "zfs-fuse/full.zs",
        ByteOrder::Little,
        1,
        false,
        "B1 O30 FO3 W56 F36 E1",
        0,
    ),
    (
        "zfs-fuse/incr.zs",
        ByteOrder::Little,
        1,
        false,
        "B1 O29 FO4 W7 F34 E1",
        0,
    ),
    (
        "zfs-fuse/incrI.zs",
        ByteOrder::Little,
        2,
        true,
        "B3 O59 FO9 W9 F67 E4",
        0,
    ),
    (
        "zfs-fuse/empty.zs",
        ByteOrder::Little,
        1,
        false,
        "B1 O4 FO3 W4 F6 E1",
        0,
    ),
    (
        "zfs-fuse/rep.zs",
        ByteOrder::Little,
        6,
        true,
        "B7 O23 FO12 W23 F33 E8",
        0,
    ),
    (
        "zfs-fuse/repincr.zs",
        ByteOrder::Little,
        3,
        true,
        "B4 O6 FO3 W2 F8 E5",
        0,
    ),
    (
        "zfs-fuse/dedup.zs",
        ByteOrder::Little,
        1,
        false,
        "B1 O7 FO3 W6 F12 E1 WBR4",
        0x3,
    ),
    (
        "zfs-fuse/props.zs",
        ByteOrder::Little,
        1,
        true,
        "B2 O30 FO3 W56 F36 E3",
        0,
    ),
    (
        "zfs-fuse/comp.zs",
        ByteOrder::Little,
        1,
        false,
        "B1 O5 FO3 W8 F8 E1",
        0,
    ),
    (
        "zfs-fuse/clone.zs",
        ByteOrder::Little,
        1,
        false,
        "B1 O31 FO2 W2 F34 E1",
        0,
    ),
    (
        "zfs-fuse/ci.zs",
        ByteOrder::Little,
        1,
        false,
        "B1 O5 FO3 W5 F7 E1",
        0,
    ),
    (
        "openzfs/little-endian-all-drr-types-base-XDR.zsend.zst",
        ByteOrder::Little,
        1,
        false,
        "B1 O11 FO3 W8 F16 E1 S3 WE3 R1",
        0x630004,
    ),
    (
        "openzfs/little-endian-all-drr-types-base-NATIVE.zsend.zst",
        ByteOrder::Little,
        1,
        false,
        "B1 O11 FO3 W8 F16 E1 S3 WE3 R1",
        0x630004,
    ),
    (
        "openzfs/big-endian-all-drr-types-base-XDR.zsend.zst",
        ByteOrder::Big,
        1,
        false,
        "B1 O11 FO3 W8 F16 E1 S3 WE3 R1",
        0x630004,
    ),
    (
        "openzfs/big-endian-all-drr-types-base-NATIVE.zsend.zst",
        ByteOrder::Big,
        1,
        false,
        "B1 O11 FO3 W8 F16 E1 S3 WE3 R1",
        0x630004,
    ),
    (
        "openzfs/little-endian-all-drr-types-incr-XDR.zsend.zst",
        ByteOrder::Little,
        2,
        true,
        "B3 O33 FO10 W22 F43 E4 S7 WE4 OR3",
        0x430004,
    ),
    (
        "openzfs/little-endian-all-drr-types-incr-NATIVE.zsend.zst",
        ByteOrder::Little,
        2,
        true,
        "B3 O33 FO8 W24 F43 E4 S7 WE4 OR3",
        0x430004,
    ),
    (
        "openzfs/big-endian-all-drr-types-incr-XDR.zsend.zst",
        ByteOrder::Big,
        2,
        true,
        "B3 O33 FO6 W22 F43 E4 S7 WE4 OR2",
        0x430004,
    ),
    (
        "openzfs/big-endian-all-drr-types-incr-NATIVE.zsend.zst",
        ByteOrder::Big,
        2,
        true,
        "B3 O33 FO6 W22 F43 E4 S7 WE4 OR2",
        0x430004,
    ),
    (
        "openzfs/little-endian-long-payloads.zsend.zst",
        ByteOrder::Little,
        1,
        false,
        "B1 O9 FO3 W11 F14 E1",
        0x80004,
    ),
    (
        "openzfs/big-endian-long-payloads.zsend.zst",
        ByteOrder::Big,
        1,
        false,
        "B1 O9 FO3 W11 F14 E1",
        0x80004,
    ),
    (
        "openzfs/decompress.zsend.zst",
        ByteOrder::Little,
        1,
        false,
        "B1 O9 FO3 W8 F14 E1 WE3",
        0x2430004,
    ),
    (
        "openzfs/decompress-crypt.zsend.zst",
        ByteOrder::Little,
        1,
        false,
        "B1 O9 FO2 W10 F14 E1 OR2",
        0x1420004,
    ),
    (
        "openzfs/undersized-write-lsize.zsend.zst",
        ByteOrder::Little,
        1,
        false,
        "B1 O7 FO2 W8 F12 E1",
        0x420004,
    ),
    (
        "openzfs/dedup.zsend.zst",
        ByteOrder::Little,
        2,
        true,
        "B3 O27 FO7 W23 F37 E4 WBR51",
        0x7,
    ),
    (
        "openzfs/dedup_encrypted_zvol.zsend.zst",
        ByteOrder::Little,
        3,
        true,
        "B4 O6 FO3 W97 F26 E5 WBR676 OR3",
        0x1420003,
    ),
];

#[test]
fn every_fixture_verifies_with_the_reference_counts() {
    for &(rel, order, subs, compound, counts, features) in EXPECTED {
        let s = verify_file(rel);
        assert_eq!(s.byte_order, order, "{rel}");
        assert_eq!(s.substreams.len(), subs, "{rel}");
        assert_eq!(s.compound.is_some(), compound, "{rel}");
        assert_eq!(s.records.short(), counts, "{rel}");
        assert_eq!(s.substreams[0].begin.features, features, "{rel}");
        // Old zfs-fuse streams carry only END checksums; OpenZFS ones carry both.
        let old = rel.starts_with("zfs-fuse/");
        assert_eq!(s.record_checksums_checked == 0, old, "{rel}");
        assert_eq!(s.end_checksums_checked, s.records.end, "{rel}");
        // Only the deliberately invalid fixture breaks a receiver's field rules.
        if rel.contains("undersized-write-lsize") {
            assert_eq!(s.warnings.len(), 1, "{rel}");
            assert!(s.warnings[0].contains("WRITE logical size 256"), "{rel}");
        } else {
            assert!(s.warnings.is_empty(), "{rel}: {:?}", s.warnings);
        }
    }
}

#[test]
fn every_fixture_is_covered() {
    for dir in ["zfs-fuse", "openzfs"] {
        for entry in std::fs::read_dir(fixture(dir)).unwrap() {
            let name = format!("{dir}/{}", entry.unwrap().file_name().to_string_lossy());
            assert!(
                EXPECTED.iter().any(|e| e.0 == name),
                "{name} has no expected counts"
            );
        }
    }
}

#[test]
fn reference_details() {
    // §11: payload / WRITE logical bytes of full.zs, flags of clone and ci.
    let full = verify_file("zfs-fuse/full.zs");
    assert_eq!(full.raw_bytes, 3_993_528);
    assert_eq!(
        full.payload_bytes.total(),
        3_953_904,
        "payload bytes per the reference checker"
    );
    assert_eq!(full.substreams[0].logical_bytes, 3_946_496);
    assert_eq!(full.substreams[0].begin.name, "zsr_test/data@s1");
    assert_eq!(
        full.substreams[0].begin.toguid.to_string(),
        "57ee0afb6c0b227f"
    );
    assert_eq!(
        verify_file("zfs-fuse/clone.zs").substreams[0]
            .begin
            .flag_names,
        ["CLONE"]
    );
    assert_eq!(
        verify_file("zfs-fuse/ci.zs").substreams[0].begin.flag_names,
        ["CI_DATA"]
    );
    // Incremental: fromguid is the full stream's toguid.
    let incr = verify_file("zfs-fuse/incr.zs");
    assert_eq!(incr.origin_guid(), full.top_guid());
    // The compound nvlist (XDR) decodes: tosnap and fss.
    let rep = verify_file("zfs-fuse/rep.zs");
    let nv = rep.compound.as_ref().unwrap().nvlist.as_ref().unwrap();
    assert_eq!(nv.get_str("tosnap"), Some("r2"));
    assert!(nv.get_list("fss").is_some());
    // NATIVE and XDR substream nvlists decode to the same redact_snaps.
    let x = verify_file("openzfs/big-endian-all-drr-types-base-XDR.zsend.zst");
    let n = verify_file("openzfs/little-endian-all-drr-types-base-NATIVE.zsend.zst");
    let get = |s: &StreamSummary| {
        s.substreams[0]
            .begin
            .nvlist
            .as_ref()
            .and_then(|l| l.get("redact_snaps").cloned())
    };
    assert!(get(&x).is_some());
    assert_eq!(get(&x).is_some(), get(&n).is_some());
    // Raw encrypted substream: crypt_keydata is a nested nvlist (NATIVE).
    let zvol = verify_file("openzfs/dedup_encrypted_zvol.zsend.zst");
    let keydata = zvol.substreams[0]
        .begin
        .nvlist
        .as_ref()
        .and_then(|l| l.get_list("crypt_keydata"));
    assert!(keydata.is_some_and(|k| !k.0.is_empty()));
    assert_eq!(zvol.substreams[0].begin.objset_type, "zvol");
}

fn damaged(bytes: &[u8]) -> zflash_archive::StreamError {
    let e = verify(bytes).expect_err("damage must be detected");
    assert_ne!(e.kind, StreamErrorKind::Unsupported, "{e}");
    e
}

/// Offsets of every record header: (offset, type, payload length).
fn records(bytes: &[u8]) -> Vec<(usize, u32, usize)> {
    let order = ByteOrder::detect(bytes).unwrap();
    let mut v = Vec::new();
    let mut off = 0;
    while off < bytes.len() {
        let h = &bytes[off..off + 312];
        let ty = order.u32(h, 0);
        let p = zflash_archive::record::payload_len(
            zflash_archive::RecordType::from_u32(ty).unwrap(),
            h,
            order,
        ) as usize;
        v.push((off, ty, p));
        off += 312 + p;
    }
    v
}

#[test]
fn bit_flips_are_caught_in_old_and_new_streams() {
    for rel in [
        "zfs-fuse/full.zs",
        "zfs-fuse/rep.zs",
        "openzfs/little-endian-all-drr-types-incr-XDR.zsend.zst",
        "openzfs/big-endian-all-drr-types-base-NATIVE.zsend.zst",
    ] {
        let good = raw(rel);
        let recs = records(&good);
        let object = recs.iter().find(|r| r.1 == 1).unwrap();
        let write = recs.iter().find(|r| r.1 == 3 && r.2 > 0).unwrap();
        let end = recs.iter().find(|r| r.1 == 5).unwrap();
        let cases = [
            ("OBJECT header (object number)", object.0 + 8),
            ("WRITE payload", write.0 + 312 + write.2 / 2),
            ("END checksum", end.0 + 8),
        ];
        for (what, at) in cases {
            let mut bad = good.clone();
            bad[at] ^= 0x04;
            let e = damaged(&bad);
            assert!(
                e.message.contains("checksum"),
                "{rel}, {what}: unexpected error {e}"
            );
            assert!(e.record.is_some(), "{rel}, {what}: names no record: {e}");
        }
    }
}

#[test]
fn payload_flip_in_a_new_stream_is_caught_at_the_next_record() {
    let good = raw("openzfs/little-endian-all-drr-types-base-XDR.zsend.zst");
    let recs = records(&good);
    let (i, write) = recs
        .iter()
        .enumerate()
        .find(|(_, r)| r.1 == 3 && r.2 > 0)
        .unwrap();
    let mut bad = good.clone();
    bad[write.0 + 312 + 100] ^= 1;
    let e = damaged(&bad);
    assert!(e.message.contains("record checksum mismatch"), "{e}");
    assert_eq!(e.record.as_ref().unwrap().offset, recs[i + 1].0 as u64);
}

#[test]
fn every_single_bit_flip_of_a_small_stream_is_caught() {
    let good = raw("zfs-fuse/empty.zs");
    for at in 0..good.len() {
        let mut bad = good.clone();
        bad[at] ^= 1 << (at % 8);
        assert!(verify(&bad).is_err(), "flip at byte {at} not detected");
    }
}

#[test]
fn truncation_at_five_kinds_of_place() {
    let rep = raw("zfs-fuse/rep.zs");
    let recs = records(&rep);
    let write = recs.iter().find(|r| r.1 == 3 && r.2 > 0).unwrap();
    let last_end = recs.last().unwrap();
    let sub_end = recs.iter().filter(|r| r.1 == 5).nth(1).unwrap();
    let cases: [(&str, usize, &str); 5] = [
        (
            "inside a header",
            write.0 + 100,
            "inside a record header (100 of 312",
        ),
        ("inside a payload", write.0 + 312 + 7, "inside a payload"),
        ("inside the compound nvlist", 312 + 500, "inside a payload"),
        (
            "at a record boundary inside a substream",
            write.0,
            "without the END of substream",
        ),
        (
            "before the final END",
            last_end.0,
            "without its final END (after 6 substreams)",
        ),
    ];
    for (what, len, expect) in cases {
        let e = damaged(&rep[..len]);
        assert!(e.message.contains(expect), "{what}: {e}");
        assert_eq!(e.offset, len as u64, "{what}: {e}");
    }
    // Right after a substream's END, a compound stream still lacks its final END.
    let e = damaged(&rep[..sub_end.0 + 312]);
    assert!(e.message.contains("final END"), "{e}");
    // Old-format single stream missing its END.
    let full = raw("zfs-fuse/full.zs");
    let e = damaged(&full[..full.len() - 312]);
    assert!(e.message.contains("without the END"), "{e}");
    // Empty input and a lone partial header.
    assert_eq!(verify(&[]).unwrap_err().kind, StreamErrorKind::NotAStream);
    assert!(verify(&full[..20]).is_err());
}

#[test]
fn framing_magic_and_trailing_data() {
    let full = raw("zfs-fuse/full.zs");
    let recs = records(&full);
    // WRITE logical_size += 512 mis-frames the rest of the stream.
    let write = recs.iter().find(|r| r.1 == 3).unwrap();
    let mut bad = full.clone();
    let f = write.0 + 32;
    let v = u64::from_le_bytes(bad[f..f + 8].try_into().unwrap()) + 512;
    bad[f..f + 8].copy_from_slice(&v.to_le_bytes());
    damaged(&bad);
    // Absurd payload length is refused from the header, before reading it.
    let mut huge = full.clone();
    huge[f..f + 8].copy_from_slice(&(1u64 << 40).to_le_bytes());
    let e = damaged(&huge[..write.0 + 312]);
    assert!(e.message.contains("exceeds the limit"), "{e}");
    // Bad magic.
    let mut bad = full.clone();
    bad[9] ^= 0xff;
    assert_eq!(verify(&bad).unwrap_err().kind, StreamErrorKind::NotAStream);
    // Trailing garbage and concatenated streams.
    let mut extra = full.clone();
    extra.extend_from_slice(&[0u8; 8]);
    let e = damaged(&extra);
    assert!(e.message.contains("trailing data"), "{e}");
    assert_eq!(e.offset, full.len() as u64);
    let mut two = full.clone();
    two.extend_from_slice(&full);
    assert!(damaged(&two).message.contains("concatenated"));
}

#[test]
fn unknown_features_and_record_types_are_unsupported() {
    // An Oracle-style feature bit (bit 3 of the feature field = bit 5 of versioninfo)
    // with correct checksums: build it from empty.zs and fix the END checksum.
    let good = raw("zfs-fuse/empty.zs");
    let mut s = good.clone();
    s[16] |= 1 << 5;
    let recs = records(&good);
    let end = recs.last().unwrap().0;
    let mut ck = zflash_archive::fletcher::Fletcher4::ZERO;
    ck.update(&s[..end], ByteOrder::Little);
    for (i, w) in ck.words().iter().enumerate() {
        s[end + 8 + 8 * i..end + 16 + 8 * i].copy_from_slice(&w.to_le_bytes());
    }
    let e = verify(&s).unwrap_err();
    assert_eq!(e.kind, StreamErrorKind::Unsupported, "{e}");
    assert!(e.message.contains("unknown feature flags 0x8"), "{e}");
    // Without fixing the END checksum it is still reported, with the damage noted.
    let mut t = good.clone();
    t[16] |= 1 << 5;
    let e = verify(&t).unwrap_err();
    assert_eq!(e.kind, StreamErrorKind::Unsupported);
    assert!(e.message.contains("END checksum mismatch"), "{e}");
    // An unknown record type 11 in place of a FREE record.
    let free = recs.iter().find(|r| r.1 == 4).unwrap().0;
    let mut u = good.clone();
    u[free] = 11;
    let e = verify(&u).unwrap_err();
    assert_eq!(e.kind, StreamErrorKind::Unsupported, "{e}");
    assert!(e.message.contains("unknown record type 11"));
}

fn tmp_copy(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn archives_suffix_manifest_and_compressed_damage() {
    let dir = tempfile::tempdir().unwrap();
    let stream = raw("zfs-fuse/incr.zs");
    // A raw stream named .zst is refused, naming the file and what was expected.
    let p = tmp_copy(dir.path(), "a.zfs.zst", &stream);
    let e = Archive::open(&p).unwrap_err();
    assert_eq!(e.class(), ErrorClass::BadInput);
    assert!(e.to_string().contains("a.zfs.zst"), "{e}");
    assert!(e.to_string().contains("promises zstd"), "{e}");

    // Write zstd and gzip archives with ArchiveWriter and read them back.
    for (name, c) in [
        ("b.zfs.zst", zflash_archive::Compression::Zstd),
        ("b.zfs.gz", zflash_archive::Compression::Gzip),
        ("b.zfs", zflash_archive::Compression::None),
    ] {
        let target = dir.path().join(name);
        let mut w = zflash_archive::ArchiveWriter::create(&target, c).unwrap();
        for chunk in stream.chunks(10_000) {
            w.write_chunk(chunk).unwrap();
        }
        let written = w.finish().unwrap();
        let sha = written.sha256.clone();
        let stored = written.stored_bytes;
        let manifest = zflash_archive::Manifest {
            format: zflash_archive::MANIFEST_FORMAT.into(),
            name: name.into(),
            created: "2026-11-25T20:00:00Z".into(),
            host: "test".into(),
            source: Default::default(),
            content: Default::default(),
            stream: Some(zflash_archive::manifest::StreamInfo::from_summary(
                &written.summary,
            )),
            raw_bytes: Some(written.raw_bytes),
            stored_bytes: stored,
            compression: c,
            sha256: sha.clone(),
            tool: "test".into(),
        };
        written.persist(false).unwrap();
        let mpath = zflash_archive::manifest_path(&target);
        zflash_archive::write_manifest(&mpath, &manifest, false).unwrap();
        let a = Archive::open(&target).unwrap();
        assert_eq!(a.compression(), c);
        let h = a.header().unwrap();
        assert_eq!(h.begin.name, "zsr_test/data@s2");
        assert!(h.is_supported_by_pool_version(23));
        let v = a.reader().unwrap().finish().unwrap();
        assert_eq!(v.sha256.as_deref(), Some(sha.as_str()));
        assert_eq!(v.raw_bytes, stream.len() as u64);

        // Tampered digest in the manifest → mismatch.
        let mut m2 = manifest.clone();
        m2.sha256 = "00".repeat(32);
        zflash_archive::write_manifest(&mpath, &m2, true).unwrap();
        let e = Archive::open(&target)
            .unwrap()
            .reader()
            .unwrap()
            .finish()
            .unwrap_err();
        assert!(matches!(e, ArchiveError::ManifestMismatch { .. }), "{e}");
        std::fs::remove_file(&mpath).unwrap();

        // Truncated stored file → damaged, never Ok.
        let bytes = std::fs::read(&target).unwrap();
        let t = tmp_copy(
            dir.path(),
            &format!("t-{name}"),
            &bytes[..bytes.len() * 2 / 3],
        );
        let e = Archive::open(&t)
            .and_then(|a| a.reader()?.finish())
            .unwrap_err();
        assert_eq!(e.class(), ErrorClass::Damaged, "{name}: {e}");
        // Trailing garbage after the compressed data → damaged.
        let mut g = bytes.clone();
        g.extend_from_slice(b"garbage!");
        let t = tmp_copy(dir.path(), &format!("g-{name}"), &g);
        let e = Archive::open(&t)
            .and_then(|a| a.reader()?.finish())
            .unwrap_err();
        assert_eq!(e.class(), ErrorClass::Damaged, "{name}: {e}");
        // A flipped bit in the middle of the stored data → damaged.
        let mut f = bytes.clone();
        let mid = f.len() / 2;
        f[mid] ^= 0x20;
        let t = tmp_copy(dir.path(), &format!("f-{name}"), &f);
        let e = Archive::open(&t)
            .and_then(|a| a.reader()?.finish())
            .unwrap_err();
        assert_eq!(e.class(), ErrorClass::Damaged, "{name}: {e}");
    }
}

#[test]
fn writer_refuses_a_damaged_stream_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut stream = raw("zfs-fuse/empty.zs");
    let n = stream.len();
    stream[n - 300] ^= 1; // END checksum
    let target = dir.path().join("x.zfs.zst");
    let mut w =
        zflash_archive::ArchiveWriter::create(&target, zflash_archive::Compression::Zstd).unwrap();
    let r = w.write_chunk(&stream);
    assert!(r.is_err());
    drop(w);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn verifying_reader_is_a_plain_read_for_consumers() {
    let a = Archive::open(&fixture("openzfs/dedup.zsend.zst")).unwrap();
    let mut r = a.reader().unwrap();
    let mut out = Vec::new();
    std::io::copy(&mut r, &mut out).unwrap();
    assert_eq!(out.len(), 241_240);
    assert_eq!(r.bytes_raw(), 241_240);
    assert!(r.bytes_stored() > 0);
    // A damaged archive makes the copy fail with InvalidData carrying the ArchiveError.
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = raw("zfs-fuse/full.zs");
    bytes.truncate(1_000_000);
    let p = tmp_copy(dir.path(), "t.zfs", &bytes);
    let mut r = Archive::open(&p).unwrap().reader().unwrap();
    let e = std::io::copy(&mut r, &mut std::io::sink()).unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::InvalidData);
    let inner = ArchiveError::from_io(&e).expect("ArchiveError inside");
    assert_eq!(inner.class(), ErrorClass::Damaged);
    assert!(inner.record().is_some());
}

#[test]
fn header_of_compound_streams() {
    let a = Archive::open(&fixture("zfs-fuse/rep.zs")).unwrap();
    let h = a.header().unwrap();
    assert!(h.compound);
    assert_eq!(h.begin.name, "zsr_test/rep@r2");
    assert_eq!(h.first_substream.as_ref().unwrap().name, "zsr_test/rep@r1");
    let (origin, top) = h.chain_guids();
    assert_eq!(origin, None);
    let full = verify_file("zfs-fuse/rep.zs");
    assert_eq!(top, full.top_guid());
    let modern = Archive::open(&fixture("openzfs/decompress.zsend.zst"))
        .unwrap()
        .header()
        .unwrap();
    assert!(!modern.is_supported_by_pool_version(23));
    assert!(modern.is_supported_by_pool_version(5000));
    assert!(
        modern
            .unsupported_by_pool_version(28)
            .contains(&"ZSTD".to_string())
    );
}

#[test]
fn a_manifest_that_is_a_fifo_or_a_device_is_refused_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let archive = tmp_copy(dir.path(), "a.zfs", &raw("zfs-fuse/empty.zs"));
    let manifest = zflash_archive::manifest_path(&archive);
    // Opened in a thread: a FIFO used to block `open` until some writer appeared.
    let open = |archive: PathBuf| {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || tx.send(Archive::open(&archive).map(|_| ())));
        rx.recv_timeout(std::time::Duration::from_secs(30))
            .expect("Archive::open returned")
            .expect_err("the manifest is refused")
    };
    let ok = std::process::Command::new("mkfifo")
        .arg(&manifest)
        .status()
        .unwrap()
        .success();
    assert!(ok);
    let e = open(archive.clone());
    assert_eq!(e.class(), ErrorClass::Io, "{e}");
    assert!(
        e.to_string().contains("manifest.json: not a regular file"),
        "{e}"
    );
    // A link to /dev/zero used to be read until memory ran out.
    std::fs::remove_file(&manifest).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &manifest).unwrap();
    let e = open(archive);
    assert!(e.to_string().contains("not a regular file"), "{e}");
}

/// A gzip file of several members (`cat part1.gz part2.gz`, parallel compressors) is one
/// stream to `gzip -dc`, which is what the Bourne-shell finish script runs; zflash reads
/// it the same way, not as "trailing data" after the first member.
#[test]
fn a_multi_member_gzip_archive_is_read_whole() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let stream = raw("zfs-fuse/incr.zs");
    let (first, second) = stream.split_at(stream.len() / 2);
    let mut bytes = Vec::new();
    for part in [first, second] {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(part).unwrap();
        bytes.extend(gz.finish().unwrap());
    }
    let p = tmp_copy(dir.path(), "two.zfs.gz", &bytes);
    let summary = Archive::open(&p)
        .unwrap()
        .reader()
        .unwrap()
        .finish()
        .unwrap();
    assert_eq!(summary.raw_bytes, stream.len() as u64);
}
