//! Solaris 10 releases (updates) and what changed between them that a JumpStart directory
//! depends on: the one table that `zflash generate` (what to write for an install image)
//! and `zflash check --release` (what a hand-written file may contain) read. The sources of
//! every value, and where they disagree, are in `docs/releases.md`.

use std::fmt;

use crate::sysidcfg::Keyword;

/// A Solaris 10 release, oldest first (so `<` means "older than").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Release {
    /// 3/05, the first release.
    R3_05,
    /// 1/06, update 1.
    R1_06,
    /// 6/06, update 2 (first with ZFS).
    R6_06,
    /// 11/06, update 3.
    R11_06,
    /// 8/07, update 4.
    R8_07,
    /// 5/08, update 5.
    R5_08,
    /// 10/08, update 6 (first with a ZFS root).
    R10_08,
    /// 5/09, update 7.
    R5_09,
    /// 10/09, update 8.
    R10_09,
    /// 9/10, update 9.
    R9_10,
    /// 8/11, update 10.
    R8_11,
    /// 1/13, update 11, the last.
    R1_13,
}

/// What one release is and has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReleaseInfo {
    pub release: Release,
    /// `10/08`: the name Oracle's documents use (`Solaris 10 10/08`).
    pub name: &'static str,
    /// Update number (`s10u6`); 0 for 3/05.
    pub update: u8,
    /// Pool version the installer creates a root pool at (and the highest it reads); 0
    /// before ZFS.
    pub pool_version: u64,
    /// ZFS POSIX layer (file-system) version it creates; 0 before ZFS.
    pub zpl_version: u64,
    /// The installer can lay down a ZFS root (profile keywords `pool`, `bootenv`).
    pub zfs_root: bool,
    /// `zfs receive -u` (receive without mounting).
    pub zfs_receive_u: bool,
    /// The `guid` dataset property (`zfs get guid`).
    pub zfs_guid_property: bool,
}

macro_rules! row {
    ($r:ident, $name:literal, $u:literal, $pool:literal, $zpl:literal, $root:literal, $recv_u:literal, $guid:literal) => {
        ReleaseInfo {
            release: Release::$r,
            name: $name,
            update: $u,
            pool_version: $pool,
            zpl_version: $zpl,
            zfs_root: $root,
            zfs_receive_u: $recv_u,
            zfs_guid_property: $guid,
        }
    };
}

/// Every release, oldest first (sources: `docs/releases.md`).
pub static RELEASES: &[ReleaseInfo] = &[
    row!(R3_05, "3/05", 0, 0, 0, false, false, false),
    row!(R1_06, "1/06", 1, 0, 0, false, false, false),
    row!(R6_06, "6/06", 2, 1, 1, false, false, false),
    row!(R11_06, "11/06", 3, 3, 1, false, false, false),
    row!(R8_07, "8/07", 4, 4, 1, false, false, false),
    row!(R5_08, "5/08", 5, 4, 1, false, false, false),
    row!(R10_08, "10/08", 6, 9, 3, true, false, false),
    row!(R5_09, "5/09", 7, 10, 3, true, false, false),
    row!(R10_09, "10/09", 8, 15, 4, true, true, false),
    row!(R9_10, "9/10", 9, 22, 4, true, true, true),
    row!(R8_11, "8/11", 10, 29, 5, true, true, true),
    row!(R1_13, "1/13", 11, 32, 5, true, true, true),
];

/// The first release that reads each sysidcfg keyword; a keyword not listed is read by
/// every release. A release that meets a keyword it does not know ignores the whole file.
pub const SYSIDCFG_SINCE: &[(Keyword, Release)] = &[
    (Keyword::ServiceProfile, Release::R11_06),
    (Keyword::Keyboard, Release::R8_07),
    (Keyword::AutoReg, Release::R9_10),
];

/// Keywords a release asks for at the console when they are absent, beyond the set every
/// release asks for ([`crate::sysidcfg::hands_off::KEYWORDS`]): `auto_reg` from 9/10.
pub const HANDS_OFF_SINCE: &[(Keyword, Release)] = &[(Keyword::AutoReg, Release::R9_10)];

/// Profile keywords of a ZFS-root install, which need [`ReleaseInfo::zfs_root`].
pub const ZFS_ROOT_PROFILE_KEYWORDS: &[&str] = &["pool", "bootenv"];

impl Release {
    /// Every release, oldest first.
    pub fn all() -> impl Iterator<Item = Release> {
        RELEASES.iter().map(|r| r.release)
    }

    /// The table row of this release.
    pub fn info(self) -> &'static ReleaseInfo {
        RELEASES
            .iter()
            .find(|r| r.release == self)
            .expect("every release has a row")
    }

    /// `10/08`.
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// Read a release as written in a site file or on the command line: `10/08`, `s10u6`
    /// (`s10u0` or `s10` for 3/05), case-insensitive, an optional leading `10 ` or
    /// `Solaris 10 ` before the month/year form.
    pub fn parse(text: &str) -> Option<Release> {
        let t = text.trim().to_ascii_lowercase();
        let t = t
            .strip_prefix("solaris ")
            .unwrap_or(&t)
            .trim_start()
            .to_string();
        if let Some(n) = t.strip_prefix("s10u") {
            let n: u8 = n.parse().ok().filter(|_| !n.starts_with('+'))?;
            return RELEASES.iter().find(|r| r.update == n).map(|r| r.release);
        }
        if t == "s10" {
            return Some(Release::R3_05);
        }
        let t = t.strip_prefix("10 ").unwrap_or(&t).trim();
        RELEASES.iter().find(|r| r.name == t).map(|r| r.release)
    }

    /// `3/05, 1/06, …, 1/13` for messages.
    pub fn known_list() -> String {
        RELEASES
            .iter()
            .map(|r| r.name)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The release `keyword` first appears in, when it has a boundary.
    pub fn sysidcfg_since(keyword: Keyword) -> Option<Release> {
        SYSIDCFG_SINCE
            .iter()
            .find(|(k, _)| *k == keyword)
            .map(|(_, r)| *r)
    }

    /// This release reads `keyword` in a sysidcfg.
    pub fn knows_sysidcfg(self, keyword: Keyword) -> bool {
        Release::sysidcfg_since(keyword).is_none_or(|since| self >= since)
    }

    /// The keywords this release needs for a hands-off install beyond the common set.
    pub fn hands_off_extra(self) -> impl Iterator<Item = Keyword> {
        HANDS_OFF_SINCE
            .iter()
            .filter(move |(_, since)| self >= *since)
            .map(|(k, _)| *k)
    }

    /// The oldest release whose installer creates a pool and file system that can receive a
    /// stream of ZPL version `zpl` from a pool of version `pool` (`None`: none can).
    pub fn oldest_receiving(pool: u64, zpl: u64) -> Option<Release> {
        RELEASES
            .iter()
            .find(|r| r.zfs_root && r.pool_version >= pool && r.zpl_version >= zpl)
            .map(|r| r.release)
    }
}

impl fmt::Display for Release {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_spellings_are_read_and_normalised() {
        assert_eq!(Release::parse("10/08"), Some(Release::R10_08));
        assert_eq!(Release::parse("s10u6"), Some(Release::R10_08));
        assert_eq!(Release::parse("S10U6"), Some(Release::R10_08));
        assert_eq!(Release::parse("Solaris 10 10/08"), Some(Release::R10_08));
        assert_eq!(Release::parse("s10u11"), Some(Release::R1_13));
        assert_eq!(Release::parse("s10"), Some(Release::R3_05));
        assert_eq!(Release::parse("9/10").unwrap().name(), "9/10");
        assert_eq!(Release::parse("s10u12"), None);
        assert_eq!(Release::parse("10/07"), None);
        assert_eq!(Release::parse("s10u+6"), None);
        assert_eq!(Release::parse(""), None);
    }

    #[test]
    fn table_is_ordered_and_complete() {
        let all: Vec<_> = Release::all().collect();
        assert_eq!(all.len(), 12);
        assert!(all.windows(2).all(|w| w[0] < w[1]));
        assert!(RELEASES.windows(2).all(|w| w[0].update + 1 == w[1].update
            && w[0].pool_version <= w[1].pool_version
            && w[0].zpl_version <= w[1].zpl_version));
        assert_eq!(Release::known_list().split(", ").next(), Some("3/05"));
    }

    #[test]
    fn keyword_boundaries() {
        assert!(!Release::R10_08.knows_sysidcfg(Keyword::AutoReg));
        assert!(Release::R9_10.knows_sysidcfg(Keyword::AutoReg));
        assert!(!Release::R6_06.knows_sysidcfg(Keyword::ServiceProfile));
        assert!(Release::R11_06.knows_sysidcfg(Keyword::ServiceProfile));
        assert!(!Release::R11_06.knows_sysidcfg(Keyword::Keyboard));
        assert!(Release::R8_07.knows_sysidcfg(Keyword::Keyboard));
        assert!(Release::R3_05.knows_sysidcfg(Keyword::Timezone));
        assert_eq!(
            Release::R9_10.hands_off_extra().collect::<Vec<_>>(),
            [Keyword::AutoReg]
        );
        assert_eq!(Release::R10_09.hands_off_extra().count(), 0);
    }

    #[test]
    fn oldest_receiving_release() {
        assert_eq!(Release::oldest_receiving(9, 3), Some(Release::R10_08));
        assert_eq!(Release::oldest_receiving(10, 3), Some(Release::R5_09));
        assert_eq!(Release::oldest_receiving(32, 5), Some(Release::R1_13));
        assert_eq!(Release::oldest_receiving(29, 5), Some(Release::R8_11));
        assert_eq!(Release::oldest_receiving(15, 4), Some(Release::R10_09));
        assert_eq!(Release::oldest_receiving(33, 5), None);
    }
}
