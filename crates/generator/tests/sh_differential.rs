//! Differential test for the generated scripts: for every fixture and example site, each
//! generated finish script (`finish/*.loadzfs`, `finish/*.native`) gets the same verdict
//! (syntax error or not) from the real Solaris 10-like Bourne shell's `sh -n` and from
//! zflash's parser. The files are rendered without the generator's self-check, so a
//! template bug that both reject (the verdicts agree) does not hide the comparison; the
//! self-check and the generate tests are what require the scripts to be clean.

#[path = "../../parser/tests/s10_sh/mod.rs"]
mod s10_sh;

use std::path::{Path, PathBuf};

use zflash_generator::{load_site, render};

fn sites() -> Vec<PathBuf> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut v: Vec<PathBuf> = std::fs::read_dir(repo.join("fixtures/sites"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    for example in ["site.yaml", "site-600.yaml"] {
        v.push(repo.join("fixtures/examples").join(example));
    }
    v.sort();
    v
}

#[test]
fn generated_finish_scripts_get_the_verdict_of_sh_n() {
    let Some(sh) = s10_sh::shell("generated_finish_scripts_get_the_verdict_of_sh_n") else {
        return;
    };
    let mut named: Vec<(String, String)> = Vec::new();
    for site in sites() {
        let model = load_site(&site).unwrap_or_else(|e| panic!("{}: {e}", site.display()));
        let name = site.file_name().unwrap().to_string_lossy().into_owned();
        let files = render::render_site(&model, &name).expect("render");
        for (path, file) in &files {
            if path.starts_with("finish/") {
                named.push((
                    format!("{name}: {path}"),
                    String::from_utf8(file.bytes.clone()).expect("UTF-8 script"),
                ));
            }
        }
    }
    assert!(
        named.iter().any(|(n, _)| n.ends_with(".loadzfs")),
        "no loadzfs generated: {:?}",
        named.iter().map(|(n, _)| n).collect::<Vec<_>>()
    );
    let texts: Vec<String> = named.iter().map(|(_, t)| t.clone()).collect();
    let verdicts = s10_sh::verdicts(&sh, &texts);
    let mut disagreements = Vec::new();
    for ((name, text), v) in named.iter().zip(&verdicts) {
        let parsed = zflash_parser::shell::parse(text);
        eprintln!(
            "{name}: sh -n {}, zflash {}",
            if v.syntax_error { "rejects" } else { "accepts" },
            if parsed.rejected_by_sh_n() {
                "rejects"
            } else {
                "accepts"
            }
        );
        if parsed.rejected_by_sh_n() != v.syntax_error {
            disagreements.push(format!(
                "{name}: sh -n said {:?}, zflash {:?}",
                v.stderr, parsed.error
            ));
        }
    }
    assert!(disagreements.is_empty(), "{disagreements:#?}");
}
