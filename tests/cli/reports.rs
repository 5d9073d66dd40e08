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
use zflash_runtime::testpool::{Shell, TestPool, require_zfs};

use super::support::{GoldenStream, HOST, golden_stream};

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

fn golden() -> GoldenStream {
    golden_stream("repgold")
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
        // What a run killed while writing leaves: removed by the next run of the client.
        std::fs::write(reports.path().join(format!(".{HOST}.json.tmp.99999")), "{").unwrap();
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

/// One of the loadzfs's functions, cut out of a generated script (with a report).
fn script_function(script: &str, name: &str) -> String {
    let start = script
        .find(&format!("\n{name}() {{\n"))
        .unwrap_or_else(|| panic!("no {name} in the script"));
    let body = &script[start + 1..];
    let end = body.find("\n}\n").expect("end of the function");
    body[..end + 3].to_string()
}

/// A generated loadzfs with a report directory, without deploying it.
fn generated_script() -> String {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site.yaml");
    std::fs::write(
        &site,
        format!(
            "version: 1\n\
             server: {{hostname: js, ip: 10.0.0.5, install_image: /export/install, release: 1/13, config_dir: /export/js}}\n\
             reports: js:/export/zflash/reports\n\
             archives:\n  gold: {{location: /export/flash/gold.zfs, sha256: {}}}\n\
             defaults:\n  sysidcfg: {{timezone: GMT, root_password: Xy3kP0qLm9ZbA, network_interface: {{netmask: 255.255.255.0}}}}\n\
             classes:\n  desk:\n    archive: gold\n    profile: {{pool: rpool, bename: {INSTALLED}}}\n    deploy: {{be: {BE}}}\n\
             clients:\n  - {{hostname: {HOST}, mac: '8:0:20:1:2:3', ip: 10.0.0.21}}\n",
            "ab".repeat(32)
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
    std::fs::read_to_string(tmp.path().join("js/finish/desk.loadzfs")).unwrap()
}

/// The shell's JSON strings: whatever the message holds, the report is valid JSON and
/// says the message (bytes that are not UTF-8 as `?`, cut to 2000 characters), under
/// every shell, whose awk is the old one in the Solaris 10 userland.
#[test]
fn the_shell_writes_any_message_as_a_valid_json_string() {
    let script = generated_script();
    let function = script_function(&script, "zf_json_string");
    let long = "x\"".repeat(1500);
    let cases: Vec<(Vec<u8>, String)> = vec![
        (b"plain".to_vec(), "plain".into()),
        (b"".to_vec(), "".into()),
        (
            b"q\"uote b\\ack\\\\slash\nnew\nline\ttab \r cr".to_vec(),
            "q\"uote b\\ack\\\\slash\nnew\nline\ttab \r cr".into(),
        ),
        (
            b"trailing newlines\n\n".to_vec(),
            "trailing newlines\n\n".into(),
        ),
        (
            b"ctl \x01\x02\x1b\x1f del \x7f".to_vec(),
            "ctl \u{1}\u{2}\u{1b}\u{1f} del \u{7f}".into(),
        ),
        (
            "utf-8 é € 𝄞 ok".as_bytes().to_vec(),
            "utf-8 é € 𝄞 ok".into(),
        ),
        (
            b"bad \xff \xc2x \xed\xa0\x80 \xe2\x82 \xf4\x90\x80\x80 end".to_vec(),
            "bad ? ?x ??? ?? ???? end".into(),
        ),
        (
            b"echo would eat \\c and \\n".to_vec(),
            "echo would eat \\c and \\n".into(),
        ),
        (long.as_bytes().to_vec(), long.chars().take(2000).collect()),
        (b"$HOME `id` $(id) '".to_vec(), "$HOME `id` $(id) '".into()),
    ];
    for shell in Shell::all() {
        for (message, want) in &cases {
            let out = shell
                .command()
                .env("LC_ALL", "C")
                .arg("-c")
                .arg(format!("{function}\nzf_json_string \"$1\""))
                .arg("zf")
                .arg(<std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(message))
                .output()
                .unwrap();
            assert!(out.status.success(), "{}: {}", shell.name(), text(&out));
            let got: String = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
                panic!(
                    "{}: {message:?} -> {e}: {}",
                    shell.name(),
                    String::from_utf8_lossy(&out.stdout)
                )
            });
            assert_eq!(&got, want, "{}: {message:?}", shell.name());
        }
    }
}

/// Bytes received are added as decimal strings: past 32 bits (Solaris 10's printf and
/// expr) and past 2^53 (awk's doubles).
#[test]
fn the_shell_adds_archive_sizes_without_losing_digits() {
    let script = generated_script();
    let function = script_function(&script, "zf_report_add_bytes");
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("a.zfs");
    std::fs::write(&archive, vec![0u8; 12345]).unwrap();
    for shell in Shell::all() {
        for (before, want) in [
            ("0", "12345"),
            ("4294967295", "4294979640"),
            ("9007199254740993", "9007199254753338"),
            ("99999999999999999999", "100000000000000012344"),
        ] {
            let out = shell
                .command()
                .arg("-c")
                .arg(format!(
                    "{function}\nZF_REPORT_BYTES={before}\nzf_report_add_bytes \"$1\"\necho \"$ZF_REPORT_BYTES\""
                ))
                .arg("zf")
                .arg(&archive)
                .output()
                .unwrap();
            assert_eq!(
                String::from_utf8_lossy(&out.stdout).trim(),
                want,
                "{}: {}",
                shell.name(),
                text(&out)
            );
        }
    }
}

/// Stand-ins for `mount` and `umount` of an NFS report directory `nfs1:/export/reports`:
/// `mode` `bind` mounts `ROOT/export/reports` there (a bind mount: what the client sees
/// of the share), `fail` refuses as a server that does not export it, `hang` never
/// answers. Each call is logged (arguments) in `calls`.
struct FakeNfs {
    dir: tempfile::TempDir,
}

impl FakeNfs {
    fn new(mode: &str) -> FakeNfs {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("bin")).unwrap();
        std::fs::create_dir_all(root.join("export/reports")).unwrap();
        let mount = format!(
            "#!/bin/sh\n\
             case \"$*\" in *nfs1:*) ;; *) exec /usr/bin/mount \"$@\" ;; esac\n\
             echo \"mount $*\" >>{calls}\n\
             case {mode} in\n\
             \x20   fail) echo 'mount.nfs: access denied by server while mounting nfs1:/export/reports' >&2; exit 32 ;;\n\
             \x20   hang) exec sleep 600 ;;\n\
             esac\n\
             for a in \"$@\"; do src=$target; target=$a; done\n\
             [ \"$src\" = nfs1:/export/reports ] || {{ echo \"unknown source $src\" >&2; exit 32; }}\n\
             exec /usr/bin/mount --bind {root}/export/reports \"$target\"\n",
            calls = root.join("calls").display(),
            root = root.display(),
        );
        let umount = format!(
            "#!/bin/sh\n\
             case \"$*\" in *zflash-reports*) echo \"umount $*\" >>{calls} ;; esac\n\
             exec /usr/bin/umount \"$@\"\n",
            calls = root.join("calls").display(),
        );
        for (name, body) in [("mount", mount), ("umount", umount)] {
            let p = root.join("bin").join(name);
            std::fs::write(&p, body).unwrap();
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        FakeNfs { dir }
    }

    fn bin(&self) -> PathBuf {
        self.dir.path().join("bin")
    }

    fn share(&self) -> PathBuf {
        self.dir.path().join("export/reports")
    }

    fn calls(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("calls")).unwrap_or_default()
    }
}

fn mounted_at(target: &str) -> bool {
    std::fs::read_to_string("/proc/mounts")
        .unwrap()
        .lines()
        .any(|l| l.split(' ').nth(1) == Some(target))
}

/// An NFS report directory is mounted read-write, soft, with short timeouts, at the
/// plan's mount point, written through, and unmounted at the end (mount point removed).
#[test]
fn an_nfs_report_directory_is_mounted_soft_written_and_unmounted() {
    if !require_zfs() {
        return;
    }
    let golden = golden();
    for interp in Interp::all() {
        let who = interp.name();
        let nfs = FakeNfs::new("bind");
        let pool = TestPool::miniroot(&format!("repn{who}"), 128, INSTALLED);
        let tmp = generate(&pool, &golden.stream, "nfs1:/export/reports", &[]);
        let js = tmp.path().join("js");
        let target = format!("/tmp/zflash-reports.{}", pool.name);
        let out = interp
            .command(&pool, &js, Some(&nfs.bin()))
            .output()
            .unwrap();
        assert!(out.status.success(), "{who}: {}", text(&out));
        assert!(!text(&out).contains("warning"), "{who}: {}", text(&out));
        let calls = nfs.calls();
        assert_eq!(
            calls,
            format!(
                "mount -t nfs -o rw,soft,timeo=10,retrans=2,retry=0 nfs1:/export/reports {target}\numount {target}\n"
            ),
            "{who}"
        );
        let report =
            Report::from_json(&std::fs::read(nfs.share().join(format!("{HOST}.json"))).unwrap())
                .unwrap();
        assert_eq!(report.state, State::Done, "{who}: {report:?}");
        assert_eq!(leftovers(&nfs.share()), Vec::<String>::new(), "{who}");
        assert!(!mounted_at(&target), "{who}: still mounted");
        assert!(!Path::new(&target).exists(), "{who}: mount point left");
    }
}

/// A report server that refuses the mount, or never answers: one warning, the
/// deployment ends deployed; a server that hangs costs at most the plan's timeout.
#[test]
fn a_report_directory_that_cannot_be_mounted_only_warns() {
    if !require_zfs() {
        return;
    }
    let golden = golden();
    // The hang waits for the timeout (15 s): natively and under the judge only.
    let judge = Shell::s10().or_else(Shell::dash).map(Interp::Shell);
    let cases: Vec<(Interp, &str)> = Interp::all()
        .into_iter()
        .map(|i| (i, "fail"))
        .chain(std::iter::once((Interp::Native, "hang")))
        .chain(judge.map(|i| (i, "hang")))
        .collect();
    for (interp, mode) in cases {
        let who = format!("{} ({mode})", interp.name());
        let nfs = FakeNfs::new(mode);
        let pool = TestPool::miniroot(&format!("repm{}", interp.name()), 128, INSTALLED);
        let tmp = generate(&pool, &golden.stream, "nfs1:/export/reports", &[]);
        let js = tmp.path().join("js");
        let target = format!("/tmp/zflash-reports.{}", pool.name);
        let t0 = std::time::Instant::now();
        let out = interp
            .command(&pool, &js, Some(&nfs.bin()))
            .output()
            .unwrap();
        let took = t0.elapsed();
        let said = text(&out);
        assert!(out.status.success(), "{who}: {said}");
        assert_eq!(
            said.matches("no fleet report is written").count(),
            1,
            "{who}: one warning: {said}"
        );
        let why = if mode == "fail" {
            "access denied by server"
        } else {
            "no answer in 15 s"
        };
        assert!(said.contains(why), "{who}: {said}");
        assert_eq!(pool.bootfs(), format!("{}/ROOT/{BE}", pool.name), "{who}");
        assert!(took < Duration::from_secs(45), "{who}: took {took:?}");
        assert!(!nfs.calls().contains("umount"), "{who}: {}", nfs.calls());
        assert!(!mounted_at(&target), "{who}");
        assert!(!Path::new(&target).exists(), "{who}: mount point left");
        assert_eq!(leftovers(&nfs.share()), Vec::<String>::new(), "{who}");
    }
}

/// A deploy config written by hand (not by `zflash generate`, whose site file refuses
/// such hook arguments): the failing hook's message holds a quote, a backslash, a
/// newline and a tab, and the report says it exactly. Without SI_HOSTNAME no report
/// can be named: one warning, deployed.
#[test]
fn the_native_report_carries_any_message_and_a_nameless_client_only_warns() {
    if !require_zfs() {
        return;
    }
    let golden = golden();
    let pool = TestPool::miniroot("repmsg", 128, INSTALLED);
    let reports = tempfile::tempdir().unwrap();
    let config = reports.path().join("deploy.yaml");
    let hook_args = ["q\"uote", "back\\slash", "new\nline\ttab"];
    let yaml = |hooks: &str| {
        format!(
            "version: 1\narchive: {}\npool: {}\nbe_name: {BE}\nsysidcfg: null\nreports: {}\n{hooks}",
            golden.stream.display(),
            pool.name,
            reports.path().display()
        )
    };
    let hooks = format!(
        "hooks: [{{name: fails, mode: argument, argv: [/bin/sh, -c, 'exit 3', {}]}}]\n",
        hook_args
            .iter()
            .map(|a| serde_json::to_string(a).unwrap())
            .collect::<Vec<_>>()
            .join(", ")
    );
    std::fs::write(&config, yaml(&hooks)).unwrap();
    let out = zflash()
        .args(["finish", "--quiet", "--config"])
        .arg(&config)
        .arg("--altroot")
        .arg(&pool.altroot)
        .env("SI_HOSTNAME", HOST)
        .env("SI_ARCH", "sparc")
        .output()
        .unwrap();
    assert!(!out.status.success(), "{}", text(&out));
    let file = reports.path().join(format!("{HOST}.json"));
    let report = Report::from_json(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(report.state, State::Failed, "{report:?}");
    assert_eq!(report.step.as_ref().unwrap().name, "run_hooks");
    let message = report.message.unwrap();
    assert!(
        message.contains(&format!("/bin/sh -c exit 3 {}", hook_args.join(" "))),
        "{message:?}"
    );
    std::fs::remove_file(&file).unwrap();

    // No SI_HOSTNAME: no report file can be named; one warning, and it deploys.
    std::fs::write(&config, yaml("")).unwrap();
    let out = zflash()
        .args(["finish", "--quiet", "--json", "--config"])
        .arg(&config)
        .arg("--altroot")
        .arg(&pool.altroot)
        .env_remove("SI_HOSTNAME")
        .env("SI_ARCH", "sparc")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.matches("warning: SI_HOSTNAME is not set").count(),
        1,
        "{stderr}"
    );
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["outcome"], "deployed");
    assert_eq!(
        summary["warnings"].as_array().unwrap().len(),
        1,
        "{summary}"
    );
    assert_eq!(leftovers(reports.path()), vec!["deploy.yaml".to_string()]);
}

/// The loadzfs with a report directory is clean for shellcheck and parses under the
/// Solaris 10 shell (the deployments above run it; this is the whole text, every branch).
#[test]
fn the_loadzfs_with_reports_passes_shellcheck_and_the_solaris_10_shell() {
    let script = generated_script();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.loadzfs");
    std::fs::write(&path, &script).unwrap();
    if zflash_runtime::testpool::require_tool("shellcheck") {
        let out = StdCommand::new("shellcheck")
            .args(["-s", "sh"])
            .arg(&path)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out));
    }
    if let Some(shell) = Shell::s10() {
        let out = shell.command().arg("-n").arg(&path).output().unwrap();
        assert!(out.status.success(), "{}", text(&out));
    }
}
