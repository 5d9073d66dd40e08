//! CLI tests for `zflash check` and `zflash explain`.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn zflash() -> Command {
    let mut cmd = Command::cargo_bin("zflash").expect("zflash binary");
    cmd.env_remove("NO_COLOR");
    cmd
}

fn example_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/examples/jumpstart")
}

/// A copy of the example JumpStart directory in a fresh temp dir (without its rules.ok).
fn example_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    copy_dir(&example_dir(), tmp.path());
    let _ = std::fs::remove_file(tmp.path().join("rules.ok"));
    tmp
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn json_of(output: &[u8]) -> serde_json::Value {
    serde_json::from_slice(output).expect("stdout is one JSON document")
}

fn codes(json: &serde_json::Value) -> Vec<String> {
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

/// System V checksum, computed here independently of the library.
fn sysv_sum(bytes: &[u8]) -> u32 {
    let s: u32 = bytes
        .iter()
        .map(|&b| u32::from(b))
        .fold(0, u32::wrapping_add);
    let r = (s & 0xffff) + (s >> 16);
    (r & 0xffff) + (r >> 16)
}

#[test]
fn example_directory_is_clean_and_gets_a_correct_rules_ok() {
    let tmp = example_copy();
    zflash()
        .arg("check")
        .arg(tmp.path())
        .assert()
        .code(0)
        .stdout(predicate::str::contains("no problems found"))
        .stderr(predicate::str::contains("wrote"));
    let ok = std::fs::read(tmp.path().join("rules.ok")).expect("rules.ok written");
    let text = String::from_utf8(ok.clone()).unwrap();
    let (body, trailer) = text.split_at(text.trim_end_matches('\n').rfind('\n').unwrap() + 1);
    assert_eq!(
        trailer,
        format!("# version=2 checksum={}\n", sysv_sum(body.as_bytes()))
    );
    assert!(!body.contains('#'), "comments are stripped: {body}");
    assert!(
        !body.lines().any(|l| l.starts_with('\t')),
        "leading tabs stripped"
    );
    // GNU `sum -s` agrees, where it is installed.
    if let Ok(out) = std::process::Command::new("sum")
        .arg("-s")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(body.as_bytes())?;
            child.wait_with_output()
        })
    {
        let first = String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string();
        assert_eq!(first, sysv_sum(body.as_bytes()).to_string());
    }
    // The committed example rules.ok is what check writes.
    let committed = std::fs::read(example_dir().join("rules.ok")).expect("committed rules.ok");
    assert_eq!(committed, ok);
    // A second run leaves it alone.
    zflash()
        .arg("check")
        .arg(tmp.path())
        .assert()
        .code(0)
        .stderr(predicate::str::contains("up to date"));
}

#[test]
fn no_write_with_an_up_to_date_rules_ok_is_clean() {
    let tmp = example_copy();
    std::fs::copy(example_dir().join("rules.ok"), tmp.path().join("rules.ok")).unwrap();
    zflash()
        .args(["check", "--no-write"])
        .arg(tmp.path())
        .assert()
        .code(0)
        .stdout(predicate::str::contains("no problems found"))
        .stderr(predicate::str::contains("is up to date"));
}

#[test]
fn no_write_does_not_create_rules_ok() {
    let tmp = example_copy();
    zflash()
        .args(["check", "--no-write"])
        .arg(tmp.path())
        .assert()
        .code(0)
        .stderr(predicate::str::contains("--no-write"));
    assert!(!tmp.path().join("rules.ok").exists());
}

#[test]
fn rules_option_checks_another_file_and_writes_nothing() {
    let tmp = example_copy();
    let other = tmp.path().join("rules.test");
    std::fs::copy(tmp.path().join("rules"), &other).unwrap();
    zflash()
        .arg("check")
        .arg(tmp.path())
        .arg("-r")
        .arg(&other)
        .assert()
        .code(0)
        .stderr(predicate::str::contains("file not created"));
    assert!(!tmp.path().join("rules.ok").exists());
    assert!(!tmp.path().join("rules.test.ok").exists());
    // A missing -r file is a tool error, as in Solaris check.
    zflash()
        .arg("check")
        .arg(tmp.path())
        .args(["-r", "/nonexistent/rules.x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no rules file"));
}

#[test]
fn errors_leave_an_old_rules_ok_untouched() {
    let tmp = example_copy();
    let old = b"any - - old.prof -\n# version=2 checksum=1\n";
    std::fs::write(tmp.path().join("rules.ok"), old).unwrap();
    std::fs::remove_file(tmp.path().join("loadzfs.fin")).unwrap();
    let out = zflash()
        .args(["check", "--format", "json"])
        .arg(tmp.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("left untouched"))
        .get_output()
        .stdout
        .clone();
    let json = json_of(&out);
    let codes = codes(&json);
    assert!(codes.contains(&"J003".to_string()), "{codes:?}");
    assert!(
        codes.contains(&"J008".to_string()),
        "stale rules.ok flagged: {codes:?}"
    );
    assert_eq!(json["rules_ok"][0]["status"], "not-written-errors");
    assert_eq!(std::fs::read(tmp.path().join("rules.ok")).unwrap(), old);
    // No temporary file is left behind either.
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".rules.ok"))
        .collect();
    assert!(leftovers.is_empty());
}

/// A deploy config `deploy/<host>.yaml` for the example directory; `key` is the
/// BE name's key (`be_nme` makes it a D101 error).
fn write_deploy_config(dir: &Path, key: &str) -> PathBuf {
    std::fs::create_dir_all(dir.join("deploy")).unwrap();
    let path = dir.join("deploy/ws001.yaml");
    std::fs::write(
        &path,
        format!("version: 1\narchive: /flash/gold.zfs\n{key}: s10gold\n"),
    )
    .unwrap();
    path
}

/// A broken deploy config is an error like any other: exit 1 at its line, and `rules.ok`
/// is decided after it — not created when there is none, an old one left untouched (and
/// flagged when stale), as for errors in the JumpStart files (docs/check.md).
#[test]
fn a_broken_deploy_config_holds_back_rules_ok() {
    let tmp = example_copy();
    // Clean with a valid deploy config: rules.ok is written.
    write_deploy_config(tmp.path(), "be_name");
    zflash()
        .arg("check")
        .arg(tmp.path())
        .assert()
        .code(0)
        .stderr(predicate::str::contains("wrote"));
    std::fs::remove_file(tmp.path().join("rules.ok")).unwrap();

    // Broken: exit 1 at the key, and no rules.ok appears.
    let config = write_deploy_config(tmp.path(), "be_nme");
    zflash()
        .arg("check")
        .arg(tmp.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "error[D101]: unknown field `be_nme`",
        ))
        .stdout(predicate::str::contains(format!(
            "{}:3:1",
            config.display()
        )))
        .stderr(predicate::str::contains("not written: errors were found"));
    assert!(
        !tmp.path().join("rules.ok").exists(),
        "no rules.ok with a broken deploy config"
    );

    // An old, stale rules.ok is left as it was (and flagged, J008).
    let old = b"any - - old.prof -\n# version=2 checksum=1\n";
    std::fs::write(tmp.path().join("rules.ok"), old).unwrap();
    let out = zflash()
        .args(["check", "--format", "json"])
        .arg(tmp.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("left untouched"))
        .get_output()
        .stdout
        .clone();
    let json = json_of(&out);
    let codes = codes(&json);
    assert!(codes.contains(&"D101".to_string()), "{codes:?}");
    assert!(codes.contains(&"J008".to_string()), "{codes:?}");
    assert_eq!(json["rules_ok"][0]["status"], "not-written-errors");
    assert_eq!(std::fs::read(tmp.path().join("rules.ok")).unwrap(), old);

    // Named alone, `deploy/<host>.yaml` is checked as a deploy config, not as a profile.
    zflash()
        .arg("check")
        .arg(&config)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "error[D101]: unknown field `be_nme`",
        ))
        .stdout(predicate::str::contains("P1").not());
    write_deploy_config(tmp.path(), "be_name");
    zflash()
        .arg("check")
        .arg(&config)
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "Checked 1 file: no problems found.",
        ));
}

/// Deploy configs are read under the rules of every file of the directory: a link out of
/// it is F008 (its contents never printed), a FIFO is F001 (no hang); both are errors that
/// hold back rules.ok.
#[test]
fn deploy_configs_are_read_confined() {
    let tmp = example_copy();
    let secret = tempfile::tempdir().unwrap();
    std::fs::write(
        secret.path().join("other.yaml"),
        "version: 1\narchive: /x\nbe_nme: TOPSECRET\n",
    )
    .unwrap();
    std::fs::create_dir_all(tmp.path().join("deploy")).unwrap();
    std::os::unix::fs::symlink(
        secret.path().join("other.yaml"),
        tmp.path().join("deploy/out.yaml"),
    )
    .unwrap();
    let fifo = tmp.path().join("deploy/pipe.yaml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success();
    assert!(made, "mkfifo {}", fifo.display());
    let out = zflash()
        .args(["check", "--format", "json"])
        .arg(tmp.path())
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8_lossy(&out);
    assert!(!text.contains("TOPSECRET"), "{text}");
    let codes = codes(&json_of(&out));
    assert!(codes.contains(&"F008".to_string()), "{codes:?}");
    assert!(codes.contains(&"F001".to_string()), "{codes:?}");
    assert!(!tmp.path().join("rules.ok").exists());
}

/// A directory with one error, one warning-only file and nothing else.
fn broken_dir() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path();
    std::fs::write(p.join("rules"), "hostname web01 - web.prof post.fin\n").unwrap();
    std::fs::write(
        p.join("web.prof"),
        "install_type initial_install\ncluster SUNWCreq\nsystem_type standalone\npool rpool auto auto auto mirror c0t0d0s0 c0t1d0s0\nbootenv installbe bename be1\n",
    )
    .unwrap();
    tmp
}

#[test]
fn every_format_reports_the_same_finding() {
    let tmp = broken_dir();
    let run = |format: &str| {
        zflash()
            .args(["check", "--no-write", "--format", format])
            .arg(tmp.path())
            .assert()
            .code(1)
            .get_output()
            .stdout
            .clone()
    };
    let human = String::from_utf8(run("human")).unwrap();
    assert!(human.contains("error[J003]"), "{human}");
    assert!(human.contains("rules:1:27"), "{human}");
    assert!(human.contains("1 error"), "{human}");
    assert!(
        !human.contains('\u{1b}'),
        "no colour when stdout is not a terminal"
    );

    let json = json_of(&run("json"));
    assert_eq!(json["version"], 1);
    let d = &json["diagnostics"][0];
    assert_eq!(d["code"], "J003");
    assert_eq!(d["name"], "missing-finish-script");
    assert_eq!(d["severity"], "error");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(1), Some(27))
    );
    assert_eq!(
        (d["end_line"].as_u64(), d["end_column"].as_u64()),
        (Some(1), Some(35))
    );
    assert!(d["help"].is_string());
    assert!(d["notes"].is_array());

    let sarif = json_of(&run("sarif"));
    assert_eq!(sarif["version"], "2.1.0");
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "J003");
    assert_eq!(result["level"], "error");
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 1);
    assert_eq!(region["startColumn"], 27);
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let idx = result["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[idx]["id"], "J003");
    assert!(
        rules[idx]["help"]["text"]
            .as_str()
            .unwrap()
            .contains("Finish script missing")
    );

    let gh = String::from_utf8(run("github")).unwrap();
    let line = gh.lines().next().unwrap();
    assert!(
        line.starts_with("::error title=zflash (J003),file="),
        "{line}"
    );
    assert!(
        line.contains(",line=1,endLine=1,col=27,endColumn=35::"),
        "{line}"
    );
    assert!(
        !gh.contains("\nhelp"),
        "newlines in messages are escaped: {gh}"
    );
}

#[test]
fn color_always_uses_ansi_and_never_does_not() {
    let tmp = broken_dir();
    let out = zflash()
        .args(["check", "--no-write", "--color", "always"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains('\u{1b}'));
    let out = zflash()
        .args(["check", "--no-write", "--color", "never"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains('\u{1b}'));
}

#[test]
fn fail_on_sets_the_threshold() {
    // Only a warning (J005) and an info (F007): exit 0 by default.
    let tmp = example_copy();
    std::fs::write(tmp.path().join("loadzfs.fin"), "#!/bin/bash\necho done").unwrap();
    let check = |fail_on: Option<&str>| {
        let mut cmd = zflash();
        cmd.args(["check", "--no-write"]);
        if let Some(f) = fail_on {
            cmd.args(["--fail-on", f]);
        }
        cmd.arg(tmp.path()).output().unwrap().status.code()
    };
    assert_eq!(check(None), Some(0));
    assert_eq!(check(Some("error")), Some(0));
    assert_eq!(check(Some("warning")), Some(1));
    assert_eq!(check(Some("info")), Some(1));
    std::fs::write(tmp.path().join("loadzfs.fin"), "echo done").unwrap();
    assert_eq!(check(Some("warning")), Some(0));
    assert_eq!(check(Some("info")), Some(1));
}

#[test]
fn tool_errors_exit_2() {
    zflash()
        .args(["check", "/nonexistent/jumpstart"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no such file or directory"));
    zflash().args(["check", "--bogus-flag"]).assert().code(2);
    zflash()
        .args(["check", "--format", "xml", "."])
        .assert()
        .code(2);
    zflash()
        .args(["check", "--kind", "nope", "."])
        .assert()
        .code(2);
    zflash()
        .args(["check", "--fail-on", "never", "."])
        .assert()
        .code(2);
    zflash()
        .args(["check", "-p", "/nonexistent/image", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a valid Solaris image"));
    // A directory with nothing to lint (a wrong path in CI) is an error, not a green run;
    // one with only sysidcfg files is linted as it is.
    let empty = tempfile::tempdir().unwrap();
    std::fs::write(empty.path().join("README"), "notes\n").unwrap();
    zflash()
        .arg("check")
        .arg(empty.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no JumpStart files found"));
    let sysid_only = tempfile::tempdir().unwrap();
    std::fs::create_dir(sysid_only.path().join("ws1")).unwrap();
    std::fs::write(
        sysid_only.path().join("ws1/sysidcfg"),
        "network_interface=primary {dhcp protocol_ipv6=no}\n",
    )
    .unwrap();
    zflash()
        .arg("check")
        .arg(sysid_only.path())
        .assert()
        .stdout(predicate::str::contains("sysidcfg"));
}

#[test]
fn fifos_and_devices_are_refused_not_read_forever() {
    // A FIFO in a JumpStart directory would block the check until a writer appears, and
    // a link to /dev/zero would be read until memory runs out.
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path();
    std::fs::write(p.join("rules"), "any - - prof -\n").unwrap();
    std::fs::write(p.join("prof"), "install_type initial_install\n").unwrap();
    for client in ["c1", "c2"] {
        std::fs::create_dir(p.join(client)).unwrap();
    }
    let mkfifo = |path: &Path| {
        let ok = std::process::Command::new("mkfifo")
            .arg(path)
            .status()
            .unwrap()
            .success();
        assert!(ok, "mkfifo {}", path.display());
    };
    mkfifo(&p.join("c1/sysidcfg"));
    mkfifo(&p.join("rules.ok"));
    // A link out of the directory is not even opened (F008), whatever the kind of file.
    std::os::unix::fs::symlink("/dev/zero", p.join("c2/bootparams")).unwrap();
    let out = zflash()
        .args(["check", "--no-write", "--format", "json"])
        .arg(p)
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let json = json_of(&out);
    let f001: Vec<&serde_json::Value> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "F001")
        .collect();
    assert_eq!(f001.len(), 1, "{json}");
    assert!(
        f001.iter().all(|d| d["message"]
            .as_str()
            .unwrap()
            .contains("not a regular file")),
        "{json}"
    );
    assert!(
        json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == "F008" && d["file"].as_str().unwrap().ends_with("c2/bootparams")),
        "{json}"
    );
    // A regular file named on the command line is read, but bounded (a sparse 17 MiB file).
    let big = p.join("big.prof");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(17 << 20)
        .unwrap();
    zflash()
        .arg("check")
        .arg(&big)
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "big.prof: cannot read: larger than",
        ))
        // Said once, not repeated as a `caused by:` line.
        .stderr(predicate::function(|e: &str| {
            e.matches("larger than").count() == 1
        }));
}

/// A FIFO, device or socket named on the command line is refused as one met inside a
/// directory: an F001 finding naming it, exit 1, nothing read. (It used to hang on a FIFO
/// nobody writes and read /dev/zero up to the size bound, then exit 2.)
#[test]
fn a_fifo_device_or_socket_named_directly_is_an_f001_finding_not_a_hang() {
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("web.prof");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success(), "mkfifo {}", fifo.display());
    let socket = tmp.path().join("sysidcfg");
    let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    for (path, what, kind) in [
        (fifo.clone(), "a FIFO", None),
        (fifo.clone(), "a FIFO", Some("sysidcfg")),
        (PathBuf::from("/dev/zero"), "a character device", None),
        (socket.clone(), "a socket", None),
    ] {
        let mut cmd = zflash();
        cmd.arg("check");
        if let Some(kind) = kind {
            cmd.args(["--kind", kind]);
        }
        // A hang fails the test (assert_cmd kills the process) rather than blocking it.
        let out = cmd
            .arg(&path)
            .timeout(std::time::Duration::from_secs(20))
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}: {stdout}{stderr}",
            path.display()
        );
        assert!(
            stdout.contains(&format!(
                "error[F001]: cannot read the file: not a regular file ({what})"
            )) && stdout.contains(&format!("--> {}", path.display())),
            "{}: {stdout}",
            path.display()
        );
        assert!(stdout.contains("put the file itself here"), "{stdout}");
        assert!(stderr.is_empty(), "{stderr}");
    }
    // JSON names the file too, with the F001 code.
    let out = zflash()
        .args(["check", "--format", "json"])
        .arg(&fifo)
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let json = json_of(&out);
    let diags = json["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1, "{json}");
    assert_eq!(diags[0]["code"], "F001", "{json}");
    assert_eq!(diags[0]["file"], fifo.display().to_string(), "{json}");
}

/// An anonymous pipe (`--kind profile <(cmd)`, `cmd | zflash check --kind profile
/// /dev/stdin`) has its writer by construction: it is read and checked.
#[test]
fn an_anonymous_pipe_named_directly_is_read_and_checked() {
    zflash()
        .args(["check", "--kind", "profile", "/dev/stdin"])
        .write_stdin("install_type initial_install\nbogus_keyword x\n")
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .code(1)
        .stdout(predicate::str::contains("error[P101]"))
        .stdout(predicate::str::contains("--> /dev/stdin:2:1"));
}

#[test]
fn a_long_line_full_of_findings_is_checked_in_linear_time() {
    // 65,536 unknown keys on one 128 KiB bootparams line: positions and excerpts used to
    // rescan the line for each finding (quadratic: minutes); now a few seconds in debug.
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("bootparams");
    std::fs::write(&f, "a ".repeat(1 << 16)).unwrap();
    zflash()
        .args(["check", "--color", "never"])
        .arg(&f)
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(1)
        // The first 100 findings of the rule, then one saying how many more (at the
        // first one left out: word 102, column 201).
        .stdout(predicate::str::contains(" --> "))
        .stdout(predicate::str::contains("bootparams:1:201"))
        .stdout(predicate::str::contains(
            "65435 more B101 findings in this file",
        ))
        .stdout(predicate::str::contains("Checked 1 file: 101 errors"));
}

#[test]
fn thousands_of_distinct_secrets_are_masked_in_linear_time() {
    // Every finding's text used to be searched once per secret value (quadratic: minutes
    // for 20,000 lines); one automaton now masks them all in one pass.
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("sysidcfg");
    let text: String = (0..20_000)
        .map(|i| format!("root_password=Sec{i:08}\n"))
        .collect();
    std::fs::write(&f, text).unwrap();
    let out = zflash()
        .args(["check", "--color", "never"])
        .arg(&f)
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("Checked 1 file"), "{out}");
    assert!(!out.contains("Sec0"), "a password reached the output");
}

#[test]
fn a_path_given_twice_is_checked_once() {
    let tmp = broken_dir();
    let json_for = |paths: &[&Path]| {
        let out = zflash()
            .args(["check", "--no-write", "--format", "json"])
            .args(paths)
            .output()
            .unwrap();
        json_of(&out.stdout)
    };
    let once = json_for(&[tmp.path()]);
    let same = tmp.path().join(".");
    let twice = json_for(&[tmp.path(), &same]);
    assert_eq!(twice["files_checked"], once["files_checked"], "{twice}");
    assert_eq!(twice["diagnostics"], once["diagnostics"]);
}

#[test]
fn files_outside_the_directory_are_never_read() {
    // A rules file of an untrusted change must not make a CI run print another file
    // (`../../etc/shadow`, a link to it): the client could not see it anyway.
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret");
    std::fs::write(&secret, "SECRET-LINE one\nSECRET-LINE two\n").unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path();
    let up = format!(
        "../{}/secret",
        outside.path().file_name().unwrap().to_str().unwrap()
    );
    std::fs::write(
        p.join("rules"),
        format!(
            "hostname a - {up} -\nhostname b - link.prof -\nhostname c - /abs.prof -\nhostname d - {} -\n",
            secret.display()
        ),
    )
    .unwrap();
    std::os::unix::fs::symlink(&secret, p.join("link.prof")).unwrap();
    // `/abs.prof` is `SI_CONFIG_DIR//abs.prof` on the client: this file.
    std::fs::write(p.join("abs.prof"), "install_type initial_install\n").unwrap();
    std::fs::create_dir(p.join("c1")).unwrap();
    std::os::unix::fs::symlink(&secret, p.join("c1/sysidcfg")).unwrap();
    let out = zflash()
        .args(["check", "--no-write", "--format", "json"])
        .arg(p)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out.clone()).unwrap();
    assert!(!text.contains("SECRET-LINE"), "{text}");
    let json = json_of(&out);
    let messages = |code: &str| -> Vec<String> {
        json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == code)
            .map(|d| d["message"].as_str().unwrap().to_string())
            .collect()
    };
    let j001 = messages("J001");
    assert_eq!(j001.len(), 3, "{j001:?}");
    assert_eq!(
        j001.iter()
            .filter(|m| m.contains("leads outside it"))
            .count(),
        2,
        "{j001:?}"
    );
    assert!(j001.iter().all(|m| !m.contains("abs.prof")), "{j001:?}");
    let f008 = messages("F008");
    assert!(
        f008.iter()
            .any(|m| m.contains("sysidcfg") && m.contains("leads outside")),
        "{f008:?}"
    );
}

#[test]
fn kind_overrides_the_file_name() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("client.cfg");
    std::fs::write(&f, "timezone=Mars/Olympus\n").unwrap();
    let as_sysid = json_of(
        &zflash()
            .args(["check", "--format", "json", "--kind", "sysidcfg"])
            .arg(&f)
            .output()
            .unwrap()
            .stdout,
    );
    assert!(
        codes(&as_sysid).iter().any(|c| c.starts_with('S')),
        "{as_sysid}"
    );
    let as_profile = json_of(
        &zflash()
            .args(["check", "--format", "json"])
            .arg(&f)
            .output()
            .unwrap()
            .stdout,
    );
    assert!(
        codes(&as_profile).iter().all(|c| !c.starts_with('S')),
        "{as_profile}"
    );
    assert!(
        codes(&as_profile).iter().any(|c| c.starts_with('P')),
        "{as_profile}"
    );
}

#[test]
fn bad_bytes_are_findings_not_crashes() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path();
    std::fs::write(
        p.join("rules"),
        "hostname a - latin.prof -\r\nhostname b - bin.prof -\r\nhostname c - empty.prof -\r\n",
    )
    .unwrap();
    std::fs::write(
        p.join("latin.prof"),
        b"# g\xe9n\xe9rique\ninstall_type initial_install\n",
    )
    .unwrap();
    std::fs::write(p.join("bin.prof"), b"\x7fELF\0\0\0\x01").unwrap();
    std::fs::write(p.join("empty.prof"), b"").unwrap();
    let out = zflash()
        .args(["check", "--format", "json"])
        .arg(p)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let json = json_of(&out);
    let found = codes(&json);
    for code in ["F002", "F003", "F004", "F005"] {
        assert!(
            found.iter().any(|c| c == code),
            "{code} missing from {found:?}"
        );
    }
    let f002 = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "F002")
        .unwrap();
    assert!(
        f002["message"].as_str().unwrap().contains("byte 3"),
        "{f002}"
    );
    assert!(!p.join("rules.ok").exists(), "no rules.ok with errors");
    // Findings are sorted by file, then position.
    let keys: Vec<(String, u64, u64)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}

#[test]
fn secrets_never_reach_the_output() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("web01");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(
        dir.join("sysidcfg"),
        "root_password=TopSecretHash\nroot_password=TopSecretHash2 timezone=Nowhere\n\
         name_service=LDAP {domain_name=x.example profile=p profile_server=10.0.0.1 proxy_dn=\"cn=a\" proxy_password=Sesame99}\n",
    )
    .unwrap();
    for format in ["human", "json", "sarif", "github"] {
        let out = zflash()
            .args(["check", "--format", format])
            .arg(tmp.path())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(!stdout.contains("TopSecret"), "{format}: {stdout}");
        assert!(!stdout.contains("Sesame"), "{format}: {stdout}");
        assert!(!String::from_utf8_lossy(&out.stderr).contains("TopSecret"));
    }
    // Checked as a profile by mistake: still masked.
    let out = zflash()
        .args(["check", "--kind", "profile"])
        .arg(dir.join("sysidcfg"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("TopSecret"));
}

#[test]
fn several_paths_and_single_files() {
    let tmp = example_copy();
    zflash()
        .args(["check", "--no-write"])
        .arg(tmp.path().join("zfs_mirror.prof"))
        .arg(tmp.path().join("clients/web01/sysidcfg"))
        .arg(tmp.path().join("bootparams"))
        .arg(tmp.path())
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Checked 12 files"));
}

/// A single file with no telling name that starts with `#!` is a script (like
/// `finish_scripts/F23defaultrouter`), not a profile full of "invalid keyword" errors.
#[test]
fn unnamed_file_with_shebang_is_checked_as_a_script() {
    let tmp = tempfile::tempdir().unwrap();
    let script = tmp.path().join("F23defaultrouter");
    std::fs::write(&script, "#!/bin/ksh\nif [[ -n \"$X\" ]]; then echo x; fi\n").unwrap();
    zflash().arg("check").arg(&script).assert().code(0).stdout(
        predicate::str::contains("J005")
            .and(predicate::str::contains("H003"))
            .and(predicate::str::contains("P101").not()),
    );
    // --kind still decides.
    zflash()
        .args(["check", "--kind", "profile"])
        .arg(&script)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("P101"));
}

#[test]
fn explain_prints_docs_and_lists_codes() {
    zflash().args(["explain", "F005"]).assert().code(0).stdout(
        predicate::str::contains("crlf-line-endings").and(predicate::str::contains("dos2unix")),
    );
    zflash()
        .args(["explain", "missing-finish-script"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("J003"));
    zflash().args(["explain", "f005"]).assert().code(0);
    zflash()
        .args(["explain", "F05"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean"));
    zflash().args(["explain"]).assert().code(2);
    // A code that is not one-typo away from a real code gets no random suggestion.
    zflash()
        .args(["explain", "X999"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean").not());
    // A name shared by two formats prints both rules, not just the first.
    zflash()
        .args(["explain", "syntax-error"])
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains("B101 syntax-error")
                .and(predicate::str::contains("S101 syntax-error")),
        );
    // The name given as an example in --help is a real one.
    zflash()
        .args(["explain", "--help"])
        .assert()
        .stdout(predicate::str::contains("`unknown-match-keyword`"));
    zflash()
        .args(["explain", "unknown-match-keyword"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("R201"));
    let list = zflash().args(["explain", "--list"]).output().unwrap();
    assert_eq!(list.status.code(), Some(0));
    let text = String::from_utf8(list.stdout).unwrap();
    for code in ["F001", "F007", "J001", "J008"] {
        assert!(text.contains(code), "{code} in --list");
    }
}

/// `check --release R` judges a sysidcfg for release R: `auto_reg` (from 9/10) is an error
/// at its line for 10/08 (the installer would ignore the file), its absence a warning for
/// 9/10; without `--release`, neither. Both spellings of a release are read, and an unknown
/// one is refused naming the known ones.
#[test]
fn check_release_judges_sysidcfg_keywords_for_that_release() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("c1");
    std::fs::create_dir(&dir).unwrap();
    let base = "system_locale=C\nterminal=vt100\ntimezone=US/Eastern\ntimeserver=localhost\n\
                network_interface=PRIMARY {netmask=255.255.255.0 protocol_ipv6=no default_route=NONE}\n\
                name_service=NONE\nroot_password=Xy3kP0qLm9ZbA\nsecurity_policy=NONE\nnfs4_domain=dynamic\n";
    let with = dir.join("sysidcfg");
    std::fs::write(&with, format!("{base}auto_reg=disable\n")).unwrap();
    for release in ["10/08", "s10u6"] {
        let out = zflash()
            .args([
                "check",
                "--kind",
                "sysidcfg",
                "--format",
                "json",
                "--release",
                release,
            ])
            .arg(&with)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{release}");
        let json = json_of(&out.stdout);
        let d = &json["diagnostics"][0];
        assert_eq!(codes(&json), ["S223"], "{json}");
        assert_eq!(d["severity"], "error");
        assert_eq!(d["line"], 10, "{json}");
        assert!(
            d["message"]
                .as_str()
                .unwrap()
                .contains("`auto_reg` exists from Solaris 10 9/10 on"),
            "{json}"
        );
    }
    // The same file for 9/10, or without a release: clean.
    for args in [&["--release", "9/10"][..], &[]] {
        zflash()
            .args(["check", "--kind", "sysidcfg", "--no-write"])
            .args(args)
            .arg(&with)
            .assert()
            .code(0);
    }
    // Without auto_reg: a warning for 9/10, nothing for 10/08.
    std::fs::write(&with, base).unwrap();
    let out = zflash()
        .args([
            "check",
            "--kind",
            "sysidcfg",
            "--format",
            "json",
            "--release",
            "9/10",
        ])
        .arg(&with)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let json = json_of(&out.stdout);
    assert_eq!(codes(&json), ["S224"], "{json}");
    zflash()
        .args([
            "check",
            "--kind",
            "sysidcfg",
            "--fail-on",
            "warning",
            "--release",
            "10/08",
        ])
        .arg(&with)
        .assert()
        .code(0);
    // A directory check judges every sysidcfg below it, and profiles its rules name.
    let js = example_copy();
    let sys = js.path().join("clients/extra");
    std::fs::create_dir_all(&sys).unwrap();
    std::fs::write(sys.join("sysidcfg"), format!("{base}auto_reg=disable\n")).unwrap();
    let out = zflash()
        .args([
            "check",
            "--no-write",
            "--format",
            "json",
            "--release",
            "10/08",
        ])
        .arg(js.path())
        .output()
        .unwrap();
    let json = json_of(&out.stdout);
    assert!(codes(&json).contains(&"S223".to_string()), "{json}");
    let out = zflash()
        .args([
            "check",
            "--no-write",
            "--format",
            "json",
            "--release",
            "5/08",
        ])
        .arg(js.path())
        .output()
        .unwrap();
    let json = json_of(&out.stdout);
    assert!(codes(&json).contains(&"P234".to_string()), "{json}");
    zflash()
        .args(["check", "--release", "10/07"])
        .arg(&with)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("3/05, 1/06"));
}
