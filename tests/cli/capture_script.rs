//! The Solaris 10 capture script `capture/<archive>.sh` that `zflash generate` writes,
//! run on zfs-fuse under the Solaris 10 `/sbin/sh` with only its userland
//! (`PATH=DIR/bin DIR/bin/sh`): the Solaris 10 workflow end to end without a zflash
//! binary on the Solaris side — capture script → `zflash verify`/`manifest` → `generate`
//! with the manifest → loadzfs (same userland) and `zflash finish` deploy it — and its
//! faults, each of which leaves no file and no snapshot behind.
//!
//! Without `ZFLASH_S10_USERLAND` these tests say so on stderr and do nothing (under `CI`
//! they fail); without zfs-fuse likewise (see `require_zfs`).

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use zflash_runtime::testpool::{
    Shell, TestPool, file_tree, require_zfs, run, run_retry, s10_userland,
};

const INSTALLED: &str = "s10u6_req";
use super::support::{HOST, finish_natively_command};

fn zflash() -> Command {
    Command::cargo_bin("zflash").unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `site_dir/site.yaml`: one archive `gold` at `dir/<file>` (its increments
/// `dir/<inc>`), each with its sidecar manifest when `manifests`, deployed by class
/// `desk` on `pool`.
fn write_site(
    site_dir: &Path,
    dir: &Path,
    pool: &str,
    file: &str,
    increments: &[&str],
    manifests: bool,
) -> PathBuf {
    let entry = |f: &str| {
        let path = dir.join(f);
        let manifest = if manifests {
            format!(", manifest: {}.manifest.json", path.display())
        } else {
            String::new()
        };
        format!("location: {}{manifest}", path.display())
    };
    let incs: Vec<String> = increments
        .iter()
        .map(|f| format!("{{{}}}", entry(f)))
        .collect();
    let site = site_dir.join("site.yaml");
    std::fs::write(
        &site,
        format!(
            "version: 1\n\
             server: {{hostname: js, ip: 10.0.0.5, install_image: /export/install, release: 1/13, config_dir: /export/js}}\n\
             archives:\n  gold: {{{}, increments: [{}]}}\n\
             defaults:\n  sysidcfg: {{timezone: GMT, root_password: Xy3kP0qLm9ZbA, network_interface: {{netmask: 255.255.255.0}}}}\n\
             classes:\n  desk:\n    archive: gold\n    profile: {{pool: {pool}, bename: {INSTALLED}}}\n    deploy: {{be: s10gold}}\n\
             clients:\n  - {{hostname: {HOST}, mac: '8:0:20:1:2:3', ip: 10.0.0.21}}\n",
            entry(file),
            incs.join(", ")
        ),
    )
    .unwrap();
    site
}

/// `zflash generate SITE -o DIR/js`; returns the JumpStart directory.
fn generate(site: &Path) -> PathBuf {
    let js = site.parent().unwrap().join("js");
    let out = zflash()
        .arg("generate")
        .arg(site)
        .arg("-o")
        .arg(&js)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    js
}

/// Run `js/capture/gold.sh ARGS` under the Solaris 10 shell, `bin` first on its PATH.
fn capture(userland: &Path, js: &Path, bin: Option<&Path>, args: &[&str]) -> Output {
    let shell = Shell::S10(userland.to_path_buf());
    let mut cmd = shell.command();
    if let Some(bin) = bin {
        let mut path = bin.as_os_str().to_owned();
        path.push(":");
        path.push(shell.search_path());
        cmd.env("PATH", path);
    }
    cmd.arg(js.join("capture/gold.sh"))
        .args(args)
        .output()
        .unwrap()
}

fn assert_ok(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what}: {}\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

fn manifest_of(archive: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(format!("{}.manifest.json", archive.display())).unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

fn file_names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// The archive verifies, its manifest (the script's, without stream fields) is completed
/// by `zflash manifest`, and verifies again with every field.
fn verify_and_complete(archive: &Path) {
    let m = manifest_of(archive);
    assert_eq!(m["format"], "zflash-archive/1");
    assert!(
        m.get("stream").is_none() && m.get("raw_bytes").is_none(),
        "{m}"
    );
    assert_eq!(
        m["stored_bytes"].as_u64(),
        Some(std::fs::metadata(archive).unwrap().len())
    );
    let out = zflash().arg("verify").arg(archive).output().unwrap();
    assert_ok(&out, "verify");
    assert!(text(&out.stdout).contains("SHA-256 matches the manifest"));
    let out = zflash().arg("manifest").arg(archive).output().unwrap();
    assert_ok(&out, "manifest");
    assert!(
        text(&out.stdout).contains("added stream, raw_bytes"),
        "{}",
        text(&out.stdout)
    );
    let done = manifest_of(archive);
    // The fields the script wrote are unchanged.
    for key in [
        "name", "created", "host", "source", "content", "sha256", "tool",
    ] {
        assert_eq!(done[key], m[key], "{key}");
    }
    assert!(done["stream"]["toguid"].is_string(), "{done}");
    assert_ok(
        &zflash().arg("verify").arg(archive).output().unwrap(),
        "verify of the completed manifest",
    );
}

/// Deploy the site's class with `zflash finish` on one miniroot pool and with the
/// loadzfs under the Solaris 10 shell on another; both succeed, the loadzfs checks the
/// digests before any change, and both BEs hold the same files.
fn deploy_both_ways(
    userland: &Path,
    dir: &Path,
    file: &str,
    incs: &[&str],
    tag: &str,
) -> Vec<String> {
    let mut trees = Vec::new();
    for native in [true, false] {
        let pool = TestPool::miniroot(
            &format!("{tag}{}", if native { "n" } else { "s" }),
            128,
            INSTALLED,
        );
        let site_dir = tempfile::tempdir().unwrap();
        // The archives stay where the script wrote them; the site names them.
        let js = generate(&write_site(
            site_dir.path(),
            dir,
            &pool.name,
            file,
            incs,
            true,
        ));
        if native {
            let out = finish_natively_command(&js, &pool.altroot)
                .arg("--quiet")
                .output()
                .unwrap();
            assert_ok(&out, "zflash finish");
        } else {
            let out = Shell::S10(userland.to_path_buf())
                .command()
                .arg(js.join("finish/desk.loadzfs"))
                .env("SI_CONFIG_DIR", &js)
                .env("SI_HOSTNAME", HOST)
                .env("SI_ARCH", "sparc")
                .env("SI_KARCH", "sun4u")
                .env("ZFLASH_ALTROOT", &pool.altroot)
                .output()
                .unwrap();
            assert_ok(&out, "loadzfs");
            let stdout = text(&out.stdout);
            for f in std::iter::once(&file).chain(incs) {
                let verified = format!("SHA-256 of {} verified", dir.join(f).display());
                assert!(
                    stdout.contains(&verified),
                    "{verified:?} missing:\n{stdout}"
                );
            }
        }
        let be = format!("{}/ROOT/s10gold", pool.name);
        assert_eq!(pool.bootfs(), be);
        let root = pool.inspect_tree(&be);
        trees.push(file_tree(
            &root,
            &["var/sadm/system/logs/zflash-finish.log"],
        ));
        pool.uninspect_tree(&be);
    }
    assert_eq!(trees[0], trees[1], "loadzfs and zflash finish differ");
    trees.pop().unwrap()
}

#[test]
fn the_script_captures_full_incremental_and_recursive_archives_that_deploy() {
    if !require_zfs() {
        return;
    }
    let Some(userland) = s10_userland() else {
        return;
    };
    let golden = TestPool::create("capgold", 128);
    let ds = golden.golden_dataset(64);
    let root = PathBuf::from(golden.zfs_get("mountpoint", &ds));
    let out = tempfile::tempdir().unwrap();
    let dir = out.path();
    let js = generate(&write_site(
        dir,
        dir,
        &golden.name,
        "gold.zfs.gz",
        &["gold-p1.zfs.gz"],
        false,
    ));
    let script = std::fs::read_to_string(js.join("capture/gold.sh")).unwrap();
    assert!(script.contains("ZF_FILE='gold.zfs.gz'"), "{script}");

    // Full: snapshot @flar taken by the script and kept.
    let d = dir.to_str().unwrap();
    let o = capture(&userland, &js, None, &["-s", "flar", "-d", d, &ds]);
    assert_ok(&o, "full capture");
    let base = dir.join("gold.zfs.gz");
    let m = manifest_of(&base);
    assert_eq!(m["source"]["dataset"], ds.as_str());
    assert_eq!(m["source"]["snapshot"], "flar");
    assert_eq!(m["source"]["recursive"], false);
    assert_eq!(m["source"]["pool"], golden.name.as_str());
    assert_eq!(m["source"]["pool_version"], 23);
    assert_eq!(m["source"]["zpl_version"], 4);
    assert_eq!(m["compression"], "gzip");
    assert_eq!(m["host"], run("uname", &["-n"]).trim());
    assert!(golden.datasets().contains(&format!("{ds}@flar")));

    // Increment 1 from @flar.
    std::fs::write(root.join("etc/motd"), "Golden image, patch 1\n").unwrap();
    std::fs::write(root.join("usr/bin/patch1"), vec![0x5a; 24 * 1024]).unwrap();
    std::fs::remove_file(root.join("usr/bin/tool")).unwrap();
    let o = capture(&userland, &js, None, &["-s", "p1", "-d", d, &ds, "flar"]);
    assert_ok(&o, "incremental capture");
    let inc = dir.join("gold-p1.zfs.gz");
    assert_eq!(manifest_of(&inc)["source"]["from_snapshot"], "flar");
    // The same file again: refused without -f, replaced with it (the snapshot reused).
    let o = capture(&userland, &js, None, &["-s", "p1", "-d", d, &ds, "flar"]);
    assert!(!o.status.success());
    assert!(
        text(&o.stderr).contains("exists (use -f to overwrite)"),
        "{}",
        text(&o.stderr)
    );
    let o = capture(
        &userland,
        &js,
        None,
        &["-f", "-s", "p1", "-d", d, &ds, "flar"],
    );
    assert_ok(&o, "incremental capture with -f");
    assert!(
        text(&o.stderr).contains("is used and kept"),
        "{}",
        text(&o.stderr)
    );

    verify_and_complete(&base);
    verify_and_complete(&inc);
    assert_ok(
        &zflash()
            .arg("verify")
            .arg(&base)
            .arg(&inc)
            .output()
            .unwrap(),
        "verify of the chain",
    );
    // Nothing but the archives and their manifests was left.
    assert_eq!(
        file_names(dir),
        [
            "gold-p1.zfs.gz",
            "gold-p1.zfs.gz.manifest.json",
            "gold.zfs.gz",
            "gold.zfs.gz.manifest.json",
            "js",
            "site.yaml"
        ]
    );
    let files = deploy_both_ways(&userland, dir, "gold.zfs.gz", &["gold-p1.zfs.gz"], "capinc");
    assert!(
        files.iter().any(|f| f.starts_with("usr/bin/patch1:"))
            && !files.iter().any(|f| f.starts_with("usr/bin/tool:")),
        "the increment was not applied: {files:?}"
    );

    // Recursive (-r): a BE with a separate /var.
    let rds = golden.golden_dataset_with_var(16);
    let rout = tempfile::tempdir().unwrap();
    let rdir = rout.path();
    let js = generate(&write_site(
        rdir,
        rdir,
        &golden.name,
        "gold-r.zfs.gz",
        &[],
        false,
    ));
    let o = capture(
        &userland,
        &js,
        None,
        &["-r", "-s", "gold", "-d", rdir.to_str().unwrap(), &rds],
    );
    assert_ok(&o, "recursive capture");
    let rec = rdir.join("gold-r.zfs.gz");
    assert_eq!(manifest_of(&rec)["source"]["recursive"], true);
    assert!(golden.datasets().contains(&format!("{rds}/var@gold")));
    // Deployed with the script's manifest as it is (no stream fields: generate, finish
    // and the loadzfs need only the digest), then completed.
    let files = deploy_both_ways(&userland, rdir, "gold-r.zfs.gz", &[], "caprec");
    assert!(
        files.iter().any(|f| f.starts_with("var/app/data:")),
        "{files:?}"
    );
    verify_and_complete(&rec);
    assert_eq!(manifest_of(&rec)["stream"]["compound"], true);

    let rroot = PathBuf::from(golden.zfs_get("mountpoint", &rds));
    run_retry("zfs", &["destroy", "-r", &rds]).unwrap();
    run_retry("zfs", &["destroy", "-r", &ds]).unwrap();
    let _ = std::fs::remove_dir(rroot);
    let _ = std::fs::remove_dir(root);
}

/// A failed capture: non-zero exit naming the step, no file in `dir` but `keep`, the
/// pool's datasets and snapshots as `before`.
fn assert_failed_and_clean(
    o: &Output,
    step: &str,
    dir: &Path,
    keep: &[&str],
    pool: &TestPool,
    before: &[String],
) {
    let stderr = text(&o.stderr);
    assert!(!o.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!("the {step} step failed")),
        "no {step} step failure in:\n{stderr}"
    );
    assert_eq!(file_names(dir), keep, "{stderr}");
    assert_eq!(pool.datasets(), before, "{stderr}");
}

#[test]
fn a_failed_capture_leaves_no_file_and_no_snapshot() {
    if !require_zfs() {
        return;
    }
    let Some(userland) = s10_userland() else {
        return;
    };
    let golden = TestPool::create("capfault", 128);
    let ds = golden.golden_dataset(4096);
    let site_dir = tempfile::tempdir().unwrap();
    // The output directory: a dataset of the golden pool, so that it can be made full.
    let outds = format!("{}/out", golden.name);
    run("zfs", &["create", &outds]);
    let out = PathBuf::from(golden.zfs_get("mountpoint", &outds));
    let o = out.to_str().unwrap();
    let js = generate(&write_site(
        site_dir.path(),
        &out,
        &golden.name,
        "gold.zfs.gz",
        &[],
        false,
    ));
    let before = golden.datasets();

    // An unknown dataset.
    let missing = format!("{}/nosuch", golden.name);
    let r = capture(&userland, &js, None, &["-d", o, &missing]);
    assert_failed_and_clean(&r, "preflight", &out, &[], &golden, &before);
    assert!(
        text(&r.stderr).contains("does not exist"),
        "{}",
        text(&r.stderr)
    );

    // An existing output file: kept as it was.
    std::fs::write(out.join("gold.zfs.gz"), "precious").unwrap();
    let r = capture(&userland, &js, None, &["-s", "s1", "-d", o, &ds]);
    assert_failed_and_clean(&r, "preflight", &out, &["gold.zfs.gz"], &golden, &before);
    assert_eq!(std::fs::read(out.join("gold.zfs.gz")).unwrap(), b"precious");
    std::fs::remove_file(out.join("gold.zfs.gz")).unwrap();

    // `zfs send` killed half-way (SIGKILL after 64 KiB of its output).
    let bin = tempfile::tempdir().unwrap();
    let zfs = bin.path().join("zfs");
    std::fs::write(
        &zfs,
        format!(
            "#!/bin/sh\nif [ \"$1\" = send ]; then {real} \"$@\" | /bin/dd bs=1024 count=64 2>/dev/null; kill -9 $$; fi\nexec {real} \"$@\"\n",
            real = userland.join("bin/zfs").display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&zfs, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let r = capture(
        &userland,
        &js,
        Some(bin.path()),
        &["-s", "s2", "-d", o, &ds],
    );
    assert_failed_and_clean(&r, "send", &out, &[], &golden, &before);
    assert!(
        text(&r.stderr).contains("zfs send failed"),
        "{}",
        text(&r.stderr)
    );
    assert!(
        text(&r.stderr).contains("destroyed the snapshot"),
        "{}",
        text(&r.stderr)
    );

    // SIGTERM while `zfs send` runs (a stand-in that holds its output back for 2 s):
    // the shell runs its trap when the pipeline ends, removes the partial file and the
    // snapshot, and exits 143.
    std::fs::write(
        &zfs,
        format!(
            "#!/bin/sh\nif [ \"$1\" = send ]; then {real} \"$@\" | {{ /bin/sleep 2; /bin/cat; }}; exit $?; fi\nexec {real} \"$@\"\n",
            real = userland.join("bin/zfs").display()
        ),
    )
    .unwrap();
    let shell = Shell::S10(userland.clone());
    let mut cmd = shell.command();
    let mut path = bin.path().as_os_str().to_owned();
    path.push(":");
    path.push(shell.search_path());
    let child = cmd
        .env("PATH", path)
        .arg(js.join("capture/gold.sh"))
        .args(["-s", "s5", "-d", o, &ds])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while !file_names(&out).iter().any(|f| f.ends_with(".partial")) {
        assert!(started.elapsed().as_secs() < 20, "no partial file appeared");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    run("kill", &["-TERM", &child.id().to_string()]);
    let r = child.wait_with_output().unwrap();
    let stderr = text(&r.stderr);
    assert_eq!(r.status.code(), Some(143), "{stderr}");
    assert!(
        stderr.contains("the send step was interrupted by SIGTERM"),
        "{stderr}"
    );
    assert_eq!(file_names(&out), Vec::<String>::new(), "{stderr}");
    assert_eq!(golden.datasets(), before, "{stderr}");

    // The output directory fills up while gzip writes (4 MiB of random data, 1.5 MiB
    // of room: more than the quarter of the estimate the preflight asks for).
    run("zfs", &["set", "quota=1536k", &outds]);
    let r = capture(&userland, &js, None, &["-s", "s3", "-d", o, &ds]);
    assert_failed_and_clean(&r, "send", &out, &[], &golden, &before);
    // Less room than even 4:1 compression needs: refused before the snapshot.
    run("zfs", &["set", "quota=300k", &outds]);
    let r = capture(&userland, &js, None, &["-s", "s4", "-d", o, &ds]);
    assert_failed_and_clean(&r, "preflight", &out, &[], &golden, &before);
    assert!(
        text(&r.stderr).contains("estimated at"),
        "{}",
        text(&r.stderr)
    );
    run("zfs", &["set", "quota=none", &outds]);
    // Solaris 10's df -k, when there is one, tells the room of any file system (an NFS
    // directory too): 100 KiB free is refused.
    let dfbin = tempfile::tempdir().unwrap();
    let df = dfbin.path().join("df");
    std::fs::write(
        &df,
        "#!/bin/sh\necho 'Filesystem            kbytes    used   avail capacity  Mounted on'\n\
         echo 'js:/export/flash'\necho '                   1000000  999900     100   100%    /net/js/export/flash'\n",
    )
    .unwrap();
    std::fs::set_permissions(&df, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let r = capture(
        &userland,
        &js,
        Some(dfbin.path()),
        &["-s", "s6", "-d", o, &ds],
    );
    assert_failed_and_clean(&r, "preflight", &out, &[], &golden, &before);
    assert!(
        text(&r.stderr).contains("100 KiB free"),
        "{}",
        text(&r.stderr)
    );
    run_retry("zfs", &["destroy", "-r", &ds]).unwrap();
}

/// Host, dataset and snapshot names with the characters they may have (a quote and a
/// backslash in the host name from `uname -n`; blanks, `:` and `.` in ZFS names) come out
/// as valid JSON with the same values.
#[test]
fn the_manifest_is_valid_json_for_names_with_quotes_and_backslashes() {
    if !require_zfs() {
        return;
    }
    let Some(userland) = s10_userland() else {
        return;
    };
    let golden = TestPool::create("capjson", 96);
    let ds = format!("{}/gold en:1.x", golden.name);
    run("zfs", &["create", &ds]);
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("out");
    std::fs::create_dir(&dir).unwrap();
    let js = generate(&write_site(
        out.path(),
        &dir,
        &golden.name,
        "gold.zfs",
        &[],
        false,
    ));
    let bin = tempfile::tempdir().unwrap();
    let uname = bin.path().join("uname");
    let host = r#"gold"en\host\n"#;
    std::fs::write(
        &uname,
        format!(
            "#!/bin/sh\nif [ \"$1\" = -n ]; then printf '%s\\n' '{host}'; exit 0; fi\nif [ \"$1\" = -p ]; then printf 'sp\\tarc\\n'; exit 0; fi\nexec {} \"$@\"\n",
            userland.join("bin/uname").display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&uname, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let r = capture(
        &userland,
        &js,
        Some(bin.path()),
        &["-s", "s:1.a b", "-d", dir.to_str().unwrap(), &ds],
    );
    assert_ok(&r, "capture");
    let m = manifest_of(&dir.join("gold.zfs"));
    assert_eq!(m["host"], host);
    assert_eq!(m["source"]["dataset"], ds.as_str());
    assert_eq!(m["source"]["snapshot"], "s:1.a b");
    assert_eq!(m["content"]["architecture"], "sp\tarc");
    assert_eq!(m["compression"], "none");
    verify_and_complete(&dir.join("gold.zfs"));
    run_retry("zfs", &["destroy", "-r", &ds]).unwrap();
}

/// `zflash manifest` of a bare `zfs send` file (the seed's `zfs send > FILE`) and of its
/// gzip'd copy: verified, a manifest with every stream field and the digest, which
/// `verify` then checks; a second run has nothing to add; a flag contradicting a field
/// is refused and changes nothing; a damaged stream gets no manifest.
#[test]
fn manifest_describes_a_bare_stream_and_never_changes_a_written_field() {
    let tmp = tempfile::tempdir().unwrap();
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/streams/zfs-fuse");
    let bare = tmp.path().join("incr.zfs");
    std::fs::copy(fixtures.join("incr.zs"), &bare).unwrap();
    let out = zflash()
        .arg("manifest")
        .arg(&bare)
        .args(["--arch", "sparc", "--platform", "sun4v"])
        .args(["--os-release", "Solaris 10 10/09 \"u8\" SPARC"])
        .output()
        .unwrap();
    assert_ok(&out, "manifest of a bare stream");
    let m = manifest_of(&bare);
    assert_eq!(m["compression"], "none");
    assert_eq!(m["content"]["architecture"], "sparc");
    assert_eq!(m["content"]["os_release"], "Solaris 10 10/09 \"u8\" SPARC");
    assert!(m["stream"]["fromguid"].is_string(), "an increment: {m}");
    assert_eq!(m["raw_bytes"].as_u64(), Some(557_704));
    assert_eq!(m["sha256"].as_str().map(str::len), Some(64));
    let (dataset, snapshot) = m["stream"]["name"]
        .as_str()
        .unwrap()
        .split_once('@')
        .unwrap();
    assert_eq!(m["source"]["dataset"], dataset);
    assert_eq!(m["source"]["snapshot"], snapshot);
    let out = zflash().arg("verify").arg(&bare).output().unwrap();
    assert_ok(&out, "verify");
    assert!(text(&out.stdout).contains("SHA-256 matches the manifest"));
    let out = zflash().arg("manifest").arg(&bare).output().unwrap();
    assert_ok(&out, "second run");
    assert!(text(&out.stdout).contains("nothing to add"));
    let before = std::fs::read(format!("{}.manifest.json", bare.display())).unwrap();
    let out = zflash()
        .arg("manifest")
        .arg(&bare)
        .args(["--arch", "i386"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("is not changed"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        std::fs::read(format!("{}.manifest.json", bare.display())).unwrap(),
        before
    );

    // gzip'd, as the capture script stores it.
    let gz = tmp.path().join("full.zfs.gz");
    let data = std::fs::read(fixtures.join("full.zs")).unwrap();
    let zipped = std::process::Command::new("gzip")
        .arg("-c")
        .arg(fixtures.join("full.zs"))
        .output()
        .unwrap();
    assert!(zipped.status.success());
    std::fs::write(&gz, zipped.stdout).unwrap();
    assert_ok(
        &zflash().arg("manifest").arg(&gz).output().unwrap(),
        "manifest of a gzip stream",
    );
    let m = manifest_of(&gz);
    assert_eq!(m["compression"], "gzip");
    assert_eq!(m["raw_bytes"].as_u64(), Some(data.len() as u64));
    assert_ok(
        &zflash().arg("verify").arg(&gz).output().unwrap(),
        "verify gz",
    );

    // Damaged: refused, no manifest.
    let bad = tmp.path().join("bad.zfs");
    let mut data = std::fs::read(fixtures.join("incr.zs")).unwrap();
    let n = data.len() / 2;
    data[n] ^= 0x40;
    std::fs::write(&bad, &data).unwrap();
    let out = zflash().arg("manifest").arg(&bad).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(!tmp.path().join("bad.zfs.manifest.json").exists());
}

/// `zflash capture` runs the same plan's preflight natively: an unknown dataset and a
/// directory without room for the estimated stream are refused before any snapshot.
#[test]
fn zflash_capture_runs_the_same_preflight() {
    if !require_zfs() {
        return;
    }
    let golden = TestPool::create("capnative", 96);
    let ds = golden.golden_dataset(2048);
    let outds = format!("{}/out", golden.name);
    run("zfs", &["create", "-o", "quota=512k", &outds]);
    let out = PathBuf::from(golden.zfs_get("mountpoint", &outds));
    let before = golden.datasets();
    let r = zflash()
        .args(["capture", &format!("{}/nosuch", golden.name), "-o"])
        .arg(out.join("a.zfs"))
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(2));
    assert!(
        text(&r.stderr).contains("does not exist"),
        "{}",
        text(&r.stderr)
    );
    let r = zflash()
        .args(["capture", &ds, "--snapshot", "s1", "-o"])
        .arg(out.join("a.zfs"))
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(2));
    assert!(
        text(&r.stderr).contains("the stream is estimated at"),
        "{}",
        text(&r.stderr)
    );
    assert_eq!(file_names(&out), Vec::<String>::new());
    assert_eq!(golden.datasets(), before);
    // With room it captures (and the plan's undo is not run).
    run("zfs", &["set", "quota=none", &outds]);
    let r = zflash()
        .args(["capture", &ds, "--snapshot", "s1", "-o"])
        .arg(out.join("a.zfs"))
        .output()
        .unwrap();
    assert_ok(&r, "capture with room");
    assert!(golden.datasets().contains(&format!("{ds}@s1")));
    run_retry("zfs", &["destroy", "-r", &ds]).unwrap();
}

/// Bad arguments stop the script before it runs any command (exit 2), and a zstd
/// archive, which Solaris 10 cannot compress, is refused (exit 1) — under the Solaris
/// 10 shell, with a `zfs` on PATH that records any call.
#[test]
fn bad_arguments_and_a_zstd_archive_are_refused_before_any_command() {
    let Some(userland) = s10_userland() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let js = tmp.path().join("js");
    let out = zflash()
        .arg("generate")
        .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/examples/site.yaml"))
        .arg("-o")
        .arg(&js)
        .output()
        .unwrap();
    assert_ok(&out, "generate");
    let bin = tmp.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let calls = tmp.path().join("calls");
    std::fs::write(
        bin.join("zfs"),
        format!("#!/bin/sh\necho \"$@\" >>{}\nexit 1\n", calls.display()),
    )
    .unwrap();
    std::fs::set_permissions(
        bin.join("zfs"),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let shell = Shell::S10(userland.clone());
    let run_script = |script: &str, args: &[&str]| {
        let mut path = bin.as_os_str().to_owned();
        path.push(":");
        path.push(shell.search_path());
        shell
            .command()
            .env("PATH", path)
            .current_dir(tmp.path())
            .arg(js.join(script))
            .args(args)
            .output()
            .unwrap()
    };
    for (args, message) in [
        (&[][..], "give DATASET"),
        (
            &["rpool/ROOT/gold@flar"][..],
            "DATASET must be a filesystem name",
        ),
        (&["-n", "1", "rpool/ROOT/gold"][..], "-n N needs FROM"),
        (
            &["rpool/ROOT/gold", "flar"][..],
            "has 0 increment(s): no increment 1",
        ),
        (
            &["-s", "a/b", "rpool/ROOT/gold"][..],
            "-s takes a snapshot name",
        ),
        (&["-x", "rpool/ROOT/gold"][..], "unknown option -x"),
    ] {
        let o = run_script("capture/golden-gz.sh", args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o.stderr));
        assert!(
            text(&o.stderr).contains(message),
            "{args:?}: {}",
            text(&o.stderr)
        );
    }
    let o = run_script("capture/golden.sh", &["rpool/ROOT/gold"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("Solaris 10 has no zstd"),
        "{}",
        text(&o.stderr)
    );
    assert!(
        !calls.exists(),
        "zfs was run: {:?}",
        std::fs::read_to_string(&calls)
    );
    assert_eq!(file_names(tmp.path()), ["bin", "js"]);
}
