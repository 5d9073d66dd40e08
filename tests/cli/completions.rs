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

/// `check --quiet` prints nothing for a clean directory and the findings otherwise;
/// `finish --color` colours its rendering of deploy-config problems like `check`'s.
#[test]
fn check_quiet_and_finish_color() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("js");
    zflash()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["generate", "fixtures/sites/minimal.yaml", "-o"])
        .arg(&out)
        .assert()
        .success();
    let clean = zflash()
        .args(["check", "--quiet", "--no-write"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(clean.status.success());
    assert!(clean.stdout.is_empty() && clean.stderr.is_empty());
    let profile = out.join("profiles/s10u6");
    let text = std::fs::read_to_string(&profile).unwrap();
    std::fs::write(&profile, text.replace("rpool auto", "c0t0d0 auto")).unwrap();
    let dirty = zflash()
        .args(["check", "--quiet", "--no-write"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(dirty.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&dirty.stdout).contains("P215"));

    let config = tmp.path().join("bad.yaml");
    std::fs::write(&config, "version: 1\narchive: /a.zfs\nbe_nme: x\n").unwrap();
    for (color, escapes) in [("always", true), ("never", false)] {
        let run = zflash()
            .args(["finish", "--plan", "--color", color, "--config"])
            .arg(&config)
            .output()
            .unwrap();
        assert_eq!(run.status.code(), Some(2));
        let err = String::from_utf8_lossy(&run.stderr);
        assert!(err.contains("D101"), "{err}");
        assert_eq!(err.contains('\u{1b}'), escapes, "{color}: {err}");
    }
}

/// `verify --quiet` and `info --quiet` print nothing; the exit status tells.
#[test]
fn verify_and_info_quiet_print_nothing() {
    for command in ["verify", "info"] {
        let ok = zflash()
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args([command, "--quiet", "fixtures/streams/zfs-fuse/full.zs"])
            .output()
            .unwrap();
        assert_eq!(ok.status.code(), Some(0), "{command}");
        assert!(ok.stdout.is_empty(), "{command}");
    }
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.zfs");
    std::fs::write(&bad, b"not a stream at all, just text\n").unwrap();
    let run = zflash()
        .args(["verify", "--quiet"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    assert!(run.stdout.is_empty());
}

/// Every command (the help of `zflash help` lists them) takes `--color` and `--quiet`,
/// before or after its name, documents them and shows examples in its `--help`.
#[test]
fn every_command_takes_color_and_quiet_and_has_examples() {
    let out = zflash().args(["--help"]).output().unwrap();
    let top = String::from_utf8(out.stdout).unwrap();
    assert!(top.contains("Examples:"), "{top}");
    let commands: Vec<String> = top
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .filter(|c| c != "help")
        .collect();
    assert!(commands.len() >= 10, "{commands:?}");
    for command in &commands {
        for args in [
            vec![command.as_str(), "--help", "--quiet", "--color", "never"],
            vec!["--quiet", "--color=never", command.as_str(), "--help"],
        ] {
            let out = zflash().args(&args).output().unwrap();
            assert!(out.status.success(), "{args:?}");
            let help = String::from_utf8(out.stdout).unwrap();
            for want in ["--color <COLOR>", "-q, --quiet", "Examples:\n  zflash "] {
                assert!(help.contains(want), "{args:?}: no {want:?} in\n{help}");
            }
            assert!(
                !help.contains('\u{1b}'),
                "{args:?}: colour with --color never"
            );
        }
    }
    // `--color` reaches clap's own output too: a usage error in colour only when asked.
    let out = zflash()
        .args(["--color", "always", "check", "--no-such-flag"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains('\u{1b}'));
    let out = zflash()
        .args(["check", "--no-such-flag", "--color", "never"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains('\u{1b}'));
}

/// `manifest --quiet` writes the manifest and says nothing.
#[test]
fn manifest_quiet_says_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("full.zfs");
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(repo.join("fixtures/streams/zfs-fuse/full.zs"), &archive).unwrap();
    zflash()
        .args(["--quiet", "manifest"])
        .arg(&archive)
        .assert()
        .success()
        .stdout("");
    assert!(tmp.path().join("full.zfs.manifest.json").is_file());
}
