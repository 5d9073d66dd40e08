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
