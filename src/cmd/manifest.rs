//! `zflash manifest`: write the sidecar manifest of an archive made without zflash (a bare
//! `zfs send > FILE`, gzip'd or not), or complete the manifest the Solaris 10
//! capture script wrote with the stream fields the shell cannot compute. The archive is
//! verified first (every record; with a manifest, its digest and sizes).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::UNIX_EPOCH;

use zflash_archive::manifest::GivenFacts;
use zflash_archive::{Archive, ArchiveError, Manifest, manifest_path, write_manifest};

use super::archive_common::{exit_code_for, write_failure};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The archive: a bare or gzip/zstd-compressed `zfs send` file.
    #[arg(value_name = "ARCHIVE")]
    pub archive: PathBuf,
    /// Processor type of the captured system (`uname -p`: sparc, i386).
    #[arg(long, value_name = "ARCH")]
    pub arch: Option<String>,
    /// Platform of the captured system (`uname -m`: sun4v, i86pc).
    #[arg(long, value_name = "PLATFORM")]
    pub platform: Option<String>,
    /// Release of the captured system (first line of its /etc/release).
    #[arg(long, value_name = "TEXT")]
    pub os_release: Option<String>,
    /// The dataset the stream was sent from (default: the stream's own name).
    #[arg(long, value_name = "DATASET")]
    pub source_dataset: Option<String>,
    /// The host it was captured on.
    #[arg(long, value_name = "HOST")]
    pub host: Option<String>,
}

/// `global.quiet`: no line saying what was verified and written (the exit status tells).
pub fn run(args: Args, global: super::Global) -> anyhow::Result<ExitCode> {
    let say = |line: String| {
        if !global.quiet {
            println!("{line}");
        }
    };
    let given = GivenFacts {
        architecture: args.arch,
        platform: args.platform,
        os_release: args.os_release,
        source_dataset: args.source_dataset,
        host: args.host,
    };
    let path = &args.archive;
    let mpath = manifest_path(path);
    let fail = |e: &ArchiveError| -> anyhow::Result<ExitCode> {
        write_failure(&mut std::io::stderr().lock(), path, e)?;
        Ok(ExitCode::from(exit_code_for(e)))
    };
    let archive = match Archive::open(path) {
        Ok(a) => a,
        Err(e) => return fail(&e),
    };
    // Always hash: a new manifest needs the digest; an existing one is checked with it.
    let verified = match archive.reader_with(true).and_then(|r| r.finish()) {
        Ok(v) => v,
        Err(e) => return fail(&e),
    };
    let sha256 = verified
        .sha256
        .clone()
        .ok_or_else(|| anyhow::anyhow!("{}: no digest was computed", path.display()))?;
    let tool = format!("zflash {} manifest", env!("CARGO_PKG_VERSION"));
    match archive.manifest() {
        Some(existing) => {
            let mut manifest = existing.clone();
            let added = match manifest.complete(&verified, &given) {
                Ok(a) => a,
                Err(conflict) => {
                    eprintln!("zflash: {}: {conflict}", mpath.display());
                    return Ok(ExitCode::from(2));
                }
            };
            if added.is_empty() {
                say(format!(
                    "{}: verified; the manifest {} is complete, nothing to add",
                    path.display(),
                    mpath.display()
                ));
                return Ok(ExitCode::SUCCESS);
            }
            write_manifest(&mpath, &manifest, true)?;
            say(format!(
                "{}: verified; completed {} (added {})",
                path.display(),
                mpath.display(),
                added.join(", ")
            ));
        }
        None => {
            let created = std::fs::metadata(path)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_secs());
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let manifest = Manifest::for_verified(
                &name,
                created,
                archive.compression(),
                &verified,
                sha256,
                &given,
                &tool,
            );
            write_manifest(&mpath, &manifest, false)?;
            say(format!(
                "{}: verified; wrote {} ({} records, sha256 {})",
                path.display(),
                mpath.display(),
                verified.summary.records.total(),
                manifest.sha256
            ));
        }
    }
    Ok(ExitCode::SUCCESS)
}
