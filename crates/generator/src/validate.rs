//! Site file → validated [`Site`]: every value checked against what the files it ends up
//! in (rules, profiles, sysidcfg, bootparams, Bourne shell) accept, all problems collected,
//! each at the line:column of the very value that is wrong.
//!
//! Positions come from [`tree`], a saphyr-parser tree that keeps them; yaml_serde builds
//! the typed [`SiteFile`]. One submodule per section of the file.

mod archives;
mod classes;
mod clients;
// What a JumpStart client really gets (x86 platform of a class, fdisk, the installed BE's
// name): kept apart from the general site checks.
mod jumpstart;
mod keys;
mod replicas;
mod server;
mod servers;
mod shape;
mod sysidcfg;
pub mod tree;

use std::collections::HashMap;
use std::path::Path;

use crate::error::{SiteErrors, SiteProblem};
use crate::model;
use crate::site::{self, SiteFile};

pub use archives::read_regular_file;
pub use tree::Pos;
use tree::{Seg, Tree, TreeError};

/// Largest site file `generate` reads (a 10,000-client site is about 1 MB).
pub const MAX_SITE_BYTES: u64 = 16 << 20;

/// Parse and validate a site file's text. `path` is only used in messages and to resolve
/// manifest paths.
pub fn load(path: &Path, text: &str) -> Result<model::Site, SiteErrors> {
    // A byte order mark (Windows editors) is not YAML content: the parser takes it for
    // part of the first key when the file starts with one rather than a comment.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let fail = |problems| SiteErrors {
        path: path.to_path_buf(),
        problems,
        text: text.to_string(),
    };
    let tree = match tree::parse(text) {
        Ok(tree) => Some(tree),
        Err(TreeError::Limit { pos, message }) => {
            return Err(fail(vec![SiteProblem::at(Some(pos), message).code("Y001")]));
        }
        // yaml_serde words the syntax error below, as it always did; when it accepts
        // what saphyr refuses (they implement different YAML versions), saphyr's word.
        Err(TreeError::Syntax { pos, message }) => {
            if let Err(p) = deserialize(text, &[]) {
                // A syntax error that comes from a key at the wrong indentation: say so.
                let indentation = if p.code == "Y001" || p.message.contains("missing field") {
                    misindented(text)
                } else {
                    Vec::new()
                };
                if !indentation.is_empty() {
                    return Err(fail(
                        indentation
                            .into_iter()
                            .map(|(pos, m)| SiteProblem::at(Some(pos), m).code("Y001"))
                            .collect(),
                    ));
                }
                return Err(fail(vec![p]));
            }
            return Err(fail(vec![SiteProblem::at(Some(pos), message).code("Y001")]));
        }
    };
    let tree = tree.expect("set above");
    let mut problems: Vec<SiteProblem> = tree
        .duplicates
        .iter()
        .map(|d| {
            SiteProblem::at(
                Some(d.at),
                format!(
                    "duplicate key `{}`: already given at line {} (a key may appear once in a mapping; neither is used)",
                    d.key, d.first.line
                ),
            )
            .code("Y002")
        })
        .collect();
    // Every unknown key (yaml_serde stops at the first), with the nearest known one.
    let mut unknown = tree
        .root
        .as_deref()
        .map(keys::unknown_keys)
        .unwrap_or_default();
    // Every missing key and value of the wrong type (yaml_serde stops at the first too).
    let shape = tree.root.as_deref().map(|root| {
        let schema: serde_json::Value =
            serde_json::from_str(&site::json_schema()).expect("the schema is JSON");
        shape::check(&schema, root, text)
    });
    if let Some(shape) = &shape {
        // A required key given at the wrong level: one problem, said at that key.
        for (pos, message) in &shape.misplaced {
            if let Some(u) = unknown.iter_mut().find(|(p, _)| p == pos) {
                u.1 = message.clone();
            }
        }
    }
    let unknown_found = !unknown.is_empty();
    problems.extend(
        unknown
            .into_iter()
            .map(|(pos, message)| SiteProblem::at(Some(pos), message).code("Y003")),
    );
    let shape_found = shape.as_ref().is_some_and(|s| !s.problems.is_empty());
    let file = if let Some(shape) =
        shape.filter(|_| shape_found || unknown_found || !tree.duplicates.is_empty())
    {
        // Shape problems: all listed; the value checks then run on the rest of the file
        // (the repaired document), so that one run shows every mistake.
        let missing = shape.problems.iter().any(|p| p.code == "Y003");
        let indentation = if missing {
            misindented(text)
        } else {
            Vec::new()
        };
        let hinted = !indentation.is_empty();
        problems.extend(
            indentation
                .into_iter()
                .map(|(pos, m)| SiteProblem::at(Some(pos), m).code("Y001")),
        );
        problems.extend(
            shape
                .problems
                .iter()
                // A key "missing" because it is indented wrongly: said above instead.
                .filter(|p| !(hinted && p.code == "Y003"))
                .map(|p| SiteProblem::at(Some(p.pos), p.message.clone()).code(p.code)),
        );
        if let Ok(file) = serde_json::from_value::<SiteFile>(shape.repaired.clone()) {
            let mut v = Validator {
                tree: &tree,
                dir: path.parent().unwrap_or(Path::new(".")),
                problems: Vec::new(),
                release: model::Release::R1_13,
            };
            v.site(&file);
            problems.extend(v.problems.into_iter().filter(|p| {
                let pos = p
                    .line
                    .zip(p.column)
                    .map(|(line, column)| Pos { line, column });
                !shape.caused_by_repair(pos, &p.message)
            }));
        }
        return Err(fail(finish_problems(problems)));
    } else {
        match deserialize(text, &tree.duplicates) {
            Ok(f) => f,
            Err(p) => {
                // yaml_serde's first unknown field is one of those already listed.
                let listed = unknown_found && p.message.contains("unknown field");
                // A key "missing" because it is indented wrongly: say that instead.
                let indentation = if p.message.contains("missing field") {
                    misindented(text)
                } else {
                    Vec::new()
                };
                if !indentation.is_empty() {
                    problems.extend(
                        indentation
                            .into_iter()
                            .map(|(pos, m)| SiteProblem::at(Some(pos), m).code("Y001")),
                    );
                } else if !p.message.is_empty() && !listed {
                    problems.push(p);
                }
                problems.sort_by_key(|p| (p.line, p.column));
                return Err(fail(problems));
            }
        }
    };
    let mut v = Validator {
        tree: &tree,
        dir: path.parent().unwrap_or(Path::new(".")),
        problems,
        release: model::Release::R1_13,
    };
    let site = v.site(&file);
    if v.problems.is_empty() {
        Ok(site)
    } else {
        Err(fail(finish_problems(v.problems)))
    }
}

/// Each problem once (a value inherited by several clients, from defaults or a class, is
/// checked once per client), in file order.
fn finish_problems(mut problems: Vec<SiteProblem>) -> Vec<SiteProblem> {
    let mut seen = std::collections::HashSet::new();
    problems.retain(|p| seen.insert((p.line, p.column, p.message.clone())));
    problems.sort_by_key(|p| (p.line.unwrap_or(usize::MAX), p.column));
    problems
}

/// yaml_serde's typed read. A "duplicate field" error is skipped when the tree already
/// reported that duplicate.
fn deserialize(text: &str, duplicates: &[tree::Duplicate]) -> Result<SiteFile, SiteProblem> {
    serde_yaml::from_str(text).map_err(|e| {
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
        if message.contains("duplicate field") && !duplicates.is_empty() {
            // Already reported, at the key itself.
            message.clear();
        }
        // Keys, types (serde's words) or syntax (the YAML parser's).
        let has = |words: &[&str]| words.iter().any(|w| message.contains(w));
        let code = if has(&["unknown field", "missing field"]) {
            "Y003"
        } else if has(&[
            "invalid type",
            "unknown variant",
            "invalid value",
            "invalid length",
        ]) {
            "Y004"
        } else {
            "Y001"
        };
        SiteProblem {
            line: loc.as_ref().map(|l| l.line()),
            column: loc.as_ref().map(|l| l.column()),
            message,
            code,
        }
    })
}

/// Keys at an indentation that matches none of the open blocks above them (`mac` at 3
/// spaces under `- hostname:` whose keys are at 4): YAML reads them as something else
/// (or fails), and its message ("missing field `mac`", "mapping values are not allowed")
/// does not say why. Only block-style `key:` lines are looked at.
fn misindented(text: &str) -> Vec<(Pos, String)> {
    let mut out = Vec::new();
    // Columns of the keys of the open blocks, outermost first, and whether the previous
    // key line opened a nested block (`key:` with nothing after it, or a `- ` item).
    let mut open: Vec<usize> = Vec::new();
    let mut opens_block = true;
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim_start_matches(' ');
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let mut rest = trimmed;
        let mut item = false;
        while let Some(r) = rest.strip_prefix("- ") {
            rest = r.trim_start_matches(' ');
            item = true;
        }
        let col = line.len() - rest.len();
        let key_len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let after = &rest[key_len..];
        if key_len == 0 || !(after.starts_with(": ") || after == ":" || after.starts_with(":\t")) {
            continue;
        }
        let key = &rest[..key_len];
        let mut closed = None;
        while open.last().is_some_and(|&top| top > col) {
            closed = open.pop();
        }
        match open.last() {
            Some(&top) if top == col => {}
            Some(&top) if top < col && (opens_block || item) => open.push(col),
            None => open.push(col),
            Some(&top) => {
                // The block it seems meant for: the one just closed, else the open one.
                let siblings = closed.unwrap_or(top);
                out.push((
                    Pos {
                        line: n + 1,
                        column: col + 1,
                    },
                    format!(
                        "`{key}` is indented {col} spaces, its siblings {siblings}: YAML nests by indentation, so it does not belong to the mapping above"
                    ),
                ));
                // Read on as if it were where its siblings are.
                if let Some(c) = closed {
                    open.push(c);
                }
                continue;
            }
        }
        let value = after[1..].trim();
        opens_block = value.is_empty() || value.starts_with('#');
    }
    out
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
    tree: &'a Tree,
    dir: &'a Path,
    problems: Vec<SiteProblem>,
    /// The install image's release, once `server` is read (what its clients accept).
    release: model::Release,
}

/// Characters that carry meaning in Bourne shell, rules, sysidcfg or bootparams.
const META: &[char] = &[
    ';', '&', '|', '<', '>', '$', '`', '\\', '"', '\'', '(', ')', '{', '}', '*', '?', '[', ']',
    '#', '~', '!', '=', '%', '^',
];

/// Longest value the generator writes into a rules, profile or sysidcfg line: long
/// enough for any real value, short enough for every reader of those files.
const MAX_VALUE_CHARS: usize = 256;

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
    if value.starts_with('-') {
        return Some("starts with `-` (it would be read as an option)".into());
    }
    if value.chars().count() > MAX_VALUE_CHARS {
        return Some(format!("is longer than {MAX_VALUE_CHARS} characters"));
    }
    None
}

/// A dotted-quad IPv4 address: the parser crate's grammar (no leading zeros, which
/// Solaris would read as octal).
fn parse_ipv4(s: &str) -> Option<std::net::Ipv4Addr> {
    zflash_parser::value::parse_ipv4(s).ok()
}

fn is_netmask(s: &str) -> bool {
    zflash_parser::value::parse_netmask(s).is_ok_and(|m| u32::from(m) != 0)
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

/// A host name or an IPv4 address; all digits and dots is an address (as every reader
/// of the generated files takes it), so `010.1.1.1` is not a host name here.
fn is_host_or_ip(s: &str) -> bool {
    if s.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        parse_ipv4(s).is_some()
    } else {
        is_domain(s)
    }
}

/// A dataset name component (pool, BE): the runtime's rule (what `zflash finish` and
/// the deploy config accept), and an alphanumeric first character.
fn is_dataset_component(s: &str) -> bool {
    zflash_runtime::config::validate_component(s).is_ok()
        && !s.contains("..")
        && s.as_bytes()[0].is_ascii_alphanumeric()
}

/// A relative path below some root: `a/b/c`, each component safe, no `..`.
fn is_relative_path(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 1024
        && !s.starts_with('/')
        && s.split('/').all(|c| {
            !c.is_empty()
                && c.len() <= 255
                && c != "."
                && c != ".."
                && !c.starts_with('-')
                && c.bytes().all(|b| {
                    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'+' | b',')
                })
        })
}

fn is_absolute_path(s: &str) -> bool {
    s.len() > 1 && s.starts_with('/') && is_relative_path(&s[1..])
}

impl Validator<'_> {
    /// An invalid value (Y101) at the value at `path` (at the deepest key there when the
    /// value is a default, not in the file).
    fn at(&mut self, path: &[Seg], message: String) {
        self.flag("Y101", path, message);
    }

    /// An invalid value (Y101) at the last key of `path` (a name that is itself wrong).
    fn at_key(&mut self, path: &[Seg], message: String) {
        self.flag_key("Y101", path, message);
    }

    /// A problem of rule `code` (see `zflash explain`) at the value at `path`.
    fn flag(&mut self, code: &'static str, path: &[Seg], message: String) {
        let pos = self.tree.value_pos(path);
        self.problems.push(SiteProblem::at(pos, message).code(code));
    }

    /// A problem of rule `code` at the last key of `path`.
    fn flag_key(&mut self, code: &'static str, path: &[Seg], message: String) {
        let pos = self.tree.key_pos(path);
        self.problems.push(SiteProblem::at(pos, message).code(code));
    }

    fn word(&mut self, path: &[Seg], value: &str, what: &str) -> bool {
        if value.is_empty() {
            self.at(path, format!("{what} is empty"));
            return false;
        }
        if let Some(why) = describe_bad_char(value) {
            self.at(path, format!("{what} {value:?} {why}"));
            return false;
        }
        if value.split('/').any(|c| c == "..") {
            self.at(path, format!("{what} {value:?} contains `..`"));
            return false;
        }
        true
    }

    fn bad_value(&mut self, path: &[Seg], value: &str, what: &str, expected: &str) {
        let why = describe_bad_char(value)
            .or_else(|| value.contains("..").then(|| "contains `..`".to_string()))
            .map(|w| format!(" ({w})"))
            .unwrap_or_default();
        self.at(
            path,
            format!("invalid {what} {value:?}{why}: expected {expected}"),
        );
    }

    fn site(&mut self, f: &SiteFile) -> model::Site {
        use Seg::K;
        if f.version != site::SITE_VERSION {
            self.flag(
                "Y108",
                &[K("version")],
                format!(
                    "unsupported site-file version {}: this zflash reads version {}",
                    f.version,
                    site::SITE_VERSION
                ),
            );
        }
        let servers = self.servers(f);
        self.release = servers.release;
        let mut archives = self.archives(f);
        self.replicas(f, &mut archives, &servers.list);
        if f.classes.is_empty() {
            self.flag_key(
                "Y105",
                &[K("classes")],
                "no classes: define at least one".into(),
            );
        }
        let mut classes = Vec::new();
        for (name, c) in &f.classes {
            classes.push(self.class(name, c, &archives, &servers.image_paths));
        }
        let class_index: HashMap<&str, usize> = f
            .classes
            .keys()
            .enumerate()
            .map(|(i, n)| (n.as_str(), i))
            .collect();
        let (mut clients, client_entries) = self.clients(f, &class_index);
        self.resolve_platforms(&mut classes, &clients, &client_entries);
        self.serve_clients(f, &servers, &mut clients, &client_entries);
        let reports = f.reports.as_deref().map(|r| self.reports(r));
        model::Site {
            servers: servers.list,
            per_server: servers.per_server,
            config_server: servers.config,
            release: servers.release,
            classes,
            clients,
            reports,
        }
    }

    /// `reports:`, the fleet report directory: `server:/dir` or an absolute path.
    fn reports(&mut self, text: &str) -> model::Location {
        archives::parse_location(text).unwrap_or_else(|location| {
            self.bad_value(
                &[Seg::K("reports")],
                text,
                "report directory",
                "server:/absolute/dir (shared read-write to the clients) or an absolute path, without `..` or shell metacharacters",
            );
            location
        })
    }
}

/// `a, b, c` (or "none defined") for messages naming what exists.
fn names<V>(map: &std::collections::BTreeMap<String, V>) -> String {
    if map.is_empty() {
        return "none defined".into();
    }
    map.keys()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

/// `; did you mean `x`?` when `word` is a near miss of one of `candidates`.
fn suggestion<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    zflash_parser::sysidcfg::keywords::did_you_mean(word, candidates)
        .map(|m| format!("; did you mean `{m}`?"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_refuse_metacharacters_dotdot_and_leading_dash() {
        assert!(is_hostname("ws-001"));
        assert!(!is_hostname("ws;rm"));
        assert!(!is_hostname("ws\n1"));
        assert!(is_dataset_component("s10u6_golden"));
        assert!(!is_dataset_component("-rf"));
        assert!(!is_relative_path("-rf/x"));
        assert!(!is_dataset_component("a..b"));
        assert!(!is_dataset_component("a$b"));
        // The runtime's limit, not a stricter copy.
        assert!(is_dataset_component(&"b".repeat(200)));
        assert!(!is_dataset_component(&"b".repeat(201)));
        assert!(!is_relative_path("../etc/passwd"));
        assert!(!is_relative_path("etc/-rf"));
        assert!(is_relative_path("etc/.UNCONFIGURED"));
        assert_eq!(
            describe_bad_char("-rf").as_deref(),
            Some("starts with `-` (it would be read as an option)")
        );
        assert!(describe_bad_char(&"a".repeat(2000)).is_some());
    }

    #[test]
    fn wrong_indentation_is_named_and_fixtures_have_none() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures");
        for dir in ["sites", "examples", "sites/bad"] {
            for e in std::fs::read_dir(format!("{root}/{dir}")).unwrap() {
                let path = e.unwrap().path();
                if path.extension().is_some_and(|x| x == "yaml") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    assert_eq!(misindented(&text), [], "{}", path.display());
                }
            }
        }
        let text = "clients:\n  - hostname: a\n   mac: 8:0:20:0:0:1\n    ip: 10.0.0.1\n";
        let found = misindented(text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].0.line, found[0].0.column), (3, 4));
        assert!(
            found[0]
                .1
                .starts_with("`mac` is indented 3 spaces, its siblings 4")
        );
    }

    #[test]
    fn addresses_use_the_parser_grammar() {
        assert!(parse_ipv4("10.1.1.5").is_some());
        assert!(parse_ipv4("10.1.1").is_none());
        assert!(parse_ipv4("10.1.1.256").is_none());
        assert!(parse_ipv4("010.1.1.5").is_none());
        assert!(
            is_netmask("255.255.255.0") && !is_netmask("255.0.255.0") && !is_netmask("0.0.0.0")
        );
    }
}
