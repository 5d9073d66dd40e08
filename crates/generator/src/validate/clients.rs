//! `clients:`: each machine's name, addresses, class, rule match and network sanity.

use std::collections::HashMap;
use std::net::Ipv4Addr;

use super::tree::Seg::{self, I, K};
use super::tree::join;
use super::{Validator, describe_bad_char, is_hostname, is_netmask, names, parse_ipv4, suggestion};
use crate::model;
use crate::site::{self, MatchBy, SiteFile};

const RULE_KEYWORDS: &[(&str, usize)] = &[
    ("any", 1),
    ("arch", 1),
    ("disksize", 2),
    ("domainname", 1),
    ("hostaddress", 1),
    ("hostname", 1),
    ("installed", 2),
    ("karch", 1),
    ("memsize", 1),
    ("model", 1),
    ("network", 1),
    ("osname", 1),
    ("totaldisk", 1),
];

/// `8:0:20:A1:B2:C3`, `08-00-20-a1-b2-c3` → `8:0:20:a1:b2:c3` (ethers(4) form).
fn normalise_mac(s: &str) -> Option<String> {
    let sep = if s.contains('-') { '-' } else { ':' };
    let parts: Vec<&str> = s.split(sep).collect();
    if parts.len() != 6 {
        return None;
    }
    let mut out = Vec::with_capacity(6);
    for p in parts {
        if p.is_empty() || p.len() > 2 || !p.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        out.push(format!("{:x}", u8::from_str_radix(p, 16).ok()?));
    }
    Some(out.join(":"))
}

/// A normalised MAC (`8:0:20:a1:b2:c3`) that a network card can have: not multicast or
/// broadcast (the low bit of the first byte clear) and not all zeros.
fn is_unicast_mac(mac: &str) -> bool {
    let bytes: Vec<u8> = mac
        .split(':')
        .filter_map(|p| u8::from_str_radix(p, 16).ok())
        .collect();
    bytes.first().is_some_and(|b| b & 1 == 0) && bytes.iter().any(|&b| b != 0)
}

/// A rules size value: `N` or a range `N-M` (MB).
fn is_size_range(s: &str) -> bool {
    let num = |n: &str| !n.is_empty() && n.len() <= 9 && n.bytes().all(|b| b.is_ascii_digit());
    match s.split_once('-') {
        Some((a, b)) => num(a) && num(b),
        None => num(s),
    }
}

impl Validator<'_> {
    pub(super) fn clients(
        &mut self,
        f: &SiteFile,
        class_index: &HashMap<&str, usize>,
    ) -> (Vec<model::Client>, Vec<usize>) {
        let default_class = match &f.defaults.class {
            Some(c) => {
                if !class_index.contains_key(c.as_str()) {
                    self.flag(
                        "Y102",
                        &[K("defaults"), K("class")],
                        format!(
                            "defaults.class {c:?} is not a class (classes: {}){}",
                            names(&f.classes),
                            suggestion(c, f.classes.keys().map(String::as_str))
                        ),
                    );
                }
                class_index.get(c.as_str()).copied()
            }
            None if f.classes.len() == 1 => Some(0),
            None => None,
        };
        let match_by = f.defaults.match_by.unwrap_or(MatchBy::Hostname);
        if f.clients.is_empty() {
            self.flag_key(
                "Y105",
                &[K("clients")],
                "no clients: list at least one".into(),
            );
        }
        let class_names: Vec<&String> = f.classes.keys().collect();
        let mut clients = Vec::new();
        // Each validated client's index in the site file's `clients:` (for positions).
        let mut entries = Vec::new();
        let mut seen_host: HashMap<String, usize> = HashMap::new();
        let mut seen_mac: HashMap<String, usize> = HashMap::new();
        let mut seen_ip: HashMap<String, usize> = HashMap::new();
        for (i, c) in f.clients.iter().enumerate() {
            let at = [K("clients"), I(i)];
            let class = match &c.class {
                Some(name) => match class_index.get(name.as_str()) {
                    Some(&i) => Some(i),
                    None => {
                        self.flag(
                            "Y102",
                            &join(&at, &[K("class")]),
                            format!(
                                "client {:?}: unknown class {name:?} (classes: {}){}",
                                c.hostname,
                                names(&f.classes),
                                suggestion(name, f.classes.keys().map(String::as_str))
                            ),
                        );
                        None
                    }
                },
                None => {
                    // An unknown defaults.class is reported once, above.
                    if f.defaults.class.is_none()
                        && default_class.is_none()
                        && !f.classes.is_empty()
                    {
                        self.flag(
                            "Y105",
                            &join(&at, &[K("hostname")]),
                            format!(
                                "client {:?} names no class and there is no defaults.class",
                                c.hostname
                            ),
                        );
                    }
                    default_class
                }
            };
            let class_sysid = class.map(|ci| {
                let name = class_names[ci];
                (&f.classes[name].sysidcfg, name.as_str())
            });
            let client = self.client(
                i,
                c,
                class.unwrap_or(0),
                match_by,
                &f.defaults.sysidcfg,
                class_sysid,
            );
            // A server's own address or name given to a client: in `serve_clients`.
            for (seen, key, value, raw, what) in [
                (
                    &mut seen_host,
                    "hostname",
                    c.hostname.to_ascii_lowercase(),
                    &c.hostname,
                    "host name",
                ),
                (
                    &mut seen_mac,
                    "mac",
                    client.mac.clone(),
                    &c.mac,
                    "MAC address",
                ),
                (&mut seen_ip, "ip", client.ip.clone(), &c.ip, "IP address"),
            ] {
                // An invalid address is reported as such, not also as a duplicate.
                if value.is_empty() || (key == "ip" && parse_ipv4(raw).is_none()) {
                    continue;
                }
                if let Some(first) = seen.get(&value) {
                    let message = format!(
                        "duplicate {what} {raw:?}: client {:?} has it too (clients #{} and #{})",
                        f.clients[*first].hostname,
                        first + 1,
                        i + 1
                    );
                    self.flag("Y103", &join(&at, &[K(key)]), message);
                } else {
                    seen.insert(value, i);
                }
            }
            if class.is_some() {
                clients.push(client);
                entries.push(i);
            }
        }
        (clients, entries)
    }

    fn client(
        &mut self,
        index: usize,
        c: &site::Client,
        class: usize,
        match_by: MatchBy,
        site_sysid: &site::Sysidcfg,
        class_sysid: Option<(&site::Sysidcfg, &str)>,
    ) -> model::Client {
        let at = [K("clients"), I(index)];
        let host = &c.hostname;
        if !is_hostname(host) {
            self.bad_value(
                &join(&at, &[K("hostname")]),
                host,
                "host name",
                "letters, digits and `-` (not first or last), at most 63",
            );
        }
        let mac_at = join(&at, &[K("mac")]);
        let mac = match normalise_mac(&c.mac) {
            Some(m) if is_unicast_mac(&m) => m,
            Some(_) => {
                // RARP and bootparams answer a client's own address: a multicast,
                // broadcast or all-zero address can never be one.
                self.bad_value(
                    &mac_at,
                    &c.mac,
                    &format!("MAC address of {host:?}"),
                    "a network card's own (unicast) address: the first byte even, not all zeros (ff:ff:ff:ff:ff:ff is broadcast)",
                );
                String::new()
            }
            None => {
                self.bad_value(
                    &mac_at,
                    &c.mac,
                    &format!("MAC address of {host:?}"),
                    "six hexadecimal bytes such as 8:0:20:a1:b2:c3",
                );
                String::new()
            }
        };
        let ip_at = join(&at, &[K("ip")]);
        if parse_ipv4(&c.ip).is_none() {
            self.bad_value(
                &ip_at,
                &c.ip,
                &format!("IP address of {host:?}"),
                "a dotted-quad IPv4 address such as 10.1.1.101",
            );
        }
        const ARCHES: [&str; 2] = ["sparc", "i386"];
        const KARCHES: [&str; 4] = ["sun4u", "sun4v", "sun4us", "i86pc"];
        let mut enum_ok = true;
        for (key, value, allowed) in [
            ("arch", &c.arch, &ARCHES[..]),
            ("karch", &c.karch, &KARCHES[..]),
        ] {
            if let Some(v) = value
                && !allowed.contains(&v.as_str())
            {
                enum_ok = false;
                let hint = suggestion(v, allowed.iter().copied());
                let hint = if hint.is_empty() && key == "arch" && v.starts_with("x86") {
                    "; did you mean `i386`?".to_string()
                } else {
                    hint
                };
                self.at(
                    &join(&at, &[K(key)]),
                    format!(
                        "client {host:?}: unknown {key} {v:?}: expected one of {}{hint}",
                        allowed.join(", ")
                    ),
                );
            }
        }
        let arch = c.arch.clone().unwrap_or_else(|| match c.karch.as_deref() {
            Some("i86pc") => "i386".into(),
            _ => "sparc".into(),
        });
        let karch = c.karch.clone().unwrap_or_else(|| {
            if arch == "i386" {
                "i86pc".into()
            } else {
                "sun4u".into()
            }
        });
        let valid_pair = matches!(
            (arch.as_str(), karch.as_str()),
            ("sparc", "sun4u" | "sun4v" | "sun4us") | ("i386", "i86pc")
        );
        if !valid_pair && enum_ok {
            self.flag("Y107", 
                &join(&at, &[K(if c.karch.is_some() { "karch" } else { "arch" })]),
                format!("client {host:?}: arch {arch:?} with karch {karch:?}: expected sparc with sun4u/sun4v/sun4us, or i386 with i86pc"),
            );
        }
        let match_pieces = match &c.match_pieces {
            None => vec![match match_by {
                MatchBy::Hostname => format!("hostname {host}"),
                MatchBy::Hostaddress => format!("hostaddress {}", c.ip),
            }],
            Some(pieces) => {
                let match_at = join(&at, &[K("match")]);
                if pieces.is_empty() {
                    self.at(&match_at, format!("client {host:?}: match is empty"));
                }
                for (j, piece) in pieces.iter().enumerate() {
                    self.match_piece(&join(&match_at, &[I(j)]), host, piece);
                }
                pieces
                    .iter()
                    .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
                    .collect()
            }
        };
        let levels = {
            let mut levels = vec![(&c.sysidcfg, join(&at, &[K("sysidcfg")]))];
            if let Some((s, name)) = class_sysid {
                levels.push((s, vec![K("classes"), K(name), K("sysidcfg")]));
            }
            levels.push((site_sysid, vec![K("defaults"), K("sysidcfg")]));
            levels
        };
        let host_at = join(&at, &[K("hostname")]);
        let sysidcfg = self.sysidcfg(host, &host_at, &levels);
        // On the client's network (by its netmask): its address is neither the network's
        // nor the broadcast address, and its router is on it — else the installed system
        // comes up with no route (a typo in the ip, the netmask or default_route).
        if let Some(ip) = parse_ipv4(&c.ip)
            && let Some(mask) =
                parse_ipv4(&sysidcfg.netmask).filter(|_| is_netmask(&sysidcfg.netmask))
        {
            let mask = u32::from(mask);
            let network = format!(
                "{}/{}",
                Ipv4Addr::from(u32::from(ip) & mask),
                mask.leading_ones()
            );
            let host_bits = u32::from(ip) & !mask;
            if mask.leading_ones() <= 30 && (host_bits == 0 || host_bits == !mask) {
                self.flag("Y104", 
                    &ip_at,
                    format!(
                        "client {host:?}: IP address {ip} is the {} address of its network {network} (netmask {}), not a host's",
                        if host_bits == 0 { "network" } else { "broadcast" },
                        sysidcfg.netmask
                    ),
                );
            }
            if let Some(route) = parse_ipv4(&sysidcfg.default_route)
                && u32::from(ip) & mask != u32::from(route) & mask
            {
                self.flag("Y104", 
                    &ip_at,
                    format!(
                        "client {host:?}: IP address {ip} is not on the network of its default_route {route} (netmask {}, network {network}): check the ip, the netmask and the default_route",
                        sysidcfg.netmask
                    ),
                );
            }
        }
        model::Client {
            hostname: host.clone(),
            mac,
            ip: c.ip.clone(),
            arch,
            karch,
            class,
            match_pieces,
            boot_server: 0,
            install_server: 0,
            sysidcfg,
        }
    }

    fn match_piece(&mut self, at: &[Seg], host: &str, piece: &str) {
        let words: Vec<&str> = piece.split_whitespace().collect();
        let words = match words.first() {
            Some(&"!") => &words[1..],
            _ => &words[..],
        };
        let Some((kw, values)) = words.split_first() else {
            self.at(at, format!("client {host:?}: empty match piece"));
            return;
        };
        let Some((_, arity)) = RULE_KEYWORDS.iter().find(|(k, _)| k == kw) else {
            self.at(
                at,
                format!(
                    "client {host:?}: unknown rule keyword {kw:?} in match piece {piece:?} (expected one of: {}){}",
                    RULE_KEYWORDS.iter().map(|(k, _)| *k).collect::<Vec<_>>().join(", "),
                    suggestion(kw, RULE_KEYWORDS.iter().map(|(k, _)| *k))
                ),
            );
            return;
        };
        if values.len() != *arity {
            self.at(
                at,
                format!("client {host:?}: rule keyword {kw} takes {arity} value(s), got {} in {piece:?}", values.len()),
            );
            return;
        }
        for v in values {
            if let Some(why) = describe_bad_char(v).filter(|_| !(*kw == "any" && *v == "-")) {
                self.at(at, format!("client {host:?}: match value {v:?} {why}"));
                return;
            }
        }
        // The values the rules grammar checks, so that a typo is a site problem here
        // rather than a generated `rules` that fails `check`.
        let value_ok = match *kw {
            "memsize" | "totaldisk" => is_size_range(values[0]),
            "disksize" => is_size_range(values[1]),
            "hostaddress" | "network" => parse_ipv4(values[0]).is_some(),
            "arch" => ["sparc", "i386"].contains(&values[0]),
            "any" => values[0] == "-",
            _ => true,
        };
        if !value_ok {
            let expected = match *kw {
                "memsize" | "totaldisk" | "disksize" => "a size in MB or a range such as 64-128",
                "hostaddress" | "network" => "an IPv4 address",
                "arch" => "sparc or i386",
                _ => "`-`",
            };
            self.at(
                at,
                format!("client {host:?}: invalid value in match piece {piece:?}: {kw} expects {expected}"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn macs_are_normalised_to_ethers_form() {
        assert_eq!(
            normalise_mac("08:00:20:A1:B2:C3").as_deref(),
            Some("8:0:20:a1:b2:c3")
        );
        assert_eq!(
            normalise_mac("8-0-20-a1-b2-c3").as_deref(),
            Some("8:0:20:a1:b2:c3")
        );
        assert_eq!(normalise_mac("8:0:20:a1:b2"), None);
        assert_eq!(normalise_mac("8:0:20:a1:b2:c3g"), None);
        assert_eq!(normalise_mac("8:0:20:a1:b2:123"), None);
        assert!(is_unicast_mac("8:0:20:a1:b2:c3"));
        assert!(!is_unicast_mac("ff:ff:ff:ff:ff:ff"));
        assert!(!is_unicast_mac("1:0:5e:0:0:1"));
        assert!(!is_unicast_mac("0:0:0:0:0:0"));
        assert!(is_size_range("64") && is_size_range("64-128") && !is_size_range("abc"));
    }
}
