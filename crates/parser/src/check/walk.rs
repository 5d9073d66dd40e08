//! The directory walk of `zflash check DIR`: `custom_probes`, `rules` (with the cross-file
//! J rules and every file a rule names), then every `sysidcfg`, `bootparams` and DHCP file
//! below the directory (in batches, on threads), the deploy configs ([`super::deploy`]);
//! finally the `rules.ok` decision ([`super::rules_ok`]).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::lint;
use crate::source::{SourceFile, Span};

use super::file::{Checked, check_decoded_with, formats, release_lints};
use super::read::{below, read_member, read_named, unreadable};
use super::report::{CheckReport, FileReport, make_report};
use super::{CheckError, CheckOptions, FileKind};
use super::{deploy, rules_ok};

/// Check a JumpStart directory; see the module docs.
pub fn check_dir(dir: &Path, opts: &CheckOptions) -> Result<CheckReport, CheckError> {
    let mut files = Collected::default();
    let shown = |rel: &str| dir.join(rel).display().to_string();

    // custom_probes: function names it defines.
    // Present as any kind of entry (a link out included: reported, not read).
    let custom = if std::fs::symlink_metadata(dir.join("custom_probes")).is_ok_and(|m| !m.is_dir())
    {
        let display = shown("custom_probes");
        let checked = check_member(
            dir,
            Path::new("custom_probes"),
            &display,
            FileKind::CustomProbes,
        );
        let defined = checked
            .source
            .as_ref()
            .map(|s| lint::dir::custom_probes::defined_functions(&s.text))
            .unwrap_or_default();
        files.seen.insert(display);
        files.add(checked.report);
        Some(defined)
    } else {
        None
    };

    // rules
    let (rules_path, rules_shown) = match &opts.rules_file {
        Some(r) => {
            if !r.is_file() {
                return Err(CheckError::RulesFileNotFound {
                    path: r.display().to_string(),
                });
            }
            (r.clone(), r.display().to_string())
        }
        None => (dir.join("rules"), shown("rules")),
    };
    let mut derived_rules_ok = None;
    let mut provided_si: Option<BTreeSet<String>> = None;
    let mut references: BTreeSet<(String, FileKind)> = BTreeSet::new();
    // A `rules` that exists but is not a readable file (a directory…) is an F001 finding;
    // one that is a link out of the directory an F008 finding.
    if std::fs::symlink_metadata(&rules_path).is_ok() || opts.rules_file.is_some() {
        let (report, derived, provided) = check_rules_in_dir(
            dir,
            opts.rules_file.is_none(),
            &rules_path,
            &rules_shown,
            custom.as_ref(),
            &mut references,
        );
        derived_rules_ok = derived;
        provided_si = provided;
        files.seen.insert(rules_shown.clone());
        files.add(report);
    }

    // Every file a rule names, once each.
    for (name, kind) in &references {
        let Some(path) = member_path(dir, name) else {
            continue; // outside the directory: reported by cross_file, never read
        };
        if !path.is_file() {
            continue; // already reported by missing_file
        }
        let display = path.display().to_string();
        if !files.seen.insert(display.clone()) {
            continue;
        }
        // J009: the SI_* variables a begin/finish script reads, against what rules sets.
        let extra = |src: &SourceFile| match (&provided_si, kind) {
            (Some(provided), FileKind::Begin | FileKind::Finish) => {
                lint::dir::unprovided_si_variable::check(src, provided)
            }
            _ => release_lints(*kind, src, opts.release),
        };
        files.add(check_member_with(dir, below(dir, &path), &display, *kind, &extra).report);
    }

    // Every sysidcfg and bootparams below the directory, in batches so that memory does not
    // grow with the number of client directories.
    const BATCH: usize = 512;
    let mut batch: Vec<(PathBuf, String, FileKind)> = Vec::with_capacity(BATCH);
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                let io = e
                    .into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("filesystem loop"));
                let d = lint::file::unreadable_file::diagnostic(&io);
                files.add(make_report(&path, FileKind::Profile, None, vec![d]));
                continue;
            }
        };
        let kind = match entry.file_name().to_str() {
            Some("sysidcfg") => FileKind::Sysidcfg,
            Some("bootparams") => FileKind::Bootparams,
            Some("dhcp" | "dhcpd.conf") => FileKind::Dhcp,
            _ => continue,
        };
        if entry.file_type().is_dir() {
            continue;
        }
        if kind == FileKind::Dhcp {
            // J010: few such files; compared with the hosts/ethers beside them.
            let display = entry.path().display().to_string();
            files.add(check_dhcp_in_dir(dir, entry.path(), &display).report);
            continue;
        }
        let display = entry.path().display().to_string();
        if files.seen.contains(&display) {
            continue;
        }
        batch.push((entry.into_path(), display, kind));
        if batch.len() == BATCH {
            for report in check_many(dir, &batch, opts.threads, opts.release) {
                files.add(report);
            }
            batch.clear();
        }
    }
    for report in check_many(dir, &batch, opts.threads, opts.release) {
        files.add(report);
    }
    if let Some(checker) = opts.deploy_config {
        deploy::check_deploy_configs(dir, checker, &mut |report| files.add(report));
    }

    let mut report = CheckReport {
        files: files.with_findings.into_values().collect(),
        files_checked: files.count,
        rules_ok: Vec::new(),
    };

    if let Some(derived) = derived_rules_ok {
        rules_ok::settle(
            dir,
            opts,
            &rules_path,
            &rules_shown,
            derived,
            custom.as_ref(),
            &mut report,
        )?;
    }
    Ok(report)
}

/// Read and check one file of a directory (`dir/rel`); read errors become F001 findings,
/// a path leading outside the directory an F008 finding (the file is not read).
pub(super) fn check_member(dir: &Path, rel: &Path, display: &str, kind: FileKind) -> Checked {
    check_member_with(dir, rel, display, kind, &|_| Vec::new())
}

/// [`check_member`] plus the findings of `extra` on the decoded text.
pub(super) fn check_member_with(
    dir: &Path,
    rel: &Path,
    display: &str,
    kind: FileKind,
    extra: &dyn Fn(&SourceFile) -> Vec<Diagnostic>,
) -> Checked {
    match read_member(dir, rel) {
        Ok(bytes) => {
            let file = lint::file::check_bytes(display, &bytes);
            drop(bytes);
            check_decoded_with(display, kind, file, extra)
        }
        Err(e) => Checked {
            report: make_report(display, kind, None, vec![unreadable(e)]),
            source: None,
        },
    }
}

/// Check a DHCP file of a directory (J010) against the `hosts` and `ethers` beside it.
fn check_dhcp_in_dir(dir: &Path, path: &Path, display: &str) -> Checked {
    let sibling = |name: &str, mac: bool| {
        let p = path.with_file_name(name);
        read_member(dir, below(dir, &p)).ok().map(|b| {
            lint::dir::dhcp_disagrees_with_hosts::name_table(&String::from_utf8_lossy(&b), mac)
        })
    };
    let hosts = sibling("hosts", false);
    let ethers = sibling("ethers", true);
    let isc = path.file_name().is_some_and(|n| n == "dhcpd.conf");
    let extra = |src: &SourceFile| {
        lint::dir::dhcp_disagrees_with_hosts::check(src, isc, hosts.as_ref(), ethers.as_ref())
    };
    check_member_with(dir, below(dir, path), display, FileKind::Dhcp, &extra)
}

/// Check the rules file of a directory: file-level, R and J rules from one parse. Returns
/// the report and, when the file could be decoded, the `rules.ok` it derives and the
/// `SI_*` variables it has JumpStart set (for J009).
fn check_rules_in_dir(
    dir: &Path,
    confined: bool,
    path: &Path,
    display: &str,
    custom: Option<&BTreeSet<String>>,
    references: &mut BTreeSet<(String, FileKind)>,
) -> (FileReport, Option<String>, Option<BTreeSet<String>>) {
    use crate::rules::Flavor;
    // `DIR/rules` is confined like every file of the directory; a file named with `-r`
    // is read where the user said.
    let bytes = if confined {
        read_member(dir, below(dir, path))
    } else {
        read_named(path).map_err(crate::confine::ConfineError::Io)
    };
    let bytes = match bytes {
        Ok(b) => b,
        Err(e) => {
            let d = unreadable(e);
            return (
                make_report(display, FileKind::Rules, None, vec![d]),
                None,
                None,
            );
        }
    };
    let file = lint::file::check_bytes(display, &bytes);
    drop(bytes);
    let mut diags = file.diagnostics;
    if file.is_binary {
        return (
            make_report(display, FileKind::Rules, None, diags),
            None,
            None,
        );
    }
    let src = file.source;
    let (ast, parse_diags) = crate::rules::parse_as(&src, Flavor::Rules);
    diags.extend(parse_diags);
    diags.extend(crate::rules::lint(&src, &ast));
    if let Some(custom) = custom {
        let allowed = custom_defined_spans(&ast, custom);
        diags.retain(|d| !(matches!(d.code, "R201" | "R203") && allowed.contains(&d.span)));
    }
    diags.extend(cross_file(dir, &ast, references));
    let derived = formats::derive_rules_ok(&src);
    let provided = lint::dir::unprovided_si_variable::provided_by(&ast);
    (
        make_report(display, FileKind::Rules, Some(&src), diags),
        Some(derived),
        Some(provided),
    )
}

/// Where the installer looks for a file a rule names: `SI_CONFIG_DIR/NAME` (a leading `/`
/// does not make it absolute there). `None` when that leads out of the directory (`..`, a
/// symbolic link out of it; see [`crate::confine`]): the client cannot see such a file,
/// and the checker must not read, and print excerpts of, files outside the directory it
/// was asked to check (a rules file naming `../../etc/shadow` in a CI run).
fn member_path(dir: &Path, name: &str) -> Option<PathBuf> {
    let rel = Path::new(name.trim_start_matches('/'));
    match crate::confine::open_inside(dir, rel) {
        Err(e) if e.is_outside() => None,
        _ => Some(dir.join(rel)),
    }
}

/// The J rules of one parsed rules file; collects the files its rules name into
/// `references`. Each distinct file is looked up once.
fn cross_file(
    dir: &Path,
    file: &crate::rules::RulesFile,
    references: &mut BTreeSet<(String, FileKind)>,
) -> Vec<Diagnostic> {
    use crate::rules::FieldValue;
    let mut out = Vec::new();
    // (name, kind) → found (None) or the finding's template (Some).
    let mut lookups: BTreeMap<(String, FileKind), Option<Diagnostic>> = BTreeMap::new();
    for rule in file.rules() {
        let fields = [
            (FileKind::Begin, &rule.begin),
            (FileKind::Profile, &rule.profile),
            (FileKind::Finish, &rule.finish),
        ];
        for (kind, field) in fields {
            if field.value == FieldValue::Derived {
                continue;
            }
            let Some(name) = field.path() else { continue };
            let key = (name, kind);
            let template =
                lookups
                    .entry(key.clone())
                    .or_insert_with(|| match member_path(dir, &key.0) {
                        Some(path) => lint::dir::missing_file::check(&kind, &key.0, &path, 0..0),
                        None => Some(lint::dir::missing_file::outside(&kind, &key.0, 0..0)),
                    });
            if let Some(d) = template {
                let mut d = d.clone();
                d.span = field.span.clone();
                out.push(d);
            }
        }
        out.extend(lint::dir::derived_profile_without_begin::check(
            rule.begin.value.as_str(),
            rule.profile.value.as_str(),
            rule.profile.span.clone(),
        ));
    }
    references.extend(lookups.into_keys());
    out
}

/// Spans of the custom match keywords (R201) and probes (R203) of a rules file that
/// `custom_probes` defines as `cmp_NAME()` / `probe_NAME()`: those findings are dropped in a
/// directory check, as Solaris `check` accepts them.
pub(super) fn custom_defined_spans(
    file: &crate::rules::RulesFile,
    custom: &BTreeSet<String>,
) -> Vec<Span> {
    let keywords = file
        .custom_keywords()
        .into_iter()
        .filter(|(name, _)| custom.contains(&format!("cmp_{name}")));
    let probes = file
        .custom_probes()
        .into_iter()
        .filter(|(name, _)| custom.contains(&format!("probe_{name}")));
    keywords.chain(probes).map(|(_, span)| span).collect()
}

/// Files of a directory check: the ones with findings (sorted by path), a count of all,
/// and the paths of the few files that may be reached twice (rules, custom_probes, files
/// named by rules).
#[derive(Default)]
struct Collected {
    with_findings: BTreeMap<String, FileReport>,
    count: usize,
    seen: BTreeSet<String>,
}

impl Collected {
    fn add(&mut self, report: FileReport) {
        self.count += 1;
        if !report.findings.is_empty() {
            self.with_findings.insert(report.path.clone(), report);
        }
    }
}

/// Check many small files on up to `threads` threads; the result keeps the input order.
fn check_many(
    dir: &Path,
    files: &[(PathBuf, String, FileKind)],
    threads: usize,
    release: Option<crate::release::Release>,
) -> Vec<FileReport> {
    let check_member = |dir: &Path, rel: &Path, display: &str, kind: FileKind| {
        let extra = |src: &SourceFile| release_lints(kind, src, release);
        check_member_with(dir, rel, display, kind, &extra)
    };
    let threads = threads.clamp(1, 8);
    if threads == 1 || files.len() < 64 {
        return files
            .iter()
            .map(|(p, d, k)| check_member(dir, below(dir, p), d, *k).report)
            .collect();
    }
    let chunk = files.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|(p, d, k)| check_member(dir, below(dir, p), d, *k).report)
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}
