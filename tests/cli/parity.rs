//! Parity of the two interpreters of one deploy plan: `zflash finish` (native) and the
//! generated `finish/<class>.loadzfs` (Bourne shell under dash, posh and the Solaris
//! 10-like userland), on zfs-fuse. One table of scenarios; each runs through every
//! interpreter it lists on a fresh miniroot pool, and the pools afterwards must be the
//! same: datasets and their properties, `bootfs`, mounts, and the deployed BE's files
//! (identity files, the sysidcfg copy, what the hooks wrote, the preserved logs).
//!
//! Which scenario runs under which shell, to keep CI short (every run is a deployment
//! on zfs-fuse, serialised with the other zfs tests): the plain deploy, the faults and
//! the rerun under all of them; the recursive archive and the increments under the
//! Solaris 10 userland (the judge) and one POSIX shell; SIGKILL at a step under dash at
//! five steps (before, during and after the receive, after the commit point) and under
//! the Solaris 10 userland at two; the concurrent native+shell run both ways with dash.

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Output, Stdio};

use super::support::{GoldenStream, golden_stream};
use assert_cmd::Command;
use zflash_runtime::report::State;
use zflash_runtime::testpool::{
    TestPool, file_tree, require_zfs, run, run_retry, write_damaged, write_manifest, zfs_send,
};

const INSTALLED: &str = "s10u6_req";
const HOST: &str = "ws001";
const BE: &str = "s10gold";
const LOG: &str = "var/sadm/system/logs/zflash-finish.log";
const HOOK_ARGS: &str = "etc/hook-args";

fn zflash() -> Command {
    Command::cargo_bin("zflash").unwrap()
}

fn have(tool: &str) -> bool {
    zflash_runtime::testpool::require_tool(tool)
}

/// Who runs the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Interp {
    Native,
    Dash,
    Posh,
    S10,
}

impl Interp {
    fn name(self) -> &'static str {
        match self {
            Interp::Native => "native",
            Interp::Dash => "dash",
            Interp::Posh => "posh",
            Interp::S10 => "s10",
        }
    }

    fn available(self) -> bool {
        match self {
            Interp::Native => true,
            Interp::Dash => have("dash"),
            Interp::Posh => have("posh"),
            Interp::S10 => zflash_runtime::testpool::s10_userland().is_some(),
        }
    }

    /// The command deploying `js`'s client on `pool` (not started).
    fn command(self, pool: &TestPool, js: &Path) -> StdCommand {
        let script = js.join("finish/desk.loadzfs");
        let mut cmd = match self {
            Interp::Native => {
                let mut c = StdCommand::new(assert_cmd::cargo::cargo_bin("zflash"));
                c.args(["finish", "--quiet", "--config"])
                    .arg(js.join(format!("deploy/{HOST}.yaml")))
                    .arg("--altroot")
                    .arg(&pool.altroot);
                c
            }
            Interp::Dash | Interp::Posh => {
                let mut c = StdCommand::new(self.name());
                c.arg(&script);
                c
            }
            Interp::S10 => {
                let dir = zflash_runtime::testpool::s10_userland().expect("checked by available()");
                let mut c = StdCommand::new(dir.join("bin/sh"));
                c.arg(&script).env("PATH", dir.join("bin"));
                c
            }
        };
        cmd.env("SI_CONFIG_DIR", js)
            .env("SI_HOSTNAME", HOST)
            .env("SI_ARCH", "sparc")
            .env("SI_KARCH", "sun4u")
            .env("ZFLASH_ALTROOT", &pool.altroot)
            .env_remove("ZFLASH_FAULT");
        cmd
    }

    fn deploy(self, pool: &TestPool, js: &Path) -> Output {
        self.command(pool, js).output().unwrap()
    }
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The archives a scenario deploys, made once in a golden pool.
struct Golden {
    _pool: TestPool,
    /// A bare stream with a sidecar manifest.
    stream: PathBuf,
    /// `zflash capture --recursive --compress gzip` of a golden with a /var child.
    recursive: PathBuf,
    /// A base stream and an increment on top of it, each with a sidecar manifest.
    base: PathBuf,
    increment: PathBuf,
    /// A bare stream of ~90 MB with a sidecar manifest: more than a 64 MB pool holds.
    big: PathBuf,
}

fn golden() -> Golden {
    let pool = TestPool::create("pargold", 192);
    let stream = pool.golden_stream("golden.zfs", 48);
    let manifest = write_manifest(&stream, "sparc", None);
    // Its sidecar manifest (read by the loadzfs at install time) on one line, keys
    // reordered by serde_json, the digest in upper case: any valid layout is read.
    let mut m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest).unwrap()).unwrap();
    m["sha256"] = serde_json::json!(m["sha256"].as_str().unwrap().to_ascii_uppercase());
    std::fs::write(&manifest, m.to_string()).unwrap();
    let big = pool.golden_stream("big.zfs", 90 * 1024);
    write_manifest(&big, "sparc", None);

    let ds = pool.golden_dataset_with_var(16);
    let recursive = pool.dir().join("gold-r.zfs.gz");
    zflash()
        .args(["capture", "--recursive", "--snapshot", "gold"])
        .args(["--compress", "gzip", "-o"])
        .arg(&recursive)
        .arg(&ds)
        .assert()
        .success();
    let manifest = PathBuf::from(format!("{}.manifest.json", recursive.display()));
    let mut m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest).unwrap()).unwrap();
    m["content"]["architecture"] = serde_json::json!("sparc");
    // Written on one line, upper-case digest: the loadzfs reads any valid layout.
    m["sha256"] = serde_json::json!(m["sha256"].as_str().unwrap().to_ascii_uppercase());
    std::fs::write(&manifest, m.to_string()).unwrap();
    let root = PathBuf::from(pool.zfs_get("mountpoint", &ds));
    run_retry("zfs", &["destroy", "-r", &ds]).unwrap();
    let _ = std::fs::remove_dir(root);

    let ds = pool.golden_dataset(16);
    let root = PathBuf::from(pool.zfs_get("mountpoint", &ds));
    run("zfs", &["snapshot", &format!("{ds}@flar")]);
    let base = pool.dir().join("base.zfs");
    zfs_send(&[&format!("{ds}@flar")], &base);
    std::fs::write(root.join("etc/motd"), "Golden image, patch 1\n").unwrap();
    std::fs::remove_file(root.join("usr/bin/tool")).unwrap();
    run("zfs", &["snapshot", &format!("{ds}@p1")]);
    let increment = pool.dir().join("p1.zfs");
    zfs_send(
        &["-i", &format!("{ds}@flar"), &format!("{ds}@p1")],
        &increment,
    );
    write_manifest(&base, "sparc", None);
    write_manifest(&increment, "sparc", None);
    run_retry("zfs", &["destroy", "-r", &ds]).unwrap();
    let _ = std::fs::remove_dir(root);
    Golden {
        _pool: pool,
        stream,
        recursive,
        base,
        increment,
        big,
    }
}

/// The site of one scenario.
#[derive(Clone, Copy)]
enum Archive {
    Plain,
    Recursive,
    Increments,
}

/// A hook (mode `argument`: the BE's root is appended) that writes its arguments into
/// the BE: `$` must reach it as written, under every interpreter.
const RECORDING_HOOK: &str = "{name: record, mode: argument, argv: [/bin/sh, -c, 'for a in $*; do last=$a; done; echo $* >$last/etc/hook-args', hook, 'price=$5', '$$', '${ZF_DONE}', 'a;b|c&d']}";

impl Golden {
    /// The site's `archives.gold` entry for `archive` (`plain`: the bare stream, or
    /// `plain_path` instead).
    fn entry(&self, archive: Archive, plain_path: Option<&Path>) -> String {
        let at = |p: &Path| p.display().to_string();
        match archive {
            Archive::Plain => format!("{{location: {}}}", at(plain_path.unwrap_or(&self.stream))),
            Archive::Recursive => format!(
                "{{location: {}, manifest: {}.manifest.json}}",
                at(&self.recursive),
                at(&self.recursive)
            ),
            Archive::Increments => format!(
                "{{location: {}, manifest: {}.manifest.json, increments: [{{location: {}}}]}}",
                at(&self.base),
                at(&self.base),
                at(&self.increment)
            ),
        }
    }
}

/// Generate the JumpStart directory of one client deploying `archive_entry` (the site's
/// `archives.gold`) on `pool`, with `hooks` (YAML flow items). The site's fleet report
/// directory is `reports/` beside the JumpStart directory (see [`fleet_report`]).
fn generate(pool: &TestPool, archive_entry: &str, hooks: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site.yaml");
    let reports = tmp.path().join("reports");
    std::fs::create_dir(&reports).unwrap();
    std::fs::write(
        &site,
        format!(
            "version: 1\n\
             server: {{hostname: js, ip: 10.0.0.5, install_image: /export/install, release: 1/13, config_dir: /export/js}}\n\
             reports: {}\n\
             archives:\n  gold: {archive_entry}\n\
             defaults:\n  sysidcfg: {{timezone: GMT, root_password: Xy3kP0qLm9ZbA, network_interface: {{netmask: 255.255.255.0}}}}\n\
             classes:\n  desk:\n    archive: gold\n    profile: {{pool: {}, bename: {INSTALLED}}}\n    deploy: {{be: {BE}, properties: {{compression: \"on\"}}, hooks: [{}]}}\n\
             clients:\n  - {{hostname: {HOST}, mac: '8:0:20:1:2:3', ip: 10.0.0.21}}\n",
            reports.display(),
            pool.name,
            hooks.join(", ")
        ),
    )
    .unwrap();
    let js = tmp.path().join("js");
    zflash()
        .arg("generate")
        .arg(&site)
        .arg("-o")
        .arg(&js)
        .assert()
        .success();
    (tmp, js)
}

/// The client's fleet report of the last run on `js` (generated by [`generate`]), in
/// words comparable across interpreters: state, step (and bytes when done); every
/// report is parsed as `zflash status` reads it, and no temporary file may be left.
fn fleet_report(js: &Path, failing_step_compared: bool) -> String {
    let dir = js.parent().unwrap().join("reports");
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| *n == format!("{HOST}.json")),
        "left in the report directory: {names:?}"
    );
    let Ok(bytes) = std::fs::read(dir.join(format!("{HOST}.json"))) else {
        return "report: none\n".into();
    };
    let r = zflash_runtime::report::Report::from_json(&bytes)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&bytes)));
    assert_eq!((r.client.as_str(), r.be.as_str()), (HOST, BE));
    assert_eq!(r.finished.is_some(), r.state != State::Running, "{r:?}");
    let step = r
        .step
        .as_ref()
        .map(|s| format!("{}/{} {}", s.index, s.total, s.name))
        .unwrap_or_default();
    let detail = match r.state {
        State::Done => format!(
            " bytes={} id={} message={:?}",
            r.bytes_received,
            r.archive_id.is_some(),
            r.message
        ),
        State::Failed => format!(" message={}", r.message.is_some()),
        State::Running => String::new(),
    };
    if r.state == State::Failed && !failing_step_compared {
        return format!("report: {:?}{detail}\n", r.state);
    }
    format!("report: {:?} at {step}{detail}\n", r.state)
}

/// The pool's state, comparable across pools: the pool's name and directory replaced,
/// the BE's files (the log's content differs between interpreters: only its presence).
fn end_state(pool: &TestPool) -> String {
    let mut state = pool
        .state()
        .replace(&pool.dir().display().to_string(), "TMP")
        .replace(&pool.name, "POOL");
    let be = format!("{}/ROOT/{BE}", pool.name);
    if pool.datasets().contains(&be) {
        let root = pool.inspect_tree(&be);
        for f in file_tree(&root, &[LOG, HOOK_ARGS]) {
            state.push_str(&format!("be file {f}\n"));
        }
        // What the hook got: its last argument is the BE's root, under this pool's altroot.
        if let Ok(args) = std::fs::read_to_string(root.join(HOOK_ARGS)) {
            let args = args.replace(&pool.dir().display().to_string(), "TMP");
            state.push_str(&format!("be file {HOOK_ARGS}: {args}"));
        }
        state.push_str(&format!("be log present: {}\n", root.join(LOG).is_file()));
        pool.uninspect_tree(&be);
    }
    state
}

/// What a scenario does to the pool or the archive before the run.
#[derive(Clone, Copy, Debug)]
enum Fault {
    None,
    /// A byte in the middle of the archive flipped; its manifest has the right digest.
    Damaged,
    /// The archive cut in half.
    Truncated,
    /// The sidecar manifest's digest is not the archive's.
    DigestMismatch,
    /// A hook exits 1.
    FailingHook,
    /// A dataset of the BE's name exists, not deployed by zflash.
    NameTaken,
    /// The sidecar manifest is not JSON: refused, never skipped.
    BadManifest,
    /// The site file gives the archive's true `sha256:` (in the deploy config and the
    /// loadzfs) and its sidecar manifest another: refused before any change.
    SiteDigestDisagrees,
    /// The archive is larger than the pool's free space (natively refused by the
    /// preflight; the loadzfs's receive runs out of space and is undone).
    PoolFull,
}

struct Scenario {
    name: &'static str,
    archive: Archive,
    fault: Fault,
    /// Deployed (true) or refused with the pool left as it was (false).
    deploys: bool,
    interps: &'static [Interp],
}

const ALL: &[Interp] = &[Interp::Native, Interp::Dash, Interp::Posh, Interp::S10];

const SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "full deploy, hook arguments with $, one-line sidecar manifest",
        archive: Archive::Plain,
        fault: Fault::None,
        deploys: true,
        interps: ALL,
    },
    Scenario {
        name: "recursive archive (zfs send -R, gzip, one-line manifest, upper-case digest)",
        archive: Archive::Recursive,
        fault: Fault::None,
        deploys: true,
        interps: &[Interp::Native, Interp::Dash, Interp::S10],
    },
    Scenario {
        name: "base and increment",
        archive: Archive::Increments,
        fault: Fault::None,
        deploys: true,
        interps: &[Interp::Native, Interp::Posh, Interp::S10],
    },
    Scenario {
        name: "damaged archive",
        archive: Archive::Plain,
        fault: Fault::Damaged,
        deploys: false,
        interps: ALL,
    },
    Scenario {
        name: "truncated archive",
        archive: Archive::Plain,
        fault: Fault::Truncated,
        deploys: false,
        interps: &[Interp::Native, Interp::Dash, Interp::S10],
    },
    Scenario {
        name: "digest mismatch",
        archive: Archive::Plain,
        fault: Fault::DigestMismatch,
        deploys: false,
        interps: ALL,
    },
    Scenario {
        name: "failing hook",
        archive: Archive::Plain,
        fault: Fault::FailingHook,
        deploys: false,
        interps: &[Interp::Native, Interp::Dash, Interp::S10],
    },
    Scenario {
        name: "sidecar manifest not JSON",
        archive: Archive::Plain,
        fault: Fault::BadManifest,
        deploys: false,
        interps: &[Interp::Native, Interp::Dash, Interp::S10],
    },
    Scenario {
        name: "site sha256 and sidecar manifest disagree",
        archive: Archive::Plain,
        fault: Fault::SiteDigestDisagrees,
        deploys: false,
        interps: &[Interp::Native, Interp::Dash, Interp::S10],
    },
    Scenario {
        name: "pool full",
        archive: Archive::Plain,
        fault: Fault::PoolFull,
        deploys: false,
        interps: &[Interp::Native, Interp::Dash, Interp::S10],
    },
    Scenario {
        name: "BE name taken",
        archive: Archive::Plain,
        fault: Fault::NameTaken,
        deploys: false,
        interps: &[Interp::Native, Interp::Posh, Interp::S10],
    },
];

/// Run one scenario under one interpreter on a fresh pool: (end state, run output).
fn run_scenario(golden: &Golden, s: &Scenario, interp: Interp) -> (String, String, bool) {
    // The smallest pool zfs-fuse makes, for an archive of ~90 MB.
    let size = if let Fault::PoolFull = s.fault {
        64
    } else {
        128
    };
    let pool = TestPool::miniroot(&format!("par{}", interp.name()), size, INSTALLED);
    let scratch = tempfile::tempdir().unwrap();
    let mut archive_override = None;
    let mut hooks = vec![RECORDING_HOOK];
    match s.fault {
        Fault::None | Fault::NameTaken => {}
        Fault::Damaged
        | Fault::Truncated
        | Fault::DigestMismatch
        | Fault::BadManifest
        | Fault::SiteDigestDisagrees => {
            let copy = scratch.path().join("golden.zfs");
            let data = std::fs::read(&golden.stream).unwrap();
            match s.fault {
                Fault::Damaged => write_damaged(&data, 0x5a, &copy),
                Fault::BadManifest => std::fs::write(&copy, &data).unwrap(),
                Fault::Truncated => std::fs::write(&copy, &data[..data.len() / 2]).unwrap(),
                _ => std::fs::write(&copy, &data).unwrap(),
            }
            // The manifest of the intact archive: its digest no longer matches a
            // damaged copy; for the mismatch, a digest of nothing.
            let manifest =
                std::fs::read_to_string(format!("{}.manifest.json", golden.stream.display()))
                    .unwrap();
            let manifest = match s.fault {
                Fault::BadManifest => manifest.replacen('{', "{{", 1),
                Fault::DigestMismatch | Fault::SiteDigestDisagrees => {
                    let mut m: serde_json::Value = serde_json::from_str(&manifest).unwrap();
                    m["sha256"] = serde_json::json!("0".repeat(64));
                    serde_json::to_string_pretty(&m).unwrap()
                }
                _ => manifest,
            };
            std::fs::write(format!("{}.manifest.json", copy.display()), manifest).unwrap();
            archive_override = Some(copy);
        }
        Fault::FailingHook => {
            hooks.push("{name: fails, argv: [/bin/false], mode: argument}");
        }
        Fault::PoolFull => archive_override = Some(golden.big.clone()),
    }
    if let Fault::NameTaken = s.fault {
        run(
            "zfs",
            &[
                "create",
                "-o",
                "canmount=noauto",
                &format!("{}/ROOT/{BE}", pool.name),
            ],
        );
    }
    let mut entry = golden.entry(s.archive, archive_override.as_deref());
    if let Fault::SiteDigestDisagrees = s.fault {
        let manifest =
            std::fs::read_to_string(format!("{}.manifest.json", golden.stream.display())).unwrap();
        let m: serde_json::Value = serde_json::from_str(&manifest).unwrap();
        let digest = m["sha256"].as_str().unwrap().to_string();
        entry = format!("{}, sha256: {digest}}}", entry.trim_end_matches('}'));
    }
    let (_keep, js) = generate(&pool, &entry, &hooks);
    let before = pool.state();
    let out = interp.deploy(&pool, &js);
    let output = text(&out);
    let ok = out.status.success();
    // Refused for the right reason (each interpreter in its own words).
    let reason = match s.fault {
        Fault::PoolFull => Some("space"),
        Fault::DigestMismatch => Some("the manifest says 0000"),
        Fault::SiteDigestDisagrees => Some(" says 0000000000000000"),
        Fault::FailingHook => Some("/bin/false"),
        Fault::NameTaken => Some("already exists"),
        Fault::None | Fault::Damaged | Fault::Truncated | Fault::BadManifest => None,
    };
    if let Some(reason) = reason {
        assert!(
            output.contains(reason),
            "{} / {}: no {reason:?} in:\n{output}",
            s.name,
            interp.name()
        );
    }
    if !s.deploys {
        assert_eq!(
            pool.state(),
            before,
            "{} / {}: the pool changed:\n{output}",
            s.name,
            interp.name()
        );
    }
    assert!(
        !Path::new(&zflash_runtime::plan::lock_dir(&pool.name)).exists(),
        "{} / {}: the run left its lock",
        s.name,
        interp.name()
    );
    // The fleet report is part of the end state: the same state, step and bytes
    // whoever deployed; the failing step too, but where the native preflight refuses
    // what the shell finds only while receiving (a truncated archive, too little space).
    let same_failing_step = !matches!(s.fault, Fault::Truncated | Fault::PoolFull);
    (
        end_state(&pool) + &fleet_report(&js, same_failing_step),
        output,
        ok,
    )
}

#[test]
fn every_scenario_ends_the_same_under_every_interpreter() {
    if !require_zfs() {
        return;
    }
    let golden = golden();
    let mut failures = Vec::new();
    for s in SCENARIOS {
        let mut reference: Option<(Interp, String)> = None;
        for &interp in s.interps {
            if !interp.available() {
                continue;
            }
            let (state, output, ok) = run_scenario(&golden, s, interp);
            if ok != s.deploys {
                failures.push(format!(
                    "{} / {}: exit {} (expected {}):\n{output}",
                    s.name,
                    interp.name(),
                    if ok { "0" } else { "non-zero" },
                    if s.deploys { "success" } else { "failure" }
                ));
                continue;
            }
            if s.deploys {
                assert!(
                    state.contains(&format!("bootfs=POOL/ROOT/{BE}")),
                    "{} / {}: {state}",
                    s.name,
                    interp.name()
                );
                if matches!(s.archive, Archive::Plain) {
                    // The hook saw its arguments as written, then the BE's root.
                    assert!(
                        state.contains("be file etc/hook-args:"),
                        "{} / {}: {state}",
                        s.name,
                        interp.name()
                    );
                }
            }
            match &reference {
                None => reference = Some((interp, state)),
                Some((first, want)) => {
                    if *want != state {
                        failures.push(format!(
                            "{} / {} differs from {}:\n--- {}\n{want}\n--- {}\n{state}",
                            s.name,
                            interp.name(),
                            first.name(),
                            first.name(),
                            interp.name()
                        ));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The hook's arguments arrive literally: checked once on a deployed BE (the parity
/// above then holds every interpreter to the same file).
#[test]
fn hook_arguments_reach_the_hook_as_written() {
    if !require_zfs() || !have("dash") {
        return;
    }
    let golden = golden_small();
    let pool = TestPool::miniroot("parhook", 128, INSTALLED);
    let (_keep, js) = generate_plain(&pool, &golden, &[RECORDING_HOOK]);
    let out = Interp::Dash.deploy(&pool, &js);
    assert!(out.status.success(), "{}", text(&out));
    let be = format!("{}/ROOT/{BE}", pool.name);
    let root = pool.inspect(&be);
    let args = std::fs::read_to_string(root.join("etc/hook-args")).unwrap();
    pool.uninspect(&be);
    let words: Vec<&str> = args.split_whitespace().collect();
    assert_eq!(words.len(), 5, "{args}");
    assert_eq!(
        words[..4],
        ["price=$5", "$$", "${ZF_DONE}", "a;b|c&d"],
        "{args}"
    );
    assert!(words[4].ends_with(&format!("/.zflash/{BE}")), "{args}");
}

/// Only the plain stream, for the tests that need no other archive.
fn golden_small() -> GoldenStream {
    golden_stream("parsgold")
}

fn generate_plain(
    pool: &TestPool,
    golden: &GoldenStream,
    hooks: &[&str],
) -> (tempfile::TempDir, PathBuf) {
    generate(
        pool,
        &format!("{{location: {}}}", golden.stream.display()),
        hooks,
    )
}

/// Start `cmd` in its own process group, wait until its output shows `step N: STEP:`,
/// then SIGKILL the whole group (the shell and its zfs receive, as a power cut would).
/// Returns whether the step was reached.
fn kill_at_step(mut cmd: StdCommand, step: &str, delay_ms: u64) -> (bool, String) {
    let mut child = cmd
        .process_group(0)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id();
    let stdout = child.stdout.take().unwrap();
    let mut seen = String::new();
    let mut reached = false;
    for line in BufReader::new(stdout).lines() {
        let Ok(line) = line else { break };
        seen.push_str(&line);
        seen.push('\n');
        if line.contains(": step ") && line.contains(&format!(": {step}: ")) {
            reached = true;
            // Some way into the step (a receive under way), or at its start.
            std::thread::sleep(std::time::Duration::from_millis(delay_ms));
            let _ = StdCommand::new("kill")
                .args(["-KILL", "--", &format!("-{pid}")])
                .status();
            break;
        }
    }
    let _ = child.wait();
    (reached, seen)
}

/// SIGKILL at a step, then a rerun by the same interpreter: deployed, the same end
/// state as an uninterrupted run. Natively the kill comes from `ZFLASH_FAULT`.
#[test]
fn a_run_killed_at_a_step_and_rerun_ends_deployed_as_if_uninterrupted() {
    if !require_zfs() {
        return;
    }
    let golden = golden_small();
    let reference = {
        let pool = TestPool::miniroot("parref", 128, INSTALLED);
        let (_keep, js) = generate_plain(&pool, &golden, &[RECORDING_HOOK]);
        let out = Interp::Native.deploy(&pool, &js);
        assert!(out.status.success(), "{}", text(&out));
        end_state(&pool)
    };
    // (step, milliseconds after its first line): a shell is killed at the start of the
    // step, or some way into it (the receive).
    let cases: &[(Interp, &[(&str, u64)])] = &[
        (
            Interp::Dash,
            &[
                ("receive", 0),
                ("receive", 300),
                ("set_properties", 0),
                ("preserve_logs", 0),
                ("set_mountpoint", 0),
                ("cleanup", 0),
            ],
        ),
        (Interp::S10, &[("receive", 300), ("cleanup", 0)]),
        (Interp::Native, &[("receive", 0), ("switch_bootfs", 0)]),
    ];
    let mut failures = Vec::new();
    for (interp, steps) in cases {
        if !interp.available() {
            continue;
        }
        for &(step, delay_ms) in *steps {
            let pool = TestPool::miniroot(&format!("park{}", interp.name()), 128, INSTALLED);
            let (_keep, js) = generate_plain(&pool, &golden, &[RECORDING_HOOK]);
            let killed = if *interp == Interp::Native {
                let out = interp
                    .command(&pool, &js)
                    .env("ZFLASH_FAULT", format!("kill-after:{step}"))
                    .output()
                    .unwrap();
                (!out.status.success(), text(&out))
            } else {
                kill_at_step(interp.command(&pool, &js), step, delay_ms)
            };
            assert!(
                killed.0,
                "{} never reached {step}:\n{}",
                interp.name(),
                killed.1
            );
            let out = interp.deploy(&pool, &js);
            let state = end_state(&pool);
            eprintln!(
                "parity: {} killed at {step} (+{delay_ms} ms), rerun exit {:?}",
                interp.name(),
                out.status.code()
            );
            // The rerun says what it settled (the shell on its stdout; natively the
            // report is quiet).
            let settled = match step {
                "set_properties" | "preserve_logs" | "set_mountpoint" => {
                    Some("is a half-done deployment of")
                }
                "cleanup" => Some("its clean-up was interrupted: finishing it"),
                _ => None,
            };
            if let Some(said) = settled.filter(|_| *interp != Interp::Native)
                && !text(&out).contains(said)
            {
                failures.push(format!(
                    "{} killed at {step}: the rerun did not say {said:?}:\n{}",
                    interp.name(),
                    text(&out)
                ));
            }
            let report = fleet_report(&js, true);
            if !report.starts_with("report: Done at ") {
                failures.push(format!(
                    "{} killed at {step}, rerun: the report says {report}",
                    interp.name()
                ));
            }
            if !out.status.success() || state != reference {
                failures.push(format!(
                    "{} killed at {step}, rerun: exit {:?}\n{}\n--- want\n{reference}\n--- got\n{state}",
                    interp.name(),
                    out.status.code(),
                    text(&out)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A rerun after success changes nothing, whoever deployed and whoever reruns.
#[test]
fn a_rerun_after_success_is_a_no_op_for_either_interpreter() {
    if !require_zfs() {
        return;
    }
    let golden = golden_small();
    let interps: Vec<Interp> = ALL.iter().copied().filter(|i| i.available()).collect();
    let pool = TestPool::miniroot("parrerun", 128, INSTALLED);
    let (_keep, js) = generate_plain(&pool, &golden, &[RECORDING_HOOK]);
    let out = Interp::Dash.deploy(&pool, &js);
    assert!(out.status.success(), "{}", text(&out));
    let deployed = pool.state();
    for interp in interps {
        let out = interp.deploy(&pool, &js);
        assert!(out.status.success(), "{}: {}", interp.name(), text(&out));
        assert_eq!(pool.state(), deployed, "{}", interp.name());
        // Its report: done, nothing to do (natively found by the recover step; by the
        // loadzfs there or, the digest read from the sidecar manifest, by the preflight).
        let bytes =
            std::fs::read(js.parent().unwrap().join(format!("reports/{HOST}.json"))).unwrap();
        let report = zflash_runtime::report::Report::from_json(&bytes).unwrap();
        assert_eq!(report.state, State::Done, "{}: {report:?}", interp.name());
        assert_eq!(
            report.message.as_deref(),
            Some(zflash_runtime::plan::report::ALREADY_DEPLOYED),
            "{}: {report:?}",
            interp.name()
        );
        assert!(
            matches!(
                report.step.as_ref().map(|s| s.name.as_str()),
                Some("recover" | "preflight")
            ),
            "{}: {report:?}",
            interp.name()
        );
    }
}

/// One native and one shell run on one pool at the same time, both ways round: the
/// second is refused (exit 1, naming the first's pid and the lock) while the first
/// deploys; the pool ends deployed once.
#[test]
fn concurrent_native_and_shell_runs_exclude_each_other() {
    if !require_zfs() || !have("dash") {
        return;
    }
    let golden = golden_small();
    let slow = "{name: slow, mode: argument, argv: [/bin/sh, -c, 'sleep 3']}";
    for (first, second) in [
        (Interp::Dash, Interp::Native),
        (Interp::Native, Interp::Dash),
    ] {
        let pool = TestPool::miniroot("parconc", 128, INSTALLED);
        let (_keep, js) = generate_plain(&pool, &golden, &[slow]);
        let lock = PathBuf::from(zflash_runtime::plan::lock_dir(&pool.name));
        let child = first
            .command(&pool, &js)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Wait until the first holds the lock and is past its receive.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while !(lock.join("pid").is_file()
            && pool
                .datasets()
                .iter()
                .any(|d| d.ends_with(&format!("/ROOT/{BE}"))))
        {
            assert!(
                std::time::Instant::now() < deadline,
                "{} never got to its hooks",
                first.name()
            );
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        let out = second.deploy(&pool, &js);
        // The refused run did not touch the report: the lock's holder owns it.
        let report = std::fs::read(js.parent().unwrap().join(format!("reports/{HOST}.json")))
            .expect("the first run's report");
        let report = zflash_runtime::report::Report::from_json(&report).unwrap();
        let writer = match first {
            Interp::Native => zflash_runtime::report::Writer::Native,
            _ => zflash_runtime::report::Writer::Loadzfs,
        };
        assert_eq!(
            (report.writer, report.state),
            (writer, State::Running),
            "{report:?}"
        );
        let first_pid = child.id();
        let first_out = child.wait_with_output().unwrap();
        let refused = text(&out);
        assert_eq!(out.status.code(), Some(1), "{}: {refused}", second.name());
        assert!(
            refused.contains(&format!("another run (pid {first_pid})")),
            "{}: {refused}",
            second.name()
        );
        assert!(refused.contains(&lock.display().to_string()), "{refused}");
        assert!(first_out.status.success(), "{}", text(&first_out));
        assert_eq!(pool.bootfs(), format!("{}/ROOT/{BE}", pool.name));
        assert_eq!(
            pool.zfs_get("org.zflash:state", &format!("{}/ROOT/{BE}", pool.name)),
            "done"
        );
        assert!(!lock.exists(), "the lock outlived the runs");
    }
}
