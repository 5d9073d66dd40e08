//! `replicas:` of archives and increments: a copy of the file per server, read by the
//! clients that boot or install from that server. A copy holds the same bytes: a digest
//! (manifest or `sha256`) that differs from the archive's is a Y204 problem at the copy.

use std::collections::BTreeMap;

use super::Validator;
use super::tree::Seg::{self, I, K};
use super::tree::join;
use super::{parse_ipv4, suggestion};
use crate::model::{self, Location};
use crate::site::{self, SiteFile};

impl Validator<'_> {
    /// Validate every archive's and increment's replicas into `archives`.
    pub(super) fn replicas(
        &mut self,
        f: &SiteFile,
        archives: &mut BTreeMap<String, model::Archive>,
        servers: &[model::Server],
    ) {
        for (name, a) in &f.archives {
            let Some(archive) = archives.get_mut(name) else {
                continue;
            };
            let at = [K("archives"), K(name)];
            self.replicas_of(
                &a.replicas,
                archive,
                &at,
                &format!("archive {name:?}"),
                servers,
            );
            for (i, inc) in a.increments.iter().enumerate() {
                let Some(file) = archive.increments.get_mut(i) else {
                    continue;
                };
                self.replicas_of(
                    &inc.replicas,
                    file,
                    &join(&at, &[K("increments"), I(i)]),
                    &format!("increment {} of archive {name:?}", i + 1),
                    servers,
                );
            }
        }
    }

    fn replicas_of(
        &mut self,
        replicas: &BTreeMap<String, site::Replica>,
        file: &mut model::Archive,
        at: &[Seg],
        what: &str,
        servers: &[model::Server],
    ) {
        // The digest every copy must have: the archive's own, else the first copy's that
        // has one (in server-name order), and where it comes from.
        let mut digest: Option<(String, String)> =
            file.sha256.clone().map(|d| (d, format!("the {what}'s")));
        for (server, r) in replicas {
            let rat = join(at, &[K("replicas"), K(server)]);
            let the = format!("replica of {what} on {server:?}");
            match servers.iter().find(|s| &s.hostname == server) {
                None => self.flag_key(
                    "Y102",
                    &rat,
                    format!(
                        "{the}: unknown server {server:?} (servers: {}){}",
                        servers
                            .iter()
                            .map(|s| s.hostname.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                        suggestion(server, servers.iter().map(|s| s.hostname.as_str()))
                    ),
                ),
                Some(s) => {
                    if !(s.boot || s.install) {
                        self.flag_key(
                            "Y202",
                            &rat,
                            format!(
                                "{the}: {server:?} is neither a boot nor an install server, so no client reads from it"
                            ),
                        );
                    }
                    let copy = self.archive_file(
                        &file.name,
                        &the,
                        &site::Increment {
                            location: r.location.clone(),
                            manifest: r.manifest.clone(),
                            sha256: r.sha256.clone(),
                            compression: Some(file.compression),
                            replicas: BTreeMap::new(),
                        },
                        &rat,
                    );
                    // A copy on `server` is read from it, by its name or its address (or
                    // at a path in the miniroot, as an archive's own location may be).
                    if let Location::Nfs { server: host, .. } = &copy.location
                        && !(host == server || (host == &s.ip && parse_ipv4(host).is_some()))
                    {
                        self.at(
                            &join(&rat, &[K("location")]),
                            format!(
                                "{the}: location {} is not on {server:?}: expected {server}:/path (or {}:/path), the copy the clients of that server mount",
                                r.location, s.ip
                            ),
                        );
                    }
                    if let Some(d) = copy.sha256 {
                        match &digest {
                            Some((want, from)) if *want != d => {
                                let key = if r.sha256.is_some() {
                                    "sha256"
                                } else {
                                    "manifest"
                                };
                                self.flag(
                                    "Y204",
                                    &join(&rat, &[K(key)]),
                                    format!(
                                        "{the} has SHA-256 {d} ({}), {from} is {want}: a replica must be a copy of the same bytes (copy the archive again, or fix the digest)",
                                        if key == "sha256" { "its sha256" } else { "its manifest" }
                                    ),
                                );
                            }
                            Some(_) => {}
                            None => digest = Some((d, format!("the replica on {server:?}'s"))),
                        }
                    }
                    file.replicas.insert(server.clone(), copy.location);
                }
            }
        }
        // A digest known from a copy is the archive's too: every client checks it.
        if file.sha256.is_none() {
            file.sha256 = digest.map(|(d, _)| d);
        }
    }
}
