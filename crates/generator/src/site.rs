//! The site file: one YAML document describing an install server, its archives, its
//! classes of machines and every client (see `docs/site-file.md`).
//!
//! These types are only the *shape* (serde + JSON Schema); [`crate::validate`] checks the
//! values and resolves defaults into a [`crate::model::Site`].

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The only site-file version this generator understands.
pub const SITE_VERSION: u32 = 1;

/// A whole site file.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteFile {
    /// Format version of this file; must be `1`.
    #[schemars(extend("const" = 1))]
    pub version: u32,
    /// The install / boot / JumpStart server the clients boot from (a one-server site).
    /// A site with several servers lists them in `servers` instead (one or the other).
    #[serde(default)]
    pub server: Option<Server>,
    /// Several servers, by host name, each with its roles (`install`, `boot`, `config`):
    /// boot servers per subnet, an install image per architecture (see
    /// `docs/multi-server.md`). Instead of `server`.
    #[serde(default)]
    pub servers: Option<BTreeMap<String, ServerEntry>>,
    /// Archives (ZFS send streams made by `zflash capture`), by name.
    pub archives: BTreeMap<String, Archive>,
    /// Site-wide defaults.
    #[serde(default)]
    pub defaults: Defaults,
    /// Classes of machines, by name (the name becomes the profile file name).
    pub classes: BTreeMap<String, Class>,
    /// The machines to install.
    pub clients: Vec<Client>,
    /// Fleet report directory: `server:/dir` (NFS, shared read-write to the clients) or an
    /// absolute path in the miniroot. Every client's finish writes `<hostname>.json` there;
    /// `zflash status` reads them (see `docs/reports.md`).
    #[serde(default)]
    #[schemars(pattern(r"^([A-Za-z0-9][A-Za-z0-9.-]*:)?/[A-Za-z0-9_.+,/-]*$"))]
    pub reports: Option<String>,
}

/// The install server.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Server {
    /// Host name of the server, as clients know it.
    #[schemars(pattern(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$"))]
    pub hostname: String,
    /// IPv4 address of the server.
    #[schemars(pattern(r"^(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}$"))]
    pub ip: String,
    /// Path of the Solaris install image on the server (`add_install_client -s`).
    #[schemars(pattern(r"^/[A-Za-z0-9_.+,/-]+$"))]
    pub install_image: String,
    /// Solaris 10 release of the install image: `10/08` or `s10u6` (required; 3/05 … 1/13).
    /// What the generated sysidcfg and profiles contain depends on it.
    #[serde(default)]
    pub release: Option<String>,
    /// Path where the generated JumpStart directory is shared (`add_install_client -c`).
    /// The per-client sysidcfg directories are `<config_dir>/sysidcfg/<hostname>`.
    #[schemars(pattern(r"^/[A-Za-z0-9_.+,/-]+$"))]
    pub config_dir: String,
}

/// One server of a multi-server site (`servers:`), keyed by its host name.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServerEntry {
    /// IPv4 address of the server.
    #[schemars(pattern(r"^(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}$"))]
    pub ip: String,
    /// What the server does: `install` (shares install images: `add_install_client -s`),
    /// `boot` (answers its networks' clients: RARP, bootparams, TFTP; `add_install_client`
    /// runs on it), `config` (shares the generated JumpStart directory: `-c`, `-p`; exactly
    /// one server has it).
    pub roles: Vec<Role>,
    /// Boot servers: the networks whose clients boot from this server, as CIDR
    /// (`10.1.2.0/24`). A client is served by the boot server whose network holds its
    /// address (or the one its `boot_server` names).
    #[serde(default)]
    #[schemars(inner(pattern(r"^[0-9.]+/[0-9]{1,2}$")))]
    pub networks: Vec<String>,
    /// Install and boot servers: the image per architecture (`setup_install_server`, or
    /// `setup_install_server -b` for a boot-only server).
    #[serde(default)]
    pub images: Option<Images>,
    /// Install servers: Solaris 10 release of the images (`10/08` or `s10u6`); every server
    /// that gives one gives the same.
    #[serde(default)]
    pub release: Option<String>,
    /// The config server: path where the generated JumpStart directory is shared
    /// (`add_install_client -c`); sysidcfg directories are `<config_dir>/sysidcfg/<host>`.
    #[serde(default)]
    #[schemars(pattern(r"^/[A-Za-z0-9_.+,/-]+$"))]
    pub config_dir: Option<String>,
}

/// A server's role.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Shares install images.
    Install,
    /// Boots the clients of its networks.
    Boot,
    /// Shares the JumpStart directory (rules, profiles, sysidcfg, finish scripts).
    Config,
}

/// Install or boot image paths, per client architecture.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Images {
    /// Image for SPARC clients.
    #[serde(default)]
    #[schemars(pattern(r"^/[A-Za-z0-9_.+,/-]+$"))]
    pub sparc: Option<String>,
    /// Image for x86 (`i86pc`) clients.
    #[serde(default)]
    #[schemars(pattern(r"^/[A-Za-z0-9_.+,/-]+$"))]
    pub i386: Option<String>,
}

/// A copy of an archive (or increment) on one server: the same bytes.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Replica {
    /// Where clients read the copy: `server:/path/file` on the server it is listed under
    /// (its name or address), or an absolute path in the miniroot.
    pub location: String,
    /// The copy's manifest, read at generate time (its SHA-256 must be the archive's).
    #[serde(default)]
    pub manifest: Option<String>,
    /// SHA-256 of the copy (must be the archive's). Without one, the copy is checked
    /// against the archive's digest at install time.
    #[serde(default)]
    #[schemars(pattern(r"^[0-9a-fA-F]{64}$"))]
    pub sha256: Option<String>,
}

/// One archive.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Archive {
    /// Where clients read the archive: an absolute path in the miniroot, or an NFS
    /// location `server:/path/file` that the finish script mounts read-only.
    pub location: String,
    /// The archive's manifest (`zflash capture` writes `<archive>.manifest.json`), read at
    /// generate time, relative to the site file. Its SHA-256 and compression are used.
    #[serde(default)]
    pub manifest: Option<String>,
    /// SHA-256 of the stored archive bytes (64 hex digits), when there is no manifest.
    #[serde(default)]
    #[schemars(pattern(r"^[0-9a-fA-F]{64}$"))]
    pub sha256: Option<String>,
    /// Compression of the stored archive; by default from the file suffix
    /// (`.zst` → zstd, `.gz` → gzip, otherwise none).
    #[serde(default)]
    pub compression: Option<Compression>,
    /// Differential archives applied in order on top of this one (`zflash capture --from`
    /// or `zfs send -i`), each starting from the snapshot the previous archive ends at.
    #[serde(default)]
    pub increments: Vec<Increment>,
    /// Copies of the archive on other servers, by server name: a client reads the copy on
    /// its boot server, else on its install server, else `location`.
    #[serde(default)]
    pub replicas: BTreeMap<String, Replica>,
}

/// One differential archive of an archive's chain.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Increment {
    /// Where clients read it: an absolute path or `server:/path/file`, as for the base.
    pub location: String,
    /// Its manifest, read at generate time, relative to the site file.
    #[serde(default)]
    pub manifest: Option<String>,
    /// SHA-256 of its stored bytes (64 hex digits), when there is no manifest.
    #[serde(default)]
    #[schemars(pattern(r"^[0-9a-fA-F]{64}$"))]
    pub sha256: Option<String>,
    /// Its compression; by default from the file suffix.
    #[serde(default)]
    pub compression: Option<Compression>,
    /// Copies on other servers, by server name, as for the base archive.
    #[serde(default)]
    pub replicas: BTreeMap<String, Replica>,
}

/// Compression of an archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Compression {
    /// A bare `zfs send` stream.
    None,
    /// gzip (`gzip -dc` in the miniroot).
    Gzip,
    /// zstd (the Solaris 10 miniroot has no zstd: native finish only).
    Zstd,
}

/// Site-wide defaults.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    /// Default class of clients that name none.
    #[serde(default)]
    pub class: Option<String>,
    /// Rule keyword the generated rules match clients by (`hostname`, the default, or
    /// `hostaddress`). A client's own `match` list replaces it.
    #[serde(default)]
    pub match_by: Option<MatchBy>,
    /// sysidcfg values for every client (classes and clients override them).
    #[serde(default)]
    pub sysidcfg: Sysidcfg,
}

/// Which per-client rule keyword the generated rules use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum MatchBy {
    /// `hostname <name>`.
    Hostname,
    /// `hostaddress <ip>`.
    Hostaddress,
}

/// A class of machines: one profile and one deployment.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Class {
    /// Name of the archive (key of `archives`) deployed on this class.
    pub archive: String,
    /// The JumpStart profile (what the installer lays down before the finish script).
    #[serde(default)]
    pub profile: Profile,
    /// What the finish step does with the archive.
    #[serde(default)]
    pub deploy: Deploy,
    /// Which finish script the rules name: `shell` (the Bourne-shell `loadzfs`, the
    /// default, runs in any Solaris 10 miniroot) or `native` (runs `zflash finish`, falling
    /// back to `loadzfs` when no binary for the client's architecture is in `bin/`).
    #[serde(default)]
    pub finish: Option<FinishKind>,
    /// sysidcfg values for the clients of this class (override `defaults.sysidcfg`).
    #[serde(default)]
    pub sysidcfg: Sysidcfg,
}

/// Which finish script a class uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FinishKind {
    /// `finish/<class>.loadzfs`, Bourne shell.
    Shell,
    /// `finish/<class>.native`, runs `zflash finish`.
    Native,
}

/// Profile settings of a class (a ZFS-root initial install).
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Root pool name (default `rpool`).
    #[serde(default)]
    pub pool: Option<String>,
    /// Root-pool slices: one (single disk) or several (a mirror), or `[any]` (the installer
    /// picks the disk). Default: SPARC classes the classic two-disk mirror `c0t0d0s0 c0t1d0s0`; x86
    /// classes `any` (x86 disk names, `c0d0`, `c1t0d0`…, follow the controller: no name is a
    /// safe guess).
    #[serde(default)]
    #[schemars(inner(pattern(r"^(c[0-9]+(t[0-9A-Fa-f]+)?d[0-9]+s[0-7]|any)$")))]
    pub disks: Option<Vec<String>>,
    /// Pool size: `auto`, `existing` or a size such as `20g`, `4096m`, `4096` (MB).
    #[serde(default)]
    #[schemars(pattern(r"^(auto|existing|[0-9]{1,9}[gGmM]?)$"))]
    pub pool_size: Option<String>,
    /// Swap volume size (`auto` or a size).
    #[serde(default)]
    #[schemars(pattern(r"^(auto|[0-9]{1,9}[gGmM]?)$"))]
    pub swap_size: Option<String>,
    /// Dump volume size (`auto` or a size).
    #[serde(default)]
    #[schemars(pattern(r"^(auto|[0-9]{1,9}[gGmM]?)$"))]
    pub dump_size: Option<String>,
    /// Name of the boot environment the installer creates. Default: `s10u<N>_req` when the
    /// server's `install_image` path names the update (`s10u11`, `sol-10-u11-…`,
    /// `solaris10u9`…), else `s10_req`.
    #[serde(default)]
    pub bename: Option<String>,
    /// x86 only: `fdisk` profile lines, each `disk type size` (e.g. `c1t0d0 solaris all`,
    /// `rootdisk solaris maxfree`). Default: a Solaris partition over each whole root disk
    /// (`fdisk <disk> solaris all`; `fdisk rootdisk solaris all` when the installer picks
    /// the disk), since the installer's own default (`all solaris maxfree`) fails on a
    /// disk whose space other partitions use.
    #[serde(default)]
    pub fdisk: Option<Vec<String>>,
    /// Software group (default `SUNWCreq`: the finish script replaces it anyway).
    #[serde(default)]
    pub cluster: Option<String>,
    /// Locale to install (`locale` profile keyword), optional.
    #[serde(default)]
    pub locale: Option<String>,
}

/// Deployment options of a class (what the finish step does).
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Deploy {
    /// Name of the new boot environment (dataset `<pool>/ROOT/<be>`); default the class name.
    #[serde(default)]
    pub be: Option<String>,
    /// ZFS properties set on the new boot environment (e.g. `compression: on`).
    #[serde(default)]
    pub properties: BTreeMap<String, String>,
    /// Identity reset: paths relative to the new root. Default: the Solaris 10 sysid set.
    #[serde(default)]
    pub identity: Option<Identity>,
    /// Commands run with the new boot environment mounted, after the identity reset.
    #[serde(default)]
    pub hooks: Vec<Hook>,
}

/// A hook: a command run while the new boot environment is mounted.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Hook {
    /// A name for logs.
    pub name: String,
    /// Program and arguments. No shell is involved natively; the shell finish script
    /// double-quotes each argument (so `$SI_…` references expand there, as they do when
    /// the argv is `[/bin/sh, -c, "…"]` natively).
    pub argv: Vec<String>,
    /// `chroot` (default: the command sees the new BE as `/`) or `argument` (run in the
    /// miniroot with the BE's mount path appended as the last argument).
    #[serde(default)]
    pub mode: Option<HookMode>,
}

/// How a hook runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum HookMode {
    /// `chroot <BE> argv…`.
    Chroot,
    /// `argv… <BE>`.
    Argument,
}

/// Identity-reset list.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Identity {
    /// Files created empty (default `reconfigure`, `etc/.UNCONFIGURED`).
    #[serde(default)]
    pub create: Vec<String>,
    /// Files removed (default `etc/nodename`, `etc/.sysIDtool.state`).
    #[serde(default)]
    pub remove: Vec<String>,
}

/// One client.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Client {
    /// Host name (letters, digits, `-`).
    #[schemars(pattern(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$"))]
    pub hostname: String,
    /// Ethernet address, e.g. `8:0:20:a1:b2:c3`.
    #[schemars(pattern(r"^[0-9A-Fa-f]{1,2}([:-][0-9A-Fa-f]{1,2}){5}$"))]
    pub mac: String,
    /// IPv4 address.
    #[schemars(pattern(r"^(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}$"))]
    pub ip: String,
    /// Processor architecture: `sparc` (default) or `i386`.
    #[serde(default)]
    #[schemars(extend("enum" = ["sparc", "i386", null]))]
    pub arch: Option<String>,
    /// Platform group: `sun4u` (default for sparc), `sun4v` or `i86pc` (default for i386).
    #[serde(default)]
    #[schemars(extend("enum" = ["sun4u", "sun4v", "sun4us", "i86pc", null]))]
    pub karch: Option<String>,
    /// Class name (default `defaults.class`, or the only class).
    #[serde(default)]
    pub class: Option<String>,
    /// Rule match pieces replacing the default `hostname <name>`, e.g.
    /// `["karch sun4u", "network 10.1.1.0"]` (joined with `&&`).
    #[serde(default, rename = "match")]
    pub match_pieces: Option<Vec<String>>,
    /// sysidcfg values for this client (override class and site defaults).
    #[serde(default)]
    pub sysidcfg: Sysidcfg,
    /// Multi-server sites: the boot server (a name in `servers`), instead of the one whose
    /// `networks` hold the client's address.
    #[serde(default)]
    pub boot_server: Option<String>,
    /// Multi-server sites: the install server, when the boot server is not one for the
    /// client's architecture and several install servers have its image.
    #[serde(default)]
    pub install_server: Option<String>,
}

/// sysidcfg values. Every field is optional at each level; the merged result must give
/// everything a hands-off install needs.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sysidcfg {
    /// `system_locale` (default `C`).
    #[serde(default)]
    pub locale: Option<String>,
    /// `timezone`, e.g. `US/Eastern` (required somewhere).
    #[serde(default)]
    pub timezone: Option<String>,
    /// `terminal` (default `vt100`).
    #[serde(default)]
    pub terminal: Option<String>,
    /// `timeserver` (default `localhost`).
    #[serde(default)]
    pub timeserver: Option<String>,
    /// `keyboard` layout (default `US-English`).
    #[serde(default)]
    pub keyboard: Option<String>,
    /// `name_service` (default `NONE`).
    #[serde(default)]
    pub name_service: Option<NameService>,
    /// `network_interface` settings; host name and IP come from the client.
    #[serde(default)]
    pub network_interface: Option<NetworkInterface>,
    /// `root_password`: a crypt(3) hash as in `/etc/shadow` (required somewhere).
    #[serde(default)]
    #[schemars(pattern(r"^([./0-9A-Za-z]{13}|\$1\$[./0-9A-Za-z]{1,8}\$[./0-9A-Za-z]{22}|\$md5(,rounds=[0-9]{1,9})?\$[./0-9A-Za-z]{1,8}\$\$?[./0-9A-Za-z]{22}|\$2a\$(0[4-9]|[12][0-9]|3[01])\$[./0-9A-Za-z]{53}|\$5\$(rounds=[0-9]{1,9}\$)?[./0-9A-Za-z]{0,16}\$[./0-9A-Za-z]{43}|\$6\$(rounds=[0-9]{1,9}\$)?[./0-9A-Za-z]{0,16}\$[./0-9A-Za-z]{86})$"))]
    pub root_password: Option<String>,
    /// `security_policy` (default `NONE`).
    #[serde(default)]
    pub security_policy: Option<SecurityPolicy>,
    /// `nfs4_domain` (default `dynamic`).
    #[serde(default)]
    pub nfs4_domain: Option<String>,
    /// `service_profile`: `limited_net` or `open` (omitted by default).
    #[serde(default)]
    #[schemars(extend("enum" = ["limited_net", "open", null]))]
    pub service_profile: Option<String>,
    /// `auto_reg` (default `disable`).
    #[serde(default)]
    #[schemars(extend("enum" = ["disable", "anon", "noproxy", "all", null]))]
    pub auto_reg: Option<String>,
}

/// `name_service`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, tag = "type")]
pub enum NameService {
    /// No name service.
    #[serde(rename = "NONE")]
    None,
    /// DNS.
    #[serde(rename = "DNS")]
    Dns {
        /// `domain_name`.
        domain_name: String,
        /// `name_server` (1 to 3 IPv4 addresses).
        name_servers: Vec<String>,
        /// `search` list (up to 6 domains).
        #[serde(default)]
        search: Vec<String>,
    },
    /// NIS.
    #[serde(rename = "NIS")]
    Nis {
        /// `domain_name`.
        domain_name: String,
        /// `name_server` as `host(ip)`; omitted = broadcast.
        #[serde(default)]
        name_server: Option<String>,
    },
    /// LDAP.
    #[serde(rename = "LDAP")]
    Ldap {
        /// `domain_name`.
        domain_name: String,
        /// `profile`.
        profile: String,
        /// `profile_server` (IPv4).
        profile_server: String,
    },
}

/// `network_interface` settings shared by a site or class.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NetworkInterface {
    /// Interface: `PRIMARY` (default) or a name such as `e1000g0`.
    #[serde(default)]
    pub interface: Option<String>,
    /// Netmask (required somewhere), e.g. `255.255.255.0`.
    #[serde(default)]
    #[schemars(pattern(r"^(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}$"))]
    pub netmask: Option<String>,
    /// Default route (IPv4 or `NONE`).
    #[serde(default)]
    pub default_route: Option<String>,
    /// `protocol_ipv6` (default false).
    #[serde(default)]
    pub protocol_ipv6: Option<bool>,
}

/// `security_policy`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, tag = "type")]
pub enum SecurityPolicy {
    /// No policy.
    #[serde(rename = "NONE")]
    None,
    /// Kerberos.
    #[serde(rename = "kerberos")]
    Kerberos {
        /// `default_realm`.
        default_realm: String,
        /// `admin_server`.
        admin_server: String,
        /// `kdc` list (1 to 3).
        kdc: Vec<String>,
    },
}

/// The JSON Schema of the site file, pretty-printed.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(SiteFile);
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema always serialises");
    text.push('\n');
    text
}
