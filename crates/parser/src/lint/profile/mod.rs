//! Lint rules for profiles (class files).
//!
//! `P1xx` are syntax rules raised by the parser (`crate::profile::parse`); `P2xx` are semantic
//! rules over the typed AST, run by [`run`] through a shared [`Ctx`].

use crate::diagnostic::{Diagnostic, Rule};
use crate::profile::{
    Directive, InstallType, KeywordLine, Partitioning, Pool, Profile, SystemType,
};
use crate::source::SourceFile;

pub mod bad_device;
pub mod bad_location;
pub mod bad_size;
pub mod extra_argument;
pub mod invalid_value;
pub mod missing_argument;
pub mod too_many_arguments;
pub mod unknown_keyword;

/// The rules of this group (one file each).
pub static RULES: &[&Rule] = &[
    &unknown_keyword::RULE,
    &invalid_value::RULE,
    &missing_argument::RULE,
    &too_many_arguments::RULE,
    &extra_argument::RULE,
    &bad_device::RULE,
    &bad_size::RULE,
    &bad_location::RULE,
];

/// What every semantic rule needs to know about the profile, computed once.
pub struct Ctx<'a> {
    pub src: &'a SourceFile,
    pub profile: &'a Profile,
    /// Keyword lines in file order.
    pub lines: Vec<&'a KeywordLine>,
    /// The first `install_type` value.
    pub install_type: Option<InstallType>,
    /// The first `pool` line.
    pub pool: Option<(&'a KeywordLine, &'a Pool)>,
    /// The first `partitioning` value (`default` when absent).
    pub partitioning: Partitioning,
    /// The first `system_type` value (`standalone` when absent).
    pub system_type: SystemType,
}

impl<'a> Ctx<'a> {
    pub fn new(src: &'a SourceFile, profile: &'a Profile) -> Self {
        let lines: Vec<&KeywordLine> = profile.lines().collect();
        let mut install_type = None;
        let mut pool = None;
        let mut partitioning = None;
        let mut system_type = None;
        for l in &lines {
            match &l.directive {
                Directive::InstallType(t) => {
                    install_type.get_or_insert(t.value);
                }
                Directive::Pool(p) => {
                    pool.get_or_insert((*l, p));
                }
                Directive::Partitioning(p) => {
                    partitioning.get_or_insert(p.value);
                }
                Directive::SystemType(s) => {
                    system_type.get_or_insert(s.value);
                }
                _ => {}
            }
        }
        Ctx {
            src,
            profile,
            lines,
            install_type,
            pool,
            partitioning: partitioning.unwrap_or(Partitioning::Default),
            system_type: system_type.unwrap_or(SystemType::Standalone),
        }
    }
}

/// Run every semantic rule.
pub fn run(src: &SourceFile, profile: &Profile) -> Vec<Diagnostic> {
    let ctx = Ctx::new(src, profile);
    let out = Vec::new();
    let _ = &ctx;
    out
}
