//! The sysidcfg keyword tables (jumpstart-formats.md §4.3) and the typed values they take.
//!
//! Keywords and enumerated values are case-insensitive; lookups here never allocate.

/// A top-level sysidcfg keyword.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Keyword {
    NameService,
    NetworkInterface,
    RootPassword,
    SecurityPolicy,
    SystemLocale,
    Terminal,
    Timezone,
    Timeserver,
    Keyboard,
    Nfs4Domain,
    ServiceProfile,
    AutoReg,
    /// x86 kdmconfig keywords of Solaris 2.x–9 (`monitor`, `display`, `pointer`).
    Monitor,
    Display,
    Pointer,
}

impl Keyword {
    pub const ALL: &'static [Keyword] = &[
        Keyword::NameService,
        Keyword::NetworkInterface,
        Keyword::RootPassword,
        Keyword::SecurityPolicy,
        Keyword::SystemLocale,
        Keyword::Terminal,
        Keyword::Timezone,
        Keyword::Timeserver,
        Keyword::Keyboard,
        Keyword::Nfs4Domain,
        Keyword::ServiceProfile,
        Keyword::AutoReg,
        Keyword::Monitor,
        Keyword::Display,
        Keyword::Pointer,
    ];

    /// Canonical (lower-case) spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Keyword::NameService => "name_service",
            Keyword::NetworkInterface => "network_interface",
            Keyword::RootPassword => "root_password",
            Keyword::SecurityPolicy => "security_policy",
            Keyword::SystemLocale => "system_locale",
            Keyword::Terminal => "terminal",
            Keyword::Timezone => "timezone",
            Keyword::Timeserver => "timeserver",
            Keyword::Keyboard => "keyboard",
            Keyword::Nfs4Domain => "nfs4_domain",
            Keyword::ServiceProfile => "service_profile",
            Keyword::AutoReg => "auto_reg",
            Keyword::Monitor => "monitor",
            Keyword::Display => "display",
            Keyword::Pointer => "pointer",
        }
    }

    /// Case-insensitive lookup (no allocation: it runs for every entry of every file).
    pub fn from_name(name: &str) -> Option<Keyword> {
        let mut buf = [0u8; 24];
        Some(match lower(name, &mut buf)? {
            b"name_service" => Keyword::NameService,
            b"network_interface" => Keyword::NetworkInterface,
            b"root_password" => Keyword::RootPassword,
            b"security_policy" => Keyword::SecurityPolicy,
            b"system_locale" => Keyword::SystemLocale,
            b"terminal" => Keyword::Terminal,
            b"timezone" => Keyword::Timezone,
            b"timeserver" => Keyword::Timeserver,
            b"keyboard" => Keyword::Keyboard,
            b"nfs4_domain" => Keyword::Nfs4Domain,
            b"service_profile" => Keyword::ServiceProfile,
            b"auto_reg" => Keyword::AutoReg,
            b"monitor" => Keyword::Monitor,
            b"display" => Keyword::Display,
            b"pointer" => Keyword::Pointer,
            _ => return None,
        })
    }

    /// Whether the keyword may be followed by a `{ … }` block of dependent keywords.
    pub fn takes_block(self) -> bool {
        matches!(
            self,
            Keyword::NameService
                | Keyword::NetworkInterface
                | Keyword::SecurityPolicy
                | Keyword::AutoReg
                | Keyword::Display
        )
    }

    /// Values never to be echoed in a diagnostic (nor shown in an excerpt): the root
    /// password hash.
    pub fn is_secret(self) -> bool {
        matches!(self, Keyword::RootPassword)
    }

    /// Legacy keywords that Solaris 10 no longer reads.
    pub fn is_legacy(self) -> bool {
        matches!(self, Keyword::Monitor | Keyword::Display | Keyword::Pointer)
    }
}

/// A dependent keyword (inside `{ … }`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SubKeyword {
    // name_service
    DomainName,
    NameServer,
    Search,
    ProxyDn,
    ProxyPassword,
    Profile,
    ProfileServer,
    // network_interface
    Primary,
    Dhcp,
    Hostname,
    IpAddress,
    Netmask,
    ProtocolIpv6,
    DefaultRoute,
    // security_policy=kerberos
    DefaultRealm,
    AdminServer,
    Kdc,
    // auto_reg
    OracleUser,
    OraclePw,
    HttpProxyHost,
    HttpProxyPort,
    HttpProxyUser,
    HttpProxyPw,
    // display (legacy x86)
    Size,
    Depth,
    Resolution,
}

impl SubKeyword {
    pub const ALL: &'static [SubKeyword] = &[
        SubKeyword::DomainName,
        SubKeyword::NameServer,
        SubKeyword::Search,
        SubKeyword::ProxyDn,
        SubKeyword::ProxyPassword,
        SubKeyword::Profile,
        SubKeyword::ProfileServer,
        SubKeyword::Primary,
        SubKeyword::Dhcp,
        SubKeyword::Hostname,
        SubKeyword::IpAddress,
        SubKeyword::Netmask,
        SubKeyword::ProtocolIpv6,
        SubKeyword::DefaultRoute,
        SubKeyword::DefaultRealm,
        SubKeyword::AdminServer,
        SubKeyword::Kdc,
        SubKeyword::OracleUser,
        SubKeyword::OraclePw,
        SubKeyword::HttpProxyHost,
        SubKeyword::HttpProxyPort,
        SubKeyword::HttpProxyUser,
        SubKeyword::HttpProxyPw,
        SubKeyword::Size,
        SubKeyword::Depth,
        SubKeyword::Resolution,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SubKeyword::DomainName => "domain_name",
            SubKeyword::NameServer => "name_server",
            SubKeyword::Search => "search",
            SubKeyword::ProxyDn => "proxy_dn",
            SubKeyword::ProxyPassword => "proxy_password",
            SubKeyword::Profile => "profile",
            SubKeyword::ProfileServer => "profile_server",
            SubKeyword::Primary => "primary",
            SubKeyword::Dhcp => "dhcp",
            SubKeyword::Hostname => "hostname",
            SubKeyword::IpAddress => "ip_address",
            SubKeyword::Netmask => "netmask",
            SubKeyword::ProtocolIpv6 => "protocol_ipv6",
            SubKeyword::DefaultRoute => "default_route",
            SubKeyword::DefaultRealm => "default_realm",
            SubKeyword::AdminServer => "admin_server",
            SubKeyword::Kdc => "kdc",
            SubKeyword::OracleUser => "oracle_user",
            SubKeyword::OraclePw => "oracle_pw",
            SubKeyword::HttpProxyHost => "http_proxy_host",
            SubKeyword::HttpProxyPort => "http_proxy_port",
            SubKeyword::HttpProxyUser => "http_proxy_user",
            SubKeyword::HttpProxyPw => "http_proxy_pw",
            SubKeyword::Size => "size",
            SubKeyword::Depth => "depth",
            SubKeyword::Resolution => "resolution",
        }
    }

    /// Case-insensitive lookup, without allocation.
    pub fn from_name(name: &str) -> Option<SubKeyword> {
        use SubKeyword::*;
        let mut buf = [0u8; 24];
        Some(match lower(name, &mut buf)? {
            b"domain_name" => DomainName,
            b"name_server" => NameServer,
            b"search" => Search,
            b"proxy_dn" => ProxyDn,
            b"proxy_password" => ProxyPassword,
            b"profile" => Profile,
            b"profile_server" => ProfileServer,
            b"primary" => Primary,
            b"dhcp" => Dhcp,
            b"hostname" => Hostname,
            b"ip_address" => IpAddress,
            b"netmask" => Netmask,
            b"protocol_ipv6" => ProtocolIpv6,
            b"default_route" => DefaultRoute,
            b"default_realm" => DefaultRealm,
            b"admin_server" => AdminServer,
            b"kdc" => Kdc,
            b"oracle_user" => OracleUser,
            b"oracle_pw" => OraclePw,
            b"http_proxy_host" => HttpProxyHost,
            b"http_proxy_port" => HttpProxyPort,
            b"http_proxy_user" => HttpProxyUser,
            b"http_proxy_pw" => HttpProxyPw,
            b"size" => Size,
            b"depth" => Depth,
            b"resolution" => Resolution,
            _ => return None,
        })
    }

    /// Bare flags take no `=value`.
    pub fn is_flag(self) -> bool {
        matches!(self, SubKeyword::Primary | SubKeyword::Dhcp)
    }

    /// Values never to be echoed in a diagnostic.
    pub fn is_secret(self) -> bool {
        matches!(
            self,
            SubKeyword::ProxyPassword | SubKeyword::OraclePw | SubKeyword::HttpProxyPw
        )
    }

    /// The parent keyword this dependent keyword belongs to.
    pub fn parent(self) -> Keyword {
        use SubKeyword::*;
        match self {
            DomainName | NameServer | Search | ProxyDn | ProxyPassword | Profile
            | ProfileServer => Keyword::NameService,
            Primary | Dhcp | Hostname | IpAddress | Netmask | ProtocolIpv6 | DefaultRoute => {
                Keyword::NetworkInterface
            }
            DefaultRealm | AdminServer | Kdc => Keyword::SecurityPolicy,
            OracleUser | OraclePw | HttpProxyHost | HttpProxyPort | HttpProxyUser | HttpProxyPw => {
                Keyword::AutoReg
            }
            Size | Depth | Resolution => Keyword::Display,
        }
    }
}

/// ASCII-lower-case `name` into `buf`; `None` when it is too long to be a keyword.
fn lower<'b>(name: &str, buf: &'b mut [u8; 24]) -> Option<&'b [u8]> {
    let bytes = name.as_bytes();
    let out = buf.get_mut(..bytes.len())?;
    for (o, b) in out.iter_mut().zip(bytes) {
        *o = b.to_ascii_lowercase();
    }
    Some(out)
}

/// `name_service=` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NameServiceKind {
    Nis,
    NisPlus,
    Dns,
    Ldap,
    None,
}

impl NameServiceKind {
    pub fn parse(value: &str) -> Option<Self> {
        let mut buf = [0u8; 24];
        Some(match lower(value, &mut buf)? {
            b"nis" => Self::Nis,
            b"nis+" => Self::NisPlus,
            b"dns" => Self::Dns,
            b"ldap" => Self::Ldap,
            b"none" => Self::None,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Nis => "NIS",
            Self::NisPlus => "NIS+",
            Self::Dns => "DNS",
            Self::Ldap => "LDAP",
            Self::None => "NONE",
        }
    }

    /// Dependent keywords accepted under this name service.
    pub fn allowed(self) -> &'static [SubKeyword] {
        use SubKeyword::*;
        match self {
            Self::Nis | Self::NisPlus => &[DomainName, NameServer],
            Self::Dns => &[DomainName, NameServer, Search],
            Self::Ldap => &[DomainName, Profile, ProfileServer, ProxyDn, ProxyPassword],
            Self::None => &[],
        }
    }
}

/// `network_interface=` values.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum InterfaceSelector {
    None,
    Primary,
    /// An interface name such as `e1000g0` (original spelling).
    Named(String),
}

impl InterfaceSelector {
    pub fn parse(value: &str) -> Self {
        if value.eq_ignore_ascii_case("none") {
            Self::None
        } else if value.eq_ignore_ascii_case("primary") {
            Self::Primary
        } else {
            Self::Named(value.to_string())
        }
    }
}

/// `security_policy=` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SecurityPolicyKind {
    Kerberos,
    None,
}

impl SecurityPolicyKind {
    pub fn parse(value: &str) -> Option<Self> {
        if value.eq_ignore_ascii_case("kerberos") {
            Some(Self::Kerberos)
        } else if value.eq_ignore_ascii_case("none") {
            Some(Self::None)
        } else {
            None
        }
    }
}

/// `service_profile=` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ServiceProfile {
    LimitedNet,
    Open,
}

impl ServiceProfile {
    pub fn parse(value: &str) -> Option<Self> {
        if value.eq_ignore_ascii_case("limited_net") {
            Some(Self::LimitedNet)
        } else if value.eq_ignore_ascii_case("open") {
            Some(Self::Open)
        } else {
            None
        }
    }
}

/// `auto_reg=` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AutoRegKind {
    Anon,
    NoProxy,
    All,
    Disable,
    /// `none`: seen in real files (veewee templates) but not documented.
    None,
}

impl AutoRegKind {
    pub fn parse(value: &str) -> Option<Self> {
        let mut buf = [0u8; 24];
        Some(match lower(value, &mut buf)? {
            b"anon" => Self::Anon,
            b"noproxy" => Self::NoProxy,
            b"all" => Self::All,
            b"disable" => Self::Disable,
            b"none" => Self::None,
            _ => return None,
        })
    }
}

/// `nfs4_domain=` values.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Nfs4Domain {
    Dynamic,
    Domain(String),
}

impl Nfs4Domain {
    /// `dynamic` (any case) or a domain name; `None` for anything else.
    pub fn parse(value: &str) -> Option<Self> {
        if value.eq_ignore_ascii_case("dynamic") {
            Some(Self::Dynamic)
        } else {
            super::values::parse_domain(value)
                .ok()
                .map(|_| Self::Domain(value.to_string()))
        }
    }
}

/// `timeserver=` values.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Timeserver {
    Localhost,
    Ip(std::net::Ipv4Addr),
    Host(String),
}

impl Timeserver {
    /// `localhost` (any case), an IPv4 address or a host name; `None` for anything else
    /// (including numbers and dots that are no valid address).
    pub fn parse(value: &str) -> Option<Self> {
        if value.eq_ignore_ascii_case("localhost") {
            return Some(Self::Localhost);
        }
        if value.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
            return super::values::parse_ipv4(value).ok().map(Self::Ip);
        }
        super::values::parse_hostname(value)
            .ok()
            .map(|_| Self::Host(value.to_string()))
    }
}

pub use crate::suggest::edit_distance;

/// The closest candidate within a distance that scales with the word's length, or one that
/// shares all the word's parts (`ipv6_protocol` → `protocol_ipv6`).
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (word.len() / 3).clamp(1, 3);
    let candidates: Vec<&str> = candidates.into_iter().collect();
    let mut word_parts: Vec<String> = word.split('_').map(|p| p.to_ascii_lowercase()).collect();
    word_parts.sort();
    let parts_match = || {
        candidates.iter().rev().copied().find(|c| {
            let mut parts: Vec<&str> = c.split('_').collect();
            parts.sort_unstable();
            word_parts.len() > 1 && parts == word_parts
        })
    };
    crate::suggest::closest(word, candidates.iter().copied(), |d, _| d <= limit)
        .or_else(parts_match)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_are_case_insensitive() {
        assert_eq!(
            Keyword::from_name("Name_Service"),
            Some(Keyword::NameService)
        );
        assert_eq!(
            SubKeyword::from_name("IP_ADDRESS"),
            Some(SubKeyword::IpAddress)
        );
        assert_eq!(
            NameServiceKind::parse("nis+"),
            Some(NameServiceKind::NisPlus)
        );
    }

    #[test]
    fn suggestions() {
        let kws = Keyword::ALL.iter().map(|k| k.as_str());
        assert_eq!(
            did_you_mean("nfsv4_domain", kws.clone()),
            Some("nfs4_domain")
        );
        assert_eq!(did_you_mean("xyzzy", kws), None);
        let subs = SubKeyword::ALL.iter().map(|k| k.as_str());
        assert_eq!(did_you_mean("ipv6_protocol", subs), Some("protocol_ipv6"));
    }
}

#[cfg(test)]
mod table_tests {
    use super::*;

    #[test]
    fn names_and_lookups_agree() {
        for k in Keyword::ALL {
            assert_eq!(Keyword::from_name(k.as_str()), Some(*k));
            assert_eq!(
                Keyword::from_name(&k.as_str().to_ascii_uppercase()),
                Some(*k)
            );
        }
        for k in SubKeyword::ALL {
            assert_eq!(SubKeyword::from_name(k.as_str()), Some(*k));
        }
        assert_eq!(
            Keyword::from_name("a_very_long_word_that_is_no_keyword_at_all"),
            None
        );
        assert_eq!(Keyword::from_name("tïmezone"), None);
    }
}
