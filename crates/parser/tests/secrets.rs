//! The rendering layer never shows a secret value, in any format: excerpts mask every value
//! of a secret key (sysidcfg syntax and YAML alike), and a message, label, help or note that
//! quotes one has it replaced by the mask (the last line of defence: the format modules
//! already leave secrets out of their messages). One snapshot per format shows the masks.

use zflash_parser::check::{CheckReport, FileKind, MASK, report_from_diagnostics};
use zflash_parser::render::{Format, RenderOptions, render};
use zflash_parser::{Diagnostic, lint};

const SECRETS: &[&str] = &["Sesame-Open-99", "Ldap-Sesame-77", "open sesame"];

/// A site file with three secrets, and a finding at each whose texts quote the value.
fn report() -> CheckReport {
    let text = "defaults:\n  sysidcfg:\n    root_password: \"Sesame-Open-99\"\n    name_service: {type: LDAP, proxy_password: Ldap-Sesame-77, profile: p}\n    root_pasword: open sesame\n";
    let at = |needle: &str| {
        let i = text.find(needle).unwrap();
        i..i + needle.len()
    };
    let rule = lint::site::rule("Y101");
    let diags = vec![
        Diagnostic::new(
            rule,
            at("Sesame-Open-99"),
            "root_password `Sesame-Open-99` is not a hash",
        )
        .label("Sesame-Open-99 here")
        .help("not \"Sesame-Open-99\""),
        Diagnostic::new(rule, at("proxy_password"), "unknown key `proxy_password`")
            .note("its value Ldap-Sesame-77 is never used"),
        Diagnostic::new(rule, at("root_pasword"), "unknown key `root_pasword`")
            .label("the value `open sesame` is lost"),
    ];
    let mut report = CheckReport::default();
    report.add(report_from_diagnostics(
        "site.yaml",
        FileKind::Site,
        text,
        diags,
    ));
    report
}

#[test]
fn every_format_masks_every_secret() {
    let report = report();
    for format in Format::ALL {
        let out = render(&report, *format, &RenderOptions::default());
        for secret in SECRETS {
            assert!(
                !out.contains(secret),
                "{}: {secret} in\n{out}",
                format.as_str()
            );
        }
        assert!(out.contains(MASK), "{}: no mask in\n{out}", format.as_str());
        let shown = match format {
            // The results only, without the index into the rule table (which grows with
            // every rule added).
            Format::Sarif => {
                let mut doc: serde_json::Value = serde_json::from_str(&out).unwrap();
                let results = doc["runs"][0]["results"].as_array_mut().unwrap();
                for result in results.iter_mut() {
                    result.as_object_mut().unwrap().remove("ruleIndex");
                }
                serde_json::to_string_pretty(results).unwrap()
            }
            _ => out,
        };
        insta::assert_snapshot!(format!("secrets_{}", format.as_str()), shown);
    }
}
