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
            assert!(text.contains("-rf"), "{text}");
        }
        other => panic!("expected a site problem, got {other:?}"),
    }
}
