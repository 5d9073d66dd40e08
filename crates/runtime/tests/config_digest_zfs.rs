//! The deploy config's `sha256` (the site file's digest, written by `zflash generate`)
//! against real zfs-fuse pools: without a manifest it is the archive's id and the digest
//! checked while receiving; a manifest saying otherwise is refused before any change.

use std::path::{Path, PathBuf};

use zflash_runtime::config::{ArchiveLocation, DeployConfig};
use zflash_runtime::exec::{self, Events, FinishOptions, Outcome, Report};
use zflash_runtime::platform::Platform;
use zflash_runtime::testpool::{
    SYSIDCFG, TestPool, require_zfs, run, si_config_dir, write_manifest,
};

const BE: &str = "s10u6_req";
const NEW: &str = "s10gold";

struct Site {
    pool: TestPool,
    config_dir: tempfile::TempDir,
    stream: PathBuf,
}

fn site(tag: &str) -> Site {
    let pool = TestPool::miniroot(tag, 128, BE);
    let config_dir = si_config_dir(SYSIDCFG);
    let stream = pool.golden_stream("gold.zfs", 128);
    Site {
        pool,
        config_dir,
        stream,
    }
}

fn config(site: &Site, sha256: &str, extra: &str) -> DeployConfig {
    let archive = site.stream.display().to_string();
    DeployConfig::from_yaml(&format!(
        "version: 1\narchive: {archive}\nsha256: {{'{archive}': {sha256}}}\npool: {}\nbe_name: {NEW}\n{extra}",
        site.pool.name
    ))
    .unwrap()
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

fn deploy(cfg: &DeployConfig, site: &Site) -> Report {
    exec::finish(
        cfg,
        &opts(site),
        &Platform::detect(),
        &mut Events::new(None),
    )
}

fn sha256_of(path: &Path) -> String {
    let out = run("sha256sum", &[path.to_str().unwrap()]);
    out.split_whitespace().next().unwrap().to_string()
}

/// Failed, with every `wanted` text in the message, nothing left to undo that failed,
/// and the pool exactly as before.
fn assert_refused(site: &Site, before: &str, r: &Report, wanted: &[&str]) {
    assert_eq!(r.outcome, Outcome::Failed, "{r}");
    let err = r.error.clone().unwrap_or_default();
    for w in wanted {
        assert!(err.contains(w), "error {err:?} should mention {w:?}");
    }
    assert!(r.rollback_errors.is_empty(), "{r}");
    assert_eq!(site.pool.state(), before, "pool changed after a refusal");
}

#[test]
fn a_deploy_config_digest_that_does_not_match_is_refused_and_the_pool_unchanged() {
    if !require_zfs() {
        return;
    }
    let s = site("cfgdigest-bad");
    let before = s.pool.state();
    let actual = sha256_of(&s.stream);
    let wrong = "0".repeat(64);
    // A bare stream (no manifest): the digest is checked while received, the receive
    // rolled back.
    let r = deploy(&config(&s, &wrong, ""), &s);
    assert_refused(
        &s,
        &before,
        &r,
        &[
            "does not match the deploy config",
            &actual,
            &format!("the deploy config says {wrong}"),
        ],
    );
    // With `verify_first`, the same mismatch is found in the preflight's read.
    let r = deploy(&config(&s, &wrong, "verify_first: true\n"), &s);
    assert_refused(&s, &before, &r, &["does not match the deploy config"]);
    // Refused before any archive was opened: no id in the report (JSON null).
    let mut missing = config(&s, &wrong, "");
    missing.archive = ArchiveLocation::Path(s.pool.dir().join("missing.zfs").display().to_string());
    missing.sha256.clear();
    let r = deploy(&missing, &s);
    assert_refused(&s, &before, &r, &["missing.zfs"]);
    assert_eq!(r.archive_id, None);
    assert_eq!(
        serde_json::to_value(&r).unwrap()["archive_id"],
        serde_json::Value::Null
    );
    // A sidecar manifest with the true digest and a deploy config saying otherwise: a
    // refusal before any receive, naming both digests and the manifest.
    let manifest = write_manifest(&s.stream, "unknown", None);
    let r = deploy(&config(&s, &wrong, ""), &s);
    assert_refused(
        &s,
        &before,
        &r,
        &[
            "preflight:",
            &format!("the deploy config's sha256 is {wrong}"),
            &format!("{} says {actual}", manifest.display()),
        ],
    );
    assert!(
        !r.steps.iter().any(|t| t.step == "receive"),
        "received before the refusal: {r}"
    );
}

#[test]
fn a_matching_deploy_config_digest_deploys_and_is_the_archive_id() {
    if !require_zfs() {
        return;
    }
    let s = site("cfgdigest-ok");
    let actual = sha256_of(&s.stream);
    // Upper case in the config is the same digest; the id is recorded in lower case.
    let cfg = config(&s, &actual.to_ascii_uppercase(), "");
    let plan = exec::plan_for(&cfg, &opts(&s)).unwrap();
    assert_eq!(plan.archive_id, Some(format!("sha256:{actual}")));
    let r = deploy(&cfg, &s);
    assert_eq!(r.outcome, Outcome::Deployed, "{r}");
    assert_eq!(r.archive_id, Some(format!("sha256:{actual}")));
    assert_eq!(r.sha256.as_deref(), Some(actual.as_str()));
    let be = format!("{}/ROOT/{NEW}", s.pool.name);
    assert_eq!(s.pool.bootfs(), be);
    assert_eq!(
        s.pool.zfs_get("org.zflash:archive", &be),
        format!("sha256:{actual}")
    );
    // A rerun is a no-op, also with a sidecar manifest that agrees.
    write_manifest(&s.stream, "unknown", None);
    let before = s.pool.state();
    let again = deploy(&cfg, &s);
    assert_eq!(again.outcome, Outcome::AlreadyDeployed, "{again}");
    assert_eq!(s.pool.state(), before);
}
