//! Lint rules for profiles (class files).
//!
//! `P1xx` are syntax rules raised by the parser (`crate::profile::parse`); `P2xx` are semantic
//! rules over the typed AST, run by [`run`] through a shared [`Ctx`].

use crate::diagnostic::{Diagnostic, Rule};
use crate::profile::{
    Directive, InstallType, Keyword, KeywordLine, Partitioning, Pool, Profile, SystemType,
};
use crate::source::SourceFile;

pub mod bad_device;
pub mod bad_location;
pub mod bad_patch_id;
pub mod bad_size;
pub mod bename_invalid;
pub mod bootenv_arguments;
pub mod client_without_server;
pub mod dontuse_conflict;
pub mod duplicate_filesys;
pub mod duplicate_keyword;
pub mod explicit_without_root;
pub mod extra_argument;
pub mod fdisk_type_size;
pub mod filesys_size_conflict;
pub mod filesys_size_unit;
pub mod flash_without_archive;
pub mod free_not_last;
pub mod ignore_without_existing;
pub mod install_type_not_first;
pub mod installbe_without_pool;
pub mod invalid_value;
pub mod legacy_keyword;
pub mod line_continuation;
pub mod mirror_filesys;
pub mod missing_argument;
pub mod missing_install_type;
pub mod mount_point_not_absolute;
pub mod not_for_install_type;
pub mod partitioning_with_pool;
pub mod pool_name;
pub mod pool_size;
pub mod pool_vdev_list;
pub mod pool_vdev_not_slice;
pub mod root_device_conflict;
pub mod software_group;
pub mod too_many_arguments;
pub mod unknown_keyword;
pub mod unknown_locale;
pub mod unknown_software_group;
pub mod usedisk_dontuse_conflict;
pub mod x86_boot_device_update;
pub mod zfs_incompatible;

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
    &line_continuation::RULE,
    &missing_install_type::RULE,
    &install_type_not_first::RULE,
    &duplicate_keyword::RULE,
    &not_for_install_type::RULE,
    &mount_point_not_absolute::RULE,
    &filesys_size_conflict::RULE,
    &free_not_last::RULE,
    &ignore_without_existing::RULE,
    &usedisk_dontuse_conflict::RULE,
    &explicit_without_root::RULE,
    &flash_without_archive::RULE,
    &zfs_incompatible::RULE,
    &pool_vdev_not_slice::RULE,
    &pool_vdev_list::RULE,
    &pool_name::RULE,
    &pool_size::RULE,
    &bootenv_arguments::RULE,
    &installbe_without_pool::RULE,
    &bename_invalid::RULE,
    &fdisk_type_size::RULE,
    &software_group::RULE,
    &unknown_software_group::RULE,
    &mirror_filesys::RULE,
    &client_without_server::RULE,
    &bad_patch_id::RULE,
    &legacy_keyword::RULE,
    &partitioning_with_pool::RULE,
    &x86_boot_device_update::RULE,
    &root_device_conflict::RULE,
    &unknown_locale::RULE,
    &filesys_size_unit::RULE,
    &duplicate_filesys::RULE,
    &dontuse_conflict::RULE,
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
    /// The first line with this keyword.
    pub fn first(&self, kw: Keyword) -> Option<&'a KeywordLine> {
        self.lines
            .iter()
            .copied()
            .find(|l| l.known_keyword() == Some(kw))
    }

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
    let mut out = Vec::new();
    missing_install_type::check(&ctx, &mut out);
    install_type_not_first::check(&ctx, &mut out);
    duplicate_keyword::check(&ctx, &mut out);
    not_for_install_type::check(&ctx, &mut out);
    mount_point_not_absolute::check(&ctx, &mut out);
    filesys_size_conflict::check(&ctx, &mut out);
    free_not_last::check(&ctx, &mut out);
    ignore_without_existing::check(&ctx, &mut out);
    usedisk_dontuse_conflict::check(&ctx, &mut out);
    explicit_without_root::check(&ctx, &mut out);
    flash_without_archive::check(&ctx, &mut out);
    zfs_incompatible::check(&ctx, &mut out);
    pool_vdev_not_slice::check(&ctx, &mut out);
    pool_vdev_list::check(&ctx, &mut out);
    pool_name::check(&ctx, &mut out);
    pool_size::check(&ctx, &mut out);
    bootenv_arguments::check(&ctx, &mut out);
    installbe_without_pool::check(&ctx, &mut out);
    bename_invalid::check(&ctx, &mut out);
    fdisk_type_size::check(&ctx, &mut out);
    software_group::check(&ctx, &mut out);
    unknown_software_group::check(&ctx, &mut out);
    mirror_filesys::check(&ctx, &mut out);
    client_without_server::check(&ctx, &mut out);
    bad_patch_id::check(&ctx, &mut out);
    legacy_keyword::check(&ctx, &mut out);
    partitioning_with_pool::check(&ctx, &mut out);
    x86_boot_device_update::check(&ctx, &mut out);
    root_device_conflict::check(&ctx, &mut out);
    unknown_locale::check(&ctx, &mut out);
    filesys_size_unit::check(&ctx, &mut out);
    duplicate_filesys::check(&ctx, &mut out);
    dontuse_conflict::check(&ctx, &mut out);
    out
}

/// Codes `profile::check` reports for `text` (unit tests of the rules).
#[cfg(test)]
pub(crate) fn codes(text: &str) -> Vec<&'static str> {
    crate::profile::check(&SourceFile::new("profile", text))
        .iter()
        .map(|d| d.code)
        .collect()
}
