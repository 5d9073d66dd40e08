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
