//! One fixture directory per lint code: `fixtures/lint/<CODE>/`.
//!
//! Each fixture is checked and its rendered human output (plain) is insta-snapshotted, so a
//! wording or span change shows up as a reviewed diff. `J` (cross-file) fixtures and F001
//! are checked as a JumpStart directory (without writing rules.ok); the others file by file,
//! the kind taken from the file name (`rules`, `rules.ok`, `profile`, `sysidcfg`,
//! `bootparams`, …).

use std::path::{Path, PathBuf};

use zflash_parser::check::{CheckOptions, CheckReport, FileKind, check_bytes_for, check_dir};
use zflash_parser::lint;
use zflash_parser::release::Release;
use zflash_parser::render::{Format, RenderOptions, render};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixture_dirs() -> Vec<(String, PathBuf)> {
    let root = workspace_root().join("fixtures/lint");
    let mut dirs: Vec<(String, PathBuf)> = std::fs::read_dir(&root)
        .expect("fixtures/lint exists")
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .collect();
    dirs.sort();
    dirs
}

fn uses_dir_check(code: &str) -> bool {
    code.starts_with('J') || code == "F001" || code == "F008"
}

/// Check one fixture directory; paths in the report are relative to the workspace root.
fn check_fixture(code: &str, dir: &Path) -> CheckReport {
    let shown_dir = format!("fixtures/lint/{code}");
    if uses_dir_check(code) {
        let opts = CheckOptions {
            write_rules_ok: false,
            ..CheckOptions::default()
        };
        let mut report = check_dir(dir, &opts).expect("fixture directory is readable");
        let prefix = dir.display().to_string();
        for f in &mut report.files {
            if let Some(rest) = f.path.strip_prefix(&prefix) {
                f.path = format!("{shown_dir}{rest}");
            }
        }
        for r in &mut report.rules_ok {
            if let Some(rest) = r.path.strip_prefix(&prefix) {
                r.path = format!("{shown_dir}{rest}");
            }
        }
        return report;
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("fixture dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    // A `release` file: the fixture is judged for that release (`check --release`).
    let release = std::fs::read_to_string(dir.join("release"))
        .ok()
        .map(|r| Release::parse(r.trim()).expect("fixture release is known"));
    files.retain(|p| p.file_name().is_none_or(|n| n != "release"));
    let mut report = CheckReport::default();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).expect("fixture file is readable");
        let kind = FileKind::from_path(&path);
        report.add(check_bytes_for(
            &format!("{shown_dir}/{name}"),
            kind,
            &bytes,
            release,
        ));
    }
    report
}

#[test]
fn every_fixture_triggers_its_code_and_matches_its_snapshot() {
    let known: Vec<&str> = lint::all().iter().map(|r| r.code).collect();
    let mut failures = Vec::new();
    for (code, dir) in fixture_dirs() {
        // Site files (`Y`) and deploy configs (`D`) are checked by zflash-generator, whose
        // tests run these fixtures.
        if code.starts_with(['Y', 'D']) {
            continue;
        }
        let report = check_fixture(&code, &dir);
        if !report.findings().any(|(_, f)| f.diagnostic.code == code) {
            failures.push(format!("fixtures/lint/{code}: {code} not reported"));
        }
        if !known.contains(&code.as_str()) {
            failures.push(format!("fixtures/lint/{code}: no rule with that code"));
        }
        let human = render(&report, Format::Human, &RenderOptions::default());
        insta::assert_snapshot!(code.clone(), human);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_code_has_a_fixture() {
    let root = workspace_root().join("fixtures/lint");
    let missing: Vec<&str> = lint::all()
        .iter()
        .map(|r| r.code)
        .filter(|code| !root.join(code).is_dir())
        .collect();
    assert!(
        missing.is_empty(),
        "codes without a fixtures/lint/<CODE>/ directory: {}",
        missing.join(" ")
    );
}

fn one_fixture() -> CheckReport {
    check_fixture("F005", &workspace_root().join("fixtures/lint/F005"))
}

#[test]
fn json_output() {
    let out = render(&one_fixture(), Format::Json, &RenderOptions::default());
    insta::assert_snapshot!(out);
}

#[test]
fn github_output() {
    let out = render(&one_fixture(), Format::Github, &RenderOptions::default());
    insta::assert_snapshot!(out);
}

#[test]
fn sarif_output() {
    let opts = RenderOptions {
        color: false,
        tool_version: Some("0.0.0-test".into()),
    };
    let out = render(&one_fixture(), Format::Sarif, &opts);
    let mut doc: serde_json::Value = serde_json::from_str(&out).expect("SARIF is JSON");
    // The log lists every registered rule; keep only the ones this fixture uses so the
    // snapshot does not change whenever a rule is added elsewhere.
    let rules = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules array")
        .clone();
    assert_eq!(rules.len(), lint::all().len());
    let used: Vec<String> = doc["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let i = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[i]["id"], r["ruleId"], "ruleIndex points at the rule");
            r["ruleId"].as_str().unwrap().to_string()
        })
        .collect();
    let kept: Vec<serde_json::Value> = rules
        .into_iter()
        .filter(|r| used.iter().any(|u| r["id"] == u.as_str()))
        .collect();
    doc["runs"][0]["tool"]["driver"]["rules"] = serde_json::Value::Array(kept);
    for r in doc["runs"][0]["results"].as_array_mut().unwrap() {
        r["ruleIndex"] = serde_json::Value::from("<index>");
    }
    insta::assert_snapshot!(serde_json::to_string_pretty(&doc).unwrap());
}

mod random_directories {
    use super::*;
    use proptest::prelude::*;
    use zflash_parser::render::Format;

    /// Bytes that are mostly JumpStart-looking text, with the odd NUL, CR, high byte.
    fn content() -> impl Strategy<Value = Vec<u8>> {
        let word = prop::sample::select(vec![
            "hostname",
            "any",
            "-",
            "=",
            "web.prof",
            "post.fin",
            "pre.beg",
            "&&",
            "!",
            "probe",
            "install_type",
            "initial_install",
            "pool",
            "root_password=x",
            "{",
            "}",
            "\\",
            "#",
            "'",
            "\"",
            "karch",
            "sun4v",
            "memsize",
            "1-2",
            "network_interface=PRIMARY",
            "\r",
            "\0",
            "\u{e9}",
            "root=js:/x",
            "*",
        ]);
        let sep = prop::sample::select(vec![" ", "\t", "\n", "\\\n", " && "]);
        let piece = (word, sep).prop_map(|(w, s)| format!("{w}{s}"));
        prop_oneof![
            prop::collection::vec(piece, 0..40).prop_map(|v| v.concat().into_bytes()),
            prop::collection::vec(any::<u8>(), 0..200),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn checking_never_panics(
            rules in content(),
            profile in content(),
            script in content(),
            sysidcfg in content(),
            bootparams in content(),
            probes in content(),
        ) {
            let tmp = tempfile::tempdir().unwrap();
            let p = tmp.path();
            std::fs::write(p.join("rules"), &rules).unwrap();
            std::fs::write(p.join("web.prof"), &profile).unwrap();
            std::fs::write(p.join("post.fin"), &script).unwrap();
            std::fs::write(p.join("custom_probes"), &probes).unwrap();
            std::fs::create_dir(p.join("c1")).unwrap();
            std::fs::write(p.join("c1/sysidcfg"), &sysidcfg).unwrap();
            std::fs::write(p.join("bootparams"), &bootparams).unwrap();
            let report = check_dir(p, &CheckOptions::default()).unwrap();
            for format in Format::ALL {
                let _ = render(&report, *format, &RenderOptions::default());
            }
            // rules.ok exists only for an error-free run, and is then complete.
            let ok = p.join("rules.ok");
            prop_assert_eq!(ok.exists(), !report.has_errors());
            if ok.exists() {
                let text = std::fs::read_to_string(&ok).unwrap();
                prop_assert!(text.ends_with('\n') && text.contains("# version=2 checksum="));
            }
        }
    }
}

/// The F/J table in docs/check.md lists exactly the registered file-level and cross-file
/// rules, with their severity, name and summary.
#[test]
fn docs_table_matches_the_registry() {
    let doc =
        std::fs::read_to_string(workspace_root().join("docs/check.md")).expect("docs/check.md");
    let begin = doc
        .find("<!-- codes:begin -->")
        .expect("codes:begin marker");
    let end = doc.find("<!-- codes:end -->").expect("codes:end marker");
    let table: Vec<&str> = doc[begin..end]
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| Code"))
        .collect();
    let mut expected: Vec<String> = lint::file::RULES
        .iter()
        .chain(lint::dir::RULES.iter())
        .chain(lint::shell::RULES.iter())
        .map(|r| {
            format!(
                "| {} | {} | {} | {} |",
                r.code,
                r.severity.as_str(),
                r.name,
                r.summary
            )
        })
        .collect();
    expected.sort();
    assert_eq!(table, expected, "update the table in docs/check.md");
}
