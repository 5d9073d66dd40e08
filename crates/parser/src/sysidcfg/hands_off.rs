//! What a sysidcfg needs for a hands-off installation: the one definition shared by the
//! lints that report a gap (S219 `missing-keyword`, S211 `incomplete-network-interface`)
//! and by `zflash generate`'s tests of every sysidcfg it writes.
//!
//! Release-specific keywords (`auto_reg` from 10 9/10, `keyboard` on hardware whose
//! keyboard does not identify itself) are not part of this set.

use super::{Entry, InterfaceSelector, Keyword, SubKeyword, Sysidcfg};

/// Top-level keywords Solaris 10 asks for at the console when they are absent.
pub const KEYWORDS: &[Keyword] = &[
    Keyword::SystemLocale,
    Keyword::Terminal,
    Keyword::Timezone,
    Keyword::Timeserver,
    Keyword::NetworkInterface,
    Keyword::NameService,
    Keyword::RootPassword,
    Keyword::SecurityPolicy,
    Keyword::Nfs4Domain,
];

/// Dependent keywords of a static (not `dhcp`, not `NONE`) `network_interface`: without
/// `default_route` the installer tries ICMP router discovery and asks when it finds no
/// router (`default_route=NONE` is the hands-off answer for a network without one).
pub const STATIC_INTERFACE: &[SubKeyword] = &[SubKeyword::ProtocolIpv6, SubKeyword::DefaultRoute];

/// Dependent keywords a named interface (`e1000g1`, not `PRIMARY`) needs in addition: a
/// JumpStart client learns the primary interface's name and address from RARP/bootparams
/// or DHCP, not a second interface's.
pub const NAMED_INTERFACE: &[SubKeyword] = &[SubKeyword::IpAddress, SubKeyword::Hostname];

/// The top-level keywords of [`KEYWORDS`] that `file` lacks.
pub fn missing_keywords(file: &Sysidcfg) -> Vec<Keyword> {
    KEYWORDS
        .iter()
        .copied()
        .filter(|k| file.get(*k).is_none())
        .collect()
}

/// What one `network_interface` entry lacks, in the order S211 reports it: `netmask` with
/// an `ip_address`, the named-interface set, then `protocol_ipv6` (also for `dhcp`) and
/// `default_route` (static only). Nothing for `NONE`.
pub fn missing_in_interface(e: &Entry) -> Vec<SubKeyword> {
    let sel = InterfaceSelector::parse(&e.value.text);
    if sel == InterfaceSelector::None || e.value.text.is_empty() {
        return Vec::new();
    }
    let has = |k| e.sub(k).is_some();
    let dhcp = has(SubKeyword::Dhcp);
    let mut missing = Vec::new();
    if !dhcp {
        if has(SubKeyword::IpAddress) && !has(SubKeyword::Netmask) {
            missing.push(SubKeyword::Netmask);
        }
        if matches!(sel, InterfaceSelector::Named(_)) {
            for k in NAMED_INTERFACE {
                if !has(*k) {
                    missing.push(*k);
                    if *k == SubKeyword::IpAddress && !has(SubKeyword::Netmask) {
                        missing.push(SubKeyword::Netmask);
                    }
                }
            }
        }
    }
    for k in STATIC_INTERFACE {
        let applies = !dhcp || *k == SubKeyword::ProtocolIpv6;
        if applies && !has(*k) {
            missing.push(*k);
        }
    }
    missing
}

/// Everything `file` lacks for a hands-off installation, as names: top-level keywords, and
/// `network_interface=X/sub_keyword` for each interface's gaps.
pub fn missing(file: &Sysidcfg) -> Vec<String> {
    let mut out: Vec<String> = missing_keywords(file)
        .iter()
        .map(|k| k.as_str().to_string())
        .collect();
    for e in file
        .entries()
        .filter(|e| e.keyword() == Some(Keyword::NetworkInterface))
    {
        for k in missing_in_interface(e) {
            out.push(format!("network_interface={}/{}", e.value.text, k.as_str()));
        }
    }
    out
}
