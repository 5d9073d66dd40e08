//! CLI tests for `zflash finish`: the plan, bad input, SIGKILL at every step then rerun,
//! events, and parity with the seed's own `loadzfs` script on zfs-fuse.

use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use zflash_runtime::testpool::{
    FINISH_STEPS, SYSIDCFG, TestPool, file_tree, require_zfs, run, run_retry, si_config_dir,
};

const INSTALLED: &str = "s10u6_req";
const NEW: &str = "s10gold";

fn zflash() -> Command {
    Command::new(env!("CARGO_BIN_EXE_zflash"))
}

fn write_config(dir: &Path, body: &str) -> PathBuf {
    let p = dir.join("zflash-deploy.yaml");
    std::fs::write(&p, body).unwrap();
    p
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The JSON document on stdout (`--json`).
fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Exit 0, or fail showing both streams.
fn assert_success(out: &Output, context: &str) {
    assert!(
        out.status.success(),
        "{context}: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// `zflash finish ARGS --config CFG` with `body` written as the config in `dir`.
fn finish_with_config(dir: &Path, body: &str, args: &[&str]) -> Output {
    let cfg = write_config(dir, body);
    zflash()
        .arg("finish")
        .args(args)
        .arg("--config")
        .arg(&cfg)
        .output()
        .unwrap()
}

/// `zflash finish -q --json --config CFG --altroot ALT` into `pool` with the archive's
/// own architecture (the manifest records this host's `uname -p`; so does the client
/// check).
fn finish_json(pool: &TestPool, config_dir: &Path, body: &str) -> Command {
    let cfg = write_config(config_dir, body);
    let mut c = zflash();
    c.args(["finish", "-q", "--json", "--config"])
        .arg(&cfg)
        .arg("--altroot")
        .arg(&pool.altroot)
        .env("SI_CONFIG_DIR", config_dir)
        .env_remove("SI_ARCH")
        .env_remove("SI_KARCH");
    c
}

#[test]
fn plan_prints_every_step_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(
        dir.path(),
        "version: 1\narchive: js-server:/export/flash/s10u6.zfs\nbe_name: s10gold\nproperties: {compression: \"on\"}\n",
    );
    let out = zflash()
        .args(["finish", "--plan", "--config"])
        .arg(&cfg)
        .env("SI_CONFIG_DIR", "/tmp/install_config")
        .env("SI_ARCH", "sparc")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    insta::assert_snapshot!("finish_plan_human", text(&out.stdout));

    let out = zflash()
        .args(["finish", "--plan", "--json", "--altroot", "/a", "--config"])
        .arg(&cfg)
        .env("SI_CONFIG_DIR", "/tmp/install_config")
        .output()
        .unwrap();
    assert!(out.status.success());
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let steps: Vec<&str> = plan["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert_eq!(steps[..3], ["lock", "mount_source", "recover"]);
    assert_eq!(steps.last(), Some(&"unmount_source"));
    assert!(steps.contains(&"switch_bootfs"));
    // The decisions both interpreters follow are in the plan: the lock, the recovery,
    // the receive mode and when the digest is checked.
    let actions: Vec<&serde_json::Value> = plan["steps"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["ops"].as_array().unwrap())
        .map(|o| &o["action"])
        .collect();
    let find = |name: &str| *actions.iter().find(|a| a["action"] == name).unwrap();
    assert_eq!(find("take_lock")["dir"], "/tmp/zflash.rpool.lock.d");
    assert_eq!(find("recover")["be"], "rpool/ROOT/s10gold");
    assert_eq!(
        find("recover")["resume"],
        serde_json::json!(["cleanup", "unmount_source"])
    );
    let receive = find("receive");
    assert_eq!(receive["mode"]["rollback"], false);
    assert_eq!(
        receive["mode"]["compound"]["dataset"],
        "rpool/ROOT/.zflash-tmp-s10gold"
    );
    assert_eq!(receive["digest"], "during_receive");
    assert_eq!(plan["be_dataset"], "rpool/ROOT/s10gold");
    // Unknown before the archive is read: null, not a placeholder string.
    assert_eq!(plan["archive_id"], serde_json::Value::Null);
    assert_eq!(plan["archive_sha256"], serde_json::json!([null]));
    let record = find("record_archive_id");
    assert_eq!(record["dataset"], "rpool/ROOT/.zflash-tmp-s10gold");
    assert_eq!(record["id"], serde_json::Value::Null);
}

/// The release of the clients' install image (`server.release`) reaches the deploy config
/// `zflash generate` writes, and `zflash finish --plan --json` shows it with the two
/// decisions it makes (zfs receive -u, the guid property); without one, both are allowed.
#[test]
fn plan_shows_the_image_release_and_what_it_decides() {
    let tmp = tempfile::tempdir().unwrap();
    let js = tmp.path().join("js");
    let site = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sites/minimal.yaml");
    let out = zflash()
        .arg("generate")
        .arg(&site)
        .arg("-o")
        .arg(&js)
        .output()
        .unwrap();
    assert_success(&out, "generate");
    let cfg = js.join("deploy/clone01.yaml");
    let deploy = std::fs::read_to_string(&cfg).unwrap();
    assert!(deploy.contains("image_release: 10/08\n"), "{deploy}");
    let plan = |json: bool| {
        let mut c = zflash();
        c.args(["finish", "--plan", "--config"])
            .arg(&cfg)
            .env("SI_CONFIG_DIR", &js);
        if json {
            c.arg("--json");
        }
        let out = c.output().unwrap();
        assert_success(&out, "finish --plan");
        out
    };
    let p = json(&plan(true));
    assert_eq!(
        p["release"],
        serde_json::json!({"name": "10/08", "receive_unmounted": false, "guid_property": false})
    );
    let human = text(&plan(false).stdout);
    assert!(
        human
            .contains("clients' release: Solaris 10 10/08 (zfs receive -u: no, guid property: no)"),
        "{human}"
    );
    std::fs::write(
        &cfg,
        deploy.replace("image_release: 10/08\n", "image_release: 1/13\n"),
    )
    .unwrap();
    assert_eq!(
        json(&plan(true))["release"],
        serde_json::json!({"name": "1/13", "receive_unmounted": true, "guid_property": true})
    );
    std::fs::write(&cfg, deploy.replace("image_release: 10/08\n", "")).unwrap();
    assert_eq!(
        json(&plan(true))["release"],
        serde_json::json!({"name": null, "receive_unmounted": true, "guid_property": true})
    );
}

/// `zflash generate` of a site with `sha256:` writes it into the client's deploy config;
/// `zflash finish --plan` of that config shows it, in JSON and in the human plan, and the
/// archive id it makes; a chain with an archive of unknown digest has a null id.
#[test]
fn plan_shows_the_site_digest_from_the_generated_deploy_config() {
    let digest = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    let tmp = tempfile::tempdir().unwrap();
    let js = tmp.path().join("js");
    let site = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sites/mixed.yaml");
    let out = zflash()
        .arg("generate")
        .arg(&site)
        .arg("-o")
        .arg(&js)
        .output()
        .unwrap();
    assert_success(&out, "generate");
    let cfg = js.join("deploy/web01.yaml");
    let deploy = std::fs::read_to_string(&cfg).unwrap();
    assert!(
        deploy.contains(&format!("sha256:\n  /cdrom/flash/web.zfs: {digest}\n")),
        "{deploy}"
    );
    let plan = |json: bool| {
        let mut c = zflash();
        c.args(["finish", "--plan", "--config"])
            .arg(&cfg)
            .env("SI_CONFIG_DIR", &js);
        if json {
            c.arg("--json");
        }
        let out = c.output().unwrap();
        assert_success(&out, "finish --plan");
        out
    };
    let p = json(&plan(true));
    assert_eq!(p["archive_sha256"], serde_json::json!([digest]));
    assert_eq!(p["archive_id"], format!("sha256:{digest}"));
    let human = text(&plan(false).stdout);
    assert!(
        human.contains(&format!("archive id sha256:{digest})")),
        "{human}"
    );
    assert!(
        human.contains(&format!(
            "expected sha256 of /cdrom/flash/web.zfs: {digest} (deploy config)"
        )),
        "{human}"
    );
    // An increment without a digest: its part of the id is read at run time.
    let with_increment = deploy.replace(
        "archive: /cdrom/flash/web.zfs\n",
        "archive: /cdrom/flash/web.zfs\nincrements: [/cdrom/flash/web-p1.zfs]\n",
    );
    std::fs::write(&cfg, with_increment).unwrap();
    let p = json(&plan(true));
    assert_eq!(p["archive_sha256"], serde_json::json!([digest, null]));
    assert_eq!(p["archive_id"], serde_json::Value::Null);
    let human = text(&plan(false).stdout);
    assert!(human.contains("archive id read at run time)"), "{human}");
    assert!(
        human.contains(
            "expected sha256 of /cdrom/flash/web-p1.zfs: from its manifest at run time, if any"
        ),
        "{human}"
    );
}

/// Without --config in a directory written by `zflash generate` (no zflash-deploy.yaml,
/// one deploy/<host>.yaml per client), the error names the client's config.
#[test]
fn a_missing_default_config_names_the_generated_one() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("deploy")).unwrap();
    let generated = dir.path().join("deploy/ws001.yaml");
    std::fs::write(&generated, "version: 1\narchive: /x.zfs\nbe_name: b\n").unwrap();
    let out = zflash()
        .args(["finish", "--plan"])
        .env("SI_CONFIG_DIR", dir.path())
        .env("SI_HOSTNAME", "ws001")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("zflash-deploy.yaml (the default)"), "{err}");
    assert!(err.contains(&format!("{}", generated.display())), "{err}");
    assert!(err.contains("pass it with --config"), "{err}");
}

#[test]
fn bad_input_is_refused_before_anything_changes() {
    let dir = tempfile::tempdir().unwrap();
    let out = finish_with_config(
        dir.path(),
        "version: 1\narchive: /x.zfs\nbe_name: s10gold\ncompresion: on\n",
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("zflash-deploy.yaml"), "{err}");
    assert!(
        err.contains("error[D101]: unknown field `compresion`"),
        "{err}"
    );
    assert!(err.contains("zflash-deploy.yaml:4:1"), "{err}");

    let out = finish_with_config(
        dir.path(),
        "version: 1\narchive: https://js/x.zfs\nbe_name: b\n",
        &["--plan"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("not supported yet"));

    let out = finish_with_config(
        dir.path(),
        "version: 1\narchive: /x.zfs\nbe_name: 'bad name'\n",
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("be_name"),
        "{}",
        text(&out.stderr)
    );

    let out = zflash()
        .args(["finish"])
        .env_remove("SI_CONFIG_DIR")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--config"));

    // A config that cannot be read: its name and the reason, once.
    let missing = dir.path().join("nowhere.yaml");
    let out = zflash()
        .args(["finish", "--plan", "--config"])
        .arg(&missing)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains(&format!("{}", missing.display())), "{err}");
    assert_eq!(err.matches("No such file or directory").count(), 1, "{err}");
}

struct Site {
    pool: TestPool,
    config_dir: tempfile::TempDir,
    config: PathBuf,
}

fn site(tag: &str, extra: &str) -> Site {
    let pool = TestPool::miniroot(tag, 128, INSTALLED);
    let stream = pool.golden_stream("gold.zfs", 256);
    let config_dir = si_config_dir(SYSIDCFG);
    let config = write_config(
        config_dir.path(),
        &format!(
            "version: 1\narchive: {}\npool: {}\nbe_name: {NEW}\nproperties: {{compression: \"on\"}}\n{extra}",
            stream.display(),
            pool.name
        ),
    );
    Site {
        pool,
        config_dir,
        config,
    }
}

impl Site {
    fn finish(&self, args: &[&str], fault: Option<&str>) -> Output {
        let mut c = zflash();
        c.args(["finish", "--config"])
            .arg(&self.config)
            .arg("--altroot")
            .arg(&self.pool.altroot)
            .args(args)
            .env("SI_CONFIG_DIR", self.config_dir.path())
            .env("SI_ARCH", "i386")
            .env_remove("ZFLASH_FAULT");
        if let Some(f) = fault {
            c.env("ZFLASH_FAULT", f);
        }
        c.output().unwrap()
    }

    fn be(&self) -> String {
        format!("{}/ROOT/{NEW}", self.pool.name)
    }

    /// Put the pool back as JumpStart left it.
    fn reset(&self) {
        run(
            "zpool",
            &[
                "set",
                &format!("bootfs={}/ROOT/{INSTALLED}", self.pool.name),
                &self.pool.name,
            ],
        );
        run_retry("zfs", &["destroy", "-r", &self.be()]).unwrap();
    }

    fn assert_deployed(&self, context: &str) {
        let p = &self.pool;
        let be = self.be();
        assert_eq!(p.bootfs(), be, "{context}");
        let mut want = vec![
            p.name.clone(),
            format!("{}/ROOT", p.name),
            be.clone(),
            format!("{}/ROOT/{INSTALLED}", p.name),
        ];
        want.sort();
        assert_eq!(p.datasets(), want, "{context}: leftovers");
        assert_eq!(p.zfs_get("org.zflash:state", &be), "done", "{context}");
        assert_eq!(p.zfs_get("mounted", &be), "no", "{context}");
        assert_eq!(p.zfs_get("canmount", &be), "noauto", "{context}");
        assert_eq!(p.zfs_get("compression", &be), "on", "{context}");
        assert!(
            !p.altroot.join(".zflash").exists(),
            "{context}: mount dir left"
        );
    }
}

#[test]
fn sigkill_at_every_step_then_rerun_finishes() {
    if !require_zfs() {
        return;
    }
    let s = site("kill", "");
    // Killed mid-stream: the partial receive is discarded, the rerun deploys.
    let out = s.finish(&["-q"], Some("kill-during:receive"));
    assert_eq!(out.status.signal(), Some(9), "{}", text(&out.stderr));
    assert_success(&s.finish(&[], None), "rerun after kill during receive");
    s.assert_deployed("after kill during receive and rerun");
    s.reset();
    // No hooks configured: run_hooks never runs.
    for &step in FINISH_STEPS.iter().filter(|s| **s != "run_hooks") {
        let out = s.finish(&["-q"], Some(&format!("kill-after:{step}")));
        assert_eq!(
            out.status.signal(),
            Some(9),
            "after {step}: {}",
            text(&out.stderr)
        );
        let out = s.finish(&["-q", "--json"], None);
        assert_success(&out, &format!("rerun after kill at {step}"));
        let report = json(&out);
        let outcome = report["outcome"].as_str().unwrap();
        let want = match step {
            "switch_bootfs" => "resumed",
            "cleanup" => "already_deployed",
            _ => "deployed",
        };
        assert_eq!(outcome, want, "rerun after kill at {step}: {report}");
        s.assert_deployed(&format!("after kill at {step} and rerun"));
        s.reset();
    }
}

#[test]
fn events_and_json_report() {
    if !require_zfs() {
        return;
    }
    let s = site("events", "");
    let events = s.config_dir.path().join("events.jsonl");
    let out = s.finish(&["--json", "--events", events.to_str().unwrap()], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = json(&out);
    assert_eq!(report["outcome"], "deployed");
    assert_eq!(report["bootfs"], s.be());
    assert!(report["bytes_received"].as_u64().unwrap() > 256 * 1024);
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&events)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let kinds: Vec<&str> = lines.iter().map(|e| e["event"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"step_start"));
    assert!(kinds.contains(&"received"));
    assert_eq!(kinds.last(), Some(&"finished"));
    assert!(lines.iter().any(|e| e["step"] == "switch_bootfs"));
    // Human report on a rerun: nothing to do, exit 0.
    let out = s.finish(&["-q"], None);
    assert!(out.status.success());
    assert!(
        text(&out.stdout).contains("nothing to do"),
        "{}",
        text(&out.stdout)
    );
    // A failure exits 1 with the error on stderr and the pool untouched.
    s.reset();
    let before = s.pool.state();
    let out = s.finish(&["-q"], Some("fail-after:reset_identity"));
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("injected failure after step reset_identity"));
    assert_eq!(s.pool.state(), before);
}

/// Two runs on one pool: the second must not take the first one's work in progress for a
/// killed run's leftovers (and destroy it). While the pool's lock is held, a run is
/// refused at once, exit 1, the pool untouched; once it is released, the run deploys.
#[test]
fn a_run_is_refused_while_another_holds_the_pool_lock() {
    if !require_zfs() {
        return;
    }
    let s = site("lock", "");
    let before = s.pool.state();
    // The lock directory loadzfs takes too, held by a live process.
    let lock_dir = std::path::PathBuf::from(zflash_runtime::plan::lock_dir(&s.pool.name));
    let _ = std::fs::remove_dir_all(&lock_dir);
    std::fs::create_dir(&lock_dir).unwrap();
    let mut holder = std::process::Command::new("sleep")
        .arg("60")
        .spawn()
        .unwrap();
    std::fs::write(lock_dir.join("pid"), format!("{}\n", holder.id())).unwrap();
    let out = s.finish(&["-q"], None);
    holder.kill().unwrap();
    holder.wait().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let err = text(&out.stderr);
    assert!(
        err.contains(&format!("another run (pid {})", holder.id())),
        "{err}"
    );
    assert!(err.contains(&lock_dir.display().to_string()), "{err}");
    assert_eq!(s.pool.state(), before);
    assert!(lock_dir.is_dir(), "the live holder's lock was removed");
    // Its holder is gone: the lock is stale, taken over, and removed at the end.
    assert_success(&s.finish(&["-q"], None), "after the holder is gone");
    s.assert_deployed("after the holder is gone");
    assert!(!lock_dir.exists(), "the lock outlived the run");
}

/// `sysidcfg:` naming a directory (JumpStart's sysid_config is one) is refused by the
/// preflight, before the archive is received, not by the copy after it.
#[test]
fn a_sysidcfg_directory_is_refused_before_the_receive() {
    if !require_zfs() {
        return;
    }
    let s = site("sysdir", "sysidcfg: sysidcfg.d\n");
    // zflash generate's layout: the client's file is sysidcfg.d/<host>/sysidcfg.
    let host_dir = s.config_dir.path().join("sysidcfg.d/ws001");
    std::fs::create_dir_all(&host_dir).unwrap();
    std::fs::write(host_dir.join("sysidcfg"), SYSIDCFG).unwrap();
    let before = s.pool.state();
    let mut c = zflash();
    c.args(["finish", "-q", "--json", "--config"])
        .arg(&s.config)
        .arg("--altroot")
        .arg(&s.pool.altroot)
        .env("SI_CONFIG_DIR", s.config_dir.path())
        .env("SI_HOSTNAME", "ws001")
        .env("SI_ARCH", "i386")
        .env_remove("ZFLASH_FAULT");
    let out = c.output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let report = json(&out);
    let error = report["error"].as_str().unwrap();
    assert!(error.starts_with("preflight: "), "{report}");
    assert!(error.contains("sysidcfg.d is a directory"), "{report}");
    assert!(
        error.contains("(e.g. ") && error.contains("sysidcfg.d/ws001/sysidcfg)"),
        "{report}"
    );
    assert_eq!(report["bytes_received"], 0, "{report}");
    assert_eq!(s.pool.state(), before);
}

/// `--events -` on the terminal that shows the progress bar: each progress event is a
/// line of its own (the bar is taken off the line first), not glued to the bar's text.
/// A `zfs` wrapper makes the receive last over a second, so that a progress event is
/// written while the bar is drawn; `script` gives the run a terminal.
#[test]
fn progress_events_on_the_bar_terminal_are_whole_lines() {
    if !require_zfs() {
        return;
    }
    let s = site("ttybar", "");
    let wrapper = s.config_dir.path().join("slow-zfs");
    std::fs::write(
        &wrapper,
        "#!/bin/sh\ncase \"$1\" in receive) sleep 1.5 ;; esac\nexec zfs \"$@\"\n",
    )
    .unwrap();
    std::fs::set_permissions(
        &wrapper,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let command = format!(
        "{} finish --events - --config {} --altroot {}",
        env!("CARGO_BIN_EXE_zflash"),
        s.config.display(),
        s.pool.altroot.display()
    );
    let typescript = s.config_dir.path().join("typescript");
    let out = Command::new("script")
        .arg("-qec")
        .arg(&command)
        .arg(&typescript)
        .env("SI_CONFIG_DIR", s.config_dir.path())
        .env("SI_ARCH", "i386")
        .env("ZFLASH_ZFS", &wrapper)
        .env_remove("ZFLASH_FAULT")
        .output()
        .unwrap();
    assert_success(&out, "finish under script");
    s.assert_deployed("finish under script");
    // What the terminal shows: each line without its escape sequences (cursor moves,
    // erase line), from its last carriage return.
    let screen = text(&out.stdout);
    let mut progress = 0;
    for line in screen.lines() {
        let mut plain = String::new();
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            if c == '\u{1b}' {
                // CSI: ESC [ parameters, then one final letter.
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            } else {
                plain.push(c);
            }
        }
        let shown = plain
            .trim_end_matches('\r')
            .rsplit('\r')
            .next()
            .unwrap_or("");
        if !line.contains("\"event\"") {
            continue;
        }
        assert!(
            serde_json::from_str::<serde_json::Value>(shown).is_ok(),
            "an event line is not JSON on the terminal: {shown:?}"
        );
        progress += usize::from(shown.contains("\"event\":\"progress\""));
    }
    assert!(progress > 0, "no progress event was written:\n{screen}");
}

/// The seed's `loadzfs` (fixtures/seed, run by its wrapper) and `zflash finish` deploy the
/// same stream into two identical miniroot pools: same datasets, same files, same
/// canmount/mountpoint/origin/bootfs. The one documented difference: the seed sets
/// compression on the temporary dataset, which does not survive clone + promote, so its
/// BE ends with compression inherited (off); zflash sets it on the final BE.
#[test]
fn seed_script_and_zflash_reach_the_same_state() {
    if !require_zfs() {
        return;
    }
    let z = site("parityz", "preserve_logs: {enabled: false}\n");
    let out = z.finish(&["-q"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));

    let seed = TestPool::miniroot("paritys", 128, INSTALLED);
    let archive_dir = seed.dir().join("flash");
    std::fs::create_dir_all(&archive_dir).unwrap();
    std::fs::copy(
        z.pool.dir().join("gold.zfs"),
        archive_dir.join("s10s_u6wos_07_flar.zfs"),
    )
    .unwrap();
    let mnt = seed.dir().join("flarmnt");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new("sh")
        .arg(repo.join("fixtures/seed/loadzfs-test-wrapper.sh"))
        .arg(repo.join("fixtures/seed/loadzfs"))
        .arg(&seed.altroot)
        .arg(&seed.name)
        .arg(&archive_dir)
        .arg("s10s_u6wos_07_flar.zfs")
        .arg(&mnt)
        .arg(format!("{}/ROOT/zfsBE_tmp", seed.name))
        .arg(format!("{}/ROOT/{NEW}", seed.name))
        .env("SI_CONFIG_DIR", z.config_dir.path())
        .output()
        .unwrap();
    let trace = text(&out.stderr);

    let strip = |p: &TestPool| -> Vec<String> {
        p.datasets()
            .iter()
            .map(|d| d.replacen(&p.name, "POOL", 1))
            .collect()
    };
    assert_eq!(
        strip(&seed),
        strip(&z.pool),
        "datasets differ; seed trace:\n{trace}"
    );
    let be_z = z.be();
    let be_s = format!("{}/ROOT/{NEW}", seed.name);
    for prop in ["canmount", "origin", "mounted"] {
        assert_eq!(
            seed.zfs_get(prop, &be_s),
            z.pool.zfs_get(prop, &be_z),
            "{prop}; seed trace:\n{trace}"
        );
    }
    assert_eq!(
        seed.zfs_get("mountpoint", &be_s),
        seed.altroot.display().to_string()
    );
    assert_eq!(
        z.pool.zfs_get("mountpoint", &be_z),
        z.pool.altroot.display().to_string()
    );
    assert_eq!(seed.bootfs(), be_s);
    assert_eq!(z.pool.bootfs(), be_z);
    assert_eq!(seed.zfs_get("compression", &be_s), "off");
    assert_eq!(z.pool.zfs_get("compression", &be_z), "on");

    let look = |p: &TestPool, be: &str| -> Vec<String> {
        let files = file_tree(&p.inspect(be), &[]);
        p.uninspect(be);
        files
    };
    let files_s = look(&seed, &be_s);
    let files_z = look(&z.pool, &be_z);
    assert!(files_z.iter().any(|f| f.starts_with("etc/sysidcfg:")));
    assert!(files_z.iter().any(|f| f.starts_with("reconfigure:")));
    assert_eq!(files_s, files_z, "seed trace:\n{trace}");
}

/// `--force` parks a foreign BE; killed right after, a rerun puts it back (and, without
/// `--force`, refuses as before); with `--force` it is replaced.
#[test]
fn sigkill_during_a_forced_deployment_restores_the_parked_be() {
    if !require_zfs() {
        return;
    }
    let s = site("forcekill", "");
    run("zfs", &["create", "-o", "canmount=noauto", &s.be()]);
    run("zfs", &["set", "org.example:owner=someone", &s.be()]);
    let before = s.pool.state();
    let out = s.finish(&["-q", "--force"], Some("kill-after:mount_temporary"));
    assert_eq!(out.status.signal(), Some(9), "{}", text(&out.stderr));
    let out = s.finish(&["-q"], None);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    assert!(
        text(&out.stdout).contains("renamed the parked"),
        "{}",
        text(&out.stdout)
    );
    assert!(
        text(&out.stderr).contains("use --force"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(s.pool.state(), before);
    assert_eq!(s.pool.zfs_get("org.example:owner", &s.be()), "someone");
    let out = s.finish(&["-q", "--force"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    s.assert_deployed("forced");
}

/// A miniroot pool that also holds a golden dataset to capture; returns the pool and
/// the dataset's name.
fn miniroot_with_golden(tag: &str, random_kb: usize) -> (TestPool, String) {
    let pool = TestPool::miniroot(tag, 128, INSTALLED);
    let golden = pool.golden_dataset(random_kb);
    (pool, golden)
}

/// The whole pipeline: `zflash capture` (zstd archive + manifest) of a golden dataset, then
/// `zflash finish` of that archive; and a replication (`-R`) capture taken after it, which
/// holds `@flar` and an increment to `@rep`, refused by preflight.
#[test]
fn captured_archive_deploys_end_to_end() {
    if !require_zfs() {
        return;
    }
    let (pool, golden) = miniroot_with_golden("capture", 128);
    let archive = pool.dir().join("gold.zfs.zst");
    let out = zflash()
        .args(["capture", "--snapshot", "flar", "-o"])
        .arg(&archive)
        .arg(&golden)
        .output()
        .unwrap();
    assert!(out.status.success(), "capture: {}", text(&out.stderr));
    let replication = pool.dir().join("rep.zfs.zst");
    let out = zflash()
        .args(["capture", "--recursive", "--snapshot", "rep", "-o"])
        .arg(&replication)
        .arg(&golden)
        .output()
        .unwrap();
    assert!(out.status.success(), "capture -R: {}", text(&out.stderr));
    run_retry("zfs", &["destroy", "-r", &golden]).unwrap();

    let config_dir = si_config_dir("name_service=NONE\n");
    let deploy = |archive: &Path| {
        finish_json(
            &pool,
            config_dir.path(),
            &format!(
                "version: 1\narchive: {}\npool: {}\nbe_name: {NEW}\n",
                archive.display(),
                pool.name
            ),
        )
        .output()
        .unwrap()
    };
    let before = pool.state();
    let out = deploy(&replication);
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    assert!(
        report["error"]
            .as_str()
            .unwrap()
            .contains("compound stream with an incremental substream"),
        "{report}"
    );
    assert_eq!(pool.state(), before);

    let out = deploy(&archive);
    assert_success(&out, "deploy the captured archive");
    let report = json(&out);
    assert_eq!(report["outcome"], "deployed");
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(pool.dir().join("gold.zfs.zst.manifest.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        report["archive_id"],
        format!("sha256:{}", manifest["sha256"].as_str().unwrap())
    );
    assert_eq!(report["sha256"], manifest["sha256"]);
    assert_eq!(report["bytes_received"], manifest["raw_bytes"]);
    assert_eq!(pool.bootfs(), format!("{}/ROOT/{NEW}", pool.name));
    let out = deploy(&archive);
    assert!(out.status.success());
    let report = json(&out);
    assert_eq!(report["outcome"], "already_deployed");
}

/// `zflash capture --from` makes an increment; `zflash finish` with `increments:` deploys
/// base + increment, and `--verify-first` refuses a bad digest before touching the pool.
#[test]
fn captured_increment_deploys_and_verify_first_refuses_a_bad_digest() {
    if !require_zfs() {
        return;
    }
    let (pool, golden) = miniroot_with_golden("capinc", 64);
    let golden_root = PathBuf::from(pool.zfs_get("mountpoint", &golden));
    let capture = |args: &[&str], out: &Path| {
        let o = zflash()
            .arg("capture")
            .args(args)
            .arg("-o")
            .arg(out)
            .arg(&golden)
            .output()
            .unwrap();
        assert!(o.status.success(), "capture {args:?}: {}", text(&o.stderr));
    };
    let base = pool.dir().join("gold.zfs.zst");
    capture(&["--snapshot", "flar"], &base);
    std::fs::write(golden_root.join("etc/motd"), "Golden image, patch 1\n").unwrap();
    let inc = pool.dir().join("gold-p1.zfs.zst");
    capture(&["--snapshot", "p1", "--from", "flar"], &inc);
    run_retry("zfs", &["destroy", "-r", &golden]).unwrap();
    let _ = std::fs::remove_dir(&golden_root);
    // A copy of the increment whose manifest promises another digest.
    let bad = pool.dir().join("bad-p1.zfs.zst");
    std::fs::copy(&inc, &bad).unwrap();
    let manifest =
        std::fs::read_to_string(pool.dir().join("gold-p1.zfs.zst.manifest.json")).unwrap();
    let mut m: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    m["sha256"] = serde_json::json!("0".repeat(64));
    std::fs::write(
        pool.dir().join("bad-p1.zfs.zst.manifest.json"),
        m.to_string(),
    )
    .unwrap();

    let config_dir = si_config_dir("name_service=NONE\n");
    let events = config_dir.path().join("events.jsonl");
    let deploy = |increment: &Path, extra: &[&str], fault: Option<&str>| {
        let mut c = finish_json(
            &pool,
            config_dir.path(),
            &format!(
                "version: 1\narchive: {}\nincrements: [{}]\npool: {}\nbe_name: {NEW}\n",
                base.display(),
                increment.display(),
                pool.name
            ),
        );
        c.env_remove("ZFLASH_FAULT");
        if let Some(f) = fault {
            c.env("ZFLASH_FAULT", f);
        }
        c.arg("--events").arg(&events).args(extra).output().unwrap()
    };
    let before = pool.state();
    let out = deploy(&bad, &["--verify-first"], None);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let report = json(&out);
    let error = report["error"].as_str().unwrap();
    assert!(
        error.contains("bad-p1.zfs.zst") && error.contains("verify_first"),
        "{error}"
    );
    assert_eq!(pool.state(), before);
    let log = std::fs::read_to_string(&events).unwrap();
    assert!(
        !log.contains("\"step\":\"receive\""),
        "no receive attempted: {log}"
    );

    // Killed right after the receive step (base and increment received): a rerun cleans
    // the temporary dataset and its snapshots up and deploys.
    let out = deploy(&inc, &[], Some("kill-after:receive"));
    assert_eq!(out.status.signal(), Some(9));
    let out = deploy(&inc, &["--verify-first"], None);
    assert_success(&out, "rerun after kill after receive");
    let report = json(&out);
    assert_eq!(report["outcome"], "deployed");
    assert!(
        report["archive_id"].as_str().unwrap().contains("+sha256:"),
        "{report}"
    );
    let be = format!("{}/ROOT/{NEW}", pool.name);
    let motd = std::fs::read_to_string(pool.inspect(&be).join("etc/motd"));
    pool.uninspect(&be);
    assert_eq!(motd.unwrap(), "Golden image, patch 1\n");
    let out = deploy(&inc, &[], None);
    let report = json(&out);
    assert_eq!(report["outcome"], "already_deployed", "{report}");
}

/// `zflash capture --recursive` of a golden BE with a separate `/var` child (Solaris
/// `bootenv installbe … dataset /var`), gzip, snapshot `gold` (renamed to `@flar` on
/// receive). The golden carries the user properties of a BE deployed by zflash, which a
/// recursive stream brings along. Returns the archive; the golden is destroyed.
fn recursive_archive(pool: &TestPool) -> PathBuf {
    let golden = pool.golden_dataset_with_var(32);
    run("zfs", &["set", "org.zflash:state=done", &golden]);
    run("zfs", &["set", "org.zflash:archive=sha256:older", &golden]);
    let archive = pool.dir().join("gold-r.zfs.gz");
    let out = zflash()
        .args([
            "capture",
            "--recursive",
            "--snapshot",
            "gold",
            "--compress",
            "gzip",
            "-o",
        ])
        .arg(&archive)
        .arg(&golden)
        .output()
        .unwrap();
    assert_success(&out, "capture --recursive");
    let root = PathBuf::from(pool.zfs_get("mountpoint", &golden));
    run_retry("zfs", &["destroy", "-r", &golden]).unwrap();
    let _ = std::fs::remove_dir(root);
    archive
}

/// A recursive archive deploys as a BE with its `/var` child: standalone datasets,
/// canmount=noauto on both, `/var` inheriting `mountpoint=/`, the logs preserved into the
/// child, no `@flar` left; a failure or a kill after the receive leaves nothing behind.
#[test]
fn recursive_archive_deploys_the_be_with_its_var_dataset() {
    if !require_zfs() {
        return;
    }
    let pool = TestPool::miniroot("recvar", 128, INSTALLED);
    let archive = recursive_archive(&pool);
    let config_dir = si_config_dir(SYSIDCFG);
    // verify_first: the read that checks the substreams is the verifying read.
    let body = format!(
        "version: 1\narchive: {}\npool: {}\nbe_name: {NEW}\nverify_first: true\nproperties: {{compression: \"on\"}}\n",
        archive.display(),
        pool.name
    );
    let deploy = |fault: Option<&str>| {
        let mut c = finish_json(&pool, config_dir.path(), &body);
        c.env_remove("ZFLASH_FAULT");
        if let Some(f) = fault {
            c.env("ZFLASH_FAULT", f);
        }
        c.output().unwrap()
    };
    let before = pool.state();
    for step in ["receive", "mount_temporary", "preserve_logs", "unmount"] {
        let out = deploy(Some(&format!("fail-after:{step}")));
        assert_eq!(out.status.code(), Some(1), "{step}: {}", text(&out.stderr));
        assert_eq!(pool.state(), before, "fail-after:{step}");
    }
    // Killed half-way through the stream (the top dataset may be complete, /var not),
    // then with the BE and its /var mounted: each rerun destroys the half-done tree.
    let out = deploy(Some("kill-during:receive"));
    assert_eq!(out.status.signal(), Some(9));
    let out = deploy(Some("kill-after:preserve_logs"));
    assert_eq!(out.status.signal(), Some(9));
    assert_eq!(
        json(&deploy(Some("fail-after:preflight")))["outcome"],
        "failed"
    );
    assert_eq!(
        pool.state(),
        before,
        "the reruns cleaned the killed runs up"
    );
    let out = deploy(None);
    assert_success(&out, "rerun after a kill");
    let report = json(&out);
    assert_eq!(report["outcome"], "deployed", "{report}");

    let be = format!("{}/ROOT/{NEW}", pool.name);
    let var = format!("{be}/var");
    assert_eq!(pool.bootfs(), be);
    let names: Vec<String> = pool
        .datasets()
        .into_iter()
        .filter(|d| d.starts_with(&be))
        .collect();
    assert_eq!(names, [be.clone(), var.clone()], "no snapshot is left");
    for ds in [&be, &var] {
        assert_eq!(pool.zfs_get("origin", ds), "-", "{ds} is standalone");
        assert_eq!(pool.zfs_get("canmount", ds), "noauto", "{ds}");
        assert_eq!(pool.zfs_get("compression", ds), "on", "{ds}");
        assert_eq!(pool.zfs_get("mounted", ds), "no", "{ds}");
    }
    let source = |ds: &str| run("zfs", &["get", "-H", "-o", "source", "mountpoint", ds]);
    assert_eq!(source(&be).trim(), "local");
    assert_eq!(source(&var).trim(), format!("inherited from {be}"));
    assert_eq!(
        pool.zfs_get("mountpoint", &be),
        pool.altroot.display().to_string()
    );
    assert_eq!(
        pool.zfs_get(zflash_runtime::plan::STATE_PROPERTY, &be),
        "done"
    );
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{}.manifest.json", archive.display())).unwrap(),
    )
    .unwrap();
    assert_eq!(
        pool.zfs_get(zflash_runtime::plan::ARCHIVE_PROPERTY, &be),
        format!("sha256:{}", manifest["sha256"].as_str().unwrap())
    );

    // /var's content is in the child dataset, with the installed BE's logs beside the
    // golden's; the identity was reset in the root dataset.
    let root = pool.inspect_tree(&be);
    let files = file_tree(&root, &["var/sadm/system/logs/zflash-finish.log"]);
    let log = std::fs::read_to_string(root.join("var/sadm/system/logs/zflash-finish.log"));
    pool.uninspect_tree(&be);
    let has = |prefix: &str| files.iter().any(|f| f.starts_with(prefix));
    assert!(has("var/app/data:"), "{files:?}");
    assert!(has("var/sadm/system/logs/golden_install_log:"), "{files:?}");
    assert!(has("var/sadm/system/logs/install_log:"), "{files:?}");
    assert!(has("etc/sysidcfg:") && !has("etc/nodename:"), "{files:?}");
    assert!(log.is_ok(), "the runtime log is in the new /var");
    let top_only = pool.inspect(&be);
    let in_top = top_only.join("var/sadm/system/logs/install_log").exists()
        || top_only.join("var/app/data").exists();
    pool.uninspect(&be);
    assert!(!in_top, "/var content must be in {var}, not in {be}");

    let out = deploy(None);
    assert_success(&out, "rerun");
    assert_eq!(json(&out)["outcome"], "already_deployed");
}

/// A compound stream that is not a full stream of one snapshot per dataset (zfs send -I,
/// or -R of a golden with an older snapshot) is refused by preflight, before any change.
#[test]
fn compound_streams_with_increments_are_refused_before_any_change() {
    if !require_zfs() {
        return;
    }
    let pool = TestPool::miniroot("recinc", 128, INSTALLED);
    let golden = pool.golden_dataset_with_var(0);
    run("zfs", &["snapshot", "-r", &format!("{golden}@old")]);
    run("zfs", &["snapshot", "-r", &format!("{golden}@flar")]);
    let with_older = pool.dir().join("older.zfs");
    zflash_runtime::testpool::zfs_send(&["-R", &format!("{golden}@flar")], &with_older);
    let range = pool.dir().join("range.zfs");
    zflash_runtime::testpool::zfs_send(
        &["-I", &format!("{golden}@old"), &format!("{golden}@flar")],
        &range,
    );
    let root = PathBuf::from(pool.zfs_get("mountpoint", &golden));
    run_retry("zfs", &["destroy", "-r", &golden]).unwrap();
    let _ = std::fs::remove_dir(root);
    let config_dir = si_config_dir(SYSIDCFG);
    let before = pool.state();
    for archive in [&with_older, &range] {
        let body = format!(
            "version: 1\narchive: {}\npool: {}\nbe_name: {NEW}\n",
            archive.display(),
            pool.name
        );
        let events = config_dir.path().join("events.jsonl");
        let out = finish_json(&pool, config_dir.path(), &body)
            .arg("--events")
            .arg(&events)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let report = json(&out);
        let error = report["error"].as_str().unwrap();
        assert!(
            error.starts_with(&format!("preflight: {}: ", archive.display()))
                && error.contains("incremental substream")
                && error.contains("capture again"),
            "{error}"
        );
        assert_eq!(pool.state(), before);
        let log = std::fs::read_to_string(&events).unwrap();
        assert!(!log.contains("\"step\":\"receive\""), "{log}");
    }
}

/// A deploy config that is not a regular file (a device that never ends, a FIFO nobody
/// writes, a directory) is refused at once with its name, nothing read or changed.
#[test]
fn a_deploy_config_that_is_not_a_regular_file_is_refused_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("config.fifo");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    for config in [
        std::path::PathBuf::from("/dev/zero"),
        fifo,
        tmp.path().into(),
    ] {
        let out = assert_cmd::Command::cargo_bin("zflash")
            .unwrap()
            .args(["finish", "--plan", "--config"])
            .arg(&config)
            .timeout(std::time::Duration::from_secs(20))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", config.display());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!(
                "cannot read deploy config {}: not a regular file",
                config.display()
            )),
            "{stderr}"
        );
    }
}
