//! Generator tests: snapshots of every generated file, `check` clean, bad input, the
//! Bourne-shell rules for the finish scripts, shellcheck, property test.

use std::path::{Path, PathBuf};
use std::process::Command;

use proptest::prelude::*;
use zflash_generator::{GenerateError, generate, output};
use zflash_parser::check::{CheckOptions, check_dir};
use zflash_runtime::testpool::Shell;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn site(name: &str) -> PathBuf {
    repo().join("fixtures/sites").join(name)
}

fn fixture_sites() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(repo().join("fixtures/sites"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    v.push(repo().join("fixtures/examples/site.yaml"));
    v.push(repo().join("fixtures/examples/site-multi.yaml"));
    v.sort();
    v
}

/// Write a generated directory and check it with the parser's `check_dir`, as
/// `zflash check DIR` does; returns the findings rendered one per line.
fn check_findings(dir: &Path) -> Vec<String> {
    let opts = CheckOptions {
        write_rules_ok: false,
        ..CheckOptions::default()
    };
    let report = check_dir(dir, &opts).expect("check runs");
    let mut found: Vec<String> = report
        .findings()
        .map(|(file, f)| format!("{}: {f:?}", file.path))
        .collect();
    // And the deploy configs, with the validation `zflash finish` applies (D101).
    if let Ok(entries) = std::fs::read_dir(dir.join("deploy")) {
        for e in entries {
            let path = e.unwrap().path();
            let report = zflash_generator::deploy_check::check_file(&path).unwrap();
            found.extend(
                report
                    .findings
                    .iter()
                    .map(|f| format!("{}: {f:?}", report.path)),
            );
        }
    }
    found
}

#[test]
fn every_fixture_site_generates_a_directory_that_checks_clean() {
    for path in fixture_sites() {
        let files = generate(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("js");
        output::write(&out, &files, false).unwrap();
        let findings = check_findings(&out);
        assert!(
            findings.is_empty(),
            "{}:\n{}",
            path.display(),
            findings.join("\n")
        );
        // rules.ok is byte-identical to what check derives.
        let rules = std::fs::read(out.join("rules")).unwrap();
        assert_eq!(
            std::fs::read(out.join("rules.ok")).unwrap(),
            zflash_parser::rules::derive_rules_ok(&rules)
        );
    }
}

#[test]
fn snapshots_of_every_generated_file() {
    for path in fixture_sites() {
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let files = generate(&path).unwrap();
        for (rel, file) in &files {
            let name = format!("{stem}__{}", rel.replace(['/', '.'], "_"));
            let text = format!(
                "mode: {:o}\n---\n{}",
                file.mode,
                String::from_utf8(file.bytes.clone()).unwrap()
            );
            insta::assert_snapshot!(name, text);
        }
    }
}

/// The seed's profile, less `system_type standalone`: it is the default, and not among the
/// keywords the ZFS-root profile documentation lists (jumpstart-formats §3.5).
#[test]
fn default_class_profile_is_the_seed_profile() {
    let files = generate(&site("minimal.yaml")).unwrap();
    let profile = String::from_utf8(files["profiles/s10u6"].bytes.clone()).unwrap();
    let body: Vec<&str> = profile
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .map(|w| Box::leak(w.join(" ").into_boxed_str()) as &str)
        .collect();
    assert_eq!(
        body,
        [
            "install_type initial_install",
            "cluster SUNWCreq",
            "pool rpool auto auto auto mirror c0t0d0s0 c0t1d0s0",
            "bootenv installbe bename s10u6_req",
        ]
    );
}

#[test]
fn same_input_same_bytes() {
    for path in fixture_sites() {
        assert_eq!(generate(&path).unwrap(), generate(&path).unwrap());
    }
}

#[test]
fn sysidcfg_is_private_and_scripts_are_readable() {
    let files = generate(&site("mixed.yaml")).unwrap();
    for (rel, f) in &files {
        if rel.starts_with("sysidcfg/") {
            assert_eq!(f.mode, 0o600, "{rel}");
        }
    }
    assert_eq!(files["server/add_install_client"].mode, 0o755);
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("js");
    output::write(&out, &files, false).unwrap();
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(out.join("sysidcfg/web01/sysidcfg"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}

/// Every case of `fixtures/sites/bad`: the exact list of problems, each at the line:column
/// of the value (or key) that is wrong, every problem of the file in one run.
#[test]
fn bad_sites_report_every_problem_with_path_line_and_column() {
    let cases: &[(&str, &[(&str, &str)])] = &[
        (
            "unknown-key.yaml",
            &[("20:5", "unknown key `colour` in classes.desk")],
        ),
        (
            "duplicates.yaml",
            &[
                ("24:15", "duplicate host name \"WS1\""),
                ("25:10", "duplicate MAC address"),
                ("26:9", "duplicate IP address \"10.1.1.11\""),
            ],
        ),
        (
            "malformed.yaml",
            &[
                ("22:18", "invalid netmask \"255.0.255.0\""),
                ("25:10", "invalid MAC address"),
                ("26:9", "invalid IP address"),
                ("28:10", "(unicast) address"),
            ],
        ),
        (
            "unknown-class.yaml",
            &[("24:12", "unknown class \"laptop\"")],
        ),
        (
            "metacharacters.yaml",
            &[
                ("10:15", "invalid location of archive \"a\""),
                ("21:12", "invalid boot environment name \"gold;rm -rf /\""),
                ("23:16", "contains the shell metacharacter `$`"),
                ("26:16", "\"ws2\\nws3\" (contains a newline)"),
                ("33:17", "timezone \"../../etc/passwd\" contains `..`"),
            ],
        ),
        ("syntax.yaml", &[("22:10", "expected a string")]),
        (
            "every-section.yaml",
            &[
                ("6:7", "invalid server IP address \"10.1.1.05\""),
                ("13:13", "invalid sha256 of archive \"a\""),
                ("24:25", "\"c0t1d0\" (a whole disk"),
                ("26:22", "root_password is not a crypt(3) hash"),
                ("28:14", "unknown archive \"b\""),
                ("30:25", "\"c0t1d0\" (a whole disk"),
                (
                    "35:11",
                    "unknown arch \"x86\": expected one of sparc, i386; did you mean `i386`?",
                ),
                ("40:11", "unknown arch \"x86\""),
                ("42:14", "memsize expects a size"),
                ("48:15", "locale \"-rf\" starts with `-`"),
            ],
        ),
        (
            "shape-and-value.yaml",
            &[
                (
                    "4:11",
                    "version: invalid type: string \"1\", expected a whole number",
                ),
                (
                    "14:18",
                    "archives.a.compression: unknown value \"gz\": expected one of `none`, `gzip`, `zstd`",
                ),
                (
                    "21:22",
                    "protocol_ipv6: invalid type: string \"yes\", expected `true` or `false`",
                ),
                (
                    "26:14",
                    "classes.desk.deploy.hooks: invalid type: string \"motd\", expected a list",
                ),
                ("30:9", "invalid IP address of \"ws1\" \"10.1.1.300\""),
                ("31:5", "clients[1]: missing required key `mac`"),
                (
                    "33:62",
                    "`mac` is inside the braces `{…}` of clients[2].sysidcfg, which has no such key, and clients[2] lacks it",
                ),
                (
                    "34:15",
                    "clients[3].hostname: invalid type: sequence, expected a string",
                ),
                ("37:11", "unknown arch \"x86\""),
            ],
        ),
        (
            "duplicate-keys.yaml",
            &[
                ("13:3", "duplicate key `a`: already given at line 11"),
                (
                    "27:9",
                    "duplicate key `compression`: already given at line 26",
                ),
                ("32:5", "duplicate key `ip`: already given at line 31"),
            ],
        ),
    ];
    let listed: Vec<String> = std::fs::read_dir(repo().join("fixtures/sites/bad"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    for name in &listed {
        assert!(
            cases.iter().any(|(n, _)| n == name),
            "fixtures/sites/bad/{name} has no case here"
        );
    }
    for (name, wants) in cases {
        let path = site(&format!("bad/{name}"));
        let errors = match generate(&path) {
            Err(GenerateError::Site(e)) => e,
            other => panic!("{name}: expected site errors, got {other:?}"),
        };
        let got: Vec<String> = errors
            .problems
            .iter()
            .map(|p| {
                format!(
                    "{}:{}: {}",
                    p.line.expect("every problem has a line"),
                    p.column.expect("every problem has a column"),
                    p.message
                )
            })
            .collect();
        assert_eq!(got.len(), wants.len(), "{name}:\n{}", got.join("\n"));
        for (got, (at, text)) in got.iter().zip(*wants) {
            assert!(
                got.starts_with(&format!("{at}: ")) && got.contains(text),
                "{name}: want {at}: …{text}…, got {got}"
            );
        }
        let shown = errors.to_string();
        assert!(shown.contains(&path.display().to_string()), "{shown}");
    }
}

/// Shape and value mistakes together, as the user sees them (codes, excerpts): the rendered
/// report of `fixtures/sites/bad/shape-and-value.yaml`.
#[test]
fn shape_and_value_mistakes_render_like_check_findings() {
    let path = site("bad/shape-and-value.yaml");
    let mut errors = match generate(&path) {
        Err(GenerateError::Site(e)) => e,
        other => panic!("expected site errors, got {other:?}"),
    };
    errors.path = PathBuf::from("fixtures/sites/bad/shape-and-value.yaml");
    let report = zflash_parser::check::CheckReport {
        files: vec![errors.report()],
        files_checked: 1,
        rules_ok: Vec::new(),
    };
    let text = zflash_parser::render::render(
        &report,
        zflash_parser::render::Format::Human,
        &zflash_parser::render::RenderOptions::default(),
    );
    insta::assert_snapshot!("shape_and_value_human", text);
}

#[test]
fn zstd_archive_with_the_shell_finish_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("zstd.yaml");
    let text = std::fs::read_to_string(site("minimal.yaml"))
        .unwrap()
        .replace("s10s_u6wos_07_flar.zfs", "s10s_u6wos_07_flar.zfs.zst");
    std::fs::write(&p, text).unwrap();
    let err = generate(&p).unwrap_err().to_string();
    assert!(
        err.contains("zstd.yaml:15:14: class \"s10u6\": archive \"flar\" is zstd-compressed"),
        "{err}"
    );
    assert!(err.contains("finish: native"), "{err}");
}

/// A site-file typo that would make the generated sysidcfg fail `check` is a site-file
/// problem (exit 1, with its line and a suggestion), not a failed self-check.
#[test]
fn unknown_timezone_is_a_site_problem_with_a_suggestion() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("tz.yaml");
    let text = std::fs::read_to_string(site("minimal.yaml"))
        .unwrap()
        .replace("timezone: US/Central", "timezone: US/Centrl");
    std::fs::write(&p, text).unwrap();
    match generate(&p) {
        Err(GenerateError::Site(e)) => {
            let text = e.to_string();
            assert!(
                text.contains("tz.yaml:22:15: unknown timezone \"US/Centrl\""),
                "{text}"
            );
            assert!(text.contains("did you mean `US/Central`?"), "{text}");
        }
        other => panic!("expected a site problem, got {other:?}"),
    }
}

/// Addresses a client cannot have: the install server's IP address or host name (a
/// copy-paste slip), the network or broadcast address of its own network. Each is a site
/// problem at the client's line and column.
#[test]
fn server_and_network_addresses_are_refused_for_a_client() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("addr.yaml");
    let minimal = std::fs::read_to_string(site("minimal.yaml")).unwrap();
    let cases = [
        (
            ("ip: 192.168.10.21", "ip: 192.168.10.5"),
            "addr.yaml:29:9: client \"clone01\": IP address 192.168.10.5 is the install server's",
        ),
        (
            ("hostname: clone01", "hostname: JS-Server"),
            "addr.yaml:27:15: client \"JS-Server\": host name is the install server's (\"js-server\")",
        ),
        (
            ("ip: 192.168.10.21", "ip: 192.168.10.255"),
            "addr.yaml:29:9: client \"clone01\": IP address 192.168.10.255 is the broadcast address of its network 192.168.10.0/24",
        ),
        (
            ("ip: 192.168.10.21", "ip: 192.168.10.0"),
            "addr.yaml:29:9: client \"clone01\": IP address 192.168.10.0 is the network address of its network 192.168.10.0/24",
        ),
    ];
    for ((from, to), want) in cases {
        let text = minimal.replace(from, to);
        assert_ne!(text, minimal);
        std::fs::write(&p, text).unwrap();
        match generate(&p) {
            Err(GenerateError::Site(e)) => {
                let text = e.to_string();
                assert!(text.contains(want), "{to}: missing {want:?} in:\n{text}");
            }
            other => panic!("{to}: expected a site problem, got {other:?}"),
        }
    }
}

/// Typical editor damage: a tab used for indentation is named as such, at its line and
/// column; a Windows-edited file (CRLF line ends, UTF-8 byte order mark) generates the
/// same files as the original.
#[test]
fn tabs_are_named_and_crlf_or_a_bom_change_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let minimal = std::fs::read_to_string(site("minimal.yaml")).unwrap();
    let p = tmp.path().join("minimal.yaml");
    std::fs::write(
        &p,
        minimal.replace("\n  ip: 192.168.10.5", "\n\tip: 192.168.10.5"),
    )
    .unwrap();
    match generate(&p) {
        Err(GenerateError::Site(e)) => {
            let text = e.to_string();
            assert!(
                text.contains("minimal.yaml:6:1: ")
                    && text.contains("(a tab: YAML indents with spaces only)"),
                "{text}"
            );
        }
        other => panic!("expected a site problem, got {other:?}"),
    }
    std::fs::write(&p, &minimal).unwrap();
    let want = generate(&p).unwrap();
    let windows = format!("\u{feff}{}", minimal.replace('\n', "\r\n"));
    std::fs::write(&p, windows).unwrap();
    let got = generate(&p).unwrap();
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>()
    );
    for (path, file) in &want {
        assert!(
            got[path] == *file,
            "{path} differs for a CRLF + BOM site file"
        );
    }
    // The same when the first line is a key, not a comment (the BOM right before `version`).
    let uncommented: String = minimal
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(uncommented.starts_with("version:"), "{uncommented}");
    std::fs::write(&p, &uncommented).unwrap();
    let want = generate(&p).unwrap();
    std::fs::write(&p, format!("\u{feff}{uncommented}")).unwrap();
    let got = generate(&p).unwrap();
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>()
    );
}

/// A client whose IP address is not on the network of its default route (a typo in the
/// ip, netmask or default_route) would come up unable to reach its router: a site
/// problem at the client's ip line, nothing written. On the router's network it passes.
#[test]
fn default_route_off_the_client_network_is_a_site_problem() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("route.yaml");
    let minimal = std::fs::read_to_string(site("minimal.yaml")).unwrap();
    let with_route = minimal.replace(
        "      netmask: 255.255.255.0\n",
        "      netmask: 255.255.255.0\n      default_route: 192.168.10.1\n",
    );
    assert_ne!(with_route, minimal);
    std::fs::write(&p, &with_route).unwrap();
    generate(&p).unwrap();
    std::fs::write(
        &p,
        with_route.replace("ip: 192.168.10.21", "ip: 192.168.11.21"),
    )
    .unwrap();
    match generate(&p) {
        Err(GenerateError::Site(e)) => {
            let text = e.to_string();
            assert!(
                text.contains("route.yaml:30:9: client \"clone01\": IP address 192.168.11.21 is not on the network of its default_route 192.168.10.1 (netmask 255.255.255.0, network 192.168.11.0/24)"),
                "{text}"
            );
        }
        other => panic!("expected a site problem, got {other:?}"),
    }
}

/// A value inherited by several clients is reported once, and an invalid
/// `defaults.class` is not repeated as "there is no defaults.class" for every client.
#[test]
fn shared_problems_are_reported_once() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("shared.yaml");
    let text = std::fs::read_to_string(site("minimal.yaml"))
        .unwrap()
        .replace("netmask: 255.255.255.0", "netmask: 255.255.0.255")
        .replace("defaults:\n", "defaults:\n  class: s10u7\n")
        .replace(
            "clients:\n",
            "clients:\n  - hostname: clone02\n    mac: 08:00:20:c0:ff:ef\n    ip: 192.168.10.22\n",
        );
    std::fs::write(&p, text).unwrap();
    let text = match generate(&p) {
        Err(GenerateError::Site(e)) => e.to_string(),
        other => panic!("expected site problems, got {other:?}"),
    };
    assert!(text.contains("2 problems"), "{text}");
    assert_eq!(text.matches("invalid netmask").count(), 1, "{text}");
    assert!(
        text.contains("shared.yaml:26:16: invalid netmask \"255.255.0.255\""),
        "{text}"
    );
    assert!(
        text.contains("shared.yaml:21:10: defaults.class \"s10u7\" is not a class"),
        "{text}"
    );
    assert!(!text.contains("there is no defaults.class"), "{text}");
}

/// A value of the wrong YAML type is explained in YAML terms, not with the Rust type name.
#[test]
fn wrong_yaml_type_names_no_rust_struct() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("type.yaml");
    let text = std::fs::read_to_string(site("minimal.yaml"))
        .unwrap()
        .replace("  sysidcfg:\n", "  sysidcfg: [timezone]\n");
    std::fs::write(&p, text).unwrap();
    let text = match generate(&p) {
        Err(GenerateError::Site(e)) => e.to_string(),
        other => panic!("expected a site problem, got {other:?}"),
    };
    assert!(
        text.contains(
            "type.yaml:21:13: defaults.sysidcfg: invalid type: sequence, expected a mapping of `key: value` lines"
        ),
        "{text}"
    );
    assert!(!text.contains("struct"), "{text}");
}

#[test]
fn increments_reach_the_deploy_config_and_the_receives() {
    let files = generate(&site("increments.yaml")).unwrap();
    let deploy = String::from_utf8(files["deploy/ws001.yaml"].bytes.clone()).unwrap();
    let cfg: zflash_runtime::config::DeployConfig =
        serde_yaml::from_str(&deploy).expect("the deploy config parses");
    let incs: Vec<String> = cfg.increments.iter().map(|i| i.to_string()).collect();
    assert_eq!(
        incs,
        [
            "js01:/export/flash/gold-p1.zfs.gz",
            "js02:/export/patches/gold-p2.zfs"
        ]
    );
    let script = String::from_utf8(files["finish/desktop.loadzfs"].bytes.clone()).unwrap();
    let receives: Vec<&str> = script
        .lines()
        .map(str::trim_start)
        .filter(|l| l.starts_with("zf_receive "))
        .collect();
    // The base: a recursive (`zfs send -R`) stream into the dataset, told at run time, or
    // a plain one into the snapshot; then the increments, with -F; each with the digest
    // the manifest gave at generate time, checked while it is received.
    // This site's image is 10/08, without `zfs receive -u`: a recursive base is
    // refused before the receive (no `-u` receive is rendered).
    assert_eq!(receives.len(), 3, "{receives:#?}");
    assert!(!script.contains(" -u 'rpool/ROOT/"), "{script}");
    assert!(
        script.contains("[ \"$zf_kind\" != compound ] || zf_fail")
            && script.contains("needs zfs receive -u, which Solaris 10 10/08"),
        "{script}"
    );
    assert!(
        receives[0].contains("\"$ZF_DIGEST_0\" 'rpool/ROOT/.zflash-tmp-s10u6_p2@flar' "),
        "{}",
        receives[0]
    );
    assert!(receives[1].contains("\"$ZF_DIGEST_1\" -F 'rpool/ROOT/.zflash-tmp-s10u6_p2@flar-1' "));
    assert!(receives[2].contains("\"$ZF_DIGEST_2\" -F 'rpool/ROOT/.zflash-tmp-s10u6_p2@flar-2' "));
    for (n, digest) in ["6f1ed002ab55", "0d4c5bd2a8b4", "9b74c9897bac"]
        .iter()
        .enumerate()
    {
        assert!(
            script.contains(&format!("ZF_SHA256_{n}='{digest}")),
            "{digest}"
        );
    }
}

/// The site's `sha256:` (or a manifest's digest) of each archive of the chain reaches the
/// deploy config as it reaches the loadzfs: both deploy paths check and record the same id;
/// an archive without a known digest has none in either.
#[test]
fn site_digests_reach_the_deploy_config_as_they_reach_the_loadzfs() {
    for (site_file, client, class, archives) in [
        ("increments.yaml", "ws001", "desktop", 3),
        ("mixed.yaml", "web01", "web", 1),
        ("mixed.yaml", "db01", "db", 1),
    ] {
        let files = generate(&site(site_file)).unwrap();
        let deploy =
            String::from_utf8(files[&format!("deploy/{client}.yaml")].bytes.clone()).unwrap();
        let cfg = zflash_runtime::config::DeployConfig::from_yaml(&deploy)
            .unwrap_or_else(|e| panic!("{site_file} {client}: {e}\n{deploy}"));
        assert_eq!(cfg.chain().len(), archives, "{deploy}");
        let script =
            String::from_utf8(files[&format!("finish/{class}.loadzfs")].bytes.clone()).unwrap();
        for n in 0..archives {
            let in_script = script
                .lines()
                .find_map(|l| l.strip_prefix(&format!("ZF_SHA256_{n}=")))
                .unwrap_or_else(|| panic!("no ZF_SHA256_{n} in {class}.loadzfs"))
                .trim_matches('\'');
            let in_config = cfg.expected_sha256(n).unwrap_or_default();
            assert_eq!(in_config, in_script, "{site_file} {client} archive {n}");
        }
    }
    // The site file's own `sha256:` (no manifest) is what both get.
    let files = generate(&site("mixed.yaml")).unwrap();
    let deploy = String::from_utf8(files["deploy/web01.yaml"].bytes.clone()).unwrap();
    assert!(
        deploy.contains(
            "sha256:\n  /cdrom/flash/web.zfs: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n"
        ),
        "{deploy}"
    );
    let db = String::from_utf8(files["deploy/db01.yaml"].bytes.clone()).unwrap();
    assert!(!db.contains("sha256"), "{db}");
}

#[test]
fn bad_increments_are_refused_with_their_line() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("inc.yaml");
    let text = std::fs::read_to_string(site("minimal.yaml")).unwrap().replace(
        "    location: js-server:/flashdirectory/s10s_u6wos_07_flar.zfs\n",
        "    location: js-server:/flashdirectory/s10s_u6wos_07_flar.zfs\n    increments:\n      \
         - location: js-server:/flashdirectory/../p1.zfs\n      \
         - location: js-server:/flashdirectory/s10s_u6wos_07_flar.zfs\n      \
         - location: /cdrom/p3.zfs.zst\n        sha256: abc\n",
    );
    std::fs::write(&p, text).unwrap();
    let err = generate(&p).unwrap_err().to_string();
    for want in [
        "inc.yaml:14:19: invalid location of increment 1 of archive \"flar\"",
        "inc.yaml:15:19: increment 2 of archive \"flar\": js-server:/flashdirectory/s10s_u6wos_07_flar.zfs is already in the chain",
        "inc.yaml:17:17: invalid sha256 of increment 3 of archive \"flar\"",
        "increment /cdrom/p3.zfs.zst of archive \"flar\" is zstd-compressed",
    ] {
        assert!(err.contains(want), "missing {want:?} in:\n{err}");
    }
}

/// Constructs Solaris 10 `/sbin/sh` lacks (jumpstart-formats.md §6.4).
fn bourne_violations(text: &str) -> Vec<String> {
    let mut bad = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let code = line.trim_start();
        if code.starts_with('#') {
            continue;
        }
        let checks: &[(&str, bool)] = &[
            ("$( )", line.contains("$(")),
            ("$(( ))", line.contains("$((")),
            ("[[", line.contains("[[")),
            (
                "local",
                code.starts_with("local ") || line.contains("; local "),
            ),
            ("${var#…}/${var%…}", has_param_op(line)),
            (
                "test -e",
                line.contains("test -e") || line.contains("[ -e "),
            ),
            (
                "! cmd",
                code.starts_with("! ")
                    || line.contains("&& ! ")
                    || line.contains("|| ! ")
                    || line.contains("if ! "),
            ),
            ("function", code.starts_with("function ")),
            (
                "export VAR=",
                code.starts_with("export ") && code.contains('='),
            ),
            ("source", code.starts_with("source ")),
            (
                "echo -n/-e",
                line.contains("echo -n") || line.contains("echo -e"),
            ),
        ];
        for (what, hit) in checks {
            if *hit {
                bad.push(format!("line {}: {what}: {line}", i + 1));
            }
        }
    }
    bad
}

fn has_param_op(line: &str) -> bool {
    let mut rest = line;
    while let Some(i) = rest.find("${") {
        let after = &rest[i + 2..];
        let end = after.find('}').unwrap_or(after.len());
        let inner = &after[..end];
        if inner.contains('#')
            || inner.contains('%')
            || inner.contains('/') && !inner.contains(":-")
        {
            return true;
        }
        rest = &after[end.min(after.len())..];
    }
    false
}

#[test]
fn bourne_scan_catches_what_it_must() {
    for bad in [
        "x=$(date)",
        "x=$((1+2))",
        "if [[ -f x ]]; then :; fi",
        "local x=1",
        "y=${x#pre}",
        "y=${x%suf}",
        "[ -e /x ]",
        "! grep x y",
    ] {
        assert!(!bourne_violations(bad).is_empty(), "not caught: {bad}");
    }
    assert!(bourne_violations("x=`date`\ny=${x:-/a}\nif [ -f \"$x\" ]; then :; fi").is_empty());
}

#[test]
fn finish_scripts_use_only_solaris_10_bourne_shell() {
    for path in fixture_sites() {
        let files = generate(&path).unwrap();
        for (rel, f) in files.iter().filter(|(r, _)| r.starts_with("finish/")) {
            let text = String::from_utf8(f.bytes.clone()).unwrap();
            let bad = bourne_violations(&text);
            assert!(
                bad.is_empty(),
                "{} {rel}:\n{}",
                path.display(),
                bad.join("\n")
            );
        }
    }
}

fn require_tool(tool: &str) -> bool {
    let ok = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "{tool} is missing under CI: run scripts/setup"
        );
        eprintln!("SKIPPED: {tool} is not installed (scripts/setup installs it)");
    }
    ok
}

#[test]
fn generated_scripts_are_shellcheck_clean() {
    if !require_tool("shellcheck") {
        return;
    }
    for path in fixture_sites() {
        let files = generate(&path).unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("js");
        output::write(&out, &files, false).unwrap();
        let scripts: Vec<PathBuf> = files
            .keys()
            .filter(|r| {
                r.starts_with("finish/") || *r == "server/add_install_client" || *r == "server/dhcp"
            })
            .map(|r| out.join(r))
            .collect();
        let o = Command::new("shellcheck")
            .args(["-s", "sh"])
            .args(&scripts)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{}:\n{}",
            path.display(),
            String::from_utf8_lossy(&o.stdout)
        );
    }
}

#[test]
fn example_with_600_clients_generates_and_checks_clean() {
    let path = repo().join("fixtures/examples/site-600.yaml");
    let files = generate(&path).unwrap();
    assert_eq!(
        files.keys().filter(|k| k.starts_with("sysidcfg/")).count(),
        600
    );
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("js");
    output::write(&out, &files, false).unwrap();
    let findings = check_findings(&out);
    assert!(findings.is_empty(), "{}", findings.join("\n"));
}

#[test]
fn rewrite_plans_changes_and_removes_dropped_clients() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("js");
    let files = generate(&repo().join("fixtures/examples/site.yaml")).unwrap();
    output::write(&out, &files, false).unwrap();
    let again = output::plan(&out, &files).unwrap();
    assert!(
        again
            .iter()
            .all(|c| c.kind == output::ChangeKind::Unchanged),
        "{again:?}"
    );
    // Drop client lab01 (the last one) and its class's only client.
    let text = std::fs::read_to_string(repo().join("fixtures/examples/site.yaml")).unwrap();
    let cut = text.find("  - hostname: lab01").unwrap();
    let site2 = tmp.path().join("site.yaml");
    std::fs::write(&site2, &text[..cut]).unwrap();
    let files2 = generate(&site2).unwrap();
    let plan = output::plan(&out, &files2).unwrap();
    let removed: Vec<&str> = plan
        .iter()
        .filter(|c| c.kind == output::ChangeKind::Remove)
        .map(|c| c.path.as_str())
        .collect();
    assert_eq!(removed, ["deploy/lab01.yaml", "sysidcfg/lab01/sysidcfg"]);
    assert!(
        plan.iter()
            .any(|c| c.path == "rules" && c.kind == output::ChangeKind::Change)
    );
    output::write(&out, &files2, false).unwrap();
    assert!(!out.join("sysidcfg/lab01").exists());
    assert!(
        output::plan(&out, &files2)
            .unwrap()
            .iter()
            .all(|c| c.kind == output::ChangeKind::Unchanged)
    );
}

#[test]
fn foreign_directory_is_refused_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("precious"), "x").unwrap();
    let files = generate(&site("minimal.yaml")).unwrap();
    let err = output::write(tmp.path(), &files, false).unwrap_err();
    assert!(matches!(err, GenerateError::ForeignOutput { .. }), "{err}");
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
    output::write(tmp.path(), &files, true).unwrap();
    assert!(tmp.path().join("precious").exists());
    assert!(tmp.path().join("rules.ok").exists());
}

fn arb_site() -> impl Strategy<Value = String> {
    let client = (
        "[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,4})?",
        any::<[u8; 6]>(),
        any::<u16>(),
        prop::bool::ANY,
        0usize..2,
    );
    (
        prop::collection::vec(client, 1..12),
        prop::bool::ANY,
        prop::collection::vec("c[0-9]t[0-9A-F]{1,4}d[0-9]s[0-7]", 1..3),
        prop::sample::select(vec!["auto", "8g", "4096", "existing"]),
        // 0: the one-server form; else that many boot servers (`servers:`), the clients'
        // networks dealt out among them, each with a replica of archive b.
        0usize..4,
    )
        .prop_map(|(clients, by_ip, disks, pool_size, boot_servers)| {
            let mut seen = std::collections::HashSet::new();
            let mut s = format!(
                "version: 1\nserver: {{hostname: js, ip: 10.0.0.1, install_image: /export/img, release: 10/08, config_dir: /export/js}}\n\
                 archives: {{a: {{location: /flash/a.zfs}}, b: {{location: 'js:/flash/b.zfs.gz'}}}}\n\
                 defaults:\n  match_by: {}\n  sysidcfg: {{timezone: GMT, root_password: Xy3kP0qLm9ZbA, network_interface: {{netmask: 255.255.0.0}}}}\n\
                 classes:\n  c0: {{archive: a, profile: {{disks: [{disks}], pool_size: {pool_size}}}}}\n  c1: {{archive: b, finish: native}}\n\
                 \x20 c2: {{archive: a, profile: {{disks: [{disks}], pool_size: {pool_size}}}}}\n  c3: {{archive: b, finish: native}}\nclients:\n",
                if by_ip { "hostaddress" } else { "hostname" },
                disks = disks.iter().cloned().collect::<std::collections::BTreeSet<_>>().into_iter().collect::<Vec<_>>().join(", ")
            );
            for (i, (host, mac, ip, sparc, class)) in clients.into_iter().enumerate() {
                if !seen.insert(host.clone()) {
                    continue;
                }
                // A card's own address: unicast (low bit of the first byte clear) and
                // never all zeros (the locally administered bit set).
                let mut mac = mac;
                mac[0] = (mac[0] & 0xfe) | 0x02;
                let mac = mac.iter().map(|b| format!("{b:x}")).collect::<Vec<_>>().join(":");
                let mac = format!("{mac}{}", "");
                let karch = if sparc { "sun4u" } else { "i86pc" };
                // One platform per class: SPARC clients in c0/c1, x86 ones in c2/c3.
                let class = if sparc { class } else { class + 2 };
                // A host address of the client's /16: neither its network (x.x.0.0) nor
                // its broadcast address (x.x.255.255), both refused by the validator.
                let ip = 1 + ip % 0xfffe;
                s.push_str(&format!(
                    "  - {{hostname: {host}, mac: '{}:{i:x}', ip: 10.{}.{}.{}, karch: {karch}, class: c{class}}}\n",
                    &mac[..mac.rfind(':').unwrap()],
                    1 + i,
                    ip >> 8,
                    ip & 0xff
                ));
            }
            if boot_servers > 0 {
                let mut servers = String::from(
                    "servers:\n  js: {ip: 10.0.0.1, roles: [install, config], images: {sparc: /export/img-sparc, i386: /export/img-x86}, release: 10/08, config_dir: /export/js}\n",
                );
                let mut replicas = String::new();
                for b in 1..=boot_servers {
                    let networks: Vec<String> = (1..=12)
                        .filter(|n| n % boot_servers == b - 1)
                        .map(|n| format!("10.{n}.0.0/16"))
                        .collect();
                    servers.push_str(&format!(
                        "  b{b}: {{ip: 10.0.0.{}, roles: [boot], networks: [{}], images: {{sparc: /export/boot-sparc, i386: /export/boot-x86}}}}\n",
                        1 + b,
                        networks.join(", ")
                    ));
                    replicas.push_str(&format!("b{b}: {{location: 'b{b}:/flash/b.zfs.gz'}}, "));
                }
                let one = s.lines().nth(1).unwrap().to_string() + "\n";
                s = s.replacen(&one, &servers, 1).replacen(
                    "location: 'js:/flash/b.zfs.gz'}",
                    &format!("location: 'js:/flash/b.zfs.gz', replicas: {{{replicas}}}}}"),
                    1,
                );
            }
            s
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn generated_directories_always_check_clean(text in arb_site()) {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("site.yaml");
        std::fs::write(&p, &text).unwrap();
        let files = generate(&p).unwrap_or_else(|e| panic!("{e}\n{text}"));
        // A multi-server site: its boot servers' own files, its clients reading replicas.
        if text.contains("\nservers:") {
            prop_assert!(files.keys().any(|k| k.starts_with("server/b")), "{}", text);
            prop_assert!(!files.contains_key("server/bootparams"));
            if text.contains("class: c1}") || text.contains("class: c3}") {
                prop_assert!(files.keys().any(|k| k.starts_with("finish/b")), "{}", text);
            }
        }
        let out = tmp.path().join("js");
        output::write(&out, &files, false).unwrap();
        let findings = check_findings(&out);
        prop_assert!(findings.is_empty(), "{}\n{}", findings.join("\n"), text);
    }
}

/// The generated `zf_retry` (around every zfs/zpool/umount the script runs) retries a
/// command that answers "busy", as zflash finish does, and gives up at once on any other
/// failure. Run under posh, dash and the Solaris 10 shell with a stand-in command that
/// fails a set number of times.
#[test]
fn generated_retry_runs_busy_commands_again_and_other_failures_once() {
    let files = generate(&repo().join("fixtures/examples/site.yaml")).unwrap();
    let script = String::from_utf8(files["finish/lab.loadzfs"].bytes.clone()).unwrap();
    let start = script.find("zf_retry() {").unwrap();
    let end = start + script[start..].find("\n}\n").unwrap() + 3;
    let function = &script[start..end];
    for sh in Shell::all() {
        let shell = sh.name();
        let tmp = tempfile::tempdir().unwrap();
        // Fails with MESSAGE on its first FAILURES calls, counting calls in a file.
        let flaky = tmp.path().join("flaky");
        std::fs::write(
            &flaky,
            "#!/bin/sh\necho x >>\"$1\"\nn=`wc -l <\"$1\"`\n\
             if [ \"$n\" -le \"$2\" ]; then echo \"$3\" >&2; exit 1; fi\nexit 0\n",
        )
        .unwrap();
        std::fs::set_permissions(&flaky, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
        let run = |count: &str, failures: u32, message: &str| {
            let body = format!(
                "ZF_LOG={log}\n: >\"$ZF_LOG\"\n{function}zf_retry {flaky} {count} {failures} '{message}'\n",
                log = tmp.path().join("log").display(),
                flaky = flaky.display(),
                count = tmp.path().join(count).display(),
            );
            let ok = sh
                .command()
                .arg("-c")
                .arg(body)
                .output()
                .unwrap()
                .status
                .success();
            let calls = std::fs::read_to_string(tmp.path().join(count))
                .unwrap()
                .lines()
                .count();
            (ok, calls)
        };
        assert_eq!(
            run("busy", 2, "cannot destroy: dataset is busy"),
            (true, 3),
            "{shell}"
        );
        assert_eq!(
            run("other", 2, "cannot open: dataset does not exist"),
            (false, 1),
            "{shell}"
        );
        let log = std::fs::read_to_string(tmp.path().join("log")).unwrap();
        assert!(log.contains("does not exist"), "{shell}: {log}");
        assert!(!tmp.path().join("log.err").exists(), "{shell}");
    }
}

/// loadzfs tells a recursive (compound) stream from a plain one by its first BEGIN record,
/// in either byte order (a SPARC golden writes big-endian streams), whatever the feature
/// bits above the header type.
#[test]
fn generated_stream_kind_reads_the_header_type_in_both_byte_orders() {
    let files = generate(&repo().join("fixtures/examples/site.yaml")).unwrap();
    let script = String::from_utf8(files["finish/lab.loadzfs"].bytes.clone()).unwrap();
    let start = script.find("zf_stream_kind() {").unwrap();
    let end = start + script[start..].find("\n}\n").unwrap() + 3;
    let function = &script[start..end];
    // 312-byte BEGIN record: magic at 8, drr_versioninfo at 16.
    let begin = |big_endian: bool, versioninfo: u64| {
        let mut h = vec![0u8; 312];
        let (magic, vi) = if big_endian {
            (0x2F5B_ACBACu64.to_be_bytes(), versioninfo.to_be_bytes())
        } else {
            (0x2F5B_ACBACu64.to_le_bytes(), versioninfo.to_le_bytes())
        };
        h[8..16].copy_from_slice(&magic);
        h[16..24].copy_from_slice(&vi);
        h
    };
    for sh in Shell::all() {
        let shell = sh.name();
        let tmp = tempfile::tempdir().unwrap();
        for (big_endian, versioninfo, want) in [
            (false, 1, "plain"),
            (false, 2, "compound"),
            (true, 1, "plain"),
            (true, 2, "compound"),
            // feature flags (DEDUP | DEDUPPROPS, as zfs-fuse's -D) above the header type
            (false, (0x3 << 2) | 2, "compound"),
            (true, (0x3 << 2) | 1, "plain"),
            (true, (0x3 << 2) | 2, "compound"),
        ] {
            let stream = tmp.path().join("stream");
            std::fs::write(&stream, begin(big_endian, versioninfo)).unwrap();
            let out = sh
                .command()
                .arg("-c")
                .arg(format!("{function}zf_stream_kind <{}\n", stream.display()))
                .output()
                .unwrap();
            assert_eq!(
                String::from_utf8_lossy(&out.stdout).trim(),
                want,
                "{shell}: big-endian {big_endian}, versioninfo {versioninfo:#x}"
            );
        }
    }
}

/// The field template, `fixtures/sites/fields.yaml.in`: every string field of a site
/// file as `@name=valid value@` (`@name@` when used again). Returns the template and the
/// fields, `(name, valid value)`, in order of first use.
fn field_template() -> (String, Vec<(String, String)>) {
    let text: String = std::fs::read_to_string(repo().join("fixtures/sites/fields.yaml.in"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut rest = text.as_str();
    while let Some(start) = rest.find('@') {
        let end = start + 1 + rest[start + 1..].find('@').expect("a closing @");
        if let Some((name, good)) = rest[start + 1..end].split_once('=') {
            fields.push((name.to_string(), good.to_string()));
        }
        rest = &rest[end + 1..];
    }
    (text, fields)
}

static FIELDS: std::sync::LazyLock<(String, Vec<(String, String)>)> =
    std::sync::LazyLock::new(field_template);

/// The name of field `which`.
fn field_name(which: usize) -> &'static str {
    &FIELDS.1[which].0
}

/// The template with field `which` set to `value` and every other field valid; each
/// value is a YAML double-quoted string (JSON's escapes are YAML's).
fn site_with(which: usize, value: &str) -> String {
    let (template, fields) = &*FIELDS;
    let mut text = template.clone();
    for (i, (name, good)) in fields.iter().enumerate() {
        let v = if i == which { value } else { good };
        let quoted = serde_json::to_string(v).unwrap();
        text = text
            .replace(&format!("@{name}={good}@"), &quoted)
            .replace(&format!("@{name}@"), &quoted);
    }
    text
}

#[test]
fn the_field_template_is_valid() {
    assert_eq!(FIELDS.1.len(), 47, "{:?}", FIELDS.1);
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("site.yaml");
    std::fs::write(&p, site_with(usize::MAX, "")).unwrap();
    generate(&p).unwrap();
}

fn nasty_string() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[-a-zA-Z0-9./:_$(){}\\[\\]'\" ]{0,16}",
        prop::sample::select(vec![
            "".to_string(),
            "-rf".to_string(),
            "a".repeat(2000),
            "d".repeat(300),
            "$(reboot)".to_string(),
            "`reboot`".to_string(),
            "on".to_string(),
            "..".to_string(),
            "a/../b".to_string(),
            "memsize abc".to_string(),
            "010.1.1.1".to_string(),
            "$1$abc".to_string(),
            "x86".to_string(),
            "c0t1d0".to_string(),
            "PRIMARY0".to_string(),
            "a\nb".to_string(),
            "\u{0}".to_string(),
        ]),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// Any string in any field: the site is either generated (and the directory passes
    /// the self-check and is written) or refused with every problem at a line — never a
    /// failed self-check, a template error or a panic.
    #[test]
    fn any_string_in_any_field_is_generated_or_refused_with_a_line(
        which in 0..FIELDS.1.len(),
        value in nasty_string(),
    ) {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("site.yaml");
        let text = site_with(which, &value);
        std::fs::write(&p, &text).unwrap();
        let value: String = value.chars().take(60).collect();
        match generate(&p) {
            Ok(files) => {
                output::write(&tmp.path().join("js"), &files, false)
                    .unwrap_or_else(|e| panic!("{}={value:?}: {e}", field_name(which)));
            }
            Err(GenerateError::Site(e)) => {
                for problem in &e.problems {
                    prop_assert!(problem.line.is_some() && problem.column.is_some(),
                        "{}={value:?}: no position: {}", field_name(which), problem.message);
                }
            }
            Err(other) => prop_assert!(false, "{}={value:?}: {other}", field_name(which)),
        }
    }
}

/// Each site rule's fixture (`fixtures/lint/<CODE>/site.yaml`) raises that code and
/// nothing else, at a position; `explain` has its documentation.
#[test]
fn each_site_rule_fixture_raises_only_its_code() {
    let mut wrong = Vec::new();
    for rule in zflash_parser::lint::site::RULES {
        let path = repo().join(format!("fixtures/lint/{}/site.yaml", rule.code));
        let codes: Vec<&str> = match generate(&path) {
            Err(GenerateError::Site(e)) => {
                assert!(
                    e.problems
                        .iter()
                        .all(|p| p.line.is_some() && p.column.is_some()),
                    "{}: {e}",
                    rule.code
                );
                let mut codes: Vec<&str> = e.problems.iter().map(|p| p.code).collect();
                codes.dedup();
                codes
            }
            Ok(_) => Vec::new(),
            Err(other) => panic!("{}: {other}", rule.code),
        };
        if codes != [rule.code] {
            wrong.push(format!("{}: {codes:?}", rule.code));
        }
        assert!(zflash_parser::lint::find(rule.code).is_some());
    }
    assert!(wrong.is_empty(), "fixtures raising other codes: {wrong:#?}");
}

/// Each deploy-config rule's fixture (`fixtures/lint/<CODE>/host.yaml`) raises that code
/// and nothing else.
#[test]
fn each_deploy_rule_fixture_raises_only_its_code() {
    for rule in zflash_parser::lint::deploy::RULES {
        let path = repo().join(format!("fixtures/lint/{}/host.yaml", rule.code));
        let report = zflash_generator::deploy_check::check_file(&path).unwrap();
        let codes: Vec<&str> = report.findings.iter().map(|f| f.diagnostic.code).collect();
        assert_eq!(codes, [rule.code], "{}", rule.code);
    }
}

/// `check` (S209 on a sysidcfg) and `generate` (Y106 on a site file) accept exactly the same
/// password hashes: one implementation, in the parser crate.
#[test]
fn check_and_generate_agree_on_password_hashes() {
    let h22 = "K3ur7F0pNhzVZtCQJ9wGz.";
    let h43 = "6pDMrcd5O3BWZGoBMpwsMDpjfu5xRm6dGnR4c.zgVG6";
    let hashes = [
        "Xy3kP0qLm9ZbA".to_string(),
        format!("$1$abcdefgh${h22}"),
        "$1$abc".to_string(),
        format!("$md5,rounds=2000$salt${h22}"),
        format!("$5$rounds=5000$saltsalt${h43}"),
        format!("$6$salt${h43}"),
        format!("$2b$04${h22}{h22}123456789"),
        "secret".to_string(),
    ];
    let field = FIELDS
        .1
        .iter()
        .position(|(n, _)| n == "root_password")
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("site.yaml");
    let mut accepted = 0;
    for hash in &hashes {
        let sysidcfg = format!("root_password={hash}\n");
        let check_refuses = zflash_parser::check::check_text(
            "sysidcfg",
            zflash_parser::check::FileKind::Sysidcfg,
            &sysidcfg,
        )
        .iter()
        .any(|d| d.code == "S209");
        std::fs::write(&p, site_with(field, hash)).unwrap();
        let generate_refuses = match generate(&p) {
            Ok(_) => false,
            Err(GenerateError::Site(e)) => e.problems.iter().any(|p| p.code == "Y106"),
            Err(other) => panic!("{hash}: {other}"),
        };
        assert_eq!(check_refuses, generate_refuses, "{hash}");
        accepted += usize::from(!check_refuses);
    }
    assert_eq!(accepted, 4);
}

/// A key at the wrong indentation is named as such, at its line, whichever way YAML
/// misreads it (a "missing field" or a syntax error).
#[test]
fn wrong_indentation_is_said_as_such() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("indent.yaml");
    let minimal = std::fs::read_to_string(site("minimal.yaml")).unwrap();
    for (from, to, want) in [
        (
            "    mac: 08:00:20:c0:ff:ee",
            "   mac: 08:00:20:c0:ff:ee",
            "28:4: `mac` is indented 3 spaces, its siblings 4",
        ),
        (
            "    ip: 192.168.10.21",
            "     ip: 192.168.10.21",
            "29:6: `ip` is indented 5 spaces, its siblings 4",
        ),
        // YAML reads it (as a key of the document), and the client lacks it.
        (
            "    mac: 08:00:20:c0:ff:ee\n    ip: 192.168.10.21\n",
            "    ip: 192.168.10.21\nmac: 08:00:20:c0:ff:ee\n",
            "29:1: `mac` is indented 0 spaces, the keys of clients[0] 4: YAML nests by indentation, so it is read as a key of the site file",
        ),
        // The same in flow style: inside the braces of the client's sysidcfg.
        (
            "    mac: 08:00:20:c0:ff:ee\n    ip: 192.168.10.21\n",
            "    ip: 192.168.10.21\n    sysidcfg: {mac: 08:00:20:c0:ff:ee}\n",
            "29:16: `mac` is inside the braces `{…}` of clients[0].sysidcfg, which has no such key, and clients[0] lacks it",
        ),
    ] {
        assert!(minimal.contains(from), "{from}");
        std::fs::write(&p, minimal.replace(from, to)).unwrap();
        match generate(&p) {
            Err(GenerateError::Site(e)) => {
                let text = e.to_string();
                assert!(text.contains(want), "{to}: {text}");
                assert_eq!(e.problems.len(), 1, "{text}");
            }
            other => panic!("{to}: expected a site problem, got {other:?}"),
        }
    }
}

/// The install image's release is required, read in both spellings, and a release zflash
/// does not know (or one without a ZFS root, or an `auto_reg` before 9/10) is a site
/// problem at its line naming what is known.
#[test]
fn release_is_required_known_and_respected() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("rel.yaml");
    let minimal = std::fs::read_to_string(site("minimal.yaml")).unwrap();
    let problems = |text: String| {
        std::fs::write(&p, text).unwrap();
        match generate(&p) {
            Err(GenerateError::Site(e)) => e
                .problems
                .iter()
                .map(|p| {
                    format!(
                        "{}:{} {} {}",
                        p.line.unwrap_or(0),
                        p.column.unwrap_or(0),
                        p.code,
                        p.message
                    )
                })
                .collect::<Vec<_>>(),
            other => panic!("expected a site problem, got {other:?}"),
        }
    };
    let got = problems(minimal.replace("  release: 10/08\n", ""));
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].starts_with("4:1 Y110 no `release`"), "{got:?}");
    assert!(
        got[0]
            .contains("3/05, 1/06, 6/06, 11/06, 8/07, 5/08, 10/08, 5/09, 10/09, 9/10, 8/11, 1/13")
    );
    let got = problems(minimal.replace("release: 10/08", "release: 10/07"));
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0].starts_with("8:12 Y110 unknown Solaris 10 release \"10/07\""),
        "{got:?}"
    );
    let got = problems(minimal.replace("release: 10/08", "release: 6/06"));
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0].starts_with("8:12 Y111 release 6/06: its installer lays down a UFS root only"),
        "{got:?}"
    );
    // Both spellings give the same files.
    std::fs::write(&p, minimal.replace("release: 10/08", "release: S10U6")).unwrap();
    let a = generate(&p).unwrap();
    let b = generate(&site("minimal.yaml")).unwrap();
    assert_eq!(
        a.get("sysidcfg/clone01/sysidcfg"),
        b.get("sysidcfg/clone01/sysidcfg")
    );
}

/// The sysidcfg follows the image's release: no `auto_reg` for 10/08 and 10/09, `auto_reg`
/// for 9/10 and 1/13; and generate's self-check judges the files for that release (files
/// made for 9/10 fail it for 10/08, and the other way round the missing `auto_reg` is
/// reported).
#[test]
fn sysidcfg_per_release_and_self_check_with_the_release() {
    use zflash_parser::release::Release;
    for (file, host, auto_reg) in [
        ("minimal.yaml", "clone01", false),
        ("release-10-09.yaml", "clone01", false),
        ("release-9-10.yaml", "clone01", true),
        ("mixed.yaml", "web01", true),
    ] {
        let files = generate(&site(file)).unwrap();
        let text =
            String::from_utf8(files[&format!("sysidcfg/{host}/sysidcfg")].bytes.clone()).unwrap();
        assert_eq!(
            text.contains("auto_reg=disable\n"),
            auto_reg,
            "{file}: {text}"
        );
    }
    let new = generate(&site("release-9-10.yaml")).unwrap();
    let err = zflash_generator::self_check(&new, Some(Release::R10_08)).unwrap_err();
    assert!(
        err.to_string()
            .contains("[S223] `auto_reg` exists from Solaris 10 9/10 on"),
        "{err}"
    );
    zflash_generator::self_check(&new, Some(Release::R9_10)).unwrap();
    let old = generate(&site("minimal.yaml")).unwrap();
    let err = zflash_generator::self_check(&old, Some(Release::R9_10)).unwrap_err();
    assert!(
        err.to_string().contains("[S224] missing `auto_reg`"),
        "{err}"
    );
    let err = zflash_generator::self_check(&old, Some(Release::R5_08)).unwrap_err();
    assert!(err.to_string().contains("[P234]"), "{err}");
}
