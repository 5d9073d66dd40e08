//! Why a run failed, by class: a check that refused, a command that failed, a damaged
//! archive, a hook, a file… The report and the events carry the message (`Display`); the
//! variants keep what kind of failure it was and its cause.

use std::io;
use std::process::ExitStatus;

use zflash_zfs::{CommandError, Dataset, NameError, Snapshot};

use super::refusal::Refusal;
use crate::input;
use crate::lock::LockError;
use crate::plan::PlanError;

#[derive(Debug, thiserror::Error)]
pub(super) enum RunError {
    /// A preflight check refused: what it found.
    #[error("preflight: {0}")]
    Preflight(#[from] Refusal),
    /// A command the preflight ran failed.
    #[error("preflight: {0}")]
    PreflightCommand(CommandError),
    /// The plan could not be built.
    #[error("preflight: {0}")]
    Plan(#[from] PlanError),
    /// A `zfs`, `zpool`, `mount` or `umount` of an action failed.
    #[error(transparent)]
    Command(#[from] CommandError),
    /// A name built from what a stream says is not valid.
    #[error(transparent)]
    Name(#[from] NameError),
    /// A file action failed: `{what} {path}: {source}`.
    #[error("{what} {path}: {source}")]
    File {
        /// What was being done (`cannot create`, `cannot copy X into`…).
        what: String,
        /// The file or directory.
        path: String,
        source: io::Error,
    },
    /// The identity check after the reset found a file where it should not be, or none
    /// where one should be.
    #[error(
        "identity check: {path} should {} after the reset but {}",
        should(.present),
        but(.present)
    )]
    Identity {
        /// The file.
        path: String,
        /// Whether it should exist.
        present: bool,
    },
    /// A program (a hook, `zfs receive`) could not be started.
    #[error("cannot run {program}: {source}")]
    Spawn { program: String, source: io::Error },
    /// A hook exited unsuccessfully.
    #[error("hook `{}` failed with {status}", .argv.join(" "))]
    Hook {
        argv: Vec<String>,
        status: ExitStatus,
    },
    /// A descendant of the BE with its own mountpoint: it would not land inside the
    /// BE's temporary root.
    #[error("{0}")]
    OwnMountpoint(String),
    /// The plan records an archive id the run does not know.
    #[error("the archive id of {0} is not known")]
    UnknownArchiveId(Dataset),
    /// The archive cannot be opened for reading.
    #[error("cannot read archive {path}: {source}")]
    Unreadable { path: String, source: io::Error },
    /// The archive is not one the plan opened.
    #[error("preflight: archive {0} was not opened")]
    NotOpened(String),
    /// The archive's data is damaged (records, checksums, digest, truncation).
    #[error("archive damaged: {}{}", damage_message(.path, .source), .found.suffix())]
    Damaged {
        /// The archive.
        path: String,
        source: io::Error,
        /// When it was found.
        found: Found,
    },
    /// A compound stream where the plan receives plain streams only.
    #[error("{0} is a compound (zfs send -R) stream, and this receive takes a plain one")]
    CompoundNotExpected(String),
    /// `zfs receive` could not be waited for.
    #[error("waiting for zfs receive: {0}")]
    Wait(io::Error),
    /// `zfs receive` failed: its stderr, or its exit status.
    #[error("zfs receive {snapshot} failed: {why}")]
    ReceiveFailed { snapshot: Snapshot, why: String },
    /// `zfs receive` exited before it had read all of its input.
    #[error("zfs receive {snapshot} stopped reading its input: {source}")]
    ReceiveStopped {
        snapshot: Snapshot,
        source: io::Error,
    },
    /// Fault injection (tests).
    #[error("injected failure after step {0}")]
    Injected(String),
    /// The pool's deploy lock is held.
    #[error(transparent)]
    Lock(#[from] LockError),
    /// An archive cannot be opened or does not match its manifest.
    #[error("preflight: {0}")]
    Input(#[from] input::InputError),
    /// A recursive archive that cannot be deployed.
    #[error("preflight: {path}: {problem}")]
    Recursive {
        path: String,
        problem: input::RecursiveError,
    },
    /// A failure after the commit point: the BE is deployed, its clean-up is not done.
    #[error(
        "{be} is deployed and is bootfs, but the clean-up failed: {source}; run zflash finish again to finish it"
    )]
    AfterCommit { be: Dataset, source: Box<RunError> },
}

fn should(present: &bool) -> &'static str {
    if *present { "exist" } else { "be absent" }
}

fn but(present: &bool) -> &'static str {
    if *present { "does not" } else { "exists" }
}

/// When a damaged archive was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Found {
    /// While it was received (its undo destroys what was received).
    WhileReceived,
    /// By `verify_first`'s full read in preflight.
    ByVerifyFirst,
    /// By the preflight's read of a recursive archive's substreams.
    CheckingSubstreams,
}

impl Found {
    fn suffix(self) -> &'static str {
        match self {
            Found::WhileReceived => "",
            Found::ByVerifyFirst => " (found by verify_first, before any change)",
            Found::CheckingSubstreams => {
                " (found while checking the substreams, before any change)"
            }
        }
    }
}

/// `ARCHIVE: what is wrong`, naming the archive once: a read error from
/// `zflash-archive` already starts with the file's name.
pub(super) fn damage_message(archive_path: &str, e: &io::Error) -> String {
    let text = e.to_string();
    if text.starts_with(&format!("{archive_path}: ")) {
        text
    } else {
        format!("{archive_path}: {text}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot() -> Snapshot {
        Dataset::new("rpool/ROOT/.zflash-tmp-b")
            .unwrap()
            .snapshot("flar")
            .unwrap()
    }

    /// The messages are the report's and the events': they say the same as before the
    /// errors were typed.
    #[test]
    fn each_class_says_what_failed() {
        let cases: Vec<(RunError, &str)> = vec![
            (
                RunError::Identity {
                    path: "/a/etc/hostid".into(),
                    present: true,
                },
                "identity check: /a/etc/hostid should exist after the reset but does not",
            ),
            (
                RunError::Identity {
                    path: "/a/etc/hostid".into(),
                    present: false,
                },
                "identity check: /a/etc/hostid should be absent after the reset but exists",
            ),
            (
                RunError::Damaged {
                    path: "/x.zfs".into(),
                    source: io::Error::other("/x.zfs: checksum mismatch"),
                    found: Found::ByVerifyFirst,
                },
                "archive damaged: /x.zfs: checksum mismatch (found by verify_first, before any change)",
            ),
            (
                RunError::Damaged {
                    path: "/x.zfs".into(),
                    source: io::Error::other("truncated"),
                    found: Found::WhileReceived,
                },
                "archive damaged: /x.zfs: truncated",
            ),
            (
                RunError::ReceiveFailed {
                    snapshot: snapshot(),
                    why: "out of space".into(),
                },
                "zfs receive rpool/ROOT/.zflash-tmp-b@flar failed: out of space",
            ),
            (
                RunError::File {
                    what: "cannot create".into(),
                    path: "/a/x".into(),
                    source: io::Error::other("read-only"),
                },
                "cannot create /a/x: read-only",
            ),
            (
                RunError::AfterCommit {
                    be: Dataset::new("rpool/ROOT/b").unwrap(),
                    source: Box::new(RunError::Injected("cleanup".into())),
                },
                "rpool/ROOT/b is deployed and is bootfs, but the clean-up failed: injected failure after step cleanup; run zflash finish again to finish it",
            ),
        ];
        for (error, message) in cases {
            assert_eq!(error.to_string(), message);
        }
    }
}
