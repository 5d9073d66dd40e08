//! CLI tests for the generate commands, and the end-to-end test of the generated
//! Bourne-shell finish script (posh, dash and the Solaris 10 `/sbin/sh` in its userland)
//! against `zflash finish` on zfs-fuse.

use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;

use super::support::{HOST, finish_natively_command};
use assert_cmd::Command;
use predicates::prelude::*;
use zflash_runtime::testpool::{
    Shell, TestPool, file_tree, require_tool, require_zfs, run, run_retry, write_manifest, zfs_send,
};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn zflash() -> Command {
    Command::cargo_bin("zflash").unwrap()
}

#[test]
fn schema_is_json_and_describes_the_site_file() {
    let out = zflash().args(["generate", "--schema"]).output().unwrap();
    assert!(out.status.success());
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(schema["title"], "SiteFile");
    assert_eq!(schema["additionalProperties"], false);
    for key in ["version", "server", "archives", "classes", "clients"] {
        assert!(schema["properties"].get(key).is_some(), "{key}");
    }
}

#[test]
fn generate_then_check_is_clean_and_rerun_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("js");
    let site = repo().join("fixtures/examples/site.yaml");
    zflash()
        .args(["generate"])
        .arg(&site)
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("created"));
    zflash().arg("check").arg(&out).assert().success();
    zflash()
        .args(["generate"])
        .arg(&site)
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("0 created, 0 changed, 0 removed"));
}

/// `check` of a generated directory looks at its deploy configs too: clean as written, and
/// a typo in one (as a hand edit would make) is an error (D101) at that line.
#[test]
fn check_of_a_generated_directory_fails_at_a_damaged_deploy_config() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("js");
    zflash()
        .args(["generate"])
        .arg(repo().join("fixtures/examples/site.yaml"))
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    zflash()
        .args(["check", "--no-write"])
        .arg(&out)
        .assert()
        .success();
    let config = std::fs::read_dir(out.join("deploy"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "yaml"))
        .unwrap();
    let text = std::fs::read_to_string(&config).unwrap();
    let line = text
        .lines()
        .position(|l| l.starts_with("be_name:"))
        .expect("a be_name line")
        + 1;
    std::fs::write(&config, text.replacen("be_name:", "be_nme:", 1)).unwrap();
    zflash()
        .args(["check", "--no-write"])
        .arg(&out)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "error[D101]: unknown field `be_nme`",
        ))
        .stdout(predicate::str::contains(format!(
            "{}:{line}:1",
            config.display()
        )));
}

/// The command each generated deploy config suggests in its comment works as written, in
/// the generated directory; property values YAML 1.1 reads as booleans are quoted.
#[test]
fn the_plan_command_in_a_deploy_config_works_as_written() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("js");
    zflash()
        .args(["generate"])
        .arg(repo().join("fixtures/sites/minimal.yaml"))
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let text = std::fs::read_to_string(out.join("deploy/clone01.yaml")).unwrap();
    assert!(text.contains("compression: 'on'"), "{text}");
    let command = text
        .lines()
        .next_back()
        .into_iter()
        .chain(text.lines())
        .find_map(|l| l.split('`').nth(1).filter(|c| c.contains("--plan")))
        .expect("a suggested --plan command");
    assert!(
        command.starts_with("SI_CONFIG_DIR=$PWD zflash finish"),
        "{command}"
    );
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(command.replacen("zflash", env!("CARGO_BIN_EXE_zflash"), 1))
        .current_dir(&out)
        .env_remove("SI_CONFIG_DIR")
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{command}: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    assert!(String::from_utf8_lossy(&status.stdout).contains("Deploy plan"));
}

/// `zflash finish --help` and the README show `--config $SI_CONFIG_DIR/deploy/$SI_HOSTNAME.yaml`:
/// that is the file generate writes for each client, and what the native wrapper passes.
#[test]
fn finish_help_names_the_deploy_config_that_generate_writes() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("js");
    zflash()
        .args(["generate"])
        .arg(repo().join("fixtures/examples/site.yaml"))
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    assert!(out.join("deploy/ws001.yaml").is_file());
    let native = std::fs::read_to_string(out.join("finish/desktop.native")).unwrap();
    assert!(native.contains(r#"ZFLASH_CONFIG="${SI_CONFIG_DIR}/deploy/${SI_HOSTNAME}.yaml""#));
    zflash()
        .args(["finish", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "zflash finish --config $SI_CONFIG_DIR/deploy/$SI_HOSTNAME.yaml --plan",
        ));
    zflash()
        .args(["generate", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "zflash generate site.yaml -o /export/jumpstart --plan",
        ));
}

/// `--plan` into a directory that `generate` would refuse says so (exit 2), like the write.
#[test]
fn plan_into_a_foreign_directory_is_refused_like_the_write() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("js");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("rules"), "# hand-written\n").unwrap();
    let site = repo().join("fixtures/examples/site.yaml");
    for plan in [true, false] {
        let mut cmd = zflash();
        cmd.arg("generate").arg(&site).arg("-o").arg(&out);
        if plan {
            cmd.arg("--plan");
        }
        cmd.assert()
            .code(2)
            .stderr(predicate::str::contains("use --force to write into it"));
    }
    assert_eq!(
        std::fs::read_to_string(out.join("rules")).unwrap(),
        "# hand-written\n"
    );
    zflash()
        .arg("generate")
        .arg(&site)
        .arg("-o")
        .arg(&out)
        .args(["--plan", "--force"])
        .assert()
        .success()
        .stdout(predicate::str::contains("change  rules"));
}

#[test]
fn plan_lists_files_per_client_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("js");
    zflash()
        .args(["generate", "--plan"])
        .arg(repo().join("fixtures/examples/site.yaml"))
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "ws001:\n  create  deploy/ws001.yaml\n  create  sysidcfg/ws001/sysidcfg",
        ))
        .stdout(predicate::str::contains("create  rules.ok"));
    assert!(!out.exists());
}

/// Regenerating after editing one client: `--plan` names that client's files and the
/// shared server fragments it appears in, nothing of the other clients; `rules.ok`
/// changes only when `rules` does.
#[test]
fn regenerate_after_editing_one_client_changes_only_its_files() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("js");
    let site = tmp.path().join("site.yaml");
    let original = std::fs::read_to_string(repo().join("fixtures/examples/site.yaml")).unwrap();
    std::fs::write(&site, &original).unwrap();
    zflash()
        .arg("generate")
        .arg(&site)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let plan = |text: &str| {
        std::fs::write(&site, text).unwrap();
        let o = zflash()
            .args(["generate", "--plan"])
            .arg(&site)
            .arg("-o")
            .arg(&out)
            .output()
            .unwrap();
        assert!(o.status.success());
        String::from_utf8(o.stdout).unwrap()
    };
    let new_ip = plan(&original.replace("ip: 10.1.1.102", "ip: 10.1.1.112"));
    assert!(
        new_ip.contains(
            "site:\n  change  server/add_install_client\n  change  server/hosts\nws002:\n  change  sysidcfg/ws002/sysidcfg\n0 to create, 3 to change, 0 to remove"
        ),
        "{new_ip}"
    );
    let renamed = plan(&original.replace("hostname: ws002", "hostname: ws012"));
    for want in [
        "change  rules\n",
        "change  rules.ok\n",
        "ws002:\n  remove  deploy/ws002.yaml\n  remove  sysidcfg/ws002/sysidcfg\n",
        "ws012:\n  create  deploy/ws012.yaml\n  create  sysidcfg/ws012/sysidcfg\n",
    ] {
        assert!(renamed.contains(want), "missing {want:?} in:\n{renamed}");
    }
    assert!(!renamed.contains("ws001"), "{renamed}");
}

/// A file that cannot be read or written is named with the reason, once (not again as
/// a "caused by" line).
#[test]
fn io_errors_name_the_file_and_the_reason_once() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("missing.yaml");
    let out = zflash()
        .arg("generate")
        .arg(&missing)
        .arg("-o")
        .arg(tmp.path().join("js"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&missing.display().to_string()), "{err}");
    assert_eq!(err.matches("No such file or directory").count(), 1, "{err}");
    let file = tmp.path().join("afile");
    std::fs::write(&file, "").unwrap();
    let out = zflash()
        .arg("generate")
        .arg(repo().join("fixtures/examples/site.yaml"))
        .arg("-o")
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.matches("is not a directory").count(), 1, "{err}");
}

#[test]
fn bad_site_writes_nothing_and_names_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("js");
    let site = repo().join("fixtures/sites/bad/duplicates.yaml");
    zflash()
        .args(["generate"])
        .arg(&site)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "{}:24:15",
            site.display()
        )))
        .stderr(predicate::str::contains(
            "error[Y103]: duplicate host name \"WS1\"",
        ))
        .stderr(predicate::str::contains("nothing was written"));
    assert!(!out.exists());
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
}

/// `generate --format json`: site problems in the report format of `check --format json`
/// (codes, 1-based line and column of each value), on stdout; exit 1, nothing written.
/// A clean site gives an empty report there and exit 0.
#[test]
fn generate_format_json_reports_site_problems_like_check() {
    let tmp = tempfile::tempdir().unwrap();
    let out = zflash()
        .current_dir(repo())
        .args([
            "generate",
            "fixtures/sites/bad/every-section.yaml",
            "--plan",
            "--format",
            "json",
            "-o",
        ])
        .arg(tmp.path().join("js"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json = String::from_utf8(out.stdout).unwrap();
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let findings = value["diagnostics"].as_array().unwrap();
    assert_eq!(findings.len(), 10, "{json}");
    assert_eq!(
        (findings[0]["line"].as_u64(), findings[0]["column"].as_u64()),
        (Some(6), Some(7))
    );
    insta::assert_snapshot!("generate_format_json_every_section", json);
    for format in ["sarif", "github"] {
        let out = zflash()
            .current_dir(repo())
            .args([
                "generate",
                "fixtures/sites/bad/every-section.yaml",
                "--format",
                format,
                "-o",
            ])
            .arg(tmp.path().join("js"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{format}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("Y106"), "{format}: {text}");
        // The password is never shown, in any format.
        assert!(!text.contains("hunter2plain"), "{format}: {text}");
    }
    let out = zflash()
        .current_dir(repo())
        .args([
            "generate",
            "fixtures/sites/minimal.yaml",
            "--plan",
            "--format",
            "json",
            "-o",
        ])
        .arg(tmp.path().join("js"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(value["diagnostics"].as_array().unwrap().len(), 0);
}

// ---------------------------------------------------------------------------------------
// End to end on zfs-fuse: the same site deployed by the generated loadzfs (posh, dash, and
// the Solaris 10 /sbin/sh with only its userland on PATH) and by `zflash finish` reaches the
// same datasets, properties, bootfs and files.

const INSTALLED: &str = "s10u6_req";

/// A site for one client on `pool`, the archive a local path (the plan's source).
/// `manifest: None` leaves the digest to the archive's sidecar, found at install time.
fn write_site(dir: &Path, pool: &str, archive: &Path, manifest: Option<&Path>) -> PathBuf {
    write_site_chain(dir, pool, archive, manifest, &[])
}

/// [`write_site`] with differential archives: `(location, manifest)` each.
fn write_site_chain(
    dir: &Path,
    pool: &str,
    archive: &Path,
    manifest: Option<&Path>,
    increments: &[(&Path, Option<&Path>)],
) -> PathBuf {
    let site = dir.join("site.yaml");
    let increments = if increments.is_empty() {
        String::new()
    } else {
        let items: Vec<String> = increments
            .iter()
            .map(|(location, manifest)| {
                format!(
                    "{{location: {}{}}}",
                    location.display(),
                    manifest
                        .map(|m| format!(", manifest: {}", m.display()))
                        .unwrap_or_default()
                )
            })
            .collect();
        format!(", increments: [{}]", items.join(", "))
    };
    std::fs::write(
        &site,
        format!(
            "version: 1\n\
             server: {{hostname: js, ip: 10.0.0.5, install_image: /export/install, release: 1/13, config_dir: /export/js}}\n\
             archives:\n  gold: {{location: {}{}{increments}}}\n\
             defaults:\n  sysidcfg: {{timezone: GMT, root_password: Xy3kP0qLm9ZbA, network_interface: {{netmask: 255.255.255.0}}}}\n\
             classes:\n  desk:\n    archive: gold\n    profile: {{pool: {pool}, bename: {INSTALLED}}}\n    deploy: {{be: s10gold, properties: {{compression: \"on\"}}}}\n\
             clients:\n  - {{hostname: {HOST}, mac: '8:0:20:1:2:3', ip: 10.0.0.21}}\n",
            archive.display(),
            manifest
                .map(|m| format!(", manifest: {}", m.display()))
                .unwrap_or_default()
        ),
    )
    .unwrap();
    site
}

fn generate_for(
    pool: &TestPool,
    archive: &Path,
    manifest: Option<&Path>,
) -> (tempfile::TempDir, PathBuf) {
    generate_for_chain(pool, archive, manifest, &[])
}

fn generate_for_chain(
    pool: &TestPool,
    archive: &Path,
    manifest: Option<&Path>,
    increments: &[(&Path, Option<&Path>)],
) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let site = write_site_chain(tmp.path(), &pool.name, archive, manifest, increments);
    let js = tmp.path().join("js");
    zflash()
        .args(["generate"])
        .arg(&site)
        .arg("-o")
        .arg(&js)
        .assert()
        .success();
    (tmp, js)
}

/// Pool state with the pool name and paths made comparable, and the BE's files.
fn end_state(pool: &TestPool) -> (String, Vec<String>) {
    let state = pool
        .state()
        .replace(&pool.dir().display().to_string(), "TMP")
        .replace(&pool.name, "POOL");
    let be = format!("{}/ROOT/s10gold", pool.name);
    // The BE and the datasets inside it (a recursive archive's /var).
    let root = pool.inspect_tree(&be);
    let files = file_tree(&root, &["var/sadm/system/logs/zflash-finish.log"]);
    pool.uninspect_tree(&be);
    (state, files)
}

fn have(tool: &str) -> bool {
    require_tool(tool)
}

#[test]
fn loadzfs_under_posh_and_dash_reaches_the_same_end_state_as_zflash_finish() {
    if !require_zfs() {
        return;
    }
    let shells = Shell::all();
    let golden = TestPool::create("gengold", 96);
    let stream = golden.golden_stream("golden.zfs", 64);
    let manifest = write_manifest(&stream, "sparc", None);

    // Native.
    let native = TestPool::miniroot("gennat", 128, INSTALLED);
    let (_keep_n, js) = generate_for(&native, &stream, Some(&manifest));
    finish_natively(&native, &js);
    let want = end_state(&native);
    assert_eq!(native.bootfs(), format!("{}/ROOT/s10gold", native.name));

    for shell in &shells {
        let pool = TestPool::miniroot(&format!("gen{}", shell.name()), 128, INSTALLED);
        // posh: the digest comes from the manifest read at generate time; dash and s10:
        // from the archive's sidecar manifest, read by the script at install time.
        let manifest = (*shell == Shell::Posh).then_some(manifest.as_path());
        let (_keep, js) = generate_for(&pool, &stream, manifest);
        let shell_name = shell.name();
        let out = shell
            .command()
            .arg(js.join("finish/desk.loadzfs"))
            .env("SI_CONFIG_DIR", &js)
            .env("SI_HOSTNAME", HOST)
            .env("SI_ARCH", "sparc")
            .env("SI_KARCH", "sun4u")
            // dash and s10: with a trailing slash, the same directory.
            .env(
                "ZFLASH_ALTROOT",
                format!(
                    "{}{}",
                    pool.altroot.display(),
                    if *shell == Shell::Posh { "" } else { "/" }
                ),
            )
            .output()
            .unwrap();
        let shell = shell_name;
        assert!(
            out.status.success(),
            "{shell}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains("verified"),
            "{shell}: digest not checked:\n{stdout}"
        );
        let got = end_state(&pool);
        assert_eq!(
            got.0, want.0,
            "{shell}: pool state differs from zflash finish"
        );
        assert_eq!(got.1, want.1, "{shell}: files differ from zflash finish");
        // The identity was reset and the client's sysidcfg copied.
        assert!(
            got.1.iter().any(|f| f.starts_with("etc/sysidcfg:")),
            "{:?}",
            got.1
        );
        assert!(
            !got.1.iter().any(|f| f.starts_with("etc/nodename:")),
            "{:?}",
            got.1
        );
    }
}

/// `zfs send` of `args` into `dir/name`.
fn send(dir: &Path, args: &[&str], name: &str) -> PathBuf {
    let path = dir.join(name);
    zfs_send(args, &path);
    path
}

/// `zflash finish` with the deploy config `generate` wrote for HOST into `js`, on `pool`.
fn finish_natively(pool: &TestPool, js: &Path) {
    finish_natively_command(js, &pool.altroot)
        .arg("--quiet")
        .assert()
        .success();
}

#[test]
fn loadzfs_with_an_increment_reaches_the_same_end_state_as_zflash_finish() {
    if !require_zfs() {
        return;
    }
    let shells = Shell::all();
    // A base archive and an increment of one golden dataset (`@flar` → `@p1`).
    let golden = TestPool::create("genigold", 96);
    let ds = golden.golden_dataset(16);
    let root = PathBuf::from(golden.zfs_get("mountpoint", &ds));
    run("zfs", &["snapshot", &format!("{ds}@flar")]);
    let base = send(golden.dir(), &[&format!("{ds}@flar")], "base.zfs");
    std::fs::write(root.join("etc/motd"), "Golden image, patch 1\n").unwrap();
    std::fs::write(root.join("usr/bin/patch1"), vec![0x5a; 24 * 1024]).unwrap();
    std::fs::remove_file(root.join("usr/bin/tool")).unwrap();
    run("zfs", &["snapshot", &format!("{ds}@p1")]);
    let inc = send(
        golden.dir(),
        &["-i", &format!("{ds}@flar"), &format!("{ds}@p1")],
        "base-p1.zfs",
    );
    // A second increment, from @p1: without the first it does not apply to the base.
    std::fs::write(root.join("etc/motd"), "Golden image, patch 2\n").unwrap();
    run("zfs", &["snapshot", &format!("{ds}@p2")]);
    let inc2 = send(
        golden.dir(),
        &["-i", &format!("{ds}@p1"), &format!("{ds}@p2")],
        "base-p2.zfs",
    );
    run_retry("zfs", &["destroy", "-r", &ds]).unwrap();
    let _ = std::fs::remove_dir(&root);
    let base_manifest = write_manifest(&base, "sparc", None);
    let inc_manifest = write_manifest(&inc, "sparc", None);

    let native = TestPool::miniroot("geninat", 128, INSTALLED);
    let (_keep_n, js) = generate_for_chain(
        &native,
        &base,
        Some(&base_manifest),
        &[(&inc, Some(&inc_manifest))],
    );
    finish_natively(&native, &js);
    let want = end_state(&native);
    assert!(
        want.1.iter().any(|f| f.starts_with("usr/bin/patch1:"))
            && !want.1.iter().any(|f| f.starts_with("usr/bin/tool:")),
        "the increment was not applied natively: {:?}",
        want.1
    );

    for shell in &shells {
        let pool = TestPool::miniroot(&format!("geni{}", shell.name()), 128, INSTALLED);
        // posh: both digests known at generate time (the chain id is in the script);
        // dash and s10: both from the sidecar manifests at install time.
        let (_keep, js) = if *shell == Shell::Posh {
            generate_for_chain(
                &pool,
                &base,
                Some(&base_manifest),
                &[(&inc, Some(&inc_manifest))],
            )
        } else {
            generate_for_chain(&pool, &base, None, &[(&inc, None)])
        };
        let out = run_loadzfs(shell, &pool, &js);
        let shell = shell.name();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{shell}: {stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        for archive in [&base, &inc] {
            let verified = format!("SHA-256 of {} verified", archive.display());
            assert!(
                stdout.contains(&verified),
                "{shell}: {verified:?} missing:\n{stdout}"
            );
        }
        let got = end_state(&pool);
        assert_eq!(
            got.0, want.0,
            "{shell}: pool state differs from zflash finish"
        );
        assert_eq!(got.1, want.1, "{shell}: files differ from zflash finish");
    }

    // A broken chain (p2 without p1): `zfs receive -F` refuses the increment after the
    // base was received, and the rollback destroys everything, the base included.
    let pool = TestPool::miniroot("genibroken", 128, INSTALLED);
    let before = pool.state();
    let (_keep, js) = generate_for_chain(&pool, &base, None, &[(&inc2, None)]);
    for shell in fault_shells() {
        let out = run_loadzfs(&shell, &pool, &js);
        assert_failed_and_undone(
            &out,
            &format!("zfs receive of {} into", inc2.display()),
            &pool,
            &before,
        );
    }
}

/// The shells the fault tests run loadzfs with: dash and the Solaris 10 shell.
fn fault_shells() -> Vec<Shell> {
    [Shell::dash(), Shell::s10()]
        .into_iter()
        .flatten()
        .collect()
}

#[test]
fn loadzfs_stops_at_the_first_failure_and_undoes_everything() {
    if !require_zfs() {
        return;
    }
    let shells = fault_shells();
    let golden = TestPool::create("genfgold", 96);
    let stream = golden.golden_stream("golden.zfs", 16);
    // A manifest whose digest does not match: refused before any change.
    let manifest = write_manifest(&stream, "sparc", Some(&"0".repeat(64)));
    let pool = TestPool::miniroot("genfail", 128, INSTALLED);
    let before = pool.state();
    let (_keep, js) = generate_for(&pool, &stream, Some(&manifest));
    for shell in &shells {
        let out = run_loadzfs(shell, &pool, &js);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(!out.status.success(), "{}: {stdout}", shell.name());
        assert!(
            stdout.contains("SHA-256 mismatch"),
            "{}: {stdout}",
            shell.name()
        );
        assert_eq!(pool.state(), before, "{}", shell.name());
    }

    // A failure after the receive (the client's sysidcfg vanished between the preflight
    // and the copy is hard to stage; a hook that fails is not): everything is undone.
    let manifest = write_manifest(&stream, "sparc", None);
    let tmp = tempfile::tempdir().unwrap();
    let site = write_site(tmp.path(), &pool.name, &stream, Some(&manifest));
    let text = std::fs::read_to_string(&site)
        .unwrap()
        .replace("properties: {compression: \"on\"}", "properties: {compression: \"on\"}, hooks: [{name: fails, argv: [/bin/false], mode: argument}]");
    std::fs::write(&site, text).unwrap();
    let js2 = tmp.path().join("js");
    zflash()
        .arg("generate")
        .arg(&site)
        .arg("-o")
        .arg(&js2)
        .assert()
        .success();
    for shell in &shells {
        let out = run_loadzfs(shell, &pool, &js2);
        assert_failed_and_undone(&out, "hook failed", &pool, &before);
    }

    // `zfs list` of the BE's tree fails (a zfs wrapper first in PATH): the tree actions
    // fail on it, as natively, instead of doing nothing and passing.
    let zfs = String::from_utf8(
        StdCommand::new("sh")
            .args(["-c", "command -v zfs"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let bin = tmp.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    std::fs::write(
        bin.join("zfs"),
        format!(
            "#!/bin/sh\ncase \"$*\" in *'-t filesystem'*) echo 'zfs: simulated failure' >&2; exit 1 ;; esac\nexec {} \"$@\"\n",
            zfs.trim()
        ),
    )
    .unwrap();
    std::fs::set_permissions(
        bin.join("zfs"),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    for shell in &shells {
        let out = run_loadzfs_with_path(shell, &pool, &js2, Some(&bin));
        assert_failed_and_undone(
            &out,
            "FAILED: cannot set canmount=noauto on",
            &pool,
            &before,
        );
    }

    // The client's sysidcfg is a directory: refused by the preflight, before the receive.
    let sysidcfg = js2.join(format!("sysidcfg/{HOST}/sysidcfg"));
    std::fs::remove_file(&sysidcfg).unwrap();
    std::fs::create_dir(&sysidcfg).unwrap();
    for shell in &shells {
        let out = run_loadzfs(shell, &pool, &js2);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let shell = shell.name();
        assert!(!out.status.success(), "{shell}: {stdout}");
        assert!(
            stdout.contains("sysidcfg is not a file"),
            "{shell}: {stdout}"
        );
        assert!(!stdout.contains(": receive:"), "{shell}: {stdout}");
        assert_eq!(pool.state(), before, "{shell}: {stdout}");
    }
}

/// A hook (argument mode: the new BE's temporary root appended) runs in loadzfs after the
/// identity reset, under every shell, and what it writes is in the deployed BE: here
/// `sh -c 'cp MARKER $1' mark <BE root>`. Its arguments reach it as written, as natively:
/// the `$1` is the hook's, not expanded by loadzfs (where it is empty, and the hook would
/// act on the miniroot's `/`).
#[test]
fn loadzfs_runs_a_hook_on_the_new_be_under_every_shell() {
    if !require_zfs() {
        return;
    }
    let golden = TestPool::create("genhgold", 96);
    let stream = golden.golden_stream("golden.zfs", 0);
    let marker = golden.dir().join("hooked-marker");
    std::fs::write(&marker, "hooked\n").unwrap();
    // None: natively, with zflash finish.
    let runs: Vec<Option<Shell>> = std::iter::once(None)
        .chain(Shell::all().into_iter().map(Some))
        .collect();
    for shell in runs {
        let name = shell.as_ref().map_or("native", Shell::name);
        let pool = TestPool::miniroot(&format!("genh{name}"), 128, INSTALLED);
        let tmp = tempfile::tempdir().unwrap();
        let site = write_site(tmp.path(), &pool.name, &stream, None);
        let text = std::fs::read_to_string(&site).unwrap().replace(
            "properties: {compression: \"on\"}",
            &format!(
                "properties: {{compression: \"on\"}}, hooks: [{{name: mark, argv: [/bin/sh, -c, 'cp {} $1', mark], mode: argument}}]",
                marker.display()
            ),
        );
        std::fs::write(&site, text).unwrap();
        let js = tmp.path().join("js");
        zflash()
            .arg("generate")
            .arg(&site)
            .arg("-o")
            .arg(&js)
            .assert()
            .success();
        let stdout = match &shell {
            Some(shell) => {
                let out = run_loadzfs(shell, &pool, &js);
                let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
                assert!(
                    out.status.success(),
                    "{name}: {stdout}\n{}",
                    String::from_utf8_lossy(&out.stderr)
                );
                assert!(stdout.contains("run_hooks: run 1 hook"), "{name}: {stdout}");
                stdout
            }
            None => {
                finish_natively(&pool, &js);
                String::new()
            }
        };
        let be = format!("{}/ROOT/s10gold", pool.name);
        let root = pool.inspect(&be);
        let hooked = std::fs::read_to_string(root.join("hooked-marker"));
        pool.uninspect(&be);
        assert_eq!(hooked.ok().as_deref(), Some("hooked\n"), "{name}: {stdout}");
    }
}

/// A bare `zfs send` stream (no manifest, no digest): loadzfs reads the id zflash finish
/// gives it (`guid:<toguid>` of the first BEGIN record) before any change, so a rerun after
/// success is a no-op, under posh, dash and the Solaris 10 shell, and a BE deployed by
/// any of them is recognised by the others and natively as deployed from the same archive.
#[test]
fn loadzfs_rerun_after_success_with_a_digest_unknown_at_generate_time() {
    if !require_zfs() || fault_shells().is_empty() {
        return;
    }
    let golden = TestPool::create("genrgold", 96);
    let stream = golden.golden_stream("golden.zfs", 16);
    let bytes = std::fs::read(&stream).unwrap();
    let word = |at: usize| <[u8; 8]>::try_from(&bytes[at..at + 8]).unwrap();
    // The BEGIN record's drr_toguid, in the byte order of its magic.
    let toguid = if u64::from_le_bytes(word(8)) == 0x2f5b_acbac {
        u64::from_le_bytes(word(40))
    } else {
        u64::from_be_bytes(word(40))
    };
    let id = format!("guid:{toguid:016x}");
    let pool = TestPool::miniroot("genrerun", 128, INSTALLED);
    let be = format!("{}/ROOT/s10gold", pool.name);
    let installed = format!("{}/ROOT/{INSTALLED}", pool.name);
    let (_keep, js) = generate_for(&pool, &stream, None);
    let undeploy = || {
        run(
            "zpool",
            &["set", &format!("bootfs={installed}"), &pool.name],
        );
        run_retry("zfs", &["destroy", "-r", &be]).unwrap();
    };
    let shells = Shell::all();
    // Deployed by dash, then by the Solaris 10 shell (the id read with od before any
    // change), rerun by every shell and natively: the same archive, nothing to do.
    for (n, deployer) in fault_shells().iter().enumerate() {
        if n > 0 {
            undeploy();
        }
        let out = run_loadzfs(deployer, &pool, &js);
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(out.status.success(), "{}: {stdout}", deployer.name());
        assert_eq!(
            pool.zfs_get("org.zflash:archive", &be),
            id,
            "{}",
            deployer.name()
        );
        let deployed = pool.state();
        for shell in &shells {
            let out = run_loadzfs(shell, &pool, &js);
            let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
            let shell = format!("{} after {}", shell.name(), deployer.name());
            assert!(out.status.success(), "{shell}: {stdout}");
            assert!(
                stdout.contains("is already deployed from this archive: nothing to do"),
                "{shell}: {stdout}"
            );
            assert_eq!(pool.state(), deployed, "{shell}");
        }
        // Deployed by loadzfs, rerun natively: the same archive.
        finish_natively(&pool, &js);
        assert_eq!(pool.state(), deployed);
    }

    // Deployed natively, rerun with loadzfs: the same archive.
    undeploy();
    finish_natively(&pool, &js);
    assert_eq!(pool.zfs_get("org.zflash:archive", &be), id);
    let deployed = pool.state();
    for shell in fault_shells() {
        let out = run_loadzfs(&shell, &pool, &js);
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let shell = shell.name();
        assert!(out.status.success(), "{shell}: {stdout}");
        assert!(stdout.contains("nothing to do"), "{shell}: {stdout}");
        assert_eq!(pool.state(), deployed, "{shell}");
    }

    // With a manifest, the id is its digest.
    write_manifest(&stream, "sparc", None);
    for sh in fault_shells() {
        undeploy();
        let out = run_loadzfs(&sh, &pool, &js);
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let shell = sh.name();
        assert!(out.status.success(), "{shell}: {stdout}");
        assert!(
            pool.zfs_get("org.zflash:archive", &be)
                .starts_with("sha256:"),
            "{shell}"
        );
        let deployed = pool.state();
        let out = run_loadzfs(&sh, &pool, &js);
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(out.status.success(), "{shell}: {stdout}");
        assert!(
            stdout.contains("is already deployed from this archive: nothing to do"),
            "{shell}: {stdout}"
        );
        assert_eq!(pool.state(), deployed, "{shell}");
    }
}

/// When the stream's first BEGIN record cannot be read before the receive (here `od`
/// fails), loadzfs takes the archive id from the received snapshot's guid instead: the
/// same `guid:<16 hex digits>` as natively under every shell, the Solaris 10 one (whose
/// `printf` keeps only 32 bits) included.
#[test]
fn loadzfs_takes_the_id_from_the_received_guid_when_od_cannot_read_the_stream() {
    if !require_zfs() {
        return;
    }
    let golden = TestPool::create("gengdgold", 96);
    let stream = golden.golden_stream("golden.zfs", 0);
    let info = zflash()
        .args(["info", "--json"])
        .arg(&stream)
        .output()
        .unwrap();
    let info: serde_json::Value = serde_json::from_slice(&info.stdout).unwrap();
    let id = format!(
        "guid:{}",
        info["archives"][0]["header"]["begin"]["toguid"]
            .as_str()
            .unwrap()
    );
    let pool = TestPool::miniroot("genguid", 128, INSTALLED);
    let be = format!("{}/ROOT/s10gold", pool.name);
    let installed = format!("{}/ROOT/{INSTALLED}", pool.name);
    let (keep, js) = generate_for(&pool, &stream, None);
    let bin = keep.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    std::fs::write(
        bin.join("od"),
        "#!/bin/sh\necho 'od: simulated failure' >&2\nexit 1\n",
    )
    .unwrap();
    std::fs::set_permissions(
        bin.join("od"),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    for shell in Shell::all() {
        let name = shell.name();
        let out = run_loadzfs_with_path(&shell, &pool, &js, Some(&bin));
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(out.status.success(), "{name}: {stdout}");
        assert!(
            stdout.contains("cannot read the first BEGIN record"),
            "{name}: {stdout}"
        );
        assert_eq!(pool.zfs_get("org.zflash:archive", &be), id, "{name}");
        run(
            "zpool",
            &["set", &format!("bootfs={installed}"), &pool.name],
        );
        run_retry("zfs", &["destroy", "-r", &be]).unwrap();
    }
}

/// Run the generated `desk.loadzfs` of `js` under `shell` on `pool`, as JumpStart would;
/// whatever the outcome, the run leaves no pool lock of its own behind.
fn run_loadzfs(shell: impl AsShell, pool: &TestPool, js: &Path) -> std::process::Output {
    run_loadzfs_with_path(shell, pool, js, None)
}

/// [`run_loadzfs`] with `bin` first on the shell's PATH (stand-in commands).
fn run_loadzfs_with_path(
    shell: impl AsShell,
    pool: &TestPool,
    js: &Path,
    bin: Option<&Path>,
) -> std::process::Output {
    let shell = shell.as_shell();
    let lock = PathBuf::from(zflash_runtime::plan::lock_dir(&pool.name));
    let held_before = lock.exists();
    let mut cmd = shell.command();
    if let Some(bin) = bin {
        let mut path = bin.as_os_str().to_owned();
        path.push(":");
        path.push(shell.search_path());
        cmd.env("PATH", path);
    }
    let out = cmd
        .arg(js.join("finish/desk.loadzfs"))
        .env("SI_CONFIG_DIR", js)
        .env("SI_HOSTNAME", HOST)
        .env("SI_ARCH", "sparc")
        .env("SI_KARCH", "sun4u")
        .env("ZFLASH_ALTROOT", &pool.altroot)
        .output()
        .unwrap();
    if !held_before {
        assert!(
            !lock.exists(),
            "{}: the run left its lock {}: {}",
            shell.name(),
            lock.display(),
            String::from_utf8_lossy(&out.stdout)
        );
    }
    out
}

/// A shell to run loadzfs with: a [`Shell`], or the name of one of this host's (`"dash"`).
trait AsShell {
    fn as_shell(&self) -> Shell;
}

impl AsShell for &Shell {
    fn as_shell(&self) -> Shell {
        (*self).clone()
    }
}

impl AsShell for &str {
    fn as_shell(&self) -> Shell {
        match *self {
            "posh" => Shell::Posh,
            "dash" => Shell::Dash,
            other => panic!("no such host shell: {other}"),
        }
    }
}

/// A loadzfs run that failed with `message` in its output, said it undid its work, and
/// left the pool exactly as `before`.
fn assert_failed_and_undone(
    out: &std::process::Output,
    message: &str,
    pool: &TestPool,
    before: &str,
) {
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{stdout}");
    assert!(
        stdout.contains(message),
        "missing {message:?} in:\n{stdout}"
    );
    assert!(stdout.contains("undone"), "{stdout}");
    assert_eq!(pool.state(), before, "{stdout}");
}

/// `zflash capture --recursive --compress gzip` of a golden BE with a separate /var child
/// (snapshot `gold`, renamed `@flar` on receive), made in `golden`; the manifest says
/// sparc, the architecture the tests' clients have. Also a bare `zfs send -R` of it with
/// a manifest. Returns (gzip archive, bare stream).
fn recursive_archives(golden: &TestPool) -> (PathBuf, PathBuf) {
    let ds = golden.golden_dataset_with_var(16);
    let archive = golden.dir().join("gold-r.zfs.gz");
    zflash()
        .args(["capture", "--recursive", "--snapshot", "gold"])
        .args(["--compress", "gzip", "-o"])
        .arg(&archive)
        .arg(&ds)
        .assert()
        .success();
    let manifest = PathBuf::from(format!("{}.manifest.json", archive.display()));
    let mut m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest).unwrap()).unwrap();
    m["content"]["architecture"] = serde_json::json!("sparc");
    std::fs::write(&manifest, m.to_string()).unwrap();
    let bare = send(golden.dir(), &["-R", &format!("{ds}@gold")], "gold-r.zfs");
    write_manifest(&bare, "sparc", None);
    let root = PathBuf::from(golden.zfs_get("mountpoint", &ds));
    run_retry("zfs", &["destroy", "-r", &ds]).unwrap();
    let _ = std::fs::remove_dir(root);
    (archive, bare)
}

/// The `sha256` of an archive's sidecar manifest.
fn sha256_of(archive: &Path) -> String {
    let text = std::fs::read_to_string(format!("{}.manifest.json", archive.display())).unwrap();
    let m: serde_json::Value = serde_json::from_str(&text).unwrap();
    m["sha256"].as_str().unwrap().to_string()
}

/// The same loadzfs deploys a recursive archive (the stream kind is told at run time):
/// BE + BE/var, the same end state as `zflash finish`; a failing hook undoes everything.
#[test]
fn loadzfs_of_a_recursive_archive_reaches_the_same_end_state_as_zflash_finish() {
    if !require_zfs() {
        return;
    }
    let shells = Shell::all();
    let golden = TestPool::create("genrgold", 96);
    let (archive, bare) = recursive_archives(&golden);
    let manifest = PathBuf::from(format!("{}.manifest.json", archive.display()));

    let native = TestPool::miniroot("genrnat", 128, INSTALLED);
    let (_keep_n, js) = generate_for(&native, &archive, Some(&manifest));
    finish_natively(&native, &js);
    let want = end_state(&native);
    assert!(
        want.0.contains("POOL/ROOT/s10gold/var\t-\t"),
        "no /var dataset natively: {}",
        want.0
    );
    assert!(!want.0.contains('@'), "a snapshot is left: {}", want.0);
    for file in ["var/app/data:", "var/sadm/system/logs/install_log:"] {
        assert!(want.1.iter().any(|f| f.starts_with(file)), "{:?}", want.1);
    }

    for sh in &shells {
        let shell = sh.name();
        let pool = TestPool::miniroot(&format!("genr{shell}"), 128, INSTALLED);
        // posh: the gzip archive, its digest known at generate time; dash: the bare
        // stream, its digest from the sidecar manifest at install time; s10: the gzip
        // archive, its digest from the sidecar manifest at install time.
        let (_keep, js) = match sh {
            Shell::Posh => generate_for(&pool, &archive, Some(&manifest)),
            Shell::Dash => generate_for(&pool, &bare, None),
            Shell::S10(_) => generate_for(&pool, &archive, None),
        };
        let out = run_loadzfs(sh, &pool, &js);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{shell}: {stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stdout.contains("verified"), "{shell}: {stdout}");
        let got = end_state(&pool);
        // The bare stream is another archive: its own id in org.zflash:archive.
        let want_state = if *sh == Shell::Dash {
            want.0.replace(&sha256_of(&archive), &sha256_of(&bare))
        } else {
            want.0.clone()
        };
        assert_eq!(
            got.0, want_state,
            "{shell}: pool state differs from zflash finish"
        );
        assert_eq!(got.1, want.1, "{shell}: files differ from zflash finish");
    }

    // A truncated copy without manifest: the receive fails after the top dataset was
    // received, and the undo armed before it destroys that.
    let pool = TestPool::miniroot("genrfail", 128, INSTALLED);
    let before = pool.state();
    let bytes = std::fs::read(&bare).unwrap();
    let truncated = golden.dir().join("truncated.zfs");
    std::fs::write(&truncated, &bytes[..bytes.len() * 9 / 10]).unwrap();
    let (_keep_t, js) = generate_for(&pool, &truncated, None);
    for shell in fault_shells() {
        let out = run_loadzfs(&shell, &pool, &js);
        assert_failed_and_undone(
            &out,
            &format!("zfs receive of {} into", truncated.display()),
            &pool,
            &before,
        );
    }

    // A hook that fails after the tree was received, renamed and mounted: everything is
    // undone, the BE's /var included.
    let tmp = tempfile::tempdir().unwrap();
    let site = write_site(tmp.path(), &pool.name, &bare, None);
    let text = std::fs::read_to_string(&site).unwrap().replace(
        "properties: {compression: \"on\"}",
        "properties: {compression: \"on\"}, hooks: [{name: fails, argv: [/bin/false], mode: argument}]",
    );
    std::fs::write(&site, text).unwrap();
    let js = tmp.path().join("js");
    zflash()
        .arg("generate")
        .arg(&site)
        .arg("-o")
        .arg(&js)
        .assert()
        .success();
    for shell in fault_shells() {
        let out = run_loadzfs(&shell, &pool, &js);
        assert_failed_and_undone(&out, "hook failed", &pool, &before);
    }
}

/// A child dataset whose mountpoint the recursive stream carries (set on the golden, not
/// inherited) would not land inside the BE's temporary root: `zflash finish` and loadzfs
/// both stop at the mount, name it, and undo everything.
#[test]
fn a_child_dataset_with_its_own_mountpoint_is_refused_and_undone() {
    if !require_zfs() {
        return;
    }
    let golden = TestPool::create("genmgold", 96);
    let ds = golden.golden_dataset_with_var(0);
    let root = PathBuf::from(golden.zfs_get("mountpoint", &ds));
    run(
        "zfs",
        &["set", "mountpoint=/elsewhere/var", &format!("{ds}/var")],
    );
    run("zfs", &["snapshot", "-r", &format!("{ds}@flar")]);
    let stream = send(golden.dir(), &["-R", &format!("{ds}@flar")], "own-mp.zfs");
    write_manifest(&stream, "sparc", None);
    run_retry("zfs", &["destroy", "-r", &ds]).unwrap();
    let _ = std::fs::remove_dir(root);

    let pool = TestPool::miniroot("genmp", 128, INSTALLED);
    let before = pool.state();
    let (_keep, js) = generate_for(&pool, &stream, None);
    let native = finish_natively_command(&js, &pool.altroot)
        .arg("--quiet")
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&native.stdout);
    assert_eq!(native.status.code(), Some(1), "{report}");
    let child = format!("{}/ROOT/s10gold/var has its own mountpoint", pool.name);
    assert!(report.contains(&child), "{report}");
    assert_eq!(pool.state(), before, "{report}");

    for shell in fault_shells() {
        let out = run_loadzfs(&shell, &pool, &js);
        assert_failed_and_undone(&out, &child, &pool, &before);
    }
}

/// The shell functions of a generated loadzfs from `zf_stream_begin` to `zf_stream_guid`.
fn stream_guid_functions() -> String {
    let files = zflash_generator::generate(&repo().join("fixtures/examples/site.yaml")).unwrap();
    let script = String::from_utf8(files["finish/lab.loadzfs"].bytes.clone()).unwrap();
    let start = script.find("zf_stream_begin() {").unwrap();
    let guid = script.find("zf_stream_guid() {").unwrap();
    let end = guid + script[guid..].find("\n}\n").unwrap() + 3;
    script[start..end].to_string()
}

/// loadzfs reads the archive id of a stream without digest (its first BEGIN record's
/// toguid; a compound stream's first substream's) with od, in either byte order, plain or
/// gzip: the same toguid as `zflash info --json` reports, hence the same id as natively.
#[test]
fn generated_stream_guid_is_the_toguid_zflash_info_reports_in_both_byte_orders() {
    let functions = stream_guid_functions();
    let shells = Shell::all();
    let tmp = tempfile::tempdir().unwrap();
    let fixtures = repo().join("fixtures/streams");
    for name in [
        "openzfs/big-endian-all-drr-types-base-XDR.zsend.zst",
        "openzfs/little-endian-all-drr-types-base-XDR.zsend.zst",
        "openzfs/big-endian-long-payloads.zsend.zst",
        "zfs-fuse/full.zs",
        "zfs-fuse/rep.zs",
        "zfs-fuse/props.zs",
    ] {
        let fixture = fixtures.join(name);
        let out = zflash()
            .args(["info", "--json"])
            .arg(&fixture)
            .output()
            .unwrap();
        let info: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let header = &info["archives"][0]["header"];
        let want = header["first_substream"]["toguid"]
            .as_str()
            .or(header["begin"]["toguid"].as_str())
            .unwrap()
            .to_string();
        let stream = tmp.path().join("stream");
        let archive = zflash_archive::Archive::open(&fixture).unwrap();
        let mut file = std::fs::File::create(&stream).unwrap();
        std::io::copy(&mut archive.reader().unwrap(), &mut file).unwrap();
        drop(file);
        let gzipped = tmp.path().join("stream.gz");
        let status = StdCommand::new("sh")
            .arg("-c")
            .arg(format!(
                "gzip -c <'{}' >'{}'",
                stream.display(),
                gzipped.display()
            ))
            .status()
            .unwrap();
        assert!(status.success());
        for sh in &shells {
            let shell = sh.name();
            for (path, compression) in [(&stream, "none"), (&gzipped, "gzip")] {
                let out = sh
                    .command()
                    .arg("-c")
                    .arg(format!(
                        "{functions}zf_stream_guid '{}' {compression}\n",
                        path.display()
                    ))
                    .output()
                    .unwrap();
                assert_eq!(
                    String::from_utf8_lossy(&out.stdout).trim(),
                    want,
                    "{shell}: {name} ({compression}): {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
        }
    }
    // Not a stream: nothing, so that loadzfs falls back to the guid after the receive.
    let junk = tmp.path().join("junk");
    std::fs::write(&junk, vec![0x41u8; 400]).unwrap();
    for sh in &shells {
        let out = sh
            .command()
            .arg("-c")
            .arg(format!(
                "{functions}zf_stream_guid '{}' none\n",
                junk.display()
            ))
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            "",
            "{}",
            sh.name()
        );
    }
}

/// One loadzfs per pool: a lock held by a live process refuses the run (exit 1, the pool
/// unchanged, the holder's pid named, its lock kept); a lock whose process is gone is
/// taken over, and removed when the run ends.
#[test]
fn loadzfs_refuses_a_pool_locked_by_a_live_run_and_takes_over_a_stale_lock() {
    if !require_zfs() {
        return;
    }
    let shells = Shell::all();
    let golden = TestPool::create("genlkgold", 96);
    let stream = golden.golden_stream("golden.zfs", 16);
    let pool = TestPool::miniroot("genlock", 128, INSTALLED);
    let (_keep, js) = generate_for(&pool, &stream, None);
    let lock = PathBuf::from(zflash_runtime::plan::lock_dir(&pool.name));
    let _ = std::fs::remove_dir_all(&lock);
    std::fs::create_dir(&lock).unwrap();
    let mut holder = StdCommand::new("sleep").arg("60").spawn().unwrap();
    std::fs::write(lock.join("pid"), format!("{}\n", holder.id())).unwrap();
    let before = pool.state();
    let outs: Vec<_> = shells
        .iter()
        .map(|shell| run_loadzfs(shell, &pool, &js))
        .collect();
    let still_held = lock.join("pid").is_file();
    holder.kill().unwrap();
    holder.wait().unwrap();
    for (shell, out) in shells.iter().zip(outs) {
        let shell = shell.name();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert_eq!(out.status.code(), Some(1), "{shell}: {stdout}");
        assert!(
            stdout.contains(&format!("another run (pid {})", holder.id())),
            "{shell}: {stdout}"
        );
    }
    assert_eq!(pool.state(), before);
    assert!(still_held, "the holder's lock was removed");

    // The holder is gone now: its lock is stale. Taken over by the last shell (the
    // Solaris 10 one when there is one), which deploys.
    let Some(shell) = shells.last() else {
        return;
    };
    let out = run_loadzfs(shell, &pool, &js);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let outlived = lock.exists();
    let _ = std::fs::remove_dir_all(&lock);
    let shell = shell.name();
    assert!(out.status.success(), "{shell}: {stdout}");
    assert!(
        stdout.contains("taking over the stale lock"),
        "{shell}: {stdout}"
    );
    assert_eq!(
        pool.bootfs(),
        format!("{}/ROOT/s10gold", pool.name),
        "{shell}: {stdout}"
    );
    assert!(!outlived, "{shell}: the lock outlived the run");
}

/// A gzip-compressed bare `zfs send -R` stream without manifest: loadzfs reads the first
/// substream's toguid through `gzip -dc` before any change — the id `zflash info` and
/// `zflash finish` give it — so reruns by loadzfs and by zflash finish change nothing.
#[test]
fn loadzfs_rerun_of_a_bare_recursive_gzip_stream_is_a_no_op() {
    if !require_zfs() || !have("dash") {
        return;
    }
    let golden = TestPool::create("genrrgold", 96);
    let ds = golden.golden_dataset_with_var(8);
    run_retry("zfs", &["snapshot", "-r", &format!("{ds}@gold")]).unwrap();
    let bare = send(golden.dir(), &["-R", &format!("{ds}@gold")], "gold-r.zfs");
    let archive = golden.dir().join("gold-r.zfs.gz");
    let status = StdCommand::new("sh")
        .arg("-c")
        .arg(format!(
            "gzip -c <'{}' >'{}'",
            bare.display(),
            archive.display()
        ))
        .status()
        .unwrap();
    assert!(status.success());
    let out = zflash()
        .args(["info", "--json"])
        .arg(&archive)
        .output()
        .unwrap();
    let info: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let toguid = info["archives"][0]["header"]["first_substream"]["toguid"]
        .as_str()
        .unwrap()
        .to_string();
    let pool = TestPool::miniroot("genrrerun", 128, INSTALLED);
    let be = format!("{}/ROOT/s10gold", pool.name);
    let (_keep, js) = generate_for(&pool, &archive, None);
    let out = run_loadzfs("dash", &pool, &js);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{stdout}");
    assert_eq!(
        pool.zfs_get("org.zflash:archive", &be),
        format!("guid:{toguid}")
    );
    let deployed = pool.state();
    for sh in Shell::all() {
        let out = run_loadzfs(&sh, &pool, &js);
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let shell = sh.name();
        assert!(out.status.success(), "{shell}: {stdout}");
        assert!(stdout.contains("nothing to do"), "{shell}: {stdout}");
        assert_eq!(pool.state(), deployed, "{shell}");
    }
    finish_natively(&pool, &js);
    assert_eq!(pool.state(), deployed);
}

/// A site file or manifest that is not a regular file (a device that never ends, a FIFO
/// nobody writes) is refused at once, not read until memory runs out or forever.
#[test]
fn site_files_and_manifests_must_be_regular_files() {
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("site.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    // A site problem like any other (exit 1, the Y001 rule), whatever the kind of file.
    for (site, kind) in [
        (std::path::PathBuf::from("/dev/zero"), "a character device"),
        (fifo.clone(), "a FIFO"),
        (tmp.path().to_path_buf(), "a directory"),
    ] {
        zflash()
            .arg("generate")
            .arg(&site)
            .arg("-o")
            .arg(tmp.path().join("js"))
            .timeout(std::time::Duration::from_secs(20))
            .assert()
            .code(1)
            .stderr(predicate::str::contains(format!(
                "error[Y001]: not a regular file ({kind})"
            )))
            .stderr(predicate::str::contains(format!("--> {}", site.display())));
    }
    // The same for a manifest named by the site file: a site problem at its line.
    let text = std::fs::read_to_string(repo().join("fixtures/sites/minimal.yaml"))
        .unwrap()
        .replace(
            "    location: js-server:/flashdirectory/s10s_u6wos_07_flar.zfs\n",
            "    location: js-server:/flashdirectory/s10s_u6wos_07_flar.zfs\n    manifest: /dev/zero\n",
        );
    let site = tmp.path().join("site.yaml");
    std::fs::write(&site, text).unwrap();
    zflash()
        .arg("generate")
        .arg(&site)
        .arg("-o")
        .arg(tmp.path().join("js"))
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not a regular file"))
        .stderr(predicate::str::contains("site.yaml:13:15"));
}

/// The 10/08 rendering of loadzfs (`server.release: 10/08`) runs with the commands 10/08
/// has: under a `zfs` that refuses `receive -u` and `get … guid` as 10/08's does, it deploys
/// a plain archive without a manifest (the id from the stream's BEGIN record); when that
/// record cannot be read (here `od` fails) it refuses before any change, naming the
/// missing guid property, instead of reading `guid` after the receive as 9/10 on does.
#[test]
fn loadzfs_for_10_08_uses_neither_receive_u_nor_the_guid_property() {
    if !require_zfs() {
        return;
    }
    let golden = TestPool::create("gen1008gold", 96);
    let stream = golden.golden_stream("golden.zfs", 0);
    let pool = TestPool::miniroot("gen1008", 128, INSTALLED);
    let be = format!("{}/ROOT/s10gold", pool.name);
    let installed = format!("{}/ROOT/{INSTALLED}", pool.name);
    let tmp = tempfile::tempdir().unwrap();
    let site = write_site_chain(tmp.path(), &pool.name, &stream, None, &[]);
    let text = std::fs::read_to_string(&site).unwrap();
    std::fs::write(&site, text.replace("release: 1/13", "release: 10/08")).unwrap();
    let js = tmp.path().join("js");
    zflash()
        .args(["generate"])
        .arg(&site)
        .arg("-o")
        .arg(&js)
        .assert()
        .success();
    let loadzfs = std::fs::read_to_string(js.join("finish/desk.loadzfs")).unwrap();
    assert!(!loadzfs.contains("value guid"), "{loadzfs}");
    let zfs_1008 = zfs_as_in_10_08();
    let bin = tmp.path().join("bin");
    write_exe(&bin, "zfs", &zfs_1008);
    let broken_od = tmp.path().join("bin-od");
    write_exe(&broken_od, "zfs", &zfs_1008);
    write_exe(
        &broken_od,
        "od",
        "#!/bin/sh\necho 'od: simulated failure' >&2\nexit 1\n",
    );
    let shells = Shell::all();
    assert!(
        shells.iter().any(|s| s.name().contains("10")) || std::env::var_os("CI").is_none(),
        "no Solaris 10 shell"
    );
    for shell in shells {
        let name = shell.name();
        eprintln!("10/08 loadzfs under {name}");
        // The BEGIN record cannot be read: refused before any change.
        let before = pool.state();
        let out = run_loadzfs_with_path(&shell, &pool, &js, Some(&broken_od));
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(!out.status.success(), "{name}: {stdout}");
        assert!(
            stdout
                .contains("and this release has no guid property to read its id after the receive"),
            "{name}: {stdout}"
        );
        assert!(
            !stdout.contains("invalid property 'guid'"),
            "{name}: {stdout}"
        );
        assert_eq!(pool.state(), before, "{name}: {stdout}");
        // With od: deployed, the id from the stream, neither refused command used.
        let out = run_loadzfs_with_path(&shell, &pool, &js, Some(&bin));
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "{name}: {stdout}\n{stderr}");
        assert!(
            !stdout.contains("illegal option") && !stderr.contains("illegal option"),
            "{name}: {stdout}"
        );
        assert!(
            pool.zfs_get("org.zflash:archive", &be).starts_with("guid:"),
            "{name}"
        );
        run(
            "zpool",
            &["set", &format!("bootfs={installed}"), &pool.name],
        );
        run_retry("zfs", &["destroy", "-r", &be]).unwrap();
    }
}

/// A `zfs` as 10/08 has it, in front of the real one: it refuses `receive -u` and
/// `get … guid` with 10/08's messages. The script's text.
fn zfs_as_in_10_08() -> String {
    let real_zfs = String::from_utf8(
        StdCommand::new("sh")
            .args(["-c", "command -v zfs"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap()
    .trim()
    .to_string();
    assert!(real_zfs.starts_with('/'), "zfs not found: {real_zfs:?}");
    format!(
        "#!/bin/sh\n\
         case \" $* \" in\n\
         *' receive '*' -u '* | *' recv '*' -u '*) echo 'zfs: illegal option -- u' >&2; exit 2 ;;\n\
         *' get '*' guid '*) echo \"bad property list: invalid property 'guid'\" >&2; exit 2 ;;\n\
         esac\n\
         exec {real_zfs} \"$@\"\n"
    )
}

/// An executable NAME with TEXT in DIR.
fn write_exe(dir: &Path, name: &str, text: &str) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join(name), text).unwrap();
    std::fs::set_permissions(
        dir.join(name),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
}

/// A recursive (`zfs send -R`) archive without a manifest for clients of a 10/08 image
/// (no `zfs receive -u`): generate cannot know its kind, so the loadzfs tells it from the
/// stream's first BEGIN record and refuses it before any change, naming the release,
/// under the 10/08 `zfs` in every shell; `zflash finish` refuses it in its preflight.
#[test]
fn recursive_archive_without_manifest_is_refused_for_10_08_before_any_change() {
    if !require_zfs() {
        return;
    }
    let golden = TestPool::create("gen1008rgold", 96);
    let ds = golden.golden_dataset_with_var(16);
    run("zfs", &["snapshot", "-r", &format!("{ds}@gold")]);
    let bare = send(golden.dir(), &["-R", &format!("{ds}@gold")], "gold-r.zfs");
    let pool = TestPool::miniroot("gen1008r", 128, INSTALLED);
    let tmp = tempfile::tempdir().unwrap();
    let site = write_site_chain(tmp.path(), &pool.name, &bare, None, &[]);
    let text = std::fs::read_to_string(&site).unwrap();
    std::fs::write(&site, text.replace("release: 1/13", "release: 10/08")).unwrap();
    let js = tmp.path().join("js");
    zflash()
        .args(["generate"])
        .arg(&site)
        .arg("-o")
        .arg(&js)
        .assert()
        .success();
    let bin = tmp.path().join("bin");
    write_exe(&bin, "zfs", &zfs_as_in_10_08());
    let why = "needs zfs receive -u, which Solaris 10 10/08";
    let before = pool.state();
    let shells = Shell::all();
    assert!(
        shells.iter().any(|s| s.name().contains("10")) || std::env::var_os("CI").is_none(),
        "no Solaris 10 shell"
    );
    for shell in shells {
        let name = shell.name();
        let out = run_loadzfs_with_path(&shell, &pool, &js, Some(&bin));
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(!out.status.success(), "{name}: {stdout}");
        assert!(stdout.contains(why), "{name}: {stdout}\n{stderr}");
        assert!(
            !stdout.contains("illegal option") && !stderr.contains("illegal option"),
            "{name}: {stdout}\n{stderr}"
        );
        assert_eq!(pool.state(), before, "{name}: {stdout}");
    }
    let out = finish_natively_command(&js, &pool.altroot)
        .output()
        .unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.status.success(), "{all}");
    assert!(all.contains(why) && all.contains("preflight"), "{all}");
    assert_eq!(pool.state(), before, "{all}");
    let root = PathBuf::from(golden.zfs_get("mountpoint", &ds));
    run_retry("zfs", &["destroy", "-r", &ds]).unwrap();
    let _ = std::fs::remove_dir(root);
}

/// `fixtures/sites/fields.yaml.in` with field `which` (of those named `@name=valid@` there)
/// set to `value` and every other field to its valid value; values as YAML double-quoted
/// strings. Also returns the field's name.
fn site_with_field(which: usize, value: &str) -> (String, String) {
    let template: String = std::fs::read_to_string(repo().join("fixtures/sites/fields.yaml.in"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut rest = template.as_str();
    while let Some(start) = rest.find('@') {
        let end = start + 1 + rest[start + 1..].find('@').unwrap();
        if let Some((name, good)) = rest[start + 1..end].split_once('=') {
            fields.push((name.to_string(), good.to_string()));
        }
        rest = &rest[end + 1..];
    }
    let mut text = template.clone();
    for (i, (name, good)) in fields.iter().enumerate() {
        let v = if i == which % fields.len() {
            value
        } else {
            good
        };
        let quoted = serde_json::to_string(v).unwrap();
        text = text
            .replace(&format!("@{name}={good}@"), &quoted)
            .replace(&format!("@{name}@"), &quoted);
    }
    (fields[which % fields.len()].0.clone(), text)
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 48,
        failure_persistence: None,
        ..proptest::prelude::ProptestConfig::default()
    })]

    /// The binary, end to end: any string in any field of a site file makes `zflash
    /// generate` write the directory (exit 0) or list the site problems, each at a line
    /// and column (exit 1) — never a tool error (2) or a panic (101).
    #[test]
    fn generate_binary_exits_0_or_1_for_any_string_in_any_field(
        which in 0usize..1000,
        value in proptest::prop_oneof![
            proptest::prelude::any::<String>(),
            "[-a-zA-Z0-9./:_$(){}\\[\\]'\" ]{0,16}",
            proptest::sample::select(vec![
                String::new(), "-rf".into(), "a".repeat(2000), "d".repeat(300),
                "$(reboot)".into(), "a\nb".into(), "\u{0}".into(), "x86".into(),
                "010.1.1.1".into(), "$1$abc".into(), "..".into(), "on".into(),
            ]),
        ],
    ) {
        let (field, text) = site_with_field(which, &value);
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site.yaml");
        std::fs::write(&site, &text).unwrap();
        let out = zflash()
            .args(["generate", "--format", "json"])
            .arg(&site)
            .arg("-o")
            .arg(tmp.path().join("js"))
            .output()
            .unwrap();
        let shown: String = value.chars().take(60).collect();
        let stderr = String::from_utf8_lossy(&out.stderr);
        match out.status.code() {
            Some(0) => proptest::prop_assert!(
                tmp.path().join("js/rules.ok").is_file(),
                "{field}={shown:?}: exit 0 without rules.ok"
            ),
            Some(1) => {
                let report: serde_json::Value = serde_json::from_slice(&out.stdout)
                    .map_err(|e| proptest::test_runner::TestCaseError::fail(format!("{field}={shown:?}: {e}")))?;
                let diagnostics = report["diagnostics"].as_array().cloned().unwrap_or_default();
                proptest::prop_assert!(!diagnostics.is_empty(), "{field}={shown:?}: exit 1, no problem");
                for d in &diagnostics {
                    proptest::prop_assert!(
                        d["line"].as_u64().is_some_and(|l| l >= 1) && d["column"].as_u64().is_some_and(|c| c >= 1),
                        "{field}={shown:?}: no position: {d}"
                    );
                    proptest::prop_assert!(d["code"].as_str().is_some_and(|c| c.starts_with('Y')), "{d}");
                }
                proptest::prop_assert!(!tmp.path().join("js").exists(), "{field}={shown:?}: written");
            }
            other => proptest::prop_assert!(false, "{field}={shown:?}: exit {other:?}: {stderr}"),
        }
    }
}
