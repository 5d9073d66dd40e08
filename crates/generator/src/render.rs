//! Validated site → the bytes of every generated file (in memory; [`crate::output`]
//! writes them). Templates live in the top-level `templates/` and are embedded here.

use std::collections::BTreeMap;

use serde::Serialize;
use tera::{Context, Kwargs, State, Tera};
use zflash_runtime::config::{ArchiveLocation, DeployConfig, IdentityEntry, Options, PreserveLogs};
use zflash_runtime::plan::{self, Action, PlanEnv};

use crate::error::GenerateError;
use crate::model::{Class, Client, Compression, FinishKind, Location, Site};

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenFile {
    /// Contents.
    pub bytes: Vec<u8>,
    /// Unix permission bits.
    pub mode: u32,
    /// The client the file belongs to (for `--plan`), if any.
    pub client: Option<String>,
}

/// Every generated file by path relative to the output directory (`/`-separated).
pub type Files = BTreeMap<String, GenFile>;

const TEMPLATES: &[(&str, &str)] = &[
    ("rules", include_str!("../../../templates/rules.tera")),
    ("profile", include_str!("../../../templates/profile.tera")),
    ("sysidcfg", include_str!("../../../templates/sysidcfg.tera")),
    (
        "bootparams",
        include_str!("../../../templates/bootparams.tera"),
    ),
    ("ethers", include_str!("../../../templates/ethers.tera")),
    ("hosts", include_str!("../../../templates/hosts.tera")),
    (
        "add_install_client",
        include_str!("../../../templates/add_install_client.tera"),
    ),
    ("native", include_str!("../../../templates/native.tera")),
    (
        "jumpstart_env",
        include_str!("../../../templates/jumpstart_env.tera"),
    ),
    ("dhcp", include_str!("../../../templates/dhcp.tera")),
    ("dhcpd", include_str!("../../../templates/dhcpd.tera")),
    ("loadzfs", include_str!("../../../templates/loadzfs.tera")),
];

fn engine() -> Result<Tera, GenerateError> {
    let mut tera = Tera::new();
    tera.autoescape_on(Vec::<&str>::new());
    // A value as one single-quoted Bourne-shell word (see `crate::shell::word`), for the
    // templates' skeletons; the plan's actions are rendered by `crate::shell`.
    tera.register_filter("sh", |s: &str, _: Kwargs, _: &State| crate::shell::word(s));
    tera.add_raw_templates(TEMPLATES.iter().copied())
        .map_err(|e| GenerateError::Template {
            name: "templates".into(),
            message: error_chain(&e),
        })?;
    Ok(tera)
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}

fn render(tera: &Tera, name: &str, ctx: &Context) -> Result<String, GenerateError> {
    tera.render(name, ctx).map_err(|e| GenerateError::Template {
        name: name.into(),
        message: error_chain(&e),
    })
}

/// Where a class's files are, relative to the JumpStart directory.
pub fn profile_path(class: &Class) -> String {
    format!("profiles/{}", class.name)
}
/// The Bourne-shell finish script of a class.
pub fn loadzfs_path(class: &Class) -> String {
    format!("finish/{}.loadzfs", class.name)
}
/// The native wrapper finish script of a class.
pub fn native_path(class: &Class) -> String {
    format!("finish/{}.native", class.name)
}
/// A class's finish script (`ext`: `loadzfs` or `native`) for the archive locations
/// `variant` names (see [`replica_variant`]): `finish/<class>.<ext>` for the primary
/// locations, `finish/<variant>/<class>.<ext>` for a server's replicas.
pub fn variant_finish_path(class: &Class, variant: Option<&str>, ext: &str) -> String {
    match variant {
        None => format!("finish/{}.{ext}", class.name),
        Some(v) => format!("finish/{v}/{}.{ext}", class.name),
    }
}

/// Where a client reads each archive of its class's chain (base first): the server whose
/// replica it reads — its boot server's, else its install server's — or `None` for the
/// archive's own `location`.
pub fn replica_choice<'s>(site: &'s Site, client: &Client) -> Vec<Option<&'s str>> {
    let class = &site.classes[client.class];
    let boot = site.servers[client.boot_server].hostname.as_str();
    let install = site.servers[client.install_server].hostname.as_str();
    std::iter::once(&class.archive)
        .chain(&class.archive.increments)
        .map(|a| {
            if a.replicas.contains_key(boot) {
                Some(boot)
            } else if a.replicas.contains_key(install) {
                Some(install)
            } else {
                None
            }
        })
        .collect()
}

/// The directory below `finish/` of the scripts reading the replicas of `choice`: none
/// when every archive is read from its own location; the server's name when one server's
/// replicas are read; otherwise each archive's server (`_` for its own location) joined
/// with `+` (host names hold neither character, so no two choices share a name).
pub fn replica_variant(choice: &[Option<&str>]) -> Option<String> {
    let mut servers: Vec<&str> = choice.iter().flatten().copied().collect();
    servers.dedup();
    match servers[..] {
        [] => None,
        [one] if choice.iter().flatten().all(|s| *s == one) => Some(one.to_string()),
        _ => Some(
            choice
                .iter()
                .map(|s| s.unwrap_or("_"))
                .collect::<Vec<_>>()
                .join("+"),
        ),
    }
}

/// `class` with each archive's location replaced by the replica `choice` names.
pub fn class_reading(class: &Class, choice: &[Option<&str>]) -> Class {
    fn read_from(file: &mut crate::model::Archive, server: Option<&str>) {
        if let Some(location) = server.and_then(|s| file.replicas.get(s)) {
            file.location = location.clone();
        }
    }
    let mut class = class.clone();
    read_from(&mut class.archive, choice.first().copied().flatten());
    for (file, server) in class
        .archive
        .increments
        .iter_mut()
        .zip(choice.iter().skip(1))
    {
        read_from(file, *server);
    }
    class
}

/// The sysidcfg of a client.
pub fn sysidcfg_path(client: &Client) -> String {
    format!("sysidcfg/{}/sysidcfg", client.hostname)
}
/// The deploy config of a client.
pub fn deploy_path(client: &Client) -> String {
    format!("deploy/{}.yaml", client.hostname)
}

/// Render every file of the JumpStart directory for `site`. `site_name` (the site file's
/// name, not its path, so output does not depend on the working directory) goes into
/// headers.
pub fn render_site(site: &Site, site_name: &str) -> Result<Files, GenerateError> {
    let tera = engine()?;
    let mut files = Files::new();
    let mut base = Context::new();
    base.insert("site_file", site_name);

    // Which replicas each client reads, and per class each set of locations in use (the
    // archives' own always): one loadzfs (and native wrapper) per set, the locations
    // baked in from its plan.
    let choices: Vec<Vec<Option<&str>>> = site
        .clients
        .iter()
        .map(|c| replica_choice(site, c))
        .collect();
    let mut variants: Vec<BTreeMap<Option<String>, Class>> = site
        .classes
        .iter()
        .map(|class| BTreeMap::from([(None, class.clone())]))
        .collect();
    let client_variant: Vec<Option<String>> = site
        .clients
        .iter()
        .zip(&choices)
        .map(|(c, choice)| {
            let name = replica_variant(choice);
            variants[c.class]
                .entry(name.clone())
                .or_insert_with(|| class_reading(&site.classes[c.class], choice));
            name
        })
        .collect();

    // Per class: profile, finish scripts.
    for (class, variants) in site.classes.iter().zip(&variants) {
        let mut ctx = base.clone();
        ctx.insert("class", class);
        add(
            &mut files,
            &profile_path(class),
            render(&tera, "profile", &ctx)?.into_bytes(),
            0o644,
            None,
        );
        for (variant, reading) in variants {
            let loadzfs_at = variant_finish_path(class, variant.as_deref(), "loadzfs");
            add(
                &mut files,
                &loadzfs_at,
                loadzfs(
                    &tera,
                    reading,
                    site_name,
                    site.release,
                    site.reports.as_ref(),
                )?
                .into_bytes(),
                0o644,
                None,
            );
            if class.finish == FinishKind::Native {
                let mut ctx = ctx.clone();
                ctx.insert("loadzfs_path", &loadzfs_at);
                add(
                    &mut files,
                    &variant_finish_path(class, variant.as_deref(), "native"),
                    render(&tera, "native", &ctx)?.into_bytes(),
                    0o644,
                    None,
                );
            }
        }
    }

    // rules + rules.ok, after the finish scripts: their SI_* reads decide the probes.
    #[derive(Serialize)]
    struct Rule {
        r#match: String,
        profile: String,
        finish: String,
    }
    let finish_of = |c: &Client, variant: &Option<String>| {
        let class = &site.classes[c.class];
        let ext = match class.finish {
            FinishKind::Shell => "loadzfs",
            FinishKind::Native => "native",
        };
        variant_finish_path(class, variant.as_deref(), ext)
    };
    let rules: Vec<Rule> = site
        .clients
        .iter()
        .zip(&client_variant)
        .map(|(c, variant)| Rule {
            r#match: c.match_pieces.join(" && "),
            profile: profile_path(&site.classes[c.class]),
            finish: finish_of(c, variant),
        })
        .collect();
    // Align the begin/profile/finish columns (up to a point) so the file reads as a table.
    let width = rules
        .iter()
        .map(|r| r.r#match.len())
        .filter(|&w| w <= 40)
        .max()
        .unwrap_or(0);
    let rules: Vec<Rule> = rules
        .into_iter()
        .map(|r| Rule {
            r#match: format!("{:<width$}", r.r#match),
            ..r
        })
        .collect();
    let mut ctx = base.clone();
    ctx.insert("probes", &probes(&files, site));
    ctx.insert("rules", &rules);
    let rules_text = render(&tera, "rules", &ctx)?;
    let rules_ok = zflash_parser::rules::derive_rules_ok(rules_text.as_bytes());
    add(&mut files, "rules", rules_text.into_bytes(), 0o644, None);
    add(&mut files, "rules.ok", rules_ok, 0o644, None);

    // Per archive: the Solaris 10 capture script (the capture plan in Bourne shell).
    let mut archives = BTreeMap::new();
    for class in &site.classes {
        archives.insert(class.archive.name.clone(), &class.archive);
    }
    let tool = format!("zflash {} capture script", env!("CARGO_PKG_VERSION"));
    for archive in archives.values() {
        add(
            &mut files,
            &crate::capture_shell::capture_script_path(&archive.name),
            crate::capture_shell::render(archive, site_name, &tool).into_bytes(),
            0o755,
            None,
        );
    }

    // Per client: sysidcfg (secret: the root password hash) and deploy config.
    for (client, variant) in site.clients.iter().zip(&client_variant) {
        let mut ctx = Context::new();
        ctx.insert("c", client);
        ctx.insert("s", &client.sysidcfg);
        add(
            &mut files,
            &sysidcfg_path(client),
            render(&tera, "sysidcfg", &ctx)?.into_bytes(),
            0o600,
            Some(&client.hostname),
        );
        let class = &site.classes[client.class];
        let reading = &variants[client.class][variant];
        let cfg = deploy_config(
            reading,
            &format!("sysidcfg/{}/sysidcfg", client.hostname),
            site.release,
            site.reports.as_ref(),
        );
        let yaml = serde_yaml::to_string(&cfg).map_err(|e| GenerateError::Template {
            name: "deploy config".into(),
            message: e.to_string(),
        })?;
        // Only a native class runs this file; a shell class's loadzfs is rendered from the
        // same plan, so the config is still what `zflash finish --plan` explains.
        let script = finish_of(client, variant);
        let used_by = match class.finish {
            FinishKind::Native => format!(
                "Used by {script}: zflash finish --config deploy/{}.yaml",
                client.hostname
            ),
            FinishKind::Shell => format!(
                "Class {} runs {script} (the same plan); in this directory, `SI_CONFIG_DIR=$PWD zflash finish --config deploy/{}.yaml --plan` shows it",
                class.name, client.hostname
            ),
        };
        let yaml = quote_yaml11_booleans(&yaml);
        let text = format!(
            "# deploy config of {} (class {}) -- generated by `zflash generate` from {site_name}; do not edit.\n\
             # {used_by}\n{yaml}",
            client.hostname, class.name
        );
        add(
            &mut files,
            &deploy_path(client),
            text.into_bytes(),
            0o644,
            Some(&client.hostname),
        );
    }

    // Server fragments: one set for the one server (`server/`), or per boot server
    // (`server/<name>/`), each listing the clients that boot from it.
    if site.per_server {
        for (i, server) in site.servers.iter().enumerate() {
            let mine: Vec<&Client> = site.clients.iter().filter(|c| c.boot_server == i).collect();
            if !server.boot || mine.is_empty() {
                continue;
            }
            server_files(
                &tera,
                &mut files,
                &base,
                site,
                i,
                &mine,
                &format!("server/{}", server.hostname),
            )?;
        }
        // Every client's address and name in one table: the finish scripts look a
        // client's name up here when the rules file sets no SI_HOSTNAME.
        let mut ctx = base.clone();
        ctx.insert("site_wide", &true);
        let all: Vec<ClientView> = site
            .clients
            .iter()
            .map(|c| ClientView::of(site, c, None))
            .collect();
        ctx.insert("clients", &all);
        ctx.insert("peers", &Vec::<PeerView>::new());
        let text = render(&tera, "hosts", &ctx)?;
        add(&mut files, "server/hosts", text.into_bytes(), 0o644, None);
    } else {
        let all: Vec<&Client> = site.clients.iter().collect();
        server_files(&tera, &mut files, &base, site, 0, &all, "server")?;
    }
    Ok(files)
}

/// The server a fragment is for, in its header.
#[derive(Serialize)]
struct FileServer {
    hostname: String,
    ip: String,
    /// ` (networks 10.1.1.0/24, 10.1.2.0/24)`, or empty.
    serves: String,
}

/// A server a client is sent to, as the client's files name it.
#[derive(Serialize)]
struct ServerRef<'a> {
    hostname: &'a str,
    ip: &'a str,
    /// Its image for the client's architecture.
    image: &'a str,
    /// Its `config_dir` (config server).
    dir: &'a str,
}

impl<'a> ServerRef<'a> {
    fn of(server: &'a crate::model::Server, arch: &str) -> Self {
        ServerRef {
            hostname: &server.hostname,
            ip: &server.ip,
            image: server.images.get(arch).map_or("", String::as_str),
            dir: &server.config_dir,
        }
    }
}

/// A client as the server fragments show it: its addresses and the servers it is sent to.
#[derive(Serialize)]
struct ClientView<'a> {
    hostname: &'a str,
    mac: &'a str,
    ip: &'a str,
    arch: &'a str,
    karch: &'a str,
    boot: ServerRef<'a>,
    install: ServerRef<'a>,
    config: ServerRef<'a>,
    /// add_install_client: the image to `cd` into before this client (when it is not the
    /// previous client's: one per architecture).
    cd: Option<&'a str>,
}

impl<'a> ClientView<'a> {
    fn of(site: &'a Site, c: &'a Client, previous_image: Option<&str>) -> Self {
        let boot = ServerRef::of(&site.servers[c.boot_server], &c.arch);
        let cd = (previous_image != Some(boot.image)).then_some(boot.image);
        ClientView {
            hostname: &c.hostname,
            mac: &c.mac,
            ip: &c.ip,
            arch: &c.arch,
            karch: &c.karch,
            install: ServerRef::of(&site.servers[c.install_server], &c.arch),
            config: ServerRef::of(site.config(), &c.arch),
            boot,
            cd,
        }
    }
}

/// Another server a boot server's clients are sent to (its `hosts` names it).
#[derive(Serialize)]
struct PeerView<'a> {
    hostname: &'a str,
    ip: &'a str,
}

/// The fragments of boot server `server` for `clients` into `dir`: bootparams, ethers,
/// hosts, add_install_client, and with x86 clients their DHCP configuration.
fn server_files(
    tera: &Tera,
    files: &mut Files,
    base: &Context,
    site: &Site,
    server: usize,
    clients: &[&Client],
    dir: &str,
) -> Result<(), GenerateError> {
    let s = &site.servers[server];
    let mut ctx = base.clone();
    ctx.insert("site_wide", &false);
    ctx.insert("per_server", &site.per_server);
    ctx.insert("dir", dir);
    let networks: Vec<String> = s.networks.iter().map(|n| n.to_string()).collect();
    ctx.insert(
        "server",
        &FileServer {
            hostname: s.hostname.clone(),
            ip: s.ip.clone(),
            serves: if networks.is_empty() {
                String::new()
            } else {
                format!(" (networks {})", networks.join(", "))
            },
        },
    );
    ctx.insert("config", site.config());
    let mut views: Vec<ClientView> = Vec::with_capacity(clients.len());
    for c in clients {
        let previous = views.last().map(|v| v.boot.image);
        views.push(ClientView::of(site, c, previous));
    }
    // The other servers these clients are sent to, by name (multi-server sites).
    let mut peers: BTreeMap<&str, PeerView> = BTreeMap::new();
    if site.per_server {
        for c in clients {
            for i in [c.install_server, site.config_server] {
                let p = &site.servers[i];
                if i != server {
                    peers.insert(
                        &p.hostname,
                        PeerView {
                            hostname: &p.hostname,
                            ip: &p.ip,
                        },
                    );
                }
            }
        }
    }
    ctx.insert("peers", &peers.into_values().collect::<Vec<_>>());
    ctx.insert("clients", &views);
    let dhcp_clients: Vec<DhcpClient> = clients
        .iter()
        .zip(&views)
        .filter(|(c, _)| c.karch == "i86pc")
        .map(|(c, v)| DhcpClient::of(c, v))
        .collect();
    let mut networks: Vec<&str> = dhcp_clients.iter().map(|c| c.network.as_str()).collect();
    networks.sort();
    networks.dedup();
    ctx.insert("x86_clients", &!dhcp_clients.is_empty());
    ctx.insert("dhcp_clients", &dhcp_clients);
    ctx.insert("networks", &networks);
    let mut fragments = vec![
        ("bootparams", "bootparams", 0o644),
        ("ethers", "ethers", 0o644),
        ("hosts", "hosts", 0o644),
        ("add_install_client", "add_install_client", 0o755),
    ];
    if !dhcp_clients.is_empty() {
        fragments.extend([("dhcp", "dhcp", 0o755), ("dhcpd", "dhcpd.conf", 0o644)]);
    }
    for (name, file, mode) in fragments {
        add(
            files,
            &format!("{dir}/{file}"),
            render(tera, name, &ctx)?.into_bytes(),
            mode,
            None,
        );
    }
    Ok(())
}

/// The built-in probes the generated rules start with: those whose variables the generated
/// finish scripts read (`arch`, `karch`, `hostname`, `hostaddress` at least: the scripts'
/// fallbacks read them all), in a fixed order. A hook's arguments count too: loadzfs passes
/// them literally (single-quoted), but a hook such as `[/bin/sh, -c, 'echo $SI_MODEL']`
/// reads the variable from the environment the finish script exports to it.
pub fn probes(files: &Files, site: &Site) -> Vec<&'static str> {
    use zflash_parser::lint::dir::unprovided_si_variable::{
        ALWAYS_SET, PROBE_SETS, probe_for, reads,
    };
    let mut wanted: Vec<&'static str> = vec!["arch", "karch", "hostname", "hostaddress"];
    // As a shell would read each argument if it were double-quoted.
    let hook_args = site.classes.iter().flat_map(|c| &c.deploy.hooks).map(|h| {
        h.argv
            .iter()
            .map(|a| format!("\"{a}\""))
            .collect::<Vec<_>>()
            .join(" ")
    });
    let scripts = files
        .iter()
        .filter(|(path, _)| path.starts_with("finish/"))
        .map(|(_, file)| String::from_utf8_lossy(&file.bytes).into_owned());
    for text in scripts.chain(hook_args) {
        for (var, _) in reads(&text) {
            if ALWAYS_SET.contains(&var.as_str()) {
                continue;
            }
            if let Some(p) = probe_for(&var)
                && !wanted.contains(&p)
            {
                wanted.push(p);
            }
        }
    }
    let base = 4;
    let mut extra = wanted.split_off(base);
    extra.sort_by_key(|p| PROBE_SETS.iter().position(|(q, _)| q == p));
    wanted.extend(extra);
    wanted
}

/// What the DHCP configuration of an x86 client needs.
#[derive(Serialize)]
struct DhcpClient<'a> {
    /// Its boot, install and config servers.
    boot: &'a ServerRef<'a>,
    install: &'a ServerRef<'a>,
    config: &'a ServerRef<'a>,
    hostname: String,
    ip: String,
    /// ethers(4) form.
    mac: String,
    /// `hardware ethernet` form: two lower-case hex digits per byte.
    mac_isc: String,
    /// `01` + the MAC in upper-case hex: the DHCP client id, the PXE boot file
    /// add_install_client -d -e writes, and the name of the client's macro.
    client_id: String,
    netmask: String,
    /// The client's network number (its address AND its netmask): the pntadm table.
    network: String,
    router: Option<String>,
}

impl<'a> DhcpClient<'a> {
    fn of(c: &Client, view: &'a ClientView<'a>) -> Self {
        let bytes: Vec<u8> = c
            .mac
            .split(':')
            .map(|b| u8::from_str_radix(b, 16).unwrap_or(0))
            .collect();
        let ip: std::net::Ipv4Addr = c.ip.parse().unwrap_or(std::net::Ipv4Addr::UNSPECIFIED);
        let mask: std::net::Ipv4Addr = c
            .sysidcfg
            .netmask
            .parse()
            .unwrap_or(std::net::Ipv4Addr::BROADCAST);
        DhcpClient {
            boot: &view.boot,
            install: &view.install,
            config: &view.config,
            hostname: c.hostname.clone(),
            ip: c.ip.clone(),
            mac: c.mac.clone(),
            mac_isc: bytes
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<Vec<_>>()
                .join(":"),
            client_id: format!(
                "01{}",
                bytes.iter().map(|b| format!("{b:02X}")).collect::<String>()
            ),
            netmask: c.sysidcfg.netmask.clone(),
            network: std::net::Ipv4Addr::from(u32::from(ip) & u32::from(mask)).to_string(),
            router: (c.sysidcfg.default_route != "NONE").then(|| c.sysidcfg.default_route.clone()),
        }
    }
}

fn add(files: &mut Files, path: &str, bytes: Vec<u8>, mode: u32, client: Option<&str>) {
    files.insert(
        path.to_string(),
        GenFile {
            bytes,
            mode,
            client: client.map(str::to_string),
        },
    );
}

/// Words a YAML 1.1 reader takes for booleans (yaml_serde writes YAML 1.2, where they
/// are plain strings): quoted wherever a string is written, so `compression: on` stays the
/// string `on` for every reader. The config's own booleans (`true`/`false` of its
/// flag keys) are left as they are.
fn quote_yaml11_booleans(yaml: &str) -> String {
    const WORDS: &[&str] = &[
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false",
        "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF",
    ];
    const FLAGS: &[&str] = &[
        "verify_first",
        "keep_snapshot",
        "enabled",
        "force",
        "recursive",
    ];
    let mut out = String::with_capacity(yaml.len() + 16);
    for line in yaml.split_inclusive('\n') {
        let body = line.trim_end_matches('\n');
        let (head, value) = match body.rfind(": ") {
            Some(i) if !body.trim_start().starts_with('#') => (&body[..i + 2], &body[i + 2..]),
            _ => match body.trim_start().strip_prefix("- ") {
                Some(v) => (&body[..body.len() - v.len()], v),
                None => (body, ""),
            },
        };
        let key = head.trim().trim_start_matches("- ").trim_end_matches(':');
        let flag = FLAGS.contains(&key) && (value == "true" || value == "false");
        if WORDS.contains(&value) && !flag {
            out.push_str(head);
            out.push('\'');
            out.push_str(value);
            out.push('\'');
            out.push_str(&line[body.len()..]);
        } else {
            out.push_str(line);
        }
    }
    out
}

/// The deploy config of a class, with the given sysidcfg (relative to `SI_CONFIG_DIR`).
pub fn deploy_config(
    class: &Class,
    sysidcfg: &str,
    release: crate::model::Release,
    reports: Option<&Location>,
) -> DeployConfig {
    let archive = archive_location(&class.archive.location);
    let increments = class
        .archive
        .increments
        .iter()
        .map(|i| archive_location(&i.location))
        .collect();
    // The digest the loadzfs gets too (the site file's `sha256:` or the manifest's), so
    // that the native finish checks and records the same id.
    let sha256 = std::iter::once(&class.archive)
        .chain(&class.archive.increments)
        .filter_map(|a| {
            let digest = a.sha256.as_ref()?.to_ascii_lowercase();
            Some((archive_location(&a.location).to_string(), digest))
        })
        .collect();
    let d = &class.deploy;
    let identity_reset = d
        .identity_create
        .iter()
        .map(|p| IdentityEntry::Touch(p.clone()))
        .chain(
            d.identity_remove
                .iter()
                .map(|p| IdentityEntry::Remove(p.clone())),
        )
        .collect();
    DeployConfig {
        version: zflash_runtime::config::CONFIG_VERSION,
        archive,
        manifest: None,
        increments,
        sha256,
        verify_first: false,
        pool: class.profile.pool.clone(),
        be_name: d.be.clone(),
        properties: d.properties.clone(),
        identity_reset,
        sysidcfg: Some(sysidcfg.to_string()),
        hooks: d.hooks.clone(),
        preserve_logs: PreserveLogs::default(),
        keep_snapshot: false,
        options: Options::default(),
        image_release: Some(release.name().to_string()),
        reports: reports.map(archive_location),
    }
}

fn archive_location(location: &Location) -> ArchiveLocation {
    match location {
        Location::Path { path } => ArchiveLocation::Path(path.clone()),
        Location::Nfs { server, path } => ArchiveLocation::Nfs {
            server: server.clone(),
            path: path.clone(),
        },
    }
}

/// The plan environment of the Bourne-shell finish script (see [`crate::shell`]).
pub fn shell_plan_env() -> PlanEnv {
    crate::shell::shell_plan_env()
}

#[derive(Serialize)]
struct ArchiveView {
    location: String,
    compression: Compression,
}

/// The Bourne-shell finish script of a class, rendered from the runtime's plan: the
/// skeleton by tera, each action by [`crate::shell`].
pub fn loadzfs(
    tera: &Tera,
    class: &Class,
    site_name: &str,
    release: crate::model::Release,
    reports: Option<&Location>,
) -> Result<String, GenerateError> {
    let cfg = deploy_config(class, "sysidcfg/${SI_HOSTNAME}/sysidcfg", release, reports);
    let cfg = DeployConfig {
        sysidcfg: Some(format!(
            "sysidcfg/{}/sysidcfg",
            crate::shell::reference_of("SI_HOSTNAME")
        )),
        ..cfg
    };
    let plan_error = |message: String| GenerateError::Template {
        name: format!("plan of class {}", class.name),
        message,
    };
    let plan = plan::build(&cfg, &shell_plan_env()).map_err(|e| plan_error(e.to_string()))?;
    // The archives in the order the plan receives them: the base, then each increment.
    let chain: Vec<&crate::model::Archive> = std::iter::once(&class.archive)
        .chain(&class.archive.increments)
        .collect();
    let paths = plan.archives();
    if paths.len() != chain.len() {
        return Err(plan_error(format!(
            "the plan receives {} archive(s), the class has {}",
            paths.len(),
            chain.len()
        )));
    }
    let facts = crate::shell::Facts {
        archives: chain
            .iter()
            .zip(&paths)
            .map(|(a, path)| crate::shell::ArchiveFacts {
                path: path.to_string(),
                location: a.location.display(),
                compression: a.compression,
                sha256: a.sha256.as_ref().map(|d| d.to_ascii_lowercase()),
                arch: a.arch.clone(),
            })
            .collect(),
    };
    let rendered = crate::shell::render_plan(&plan, &facts);
    let views: Vec<ArchiveView> = chain
        .iter()
        .map(|a| ArchiveView {
            location: a.location.display(),
            compression: a.compression,
        })
        .collect();
    let mut ctx = Context::new();
    ctx.insert("site_file", site_name);
    ctx.insert("class", class);
    ctx.insert("plan", &plan);
    ctx.insert("archive", &views[0]);
    ctx.insert("increments", &views[1..]);
    ctx.insert("variables", &rendered.variables);
    ctx.insert("rollback", &rendered.rollback);
    ctx.insert("steps", &rendered.steps);
    ctx.insert("main", &rendered.main);
    ctx.insert(
        "mounts_nfs",
        &plan.actions().any(|a| matches!(a, Action::MountNfs { .. })),
    );
    render(tera, "loadzfs", &ctx)
}

#[cfg(test)]
mod yaml11_tests {
    use super::quote_yaml11_booleans;

    #[test]
    fn yaml11_booleans_are_quoted_and_flags_are_not() {
        let yaml = "properties:\n  compression: on\n  atime: off\nkeep_snapshot: false\nhooks:\n- argv:\n  - yes\n  - /bin/true\n";
        assert_eq!(
            quote_yaml11_booleans(yaml),
            "properties:\n  compression: 'on'\n  atime: 'off'\nkeep_snapshot: false\nhooks:\n- argv:\n  - 'yes'\n  - /bin/true\n"
        );
    }
}

#[cfg(test)]
mod replica_tests {
    use super::replica_variant;

    #[test]
    fn each_set_of_locations_gets_its_own_directory() {
        assert_eq!(replica_variant(&[None, None]), None);
        assert_eq!(replica_variant(&[Some("bs02")]).as_deref(), Some("bs02"));
        // One server's copies, the rest from their own locations: that server's name
        // (with the same archive, a client of bs02 never reads p1 from elsewhere).
        assert_eq!(
            replica_variant(&[Some("bs02"), None]).as_deref(),
            Some("bs02")
        );
        // Two servers: one name per file, `_` for a file's own location; host names have
        // neither `+` nor `_`, so no two sets share a name.
        assert_eq!(
            replica_variant(&[Some("bs02"), Some("js01"), None]).as_deref(),
            Some("bs02+js01+_")
        );
        assert_eq!(
            replica_variant(&[Some("bs02"), Some("js01"), Some("bs02")]).as_deref(),
            Some("bs02+js01+bs02")
        );
        assert_ne!(
            replica_variant(&[Some("bs02"), Some("js01"), Some("js01")]),
            replica_variant(&[Some("bs02"), Some("js01"), Some("bs02")])
        );
    }
}
