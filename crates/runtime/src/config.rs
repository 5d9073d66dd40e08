//! The deploy config: the versioned YAML file `zflash finish` reads (the generator emits one
//! per class or client). Reference with examples: `docs/deploy.md`.
//!
//! ```yaml
//! version: 1
//! archive: js-server:/export/flash/s10u6.zfs   # path | server:/path (NFS) | http(s) URL (reserved)
//! pool: rpool
//! be_name: s10u6_gold
//! properties: { compression: "on" }
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};
use zflash_zfs::{Dataset, NameError};

/// The only config version this runtime understands.
pub const CONFIG_VERSION: u32 = 1;

/// A deploy config, `version: 1`. Unknown keys are errors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeployConfig {
    /// Config format version; must be 1.
    pub version: u32,
    /// Where the archive (a zflash archive or a bare `zfs send` stream) is.
    pub archive: ArchiveLocation,
    /// Optional separate manifest (JSON) describing the archive; `None` when the archive
    /// carries its own or is a bare stream.
    #[serde(default)]
    pub manifest: Option<String>,
    /// Differential archives applied in order on top of `archive` (each made by
    /// `zflash capture --from` or `zfs send -i`, from the previous archive's snapshot).
    /// Each is a path or `server:/path`; empty (the default) = the base archive alone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub increments: Vec<ArchiveLocation>,
    /// Expected SHA-256 (64 hex digits) of the stored bytes of archives of the chain,
    /// keyed by the archive as written in `archive` or `increments` (the generator writes
    /// the site file's `sha256:` or the manifest's digest). It is the archive's id and the
    /// digest checked while receiving when no manifest gives one; a manifest that says
    /// otherwise is refused before any change.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sha256: BTreeMap<String, String>,
    /// Read every archive through once (records, checksums, digest against the manifest)
    /// during preflight, before any change, in addition to the verified receive.
    #[serde(default, skip_serializing_if = "is_false")]
    pub verify_first: bool,
    /// Root pool name (JumpStart's `pool` profile keyword; default `rpool`).
    #[serde(default = "default_pool")]
    pub pool: String,
    /// Name of the new boot environment: the dataset `<pool>/ROOT/<be_name>`.
    pub be_name: String,
    /// ZFS properties set on the final boot environment (e.g. `compression: "on"`).
    #[serde(default)]
    pub properties: BTreeMap<String, String>,
    /// Identity reset, applied to the new BE and checked again afterwards.
    /// Default: the Solaris 10 sysid set (see [`default_identity_reset`]).
    #[serde(default = "default_identity_reset")]
    pub identity_reset: Vec<IdentityEntry>,
    /// `sysidcfg` to copy into the new BE's `etc/sysidcfg`: relative to `SI_CONFIG_DIR`
    /// or absolute; `null` copies none. Default `sysidcfg`.
    #[serde(default = "default_sysidcfg")]
    pub sysidcfg: Option<String>,
    /// Commands run with the new BE mounted, in order; a failing hook aborts (rollback).
    #[serde(default)]
    pub hooks: Vec<Hook>,
    /// Logs of the installed BE copied into the new one.
    #[serde(default)]
    pub preserve_logs: PreserveLogs,
    /// Keep the received `@flar` snapshot of the new BE (default: destroy it).
    #[serde(default)]
    pub keep_snapshot: bool,
    /// Less common knobs.
    #[serde(default)]
    pub options: Options,
    /// The Solaris 10 release of the clients' install image (`10/08`, `s10u6`): the
    /// plan uses only the zfs commands it has. Absent: every command (today's behaviour).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_release: Option<String>,
    /// The fleet report directory: a path in the miniroot or `server:/dir` (NFS, mounted
    /// read-write) where the run writes `<host>.json` (see [`crate::report`]). Absent: no
    /// report. A directory that cannot be mounted or written only gives a warning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reports: Option<ArchiveLocation>,
}

/// An identity-reset entry; paths are relative to the new BE's root. Written as a
/// one-key map: `- touch: reconfigure`, `- remove: etc/nodename`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentityEntry {
    /// Create an empty file (or leave an existing one): `- touch: reconfigure`.
    Touch(String),
    /// Remove a file if present: `- remove: etc/nodename`.
    Remove(String),
}

impl Serialize for IdentityEntry {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(1))?;
        match self {
            IdentityEntry::Touch(p) => m.serialize_entry("touch", p)?,
            IdentityEntry::Remove(p) => m.serialize_entry("remove", p)?,
        }
        m.end()
    }
}

impl<'de> Deserialize<'de> for IdentityEntry {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let m = BTreeMap::<String, String>::deserialize(d)?;
        let mut it = m.into_iter();
        match (it.next(), it.next()) {
            (Some((k, p)), None) => match k.as_str() {
                "touch" => Ok(IdentityEntry::Touch(p)),
                "remove" => Ok(IdentityEntry::Remove(p)),
                other => Err(D::Error::custom(format!(
                    "unknown identity_reset entry `{other}`, expected `touch` or `remove`"
                ))),
            },
            _ => Err(D::Error::custom(
                "an identity_reset entry is one `touch: PATH` or `remove: PATH`",
            )),
        }
    }
}

impl IdentityEntry {
    /// The BE-relative path.
    pub fn path(&self) -> &str {
        match self {
            IdentityEntry::Touch(p) | IdentityEntry::Remove(p) => p,
        }
    }
}

/// How a hook command is run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HookMode {
    /// `chroot <BE mount> argv…`: the command sees the new BE as `/`.
    #[default]
    Chroot,
    /// `argv… <BE mount>`: run in the miniroot with the BE mount path appended as last argument.
    Argument,
}

/// A hook: a command run while the new BE is mounted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hook {
    /// A name for logs and the plan.
    pub name: String,
    /// Program and arguments (no shell involved; use `[/bin/sh, -c, "…"]` for one).
    pub argv: Vec<String>,
    /// `chroot` (default) or `argument`.
    #[serde(default)]
    pub mode: HookMode,
}

/// Log preservation: which installed-BE directories are copied into the new BE.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreserveLogs {
    /// Copy at all (default true).
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Directories relative to the BE root (default `var/sadm/system/logs`); the runtime's
    /// own log goes into the first one as `zflash-finish.log`.
    #[serde(default = "default_log_paths")]
    pub paths: Vec<String>,
}

impl Default for PreserveLogs {
    fn default() -> Self {
        PreserveLogs {
            enabled: true,
            paths: default_log_paths(),
        }
    }
}

/// Less common knobs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Options {
    /// Where an NFS archive source is mounted (default `/tmp/zflash-source`).
    #[serde(default = "default_source_mountpoint")]
    pub source_mountpoint: String,
    /// Temporary `mountpoint` of the new BE while it is edited, under the altroot
    /// (default `/.zflash/<be_name>`).
    #[serde(default)]
    pub be_mountpoint: Option<String>,
    /// Name of the received snapshot (default `flar`).
    #[serde(default = "default_snapshot")]
    pub snapshot: String,
    /// Replace an existing BE of the same name that this archive did not deploy
    /// (same as `--force`).
    #[serde(default)]
    pub force: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            source_mountpoint: default_source_mountpoint(),
            be_mountpoint: None,
            snapshot: default_snapshot(),
            force: false,
        }
    }
}

fn yes() -> bool {
    true
}
fn is_false(b: &bool) -> bool {
    !*b
}
fn default_pool() -> String {
    "rpool".to_string()
}
fn default_sysidcfg() -> Option<String> {
    Some("sysidcfg".to_string())
}
fn default_log_paths() -> Vec<String> {
    vec!["var/sadm/system/logs".to_string()]
}
fn default_source_mountpoint() -> String {
    "/tmp/zflash-source".to_string()
}
fn default_snapshot() -> String {
    "flar".to_string()
}

/// The Solaris 10 sysid set, as a JumpStart finish script resets it: sysidtool then asks for (or
/// reads from sysidcfg) a new identity at first boot.
pub fn default_identity_reset() -> Vec<IdentityEntry> {
    vec![
        IdentityEntry::Touch("reconfigure".into()),
        IdentityEntry::Touch("etc/.UNCONFIGURED".into()),
        IdentityEntry::Remove("etc/nodename".into()),
        IdentityEntry::Remove("etc/.sysIDtool.state".into()),
    ]
}

/// Where the archive comes from. Written in the config as one string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArchiveLocation {
    /// A file visible in the miniroot.
    Path(String),
    /// `server:/export/dir/file`: the directory is mounted read-only, the file read from it.
    Nfs {
        /// NFS server name or address.
        server: String,
        /// Absolute path of the archive file on the server.
        path: String,
    },
    /// `http://` or `https://` URL: parsed, refused at run time (not supported yet).
    Url(String),
}

impl ArchiveLocation {
    /// Parse the config string form.
    pub fn parse(s: &str) -> Result<ArchiveLocation, ConfigError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(ConfigError::Invalid("`archive` is empty".into()));
        }
        if s.starts_with("http://") || s.starts_with("https://") {
            return Ok(ArchiveLocation::Url(s.to_string()));
        }
        if s.starts_with('-') {
            return Err(ConfigError::Invalid(format!(
                "`archive: {s}`: {LEADING_DASH}"
            )));
        }
        if let Some((server, path)) = s.split_once(':')
            && !s.starts_with('/')
            && !server.contains('/')
        {
            if server.is_empty() || !path.starts_with('/') || path.ends_with('/') {
                return Err(ConfigError::Invalid(format!(
                    "`archive: {s}`: an NFS source is `server:/absolute/path/to/archive`"
                )));
            }
            return Ok(ArchiveLocation::Nfs {
                server: server.to_string(),
                path: path.to_string(),
            });
        }
        Ok(ArchiveLocation::Path(s.to_string()))
    }

    /// For NFS: (`server:/dir`, `file name`).
    pub fn nfs_split(&self) -> Option<(String, String)> {
        match self {
            ArchiveLocation::Nfs { server, path } => {
                let (dir, file) = path.rsplit_once('/').unwrap_or(("", path));
                let dir = if dir.is_empty() { "/" } else { dir };
                Some((format!("{server}:{dir}"), file.to_string()))
            }
            _ => None,
        }
    }
}

impl fmt::Display for ArchiveLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArchiveLocation::Path(p) | ArchiveLocation::Url(p) => f.write_str(p),
            ArchiveLocation::Nfs { server, path } => write!(f, "{server}:{path}"),
        }
    }
}

impl Serialize for ArchiveLocation {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ArchiveLocation {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        ArchiveLocation::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// A config that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read deploy config {path}: {error}")]
    Read {
        /// File name.
        path: String,
        /// Cause; in the message, not a `source()`, so that a cause chain does not
        /// print it twice.
        error: std::io::Error,
    },
    /// YAML syntax or schema error (unknown key, wrong type…).
    #[error("{path}: {message}")]
    Parse {
        /// File name.
        path: String,
        /// serde's message, with line and column.
        message: String,
    },
    /// Semantically invalid.
    #[error("invalid deploy config: {0}")]
    Invalid(String),
}

impl DeployConfig {
    /// Read and validate a YAML config file.
    pub fn load(path: &Path) -> Result<DeployConfig, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|error| ConfigError::Read {
            path: path.display().to_string(),
            error,
        })?;
        DeployConfig::from_yaml(&text).map_err(|e| match e {
            ConfigError::Parse { message, .. } => ConfigError::Parse {
                path: path.display().to_string(),
                message,
            },
            ConfigError::Invalid(m) => ConfigError::Invalid(format!("{}: {m}", path.display())),
            other => other,
        })
    }

    /// Parse and validate YAML text.
    pub fn from_yaml(text: &str) -> Result<DeployConfig, ConfigError> {
        // A byte order mark (Windows editors) is not YAML content: the parser would take
        // it for part of the first key.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let cfg: DeployConfig = serde_yaml::from_str(text).map_err(|e| ConfigError::Parse {
            path: "<config>".into(),
            message: e.to_string(),
        })?;
        cfg.validate()?;
        Ok(cfg)
    }

    /// The new BE's dataset, `<pool>/ROOT/<be_name>`.
    pub fn be_dataset(&self) -> Result<Dataset, NameError> {
        Dataset::new(self.root_dataset_name(""))
    }

    /// The temporary dataset the stream is received into.
    pub fn temp_dataset(&self) -> Result<Dataset, NameError> {
        Dataset::new(self.root_dataset_name(".zflash-tmp-"))
    }

    /// Where an existing BE of the same name is parked during a `--force` deploy.
    pub fn old_dataset(&self) -> Result<Dataset, NameError> {
        Dataset::new(self.root_dataset_name(".zflash-old-"))
    }

    /// `<pool>/ROOT/<prefix><be_name>`, unchecked: for messages and for the checks of
    /// [`validate`](Self::validate) that come before the components are known valid.
    pub fn root_dataset_name(&self, prefix: &str) -> String {
        format!("{}/ROOT/{prefix}{}", self.pool, self.be_name)
    }

    /// Temporary `mountpoint` property value of the new BE.
    pub fn be_mountpoint(&self) -> String {
        self.options
            .be_mountpoint
            .clone()
            .unwrap_or_else(|| format!("/.zflash/{}", self.be_name))
    }

    /// Check everything that can be checked without the system.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let bad = |m: String| Err(ConfigError::Invalid(m));
        if self.version != CONFIG_VERSION {
            return bad(format!(
                "`version: {}` is not supported; this zflash reads version {CONFIG_VERSION}",
                self.version
            ));
        }
        if let Some(r) = &self.image_release
            && zflash_parser::release::Release::parse(r).is_none()
        {
            return bad(format!(
                "`image_release: {r}`: not a Solaris 10 release; known: {}",
                zflash_parser::release::Release::known_list()
            ));
        }
        match &self.reports {
            Some(ArchiveLocation::Url(u)) => {
                return bad(format!(
                    "`reports: {u}`: a report directory is a path or `server:/dir`, not a URL"
                ));
            }
            Some(ArchiveLocation::Path(p)) if !p.starts_with('/') => {
                return bad(format!(
                    "`reports: {p}`: a report directory is an absolute path or `server:/dir`"
                ));
            }
            _ => {}
        }
        if let Err(m) = validate_component(&self.pool) {
            return bad(format!("`pool: {}`: {m}", self.pool));
        }
        if let Err(m) = validate_component(&self.be_name) {
            return bad(format!("`be_name: {}`: {m}", self.be_name));
        }
        if self.be_name.starts_with(".zflash") {
            return bad(format!(
                "`be_name: {}`: names starting with `.zflash` are reserved for zflash's temporary datasets",
                self.be_name
            ));
        }
        let longest = format!(
            "{}@{}",
            self.root_dataset_name(".zflash-old-"),
            self.options.snapshot
        );
        if longest.len() > 255 {
            return bad(format!(
                "`be_name: {}`: too long ({longest} would exceed ZFS's 255-character names)",
                self.be_name
            ));
        }
        if let Err(m) = validate_component(&self.options.snapshot) {
            return bad(format!(
                "`options.snapshot: {}`: {m}",
                self.options.snapshot
            ));
        }
        for (k, v) in &self.properties {
            if k.is_empty() || k.contains(['=', ' ', '\t', '\n']) {
                return bad(format!("`properties`: `{k}` is not a property name"));
            }
            if k.starts_with('-') {
                return bad(format!("`properties`: `{k}`: {LEADING_DASH}"));
            }
            if matches!(k.as_str(), "mountpoint" | "canmount") {
                return bad(format!(
                    "`properties.{k}` is managed by zflash (the BE ends with canmount=noauto, mountpoint=/)"
                ));
            }
            if v.contains('\n') {
                return bad(format!("`properties.{k}`: value has a newline"));
            }
        }
        for e in &self.identity_reset {
            check_relative(e.path(), "identity_reset")?;
        }
        for p in &self.preserve_logs.paths {
            check_relative(p, "preserve_logs.paths")?;
        }
        for h in &self.hooks {
            if h.argv.is_empty() || h.argv[0].is_empty() {
                return bad(format!("hook `{}`: `argv` is empty", h.name));
            }
        }
        for (key, mp) in [
            (
                "options.source_mountpoint",
                Some(self.options.source_mountpoint.clone()),
            ),
            ("options.be_mountpoint", self.options.be_mountpoint.clone()),
        ] {
            if let Some(mp) = mp
                && (!mp.starts_with('/') || mp == "/" || mp.contains(".."))
            {
                return bad(format!(
                    "`{key}: {mp}` must be an absolute path other than /"
                ));
            }
        }
        for (i, inc) in self.increments.iter().enumerate() {
            if *inc == self.archive || self.increments[..i].contains(inc) {
                return bad(format!(
                    "`increments`: {inc} is listed twice (each archive of the chain is applied once)"
                ));
            }
            if let ArchiveLocation::Url(u) = inc {
                return bad(format!(
                    "`increments`: {u}: http(s) sources are not supported yet; use a path or server:/path"
                ));
            }
        }
        if let Some(m) = &self.manifest
            && m.trim().is_empty()
        {
            return bad("`manifest` is empty".into());
        }
        for (key, digest) in &self.sha256 {
            let listed = ArchiveLocation::parse(key)
                .is_ok_and(|loc| loc == self.archive || self.increments.contains(&loc));
            if !listed {
                return bad(format!(
                    "`sha256`: `{key}` is neither the `archive` nor one of the `increments`"
                ));
            }
            if digest.len() != 64 || !digest.bytes().all(|b| b.is_ascii_hexdigit()) {
                return bad(format!(
                    "`sha256.{key}: {digest}` is not a SHA-256 digest (64 hex digits)"
                ));
            }
        }
        let mut seen = Vec::new();
        for key in self.sha256.keys() {
            if let Ok(loc) = ArchiveLocation::parse(key) {
                if seen.contains(&loc) {
                    return bad(format!("`sha256`: {loc} is given twice"));
                }
                seen.push(loc);
            }
        }
        Ok(())
    }

    /// The archives of the chain in receive order: `archive`, then each increment.
    pub fn chain(&self) -> Vec<&ArchiveLocation> {
        std::iter::once(&self.archive)
            .chain(&self.increments)
            .collect()
    }

    /// The expected SHA-256 (lower-case hex) of archive `index` of the [`chain`](Self::chain)
    /// given in `sha256`, if any.
    pub fn expected_sha256(&self, index: usize) -> Option<String> {
        let wanted = self.chain().get(index).copied()?;
        self.sha256.iter().find_map(|(key, digest)| {
            (ArchiveLocation::parse(key).ok().as_ref() == Some(wanted))
                .then(|| digest.to_ascii_lowercase())
        })
    }
}

/// The dataset name rules (one component: letters, digits, `_ - . :`, no leading `-`),
/// shared with every name the runtime builds.
pub use zflash_zfs::name::{LEADING_DASH, validate_component};

fn check_relative(p: &str, key: &str) -> Result<(), ConfigError> {
    if p.starts_with('-') {
        return Err(ConfigError::Invalid(format!(
            "`{key}`: `{p}` {LEADING_DASH}"
        )));
    }
    if p.is_empty() || p.starts_with('/') || p.split('/').any(|c| c == "..") {
        return Err(ConfigError::Invalid(format!(
            "`{key}`: `{p}` must be a path relative to the BE root, without `..`"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_config_gets_the_seed_defaults() {
        let c = DeployConfig::from_yaml("version: 1\narchive: /flar/s10.zfs\nbe_name: s10gold\n")
            .unwrap();
        assert_eq!(c.pool, "rpool");
        assert_eq!(c.be_dataset().unwrap(), "rpool/ROOT/s10gold");
        assert_eq!(c.identity_reset, default_identity_reset());
        assert_eq!(c.sysidcfg.as_deref(), Some("sysidcfg"));
        assert!(c.preserve_logs.enabled);
        assert_eq!(c.archive, ArchiveLocation::Path("/flar/s10.zfs".into()));
    }

    #[test]
    fn a_windows_edited_config_reads_the_same() {
        let unix = "version: 1\narchive: /flar/s10.zfs\nbe_name: s10gold\n";
        let windows = format!("\u{feff}{}", unix.replace('\n', "\r\n"));
        assert_eq!(
            DeployConfig::from_yaml(&windows).unwrap(),
            DeployConfig::from_yaml(unix).unwrap()
        );
    }

    #[test]
    fn archive_locations_parse() {
        assert_eq!(
            ArchiveLocation::parse("js:/export/flash/a.zfs").unwrap(),
            ArchiveLocation::Nfs {
                server: "js".into(),
                path: "/export/flash/a.zfs".into()
            }
        );
        let nfs = ArchiveLocation::parse("js:/export/flash/a.zfs").unwrap();
        assert_eq!(
            nfs.nfs_split(),
            Some(("js:/export/flash".into(), "a.zfs".into()))
        );
        assert!(matches!(
            ArchiveLocation::parse("https://h/a.zfs").unwrap(),
            ArchiveLocation::Url(_)
        ));
        assert!(ArchiveLocation::parse("js:relative").is_err());
        assert_eq!(
            ArchiveLocation::parse("./a:b.zfs").unwrap(),
            ArchiveLocation::Path("./a:b.zfs".into())
        );
    }

    #[test]
    fn unknown_key_is_an_error_with_position() {
        let e = DeployConfig::from_yaml("version: 1\narchive: /a\nbe_name: x\nbogus: 1\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown field `bogus`"), "{e}");
        assert!(e.contains("line 4"), "{e}");
    }

    #[test]
    fn bad_values_are_refused() {
        for (yaml, want) in [
            ("version: 2\narchive: /a\nbe_name: x\n", "version"),
            ("version: 1\narchive: /a\nbe_name: 'a b'\n", "be_name"),
            ("version: 1\narchive: /a\nbe_name: a/b\n", "be_name"),
            ("version: 1\narchive: /a\nbe_name: .zflash-x\n", "reserved"),
            (
                "version: 1\narchive: /a\nbe_name: x\nproperties: {mountpoint: /x}\n",
                "managed",
            ),
            (
                "version: 1\narchive: /a\nbe_name: x\nidentity_reset: [{remove: /etc/x}]\n",
                "relative",
            ),
            // Names that become command arguments never start with `-` (option injection).
            (
                "version: 1\narchive: /a\nbe_name: x\nproperties: {-rf: on}\n",
                "option",
            ),
            ("version: 1\narchive: /a\nbe_name: -x\n", "option"),
            ("version: 1\narchive: /a\npool: -f\nbe_name: x\n", "option"),
            (
                "version: 1\narchive: /a\nbe_name: x\noptions: {snapshot: -r}\n",
                "option",
            ),
            ("version: 1\narchive: -rf\nbe_name: x\n", "option"),
            (
                "version: 1\narchive: /a\nbe_name: x\nsha256: {/b: 00}\n",
                "neither the `archive` nor one of the `increments`",
            ),
            (
                "version: 1\narchive: /a\nbe_name: x\nsha256: {/a: abc}\n",
                "64 hex digits",
            ),
            (
                "version: 1\narchive: /a\nbe_name: x\nidentity_reset: [{remove: -rf}]\n",
                "option",
            ),
        ] {
            let e = DeployConfig::from_yaml(yaml).unwrap_err().to_string();
            assert!(e.contains(want), "{yaml}: {e}");
        }
    }

    #[test]
    fn expected_digests_are_found_by_archive_in_chain_order() {
        let base = "a".repeat(64);
        let second = "B".repeat(64);
        let c = DeployConfig::from_yaml(&format!(
            "version: 1\narchive: js:/flash/s10.zfs\nincrements: [/flash/p1.zfs, js:/flash/p2.zfs]\n\
             be_name: x\nsha256:\n  js:/flash/p2.zfs: {second}\n  js:/flash/s10.zfs: {base}\n"
        ))
        .unwrap();
        assert_eq!(c.expected_sha256(0), Some(base));
        assert_eq!(c.expected_sha256(1), None);
        assert_eq!(c.expected_sha256(2), Some(second.to_ascii_lowercase()));
        assert_eq!(c.expected_sha256(3), None);
        let back = serde_yaml::to_string(&c).unwrap();
        assert_eq!(DeployConfig::from_yaml(&back).unwrap(), c);
        // No digest: the key is not written at all.
        let bare = DeployConfig::from_yaml("version: 1\narchive: /a\nbe_name: x\n").unwrap();
        assert!(!serde_yaml::to_string(&bare).unwrap().contains("sha256"));
    }

    #[test]
    fn full_config_round_trips() {
        let yaml = r#"
version: 1
archive: js-server:/export/flash/s10u6.zfs
manifest: /export/flash/s10u6.manifest.json
pool: rpool
be_name: s10u6_gold
properties:
  compression: "on"
identity_reset:
  - touch: reconfigure
  - remove: etc/nodename
sysidcfg: null
hooks:
  - name: motd
    argv: [/bin/sh, -c, "echo hi > /etc/motd"]
  - name: audit
    argv: [/usr/local/bin/audit]
    mode: argument
preserve_logs: { enabled: false, paths: [] }
keep_snapshot: true
options: { source_mountpoint: /tmp/src, snapshot: gold, force: true }
"#;
        let c = DeployConfig::from_yaml(yaml).unwrap();
        assert_eq!(c.hooks[1].mode, HookMode::Argument);
        assert_eq!(c.sysidcfg, None);
        let back = serde_yaml::to_string(&c).unwrap();
        assert_eq!(DeployConfig::from_yaml(&back).unwrap(), c);
    }
}
