//! What `zflash info` and `zflash verify` share: their arguments, the increment-chain
//! check over the archives given, the exit code and the line for an archive that failed.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use zflash_archive::{ArchiveError, ChainLink, ErrorClass, Guid, check_chain};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Archives or bare `zfs send` files; each increment is checked against the archive
    /// listed just before it (its origin must be that archive's snapshot); a full
    /// archive starts a new chain.
    #[arg(required = true, value_name = "ARCHIVE")]
    pub archives: Vec<PathBuf>,
    /// Print one JSON document instead of text.
    #[arg(long, conflicts_with = "quiet")]
    pub json: bool,
    /// From the global `--quiet`: print nothing, the exit status tells (0 valid, 1
    /// damaged or broken chain, 2 error).
    #[arg(skip)]
    pub quiet: bool,
}

/// One archive as the chain check and the exit code see it: the `(origin, top)` GUIDs
/// of an archive that could be read, or the error of one that could not.
type Judged<'a> = Result<(Option<Guid>, Option<Guid>), &'a ArchiveError>;

/// The broken links of the chain (index of the later archive, message) and the worst
/// exit code over all archives.
struct ChainVerdict {
    problems: Vec<(usize, String)>,
    exit_code: u8,
}

impl ChainVerdict {
    fn new(paths: &[PathBuf], judged: &[Judged]) -> ChainVerdict {
        let links: Vec<ChainLink> = paths
            .iter()
            .zip(judged)
            .map(|(path, j)| {
                let (origin, top) = j.unwrap_or((None, None));
                ChainLink {
                    path: path.clone(),
                    origin,
                    top,
                }
            })
            .collect();
        // Links after a failed archive cannot be judged; its own failure is reported.
        let problems: Vec<(usize, String)> = check_chain(&links)
            .into_iter()
            .filter(|(i, _)| judged[i - 1].is_ok())
            .collect();
        let exit_code = judged
            .iter()
            .enumerate()
            .map(|(i, j)| match j {
                Err(e) => exit_code_for(e),
                Ok(_) if problems.iter().any(|(k, _)| *k == i) => 1,
                Ok(_) => 0,
            })
            .max()
            .unwrap_or(0);
        ChainVerdict {
            problems,
            exit_code,
        }
    }

    /// The chain messages about archive `i`.
    fn problems_of(&self, i: usize) -> Vec<&String> {
        self.problems
            .iter()
            .filter(|(j, _)| *j == i)
            .map(|(_, m)| m)
            .collect()
    }
}

/// Text from an archive or its manifest (a stream name, a host…) made safe for a terminal:
/// control characters (newlines, escape sequences) are shown escaped, so that a hostile
/// file cannot forge output lines or drive the terminal.
pub fn shown(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// `PATH: STATUS: DETAIL` for an archive that could not be read or verified. An error
/// about another file (the sidecar manifest) keeps that file's name in DETAIL.
pub fn write_failure(
    out: &mut impl Write,
    path: &std::path::Path,
    e: &ArchiveError,
) -> std::io::Result<()> {
    let detail = if e.path() == path {
        e.detail()
    } else {
        e.to_string()
    };
    writeln!(
        out,
        "{}: {}: {detail}",
        path.display(),
        status_name(e.class()),
        detail = shown(&detail),
    )
}

/// Print `{"archives": items}` as pretty JSON and a newline.
fn write_json(out: &mut impl Write, items: Vec<serde_json::Value>) -> anyhow::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &serde_json::json!({ "archives": items }))?;
    writeln!(out)?;
    Ok(())
}

/// The JSON item for an archive that could not be read or verified.
pub fn failure_json(path: &Path, e: &ArchiveError) -> serde_json::Value {
    serde_json::json!({
        "path": path,
        "status": status_name(e.class()),
        "error": { "class": e.class(), "message": e.to_string(), "offset": e.offset() },
    })
}

/// One archive's result with the chain messages about it, as `report` hands it on.
pub struct Item<'a, T> {
    pub index: usize,
    pub path: &'a Path,
    pub result: &'a Result<T, ArchiveError>,
    pub chain_errors: Vec<&'a String>,
}

/// Check the chain over `results` (`guids` gives a readable archive's `(origin, top)`),
/// then print one JSON document of `to_json` items (`--json`) or each archive with
/// `print`; the exit code is the worst verdict.
pub fn report<T>(
    args: &Args,
    results: &[Result<T, ArchiveError>],
    guids: impl Fn(&T) -> (Option<Guid>, Option<Guid>),
    to_json: impl Fn(&Item<T>) -> serde_json::Value,
    print: impl Fn(&mut dyn Write, &Item<T>) -> std::io::Result<()>,
) -> anyhow::Result<ExitCode> {
    let judged: Vec<Judged> = results.iter().map(|r| r.as_ref().map(&guids)).collect();
    let verdict = ChainVerdict::new(&args.archives, &judged);
    let items = args
        .archives
        .iter()
        .zip(results)
        .enumerate()
        .map(|(index, (path, result))| Item {
            index,
            path,
            result,
            chain_errors: verdict.problems_of(index),
        });
    let mut out = std::io::stdout().lock();
    if args.quiet {
        return Ok(ExitCode::from(verdict.exit_code));
    }
    if args.json {
        write_json(&mut out, items.map(|item| to_json(&item)).collect())?;
    } else {
        for item in items {
            print(&mut out, &item)?;
        }
    }
    Ok(ExitCode::from(verdict.exit_code))
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
