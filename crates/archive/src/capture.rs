//! Capturing a dataset: snapshot it and write a verified, optionally compressed
//! archive plus its manifest.
//!
//! One pass over `zfs send`'s output: every chunk is verified (fletcher-4, framing),
//! compressed, hashed (SHA-256 of the stored bytes) and written to a temporary file in
//! the target directory, which is renamed into place only when the stream checked out
//! and `zfs send` succeeded. Then the manifest is written the same way. On any failure
//! nothing is left behind, and a snapshot [`capture`] created is destroyed again.
//!
//! The steps — and their commands — are those of the [`capture_plan`], which the
//! generator also renders as the Solaris 10 capture script.

use std::fmt;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ExitStatus, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::capture_plan::{self, Action, CapturePlan, Check, PlanInput, SizeEstimate, StepKind};
use crate::interrupt::{self, Interrupt, Interrupted};
use crate::manifest::{Content, MANIFEST_FORMAT, Source, StreamInfo, rfc3339_utc};
use crate::{
    AlignedBuf, ArchiveError, ArchiveWriter, Compression, Manifest, WrittenArchive, manifest_path,
    write_manifest,
};

use zflash_zfs::CommandError;
/// The commands a capture runs: the ZFS command layer `zflash finish` shares (one
/// runner, one "busy" retry policy, the `ZFLASH_*` program overrides).
pub use zflash_zfs::Platform;

/// What to capture and where.
#[derive(Debug, Clone)]
pub struct CaptureOptions {
    /// Filesystem to capture, e.g. `rpool/ROOT/s10u6`.
    pub dataset: String,
    /// Archive file; the manifest goes to [`manifest_path`] of it.
    pub output: PathBuf,
    /// Snapshot name (created unless it exists); default `zflash-<UTC time>`.
    pub snapshot: Option<String>,
    /// Earlier snapshot for an incremental archive (`SNAP` or `DATASET@SNAP`).
    pub from: Option<String>,
    /// Requested compression; default from the file suffix, else zstd.
    pub compression: Option<Compression>,
    /// Replication stream of the dataset and its descendants (`zfs send -R`).
    pub recursive: bool,
    /// Overwrite the archive and its manifest if they exist.
    pub force: bool,
    /// The manifest's `tool` field, e.g. `zflash 0.1.0`.
    pub tool: String,
    /// Test-only throttle: sleep this long after each chunk read from `zfs send`.
    pub chunk_delay: Option<Duration>,
    /// The commands, usually [`Platform::detect`].
    pub platform: Platform,
}

/// Progress of the copy from `zfs send`, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// `zfs send` runs; `size_hint` approximates the raw stream size when known.
    Started { size_hint: Option<u64> },
    /// Raw stream bytes copied so far.
    Copied(u64),
    /// The copy ended (successfully or not).
    Finished,
}

/// A successful capture: both files are in place.
#[derive(Debug, Clone)]
pub struct CaptureReport {
    pub output: PathBuf,
    /// `DATASET@SNAPSHOT` that was sent.
    pub full_snapshot: String,
    pub manifest: Manifest,
    pub substreams: usize,
    pub records: u64,
}

/// What happened to the snapshot when a capture failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnapshotFate {
    /// The capture did not create it (it existed, or was never made).
    NotCreated,
    Destroyed,
    DestroyFailed,
}

/// Everything that can stop a capture.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    #[error("DATASET must be a filesystem name like pool/fs, not `{0}`{hint}", hint = snapshot_hint(.0))]
    BadDataset(String),
    #[error("--snapshot takes a snapshot name of DATASET (`NAME` or `DATASET@NAME`), not `{0}`")]
    BadSnapshot(String),
    #[error("--from takes an earlier snapshot of DATASET (`NAME` or `DATASET@NAME`), not `{0}`")]
    BadFrom(String),
    #[error("{}: the suffix says {suffix} but --compress {given} was given (name it accordingly)", path.display())]
    CompressionMismatch {
        path: PathBuf,
        suffix: Compression,
        given: Compression,
    },
    #[error("{} exists (use --force to overwrite)", .0.display())]
    Exists(PathBuf),
    #[error("{}: the directory does not exist", .0.display())]
    NoDirectory(PathBuf),
    #[error("{}: the directory is not writable", .0.display())]
    NotWritable(PathBuf),
    #[error("dataset {dataset} does not exist: {stderr}")]
    NoDataset { dataset: String, stderr: String },
    #[error("{}: {available} bytes free, the stream is estimated at {estimate} bytes (zfs get {property} {dataset}){}", dir.display(), if *ratio > 1 { format!(", at least {} compressed 1:{ratio}", estimate / ratio) } else { String::new() })]
    NoRoom {
        dir: PathBuf,
        available: u64,
        estimate: u64,
        ratio: u64,
        property: &'static str,
        dataset: String,
    },
    #[error("cannot run `{}`", program.display())]
    Spawn { program: PathBuf, source: io::Error },
    #[error("`{command}` failed: {stderr}")]
    CommandFailed { command: String, stderr: String },
    #[error("`{command}` failed ({status}): {stderr}")]
    SendFailed {
        command: String,
        status: ExitStatus,
        stderr: String,
    },
    #[error("waiting for `zfs send`")]
    Wait(#[source] io::Error),
    #[error("reading from `zfs send`")]
    Read(#[source] io::Error),
    /// Context for a failure while writing the archive.
    #[error("capturing {full_snapshot} into {}", output.display())]
    Capturing {
        full_snapshot: String,
        output: PathBuf,
        source: Box<CaptureError>,
    },
    /// Boxed: a stream error is large and failures are rare.
    #[error(transparent)]
    Archive(Box<ArchiveError>),
    #[error(transparent)]
    Io(#[from] io::Error),
    #[error(transparent)]
    Interrupted(#[from] Interrupted),
}

impl From<CommandError> for CaptureError {
    fn from(e: CommandError) -> CaptureError {
        match e {
            CommandError::Spawn {
                program, source, ..
            } => CaptureError::Spawn {
                program: PathBuf::from(program),
                source,
            },
            CommandError::Failed {
                command, stderr, ..
            } => CaptureError::CommandFailed { command, stderr },
            CommandError::Unexpected { command, output } => CaptureError::CommandFailed {
                command,
                stderr: format!("unexpected output: {output:?}"),
            },
        }
    }
}

impl From<ArchiveError> for CaptureError {
    fn from(e: ArchiveError) -> CaptureError {
        CaptureError::Archive(Box::new(e))
    }
}

/// A failed capture: the error, and what became of the snapshot. Displays as its error
/// (with the same cause chain).
#[derive(Debug)]
pub struct CaptureFailure {
    pub error: CaptureError,
    /// `DATASET@SNAPSHOT` (empty when the options were rejected before naming it).
    pub full_snapshot: String,
    pub snapshot: SnapshotFate,
}

impl fmt::Display for CaptureFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.error, f)
    }
}

impl std::error::Error for CaptureFailure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.error.source()
    }
}

impl CaptureFailure {
    /// The signal that stopped the capture, if one did.
    pub fn interrupted(&self) -> Option<Interrupted> {
        match self.error {
            CaptureError::Interrupted(stop) => Some(stop),
            _ => None,
        }
    }
}

/// Snapshot `opts.dataset` and write the archive and its manifest. A failure leaves
/// neither file nor temporary file behind and destroys a snapshot this call created;
/// when a signal was received the failure's error is [`CaptureError::Interrupted`],
/// whatever else went wrong.
pub fn capture(
    opts: &CaptureOptions,
    progress: &mut dyn FnMut(Progress),
    interrupt: &Interrupt,
) -> Result<CaptureReport, CaptureFailure> {
    let rejected = |error| CaptureFailure {
        error,
        full_snapshot: String::new(),
        snapshot: SnapshotFate::NotCreated,
    };
    let job = Job::new(opts).map_err(rejected)?;
    // The preflight step: checks, no change.
    for check in job.plan.checks() {
        preflight(check, opts).map_err(rejected)?;
    }
    let failure = |error, snapshot| CaptureFailure {
        error: match interrupt.check() {
            Err(stop) => CaptureError::Interrupted(stop),
            Ok(()) => error,
        },
        full_snapshot: job.full_snap.clone(),
        snapshot,
    };
    if let Err(stop) = interrupt.check() {
        return Err(failure(stop.into(), SnapshotFate::NotCreated));
    }
    // `zfs snapshot` may get the terminal's SIGINT too: `failure` reports that.
    let snap_guard = SnapshotGuard::take(&opts.platform, &job.plan)
        .map_err(|e| failure(e, SnapshotFate::NotCreated))?;
    match job.run(progress, interrupt) {
        Ok(report) => {
            snap_guard.keep();
            Ok(report)
        }
        Err(e) => {
            let fate = snap_guard.destroy();
            Err(failure(e, fate))
        }
    }
}

/// For a DATASET given as `pool/fs@snap`: where the snapshot name goes instead.
fn snapshot_hint(dataset: &str) -> String {
    match dataset.split_once('@') {
        Some((_, snap)) if !snap.is_empty() => {
            format!(" (give the snapshot name with --snapshot {snap})")
        }
        _ => String::new(),
    }
}

/// A capture with its options checked and its names settled.
struct Job<'a> {
    opts: &'a CaptureOptions,
    dataset: String,
    snapshot: String,
    from: Option<String>,
    full_snap: String,
    compression: Compression,
    now: u64,
    plan: CapturePlan,
}

impl<'a> Job<'a> {
    fn new(opts: &'a CaptureOptions) -> Result<Job<'a>, CaptureError> {
        let dataset = opts.dataset.trim_end_matches('/').to_string();
        // A leading `-` would reach `zfs` as an option; no dataset name starts so.
        if dataset.is_empty() || dataset.contains('@') || dataset.starts_with('-') {
            return Err(CaptureError::BadDataset(dataset));
        }
        let compression = choose_compression(&opts.output, opts.compression)?;
        let output = &opts.output;
        let mpath = manifest_path(output);
        let dir = match output.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };

        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let snapshot = match &opts.snapshot {
            Some(s) => match s.split_once('@') {
                Some((of, name)) if of.is_empty() || of == dataset => name.to_string(),
                Some(_) => return Err(CaptureError::BadSnapshot(s.clone())),
                None => s.clone(),
            },
            None => format!("zflash-{}", rfc3339_utc(now).replace([':', '-'], "")),
        };
        if snapshot.is_empty() || snapshot.contains(['/', '@']) {
            return Err(CaptureError::BadSnapshot(
                opts.snapshot.clone().unwrap_or_default(),
            ));
        }
        // Another dataset's snapshot is refused, not silently replaced by the snapshot of
        // the same name of DATASET.
        let from = match opts.from.as_deref() {
            None => None,
            Some(f) => {
                let name = match f.split_once('@') {
                    Some((of, name)) if of.is_empty() || of == dataset => name,
                    Some(_) => return Err(CaptureError::BadFrom(f.to_string())),
                    None => f,
                };
                if name.is_empty() || name.contains(['/', '@']) {
                    return Err(CaptureError::BadFrom(f.to_string()));
                }
                Some(name.to_string())
            }
        };
        let name = output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = |p: &Path| p.to_string_lossy().into_owned();
        let plan = capture_plan::build(&PlanInput {
            dataset: dataset.clone(),
            snapshot: snapshot.clone(),
            from: from.clone(),
            recursive: opts.recursive,
            compression,
            output: text(output),
            dir: text(&dir),
            // What ArchiveWriter and write_manifest name their temporary files.
            temp: text(&dir.join(format!(".{name}.XXXXXX.partial"))),
            manifest: text(&mpath),
            manifest_temp: text(&dir.join(".zflash-manifest.XXXXXX.partial")),
            force: opts.force,
        });
        let full_snap = plan.full_snapshot.clone();
        Ok(Job {
            plan,
            opts,
            dataset,
            snapshot,
            from,
            full_snap,
            compression,
            now,
        })
    }

    /// Write the archive and its manifest. Every error (including [`Interrupted`])
    /// leaves neither file nor temporary file behind.
    fn run(
        &self,
        progress: &mut dyn FnMut(Progress),
        interrupt: &Interrupt,
    ) -> Result<CaptureReport, CaptureError> {
        let opts = self.opts;
        let platform = &opts.platform;
        let dataset = self.dataset.as_str();
        let output = &opts.output;
        let mpath = manifest_path(output);

        let Action::Send {
            argv: send_args, ..
        } = self.plan.action(StepKind::Send)
        else {
            unreachable!("the send step sends")
        };
        // `referenced` approximates a full stream's size; an increment's is unknown (pool
        // v23 has no `written` property and zfs-fuse's `zfs send` no `-nv` estimate).
        let size_hint = if self.from.is_none() && !opts.recursive {
            property(platform, dataset, "referenced").and_then(|v| v.parse::<u64>().ok())
        } else {
            None
        };
        let written = write_archive(
            opts,
            self.compression,
            send_args,
            size_hint,
            progress,
            interrupt,
        )
        .map_err(|e| CaptureError::Capturing {
            full_snapshot: self.full_snap.clone(),
            output: output.clone(),
            source: Box::new(e),
        })?;

        let pool = dataset.split('/').next().unwrap_or(dataset).to_string();
        let manifest = Manifest {
            format: MANIFEST_FORMAT.to_string(),
            name: output
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            created: rfc3339_utc(self.now),
            host: platform.uname(&["-n"]).unwrap_or_default(),
            source: Source {
                dataset: dataset.to_string(),
                snapshot: self.snapshot.clone(),
                from_snapshot: self.from.clone(),
                recursive: opts.recursive,
                pool_version: platform
                    .zpool_get("version", &pool)
                    .ok()
                    .and_then(|v| v.parse().ok()),
                zpl_version: property(platform, dataset, "version").and_then(|v| v.parse().ok()),
                pool,
            },
            content: Content {
                architecture: platform.uname(&["-p"]).unwrap_or_default(),
                platform: platform.uname(&["-m"]).unwrap_or_default(),
                os_release: os_release(platform),
            },
            stream: Some(StreamInfo::from_summary(&written.summary)),
            raw_bytes: Some(written.raw_bytes),
            stored_bytes: written.stored_bytes,
            compression: self.compression,
            sha256: written.sha256.clone(),
            tool: opts.tool.clone(),
        };

        let records = written.summary.records.total();
        let substreams = written.summary.substreams.len();
        // Archive first, then its manifest; if the manifest cannot be written the
        // archive is removed again so that no half-described archive remains. These are
        // the last points where a signal stops the capture.
        interrupt.check()?;
        written.persist(opts.force)?;
        if let Err(e) = interrupt
            .check()
            .map_err(CaptureError::from)
            .and_then(|()| Ok(write_manifest(&mpath, &manifest, opts.force)?))
        {
            let _ = std::fs::remove_file(output);
            return Err(e);
        }
        Ok(CaptureReport {
            output: output.clone(),
            full_snapshot: self.full_snap.clone(),
            manifest,
            substreams,
            records,
        })
    }
}

/// Run one check of the plan's preflight step.
fn preflight(check: &Check, opts: &CaptureOptions) -> Result<(), CaptureError> {
    let platform = &opts.platform;
    match check {
        Check::OutputDirWritable { dir } => {
            let dir = PathBuf::from(dir);
            if !dir.is_dir() {
                return Err(CaptureError::NoDirectory(dir));
            }
            if !writable(&dir) {
                return Err(CaptureError::NotWritable(dir));
            }
        }
        Check::OutputAbsent { paths, force } => {
            if !force {
                for p in paths.iter().map(PathBuf::from) {
                    if p.exists() {
                        return Err(CaptureError::Exists(p));
                    }
                }
            }
        }
        Check::DatasetExists { dataset } => {
            match platform.zfs_once(&["list", "-H", "-o", "name", "-t", "filesystem", dataset]) {
                Ok(_) => {}
                Err(CommandError::Failed { stderr, .. }) => {
                    return Err(CaptureError::NoDataset {
                        dataset: dataset.clone(),
                        stderr,
                    });
                }
                Err(e) => return Err(e.into()),
            }
        }
        Check::Room {
            dataset,
            dir,
            estimate,
            ratio,
        } => {
            let property = match estimate {
                SizeEstimate::Referenced => "referenced",
                SizeEstimate::Used => "used",
                SizeEstimate::Unknown => return Ok(()),
            };
            let Some(estimate) =
                self::property(platform, dataset, property).and_then(|v| v.parse::<u64>().ok())
            else {
                return Ok(());
            };
            let dir = PathBuf::from(dir);
            if let Some(available) = available_bytes(&dir)
                && available < estimate / ratio
            {
                return Err(CaptureError::NoRoom {
                    dir,
                    available,
                    estimate,
                    ratio: *ratio,
                    property,
                    dataset: dataset.clone(),
                });
            }
        }
    }
    Ok(())
}

fn writable(dir: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(dir.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: a valid NUL-terminated path.
    unsafe { libc::access(c.as_ptr(), libc::W_OK) == 0 }
}

/// Free space of the file system holding `dir` for an unprivileged writer, when known.
fn available_bytes(dir: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
    // SAFETY: statvfs fills the zeroed struct for a valid NUL-terminated path.
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    if unsafe { libc::statvfs(c.as_ptr(), &mut st) } != 0 {
        return None;
    }
    #[allow(clippy::unnecessary_cast)] // the field types differ between platforms
    Some(st.f_bavail as u64 * st.f_frsize as u64)
}

fn choose_compression(
    output: &Path,
    arg: Option<Compression>,
) -> Result<Compression, CaptureError> {
    match (arg, Compression::from_suffix(output)) {
        (Some(given), Some(suffix)) if given != suffix => Err(CaptureError::CompressionMismatch {
            path: output.to_path_buf(),
            suffix,
            given,
        }),
        (Some(a), _) => Ok(a),
        (None, Some(s)) => Ok(s),
        (None, None) => Ok(Compression::Zstd),
    }
}

/// A snapshot [`capture`] created; destroyed on drop unless kept.
struct SnapshotGuard {
    platform: Platform,
    name: String,
    /// `destroy [-r] DATASET@SNAP`: the plan's undo of the snapshot step.
    undo: Vec<String>,
    created: bool,
}

impl SnapshotGuard {
    /// The plan's snapshot step: reuse the snapshot if it exists, else take it; the
    /// guard holds the step's undo.
    fn take(platform: &Platform, plan: &CapturePlan) -> Result<SnapshotGuard, CaptureError> {
        let Action::Snapshot { argv, exists: name } = plan.action(StepKind::Snapshot) else {
            unreachable!("the snapshot step snapshots")
        };
        let Some(Action::DestroySnapshot { argv: undo }) = plan.undo(StepKind::Snapshot) else {
            unreachable!("a snapshot is undone by destroying it")
        };
        let exists = platform
            .zfs_once(&["list", "-H", "-o", "name", "-t", "snapshot", name])
            .is_ok();
        if !exists {
            let args: Vec<&str> = argv.iter().map(String::as_str).collect();
            platform.zfs(&args)?;
        }
        Ok(SnapshotGuard {
            platform: platform.clone(),
            name: name.clone(),
            undo: undo.clone(),
            created: !exists,
        })
    }

    fn keep(mut self) {
        self.created = false;
    }

    /// Destroy the snapshot now if this capture created it.
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

    /// The plan's undo, retried while the dataset is busy (zfs-fuse answers so for a
    /// moment after a send, any ZFS while a killed `zfs send` is still exiting).
    fn try_destroy(&self) -> bool {
        let args: Vec<&str> = self.undo.iter().map(String::as_str).collect();
        self.platform.zfs(&args).is_ok()
    }
}

impl Drop for SnapshotGuard {
    /// Reached only on a panic: [`capture`] keeps or destroys the snapshot explicitly.
    fn drop(&mut self) {
        if self.created && !self.try_destroy() {
            eprintln!(
                "zflash: warning: could not destroy the snapshot {} it created",
                self.name
            );
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

/// How often the copy loop checks for a signal while `zfs send` produces nothing.
const POLL_INTERVAL: Duration = Duration::from_millis(100);

fn write_archive(
    opts: &CaptureOptions,
    compression: Compression,
    send_args: &[String],
    size_hint: Option<u64>,
    progress: &mut dyn FnMut(Progress),
    interrupt: &Interrupt,
) -> Result<WrittenArchive, CaptureError> {
    let zfs = &opts.platform.zfs;
    let mut writer = ArchiveWriter::create(&opts.output, compression)?;
    let mut child = opts
        .platform
        .zfs_command()
        .args(send_args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|source| CaptureError::Spawn {
            program: PathBuf::from(zfs),
            source,
        })?;
    let mut stdout = child.stdout.take().expect("piped stdout");
    let mut stderr = child.stderr.take().expect("piped stderr");
    let stderr_thread = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let mut child = ChildGuard(Some(child));

    progress(Progress::Started { size_hint });
    let mut aligned = AlignedBuf::new(1 << 20);
    let buf = aligned.as_mut_slice();
    let stream_result: Result<(), CaptureError> = (|| {
        loop {
            // Never block in read() for long: a signal must stop the copy even when
            // `zfs send` is silent (the handlers restart interrupted system calls).
            interrupt.check()?;
            if !interrupt::wait_readable(&stdout, POLL_INTERVAL).map_err(CaptureError::Wait)? {
                continue;
            }
            let n = match stdout.read(buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(CaptureError::Read(e)),
            };
            writer.write_chunk(&buf[..n])?;
            progress(Progress::Copied(writer.bytes_raw()));
            if let Some(delay) = opts.chunk_delay {
                interrupt.sleep(delay)?;
            }
        }
        // `zfs send` may have ended because it got the same SIGINT.
        interrupt.check()?;
        Ok(())
    })();
    progress(Progress::Finished);
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
        return Err(CaptureError::SendFailed {
            command: format!("{zfs} {}", send_args.join(" ")),
            status,
            stderr: send_stderr.trim().to_string(),
        });
    }
    Ok(writer.finish()?)
}

/// `zfs get -H -p -o value PROP DATASET`, when it has a value.
fn property(platform: &Platform, dataset: &str, prop: &str) -> Option<String> {
    platform
        .zfs_get(prop, dataset)
        .filter(|v| !v.is_empty() && v != "-")
}

/// The captured system's release: the first line of `/etc/release` (Solaris), else
/// `PRETTY_NAME` of `/etc/os-release`, else `uname -sr`.
fn os_release(platform: &Platform) -> String {
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
    platform.uname(&["-sr"]).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compression_follows_the_suffix_unless_it_contradicts_the_request() {
        let zst = Path::new("a.zfs.zst");
        assert_eq!(choose_compression(zst, None).unwrap(), Compression::Zstd);
        assert_eq!(
            choose_compression(Path::new("a"), None).unwrap(),
            Compression::Zstd
        );
        assert_eq!(
            choose_compression(Path::new("a"), Some(Compression::Gzip)).unwrap(),
            Compression::Gzip
        );
        let err = choose_compression(zst, Some(Compression::Gzip)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "a.zfs.zst: the suffix says zstd but --compress gzip was given (name it accordingly)"
        );
    }

    #[test]
    fn a_failure_displays_as_its_error_with_the_same_causes() {
        use std::error::Error;
        let failure = CaptureFailure {
            error: CaptureError::Capturing {
                full_snapshot: "p/fs@s".into(),
                output: PathBuf::from("/x/a.zfs"),
                source: Box::new(CaptureError::Read(io::Error::other("boom"))),
            },
            full_snapshot: "p/fs@s".into(),
            snapshot: SnapshotFate::Destroyed,
        };
        assert_eq!(failure.to_string(), "capturing p/fs@s into /x/a.zfs");
        let mut chain = Vec::new();
        let mut cause = failure.source();
        while let Some(c) = cause {
            chain.push(c.to_string());
            cause = c.source();
        }
        assert_eq!(chain, ["reading from `zfs send`", "boom"]);
        assert_eq!(failure.interrupted(), None);
        // A boxed archive error keeps its own cause.
        let archive = CaptureError::from(ArchiveError::Io {
            path: PathBuf::from("/x/a.zfs"),
            source: io::Error::other("disk full"),
        });
        assert_eq!(archive.to_string(), "/x/a.zfs: disk full");
        assert_eq!(
            archive.source().map(|c| c.to_string()).as_deref(),
            Some("disk full")
        );
    }

    #[test]
    fn bad_options_are_rejected_before_any_command_runs() {
        let dir = tempfile::tempdir().unwrap();
        let missing_zfs = Platform {
            zfs: dir.path().join("no-such-zfs").display().to_string(),
            ..Platform::default()
        };
        let opts = |dataset: &str, output: PathBuf| CaptureOptions {
            dataset: dataset.into(),
            output,
            snapshot: None,
            from: None,
            compression: None,
            recursive: false,
            force: false,
            tool: "zflash test".into(),
            chunk_delay: None,
            platform: missing_zfs.clone(),
        };
        let interrupt = Interrupt::detached();
        let run = |o: CaptureOptions| capture(&o, &mut |_| {}, &interrupt).unwrap_err();
        let e = run(opts("pool/fs@snap", dir.path().join("a.zfs")));
        assert!(matches!(e.error, CaptureError::BadDataset(_)), "{e}");
        assert!(e.to_string().contains("--snapshot snap"), "{e}");
        // --snapshot takes a short name; a full name must be of DATASET.
        let with_snapshot = |snapshot: &str, output: &str| CaptureOptions {
            snapshot: Some(snapshot.into()),
            ..opts("pool/fs", dir.path().join(output))
        };
        let e = run(with_snapshot("other/fs@s1", "s1.zfs"));
        assert!(matches!(e.error, CaptureError::BadSnapshot(_)), "{e}");
        assert!(e.to_string().contains("`other/fs@s1`"), "{e}");
        let e = run(with_snapshot("a/b", "s2.zfs"));
        assert!(matches!(e.error, CaptureError::BadSnapshot(_)), "{e}");
        // So does --from: another dataset's snapshot used to become DATASET@s0.
        let with_from = |from: &str| CaptureOptions {
            from: Some(from.into()),
            ..opts("pool/fs", dir.path().join("f.zfs"))
        };
        for bad in ["other/fs@s0", "pool/fs@", "a/b", ""] {
            let e = run(with_from(bad));
            assert!(matches!(e.error, CaptureError::BadFrom(_)), "{bad}: {e}");
        }
        let e = run(with_from("pool/fs@s0"));
        assert!(e.to_string().contains("no-such-zfs"), "{e}");
        let e = run(opts("-R", dir.path().join("g.zfs")));
        assert!(matches!(e.error, CaptureError::BadDataset(_)), "{e}");
        // The dataset's own full snapshot name is accepted (then `zfs` cannot run).
        let e = run(with_snapshot("pool/fs@s1", "s3.zfs"));
        assert!(e.to_string().contains("no-such-zfs"), "{e}");
        let existing = dir.path().join("b.zfs");
        std::fs::write(&existing, b"x").unwrap();
        let e = run(opts("pool/fs", existing));
        assert!(
            e.to_string()
                .ends_with("b.zfs exists (use --force to overwrite)"),
            "{e}"
        );
        let e = run(opts("pool/fs", dir.path().join("nodir/c.zfs")));
        assert!(matches!(e.error, CaptureError::NoDirectory(_)), "{e}");
        assert_eq!(e.snapshot, SnapshotFate::NotCreated);
        // A `zfs` that cannot be run is named in the error.
        let e = run(opts("pool/fs", dir.path().join("d.zfs")));
        assert!(e.to_string().contains("no-such-zfs"), "{e}");
        assert!(!dir.path().join("d.zfs").exists());
    }
}
