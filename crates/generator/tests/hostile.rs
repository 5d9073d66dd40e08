//! Regression tests for hostile site files and hostile output directories (issue 12):
//! option injection, explicit modes, symlinks, the marker's digests.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use zflash_generator::{GenerateError, generate, output};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn example_site() -> PathBuf {
    repo().join("fixtures/examples/site.yaml")
}

/// The example site with `from` replaced by `to` (once), written to `dir/site.yaml`.
fn edited_site(dir: &Path, from: &str, to: &str) -> PathBuf {
    let text = std::fs::read_to_string(example_site()).unwrap();
    assert!(text.contains(from), "{from}");
    let path = dir.join("site.yaml");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    path
}

// ---- finding 10: option injection ------------------------------------------------------

#[test]
fn a_property_name_starting_with_a_dash_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let site = edited_site(tmp.path(), "compression: \"on\"", "-rf: \"on\"");
    match generate(&site) {
        Err(GenerateError::Site(e)) => {
            let text = e.to_string();
            assert!(
                text.contains("site.yaml:36:9: invalid property name \"-rf\""),
                "{text}"
            );
        }
        other => panic!("expected a site problem, got {other:?}"),
    }
}

/// The example site generated into `tmp/js`; returns the output directory.
fn first_generate(tmp: &Path) -> PathBuf {
    let out = tmp.join("js");
    let files = generate(&example_site()).unwrap();
    output::write(&out, &files, false).unwrap();
    out
}

/// Every entry below `dir` (relative path, or `None` when `dir` is gone).
fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = walk(dir)
        .into_iter()
        .map(|p| p.strip_prefix(dir).unwrap().display().to_string())
        .collect();
    v.sort();
    v
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        out.push(p.clone());
        if std::fs::symlink_metadata(&p).unwrap().is_dir() {
            out.extend(walk(&p));
        }
    }
    out
}

// ---- finding 3: generate never writes through a symbolic link ---------------------------

#[test]
fn a_sysidcfg_directory_swapped_for_a_link_out_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let out = first_generate(tmp.path());
    let outside = tmp.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    std::fs::rename(out.join("sysidcfg"), tmp.path().join("moved")).unwrap();
    std::os::unix::fs::symlink("../outside", out.join("sysidcfg")).unwrap();
    let files = generate(&example_site()).unwrap();
    for result in [
        output::plan(&out, &files).map(|_| ()),
        output::write(&out, &files, false).map(|_| ()),
        output::write(&out, &files, true).map(|_| ()),
    ] {
        let err = result.unwrap_err();
        assert!(matches!(err, GenerateError::Symlink { .. }), "{err}");
        assert!(err.to_string().contains("symbolic link"), "{err}");
    }
    assert!(listing(&outside).is_empty(), "{:?}", listing(&outside));
}

#[test]
fn a_file_swapped_for_a_link_is_not_written_through() {
    let tmp = tempfile::tempdir().unwrap();
    let out = first_generate(tmp.path());
    let victim = tmp.path().join("victim");
    std::fs::write(&victim, "precious\n").unwrap();
    std::fs::remove_file(out.join("rules")).unwrap();
    std::os::unix::fs::symlink(&victim, out.join("rules")).unwrap();
    let files = generate(&example_site()).unwrap();
    let err = output::write(&out, &files, true).unwrap_err();
    assert!(matches!(err, GenerateError::Symlink { .. }), "{err}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
}

// ---- finding 4: generate never deletes outside its directory ----------------------------

#[test]
fn a_tampered_marker_cannot_make_generate_delete_outside() {
    let tmp = tempfile::tempdir().unwrap();
    let out = first_generate(tmp.path());
    let victim = tmp.path().join("victim");
    std::fs::create_dir(&victim).unwrap();
    std::fs::write(victim.join("data.txt"), "precious\n").unwrap();
    std::os::unix::fs::symlink("../victim", out.join("link")).unwrap();
    let mut marker = std::fs::read_to_string(out.join(output::MARKER)).unwrap();
    // Both marker forms: a bare path (older marker) and one with the file's own digest.
    marker.push_str("link/data.txt\n");
    std::fs::write(out.join(output::MARKER), &marker).unwrap();
    let files = generate(&example_site()).unwrap();
    for force in [false, true] {
        let err = output::write(&out, &files, force).unwrap_err();
        assert!(matches!(err, GenerateError::Symlink { .. }), "{err}");
        assert!(victim.join("data.txt").exists());
    }
    marker.push_str(&format!(
        "{}  link/data.txt\n",
        output::digest(b"precious\n")
    ));
    std::fs::write(out.join(output::MARKER), &marker).unwrap();
    assert!(output::write(&out, &files, true).is_err());
    assert_eq!(
        std::fs::read_to_string(victim.join("data.txt")).unwrap(),
        "precious\n"
    );
}

// ---- finding 7: a file generate did not write is never overwritten without --force ------

#[test]
fn a_hand_written_file_is_not_overwritten_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    let out = first_generate(tmp.path());
    // A class `newclass` appears in the site; its profile was written by hand.
    std::fs::write(out.join("profiles/newclass"), "# mine\n").unwrap();
    let text = std::fs::read_to_string(example_site())
        .unwrap()
        .replace("  lab:\n", "  newclass:\n")
        .replace("class: lab\n", "class: newclass\n");
    let site = tmp.path().join("site.yaml");
    std::fs::write(&site, text).unwrap();
    let files = generate(&site).unwrap();
    let plan = output::plan(&out, &files).unwrap();
    let change = plan.iter().find(|c| c.path == "profiles/newclass").unwrap();
    assert!(change.foreign, "{change:?}");
    assert_eq!(
        change.warning(),
        Some("would overwrite a file not written by generate")
    );
    let before = listing(&out);
    let err = output::write(&out, &files, false).unwrap_err();
    assert!(
        matches!(&err, GenerateError::NotWrittenByGenerate { paths } if paths == &["profiles/newclass"]),
        "{err}"
    );
    assert_eq!(listing(&out), before, "nothing written");
    assert_eq!(
        std::fs::read_to_string(out.join("profiles/newclass")).unwrap(),
        "# mine\n"
    );
    output::write(&out, &files, true).unwrap();
    assert_ne!(
        std::fs::read_to_string(out.join("profiles/newclass")).unwrap(),
        "# mine\n"
    );
}

#[test]
fn a_generated_file_changed_by_hand_is_not_overwritten_or_removed_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    let out = first_generate(tmp.path());
    let rules = std::fs::read_to_string(out.join("rules")).unwrap();
    std::fs::write(out.join("rules"), format!("{rules}# local edit\n")).unwrap();
    // Dropping client lab01 would remove its deploy config, edited by hand too.
    std::fs::write(out.join("deploy/lab01.yaml"), "# edited\n").unwrap();
    let text = std::fs::read_to_string(example_site()).unwrap();
    let cut = text.find("  - hostname: lab01").unwrap();
    let site = tmp.path().join("site.yaml");
    std::fs::write(&site, &text[..cut]).unwrap();
    let files = generate(&site).unwrap();
    let err = output::write(&out, &files, false).unwrap_err();
    let GenerateError::NotWrittenByGenerate { paths } = &err else {
        panic!("{err}")
    };
    assert_eq!(paths, &["rules", "deploy/lab01.yaml"]);
    assert!(out.join("deploy/lab01.yaml").exists());
    // Unedited files are still changed and removed as before.
    let plan = output::plan(&out, &files).unwrap();
    let removed = plan
        .iter()
        .find(|c| c.path == "sysidcfg/lab01/sysidcfg")
        .unwrap();
    assert!(!removed.foreign, "{removed:?}");
    output::write(&out, &files, true).unwrap();
    assert!(!out.join("deploy/lab01.yaml").exists());
    assert!(
        output::plan(&out, &files)
            .unwrap()
            .iter()
            .all(|c| c.kind == output::ChangeKind::Unchanged)
    );
}

// ---- finding 8: explicit modes ------------------------------------------------------------

#[test]
fn modes_of_everything_generate_creates() {
    let tmp = tempfile::tempdir().unwrap();
    let out = first_generate(tmp.path());
    let mode = |p: &str| std::fs::metadata(out.join(p)).unwrap().permissions().mode() & 0o7777;
    for (path, want) in [
        ("", 0o755),
        ("finish", 0o755),
        ("profiles", 0o755),
        ("sysidcfg", 0o755),
        ("sysidcfg/ws001", 0o700),
        ("sysidcfg/ws001/sysidcfg", 0o600),
        ("server/add_install_client", 0o755),
        ("rules", 0o644),
    ] {
        assert_eq!(mode(path), want, "{path}");
    }
}
