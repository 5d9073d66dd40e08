//! `exec::finish` against real zfs-fuse pools: the seed scenario and the fault matrix.
//! Each failure case asserts that the pool (datasets, properties, bootfs, mounts, altroot
//! top levels) is exactly as before.

use std::path::{Path, PathBuf};

use zflash_runtime::config::DeployConfig;
use zflash_runtime::exec::{self, Events, Fault, FinishOptions, Outcome, Report};
use zflash_runtime::platform::Platform;
use zflash_runtime::testpool::{
    FINISH_STEPS, SYSIDCFG, TestPool, require_busybox, require_zfs, run, run_retry, si_config_dir,
    write_damaged, write_manifest, zfs_send,
};

const BE: &str = "s10u6_req";
const NEW: &str = "s10gold";

struct Site {
    pool: TestPool,
    config_dir: tempfile::TempDir,
}

fn site(tag: &str, mb: u64) -> Site {
    let pool = TestPool::miniroot(tag, mb, BE);
    let config_dir = si_config_dir(SYSIDCFG);
    Site { pool, config_dir }
}

/// A site whose pool also holds a golden stream `gold.zfs` with `random_kb` KiB of data.
fn site_with_stream(tag: &str, random_kb: usize) -> (Site, PathBuf) {
    let site = site(tag, 128);
    let stream = site.pool.golden_stream("gold.zfs", random_kb);
    (site, stream)
}

/// A site with a [chain] of archives of a golden dataset.
fn site_with_chain(tag: &str) -> (Site, Chain) {
    let site = site(tag, 128);
    let chain = chain(&site);
    (site, chain)
}

fn config(site: &Site, archive: &Path, extra: &str) -> DeployConfig {
    DeployConfig::from_yaml(&format!(
        "version: 1\narchive: {}\npool: {}\nbe_name: {NEW}\nproperties: {{compression: \"on\"}}\n{extra}",
        archive.display(),
        site.pool.name
    ))
    .unwrap()
}

/// A config with one hook, `/bin/sh -c SCRIPT BE-ROOT`.
fn config_with_hook(site: &Site, archive: &Path, name: &str, script: &str) -> DeployConfig {
    config(
        site,
        archive,
        &format!("hooks: [{{name: {name}, argv: [/bin/sh, -c, '{script}'], mode: argument}}]\n"),
    )
}

fn opts(site: &Site) -> FinishOptions {
    FinishOptions {
        altroot: site.pool.altroot.display().to_string(),
        si_config_dir: site.config_dir.path().display().to_string(),
        si_hostname: "client1".into(),
        si_arch: "i386".into(),
        si_karch: "i86pc".into(),
        force: false,
        skip_space_check: false,
        progress: false,
        verbose: false,
        fault: None,
    }
}

/// The options with a failure injected right after `step`.
fn opts_failing_after(site: &Site, step: &str) -> FinishOptions {
    FinishOptions {
        fault: Some(Fault::FailAfter(step.into())),
        ..opts(site)
    }
}

fn deploy(cfg: &DeployConfig, o: &FinishOptions) -> Report {
    exec::finish(cfg, o, &Platform::detect(), &mut Events::new(None))
}

fn be(site: &Site) -> String {
    format!("{}/ROOT/{NEW}", site.pool.name)
}

/// Mount the deployed BE read-only somewhere to look at it, return the root.
fn inspect(site: &Site) -> PathBuf {
    site.pool.inspect(&be(site))
}

fn uninspect(site: &Site) {
    site.pool.uninspect(&be(site));
}

/// A text file of a mounted root.
fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).unwrap()
}

/// Deploy again: nothing to do, and the pool stays exactly as it is. Returns the report.
fn assert_rerun_is_a_noop(site: &Site, cfg: &DeployConfig) -> Report {
    let before = site.pool.state();
    let again = deploy(cfg, &opts(site));
    assert_eq!(again.outcome, Outcome::AlreadyDeployed, "{again}");
    assert_eq!(site.pool.state(), before);
    again
}

/// Deploy with the events captured; returns the report and the events (JSON lines).
fn deploy_with_events(cfg: &DeployConfig, o: &FinishOptions) -> (Report, String) {
    let sink = SharedSink(std::sync::Arc::new(std::sync::Mutex::new(Vec::new())));
    let r = exec::finish(
        cfg,
        o,
        &Platform::detect(),
        &mut Events::new(Some(Box::new(sink.clone()))),
    );
    let events = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
    (r, events)
}

/// The platform with `mount` replaced by a script that bind-mounts the NFS server path
/// locally, read-only (and fails unless called as `mount -t nfs -o ro`).
fn fake_nfs_platform(site: &Site) -> Platform {
    let fake = site.config_dir.path().join("fake-mount");
    std::fs::write(
        &fake,
        "#!/bin/sh\n# fake-mount -t nfs -o ro SERVER:/DIR TARGET\n[ \"$1 $2 $3 $4\" = \"-t nfs -o ro\" ] || exit 9\nmount --bind \"${5#*:}\" \"$6\" && mount -o remount,ro,bind \"$6\"\n",
    )
    .unwrap();
    run("chmod", &["+x", fake.to_str().unwrap()]);
    let mut platform = Platform::detect();
    platform.mount = fake.display().to_string();
    platform
}

/// A config reading the archive and its increments from the NFS server `localhost`,
/// mounted at `mnt` (and `<mnt>-2`, … for other directories).
fn nfs_config(site: &Site, archive: &Path, increments: &[&Path], mnt: &Path) -> DeployConfig {
    let increments = if increments.is_empty() {
        String::new()
    } else {
        let items: Vec<String> = increments
            .iter()
            .map(|p| format!("'localhost:{}'", p.display()))
            .collect();
        format!("increments: [{}]\n", items.join(", "))
    };
    DeployConfig::from_yaml(&format!(
        "version: 1\narchive: localhost:{}\n{increments}pool: {}\nbe_name: {NEW}\noptions: {{source_mountpoint: {}}}\n",
        archive.display(),
        site.pool.name,
        mnt.display()
    ))
    .unwrap()
}

fn is_mounted(p: &Path) -> bool {
    std::fs::read_to_string("/proc/mounts")
        .unwrap()
        .lines()
        .any(|l| l.split_whitespace().nth(1) == Some(p.to_str().unwrap()))
}

fn assert_failed_and_unchanged(site: &Site, before: &str, report: &Report, want: &str) {
    assert_eq!(report.outcome, Outcome::Failed, "{report}");
    let err = report.error.clone().unwrap_or_default();
    assert!(err.contains(want), "error {err:?} should mention {want:?}");
    assert!(report.rollback_errors.is_empty(), "{report}");
    assert_eq!(
        site.pool.state(),
        before,
        "pool changed after a failed deployment"
    );
}

#[test]
fn seed_scenario_end_to_end_then_rerun_is_a_noop() {
    if !require_zfs() {
        return;
    }
    let (s, stream) = site_with_stream("seed", 256);
    let cfg = config(&s, &stream, "");
    let report = deploy(&cfg, &opts(&s));
    assert_eq!(report.outcome, Outcome::Deployed, "{report}");
    let ds = be(&s);
    let p = &s.pool;
    assert_eq!(p.bootfs(), ds);
    assert_eq!(
        p.datasets(),
        vec![
            p.name.clone(),
            format!("{}/ROOT", p.name),
            ds.clone(),
            format!("{}/ROOT/{BE}", p.name)
        ],
        "no temporary dataset, no @flar snapshot"
    );
    assert_eq!(p.zfs_get("origin", &ds), "-");
    assert_eq!(p.zfs_get("canmount", &ds), "noauto");
    assert_eq!(
        p.zfs_get("mountpoint", &ds),
        p.altroot.display().to_string(),
        "mountpoint=/ (shown under the altroot)"
    );
    assert_eq!(p.zfs_get("compression", &ds), "on");
    assert_eq!(p.zfs_get("mounted", &ds), "no");
    assert_eq!(p.zfs_get("org.zflash:state", &ds), "done");
    assert!(
        !p.altroot.join(".zflash").exists(),
        "temporary mountpoint left behind"
    );
    // Installed BE still mounted at the altroot, untouched.
    assert_eq!(read(&p.altroot, "etc/nodename"), "miniroot\n");

    let root = inspect(&s);
    assert!(root.join("reconfigure").is_file());
    assert!(root.join("etc/.UNCONFIGURED").is_file());
    assert!(!root.join("etc/nodename").exists());
    assert!(!root.join("etc/.sysIDtool.state").exists());
    assert_eq!(read(&root, "etc/sysidcfg"), SYSIDCFG);
    assert_eq!(read(&root, "etc/motd"), "Golden image\n");
    let logs = root.join("var/sadm/system/logs");
    assert!(
        logs.join("install_log").is_file(),
        "installed BE's logs copied"
    );
    assert!(logs.join("golden_install_log").is_file());
    let own = read(&logs, "zflash-finish.log");
    assert!(own.contains("reset_identity"), "{own}");
    // Complete up to the unmount: the steps after preserve_logs are in the copy too.
    assert!(own.contains("] unmount: unmount "), "{own}");
    assert!(own.contains(&format!("zfs umount {ds}")), "{own}");
    assert!(
        own.trim_end().ends_with("see the report and the events"),
        "{own}"
    );
    assert_eq!(
        std::fs::metadata(root.join("usr/bin/payload"))
            .unwrap()
            .len(),
        256 * 1024
    );
    uninspect(&s);

    assert_rerun_is_a_noop(&s, &cfg);
}

#[test]
fn damaged_streams_roll_back_completely() {
    if !require_zfs() {
        return;
    }
    let (s, stream) = site_with_stream("damage", 512);
    let data = std::fs::read(&stream).unwrap();
    let flipped = s.pool.dir().join("flipped.zfs");
    write_damaged(&data, 0x10, &flipped);
    let truncated = s.pool.dir().join("truncated.zfs");
    std::fs::write(&truncated, &data[..data.len() * 2 / 3]).unwrap();
    let before = s.pool.state();
    let r = deploy(&config(&s, &flipped, ""), &opts(&s));
    assert_failed_and_unchanged(&s, &before, &r, "archive damaged");
    let r = deploy(&config(&s, &truncated, ""), &opts(&s));
    assert_failed_and_unchanged(&s, &before, &r, "archive damaged");
    let message = r.error.as_deref().unwrap();
    let name = truncated.display().to_string();
    assert_eq!(message.matches(name.as_str()).count(), 1, "{message}");
    // Not a stream at all: refused before any change.
    let junk = s.pool.dir().join("junk.zfs");
    std::fs::write(&junk, vec![7u8; 4096]).unwrap();
    let mut no_pool = config(&s, &stream, "");
    no_pool.pool = "zflashnosuchpool".into();
    let r = deploy(&no_pool, &opts(&s));
    assert_failed_and_unchanged(&s, &before, &r, "pool zflashnosuchpool is not imported");
    let mut elsewhere = opts(&s);
    elsewhere.altroot = "/nonexistent-altroot".into();
    let r = deploy(&config(&s, &stream, ""), &elsewhere);
    assert_failed_and_unchanged(&s, &before, &r, "is imported with altroot");
    let r = deploy(&config(&s, &junk, ""), &opts(&s));
    assert_failed_and_unchanged(&s, &before, &r, "not a ZFS send stream");
    let r = deploy(
        &config(&s, &s.pool.dir().join("missing.zfs"), ""),
        &opts(&s),
    );
    assert_failed_and_unchanged(&s, &before, &r, "missing.zfs");
}

#[test]
fn manifest_digest_and_architecture_are_enforced() {
    if !require_zfs() {
        return;
    }
    let (s, stream) = site_with_stream("manifest", 128);
    let before = s.pool.state();
    // Wrong digest: the whole stream is received, then the mismatch is caught before bootfs.
    write_manifest(&stream, "i386", Some(&"0".repeat(64)));
    let r = deploy(&config(&s, &stream, ""), &opts(&s));
    assert_failed_and_unchanged(&s, &before, &r, "does not match its manifest");
    // Wrong architecture: refused by preflight.
    write_manifest(&stream, "sparc", None);
    let r = deploy(&config(&s, &stream, ""), &opts(&s));
    assert_failed_and_unchanged(
        &s,
        &before,
        &r,
        "the archive is for sparc but this client is i386",
    );
    // An explicit `manifest:` elsewhere (no sidecar) is checked the same way.
    let sidecar = write_manifest(&stream, "i386", Some(&"f".repeat(64)));
    let elsewhere = s.config_dir.path().join("gold.manifest.json");
    std::fs::rename(&sidecar, &elsewhere).unwrap();
    let explicit = format!("manifest: {}\n", elsewhere.display());
    let r = deploy(&config(&s, &stream, &explicit), &opts(&s));
    assert_failed_and_unchanged(&s, &before, &r, "does not match its manifest");
    let missing = format!(
        "manifest: {}\n",
        s.config_dir.path().join("nope.json").display()
    );
    let r = deploy(&config(&s, &stream, &missing), &opts(&s));
    assert_failed_and_unchanged(&s, &before, &r, "nope.json");
    // A truncated copy (an interrupted transfer) next to the whole file's manifest:
    // refused by preflight, before a receive is started.
    write_manifest(&stream, "i386", None);
    let whole = std::fs::read(&stream).unwrap();
    std::fs::write(&stream, &whole[..whole.len() / 2]).unwrap();
    let (r, events) = deploy_with_events(&config(&s, &stream, ""), &opts(&s));
    assert_failed_and_unchanged(&s, &before, &r, "does not match its manifest");
    assert!(r.error.as_deref().unwrap().starts_with("preflight:"), "{r}");
    assert!(!events.contains("\"step\":\"receive\""), "{events}");
    std::fs::write(&stream, &whole).unwrap();
    // Right one: deployed, identified by the manifest digest; a rerun is a no-op. Its
    // architecture is `unknown` (what `uname -p` says on Linux): no constraint, as in the
    // generated loadzfs (a sparc/i386 match is covered by the loadzfs parity tests).
    write_manifest(&stream, "unknown", None);
    let r = deploy(&config(&s, &stream, ""), &opts(&s));
    assert_eq!(r.outcome, Outcome::Deployed, "{r}");
    assert!(r.archive_id().starts_with("sha256:"), "{r}");
    assert_eq!(Some(&r.archive_id()[7..]), r.sha256.as_deref());
    let r = deploy(&config(&s, &stream, ""), &opts(&s));
    assert_eq!(r.outcome, Outcome::AlreadyDeployed, "{r}");
}

#[test]
fn failure_after_every_step_before_the_switch_leaves_the_pool_as_it_was() {
    if !require_zfs() {
        return;
    }
    let (s, stream) = site_with_stream("failstep", 64);
    let cfg = config_with_hook(&s, &stream, "mark", r#"touch "$0/etc/hooked""#);
    let before = s.pool.state();
    for &step in FINISH_STEPS.iter().take_while(|s| **s != "switch_bootfs") {
        let r = deploy(&cfg, &opts_failing_after(&s, step));
        assert_failed_and_unchanged(&s, &before, &r, &format!("after step {step}"));
    }
    // And the same config then deploys, hook included.
    let r = deploy(&cfg, &opts(&s));
    assert_eq!(r.outcome, Outcome::Deployed, "{r}");
    let root = inspect(&s);
    assert!(root.join("etc/hooked").is_file());
    let log = read(&root, "var/sadm/system/logs/zflash-finish.log");
    assert!(
        log.contains("] run_hooks: run 1 hook(s)"),
        "hooks in the BE's log: {log}"
    );
    uninspect(&s);
}

#[test]
fn failing_hook_rolls_back() {
    if !require_zfs() {
        return;
    }
    let (s, stream) = site_with_stream("hook", 16);
    let cfg = config_with_hook(&s, &stream, "bad", "exit 3");
    let before = s.pool.state();
    let r = deploy(&cfg, &opts(&s));
    assert_failed_and_unchanged(&s, &before, &r, "hook");
}

/// A config with one hook run the default way, `chroot BE-ROOT /bin/sh -c SCRIPT`.
fn config_with_chroot_hook(site: &Site, archive: &Path, script: &str) -> DeployConfig {
    config(
        site,
        archive,
        &format!("hooks:\n  - name: site-motd\n    argv: [/bin/sh, -c, '{script}']\n"),
    )
}

#[test]
fn chroot_hook_runs_inside_the_new_be_and_a_failing_one_rolls_back() {
    if !require_zfs() {
        return;
    }
    let Some(busybox) = require_busybox() else {
        return;
    };
    let s = site("chroothook", 128);
    let stream = s.pool.golden_stream_with_shell("gold-sh.zfs", &busybox);
    // A marker at `/` of whatever root the hook sees: in the BE if it ran chrooted, on
    // the host (or the installed BE at the altroot) if not.
    let marker = format!("zflash-chroot-hook-{}", std::process::id());
    let host_motd = std::fs::read("/etc/motd").ok();

    // Failing first (exit 3): everything is rolled back, the hook's partial work too.
    let before = s.pool.state();
    let failing = config_with_chroot_hook(&s, &stream, &format!(": > /{marker}; exit 3"));
    let r = deploy(&failing, &opts(&s));
    assert_failed_and_unchanged(&s, &before, &r, "exit status: 3");
    assert!(
        r.error.unwrap().contains("chroot"),
        "the error names the chroot hook"
    );

    let ok = config_with_chroot_hook(
        &s,
        &stream,
        &format!("echo cloned > /etc/motd; : > /{marker}; echo hook says hi; echo hook warns >&2"),
    );
    let r = deploy(&ok, &opts(&s));
    assert_eq!(r.outcome, Outcome::Deployed, "{r}");
    assert!(
        !Path::new("/").join(&marker).exists(),
        "hook ran on the host"
    );
    assert!(
        !s.pool.altroot.join(&marker).exists(),
        "hook ran in the installed BE"
    );
    assert_eq!(
        std::fs::read("/etc/motd").ok(),
        host_motd,
        "host /etc/motd changed"
    );
    assert!(
        !s.pool.altroot.join("etc/motd").exists(),
        "motd in the installed BE"
    );
    let root = inspect(&s);
    assert!(
        root.join(&marker).is_file(),
        "hook did not run in the new BE"
    );
    assert_eq!(read(&root, "etc/motd"), "cloned\n");
    let log = read(&root, "var/sadm/system/logs/zflash-finish.log");
    for line in [
        "] run_hooks: run 1 hook(s)",
        "    | hook says hi",
        "    | hook warns",
    ] {
        assert!(
            log.contains(line),
            "{line:?} missing from the BE's log: {log}"
        );
    }
    uninspect(&s);
}

#[test]
fn existing_be_is_refused_unless_forced() {
    if !require_zfs() {
        return;
    }
    let (s, stream) = site_with_stream("exists", 16);
    run("zfs", &["create", "-o", "canmount=noauto", &be(&s)]);
    let before = s.pool.state();
    let cfg = config(&s, &stream, "");
    let r = deploy(&cfg, &opts(&s));
    assert_failed_and_unchanged(&s, &before, &r, "already exists (not deployed by zflash)");
    // The installed BE itself: refused even with --force.
    let mut installed = cfg.clone();
    installed.be_name = BE.into();
    let o = FinishOptions {
        force: true,
        ..opts(&s)
    };
    let r = deploy(&installed, &o);
    assert_failed_and_unchanged(&s, &before, &r, "refusing to replace it even with --force");
    // A --force deployment failing after the foreign BE was parked puts it back.
    let failing = FinishOptions {
        force: true,
        ..opts_failing_after(&s, "mount_temporary")
    };
    let r = deploy(&cfg, &failing);
    assert_failed_and_unchanged(&s, &before, &r, "after step mount_temporary");
    // --force replaces the foreign BE.
    let r = deploy(&cfg, &o);
    assert_eq!(r.outcome, Outcome::Deployed, "{r}");
    assert_eq!(s.pool.zfs_get("org.zflash:state", &be(&s)), "done");
    assert!(!s.pool.datasets().iter().any(|d| d.contains(".zflash")));
}

#[test]
fn pool_too_small_is_refused_by_preflight_and_rolled_back_when_it_fills_up() {
    if !require_zfs() {
        return;
    }
    let big = TestPool::create("bigsrc", 128);
    let stream = big.golden_stream("big.zfs", 48 * 1024);
    let s = site("full", 64);
    let cfg = config(&s, &stream, "");
    let before = s.pool.state();
    let r = deploy(&cfg, &opts(&s));
    assert_failed_and_unchanged(&s, &before, &r, "not enough space");
    let mut o = opts(&s);
    o.skip_space_check = true;
    let r = deploy(&cfg, &o);
    assert_failed_and_unchanged(&s, &before, &r, "zfs receive");
}

#[test]
fn modern_openzfs_stream_is_refused_naming_its_features() {
    if !require_zfs() {
        return;
    }
    let s = site("features", 128);
    // Kept decompressed: CI machines need not have bzip2.
    let stream = fixture("decompress.zsend");
    let before = s.pool.state();
    let r = deploy(&config(&s, &stream, ""), &opts(&s));
    assert_failed_and_unchanged(&s, &before, &r, "LZ4");
    let err = r.error.unwrap();
    assert!(err.contains("version 23"), "{err}");
    assert!(err.contains("ZSTD"), "{err}");
}

/// An OpenZFS test-suite stream kept in tests/data (see its README).
fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// An NFS source, with the platform's `mount` replaced by a script that bind-mounts the
/// server path locally: mounted read-only before preflight, unmounted at the end, and
/// unmounted by the rollback when the deployment fails.
#[test]
fn nfs_source_is_mounted_read_only_and_unmounted() {
    if !require_zfs() {
        return;
    }
    let (s, stream) = site_with_stream("nfs", 16);
    let platform = fake_nfs_platform(&s);
    let mnt = s.config_dir.path().join("src");
    let cfg = nfs_config(&s, &stream, &[], &mnt);
    let before = s.pool.state();
    let o = opts_failing_after(&s, "receive");
    let r = exec::finish(&cfg, &o, &platform, &mut Events::new(None));
    assert_failed_and_unchanged(&s, &before, &r, "after step receive");
    assert!(!is_mounted(&mnt), "source left mounted after a failure");
    let r = exec::finish(&cfg, &opts(&s), &platform, &mut Events::new(None));
    assert_eq!(r.outcome, Outcome::Deployed, "{r}");
    assert_eq!(r.archive, mnt.join("gold.zfs").display().to_string());
    assert!(!is_mounted(&mnt), "source left mounted");
    assert!(!mnt.exists(), "source mountpoint left behind");
}

/// A gzip-compressed archive is decompressed and verified in the same pass as the
/// receive; damage inside the compressed data is caught and rolled back.
#[test]
fn compressed_archive_deploys_and_damage_in_it_rolls_back() {
    if !require_zfs() {
        return;
    }
    let (s, stream) = site_with_stream("gzip", 256);
    let gz = s.pool.dir().join("gold.zfs.gz");
    let out = std::process::Command::new("gzip")
        .arg("-c")
        .arg(&stream)
        .output()
        .unwrap();
    assert!(out.status.success());
    std::fs::write(&gz, &out.stdout).unwrap();
    let bad = s.pool.dir().join("bad.zfs.gz");
    write_damaged(&out.stdout, 0xff, &bad);

    let before = s.pool.state();
    let r = deploy(&config(&s, &bad, ""), &opts(&s));
    assert_failed_and_unchanged(&s, &before, &r, "archive damaged");
    let r = deploy(&config(&s, &gz, "keep_snapshot: true\n"), &opts(&s));
    assert_eq!(r.outcome, Outcome::Deployed, "{r}");
    let snaps: Vec<String> = s
        .pool
        .datasets()
        .into_iter()
        .filter(|d| d.contains('@'))
        .collect();
    assert_eq!(
        snaps,
        vec![format!("{}@flar", be(&s))],
        "keep_snapshot keeps exactly @flar"
    );
    assert_eq!(r.bytes_received, std::fs::metadata(&stream).unwrap().len());
    assert_eq!(r.bytes_stored, out.stdout.len() as u64);
}

/// The files of the golden image that its increments change.
fn golden_root(site: &Site, ds: &str) -> PathBuf {
    let mp = site.pool.zfs_get("mountpoint", ds);
    PathBuf::from(mp)
}

fn send(site: &Site, args: &[&str], name: &str) -> PathBuf {
    let path = site.pool.dir().join(name);
    zfs_send(args, &path);
    path
}

/// A base archive and two increments of one golden dataset (`@flar` → `@inc1` → `@inc2`),
/// plus an increment of an unrelated dataset; the golden datasets are destroyed.
struct Chain {
    base: PathBuf,
    inc1: PathBuf,
    inc2: PathBuf,
    unrelated: PathBuf,
}

fn chain(site: &Site) -> Chain {
    let ds = site.pool.golden_dataset(32);
    let root = golden_root(site, &ds);
    run("zfs", &["snapshot", &format!("{ds}@flar")]);
    let base = send(site, &[&format!("{ds}@flar")], "base.zfs");
    std::fs::write(root.join("etc/motd"), "Golden image, patch 1\n").unwrap();
    std::fs::write(root.join("usr/bin/patch1"), vec![0x5a; 40 * 1024]).unwrap();
    run("zfs", &["snapshot", &format!("{ds}@inc1")]);
    let inc1 = send(
        site,
        &["-i", &format!("{ds}@flar"), &format!("{ds}@inc1")],
        "inc1.zfs",
    );
    std::fs::write(root.join("etc/motd"), "Golden image, patch 2\n").unwrap();
    std::fs::remove_file(root.join("usr/bin/tool")).unwrap();
    run("zfs", &["snapshot", &format!("{ds}@inc2")]);
    let inc2 = send(
        site,
        &["-i", &format!("{ds}@inc1"), &format!("{ds}@inc2")],
        "inc2.zfs",
    );
    let other = site.pool.golden_dataset(0);
    run("zfs", &["snapshot", &format!("{other}@a")]);
    std::fs::write(golden_root(site, &other).join("etc/motd"), "other\n").unwrap();
    run("zfs", &["snapshot", &format!("{other}@b")]);
    let unrelated = send(
        site,
        &["-i", &format!("{other}@a"), &format!("{other}@b")],
        "unrelated.zfs",
    );
    for d in [ds, other] {
        let mp = site.pool.zfs_get("mountpoint", &d);
        run_retry("zfs", &["destroy", "-r", &d]).unwrap();
        let _ = std::fs::remove_dir(mp);
    }
    Chain {
        base,
        inc1,
        inc2,
        unrelated,
    }
}

fn increments<P: AsRef<Path>>(list: &[P]) -> String {
    let items: Vec<String> = list
        .iter()
        .map(|p| p.as_ref().display().to_string())
        .collect();
    format!("increments: [{}]\n", items.join(", "))
}

/// Base + increments reach the newest snapshot's files; the chain is the journal's
/// identity: the same chain again is a no-op, a different last increment is not.
#[test]
fn differential_archives_reach_the_incremental_state() {
    if !require_zfs() {
        return;
    }
    let (s, c) = site_with_chain("chain");
    let cfg = config(&s, &c.base, &increments(&[&c.inc1, &c.inc2]));
    let r = deploy(&cfg, &opts(&s));
    assert_eq!(r.outcome, Outcome::Deployed, "{r}");
    assert_eq!(r.archive_id().matches('+').count(), 2, "{r}");
    let total: u64 = [&c.base, &c.inc1, &c.inc2]
        .iter()
        .map(|p| std::fs::metadata(p).unwrap().len())
        .sum();
    assert_eq!(r.bytes_received, total);
    let ds = be(&s);
    assert_eq!(s.pool.bootfs(), ds);
    assert!(
        !s.pool.datasets().iter().any(|d| d.contains('@')),
        "the increments' snapshots are destroyed too: {:?}",
        s.pool.datasets()
    );
    let root = inspect(&s);
    assert_eq!(read(&root, "etc/motd"), "Golden image, patch 2\n");
    assert_eq!(
        std::fs::read(root.join("usr/bin/patch1")).unwrap(),
        vec![0x5a; 40 * 1024]
    );
    assert!(!root.join("usr/bin/tool").exists(), "removed by inc2");
    assert_eq!(
        std::fs::metadata(root.join("usr/bin/payload"))
            .unwrap()
            .len(),
        32 * 1024
    );
    assert!(
        root.join("reconfigure").is_file(),
        "identity reset after the chain"
    );
    uninspect(&s);

    let before = s.pool.state();
    let again = assert_rerun_is_a_noop(&s, &cfg);
    // A different last increment is another deployment: refused over the BE unless forced.
    let shorter = config(&s, &c.base, &increments(&[&c.inc1]));
    let r = deploy(&shorter, &opts(&s));
    assert_failed_and_unchanged(&s, &before, &r, "already exists");
    assert!(
        r.error.as_deref().unwrap().contains(again.archive_id()),
        "names the chain it was deployed from: {r}"
    );
}

/// A broken chain is refused by preflight with the pool untouched; damage inside an
/// increment rolls back the base receive too.
#[test]
fn broken_or_damaged_chains_change_nothing() {
    if !require_zfs() {
        return;
    }
    let (s, c) = site_with_chain("badchain");
    let full = s.pool.golden_stream("other-full.zfs", 0);
    let before = s.pool.state();
    for (list, want) in [
        (vec![&c.inc2, &c.inc1], "broken chain of archives"),
        (vec![&c.inc2], "broken chain of archives"),
        (vec![&c.unrelated], "broken chain of archives"),
        (vec![&c.inc1, &full], "it is a full stream"),
    ] {
        let (r, events) = deploy_with_events(&config(&s, &c.base, &increments(&list)), &opts(&s));
        assert_failed_and_unchanged(&s, &before, &r, want);
        assert!(r.error.as_deref().unwrap().starts_with("preflight:"), "{r}");
        assert!(!events.contains("\"step\":\"receive\""), "{events}");
    }
    // An increment as the base archive.
    let r = deploy(&config(&s, &c.inc1, ""), &opts(&s));
    assert_failed_and_unchanged(&s, &before, &r, "an incremental stream");

    let damaged = s.pool.dir().join("inc1-damaged.zfs");
    write_damaged(&std::fs::read(&c.inc1).unwrap(), 0x04, &damaged);
    let r = deploy(
        &config(&s, &c.base, &increments(&[&damaged, &c.inc2])),
        &opts(&s),
    );
    assert_failed_and_unchanged(&s, &before, &r, "archive damaged");
    assert!(
        r.error.as_deref().unwrap().contains("inc1-damaged.zfs"),
        "{r}"
    );
}

/// An `io::Write` shared with the test, to read the events afterwards.
#[derive(Clone)]
struct SharedSink(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for SharedSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `verify_first`: a digest mismatch is found by a full read in preflight — no receive is
/// attempted and the pool is untouched — where without it the receive runs and is undone.
#[test]
fn verify_first_finds_a_bad_digest_before_any_change() {
    if !require_zfs() {
        return;
    }
    let (s, c) = site_with_chain("verifyfirst");
    // The increment's manifest has the wrong digest; the base is right.
    write_manifest(&c.base, "i386", None);
    write_manifest(&c.inc1, "i386", Some(&"0".repeat(64)));
    let before = s.pool.state();
    let cfg = config(
        &s,
        &c.base,
        &format!("{}verify_first: true\n", increments(&[&c.inc1])),
    );
    let (r, events) = deploy_with_events(&cfg, &opts(&s));
    assert_failed_and_unchanged(&s, &before, &r, "does not match its manifest");
    assert!(r.error.as_deref().unwrap().contains("verify_first"), "{r}");
    assert!(r.rolled_back.is_empty(), "nothing to roll back: {r}");
    assert_eq!(
        events.matches("\"event\":\"verified\"").count(),
        1,
        "{events}"
    );
    assert!(!events.contains("\"step\":\"receive\""), "{events}");
    // The same chain with a right manifest: verified twice (preflight, receive), deployed.
    write_manifest(&c.inc1, "i386", None);
    let r = deploy(&cfg, &opts(&s));
    assert_eq!(r.outcome, Outcome::Deployed, "{r}");
}

/// Increments on NFS: one in the base's directory shares its mount, one in another
/// directory gets `<source_mountpoint>-2`; both are unmounted at the end and after a failure.
#[test]
fn nfs_increments_share_or_add_source_mounts() {
    if !require_zfs() {
        return;
    }
    let (s, c) = site_with_chain("nfschain");
    let other_dir = s.pool.dir().join("patches");
    std::fs::create_dir(&other_dir).unwrap();
    let inc2 = other_dir.join("inc2.zfs");
    std::fs::rename(&c.inc2, &inc2).unwrap();
    let platform = fake_nfs_platform(&s);
    let mnt = s.config_dir.path().join("src");
    let mnt2 = s.config_dir.path().join("src-2");
    let cfg = nfs_config(&s, &c.base, &[&c.inc1, &inc2], &mnt);
    let before = s.pool.state();
    let o = opts_failing_after(&s, "receive");
    let r = exec::finish(&cfg, &o, &platform, &mut Events::new(None));
    assert_failed_and_unchanged(&s, &before, &r, "after step receive");
    assert!(
        !is_mounted(&mnt) && !is_mounted(&mnt2),
        "sources left mounted"
    );
    let r = exec::finish(&cfg, &opts(&s), &platform, &mut Events::new(None));
    assert_eq!(r.outcome, Outcome::Deployed, "{r}");
    assert_eq!(
        r.archive,
        format!(
            "{} + {} + {}",
            mnt.join("base.zfs").display(),
            mnt.join("inc1.zfs").display(),
            mnt2.join("inc2.zfs").display()
        )
    );
    assert!(
        !is_mounted(&mnt) && !is_mounted(&mnt2),
        "sources left mounted"
    );
    assert!(!mnt.exists() && !mnt2.exists(), "mountpoints left behind");
    let root = inspect(&s);
    assert_eq!(read(&root, "etc/motd"), "Golden image, patch 2\n");
    uninspect(&s);
}
