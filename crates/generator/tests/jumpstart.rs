//! What a JumpStart client really gets from a generated directory: the probes that set the
//! SI_* variables the finish scripts read, hands-off sysidcfg files, x86 clients' profiles
//! and DHCP configuration, and the server-side commands.

use std::path::{Path, PathBuf};
use std::process::Command;

use zflash_generator::{Files, generate, output};
use zflash_parser::lint::dir::{dhcp_disagrees_with_hosts as dhcp, unprovided_si_variable as si};
use zflash_parser::source::SourceFile;
use zflash_parser::sysidcfg::{self, hands_off};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every valid site of the fixtures and the examples.
fn all_sites() -> Vec<PathBuf> {
    let mut v = Vec::new();
    for dir in ["fixtures/sites", "fixtures/examples"] {
        for e in std::fs::read_dir(repo().join(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|e| e == "yaml") {
                v.push(p);
            }
        }
    }
    v.sort();
    assert!(v.len() >= 5, "{v:?}");
    v
}

fn text(files: &Files, path: &str) -> String {
    String::from_utf8(
        files
            .get(path)
            .unwrap_or_else(|| panic!("no {path}"))
            .bytes
            .clone(),
    )
    .unwrap()
}

/// A site file in a temporary directory, from the mixed fixture with `edit` applied.
fn mixed_with(edit: impl Fn(String) -> String) -> (tempfile::TempDir, PathBuf) {
    let src = std::fs::read_to_string(repo().join("fixtures/sites/mixed.yaml")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("site.yaml");
    let edited = edit(src.clone());
    assert_ne!(edited, src, "the edit changed nothing");
    std::fs::write(&p, edited).unwrap();
    (tmp, p)
}

#[test]
fn every_rules_begins_with_the_probes_and_sets_what_the_scripts_read() {
    for path in all_sites() {
        let files = generate(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let rules = text(&files, "rules");
        let code: Vec<&str> = rules.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(
            code[..4],
            [
                "probe arch",
                "probe karch",
                "probe hostname",
                "probe hostaddress"
            ],
            "{}",
            path.display()
        );
        assert!(!code[4].starts_with("probe"), "{}", path.display());
        // rules.ok is still what Solaris check derives, probe lines included.
        let ok = text(&files, "rules.ok");
        assert!(ok.starts_with("probe arch\nprobe karch\n"), "{ok}");
        assert_eq!(
            ok.as_bytes(),
            zflash_parser::rules::derive_rules_ok(rules.as_bytes())
        );
        // Every on-demand SI_* a finish script reads is set by them.
        let (ast, _) = zflash_parser::rules::parse(&SourceFile::new("rules", rules.clone()));
        let provided = si::provided_by(&ast);
        for (p, f) in files.iter().filter(|(p, _)| p.starts_with("finish/")) {
            let src = SourceFile::new(p.as_str(), String::from_utf8_lossy(&f.bytes));
            let reads: Vec<String> = si::reads(&src.text).into_iter().map(|r| r.0).collect();
            // (A zstd class's loadzfs only says it cannot deploy: no SI_HOSTNAME there.)
            let zstd_only = src.text.contains("cannot decompress zstd;");
            let wanted: &[&str] = if zstd_only {
                &["SI_ARCH", "SI_CONFIG_DIR"]
            } else {
                &[
                    "SI_ARCH",
                    "SI_KARCH",
                    "SI_HOSTNAME",
                    "SI_HOSTADDRESS",
                    "SI_CONFIG_DIR",
                ]
            };
            for v in wanted {
                assert!(reads.iter().any(|r| r == v), "{p} does not read {v}");
            }
            assert!(si::check(&src, &provided).is_empty(), "{p}");
        }
        // Without the probes (a hand-edited rules), J009 would speak.
        let bare: String = rules
            .lines()
            .filter(|l| !l.starts_with("probe"))
            .map(|l| format!("{l}\n"))
            .collect();
        let (ast, _) = zflash_parser::rules::parse(&SourceFile::new("rules", bare));
        let provided = si::provided_by(&ast);
        let (p, f) = files
            .iter()
            .find(|(p, f)| {
                p.ends_with(".loadzfs")
                    && !String::from_utf8_lossy(&f.bytes).contains("cannot decompress zstd;")
            })
            .unwrap();
        let src = SourceFile::new(p.as_str(), String::from_utf8_lossy(&f.bytes));
        assert!(
            si::check(&src, &provided)
                .iter()
                .any(|d| d.message.contains("$SI_ARCH")),
            "{}",
            path.display()
        );
    }
}

/// A hook that reads another on-demand variable gets its probe too.
#[test]
fn a_hook_reading_si_model_adds_probe_model() {
    let (_tmp, p) = mixed_with(|s| {
        s.replace(
            "argv: [/usr/bin/ls, -l]",
            "argv: [/usr/bin/ls, -l, \"${SI_MODEL}\"]",
        )
    });
    let files = generate(&p).unwrap();
    let rules = text(&files, "rules");
    assert!(
        rules.contains("probe hostaddress\nprobe model\n"),
        "{rules}"
    );
}

#[test]
fn every_generated_sysidcfg_has_the_hands_off_keyword_set() {
    let mut count = 0;
    for path in all_sites() {
        let files = generate(&path).unwrap();
        for (p, f) in files.iter().filter(|(p, _)| p.starts_with("sysidcfg/")) {
            let src = SourceFile::new(p.as_str(), String::from_utf8_lossy(&f.bytes));
            let (file, diags) = sysidcfg::parse(&src);
            assert!(diags.is_empty(), "{p}: {diags:?}");
            assert_eq!(
                hands_off::missing(&file),
                Vec::<String>::new(),
                "{}: {p}",
                path.display()
            );
            // Every keyword of the shared set, and the static interface's route.
            for k in hands_off::KEYWORDS {
                assert!(file.get(*k).is_some(), "{p}: {}", k.as_str());
            }
            assert!(src.text.contains("default_route="), "{p}");
            // auto_reg exactly where the image's release reads (and needs) it.
            let release = zflash_generator::load_site(&path).unwrap().release;
            assert_eq!(
                src.text.contains("auto_reg="),
                release.knows_sysidcfg(sysidcfg::Keyword::AutoReg),
                "{p} ({release})"
            );
            count += 1;
        }
    }
    assert!(count >= 10, "only {count} sysidcfg files");
}

/// minimal.yaml gives no default_route: the documented hands-off value is written.
#[test]
fn no_default_route_given_means_default_route_none() {
    let files = generate(&repo().join("fixtures/sites/minimal.yaml")).unwrap();
    let s = text(&files, "sysidcfg/clone01/sysidcfg");
    assert!(s.contains("default_route=NONE\n"), "{s}");
    let files = generate(&repo().join("fixtures/sites/mixed.yaml")).unwrap();
    let s = text(&files, "sysidcfg/web01/sysidcfg");
    assert!(s.contains("default_route=10.20.0.1\n"), "{s}");
}

#[test]
fn x86_clients_get_a_dhcp_macro_and_binding_in_both_forms() {
    let files = generate(&repo().join("fixtures/sites/mixed.yaml")).unwrap();
    let solaris = text(&files, "server/dhcp");
    let isc = text(&files, "server/dhcpd.conf");
    assert_eq!(files["server/dhcp"].mode, 0o755);
    // pc01: 0:c:29:aa:bb:cc, 10.20.3.31, netmask 255.255.0.0.
    for want in [
        "zf_macro 01000C29AABBCC ':Subnet=255.255.0.0:Router=10.20.0.1:BootSrvA=10.20.0.5:BootFile=01000C29AABBCC:",
        "SinstNM=\"js01\":SinstIP4=10.20.0.5:SinstPTH=\"/export/install/s10u11\":",
        "SrootNM=\"js01\":SrootIP4=10.20.0.5:SrootPTH=\"/export/install/s10u11/Solaris_10/Tools/Boot\":",
        "SjumpsCF=\"js01:/export/config/jumpstart\":SsysidCF=\"js01:/export/config/jumpstart/sysidcfg/pc01\":",
        "pntadm -A 10.20.3.31 -f PERMANENT+MANUAL -i 01000C29AABBCC -m 01000C29AABBCC -h pc01 10.20.0.0",
        "zf_symbol SjumpsCF 'Vendor=SUNW.i86pc,14,ASCII,1,0'",
    ] {
        assert!(solaris.contains(want), "{want}\n{solaris}");
    }
    for want in [
        "host pc01 {\n  hardware ethernet 00:0c:29:aa:bb:cc;\n  fixed-address 10.20.3.31;\n",
        "  filename \"01000C29AABBCC\";\n",
        "  next-server 10.20.0.5;\n",
        "  option SUNW.SsysidCF \"js01:/export/config/jumpstart/sysidcfg/pc01\";\n",
    ] {
        assert!(isc.contains(want), "{want}\n{isc}");
    }
    // Only the x86 client is bound; both forms agree with hosts and ethers.
    assert!(!solaris.contains("web01") && !isc.contains("web01"));
    let hosts = dhcp::name_table(&text(&files, "server/hosts"), false);
    let ethers = dhcp::name_table(&text(&files, "server/ethers"), true);
    let b = dhcp::solaris_bindings(&solaris);
    assert_eq!(b.len(), 1);
    assert_eq!(b, {
        let mut i = dhcp::isc_bindings(&isc);
        i[0].span = b[0].span.clone();
        i
    });
    assert_eq!(b[0].ip.as_deref(), hosts.get("pc01").map(String::as_str));
    assert_eq!(b[0].mac.as_deref(), ethers.get("pc01").map(String::as_str));
    // The hostaddress rule matches the bound address.
    assert!(text(&files, "rules").contains("hostaddress 10.20.3.31 "));
    // A site without x86 clients gets no DHCP files.
    let files = generate(&repo().join("fixtures/examples/site.yaml")).unwrap();
    assert!(!files.contains_key("server/dhcp") && !files.contains_key("server/dhcpd.conf"));
}

#[test]
fn x86_clients_are_removed_by_mac() {
    let files = generate(&repo().join("fixtures/sites/mixed.yaml")).unwrap();
    let s = text(&files, "server/add_install_client");
    assert!(
        s.contains("#   ./rm_install_client -e 0:c:29:aa:bb:cc "),
        "{s}"
    );
    assert!(!s.contains("rm_install_client pc01"), "{s}");
    assert!(s.contains("#   ./rm_install_client web01\n"), "{s}");
    assert!(s.contains("./add_install_client -d -e \"0:c:29:aa:bb:cc\""));
}

fn profile_body(files: &Files, class: &str) -> Vec<String> {
    text(files, &format!("profiles/{class}"))
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

#[test]
fn x86_profiles_get_fdisk_and_no_sparc_disk_default() {
    let files = generate(&repo().join("fixtures/sites/mixed.yaml")).unwrap();
    assert_eq!(
        profile_body(&files, "x86"),
        [
            "install_type initial_install",
            "cluster SUNWCreq",
            "fdisk rootdisk solaris all",
            "pool rpool auto auto auto any",
            "bootenv installbe bename s10u11_req",
        ]
    );
    // SPARC classes: no fdisk, the seed's mirror by default.
    for class in ["web", "db"] {
        assert!(
            !profile_body(&files, class)
                .iter()
                .any(|l| l.starts_with("fdisk")),
            "{class}"
        );
    }
    // Named root slices: one fdisk line per disk; the site's own lines replace them.
    let (_t, p) = mixed_with(|s| {
        s.replace(
            "    archive: db\n    deploy:\n      be: x86_2026\n",
            "    archive: db\n    profile:\n      disks: [c1t0d0s0, c1t1d0s0]\n    deploy:\n      be: x86_2026\n",
        )
    });
    let files = generate(&p).unwrap();
    let body = profile_body(&files, "x86");
    assert_eq!(
        body[2..5],
        [
            "fdisk c1t0d0 solaris all",
            "fdisk c1t1d0 solaris all",
            "pool rpool auto auto auto mirror c1t0d0s0 c1t1d0s0",
        ]
    );
    let (_t, p) = mixed_with(|s| {
        s.replace(
            "    archive: db\n    deploy:\n      be: x86_2026\n",
            "    archive: db\n    profile:\n      disks: [c0d0s0]\n      fdisk: [\"c0d0 solaris maxfree\"]\n    deploy:\n      be: x86_2026\n",
        )
    });
    let files = generate(&p).unwrap();
    assert_eq!(
        profile_body(&files, "x86")[2..4],
        [
            "fdisk c0d0 solaris maxfree",
            "pool rpool auto auto auto c0d0s0"
        ]
    );
}

/// The site problems of `path`, each `line:column CODE message`.
fn site_problems(path: &Path) -> Vec<String> {
    match generate(path) {
        Err(zflash_generator::error::GenerateError::Site(e)) => e
            .problems
            .iter()
            .map(|p| {
                format!(
                    "{}:{} {} {}",
                    p.line.expect("a line"),
                    p.column.expect("a column"),
                    p.code,
                    p.message
                )
            })
            .collect(),
        other => panic!("expected site problems, got {other:?}"),
    }
}

/// Exactly one problem, starting with `want` (position, code, then the message's start).
fn assert_one_problem(path: &Path, want: &str) {
    let got = site_problems(path);
    assert!(
        got.len() == 1 && got[0].starts_with(want),
        "want {want:?}, got {got:#?}"
    );
}

#[test]
fn fdisk_on_sparc_and_mixed_platform_classes_are_refused() {
    let (_t, p) = mixed_with(|s| {
        s.replace(
            "      cluster: SUNWCall\n",
            "      cluster: SUNWCall\n      fdisk: [\"rootdisk solaris all\"]\n",
        )
    });
    // At the class's fdisk value.
    assert_one_problem(&p, "73:14 Y107 class \"db\": fdisk is for x86 classes");
    let (_t, p) = mixed_with(|s| {
        s.replace(
            "    arch: i386\n    class: x86\n",
            "    arch: i386\n    class: web\n",
        )
    });
    // At the arch of the client whose platform differs from the class's first client's.
    assert_one_problem(
        &p,
        "107:11 Y107 class \"web\" has SPARC clients (web01, web02) and x86 clients (pc01)",
    );
    let (_t, p) = mixed_with(|s| {
        s.replace(
            "      cluster: SUNWCall\n",
            "      cluster: SUNWCall\n      fdisk: [\"c0t0d0s0 solaris all\"]\n",
        )
    });
    // At the line itself (inside its quotes).
    assert_one_problem(
        &p,
        "73:16 Y101 fdisk line \"c0t0d0s0 solaris all\" names the disk \"c0t0d0s0\"",
    );
}

#[test]
fn zfs_root_profiles_have_no_system_type() {
    for path in all_sites() {
        let files = generate(&path).unwrap();
        for (p, f) in files.iter().filter(|(p, _)| p.starts_with("profiles/")) {
            let t = String::from_utf8_lossy(&f.bytes);
            assert!(!t.contains("system_type"), "{p}");
            assert!(t.contains("\npool "), "{p}");
        }
    }
}

#[test]
fn installed_be_is_named_after_the_image_release() {
    // mixed.yaml: image /export/install/s10u11; class web names its own.
    let files = generate(&repo().join("fixtures/sites/mixed.yaml")).unwrap();
    assert!(profile_body(&files, "db").contains(&"bootenv installbe bename s10u11_req".into()));
    assert!(profile_body(&files, "web").contains(&"bootenv installbe bename s10u11_req".into()));
    let (_t, p) =
        mixed_with(|s| s.replace("/export/install/s10u11", "/export/install/sol-10-u9-ga"));
    let files = generate(&p).unwrap();
    assert!(profile_body(&files, "db").contains(&"bootenv installbe bename s10u9_req".into()));
    let (_t, p) = mixed_with(|s| s.replace("/export/install/s10u11", "/export/install/media"));
    let files = generate(&p).unwrap();
    assert!(profile_body(&files, "db").contains(&"bootenv installbe bename s10_req".into()));
}

/// The Solaris 10-like userland (`ZFLASH_S10_USERLAND=DIR`, built from
/// ../shared/tools/s10-userland): under CI it must be there; elsewhere its absence is said
/// on stderr and the check is skipped.
fn s10_userland() -> Option<PathBuf> {
    match std::env::var_os("ZFLASH_S10_USERLAND") {
        Some(d) => {
            let d = PathBuf::from(d);
            assert!(
                d.join("bin/sh").is_file(),
                "ZFLASH_S10_USERLAND={} has no bin/sh",
                d.display()
            );
            Some(d)
        }
        None => {
            assert!(
                std::env::var_os("CI").is_none(),
                "ZFLASH_S10_USERLAND is not set under CI: scripts/test builds the Solaris 10-like userland"
            );
            eprintln!(
                "NOT RUN: the Solaris 10 sh -n check (set ZFLASH_S10_USERLAND=DIR, built by ../shared/tools/s10-userland/build DIR)"
            );
            None
        }
    }
}

/// Every generated shell script parses with the SVR4 Bourne shell Solaris 10 runs.
#[test]
fn every_generated_script_parses_with_the_solaris_10_shell() {
    let Some(s10) = s10_userland() else { return };
    for path in all_sites() {
        let files = generate(&path).unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("js");
        output::write(&out, &files, false).unwrap();
        for rel in files.keys().filter(|r| {
            r.starts_with("finish/") || *r == "server/add_install_client" || *r == "server/dhcp"
        }) {
            let o = Command::new(s10.join("bin/sh"))
                .arg("-n")
                .arg(out.join(rel))
                .env("PATH", s10.join("bin"))
                .output()
                .unwrap();
            assert!(
                o.status.success(),
                "{}: {rel}: {}",
                path.display(),
                String::from_utf8_lossy(&o.stderr)
            );
        }
    }
}

/// A hook reading an SI_* variable no built-in probe sets is refused in the site file
/// (the generated rules could never provide it).
#[test]
fn a_hook_reading_an_unknown_si_variable_is_refused() {
    let (_tmp, p) = mixed_with(|s| {
        s.replace(
            "argv: [/usr/bin/ls, -l]",
            "argv: [/usr/bin/ls, -l, \"$SI_RACK\"]",
        )
    });
    // At the argument that reads it.
    assert_one_problem(
        &p,
        "65:36 Y109 class \"web\": hook \"audit\" reads $SI_RACK, which JumpStart never sets",
    );
}

/// A client whose arch is not the one its class's archive was captured on (the manifest's
/// `content.architecture`) is refused at that client's `arch`.
#[test]
fn a_client_of_another_arch_than_its_archive_is_refused_at_its_arch() {
    let (tmp, p) = mixed_with(|s| {
        s.replace(
            "    location: 10.20.0.6:/export/flash/db.zfs.gz\n",
            "    location: 10.20.0.6:/export/flash/db.zfs.gz\n    manifest: db.manifest.json\n",
        )
    });
    // As the Solaris 10 capture script writes it (no stream summary).
    let manifest = r#"{"format": "zflash-archive/1", "name": "db.zfs.gz",
        "created": "2026-01-01T00:00:00Z", "host": "gold",
        "source": {"dataset": "rpool/ROOT/s10", "snapshot": "zflash", "pool": "rpool"},
        "content": {"architecture": "sparc", "platform": "sun4v", "os_release": "Solaris 10 10/09"},
        "stored_bytes": 1024, "compression": "gzip",
        "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "tool": "zflash-capture.sh"}"#;
    std::fs::write(tmp.path().join("db.manifest.json"), manifest).unwrap();
    // Classes db (db01, SPARC) and x86 (pc01) share the archive: pc01's arch is wrong.
    assert_one_problem(
        &p,
        "108:11 Y107 class \"x86\": archive \"db\" was captured on sparc (its manifest), client \"pc01\" is i386",
    );
}

/// A golden archive whose manifest gives ZPL 5 (captured on 8/11) is refused for clients
/// of a 10/08 image (root pool v10, ZPL 3) at generate time, at the archive's manifest,
/// naming both releases; for a 1/13 image it is accepted.
#[test]
fn an_archive_of_a_newer_zpl_than_the_image_creates_is_refused() {
    let manifest = r#"{"format": "zflash-archive/1", "name": "db.zfs.gz",
        "created": "2026-01-01T00:00:00Z", "host": "gold",
        "source": {"dataset": "rpool/ROOT/s10", "snapshot": "zflash", "pool": "rpool",
                   "pool_version": 29, "zpl_version": 5},
        "content": {"architecture": "sparc", "platform": "sun4v", "os_release": "Oracle Solaris 10 8/11 s10s_u10wos_17b SPARC"},
        "stored_bytes": 1024, "compression": "gzip",
        "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "tool": "zflash-capture.sh"}"#;
    for (release, refused) in [("10/08", true), ("1/13", false)] {
        let (tmp, p) = mixed_with(|s| {
            s.replace(
                "    location: 10.20.0.6:/export/flash/db.zfs.gz\n",
                "    location: 10.20.0.6:/export/flash/db.zfs.gz\n    manifest: db.manifest.json\n",
            )
            .replace("release: 1/13", &format!("release: {release}"))
        });
        std::fs::write(tmp.path().join("db.manifest.json"), manifest).unwrap();
        // pc01 (x86) shares the db archive, captured on sparc: that Y107 is there either way.
        let got = site_problems(&p);
        assert!(got.iter().any(|g| g.contains("Y107")), "{got:#?}");
        let zpl: Vec<_> = got.iter().filter(|g| g.contains("ZPL")).collect();
        if refused {
            assert_eq!(zpl.len(), 1, "{got:#?}");
            assert!(zpl[0].contains("Y111 archive \"db\" was captured on Solaris 10 8/11 (pool version 29, ZPL version 5, its manifest): the clients' install image is Solaris 10 10/08"), "{got:#?}");
            assert!(
                zpl[0].contains("install the clients from a 8/11 or later image"),
                "{got:#?}"
            );
        } else {
            assert!(zpl.is_empty(), "{got:#?}");
        }
    }
}

/// A recursive archive (its manifest says `recursive`) needs `zfs receive -u`, which 10/08
/// and 5/09 lack: refused at generate time with the reason; accepted from 10/09.
#[test]
fn a_recursive_archive_is_refused_for_a_release_without_receive_u() {
    let manifest = r#"{"format": "zflash-archive/1", "name": "db.zfs.gz",
        "created": "2026-01-01T00:00:00Z", "host": "gold",
        "source": {"dataset": "rpool/ROOT/s10", "snapshot": "zflash", "pool": "rpool",
                   "recursive": true},
        "content": {"architecture": "sparc", "platform": "sun4v", "os_release": "Solaris 10 10/08"},
        "stored_bytes": 1024, "compression": "gzip",
        "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "tool": "zflash-capture.sh"}"#;
    for (release, refused) in [("10/08", true), ("s10u7", true), ("10/09", false)] {
        let (tmp, p) = mixed_with(|s| {
            s.replace(
                "    location: 10.20.0.6:/export/flash/db.zfs.gz\n",
                "    location: 10.20.0.6:/export/flash/db.zfs.gz\n    manifest: db.manifest.json\n",
            )
            .replace("release: 1/13", &format!("release: {release}"))
        });
        std::fs::write(tmp.path().join("db.manifest.json"), manifest).unwrap();
        // pc01 (x86) shares the db archive, captured on sparc: that Y107 is there either way.
        let got = site_problems(&p);
        let recursive: Vec<_> = got.iter().filter(|g| g.contains("receive -u")).collect();
        if refused {
            assert_eq!(recursive.len(), 1, "{got:#?}");
            assert!(
                recursive[0].contains("Y111 archive \"db\" is recursive (zfs send -R, its manifest): its receive needs `zfs receive -u`"),
                "{got:#?}"
            );
            assert!(recursive[0].contains("(from 10/09 on)"), "{got:#?}");
        } else {
            assert!(recursive.is_empty(), "{got:#?}");
        }
    }
}
