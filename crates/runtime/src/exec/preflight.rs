//! The preflight checks: nothing changes before they all pass.

use std::fs;
use std::io;
use std::path::Path;
use std::time::Instant;

use serde_json::json;

use super::{Found, RunError, Runner};
use crate::input;
use crate::plan::{self, ARCHIVE_PROPERTY, Check};

impl Runner<'_> {
    pub(super) fn check(&mut self, c: &Check) -> Result<(), RunError> {
        let p = self.platform;
        let fail = |m: String| Err(RunError::Preflight(m));
        match c {
            Check::PoolImported { pool, altroot } => {
                if p.zpool(&["list", "-H", "-o", "name", pool]).is_err() {
                    return fail(format!("pool {pool} is not imported"));
                }
                let actual = p
                    .zpool_get("altroot", pool)
                    .map_err(RunError::PreflightCommand)?;
                if !same_path(&actual, altroot) {
                    return fail(format!(
                        "pool {pool} is imported with altroot {actual}, not {altroot} (use --altroot)"
                    ));
                }
                Ok(())
            }
            Check::BootfsSet { pool } => match self.bootfs() {
                Some(b) if p.exists(&b) => Ok(()),
                Some(b) => fail(format!("pool {pool}: bootfs {b} does not exist")),
                None => fail(format!(
                    "pool {pool} has no bootfs: this does not look like a JumpStart-installed root pool"
                )),
            },
            Check::DatasetFree { dataset } => {
                if !p.exists(dataset) {
                    return Ok(());
                }
                let force = self.opts.force || self.cfg.options.force;
                if !force {
                    let from = p.zfs_get(ARCHIVE_PROPERTY, dataset).unwrap_or_default();
                    let origin = if from == "-" || from.is_empty() {
                        "not deployed by zflash".to_string()
                    } else {
                        format!("deployed from {from}")
                    };
                    return fail(format!(
                        "boot environment {dataset} already exists ({origin}); use --force to replace it"
                    ));
                }
                if self.bootfs().as_deref() == Some(dataset.as_str()) {
                    return fail(format!(
                        "boot environment {dataset} is the pool's bootfs (the installed BE): refusing to replace it even with --force; choose another be_name"
                    ));
                }
                Ok(())
            }
            // A directory opens fine but cannot be copied: refuse it here, before the
            // receive, not after (JumpStart's sysidcfg locations are directories).
            Check::FileReadable { path } => match fs::metadata(path) {
                Ok(m) if m.is_dir() => {
                    // zflash generate's layout: sysidcfg/<host>/sysidcfg.
                    let dir = path.trim_end_matches('/');
                    let host = &self.opts.si_hostname;
                    let per_host = format!("{dir}/{host}/sysidcfg");
                    let example = if !host.is_empty() && Path::new(&per_host).is_file() {
                        per_host
                    } else {
                        format!("{dir}/sysidcfg")
                    };
                    fail(format!(
                        "{path} is a directory, not a file: name the file itself (e.g. {example})"
                    ))
                }
                _ => fs::File::open(path)
                    .map(|_| ())
                    .map_err(|e| RunError::Preflight(format!("cannot read {path}: {e}"))),
            },
            // Opened (manifest, first BEGIN record) before the plan was built.
            Check::ArchiveReadable {
                archive, digest, ..
            } => {
                if *digest == plan::DigestCheck::Before {
                    self.verify_fully(archive)
                } else {
                    Ok(())
                }
            }
            Check::ArchiveFits {
                archive,
                pool,
                arch,
            } => self.check_fits(archive, pool, arch),
        }
    }

    /// Index of an opened archive in receive order.
    pub(super) fn archive_index(&self, path: &str) -> Result<usize, RunError> {
        self.archives
            .iter()
            .position(|a| a.info().path == path)
            .ok_or_else(|| RunError::NotOpened(path.to_string()))
    }

    /// `verify_first`: read the whole archive once (records, fletcher-4, digest against
    /// the manifest) before anything changes.
    pub(super) fn verify_fully(&mut self, path: &str) -> Result<(), RunError> {
        let index = self.archive_index(path)?;
        self.note(&format!("  verifying {path} (verify_first)"));
        let t0 = Instant::now();
        let mut reader = self.archives[index]
            .reader()
            .map_err(|e| RunError::Preflight(format!("cannot read archive {path}: {e}")))?;
        let result = io::copy(&mut reader, &mut io::sink()).and_then(|_| reader.finish());
        match result {
            Ok(summary) => {
                self.walked.insert(index, summary.substreams.clone());
                self.events.emit(
                    "verified",
                    json!({ "archive": path, "summary": &summary,
                            "seconds": t0.elapsed().as_secs_f64() }),
                );
                Ok(())
            }
            Err(source) => Err(RunError::Damaged {
                path: path.to_string(),
                source,
                found: Found::ByVerifyFirst,
            }),
        }
    }

    pub(super) fn check_fits(
        &mut self,
        path: &str,
        pool: &str,
        arch: &str,
    ) -> Result<(), RunError> {
        let p = self.platform;
        let index = self.archive_index(path)?;
        let info = self.archives[index].info().clone();
        let h = &info.header;
        let fail = |m: String| Err(RunError::Preflight(format!("{}: {m}", info.path)));
        let compound = h.hdrtype != 1;
        if compound && (index > 0 || self.archives.len() > 1) {
            return fail(format!(
                "a compound stream (zfs send -R/-I/-p) of {} in a chain of archives; increments are deployed only on top of a plain full stream, and as plain incremental streams (a recursive archive is deployed on its own)",
                h.toname
            ));
        }
        if compound && let Some(why) = self.release.recursive_refusal() {
            return fail(why);
        }
        // Every substream of a compound (`zfs send -R`) archive: read through once
        // (unless verify_first already did), before any change.
        let mut features = h.features;
        if compound {
            if !self.walked.contains_key(&index) {
                self.note(&format!(
                    "  reading the recursive archive {path} through to check every substream"
                ));
                let result = self.archives[index]
                    .reader()
                    .and_then(|mut r| io::copy(&mut r, &mut io::sink()).and_then(|_| r.finish()));
                match result {
                    Ok(summary) => {
                        self.walked.insert(index, summary.substreams);
                    }
                    Err(source) => {
                        return Err(RunError::Damaged {
                            path: path.to_string(),
                            source,
                            found: Found::CheckingSubstreams,
                        });
                    }
                }
            }
            let subs = &self.walked[&index];
            if let Err(problem) = input::check_recursive(subs) {
                return Err(RunError::Recursive {
                    path: info.path.clone(),
                    problem,
                });
            }
            features = subs.iter().fold(features, |a, s| a | s.features);
            self.note(&format!(
                "  recursive archive: {} filesystem(s): {}",
                subs.len(),
                subs.iter()
                    .map(|s| s.dataset())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if index == 0 && h.fromguid != 0 {
            return fail(format!(
                "an incremental stream of {} (from guid {:016x}); a boot environment needs a full stream (list increments under `increments`, after their base archive)",
                h.toname, h.fromguid
            ));
        }
        if index > 0 {
            let prev = self.archives[index - 1].info();
            if h.fromguid == 0 {
                return fail(format!(
                    "listed as an increment but it is a full stream of {}; an increment is made with `zflash capture --from` or `zfs send -i`",
                    h.toname
                ));
            }
            let link = |i: &input::ArchiveInfo| zflash_archive::ChainLink {
                path: i.path.clone().into(),
                origin: Some(zflash_archive::Guid(i.header.fromguid)).filter(|g| g.0 != 0),
                top: Some(zflash_archive::Guid(i.header.toguid)),
            };
            if let Some((_, problem)) = zflash_archive::check_chain(&[link(prev), link(&info)])
                .into_iter()
                .next()
            {
                return Err(RunError::Preflight(format!(
                    "broken chain of archives: {problem} (increments must be listed in the order they were captured)"
                )));
            }
        }
        if h.objset_type != 2 {
            return fail(format!(
                "the stream of {} is not a ZFS filesystem (objset type {})",
                h.toname, h.objset_type
            ));
        }
        let version_text = p
            .zpool_get("version", pool)
            .map_err(RunError::PreflightCommand)?;
        // Feature-flag pools show `-` (or 5000).
        let version: u64 = version_text.parse().unwrap_or(5000);
        let refused = input::unsupported_features(features, version);
        if !refused.is_empty() {
            return fail(format!(
                "the stream uses feature(s) {} that pool {pool} (version {version_text}) cannot receive; capture the golden image with a sender matching the target pool version",
                refused.join(", ")
            ));
        }
        if !info.architectures.is_empty() {
            let client_arch = if arch.is_empty() {
                p.processor()
            } else {
                arch.to_string()
            };
            let karch = &self.opts.si_karch;
            let ok = info
                .architectures
                .iter()
                .any(|a| a == &client_arch || (!karch.is_empty() && a == karch));
            if !ok {
                return fail(format!(
                    "the archive is for {} but this client is {client_arch}{}",
                    info.architectures.join(", "),
                    if karch.is_empty() {
                        String::new()
                    } else {
                        format!("/{karch}")
                    }
                ));
            }
        }
        if !self.opts.skip_space_check {
            let root = format!("{pool}/ROOT");
            let avail: u64 = p
                .zfs_get("available", &root)
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| {
                    RunError::Preflight(format!("cannot read the free space of {root}"))
                })?;
            // The chain up to this archive is received into one dataset.
            let raw_size: u64 = self.archives[..=index]
                .iter()
                .map(|a| a.info().raw_size)
                .sum();
            if raw_size > avail {
                return fail(format!(
                    "not enough space: the stream{} {raw_size} bytes, {root} has {avail} bytes available",
                    if index > 0 {
                        "s up to this increment are"
                    } else {
                        " is"
                    }
                ));
            }
        }
        Ok(())
    }
}

fn same_path(a: &str, b: &str) -> bool {
    let canon = |s: &str| {
        fs::canonicalize(s)
            .map(|p| p.display().to_string())
            .unwrap_or_else(|_| s.trim_end_matches('/').to_string())
    };
    canon(a) == canon(b)
}
