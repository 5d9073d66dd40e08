//! The validated site: every value checked, every default resolved. Templates render
//! from these types only, so nothing unchecked reaches a generated file.

use std::collections::BTreeMap;

use serde::Serialize;
pub use zflash_parser::release::Release;

pub use crate::site::{Compression, FinishKind, MatchBy};

/// A validated site.
#[derive(Debug, Clone, Serialize)]
pub struct Site {
    /// The install server.
    pub server: Server,
    /// Classes, sorted by name.
    pub classes: Vec<Class>,
    /// Clients, in site-file order.
    pub clients: Vec<Client>,
    /// The fleet report directory, if the site names one.
    pub reports: Option<Location>,
}

/// The install server.
#[derive(Debug, Clone, Serialize)]
pub struct Server {
    pub hostname: String,
    pub ip: String,
    pub install_image: String,
    /// The install image's release (what its clients' installer accepts and creates).
    #[serde(serialize_with = "release_name")]
    pub release: Release,
    pub config_dir: String,
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
