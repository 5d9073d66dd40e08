//! `zflash verify`: walk every record of archives or bare send streams, check every
//! checksum, the digest and sizes against the manifest, and the increment chain.

use std::process::ExitCode;

use serde_json::json;
use zflash_archive::{Archive, ArchiveError, Verified};

use super::archive_common::{failure_json, report, write_failure};

pub use super::archive_common::Args;

/// `global.quiet`: print nothing (the exit status tells).
pub fn run(mut args: Args, global: super::Global) -> anyhow::Result<ExitCode> {
    args.quiet = global.quiet;
    let results: Vec<_> = args.archives.iter().map(|p| verify_one(p)).collect();
    report(
        &args,
        &results,
        |(_, v)| (v.summary.origin_guid(), v.summary.top_guid()),
        |item| match item.result {
            Ok((a, v)) => json!({
                "path": item.path,
                "status": if item.chain_errors.is_empty() { "valid" } else { "chain-broken" },
                "chain_errors": item.chain_errors,
                "compression": a.compression(),
                "manifest": a.manifest().is_some(),
                "stored_bytes": v.stored_bytes,
                "raw_bytes": v.raw_bytes,
                "sha256": v.sha256,
                "summary": v.summary,
            }),
            Err(e) => {
                let mut failure = failure_json(item.path, e);
                failure["error"]["record"] = json!(e.record());
                failure
            }
        },
        |mut out, item| {
            match item.result {
                Ok((a, v)) => {
                    let s = &v.summary;
                    let digest = match (&v.sha256, a.manifest()) {
                        (Some(_), Some(_)) => "SHA-256 matches the manifest",
                        _ => "no manifest",
                    };
                    writeln!(
                        out,
                        "{}: valid: {} substream{}, {} records ({}), {} raw bytes, {} stored ({}); {} END and {} record checksums checked; {digest}",
                        item.path.display(),
                        s.substreams.len(),
                        if s.substreams.len() == 1 { "" } else { "s" },
                        s.records.total(),
                        s.records.short(),
                        v.raw_bytes,
                        v.stored_bytes,
                        a.compression(),
                        s.end_checksums_checked,
                        s.record_checksums_checked,
                    )?;
                    for w in &s.warnings {
                        writeln!(
                            out,
                            "{}: warning: a modern OpenZFS receiver would reject this stream: {w}",
                            item.path.display()
                        )?;
                    }
                }
                Err(e) => write_failure(&mut out, item.path, e)?,
            }
            // The chain message starts with the archive's name, already at the line's start.
            let own_name = format!("{}: ", item.path.display());
            for m in &item.chain_errors {
                let detail = m.strip_prefix(own_name.as_str()).unwrap_or(m);
                writeln!(out, "{}: chain broken: {detail}", item.path.display())?;
            }
            Ok(())
        },
    )
}

/// Read an archive to its end, checking everything.
fn verify_one(path: &std::path::Path) -> Result<(Box<Archive>, Box<Verified>), ArchiveError> {
    let a = Archive::open(path)?;
    let v = a.reader()?.finish()?;
    Ok((Box::new(a), Box::new(v)))
}
