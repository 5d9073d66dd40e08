//! The archive manifest: a versioned JSON sidecar `ARCHIVE.manifest.json`.
//!
//! Like the identification section of a Flash archive it says what the archive holds
//! and where it came from; unlike it, it also pins the stored bytes (SHA-256, size) so
//! that `zflash verify` can prove the archive is the one that was captured.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::Compression;
use crate::record::ByteOrder;
use crate::stream::{Guid, StreamSummary};

/// Value of [`Manifest::format`] written by this version.
pub const MANIFEST_FORMAT: &str = "zflash-archive/1";

/// Sidecar path of an archive: `<archive>.manifest.json`.
pub fn manifest_path(archive: &Path) -> PathBuf {
    let mut s = archive.as_os_str().to_owned();
    s.push(".manifest.json");
    PathBuf::from(s)
}

/// The manifest (see docs/archive.md for every field).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// `zflash-archive/1`. Readers accept any `zflash-archive/1.x`-compatible file
    /// whose major version they know; unknown fields are ignored.
    pub format: String,
    /// Archive name (the file name when it was written).
    pub name: String,
    /// Creation time of the archive, RFC 3339 UTC.
    pub created: String,
    /// Host that captured it (`uname -n`).
    pub host: String,
    pub source: Source,
    pub content: Content,
    /// What the stream holds. Absent in a manifest written by the Solaris 10 capture
    /// script (the shell cannot decode the stream); `zflash manifest` completes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream: Option<StreamInfo>,
    /// Length of the raw `zfs send` stream (absent like `stream`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_bytes: Option<u64>,
    /// Length of the archive file as stored (after compression).
    pub stored_bytes: u64,
    pub compression: Compression,
    /// SHA-256 of the stored bytes, lowercase hex.
    pub sha256: String,
    /// `zflash <version>` that wrote it.
    pub tool: String,
}

/// What was captured.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Source {
    pub dataset: String,
    pub snapshot: String,
    /// Snapshot an incremental archive starts from (`--from`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_snapshot: Option<String>,
    #[serde(default)]
    pub recursive: bool,
    pub pool: String,
    /// SPA version of the source pool (`zpool get version`); `None` when unknown or a
    /// feature-flags pool reporting `-`.
    #[serde(default)]
    pub pool_version: Option<u64>,
    /// ZPL version of the dataset (`zfs get version`).
    #[serde(default)]
    pub zpl_version: Option<u64>,
}

/// What the content runs on.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Content {
    /// `uname -p` (e.g. `sparc`, `i386`).
    pub architecture: String,
    /// `uname -m` (e.g. `sun4v`, `i86pc`).
    pub platform: String,
    /// First line of `/etc/release`, else `PRETTY_NAME` of `/etc/os-release`, else
    /// `uname -sr`.
    pub os_release: String,
}

/// Summary of the stream, enough to check increments against their base.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StreamInfo {
    pub byte_order: Option<ByteOrder>,
    pub compound: bool,
    /// `drr_toname` of the first BEGIN (`pool/fs@snap`).
    pub name: String,
    /// GUID of the newest snapshot of the top dataset.
    pub toguid: Option<Guid>,
    /// GUID of the snapshot an incremental starts from (the origin); absent for a full.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fromguid: Option<Guid>,
    pub creation_time: u64,
    /// Union of the feature flags of every BEGIN.
    pub features: u64,
    pub feature_names: Vec<String>,
    pub records: u64,
    pub substreams: Vec<SubstreamInfo>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SubstreamInfo {
    pub name: String,
    pub incremental: bool,
    pub toguid: Guid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fromguid: Option<Guid>,
    pub creation_time: u64,
    pub features: u64,
}

impl StreamInfo {
    pub fn from_summary(s: &StreamSummary) -> StreamInfo {
        let features = s.all_features();
        let first = s
            .compound
            .as_ref()
            .or(s.substreams.first().map(|x| &x.begin));
        StreamInfo {
            byte_order: Some(s.byte_order),
            compound: s.compound.is_some(),
            name: first.map(|b| b.name.clone()).unwrap_or_default(),
            toguid: s.top_guid(),
            fromguid: s.origin_guid(),
            creation_time: first.map(|b| b.creation_time).unwrap_or(0),
            features,
            feature_names: crate::record::flag_names(features, crate::record::FEATURES),
            records: s.records.total(),
            substreams: s
                .substreams
                .iter()
                .map(|x| SubstreamInfo {
                    name: x.begin.name.clone(),
                    incremental: x.begin.incremental,
                    toguid: x.begin.toguid,
                    fromguid: Some(x.begin.fromguid).filter(|g| g.0 != 0),
                    creation_time: x.begin.creation_time,
                    features: x.begin.features,
                })
                .collect(),
        }
    }
}

impl Manifest {
    /// Parse and check the format version.
    pub fn from_json(text: &str) -> Result<Manifest, String> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
        let format = value
            .get("format")
            .and_then(|f| f.as_str())
            .ok_or("no `format` field (expected \"zflash-archive/1\")")?;
        if !(format == MANIFEST_FORMAT || format.starts_with("zflash-archive/1.")) {
            return Err(format!(
                "unsupported manifest format `{format}` (this zflash reads {MANIFEST_FORMAT})"
            ));
        }
        serde_json::from_value(value).map_err(|e| format!("invalid manifest: {e}"))
    }

    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("manifest serializes");
        s.push('\n');
        s
    }
}

/// What `zflash manifest` is told about an archive made by hand: facts the stream does
/// not carry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GivenFacts {
    pub architecture: Option<String>,
    pub platform: Option<String>,
    pub os_release: Option<String>,
    /// The dataset the stream was sent from, when not the stream's own name.
    pub source_dataset: Option<String>,
    pub host: Option<String>,
}

/// A given fact that contradicts what a manifest already says.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the manifest's {field} is {written:?}, --{flag} says {given:?}: a field the manifest has is not changed"
)]
pub struct FactConflict {
    pub field: &'static str,
    pub flag: &'static str,
    pub written: String,
    pub given: String,
}

impl Manifest {
    /// The manifest of a verified archive that has none (a bare or compressed
    /// `zfs send` file): every stream field and the digest, plus the given facts. The
    /// source dataset and snapshot are the stream's name; a compound stream counts as
    /// recursive; the pool and ZPL versions are unknown.
    pub fn for_verified(
        name: &str,
        created: u64,
        compression: Compression,
        verified: &crate::Verified,
        sha256: String,
        given: &GivenFacts,
        tool: &str,
    ) -> Manifest {
        let stream = StreamInfo::from_summary(&verified.summary);
        let (sent_dataset, snapshot) = stream
            .name
            .split_once('@')
            .map(|(d, s)| (d.to_string(), s.to_string()))
            .unwrap_or_else(|| (stream.name.clone(), String::new()));
        let dataset = given.source_dataset.clone().unwrap_or(sent_dataset);
        Manifest {
            format: MANIFEST_FORMAT.to_string(),
            name: name.to_string(),
            created: rfc3339_utc(created),
            host: given.host.clone().unwrap_or_default(),
            source: Source {
                pool: dataset.split('/').next().unwrap_or_default().to_string(),
                dataset,
                snapshot,
                from_snapshot: None,
                recursive: stream.compound,
                pool_version: None,
                zpl_version: None,
            },
            content: Content {
                architecture: given.architecture.clone().unwrap_or_default(),
                platform: given.platform.clone().unwrap_or_default(),
                os_release: given.os_release.clone().unwrap_or_default(),
            },
            stream: Some(stream),
            raw_bytes: Some(verified.raw_bytes),
            stored_bytes: verified.stored_bytes,
            compression,
            sha256,
            tool: tool.to_string(),
        }
    }

    /// Complete a manifest that lacks stream fields (the capture script's) from the
    /// verified archive, and fill empty facts from `given`; fields it has are kept (a
    /// given fact that contradicts one is an error). Returns the names of the fields
    /// added (empty: nothing to do).
    pub fn complete(
        &mut self,
        verified: &crate::Verified,
        given: &GivenFacts,
    ) -> Result<Vec<&'static str>, FactConflict> {
        let mut added = Vec::new();
        let mut fill = |field: &'static str,
                        flag: &'static str,
                        slot: &mut String,
                        value: &Option<String>|
         -> Result<(), FactConflict> {
            match value {
                Some(v) if slot.is_empty() => {
                    *slot = v.clone();
                    added.push(field);
                }
                Some(v) if slot != v => {
                    return Err(FactConflict {
                        field,
                        flag,
                        written: slot.clone(),
                        given: v.clone(),
                    });
                }
                _ => {}
            }
            Ok(())
        };
        fill(
            "content.architecture",
            "arch",
            &mut self.content.architecture,
            &given.architecture,
        )?;
        fill(
            "content.platform",
            "platform",
            &mut self.content.platform,
            &given.platform,
        )?;
        fill(
            "content.os_release",
            "os-release",
            &mut self.content.os_release,
            &given.os_release,
        )?;
        fill(
            "source.dataset",
            "source-dataset",
            &mut self.source.dataset,
            &given.source_dataset,
        )?;
        fill("host", "host", &mut self.host, &given.host)?;
        if self.stream.is_none() {
            self.stream = Some(StreamInfo::from_summary(&verified.summary));
            added.push("stream");
        }
        if self.raw_bytes.is_none() {
            self.raw_bytes = Some(verified.raw_bytes);
            added.push("raw_bytes");
        }
        Ok(added)
    }
}

/// RFC 3339 UTC timestamp (`2026-11-25T20:01:44Z`) of seconds since the epoch.
pub fn rfc3339_utc(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(rfc3339_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_utc(1_798_228_904), "2026-12-25T20:01:44Z");
        assert_eq!(rfc3339_utc(951_782_400), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn manifest_path_appends_suffix() {
        assert_eq!(
            manifest_path(Path::new("/x/a.zfs.zst")),
            PathBuf::from("/x/a.zfs.zst.manifest.json")
        );
    }

    #[test]
    fn rejects_other_formats() {
        assert!(Manifest::from_json("{\"format\":\"zflash-archive/2\"}").is_err());
        assert!(Manifest::from_json("{}").is_err());
        assert!(Manifest::from_json("[").is_err());
    }
}
