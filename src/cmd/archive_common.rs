//! What `zflash info` and `zflash verify` share: their arguments, the increment-chain
//! check over the archives given, the exit code and the line for an archive that failed.

use std::io::Write;
use std::path::PathBuf;

use zflash_archive::{ArchiveError, ChainLink, ErrorClass, Guid, check_chain};

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

/// One archive as the chain check and the exit code see it: the `(origin, top)` GUIDs
/// of an archive that could be read, or the error of one that could not.
pub type Judged<'a> = Result<(Option<Guid>, Option<Guid>), &'a ArchiveError>;

/// The broken links of the chain (index of the later archive, message) and the worst
/// exit code over all archives.
pub struct ChainVerdict {
    pub problems: Vec<(usize, String)>,
    pub exit_code: u8,
}

impl ChainVerdict {
    pub fn new(paths: &[PathBuf], judged: &[Judged]) -> ChainVerdict {
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
    pub fn problems_of(&self, i: usize) -> Vec<&String> {
        self.problems
            .iter()
            .filter(|(j, _)| *j == i)
            .map(|(_, m)| m)
            .collect()
    }
}

/// `PATH: STATUS: DETAIL` for an archive that could not be read or verified.
pub fn write_failure(
    out: &mut impl Write,
    path: &std::path::Path,
    e: &ArchiveError,
) -> std::io::Result<()> {
    writeln!(
        out,
        "{}: {}: {}",
        path.display(),
        status_name(e.class()),
        e.detail()
    )
}

/// Print `{"archives": items}` as pretty JSON and a newline.
pub fn write_json(out: &mut impl Write, items: Vec<serde_json::Value>) -> anyhow::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &serde_json::json!({ "archives": items }))?;
    writeln!(out)?;
    Ok(())
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
