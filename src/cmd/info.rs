//! `zflash info`: an archive's manifest and stream header, like `flar info`.
//!
//! Cheap: reads the manifest and the first BEGIN records only. `zflash verify` reads
//! everything.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::json;
use zflash_archive::manifest::rfc3339_utc;
use zflash_archive::{Archive, ArchiveError, BeginInfo, ChainLink, StreamHeader, check_chain};

use super::verify::{exit_code_for, status_name};

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

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let results: Vec<Result<(Archive, StreamHeader), ArchiveError>> = args
        .archives
        .iter()
        .map(|p| {
            let a = Archive::open(p)?;
            let h = a.header()?;
            Ok((a, h))
        })
        .collect();

    let links: Vec<ChainLink> = args
        .archives
        .iter()
        .zip(&results)
        .map(|(path, r)| {
            let (origin, top) = match r {
                Ok((a, h)) => match a.manifest() {
                    Some(m) => (m.stream.fromguid, m.stream.toguid),
                    None => h.chain_guids(),
                },
                Err(_) => (None, None),
            };
            ChainLink {
                path: path.clone(),
                origin,
                top,
            }
        })
        .collect();
    let chain_problems: Vec<(usize, String)> = check_chain(&links)
        .into_iter()
        .filter(|(i, _)| results[i - 1].is_ok())
        .collect();

    let mut worst = 0u8;
    for (i, r) in results.iter().enumerate() {
        let code = match r {
            Err(e) => exit_code_for(e),
            Ok(_) if chain_problems.iter().any(|(j, _)| *j == i) => 1,
            Ok(_) => 0,
        };
        worst = worst.max(code);
    }

    let mut out = std::io::stdout().lock();
    if args.json {
        let items: Vec<_> = args
            .archives
            .iter()
            .zip(&results)
            .enumerate()
            .map(|(i, (path, r))| {
                let chain: Vec<&String> = chain_problems
                    .iter()
                    .filter(|(j, _)| *j == i)
                    .map(|(_, m)| m)
                    .collect();
                match r {
                    Ok((a, h)) => json!({
                        "path": path,
                        "compression": a.compression(),
                        "stored_bytes": a.stored_size(),
                        "manifest": a.manifest(),
                        "header": h,
                        "features": h.feature_names(),
                        "receivable_by_pool_v23": h.is_supported_by_pool_version(23),
                        "chain_errors": chain,
                    }),
                    Err(e) => json!({
                        "path": path,
                        "status": status_name(e.class()),
                        "error": { "class": e.class(), "message": e.to_string(), "offset": e.offset() },
                    }),
                }
            })
            .collect();
        serde_json::to_writer_pretty(&mut out, &json!({ "archives": items }))?;
        writeln!(out)?;
        return Ok(ExitCode::from(worst));
    }

    for (i, (path, r)) in args.archives.iter().zip(&results).enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        match r {
            Err(e) => writeln!(
                out,
                "{}: {}: {}",
                path.display(),
                status_name(e.class()),
                e.detail()
            )?,
            Ok((a, h)) => print_info(&mut out, path, a, h)?,
        }
        for (_, m) in chain_problems.iter().filter(|(j, _)| *j == i) {
            writeln!(out, "chain broken: {m}")?;
        }
    }
    Ok(ExitCode::from(worst))
}

fn print_info(
    out: &mut impl Write,
    path: &std::path::Path,
    a: &Archive,
    h: &StreamHeader,
) -> std::io::Result<()> {
    writeln!(out, "archive:          {}", path.display())?;
    writeln!(
        out,
        "stored:           {} bytes, compression {}",
        a.stored_size(),
        a.compression()
    )?;
    match a.manifest() {
        None => writeln!(out, "manifest:         none (bare stream)")?,
        Some(m) => {
            writeln!(out, "manifest:         {}", m.format)?;
            writeln!(out, "  name:           {}", m.name)?;
            writeln!(out, "  created:        {} on {}", m.created, m.host)?;
            let mut source = format!("{}@{}", m.source.dataset, m.source.snapshot);
            if let Some(f) = &m.source.from_snapshot {
                source.push_str(&format!(" (incremental from @{f})"));
            }
            if m.source.recursive {
                source.push_str(" (recursive)");
            }
            writeln!(out, "  source:         {source}")?;
            let v = |x: Option<u64>| x.map_or("unknown".to_string(), |v| v.to_string());
            writeln!(
                out,
                "  pool:           {} (pool version {}, ZPL version {})",
                m.source.pool,
                v(m.source.pool_version),
                v(m.source.zpl_version)
            )?;
            writeln!(
                out,
                "  content:        {} / {} ({})",
                m.content.architecture, m.content.platform, m.content.os_release
            )?;
            writeln!(out, "  raw bytes:      {}", m.raw_bytes)?;
            writeln!(out, "  sha256:         {}", m.sha256)?;
            writeln!(out, "  tool:           {}", m.tool)?;
        }
    }
    writeln!(
        out,
        "stream:           {}, {}",
        h.byte_order.name(),
        if h.compound {
            "compound (-R/-I/-p package)"
        } else {
            "single"
        }
    )?;
    print_begin(out, &h.begin)?;
    if let Some(first) = &h.first_substream {
        writeln!(out, "first substream:")?;
        print_begin(out, first)?;
    }
    let unsupported = h.unsupported_by_pool_version(23);
    if unsupported.is_empty() {
        writeln!(out, "pool v23 receive: yes")?;
    } else {
        writeln!(
            out,
            "pool v23 receive: no (features {})",
            unsupported.join(", ")
        )?;
    }
    Ok(())
}

fn print_begin(out: &mut impl Write, b: &BeginInfo) -> std::io::Result<()> {
    writeln!(out, "  name:           {}", b.name)?;
    if !b.compound {
        if b.incremental {
            writeln!(out, "  type:           incremental from {}", b.fromguid)?;
        } else {
            writeln!(out, "  type:           full")?;
        }
        writeln!(out, "  snapshot guid:  {}", b.toguid)?;
        writeln!(out, "  object set:     {}", b.objset_type)?;
    }
    if b.creation_time != 0 {
        writeln!(out, "  created:        {}", rfc3339_utc(b.creation_time))?;
    }
    let names = |v: &[String]| {
        if v.is_empty() {
            "none".to_string()
        } else {
            v.join(", ")
        }
    };
    writeln!(
        out,
        "  features:       {:#x} ({})",
        b.features,
        names(&b.feature_names)
    )?;
    writeln!(
        out,
        "  flags:          {:#x} ({})",
        b.flags,
        names(&b.flag_names)
    )?;
    if let Some(enc) = &b.nvlist_encoding {
        writeln!(out, "  nvlist:         {enc}")?;
    }
    Ok(())
}
