//! CLI tests for `zflash capture`, `zflash info` and `zflash verify`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Stdio};

use assert_cmd::Command;
use predicates::prelude::*;
use zflash_runtime::testpool::{TestPool, require_zfs, run, run_retry};

fn zflash() -> Command {
    let mut cmd = Command::cargo_bin("zflash").expect("zflash binary");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

fn fixture(rel: &str) -> String {
    format!("fixtures/streams/{rel}")
}

fn fixture_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(fixture(rel))
}

fn json_of(out: &[u8]) -> serde_json::Value {
    serde_json::from_slice(out).expect("JSON output")
}

/// `zflash ARGS… FILES…`, to assert on.
fn zflash_on<P: AsRef<std::ffi::OsStr>>(args: &[&str], files: &[P]) -> assert_cmd::assert::Assert {
    zflash().args(args).args(files).assert()
}

/// The sidecar manifest `<archive>.manifest.json` an archive was captured with.
fn manifest_of(archive: &Path) -> serde_json::Value {
    let mut sidecar = archive.as_os_str().to_owned();
    sidecar.push(".manifest.json");
    json_of(&std::fs::read(sidecar).unwrap())
}

/// Names of the entries of `dir`.
fn file_names(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn verify_accepts_every_fixture() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/streams");
    for dir in ["zfs-fuse", "openzfs"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let name = format!("{dir}/{}", entry.unwrap().file_name().to_string_lossy());
            let out = zflash()
                .args(["verify", "--json", &fixture(&name)])
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(0), "{name}: {out:?}");
            let v = json_of(&out.stdout);
            assert_eq!(v["archives"][0]["status"], "valid", "{name}");
        }
    }
}

#[test]
fn verify_text_output_and_exit_codes() {
    zflash()
        .args(["verify", &fixture("zfs-fuse/full.zs")])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "valid: 1 substream, 127 records (B1 O30 FO3 W56 F36 E1), 3993528 raw bytes",
        ));

    let tmp = tempfile::tempdir().unwrap();
    let mut bytes = std::fs::read(fixture_path("zfs-fuse/full.zs")).unwrap();
    // A flipped bit in a WRITE payload of an old stream: caught at END.
    bytes[2_000_000] ^= 0x01;
    let bad = tmp.path().join("bad.zfs");
    std::fs::write(&bad, &bytes).unwrap();
    zflash_on(&["verify"], &[&bad])
        .code(1)
        .stdout(predicate::str::contains("damaged"))
        .stdout(predicate::str::contains("END checksum mismatch (stored"))
        .stdout(predicate::str::contains(
            "at offset 3993224 (in record #126 (END) at offset 3993216)",
        ))
        .stdout(predicate::str::contains("(END) at offset 3993216"));

    // Truncated inside a payload.
    let cut = tmp.path().join("cut.zfs");
    std::fs::write(&cut, &bytes[..1_234_567]).unwrap();
    zflash_on(&["verify", "--json"], &[&cut])
        .code(1)
        .stdout(predicate::str::contains("\"status\": \"damaged\""))
        .stdout(predicate::str::contains("stream ends inside a payload"))
        .stdout(predicate::str::contains("\"offset\": 1234567"));

    // Missing file: I/O error, exit 2, even next to a damaged one.
    zflash_on(&["verify", "/nonexistent/x.zfs"], &[&cut])
        .code(2)
        .stdout(predicate::str::contains("/nonexistent/x.zfs: error"));

    // A raw stream under a .zst name: wrong suffix, exit 2.
    let wrong = tmp.path().join("x.zfs.zst");
    std::fs::copy(fixture_path("zfs-fuse/empty.zs"), &wrong).unwrap();
    zflash_on(&["info"], &[&wrong])
        .code(2)
        .stdout(predicate::str::contains("promises zstd-compressed data"));

    // Not a stream at all.
    let text = tmp.path().join("notes.txt");
    std::fs::write(&text, "hello, this is not a send stream at all\n").unwrap();
    zflash_on(&["verify"], &[&text])
        .code(1)
        .stdout(predicate::str::contains("not a ZFS send stream"));
}

#[test]
fn an_unreadable_manifest_is_named_in_the_message() {
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("gold.zfs");
    std::fs::copy(fixture_path("zfs-fuse/empty.zs"), &archive).unwrap();
    let sidecar = tmp.path().join("gold.zfs.manifest.json");
    std::fs::write(&sidecar, "{bad").unwrap();
    let expected = format!("{}: not valid JSON", sidecar.display());
    for subcommand in ["info", "verify"] {
        zflash_on(&[subcommand], &[&archive])
            .code(2)
            .stdout(predicate::str::contains(expected.as_str()));
    }
}

/// Copy fixture `rel` to `dir/name` with a sidecar manifest describing it, as capture
/// would write it.
fn archive_with_manifest(dir: &Path, rel: &str, name: &str) -> (PathBuf, serde_json::Value) {
    let path = dir.join(name);
    std::fs::copy(fixture_path(rel), &path).unwrap();
    let verified = zflash_archive::Archive::open(&path)
        .unwrap()
        .reader_with(true)
        .unwrap()
        .finish()
        .unwrap();
    let manifest = zflash_archive::Manifest {
        format: zflash_archive::MANIFEST_FORMAT.into(),
        name: name.into(),
        created: "2026-11-25T20:00:00Z".into(),
        host: "golden".into(),
        source: Default::default(),
        content: Default::default(),
        stream: Some(zflash_archive::manifest::StreamInfo::from_summary(
            &verified.summary,
        )),
        raw_bytes: Some(verified.raw_bytes),
        stored_bytes: verified.stored_bytes,
        compression: zflash_archive::Compression::None,
        sha256: verified.sha256.clone().unwrap(),
        tool: "test".into(),
    };
    let json: serde_json::Value = serde_json::from_str(&manifest.to_json()).unwrap();
    std::fs::write(zflash_archive::manifest_path(&path), manifest.to_json()).unwrap();
    (path, json)
}

#[test]
fn info_refuses_a_manifest_that_does_not_describe_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let (full, _) = archive_with_manifest(tmp.path(), "zfs-fuse/full.zs", "gold.zfs");
    zflash_on(&["info"], &[&full]).code(0);

    // A truncated copy (an interrupted transfer) keeps the manifest of the whole file.
    let bytes = std::fs::read(&full).unwrap();
    std::fs::write(&full, &bytes[..bytes.len() / 2]).unwrap();
    zflash_on(&["info"], &[&full])
        .code(1)
        .stdout(predicate::str::contains(
            "gold.zfs: damaged: does not match its manifest: 1996764 stored bytes, the manifest says 3993528",
        ));

    // The manifest of another archive of the same size: the snapshot GUIDs differ.
    let (incr, mut manifest) = archive_with_manifest(tmp.path(), "zfs-fuse/incr.zs", "p1.zfs");
    std::fs::copy(fixture_path("zfs-fuse/full.zs"), &incr).unwrap();
    manifest["stored_bytes"] = serde_json::json!(bytes.len());
    std::fs::write(zflash_archive::manifest_path(&incr), manifest.to_string()).unwrap();
    zflash_on(&["info", "--json"], &[&incr])
        .code(1)
        .stdout(predicate::str::contains("\"status\": \"damaged\""))
        .stdout(predicate::str::contains(
            "the stream is zsr_test/data@s1 (snapshot GUID 57ee0afb6c0b227f, from none), the manifest describes zsr_test/data@s2",
        ));
}

/// `zflash SUBCOMMAND` on two zfs-fuse fixture streams, a base and its increment.
fn chain_of_fixtures(subcommand: &str, base: &str, increment: &str) -> assert_cmd::assert::Assert {
    zflash_on(
        &[subcommand],
        &[
            fixture(&format!("zfs-fuse/{base}.zs")),
            fixture(&format!("zfs-fuse/{increment}.zs")),
        ],
    )
}

#[test]
fn chains_of_increments_are_checked() {
    chain_of_fixtures("verify", "full", "incr").code(0);
    chain_of_fixtures("verify", "incr", "incr")
        .code(1)
        .stdout(predicate::str::contains(
            "zfs-fuse/incr.zs: chain broken: increment from snapshot GUID 57ee0afb6c0b227f, but the previous archive",
        ));
    chain_of_fixtures("info", "full", "incr").code(0);
    // rep.zs already holds @r2; repincr.zs is the -R increment from @r1.
    chain_of_fixtures("info", "rep", "repincr")
        .code(1)
        .stdout(predicate::str::contains("chain broken"));
}

#[test]
fn control_characters_from_a_stream_cannot_forge_output_or_drive_the_terminal() {
    // A stream name (drr_toname) is 256 bytes from the file: an escape sequence or a
    // newline in it must be shown escaped by `info`, and in `verify`'s error line.
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = std::fs::read(fixture_path("zfs-fuse/empty.zs")).unwrap();
    let name = b"p/fs@a\x1b[2J\nforged: valid";
    bytes[56..56 + name.len()].copy_from_slice(name);
    bytes[56 + name.len()] = 0;
    let archive = dir.path().join("hostile.zfs");
    std::fs::write(&archive, &bytes[..312]).unwrap();
    let info = zflash().arg("info").arg(&archive).output().unwrap();
    let verify = zflash().arg("verify").arg(&archive).output().unwrap();
    assert_eq!(verify.status.code(), Some(1), "{verify:?}");
    for out in [&info.stdout, &verify.stdout] {
        let text = String::from_utf8_lossy(out);
        assert!(!text.contains('\x1b'), "{text}");
        assert!(!text.contains("\nforged"), "{text}");
        assert!(text.contains("p/fs@a\\u{1b}[2J\\nforged: valid"), "{text}");
    }
}

#[test]
fn info_shows_header_and_pool_v23_receivability() {
    let out = zflash()
        .args(["info", &fixture("zfs-fuse/rep.zs")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!("info_rep", String::from_utf8_lossy(&out.stdout));

    let out = zflash()
        .args([
            "info",
            "--json",
            &fixture("openzfs/big-endian-all-drr-types-base-XDR.zsend.zst"),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v = json_of(&out.stdout);
    let a = &v["archives"][0];
    assert_eq!(a["compression"], "zstd");
    assert_eq!(a["header"]["byte_order"], "big");
    assert_eq!(a["header"]["begin"]["name"], "test/source@baseline");
    assert_eq!(a["header"]["begin"]["nvlist_encoding"], "xdr");
    assert_eq!(a["receivable_by_pool_v23"], false);
    assert_eq!(
        a["features"],
        serde_json::json!(["SA_SPILL", "EMBED_DATA", "LZ4", "REDACTED", "COMPRESSED"])
    );
}

// ---------------------------------------------------------------- zfs-fuse round trips

/// Fill `dir` with text, zeros and pseudo-random data (deterministic).
fn fill(dir: &Path, seed: u64, kb: usize) {
    std::fs::create_dir_all(dir.join("etc")).unwrap();
    std::fs::create_dir_all(dir.join("var/log")).unwrap();
    let text: String = (0..kb * 10)
        .map(|i| format!("line {i} of seed {seed}: the quick brown fox\n"))
        .collect();
    std::fs::write(dir.join("etc/text"), text).unwrap();
    std::fs::write(dir.join("var/zeros"), vec![0u8; kb * 1024]).unwrap();
    let mut x = 0x9e37_79b9_7f4a_7c15u64 ^ seed;
    let random: Vec<u8> = (0..kb * 1024)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    std::fs::write(dir.join("var/log/random"), random).unwrap();
    std::fs::write(dir.join("etc/nodename"), format!("golden{seed}\n")).unwrap();
}

/// Relative path → content of every regular file under `dir`.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(
                    p.strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    out
}

/// Feed an archive's verified raw stream to `zfs receive ARGS`.
fn receive(archive: &Path, args: &[&str]) {
    let a = zflash_archive::Archive::open(archive).unwrap();
    let mut reader = a.reader().unwrap();
    let mut child = StdCommand::new("zfs")
        .arg("receive")
        .args(args)
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    std::io::copy(&mut reader, &mut stdin).unwrap();
    drop(stdin);
    assert!(child.wait().unwrap().success(), "zfs receive {args:?}");
}

fn mountpoint(pool: &TestPool, ds: &str) -> PathBuf {
    PathBuf::from(pool.zfs_get("mountpoint", ds))
}

/// `POOL/src`, created and [filled](fill); returns its name.
fn source_dataset(pool: &TestPool, seed: u64, kb: usize) -> String {
    let src = format!("{}/src", pool.name);
    run("zfs", &["create", &src]);
    fill(&mountpoint(pool, &src), seed, kb);
    src
}

#[test]
fn capture_verify_receive_round_trips() {
    if !require_zfs() {
        return;
    }
    let pool = TestPool::create("arch", 128);
    let p = &pool.name;
    let src = source_dataset(&pool, 1, 256);
    let src_dir = mountpoint(&pool, &src);
    let s1_tree = tree(&src_dir);
    let out = tempfile::tempdir().unwrap();

    // Full archive, zstd, explicit snapshot name.
    let full = out.path().join("full.zfs.zst");
    zflash()
        .args(["capture", &src, "--snapshot", "s1", "-o"])
        .arg(&full)
        .assert()
        .code(0)
        .stdout(predicate::str::contains(format!("{src}@s1")));
    let manifest = manifest_of(&full);
    assert_eq!(manifest["format"], "zflash-archive/1");
    assert_eq!(manifest["compression"], "zstd");
    assert_eq!(manifest["source"]["dataset"], src.as_str());
    assert_eq!(manifest["source"]["snapshot"], "s1");
    assert_eq!(manifest["source"]["pool_version"], 23);
    assert_eq!(manifest["source"]["zpl_version"], 4);
    assert_eq!(
        manifest["stored_bytes"].as_u64(),
        Some(std::fs::metadata(&full).unwrap().len())
    );
    assert!(manifest["raw_bytes"].as_u64().unwrap() > manifest["stored_bytes"].as_u64().unwrap());
    zflash_on(&["verify"], &[&full])
        .code(0)
        .stdout(predicate::str::contains("SHA-256 matches the manifest"));

    // Incremental, gzip.
    std::fs::write(src_dir.join("etc/added"), "added after s1\n").unwrap();
    std::fs::remove_file(src_dir.join("var/zeros")).unwrap();
    fill(&src_dir.join("more"), 2, 64);
    let incr = out.path().join("incr.zfs.gz");
    // --quiet: no summary line (and no progress bar), the exit status tells.
    zflash()
        .args([
            "capture",
            "--quiet",
            &src,
            "--snapshot",
            "s2",
            "--from",
            "s1",
            "-o",
        ])
        .arg(&incr)
        .assert()
        .code(0)
        .stdout("");
    let m2 = manifest_of(&incr);
    assert_eq!(m2["stream"]["fromguid"], manifest["stream"]["toguid"]);
    assert_eq!(m2["source"]["from_snapshot"], "s1");
    zflash_on(&["verify"], &[&full, &incr]).code(0);
    zflash_on(&["info"], &[&full, &incr]).code(0);
    // In the wrong order the chain is broken.
    zflash_on(&["verify"], &[&incr, &incr]).code(1);

    // Receive both into a new dataset and compare contents at each step.
    let dst = format!("{p}/dst");
    receive(&full, &[&dst]);
    let dst_dir = mountpoint(&pool, &dst);
    assert_eq!(tree(&dst_dir), s1_tree);
    receive(&incr, &["-F", &dst]);
    assert_eq!(tree(&dst_dir), tree(&src_dir));

    // Recursive, uncompressed, with a child dataset.
    let child = format!("{src}/child");
    run("zfs", &["create", &child]);
    fill(&mountpoint(&pool, &child), 3, 32);
    let rec = out.path().join("rec.zfs");
    zflash()
        .args(["capture", &src, "--recursive", "--snapshot", "r1", "-o"])
        .arg(&rec)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("(none, ratio 1.00)"));
    zflash_on(&["verify", "--json"], &[&rec])
        .code(0)
        .stdout(predicate::str::contains("\"substreams\""));
    let rcv = format!("{p}/rcv");
    run("zfs", &["create", &rcv]);
    receive(&rec, &["-d", &rcv]);
    assert_eq!(
        tree(&mountpoint(&pool, &format!("{rcv}/src/child"))),
        tree(&mountpoint(&pool, &child))
    );
    assert_eq!(
        tree(&mountpoint(&pool, &format!("{rcv}/src"))).get(Path::new("etc/added")),
        Some(&b"added after s1\n".to_vec())
    );
    // Recursive increment from @r1 (gzip), chained after the recursive base.
    std::fs::write(
        mountpoint(&pool, &child).join("etc/child-change"),
        "changed after r1\n",
    )
    .unwrap();
    let rec2 = out.path().join("rec2.zfs.gz");
    zflash()
        .args([
            "capture",
            &src,
            "--recursive",
            "--snapshot",
            "r2",
            "--from",
            "r1",
            "-o",
        ])
        .arg(&rec2)
        .assert()
        .code(0);
    zflash_on(&["verify"], &[&rec, &rec2]).code(0);
    receive(&rec2, &["-d", "-F", &rcv]);
    assert_eq!(
        tree(&mountpoint(&pool, &format!("{rcv}/src/child"))),
        tree(&mountpoint(&pool, &child))
    );
    let snaps = pool.datasets();
    assert!(snaps.contains(&format!("{child}@r1")), "{snaps:?}");
}

#[test]
fn capture_refuses_overwrite_and_cleans_up_on_failure() {
    if !require_zfs() {
        return;
    }
    let pool = TestPool::create("archfail", 64);
    let src = source_dataset(&pool, 4, 16);
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("a.zfs.zst");
    std::fs::write(&target, "precious").unwrap();
    let before = pool.datasets();

    // Existing file without --force: refused, nothing changed, no snapshot taken.
    zflash()
        .args(["capture", &src, "-o"])
        .arg(&target)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("exists (use --force"));
    assert_eq!(std::fs::read(&target).unwrap(), b"precious");
    assert_eq!(pool.datasets(), before);

    // zfs send fails (no such --from snapshot): no file, no temp file, and the snapshot
    // capture created is destroyed again.
    let other = out.path().join("b.zfs.zst");
    zflash()
        .args([
            "capture",
            &src,
            "--snapshot",
            "new",
            "--from",
            "missing",
            "-o",
        ])
        .arg(&other)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("zfs send"));
    assert!(!other.exists());
    assert_eq!(file_names(out.path()), ["a.zfs.zst"]);
    assert_eq!(pool.datasets(), before);

    // Suffix and --compress disagree: usage error before anything happens.
    zflash()
        .args(["capture", &src, "--compress", "gzip", "-o"])
        .arg(&other)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("the suffix says zstd"));

    // --force overwrites; an existing snapshot is used and kept.
    run("zfs", &["snapshot", &format!("{src}@keep")]);
    zflash()
        .args(["capture", &src, "--snapshot", "keep", "--force", "-o"])
        .arg(&target)
        .assert()
        .code(0);
    zflash_on(&["verify"], &[&target]).code(0);
    assert!(pool.datasets().contains(&format!("{src}@keep")));
    let _ = run_retry("zfs", &["destroy", &format!("{src}@keep")]);
}

#[test]
fn capture_stopped_by_a_signal_leaves_nothing_behind() {
    if !require_zfs() {
        return;
    }
    let pool = TestPool::create("archsig", 64);
    // About 1.3 MB of stream: ~20 pipe-sized chunks, 100 ms apart with the throttle.
    let src = source_dataset(&pool, 5, 512);
    run("zfs", &["snapshot", &format!("{src}@keep")]);
    let before = pool.datasets();
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("a.zfs.zst");
    let listing = || file_names(out.path());

    for (signal, code, snapshot) in [
        ("INT", 130, None),
        ("TERM", 143, Some("keep")),
        ("HUP", 129, None),
    ] {
        let mut cmd = StdCommand::new(env!("CARGO_BIN_EXE_zflash"));
        cmd.args(["capture", &src, "-o"])
            .arg(&target)
            .env("ZFLASH_TEST_CAPTURE_CHUNK_DELAY_MS", "100")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(s) = snapshot {
            cmd.args(["--snapshot", s]);
        }
        let child = cmd.spawn().unwrap();
        // The temporary file appears after the snapshot, just before `zfs send` starts;
        // then let a few chunks through.
        let start = std::time::Instant::now();
        while !listing().iter().any(|n| n.ends_with(".partial")) {
            assert!(
                start.elapsed() < std::time::Duration::from_secs(10),
                "no .partial file appeared: {:?}",
                listing()
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        std::thread::sleep(std::time::Duration::from_millis(300));
        run("kill", &["-s", signal, &child.id().to_string()]);
        let result = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert_eq!(result.status.code(), Some(code), "SIG{signal}: {stderr}");
        assert!(
            stderr.contains(&format!(
                "capture interrupted by SIG{signal}: stopped `zfs send`, removed the partial archive"
            )),
            "{stderr}"
        );
        assert_eq!(
            stderr.contains("destroyed the snapshot"),
            snapshot.is_none(),
            "{stderr}"
        );
        assert!(result.stdout.is_empty());
        // No archive, manifest or temporary file; the created snapshot is gone, the
        // given one kept.
        assert_eq!(listing(), Vec::<String>::new(), "SIG{signal}");
        assert_eq!(pool.datasets(), before, "SIG{signal}");
    }
}

/// `zflash info --json … | head -1` and `verify --json … | head -1`: a reader that goes
/// away is not an error worth a message (nothing on stderr), but not a success either:
/// exit 141, as a process killed by SIGPIPE.
#[test]
fn a_closed_stdout_is_not_an_error_message() {
    let one = fixture("openzfs/big-endian-all-drr-types-base-XDR.zsend.zst");
    // Well over a pipe buffer (64 KiB) of output, so the writes must meet the closed pipe.
    let many: Vec<&str> = std::iter::repeat_n(one.as_str(), 200).collect();
    for sub in ["info", "verify"] {
        let mut child = StdCommand::new(assert_cmd::cargo::cargo_bin("zflash"))
            .arg(sub)
            .arg("--json")
            .args(&many)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 1];
        std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut first).unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(141), "{sub}: {:?}", out.status);
        assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{sub}");
    }
}
