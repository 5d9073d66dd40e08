//! Site file → validated [`Site`]: every value checked against what the files it ends up
//! in (rules, profiles, sysidcfg, bootparams, Bourne shell) accept, all problems collected.

use std::collections::{BTreeMap, HashMap};
use std::net::Ipv4Addr;
use std::path::Path;

use zflash_parser::sysidcfg::keywords::did_you_mean;
use zflash_parser::sysidcfg::timezones::{self, is_known_timezone};

use crate::error::{SiteErrors, SiteProblem};
use crate::model::{self, Location};
use crate::site::{self, Compression, FinishKind, MatchBy, NameService, SecurityPolicy, SiteFile};

// What a JumpStart client really gets (x86 platform of a class, fdisk, the installed BE's
// name): kept apart from the general site checks.
mod jumpstart;

/// Parse and validate a site file's text. `path` is only used in messages and to resolve
/// manifest paths.
pub fn load(path: &Path, text: &str) -> Result<model::Site, SiteErrors> {
    let fail = |problems| SiteErrors {
        path: path.to_path_buf(),
        problems,
    };
    // A byte order mark (Windows editors) is not YAML content: the parser takes it for
    // part of the first key when the file starts with one rather than a comment.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let file: SiteFile = match serde_yaml::from_str(text) {
        Ok(f) => f,
        Err(e) => {
            let loc = e.location();
            let mut message = strip_location(&e.to_string());
            // An editor that indents with tabs: say so, the parser's words do not.
            let at_tab = loc.as_ref().is_some_and(|l| {
                text.lines()
                    .nth(l.line().saturating_sub(1))
                    .and_then(|line| line.chars().nth(l.column().saturating_sub(1)))
                    == Some('\t')
            });
            if at_tab {
                message.push_str(" (a tab: YAML indents with spaces only)");
            }
            return Err(fail(vec![SiteProblem {
                line: loc.as_ref().map(|l| l.line()),
                column: loc.as_ref().map(|l| l.column()),
                message,
            }]));
        }
    };
    let mut v = Validator {
        text,
        dir: path.parent().unwrap_or(Path::new(".")),
        problems: Vec::new(),
    };
    let site = v.site(&file);
    if v.problems.is_empty() {
        Ok(site)
    } else {
        let mut problems = v.problems;
        // A value inherited by several clients (defaults, class) is checked once per
        // client: report each problem once.
        let mut seen = std::collections::HashSet::new();
        problems.retain(|p| seen.insert((p.line, p.column, p.message.clone())));
        problems.sort_by_key(|p| p.line.unwrap_or(usize::MAX));
        Err(fail(problems))
    }
}

/// yaml_serde appends " at line L column C"; we print the location ourselves. serde names
/// the Rust type a mapping was expected for ("expected struct Server"): say it in YAML terms.
fn strip_location(message: &str) -> String {
    let message = match message.rfind(" at line ") {
        Some(i) => &message[..i],
        None => message,
    };
    match message.find("expected struct ") {
        Some(i) => {
            let rest = &message[i + "expected struct ".len()..];
            let name_end = rest
                .find(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                .unwrap_or(rest.len());
            format!(
                "{}expected a mapping of `key: value` lines{}",
                &message[..i],
                &rest[name_end..]
            )
        }
        None => message.to_string(),
    }
}

struct Validator<'a> {
    text: &'a str,
    dir: &'a Path,
    problems: Vec<SiteProblem>,
}

/// Characters that carry meaning in Bourne shell, rules, sysidcfg or bootparams.
const META: &[char] = &[
    ';', '&', '|', '<', '>', '$', '`', '\\', '"', '\'', '(', ')', '{', '}', '*', '?', '[', ']',
    '#', '~', '!', '=', '%', '^',
];

fn describe_bad_char(value: &str) -> Option<String> {
    if value.contains('\n') || value.contains('\r') {
        return Some("contains a newline".into());
    }
    if let Some(c) = value.chars().find(|c| c.is_control()) {
        return Some(format!("contains the control character {c:?}"));
    }
    if let Some(c) = value.chars().find(|c| c.is_whitespace()) {
        return Some(format!("contains whitespace {c:?}"));
    }
    if let Some(c) = value.chars().find(|c| META.contains(c)) {
        return Some(format!("contains the shell metacharacter `{c}`"));
    }
    if !value.is_ascii() {
        return Some("contains non-ASCII characters".into());
    }
    None
}

fn is_slice(s: &str) -> bool {
    // c[0-9]+(t[0-9A-Fa-f]+)?d[0-9]+s[0-7]; the target may hold `d` (hex), so split
    // at the last `d`.
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let Some(body) = s.strip_prefix('c') else {
        return false;
    };
    let Some((disk, slice)) = body.rsplit_once('s') else {
        return false;
    };
    if !matches!(slice.as_bytes(), [b'0'..=b'7']) {
        return false;
    }
    let Some((ct, d)) = disk.rsplit_once('d') else {
        return false;
    };
    if !all_digits(d) {
        return false;
    }
    match ct.split_once('t') {
        Some((c, t)) => all_digits(c) && !t.is_empty() && t.bytes().all(|b| b.is_ascii_hexdigit()),
        None => all_digits(ct),
    }
}

fn is_size(s: &str) -> bool {
    let body = s.strip_suffix(['g', 'G', 'm', 'M']).unwrap_or(s);
    !body.is_empty() && body.len() < 10 && body.bytes().all(|b| b.is_ascii_digit())
}

/// Parse an IPv4 address in strict dotted-quad form.
fn parse_ipv4(s: &str) -> Option<Ipv4Addr> {
    s.parse::<Ipv4Addr>().ok().filter(|ip| ip.to_string() == s)
}

fn is_netmask(s: &str) -> bool {
    parse_ipv4(s).is_some_and(|ip| {
        let m = u32::from(ip);
        m != 0 && m.leading_ones() + m.trailing_zeros() == 32
    })
}

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

fn is_hostname(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

fn is_domain(s: &str) -> bool {
    !s.is_empty() && s.len() <= 253 && s.split('.').all(is_hostname)
}

/// A dataset name component (pool, BE).
fn is_dataset_component(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 30
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':'))
        && !s.contains("..")
        && s != "."
        && s.as_bytes()[0].is_ascii_alphanumeric()
}

fn is_crypt_hash(s: &str) -> bool {
    let traditional = s.len() == 13
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'/');
    let modular = s.starts_with('$')
        && s.len() > 4
        && s[1..].contains('$')
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'/' | b'$' | b',' | b'='));
    traditional || modular
}

/// A name that a command would read as an option (`zfs set -rf=on`): never accepted
/// where a name becomes a command argument (property names, dataset and pool names, paths).
fn starts_like_option(s: &str) -> bool {
    s.starts_with('-')
}

/// A relative path below some root: `a/b/c`, each component safe, no `..`.
fn is_relative_path(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('/')
        && !starts_like_option(s)
        && s.split('/').all(|c| {
            !c.is_empty()
                && c != "."
                && c != ".."
                && c.bytes().all(|b| {
                    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'+' | b',')
                })
        })
}

fn is_absolute_path(s: &str) -> bool {
    s.len() > 1 && s.starts_with('/') && is_relative_path(&s[1..])
}

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

const DEFAULT_DISKS: [&str; 2] = ["c0t0d0s0", "c0t1d0s0"];
const DEFAULT_IDENTITY_CREATE: [&str; 2] = ["reconfigure", "etc/.UNCONFIGURED"];
const DEFAULT_IDENTITY_REMOVE: [&str; 2] = ["etc/nodename", "etc/.sysIDtool.state"];

impl Validator<'_> {
    /// Report a problem at the line where `key: value` (or `- key: value`) occurs for the
    /// `nth` time (0-based), or where `key:` occurs when `value` is None.
    fn problem(&mut self, key: &str, value: Option<&str>, nth: usize, message: String) {
        let line = locate(self.text, key, value, nth);
        self.problems.push(SiteProblem {
            line,
            column: line.and_then(|l| column_of(self.text, l, key, value)),
            message,
        });
    }

    fn word(&mut self, key: &str, value: &str, what: &str) -> bool {
        if value.is_empty() {
            self.problem(key, None, 0, format!("{what} is empty"));
            return false;
        }
        if let Some(why) = describe_bad_char(value) {
            self.problem(key, Some(value), 0, format!("{what} {value:?} {why}"));
            return false;
        }
        if value.split('/').any(|c| c == "..") {
            self.problem(
                key,
                Some(value),
                0,
                format!("{what} {value:?} contains `..`"),
            );
            return false;
        }
        true
    }

    fn site(&mut self, f: &SiteFile) -> model::Site {
        if f.version != site::SITE_VERSION {
            self.problem(
                "version",
                None,
                0,
                format!(
                    "unsupported site-file version {}: this zflash reads version {}",
                    f.version,
                    site::SITE_VERSION
                ),
            );
        }
        let server = self.server(&f.server);
        let archives: BTreeMap<String, model::Archive> = f
            .archives
            .iter()
            .map(|(name, a)| (name.clone(), self.archive(name, a)))
            .collect();
        if f.classes.is_empty() {
            self.problem("classes", None, 0, "no classes: define at least one".into());
        }
        let mut classes = Vec::new();
        for (name, c) in &f.classes {
            classes.push(self.class(name, c, &archives, &server.install_image));
        }
        let class_index: HashMap<&str, usize> = f
            .classes
            .keys()
            .enumerate()
            .map(|(i, n)| (n.as_str(), i))
            .collect();
        let default_class = match &f.defaults.class {
            Some(c) => {
                if !class_index.contains_key(c.as_str()) {
                    self.problem(
                        "class",
                        Some(c),
                        0,
                        format!(
                            "defaults.class {c:?} is not a class (classes: {})",
                            names(&f.classes)
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
            self.problem("clients", None, 0, "no clients: list at least one".into());
        }
        let mut clients = Vec::new();
        let mut seen_host: HashMap<String, usize> = HashMap::new();
        let mut seen_mac: HashMap<String, usize> = HashMap::new();
        let mut seen_ip: HashMap<String, usize> = HashMap::new();
        for (i, c) in f.clients.iter().enumerate() {
            let class = match &c.class {
                Some(name) => match class_index.get(name.as_str()) {
                    Some(&i) => Some(i),
                    None => {
                        self.problem(
                            "class",
                            Some(name),
                            0,
                            format!(
                                "client {:?}: unknown class {name:?} (classes: {})",
                                c.hostname,
                                names(&f.classes)
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
                        self.problem(
                            "hostname",
                            Some(&c.hostname),
                            0,
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
                let name = f.classes.keys().nth(ci).expect("index from the same map");
                &f.classes[name].sysidcfg
            });
            let client = self.client(
                c,
                class.unwrap_or(0),
                match_by,
                &f.defaults.sysidcfg,
                class_sysid,
            );
            // The install server's own address or name given to a client (a copy-paste
            // slip): the client would answer for the server, or never boot. The server's
            // line comes first in the file: the client's is found after it (and after
            // earlier clients with the same text).
            let earlier = |server_same: bool, same: &dyn Fn(&site::Client) -> bool| {
                usize::from(server_same) + f.clients[..i].iter().filter(|o| same(o)).count()
            };
            if c.ip == f.server.ip {
                let nth = earlier(true, &|o| o.ip == c.ip);
                self.problem(
                    "ip",
                    Some(&c.ip),
                    nth,
                    format!(
                        "client {:?}: IP address {} is the install server's",
                        c.hostname, c.ip
                    ),
                );
            }
            if c.hostname.eq_ignore_ascii_case(&f.server.hostname) {
                let nth = earlier(c.hostname == f.server.hostname, &|o| {
                    o.hostname == c.hostname
                });
                self.problem(
                    "hostname",
                    Some(&c.hostname),
                    nth,
                    format!(
                        "client {:?}: host name is the install server's ({:?})",
                        c.hostname, f.server.hostname
                    ),
                );
            }
            for (seen, key, value, what) in [
                (
                    &mut seen_host,
                    "hostname",
                    c.hostname.to_ascii_lowercase(),
                    "host name",
                ),
                (&mut seen_mac, "mac", client.mac.clone(), "MAC address"),
                (&mut seen_ip, "ip", client.ip.clone(), "IP address"),
            ] {
                if value.is_empty() {
                    continue;
                }
                if let Some(first) = seen.get(&value) {
                    let raw = match key {
                        "hostname" => &c.hostname,
                        "mac" => &c.mac,
                        _ => &c.ip,
                    };
                    let nth = f.clients[..i]
                        .iter()
                        .filter(|o| match key {
                            "hostname" => o.hostname == *raw,
                            "mac" => o.mac == *raw,
                            _ => o.ip == *raw,
                        })
                        .count();
                    let line = locate(self.text, key, Some(raw), nth);
                    self.problems.push(SiteProblem {
                        line,
                        column: line.and_then(|l| column_of(self.text, l, key, Some(raw))),
                        message: format!(
                            "duplicate {what} {raw:?}: client {:?} has it too (clients #{} and #{})",
                            f.clients[*first].hostname,
                            first + 1,
                            i + 1
                        ),
                    });
                } else {
                    seen.insert(value, i);
                }
            }
            if class.is_some() {
                clients.push(client);
            }
        }
        self.resolve_platforms(&mut classes, &clients);
        // A client whose class failed to resolve was reported; keep indices consistent.
        model::Site {
            server,
            classes,
            clients,
        }
    }

    fn server(&mut self, s: &site::Server) -> model::Server {
        if !is_hostname(&s.hostname) {
            self.bad_value(
                "hostname",
                &s.hostname,
                "server host name",
                "letters, digits and `-`",
            );
        }
        if parse_ipv4(&s.ip).is_none() {
            self.bad_value(
                "ip",
                &s.ip,
                "server IP address",
                "a dotted-quad IPv4 address such as 10.1.1.5",
            );
        }
        for (key, value) in [
            ("install_image", &s.install_image),
            ("config_dir", &s.config_dir),
        ] {
            if !is_absolute_path(value) {
                self.bad_value(
                    key,
                    value,
                    key,
                    "an absolute path of letters, digits and `_ - . + ,`, without `..`",
                );
            }
        }
        model::Server {
            hostname: s.hostname.clone(),
            ip: s.ip.clone(),
            install_image: s.install_image.clone(),
            config_dir: s.config_dir.clone(),
        }
    }

    fn bad_value(&mut self, key: &str, value: &str, what: &str, expected: &str) {
        let why = describe_bad_char(value)
            .or_else(|| value.contains("..").then(|| "contains `..`".to_string()))
            .map(|w| format!(" ({w})"))
            .unwrap_or_default();
        self.problem(
            key,
            Some(value),
            0,
            format!("invalid {what} {value:?}{why}: expected {expected}"),
        );
    }

    fn archive(&mut self, name: &str, a: &site::Archive) -> model::Archive {
        let base = site::Increment {
            location: a.location.clone(),
            manifest: a.manifest.clone(),
            sha256: a.sha256.clone(),
            compression: a.compression,
        };
        let mut archive = self.archive_file(name, &format!("archive {name:?}"), &base);
        for (i, inc) in a.increments.iter().enumerate() {
            let what = format!("increment {} of archive {name:?}", i + 1);
            let increment = self.archive_file(&format!("{name}+{}", i + 1), &what, inc);
            // The runtime refuses a chain that lists an archive twice; say it here, with
            // the line, instead of in the miniroot.
            if increment.location == archive.location
                || archive
                    .increments
                    .iter()
                    .any(|p| p.location == increment.location)
            {
                // The line of this mention, not of the first one.
                let earlier = usize::from(a.location == inc.location)
                    + a.increments[..i]
                        .iter()
                        .filter(|p| p.location == inc.location)
                        .count();
                self.problem(
                    "location",
                    Some(&inc.location),
                    earlier,
                    format!(
                        "{what}: {} is already in the chain (each archive is applied once)",
                        inc.location
                    ),
                );
            }
            archive.increments.push(increment);
        }
        archive
    }

    /// One archive file (a base or an increment); `what` names it in problems.
    fn archive_file(&mut self, name: &str, what: &str, a: &site::Increment) -> model::Archive {
        let location = match a.location.split_once(':') {
            Some((server, path)) if !a.location.starts_with('/') => {
                if !(is_hostname(server) || parse_ipv4(server).is_some()) || !is_absolute_path(path)
                {
                    self.bad_value(
                        "location",
                        &a.location,
                        &format!("location of {what}"),
                        "an absolute path or server:/absolute/path, without `..` or shell metacharacters",
                    );
                }
                Location::Nfs {
                    server: server.to_string(),
                    path: path.to_string(),
                }
            }
            _ => {
                if !is_absolute_path(&a.location) {
                    self.bad_value(
                        "location",
                        &a.location,
                        &format!("location of {what}"),
                        "an absolute path or server:/absolute/path, without `..` or shell metacharacters",
                    );
                }
                Location::Path {
                    path: a.location.clone(),
                }
            }
        };
        let mut sha256 = a.sha256.clone();
        let mut compression = a.compression;
        let mut arch = None;
        if let Some(manifest) = &a.manifest {
            match read_manifest(&self.dir.join(manifest)) {
                Ok((digest, comp, manifest_arch)) => {
                    arch = manifest_arch;
                    if sha256.is_none() {
                        sha256 = digest;
                    }
                    if compression.is_none() {
                        compression = comp;
                    }
                }
                Err(e) => self.problem("manifest", Some(manifest), 0, format!("{what}: {e}")),
            }
        }
        if let Some(d) = &sha256
            && (d.len() != 64 || !d.bytes().all(|b| b.is_ascii_hexdigit()))
        {
            self.bad_value(
                "sha256",
                d,
                &format!("sha256 of {what}"),
                "64 hexadecimal digits",
            );
        }
        let compression = compression.unwrap_or_else(|| {
            if a.location.ends_with(".zst") {
                Compression::Zstd
            } else if a.location.ends_with(".gz") {
                Compression::Gzip
            } else {
                Compression::None
            }
        });
        model::Archive {
            name: name.to_string(),
            location,
            sha256: sha256.map(|d| d.to_ascii_lowercase()),
            compression,
            arch,
            increments: Vec::new(),
        }
    }

    fn class(
        &mut self,
        name: &str,
        c: &site::Class,
        archives: &BTreeMap<String, model::Archive>,
        install_image: &str,
    ) -> model::Class {
        let class_line = locate(self.text, name, None, 0);
        let class_column = class_line.and_then(|l| column_of(self.text, l, name, None));
        let at_class = |v: &mut Self, message: String| {
            v.problems.push(SiteProblem {
                line: class_line,
                column: class_column,
                message,
            })
        };
        if !is_relative_path(name) || name.contains('/') || name.starts_with('.') {
            at_class(
                self,
                format!(
                    "invalid class name {name:?}: expected letters, digits and `_ - . + ,` (it becomes a file name)"
                ),
            );
        }
        let archive = match archives.get(&c.archive) {
            Some(a) => a.clone(),
            None => {
                self.problem(
                    "archive",
                    Some(&c.archive),
                    0,
                    format!(
                        "class {name:?}: unknown archive {:?} (archives: {})",
                        c.archive,
                        names(archives)
                    ),
                );
                model::Archive {
                    name: c.archive.clone(),
                    location: Location::Path { path: "/".into() },
                    sha256: None,
                    compression: Compression::None,
                    arch: None,
                    increments: Vec::new(),
                }
            }
        };
        let finish = c.finish.unwrap_or(FinishKind::Shell);
        if finish == FinishKind::Shell && archive.compression == Compression::Zstd {
            at_class(
                self,
                format!(
                    "class {name:?}: archive {:?} is zstd-compressed, which the Bourne-shell finish script cannot \
                     decompress in a Solaris 10 miniroot (no zstd there): use `finish: native`, or capture with \
                     `--compress gzip` or `none`",
                    archive.name
                ),
            );
        }
        if let Some(inc) = archive
            .increments
            .iter()
            .find(|i| i.compression == Compression::Zstd)
            && finish == FinishKind::Shell
        {
            at_class(
                self,
                format!(
                    "class {name:?}: increment {} of archive {:?} is zstd-compressed, which the Bourne-shell \
                     finish script cannot decompress in a Solaris 10 miniroot: use `finish: native`, or capture \
                     with `--compress gzip` or `none`",
                    inc.location.display(),
                    archive.name
                ),
            );
        }
        let p = &c.profile;
        let pool = p.pool.clone().unwrap_or_else(|| "rpool".into());
        if !is_dataset_component(&pool)
            || !pool.as_bytes()[0].is_ascii_alphabetic()
            || ["mirror", "raidz", "spare", "log", "cache"]
                .iter()
                .any(|r| pool.starts_with(r))
        {
            self.bad_value(
                "pool",
                &pool,
                "pool name",
                "a ZFS pool name (a letter, then letters, digits, `_ - . :`; at most 30)",
            );
        }
        // The default mirror is SPARC's; an x86 class's default is settled once its clients
        // are known (resolve_platforms).
        let disks: Vec<String> = p
            .disks
            .clone()
            .unwrap_or_else(|| DEFAULT_DISKS.iter().map(|s| s.to_string()).collect());
        let fdisk = self.fdisk_lines(name, p.fdisk.as_deref());
        if disks.is_empty() {
            self.problem(
                "disks",
                None,
                0,
                format!("class {name:?}: disks is empty: give one slice, or several for a mirror"),
            );
        }
        for (i, d) in disks.iter().enumerate() {
            if !(is_slice(d) || (d == "any" && disks.len() == 1)) {
                self.bad_value(
                    "disks",
                    d,
                    "root-pool slice",
                    "a slice such as c0t0d0s0 (root pools live on slices), or `[any]` alone",
                );
            }
            if disks[..i].contains(d) {
                self.problem(
                    "disks",
                    None,
                    0,
                    format!("class {name:?}: slice {d} is listed twice"),
                );
            }
        }
        let size = |v: &mut Self, key: &str, value: &Option<String>, existing_ok: bool| -> String {
            let s = value.clone().unwrap_or_else(|| "auto".into());
            if !(s == "auto" || (existing_ok && s == "existing") || is_size(&s)) {
                v.bad_value(
                    key,
                    &s,
                    key,
                    "`auto` or a size such as 20g, 4096m or 4096 (MB)",
                );
            }
            s
        };
        let pool_size = size(self, "pool_size", &p.pool_size, true);
        let swap_size = size(self, "swap_size", &p.swap_size, false);
        let dump_size = size(self, "dump_size", &p.dump_size, false);
        let bename = p
            .bename
            .clone()
            .unwrap_or_else(|| jumpstart::default_bename(install_image));
        if !is_dataset_component(&bename) {
            self.bad_value(
                "bename",
                &bename,
                "installed BE name",
                "a dataset name component (letters, digits, `_ - . :`; at most 30)",
            );
        }
        let cluster = p.cluster.clone().unwrap_or_else(|| "SUNWCreq".into());
        if !(cluster.starts_with("SUNWC")
            && cluster.len() > 5
            && cluster.bytes().all(|b| b.is_ascii_alphanumeric()))
        {
            self.bad_value(
                "cluster",
                &cluster,
                "software group",
                "a software group such as SUNWCreq",
            );
        }
        if let Some(l) = &p.locale {
            self.word("locale", l, "locale");
        }
        let d = &c.deploy;
        let be = d.be.clone().unwrap_or_else(|| name.to_string());
        if !is_dataset_component(&be) {
            self.bad_value(
                "be",
                &be,
                "boot environment name",
                "a dataset name component (letters, digits, `_ - . :`; at most 30)",
            );
        }
        if be == bename {
            at_class(
                self,
                format!(
                    "class {name:?}: deploy.be {be:?} is the installed BE's name: choose another name for the new BE"
                ),
            );
        }
        for (k, v) in &d.properties {
            if k.is_empty()
                || starts_like_option(k)
                || !k.bytes().all(|b| {
                    b.is_ascii_lowercase()
                        || b.is_ascii_digit()
                        || matches!(b, b'_' | b':' | b'.' | b'-')
                })
            {
                self.bad_value(
                    k,
                    k,
                    "property name",
                    "a ZFS property name (lower case, digits, `_ : . -`)",
                );
            }
            if ["mountpoint", "canmount"].contains(&k.as_str()) {
                self.problem(k, None, 0, format!("class {name:?}: property {k} is managed by the finish step and cannot be set"));
            }
            if v.is_empty()
                || !v.bytes().all(|b| {
                    b.is_ascii_alphanumeric()
                        || matches!(b, b'_' | b':' | b'.' | b'-' | b',' | b'@' | b'+' | b'/')
                })
                || v.contains("..")
            {
                self.bad_value(
                    k,
                    v,
                    &format!("value of property {k}"),
                    "letters, digits and `_ : . - , @ + /`",
                );
            }
        }
        let (create, remove) = match &d.identity {
            Some(id) => (id.create.clone(), id.remove.clone()),
            None => (
                DEFAULT_IDENTITY_CREATE
                    .iter()
                    .map(|s| s.to_string())
                    .collect(),
                DEFAULT_IDENTITY_REMOVE
                    .iter()
                    .map(|s| s.to_string())
                    .collect(),
            ),
        };
        for p in create.iter().chain(&remove) {
            if !is_relative_path(p) {
                self.bad_value(
                    p,
                    p,
                    "identity path",
                    "a path relative to the new root, without `..`",
                );
            }
        }
        let mut hooks = Vec::new();
        for h in &d.hooks {
            self.word("name", &h.name, "hook name");
            if h.argv.is_empty() || h.argv[0].is_empty() {
                self.problem(
                    "argv",
                    None,
                    0,
                    format!("class {name:?}: hook {:?} has an empty argv", h.name),
                );
            }
            for arg in &h.argv {
                if let Some(c) = arg
                    .chars()
                    .find(|c| c.is_control() || matches!(c, '"' | '\\' | '`'))
                {
                    self.problem(
                        "argv",
                        None,
                        0,
                        format!("class {name:?}: hook {:?}: argument {arg:?} contains {c:?} (newlines, control characters, quotes, backslashes and backquotes are refused)", h.name),
                    );
                }
            }
            self.hook_si_variables(name, &h.name, &h.argv);
            hooks.push(zflash_runtime::config::Hook {
                name: h.name.clone(),
                argv: h.argv.clone(),
                mode: match h.mode {
                    Some(site::HookMode::Argument) => zflash_runtime::config::HookMode::Argument,
                    _ => zflash_runtime::config::HookMode::Chroot,
                },
            });
        }
        model::Class {
            name: name.to_string(),
            archive,
            profile: model::Profile {
                pool,
                disks_defaulted: p.disks.is_none(),
                disks,
                fdisk,
                pool_size,
                swap_size,
                dump_size,
                bename,
                cluster,
                locale: p.locale.clone(),
            },
            deploy: model::Deploy {
                be,
                properties: d.properties.clone(),
                identity_create: create,
                identity_remove: remove,
                hooks,
            },
            finish,
            x86: false,
        }
    }

    fn client(
        &mut self,
        c: &site::Client,
        class: usize,
        match_by: MatchBy,
        site_sysid: &site::Sysidcfg,
        class_sysid: Option<&site::Sysidcfg>,
    ) -> model::Client {
        let host = &c.hostname;
        if !is_hostname(host) {
            self.bad_value(
                "hostname",
                host,
                "host name",
                "letters, digits and `-` (not first or last), at most 63",
            );
        }
        let mac = match normalise_mac(&c.mac) {
            Some(m) if is_unicast_mac(&m) => m,
            Some(_) => {
                // RARP and bootparams answer a client's own address: a multicast,
                // broadcast or all-zero address can never be one.
                self.bad_value(
                    "mac",
                    &c.mac,
                    &format!("MAC address of {host:?}"),
                    "a network card's own (unicast) address: the first byte even, not all zeros (ff:ff:ff:ff:ff:ff is broadcast)",
                );
                String::new()
            }
            None => {
                self.bad_value(
                    "mac",
                    &c.mac,
                    &format!("MAC address of {host:?}"),
                    "six hexadecimal bytes such as 8:0:20:a1:b2:c3",
                );
                String::new()
            }
        };
        if parse_ipv4(&c.ip).is_none() {
            self.bad_value(
                "ip",
                &c.ip,
                &format!("IP address of {host:?}"),
                "a dotted-quad IPv4 address such as 10.1.1.101",
            );
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
        if !valid_pair {
            self.problem(
                if c.karch.is_some() { "karch" } else { "arch" },
                None,
                0,
                format!("client {host:?}: arch {arch:?} with karch {karch:?}: expected sparc with sun4u/sun4v/sun4us, or i386 with i86pc"),
            );
        }
        let match_pieces = match &c.match_pieces {
            None => vec![match match_by {
                MatchBy::Hostname => format!("hostname {host}"),
                MatchBy::Hostaddress => format!("hostaddress {}", c.ip),
            }],
            Some(pieces) => {
                if pieces.is_empty() {
                    self.problem("match", None, 0, format!("client {host:?}: match is empty"));
                }
                for piece in pieces {
                    self.match_piece(host, piece);
                }
                pieces
                    .iter()
                    .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
                    .collect()
            }
        };
        let sysidcfg = self.sysidcfg(host, site_sysid, class_sysid, &c.sysidcfg);
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
                self.problem(
                    "ip",
                    Some(&c.ip),
                    0,
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
                self.problem(
                    "ip",
                    Some(&c.ip),
                    0,
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
            sysidcfg,
        }
    }

    fn match_piece(&mut self, host: &str, piece: &str) {
        let words: Vec<&str> = piece.split_whitespace().collect();
        let (negated, words) = match words.first() {
            Some(&"!") => (true, &words[1..]),
            _ => (false, &words[..]),
        };
        let _ = negated;
        let Some((kw, values)) = words.split_first() else {
            self.problem(
                "match",
                None,
                0,
                format!("client {host:?}: empty match piece"),
            );
            return;
        };
        let Some((_, arity)) = RULE_KEYWORDS.iter().find(|(k, _)| k == kw) else {
            self.problem(
                "match",
                None,
                0,
                format!(
                    "client {host:?}: unknown rule keyword {kw:?} in match piece {piece:?} (expected one of: {})",
                    RULE_KEYWORDS.iter().map(|(k, _)| *k).collect::<Vec<_>>().join(", ")
                ),
            );
            return;
        };
        if values.len() != *arity {
            self.problem(
                "match",
                None,
                0,
                format!("client {host:?}: rule keyword {kw} takes {arity} value(s), got {} in {piece:?}", values.len()),
            );
        }
        for v in values {
            if let Some(why) = describe_bad_char(v).filter(|_| !(*kw == "any" && *v == "-")) {
                self.problem(
                    "match",
                    None,
                    0,
                    format!("client {host:?}: match value {v:?} {why}"),
                );
            }
        }
    }

    fn sysidcfg(
        &mut self,
        host: &str,
        site: &site::Sysidcfg,
        class: Option<&site::Sysidcfg>,
        client: &site::Sysidcfg,
    ) -> model::Sysidcfg {
        // Most specific first.
        let levels: Vec<&site::Sysidcfg> = [Some(client), class, Some(site)]
            .into_iter()
            .flatten()
            .collect();
        macro_rules! pick {
            ($field:ident) => {
                levels.iter().find_map(|l| l.$field.clone())
            };
        }
        let ni = |f: fn(&site::NetworkInterface) -> Option<String>| {
            levels
                .iter()
                .find_map(|l| l.network_interface.as_ref().and_then(f))
        };
        let word = |v: &mut Self, key: &str, value: String, what: &str| -> String {
            v.word(key, &value, what);
            value
        };
        let locale = word(
            self,
            "locale",
            pick!(locale).unwrap_or_else(|| "C".into()),
            "locale",
        );
        let timezone = match pick!(timezone) {
            Some(t) => {
                // Checked here so that a typo is a site problem with its line, not a
                // sysidcfg that fails generate's own check (S210).
                if self.word("timezone", &t, "timezone") && !is_known_timezone(&t) {
                    let hint = timezones::case_insensitive_match(&t)
                        .or_else(|| did_you_mean(&t, timezones::ZONES.iter().copied()));
                    let hint = hint
                        .map(|m| format!("; did you mean `{m}`?"))
                        .unwrap_or_default();
                    self.problem(
                        "timezone",
                        Some(&t),
                        0,
                        format!("unknown timezone {t:?}: expected a zoneinfo name such as US/Eastern, Europe/Berlin or GMT{hint}"),
                    );
                }
                t
            }
            None => {
                self.problem("hostname", Some(host), 0, format!("client {host:?}: no sysidcfg timezone (set it in defaults.sysidcfg, the class or the client)"));
                String::new()
            }
        };
        let terminal = word(
            self,
            "terminal",
            pick!(terminal).unwrap_or_else(|| "vt100".into()),
            "terminal",
        );
        let timeserver = pick!(timeserver).unwrap_or_else(|| "localhost".into());
        if !(timeserver == "localhost"
            || parse_ipv4(&timeserver).is_some()
            || is_domain(&timeserver))
        {
            self.bad_value(
                "timeserver",
                &timeserver,
                "timeserver",
                "localhost, a host name or an IPv4 address",
            );
        }
        let keyboard = word(
            self,
            "keyboard",
            pick!(keyboard).unwrap_or_else(|| "US-English".into()),
            "keyboard",
        );
        let name_service = match pick!(name_service).unwrap_or(NameService::None) {
            NameService::None => "NONE".to_string(),
            NameService::Dns {
                domain_name,
                name_servers,
                search,
            } => {
                if !is_domain(&domain_name) {
                    self.bad_value("domain_name", &domain_name, "DNS domain", "a domain name");
                }
                if name_servers.is_empty() || name_servers.len() > 3 {
                    self.problem(
                        "name_servers",
                        None,
                        0,
                        format!(
                            "DNS name_servers: expected 1 to 3 addresses, got {}",
                            name_servers.len()
                        ),
                    );
                }
                for ns in &name_servers {
                    if parse_ipv4(ns).is_none() {
                        self.bad_value("name_servers", ns, "DNS name server", "an IPv4 address");
                    }
                }
                if search.len() > 6 || search.join(",").len() > 250 {
                    self.problem(
                        "search",
                        None,
                        0,
                        "DNS search: at most 6 domains and 250 characters".into(),
                    );
                }
                for d in &search {
                    if !is_domain(d) {
                        self.bad_value("search", d, "DNS search domain", "a domain name");
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
                    self.bad_value("domain_name", &domain_name, "NIS domain", "a domain name");
                }
                let mut s = format!("NIS {{domain_name={domain_name}");
                if let Some(ns) = name_server {
                    let ok = ns
                        .strip_suffix(')')
                        .and_then(|r| r.split_once('('))
                        .is_some_and(|(h, ip)| is_hostname(h) && parse_ipv4(ip).is_some());
                    if !ok {
                        self.bad_value(
                            "name_server",
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
                    self.bad_value("domain_name", &domain_name, "LDAP domain", "a domain name");
                }
                self.word("profile", &profile, "LDAP profile");
                if parse_ipv4(&profile_server).is_none() {
                    self.bad_value(
                        "profile_server",
                        &profile_server,
                        "LDAP profile server",
                        "an IPv4 address",
                    );
                }
                format!(
                    "LDAP {{domain_name={domain_name}\n             profile={profile}\n             profile_server={profile_server}}}"
                )
            }
        };
        let interface = ni(|n| n.interface.clone()).unwrap_or_else(|| "PRIMARY".into());
        if !(interface == "PRIMARY"
            || (interface.len() <= 16
                && interface.bytes().all(|b| b.is_ascii_alphanumeric())
                && interface.as_bytes()[0].is_ascii_alphabetic()
                && interface.as_bytes()[interface.len() - 1].is_ascii_digit()))
        {
            self.bad_value(
                "interface",
                &interface,
                "network interface",
                "PRIMARY or an interface name such as e1000g0",
            );
        }
        let netmask = match ni(|n| n.netmask.clone()) {
            Some(m) => {
                if !is_netmask(&m) {
                    self.bad_value(
                        "netmask",
                        &m,
                        "netmask",
                        "a contiguous dotted-quad mask such as 255.255.255.0",
                    );
                }
                m
            }
            None => {
                self.problem("hostname", Some(host), 0, format!("client {host:?}: no network_interface netmask (set it in defaults.sysidcfg, the class or the client)"));
                String::new()
            }
        };
        let default_route = ni(|n| n.default_route.clone());
        if let Some(r) = &default_route
            && r != "NONE"
            && parse_ipv4(r).is_none()
        {
            self.bad_value(
                "default_route",
                r,
                "default route",
                "an IPv4 address or NONE",
            );
        }
        let protocol_ipv6 = levels
            .iter()
            .find_map(|l| l.network_interface.as_ref().and_then(|n| n.protocol_ipv6))
            .unwrap_or(false);
        let root_password = match pick!(root_password) {
            Some(p) => {
                if !is_crypt_hash(&p) {
                    self.problem("root_password", None, 0, "root_password is not a crypt(3) hash (13 characters of [./0-9A-Za-z], or $id$salt$hash): never put a plain-text password here".into());
                }
                p
            }
            None => {
                self.problem("hostname", Some(host), 0, format!("client {host:?}: no sysidcfg root_password (set it in defaults.sysidcfg, the class or the client)"));
                String::new()
            }
        };
        let security_policy = match pick!(security_policy).unwrap_or(SecurityPolicy::None) {
            SecurityPolicy::None => "NONE".to_string(),
            SecurityPolicy::Kerberos {
                default_realm,
                admin_server,
                kdc,
            } => {
                if !is_domain(&default_realm) {
                    self.bad_value(
                        "default_realm",
                        &default_realm,
                        "Kerberos realm",
                        "a realm such as EXAMPLE.COM",
                    );
                }
                if !is_domain(&admin_server) {
                    self.bad_value(
                        "admin_server",
                        &admin_server,
                        "Kerberos admin server",
                        "a host name",
                    );
                }
                if kdc.is_empty() || kdc.len() > 3 {
                    self.problem(
                        "kdc",
                        None,
                        0,
                        format!("kerberos kdc: expected 1 to 3 servers, got {}", kdc.len()),
                    );
                }
                for k in &kdc {
                    if !is_domain(k) {
                        self.bad_value("kdc", k, "Kerberos KDC", "a host name");
                    }
                }
                format!(
                    "kerberos {{default_realm={default_realm}\n                 admin_server={admin_server}\n                 kdc={}}}",
                    kdc.join(",")
                )
            }
        };
        let nfs4_domain = pick!(nfs4_domain).unwrap_or_else(|| "dynamic".into());
        if !(nfs4_domain == "dynamic" || is_domain(&nfs4_domain)) {
            self.bad_value(
                "nfs4_domain",
                &nfs4_domain,
                "nfs4_domain",
                "dynamic or a domain name",
            );
        }
        let service_profile = pick!(service_profile);
        if let Some(s) = &service_profile
            && s != "limited_net"
            && s != "open"
        {
            self.bad_value(
                "service_profile",
                s,
                "service_profile",
                "limited_net or open",
            );
        }
        let auto_reg = pick!(auto_reg).unwrap_or_else(|| "disable".into());
        if !["disable", "anon", "noproxy", "all"].contains(&auto_reg.as_str()) {
            self.bad_value(
                "auto_reg",
                &auto_reg,
                "auto_reg",
                "disable, anon, noproxy or all",
            );
        }
        model::Sysidcfg {
            locale,
            timezone,
            terminal,
            timeserver,
            keyboard,
            name_service,
            interface,
            netmask,
            // Without it the installer tries router discovery and asks when none answers.
            default_route: default_route.unwrap_or_else(|| "NONE".into()),
            protocol_ipv6,
            root_password,
            security_policy,
            nfs4_domain,
            service_profile,
            auto_reg,
        }
    }
}

fn names<V>(map: &BTreeMap<String, V>) -> String {
    if map.is_empty() {
        return "none defined".into();
    }
    map.keys()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Read the SHA-256 and compression from a `zflash capture` manifest (JSON). Only the
/// fields we need are looked at, so later manifest versions keep working.
type ManifestFacts = (Option<String>, Option<Compression>, Option<String>);

fn read_manifest(path: &Path) -> Result<ManifestFacts, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read manifest {}: {e}", path.display()))?;
    let json: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| format!("manifest {} is not JSON: {e}", path.display()))?;
    let find = |keys: &[&str]| -> Option<String> {
        keys.iter().find_map(|k| {
            let mut v = &json;
            for part in k.split('.') {
                v = v.get(part)?;
            }
            v.as_str().map(str::to_string)
        })
    };
    let digest = find(&["sha256", "digest.sha256", "stored.sha256", "archive.sha256"]);
    let compression =
        find(&["compression", "stored.compression", "archive.compression"]).and_then(|c| {
            match c.as_str() {
                "zstd" => Some(Compression::Zstd),
                "gzip" => Some(Compression::Gzip),
                "none" => Some(Compression::None),
                _ => None,
            }
        });
    let arch = find(&["content.architecture", "arch", "architecture"])
        .filter(|a| a == "sparc" || a == "i386");
    Ok((digest, compression, arch))
}

/// One `key: value` entry of a site-file line, block (`key: v`, `- key: v`) or flow
/// style (`- {hostname: a, ip: 10.0.0.1}`): byte offsets of the key and of the value.
struct Entry<'a> {
    key: &'a str,
    key_at: usize,
    value: &'a str,
    value_at: usize,
}

/// The entries of one line (see [`Entry`]); a value that opens a nested flow mapping has
/// its own entries after it. Good enough to point at a line and column: the YAML parser
/// has already accepted the text.
fn entries(line: &str) -> Vec<Entry<'_>> {
    let b = line.as_bytes();
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    let skip_spaces = |mut i: usize| {
        while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
            i += 1;
        }
        i
    };
    loop {
        // The start of an entry: after indentation, `- `, `{` or `,`.
        i = skip_spaces(i);
        while i < b.len() && b[i] == b'-' && (i + 1 == b.len() || b[i + 1] == b' ') {
            i = skip_spaces(i + 1);
        }
        while i < b.len() && b[i] == b'{' {
            depth += 1;
            i = skip_spaces(i + 1);
        }
        if i >= b.len() || b[i] == b'#' {
            return out;
        }
        // The key, bare or quoted.
        let (key, key_at, after_key) = match b[i] {
            q @ (b'"' | b'\'') => match line[i + 1..].find(q as char) {
                Some(len) => (&line[i + 1..i + 1 + len], i, i + len + 2),
                None => return out,
            },
            _ => {
                let len = line[i..]
                    .find([':', ',', '{', '}', '[', ']', '#'])
                    .unwrap_or(line.len() - i);
                (line[i..i + len].trim_end(), i, i + len)
            }
        };
        let colon = skip_spaces(after_key);
        if colon >= b.len()
            || b[colon] != b':'
            || (colon + 1 < b.len() && !matches!(b[colon + 1], b' ' | b'\t'))
        {
            return out; // not `key:` (a plain list item, or a flow sequence)
        }
        // The value: quoted, a nested flow mapping, or plain up to `,`/`}` in flow
        // context and up to ` #` or the end of the line.
        let mut value_at = skip_spaces(colon + 1);
        let (value, next) = match b.get(value_at) {
            None => ("", b.len()),
            Some(b'{') => ("", value_at),
            Some(&q @ (b'"' | b'\'')) => {
                value_at += 1; // point inside the quotes
                match line[value_at..].find(q as char) {
                    Some(len) => (&line[value_at..value_at + len], value_at + len + 1),
                    None => (&line[value_at..], b.len()),
                }
            }
            Some(_) => {
                let rest = &line[value_at..];
                let mut end = rest.find(" #").unwrap_or(rest.len());
                if depth > 0 {
                    end = end.min(rest.find([',', '}']).unwrap_or(rest.len()));
                }
                (rest[..end].trim_end(), value_at + end)
            }
        };
        out.push(Entry {
            key,
            key_at,
            value,
            value_at,
        });
        // On to the next entry of a flow mapping, if any.
        i = skip_spaces(next);
        while i < b.len() && b[i] == b'}' {
            depth = depth.saturating_sub(1);
            i = skip_spaces(i + 1);
        }
        if i < b.len() && b[i] == b',' {
            i += 1;
        } else if i >= b.len() || b[i] != b'{' {
            return out;
        }
    }
}

/// The 1-based line and column of the `nth` (0-based) entry `key: value` (value compared
/// unquoted; block or flow style), or of the `nth` `key:` when `value` is None. The column
/// is the value's (the key's when `value` is None).
fn locate_at(text: &str, key: &str, value: Option<&str>, nth: usize) -> Option<(usize, usize)> {
    let mut count = 0;
    for (i, line) in text.lines().enumerate() {
        for e in entries(line) {
            if e.key != key {
                continue;
            }
            let hit = match value {
                None => true,
                Some(v) => e.value == v || e.value == v.escape_default().to_string(),
            };
            if !hit {
                continue;
            }
            if count == nth {
                let at = if value.is_some_and(|v| !v.is_empty()) {
                    e.value_at
                } else {
                    e.key_at
                };
                return Some((i + 1, line[..at].chars().count() + 1));
            }
            count += 1;
        }
    }
    // A value that spans lines (e.g. with an escaped newline) is found by its first line;
    // a value written differently (normalised) only when its key occurs once in the file.
    if let Some(v) = value {
        let first = v.lines().next().unwrap_or("");
        if first != v && !first.is_empty() {
            return locate_at(text, key, Some(first), nth);
        }
        if nth == 0 && locate_at(text, key, None, 1).is_none() {
            return locate_at(text, key, None, 0);
        }
    }
    None
}

/// The 1-based line of [`locate_at`].
pub(crate) fn locate(text: &str, key: &str, value: Option<&str>, nth: usize) -> Option<usize> {
    locate_at(text, key, value, nth).map(|(line, _)| line)
}

/// The 1-based column, on 1-based `line`, of `value` after `key:` (of `key` itself when
/// `value` is None or not on that line), counted in characters.
fn column_of(text: &str, line: usize, key: &str, value: Option<&str>) -> Option<usize> {
    let l = text.lines().nth(line.checked_sub(1)?)?;
    let entries = entries(l);
    let entry = entries
        .iter()
        .find(|e| e.key == key && value.is_none_or(|v| e.value == v))
        .or_else(|| entries.iter().find(|e| e.key == key))?;
    let at = if value.is_some_and(|v| !v.is_empty() && entry.value == v) {
        entry.value_at
    } else {
        entry.key_at
    };
    Some(l[..at].chars().count() + 1)
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
    }

    #[test]
    fn slices_sizes_masks() {
        assert!(is_slice("c0t0d0s0"));
        assert!(is_slice("c1t5000CCA012345678d0s7"));
        assert!(is_slice("c0d0s0"));
        assert!(!is_slice("c0t0d0"));
        assert!(!is_slice("c0t0d0s8"));
        assert!(is_size("20g") && is_size("4096") && !is_size("g") && !is_size("1t"));
        assert!(
            is_netmask("255.255.255.0") && !is_netmask("255.0.255.0") && !is_netmask("0.0.0.0")
        );
        assert!(
            parse_ipv4("10.1.1.5").is_some()
                && parse_ipv4("10.1.1").is_none()
                && parse_ipv4("10.1.1.256").is_none()
        );
    }

    #[test]
    fn names_refuse_metacharacters_and_dotdot() {
        assert!(is_hostname("ws-001"));
        assert!(!is_hostname("ws;rm"));
        assert!(!is_hostname("ws\n1"));
        assert!(is_dataset_component("s10u6_golden"));
        assert!(!is_dataset_component("-rf"));
        assert!(!is_relative_path("-rf/x"));
        assert!(!is_dataset_component("a..b"));
        assert!(!is_dataset_component("a$b"));
        assert!(!is_relative_path("../etc/passwd"));
        assert!(is_relative_path("etc/.UNCONFIGURED"));
        assert!(is_crypt_hash("Xy3kP0qLm9ZbA"));
        assert!(is_crypt_hash("$5$rounds=5000$abc$def"));
        assert!(!is_crypt_hash("secret"));
    }

    #[test]
    fn locate_finds_nth_occurrence() {
        let text = "clients:\n  - hostname: a\n    ip: 1.2.3.4\n  - hostname: a\n";
        assert_eq!(locate(text, "hostname", Some("a"), 0), Some(2));
        assert_eq!(locate(text, "hostname", Some("a"), 1), Some(4));
        assert_eq!(locate(text, "ip", Some("1.2.3.4"), 0), Some(3));
        // Flow style, as in a generated 10,000-client list; nested flow mappings; quotes.
        let text = "server: {hostname: js, ip: 10.0.0.1}\nclients:\n\
                    - {hostname: a, mac: '8:0:20:0:0:1', ip: 10.0.0.2}\n\
                    - {hostname: b, sysidcfg: {timezone: GMT}, ip: \"10.0.0.3\"}\n";
        assert_eq!(locate_at(text, "ip", Some("10.0.0.2"), 0), Some((3, 42)));
        assert_eq!(locate_at(text, "ip", Some("10.0.0.3"), 0), Some((4, 49)));
        assert_eq!(locate_at(text, "timezone", Some("GMT"), 0), Some((4, 38)));
        assert_eq!(
            locate_at(text, "mac", Some("8:0:20:0:0:1"), 0),
            Some((3, 23))
        );
        assert_eq!(locate(text, "ip", None, 1), Some(3));
        // A value not in the text is not pinned on another entry of the same key.
        assert_eq!(locate(text, "ip", Some("10.9.9.9"), 0), None);
        assert_eq!(column_of(text, 3, "hostname", Some("a")), Some(14));
    }
}
