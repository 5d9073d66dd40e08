//! `zflash verify`: walk every record of archives or bare send streams, check every
//! checksum, the digest and sizes against the manifest, and the increment chain.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::json;
use zflash_archive::{Archive, ArchiveError, ChainLink, ErrorClass, Verified, check_chain};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Archives or bare `zfs send` files; a base archive followed by its increments,
    /// in order, is also checked as a chain.
    #[arg(required = true, value_name = "ARCHIVE")]
    pub archives: Vec<PathBuf>,
    /// Print one JSON document instead of text.
    #[arg(long)]
    pub json: bool,
}

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
    let links: Vec<ChainLink> = args
        .archives
        .iter()
        .zip(&outcomes)
        .map(|(path, o)| match o {
            Outcome::Valid(_, v) => ChainLink {
                path: path.clone(),
                origin: v.summary.origin_guid(),
                top: v.summary.top_guid(),
            },
            Outcome::Failed(_) => ChainLink {
                path: path.clone(),
                origin: None,
                top: None,
            },
        })
        .collect();
    // Links after a failed archive cannot be judged; its own failure is reported.
    let chain_problems: Vec<(usize, String)> = check_chain(&links)
        .into_iter()
        .filter(|(i, _)| matches!(outcomes[i - 1], Outcome::Valid(..)))
        .collect();

    let mut worst = 0u8;
    for (i, o) in outcomes.iter().enumerate() {
        let code = match o {
            Outcome::Valid(..) if chain_problems.iter().any(|(j, _)| *j == i) => 1,
            Outcome::Valid(..) => 0,
            Outcome::Failed(e) => exit_code_for(e),
        };
        worst = worst.max(code);
    }

    let mut out = std::io::stdout().lock();
    if args.json {
        let items: Vec<_> = args
            .archives
            .iter()
            .zip(&outcomes)
            .enumerate()
            .map(|(i, (path, o))| {
                let chain: Vec<&String> = chain_problems
                    .iter()
                    .filter(|(j, _)| *j == i)
                    .map(|(_, m)| m)
                    .collect();
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
        serde_json::to_writer_pretty(&mut out, &json!({ "archives": items }))?;
        writeln!(out)?;
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
                Outcome::Failed(e) => {
                    writeln!(
                        out,
                        "{}: {}: {}",
                        path.display(),
                        status_name(e.class()),
                        e.detail()
                    )?;
                }
            }
            for (_, m) in chain_problems.iter().filter(|(j, _)| *j == i) {
                writeln!(out, "{}: chain broken: {m}", path.display())?;
            }
        }
    }
    Ok(ExitCode::from(worst))
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

/// 1 for an archive that is damaged or unsupported, 2 for I/O and usage problems.
pub fn exit_code_for(e: &ArchiveError) -> u8 {
    match e.class() {
        ErrorClass::Damaged | ErrorClass::Unsupported => 1,
        ErrorClass::Io | ErrorClass::BadInput => 2,
    }
}

pub fn status_name(c: ErrorClass) -> &'static str {
    match c {
        ErrorClass::Damaged => "damaged",
        ErrorClass::Unsupported => "unsupported",
        ErrorClass::Io => "error",
        ErrorClass::BadInput => "error",
    }
}
