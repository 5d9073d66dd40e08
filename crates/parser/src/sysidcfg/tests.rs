//! Parser tests for sysidcfg.

use super::*;

fn parse_str(text: &str) -> (Sysidcfg, Vec<Diagnostic>) {
    parse(&SourceFile::new("sysidcfg", text))
}

#[test]
fn parses_doc_example_and_round_trips() {
    let text = "# sysidcfg for web01\nsystem_locale=en_US.UTF-8\nnetwork_interface=PRIMARY {hostname=web01\n    ip_address=10.1.1.50\n    protocol_ipv6=no}\nname_service=DNS {domain_name=lab.example.net\n name_server=10.1.1.2,10.1.1.3}\nroot_password=Xy3kP0qLm9ZbA\n";
    let (file, diags) = parse_str(text);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(file.to_source(), text);
    assert_eq!(file.entries().count(), 4);
    let ni = file.get(Keyword::NetworkInterface).unwrap();
    assert_eq!(ni.value.text, "PRIMARY");
    assert_eq!(ni.sub_value(SubKeyword::IpAddress), Some("10.1.1.50"));
    assert_eq!(
        file.get(Keyword::NameService)
            .unwrap()
            .sub_value(SubKeyword::NameServer),
        Some("10.1.1.2,10.1.1.3")
    );
}

fn codes(text: &str) -> Vec<&'static str> {
    check(&SourceFile::new("sysidcfg", text))
        .into_iter()
        .map(|d| d.code)
        .collect()
}

#[test]
fn keywords_are_case_insensitive_and_keep_their_spelling() {
    let text = "Name_Service=dns {Domain_Name=lab.example.net NAME_SERVER=10.1.1.2}\n";
    let (file, diags) = parse_str(text);
    assert!(diags.is_empty());
    let e = file.get(Keyword::NameService).unwrap();
    assert_eq!(e.key.text, "Name_Service");
    assert_eq!(
        NameServiceKind::parse(&e.value.text),
        Some(NameServiceKind::Dns)
    );
    assert_eq!(e.sub_value(SubKeyword::NameServer), Some("10.1.1.2"));
    assert_eq!(file.to_source(), text);
}

#[test]
fn block_may_open_on_the_next_line_and_close_anywhere() {
    let text = "name_service=DNS\n{\n    domain_name=a.example\n    name_server=10.0.0.1\n}\nnetwork_interface=primary {\n  netmask=255.255.255.0\n  default_route=NONE }\n";
    let (file, diags) = parse_str(text);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(file.entries().count(), 2);
    let ns = file.get(Keyword::NameService).unwrap();
    assert_eq!(ns.sub_entries().count(), 2);
    assert_eq!(file.to_source(), text);
}

#[test]
fn quoted_values_keep_blanks_and_equals() {
    let text = "name_service=LDAP {domain_name=corp.example.com proxy_dn=\"cn=proxy agent,dc=corp\" proxy_password='s3 cret'}\n";
    let (file, diags) = parse_str(text);
    assert!(diags.is_empty(), "{diags:?}");
    let e = file.get(Keyword::NameService).unwrap();
    let dn = &e
        .sub(SubKeyword::ProxyDn)
        .unwrap()
        .value
        .as_ref()
        .unwrap()
        .value;
    assert_eq!(dn.text, "cn=proxy agent,dc=corp");
    assert_eq!(dn.quote, Quote::Double);
    assert_eq!(&text[dn.text_span()], "cn=proxy agent,dc=corp");
    assert_eq!(e.sub_value(SubKeyword::ProxyPassword), Some("s3 cret"));
    assert_eq!(file.to_source(), text);
}

#[test]
fn unquoted_equals_in_a_value_is_part_of_the_value() {
    let (file, diags) = parse_str("name_service=LDAP {proxy_dn=cn=proxyagent,dc=corp}\n");
    assert!(diags.is_empty());
    assert_eq!(
        file.get(Keyword::NameService)
            .unwrap()
            .sub_value(SubKeyword::ProxyDn),
        Some("cn=proxyagent,dc=corp")
    );
}

#[test]
fn comments_trailing_and_hash_inside_values() {
    let text = "security_policy=none  # Comment\n\t# indented\nroot_password=ab#cd\n";
    let (file, diags) = parse_str(text);
    assert!(diags.is_empty());
    assert_eq!(file.get(Keyword::RootPassword).unwrap().value.text, "ab#cd");
    assert_eq!(file.to_source(), text);
}

#[test]
fn two_entries_on_one_line() {
    let (file, diags) = parse_str("timezone=UTC terminal=vt100\n");
    assert!(diags.is_empty());
    assert_eq!(file.entries().count(), 2);
}

#[test]
fn syntax_errors_are_reported_and_still_round_trip() {
    for (text, code) in [
        ("name_service\n", "S101"),
        ("name_service=\n", "S101"),
        ("= x\n", "S101"),
        ("\"x\"\n", "S101"),
        ("}\n", "S102"),
        ("network_interface=PRIMARY {dhcp\n", "S102"),
        ("network_interface=PRIMARY {dhcp {x}}\n", "S102"),
        ("keyboard='US-English\n", "S103"),
        ("name_service=LDAP {proxy_dn=\"cn=x\r\n}\r\n", "S103"),
        ("terminal=sun cmd\n", "S104"),
    ] {
        let (file, diags) = parse_str(text);
        assert!(diags.iter().any(|d| d.code == code), "{text:?}: {diags:?}");
        assert_eq!(file.to_source(), text, "{text:?}");
    }
}

#[test]
fn root_password_is_never_echoed() {
    for text in [
        "root_password=my secret words\n",
        "root_password=plaintextpw\n",
        "root_password=\"unterminated secret\n",
    ] {
        for d in check(&SourceFile::new("sysidcfg", text)) {
            let all = format!("{} {:?} {:?} {:?}", d.message, d.label, d.help, d.notes);
            assert!(
                !all.contains("secret") && !all.contains("plaintextpw") && !all.contains("words"),
                "{}: {all}",
                d.code
            );
        }
    }
}

#[test]
fn crlf_round_trips() {
    let text = "timezone=UTC\r\nnetwork_interface=PRIMARY {dhcp\r\n protocol_ipv6=no}\r\n";
    let (file, diags) = parse_str(text);
    assert!(diags.is_empty());
    assert_eq!(file.to_source(), text);
}

#[test]
fn constructed_file_prints_and_parses_back() {
    let mut f = Sysidcfg::new();
    f.push(Entry::new("system_locale", "C"));
    f.push(Entry::new("network_interface", "e1000g0").with_block(vec![
        SubEntry::flag("primary"),
        SubEntry::new("hostname", "web01"),
        SubEntry::new("ip_address", "10.1.1.50"),
    ]));
    f.push(
        Entry::new("name_service", "LDAP")
            .with_block(vec![SubEntry::new("proxy_dn", "cn=proxy agent,dc=x")]),
    );
    let text = f.to_source();
    assert_eq!(
        text,
        "system_locale=C\nnetwork_interface=e1000g0 {primary hostname=web01 ip_address=10.1.1.50}\nname_service=LDAP {proxy_dn=\"cn=proxy agent,dc=x\"}\n"
    );
    let (parsed, diags) = parse_str(&text);
    assert!(diags.is_empty());
    assert_eq!(parsed.to_source(), text);
    assert_eq!(
        parsed
            .get(Keyword::NameService)
            .unwrap()
            .sub_value(SubKeyword::ProxyDn),
        Some("cn=proxy agent,dc=x")
    );
}

#[test]
fn changed_value_prints_changed() {
    let (mut file, _) = parse_str("# c\ntimezone=UTC  # zone\nterminal=vt100\n");
    if let Some(Item::Entry(e)) = file.items.iter_mut().next() {
        e.value = Value::new("Europe/Berlin");
    }
    assert_eq!(
        file.to_source(),
        "# c\ntimezone=Europe/Berlin  # zone\nterminal=vt100\n"
    );
}

#[test]
fn semantic_codes_on_small_inputs() {
    assert!(
        codes("network_interface=NONE {hostname=sandbox}\n")
            .iter()
            .all(|c| *c == "S219")
    );
    assert!(codes("network_interface=bogus! {protocol_ipv6=no}\n").contains(&"S206"));
    assert!(
        codes("network_interface=PRIMARY {protocol_ipv6=no default_route=10.0.0}\n")
            .contains(&"S207")
    );
    assert!(
        codes("name_service=NIS {name_server=nis1(10.0.0.300) domain_name=a.b}\n")
            .contains(&"S207")
    );
    assert!(
        !codes("name_service=NIS {name_server=nis1(10.0.0.3) domain_name=a.b}\n").contains(&"S207")
    );
    assert!(
        codes("name_service=DNS {domain_name=a.b name_server=1.1.1.1 search=a,b,c,d,e,f,g}\n")
            .contains(&"S215")
    );
    assert!(codes("hostname=web01\n").contains(&"S203"));
    assert!(codes("name_service=NONE {domain_name=x}\n").contains(&"S105"));
    assert!(codes("network_interface=PRIMARY {protocol_ipv6=no}\nnetwork_interface=PRIMARY {protocol_ipv6=no}\n").contains(&"S204"));
    assert!(!codes("network_interface=e1000g0 {primary dhcp protocol_ipv6=no}\nnetwork_interface=e1000g1 {dhcp protocol_ipv6=no}\n").contains(&"S204"));
    assert!(codes("auto_reg=disable {oracle_user=x}\n").contains(&"S220"));
    assert!(codes("timezone=europe/berlin\n").contains(&"S210"));
    assert!(!codes("timezone=GMT+5\n").contains(&"S210"));
    assert!(
        codes("security_policy=kerberos {default_realm=A.B admin_server=k kdc=a,b,c,d}\n")
            .contains(&"S216")
    );
    assert!(codes("network_interface=PRIMARY {dhcp=yes protocol_ipv6=no}\n").contains(&"S206"));
    assert!(codes("network_interface=e1000g0 {hostname protocol_ipv6=no}\n").contains(&"S206"));
}

mod props {
    use super::*;
    use proptest::prelude::*;

    fn word() -> impl Strategy<Value = String> {
        "[A-Za-z0-9_./,:+-]{1,12}"
    }

    fn value() -> impl Strategy<Value = String> {
        prop_oneof![word(), "[A-Za-z0-9 =,#{}]{0,16}"]
    }

    fn entry() -> impl Strategy<Value = Entry> {
        (
            "[A-Za-z_][A-Za-z0-9_]{0,14}",
            value(),
            proptest::option::of(proptest::collection::vec(
                prop_oneof![
                    ("[a-z_]{1,12}", value()).prop_map(|(k, v)| SubEntry::new(k, v)),
                    "[a-z_]{1,8}".prop_map(SubEntry::flag),
                ],
                0..4,
            )),
        )
            .prop_map(|(k, v, block)| {
                let e = Entry::new(k, v);
                match block {
                    Some(b) => e.with_block(b),
                    None => e,
                }
            })
    }

    type Plain = Vec<(String, String, Vec<(String, Option<String>)>)>;

    fn strip_spans(f: &Sysidcfg) -> Plain {
        f.entries()
            .map(|e| {
                (
                    e.key.text.clone(),
                    e.value.text.clone(),
                    e.sub_entries()
                        .map(|s| {
                            (
                                s.key.text.clone(),
                                s.value.as_ref().map(|a| a.value.text.clone()),
                            )
                        })
                        .collect(),
                )
            })
            .collect()
    }

    fn lossless(src: &SourceFile) {
        crate::testing::assert_lossless(src, |s| parse(s).0.to_source(), check);
    }

    proptest! {
        #[test]
        fn arbitrary_text_never_panics_and_round_trips(text in "(?s).{0,200}") {
            lossless(&SourceFile::new("sysidcfg", text));
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            lossless(&SourceFile::from_bytes("sysidcfg", &bytes).0);
        }

        #[test]
        fn structured_noise_never_panics(parts in proptest::collection::vec(
            prop_oneof![
                Just("=".to_string()), Just("{".to_string()), Just("}".to_string()),
                Just("\"".to_string()), Just("'".to_string()), Just("\n".to_string()),
                Just(" ".to_string()), Just("#".to_string()), Just("\r\n".to_string()),
                word(), Just("network_interface".to_string()), Just("root_password".to_string()),
            ], 0..40)) {
            lossless(&SourceFile::new("sysidcfg", parts.concat()));
        }

        #[test]
        fn generated_files_round_trip(entries in proptest::collection::vec(entry(), 0..8)) {
            let mut f = Sysidcfg::new();
            for e in entries {
                f.push(e);
            }
            let text = f.to_source();
            let (parsed, diags) = parse(&SourceFile::new("sysidcfg", text.clone()));
            prop_assert!(diags.is_empty(), "{:?}\n{}", diags, text);
            prop_assert_eq!(parsed.to_source(), text.clone());
            prop_assert_eq!(strip_spans(&parsed), strip_spans(&f));
            let (again, _) = parse(&SourceFile::new("sysidcfg", parsed.to_source()));
            prop_assert_eq!(again, parsed);
        }
    }
}

#[test]
fn unclosed_block_ends_at_the_next_top_level_keyword() {
    let text = "network_interface=PRIMARY {dhcp protocol_ipv6=no\ntimezone=UTC\n";
    let (file, diags) = parse_str(text);
    assert_eq!(diags.iter().map(|d| d.code).collect::<Vec<_>>(), ["S102"]);
    assert_eq!(file.entries().count(), 2);
    assert_eq!(file.to_source(), text);
}

#[test]
fn unquoted_blanks_inside_a_block() {
    let c = codes(
        "name_service=LDAP {domain_name=a.b proxy_dn=cn=proxy agent,dc=x profile=p profile_server=10.0.0.1}\n",
    );
    assert!(c.contains(&"S104"), "{c:?}");
    assert!(!c.contains(&"S202"), "{c:?}");
    let diags = check(&SourceFile::new(
        "s",
        "name_service=LDAP {proxy_password=two words,x}\n",
    ));
    let d = diags.iter().find(|d| d.code == "S104").expect("S104");
    assert!(!d.message.contains("words"), "{}", d.message);
}

#[test]
fn block_after_a_top_level_dependent_keyword() {
    let c = codes("hostname=web01\n{ stray }\n");
    assert!(c.contains(&"S203") && c.contains(&"S105"), "{c:?}");
}

#[test]
fn typed_settings() {
    let (file, _) = parse_str(
        "name_service=nis+ {domain_name=a.b}\nnetwork_interface=e1000g0 {dhcp}\nroot_password=$6$s$6pDMrcd5O3BWZGoBMpwsMDpjfu5xRm6dGnR4c.zgVG66pDMrcd5O3BWZGoBMpwsMDpjfu5xRm6dGnR4c.zgVG6\ntimeserver=10.0.0.1\nnfs4_domain=Dynamic\nauto_reg=anon\nservice_profile=open\nsecurity_policy=bogus\nfoo=bar\ntimezone=\n",
    );
    let settings: Vec<Setting> = file.entries().map(Entry::setting).collect();
    assert_eq!(
        settings,
        vec![
            Setting::NameService(NameServiceKind::NisPlus),
            Setting::NetworkInterface(InterfaceSelector::Named("e1000g0".into())),
            Setting::RootPassword(values::CryptKind::Sha512),
            Setting::Timeserver(Timeserver::Ip(std::net::Ipv4Addr::new(10, 0, 0, 1))),
            Setting::Nfs4Domain(Nfs4Domain::Dynamic),
            Setting::AutoReg(AutoRegKind::Anon),
            Setting::ServiceProfile(ServiceProfile::Open),
            Setting::Invalid(Keyword::SecurityPolicy),
            Setting::Unknown,
            Setting::Invalid(Keyword::Timezone),
        ]
    );
}
