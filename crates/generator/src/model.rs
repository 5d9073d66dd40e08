//! The validated site: every value checked, every default resolved. Templates render
//! from these types only, so nothing unchecked reaches a generated file.

use std::collections::BTreeMap;

use serde::Serialize;
pub use zflash_parser::release::Release;

pub use crate::site::{Compression, FinishKind, MatchBy};

/// A validated site.
#[derive(Debug, Clone, Serialize)]
pub struct Site {
    /// The servers, in site-file order. A one-server site (`server:`) has one, with every
    /// role, serving every network.
    pub servers: Vec<Server>,
    /// The site lists `servers:`: per-server files go in `server/<name>/`. A one-server
    /// site (`server:`) keeps the flat `server/` layout.
    pub per_server: bool,
    /// Index in [`Site::servers`] of the config server (the JumpStart directory's).
    pub config_server: usize,
    /// The install images' release (what the clients' installer accepts and creates).
    #[serde(serialize_with = "release_name")]
    pub release: Release,
    /// Classes, sorted by name.
    pub classes: Vec<Class>,
    /// Clients, in site-file order.
    pub clients: Vec<Client>,
    /// The fleet report directory, if the site names one.
    pub reports: Option<Location>,
}

impl Site {
    /// The config server.
    pub fn config(&self) -> &Server {
        &self.servers[self.config_server]
    }
}

/// A server and what it does.
#[derive(Debug, Clone, Serialize)]
pub struct Server {
    pub hostname: String,
    pub ip: String,
    pub install: bool,
    pub boot: bool,
    pub config: bool,
    /// Networks served as a boot server (empty for a one-server site: it serves all).
    pub networks: Vec<Network>,
    /// Image path per client architecture (`sparc`, `i386`): the install image of an
    /// install server, the boot image of a boot-only server.
    pub images: BTreeMap<String, String>,
    /// Where the JumpStart directory is shared (config server; empty otherwise).
    pub config_dir: String,
}

/// An IPv4 network in CIDR form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Network {
    pub address: u32,
    pub prefix: u8,
}

impl Network {
    /// The netmask as a number.
    pub fn mask(self) -> u32 {
        if self.prefix == 0 {
            0
        } else {
            u32::MAX << (32 - self.prefix)
        }
    }

    /// `addr` is on this network.
    pub fn contains(self, addr: std::net::Ipv4Addr) -> bool {
        u32::from(addr) & self.mask() == self.address
    }

    /// The two networks share an address.
    pub fn overlaps(self, other: Network) -> bool {
        let mask = self.mask() & other.mask();
        self.address & mask == other.address & mask
    }
}

impl std::fmt::Display for Network {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}/{}",
            std::net::Ipv4Addr::from(self.address),
            self.prefix
        )
    }
}

fn release_name<S: serde::Serializer>(r: &Release, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(r.name())
}

/// Where a class's archive is read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Location {
    /// A path in the miniroot.
    Path { path: String },
    /// `server:/dir/file`, mounted read-only.
    Nfs { server: String, path: String },
}

impl Location {
    /// The location as written in a site file.
    pub fn display(&self) -> String {
        match self {
            Location::Path { path } => path.clone(),
            Location::Nfs { server, path } => format!("{server}:{path}"),
        }
    }
}

/// A validated archive.
#[derive(Debug, Clone, Serialize)]
pub struct Archive {
    pub name: String,
    pub location: Location,
    pub sha256: Option<String>,
    pub compression: Compression,
    /// Architecture the archive was captured on (`uname -p`), from its manifest.
    pub arch: Option<String>,
    /// Differential archives received after this one, in order (their own `increments`
    /// are always empty).
    pub increments: Vec<Archive>,
    /// Copies of this file on servers, by server host name (the same bytes: same digest
    /// and compression).
    pub replicas: BTreeMap<String, Location>,
}

/// A validated class.
#[derive(Debug, Clone, Serialize)]
pub struct Class {
    pub name: String,
    pub archive: Archive,
    pub profile: Profile,
    pub deploy: Deploy,
    pub finish: FinishKind,
    /// Its clients are x86 (`i86pc`): the profile gets `fdisk` lines, and the clients boot
    /// over DHCP/PXE.
    pub x86: bool,
}

/// A validated profile.
#[derive(Debug, Clone, Serialize)]
pub struct Profile {
    pub pool: String,
    pub disks: Vec<String>,
    /// `disks` was not given in the site file (the default depends on the platform).
    #[serde(skip)]
    pub disks_defaulted: bool,
    /// `fdisk` lines (`disk type size`), x86 only; `None` until the platform is known
    /// when the site gives none.
    pub fdisk: Option<Vec<String>>,
    pub pool_size: String,
    pub swap_size: String,
    pub dump_size: String,
    pub bename: String,
    pub cluster: String,
    pub locale: Option<String>,
}

/// Validated deployment options.
#[derive(Debug, Clone, Serialize)]
pub struct Deploy {
    pub be: String,
    pub properties: BTreeMap<String, String>,
    pub identity_create: Vec<String>,
    pub identity_remove: Vec<String>,
    pub hooks: Vec<zflash_runtime::config::Hook>,
}

/// A validated client.
#[derive(Debug, Clone, Serialize)]
pub struct Client {
    pub hostname: String,
    /// Ethernet address in ethers(4) form: lower case, no leading zeros.
    pub mac: String,
    pub ip: String,
    pub arch: String,
    pub karch: String,
    /// Index into [`Site::classes`].
    pub class: usize,
    /// Rule match pieces, joined with ` && ` in `rules`.
    pub match_pieces: Vec<String>,
    /// Index in [`Site::servers`] of its boot server.
    pub boot_server: usize,
    /// Index in [`Site::servers`] of its install server.
    pub install_server: usize,
    pub sysidcfg: Sysidcfg,
}

/// Fully resolved sysidcfg values of one client.
#[derive(Debug, Clone, Serialize)]
pub struct Sysidcfg {
    pub locale: String,
    pub timezone: String,
    pub terminal: String,
    pub timeserver: String,
    /// `None` on a release that does not read `keyboard` (before 8/07).
    pub keyboard: Option<String>,
    /// The `name_service=…` entry, without the keyword (e.g. `NONE` or `DNS {…}`).
    pub name_service: String,
    pub interface: String,
    pub netmask: String,
    /// An IPv4 address, or `NONE` (the default: hands-off without a router).
    pub default_route: String,
    pub protocol_ipv6: bool,
    pub root_password: String,
    /// The `security_policy=…` entry, without the keyword.
    pub security_policy: String,
    pub nfs4_domain: String,
    pub service_profile: Option<String>,
    /// `None` on a release that does not read `auto_reg` (before 9/10).
    pub auto_reg: Option<String>,
}
