//! `zflash info`: an archive's manifest and stream header, like `flar info`.
//!
//! Cheap: reads the manifest and the first BEGIN records only. `zflash verify` reads
//! everything.

use std::io::Write;
use std::process::ExitCode;

use serde_json::json;
use zflash_archive::manifest::rfc3339_utc;
use zflash_archive::{Archive, ArchiveError, BeginInfo, StreamHeader};

use super::archive_common::{failure_json, report, shown, write_failure};

pub use super::archive_common::Args;

/// `global.quiet`: print nothing (the exit status tells).
pub fn run(mut args: Args, global: super::Global) -> anyhow::Result<ExitCode> {
    args.quiet = global.quiet;
    let results: Vec<Result<(Archive, StreamHeader), ArchiveError>> = args
        .archives
        .iter()
        .map(|p| {
            let a = Archive::open(p)?;
            let h = a.header()?;
            a.check_header_against_manifest(&h)?;
            Ok((a, h))
        })
        .collect();
    report(
        &args,
        &results,
        |(a, h)| match a.manifest() {
            Some(zflash_archive::Manifest {
                stream: Some(stream),
                ..
            }) => (stream.fromguid, stream.toguid),
            _ => h.chain_guids(),
        },
        |item| match item.result {
            Ok((a, h)) => json!({
                "path": item.path,
                "compression": a.compression(),
                "stored_bytes": a.stored_size(),
                "manifest": a.manifest(),
                "header": h,
                "features": h.feature_names(),
                "receivable_by_pool_v23": h.is_supported_by_pool_version(23),
                "chain_errors": item.chain_errors,
            }),
            Err(e) => failure_json(item.path, e),
        },
        |mut out, item| {
            if item.index > 0 {
                writeln!(out)?;
            }
            match item.result {
                Err(e) => write_failure(&mut out, item.path, e)?,
                Ok((a, h)) => print_info(&mut out, item.path, a, h)?,
            }
            for m in &item.chain_errors {
                writeln!(out, "chain broken: {m}")?;
            }
            Ok(())
        },
    )
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
            writeln!(out, "manifest:         {}", shown(&m.format))?;
            writeln!(out, "  name:           {}", shown(&m.name))?;
            writeln!(
                out,
                "  created:        {} on {}",
                shown(&m.created),
                shown(&m.host)
            )?;
            let mut source = format!("{}@{}", m.source.dataset, m.source.snapshot);
            if let Some(f) = &m.source.from_snapshot {
                source.push_str(&format!(" (incremental from @{f})"));
            }
            if m.source.recursive {
                source.push_str(" (recursive)");
            }
            writeln!(out, "  source:         {}", shown(&source))?;
            let v = |x: Option<u64>| x.map_or("unknown".to_string(), |v| v.to_string());
            writeln!(
                out,
                "  pool:           {} (pool version {}, ZPL version {})",
                shown(&m.source.pool),
                v(m.source.pool_version),
                v(m.source.zpl_version)
            )?;
            writeln!(
                out,
                "  content:        {} / {} ({})",
                shown(&m.content.architecture),
                shown(&m.content.platform),
                shown(&m.content.os_release)
            )?;
            match m.raw_bytes {
                Some(raw) => writeln!(out, "  raw bytes:      {raw}")?,
                // The capture script's manifest: `zflash manifest` adds the stream fields.
                None => writeln!(out, "  raw bytes:      (not in the manifest)")?,
            }
            writeln!(out, "  sha256:         {}", shown(&m.sha256))?;
            writeln!(out, "  tool:           {}", shown(&m.tool))?;
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
    writeln!(out, "  name:           {}", shown(&b.name))?;
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
