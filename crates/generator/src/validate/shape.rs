//! Shape problems, all of them in one run: a required key missing (Y003), a value of the
//! wrong YAML type or not one of an enumeration's words (Y004). yaml_serde stops at the
//! first of these; here the position-keeping tree is walked along the site file's JSON
//! Schema (the one `generate --schema` prints, so new sections are covered as soon as
//! their types derive `JsonSchema`), and every problem is listed at the line:column of the
//! offending value (or of the mapping that lacks a key).
//!
//! The walk accepts exactly what yaml_serde accepts (a differential test in this module
//! holds it to that): a plain `123` is a string where a string is expected (yaml_serde
//! reads any scalar as one), but not inside an internally tagged enum (`name_service`),
//! whose content yaml_serde buffers with YAML's own types first.
//!
//! It also builds a *repaired* copy of the document (every offending value replaced by a
//! placeholder of the expected shape, unknown keys and repeated keys left out), so that the
//! value checks can run on the rest of the file in the same run: a site with shape and
//! value mistakes reports them all. Problems the placeholders themselves cause are dropped
//! (see [`Shape::caused_by_repair`]); others that name one read well (`<clients[3].hostname>`).
//!
//! YAML tags (`!!str 1`) are not looked at: where one changes what yaml_serde makes of a
//! value, yaml_serde's own error is reported (it still reads the file when the walk finds
//! nothing).

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::suggestion;
use super::tree::{Kind, Node, Pos};

/// One shape problem.
#[derive(Debug, Clone)]
pub struct Problem {
    pub pos: Pos,
    pub message: String,
    /// Y003 (a required key missing) or Y004 (wrong type, unknown word).
    pub code: &'static str,
}

/// What the walk found.
#[derive(Debug, Default)]
pub struct Shape {
    pub problems: Vec<Problem>,
    /// Unknown keys that are a required key of a nearby mapping put at the wrong level
    /// (wrong indentation, wrong braces): their position and the message that replaces
    /// the plain "unknown key" one. The "missing key" problem they explain is not listed.
    pub misplaced: Vec<(Pos, String)>,
    /// The document with every problem repaired (see the module doc).
    pub repaired: Value,
    /// Positions of replaced values and of their keys: a value problem there is caused by
    /// the placeholder.
    replaced: HashSet<Pos>,
    /// Positions of mappings that lacked a required key (filled in with a placeholder).
    filled: HashSet<Pos>,
    /// The placeholder strings: `<clients[3].hostname>`, invalid everywhere (`<` is a
    /// shell metacharacter), and readable where another problem names them.
    placeholders: HashSet<String>,
}

impl Shape {
    /// Whether a value problem at `pos` with `message` comes from a placeholder rather than
    /// from the file.
    pub fn caused_by_repair(&self, pos: Option<Pos>, message: &str) -> bool {
        let Some(pos) = pos else { return false };
        self.replaced.contains(&pos)
            || (self.filled.contains(&pos) && self.names_a_placeholder(message))
    }

    /// Whether `message` quotes one of the placeholders (each `<…>` in it looked up).
    fn names_a_placeholder(&self, message: &str) -> bool {
        message.match_indices('<').any(|(i, _)| {
            message[i..]
                .find('>')
                .is_some_and(|j| self.placeholders.contains(&message[i..=i + j]))
        })
    }
}

/// A required key missing from a mapping.
struct Missing {
    key: String,
    /// Path of the mapping (`clients[0]`), "" for the document.
    at: String,
    pos: Pos,
    flow: bool,
    /// Index in `problems`.
    problem: usize,
}

/// A key the schema does not have at its place (reported as Y003 by `keys`).
struct Unknown {
    key: String,
    pos: Pos,
    /// Path of the mapping it is in.
    at: String,
    flow: bool,
}

/// Walk `root` along `schema`; `text` tells block from flow mappings.
pub fn check(schema: &Value, root: &Node, text: &str) -> Shape {
    let lines: Vec<&str> = text.lines().collect();
    let mut w = Walker {
        root: schema,
        lines: &lines,
        problems: Vec::new(),
        replaced: HashSet::new(),
        filled: HashSet::new(),
        placeholders: HashSet::new(),
        missing: Vec::new(),
        unknown: Vec::new(),
        record: true,
    };
    let repaired = match w.walk(schema, root, "", None, false) {
        Some(v) => v,
        None => {
            w.replaced.insert(root.pos);
            w.minimal(schema, "")
        }
    };
    let (misplaced, explained) = misplaced_keys(&w.missing, &w.unknown);
    let problems = w
        .problems
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !explained.contains(i))
        .map(|(_, p)| p)
        .collect();
    Shape {
        problems,
        misplaced,
        repaired,
        replaced: w.replaced,
        filled: w.filled,
        placeholders: w.placeholders,
    }
}

struct Walker<'a> {
    root: &'a Value,
    lines: &'a [&'a str],
    problems: Vec<Problem>,
    replaced: HashSet<Pos>,
    filled: HashSet<Pos>,
    placeholders: HashSet<String>,
    missing: Vec<Missing>,
    unknown: Vec<Unknown>,
    /// False while trying the alternatives of an untagged `anyOf`.
    record: bool,
}

/// What YAML itself makes of a scalar (the types yaml_serde gives buffered content).
#[derive(Debug, PartialEq)]
enum Core {
    Null,
    Bool(bool),
    Int(serde_json::Number),
    Float(f64),
    Str,
}

fn core(node: &Node, value: &str) -> Core {
    if !node.plain {
        return Core::Str;
    }
    if value.is_empty() || matches!(value, "null" | "Null" | "NULL" | "~") {
        return Core::Null;
    }
    match value {
        "true" | "True" | "TRUE" => return Core::Bool(true),
        "false" | "False" | "FALSE" => return Core::Bool(false),
        _ => {}
    }
    // Numbers as yaml_serde reads them (hex, octal, `+`, `.inf`…): its own parser.
    if value.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '+' | '-' | '.'))
        && let Ok(serde_yaml::Value::Number(n)) = serde_yaml::from_str::<serde_yaml::Value>(value)
    {
        if let Some(u) = n.as_u64() {
            return Core::Int(u.into());
        }
        if let Some(i) = n.as_i64() {
            return Core::Int(i.into());
        }
        if let Some(f) = n.as_f64() {
            return Core::Float(f);
        }
    }
    Core::Str
}

fn is_null(node: &Node) -> bool {
    matches!(&node.kind, Kind::Scalar(s) if core(node, s) == Core::Null)
}

fn is_empty_plain(node: &Node) -> bool {
    node.plain && matches!(&node.kind, Kind::Scalar(s) if s.is_empty())
}

fn here(at: &str) -> &str {
    if at.is_empty() { "the site file" } else { at }
}

fn child(at: &str, key: &str) -> String {
    if at.is_empty() {
        key.to_string()
    } else {
        format!("{at}.{key}")
    }
}

/// What a node is, in YAML terms, for "invalid type: …".
fn found(node: &Node) -> String {
    match &node.kind {
        Kind::Map(_) => "mapping".into(),
        Kind::Seq(_) => "sequence".into(),
        Kind::Scalar(s) => match core(node, s) {
            Core::Null if s.is_empty() => "nothing (an empty value)".into(),
            Core::Null => format!("null `{s}`"),
            Core::Bool(_) => format!("boolean `{s}`"),
            Core::Int(_) => format!("integer `{s}`"),
            Core::Float(_) => format!("floating point `{s}`"),
            Core::Str => {
                let short: String = s.chars().take(40).collect();
                let more = if short.len() < s.len() { "…" } else { "" };
                format!("string {short:?}{more}")
            }
        },
    }
}

fn types_of(s: &Value) -> Vec<&str> {
    match s.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Inclusive bounds of an integer schema (`format: uint32`, `minimum`, `maximum`).
fn int_bounds(s: &Value) -> (i128, i128) {
    let (mut lo, mut hi) = match s.get("format").and_then(Value::as_str) {
        Some("uint8") => (0, i128::from(u8::MAX)),
        Some("uint16") => (0, i128::from(u16::MAX)),
        Some("uint32") => (0, i128::from(u32::MAX)),
        Some("uint64" | "uint") => (0, i128::from(u64::MAX)),
        Some("int8") => (i128::from(i8::MIN), i128::from(i8::MAX)),
        Some("int16") => (i128::from(i16::MIN), i128::from(i16::MAX)),
        Some("int32") => (i128::from(i32::MIN), i128::from(i32::MAX)),
        _ => (i128::from(i64::MIN), i128::from(u64::MAX)),
    };
    if let Some(m) = s.get("minimum").and_then(Value::as_i64) {
        lo = lo.max(i128::from(m));
    }
    if let Some(m) = s.get("maximum").and_then(Value::as_u64) {
        hi = hi.min(i128::from(m));
    }
    (lo, hi)
}

fn expected(types: &[&str], s: &Value) -> String {
    let words: Vec<String> = types
        .iter()
        .filter(|t| **t != "null" || types.len() == 1)
        .map(|t| match *t {
            "string" => "a string".to_string(),
            "integer" => {
                let (lo, hi) = int_bounds(s);
                format!("a whole number from {lo} to {hi}")
            }
            "number" => "a number".into(),
            "boolean" => "`true` or `false`".into(),
            "object" => "a mapping of `key: value` lines".into(),
            "array" => "a list (`- item` lines or `[a, b]`)".into(),
            "null" => "nothing (null)".into(),
            other => other.to_string(),
        })
        .collect();
    words.join(" or ")
}

/// The constant words of a `oneOf` of unit variants (`Compression`), if it is one.
fn unit_words(alts: &[Value]) -> Option<Vec<&str>> {
    alts.iter()
        .map(|a| a.get("const").and_then(Value::as_str))
        .collect()
}

/// The tag values of an internally tagged `oneOf` (`name_service: {type: DNS, …}`).
fn tags(alts: &[Value]) -> Option<Vec<&str>> {
    alts.iter()
        .map(|a| a["properties"]["type"].get("const").and_then(Value::as_str))
        .collect()
}

fn quoted_list(words: &[&str]) -> String {
    words
        .iter()
        .map(|w| format!("`{w}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl<'a> Walker<'a> {
    fn resolve(&self, s: &'a Value) -> &'a Value {
        match s.get("$ref").and_then(Value::as_str) {
            Some(r) => &self.root["$defs"][r.trim_start_matches("#/$defs/")],
            None => s,
        }
    }

    fn problem(&mut self, pos: Pos, code: &'static str, message: String) {
        if self.record {
            self.problems.push(Problem { pos, message, code });
        }
    }

    fn is_flow(&self, pos: Pos) -> bool {
        self.lines
            .get(pos.line.wrapping_sub(1))
            .and_then(|l| l.chars().nth(pos.column.wrapping_sub(1)))
            == Some('{')
    }

    /// A value of the shape `s` describes that yaml_serde accepts (the placeholder of a
    /// value that is wrong or missing).
    fn minimal(&mut self, s: &'a Value, at: &str) -> Value {
        let s = self.resolve(s);
        if let Some(c) = s.get("const") {
            return c.clone();
        }
        if let Some(first) = s
            .get("enum")
            .and_then(Value::as_array)
            .and_then(|e| e.iter().find(|v| v.is_string()))
        {
            return first.clone();
        }
        if let Some(alts) = s.get("anyOf").and_then(Value::as_array) {
            return match alts.iter().find(|a| types_of(a) != ["null"]) {
                Some(a) => self.minimal(a, at),
                None => Value::Null,
            };
        }
        if let Some(first) = s
            .get("oneOf")
            .and_then(Value::as_array)
            .and_then(|a| a.first())
        {
            return self.minimal(first, at);
        }
        let types = types_of(s);
        match types.iter().find(|t| **t != "null").copied() {
            Some("string") => {
                let placeholder = format!("<{}>", here(at));
                self.placeholders.insert(placeholder.clone());
                Value::String(placeholder)
            }
            Some("integer") => Value::from(int_bounds(s).0.max(0) as u64),
            Some("number") => Value::from(0),
            Some("boolean") => Value::Bool(false),
            Some("array") => Value::Array(Vec::new()),
            Some("object") => {
                let mut m = Map::new();
                for key in s
                    .get("required")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                {
                    let value = self.minimal(&s["properties"][key], &child(at, key));
                    m.insert(key.to_string(), value);
                }
                Value::Object(m)
            }
            _ => Value::Null,
        }
    }

    /// `node` against schema `s` at path `at` (`key` is the position of the key whose
    /// value it is). `buffered`: inside an internally tagged enum (YAML's own scalar types
    /// count). `None`: the node does not fit (the problem is recorded); the caller puts a
    /// placeholder.
    fn walk(
        &mut self,
        s: &'a Value,
        node: &Node,
        at: &str,
        key: Option<Pos>,
        buffered: bool,
    ) -> Option<Value> {
        // A named definition is a Rust type: its `enum` is the words serde takes (a unit
        // enum without doc comments). An `enum` written on a string field (`arch`) is a
        // value rule that serde does not enforce: the value checks say it, with their words.
        let named = s.get("$ref").is_some();
        let s = self.resolve(s);
        if named && let Some(list) = s.get("enum").and_then(Value::as_array) {
            if list.contains(&Value::Null) && is_null(node) {
                return Some(Value::Null);
            }
            let words: Vec<&str> = list.iter().filter_map(Value::as_str).collect();
            return self.word(node, at, &words, buffered);
        }
        if let Some(alts) = s.get("anyOf").and_then(Value::as_array) {
            let (nulls, others): (Vec<&Value>, Vec<&Value>) =
                alts.iter().partition(|a| types_of(a) == ["null"]);
            if !nulls.is_empty() && is_null(node) {
                return Some(Value::Null);
            }
            if let [only] = others.as_slice() {
                // `Option<T>`.
                return self.walk(only, node, at, key, buffered);
            }
            // An untagged enum: the first alternative that fits (yaml_serde buffers it).
            let record = self.record;
            self.record = false;
            let fits = others.iter().find_map(|a| {
                let before = (self.missing.len(), self.unknown.len());
                let v = self.walk(a, node, at, key, true);
                self.missing.truncate(before.0);
                self.unknown.truncate(before.1);
                v
            });
            self.record = record;
            if fits.is_none() {
                self.problem(
                    node.pos,
                    "Y004",
                    format!(
                        "{}: {} fits none of the forms this value may take (see `zflash generate --schema`)",
                        here(at),
                        found(node)
                    ),
                );
            }
            return fits;
        }
        if let Some(alts) = s.get("oneOf").and_then(Value::as_array) {
            if let Some(words) = unit_words(alts) {
                return self.word(node, at, &words, buffered);
            }
            if let Some(tags) = tags(alts) {
                return self.tagged(alts, &tags, node, at, key);
            }
        }
        let types = types_of(s);
        if types.is_empty() {
            // A schema this walk does not know: take the value as YAML reads it.
            return Some(generic(node));
        }
        match &node.kind {
            Kind::Map(_) if types.contains(&"object") => {}
            Kind::Seq(_) if types.contains(&"array") => {}
            Kind::Scalar(text) => {
                let c = core(node, text);
                if c == Core::Null && types.contains(&"null") {
                    return Some(Value::Null);
                }
                if !buffered && is_empty_plain(node) && types.contains(&"object") {
                    // yaml_serde reads `key:` with nothing as an empty mapping.
                    return Some(self.object(s, &[], node, at, key, buffered));
                }
                if !buffered && is_empty_plain(node) && types.contains(&"array") {
                    return Some(Value::Array(Vec::new()));
                }
                let fits = types.iter().find_map(|t| match (*t, &c) {
                    ("string", Core::Str) => Some(Value::String(text.clone())),
                    // yaml_serde reads any scalar as a string, outside buffered content.
                    ("string", _) if !buffered => Some(Value::String(text.clone())),
                    ("boolean", Core::Bool(b)) => Some(Value::Bool(*b)),
                    ("integer", Core::Int(n)) => {
                        let (lo, hi) = int_bounds(s);
                        let v = n
                            .as_u64()
                            .map(i128::from)
                            .or_else(|| n.as_i64().map(i128::from))?;
                        (lo..=hi).contains(&v).then(|| Value::Number(n.clone()))
                    }
                    ("number", Core::Int(n)) => Some(Value::Number(n.clone())),
                    ("number", Core::Float(f)) => {
                        serde_json::Number::from_f64(*f).map(Value::Number)
                    }
                    _ => None,
                });
                match fits {
                    Some(v) => return Some(v),
                    None => {
                        self.wrong_type(node, at, &types, s, buffered);
                        return None;
                    }
                }
            }
            _ => {
                self.wrong_type(node, at, &types, s, buffered);
                return None;
            }
        }
        match &node.kind {
            Kind::Map(entries) => Some(self.object(s, entries, node, at, key, buffered)),
            Kind::Seq(items) => {
                let item_schema = s.get("items");
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let path = format!("{at}[{i}]");
                    let v = match item_schema {
                        Some(is) => match self.walk(is, item, &path, None, buffered) {
                            Some(v) => v,
                            None => {
                                self.replaced.insert(item.pos);
                                self.minimal(is, &path)
                            }
                        },
                        None => generic(item),
                    };
                    out.push(v);
                }
                Some(Value::Array(out))
            }
            Kind::Scalar(_) => unreachable!("handled above"),
        }
    }

    fn wrong_type(&mut self, node: &Node, at: &str, types: &[&str], s: &Value, buffered: bool) {
        let mut message = format!(
            "{}: invalid type: {}, expected {}",
            here(at),
            found(node),
            expected(types, s)
        );
        if buffered && types.contains(&"string") && matches!(node.kind, Kind::Scalar(_)) {
            message.push_str(" (quote it: inside this mapping YAML's own types count)");
        }
        self.problem(node.pos, "Y004", message);
    }

    /// One of an enumeration's words (`compression: gzip`).
    fn word(&mut self, node: &Node, at: &str, words: &[&str], buffered: bool) -> Option<Value> {
        let text = match &node.kind {
            Kind::Scalar(t) if !(buffered && core(node, t) != Core::Str) => t,
            _ => {
                self.problem(
                    node.pos,
                    "Y004",
                    format!(
                        "{}: invalid type: {}, expected one of {}",
                        here(at),
                        found(node),
                        quoted_list(words)
                    ),
                );
                return None;
            }
        };
        if words.contains(&text.as_str()) {
            return Some(Value::String(text.clone()));
        }
        self.problem(
            node.pos,
            "Y004",
            format!(
                "{}: unknown value {text:?}: expected one of {}{}",
                here(at),
                quoted_list(words),
                suggestion(text, words.iter().copied())
            ),
        );
        None
    }

    /// An internally tagged enum: a mapping whose `type` picks the variant.
    fn tagged(
        &mut self,
        alts: &'a [Value],
        tags: &[&str],
        node: &Node,
        at: &str,
        key: Option<Pos>,
    ) -> Option<Value> {
        let Kind::Map(_) = &node.kind else {
            self.wrong_type(node, at, &["object"], &Value::Null, false);
            return None;
        };
        let tag = node.entry("type").map(|(_, v)| v);
        let Some(tag) = tag else {
            self.problem(
                node.pos,
                "Y003",
                format!(
                    "{}: missing required key `type` (one of {})",
                    here(at),
                    quoted_list(tags)
                ),
            );
            return None;
        };
        let name = match &tag.kind {
            Kind::Scalar(t) if core(tag, t) == Core::Str => t.as_str(),
            _ => "",
        };
        match tags.iter().position(|t| *t == name) {
            Some(i) => self.walk(&alts[i], node, at, key, true),
            None => {
                let path = child(at, "type");
                self.word(tag, &path, tags, true);
                None
            }
        }
    }

    /// A mapping's entries against an object schema: properties walked, unknown keys left
    /// out (`keys` reports them), repeated keys left out (the tree reports them), missing
    /// required keys reported and filled in.
    fn object(
        &mut self,
        s: &'a Value,
        entries: &[(std::rc::Rc<Node>, std::rc::Rc<Node>)],
        node: &Node,
        at: &str,
        key: Option<Pos>,
        buffered: bool,
    ) -> Value {
        let props = s.get("properties").and_then(Value::as_object);
        let extra = s.get("additionalProperties").filter(|v| v.is_object());
        let closed = s.get("additionalProperties") == Some(&Value::Bool(false));
        let flow = self.is_flow(node.pos);
        let mut out = Map::new();
        for (k, v) in entries {
            let Some(name) = k.scalar() else {
                self.problem(
                    k.pos,
                    "Y004",
                    format!("{}: a key must be a word, not a {}", here(at), found(k)),
                );
                continue;
            };
            if out.contains_key(name) {
                continue;
            }
            let path = child(at, name);
            let schema = match props.and_then(|p| p.get(name)) {
                Some(ps) => ps,
                None => match extra {
                    Some(e) => e,
                    None => {
                        if closed && self.record {
                            self.unknown.push(Unknown {
                                key: name.to_string(),
                                pos: k.pos,
                                at: at.to_string(),
                                flow,
                            });
                        }
                        continue;
                    }
                },
            };
            let value = match self.walk(schema, v, &path, Some(k.pos), buffered) {
                Some(value) => value,
                None => {
                    self.replaced.insert(v.pos);
                    self.replaced.insert(k.pos);
                    self.minimal(schema, &path)
                }
            };
            out.insert(name.to_string(), value);
        }
        for req in s
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if out.contains_key(req) {
                continue;
            }
            // An empty `key:` read as a mapping has no place of its own: its key's.
            let pos = if is_empty_plain(node) {
                key.unwrap_or(node.pos)
            } else {
                node.pos
            };
            if self.record {
                self.missing.push(Missing {
                    key: req.to_string(),
                    at: at.to_string(),
                    pos,
                    flow,
                    problem: self.problems.len(),
                });
            }
            self.problem(
                pos,
                "Y003",
                format!("{}: missing required key `{req}`", here(at)),
            );
            self.filled.insert(pos);
            self.filled.insert(node.pos);
            if let Some(k) = key {
                self.filled.insert(k);
            }
            let value = self.minimal(&s["properties"][req], &child(at, req));
            out.insert(req.to_string(), value);
        }
        Value::Object(out)
    }
}

/// A node as YAML's own types read it (where the schema says nothing).
fn generic(node: &Node) -> Value {
    match &node.kind {
        Kind::Map(entries) => Value::Object(
            entries
                .iter()
                .filter_map(|(k, v)| Some((k.scalar()?.to_string(), generic(v))))
                .collect(),
        ),
        Kind::Seq(items) => Value::Array(items.iter().map(|i| generic(i)).collect()),
        Kind::Scalar(s) => match core(node, s) {
            Core::Null => Value::Null,
            Core::Bool(b) => Value::Bool(b),
            Core::Int(n) => Value::Number(n),
            Core::Float(f) => serde_json::Number::from_f64(f)
                .map(Value::Number)
                .unwrap_or(Value::Null),
            Core::Str => Value::String(s.clone()),
        },
    }
}

/// Is mapping path `a` inside `b` (or the same)?
fn within(a: &str, b: &str) -> bool {
    b.is_empty()
        || a == b
        || a.strip_prefix(b)
            .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
}

/// A required key missing from one mapping and given as an unknown key of a mapping
/// around it or inside it: one mistake (a key at the wrong level), said once, at the key.
/// Returns the messages for those keys and the indices of the "missing" problems they
/// replace.
fn misplaced_keys(missing: &[Missing], unknown: &[Unknown]) -> (Vec<(Pos, String)>, Vec<usize>) {
    let mut out = Vec::new();
    let mut explained = Vec::new();
    let mut used = vec![false; unknown.len()];
    // Unknown keys by (name, mapping path): a missing key's candidates are looked up, not
    // searched for (10,000 clients each with a key at the wrong level stay linear).
    let mut index: std::collections::BTreeMap<(&str, &str), Vec<usize>> = Default::default();
    let mut by_mapping: std::collections::HashMap<&str, Vec<usize>> = Default::default();
    for (i, u) in unknown.iter().enumerate() {
        index
            .entry((u.key.as_str(), u.at.as_str()))
            .or_default()
            .push(i);
        by_mapping.entry(u.at.as_str()).or_default().push(i);
    }
    for m in missing {
        let key = m.key.as_str();
        // A misspelling of the missing key, in the mapping itself: one mistake, said once.
        let misspelt = by_mapping
            .get(m.at.as_str())
            .into_iter()
            .flatten()
            .copied()
            .find(|&i| {
                !used[i]
                    && zflash_parser::sysidcfg::keywords::did_you_mean(&unknown[i].key, [key])
                        .is_some()
            });
        if let Some(i) = misspelt {
            used[i] = true;
            explained.push(m.problem);
            out.push((
                unknown[i].pos,
                format!(
                    "unknown key `{}` in {}: did you mean `{key}`? ({} lacks `{key}`, which it needs)",
                    unknown[i].key,
                    here(&m.at),
                    here(&m.at)
                ),
            ));
            continue;
        }
        // In the mapping itself or below it (paths that start with its own)…
        let below = index
            .range((key, m.at.as_str())..)
            .take_while(|((k, at), _)| *k == key && at.starts_with(m.at.as_str()))
            .filter(|((_, at), _)| within(at, &m.at));
        // …or in a mapping around it (each shorter path that ends at a `.` or `[`).
        let around =
            m.at.match_indices(['.', '['])
                .map(|(i, _)| &m.at[..i])
                .chain(std::iter::once(""))
                .filter_map(|at| index.get_key_value(&(key, at)));
        // The nearest such key before or after the mapping, in file order.
        let found = below
            .chain(around)
            .flat_map(|(_, ids)| ids.iter().copied())
            .filter(|&i| !used[i])
            .min_by_key(|&i| unknown[i].pos.line.abs_diff(m.pos.line));
        let Some(i) = found else { continue };
        let u = &unknown[i];
        used[i] = true;
        explained.push(m.problem);
        let owner = here(&u.at);
        let lacking = here(&m.at);
        let message = if m.flow || u.flow {
            if within(&u.at, &m.at) {
                format!(
                    "`{}` is inside the braces `{{…}}` of {owner}, which has no such key, and {lacking} lacks it: move it out of those braces",
                    u.key
                )
            } else {
                format!(
                    "`{}` is outside the braces `{{…}}` of {lacking}, which lacks it, and {owner} has no such key: move it inside those braces",
                    u.key
                )
            }
        } else {
            format!(
                "`{}` is indented {} spaces, the keys of {lacking} {}: YAML nests by indentation, so it is read as a key of {owner}, which has no such key, and {lacking} lacks it",
                u.key,
                u.pos.column - 1,
                m.pos.column - 1
            )
        };
        out.push((u.pos, message));
    }
    (out, explained)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::tree;

    fn shape(text: &str) -> Shape {
        let schema: Value = serde_json::from_str(&crate::site::json_schema()).unwrap();
        let tree = tree::parse(text).unwrap();
        check(&schema, tree.root.as_deref().unwrap(), text)
    }

    const GOOD: &str = "version: 1
server: {hostname: js, ip: 10.0.0.1, install_image: /i, release: 10/08, config_dir: /c}
archives:
  a: {location: /a.zfs, compression: gzip}
classes:
  c: {archive: a}
defaults:
  sysidcfg:
    name_service: {type: DNS, domain_name: example.com, name_servers: [10.0.0.2]}
    network_interface: {netmask: 255.255.255.0, protocol_ipv6: false}
clients:
  - hostname: a
    mac: 8:0:20:0:0:1
    ip: 10.0.0.3
";

    /// Every edit of one value: the walk finds a problem exactly when yaml_serde refuses
    /// the file, and when it finds none its repaired document is what yaml_serde reads.
    #[test]
    fn the_walk_agrees_with_yaml_serde() {
        let edits: &[(&str, &str)] = &[
            ("version: 1", "version: \"1\""),
            ("version: 1", "version: 1.0"),
            ("version: 1", "version: 0x1"),
            ("version: 1", "version: -1"),
            ("version: 1", "version: 99999999999"),
            ("version: 1", "version:"),
            ("version: 1", "version: [1]"),
            ("hostname: a", "hostname: 123"),
            ("hostname: a", "hostname: true"),
            ("hostname: a", "hostname: ~"),
            ("hostname: a", "hostname:"),
            ("hostname: a", "hostname: [a]"),
            ("hostname: a", "hostname: {a: b}"),
            ("compression: gzip", "compression: gz"),
            ("compression: gzip", "compression: \"gzip\""),
            ("compression: gzip", "compression: ~"),
            ("compression: gzip", "compression: [gzip]"),
            ("protocol_ipv6: false", "protocol_ipv6: no"),
            ("protocol_ipv6: false", "protocol_ipv6: \"false\""),
            ("protocol_ipv6: false", "protocol_ipv6: False"),
            ("protocol_ipv6: false", "protocol_ipv6: ''"),
            ("domain_name: example.com", "domain_name: 123"),
            ("domain_name: example.com", "domain_name: \"123\""),
            ("domain_name: example.com", "domain_name: true"),
            ("domain_name: example.com", "domain_name:"),
            ("name_servers: [10.0.0.2]", "name_servers: 10.0.0.2"),
            ("name_servers: [10.0.0.2]", "name_servers: [1]"),
            ("name_servers: [10.0.0.2]", "name_servers:"),
            ("type: DNS", "type: dns"),
            ("type: DNS, ", ""),
            (
                "{type: DNS, domain_name: example.com, name_servers: [10.0.0.2]}",
                "{type: NONE}",
            ),
            (
                "{type: DNS, domain_name: example.com, name_servers: [10.0.0.2]}",
                "[DNS]",
            ),
            ("    mac: 8:0:20:0:0:1\n", ""),
            ("clients:\n", "clients:\n  - a\n"),
            ("clients:\n", "clients: ~\nx:\n"),
            ("  c: {archive: a}", "  c:"),
            ("  c: {archive: a}", "  c: a"),
            ("  c: {archive: a}", "  c: {archive: [a]}"),
            ("server: {", "server: {hostname: [x], "),
            ("defaults:\n", "defaults:\n  class:\n"),
            ("defaults:\n", "defaults:\n  match_by: hostnme\n"),
            ("defaults:\n", "defaults:\n  match_by: 1\n"),
            ("defaults:\n", "defaults:\n  sysidcfg: 3\n"),
            ("  sysidcfg:\n", "  sysidcfg:\n    timezone: 12\n"),
        ];
        let mut wrong = Vec::new();
        for (from, to) in edits {
            assert!(GOOD.contains(from), "{from}");
            let text = GOOD.replacen(from, to, 1);
            let serde = serde_yaml::from_str::<crate::site::SiteFile>(&text);
            let got = shape(&text);
            if got.problems.is_empty() != serde.is_ok() {
                wrong.push(format!(
                    "{to}: walk {:?}, serde {:?}",
                    got.problems,
                    serde.as_ref().err().map(ToString::to_string)
                ));
                continue;
            }
            if let Ok(file) = serde {
                let repaired: crate::site::SiteFile =
                    serde_json::from_value(got.repaired.clone()).unwrap();
                assert_eq!(
                    serde_json::to_value(&repaired).unwrap(),
                    serde_json::to_value(&file).unwrap(),
                    "{to}"
                );
            } else {
                serde_json::from_value::<crate::site::SiteFile>(got.repaired.clone())
                    .unwrap_or_else(|e| panic!("{to}: repaired: {e}"));
            }
        }
        assert!(wrong.is_empty(), "{wrong:#?}");
    }

    /// Every field of the property tests' site template (`fixtures/sites/fields.yaml.in`),
    /// and the non-string keys, set to each of a set of YAML values of every type: the walk
    /// finds a problem exactly when yaml_serde refuses the file (for a shape reason), and
    /// its repaired document is what yaml_serde reads when it accepts it.
    #[test]
    fn the_walk_agrees_with_yaml_serde_on_every_field_and_kind_of_value() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fixtures/sites/fields.yaml.in"
        );
        let mut template: String = std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| format!("{l}\n"))
            .collect();
        for (literal, name) in [
            ("version: 1", "version: @version=1@"),
            (
                "finish: native\n    profile:\n      pool",
                "finish: @finish=native@\n    profile:\n      pool",
            ),
        ] {
            assert!(template.contains(literal), "{literal}");
            template = template.replacen(literal, name, 1);
        }
        let mut fields: Vec<(String, String)> = Vec::new();
        let mut rest = template.as_str();
        while let Some(start) = rest.find('@') {
            let end = start + 1 + rest[start + 1..].find('@').unwrap();
            if let Some((name, good)) = rest[start + 1..end].split_once('=') {
                fields.push((name.to_string(), good.to_string()));
            }
            rest = &rest[end + 1..];
        }
        let values = [
            "x", "\"x\"", "'1'", "1", "-1", "0x10", "1.5", ".inf", "true", "yes", "~", "null",
            "\"\"", "[a]", "[]", "{a: b}", "{}", "native", "NONE",
        ];
        let schema: Value = serde_json::from_str(&crate::site::json_schema()).unwrap();
        let shape_words = [
            "invalid type",
            "unknown variant",
            "missing field",
            "unknown field",
            "invalid value",
            "invalid length",
            "duplicate",
        ];
        let (mut compared, mut wrong) = (0, Vec::new());
        for (which, (field, _)) in fields.iter().enumerate() {
            for value in values {
                let mut text = template.clone();
                for (i, (name, good)) in fields.iter().enumerate() {
                    let v = if i == which { value } else { good.as_str() };
                    let v = if i == which || name == "version" || name == "finish" {
                        v.to_string()
                    } else {
                        serde_json::to_string(v).unwrap()
                    };
                    text = text
                        .replace(&format!("@{name}={good}@"), &v)
                        .replace(&format!("@{name}@"), &v);
                }
                let Ok(tree) = tree::parse(&text) else {
                    continue;
                };
                let serde = serde_yaml::from_str::<crate::site::SiteFile>(&text);
                if let Err(e) = &serde
                    && !shape_words.iter().any(|w| e.to_string().contains(w))
                {
                    continue; // a syntax difference between the two YAML parsers
                }
                compared += 1;
                let got = check(&schema, tree.root.as_deref().unwrap(), &text);
                // (No value here makes an unknown key: those are `keys`' part.)
                let clean = got.problems.is_empty() && tree.duplicates.is_empty();
                if clean != serde.is_ok() {
                    wrong.push(format!(
                        "{field}={value}: walk {:?}, serde {:?}",
                        got.problems,
                        serde.as_ref().err().map(ToString::to_string)
                    ));
                    continue;
                }
                match (
                    &serde,
                    serde_json::from_value::<crate::site::SiteFile>(got.repaired),
                ) {
                    (_, Err(e)) => wrong.push(format!("{field}={value}: repaired: {e}")),
                    (Ok(file), Ok(repaired))
                        if serde_json::to_value(file).unwrap()
                            != serde_json::to_value(&repaired).unwrap() =>
                    {
                        wrong.push(format!("{field}={value}: repaired differs"));
                    }
                    _ => {}
                }
            }
        }
        assert!(wrong.is_empty(), "{wrong:#?}");
        assert!(compared > 500, "{compared}");
    }

    /// A misspelt required key is one problem at the misspelling, not also a missing key.
    #[test]
    fn a_misspelt_required_key_is_said_once() {
        let text = GOOD.replacen("    mac: 8:0:20:0:0:1\n", "    mack: 8:0:20:0:0:1\n", 1);
        let s = shape(&text);
        assert!(s.problems.is_empty(), "{:?}", s.problems);
        assert_eq!(s.misplaced.len(), 1);
        assert_eq!((s.misplaced[0].0.line, s.misplaced[0].0.column), (13, 5));
        assert_eq!(
            s.misplaced[0].1,
            "unknown key `mack` in clients[0]: did you mean `mac`? (clients[0] lacks `mac`, which it needs)"
        );
    }

    /// A section another change may add (servers with roles, replicas): the walk covers it
    /// from its derived schema alone, agreeing with yaml_serde on every edit.
    #[test]
    fn a_new_section_is_covered_by_its_schema_alone() {
        use std::collections::BTreeMap;

        use schemars::JsonSchema;
        use serde::Deserialize;

        #[derive(Debug, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Fleet {
            servers: Vec<Srv>,
            #[serde(default)]
            replicas: BTreeMap<String, Replica>,
            #[serde(default)]
            policy: Option<Policy>,
        }
        #[derive(Debug, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Srv {
            hostname: String,
            roles: Vec<Role>,
            #[serde(default)]
            port: Option<u16>,
            #[serde(default)]
            primary: bool,
        }
        #[derive(Debug, Deserialize, JsonSchema)]
        #[serde(rename_all = "lowercase")]
        enum Role {
            Boot,
            Install,
            Config,
        }
        #[derive(Debug, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Replica {
            of: String,
            count: u8,
        }
        #[derive(Debug, Deserialize, JsonSchema)]
        #[serde(untagged)]
        #[allow(dead_code)]
        enum Policy {
            Count(u32),
            Named { name: String },
        }

        let schema = serde_json::to_value(schemars::schema_for!(Fleet)).unwrap();
        let good = "servers:
  - {hostname: a, roles: [boot, install], port: 2049}
  - hostname: b
    roles: [config]
    primary: true
replicas:
  r1: {of: a, count: 2}
policy: 3
";
        let edits: &[(&str, &str)] = &[
            ("", ""),
            ("roles: [boot, install]", "roles: [boot, instal]"),
            ("roles: [boot, install]", "roles: boot"),
            ("port: 2049", "port: 70000"),
            ("port: 2049", "port: -1"),
            ("port: 2049", "port: \"2049\""),
            ("port: 2049", "port: ~"),
            ("primary: true", "primary: yes"),
            ("count: 2", "count: 256"),
            ("count: 2", "count: two"),
            ("{of: a, count: 2}", "{count: 2}"),
            ("{of: a, count: 2}", "[a, 2]"),
            ("    roles: [config]\n", ""),
            ("policy: 3", "policy: {name: x}"),
            ("policy: 3", "policy: [x]"),
            ("policy: 3", "policy: ~"),
        ];
        let mut wrong = Vec::new();
        for (from, to) in edits {
            let text = good.replacen(from, to, 1);
            let tree = tree::parse(&text).unwrap();
            let got = check(&schema, tree.root.as_deref().unwrap(), &text);
            let serde = serde_yaml::from_str::<Fleet>(&text);
            if got.problems.is_empty() != serde.is_ok() {
                wrong.push(format!("{to}: walk {:?}, serde {serde:?}", got.problems));
            }
            if serde_json::from_value::<Fleet>(got.repaired.clone()).is_err() {
                wrong.push(format!("{to}: the repaired document does not deserialize"));
            }
        }
        assert!(wrong.is_empty(), "{wrong:#?}");
    }

    #[test]
    fn every_shape_problem_is_listed_at_its_value() {
        let text = GOOD
            .replacen("version: 1", "version: \"1\"", 1)
            .replacen("compression: gzip", "compression: gzp", 1)
            .replacen("protocol_ipv6: false", "protocol_ipv6: no", 1)
            .replacen("    mac: 8:0:20:0:0:1\n", "", 1);
        let got: Vec<String> = shape(&text)
            .problems
            .iter()
            .map(|p| format!("{}:{} {} {}", p.pos.line, p.pos.column, p.code, p.message))
            .collect();
        assert_eq!(
            got,
            [
                "1:11 Y004 version: invalid type: string \"1\", expected a whole number from 0 to 4294967295",
                "4:38 Y004 archives.a.compression: unknown value \"gzp\": expected one of `none`, `gzip`, `zstd`; did you mean `gzip`?",
                "10:64 Y004 defaults.sysidcfg.network_interface.protocol_ipv6: invalid type: string \"no\", expected `true` or `false`",
                "12:5 Y003 clients[0]: missing required key `mac`",
            ]
        );
    }

    #[test]
    fn a_key_at_the_wrong_level_is_one_problem_at_that_key() {
        // Block style: `mac` at the document's level.
        let text = GOOD.replacen("    mac: 8:0:20:0:0:1\n", "", 1) + "mac: 8:0:20:0:0:1\n";
        let s = shape(&text);
        assert!(s.problems.is_empty(), "{:?}", s.problems);
        assert_eq!(s.misplaced.len(), 1);
        assert_eq!((s.misplaced[0].0.line, s.misplaced[0].0.column), (14, 1));
        assert!(
            s.misplaced[0]
                .1
                .starts_with("`mac` is indented 0 spaces, the keys of clients[0] 4"),
            "{}",
            s.misplaced[0].1
        );
        // Flow style: inside the braces of the client's sysidcfg.
        let text = GOOD.replacen("    mac: 8:0:20:0:0:1\n", "", 1).replacen(
            "    ip: 10.0.0.3\n",
            "    ip: 10.0.0.3\n    sysidcfg: {timezone: GMT, mac: 8:0:20:0:0:1}\n",
            1,
        );
        let s = shape(&text);
        assert!(s.problems.is_empty(), "{:?}", s.problems);
        assert_eq!(s.misplaced.len(), 1);
        assert_eq!((s.misplaced[0].0.line, s.misplaced[0].0.column), (14, 31));
        assert!(
            s.misplaced[0].1
                == "`mac` is inside the braces `{…}` of clients[0].sysidcfg, which has no such key, and clients[0] lacks it: move it out of those braces",
            "{}",
            s.misplaced[0].1
        );
    }
}
