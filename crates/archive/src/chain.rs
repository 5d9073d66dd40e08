//! Chains of archives, a base and its increments: [`check_chain`], and the (origin, top)
//! GUIDs a stream's header tells ([`StreamHeader::chain_guids`]).

use std::path::PathBuf;

use crate::{Guid, StreamHeader, nvlist};

/// One archive of a base + increments sequence, for [`check_chain`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainLink {
    pub path: PathBuf,
    /// GUID the archive is incremental from (`None` for a full archive).
    pub origin: Option<Guid>,
    /// GUID of the newest snapshot of the top dataset (`None` when unknown).
    pub top: Option<Guid>,
}

/// Check that each incremental archive starts from the previous archive's snapshot.
/// Returns one message per broken link, keyed by the index of the later archive. A full
/// archive starts a new chain; a link whose previous snapshot GUID is unknown is skipped.
pub fn check_chain(links: &[ChainLink]) -> Vec<(usize, String)> {
    let mut problems = Vec::new();
    for i in 1..links.len() {
        let (prev, this) = (&links[i - 1], &links[i]);
        let Some(origin) = this.origin else { continue };
        match prev.top {
            Some(top) if top == origin => {}
            Some(top) => problems.push((
                i,
                format!(
                    "{}: increment from snapshot GUID {origin}, but the previous archive {} ends at GUID {top}",
                    this.path.display(),
                    prev.path.display()
                ),
            )),
            // Unknown without reading the whole stream (`info` of a compound stream
            // without nvlist): nothing to compare; `verify` always knows it.
            None => {}
        }
    }
    problems
}

impl StreamHeader {
    /// (origin, top) GUIDs as far as the first BEGIN records and the compound nvlist
    /// tell: exact for single streams; for compound streams taken from the package
    /// nvlist (`fss` entry of the top dataset), when it has one.
    pub fn chain_guids(&self) -> (Option<Guid>, Option<Guid>) {
        let nz = |g: Guid| Some(g).filter(|g| g.0 != 0);
        if !self.compound {
            return (nz(self.begin.fromguid), nz(self.begin.toguid));
        }
        let origin = self.first_substream.as_ref().and_then(|b| nz(b.fromguid));
        let top = (|| {
            let nv = self.begin.nvlist.as_ref()?;
            let tosnap = nv.get_str("tosnap")?;
            let dataset = self.begin.dataset();
            let fss = nv.get_list("fss")?;
            fss.0.iter().find_map(|(_, v)| match v {
                nvlist::NvValue::List(fs) if fs.get_str("name") == Some(dataset) => {
                    match fs.get_list("snaps")?.get(tosnap)? {
                        nvlist::NvValue::Uint(g) => Some(Guid(*g)),
                        _ => None,
                    }
                }
                _ => None,
            })
        })();
        (origin, top)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(name: &str, origin: Option<u64>, top: Option<u64>) -> ChainLink {
        ChainLink {
            path: PathBuf::from(name),
            origin: origin.map(Guid),
            top: top.map(Guid),
        }
    }

    #[test]
    fn chain_rules() {
        // base → increment → increment: fine.
        let ok = [
            link("a", None, Some(1)),
            link("b", Some(1), Some(2)),
            link("c", Some(2), Some(3)),
        ];
        assert!(check_chain(&ok).is_empty());
        // An increment from the wrong snapshot is reported at its index.
        let bad = [link("a", None, Some(1)), link("b", Some(7), Some(8))];
        let p = check_chain(&bad);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].0, 1);
        assert!(p[0].1.contains("0000000000000007"), "{}", p[0].1);
        // A full archive starts a new chain; an unknown previous GUID is skipped.
        let reset = [link("a", None, Some(1)), link("b", None, Some(5))];
        assert!(check_chain(&reset).is_empty());
        let unknown = [link("a", None, None), link("b", Some(1), Some(2))];
        assert!(check_chain(&unknown).is_empty());
    }
}
