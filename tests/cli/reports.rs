//! The fleet report (`reports:` in the site file, docs/reports.md) as both interpreters
//! of the plan write it, on zfs-fuse: `zflash finish` and the generated loadzfs under
//! dash, posh and the Solaris 10-like userland. Every report seen while a deployment
//! runs is parsed with `Report::from_json` (a reader must never see half of one); the
//! last one says `done` (or `failed` at the failing step, with the message); a report
//! directory that cannot be written or mounted only warns; nothing is left behind.

use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use assert_cmd::Command;
use zflash_runtime::report::{Report, State, Writer};
use zflash_runtime::testpool::{Shell, TestPool, require_zfs, write_damaged, write_manifest};

use super::support::HOST;

const INSTALLED: &str = "s10u6_req";
const BE: &str = "s10gold";

fn zflash() -> Command {
    Command::cargo_bin("zflash").unwrap()
}

/// Who runs the plan.
#[derive(Debug, Clone)]
enum Interp {
    Native,
    Shell(Shell),
}

impl Interp {
    fn all() -> Vec<Interp> {
        std::iter::once(Interp::Native)
            .chain(Shell::all().into_iter().map(Interp::Shell))
            .collect()
    }

    fn name(&self) -> &'static str {
        match self {
            Interp::Native => "native",
            Interp::Shell(s) => s.name(),
        }
    }

    fn writer(&self) -> Writer {
        match self {
            Interp::Native => Writer::Native,
            Interp::Shell(_) => Writer::Loadzfs,
        }
    }

    /// The deployment of `js`'s client on `pool`, with `bin` (stand-in commands) first
    /// on PATH, or (natively) its `mount`/`umount` as the mount programs.
    fn command(&self, pool: &TestPool, js: &Path, bin: Option<&Path>) -> StdCommand {
        let mut cmd = match self {
            Interp::Native => {
                let mut c = StdCommand::new(assert_cmd::cargo::cargo_bin("zflash"));
                c.args(["finish", "--quiet", "--config"])
                    .arg(js.join(format!("deploy/{HOST}.yaml")))
                    .arg("--altroot")
                    .arg(&pool.altroot);
                if let Some(bin) = bin {
                    c.env("ZFLASH_MOUNT", bin.join("mount"))
                        .env("ZFLASH_UMOUNT", bin.join("umount"));
                }
                c
            }
            Interp::Shell(shell) => {
                let mut c = shell.command();
                if let Some(bin) = bin {
                    let mut path = bin.as_os_str().to_owned();
                    path.push(":");
                    path.push(shell.search_path());
                    c.env("PATH", path);
                }
                c.arg(js.join("finish/desk.loadzfs"));
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
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

struct Golden {
    _pool: TestPool,
    stream: PathBuf,
}

fn golden() -> Golden {
    let pool = TestPool::create("repgold", 96);
    let stream = pool.golden_stream("golden.zfs", 48);
    write_manifest(&stream, "sparc", None);
    Golden {
        _pool: pool,
        stream,
    }
}

/// Generate the JumpStart directory of one client deploying `archive` on `pool`, with
/// the site's `reports: REPORTS` and `hooks` (YAML flow items).
fn generate(pool: &TestPool, archive: &Path, reports: &str, hooks: &[&str]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site.yaml");
    std::fs::write(
        &site,
        format!(
            "version: 1\n\
             server: {{hostname: js, ip: 10.0.0.5, install_image: /export/install, release: 1/13, config_dir: /export/js}}\n\
             reports: {reports}\n\
             archives:\n  gold: {{location: {}}}\n\
             defaults:\n  sysidcfg: {{timezone: GMT, root_password: Xy3kP0qLm9ZbA, network_interface: {{netmask: 255.255.255.0}}}}\n\
             classes:\n  desk:\n    archive: gold\n    profile: {{pool: {}, bename: {INSTALLED}}}\n    deploy: {{be: {BE}, hooks: [{}]}}\n\
             clients:\n  - {{hostname: {HOST}, mac: '8:0:20:1:2:3', ip: 10.0.0.21}}\n",
            archive.display(),
            pool.name,
            hooks.join(", ")
        ),
    )
    .unwrap();
    zflash()
        .arg("generate")
        .arg(&site)
        .arg("-o")
        .arg(tmp.path().join("js"))
        .assert()
        .success();
    tmp
}

/// Run `cmd` while reading `file` as often as possible: every version seen, parsed (a
/// file that does not parse fails the test: a reader saw half a report).
fn run_watching(mut cmd: StdCommand, file: &Path) -> (Output, Vec<Report>) {
    let stop = Arc::new(AtomicBool::new(false));
    let watcher = {
        let stop = Arc::clone(&stop);
        let file = file.to_path_buf();
        std::thread::spawn(move || {
            let mut seen: Vec<Report> = Vec::new();
            let mut last = Vec::new();
            loop {
                let done = stop.load(Ordering::SeqCst);
                if let Ok(bytes) = std::fs::read(&file)
                    && bytes != last
                {
                    let report = Report::from_json(&bytes).unwrap_or_else(|e| {
                        panic!(
                            "{}: {e}: {}",
                            file.display(),
                            String::from_utf8_lossy(&bytes)
                        )
                    });
                    seen.push(report);
                    last = bytes;
                }
                if done {
                    return seen;
                }
                std::thread::sleep(Duration::from_millis(2));
            }
        })
    };
    let out = cmd.output().unwrap();
    stop.store(true, Ordering::SeqCst);
    (out, watcher.join().unwrap())
}

/// Files in `dir` other than the client's report: temporary files left behind.
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| *n != format!("{HOST}.json"))
        .collect()
}

/// What every sequence of reports of one run must be: one client, writer, BE and start;
/// steps in plan order; `running` until the last one.
fn check_sequence(interp: &Interp, seen: &[Report], total: u32) {
    let who = interp.name();
    assert!(!seen.is_empty(), "{who}: no report seen");
    let mut last_index = 0;
    for (i, r) in seen.iter().enumerate() {
        assert_eq!(r.client, HOST, "{who}: {r:?}");
        assert_eq!(r.writer, interp.writer(), "{who}: {r:?}");
        assert_eq!(r.be, BE, "{who}: {r:?}");
        assert_eq!(r.started, seen[0].started, "{who}: {r:?}");
        let step = r.step.as_ref().expect("every report names its step");
        assert_eq!(step.total, total, "{who}: {r:?}");
        assert!(
            step.index >= last_index,
            "{who}: steps out of order: {seen:?}"
        );
        last_index = step.index;
        let last = i + 1 == seen.len();
        assert_eq!(r.state == State::Running, !last, "{who}: {seen:?}");
        assert_eq!(r.finished.is_some(), last, "{who}: {r:?}");
    }
}

/// The plan's step names, from `zflash finish --plan --json`.
fn plan_steps(js: &Path, pool: &TestPool) -> Vec<String> {
    let out = super::support::finish_natively_command(js, &pool.altroot)
        .args(["--plan", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    plan["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn every_interpreter_reports_a_deployment_from_lock_to_done() {
    if !require_zfs() {
        return;
    }
    let golden = golden();
    let size = std::fs::metadata(&golden.stream).unwrap().len();
    for interp in Interp::all() {
        let pool = TestPool::miniroot(&format!("rep{}", interp.name()), 128, INSTALLED);
        let reports = tempfile::tempdir().unwrap();
        let tmp = generate(
            &pool,
            &golden.stream,
            &reports.path().display().to_string(),
            &[],
        );
        let js = tmp.path().join("js");
        let steps = plan_steps(&js, &pool);
        let file = reports.path().join(format!("{HOST}.json"));
        let (out, seen) = run_watching(interp.command(&pool, &js, None), &file);
        let who = interp.name();
        assert!(out.status.success(), "{who}: {}", text(&out));
        assert!(!text(&out).contains("warning"), "{who}: {}", text(&out));
        check_sequence(&interp, &seen, steps.len() as u32);
        // The last report, read from the file, says done.
        let last = Report::from_json(&std::fs::read(&file).unwrap()).unwrap();
        assert_eq!(&last, seen.last().unwrap());
        assert_eq!(last.state, State::Done, "{who}: {last:?}");
        assert_eq!(last.message, None, "{who}: {last:?}");
        let step = last.step.as_ref().unwrap();
        assert_eq!(step.name, *steps.last().unwrap(), "{who}: {last:?}");
        assert_eq!(step.index as usize, steps.len(), "{who}: {last:?}");
        assert_eq!(last.bytes_received, size, "{who}: {last:?}");
        let id = last.archive_id.as_deref().unwrap_or("");
        assert!(
            id.starts_with("sha256:") && id.len() == 71,
            "{who}: {last:?}"
        );
        assert_eq!(
            pool.zfs_get("org.zflash:archive", &format!("{}/ROOT/{BE}", pool.name)),
            id,
            "{who}"
        );
        assert!(last.elapsed_seconds().unwrap() >= 0);
        // Every report names one of the plan's steps, at its position.
        for r in &seen {
            let s = r.step.as_ref().unwrap();
            assert_eq!(steps[s.index as usize - 1], s.name, "{who}: {r:?}");
        }
        assert_eq!(leftovers(reports.path()), Vec::<String>::new(), "{who}");
    }
}

#[test]
fn a_failing_deployment_reports_the_failing_step_and_its_message() {
    if !require_zfs() {
        return;
    }
    let golden = golden();
    let data = std::fs::read(&golden.stream).unwrap();
    let failing_hook = "{name: fails, argv: [/bin/false], mode: argument}";
    for interp in Interp::all() {
        let who = interp.name();
        // A failing hook: failed at run_hooks, the hook named.
        let pool = TestPool::miniroot(&format!("repf{who}"), 128, INSTALLED);
        let reports = tempfile::tempdir().unwrap();
        let tmp = generate(
            &pool,
            &golden.stream,
            &reports.path().display().to_string(),
            &[failing_hook],
        );
        let js = tmp.path().join("js");
        let file = reports.path().join(format!("{HOST}.json"));
        let (out, seen) = run_watching(interp.command(&pool, &js, None), &file);
        assert!(!out.status.success(), "{who}: {}", text(&out));
        check_sequence(&interp, &seen, plan_steps(&js, &pool).len() as u32);
        let last = seen.last().unwrap();
        assert_eq!(last.state, State::Failed, "{who}: {last:?}");
        assert_eq!(
            last.step.as_ref().unwrap().name,
            "run_hooks",
            "{who}: {last:?}"
        );
        let message = last.message.as_deref().unwrap_or("");
        assert!(message.contains("/bin/false"), "{who}: {last:?}");
        assert!(last.finished.is_some());
        assert_eq!(leftovers(reports.path()), Vec::<String>::new(), "{who}");
        drop(pool);

        // A damaged archive: failed at receive, nothing received counted by the shell.
        let pool = TestPool::miniroot(&format!("repd{who}"), 128, INSTALLED);
        let scratch = tempfile::tempdir().unwrap();
        let damaged = scratch.path().join("golden.zfs");
        write_damaged(&data, 0x5a, &damaged);
        std::fs::copy(
            format!("{}.manifest.json", golden.stream.display()),
            format!("{}.manifest.json", damaged.display()),
        )
        .unwrap();
        let reports = tempfile::tempdir().unwrap();
        let tmp = generate(&pool, &damaged, &reports.path().display().to_string(), &[]);
        let js = tmp.path().join("js");
        let file = reports.path().join(format!("{HOST}.json"));
        let (out, seen) = run_watching(interp.command(&pool, &js, None), &file);
        assert!(!out.status.success(), "{who}: {}", text(&out));
        let last = seen.last().unwrap();
        assert_eq!(last.state, State::Failed, "{who}: {last:?}");
        assert_eq!(
            last.step.as_ref().unwrap().name,
            "receive",
            "{who}: {last:?}"
        );
        assert!(last.message.is_some(), "{who}: {last:?}");
    }
}

#[test]
fn a_report_directory_that_cannot_be_written_only_warns() {
    if !require_zfs() {
        return;
    }
    let golden = golden();
    for interp in Interp::all() {
        let who = interp.name();
        let pool = TestPool::miniroot(&format!("repw{who}"), 128, INSTALLED);
        // A directory that does not exist (an absolute path the site accepts).
        let missing = tempfile::tempdir().unwrap().path().join("gone");
        let tmp = generate(&pool, &golden.stream, &missing.display().to_string(), &[]);
        let js = tmp.path().join("js");
        let out = interp.command(&pool, &js, None).output().unwrap();
        let said = text(&out);
        assert!(out.status.success(), "{who}: {said}");
        assert_eq!(
            said.matches("no fleet report is written").count(),
            1,
            "{who}: one warning: {said}"
        );
        assert!(
            said.contains(&missing.display().to_string()),
            "{who}: {said}"
        );
        assert_eq!(pool.bootfs(), format!("{}/ROOT/{BE}", pool.name), "{who}");
        assert!(!missing.exists());
    }
}
