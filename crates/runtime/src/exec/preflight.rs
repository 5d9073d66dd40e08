//! The preflight checks: nothing changes before they all pass.

use std::fs;
use std::io;
use std::path::Path;
use std::time::Instant;

use serde_json::json;

use super::refusal::{ArchiveRefusal, Refusal};
use super::{Found, RunError, Runner};
use crate::input;
use crate::plan::{self, ARCHIVE_PROPERTY, Check};

impl Runner<'_> {
    pub(super) fn check(&mut self, c: &Check) -> Result<(), RunError> {
        let p = self.platform;
        let fail = |refusal: Refusal| Err(RunError::Preflight(refusal));
        match c {
            Check::PoolImported { pool, altroot } => {
                if p.zpool(&["list", "-H", "-o", "name", pool]).is_err() {
                    return fail(Refusal::PoolNotImported { pool: pool.clone() });
                }
                let actual = p
                    .zpool_get("altroot", pool)
                    .map_err(RunError::PreflightCommand)?;
                if !same_path(&actual, altroot) {
                    return fail(Refusal::WrongAltroot {
                        pool: pool.clone(),
                        actual,
                        expected: altroot.clone(),
                    });
                }
                Ok(())
            }
            Check::BootfsSet { pool } => match self.bootfs() {
                Some(b) if p.exists(&b) => Ok(()),
                Some(bootfs) => fail(Refusal::BootfsMissing {
                    pool: pool.clone(),
                    bootfs,
                }),
                None => fail(Refusal::NoBootfs { pool: pool.clone() }),
            },
            Check::DatasetFree { dataset } => {
                if !p.exists(dataset) {
                    return Ok(());
                }
                let force = self.opts.force || self.cfg.options.force;
                if !force {
                    let from = p.zfs_get(ARCHIVE_PROPERTY, dataset).unwrap_or_default();
                    return fail(Refusal::BeExists {
                        dataset: dataset.clone(),
                        deployed_from: (from != "-" && !from.is_empty()).then_some(from),
                    });
                }
                if self.bootfs().as_deref() == Some(dataset.as_str()) {
                    return fail(Refusal::BeIsBootfs(dataset.clone()));
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
                    fail(Refusal::IsDirectory {
                        path: path.clone(),
                        example,
                    })
                }
                _ => fs::File::open(path).map(|_| ()).map_err(|source| {
                    Refusal::FileUnreadable {
                        path: path.clone(),
                        source,
                    }
                    .into()
                }),
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
        let mut reader =
            self.archives[index]
                .reader()
                .map_err(|source| Refusal::ArchiveUnreadable {
                    path: path.to_string(),
                    source,
                })?;
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
        let fail = |problem: ArchiveRefusal| {
            Err(RunError::Preflight(Refusal::Archive {
                path: info.path.clone(),
                problem,
            }))
        };
        let compound = h.hdrtype != 1;
        if compound && (index > 0 || self.archives.len() > 1) {
            return fail(ArchiveRefusal::CompoundInChain {
                toname: h.toname.clone(),
            });
        }
        if compound && let Some(why) = self.release.recursive_refusal() {
            return fail(ArchiveRefusal::Release(why));
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
            return fail(ArchiveRefusal::IncrementalBase {
                toname: h.toname.clone(),
                fromguid: h.fromguid,
            });
        }
        if index > 0 {
            let prev = self.archives[index - 1].info();
            if h.fromguid == 0 {
                return fail(ArchiveRefusal::FullAsIncrement {
                    toname: h.toname.clone(),
                });
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
                return Err(Refusal::BrokenChain(problem).into());
            }
        }
        if h.objset_type != 2 {
            return fail(ArchiveRefusal::NotFilesystem {
                toname: h.toname.clone(),
                objset_type: h.objset_type,
            });
        }
        let version_text = p
            .zpool_get("version", pool)
            .map_err(RunError::PreflightCommand)?;
        // Feature-flag pools show `-` (or 5000).
        let version: u64 = version_text.parse().unwrap_or(5000);
        let refused = input::unsupported_features(features, version);
        if !refused.is_empty() {
            return fail(ArchiveRefusal::Features {
                features: refused,
                pool: pool.to_string(),
                version: version_text,
            });
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
                return fail(ArchiveRefusal::Architecture {
                    archive: info.architectures.clone(),
                    client: client_arch,
                    karch: karch.clone(),
                });
            }
        }
        if !self.opts.skip_space_check {
            let root = format!("{pool}/ROOT");
            let avail: u64 = p
                .zfs_get("available", &root)
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| Refusal::FreeSpaceUnknown(root.clone()))?;
            // The chain up to this archive is received into one dataset.
            let raw_size: u64 = self.archives[..=index]
                .iter()
                .map(|a| a.info().raw_size)
                .sum();
            if raw_size > avail {
                return fail(ArchiveRefusal::NoSpace {
                    size: raw_size,
                    root,
                    available: avail,
                    with_increments: index > 0,
                });
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
