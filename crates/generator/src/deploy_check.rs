//! Deploy configs (`deploy/<host>.yaml`, read by `zflash finish`) checked with the
//! runtime's own validation, each problem a `D101` diagnostic at the line:column of the
//! key or value it is about: what `zflash check DIR` and `zflash finish` report.

use zflash_parser::Diagnostic;
use zflash_parser::check::{FileKind, FileReport, report_from_diagnostics};
use zflash_runtime::config::{ConfigError, DeployConfig};

use crate::error::value_span;
use crate::validate::tree::{self, Kind, Node, Pos};

/// Largest deploy config read (a generated one is under 2 kB).
pub const MAX_DEPLOY_CONFIG_BYTES: u64 = 1 << 20;

/// Check the text of one deploy config; `display` names it in the report.
pub fn check(display: &str, text: &str) -> FileReport {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rule = zflash_parser::lint::deploy::rule("D101");
    let mut found: Vec<(Pos, String)> = Vec::new();
    let parsed = tree::parse(text);
    if let Ok(t) = &parsed {
        for d in &t.duplicates {
            found.push((
                d.at,
                format!(
                    "duplicate key `{}`: already given at line {}",
                    d.key, d.first.line
                ),
            ));
        }
    }
    match DeployConfig::from_yaml(text) {
        Ok(_) => {}
        Err(ConfigError::Parse { message, .. }) => {
            let (message, pos) = split_location(&message);
            if !message.contains("duplicate field") || found.is_empty() {
                found.push((pos.unwrap_or(Pos { line: 1, column: 1 }), message));
            }
        }
        Err(ConfigError::Invalid(message)) => {
            let pos = parsed
                .as_ref()
                .ok()
                .and_then(|t| t.root.as_deref())
                .and_then(|root| key_named(root, &message))
                .unwrap_or(Pos { line: 1, column: 1 });
            found.push((pos, message));
        }
        Err(e) => found.push((Pos { line: 1, column: 1 }, e.to_string())),
    }
    let diags = found
        .into_iter()
        .map(|(pos, message)| {
            Diagnostic::new(rule, value_span(text, pos.line, pos.column), message)
        })
        .collect();
    report_from_diagnostics(display, FileKind::DeployConfig, text, diags)
}

/// Check the deploy config file at `path` (a regular file under the size cap).
pub fn check_file(path: &std::path::Path) -> Result<FileReport, String> {
    let text = crate::validate::read_regular_file(path, MAX_DEPLOY_CONFIG_BYTES)
        .map_err(|e| format!("cannot read deploy config {}: {e}", path.display()))?;
    Ok(check(&path.display().to_string(), &text))
}

/// yaml_serde's "… at line L column C" → the message and the position.
fn split_location(message: &str) -> (String, Option<Pos>) {
    let Some(i) = message.rfind(" at line ") else {
        return (message.to_string(), None);
    };
    let mut numbers = message[i + " at line ".len()..]
        .split(" column ")
        .map(|n| n.trim().parse::<usize>().ok());
    let pos = match (numbers.next().flatten(), numbers.next().flatten()) {
        (Some(line), Some(column)) => Some(Pos { line, column }),
        _ => None,
    };
    (message[..i].to_string(), pos)
}

/// The runtime names the key a problem is about first, in backquotes (`` `pool: x` ``,
/// `` `properties.compression` ``, `` `archive` ``): the position of that key's value
/// (or of the key), searched breadth-first so a top-level key wins.
fn key_named(root: &Node, message: &str) -> Option<Pos> {
    let quoted = message.split('`').nth(1)?;
    let path: Vec<&str> = quoted.split(':').next()?.trim().split('.').collect();
    // The whole dotted path from the top first.
    let mut node = root;
    let mut pos = None;
    for key in &path {
        match node.entry(key) {
            Some((k, v)) => {
                pos = Some(if matches!(v.kind, Kind::Scalar(_)) {
                    v.pos
                } else {
                    k.pos
                });
                node = v;
            }
            None => {
                pos = None;
                break;
            }
        }
    }
    if pos.is_some() {
        return pos;
    }
    // Else the last name anywhere.
    let last = path.last()?;
    let mut queue = std::collections::VecDeque::from([root]);
    while let Some(n) = queue.pop_front() {
        match &n.kind {
            Kind::Map(entries) => {
                for (k, v) in entries {
                    if k.scalar() == Some(last) {
                        return Some(if matches!(v.kind, Kind::Scalar(_)) {
                            v.pos
                        } else {
                            k.pos
                        });
                    }
                    queue.push_back(v);
                }
            }
            Kind::Seq(items) => queue.extend(items.iter().map(|i| &**i)),
            Kind::Scalar(_) => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<String> {
        check("deploy/ws1.yaml", text)
            .findings
            .iter()
            .map(|f| {
                format!(
                    "{}:{} {} {}",
                    f.start.line, f.start.column, f.diagnostic.code, f.diagnostic.message
                )
            })
            .collect()
    }

    #[test]
    fn typos_and_bad_values_are_reported_at_their_line() {
        let good = "version: 1\narchive: /flar/s10.zfs\nbe_name: s10gold\n";
        assert!(problems(good).is_empty());
        let typo = problems("version: 1\narchive: /flar/s10.zfs\nbe_nme: s10gold\n");
        assert_eq!(typo.len(), 1, "{typo:?}");
        assert!(
            typo[0].starts_with("3:1 D101 unknown field `be_nme`"),
            "{typo:?}"
        );
        let bad = problems("version: 1\narchive: /flar/s10.zfs\nbe_name: s10gold\npool: \"a b\"\n");
        assert!(bad[0].starts_with("4:8 D101 `pool: a b`"), "{bad:?}");
        let dup = problems("version: 1\narchive: /a.zfs\nbe_name: x\nbe_name: y\n");
        assert_eq!(dup.len(), 1, "{dup:?}");
        assert!(
            dup[0].starts_with("4:1 D101 duplicate key `be_name`"),
            "{dup:?}"
        );
    }
}
