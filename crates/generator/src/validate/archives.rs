//! `archives:`: where each archive (and its increments) is read, its digest and
//! compression, from the site file or the archive's manifest.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use super::tree::Seg::{self, I, K};
use super::tree::join;
use super::{Validator, is_absolute_path, is_host_or_ip, parse_ipv4};
use crate::model::{self, Location, Release};
use crate::site::{self, Compression, SiteFile};

/// Largest manifest read (a real one is a few kB).
pub const MAX_MANIFEST_BYTES: u64 = 1 << 20;

impl Validator<'_> {
    pub(super) fn archives(&mut self, f: &SiteFile) -> BTreeMap<String, model::Archive> {
        f.archives
            .iter()
            .map(|(name, a)| (name.clone(), self.archive(name, a)))
            .collect()
    }

    fn archive(&mut self, name: &str, a: &site::Archive) -> model::Archive {
        let base = site::Increment {
            location: a.location.clone(),
            manifest: a.manifest.clone(),
            sha256: a.sha256.clone(),
            compression: a.compression,
            replicas: a.replicas.clone(),
        };
        let base_path = [K("archives"), K(name)];
        if !super::classes::is_file_name(name) {
            self.at_key(
                &base_path,
                format!("invalid archive name {name:?}: expected letters, digits and `_ - . + ,`, at most 200"),
            );
        }
        let mut archive = self.archive_file(name, &format!("archive {name:?}"), &base, &base_path);
        for (i, inc) in a.increments.iter().enumerate() {
            let what = format!("increment {} of archive {name:?}", i + 1);
            let path = [K("archives"), K(name), K("increments"), I(i)];
            let increment = self.archive_file(&format!("{name}+{}", i + 1), &what, inc, &path);
            // The runtime refuses a chain that lists an archive twice; say it here, with
            // the line, instead of in the miniroot.
            if increment.location == archive.location
                || archive
                    .increments
                    .iter()
                    .any(|p| p.location == increment.location)
            {
                self.flag(
                    "Y107",
                    &[K("archives"), K(name), K("increments"), I(i), K("location")],
                    format!(
                        "{what}: {} is already in the chain (each archive is applied once)",
                        inc.location
                    ),
                );
            }
            archive.increments.push(increment);
        }
        archive
    }

    /// One archive file (a base or an increment) at `at`; `what` names it in problems.
    pub(super) fn archive_file(
        &mut self,
        name: &str,
        what: &str,
        a: &site::Increment,
        at: &[Seg],
    ) -> model::Archive {
        let field = |key| join(at, &[K(key)]);
        const EXPECTED: &str =
            "an absolute path or server:/absolute/path, without `..` or shell metacharacters";
        let location = match parse_location(&a.location) {
            Ok(location) => location,
            Err(location) => {
                self.bad_value(
                    &field("location"),
                    &a.location,
                    &format!("location of {what}"),
                    EXPECTED,
                );
                location
            }
        };
        let mut sha256 = a.sha256.clone();
        let mut compression = a.compression;
        let mut arch = None;
        if let Some(manifest) = &a.manifest {
            match read_manifest(&self.dir.join(manifest)) {
                Ok(m) => {
                    arch = Some(m.content.architecture.clone())
                        .filter(|a| a == "sparc" || a == "i386");
                    self.receivable(&field("manifest"), what, &m);
                    if sha256.is_none() {
                        sha256 = Some(m.sha256.clone());
                    }
                    if compression.is_none() {
                        compression = Some(match m.compression {
                            zflash_archive::Compression::None => Compression::None,
                            zflash_archive::Compression::Gzip => Compression::Gzip,
                            zflash_archive::Compression::Zstd => Compression::Zstd,
                        });
                    }
                }
                Err(e) => self.at(&field("manifest"), format!("{what}: {e}")),
            }
        }
        if let Some(d) = &sha256
            && (d.len() != 64 || !d.bytes().all(|b| b.is_ascii_hexdigit()))
        {
            let key = if a.sha256.is_some() {
                "sha256"
            } else {
                "manifest"
            };
            self.bad_value(
                &field(key),
                d,
                &format!("sha256 of {what}"),
                "64 hexadecimal digits",
            );
        }
        let compression = compression.unwrap_or_else(|| {
            if a.location.ends_with(".zst") {
                Compression::Zstd
            } else if a.location.ends_with(".gz") {
                Compression::Gzip
            } else {
                Compression::None
            }
        });
        model::Archive {
            name: name.to_string(),
            location,
            sha256: sha256.map(|d| d.to_ascii_lowercase()),
            compression,
            arch,
            increments: Vec::new(),
            replicas: BTreeMap::new(),
        }
    }
}

impl Validator<'_> {
    /// The root pool the install image's release creates can receive the archive of
    /// manifest `m`: a file system of a newer ZPL version than the release's cannot be
    /// received (the finish step of every client would fail), so it is a Y111 problem at
    /// the manifest, naming the release the archive was captured on and the clients'.
    fn receivable(&mut self, at: &[Seg], what: &str, m: &zflash_archive::Manifest) {
        let release = self.release;
        let info = release.info();
        if m.source.recursive && !info.zfs_receive_u {
            // loadzfs receives a recursive (zfs send -R) archive with `zfs receive -u`, so
            // that the BE's child datasets are not mounted over the miniroot.
            let since = Release::all()
                .find(|r| r.info().zfs_receive_u)
                .expect("a release has receive -u");
            self.flag(
                "Y111",
                at,
                format!(
                    "{what} is recursive (zfs send -R, its manifest): its receive needs `zfs receive -u` (unmounted), which Solaris 10 {release} (`server.release`) lacks (from {since} on); capture the BE alone (without -r), or install the clients from a {since} or later image"
                ),
            );
        }
        let Some(zpl) = m.source.zpl_version else {
            return;
        };
        if zpl <= info.zpl_version {
            return;
        }
        // `Solaris 10 10/09`, or /etc/release's `Oracle Solaris 10 1/13 s10s_u11wos_24a SPARC`.
        let captured = (m.content.os_release.contains("Solaris 10"))
            .then(|| {
                m.content
                    .os_release
                    .split_whitespace()
                    .filter(|w| w.contains('/'))
                    .find_map(Release::parse)
            })
            .flatten()
            .map(|r| format!("Solaris 10 {r}"))
            .unwrap_or_else(|| format!("{:?}", m.content.os_release));
        let pool = m
            .source
            .pool_version
            .map(|v| format!("pool version {v}, "))
            .unwrap_or_default();
        let oldest = match Release::oldest_receiving(0, zpl) {
            Some(r) => format!("install the clients from a {r} or later image"),
            None => "no Solaris 10 release can receive it".to_string(),
        };
        self.flag(
            "Y111",
            at,
            format!(
                "{what} was captured on {captured} ({pool}ZPL version {zpl}, its manifest): the clients' install image is Solaris 10 {release} (`server.release`), whose root pool (version {}, ZPL {}) cannot receive a ZPL {zpl} file system; {oldest}",
                info.pool_version, info.zpl_version
            ),
        );
    }
}

/// Read a `zflash capture` manifest with the archive crate's reader: a regular file of at
/// most [`MAX_MANIFEST_BYTES`] (not a FIFO or a device that never ends).
fn read_manifest(path: &Path) -> Result<zflash_archive::Manifest, String> {
    let text = read_regular_file(path, MAX_MANIFEST_BYTES)
        .map_err(|e| format!("cannot read manifest {}: {e}", path.display()))?;
    zflash_archive::Manifest::from_json(&text)
        .map_err(|e| format!("manifest {}: {e}", path.display()))
}

/// The text of `path` if it is a regular file of at most `limit` bytes. Opened without
/// blocking so that a FIFO does not hang before it is refused.
pub fn read_regular_file(path: &Path, limit: u64) -> Result<String, String> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| e.to_string())?;
    let meta = file.metadata().map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a regular file".into());
    }
    if meta.len() > limit {
        return Err(format!(
            "{} bytes, more than the {limit} allowed",
            meta.len()
        ));
    }
    let mut text = String::new();
    file.take(limit + 1)
        .read_to_string(&mut text)
        .map_err(|e| e.to_string())?;
    if text.len() as u64 > limit {
        return Err(format!("more than the {limit} bytes allowed"));
    }
    Ok(text)
}

/// A location as a site file writes it: `server:/absolute/path` (NFS) or an absolute path
/// in the miniroot. `Err` holds what it would be read as when it is neither (a bad server
/// name or a path with `..` or shell metacharacters), so that checking can go on.
pub(super) fn parse_location(text: &str) -> Result<Location, Location> {
    match text.split_once(':') {
        Some((server, path)) if !text.starts_with('/') => {
            let ok = (is_host_or_ip(server) && !server.contains('.')
                || parse_ipv4(server).is_some())
                && is_absolute_path(path);
            let location = Location::Nfs {
                server: server.to_string(),
                path: path.to_string(),
            };
            if ok { Ok(location) } else { Err(location) }
        }
        _ => {
            let location = Location::Path {
                path: text.to_string(),
            };
            if is_absolute_path(text) {
                Ok(location)
            } else {
                Err(location)
            }
        }
    }
}
