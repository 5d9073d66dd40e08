//! `zflash capture`: snapshot a dataset and write a verified, optionally compressed
//! archive plus its manifest.
//!
//! The work is [`zflash_archive::capture::capture`]; this command adds the progress
//! bar, the summary line and the exit status.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use zflash_archive::Compression;
use zflash_archive::capture::{
    self, CaptureOptions, CaptureReport, Platform, Progress, SnapshotFate,
};
use zflash_archive::interrupt::{Interrupt, Interrupted};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CompressArg {
    Zstd,
    Gzip,
    None,
}

impl From<CompressArg> for Compression {
    fn from(c: CompressArg) -> Compression {
        match c {
            CompressArg::Zstd => Compression::Zstd,
            CompressArg::Gzip => Compression::Gzip,
            CompressArg::None => Compression::None,
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Dataset to capture, e.g. `rpool/ROOT/s10u6`.
    #[arg(value_name = "DATASET")]
    pub dataset: String,
    /// Archive file to write (`NAME.zfs.zst`, `NAME.zfs.gz` or `NAME.zfs`); the manifest
    /// goes to `FILE.manifest.json`.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: PathBuf,
    /// Snapshot name (created unless it exists); default `zflash-<UTC time>`.
    #[arg(long, value_name = "NAME")]
    pub snapshot: Option<String>,
    /// Make an incremental archive from this earlier snapshot of the dataset.
    #[arg(long, value_name = "SNAP")]
    pub from: Option<String>,
    /// Compression of the stored stream; default from the file suffix, else zstd.
    #[arg(long, value_enum, value_name = "zstd|gzip|none")]
    pub compress: Option<CompressArg>,
    /// Replication stream of the dataset and all its descendants (`zfs send -R`).
    #[arg(long)]
    pub recursive: bool,
    /// Overwrite FILE and its manifest if they exist.
    #[arg(long)]
    pub force: bool,
}

/// `global.quiet`: no progress bar and no summary line (the exit status tells).
pub fn run(args: Args, global: super::Global) -> anyhow::Result<ExitCode> {
    // Installed first: from here on SIGINT/SIGTERM/SIGHUP only set a flag, and every
    // exit path cleans up before returning.
    let interrupt = Interrupt::install().context("cannot install the signal handlers")?;
    let opts = CaptureOptions {
        dataset: args.dataset,
        output: args.output,
        snapshot: args.snapshot,
        from: args.from,
        compression: args.compress.map(Compression::from),
        recursive: args.recursive,
        force: args.force,
        tool: format!("zflash {}", env!("CARGO_PKG_VERSION")),
        // Test-only throttle (see docs/archive.md): lets the CLI tests signal a capture
        // that is still copying.
        chunk_delay: std::env::var(CHUNK_DELAY_ENV)
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
            .map(Duration::from_millis),
        platform: Platform::detect(),
    };
    let quiet = global.quiet;
    let mut bar: Option<ProgressBar> = None;
    let mut progress = |event: Progress| match event {
        Progress::Started { size_hint } => {
            bar = (!quiet).then(|| progress_bar(size_hint));
        }
        Progress::Copied(raw) => {
            if let Some(b) = &bar {
                b.set_position(raw);
            }
        }
        Progress::Finished => {
            if let Some(b) = bar.take() {
                b.finish_and_clear();
            }
        }
    };
    match capture::capture(&opts, &mut progress, &interrupt) {
        Ok(report) => {
            // The session may be gone (SIGHUP): the archive is complete, do not panic.
            if !quiet {
                let _ = writeln!(io::stdout(), "{}", summary(&report));
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(failure) => {
            if failure.snapshot == SnapshotFate::DestroyFailed {
                let _ = writeln!(
                    io::stderr(),
                    "zflash: warning: could not destroy the snapshot {} it created",
                    failure.full_snapshot
                );
            }
            match failure.interrupted() {
                Some(stop) => Ok(interrupted(stop, &failure.full_snapshot, failure.snapshot)),
                None => Err(failure.into()),
            }
        }
    }
}

/// Report a capture stopped by a signal (everything already cleaned up) and return the
/// shell's exit status for it.
fn interrupted(stop: Interrupted, full_snap: &str, destroyed: SnapshotFate) -> ExitCode {
    let snapshot = match destroyed {
        SnapshotFate::NotCreated => String::new(),
        SnapshotFate::Destroyed => format!("; destroyed the snapshot {full_snap} it had created"),
        SnapshotFate::DestroyFailed => {
            format!("; could not destroy the snapshot {full_snap} it created")
        }
    };
    // stderr may be a terminal that is gone (SIGHUP): never panic on writing.
    let _ = writeln!(
        io::stderr(),
        "zflash: capture {stop}: stopped `zfs send`, removed the partial archive{snapshot}"
    );
    ExitCode::from(stop.exit_code())
}

/// The line printed on success.
fn summary(report: &CaptureReport) -> String {
    let m = &report.manifest;
    let raw_bytes = m.raw_bytes.unwrap_or(0);
    let ratio = if m.stored_bytes > 0 {
        raw_bytes as f64 / m.stored_bytes as f64
    } else {
        1.0
    };
    let substreams = report.substreams;
    format!(
        "{}: {} ({} substream{}, {} records), {} raw bytes, {} stored ({}, ratio {ratio:.2}), sha256 {}",
        report.output.display(),
        report.full_snapshot,
        substreams,
        if substreams == 1 { "" } else { "s" },
        report.records,
        raw_bytes,
        m.stored_bytes,
        m.compression,
        m.sha256
    )
}

/// Hidden, test-only: milliseconds to sleep after each chunk read from `zfs send`.
const CHUNK_DELAY_ENV: &str = "ZFLASH_TEST_CAPTURE_CHUNK_DELAY_MS";

fn progress_bar(size_hint: Option<u64>) -> ProgressBar {
    let bar = match size_hint {
        Some(n) => ProgressBar::new(n),
        None => ProgressBar::no_length(),
    };
    if !io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
        return bar;
    }
    let template = if size_hint.is_some() {
        "{spinner} zfs send {bytes} of ~{total_bytes} [{wide_bar}] {bytes_per_sec} {elapsed}"
    } else {
        "{spinner} zfs send {bytes} {bytes_per_sec} {elapsed}"
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}
