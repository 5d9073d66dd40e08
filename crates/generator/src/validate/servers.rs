//! `servers:` (or the one `server:`): every server with its roles, and which servers serve
//! each client — its boot server (by network, or named), its install server (the image of
//! its architecture) and the config server. Every client must be served (Y201); roles must
//! fit together (Y202); two boot servers must not serve one network (Y203).

use std::collections::{BTreeMap, HashMap};

use super::tree::Seg::{I, K};
use super::tree::join;
use super::{Validator, is_absolute_path, is_hostname, parse_ipv4, suggestion};
use crate::model::{self, Network, Release};
use crate::site::{self, Role, SiteFile};

/// The validated servers of a site.
pub(super) struct Servers {
    /// By host name (a one-server site: the one).
    pub list: Vec<model::Server>,
    /// The site lists `servers:` (files go in `server/<name>/`).
    pub per_server: bool,
    /// Index of the config server.
    pub config: usize,
    /// The images' release.
    pub release: Release,
    /// The install images' paths joined with `/`, where the installed BE's default name is
    /// looked for (`s10u6` in a path component).
    pub image_paths: String,
}

/// `10.1.2.0/24` → the network; an error says what is wrong.
pub(crate) fn parse_cidr(text: &str) -> Result<Network, String> {
    let expected = "a network in CIDR form such as 10.1.2.0/24";
    let Some((addr, prefix)) = text.split_once('/') else {
        return Err(format!("no `/prefix`: expected {expected}"));
    };
    let Some(addr) = parse_ipv4(addr) else {
        return Err(format!(
            "{addr:?} is not an IPv4 address: expected {expected}"
        ));
    };
    let prefix = match prefix.parse::<u8>() {
        Ok(p)
            if p <= 32
                && !prefix.starts_with('+')
                && (prefix == "0" || !prefix.starts_with('0')) =>
        {
            p
        }
        _ => {
            return Err(format!(
                "prefix {prefix:?} is not 0 to 32: expected {expected}"
            ));
        }
    };
    let network = Network {
        address: u32::from(addr),
        prefix,
    };
    let masked = Network {
        address: u32::from(addr) & network.mask(),
        prefix,
    };
    if masked != network {
        return Err(format!(
            "{addr} has bits set past the /{prefix} prefix: did you mean {masked}?"
        ));
    }
    Ok(network)
}

const ARCHES: [&str; 2] = ["sparc", "i386"];

impl Validator<'_> {
    pub(super) fn servers(&mut self, f: &SiteFile) -> Servers {
        match (&f.server, &f.servers) {
            (Some(_), Some(servers)) => {
                // Read on with the servers listed (what clients and replicas name).
                self.flag_key(
                    "Y107",
                    &[K("server")],
                    "`server` and `servers` together: a site has one server (`server:`) or lists its servers with their roles (`servers:`), not both".into(),
                );
                self.server_list(servers)
            }
            (Some(s), None) => {
                let (server, release) = self.server(s);
                Servers {
                    image_paths: s.install_image.clone(),
                    list: vec![server],
                    per_server: false,
                    config: 0,
                    release,
                }
            }
            (None, Some(servers)) => self.server_list(servers),
            (None, None) => {
                // Where serde puts a missing key: the start of the document.
                self.flag_key(
                    "Y003",
                    &[],
                    "missing key `server` (or `servers`): the site names its install server, or lists its servers with their roles".into(),
                );
                no_server()
            }
        }
    }

    fn server_list(&mut self, servers: &BTreeMap<String, site::ServerEntry>) -> Servers {
        let mut list = Vec::new();
        let mut seen_ip: HashMap<&str, &str> = HashMap::new();
        let mut seen_name: HashMap<String, &str> = HashMap::new();
        // The first release given, and where.
        let mut release: Option<(Release, &str)> = None;
        let mut image_paths = Vec::new();
        // In site-file order: a clash (a second config server, a duplicate address, an
        // overlapping network) is reported at the later of the two.
        let mut in_file_order: Vec<(&String, &site::ServerEntry)> = servers.iter().collect();
        in_file_order.sort_by_key(|(name, _)| {
            self.tree
                .key_pos(&[K("servers"), K(name)])
                .map(|p| (p.line, p.column))
        });
        for (name, e) in in_file_order {
            let at = [K("servers"), K(name)];
            let field = |key| join(&at, &[K(key)]);
            if !is_hostname(name) {
                self.at_key(
                    &at,
                    format!(
                        "invalid server host name {name:?}: expected letters, digits and `-` (not first or last), at most 63"
                    ),
                );
            } else if name == "hosts" {
                // Its files would go in server/hosts/, where the site-wide table is.
                self.at_key(
                    &at,
                    "a server named `hosts`: its files would be server/hosts/…, and server/hosts is the table of every client the finish scripts read; list it by another of its names".into(),
                );
            }
            if let Some(other) = seen_name.insert(name.to_ascii_lowercase(), name) {
                self.flag_key(
                    "Y103",
                    &at,
                    format!(
                        "server {name:?} is server {other:?} too: host names are not case-sensitive"
                    ),
                );
            }
            if parse_ipv4(&e.ip).is_none() {
                self.bad_value(
                    &field("ip"),
                    &e.ip,
                    &format!("IP address of server {name:?}"),
                    "a dotted-quad IPv4 address such as 10.1.1.5",
                );
            } else if let Some(other) = seen_ip.insert(&e.ip, name) {
                self.flag(
                    "Y103",
                    &field("ip"),
                    format!(
                        "duplicate server IP address {}: server {other:?} has it too",
                        e.ip
                    ),
                );
            }
            let has = |r| e.roles.contains(&r);
            let (install, boot, config) = (has(Role::Install), has(Role::Boot), has(Role::Config));
            if e.roles.is_empty() {
                self.flag(
                    "Y202",
                    &field("roles"),
                    format!(
                        "server {name:?} has no roles: give it one or more of install, boot, config"
                    ),
                );
            }
            let mut networks = Vec::new();
            for (i, text) in e.networks.iter().enumerate() {
                let net_at = join(&at, &[K("networks"), I(i)]);
                match parse_cidr(text) {
                    Ok(n) => networks.push(n),
                    Err(why) => self.at(
                        &net_at,
                        format!("server {name:?}: invalid network {text:?}: {why}"),
                    ),
                }
            }
            // A server with no roles is that one problem, not also one per key it has.
            let roleless = e.roles.is_empty();
            if !boot && !roleless && !e.networks.is_empty() {
                self.flag(
                    "Y202",
                    &field("networks"),
                    format!(
                        "server {name:?} lists networks but is not a boot server (add `boot` to its roles, or drop `networks`): only boot servers serve networks"
                    ),
                );
            }
            let mut images = BTreeMap::new();
            if let Some(im) = &e.images {
                for (arch, path) in [("sparc", &im.sparc), ("i386", &im.i386)] {
                    let Some(path) = path else { continue };
                    if !is_absolute_path(path) {
                        self.bad_value(
                            &join(&at, &[K("images"), K(arch)]),
                            path,
                            &format!("{arch} image of server {name:?}"),
                            "an absolute path of letters, digits and `_ - . + ,`, without `..`",
                        );
                    }
                    if install {
                        image_paths.push(path.clone());
                    }
                    images.insert(arch.to_string(), path.clone());
                }
            }
            if (install || boot) && images.is_empty() {
                let what = if install { "install" } else { "boot" };
                self.flag(
                    "Y202",
                    &field(if e.images.is_some() { "images" } else { "roles" }),
                    format!(
                        "{what} server {name:?} has no images: give the path of its image per architecture (`images: {{sparc: /export/install/s10-sparc, i386: /export/install/s10-x86}}`)"
                    ),
                );
            }
            if !(install || boot || roleless) && e.images.is_some() {
                self.flag(
                    "Y202",
                    &field("images"),
                    format!(
                        "server {name:?} has images but is neither an install nor a boot server: no client would use them"
                    ),
                );
            }
            match &e.release {
                None if install => self.flag_key(
                    "Y110",
                    &at,
                    format!(
                        "no `release` for the images of install server {name:?}: add `release:` (one of {}; `s10uN` also works)",
                        Release::known_list()
                    ),
                ),
                None => {}
                Some(text) => match Release::parse(text) {
                    None => self.flag(
                        "Y110",
                        &field("release"),
                        format!(
                            "unknown Solaris 10 release {text:?}: expected one of {} (or `s10u0` … `s10u11`)",
                            Release::known_list()
                        ),
                    ),
                    Some(r) => match release {
                        Some((first, first_name)) if first != r => self.flag(
                            "Y107",
                            &field("release"),
                            format!(
                                "server {name:?}: release {r}, and server {first_name:?} has {first}: the clients of one site install one release (its sysidcfg and profiles follow it)"
                            ),
                        ),
                        Some(_) => {}
                        None => {
                            if !r.info().zfs_root {
                                self.zfs_root_needed(&field("release"), r);
                            }
                            release = Some((r, name));
                        }
                    },
                },
            }
            let config_dir = match &e.config_dir {
                Some(dir) => {
                    if !is_absolute_path(dir) {
                        self.bad_value(
                            &field("config_dir"),
                            dir,
                            "config_dir",
                            "an absolute path of letters, digits and `_ - . + ,`, without `..`",
                        );
                    }
                    if !config && !roleless {
                        self.flag(
                            "Y202",
                            &field("config_dir"),
                            format!(
                                "server {name:?} has a config_dir but is not the config server (add `config` to its roles, or drop `config_dir`)"
                            ),
                        );
                    }
                    dir.clone()
                }
                None => {
                    if config {
                        self.flag(
                            "Y202",
                            &field("roles"),
                            format!(
                                "config server {name:?} has no `config_dir`: where the generated JumpStart directory is shared (add_install_client -c)"
                            ),
                        );
                    }
                    String::new()
                }
            };
            list.push(model::Server {
                hostname: name.clone(),
                ip: e.ip.clone(),
                install,
                boot,
                config,
                networks,
                images,
                config_dir,
            });
        }
        let configs: Vec<usize> = (0..list.len()).filter(|&i| list[i].config).collect();
        if configs.is_empty() && !list.is_empty() {
            self.flag_key(
                "Y202",
                &[K("servers")],
                "no config server: give exactly one server the `config` role (it shares the generated JumpStart directory)".into(),
            );
        }
        for &extra in configs.iter().skip(1) {
            let first = &list[configs[0]].hostname;
            self.flag(
                "Y202",
                &[K("servers"), K(&list[extra].hostname), K("roles")],
                format!(
                    "server {:?} is a second config server ({first:?} is one): a site has exactly one JumpStart directory",
                    list[extra].hostname
                ),
            );
        }
        for (role, ok) in [
            ("install", list.iter().any(|s| s.install)),
            ("boot", list.iter().any(|s| s.boot)),
        ] {
            if !ok {
                self.flag_key(
                    "Y202",
                    &[K("servers")],
                    format!("no {role} server: give at least one server the `{role}` role"),
                );
            }
        }
        if list.is_empty() {
            self.flag_key(
                "Y202",
                &[K("servers")],
                "no servers: list at least one (with the install, boot and config roles)".into(),
            );
        }
        self.overlapping_networks(&list, servers);
        if list.is_empty() {
            return no_server();
        }
        Servers {
            config: configs.first().copied().unwrap_or(0),
            release: release.map(|(r, _)| r).unwrap_or(Release::R1_13),
            image_paths: image_paths.join("/"),
            list,
            per_server: true,
        }
    }

    /// Y203: a network two boot servers serve (or that overlaps one another serves).
    fn overlapping_networks(
        &mut self,
        list: &[model::Server],
        entries: &BTreeMap<String, site::ServerEntry>,
    ) {
        let mut seen: Vec<(Network, &str)> = Vec::new();
        for s in list.iter().filter(|s| s.boot) {
            let texts = &entries[&s.hostname].networks;
            for (net, (i, _)) in s.networks.iter().zip(
                texts
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| parse_cidr(t).is_ok()),
            ) {
                if let Some((other, owner)) = seen
                    .iter()
                    .find(|(n, owner)| *owner != s.hostname && n.overlaps(*net))
                {
                    self.flag(
                        "Y203",
                        &[K("servers"), K(&s.hostname), K("networks"), I(i)],
                        format!(
                            "network {net} of boot server {:?} overlaps {other} of boot server {owner:?}: a client there would have two boot servers (RARP and bootparams answer from both); serve each network from one, and name another with `boot_server:` on a client",
                            s.hostname
                        ),
                    );
                }
                seen.push((*net, &s.hostname));
            }
        }
    }

    /// Settle each client's boot and install server (multi-server sites), and refuse a
    /// client with a server's address or name (Y103).
    pub(super) fn serve_clients(
        &mut self,
        f: &SiteFile,
        servers: &Servers,
        clients: &mut [model::Client],
        entries: &[usize],
    ) {
        for (i, c) in f.clients.iter().enumerate() {
            let at = [K("clients"), I(i)];
            // A server's own address or name given to a client (a copy-paste slip): the
            // client would answer for the server, or never boot.
            for s in &servers.list {
                // The one-server form says it as it always did.
                let whose = if servers.per_server {
                    format!("server {:?}'s", s.hostname)
                } else {
                    "the install server's".to_string()
                };
                if !s.ip.is_empty() && c.ip == s.ip {
                    self.flag(
                        "Y103",
                        &join(&at, &[K("ip")]),
                        format!("client {:?}: IP address {} is {whose}", c.hostname, c.ip),
                    );
                }
                if !s.hostname.is_empty() && c.hostname.eq_ignore_ascii_case(&s.hostname) {
                    self.flag(
                        "Y103",
                        &join(&at, &[K("hostname")]),
                        format!(
                            "client {:?}: host name is {whose} ({:?})",
                            c.hostname, s.hostname
                        ),
                    );
                }
            }
            if !servers.per_server {
                for key in ["boot_server", "install_server"] {
                    let given = if key == "boot_server" {
                        &c.boot_server
                    } else {
                        &c.install_server
                    };
                    if given.is_some() {
                        self.flag_key(
                            "Y107",
                            &join(&at, &[K(key)]),
                            format!(
                                "client {:?}: `{key}` is for sites that list `servers:`; this site has one `server`",
                                c.hostname
                            ),
                        );
                    }
                }
            }
        }
        if !servers.per_server {
            return;
        }
        let list = &servers.list;
        let index: HashMap<&str, usize> = list
            .iter()
            .enumerate()
            .map(|(i, s)| (s.hostname.as_str(), i))
            .collect();
        let names = || {
            list.iter()
                .map(|s| s.hostname.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        // Boot servers' networks, most specific first (overlaps are Y203 already).
        let mut networks: Vec<(Network, usize)> = list
            .iter()
            .enumerate()
            .filter(|(_, s)| s.boot)
            .flat_map(|(i, s)| s.networks.iter().map(move |n| (*n, i)))
            .collect();
        networks.sort_by_key(|(n, _)| std::cmp::Reverse(n.prefix));
        for (client, &e) in clients.iter_mut().zip(entries) {
            let c = &f.clients[e];
            let at = [K("clients"), I(e)];
            let host = &c.hostname;
            let arch = client.arch.clone();
            // Where a problem with the client's architecture goes: its `arch` (or `karch`)
            // when given, else the client itself.
            let arch_at = join(
                &at,
                &[K(if c.arch.is_none() && c.karch.is_some() {
                    "karch"
                } else {
                    "arch"
                })],
            );
            let named = |v: &mut Self, key: &str, name: &str| -> Option<usize> {
                let found = index.get(name).copied();
                if found.is_none() {
                    v.flag(
                        "Y102",
                        &join(&at, &[K(key)]),
                        format!(
                            "client {host:?}: unknown server {name:?} (servers: {}){}",
                            names(),
                            suggestion(name, list.iter().map(|s| s.hostname.as_str()))
                        ),
                    );
                }
                found
            };
            // The boot server.
            let boot = match &c.boot_server {
                Some(name) => named(self, "boot_server", name).filter(|&b| {
                    if !list[b].boot {
                        self.flag(
                            "Y201",
                            &join(&at, &[K("boot_server")]),
                            format!(
                                "client {host:?}: {name:?} is not a boot server (add `boot` to its roles, or name a boot server)"
                            ),
                        );
                    }
                    list[b].boot
                }),
                None => {
                    let ip = parse_ipv4(&c.ip);
                    let found = ip.and_then(|ip| {
                        networks
                            .iter()
                            .find(|(n, _)| n.contains(ip))
                            .map(|&(_, s)| s)
                    });
                    if found.is_none()
                        && let Some(ip) = ip
                    {
                        self.flag(
                            "Y201",
                            &join(&at, &[K("ip")]),
                            format!(
                                "client {host:?}: no boot server serves its address {ip} ({}): add its network to a boot server's `networks`, or name one with `boot_server:`",
                                served(&networks, list)
                            ),
                        );
                    }
                    found
                }
            };
            if let Some(b) = boot
                && !list[b].images.contains_key(&arch)
                && ARCHES.contains(&arch.as_str())
            {
                self.flag(
                    "Y201",
                    &arch_at,
                    format!(
                        "client {host:?} is {arch} and its boot server {:?} has no {arch} image (`images.{arch}`): it cannot boot the client",
                        list[b].hostname
                    ),
                );
            }
            // The install server.
            let with_image = |s: &model::Server| s.install && s.images.contains_key(&arch);
            let install = match &c.install_server {
                Some(name) => named(self, "install_server", name).filter(|&i| {
                    let ok = with_image(&list[i]);
                    if !ok {
                        self.flag(
                            "Y201",
                            &join(&at, &[K("install_server")]),
                            format!(
                                "client {host:?}: {name:?} is not an install server with an {arch} image"
                            ),
                        );
                    }
                    ok
                }),
                None => match boot.filter(|&b| with_image(&list[b])) {
                    Some(b) => Some(b),
                    None => {
                        let candidates: Vec<usize> =
                            (0..list.len()).filter(|&i| with_image(&list[i])).collect();
                        match candidates[..] {
                            [only] => Some(only),
                            [] => {
                                if ARCHES.contains(&arch.as_str()) {
                                    self.flag(
                                        "Y201",
                                        &arch_at,
                                        format!(
                                            "client {host:?} is {arch} and no install server has an {arch} image: add `images.{arch}` to an install server"
                                        ),
                                    );
                                }
                                None
                            }
                            _ => {
                                let these = candidates
                                    .iter()
                                    .map(|&i| list[i].hostname.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ");
                                self.flag(
                                    "Y201",
                                    &arch_at,
                                    format!(
                                        "client {host:?}: several install servers have an {arch} image ({these}) and its boot server is not one of them: name one with `install_server:`"
                                    ),
                                );
                                None
                            }
                        }
                    }
                },
            };
            client.boot_server = boot.unwrap_or(0);
            client.install_server = install.unwrap_or(0);
        }
    }
}

/// `10.1.1.0/24 on js01, …` for messages (or "no boot server lists networks").
fn served(networks: &[(Network, usize)], list: &[model::Server]) -> String {
    if networks.is_empty() {
        return "no boot server lists `networks`".into();
    }
    let shown: Vec<String> = networks
        .iter()
        .take(8)
        .map(|(n, s)| format!("{n} on {}", list[*s].hostname))
        .collect();
    let more = networks.len().saturating_sub(8);
    format!(
        "served: {}{}",
        shown.join(", "),
        if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        }
    )
}

/// What validation goes on with when the site names no server (already a problem).
fn no_server() -> Servers {
    Servers {
        list: vec![model::Server {
            hostname: String::new(),
            ip: String::new(),
            install: true,
            boot: true,
            config: true,
            networks: Vec::new(),
            images: BTreeMap::new(),
            config_dir: String::new(),
        }],
        per_server: false,
        config: 0,
        release: Release::R1_13,
        image_paths: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidrs_are_parsed_and_host_bits_refused() {
        assert_eq!(
            parse_cidr("10.1.2.0/24").unwrap().to_string(),
            "10.1.2.0/24"
        );
        assert!(parse_cidr("10.1.2.0/33").is_err());
        assert!(parse_cidr("10.1.2.0").is_err());
        assert!(parse_cidr("10.1.2.0/024").is_err());
        assert!(parse_cidr("010.1.2.0/24").is_err());
        let e = parse_cidr("10.1.2.5/24").unwrap_err();
        assert!(e.contains("did you mean 10.1.2.0/24?"), "{e}");
        let a = parse_cidr("10.1.0.0/16").unwrap();
        let b = parse_cidr("10.1.2.0/24").unwrap();
        let c = parse_cidr("10.2.0.0/16").unwrap();
        assert!(a.overlaps(b) && b.overlaps(a) && !a.overlaps(c));
        assert!(b.contains("10.1.2.200".parse().unwrap()));
        assert!(!b.contains("10.1.3.1".parse().unwrap()));
        assert!(
            parse_cidr("0.0.0.0/0")
                .unwrap()
                .contains("1.2.3.4".parse().unwrap())
        );
    }
}
