//! `classes:`: each class's archive, profile, deployment and hooks.

use std::collections::BTreeMap;

use zflash_runtime::config::{IdentityEntry, default_identity_reset};

use super::tree::Seg::{I, K};
use super::tree::join;
use super::{Validator, is_dataset_component, is_relative_path, names, suggestion};
use crate::model::{self, Location};
use crate::site::{self, Compression, FinishKind};

/// Longest hook command (arguments with their quotes): see where it is checked.
const MAX_HOOK_CHARS: usize = 900;

const DEFAULT_DISKS: [&str; 2] = ["c0t0d0s0", "c0t1d0s0"];

/// Longest class or archive name: it becomes `finish/<class>.loadzfs`, `profiles/<class>`
/// and by default a BE name; every one of those must stay a valid file and dataset name.
pub const MAX_NAME_CHARS: usize = 200;

/// A name that becomes a file name (class, archive): one safe path component.
pub(super) fn is_file_name(name: &str) -> bool {
    is_relative_path(name)
        && !name.contains('/')
        && !name.starts_with('.')
        && name.chars().count() <= MAX_NAME_CHARS
}

fn is_slice(s: &str) -> bool {
    // c[0-9]+(t[0-9A-Fa-f]+)?d[0-9]+s[0-7]; the target may hold `d` (hex), so split
    // at the last `d`.
    let all_digits =
        |s: &str| !s.is_empty() && s.len() <= 9 && s.bytes().all(|b| b.is_ascii_digit());
    let Some(body) = s.strip_prefix('c') else {
        return false;
    };
    let Some((disk, slice)) = body.rsplit_once('s') else {
        return false;
    };
    if !matches!(slice.as_bytes(), [b'0'..=b'7']) {
        return false;
    }
    let Some((ct, d)) = disk.rsplit_once('d') else {
        return false;
    };
    if !all_digits(d) {
        return false;
    }
    match ct.split_once('t') {
        Some((c, t)) => {
            all_digits(c)
                && !t.is_empty()
                && t.len() <= 64
                && t.bytes().all(|b| b.is_ascii_hexdigit())
        }
        None => all_digits(ct),
    }
}

fn is_size(s: &str) -> bool {
    let body = s.strip_suffix(['g', 'G', 'm', 'M']).unwrap_or(s);
    !body.is_empty() && body.len() < 10 && body.bytes().all(|b| b.is_ascii_digit())
}

impl Validator<'_> {
    pub(super) fn class(
        &mut self,
        name: &str,
        c: &site::Class,
        archives: &BTreeMap<String, model::Archive>,
        install_image: &str,
    ) -> model::Class {
        let at = [K("classes"), K(name)];
        if !is_file_name(name) {
            self.at_key(
                &at,
                format!(
                    "invalid class name {name:?}: expected letters, digits and `_ - . + ,`, at most {MAX_NAME_CHARS} (it becomes a file name)"
                ),
            );
        }
        let archive = match archives.get(&c.archive) {
            Some(a) => a.clone(),
            None => {
                self.flag(
                    "Y102",
                    &join(&at, &[K("archive")]),
                    format!(
                        "class {name:?}: unknown archive {:?} (archives: {}){}",
                        c.archive,
                        names(archives),
                        suggestion(&c.archive, archives.keys().map(String::as_str))
                    ),
                );
                model::Archive {
                    name: c.archive.clone(),
                    location: Location::Path { path: "/".into() },
                    sha256: None,
                    compression: Compression::None,
                    arch: None,
                    increments: Vec::new(),
                    replicas: Default::default(),
                }
            }
        };
        let finish = c.finish.unwrap_or(FinishKind::Shell);
        let zstd_at = if c.finish.is_some() {
            join(&at, &[K("finish")])
        } else {
            join(&at, &[K("archive")])
        };
        if finish == FinishKind::Shell && archive.compression == Compression::Zstd {
            self.flag("Y107", 
                &zstd_at,
                format!(
                    "class {name:?}: archive {:?} is zstd-compressed, which the Bourne-shell finish script cannot \
                     decompress in a Solaris 10 miniroot (no zstd there): use `finish: native`, or capture with \
                     `--compress gzip` or `none`",
                    archive.name
                ),
            );
        }
        if let Some(inc) = archive
            .increments
            .iter()
            .find(|i| i.compression == Compression::Zstd)
            && finish == FinishKind::Shell
        {
            self.flag("Y107", 
                &zstd_at,
                format!(
                    "class {name:?}: increment {} of archive {:?} is zstd-compressed, which the Bourne-shell \
                     finish script cannot decompress in a Solaris 10 miniroot: use `finish: native`, or capture \
                     with `--compress gzip` or `none`",
                    inc.location.display(),
                    archive.name
                ),
            );
        }
        let p = &c.profile;
        let pool = p.pool.clone().unwrap_or_else(|| "rpool".into());
        // The profile linter's rule (P215), so the two cannot disagree.
        // And the runtime's, for what the deploy config must hold.
        let why = zflash_parser::lint::profile::pool_name::problem(&pool).or_else(|| {
            zflash_runtime::config::validate_component(&pool)
                .err()
                .map(|e| format!("is invalid ({e})"))
        });
        if let Some(why) = why {
            self.at(
                &join(&at, &[K("profile"), K("pool")]),
                format!(
                    "invalid pool name {pool:?}: it {why}: expected a ZFS pool name such as rpool"
                ),
            );
        }
        // The default mirror is SPARC's; an x86 class's default is settled once its clients
        // are known (resolve_platforms).
        let disks: Vec<String> = p
            .disks
            .clone()
            .unwrap_or_else(|| DEFAULT_DISKS.iter().map(|s| s.to_string()).collect());
        let fdisk = self.fdisk_lines(&at, p.fdisk.as_deref());
        if disks.is_empty() {
            self.at(
                &join(&at, &[K("profile"), K("disks")]),
                format!("class {name:?}: disks is empty: give one slice, or several for a mirror"),
            );
        }
        for (i, d) in disks.iter().enumerate() {
            let disk_at = join(&at, &[K("profile"), K("disks"), I(i)]);
            if !(is_slice(d) || (d == "any" && disks.len() == 1)) {
                let hint = if is_slice(&format!("{d}s0")) {
                    format!(" (a whole disk: a root pool needs a slice, e.g. {d}s0)")
                } else {
                    String::new()
                };
                self.at(
                    &disk_at,
                    format!(
                        "invalid root-pool slice {d:?}{hint}: expected a slice such as c0t0d0s0 (root pools live on slices), or `[any]` alone"
                    ),
                );
            }
            if disks[..i].contains(d) {
                self.at(
                    &disk_at,
                    format!("class {name:?}: slice {d} is listed twice"),
                );
            }
        }
        let mut size = |key: &'static str, value: &Option<String>, existing_ok: bool| -> String {
            let s = value.clone().unwrap_or_else(|| "auto".into());
            if !(s == "auto" || (existing_ok && s == "existing") || is_size(&s)) {
                self.bad_value(
                    &join(&at, &[K("profile"), K(key)]),
                    &s,
                    key,
                    "`auto` or a size such as 20g, 4096m or 4096 (MB)",
                );
            }
            s
        };
        let pool_size = size("pool_size", &p.pool_size, true);
        let swap_size = size("swap_size", &p.swap_size, false);
        let dump_size = size("dump_size", &p.dump_size, false);
        let bename = p
            .bename
            .clone()
            .unwrap_or_else(|| super::jumpstart::default_bename(install_image));
        if !is_dataset_component(&bename) || bename.len() > MAX_NAME_CHARS {
            self.bad_value(
                &join(&at, &[K("profile"), K("bename")]),
                &bename,
                "installed BE name",
                "a dataset name component (letters, digits, `_ - . :`; at most 200)",
            );
        }
        let cluster = p.cluster.clone().unwrap_or_else(|| "SUNWCreq".into());
        if !(cluster.starts_with("SUNWC")
            && cluster.len() > 5
            && cluster.len() <= 64
            && cluster.bytes().all(|b| b.is_ascii_alphanumeric()))
        {
            self.bad_value(
                &join(&at, &[K("profile"), K("cluster")]),
                &cluster,
                "software group",
                "a software group such as SUNWCreq",
            );
        }
        if let Some(l) = &p.locale {
            let locale_at = join(&at, &[K("profile"), K("locale")]);
            if self.word(&locale_at, l, "locale")
                && !zflash_parser::sysidcfg::values::is_locale_shape(l)
            {
                self.at(
                    &locale_at,
                    format!(
                        "invalid locale {l:?}: expected a locale name such as C or en_US.UTF-8"
                    ),
                );
            }
        }
        let d = &c.deploy;
        let be = d.be.clone().unwrap_or_else(|| name.to_string());
        let be_at = if d.be.is_some() {
            join(&at, &[K("deploy"), K("be")])
        } else {
            at.to_vec()
        };
        if !is_dataset_component(&be) {
            self.bad_value(
                &be_at,
                &be,
                "boot environment name",
                "a dataset name component (letters, digits, `_ - . :`; at most 200)",
            );
        }
        if be == bename {
            self.flag("Y107", 
                &be_at,
                format!(
                    "class {name:?}: deploy.be {be:?} is the installed BE's name: choose another name for the new BE"
                ),
            );
        }
        for (k, v) in &d.properties {
            let prop_at = join(&at, &[K("deploy"), K("properties"), K(k)]);
            if k.is_empty()
                || k.len() > 128
                || !k.bytes().all(|b| {
                    b.is_ascii_lowercase()
                        || b.is_ascii_digit()
                        || matches!(b, b'_' | b':' | b'.' | b'-')
                })
                || k.starts_with('-')
            {
                self.at_key(
                    &prop_at,
                    format!("invalid property name {k:?}: expected a ZFS property name (lower case, digits, `_ : . -`)"),
                );
            }
            if ["mountpoint", "canmount"].contains(&k.as_str()) {
                self.at_key(
                    &prop_at,
                    format!("class {name:?}: property {k} is managed by the finish step and cannot be set"),
                );
            }
            if v.is_empty()
                || v.len() > 1024
                || v.starts_with('-')
                || !v.bytes().all(|b| {
                    b.is_ascii_alphanumeric()
                        || matches!(b, b'_' | b':' | b'.' | b'-' | b',' | b'@' | b'+' | b'/')
                })
                || v.contains("..")
            {
                self.bad_value(
                    &prop_at,
                    v,
                    &format!("value of property {k}"),
                    "letters, digits and `_ : . - , @ + /`",
                );
            }
        }
        let (create, remove) = match &d.identity {
            Some(id) => (id.create.clone(), id.remove.clone()),
            None => {
                let (mut create, mut remove) = (Vec::new(), Vec::new());
                for e in default_identity_reset() {
                    match e {
                        IdentityEntry::Touch(p) => create.push(p),
                        IdentityEntry::Remove(p) => remove.push(p),
                    }
                }
                (create, remove)
            }
        };
        for (key, list) in [("create", &create), ("remove", &remove)] {
            for (i, p) in list.iter().enumerate() {
                if !is_relative_path(p) {
                    self.bad_value(
                        &join(&at, &[K("deploy"), K("identity"), K(key), I(i)]),
                        p,
                        "identity path",
                        "a path relative to the new root, without `..`",
                    );
                }
            }
        }
        let mut hooks = Vec::new();
        for (i, h) in d.hooks.iter().enumerate() {
            let hook_at = join(&at, &[K("deploy"), K("hooks"), I(i)]);

            self.word(&join(&hook_at, &[K("name")]), &h.name, "hook name");
            if h.argv.is_empty() || h.argv[0].is_empty() {
                self.at(
                    &join(&hook_at, &[K("argv")]),
                    format!("class {name:?}: hook {:?} has an empty argv", h.name),
                );
            }
            for (j, arg) in h.argv.iter().enumerate() {
                let arg_at = join(&hook_at, &[K("argv"), I(j)]);
                if let Some(c) = arg
                    .chars()
                    .find(|c| c.is_control() || matches!(c, '"' | '\\' | '`'))
                {
                    self.at(
                        &arg_at,
                        format!("class {name:?}: hook {:?}: argument {arg:?} contains {c:?} (newlines, control characters, quotes, backslashes and backquotes are refused)", h.name),
                    );
                } else if arg.contains("$(") {
                    self.at(
                        &arg_at,
                        format!("class {name:?}: hook {:?}: argument {arg:?} contains `$(`, which the Solaris 10 Bourne shell does not have (run a script instead)", h.name),
                    );
                }
            }
            // The finish script writes the command on one line (twice: run and log),
            // and a script line stays under the 2048 bytes every shell reads.
            let length: usize = h.argv.iter().map(|a| a.len() + 3).sum();
            if length > MAX_HOOK_CHARS {
                self.at(
                    &join(&hook_at, &[K("argv")]),
                    format!(
                        "class {name:?}: hook {:?}: the command is {length} characters long, more than the {MAX_HOOK_CHARS} a finish-script line can hold (run a script instead)",
                        h.name
                    ),
                );
            }
            self.hook_si_variables(&hook_at, name, &h.name, &h.argv);
            hooks.push(zflash_runtime::config::Hook {
                name: h.name.clone(),
                argv: h.argv.clone(),
                mode: match h.mode {
                    Some(site::HookMode::Argument) => zflash_runtime::config::HookMode::Argument,
                    _ => zflash_runtime::config::HookMode::Chroot,
                },
            });
        }
        model::Class {
            name: name.to_string(),
            archive,
            profile: model::Profile {
                pool,
                disks_defaulted: p.disks.is_none(),
                disks,
                fdisk,
                pool_size,
                swap_size,
                dump_size,
                bename,
                cluster,
                locale: p.locale.clone(),
            },
            deploy: model::Deploy {
                be,
                properties: d.properties.clone(),
                identity_create: create,
                identity_remove: remove,
                hooks,
            },
            finish,
            x86: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_and_sizes() {
        assert!(is_slice("c0t0d0s0"));
        assert!(is_slice("c1t5000CCA012345678d0s7"));
        assert!(is_slice("c0d0s0"));
        assert!(!is_slice("c0t0d0"));
        assert!(!is_slice("c0t0d0s8"));
        assert!(is_size("20g") && is_size("4096") && !is_size("g") && !is_size("1t"));
        assert!(is_file_name("desk") && !is_file_name(&"d".repeat(300)) && !is_file_name("-x"));
    }
}
