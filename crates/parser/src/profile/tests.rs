//! Parser, printer and fixture tests for profiles.

use super::*;
use crate::source::SourceFile;

fn parse_ok(text: &str) -> Profile {
    let (p, diags) = parse(&SourceFile::new("profile", text));
    assert!(diags.is_empty(), "{text:?}: {diags:#?}");
    assert_eq!(p.to_source(), text);
    p
}

fn only(p: &Profile, i: usize) -> &Directive {
    &p.lines().nth(i).expect("line").directive
}

/// Each fixture under fixtures/lint/P*/ triggers its own code; print everything else it
/// triggers so the fixture can be kept minimal.
#[test]
fn every_profile_fixture_triggers_its_code() {
    let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/lint"));
    let mut seen = 0;
    for rule in crate::lint::profile::RULES {
        let path = dir.join(rule.code).join("profile");
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let codes: Vec<_> = check(&SourceFile::new("profile", text.as_str()))
            .iter()
            .map(|d| d.code)
            .collect();
        assert!(codes.contains(&rule.code), "{}: {codes:?}", rule.code);
        assert!(
            codes.iter().all(|c| *c == rule.code),
            "{} fixture also triggers {codes:?}",
            rule.code
        );
        seen += 1;
    }
    assert_eq!(seen, crate::lint::profile::RULES.len());
}

#[test]
fn rule_codes_follow_the_profile_scheme() {
    for r in crate::lint::profile::RULES {
        assert!(
            r.code.starts_with("P1") || r.code.starts_with("P2"),
            "{}",
            r.code
        );
        assert!(
            r.doc.contains("## What") && r.doc.contains("## Example"),
            "{}",
            r.code
        );
    }
}

#[test]
fn seed_profile_is_typed() {
    let p = parse_ok(
        "install_type    initial_install\ncluster         SUNWCreq\nsystem_type     standalone\npool            rpool auto auto auto mirror c0t0d0s0 c0t1d0s0\nbootenv         installbe bename s10u6_req\n",
    );
    let pool = p.pool().unwrap();
    assert_eq!(pool.pool_size.value, PoolSize::Auto);
    assert!(pool.mirror.is_some());
    assert_eq!(pool.devices[1].value.to_string(), "c0t1d0s0");
    match only(&p, 4) {
        Directive::Bootenv(b) => {
            assert_eq!(b.command.value, BootenvCommand::InstallBe);
            assert_eq!(b.get("bename").unwrap().value, "s10u6_req");
        }
        d => panic!("{d:?}"),
    }
}

#[test]
fn built_zfs_profile_prints_like_the_seed() {
    let p = Profile::zfs_root(
        "SUNWCreq",
        "rpool",
        &[
            parse_device("c0t0d0s0").unwrap(),
            parse_device("c0t1d0s0").unwrap(),
        ],
        "s10u6_req",
    );
    let text = p.to_source();
    assert_eq!(
        text,
        "install_type    initial_install\ncluster         SUNWCreq\nsystem_type     standalone\npool            rpool auto auto auto mirror c0t0d0s0 c0t1d0s0\nbootenv         installbe bename s10u6_req\n"
    );
    assert!(check(&SourceFile::new("profile", text.as_str())).is_empty());
    assert_eq!(parse_ok(&text).lines().count(), 5);
}

#[test]
fn changed_values_print_changed_and_spelling_is_kept_otherwise() {
    let text = "Install_Type  Initial_Install   # first\r\npool rpool 4G auto auto c0t0d0s0\n";
    let mut p = parse_ok(text);
    assert_eq!(p.install_type(), Some(InstallType::InitialInstall));
    if let Some(Item::Keyword(l)) = p.items.get_mut(1)
        && let Directive::Pool(pool) = &mut l.directive
    {
        assert_eq!(pool.pool_size.value, PoolSize::Size(Size::gb(4)));
        pool.pool_size.value = PoolSize::Size(Size::gb(8));
        pool.devices[0].value = parse_device("c1t0d0s0").unwrap();
    }
    assert_eq!(
        p.to_source(),
        "Install_Type  Initial_Install   # first\r\npool rpool 8g auto auto c1t0d0s0\n"
    );
}

/// The examples of the format reference (§3.6) and a ZFS flash profile check without errors.
#[test]
fn reference_examples_check_clean() {
    let examples = [
        "install_type    initial_install\nsystem_type     standalone\npartitioning    explicit\ncluster         SUNWCreq\ncluster         SUNWCssh        add\npackage         SUNWbash        add\nfilesys         rootdisk.s0     12288   /\nfilesys         rootdisk.s1     4096    swap\nfilesys         rootdisk.s7     free    /export/home   logging\nfilesys         nfs01:/export/tools  -  /opt/tools   ro,soft\nroot_device     c0t0d0s0\nboot_device     c0t0d0s0        update\n",
        "install_type    initial_install\ncluster         SUNWCall\npool            rpool  auto  4g  2g  mirror  c1t0d0s0  c1t1d0s0\nbootenv         installbe  bename  s10u9  dataset  /var\nlocale          en_US.UTF-8\n",
        "install_type      flash_install\narchive_location  http://10.1.1.5:8080/flar/web-$HOST.flar  timeout 5\npartitioning      explicit\nfilesys           c0t0d0s0  20480  /\nfilesys           c0t0d0s1  4096   swap\nfilesys           c0t0d0s7  free   /data\n",
        "install_type    upgrade\nroot_device     c0t0d0s0\npackage         SUNWman   delete\nlocale          de_DE.UTF-8\n",
        "install_type flash_install\narchive_location nfs 10.0.0.5:/export/flar/zfs.flar\npool rpool auto auto auto c0t0d0s0\nbootenv installbe bename zfsBE\n",
    ];
    for text in examples {
        let p = parse_ok(text);
        let diags = lint(&SourceFile::new("p", text), &p);
        assert!(diags.is_empty(), "{text}\n{diags:#?}");
    }
}

#[test]
fn lines_built_in_code_print_canonically() {
    let mut p = Profile::new();
    p.push_comment("built in code")
        .push(Directive::InstallType(Tok::new(InstallType::FlashInstall)))
        .push(Directive::ArchiveLocation(Location {
            retrieval: Retrieval::LocalFile {
                keyword: Tok::new("local_file".to_string()),
                path: Tok::new("/cdrom/a.flar".to_string()),
            },
            options: Vec::new(),
        }))
        .push(Directive::NoContentCheck);
    p.items
        .push(Item::Keyword(KeywordLine::unknown("frobnicate", &["x"])));
    assert_eq!(
        p.to_source(),
        "# built in code\ninstall_type    flash_install\narchive_location local_file /cdrom/a.flar\nno_content_check\nfrobnicate      x\n"
    );
    let codes: Vec<_> = check(&SourceFile::new("p", p.to_source()))
        .iter()
        .map(|d| d.code)
        .collect();
    assert_eq!(codes, ["P204", "P101"]);
}

#[test]
fn filesys_forms() {
    let p = parse_ok(
        "install_type initial_install\nfilesys rootdisk.s0 free / logging,noatime\nfilesys any 512 swap\nfilesys c0t0d0s2 all overlap\nfilesys c0t0d0s5 10:200\nfilesys mirror:d10 c0t0d0s0 c0t1d0s0 6000 /\nfilesys mirror c0t0d0s3 c0t1d0s3 4096 /var preserve\nfilesys nfs01:/export/tools - /opt/tools ro,soft\nfilesys srv:/x 10.0.0.1 /x\n",
    );
    match only(&p, 1) {
        Directive::Filesys(Filesys::Local(fs)) => {
            assert_eq!(fs.slice.value, Device::RootdiskSlice(0));
            assert_eq!(fs.size.value, FsSize::Free);
            assert_eq!(
                fs.mount.as_ref().unwrap().value,
                MountPoint::Path("/".into())
            );
            assert_eq!(fs.option.as_ref().unwrap().value, "logging,noatime");
        }
        d => panic!("{d:?}"),
    }
    assert!(
        matches!(only(&p, 4), Directive::Filesys(Filesys::Local(fs)) if fs.size.value == FsSize::StartSize(10, 200) && fs.mount.is_none())
    );
    assert!(
        matches!(only(&p, 5), Directive::Filesys(Filesys::Mirror(m)) if m.mirror.value.0.as_deref() == Some("d10"))
    );
    assert!(
        matches!(only(&p, 7), Directive::Filesys(Filesys::Remote(r)) if r.address.value == "-" && r.mount.value == "/opt/tools")
    );
}

#[test]
fn archive_location_forms() {
    let p = parse_ok(
        "install_type flash_install\n\
         archive_location nfs server:/export/flar/a.flar retry 3\n\
         archive_location nfs://server/export/flar/a.flar\n\
         archive_location http://10.1.1.5:8080/flar/web-$HOST.flar timeout 5 proxy cache:3128\n\
         archive_location https://u:p@flar.example/a.flar auth basic user secret timeout 2\n\
         archive_location ftp://user:pw@ftp.example:21/flar/a.flar timeout 5\n\
         archive_location local_tape /dev/rmt/0 2\n\
         archive_location local_device /dev/dsk/c0t6d0s0 /flar/a.flar ufs\n\
         archive_location local_file /cdrom/a.flar\n",
    );
    let kinds: Vec<_> = p
        .lines()
        .filter_map(|l| match &l.directive {
            Directive::ArchiveLocation(loc) => Some(loc),
            _ => None,
        })
        .collect();
    assert_eq!(kinds.len(), 8);
    assert!(matches!(
        &kinds[0].retrieval,
        Retrieval::Nfs {
            keyword: Some(_),
            ..
        }
    ));
    assert_eq!(kinds[0].options[0].key.value, "retry");
    assert!(matches!(
        &kinds[1].retrieval,
        Retrieval::Nfs { keyword: None, .. }
    ));
    assert_eq!(kinds[2].options.len(), 2);
    assert_eq!(kinds[3].options[0].values.len(), 3);
    assert!(matches!(&kinds[4].retrieval, Retrieval::Ftp { .. }));
    assert!(
        matches!(&kinds[5].retrieval, Retrieval::LocalTape { position: Some(p), .. } if p.value == 2)
    );
    assert!(matches!(
        &kinds[6].retrieval,
        Retrieval::LocalDevice {
            fs_type: Some(_),
            ..
        }
    ));
    assert!(matches!(&kinds[7].retrieval, Retrieval::LocalFile { .. }));
}

#[test]
fn malformed_locations_are_reported() {
    for bad in [
        "archive_location http://host timeout 5",
        "archive_location nfs server:export",
        "archive_location http://h/a.flar auth digest u p",
        "archive_location http://h/a.flar proxy nohost",
        "archive_location http://h/a.flar retry 3",
        "archive_location ftpx://h/a",
        "package SUNWfoo add nfs",
        "package SUNWfoo add ftp://h/x",
        "patch 119254-92",
    ] {
        let text = format!("install_type flash_install\n{bad}\n");
        let codes: Vec<_> = check(&SourceFile::new("p", text.as_str()))
            .iter()
            .map(|d| d.code)
            .collect();
        assert!(
            codes.contains(&"P108") || codes.contains(&"P103"),
            "{bad}: {codes:?}"
        );
    }
}

#[test]
fn package_patch_and_software_forms() {
    let p = parse_ok(
        "install_type initial_install\ncluster SUNWCuser\ncluster SUNWCssh add\npackage SUNWbash add\npackage SUNWman delete\npackage SUNWfoo add nfs server:/export/pkgs retry 2\npackage SUNWbar add http://pkgs:80/dir timeout 5 proxy p:8080\npackage SUNWbaz add local_device c0t6d0s0 /Product ufs\npackage SUNWqux add local_file /tmp/pkgs\npatch 119254-92,120011-14 nfs server:/export/patches\npatch patch_order http://patches/dir\nlocale de_DE.UTF-8\ngeo W_Europe\n",
    );
    assert!(
        matches!(only(&p, 5), Directive::Package(pk) if pk.location.as_ref().is_some_and(|l| l.options.len() == 1))
    );
    assert!(matches!(only(&p, 9), Directive::Patch(pt) if pt.list.value.contains(',')));
}

#[test]
fn other_keywords_are_typed() {
    let p = parse_ok(
        "install_type initial_install\nsystem_type server\npartitioning default\nroot_device c0t0d0s0\nboot_device c0t0d0s0 preserve\nusedisk c0t0d0\nfdisk c0d0 solaris maxfree\nfdisk rootdisk 0x82 delete\nmetadb c0t0d0s7 size 8192 count 3\nclient_arch sun4u sun4v\nclient_root 50\nclient_swap 64\nnum_clients 5\nbootenv createbe bename alt filesystem /:c0t1d0s0:ufs filesystem -:c0t1d0s1:swap\n",
    );
    assert!(
        matches!(only(&p, 7), Directive::Fdisk(f) if f.kind.value == FdiskType::Hex("82".into()))
    );
    assert!(matches!(only(&p, 8), Directive::Metadb(m) if m.options.len() == 2));
    assert!(matches!(only(&p, 9), Directive::ClientArch(v) if v.len() == 2));
    let upgrade = parse_ok(
        "install_type upgrade\nlayout_constraint c0t3d0s1 changeable 200\nlayout_constraint c0t3d0s4 collapse\nbackup_media remote_filesystem server:/export/scratch\n",
    );
    assert!(matches!(only(&upgrade, 1), Directive::LayoutConstraint(l) if l.minimum.is_some()));
    let fu = parse_ok(
        "install_type flash_update\narchive_location nfs server:/a.flar\nforced_deployment\nno_master_check\nno_content_check\nlocal_customization /etc/flash/local\n",
    );
    assert!(matches!(only(&fu, 2), Directive::ForcedDeployment));
}

#[test]
fn hex_wwn_targets_and_continuations() {
    let text = "install_type initial_install\npool rpool auto auto auto mirror \\\n  c0t5000CCA012345678d0s0 c0t5000CCA0123456D8d0s0\n";
    let (p, diags) = parse(&SourceFile::new("p", text));
    assert_eq!(p.to_source(), text);
    assert_eq!(diags.iter().map(|d| d.code).collect::<Vec<_>>(), ["P109"]);
    assert_eq!(p.pool().unwrap().devices.len(), 2);
}

#[test]
fn syntax_errors_keep_the_line_and_recover() {
    let text = "install_type initial_install\nfilesys c0t0d0s0 12GB /\nbogus 1 2\npool rpool auto auto auto c0t0d0s0\n";
    let src = SourceFile::new("p", text);
    let (p, diags) = parse(&src);
    assert_eq!(p.to_source(), text);
    let codes: Vec<_> = diags.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["P107", "P101"]);
    assert!(diags[0].message.contains("expected a size in MB"));
    assert!(p.pool().is_some());
}

#[test]
fn did_you_mean_suggests_keywords() {
    let d = check(&SourceFile::new(
        "p",
        "install_type initial_install\nfilesystem c0t0d0s0 1 /\n",
    ));
    assert_eq!(d[0].code, "P101");
    assert_eq!(d[0].help.as_deref(), Some("did you mean `filesys`?"));
}

#[test]
fn empty_and_odd_files_do_not_panic() {
    for text in [
        "",
        "\n",
        "#",
        "\\",
        "\r",
        "pool",
        "filesys",
        "  \t\n",
        "install_type\\\n",
        "filesys mirror",
    ] {
        let src = SourceFile::new("p", text);
        let (p, _) = parse(&src);
        assert_eq!(p.to_source(), text);
        let _ = check(&src);
    }
    let d = check(&SourceFile::new("p", ""));
    assert_eq!(d.iter().map(|d| d.code).collect::<Vec<_>>(), ["P201"]);
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn slice() -> impl Strategy<Value = String> {
        (0u8..4, 0u8..16, 0u8..2, 0u8..8).prop_map(|(c, t, d, s)| format!("c{c}t{t}d{d}s{s}"))
    }

    fn size() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("auto".to_string()),
            (1u32..100_000).prop_map(|n| n.to_string()),
            (1u32..64).prop_map(|n| format!("{n}g")),
        ]
    }

    fn gap() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(" ".to_string()),
            Just("\t".to_string()),
            Just("    ".to_string())
        ]
    }

    fn line() -> impl Strategy<Value = String> {
        prop_oneof![
            (
                size(),
                size(),
                size(),
                proptest::collection::vec(slice(), 1..4),
                gap()
            )
                .prop_map(|(a, b, c, devs, g)| {
                    let m = if devs.len() > 1 { "mirror " } else { "" };
                    format!("pool{g}rpool {a} {b} {c} {m}{}", devs.join(" "))
                }),
            "[a-z][a-z0-9_]{0,20}".prop_map(|n| format!("bootenv installbe bename {n}")),
            prop_oneof![Just("SUNWCreq"), Just("SUNWCall"), Just("SUNWCXall")]
                .prop_map(|g| format!("cluster {g}")),
            "SUNW[a-z]{2,6}".prop_map(|p| format!("package {p} add")),
            (slice(), 1u32..10_000, "/[a-z]{1,8}")
                .prop_map(|(s, n, m)| format!("filesys {s} {n} {m} logging")),
            Just("system_type standalone".to_string()),
            "[a-z]{2}_[A-Z]{2}\\.UTF-8".prop_map(|l| format!("locale {l}")),
            Just("# a comment".to_string()),
            Just(String::new()),
        ]
    }

    fn profile() -> impl Strategy<Value = String> {
        (
            proptest::collection::vec((line(), prop_oneof![Just(""), Just("   # note")]), 0..12),
            prop_oneof![Just("\n"), Just("\r\n")],
        )
            .prop_map(|(lines, eol)| {
                let mut s = format!("install_type initial_install{eol}");
                for (l, c) in lines {
                    if l.is_empty() || l.starts_with('#') {
                        s.push_str(&l);
                    } else {
                        s.push_str(&l);
                        s.push_str(c);
                    }
                    s.push_str(eol);
                }
                s
            })
    }

    fn lossless(src: &SourceFile) {
        crate::testing::assert_lossless(src, |s| parse(s).0.to_source(), check);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn arbitrary_text_never_panics(text in "\\PC*") {
            lossless(&SourceFile::new("p", text.as_str()));
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            lossless(&SourceFile::from_bytes("p", &bytes).0);
        }

        #[test]
        fn profile_like_words_never_panic(words in proptest::collection::vec(
            prop_oneof![
                Just("install_type".to_string()), Just("pool".to_string()), Just("filesys".to_string()),
                Just("bootenv".to_string()), Just("archive_location".to_string()), Just("mirror".to_string()),
                Just("auto".to_string()), Just("nfs".to_string()), Just("\n".to_string()), Just("any".to_string()),
                "[a-z0-9:/._-]{0,12}",
            ], 0..40)) {
            let text = words.join(" ");
            lossless(&SourceFile::new("p", text.as_str()));
        }

        #[test]
        fn arbitrary_arguments_never_panic(
            keyword in proptest::sample::select(crate::profile::Keyword::NAMES.to_vec()),
            args in proptest::collection::vec("\\PC{0,12}", 0..8),
        ) {
            let text = format!("install_type flash_install\n{keyword} {}\n", args.join(" "));
            lossless(&SourceFile::new("p", text.as_str()));
        }

        #[test]
        fn valid_profiles_round_trip(text in profile()) {
            let src = SourceFile::new("p", text.as_str());
            let (p, diags) = parse(&src);
            prop_assert!(diags.is_empty(), "{:?}", diags);
            let printed = p.to_source();
            prop_assert_eq!(&printed, &text);
            let (again, _) = parse(&SourceFile::new("p", printed.as_str()));
            prop_assert_eq!(again, p);
        }
    }
}

#[test]
fn pool_vdev_list_problems() {
    let cases = [
        ("mirror c0t0d0s0 c0t0d0s0", 1),
        ("mirror c0t0d0s0", 1),
        ("mirror any c0t1d0s0", 1),
        ("mirror any any", 0),
        ("any", 0),
        ("rootdisk.s0", 0),
    ];
    for (vdevs, n) in cases {
        let text = format!("install_type initial_install\npool rpool auto auto auto {vdevs}\n");
        let got = check(&SourceFile::new("p", text.as_str()))
            .iter()
            .filter(|d| d.code == "P214")
            .count();
        assert_eq!(got, n, "{vdevs}");
    }
}

#[test]
fn big_profiles_are_linear() {
    // 20,000 duplicate pools and 20,000 `free` slices on one disk: one diagnostic each,
    // found in one pass (a quadratic rule would take minutes here).
    let mut text = String::from("install_type initial_install\n");
    for i in 0..20_000 {
        text.push_str(&format!(
            "pool p{i} auto auto auto c0t0d0s0\nfilesys c1t0d0s{} free /x\n",
            i % 8
        ));
    }
    let diags = check(&SourceFile::new("p", text.as_str()));
    assert_eq!(diags.iter().filter(|d| d.code == "P203").count(), 19_999);
    assert_eq!(diags.iter().filter(|d| d.code == "P207").count(), 19_999);
}

#[test]
fn device_numbers_are_bounded() {
    assert!(parse_device("c0t0d0s15").is_some());
    assert!(parse_device("c0t0d0s16").is_none());
    assert!(parse_device("c0t0d0p4").is_some());
    assert!(parse_device("c0t0d0p5").is_none());
    assert!(parse_device("rootdisk.s7").is_some());
    assert_eq!(parse_device("ANY"), Some(Device::Any));
    assert_eq!(
        parse_device("c0t600A0B800026D63A0000A4994E9E3A5Dd0s0").map(|d| d.is_slice()),
        Some(true)
    );
}
