//! What several CLI test modules share: the client they deploy, the golden stream they
//! deploy and how they run the native finish step for it.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use zflash_runtime::testpool::{TestPool, write_manifest};

/// The client every generated test site has (`deploy/ws001.yaml`, `sysidcfg/ws001/`).
pub const HOST: &str = "ws001";

/// `zflash finish --config JS/deploy/ws001.yaml --altroot ALTROOT` with the environment
/// JumpStart gives a SPARC client's finish script: what the generated native wrapper runs.
/// Callers add options (`--quiet`) and decide how to run it.
pub fn finish_natively_command(js: &Path, altroot: &Path) -> Command {
    let mut cmd = Command::cargo_bin("zflash").unwrap();
    cmd.args(["finish", "--config"])
        .arg(js.join(format!("deploy/{HOST}.yaml")))
        .arg("--altroot")
        .arg(altroot)
        .env("SI_CONFIG_DIR", js)
        .env("SI_HOSTNAME", HOST)
        .env("SI_ARCH", "sparc")
        .env("SI_KARCH", "sun4u");
    cmd
}

/// A golden pool's plain send stream with its sidecar manifest (SPARC), kept as long as
/// the pool it was sent from.
pub struct GoldenStream {
    _pool: TestPool,
    /// The stream file.
    pub stream: PathBuf,
}

/// A 48 MB golden stream from a new pool named after `tag`.
pub fn golden_stream(tag: &str) -> GoldenStream {
    let pool = TestPool::create(tag, 96);
    let stream = pool.golden_stream("golden.zfs", 48);
    write_manifest(&stream, "sparc", None);
    GoldenStream {
        _pool: pool,
        stream,
    }
}
