//! zflash-generator: one YAML site file → a complete, self-checked JumpStart directory.
//!
//! Pipeline: [`site`] (serde shape, JSON Schema) → [`validate`] (every value checked,
//! defaults resolved, all problems collected) → [`model::Site`] → [`render`] (tera
//! templates from the top-level `templates/`, embedded; the `loadzfs` finish script is
//! rendered from the runtime's deployment [`zflash_runtime::plan`]) → self-check with the
//! parser's linter → [`output`] (plan of changes, all-or-nothing writes).

pub mod capture_shell;
pub mod deploy_check;
pub mod error;
pub mod model;
pub mod output;
pub mod render;
pub mod shell;
pub mod site;
pub mod validate;

use std::path::Path;

pub use error::{GenerateError, SiteErrors, SiteProblem};
pub use output::{Change, ChangeKind};
pub use render::{Files, GenFile};

use zflash_parser::check::FileKind;

/// Read and validate a site file: a regular file (not a FIFO or a device that never
/// ends) of at most [`validate::MAX_SITE_BYTES`].
pub fn load_site(path: &Path) -> Result<model::Site, GenerateError> {
    // Not a regular file, or too large: a problem with the site file (exit 1, as any
    // other), not an I/O failure. `stat` opens nothing, so a FIFO cannot hang here.
    if let Ok(meta) = std::fs::metadata(path) {
        let why = if !meta.is_file() {
            Some(format!(
                "not a regular file ({}): a site file is a YAML text file",
                file_type_name(&meta.file_type())
            ))
        } else if meta.len() > validate::MAX_SITE_BYTES {
            Some(format!(
                "{} bytes, more than the {} a site file may have",
                meta.len(),
                validate::MAX_SITE_BYTES
            ))
        } else {
            None
        };
        if let Some(why) = why {
            return Err(GenerateError::Site(SiteErrors {
                path: path.to_path_buf(),
                problems: vec![SiteProblem::at(None, why).code("Y001")],
                text: String::new(),
            }));
        }
    }
    let text = validate::read_regular_file(path, validate::MAX_SITE_BYTES).map_err(|e| {
        GenerateError::io(
            "cannot read site file",
            path,
            std::io::Error::new(std::io::ErrorKind::InvalidData, e),
        )
    })?;
    validate::load(path, &text).map_err(GenerateError::Site)
}

/// What a path that is not a regular file is, in words.
fn file_type_name(t: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a FIFO"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "not a file"
    }
}

/// Render every file for the site file at `path`, and lint the result (rules, profiles,
/// sysidcfg, finish scripts) with the parser's checker: any finding is an error, since
/// the generated directory must pass `zflash check` clean.
pub fn generate(path: &Path) -> Result<Files, GenerateError> {
    let site = load_site(path)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "site".into());
    let files = render::render_site(&site, &name)?;
    self_check(&files, Some(site.release))?;
    Ok(files)
}

/// Lint every generated file in memory, as `zflash check --release <release>` would on
/// disk (the install image's release: a keyword it does not know is an error).
pub fn self_check(
    files: &Files,
    release: Option<zflash_parser::release::Release>,
) -> Result<(), GenerateError> {
    let mut report = String::new();
    for (path, file) in files {
        let kind = if path == "rules" {
            FileKind::Rules
        } else if path == "rules.ok" {
            FileKind::RulesOk
        } else if path.starts_with("profiles/") {
            FileKind::Profile
        } else if path.starts_with("sysidcfg/") {
            FileKind::Sysidcfg
        } else if path.starts_with("finish/") {
            FileKind::Finish
        } else if path.starts_with("server/") && path.ends_with("/bootparams") {
            FileKind::Bootparams
        } else {
            continue;
        };
        let text = String::from_utf8_lossy(&file.bytes);
        for d in zflash_parser::check::check_text_for(path, kind, &text, release) {
            report.push_str(&format!(
                "  {path}: {} [{}] {}\n",
                d.severity.as_str(),
                d.code,
                d.message
            ));
        }
    }
    report.push_str(&cross_check(files));
    if report.is_empty() {
        Ok(())
    } else {
        Err(GenerateError::SelfCheck(report))
    }
}

/// The cross-file checks `zflash check` makes on a directory, in memory: every `SI_*`
/// variable a finish script reads is set by the rules (J009), and the DHCP bindings agree
/// with hosts and ethers (J010).
fn cross_check(files: &Files) -> String {
    use zflash_parser::lint::dir::{
        dhcp_disagrees_with_hosts as dhcp, unprovided_si_variable as si,
    };
    use zflash_parser::source::SourceFile;
    let text = |path: &str| {
        files
            .get(path)
            .map(|f| String::from_utf8_lossy(&f.bytes).into_owned())
    };
    let mut findings = Vec::new();
    if let Some(rules) = text("rules") {
        let (ast, _) = zflash_parser::rules::parse(&SourceFile::new("rules", rules));
        let provided = si::provided_by(&ast);
        for (path, file) in files.range("finish/".to_string()..) {
            if !path.starts_with("finish/") {
                break;
            }
            let src = SourceFile::new(path.as_str(), String::from_utf8_lossy(&file.bytes));
            findings.extend(
                si::check(&src, &provided)
                    .into_iter()
                    .map(|d| (path.clone(), d)),
            );
        }
    }
    // Each DHCP configuration against the hosts and ethers beside it (`server/`, or a boot
    // server's `server/<name>/`), as `check` compares them.
    let dirs: std::collections::BTreeSet<&str> = files
        .keys()
        .filter(|p| p.ends_with("/dhcp") || p.ends_with("/dhcpd.conf"))
        .filter_map(|p| p.rsplit_once('/').map(|(dir, _)| dir))
        .collect();
    for dir in dirs {
        let hosts = text(&format!("{dir}/hosts")).map(|t| dhcp::name_table(&t, false));
        let ethers = text(&format!("{dir}/ethers")).map(|t| dhcp::name_table(&t, true));
        for (name, isc) in [("dhcp", false), ("dhcpd.conf", true)] {
            let path = format!("{dir}/{name}");
            if let Some(t) = text(&path) {
                let src = SourceFile::new(path.as_str(), t);
                findings.extend(
                    dhcp::check(&src, isc, hosts.as_ref(), ethers.as_ref())
                        .into_iter()
                        .map(|d| (path.clone(), d)),
                );
            }
        }
    }
    findings
        .into_iter()
        .map(|(path, d)| {
            format!(
                "  {path}: {} [{}] {}\n",
                d.severity.as_str(),
                d.code,
                d.message
            )
        })
        .collect()
}
