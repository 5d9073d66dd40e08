//! `zflash verify`: walk every record of archives or bare send streams, check every
//! checksum, the digest and sizes against the manifest, and the increment chain.

use std::io::Write;
use std::process::ExitCode;

use serde_json::json;
use zflash_archive::{Archive, ArchiveError, Verified};

use super::archive_common::{ChainVerdict, Judged, status_name, write_failure, write_json};

pub use super::archive_common::Args;

/// Verdict for one archive.
enum Outcome {
    Valid(Box<Archive>, Box<Verified>),
    Failed(Box<ArchiveError>),
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut outcomes = Vec::new();
    for path in &args.archives {
        outcomes.push(verify_one(path));
    }
    let judged: Vec<Judged> = outcomes
        .iter()
        .map(|o| match o {
            Outcome::Valid(_, v) => Ok((v.summary.origin_guid(), v.summary.top_guid())),
            Outcome::Failed(e) => Err(&**e),
        })
        .collect();
    let verdict = ChainVerdict::new(&args.archives, &judged);

    let mut out = std::io::stdout().lock();
    if args.json {
        let items: Vec<_> = args
            .archives
            .iter()
            .zip(&outcomes)
            .enumerate()
            .map(|(i, (path, o))| {
                let chain = verdict.problems_of(i);
                match o {
                    Outcome::Valid(a, v) => json!({
                        "path": path,
                        "status": if chain.is_empty() { "valid" } else { "chain-broken" },
                        "chain_errors": chain,
                        "compression": a.compression(),
                        "manifest": a.manifest().is_some(),
                        "stored_bytes": v.stored_bytes,
                        "raw_bytes": v.raw_bytes,
                        "sha256": v.sha256,
                        "summary": v.summary,
                    }),
                    Outcome::Failed(e) => json!({
                        "path": path,
                        "status": status_name(e.class()),
                        "error": {
                            "class": e.class(),
                            "message": e.to_string(),
                            "offset": e.offset(),
                            "record": e.record(),
                        },
                    }),
                }
            })
            .collect();
        write_json(&mut out, items)?;
    } else {
        for (i, (path, o)) in args.archives.iter().zip(&outcomes).enumerate() {
            match o {
                Outcome::Valid(a, v) => {
                    let s = &v.summary;
                    let digest = match (&v.sha256, a.manifest()) {
                        (Some(_), Some(_)) => "SHA-256 matches the manifest",
                        _ => "no manifest",
                    };
                    writeln!(
                        out,
                        "{}: valid: {} substream{}, {} records ({}), {} raw bytes, {} stored ({}); {} END and {} record checksums checked; {digest}",
                        path.display(),
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
                            path.display()
                        )?;
                    }
                }
                Outcome::Failed(e) => write_failure(&mut out, path, e)?,
            }
            for m in verdict.problems_of(i) {
                writeln!(out, "{}: chain broken: {m}", path.display())?;
            }
        }
    }
    Ok(ExitCode::from(verdict.exit_code))
}

fn verify_one(path: &std::path::Path) -> Outcome {
    let result = Archive::open(path).and_then(|a| {
        let v = a.reader()?.finish()?;
        Ok((a, v))
    });
    match result {
        Ok((a, v)) => Outcome::Valid(Box::new(a), Box::new(v)),
        Err(e) => Outcome::Failed(Box::new(e)),
    }
}
