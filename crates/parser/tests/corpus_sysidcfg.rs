//! Every `sysidcfg` file of the real-world corpus (fixtures/corpus/sysidcfg/, copied from
//! ../shared/corpus/jumpstart with INDEX.tsv for provenance) gets the verdict INDEX.tsv gives:
//! `valid` → no error-severity diagnostic; `invalid: …` → the errors named in the verdict
//! (asserted per file by code); `unknown` → no panic, and what it gives is asserted too (see
//! `unknown_outcome`). Every file also round-trips byte for byte.

mod common;

use zflash_parser::{Severity, sysidcfg};

/// The error codes each `invalid` file must get (all of them).
fn expected_errors(name: &str) -> &'static [&'static str] {
    match name.rsplit("__").next().unwrap_or(name) {
        // `bogus data` has no `=`; `bogus` is not a keyword.
        "TestProcessSysidcfg.test_invalid_sysidcfg" => &["S101", "S201"],
        // `key=value`: `key` is not a keyword.
        "Test_ReadSysidcfg1.test_sysidcfg" => &["S201"],
        // `name_service=` with an empty value.
        "Test_ReadSysidcfg2.test_sysidcfg" => &["S101"],
        // `name_service` without `=value`.
        "Test_ReadSysidcfg3.test_sysidcfg" => &["S101"],
        // A `{…}` block after `root_password`.
        "Test_ReadSysidcfg6.test_sysidcfg" => &["S105"],
        // `root_password=<encrypted hash for /etc/shadow>`: unquoted blanks.
        "sysidcfg" if name.starts_with("frozenfoxx") => &["S104"],
        // `system_locale C`, `ipv6_protocol`, `nfsv4_domain`.
        "example-sysidcfg" => &["S101", "S202", "S201"],
        other => panic!("no expected codes recorded for invalid file {other}"),
    }
}

/// What the `unknown` files give (they must not panic; these pin the current outcome).
fn unknown_outcome(name: &str) -> (bool, &'static [&'static str]) {
    match name.rsplit("__").next().unwrap_or(name) {
        // `ip_address` and `=1.1.1.3` split by a line break inside the block: blocks span
        // lines, so this parses as `ip_address=1.1.1.3`; the repeated `timeserver` is S204.
        "sysidcfg-example3" => (false, &["S204"]),
        // Redacted values: `name_server=xxx.xxx.xxx.xxx` is no IPv4 address (error);
        // `root_password=xxxxxxxx` is no crypt hash (warning).
        "sysidcfg" if name.starts_with("jperkin") => (true, &["S207", "S209"]),
        // `install_locale` is not a sysidcfg keyword.
        "sysidcfg" if name.starts_with("redbrick") => (true, &["S201"]),
        // ERB placeholders: `hostname=<%=` is not a host name, `realhostname`/`%>` are no
        // dependent keywords; `name_server=nameserverip` is no IPv4 address.
        "sysidcfg.erb" if name.starts_with("tomdc") => (true, &["S202", "S206", "S207"]),
        other => panic!("no outcome recorded for unknown file {other}"),
    }
}

#[test]
fn corpus_verdicts_are_reproduced() {
    let mut checked = 0;
    // Every diagnostic of the corpus, reviewed once and pinned (a snapshot), so a change in
    // what the real-world files get shows up as a diff.
    let mut listing = String::new();
    for common::CorpusFile { name, verdict, src } in common::corpus("sysidcfg") {
        let name = name.as_str();
        let (parsed, _) = sysidcfg::parse(&src);
        assert_eq!(parsed.to_source(), src.text, "{name} does not round-trip");
        let diags = sysidcfg::check(&src);
        for d in &diags {
            listing.push_str(&common::listing_line(&src, d));
        }
        let codes: Vec<&str> = diags.iter().map(|d| d.code).collect();
        let errors: Vec<String> = diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| {
                format!(
                    "{}:{:?} {} {}",
                    name,
                    src.line_col(d.span.start),
                    d.code,
                    d.message
                )
            })
            .collect();
        if verdict == "valid" {
            assert!(errors.is_empty(), "{name} is valid but got:\n{errors:#?}");
        } else if verdict.starts_with("invalid") {
            for code in expected_errors(name) {
                assert!(
                    diags
                        .iter()
                        .any(|d| d.code == *code && d.severity == Severity::Error),
                    "{name} is {verdict}: expected error {code}, got {errors:#?}"
                );
            }
        } else {
            assert!(verdict.starts_with("unknown"), "bad verdict {verdict}");
            let (has_errors, expected) = unknown_outcome(name);
            assert_eq!(!errors.is_empty(), has_errors, "{name}: {errors:#?}");
            for code in expected {
                assert!(
                    codes.contains(code),
                    "{name}: expected {code}, got {codes:?}"
                );
            }
        }
        // Secrets never appear in messages.
        if let Some(pw) = parsed.get(sysidcfg::Keyword::RootPassword)
            && pw.value.text.len() > 3
        {
            for d in &diags {
                assert!(
                    !d.message.contains(&pw.value.text),
                    "{name}: {} echoes the password",
                    d.code
                );
                assert!(!d.label.as_deref().unwrap_or("").contains(&pw.value.text));
            }
        }
        checked += 1;
    }
    insta::assert_snapshot!("sysidcfg_corpus_diagnostics", listing);
    assert_eq!(checked, 27);
}
