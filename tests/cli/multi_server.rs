//! CLI tests of multi-server sites (`servers:`, docs/multi-server.md): per-server files,
//! coverage and role problems at their line:column, replica digests, the one-server layout
//! unchanged, and a client deployed from its boot server's replica on zfs-fuse, natively
//! and by the generated loadzfs under every shell.

use std::path::{Path, PathBuf};

use super::support::{HOST, finish_natively_command};
use assert_cmd::Command;
use zflash_runtime::testpool::{Shell, TestPool, file_tree, require_zfs, write_manifest};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn zflash() -> Command {
    Command::cargo_bin("zflash").unwrap()
}

fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Generate `site` into a new directory `js` beside it.
fn generate(site: &Path) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let js = tmp.path().join("js");
    zflash()
        .arg("generate")
        .arg(site)
        .arg("-o")
        .arg(&js)
        .assert()
        .success();
    (tmp, js)
}

/// The site problems of `text` (`generate --format json`): `(code, line, column, message)`.
fn problems(text: &str) -> Vec<(String, u64, u64, String)> {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site.yaml");
    std::fs::write(&site, text).unwrap();
    let out = zflash()
        .args(["generate", "--plan", "--format", "json"])
        .arg(&site)
        .arg("-o")
        .arg(tmp.path().join("js"))
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    let found: Vec<_> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        out.status.code(),
        Some(if found.is_empty() { 0 } else { 1 }),
        "{found:?}"
    );
    assert!(!tmp.path().join("js").exists(), "nothing is written");
    found
}

/// A two-subnet site: js01 (install, boot 10.1.1.0/24, config), bs02 (boot 10.1.2.0/24),
/// with `servers_extra` lines added under `servers:` and `clients` as the clients.
fn site_text(servers_extra: &str, archive_extra: &str, clients: &str) -> String {
    format!(
        "version: 1\n\
         servers:\n\
         \x20 js01:\n\
         \x20   ip: 10.1.1.5\n\
         \x20   roles: [install, boot, config]\n\
         \x20   networks: [10.1.1.0/24]\n\
         \x20   images: {{sparc: /export/install/s10u6-sparc}}\n\
         \x20   release: 10/08\n\
         \x20   config_dir: /export/jumpstart\n\
         \x20 bs02:\n\
         \x20   ip: 10.1.2.5\n\
         \x20   roles: [boot]\n\
         \x20   networks: [10.1.2.0/24]\n\
         \x20   images: {{sparc: /export/boot/s10u6-sparc}}\n\
         {servers_extra}\
         archives:\n\
         \x20 gold:\n\
         \x20   location: js01:/export/flash/gold.zfs.gz\n\
         {archive_extra}\
         defaults:\n\
         \x20 sysidcfg: {{timezone: GMT, root_password: Xy3kP0qLm9ZbA, network_interface: {{netmask: 255.255.255.0}}}}\n\
         classes:\n\
         \x20 desk: {{archive: gold}}\n\
         clients:\n\
         {clients}"
    )
}

const TWO_CLIENTS: &str = "  - {hostname: ws1, mac: \"8:0:20:0:0:1\", ip: 10.1.1.11}\n  - {hostname: ws2, mac: \"8:0:20:0:0:2\", ip: 10.1.2.11}\n";

#[test]
fn multi_server_example_gives_each_server_its_own_files_and_checks_clean() {
    let (_tmp, js) = generate(&repo().join("fixtures/examples/site-multi.yaml"));
    // `check` writes rules.ok only when everything is clean: it is up to date.
    zflash()
        .arg("check")
        .arg(&js)
        .assert()
        .success()
        .stdout(predicates::str::contains("no problems found"))
        .stderr(predicates::str::contains("rules.ok is up to date"));

    // js01 boots 10.1.1.0/24, bs02 10.1.2.0/24: each server's files list its own clients.
    let js01 = read(&js, "server/js01/bootparams");
    let bs02 = read(&js, "server/bs02/bootparams");
    assert!(js01.starts_with("# bootparams entries for js01:/etc/bootparams"));
    assert!(bs02.starts_with("# bootparams entries for bs02:/etc/bootparams"));
    assert!(bs02.contains("these lines belong on bs02 only"), "{bs02}");
    assert!(js01.contains("\nws101 ") && js01.contains("\nws102 ") && !js01.contains("ws201"));
    assert!(bs02.contains("\nws201 ") && bs02.contains("\nws202 ") && !bs02.contains("ws101"));
    // x86 clients boot by PXE: not in bootparams.
    assert!(!js01.contains("pc101") && !bs02.contains("pc201"));
    // bs02 boots its clients from its own boot image; the install image, sysidcfg and
    // JumpStart directory are js01's.
    assert!(bs02.contains(
        "ws201 root=bs02:/export/boot/s10u6-sparc/Solaris_10/Tools/Boot install=js01:/export/install/s10u6-sparc boottype=:in sysid_config=js01:/export/jumpstart/sysidcfg/ws201 install_config=js01:/export/jumpstart rootopts=:rsize=8192"
    ), "{bs02}");

    let add = read(&js, "server/bs02/add_install_client");
    assert!(add.contains("Run as root on the boot server bs02"), "{add}");
    // One image per architecture: each client's command runs from its architecture's
    // boot image, and -s names the install image of its architecture.
    let sparc_cd = add
        .find("cd \"/export/boot/s10u6-sparc/Solaris_10/Tools\"")
        .unwrap();
    let x86_cd = add
        .find("cd \"/export/boot/s10u6-x86/Solaris_10/Tools\"")
        .unwrap();
    let ws201 = add.find("\"ws201\" \"sun4u\"").unwrap();
    let pc201 = add.find("-e \"0:c:29:a1:2:1\"").unwrap();
    assert!(
        sparc_cd < ws201 && ws201 < x86_cd && x86_cd < pc201,
        "{add}"
    );
    assert!(add.contains(
        "./add_install_client -d -e \"0:c:29:a1:2:1\" -s \"js01:/export/install/s10u6-x86\" -c \"js01:/export/jumpstart\" -p \"js01:/export/jumpstart/sysidcfg/pc201\" i86pc"
    ), "{add}");
    assert!(add.contains(
        "-s \"js01:/export/install/s10u6-sparc\" -c \"js01:/export/jumpstart\" -p \"js01:/export/jumpstart/sysidcfg/ws201\" \"ws201\" \"sun4u\""
    ), "{add}");
    assert!(!add.contains("ws101") && !add.contains("pc101"));

    // ethers and hosts: the server's clients; bs02's hosts also names js01, which its
    // bootparams send the clients to.
    let ethers = read(&js, "server/bs02/ethers");
    assert!(ethers.contains("8:0:20:a1:2:1 ws201") && !ethers.contains("ws101"));
    let hosts = read(&js, "server/bs02/hosts");
    assert!(hosts.contains("\n10.1.2.101 ws201\n") && hosts.contains("\n10.1.1.5 js01\n"));
    assert!(!hosts.contains("ws101"), "{hosts}");
    assert!(!read(&js, "server/js01/hosts").contains("bs02"));
    // The DHCP configuration of bs02's x86 client: bs02 is its TFTP (boot) server.
    let dhcpd = read(&js, "server/bs02/dhcpd.conf");
    assert!(dhcpd.contains("next-server 10.1.2.5;") && dhcpd.contains("SinstNM \"js01\""));
    // The site-wide table the finish scripts read a client's name from.
    let all = read(&js, "server/hosts");
    assert!(all.contains("10.1.1.101 ws101") && all.contains("10.1.2.101 ws201"));
    // No flat one-server fragments in a multi-server directory.
    for flat in [
        "server/bootparams",
        "server/ethers",
        "server/add_install_client",
    ] {
        assert!(!js.join(flat).exists(), "{flat}");
    }

    // Replicas: bs02's clients read bs02's copy (deploy config, rules → its own scripts);
    // js01's the archive's own location.
    let ws201 = read(&js, "deploy/ws201.yaml");
    assert!(
        ws201.contains("\narchive: bs02:/export/flash/golden.zfs.gz\n"),
        "{ws201}"
    );
    // The archive's digest, for the copy too.
    assert!(ws201.contains(
        "bs02:/export/flash/golden.zfs.gz: 9b74c9897bac770ffc029102a200c5de0f66e2a32e5ea6b6f3f1d7e4c1c2d8a1"
    ));
    assert!(
        read(&js, "deploy/ws101.yaml").contains("\narchive: js01:/export/flash/golden.zfs.gz\n")
    );
    let rules = read(&js, "rules");
    assert!(rules.contains("hostname ws201  -  profiles/desktop  finish/bs02/desktop.native"));
    assert!(rules.contains("hostname ws101  -  profiles/desktop  finish/desktop.native"));
    assert!(rules.contains("hostname pc201  -  profiles/pc  finish/bs02/pc.loadzfs"));
    let loadzfs = read(&js, "finish/bs02/pc.loadzfs");
    assert!(loadzfs.contains("zf_mount_nfs 'bs02:/export/flash'"));
    assert!(!loadzfs.contains("js01:/export/flash"));
    assert!(read(&js, "finish/pc.loadzfs").contains("zf_mount_nfs 'js01:/export/flash'"));
    // The native wrapper falls back to the loadzfs reading the same copy.
    assert!(
        read(&js, "finish/bs02/desktop.native")
            .contains("\"${SI_CONFIG_DIR}/finish/bs02/desktop.loadzfs\"")
    );
}

/// `check` lints each boot server's bootparams as it does the one-server `server/bootparams`:
/// a typo in one (as a hand edit would make) is a finding at that file and line.
#[test]
fn check_lints_each_boot_servers_bootparams() {
    let (_tmp, js) = generate(&repo().join("fixtures/examples/site-multi.yaml"));
    let path = js.join("server/bs02/bootparams");
    let text = read(&js, "server/bs02/bootparams");
    let line = text.lines().position(|l| l.starts_with("ws202 ")).unwrap() + 1;
    std::fs::write(&path, text.replacen("ws202 root=", "ws202 rot=", 1)).unwrap();
    zflash()
        .args(["check", "--no-write"])
        .arg(&js)
        .assert()
        .code(1)
        .stdout(predicates::str::contains(format!(
            "{}:{line}:",
            path.display()
        )))
        .stdout(predicates::str::contains("`rot`"));
}

/// A one-server site (`server:`) keeps the flat `server/` layout and one loadzfs per class.
#[test]
fn one_server_site_keeps_its_layout() {
    let (_tmp, js) = generate(&repo().join("fixtures/examples/site.yaml"));
    for f in [
        "server/bootparams",
        "server/ethers",
        "server/hosts",
        "server/add_install_client",
        "finish/lab.loadzfs",
        "finish/desktop.native",
    ] {
        assert!(js.join(f).is_file(), "{f}");
    }
    let dirs: Vec<String> = std::fs::read_dir(js.join("server"))
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(dirs, Vec::<String>::new());
    let finish: Vec<String> = std::fs::read_dir(js.join("finish"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(finish.len(), 3, "{finish:?}");
    let add = read(&js, "server/add_install_client");
    assert!(add.starts_with(
        "#!/bin/sh\n# Register every client of site.yaml with the install server js01.\n"
    ));
}

#[test]
fn a_client_no_boot_server_serves_is_a_problem_at_its_address() {
    let clients =
        format!("{TWO_CLIENTS}  - {{hostname: ws3, mac: \"8:0:20:0:0:3\", ip: 10.1.3.11}}\n");
    let found = problems(&site_text("", "", &clients));
    assert_eq!(found.len(), 1, "{found:?}");
    let (code, line, column, message) = &found[0];
    assert_eq!((code.as_str(), *line, *column), ("Y201", 25, 46));
    assert!(
        message.contains("no boot server serves its address 10.1.3.11 (served: 10.1.1.0/24 on js01, 10.1.2.0/24 on bs02)"),
        "{message}"
    );
}

#[test]
fn a_client_whose_architecture_has_no_image_is_a_problem_at_its_arch() {
    // An x86 client on bs02's network: neither bs02 (boot) nor js01 (install) has an
    // i386 image.
    let clients = format!(
        "{TWO_CLIENTS}  - {{hostname: pc1, mac: \"0:c:29:0:0:1\", ip: 10.1.2.50, arch: i386}}\n"
    );
    let text = site_text("", "", &clients)
        .replace("defaults:\n", "defaults:\n  class: desk\n")
        .replace(
            "  desk: {archive: gold}\n",
            "  desk: {archive: gold}\n  pc: {archive: gold}\n",
        )
        .replace("arch: i386}", "arch: i386, class: pc}");
    let found = problems(&text);
    // Both at the client's `arch`.
    let line = text.lines().position(|l| l.contains("pc1")).unwrap();
    let column = text.lines().nth(line).unwrap().find("i386").unwrap() as u64 + 1;
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found
            .iter()
            .all(|p| (p.0.as_str(), p.1, p.2) == ("Y201", line as u64 + 1, column)),
        "{found:?}"
    );
    assert!(found.iter().any(|p| p.3.contains(
        "client \"pc1\" is i386 and its boot server \"bs02\" has no i386 image (`images.i386`)"
    )));
    assert!(found.iter().any(|p| p.3.contains(
        "client \"pc1\" is i386 and no install server has an i386 image: add `images.i386` to an install server"
    )));
}

#[test]
fn named_servers_roles_networks_and_replicas_are_checked() {
    // A client naming an unknown boot server gets the nearest name.
    let clients = "  - {hostname: ws1, mac: \"8:0:20:0:0:1\", ip: 10.1.1.11, boot_server: bs2}\n";
    let found = problems(&site_text("", "", clients));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "Y102");
    assert!(
        found[0]
            .3
            .contains("unknown server \"bs2\" (servers: js01, bs02); did you mean `bs02`?"),
        "{found:?}"
    );

    // A boot server named explicitly serves a client on no listed network.
    let clients = "  - {hostname: ws1, mac: \"8:0:20:0:0:1\", ip: 10.1.3.11, boot_server: bs02}\n";
    assert_eq!(problems(&site_text("", "", clients)), []);

    // Overlapping networks, a bad CIDR, a second config server, a boot server without
    // images: each at its value.
    let extra = "  bs03: {ip: 10.1.3.5, roles: [boot, config], networks: [10.1.2.128/25, 10.1.4.0/33], config_dir: /export/js}\n";
    let found = problems(&site_text(extra, "", TWO_CLIENTS));
    let codes: Vec<(&str, u64)> = found.iter().map(|p| (p.0.as_str(), p.1)).collect();
    assert!(codes.contains(&("Y203", 15)), "{found:?}");
    assert!(codes.contains(&("Y101", 15)), "{found:?}");
    assert!(codes.contains(&("Y202", 15)), "{found:?}");
    assert!(
        found.iter().any(|p| {
            p.3.contains(
        "network 10.1.2.128/25 of boot server \"bs03\" overlaps 10.1.2.0/24 of boot server \"bs02\""
    )
        }),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|p| p.3.contains("prefix \"33\" is not 0 to 32")),
        "{found:?}"
    );
    assert!(
        found.iter().any(|p| p.3.contains("second config server")),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|p| p.3.contains("boot server \"bs03\" has no images")),
        "{found:?}"
    );

    // A network with host bits set says which network was meant.
    let found = problems(&site_text("", "", TWO_CLIENTS).replace("[10.1.2.0/24]", "[10.1.2.5/24]"));
    assert!(
        found
            .iter()
            .any(|p| p.0 == "Y101" && p.1 == 13 && p.3.contains("did you mean 10.1.2.0/24?")),
        "{found:?}"
    );

    // `server:` and `servers:` together.
    let text = site_text("", "", TWO_CLIENTS).replace(
        "servers:\n",
        "server: {hostname: js01, ip: 10.1.1.5, install_image: /export/install, release: 10/08, config_dir: /export/js}\nservers:\n",
    );
    let found = problems(&text);
    assert!(
        found
            .iter()
            .any(|p| p.0 == "Y107" && p.1 == 2 && p.3.contains("`server` and `servers` together")),
        "{found:?}"
    );

    // A replica on an unknown server, and one whose location is another server's.
    let archive = "    replicas:\n      bs03: {location: \"bs03:/export/flash/gold.zfs.gz\"}\n      bs02: {location: \"js01:/export/flash/gold.zfs.gz\"}\n";
    let found = problems(&site_text("", archive, TWO_CLIENTS));
    assert!(
        found
            .iter()
            .any(|p| p.0 == "Y102" && p.1 == 19 && p.3.contains("did you mean `bs02`?")),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|p| p.0 == "Y101" && p.1 == 20 && p.3.contains("is not on \"bs02\"")),
        "{found:?}"
    );
}

#[test]
fn replica_digest_mismatch_is_a_problem_at_the_replica() {
    let archive = "    sha256: 9b74c9897bac770ffc029102a200c5de0f66e2a32e5ea6b6f3f1d7e4c1c2d8a1\n    replicas:\n      bs02:\n        location: bs02:/export/flash/gold.zfs.gz\n        sha256: 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03\n";
    let found = problems(&site_text("", archive, TWO_CLIENTS));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        (found[0].0.as_str(), found[0].1, found[0].2),
        ("Y204", 22, 17)
    );
    assert!(found[0].3.contains("has SHA-256 5891b5b5"), "{found:?}");
    // The same digest, or none (checked at install time), is fine.
    assert_eq!(
        problems(&site_text(
            "",
            &archive.replace(
                "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03",
                "9b74c9897bac770ffc029102a200c5de0f66e2a32e5ea6b6f3f1d7e4c1c2d8a1"
            ),
            TWO_CLIENTS
        )),
        []
    );
    // Two replicas disagreeing when the archive gives no digest: the second is refused.
    let archive = "    replicas:\n      bs02: {location: \"bs02:/f.zfs.gz\", sha256: 9b74c9897bac770ffc029102a200c5de0f66e2a32e5ea6b6f3f1d7e4c1c2d8a1}\n      js01: {location: \"js01:/f.zfs.gz\", sha256: 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03}\n";
    let found = problems(&site_text("", archive, TWO_CLIENTS));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].0.as_str(), found[0].1), ("Y204", 20));
    assert!(
        found[0].3.contains("the replica on \"bs02\"'s is 9b74"),
        "{found:?}"
    );
}

/// Replicas of increments: each file of the chain is read from the client's server when
/// it has a copy, else from its own location.
#[test]
fn increments_read_their_own_replicas() {
    let archive = "    replicas:\n      bs02: {location: \"bs02:/export/flash/gold.zfs.gz\"}\n    increments:\n      - location: js01:/export/flash/gold-p1.zfs.gz\n      - location: js01:/export/flash/gold-p2.zfs.gz\n        replicas:\n          bs02: {location: \"bs02:/export/flash/gold-p2.zfs.gz\"}\n";
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site.yaml");
    std::fs::write(&site, site_text("", archive, TWO_CLIENTS)).unwrap();
    let (_t, js) = generate(&site);
    let ws2 = read(&js, "deploy/ws2.yaml");
    assert!(
        ws2.contains("\narchive: bs02:/export/flash/gold.zfs.gz\n"),
        "{ws2}"
    );
    assert!(
        ws2.contains("increments:\n- js01:/export/flash/gold-p1.zfs.gz\n- bs02:/export/flash/gold-p2.zfs.gz\n"),
        "{ws2}"
    );
    let loadzfs = read(&js, "finish/bs02/desk.loadzfs");
    assert!(loadzfs.contains("zf_mount_nfs 'bs02:/export/flash'"));
    assert!(loadzfs.contains("zf_mount_nfs 'js01:/export/flash'"));
    assert!(
        read(&js, "rules").contains("hostname ws2  -  profiles/desk  finish/bs02/desk.loadzfs")
    );
    zflash()
        .args(["check", "--no-write"])
        .arg(&js)
        .assert()
        .success();
}

const INSTALLED: &str = "s10u6_req";

/// End to end on zfs-fuse: the client's boot server has a replica of the archive; the
/// archive's own location does not exist, so the deployment succeeds only by reading the
/// copy — natively (its deploy config) and by its server's loadzfs under every shell.
/// Each run writes the client's fleet report into the site's `reports:` directory, and
/// `zflash status` of the site shows it: `failed` at the step and with the message of the
/// primary's script (which cannot read the archive), then `done` after the replica's.
#[test]
fn a_client_deploys_from_its_boot_servers_replica() {
    if !require_zfs() {
        return;
    }
    let golden = TestPool::create("msgold", 96);
    let stream = golden.golden_stream("golden.zfs", 64);
    let manifest = write_manifest(&stream, "sparc", None);
    let site = |pool: &str, dir: &Path| {
        let text = format!(
            "version: 1\n\
             servers:\n\
             \x20 js: {{ip: 10.0.0.5, roles: [install, boot, config], networks: [10.0.0.0/24], images: {{sparc: /export/install}}, release: 1/13, config_dir: /export/js}}\n\
             \x20 bs2: {{ip: 10.0.1.5, roles: [boot], networks: [10.0.1.0/24], images: {{sparc: /export/boot}}}}\n\
             archives:\n\
             \x20 gold:\n\
             \x20   location: {missing}\n\
             \x20   manifest: {manifest}\n\
             \x20   replicas:\n\
             \x20     bs2: {{location: {stream}}}\n\
             defaults:\n  sysidcfg: {{timezone: GMT, root_password: Xy3kP0qLm9ZbA, network_interface: {{netmask: 255.255.255.0}}}}\n\
             classes:\n  desk:\n    archive: gold\n    profile: {{pool: {pool}, bename: {INSTALLED}}}\n    deploy: {{be: s10gold}}\n\
             clients:\n  - {{hostname: {HOST}, mac: '8:0:20:1:2:3', ip: 10.0.1.21}}\n  - {{hostname: other, mac: '8:0:20:1:2:4', ip: 10.0.0.22}}\n\
             reports: {reports}\n",
            reports = dir.join("reports").display(),
            missing = dir.join("primary/golden.zfs").display(),
            manifest = manifest.display(),
            stream = stream.display(),
        );
        let path = dir.join("site.yaml");
        std::fs::write(&path, text).unwrap();
        std::fs::create_dir(dir.join("reports")).unwrap();
        path
    };
    let state = |pool: &TestPool| {
        let state = pool
            .state()
            .replace(&pool.dir().display().to_string(), "TMP")
            .replace(&pool.name, "POOL");
        let be = format!("{}/ROOT/s10gold", pool.name);
        let root = pool.inspect_tree(&be);
        let files = file_tree(&root, &["var/sadm/system/logs/zflash-finish.log"]);
        pool.uninspect_tree(&be);
        (state, files)
    };

    let native = TestPool::miniroot("msnat", 128, INSTALLED);
    let tmp = tempfile::tempdir().unwrap();
    let (_keep, js) = generate(&site(&native.name, tmp.path()));
    assert!(read(&js, "rules").contains("finish/bs2/desk.loadzfs"));
    finish_natively_command(&js, &native.altroot)
        .arg("--quiet")
        .assert()
        .success();
    assert_eq!(native.bootfs(), format!("{}/ROOT/s10gold", native.name));
    let want = state(&native);
    // The archive's id: the SHA-256 of its bytes, as its manifest says.
    let manifest_json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&manifest).unwrap()).unwrap();
    let archive_id = format!("sha256:{}", manifest_json["sha256"].as_str().unwrap());
    let (code, view) = status(tmp.path());
    assert_eq!(code, 0, "{view}");
    assert_client(&view, "done", "native", &archive_id);

    for shell in Shell::all() {
        let pool = TestPool::miniroot(&format!("ms{}", shell.name()), 128, INSTALLED);
        let tmp = tempfile::tempdir().unwrap();
        let (_keep, js) = generate(&site(&pool.name, tmp.path()));
        let name = shell.name();
        // A loadzfs of the site run as JumpStart runs it for the client on this pool.
        let run_loadzfs = |script: &str| {
            shell
                .command()
                .arg(js.join(script))
                .env("SI_CONFIG_DIR", &js)
                .env("SI_HOSTNAME", HOST)
                .env("SI_ARCH", "sparc")
                .env("SI_KARCH", "sun4u")
                .env("ZFLASH_ALTROOT", &pool.altroot)
                .output()
                .unwrap()
        };
        // The primary's script reads the (missing) primary location: it fails before any
        // change (so the replica's script, next, is the one that reads the copy).
        let before = pool.state();
        let out = run_loadzfs("finish/desk.loadzfs");
        assert!(!out.status.success(), "{name}");
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(said.contains("primary/golden.zfs"), "{name}: {said}");
        assert_eq!(pool.state(), before, "{name}");
        // The failure is in the fleet report, and status says so (exit 1).
        let (code, view) = status(tmp.path());
        assert_eq!(code, 1, "{name}: {view}");
        let client = assert_client(&view, "failed", "loadzfs", &archive_id);
        assert!(
            client["step"]["name"]
                .as_str()
                .is_some_and(|s| !s.is_empty()),
            "{name}: no failing step: {client}"
        );
        assert!(
            client["message"]
                .as_str()
                .is_some_and(|m| m.contains("primary/golden.zfs")),
            "{name}: the message does not say why: {client}"
        );
        let human = zflash()
            .args(["status", "--color", "never"])
            .arg(tmp.path().join("site.yaml"))
            .env("SOURCE_DATE_EPOCH", "4102444800")
            .output()
            .unwrap();
        let human = String::from_utf8_lossy(&human.stdout);
        let line = human
            .lines()
            .find(|l| l.contains(HOST))
            .unwrap_or_else(|| panic!("{name}: {HOST} not listed:\n{human}"));
        assert!(
            line.contains("failed") && line.contains(client["step"]["name"].as_str().unwrap()),
            "{name}: {line}"
        );
        let out = run_loadzfs("finish/bs2/desk.loadzfs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{name}: {stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            stdout.contains("verified"),
            "{name}: digest not checked:\n{stdout}"
        );
        assert_eq!(state(&pool), want, "{name}: differs from zflash finish");
        let (code, view) = status(tmp.path());
        assert_eq!(code, 0, "{name}: {view}");
        let client = assert_client(&view, "done", "loadzfs", &archive_id);
        assert_eq!(
            client["bytes_received"].as_u64(),
            Some(std::fs::metadata(&stream).unwrap().len()),
            "{name}: {client}"
        );
    }
}

/// `zflash status --format json` of the site in `dir` (reports from its `reports:`):
/// the exit code and the parsed view.
fn status(dir: &Path) -> (i32, serde_json::Value) {
    let out = zflash()
        .args(["status", "--format", "json"])
        .arg(dir.join("site.yaml"))
        .output()
        .unwrap();
    let view = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "status printed no JSON ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), view)
}

/// The client `HOST` of a status view is in `state`, written by `writer`, with the
/// archive's id; the client that was never installed is `not_started`; returns HOST's entry.
fn assert_client(
    view: &serde_json::Value,
    state: &str,
    writer: &str,
    archive_id: &str,
) -> serde_json::Value {
    let clients = view["clients"].as_array().expect("clients");
    let find = |host: &str| {
        clients
            .iter()
            .find(|c| c["client"] == host)
            .unwrap_or_else(|| panic!("{host} missing from {view}"))
            .clone()
    };
    let client = find(HOST);
    assert_eq!(client["state"], state, "{view}");
    assert_eq!(client["writer"], writer, "{view}");
    assert_eq!(client["be"], "s10gold", "{view}");
    assert_eq!(client["archive_id"], archive_id, "{view}");
    assert_eq!(find("other")["state"], "not_started", "{view}");
    assert_eq!(view["totals"]["clients"], 2, "{view}");
    assert_eq!(view["totals"][state], 1, "{view}");
    client
}
