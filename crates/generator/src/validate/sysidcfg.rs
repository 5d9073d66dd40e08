//! `sysidcfg:` at the three levels (defaults, class, client), merged most specific first;
//! each problem is reported at the level that gave the value.

use zflash_parser::lint::sysidcfg::unknown_keyboard::LAYOUTS;
use zflash_parser::sysidcfg::Keyword;
use zflash_parser::sysidcfg::keywords::did_you_mean;
use zflash_parser::sysidcfg::timezones::{self, is_known_timezone};
use zflash_parser::sysidcfg::values::{crypt_kind, is_locale_shape};

use super::tree::Seg::{self, I, K};
use super::tree::join;
use super::{Validator, is_domain, is_host_or_ip, is_hostname, is_netmask, parse_ipv4, suggestion};
use crate::model;
use crate::site::{self, NameService, SecurityPolicy};

/// The sysidcfg levels of one client, most specific first, each with its path.
pub(super) type Levels<'a, 'p> = [(&'a site::Sysidcfg, Vec<Seg<'p>>)];

impl Validator<'_> {
    pub(super) fn sysidcfg(
        &mut self,
        host: &str,
        host_at: &[Seg],
        levels: &Levels<'_, '_>,
    ) -> model::Sysidcfg {
        // The value of `field` and the path of the level that gave it.
        macro_rules! pick {
            ($field:ident) => {
                levels
                    .iter()
                    .find_map(|(l, at)| l.$field.clone().map(|v| (v, at.clone())))
            };
        }
        let ni = |f: fn(&site::NetworkInterface) -> Option<String>| {
            levels.iter().find_map(|(l, at)| {
                l.network_interface
                    .as_ref()
                    .and_then(f)
                    .map(|v| (v, join(at, &[K("network_interface")])))
            })
        };
        let mut word = |key: &'static str, default: &str, what: &str| -> String {
            match levels
                .iter()
                .find_map(|(l, at)| field_of(l, key).map(|v| (v, at.clone())))
            {
                Some((value, at)) => {
                    let at = join(&at, &[K(key)]);
                    if self.word(&at, &value, what) && key == "locale" && !is_locale_shape(&value) {
                        self.at(
                            &at,
                            format!("invalid locale {value:?}: expected a locale name such as C or en_US.UTF-8"),
                        );
                    } else if key == "keyboard" && !LAYOUTS.contains(&value.as_str()) {
                        self.at(
                            &at,
                            format!(
                                "unknown keyboard layout {value:?}: expected a Solaris 10 layout such as US-English or German{}",
                                suggestion(&value, LAYOUTS.iter().copied())
                            ),
                        );
                    }
                    value
                }
                None => default.to_string(),
            }
        };
        let locale = word("locale", "C", "locale");
        let terminal = word("terminal", "vt100", "terminal");
        let keyboard = word("keyboard", "US-English", "keyboard");
        let keyboard = self
            .since(levels, "keyboard", Keyword::Keyboard)
            .then_some(keyboard);
        let timezone = match pick!(timezone) {
            Some((t, at)) => {
                let at = join(&at, &[K("timezone")]);
                // Checked here so that a typo is a site problem with its line, not a
                // sysidcfg that fails generate's own check (S210).
                if self.word(&at, &t, "timezone") && !is_known_timezone(&t) {
                    let hint = timezones::case_insensitive_match(&t)
                        .or_else(|| did_you_mean(&t, timezones::ZONES.iter().copied()));
                    let hint = hint
                        .map(|m| format!("; did you mean `{m}`?"))
                        .unwrap_or_default();
                    self.at(
                        &at,
                        format!("unknown timezone {t:?}: expected a zoneinfo name such as US/Eastern, Europe/Berlin or GMT{hint}"),
                    );
                }
                t
            }
            None => {
                self.flag("Y105", host_at, format!("client {host:?}: no sysidcfg timezone (set it in defaults.sysidcfg, the class or the client)"));
                String::new()
            }
        };
        let timeserver = match pick!(timeserver) {
            Some((t, at)) => {
                if !(t == "localhost" || is_host_or_ip(&t)) {
                    self.bad_value(
                        &join(&at, &[K("timeserver")]),
                        &t,
                        "timeserver",
                        "localhost, a host name or an IPv4 address",
                    );
                }
                t
            }
            None => "localhost".into(),
        };
        let name_service = match pick!(name_service) {
            None | Some((NameService::None, _)) => "NONE".to_string(),
            Some((ns, at)) => self.name_service(ns, &join(&at, &[K("name_service")])),
        };
        let interface = match ni(|n| n.interface.clone()) {
            Some((interface, at)) => {
                let ok = interface == "PRIMARY"
                    || (!interface.is_empty()
                        && interface.len() <= 16
                        && interface.bytes().all(|b| b.is_ascii_alphanumeric())
                        && interface.as_bytes()[0].is_ascii_alphabetic()
                        && interface.as_bytes()[interface.len() - 1].is_ascii_digit());
                if !ok {
                    self.bad_value(
                        &join(&at, &[K("interface")]),
                        &interface,
                        "network interface",
                        "PRIMARY or an interface name such as e1000g0",
                    );
                }
                interface
            }
            None => "PRIMARY".into(),
        };
        let netmask = match ni(|n| n.netmask.clone()) {
            Some((m, at)) => {
                if !is_netmask(&m) {
                    self.bad_value(
                        &join(&at, &[K("netmask")]),
                        &m,
                        "netmask",
                        "a contiguous dotted-quad mask such as 255.255.255.0",
                    );
                }
                m
            }
            None => {
                self.flag("Y105", host_at, format!("client {host:?}: no network_interface netmask (set it in defaults.sysidcfg, the class or the client)"));
                String::new()
            }
        };
        let default_route = match ni(|n| n.default_route.clone()) {
            Some((r, at)) => {
                if r != "NONE" && parse_ipv4(&r).is_none() {
                    self.bad_value(
                        &join(&at, &[K("default_route")]),
                        &r,
                        "default route",
                        "an IPv4 address or NONE",
                    );
                }
                r
            }
            // Without it the installer tries router discovery and asks when none answers.
            None => "NONE".into(),
        };
        let protocol_ipv6 = levels
            .iter()
            .find_map(|(l, _)| l.network_interface.as_ref().and_then(|n| n.protocol_ipv6))
            .unwrap_or(false);
        let root_password = match pick!(root_password) {
            Some((p, at)) => {
                if crypt_kind(&p).is_none() {
                    self.flag("Y106", 
                        &join(&at, &[K("root_password")]),
                        "root_password is not a crypt(3) hash Solaris 10 understands (13 characters of [./0-9A-Za-z], or $1$, $2a$, $md5$, $5$, $6$ with salt and hash): never put a plain-text password here".into(),
                    );
                }
                p
            }
            None => {
                self.flag("Y105", host_at, format!("client {host:?}: no sysidcfg root_password (set it in defaults.sysidcfg, the class or the client)"));
                String::new()
            }
        };
        let security_policy = match pick!(security_policy) {
            None | Some((SecurityPolicy::None, _)) => "NONE".to_string(),
            Some((
                SecurityPolicy::Kerberos {
                    default_realm,
                    admin_server,
                    kdc,
                },
                at,
            )) => {
                let at = join(&at, &[K("security_policy")]);
                if !is_domain(&default_realm) {
                    self.bad_value(
                        &join(&at, &[K("default_realm")]),
                        &default_realm,
                        "Kerberos realm",
                        "a realm such as EXAMPLE.COM",
                    );
                }
                if !is_domain(&admin_server) {
                    self.bad_value(
                        &join(&at, &[K("admin_server")]),
                        &admin_server,
                        "Kerberos admin server",
                        "a host name",
                    );
                }
                if kdc.is_empty() || kdc.len() > 3 {
                    self.at(
                        &join(&at, &[K("kdc")]),
                        format!("kerberos kdc: expected 1 to 3 servers, got {}", kdc.len()),
                    );
                }
                for (i, k) in kdc.iter().enumerate() {
                    if !is_domain(k) {
                        self.bad_value(
                            &join(&at, &[K("kdc"), I(i)]),
                            k,
                            "Kerberos KDC",
                            "a host name",
                        );
                    }
                }
                format!(
                    "kerberos {{default_realm={default_realm}\n                 admin_server={admin_server}\n                 kdc={}}}",
                    kdc.join(",")
                )
            }
        };
        let nfs4_domain = match pick!(nfs4_domain) {
            Some((d, at)) => {
                if !(d == "dynamic" || is_domain(&d)) {
                    self.bad_value(
                        &join(&at, &[K("nfs4_domain")]),
                        &d,
                        "nfs4_domain",
                        "dynamic or a domain name",
                    );
                }
                d
            }
            None => "dynamic".into(),
        };
        let service_profile = match pick!(service_profile)
            .filter(|_| self.since(levels, "service_profile", Keyword::ServiceProfile))
        {
            Some((s, at)) => {
                if s != "limited_net" && s != "open" {
                    self.enumerated(
                        &join(&at, &[K("service_profile")]),
                        "service_profile",
                        &s,
                        &["limited_net", "open"],
                    );
                }
                Some(s)
            }
            None => None,
        };
        let auto_reg = if self.since(levels, "auto_reg", Keyword::AutoReg) {
            Some(match pick!(auto_reg) {
                Some((a, at)) => {
                    const ALLOWED: [&str; 4] = ["disable", "anon", "noproxy", "all"];
                    if !ALLOWED.contains(&a.as_str()) {
                        self.enumerated(&join(&at, &[K("auto_reg")]), "auto_reg", &a, &ALLOWED);
                    }
                    a
                }
                // From 9/10 the installer asks for registration when it is absent.
                None => "disable".into(),
            })
        } else {
            None
        };
        model::Sysidcfg {
            locale,
            timezone,
            terminal,
            timeserver,
            keyboard,
            name_service,
            interface,
            netmask,
            default_route,
            protocol_ipv6,
            root_password,
            security_policy,
            nfs4_domain,
            service_profile,
            auto_reg,
        }
    }

    /// The install image's release reads sysidcfg `keyword`; when it does not, a value the
    /// site gives for it (`key` at any level) is a Y111 problem at that value: a keyword
    /// the release does not know makes its installer ignore the whole sysidcfg.
    fn since(&mut self, levels: &Levels<'_, '_>, key: &'static str, keyword: Keyword) -> bool {
        if self.release.knows_sysidcfg(keyword) {
            return true;
        }
        let since = zflash_parser::release::Release::sysidcfg_since(keyword)
            .expect("a keyword some release does not know has a boundary");
        for (level, at) in levels {
            if field_is_set(level, key) {
                self.flag(
                    "Y111",
                    &join(at, &[K(key)]),
                    format!(
                        "sysidcfg `{key}` exists from Solaris 10 {since} on; the install image is {} (`server.release`), whose installer ignores a sysidcfg with a keyword it does not know: remove it",
                        self.release
                    ),
                );
            }
        }
        false
    }

    /// A value that must be one of `allowed`, with a suggestion.
    fn enumerated(&mut self, at: &[Seg], what: &str, value: &str, allowed: &[&str]) {
        self.at(
            at,
            format!(
                "invalid {what} {value:?}: expected one of {}{}",
                allowed.join(", "),
                suggestion(value, allowed.iter().copied())
            ),
        );
    }

    /// The `name_service=…` entry (not NONE) at `at`.
    fn name_service(&mut self, ns: NameService, at: &[Seg]) -> String {
        match ns {
            NameService::None => "NONE".to_string(),
            NameService::Dns {
                domain_name,
                name_servers,
                search,
            } => {
                if !is_domain(&domain_name) {
                    self.bad_value(
                        &join(at, &[K("domain_name")]),
                        &domain_name,
                        "DNS domain",
                        "a domain name",
                    );
                }
                if name_servers.is_empty() || name_servers.len() > 3 {
                    self.at(
                        &join(at, &[K("name_servers")]),
                        format!(
                            "DNS name_servers: expected 1 to 3 addresses, got {}",
                            name_servers.len()
                        ),
                    );
                }
                for (i, ns) in name_servers.iter().enumerate() {
                    if parse_ipv4(ns).is_none() {
                        self.bad_value(
                            &join(at, &[K("name_servers"), I(i)]),
                            ns,
                            "DNS name server",
                            "an IPv4 address",
                        );
                    }
                }
                if search.len() > 6 || search.join(",").len() > 250 {
                    self.at(
                        &join(at, &[K("search")]),
                        "DNS search: at most 6 domains and 250 characters".into(),
                    );
                }
                for (i, d) in search.iter().enumerate() {
                    if !is_domain(d) {
                        self.bad_value(
                            &join(at, &[K("search"), I(i)]),
                            d,
                            "DNS search domain",
                            "a domain name",
                        );
                    }
                }
                let mut s = format!(
                    "DNS {{domain_name={domain_name}\n             name_server={}",
                    name_servers.join(",")
                );
                if !search.is_empty() {
                    s.push_str(&format!("\n             search={}", search.join(",")));
                }
                s.push('}');
                s
            }
            NameService::Nis {
                domain_name,
                name_server,
            } => {
                if !is_domain(&domain_name) {
                    self.bad_value(
                        &join(at, &[K("domain_name")]),
                        &domain_name,
                        "NIS domain",
                        "a domain name",
                    );
                }
                let mut s = format!("NIS {{domain_name={domain_name}");
                if let Some(ns) = name_server {
                    let ok = ns
                        .strip_suffix(')')
                        .and_then(|r| r.split_once('('))
                        .is_some_and(|(h, ip)| is_hostname(h) && parse_ipv4(ip).is_some());
                    if !ok {
                        self.bad_value(
                            &join(at, &[K("name_server")]),
                            &ns,
                            "NIS name server",
                            "host(ip), e.g. nis1(10.1.1.2)",
                        );
                    }
                    s.push_str(&format!(" name_server={ns}"));
                }
                s.push('}');
                s
            }
            NameService::Ldap {
                domain_name,
                profile,
                profile_server,
            } => {
                if !is_domain(&domain_name) {
                    self.bad_value(
                        &join(at, &[K("domain_name")]),
                        &domain_name,
                        "LDAP domain",
                        "a domain name",
                    );
                }
                self.word(&join(at, &[K("profile")]), &profile, "LDAP profile");
                if parse_ipv4(&profile_server).is_none() {
                    self.bad_value(
                        &join(at, &[K("profile_server")]),
                        &profile_server,
                        "LDAP profile server",
                        "an IPv4 address",
                    );
                }
                format!(
                    "LDAP {{domain_name={domain_name}\n             profile={profile}\n             profile_server={profile_server}}}"
                )
            }
        }
    }
}

/// The plain string fields checked as words.
fn field_of(l: &site::Sysidcfg, key: &str) -> Option<String> {
    match key {
        "locale" => l.locale.clone(),
        "terminal" => l.terminal.clone(),
        "keyboard" => l.keyboard.clone(),
        _ => None,
    }
}

/// `key` is given at this level.
fn field_is_set(l: &site::Sysidcfg, key: &str) -> bool {
    match key {
        "auto_reg" => l.auto_reg.is_some(),
        "service_profile" => l.service_profile.is_some(),
        _ => field_of(l, key).is_some(),
    }
}
