//! `rules.ok` derivation and the System V checksum, checked against the real tools:
//! every `fixtures/rules-ok/*.rules` file is derived by us and by the exact pipeline of
//! Sun's `check.sh` 1.44 (`awk -F# '{print $1}' | awk 'NF != 0 {print}' | sed 's/^[TAB]*//g'`),
//! and the checksum is compared with GNU `sum -s` run on the derived bytes. The two real
//! `rules.ok` files of the corpus are recomputed as far as their source is known.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use zflash_parser::SourceFile;
use zflash_parser::rules::{self, ok};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

fn rules_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixtures().join("rules-ok"))
        .expect("fixtures/rules-ok")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "rules"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 8,
        "expected the rules-ok fixtures, found {files:?}"
    );
    files
}

/// Run a shell command with `input` on stdin; return stdout.
fn pipe(cmd: &str, input: &[u8]) -> Vec<u8> {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .env("LC_ALL", "C")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run `{cmd}`: {e}"));
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().expect("wait");
    writer.join().expect("writer thread").expect("write stdin");
    assert!(out.status.success(), "`{cmd}` failed: {out:?}");
    out.stdout
}

/// First field of GNU `sum -s` (the System V checksum Solaris `/bin/sum` prints).
fn gnu_sum_s(bytes: &[u8]) -> u32 {
    let out = String::from_utf8(pipe("sum -s", bytes)).expect("sum output");
    out.split_whitespace()
        .next()
        .and_then(|f| f.parse().ok())
        .unwrap_or_else(|| panic!("unexpected `sum -s` output {out:?}"))
}

/// `create_derived_file` of check.sh 1.44, verbatim (the bracket holds a TAB).
fn check_sh_derive(bytes: &[u8]) -> Vec<u8> {
    pipe(
        "awk -F'#' '{print $1}' | awk 'NF != 0 {print}' | sed 's/^[\t]*//g'",
        bytes,
    )
}

#[test]
fn derivation_matches_check_sh_pipeline() {
    for path in rules_files() {
        let bytes = std::fs::read(&path).unwrap();
        let ours = ok::derive_body(&bytes);
        let theirs = check_sh_derive(&bytes);
        assert_eq!(
            String::from_utf8_lossy(&ours),
            String::from_utf8_lossy(&theirs),
            "{}",
            path.display()
        );
    }
}

#[test]
fn checksum_matches_gnu_sum_s() {
    for path in rules_files() {
        let bytes = std::fs::read(&path).unwrap();
        let body = ok::derive_body(&bytes);
        let expected = gnu_sum_s(&body);
        assert_eq!(ok::sysv_sum(&body), expected, "{}", path.display());
        // Raw files too (CR, UTF-8, missing newline, empty).
        assert_eq!(
            ok::sysv_sum(&bytes),
            gnu_sum_s(&bytes),
            "{} (raw)",
            path.display()
        );
        let full = ok::derive_rules_ok(&bytes);
        let trailer = format!("# version=2 checksum={expected}\n");
        assert!(full.ends_with(trailer.as_bytes()), "{}", path.display());
        assert_eq!(&full[..body.len()], &body[..]);
        // Through the SourceFile API (all fixtures are UTF-8).
        let src = SourceFile::new(
            path.display().to_string(),
            String::from_utf8(bytes).unwrap(),
        );
        assert_eq!(rules::rules_ok(&src).as_bytes(), &full[..]);
    }
}

#[test]
fn checksum_of_larger_inputs_matches_gnu_sum_s() {
    // Enough high bytes to carry out of 16 bits several times.
    let big: Vec<u8> = (0..200_000u32).map(|i| (i * 7 + 13) as u8).collect();
    assert_eq!(ok::sysv_sum(&big), gnu_sum_s(&big));
    let high = vec![0xFFu8; 70_000];
    assert_eq!(ok::sysv_sum(&high), gnu_sum_s(&high));
}

#[test]
fn worked_example_is_byte_identical() {
    let dir = fixtures().join("rules-ok");
    let rules = std::fs::read(dir.join("worked-example.rules")).unwrap();
    let expected = std::fs::read(dir.join("worked-example.rules.ok")).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&ok::derive_rules_ok(&rules)),
        String::from_utf8_lossy(&expected)
    );
    // And the written file lints clean as a rules.ok.
    let src = SourceFile::new("rules.ok", String::from_utf8(expected).unwrap());
    let diags = rules::check(&src);
    assert!(
        diags.iter().all(|d| !d.code.starts_with("R3")),
        "{diags:#?}"
    );
}

#[test]
fn empty_rules_gives_trailer_only() {
    assert_eq!(ok::derive_rules_ok(b""), b"# version=2 checksum=0\n");
    assert_eq!(
        ok::derive_rules_ok(b"# only comments\n\n\t\n"),
        b"# version=2 checksum=0\n"
    );
}

#[test]
fn corpus_rules_ok_files_are_recomputed() {
    let corpus = fixtures().join("corpus");
    // veewee: its rules file is in the corpus too; check would write the same rule line,
    // with the checksum 2614 (the template ships a dummy 1111).
    let rules_src = std::fs::read(
        corpus.join("rules/jedi4ever__veewee__templates__solaris-10-ga-x86__jumpstart__rules"),
    )
    .unwrap();
    let shipped = std::fs::read_to_string(
        corpus
            .join("rules.ok/jedi4ever__veewee__templates__solaris-10-ga-x86__jumpstart__rules.ok"),
    )
    .unwrap();
    let (body, trailer) = shipped.split_at(shipped.find("# version=").unwrap());
    assert_eq!(trailer, "# version=2 checksum=1111");
    let derived = ok::derive_body(&rules_src);
    assert_eq!(String::from_utf8_lossy(&derived), body);
    assert_eq!(ok::sysv_sum(&derived), 2614);
    assert_eq!(gnu_sum_s(&derived), 2614);

    // redbrick: the rules file is not known, but the checksum line is real.
    let shipped = std::fs::read_to_string(
        corpus.join("rules.ok/redbrick__docs-old__murphy-jumpstart.md__rules.ok"),
    )
    .unwrap();
    let (body, trailer) = shipped.split_at(shipped.find("# version=").unwrap());
    assert_eq!(trailer, "# version=2 checksum=2254\n");
    assert_eq!(ok::sysv_sum(body.as_bytes()), 2254);
    // A rules.ok is its own fixed point: deriving it again changes nothing but the trailer.
    assert_eq!(
        String::from_utf8(ok::derive_rules_ok(body.as_bytes())).unwrap(),
        shipped
    );
}
