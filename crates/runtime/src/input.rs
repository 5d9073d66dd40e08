//! The archive as the runtime sees it: what preflight needs to know (first BEGIN record,
//! architecture, sizes, identity) and one verifying read pass for the receive.
//!
//! Two kinds of input: a bare `zfs send` stream (e.g. `s10s_u6wos_07_flar.zfs`), read
//! as is while hashed, and a zflash archive, read through `zflash-archive`'s verifying
//! reader (records, digest against the manifest, decompression).

use std::io::{self, Read};
use std::path::Path;

use serde::Serialize;

/// What the first BEGIN record says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StreamHeader {
    /// `little` or `big`.
    pub byte_order: &'static str,
    /// 1 = substream (plain send), 2 = compound (`-R`, `-I`, `-p`…).
    pub hdrtype: u64,
    /// Feature flag bits.
    pub features: u64,
    /// BEGIN `drr_flags`.
    pub flags: u32,
    /// `dmu_objset_type` (2 = ZFS filesystem).
    pub objset_type: u32,
    /// GUID of the snapshot sent.
    pub toguid: u64,
    /// GUID of the incremental source (0 for a full stream).
    pub fromguid: u64,
    /// `pool/fs@snap` on the sender.
    pub toname: String,
}

/// What is known about an archive before reading it through.
#[derive(Debug, Clone, Serialize)]
pub struct ArchiveInfo {
    /// File name as given.
    pub path: String,
    /// `bare-stream` or the zflash archive compression.
    pub format: String,
    /// First BEGIN record.
    pub header: StreamHeader,
    /// Size of the file.
    pub stored_size: u64,
    /// Size of the decompressed stream, when known (manifest), else the stored size.
    pub raw_size: u64,
    /// Architectures the manifest declares (empty: unknown).
    pub architectures: Vec<String>,
    /// Expected sha256 of the stored bytes (from the manifest), hex.
    pub expected_sha256: Option<String>,
    /// Identity recorded on the BE: `sha256:<hex>` or `guid:<hex>`.
    pub id: String,
}

/// The result of a complete verified read.
#[derive(Debug, Clone, Serialize)]
pub struct ReadSummary {
    /// sha256 of the stored bytes, hex.
    pub sha256: String,
    /// Stored bytes read.
    pub stored_bytes: u64,
    /// Stream bytes produced.
    pub raw_bytes: u64,
    /// Every BEGIN…END substream, in stream order (one for a plain stream).
    #[serde(skip)]
    pub substreams: Vec<Substream>,
}

/// What the BEGIN record of one substream says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Substream {
    /// `pool/fs@snap` on the sender.
    pub name: String,
    /// GUID of the incremental source (0 for a full stream).
    pub fromguid: u64,
    /// `zfs`, `zvol`… (`dmu_objset_type_t` by name).
    pub objset_type: String,
    /// Feature flag bits.
    pub features: u64,
}

impl Substream {
    /// The dataset part of the name.
    pub fn dataset(&self) -> &str {
        self.name.split('@').next().unwrap_or(&self.name)
    }

    /// The snapshot part of the name.
    pub fn snapshot(&self) -> &str {
        self.name.split_once('@').map(|(_, s)| s).unwrap_or("")
    }
}

/// Why a compound (`zfs send -R`) archive cannot be deployed (without the file name).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecursiveError {
    /// No substream at all.
    #[error("a compound stream without any substream")]
    Empty,
    /// An incremental substream.
    #[error(
        "a compound stream with an incremental substream ({name}, from guid {fromguid:016x}): \
         zfs send -I, or zfs send -R of a golden image with more than one snapshot; \
         a recursive archive is deployed only as a full stream of one snapshot per \
         dataset: destroy the golden's other snapshots (or capture a fresh clone) and \
         capture again"
    )]
    Incremental {
        /// The substream (`dataset@snapshot`).
        name: String,
        /// Its origin.
        fromguid: u64,
    },
    /// A substream that is not a filesystem.
    #[error(
        "the substream {name} is not a ZFS filesystem ({objset_type}): a boot environment holds filesystems only"
    )]
    NotFilesystem {
        /// The substream.
        name: String,
        /// Its objset type.
        objset_type: String,
    },
    /// Substreams of different snapshots.
    #[error(
        "the substreams are of different snapshots (@{snapshot} and {name}): a recursive archive must be captured with zfs snapshot -r"
    )]
    MixedSnapshots {
        /// The first substream's snapshot.
        snapshot: String,
        /// The other substream.
        name: String,
    },
    /// A substream outside the top dataset.
    #[error("the substream {name} is not inside {top}, the stream's first (top) dataset")]
    Outside {
        /// The substream.
        name: String,
        /// The top dataset.
        top: String,
    },
}

/// Check the substreams of a compound (`zfs send -R`) archive for a deployment: each one a
/// full stream of a ZFS filesystem, all of the same snapshot, the first one the top
/// dataset and the others inside it.
pub fn check_recursive(substreams: &[Substream]) -> Result<(), RecursiveError> {
    let Some(top) = substreams.first() else {
        return Err(RecursiveError::Empty);
    };
    let top_ds = top.dataset();
    let snap = top.snapshot();
    for s in substreams {
        if s.fromguid != 0 {
            return Err(RecursiveError::Incremental {
                name: s.name.clone(),
                fromguid: s.fromguid,
            });
        }
        if s.objset_type != "zfs" {
            return Err(RecursiveError::NotFilesystem {
                name: s.name.clone(),
                objset_type: s.objset_type.clone(),
            });
        }
        if s.snapshot() != snap {
            return Err(RecursiveError::MixedSnapshots {
                snapshot: snap.to_string(),
                name: s.name.clone(),
            });
        }
        let below = s
            .dataset()
            .strip_prefix(top_ds)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
        if !below {
            return Err(RecursiveError::Outside {
                name: s.name.clone(),
                top: top_ds.to_string(),
            });
        }
    }
    Ok(())
}

/// Why an archive cannot be opened for a deployment.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The archive (or its sidecar manifest) is unreadable or inconsistent.
    #[error(transparent)]
    Archive(#[from] zflash_archive::ArchiveError),
    /// The extra manifest cannot be read.
    #[error("cannot read manifest {}: {source}", path.display())]
    ManifestUnreadable {
        /// The manifest.
        path: std::path::PathBuf,
        /// Cause.
        source: io::Error,
    },
    /// The extra manifest is not a zflash manifest.
    #[error("manifest {}: {message}", path.display())]
    ManifestInvalid {
        /// The manifest.
        path: std::path::PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The manifest named is the sidecar one, and there is none.
    #[error("manifest {} does not exist", .0.display())]
    ManifestMissing(std::path::PathBuf),
    /// The deploy config's `sha256` for the archive and its manifest disagree.
    #[error(
        "{archive}: the deploy config's sha256 is {config}, its manifest {manifest} says {manifest_sha256}: regenerate the deploy config or fix the manifest"
    )]
    DigestDisagrees {
        /// The archive.
        archive: String,
        /// The deploy config's digest.
        config: String,
        /// The manifest read.
        manifest: String,
        /// The manifest's digest.
        manifest_sha256: String,
    },
}

/// One verifying pass over the archive.
pub trait StreamReader: Read + Send {
    /// (stored bytes read, stream bytes produced) so far.
    fn position(&self) -> (u64, u64);
    /// After EOF: check digests; damage → `InvalidData`.
    fn finish(self: Box<Self>) -> io::Result<ReadSummary>;
}

/// An opened archive.
pub trait ArchiveInput {
    /// Known facts.
    fn info(&self) -> &ArchiveInfo;
    /// Start the single read pass.
    fn reader(&self) -> io::Result<Box<dyn StreamReader>>;
}

/// Open an archive (a bare stream or a zflash archive with its sidecar manifest) through
/// `zflash-archive`. `manifest`: an explicit manifest file (config `manifest:`), checked
/// in addition to the sidecar one. `expected_sha256`: the deploy config's digest of the
/// archive; without a manifest it is the archive's id and the digest checked while read;
/// a manifest that says otherwise is refused here, before any change.
pub fn open(
    path: &Path,
    manifest: Option<&Path>,
    expected_sha256: Option<&str>,
) -> Result<Box<dyn ArchiveInput>, InputError> {
    let archive = zflash_archive::Archive::open(path)?;
    let header = archive.header()?;
    // A truncated copy or another archive's sidecar manifest shows in the size and
    // the header's GUIDs: refused here, before any change, not halfway into a receive.
    archive.check_header_against_manifest(&header)?;
    let explicit = match manifest {
        Some(m) if m != zflash_archive::manifest_path(path) => {
            let text =
                std::fs::read_to_string(m).map_err(|source| InputError::ManifestUnreadable {
                    path: m.to_path_buf(),
                    source,
                })?;
            Some(
                zflash_archive::Manifest::from_json(&text).map_err(|message| {
                    InputError::ManifestInvalid {
                        path: m.to_path_buf(),
                        message,
                    }
                })?,
            )
        }
        Some(m) if archive.manifest().is_none() => {
            return Err(InputError::ManifestMissing(m.to_path_buf()));
        }
        _ => None,
    };
    let man = explicit.as_ref().or(archive.manifest());
    if let (Some(want), Some(m)) = (expected_sha256, man)
        && !want.eq_ignore_ascii_case(&m.sha256)
    {
        let manifest = match (&explicit, manifest) {
            (Some(_), Some(m)) => m.to_path_buf(),
            _ => zflash_archive::manifest_path(path),
        };
        return Err(InputError::DigestDisagrees {
            archive: path.display().to_string(),
            config: want.to_ascii_lowercase(),
            manifest: manifest.display().to_string(),
            manifest_sha256: m.sha256.to_ascii_lowercase(),
        });
    }
    // The digest the read is checked against, and who gives it, beside the sidecar
    // manifest `zflash-archive` checks itself.
    let check = match (explicit.as_ref(), expected_sha256) {
        (Some(m), _) => Some((m.sha256.clone(), "its manifest")),
        (None, Some(want)) => Some((want.to_ascii_lowercase(), "the deploy config")),
        (None, None) => None,
    };
    let known_sha256 = man
        .map(|m| m.sha256.to_ascii_lowercase())
        .or_else(|| expected_sha256.map(str::to_ascii_lowercase));
    let begin = header.data_begin();
    let h = StreamHeader {
        byte_order: match header.byte_order {
            zflash_archive::ByteOrder::Little => "little",
            _ => "big",
        },
        hdrtype: if header.compound { 2 } else { 1 },
        features: header.features(),
        flags: begin.flags,
        objset_type: match begin.objset_type.as_str() {
            "zfs" => 2,
            "zvol" => 3,
            _ => 0,
        },
        toguid: begin.toguid.0,
        fromguid: begin.fromguid.0,
        toname: begin.name.clone(),
    };
    let stored_size = archive.stored_size();
    let compressed = archive.compression() != zflash_archive::Compression::None;
    let info = ArchiveInfo {
        path: path.display().to_string(),
        format: match (man.is_some(), compressed) {
            (false, false) => "bare-stream".into(),
            _ => format!("zflash-archive ({})", archive.compression().name()),
        },
        header: h,
        stored_size,
        raw_size: man.and_then(|m| m.raw_bytes).unwrap_or(stored_size),
        // `unknown` is what `uname -p` prints where it cannot tell (Linux): no constraint,
        // as in the generated loadzfs, which only checks a Solaris processor type.
        architectures: man
            .map(|m| m.content.architecture.clone())
            .filter(|a| !a.is_empty() && a != "unknown")
            .into_iter()
            .collect(),
        id: match &known_sha256 {
            Some(d) => format!("sha256:{d}"),
            None => format!("guid:{:016x}", begin.toguid.0),
        },
        expected_sha256: known_sha256,
    };
    Ok(Box::new(ZflashArchive {
        archive,
        info,
        check,
    }))
}

/// Feature names of `features` that a pool of this version cannot receive.
pub fn unsupported_features(features: u64, pool_version: u64) -> Vec<String> {
    zflash_archive::features_unsupported_by_pool_version(features, pool_version)
}

struct ZflashArchive {
    archive: zflash_archive::Archive,
    info: ArchiveInfo,
    /// A digest to compare after the read, and who gives it.
    check: Option<(String, &'static str)>,
}

impl ArchiveInput for ZflashArchive {
    fn info(&self) -> &ArchiveInfo {
        &self.info
    }

    fn reader(&self) -> io::Result<Box<dyn StreamReader>> {
        // Hash whenever there is a digest to compare or an id to report.
        let inner = self.archive.reader_with(true).map_err(|e| e.into_io())?;
        Ok(Box::new(Verifying {
            inner,
            check: self.check.clone(),
        }))
    }
}

struct Verifying {
    inner: zflash_archive::VerifyingReader,
    check: Option<(String, &'static str)>,
}

impl Read for Verifying {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf)
    }
}

impl StreamReader for Verifying {
    fn position(&self) -> (u64, u64) {
        (self.inner.bytes_stored(), self.inner.bytes_raw())
    }

    fn finish(self: Box<Self>) -> io::Result<ReadSummary> {
        let v = self.inner.finish().map_err(|e| e.into_io())?;
        let sha256 = v.sha256.unwrap_or_default();
        if let Some((want, source)) = &self.check
            && !want.eq_ignore_ascii_case(&sha256)
        {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("does not match {source}: sha256 is {sha256}, {source} says {want}"),
            ));
        }
        let substreams = v
            .summary
            .substreams
            .iter()
            .map(|x| Substream {
                name: x.begin.name.clone(),
                fromguid: x.begin.fromguid.0,
                objset_type: x.begin.objset_type.clone(),
                features: x.begin.features,
            })
            .collect();
        Ok(ReadSummary {
            sha256,
            stored_bytes: v.stored_bytes,
            raw_bytes: v.raw_bytes,
            substreams,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(name: &str, fromguid: u64, objset_type: &str) -> Substream {
        Substream {
            name: name.into(),
            fromguid,
            objset_type: objset_type.into(),
            features: 0,
        }
    }

    #[test]
    fn a_full_tree_of_one_snapshot_is_deployable() {
        let tree = [
            sub("rpool/ROOT/gold@flar", 0, "zfs"),
            sub("rpool/ROOT/gold/var@flar", 0, "zfs"),
            sub("rpool/ROOT/gold/var/tmp@flar", 0, "zfs"),
        ];
        assert_eq!(check_recursive(&tree), Ok(()));
        assert_eq!(check_recursive(&tree[..1]), Ok(()));
    }

    #[test]
    fn increments_zvols_mixed_snapshots_and_outsiders_are_refused() {
        let refused = |subs: &[Substream], want: &str| {
            let e = check_recursive(subs).unwrap_err().to_string();
            assert!(e.contains(want), "{e}");
        };
        let top = sub("rpool/ROOT/gold@flar", 0, "zfs");
        refused(
            &[top.clone(), sub("rpool/ROOT/gold@p1", 0x1234, "zfs")],
            "incremental substream (rpool/ROOT/gold@p1, from guid 0000000000001234)",
        );
        refused(
            &[top.clone(), sub("rpool/ROOT/gold/swap@flar", 0, "zvol")],
            "not a ZFS filesystem (zvol)",
        );
        refused(
            &[top.clone(), sub("rpool/ROOT/gold/var@other", 0, "zfs")],
            "different snapshots",
        );
        refused(
            &[top.clone(), sub("rpool/ROOT/golden/var@flar", 0, "zfs")],
            "not inside rpool/ROOT/gold",
        );
        refused(&[], "without any substream");
    }
}
