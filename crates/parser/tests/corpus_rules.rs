//! Every `rules` and `rules.ok` file of the real-world corpus (fixtures/corpus/rules/ and
//! fixtures/corpus/rules.ok/, copied from ../shared/corpus/jumpstart with INDEX.tsv for
//! provenance) gets the verdict INDEX.tsv gives: `valid` → no error-severity diagnostic;
//! `invalid: …` → at least one error (the expected code is asserted per file). Every file
//! also round-trips byte for byte. (The corpus has no `unknown` rules files.)

mod common;

use zflash_parser::rules::{self, Flavor};
use zflash_parser::{Severity, SourceFile};

fn diagnostics(src: &SourceFile, flavor: Flavor) -> Vec<(Severity, String)> {
    let (file, mut diags) = rules::parse_as(src, flavor);
    diags.extend(rules::lint(src, &file));
    diags
        .into_iter()
        .map(|d| {
            let (l, c) = src.line_col(d.span.start);
            (
                d.severity,
                format!("{}:{l}:{c}: {} {}", src.path, d.code, d.message),
            )
        })
        .collect()
}

/// The error code each `invalid` file must get.
fn expected_error(name: &str) -> &'static str {
    match name.rsplit("__").next().unwrap_or(name) {
        // `any - - -`: `any` lacks its `-` once the last three words are fields.
        "Test_RuleRead_wProcessErrs1.test_read_rules_invalid_format" => "R204",
        // `hostname sample_host - host_class`: `hostname` without a value.
        "Test_RuleRead_wProcessErrs2.test_read_rules_with_non_existing_profile" => "R204",
        // The file ends inside a `\` continuation.
        "Test_RuleRead_wProcessErrs3.test_read_rules_incomplete_line"
        | "Test_RuleRead_wProcessErrs4.test_read_rules_incomplete_line" => "R104",
        // `any` alone.
        "Test_RuleRead_wProcessErrs5.test_read_rules_insufficient_args" => "R101",
        other => panic!("no expected code recorded for invalid file {other}"),
    }
}

fn check_kind(kind: &str, flavor: Flavor) -> usize {
    let mut checked = 0;
    for common::CorpusFile { name, verdict, src } in common::corpus(kind) {
        let name = name.as_str();
        let (parsed, _) = rules::parse_as(&src, flavor);
        assert_eq!(parsed.to_source(), src.text, "{name} does not round-trip");
        let diags = diagnostics(&src, flavor);
        let errors: Vec<&String> = diags
            .iter()
            .filter(|d| d.0 == Severity::Error)
            .map(|d| &d.1)
            .collect();
        if verdict == "valid" {
            assert!(errors.is_empty(), "{name} is valid but got:\n{errors:#?}");
        } else {
            assert!(verdict.starts_with("invalid"), "bad verdict {verdict}");
            let code = expected_error(name);
            assert!(
                errors.iter().any(|e| e.contains(code)),
                "{name} is {verdict}: expected {code}, got {errors:#?}"
            );
        }
        checked += 1;
    }
    checked
}

#[test]
fn rules_verdicts_are_reproduced() {
    assert_eq!(check_kind("rules", Flavor::Rules), 21);
}

#[test]
fn rules_ok_verdicts_are_reproduced() {
    assert_eq!(check_kind("rules.ok", Flavor::RulesOk), 2);
}

#[test]
fn corpus_warnings_worth_knowing() {
    let codes = |path: &str, flavor| -> Vec<String> {
        let path = common::corpus_dir("").join(path);
        let src =
            SourceFile::from_bytes(path.display().to_string(), &std::fs::read(&path).unwrap()).0;
        diagnostics(&src, flavor).into_iter().map(|d| d.1).collect()
    };
    // Sun's own sample network number 924.222.43.0 is accepted by check: warning only.
    let w = codes(
        "rules/aszeszo__caiman__usr__src__cmd__js2ai__modules__test__test_js2ai.py__rules__TestCommandArgs7.test_d_option_against_valid_rules_profiles",
        Flavor::Rules,
    );
    assert!(w.iter().any(|d| d.contains("R209")), "{w:#?}");
    // `karch i386` (an arch value) never matches an x86 client.
    let w = codes(
        "rules/lateralblast__modest.archived__README.md__example-rules",
        Flavor::Rules,
    );
    assert!(w.iter().any(|d| d.contains("R211")), "{w:#?}");
    // The catch-all of rules.SAMPLE has a null profile.
    let w = codes(
        "rules/mwarner1__sst-ce__proto__SUNWsst__rules.SAMPLE",
        Flavor::Rules,
    );
    assert!(w.iter().any(|d| d.contains("R213")), "{w:#?}");
}
