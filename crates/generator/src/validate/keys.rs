//! Unknown keys, all of them in one run, each at its line with the nearest known key:
//! the tree is walked along the site file's JSON Schema (the same one `--schema` prints),
//! so the list of keys cannot drift from the serde shape.

use serde_json::Value;

use super::suggestion;
use super::tree::{Kind, Node, Pos};

/// Every key of `root` that the schema does not allow: its position and the message.
pub fn unknown_keys(root: &Node) -> Vec<(Pos, String)> {
    let schema: Value =
        serde_json::from_str(&crate::site::json_schema()).expect("the schema is JSON");
    let mut out = Vec::new();
    walk(&schema, &schema, root, "", &mut out);
    out
}

fn resolve<'a>(root: &'a Value, s: &'a Value) -> &'a Value {
    match s.get("$ref").and_then(Value::as_str) {
        Some(r) => &root["$defs"][r.trim_start_matches("#/$defs/")],
        None => s,
    }
}

fn walk(root: &Value, s: &Value, node: &Node, at: &str, out: &mut Vec<(Pos, String)>) {
    let s = resolve(root, s);
    // `Option<T>` is `anyOf [T, null]`; a tagged enum is `oneOf` its variants, chosen by
    // the node's `type`.
    if let Some(alts) = s.get("anyOf").and_then(Value::as_array) {
        if let Some(t) = alts
            .iter()
            .find(|a| a.get("type") != Some(&Value::from("null")))
        {
            walk(root, t, node, at, out);
        }
        return;
    }
    if let Some(alts) = s.get("oneOf").and_then(Value::as_array) {
        let tag = node
            .entry("type")
            .and_then(|(_, v)| v.scalar().map(str::to_string));
        let chosen = alts.iter().find(|a| {
            a["properties"]["type"]
                .get("const")
                .and_then(Value::as_str)
                .is_some_and(|c| Some(c) == tag.as_deref())
        });
        if let Some(a) = chosen {
            walk(root, a, node, at, out);
        }
        return;
    }
    match &node.kind {
        Kind::Map(entries) => {
            let props = s.get("properties").and_then(Value::as_object);
            let closed = s.get("additionalProperties") == Some(&Value::Bool(false));
            let extra = s.get("additionalProperties").filter(|v| v.is_object());
            for (k, v) in entries {
                let Some(key) = k.scalar() else { continue };
                let here = if at.is_empty() {
                    key.to_string()
                } else {
                    format!("{at}.{key}")
                };
                match props.and_then(|p| p.get(key)) {
                    Some(ps) => walk(root, ps, v, &here, out),
                    None if closed => {
                        let known: Vec<&str> = props
                            .map(|p| p.keys().map(String::as_str).collect())
                            .unwrap_or_default();
                        out.push((
                            k.pos,
                            format!(
                                "unknown key `{key}` in {}: expected one of {}{}",
                                if at.is_empty() { "the site file" } else { at },
                                known
                                    .iter()
                                    .map(|k| format!("`{k}`"))
                                    .collect::<Vec<_>>()
                                    .join(", "),
                                suggestion(key, known.iter().copied())
                            ),
                        ));
                    }
                    None => {
                        if let Some(e) = extra {
                            walk(root, e, v, &here, out);
                        }
                    }
                }
            }
        }
        Kind::Seq(items) => {
            if let Some(item) = s.get("items") {
                for (i, v) in items.iter().enumerate() {
                    walk(root, item, v, &format!("{at}[{i}]"), out);
                }
            }
        }
        Kind::Scalar(_) => {}
    }
}
