//! The site file as a tree of YAML nodes that keep their source positions (from
//! saphyr-parser's spanned events), so that every problem points at the line:column of
//! the very value that is wrong. yaml_serde still builds the typed [`crate::site`] shape;
//! this tree only answers "where is `clients[3].ip`?" and catches what the typed
//! deserializer cannot: duplicate keys (anywhere), alias bombs and deep nesting.
//!
//! Building is one pass over the events with an explicit stack (no recursion), and every
//! lookup walks one path from the root, so locating N problems costs O(N × depth).

use std::collections::HashMap;
use std::rc::Rc;

use saphyr_parser::{Event, Parser, ScalarStyle};

/// Deepest nesting of sequences and mappings a site file may have (a real one has < 10).
pub const MAX_DEPTH: usize = 64;
/// Most nodes the document may have once every alias is expanded (a 10,000-client site has
/// about 100,000): bounds what yaml_serde would build from a "billion laughs" file.
pub const MAX_EXPANDED_NODES: usize = 2_000_000;

/// A 1-based line and 1-based column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

/// One node with the position of its first character (inside the quotes of a quoted
/// scalar: where the value itself starts).
#[derive(Debug)]
pub struct Node {
    pub pos: Pos,
    pub kind: Kind,
    /// A plain (unquoted, not `|`/`>`) scalar, which YAML may read as null, a boolean or
    /// a number; quoted and block scalars are always strings. True for collections.
    pub plain: bool,
    /// Nodes in this subtree, aliases expanded.
    size: usize,
}

#[derive(Debug)]
pub enum Kind {
    Scalar(String),
    Seq(Vec<Rc<Node>>),
    /// Entries in file order; a key given twice keeps both here (the later one is a
    /// problem; lookups find the first, as the deserializer... keeps the last: see
    /// [`Tree::duplicates`], which are reported so that neither silently wins).
    Map(Vec<(Rc<Node>, Rc<Node>)>),
}

/// A path step: a mapping key or a sequence index.
#[derive(Debug, Clone, Copy)]
pub enum Seg<'a> {
    K(&'a str),
    I(usize),
}

/// `base` followed by `rest`.
pub fn join<'a>(base: &[Seg<'a>], rest: &[Seg<'a>]) -> Vec<Seg<'a>> {
    let mut path = Vec::with_capacity(base.len() + rest.len());
    path.extend_from_slice(base);
    path.extend_from_slice(rest);
    path
}

/// A duplicate key: where it is given again, and where first.
#[derive(Debug, Clone)]
pub struct Duplicate {
    pub key: String,
    pub at: Pos,
    pub first: Pos,
}

/// The document's tree, or what stopped it being built.
#[derive(Debug)]
pub struct Tree {
    pub root: Option<Rc<Node>>,
    pub duplicates: Vec<Duplicate>,
}

/// Why no tree: a YAML syntax error (the caller lets yaml_serde word it, as it always
/// did) or a limit.
#[derive(Debug)]
pub enum TreeError {
    Syntax { pos: Pos, message: String },
    Limit { pos: Pos, message: String },
}

enum Frame {
    Seq {
        pos: Pos,
        anchor: usize,
        items: Vec<Rc<Node>>,
        size: usize,
    },
    Map {
        pos: Pos,
        anchor: usize,
        entries: Vec<(Rc<Node>, Rc<Node>)>,
        key: Option<Rc<Node>>,
        seen: HashMap<String, Pos>,
        size: usize,
    },
}

fn pos_of(marker: &saphyr_parser::Marker, quoted: bool) -> Pos {
    Pos {
        line: marker.line(),
        column: marker.col() + 1 + usize::from(quoted),
    }
}

/// Parse `text` (the first document only: yaml_serde refuses more than one anyway).
pub fn parse(text: &str) -> Result<Tree, TreeError> {
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, Rc<Node>> = HashMap::new();
    let mut duplicates = Vec::new();
    let mut root = None;
    let mut expanded = 0usize;
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| {
            let pos = pos_of(e.marker(), false);
            // The scanner's own bound on flow nesting (deeper than ours, so only flow
            // collections opened without events reach it).
            if e.info().contains("recursion limit") {
                TreeError::Limit {
                    pos,
                    message: format!(
                        "nested more than {MAX_DEPTH} levels deep: a site file is a few levels of mappings and lists"
                    ),
                }
            } else {
                TreeError::Syntax {
                    pos,
                    message: e.info().to_string(),
                }
            }
        })?;
        let start = span.start;
        let mut event_kind = Counted::Container;
        let done: Option<(Rc<Node>, usize)> = match event {
            Event::DocumentEnd if root.is_some() => break,
            Event::Scalar(value, style, anchor, _) => {
                let quoted = matches!(style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted);
                event_kind = Counted::Leaf;
                Some((
                    Rc::new(Node {
                        pos: pos_of(&start, quoted),
                        kind: Kind::Scalar(value.into_owned()),
                        plain: style == ScalarStyle::Plain,
                        size: 1,
                    }),
                    anchor,
                ))
            }
            Event::Alias(id) => match anchors.get(&id) {
                Some(node) => {
                    event_kind = Counted::Alias;
                    Some((node.clone(), 0))
                }
                None => {
                    return Err(TreeError::Syntax {
                        pos: pos_of(&start, false),
                        message: "alias of an unknown anchor".into(),
                    });
                }
            },
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(TreeError::Limit {
                        pos: pos_of(&start, false),
                        message: format!(
                            "nested more than {MAX_DEPTH} levels deep: a site file is a few levels of mappings and lists"
                        ),
                    });
                }
                let pos = pos_of(&start, false);
                expanded += 1;
                stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Frame::Seq {
                        pos,
                        anchor,
                        items: Vec::new(),
                        size: 1,
                    }
                } else {
                    Frame::Map {
                        pos,
                        anchor,
                        entries: Vec::new(),
                        key: None,
                        seen: HashMap::new(),
                        size: 1,
                    }
                });
                None
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Frame::Seq {
                    pos,
                    anchor,
                    items,
                    size,
                }) => Some((
                    Rc::new(Node {
                        pos,
                        kind: Kind::Seq(items),
                        plain: true,
                        size,
                    }),
                    anchor,
                )),
                Some(Frame::Map {
                    pos,
                    anchor,
                    entries,
                    size,
                    ..
                }) => Some((
                    Rc::new(Node {
                        pos,
                        kind: Kind::Map(entries),
                        plain: true,
                        size,
                    }),
                    anchor,
                )),
                None => None,
            },
            _ => None,
        };
        let Some((node, anchor)) = done else {
            continue;
        };
        // Scalars and containers count once; an alias counts its whole subtree again.
        expanded = expanded.saturating_add(match event_kind {
            Counted::Leaf => 1,
            Counted::Alias => node.size,
            Counted::Container => 0,
        });
        if expanded > MAX_EXPANDED_NODES {
            return Err(TreeError::Limit {
                pos: pos_of(&start, false),
                message: format!(
                    "aliases expand the document past {MAX_EXPANDED_NODES} values: refusing to expand it"
                ),
            });
        }
        if anchor != 0 {
            anchors.insert(anchor, node.clone());
        }
        match stack.last_mut() {
            None => root = Some(node),
            Some(Frame::Seq { items, size, .. }) => {
                *size = size.saturating_add(node.size);
                items.push(node);
            }
            Some(Frame::Map {
                entries,
                key,
                seen,
                size,
                ..
            }) => {
                *size = size.saturating_add(node.size);
                match key.take() {
                    None => {
                        let name = match &node.kind {
                            Kind::Scalar(s) => Some(s.clone()),
                            _ => None,
                        };
                        if let Some(name) = name {
                            if let Some(first) = seen.get(&name) {
                                duplicates.push(Duplicate {
                                    key: name,
                                    at: node.pos,
                                    first: *first,
                                });
                            } else {
                                seen.insert(name, node.pos);
                            }
                        }
                        *key = Some(node);
                    }
                    Some(k) => entries.push((k, node)),
                }
            }
        }
    }
    Ok(Tree { root, duplicates })
}

/// How a finished node counts towards the expanded size.
enum Counted {
    Leaf,
    Alias,
    /// Counted as one when it started; its children as they came.
    Container,
}

impl Node {
    /// The value at `key` of a mapping, with its key node.
    pub fn entry(&self, key: &str) -> Option<(&Rc<Node>, &Rc<Node>)> {
        match &self.kind {
            Kind::Map(entries) => entries
                .iter()
                .find(|(k, _)| matches!(&k.kind, Kind::Scalar(s) if s == key))
                .map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    /// Item `i` of a sequence.
    pub fn item(&self, i: usize) -> Option<&Rc<Node>> {
        match &self.kind {
            Kind::Seq(items) => items.get(i),
            _ => None,
        }
    }

    /// The scalar text, if this is a scalar.
    pub fn scalar(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar(s) => Some(s),
            _ => None,
        }
    }
}

impl Tree {
    /// The position of the value at `path`; when the path stops early (a default value,
    /// not written in the file), the position of the deepest key or item that is there.
    pub fn value_pos(&self, path: &[Seg]) -> Option<Pos> {
        self.walk(path, false)
    }

    /// The position of the last key of `path` itself (e.g. a class name); like
    /// [`Tree::value_pos`] when the path stops early.
    pub fn key_pos(&self, path: &[Seg]) -> Option<Pos> {
        self.walk(path, true)
    }

    fn walk(&self, path: &[Seg], key: bool) -> Option<Pos> {
        let mut node = self.root.as_ref()?;
        let mut best = node.pos;
        for (n, seg) in path.iter().enumerate() {
            let last = n + 1 == path.len();
            match seg {
                Seg::K(k) => match node.entry(k) {
                    Some((kn, v)) => {
                        best = kn.pos;
                        if last && key {
                            return Some(kn.pos);
                        }
                        node = v;
                    }
                    None => return Some(best),
                },
                Seg::I(i) => match node.item(*i) {
                    Some(v) => {
                        best = v.pos;
                        node = v;
                    }
                    None => return Some(best),
                },
            }
        }
        Some(node.pos)
    }

    /// The node at `path`, if all of it is there.
    pub fn node(&self, path: &[Seg]) -> Option<&Rc<Node>> {
        let mut node = self.root.as_ref()?;
        for seg in path {
            node = match seg {
                Seg::K(k) => node.entry(k)?.1,
                Seg::I(i) => node.item(*i)?,
            };
        }
        Some(node)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: usize, column: usize) -> Option<Pos> {
        Some(Pos { line, column })
    }

    #[test]
    fn positions_of_values_and_keys_in_block_and_flow_style() {
        let text = "server: {hostname: js, ip: 10.0.0.1}\nclients:\n\
                    - {hostname: a, mac: '8:0:20:0:0:1', ip: 10.0.0.2}\n\
                    - hostname: b\n  ip: \"10.0.0.3\"\n";
        let t = parse(text).unwrap();
        use Seg::*;
        assert_eq!(t.value_pos(&[K("server"), K("ip")]), at(1, 28));
        assert_eq!(t.value_pos(&[K("clients"), I(0), K("mac")]), at(3, 23));
        assert_eq!(t.value_pos(&[K("clients"), I(0), K("ip")]), at(3, 42));
        assert_eq!(t.value_pos(&[K("clients"), I(1), K("ip")]), at(5, 8));
        assert_eq!(t.key_pos(&[K("clients"), I(1), K("ip")]), at(5, 3));
        // Not in the file: the deepest thing that is.
        assert_eq!(t.value_pos(&[K("clients"), I(1), K("arch")]), at(4, 3));
        assert!(t.duplicates.is_empty());
    }

    #[test]
    fn duplicate_keys_are_found_at_every_level() {
        let t = parse("a: 1\nb:\n  c: 1\n  c: 2\na: 3\n").unwrap();
        let d: Vec<_> = t
            .duplicates
            .iter()
            .map(|d| (d.key.as_str(), d.at.line, d.first.line))
            .collect();
        assert_eq!(d, [("c", 4, 3), ("a", 5, 1)]);
    }

    #[test]
    fn alias_bombs_and_deep_nesting_are_refused() {
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..8 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("l{}", i - 1)
            };
            bomb.push_str(&format!(
                "l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
        }
        assert!(matches!(parse(&bomb), Err(TreeError::Limit { .. })));
        let deep = "[".repeat(100_000);
        let r = parse(&deep);
        assert!(matches!(r, Err(TreeError::Limit { .. })), "{r:?}");
        // A few aliases are fine.
        assert!(parse("a: &a {x: 1}\nb: *a\nc: *a\n").is_ok());
    }
}
