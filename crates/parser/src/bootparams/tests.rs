//! Parser tests for bootparams.

use super::*;

fn parse_str(text: &str) -> (Bootparams, Vec<Diagnostic>) {
    parse(&SourceFile::new("bootparams", text))
}

#[test]
fn parses_continued_entry_and_round_trips() {
    let text = "# install clients\nweb01 root=js01:/export/install/Solaris_10/Tools/Boot \\\n      install=js01:/export/install boottype=:in  # hands-off\r\n*     domain=lab.example.net";
    let (file, diags) = parse_str(text);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(file.to_source(), text);
    let entries: Vec<_> = file.entries().collect();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].client.text, "web01");
    assert_eq!(entries[0].pairs.len(), 3);
    assert_eq!(
        entries[0].get(Key::Root).unwrap().typed(),
        Some(Ok(BootValue::ServerPath {
            server: "js01",
            path: "/export/install/Solaris_10/Tools/Boot"
        }))
    );
    assert!(entries[1].is_wildcard());
}

#[test]
fn word_without_eq_is_a_syntax_error() {
    let (_, diags) = parse_str("web01 root = js01:/x\n");
    assert_eq!(diags.iter().filter(|d| d.code == "B101").count(), 3);
}

#[test]
fn typed_values() {
    let p = |k: &str, v: &str| Pair::new(k, v);
    assert_eq!(
        p("boottype", ":in").typed(),
        Some(Ok(BootValue::ColonValue {
            server: "",
            value: "in"
        }))
    );
    assert_eq!(
        p("rootopts", "linux:rsize=32768").typed(),
        Some(Ok(BootValue::ColonValue {
            server: "linux",
            value: "rsize=32768"
        }))
    );
    assert_eq!(
        p("ns", "nis1:nis(255.255.255.0)").typed(),
        Some(Ok(BootValue::NameService {
            server: "nis1",
            service: "nis",
            netmask: Some("255.255.255.0")
        }))
    );
    assert_eq!(
        p("domain", "lab.example.net").typed(),
        Some(Ok(BootValue::Plain("lab.example.net")))
    );
    assert!(p("root", "/export/x").typed().unwrap().is_err());
    assert!(p("root", "js01:export/x").typed().unwrap().is_err());
    assert!(p("boottype", "in").typed().unwrap().is_err());
    assert_eq!(p("bogus", "x").typed(), None);
}

#[test]
fn constructed_file_prints_and_parses_back() {
    let mut f = Bootparams::new();
    f.push(Entry::new(
        "web01",
        vec![
            Pair::new("root", "js01:/export/install/Solaris_10/Tools/Boot"),
            Pair::new("install", "js01:/export/install"),
            Pair::new("boottype", ":in"),
        ],
    ));
    f.push(Entry::new(
        "*",
        vec![Pair::new("domain", "lab.example.net")],
    ));
    let text = f.to_source();
    assert_eq!(
        text,
        "web01 root=js01:/export/install/Solaris_10/Tools/Boot install=js01:/export/install boottype=:in\n* domain=lab.example.net\n"
    );
    let (parsed, diags) = parse_str(&text);
    assert!(diags.is_empty());
    assert_eq!(parsed.to_source(), text);
}

#[test]
fn changed_value_prints_changed() {
    let (mut file, _) = parse_str("web01 boottype=:di  # old\n");
    if let Some(Item::Entry(e)) = file.items.first_mut() {
        e.pairs[0].set_value(":in");
    }
    assert_eq!(file.to_source(), "web01 boottype=:in  # old\n");
}

#[test]
fn syntax_errors() {
    for text in [
        "web01\n",
        "root=js01:/x install=js01:/y\n",
        "web01 =x\n",
        "web01 root=js01:/a\\\nb\n",
    ] {
        let (file, diags) = parse_str(text);
        assert!(
            diags.iter().any(|d| d.code == "B101"),
            "{text:?}: {diags:?}"
        );
        assert_eq!(file.to_source(), text);
    }
}

mod props {
    use super::*;
    use proptest::prelude::*;

    fn pair() -> impl Strategy<Value = Pair> {
        ("[a-z_]{1,14}", "[A-Za-z0-9_.:/,()=-]{0,24}").prop_map(|(k, v)| Pair::new(k, v))
    }

    fn lossless(src: &SourceFile) {
        crate::testing::assert_lossless(src, |s| parse(s).0.to_source(), check);
    }

    proptest! {
        #[test]
        fn arbitrary_text_never_panics_and_round_trips(text in "(?s).{0,200}") {
            lossless(&SourceFile::new("bootparams", text));
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            lossless(&SourceFile::from_bytes("bootparams", &bytes).0);
        }

        #[test]
        fn structured_noise_never_panics(parts in proptest::collection::vec(
            prop_oneof![
                Just("=".to_string()), Just(":".to_string()), Just("\\\n".to_string()),
                Just("\n".to_string()), Just(" ".to_string()), Just("#".to_string()),
                Just("\r\n".to_string()), Just("root".to_string()), Just("*".to_string()),
                "[a-z0-9/]{1,6}",
            ], 0..40)) {
            lossless(&SourceFile::new("bootparams", parts.concat()));
        }

        #[test]
        fn generated_files_round_trip(entries in proptest::collection::vec(
            ("[a-z][a-z0-9-]{0,10}|\\*", proptest::collection::vec(pair(), 1..6)), 0..6)) {
            let mut f = Bootparams::new();
            for (client, pairs) in entries {
                f.push(Entry::new(client, pairs));
            }
            let text = f.to_source();
            let (parsed, diags) = parse(&SourceFile::new("bootparams", text.clone()));
            prop_assert!(diags.is_empty(), "{:?}\n{}", diags, text);
            prop_assert_eq!(parsed.to_source(), text.clone());
            let simple = |b: &Bootparams| -> Vec<(String, Vec<(String, String)>)> {
                b.entries().map(|e| (e.client.text.clone(), e.pairs.iter().map(|p| (p.key().to_string(), p.value().to_string())).collect())).collect()
            };
            prop_assert_eq!(simple(&parsed), simple(&f));
            let (again, _) = parse(&SourceFile::new("bootparams", parsed.to_source()));
            prop_assert_eq!(again, parsed);
        }
    }
}

#[test]
fn client_must_be_a_host_name() {
    let codes = |t: &str| {
        check(&SourceFile::new("bootparams", t))
            .into_iter()
            .map(|d| d.code)
            .collect::<Vec<_>>()
    };
    assert!(codes("web_01! domain=a.b\n").contains(&"B102"));
    assert!(!codes("web01.lab.example.net domain=a.b\n").contains(&"B102"));
    assert!(!codes("* domain=a.b\n").contains(&"B102"));
}

#[test]
fn pair_views_and_spans() {
    let text = "web01  root=js01:/r \\\n  boottype\n";
    let (file, _) = parse_str(text);
    let e = file.entries().next().unwrap();
    let (root, bare) = (&e.pairs[0], &e.pairs[1]);
    assert_eq!(
        (root.sep(), root.key(), root.value()),
        ("  ", "root", "js01:/r")
    );
    assert_eq!(&text[root.key_span()], "root");
    assert_eq!(&text[root.value_span()], "js01:/r");
    assert_eq!(&text[root.span()], "root=js01:/r");
    assert!(!bare.has_eq());
    assert_eq!(
        (bare.sep(), bare.key(), bare.value()),
        (" \\\n  ", "boottype", "")
    );
    assert_eq!(bare.value_span(), text.len() - 1..text.len() - 1);
    let built = Pair::new("term", ":vt100");
    assert_eq!((built.key(), built.value()), ("term", ":vt100"));
    assert_eq!((built.span(), built.key_span()), (0..0, 0..0));
    let mut changed = bare.clone();
    changed.set_value(":in");
    assert_eq!((changed.key(), changed.value()), ("boottype", ":in"));
}
