//! Dataset and snapshot names, validated when built.
//!
//! A [`Dataset`] is `pool/child/…`, every component valid by [`validate_component`]; a
//! [`Snapshot`] is a dataset and a valid short name, built by [`Snapshot::new`] (never by
//! gluing strings) and taken apart by [`Snapshot::dataset`] and [`Snapshot::name`] (never
//! by splitting them again). Both dereference to the full name, display as it and
//! serialize as it (a plain string), so plans and scripts read the names `zfs` takes.
//! A deserialized name is validated too.
//!
//! The rules are zflash's, a little stricter than ZFS's: the characters Solaris 10 allows
//! (letters, digits, `_ - . :`), no leading `-` (a command would read it as an option),
//! at most 200 characters per component and 255 in all (ZFS's limit).

use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Serialize};

/// Why a name that becomes a command argument may not start with `-`: `zfs set -rf=on`
/// or `rm -rf` would read it as options.
pub const LEADING_DASH: &str = "starts with `-`, which a command would read as an option";

/// The longest component zflash accepts.
pub const MAX_COMPONENT: usize = 200;

/// The longest full name ZFS accepts (`MAXNAMELEN` less its NUL).
pub const MAX_NAME: usize = 255;

/// What is wrong with one component of a name (a pool, a BE, a snapshot name…).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ComponentError {
    /// Nothing at all.
    #[error("empty name")]
    Empty,
    /// More than [`MAX_COMPONENT`] characters.
    #[error("longer than 200 characters")]
    TooLong,
    /// A leading `-` (see [`LEADING_DASH`]).
    #[error("{LEADING_DASH}")]
    LeadingDash,
    /// A character outside letters, digits, `_ - . :`.
    #[error("`{0}` is not allowed in a ZFS name (letters, digits, _ - . : only)")]
    Character(char),
    /// `.` or `..`.
    #[error("not a dataset name")]
    Dots,
}

/// Is `name` a valid single ZFS dataset name component?
pub fn validate_component(name: &str) -> Result<(), ComponentError> {
    if name.is_empty() {
        return Err(ComponentError::Empty);
    }
    if name.len() > MAX_COMPONENT {
        return Err(ComponentError::TooLong);
    }
    if name.starts_with('-') {
        return Err(ComponentError::LeadingDash);
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':')))
    {
        return Err(ComponentError::Character(c));
    }
    if name == "." || name == ".." {
        return Err(ComponentError::Dots);
    }
    Ok(())
}

/// A name that is not a valid dataset or snapshot name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{name}` is not a valid ZFS {what} name: {problem}")]
pub struct NameError {
    /// The name as given.
    pub name: String,
    /// `dataset` or `snapshot`.
    pub what: &'static str,
    /// What is wrong.
    pub problem: NameProblem,
}

/// What is wrong with a name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameProblem {
    /// One of its components.
    #[error("`{component}`: {error}")]
    Component {
        /// The component (empty for `pool//fs`).
        component: String,
        /// What is wrong with it.
        error: ComponentError,
    },
    /// More than [`MAX_NAME`] characters in all.
    #[error("longer than 255 characters")]
    TooLong,
    /// A snapshot name without `@`, or a dataset name with one.
    #[error("{0}")]
    At(&'static str),
}

/// A filesystem: `pool` or `pool/child/…`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Dataset(String);

impl Dataset {
    /// A dataset name, every component checked.
    pub fn new(name: impl Into<String>) -> Result<Dataset, NameError> {
        let name = name.into();
        let fail = |problem| NameError {
            name: name.clone(),
            what: "dataset",
            problem,
        };
        if name.contains('@') {
            return Err(fail(NameProblem::At("a dataset name has no `@`")));
        }
        if name.len() > MAX_NAME {
            return Err(fail(NameProblem::TooLong));
        }
        for component in name.split('/') {
            validate_component(component).map_err(|error| {
                fail(NameProblem::Component {
                    component: component.to_string(),
                    error,
                })
            })?;
        }
        Ok(Dataset(name))
    }

    /// The dataset `self/component`.
    pub fn child(&self, component: &str) -> Result<Dataset, NameError> {
        Dataset::new(format!("{}/{component}", self.0))
    }

    /// The pool it is in (its first component).
    pub fn pool(&self) -> &str {
        self.0.split('/').next().unwrap_or(&self.0)
    }

    /// The full name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Its snapshot `self@name`.
    pub fn snapshot(&self, name: &str) -> Result<Snapshot, NameError> {
        Snapshot::new(self, name)
    }
}

/// A snapshot: `DATASET@NAME`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Snapshot {
    full: String,
    /// Where the `@` is.
    at: usize,
}

impl Snapshot {
    /// The snapshot `name` of `dataset`; `name` must be a valid component.
    pub fn new(dataset: &Dataset, name: &str) -> Result<Snapshot, NameError> {
        let full = format!("{dataset}@{name}");
        let fail = |problem| NameError {
            name: full.clone(),
            what: "snapshot",
            problem,
        };
        validate_component(name).map_err(|error| {
            fail(NameProblem::Component {
                component: name.to_string(),
                error,
            })
        })?;
        if full.len() > MAX_NAME {
            return Err(fail(NameProblem::TooLong));
        }
        Ok(Snapshot {
            at: dataset.0.len(),
            full,
        })
    }

    /// A full `DATASET@NAME`, both parts checked.
    pub fn parse(full: &str) -> Result<Snapshot, NameError> {
        let Some((dataset, name)) = full.split_once('@') else {
            return Err(NameError {
                name: full.to_string(),
                what: "snapshot",
                problem: NameProblem::At("a snapshot name is DATASET@NAME"),
            });
        };
        let dataset = Dataset::new(dataset).map_err(|e| NameError {
            name: full.to_string(),
            what: "snapshot",
            problem: e.problem,
        })?;
        Snapshot::new(&dataset, name)
    }

    /// The dataset it is a snapshot of.
    pub fn dataset(&self) -> Dataset {
        Dataset(self.full[..self.at].to_string())
    }

    /// The short name, after the `@`.
    pub fn name(&self) -> &str {
        &self.full[self.at + 1..]
    }

    /// The full name.
    pub fn as_str(&self) -> &str {
        &self.full
    }
}

/// A dataset or a snapshot: what `zfs destroy` and `zfs list` take.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Name {
    /// A filesystem.
    Dataset(Dataset),
    /// A snapshot.
    Snapshot(Snapshot),
}

impl Name {
    /// A full name: a snapshot when it has an `@`.
    pub fn parse(name: &str) -> Result<Name, NameError> {
        if name.contains('@') {
            Snapshot::parse(name).map(Name::Snapshot)
        } else {
            Dataset::new(name).map(Name::Dataset)
        }
    }

    /// The full name.
    pub fn as_str(&self) -> &str {
        match self {
            Name::Dataset(d) => d.as_str(),
            Name::Snapshot(s) => s.as_str(),
        }
    }

    /// The filesystem itself, or the one a snapshot is of.
    pub fn dataset(&self) -> Dataset {
        match self {
            Name::Dataset(d) => d.clone(),
            Name::Snapshot(s) => s.dataset(),
        }
    }
}

impl From<Dataset> for Name {
    fn from(d: Dataset) -> Name {
        Name::Dataset(d)
    }
}

impl From<Snapshot> for Name {
    fn from(s: Snapshot) -> Name {
        Name::Snapshot(s)
    }
}

macro_rules! string_like {
    ($t:ty, $parse:expr) => {
        impl Deref for $t {
            type Target = str;
            fn deref(&self) -> &str {
                self.as_str()
            }
        }

        impl AsRef<str> for $t {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl PartialEq<str> for $t {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<&str> for $t {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl From<$t> for String {
            fn from(n: $t) -> String {
                n.as_str().to_string()
            }
        }

        impl TryFrom<String> for $t {
            type Error = NameError;
            fn try_from(s: String) -> Result<$t, NameError> {
                $parse(s)
            }
        }

        impl std::str::FromStr for $t {
            type Err = NameError;
            fn from_str(s: &str) -> Result<$t, NameError> {
                $parse(s.to_string())
            }
        }
    };
}

string_like!(Dataset, Dataset::new);
string_like!(Snapshot, |s: String| Snapshot::parse(&s));
string_like!(Name, |s: String| Name::parse(&s));

#[cfg(test)]
mod tests {
    use super::*;

    fn ds(s: &str) -> Dataset {
        Dataset::new(s).unwrap()
    }

    #[test]
    fn components_follow_the_deploy_config_rules() {
        assert_eq!(validate_component("s10u6_be-1.x:y"), Ok(()));
        assert_eq!(validate_component(""), Err(ComponentError::Empty));
        assert_eq!(validate_component("-R"), Err(ComponentError::LeadingDash));
        assert_eq!(validate_component(".."), Err(ComponentError::Dots));
        assert_eq!(
            validate_component(&"a".repeat(201)),
            Err(ComponentError::TooLong)
        );
        let e = validate_component("a b").unwrap_err();
        assert_eq!(
            e.to_string(),
            "` ` is not allowed in a ZFS name (letters, digits, _ - . : only)"
        );
    }

    #[test]
    fn a_dataset_is_checked_component_by_component() {
        let be = ds("rpool/ROOT").child("s10gold").unwrap();
        assert_eq!(be, "rpool/ROOT/s10gold");
        assert_eq!(be.pool(), "rpool");
        for bad in ["", "rpool/", "rpool//x", "rpool/-x", "rpool/a b", "p/fs@s"] {
            assert!(Dataset::new(bad).is_err(), "{bad}");
        }
        let e = Dataset::new("rpool/ROOT/-rf").unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("`rpool/ROOT/-rf` is not a valid ZFS dataset name: `-rf`: {LEADING_DASH}")
        );
        let long = format!("p/{}/{}", "a".repeat(200), "b".repeat(60));
        assert_eq!(
            Dataset::new(long).unwrap_err().problem,
            NameProblem::TooLong
        );
    }

    #[test]
    fn a_snapshot_is_built_and_taken_apart_without_string_surgery() {
        let tmp = ds("rpool/ROOT/.zflash-tmp-b");
        let snap = Snapshot::new(&tmp, "flar-1").unwrap();
        assert_eq!(snap.as_str(), "rpool/ROOT/.zflash-tmp-b@flar-1");
        assert_eq!(snap.dataset(), tmp);
        assert_eq!(snap.name(), "flar-1");
        assert_eq!(Snapshot::parse("rpool/ROOT/.zflash-tmp-b@flar-1"), Ok(snap));
        for bad in ["", "x@", "x@a@b", "x@a/b", "x", "@s", "x@-s"] {
            assert!(Snapshot::parse(bad).is_err(), "{bad}");
        }
        assert!(Snapshot::new(&tmp, "a/b").is_err());
    }

    #[test]
    fn names_serialize_as_plain_strings_and_are_checked_when_read() {
        let snap = Snapshot::new(&ds("p/fs"), "s").unwrap();
        let json = serde_json::to_string(&(ds("p/fs"), &snap, Name::from(snap.clone()))).unwrap();
        assert_eq!(json, r#"["p/fs","p/fs@s","p/fs@s"]"#);
        let back: (Dataset, Snapshot, Name) = serde_json::from_str(&json).unwrap();
        assert_eq!(back.1, snap);
        assert_eq!(back.2, Name::Snapshot(snap));
        assert!(serde_json::from_str::<Dataset>(r#""p/-rf""#).is_err());
        assert!(serde_json::from_str::<Snapshot>(r#""p/fs""#).is_err());
        assert_eq!(
            serde_json::from_str::<Name>(r#""p/fs""#).unwrap(),
            Name::Dataset(ds("p/fs"))
        );
    }
}
