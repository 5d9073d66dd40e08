use super::*;

fn parse_str(text: &str) -> (RulesFile, Vec<Diagnostic>) {
    parse(&SourceFile::new("rules", text))
}

fn codes(path: &str, text: &str) -> Vec<&'static str> {
    check(&SourceFile::new(path, text))
        .iter()
        .map(|d| d.code)
        .collect()
}

#[test]
fn round_trip_examples() {
    for text in [
        "",
        "# c\n\nhostname a - p -\n",
        "probe osname\nmemsize 2048-65536 && ! model \\\n    'SUNW,Sun-Fire-V240'  pick.beg = -  # x\r\n",
        "a 1&&arch sparc - p -",
        "  \t!model 'a b' - p - \n",
        "any\n",
        "x \\\n",
        "hostname a\\\nb - p -\n",
        "\x0c\n\u{a0}\n\r\nany\x0b - - p -\r\n",
    ] {
        let (f, _) = parse_str(text);
        assert_eq!(f.to_source(), text);
    }
}

#[test]
fn only_blanks_and_tabs_separate_words() {
    // A form feed or a no-break space is a word for `check`, not a separator.
    let c = codes("rules", "\x0c\nhostname\u{a0}a - p -\n");
    assert!(c.contains(&"R101") && c.contains(&"R202"), "{c:?}");
}

#[test]
fn changed_ast_prints_changed() {
    let (mut f, _) = parse_str("hostname a - p -\n");
    let Item::Rule(r) = &mut f.items[0] else {
        panic!("expected a rule")
    };
    r.profile.value = FieldValue::Derived;
    r.begin.value = FieldValue::Path("pick.beg".into());
    r.matches[0].values[0].text = "web01".into();
    assert_eq!(f.to_source(), "hostname web01 pick.beg = -\n");
}

#[test]
fn trailer_round_trips_and_changes() {
    let text = "any - - p -\n# version=2 checksum=713";
    let (mut f, _) = parse(&SourceFile::new("rules.ok", text));
    assert_eq!(f.to_source(), text);
    let Some(Item::Trailer(t)) = f.items.last_mut() else {
        panic!("expected a trailer")
    };
    assert_eq!((t.version, t.checksum), (Some(2), Some(713)));
    t.checksum = Some(1);
    assert_eq!(f.to_source(), "any - - p -\n# version=2 checksum=1");
}

#[test]
fn structure_of_a_rule() {
    let (f, diags) = parse_str(
        "probe disks\nmemsize 2048-65536 && ! model \\\n  'SUNW,Sun Fire' pick.beg = - # c\n",
    );
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(f.probe_names()[0].0, "disks");
    let r = f.rules().next().unwrap();
    assert_eq!(r.line, 2);
    assert_eq!(r.matches.len(), 2);
    assert_eq!(r.matches[0].kind(), Some(Keyword::Memsize));
    assert_eq!(r.matches[1].negation_style(), Some(NegationStyle::Separate));
    assert_eq!(
        r.matches[1].value(),
        Ok(MatchValue::Text("SUNW,Sun_Fire".into()))
    );
    assert_eq!(r.begin.value, FieldValue::Path("pick.beg".into()));
    assert_eq!(r.profile.value, FieldValue::Derived);
    assert_eq!(r.finish.value, FieldValue::None);
    let src = "probe disks\nmemsize 2048-65536 && ! model \\\n  'SUNW,Sun Fire' pick.beg = - # c\n";
    assert_eq!(&src[r.begin.span.clone()], "pick.beg");
    assert!(r.comment.is_some());
}

#[test]
fn attached_negation_and_glued_and() {
    let (f, _) = parse_str("a 1&&!arch sparc - p -\n");
    let r = f.rules().next().unwrap();
    assert_eq!(r.matches.len(), 2);
    assert_eq!(r.matches[1].negation_style(), Some(NegationStyle::Attached));
    assert_eq!(r.matches[1].keyword_name(), Some("arch"));
}

#[test]
fn custom_keywords_and_probes_are_listed() {
    let text = "probe diskcount\nprobe disks\ndiskcount 2-4 && totaldisk 1-2 && X-y 1 - p -\n";
    let (f, _) = parse_str(text);
    let probes = f.custom_probes();
    assert_eq!(probes.len(), 1);
    assert_eq!(&text[probes[0].1.clone()], "diskcount");
    let kws: Vec<String> = f.custom_keywords().into_iter().map(|k| k.0).collect();
    assert_eq!(kws, ["diskcount", "X-y"]);
    let c = codes("rules", text);
    assert!(
        c.contains(&"R201") && c.contains(&"R202") && c.contains(&"R203"),
        "{c:?}"
    );
}

#[test]
fn mpxio_disk_names() {
    let c = codes(
        "rules",
        "disksize c0t5000CCA012345678d0 1-2 && installed c0t5000CCA012345678d0s0 Solaris_9 - p -\n",
    );
    assert!(c.is_empty(), "{c:?}");
}

#[test]
fn did_you_mean_finds_close_keywords() {
    assert_eq!(did_you_mean("hostnme", Keyword::BUILTIN), Some("hostname"));
    assert_eq!(did_you_mean("Hostname", Keyword::BUILTIN), Some("hostname"));
    assert_eq!(did_you_mean("memsiz", Keyword::BUILTIN), Some("memsize"));
    assert_eq!(did_you_mean("diskcount", Keyword::BUILTIN), None);
}

/// (code, input that triggers it, a corrected input that must not).
const CASES: &[(&str, &str, &str, &str)] = &[
    ("R101", "rules", "any\n", "any - - p -\n"),
    (
        "R101",
        "rules",
        "probe\nany - - p -\n",
        "probe disks\nany - - p -\n",
    ),
    ("R102", "rules", "hostname a p\n", "hostname a - p -\n"),
    ("R103", "rules", "model 'a b - p -\n", "model 'a b' - p -\n"),
    ("R104", "rules", "any - - p - \\\n", "any - - p -\n"),
    (
        "R105",
        "rules",
        "arch sparc && && memsize 1-2 - p -\n",
        "arch sparc && memsize 1-2 - p -\n",
    ),
    (
        "R105",
        "rules",
        "&& arch sparc - p -\n",
        "arch sparc - p -\n",
    ),
    (
        "R105",
        "rules",
        "arch sparc && ! - p -\n",
        "arch sparc && ! karch sun4v - p -\n",
    ),
    (
        "R106",
        "rules",
        "memsize 1-2&&arch sparc - p -\n",
        "memsize 1-2 && arch sparc - p -\n",
    ),
    (
        "R107",
        "rules",
        "probe disks memsize\nany - - p -\n",
        "probe disks\nany - - p -\n",
    ),
    (
        "R108",
        "rules",
        "memsize 1\u{2013}2 - p -\n",
        "memsize 1-2 - p -\n",
    ),
    (
        "R109",
        "rules",
        "set disks\nany - - p -\n",
        "probe disks\nany - - p -\n",
    ),
    ("R201", "rules", "hostnme a - p -\n", "hostname a - p -\n"),
    ("R202", "rules", "host-name a - p -\n", "hostname a - p -\n"),
    (
        "R203",
        "rules",
        "probe disk\nany - - p -\n",
        "probe disks\nany - - p -\n",
    ),
    (
        "R204",
        "rules",
        "disksize 1-2 - p -\n",
        "disksize c0t0d0 1-2 - p -\n",
    ),
    (
        "R204",
        "rules",
        "model SUNW,Sun Fire - p -\n",
        "model 'SUNW,Sun Fire' - p -\n",
    ),
    ("R204", "rules", "any - - -\n", "any - - p -\n"),
    (
        "R205",
        "rules",
        "memsize 2G-8G - p -\n",
        "memsize 2048-8192 - p -\n",
    ),
    (
        "R205",
        "rules",
        "totaldisk 9-1 - p -\n",
        "totaldisk 1-9 - p -\n",
    ),
    (
        "R205",
        "rules",
        "disksize c0t0d0 1-x - p -\n",
        "disksize c0t0d0 1-9 - p -\n",
    ),
    (
        "R206",
        "rules",
        "memsize 2048 - p -\n",
        "memsize 2048-2048 - p -\n",
    ),
    (
        "R207",
        "rules",
        "disksize c0t3d0s0 1-2 - p -\n",
        "disksize c0t3d0 1-2 - p -\n",
    ),
    (
        "R207",
        "rules",
        "installed c0t3d0 Solaris_9 - p -\n",
        "installed c0t3d0s0 Solaris_9 - p -\n",
    ),
    (
        "R208",
        "rules",
        "network 10.0.0.0/8 - p -\n",
        "network 10.0.0.0 - p -\n",
    ),
    (
        "R208",
        "rules",
        "hostaddress web01 - p -\n",
        "hostaddress 10.0.0.1 - p -\n",
    ),
    (
        "R209",
        "rules",
        "network 924.1.1.0 - p -\n",
        "network 192.1.1.0 - p -\n",
    ),
    ("R210", "rules", "arch x86 - p -\n", "arch i386 - p -\n"),
    (
        "R211",
        "rules",
        "karch sun4m - p -\n",
        "karch sun4v - p -\n",
    ),
    ("R211", "rules", "karch i386 - p -\n", "karch i86pc - p -\n"),
    (
        "R212",
        "rules",
        "osname 5.10 - p -\n",
        "osname Solaris_10 - p -\n",
    ),
    (
        "R212",
        "rules",
        "installed any 9 - p -\n",
        "installed any upgrade - p -\n",
    ),
    (
        "R212",
        "rules",
        "osname solaris_10 - p -\n",
        "osname Solaris_10 - p -\n",
    ),
    ("R213", "rules", "hostname a - - f\n", "hostname a - p f\n"),
    (
        "R214",
        "rules",
        "hostname a = b.beg -\n",
        "hostname a b.beg = -\n",
    ),
    ("R214", "rules", "hostname a - p =\n", "hostname a - p -\n"),
    ("R215", "rules", "any all - p -\n", "any - - p -\n"),
    (
        "R216",
        "rules",
        "any - && arch sparc - p -\n",
        "arch sparc - p -\n",
    ),
    ("R216", "rules", "! any - - p -\n", "any - - p -\n"),
    (
        "R217",
        "rules",
        "any - - p -\nhostname a - p -\n",
        "hostname a - p -\nany - - p -\n",
    ),
    (
        "R218",
        "rules",
        "hostname a - p -\nhostname  a - q -\n",
        "hostname a - p -\nhostname b - q -\n",
    ),
    (
        "R219",
        "rules",
        "# nothing\nprobe disks\n",
        "probe disks\nany - - p -\n",
    ),
    ("R219", "rules", "", "any - - p -\n"),
    (
        "R220",
        "rules",
        "any - - p -\nprobe disks\n",
        "probe disks\nany - - p -\n",
    ),
    (
        "R221",
        "rules",
        "!arch sparc - p -\n",
        "! arch sparc - p -\n",
    ),
    (
        "R222",
        "rules",
        "model 'a #b' - p -\n",
        "model 'a b' - p - # c\n",
    ),
    ("R223", "rules", "any - - /js/p -\n", "any - - js/p -\n"),
    ("R223", "rules", "any - ../p -\n", "any - - p -\n"),
    (
        "R224",
        "rules",
        "# a \\\nany - - p -\n",
        "# a\nany - - p -\n",
    ),
    (
        "R301",
        "rules.ok",
        "any - - p -\n",
        "any - - p -\n# version=2 checksum=713\n",
    ),
    (
        "R301",
        "rules.ok",
        "any - - p -\n# version=2 checksum=x\n",
        "any - - p -\n# version=2 checksum=713\n",
    ),
    (
        "R301",
        "rules.ok",
        "# version=2 checksum=0\nany - - p -\n",
        "any - - p -\n# version=2 checksum=713\n",
    ),
    (
        "R302",
        "rules.ok",
        "any - - p -\n# version=3 checksum=713\n",
        "any - - p -\n# version=2 checksum=713\n",
    ),
    (
        "R303",
        "rules.ok",
        "any - - p -\n# version=2 checksum=1111\n",
        "any - - p -\n# version=2 checksum=713",
    ),
    (
        "R304",
        "rules.ok",
        "# c\nany - - p -\n# version=2 checksum=889\n",
        "any - - p -\n# version=2 checksum=713\n",
    ),
    (
        "R304",
        "rules.ok",
        "\tany - - p -\n# version=2 checksum=722\n",
        "any - - p -\n# version=2 checksum=713\n",
    ),
];

#[test]
fn every_rule_fires_on_bad_input_and_not_on_good() {
    for &(code, path, bad, good) in CASES {
        let found = codes(path, bad);
        assert!(
            found.contains(&code),
            "{code} not reported for {bad:?}: {found:?}"
        );
        let found = codes(path, good);
        assert!(
            !found.contains(&code),
            "{code} reported for {good:?}: {found:?}"
        );
    }
}

#[test]
fn every_rule_has_a_case_and_a_fixture() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/lint");
    for rule in crate::lint::rules::RULES {
        assert!(
            CASES.iter().any(|c| c.0 == rule.code),
            "{} has no unit case",
            rule.code
        );
        let dir = root.join(rule.code);
        let file = ["rules", "rules.ok"]
            .iter()
            .map(|n| dir.join(n))
            .find(|p| p.is_file())
            .unwrap_or_else(|| panic!("no fixture for {}", rule.code));
        let text = std::fs::read_to_string(&file).unwrap();
        let found = codes(&file.to_string_lossy(), &text);
        assert!(
            found.contains(&rule.code),
            "{}: fixture gives {found:?}",
            rule.code
        );
    }
}

#[test]
fn corrected_inputs_are_clean_of_errors() {
    for &(_, path, _, good) in CASES {
        let errors: Vec<_> = check(&SourceFile::new(path, good))
            .into_iter()
            .filter(|d| d.severity == crate::Severity::Error)
            .map(|d| d.code)
            .collect();
        // `any - ../p -` style corrections are only meant to clear one code.
        if good.contains("../") {
            continue;
        }
        assert!(errors.is_empty(), "{good:?}: {errors:?}");
    }
}

mod props {
    use super::*;
    use proptest::prelude::*;

    /// One generated match piece: (negated, attached `!`, keyword, values).
    fn piece() -> impl Strategy<Value = (bool, bool, String, Vec<String>)> {
        let range =
            (0u64..5000, 0u64..5000).prop_map(|(a, b)| format!("{}-{}", a.min(b), a.max(b)));
        let disk = (0u32..16, proptest::option::of("[0-9A-F]{1,16}"), 0u32..8).prop_map(
            |(c, t, d)| match t {
                Some(t) => format!("c{c}t{t}d{d}"),
                None => format!("c{c}d{d}"),
            },
        );
        let ip = proptest::array::uniform4(0u8..=255)
            .prop_map(|o| format!("{}.{}.{}.{}", o[0], o[1], o[2], o[3]));
        let name = "[a-z][a-z0-9.-]{0,12}";
        let kv = prop_oneof![
            name.prop_map(|v| ("hostname".to_string(), vec![v])),
            name.prop_map(|v| ("domainname".to_string(), vec![v])),
            prop_oneof![Just("sparc"), Just("i386")]
                .prop_map(|v| ("arch".to_string(), vec![v.to_string()])),
            prop_oneof![Just("sun4u"), Just("sun4v"), Just("i86pc")]
                .prop_map(|v| ("karch".to_string(), vec![v.to_string()])),
            "[A-Za-z0-9,_-]{1,10}( [A-Za-z0-9,_-]{1,10}){0,2}".prop_map(|m| {
                let v = if m.contains(' ') { format!("'{m}'") } else { m };
                ("model".to_string(), vec![v])
            }),
            range.clone().prop_map(|r| ("memsize".to_string(), vec![r])),
            range
                .clone()
                .prop_map(|r| ("totaldisk".to_string(), vec![r])),
            (disk.clone(), range).prop_map(|(d, r)| ("disksize".to_string(), vec![d, r])),
            (disk, 0u32..8, 2u32..11).prop_map(|(d, s, v)| (
                "installed".to_string(),
                vec![format!("{d}s{s}"), format!("Solaris_{v}")]
            )),
            ip.clone()
                .prop_map(|v| ("hostaddress".to_string(), vec![v])),
            ip.prop_map(|v| ("network".to_string(), vec![v])),
            (2u32..11).prop_map(|v| ("osname".to_string(), vec![format!("Solaris_{v}")])),
        ];
        (any::<bool>(), any::<bool>(), kv).prop_map(|(neg, attached, (k, v))| (neg, attached, k, v))
    }

    fn sep() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => "[ \t]{1,3}",
            1 => "[ \t]{0,2}\\\\\n[ \t]{0,3}",
        ]
        // A continuation right after a word would glue it to the next one.
        .prop_map(|s: String| {
            if s.starts_with('\\') {
                format!(" {s}")
            } else {
                s
            }
        })
    }

    fn field() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("-".to_string()),
            "[a-z][a-z0-9_]{0,8}(\\.(prof|beg|fin))?(/[a-z]{1,5})?"
        ]
    }

    #[derive(Debug, Clone)]
    struct GenRule {
        pieces: Vec<(bool, bool, String, Vec<String>)>,
        begin: String,
        profile: String,
        finish: String,
        seps: Vec<String>,
        comment: Option<String>,
        crlf: bool,
    }

    fn gen_rule() -> impl Strategy<Value = GenRule> {
        (
            proptest::collection::vec(piece(), 1..4),
            field(),
            prop_oneof![field(), Just("=".to_string())],
            field(),
            proptest::collection::vec(sep(), 40),
            proptest::option::of("[ -~]{0,20}"),
            any::<bool>(),
        )
            .prop_map(
                |(pieces, begin, profile, finish, seps, comment, crlf)| GenRule {
                    pieces,
                    begin,
                    profile,
                    finish,
                    seps,
                    comment,
                    crlf,
                },
            )
    }

    fn render(r: &GenRule) -> String {
        let mut seps = r.seps.iter().cycle();
        let mut out = String::new();
        let mut words: Vec<String> = Vec::new();
        for (i, (neg, attached, k, vals)) in r.pieces.iter().enumerate() {
            if i > 0 {
                words.push("&&".into());
            }
            match (neg, attached) {
                (true, true) => words.push(format!("!{k}")),
                (true, false) => {
                    words.push("!".into());
                    words.push(k.clone());
                }
                _ => words.push(k.clone()),
            }
            words.extend(vals.iter().cloned());
        }
        words.push(r.begin.clone());
        words.push(r.profile.clone());
        words.push(r.finish.clone());
        for (i, w) in words.iter().enumerate() {
            if i > 0 {
                out.push_str(seps.next().expect("cycle"));
            }
            out.push_str(w);
        }
        if let Some(c) = &r.comment {
            out.push_str(" #");
            out.push_str(c);
        }
        out.push_str(if r.crlf { "\r\n" } else { "\n" });
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn arbitrary_text_never_panics(text in "(?s).{0,300}") {
            for path in ["rules", "rules.ok"] {
                let src = SourceFile::new(path, text.clone());
                let (file, _) = parse(&src);
                let _ = lint(&src, &file);
                let _ = check(&src);
                let _ = rules_ok(&src);
                if !text.contains('\u{fffd}') {
                    prop_assert_eq!(file.to_source(), text.clone());
                }
            }
        }

        #[test]
        fn rules_like_text_never_panics(text in "([a-z!&' \t\\\\#=-]{0,12}(\r?\n)?){0,12}") {
            crate::testing::assert_lossless(
                &SourceFile::new("rules", text),
                |s| parse(s).0.to_source(),
                check,
            );
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let (src, _) = SourceFile::from_bytes("rules", &bytes);
            let _ = check(&src);
            let _ = derive_rules_ok(&bytes);
        }

        #[test]
        fn generated_rules_round_trip(rules in proptest::collection::vec(gen_rule(), 1..5)) {
            let text: String = rules.iter().map(render).collect();
            let src = SourceFile::new("rules", text.clone());
            let (file, diags) = parse(&src);
            let errors: Vec<_> = diags
                .iter()
                .chain(lint(&src, &file).iter())
                .filter(|d| d.severity == crate::Severity::Error)
                .map(|d| (d.code, d.message.clone()))
                .collect();
            prop_assert!(errors.is_empty(), "{:?}\n{}", errors, text);
            prop_assert_eq!(file.to_source(), text.clone());
            // Re-parsing the printed text gives the same AST.
            let (again, _) = parse(&SourceFile::new("rules", file.to_source()));
            prop_assert_eq!(&again, &file);
            // And the AST holds what was generated.
            let parsed: Vec<&Rule> = file.rules().collect();
            prop_assert_eq!(parsed.len(), rules.len());
            for (g, r) in rules.iter().zip(parsed) {
                prop_assert_eq!(r.begin.value.as_str(), g.begin.as_str());
                prop_assert_eq!(r.profile.value.as_str(), g.profile.as_str());
                prop_assert_eq!(r.finish.value.as_str(), g.finish.as_str());
                prop_assert_eq!(r.matches.len(), g.pieces.len());
                for ((neg, _, k, vals), m) in g.pieces.iter().zip(&r.matches) {
                    prop_assert_eq!(m.is_negated(), *neg);
                    prop_assert_eq!(m.keyword.as_ref().map(Tok::value), Some(k.clone()));
                    let got: Vec<String> = m.values.iter().map(Tok::value).collect();
                    prop_assert_eq!(&got, vals);
                }
            }
            // Its rules.ok parses back, round-trips, and has a trailer that checks.
            let ok_text = rules_ok(&src);
            let ok_src = SourceFile::new("rules.ok", ok_text.clone());
            let (ok_file, _) = parse(&ok_src);
            prop_assert_eq!(ok_file.to_source(), ok_text.clone());
            prop_assert_eq!(ok_file.rules().count(), rules.len());
            let bad: Vec<_> = check(&ok_src)
                .into_iter()
                .filter(|d| d.code.starts_with("R3") || d.severity == crate::Severity::Error)
                .map(|d| d.code)
                .collect();
            prop_assert!(bad.is_empty(), "{:?}\n{}", bad, ok_text);
        }
    }
}
