//! `zflash completions` and `zflash man`.

use assert_cmd::Command;

fn zflash() -> Command {
    Command::cargo_bin("zflash").unwrap()
}

#[test]
fn completions_for_bash_zsh_and_fish_name_every_command() {
    for shell in ["bash", "zsh", "fish"] {
        let out = zflash().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8(out.stdout).unwrap();
        for command in [
            "generate",
            "check",
            "finish",
            "explain",
            "completions",
            "man",
        ] {
            assert!(text.contains(command), "{shell}: no {command}");
        }
        assert!(text.contains("format"), "{shell}");
    }
    zflash().args(["completions", "cmd"]).assert().code(2);
}

#[test]
fn man_pages_are_written_per_command() {
    let out = zflash().arg("man").output().unwrap();
    assert!(out.status.success());
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(
        page.starts_with(".ie") && page.contains(".TH zflash 1"),
        "{page}"
    );
    let tmp = tempfile::tempdir().unwrap();
    zflash()
        .args(["man", "--dir"])
        .arg(tmp.path())
        .assert()
        .success();
    for name in ["zflash", "zflash-generate", "zflash-check", "zflash-finish"] {
        let text = std::fs::read_to_string(tmp.path().join(format!("{name}.1"))).unwrap();
        assert!(text.contains(&format!(".TH {name} 1")), "{name}: {text}");
    }
    // The page of a command carries its examples.
    let generate = std::fs::read_to_string(tmp.path().join("zflash-generate.1")).unwrap();
    assert!(generate.contains("Examples"), "{generate}");
}

/// Every command's `--help` ends with examples.
#[test]
fn every_help_has_examples() {
    for command in [
        "check",
        "explain",
        "capture",
        "info",
        "verify",
        "finish",
        "generate",
        "completions",
        "man",
    ] {
        let out = zflash().args([command, "--help"]).output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("Examples:\n  zflash "), "{command}: {text}");
    }
}
