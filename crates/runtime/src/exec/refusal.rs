//! What a preflight check found that refuses the run, before any change.

use std::io;

use zflash_zfs::Dataset;

/// A refusal of the preflight (shown as `preflight: …`).
#[derive(Debug, thiserror::Error)]
pub(super) enum Refusal {
    #[error("pool {pool} is not imported")]
    PoolNotImported { pool: String },
    #[error("pool {pool} is imported with altroot {actual}, not {expected} (use --altroot)")]
    WrongAltroot {
        pool: String,
        actual: String,
        expected: String,
    },
    #[error("pool {pool}: bootfs {bootfs} does not exist")]
    BootfsMissing { pool: String, bootfs: String },
    #[error("pool {pool} has no bootfs: this does not look like a JumpStart-installed root pool")]
    NoBootfs { pool: String },
    /// The BE exists, and `--force` was not given.
    #[error(
        "boot environment {dataset} already exists ({}); use --force to replace it",
        origin(.deployed_from)
    )]
    BeExists {
        dataset: Dataset,
        /// Its `org.zflash:archive`, when zflash deployed it.
        deployed_from: Option<String>,
    },
    #[error(
        "boot environment {0} is the pool's bootfs (the installed BE): refusing to replace it even with --force; choose another be_name"
    )]
    BeIsBootfs(Dataset),
    #[error("{path} is a directory, not a file: name the file itself (e.g. {example})")]
    IsDirectory { path: String, example: String },
    #[error("cannot read {path}: {source}")]
    FileUnreadable { path: String, source: io::Error },
    #[error("cannot read archive {path}: {source}")]
    ArchiveUnreadable { path: String, source: io::Error },
    #[error("cannot read the free space of {0}")]
    FreeSpaceUnknown(String),
    /// An increment that does not follow the archive before it.
    #[error(
        "broken chain of archives: {0} (increments must be listed in the order they were captured)"
    )]
    BrokenChain(String),
    /// The archive itself does not fit this pool or client.
    #[error("{path}: {problem}")]
    Archive {
        path: String,
        problem: ArchiveRefusal,
    },
}

fn origin(deployed_from: &Option<String>) -> String {
    match deployed_from {
        Some(from) => format!("deployed from {from}"),
        None => "not deployed by zflash".into(),
    }
}

fn joined(items: &[String]) -> String {
    items.join(", ")
}

fn slash(karch: &str) -> String {
    if karch.is_empty() {
        String::new()
    } else {
        format!("/{karch}")
    }
}

fn streams(with_increments: &bool) -> &'static str {
    if *with_increments {
        "s up to this increment are"
    } else {
        " is"
    }
}

/// Why an archive does not fit (preceded by its file name).
#[derive(Debug, thiserror::Error)]
pub(super) enum ArchiveRefusal {
    #[error(
        "a compound stream (zfs send -R/-I/-p) of {toname} in a chain of archives; increments are deployed only on top of a plain full stream, and as plain incremental streams (a recursive archive is deployed on its own)"
    )]
    CompoundInChain { toname: String },
    /// The clients' release cannot receive it (the plan's reason).
    #[error("{0}")]
    Release(String),
    #[error(
        "an incremental stream of {toname} (from guid {fromguid:016x}); a boot environment needs a full stream (list increments under `increments`, after their base archive)"
    )]
    IncrementalBase { toname: String, fromguid: u64 },
    #[error(
        "listed as an increment but it is a full stream of {toname}; an increment is made with `zflash capture --from` or `zfs send -i`"
    )]
    FullAsIncrement { toname: String },
    #[error("the stream of {toname} is not a ZFS filesystem (objset type {objset_type})")]
    NotFilesystem { toname: String, objset_type: u32 },
    #[error(
        "the stream uses feature(s) {} that pool {pool} (version {version}) cannot receive; capture the golden image with a sender matching the target pool version",
        joined(.features)
    )]
    Features {
        features: Vec<String>,
        pool: String,
        /// The pool's `version` as `zpool get` shows it.
        version: String,
    },
    #[error(
        "the archive is for {} but this client is {client}{}",
        joined(.archive),
        slash(.karch)
    )]
    Architecture {
        /// What the manifest says.
        archive: Vec<String>,
        /// `SI_ARCH` or `uname -p`.
        client: String,
        /// `SI_KARCH` (may be empty).
        karch: String,
    },
    #[error(
        "not enough space: the stream{} {size} bytes, {root} has {available} bytes available",
        streams(.with_increments)
    )]
    NoSpace {
        size: u64,
        root: String,
        available: u64,
        /// The size counts the increments before this one.
        with_increments: bool,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_say_what_was_found() {
        let be = Dataset::new("rpool/ROOT/b").unwrap();
        let cases = [
            (
                Refusal::BeExists {
                    dataset: be.clone(),
                    deployed_from: None,
                },
                "boot environment rpool/ROOT/b already exists (not deployed by zflash); use --force to replace it",
            ),
            (
                Refusal::BeExists {
                    dataset: be,
                    deployed_from: Some("sha256:ab".into()),
                },
                "boot environment rpool/ROOT/b already exists (deployed from sha256:ab); use --force to replace it",
            ),
            (
                Refusal::Archive {
                    path: "/x.zfs".into(),
                    problem: ArchiveRefusal::Architecture {
                        archive: vec!["sparc".into()],
                        client: "i386".into(),
                        karch: "i86pc".into(),
                    },
                },
                "/x.zfs: the archive is for sparc but this client is i386/i86pc",
            ),
            (
                Refusal::Archive {
                    path: "/x.zfs".into(),
                    problem: ArchiveRefusal::NoSpace {
                        size: 10,
                        root: "rpool/ROOT".into(),
                        available: 5,
                        with_increments: true,
                    },
                },
                "/x.zfs: not enough space: the streams up to this increment are 10 bytes, rpool/ROOT has 5 bytes available",
            ),
            (
                Refusal::Archive {
                    path: "/x.zfs".into(),
                    problem: ArchiveRefusal::Features {
                        features: vec!["LZ4".into(), "EMBED_DATA".into()],
                        pool: "rpool".into(),
                        version: "23".into(),
                    },
                },
                "/x.zfs: the stream uses feature(s) LZ4, EMBED_DATA that pool rpool (version 23) cannot receive; capture the golden image with a sender matching the target pool version",
            ),
        ];
        for (refusal, message) in cases {
            assert_eq!(refusal.to_string(), message);
        }
    }
}
