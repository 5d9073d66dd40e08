//! `zflash capture`: snapshot a dataset and write a verified, optionally compressed
//! archive plus its manifest.
//!
//! One pass over `zfs send`'s output: every chunk is verified (fletcher-4, framing),
//! compressed, hashed (SHA-256 of the stored bytes) and written to a temporary file in
//! the target directory, which is renamed into place only when the stream checked out
//! and `zfs send` succeeded. Then the manifest is written the same way. On any failure
//! nothing is left behind, and a snapshot this command created is destroyed again.

use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use zflash_archive::interrupt::{self, Interrupt, Interrupted};
use zflash_archive::manifest::{Content, MANIFEST_FORMAT, Source, StreamInfo, rfc3339_utc};
use zflash_archive::{
    ArchiveWriter, Compression, Manifest, WrittenArchive, manifest_path, write_manifest,
};

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

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    // Installed first: from here on SIGINT/SIGTERM/SIGHUP only set a flag, and every
    // exit path below cleans up before returning.
    let interrupt = Interrupt::install().context("cannot install the signal handlers")?;
    let dataset = args.dataset.trim_end_matches('/').to_string();
    if dataset.is_empty() || dataset.contains('@') {
        bail!("DATASET must be a filesystem name like pool/fs, not `{dataset}`");
    }
    let compression = choose_compression(&args.output, args.compress)?;
    let output = &args.output;
    let mpath = manifest_path(output);
    if !args.force {
        for p in [output, &mpath] {
            if p.exists() {
                bail!("{} exists (use --force to overwrite)", p.display());
            }
        }
    }
    let dir = match output.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        bail!("{}: the directory does not exist", dir.display());
    }

    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let snapshot = match &args.snapshot {
        Some(s) => s.trim_start_matches('@').to_string(),
        None => format!("zflash-{}", rfc3339_utc(now).replace([':', '-'], "")),
    };
    let from = args.from.as_deref().map(|f| match f.split_once('@') {
        Some((_, snap)) => snap.to_string(),
        None => f.to_string(),
    });
    let full_snap = format!("{dataset}@{snapshot}");

    if let Err(stop) = interrupt.check() {
        return Ok(interrupted(stop, &full_snap, SnapshotFate::NotCreated));
    }
    let snap_guard = match SnapshotGuard::take(&full_snap, args.recursive) {
        Ok(guard) => guard,
        Err(e) => match interrupt.check() {
            // `zfs snapshot` got the terminal's SIGINT too.
            Err(stop) => return Ok(interrupted(stop, &full_snap, SnapshotFate::NotCreated)),
            Ok(()) => return Err(e),
        },
    };
    let job = Job {
        args: &args,
        dataset: &dataset,
        snapshot: &snapshot,
        from: from.as_deref(),
        full_snap: &full_snap,
        compression,
        now,
    };
    match capture(&job, &interrupt) {
        Ok(report) => {
            snap_guard.keep();
            // The session may be gone (SIGHUP): the archive is complete, do not panic.
            let _ = writeln!(io::stdout(), "{report}");
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            let destroyed = snap_guard.destroy();
            match interrupt.check() {
                Err(stop) => Ok(interrupted(stop, &full_snap, destroyed)),
                Ok(()) => Err(e),
            }
        }
    }
}

/// What one capture writes; borrowed from `run`.
struct Job<'a> {
    args: &'a Args,
    dataset: &'a str,
    snapshot: &'a str,
    from: Option<&'a str>,
    full_snap: &'a str,
    compression: Compression,
    now: u64,
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

/// Write the archive and its manifest; returns the summary line for stdout. Every
/// error (including [`Interrupted`]) leaves neither file nor temporary file behind.
fn capture(job: &Job, interrupt: &Interrupt) -> anyhow::Result<String> {
    let Job {
        args,
        dataset,
        snapshot,
        from,
        full_snap,
        compression,
        now,
    } = *job;
    let output = &args.output;
    let mpath = manifest_path(output);

    let mut send_args: Vec<String> = vec!["send".into()];
    if args.recursive {
        send_args.push("-R".into());
    }
    if let Some(f) = from {
        send_args.push("-i".into());
        // -R -i takes the short name; a plain -i accepts the full one.
        send_args.push(if args.recursive {
            f.to_string()
        } else {
            format!("{dataset}@{f}")
        });
    }
    send_args.push(full_snap.to_string());

    // `referenced` approximates a full stream's size; an increment's is unknown (pool
    // v23 has no `written` property and zfs-fuse's `zfs send` no `-nv` estimate).
    let size_hint = if from.is_none() && !args.recursive {
        zfs_get(dataset, "referenced").and_then(|v| v.parse::<u64>().ok())
    } else {
        None
    };
    let written = write_archive(output, compression, &send_args, size_hint, interrupt)
        .with_context(|| format!("capturing {full_snap} into {}", output.display()))?;

    let pool = dataset.split('/').next().unwrap_or(dataset).to_string();
    let manifest = Manifest {
        format: MANIFEST_FORMAT.to_string(),
        name: output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        created: rfc3339_utc(now),
        host: command_line("uname", &["-n"]).unwrap_or_default(),
        source: Source {
            dataset: dataset.to_string(),
            snapshot: snapshot.to_string(),
            from_snapshot: from.map(str::to_string),
            recursive: args.recursive,
            pool_version: zpool_version(&pool),
            zpl_version: zfs_get(dataset, "version").and_then(|v| v.parse().ok()),
            pool,
        },
        content: Content {
            architecture: command_line("uname", &["-p"]).unwrap_or_default(),
            platform: command_line("uname", &["-m"]).unwrap_or_default(),
            os_release: os_release(),
        },
        stream: StreamInfo::from_summary(&written.summary),
        raw_bytes: written.raw_bytes,
        stored_bytes: written.stored_bytes,
        compression,
        sha256: written.sha256.clone(),
        tool: format!("zflash {}", env!("CARGO_PKG_VERSION")),
    };

    // Archive first, then its manifest; if the manifest cannot be written the archive
    // is removed again so that no half-described archive remains.
    let (raw_bytes, stored_bytes, sha256) = (
        written.raw_bytes,
        written.stored_bytes,
        written.sha256.clone(),
    );
    let records = written.summary.records.total();
    let substreams = written.summary.substreams.len();
    // Last points where a signal stops the capture: before the archive appears, and
    // before its manifest does (then the archive is removed again).
    interrupt.check()?;
    written.persist(args.force)?;
    if let Err(e) = interrupt
        .check()
        .map_err(anyhow::Error::from)
        .and_then(|()| Ok(write_manifest(&mpath, &manifest, args.force)?))
    {
        let _ = std::fs::remove_file(output);
        return Err(e);
    }

    let ratio = if stored_bytes > 0 {
        raw_bytes as f64 / stored_bytes as f64
    } else {
        1.0
    };
    Ok(format!(
        "{}: {} ({} substream{}, {} records), {} raw bytes, {} stored ({}, ratio {ratio:.2}), sha256 {}",
        output.display(),
        full_snap,
        substreams,
        if substreams == 1 { "" } else { "s" },
        records,
        raw_bytes,
        stored_bytes,
        compression,
        sha256
    ))
}

fn choose_compression(output: &Path, arg: Option<CompressArg>) -> anyhow::Result<Compression> {
    let by_suffix = Compression::from_suffix(output);
    match (arg.map(Compression::from), by_suffix) {
        (Some(a), Some(s)) if a != s => bail!(
            "{}: the suffix says {s} but --compress {a} was given (name it accordingly)",
            output.display()
        ),
        (Some(a), _) => Ok(a),
        (None, Some(s)) => Ok(s),
        (None, None) => Ok(Compression::Zstd),
    }
}

/// A snapshot this command created; destroyed on drop unless kept.
struct SnapshotGuard {
    name: String,
    recursive: bool,
    created: bool,
}

impl SnapshotGuard {
    fn take(name: &str, recursive: bool) -> anyhow::Result<SnapshotGuard> {
        let exists = Command::new("zfs")
            .args(["list", "-H", "-o", "name", "-t", "snapshot", name])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        if !exists {
            let mut args = vec!["snapshot"];
            if recursive {
                args.push("-r");
            }
            args.push(name);
            run_checked("zfs", &args)?;
        }
        Ok(SnapshotGuard {
            name: name.to_string(),
            recursive,
            created: !exists,
        })
    }

    fn keep(mut self) {
        self.created = false;
    }

    /// Destroy the snapshot now if this command created it.
    fn destroy(mut self) -> SnapshotFate {
        if !self.created {
            return SnapshotFate::NotCreated;
        }
        self.created = false;
        if self.try_destroy() {
            SnapshotFate::Destroyed
        } else {
            SnapshotFate::DestroyFailed
        }
    }

    fn try_destroy(&self) -> bool {
        let mut args = vec!["destroy"];
        if self.recursive {
            args.push("-r");
        }
        args.push(&self.name);
        // zfs-fuse answers "dataset is busy" for a moment after a send.
        for attempt in 0..10 {
            match Command::new("zfs")
                .args(&args)
                .stderr(Stdio::null())
                .status()
            {
                Ok(s) if s.success() => return true,
                _ => std::thread::sleep(Duration::from_millis(100 * (attempt + 1))),
            }
        }
        let _ = writeln!(
            io::stderr(),
            "zflash: warning: could not destroy the snapshot {} it created",
            self.name
        );
        false
    }
}

/// What happened to the snapshot when a capture failed.
enum SnapshotFate {
    NotCreated,
    Destroyed,
    DestroyFailed,
}

impl Drop for SnapshotGuard {
    /// Reached only on a panic: `run` keeps or destroys the snapshot explicitly.
    fn drop(&mut self) {
        if self.created {
            self.try_destroy();
        }
    }
}

/// Kills `zfs send` if we stop reading early, so it does not block on a full pipe.
struct ChildGuard(Option<Child>);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if let Some(c) = &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn write_archive(
    output: &Path,
    compression: Compression,
    send_args: &[String],
    size_hint: Option<u64>,
    interrupt: &Interrupt,
) -> anyhow::Result<WrittenArchive> {
    let mut writer = ArchiveWriter::create(output, compression)?;
    let mut child = Command::new("zfs")
        .args(send_args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot run `zfs`")?;
    let mut stdout = child.stdout.take().expect("piped stdout");
    let mut stderr = child.stderr.take().expect("piped stderr");
    let stderr_thread = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let mut child = ChildGuard(Some(child));

    let progress = progress_bar(size_hint);
    let mut aligned = zflash_archive::AlignedBuf::new(1 << 20);
    let buf = aligned.as_mut_slice();
    // Test-only throttle (see docs/archive.md): lets the CLI tests signal a capture
    // that is still copying.
    let chunk_delay = std::env::var(CHUNK_DELAY_ENV)
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .map(Duration::from_millis);
    let stream_result: anyhow::Result<()> = (|| {
        loop {
            // Never block in read() for long: a signal must stop the copy even when
            // `zfs send` is silent (the handlers restart interrupted system calls).
            interrupt.check()?;
            if !interrupt::wait_readable(&stdout, POLL_INTERVAL)
                .context("waiting for `zfs send`")?
            {
                continue;
            }
            let n = match stdout.read(buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e).context("reading from `zfs send`"),
            };
            writer.write_chunk(&buf[..n])?;
            progress.set_position(writer.bytes_raw());
            if let Some(delay) = chunk_delay {
                interrupt.sleep(delay)?;
            }
        }
        // `zfs send` may have ended because it got the same SIGINT.
        interrupt.check()?;
        Ok(())
    })();
    progress.finish_and_clear();
    if let Err(e) = stream_result {
        // Close our end first (a zfs-fuse daemon writing into the pipe gets EPIPE), then
        // stop `zfs send` before waiting for it: it may be blocked on the full pipe.
        drop(stdout);
        drop(child);
        return Err(e);
    }
    drop(stdout);
    let status = child.0.take().expect("child").wait()?;
    let send_stderr = stderr_thread.join().unwrap_or_default();
    if !status.success() {
        bail!(
            "`zfs {}` failed ({status}): {}",
            send_args.join(" "),
            send_stderr.trim()
        );
    }
    Ok(writer.finish()?)
}

/// How often the copy loop checks for a signal while `zfs send` produces nothing.
const POLL_INTERVAL: Duration = Duration::from_millis(100);

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

fn run_checked(cmd: &str, args: &[&str]) -> anyhow::Result<String> {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .with_context(|| format!("cannot run `{cmd}`"))?;
    if !out.status.success() {
        bail!(
            "`{cmd} {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn command_line(cmd: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(cmd).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn zfs_get(dataset: &str, prop: &str) -> Option<String> {
    command_line("zfs", &["get", "-H", "-p", "-o", "value", prop, dataset])
        .filter(|v| !v.is_empty() && v != "-")
}

/// `zpool get version POOL`: old zpool has no -H/-o, so parse the table.
fn zpool_version(pool: &str) -> Option<u64> {
    let text = command_line("zpool", &["get", "version", pool])?;
    let line = text.lines().find(|l| l.starts_with(pool))?;
    line.split_whitespace().nth(2)?.parse().ok()
}

fn os_release() -> String {
    if let Ok(text) = std::fs::read_to_string("/etc/release")
        && let Some(first) = text.lines().map(str::trim).find(|l| !l.is_empty())
    {
        return first.to_string();
    }
    if let Ok(text) = std::fs::read_to_string("/etc/os-release")
        && let Some(v) = text.lines().find_map(|l| l.strip_prefix("PRETTY_NAME="))
    {
        return v.trim_matches('"').to_string();
    }
    command_line("uname", &["-sr"]).unwrap_or_default()
}
