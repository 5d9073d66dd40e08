//! The generated finish scripts in the environment JumpStart really gives them, on zfs-fuse:
//! the `SI_*` variables the generated `probe` lines set, and again with `SI_ARCH` and
//! `SI_HOSTNAME` unset (a hand-edited rules file without the probes), where the scripts
//! find them as the probes would (`uname -p`, the client's address, `uname -n`). Each run
//! deploys; under posh, dash and the Solaris 10-like userland (`ZFLASH_S10_USERLAND=DIR`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use zflash_runtime::testpool::{TestPool, require_zfs, write_manifest};

const INSTALLED: &str = "s10u6_req";
const HOST: &str = "ws001";
const HOST_IP: &str = "10.0.0.21";

fn zflash_bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("zflash")
}

fn have(tool: &str) -> bool {
    zflash_runtime::testpool::require_tool(tool)
}

/// A shell to run the finish scripts with, and the PATH it gets (the stand-in `uname`
/// first).
struct Shell {
    name: &'static str,
    program: PathBuf,
    path: String,
}

fn shells(fake_bin: &Path) -> Vec<Shell> {
    let host_path = std::env::var("PATH").unwrap_or_default();
    let mut v = Vec::new();
    for name in ["posh", "dash"] {
        if have(name) {
            v.push(Shell {
                name,
                program: PathBuf::from(name),
                path: format!("{}:{host_path}", fake_bin.display()),
            });
        }
    }
    if let Some(s10) = zflash_runtime::testpool::s10_userland() {
        // Only that userland (and the stand-in uname): a tool Solaris 10 lacks fails.
        v.push(Shell {
            name: "s10",
            program: s10.join("bin/sh"),
            path: format!("{}:{}", fake_bin.display(), s10.join("bin").display()),
        });
    }
    v
}

/// A stand-in `uname` answering as a SPARC miniroot whose node name is the client's fully
/// qualified name (`uname -n` in a miniroot booted with a domain).
fn fake_uname(dir: &Path) -> PathBuf {
    let bin = dir.join("fakebin");
    std::fs::create_dir_all(&bin).unwrap();
    let real = Command::new("sh")
        .args(["-c", "command -v uname"])
        .output()
        .unwrap();
    let real = String::from_utf8(real.stdout).unwrap();
    let script = format!(
        "#!/bin/sh\ncase \"$1\" in\n    -p) echo sparc ;;\n    -m) echo sun4u ;;\n    -n) echo {HOST}.lab.example.net ;;\n    *) exec {} \"$@\" ;;\nesac\n",
        real.trim()
    );
    let path = bin.join("uname");
    std::fs::write(&path, script).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    bin
}

/// A copy of `fake_bin` with a stand-in `ifconfig -a` printing Solaris 10's output: the
/// loopback first, then the client's interface.
fn with_fake_ifconfig(fake_bin: &Path) -> PathBuf {
    let bin = fake_bin.with_file_name("fakebin-ifconfig");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::copy(fake_bin.join("uname"), bin.join("uname")).unwrap();
    let script = format!(
        "#!/bin/sh\ncat <<EOF\nlo0: flags=2001000849<UP,LOOPBACK,RUNNING,MULTICAST,IPv4,VIRTUAL> mtu 8232 index 1\n\tinet 127.0.0.1 netmask ff000000\ne1000g0: flags=1000843<UP,BROADCAST,RUNNING,MULTICAST,IPv4> mtu 1500 index 2\n\tinet {HOST_IP} netmask ffffff00 broadcast 10.0.0.255\n\tether 8:0:20:1:2:3\nEOF\n"
    );
    let path = bin.join("ifconfig");
    std::fs::write(&path, script).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    bin
}

/// Generate the JumpStart directory of a one-client site matched by `hostaddress` (so
/// JumpStart sets no SI_HOSTNAME without the probes) deploying `stream` with `finish`.
fn generate(dir: &Path, pool: &str, stream: &Path, finish: &str) -> PathBuf {
    let site = dir.join("site.yaml");
    std::fs::write(
        &site,
        format!(
            "version: 1\n\
             server: {{hostname: js, ip: 10.0.0.5, install_image: /export/install/s10u6, release: 10/08, config_dir: /export/js}}\n\
             archives:\n  gold: {{location: {}}}\n\
             defaults:\n  match_by: hostaddress\n  sysidcfg: {{timezone: GMT, root_password: Xy3kP0qLm9ZbA, network_interface: {{netmask: 255.255.255.0}}}}\n\
             classes:\n  desk:\n    archive: gold\n    finish: {finish}\n    profile: {{pool: {pool}}}\n    deploy: {{be: s10gold}}\n\
             clients:\n  - {{hostname: {HOST}, mac: '8:0:20:1:2:3', ip: {HOST_IP}}}\n",
            stream.display()
        ),
    )
    .unwrap();
    let js = dir.join("js");
    let out = Command::new(zflash_bin())
        .arg("generate")
        .arg(&site)
        .arg("-o")
        .arg(&js)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The profile names the installed BE as the miniroot pools below have it.
    let profile = std::fs::read_to_string(js.join("profiles/desk")).unwrap();
    assert!(
        profile.contains(&format!("bename {INSTALLED}")),
        "{profile}"
    );
    js
}

/// What the generated probes give: the environment of a finish script whose rules have
/// only them and a `hostaddress` rule.
fn probed_env() -> Vec<(&'static str, &'static str)> {
    vec![
        ("SI_ARCH", "sparc"),
        ("SI_KARCH", "sun4u"),
        ("SI_HOSTNAME", HOST),
        ("SI_HOSTADDRESS", HOST_IP),
    ]
}

fn run(shell: &Shell, script: &Path, js: &Path, pool: &TestPool, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(&shell.program);
    cmd.arg(script)
        .env_clear()
        .env("PATH", &shell.path)
        .env("SI_CONFIG_DIR", js)
        .env("SI_CLASS", js.join("profiles/desk"))
        .env("ZFLASH_ALTROOT", &pool.altroot)
        .env("ZFLASH_SH", &shell.program);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

/// The run deployed: success, the BE is the bootfs, and the client's own sysidcfg (found
/// by the SI_HOSTNAME the script settled on) is in the new BE.
fn assert_deployed(what: &str, out: &Output, pool: &TestPool) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{what}: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let be = format!("{}/ROOT/s10gold", pool.name);
    assert_eq!(pool.bootfs(), be, "{what}: {stdout}");
    let root = pool.inspect_tree(&be);
    let sysidcfg = std::fs::read_to_string(root.join("etc/sysidcfg"));
    pool.uninspect_tree(&be);
    let sysidcfg = sysidcfg.unwrap_or_else(|e| panic!("{what}: no etc/sysidcfg: {e}\n{stdout}"));
    assert!(
        sysidcfg.contains(&format!("hostname={HOST}")),
        "{what}: {sysidcfg}"
    );
    stdout
}

#[test]
fn loadzfs_deploys_with_the_probed_environment_and_without_si_arch_and_si_hostname() {
    if !require_zfs() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let fake = fake_uname(tmp.path());
    let golden = TestPool::create("jsegold", 96);
    let stream = golden.golden_stream("golden.zfs", 32);
    write_manifest(&stream, "sparc", None);
    let shells = shells(&fake);
    for shell in &shells {
        // 1. As JumpStart runs it with the generated rules: the probes' variables.
        let pool = TestPool::miniroot(&format!("jse{}a", shell.name), 128, INSTALLED);
        let dir = tmp.path().join(format!("{}-probed", shell.name));
        std::fs::create_dir_all(&dir).unwrap();
        let js = generate(&dir, &pool.name, &stream, "shell");
        let out = run(
            shell,
            &js.join("finish/desk.loadzfs"),
            &js,
            &pool,
            &probed_env(),
        );
        let log = assert_deployed(&format!("{}: probed", shell.name), &out, &pool);
        for want in [
            "SI_ARCH=sparc (from JumpStart)",
            "SI_HOSTNAME=ws001 (from JumpStart)",
        ] {
            assert!(log.contains(want), "{}: {want}\n{log}", shell.name);
        }
        drop(pool);

        // 2. A rules file without the probes: no SI_ARCH, SI_KARCH, SI_HOSTNAME; the
        //    hostaddress rule still sets SI_HOSTADDRESS, which names the client.
        let pool = TestPool::miniroot(&format!("jse{}b", shell.name), 128, INSTALLED);
        let dir = tmp.path().join(format!("{}-address", shell.name));
        std::fs::create_dir_all(&dir).unwrap();
        let js = generate(&dir, &pool.name, &stream, "shell");
        let out = run(
            shell,
            &js.join("finish/desk.loadzfs"),
            &js,
            &pool,
            &[("SI_HOSTADDRESS", HOST_IP)],
        );
        let log = assert_deployed(&format!("{}: by address", shell.name), &out, &pool);
        for want in [
            "SI_ARCH=sparc (from uname -p: SI_ARCH is not set, no probe arch in rules)",
            "SI_KARCH=sun4u (from uname -m",
            "SI_HOSTNAME=ws001 (server/hosts: the client with the address 10.0.0.21, from SI_HOSTADDRESS",
        ] {
            assert!(log.contains(want), "{}: {want}\n{log}", shell.name);
        }
        drop(pool);

        // 3. Nothing but SI_CONFIG_DIR, as probe hostaddress finds it: the first
        //    non-loopback address of ifconfig -a, named by server/hosts.
        let pool = TestPool::miniroot(&format!("jse{}i", shell.name), 128, INSTALLED);
        let dir = tmp.path().join(format!("{}-ifconfig", shell.name));
        std::fs::create_dir_all(&dir).unwrap();
        let js = generate(&dir, &pool.name, &stream, "shell");
        let with_ifconfig = Shell {
            name: shell.name,
            program: shell.program.clone(),
            path: shell.path.replacen(
                &fake.display().to_string(),
                &with_fake_ifconfig(&fake).display().to_string(),
                1,
            ),
        };
        let out = run(
            &with_ifconfig,
            &js.join("finish/desk.loadzfs"),
            &js,
            &pool,
            &[],
        );
        let log = assert_deployed(&format!("{}: ifconfig", shell.name), &out, &pool);
        assert!(
            log.contains("SI_HOSTNAME=ws001 (server/hosts: the client with the address 10.0.0.21, from ifconfig -a;"),
            "{}: {log}",
            shell.name
        );
        drop(pool);

        // 4. Nothing but SI_CONFIG_DIR (and no ifconfig on this PATH, or no client's
        //    address on it): uname -n, the domain dropped.
        let pool = TestPool::miniroot(&format!("jse{}c", shell.name), 128, INSTALLED);
        let dir = tmp.path().join(format!("{}-bare", shell.name));
        std::fs::create_dir_all(&dir).unwrap();
        let js = generate(&dir, &pool.name, &stream, "shell");
        let out = run(shell, &js.join("finish/desk.loadzfs"), &js, &pool, &[]);
        let log = assert_deployed(&format!("{}: bare", shell.name), &out, &pool);
        assert!(
            log.contains("SI_HOSTNAME=ws001 (from uname -n"),
            "{}: {log}",
            shell.name
        );
    }
    assert!(!shells.is_empty() || std::env::var_os("CI").is_none());
}

#[test]
fn native_wrapper_deploys_with_the_probed_environment_and_without_si_arch_and_si_hostname() {
    if !require_zfs() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let fake = fake_uname(tmp.path());
    let golden = TestPool::create("jsngold", 96);
    let stream = golden.golden_stream("golden.zfs", 32);
    write_manifest(&stream, "sparc", None);
    for shell in shells(&fake) {
        for (case, env) in [("probed", probed_env()), ("bare", Vec::new())] {
            // With a zflash binary for the architecture: `zflash finish` runs (dash and
            // posh); in the Solaris 10 userland, where no Rust binary runs on a real
            // miniroot, the wrapper falls back to the loadzfs.
            let native = shell.name != "s10";
            let pool = TestPool::miniroot(&format!("jsn{}{case}", shell.name), 128, INSTALLED);
            let dir = tmp.path().join(format!("{}-{case}", shell.name));
            std::fs::create_dir_all(&dir).unwrap();
            let js = generate(&dir, &pool.name, &stream, "native");
            if native {
                std::fs::create_dir_all(js.join("bin/sparc")).unwrap();
                std::os::unix::fs::symlink(zflash_bin(), js.join("bin/sparc/zflash")).unwrap();
            }
            let out = run(&shell, &js.join("finish/desk.native"), &js, &pool, &env);
            let what = format!("{}: native wrapper, {case}", shell.name);
            let log = assert_deployed(&what, &out, &pool);
            let source = if case == "probed" {
                "SI_HOSTNAME=ws001 (from JumpStart)"
            } else {
                "SI_HOSTNAME=ws001 (from uname -n"
            };
            assert!(
                log.contains(&format!("desk.native: {source}")),
                "{what}: {log}"
            );
            if native {
                assert!(
                    log.contains("finish --config") && log.contains("deploy/ws001.yaml"),
                    "{what}: {log}"
                );
            } else {
                assert!(
                    log.contains("running the Bourne-shell desk.loadzfs instead"),
                    "{what}: {log}"
                );
            }
        }
    }
}

/// `zflash check` on a generated directory: clean; with the probe lines removed from
/// `rules` (a hand edit), a J009 warning for each on-demand variable the finish scripts
/// read; with a DHCP binding that no longer matches `hosts`, J010.
#[test]
fn check_warns_about_unprobed_variables_and_dhcp_bindings_that_disagree_with_hosts() {
    let tmp = tempfile::tempdir().unwrap();
    let js = tmp.path().join("js");
    let site = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/sites/mixed.yaml");
    let out = Command::new(zflash_bin())
        .arg("generate")
        .arg(&site)
        .arg("-o")
        .arg(&js)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let check = || {
        Command::new(zflash_bin())
            .args(["check", "--format", "json"])
            .arg(&js)
            .output()
            .unwrap()
    };
    let codes = |o: &Output| -> Vec<(String, String)> {
        let v: serde_json::Value = serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stdout)));
        let mut found = Vec::new();
        for d in v["diagnostics"].as_array().unwrap() {
            found.push((
                d["code"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
            ));
        }
        found
    };
    let o = check();
    assert!(o.status.success());
    assert_eq!(codes(&o), Vec::<(String, String)>::new());

    let rules = std::fs::read_to_string(js.join("rules")).unwrap();
    let rules_ok = std::fs::read_to_string(js.join("rules.ok")).unwrap();
    let bare: String = rules
        .lines()
        .filter(|l| !l.starts_with("probe "))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(js.join("rules"), bare).unwrap();
    let o = check();
    let found = codes(&o);
    // mixed.yaml matches by hostaddress (and one rule by hostname and karch): SI_ARCH is
    // what nothing provides any more; SI_HOSTNAME and SI_KARCH are still provided by the
    // `hostname web02 && karch sun4v` rule.
    assert!(
        found
            .iter()
            .any(|(c, m)| c == "J009" && m.contains("reads $SI_ARCH")),
        "{found:?}"
    );
    assert!(found.iter().all(|(c, _)| c == "J009"), "{found:?}");
    assert!(
        !found.iter().any(|(_, m)| m.contains("$SI_HOSTNAME")),
        "{found:?}"
    );
    // (Warnings only: check rewrote rules.ok from the edited rules.)
    std::fs::write(js.join("rules"), &rules).unwrap();
    std::fs::write(js.join("rules.ok"), &rules_ok).unwrap();

    let dhcp = std::fs::read_to_string(js.join("server/dhcp")).unwrap();
    std::fs::write(
        js.join("server/dhcp"),
        dhcp.replace("pntadm -A 10.20.3.31 ", "pntadm -A 10.20.3.32 "),
    )
    .unwrap();
    let conf = std::fs::read_to_string(js.join("server/dhcpd.conf")).unwrap();
    std::fs::write(
        js.join("server/dhcpd.conf"),
        conf.replace("00:0c:29:aa:bb:cc", "00:0c:29:aa:bb:cd"),
    )
    .unwrap();
    let o = check();
    assert!(!o.status.success());
    let found = codes(&o);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found.iter().all(|(c, _)| c == "J010"), "{found:?}");
    assert!(found[0].1.contains("10.20.3.32") || found[1].1.contains("10.20.3.32"));
    assert!(
        found.iter().any(|(_, m)| m.contains("0:c:29:aa:bb:cd")),
        "{found:?}"
    );
}
