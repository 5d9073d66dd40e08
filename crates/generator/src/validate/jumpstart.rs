//! What a JumpStart client really gets, settled once the clients are known: the platform of
//! each class (x86 classes get `fdisk` lines and their own disk default), and the name of
//! the boot environment the installer creates.

use super::tree::Seg::{self, I, K};
use super::tree::join;
use super::{Validator, describe_bad_char};
use crate::model;

/// The installed BE's default name, from the install image's path: `s10u<N>_req` when a
/// component names the update (`s10u11`, `sol-10-u11-ga-sparc`, `solaris10u9`,
/// `Solaris_10_u8`…), else `s10_req`. The name only has to differ from the deployed BE's;
/// following the release keeps `lustatus` on a deployed system telling the truth.
pub(super) fn default_bename(install_image: &str) -> String {
    for component in install_image.rsplit('/') {
        let lower = component.to_ascii_lowercase();
        for prefix in [
            "s10u",
            "sol-10-u",
            "sol10u",
            "sol_10_u",
            "solaris10u",
            "solaris-10-u",
            "solaris_10_u",
            "solaris10-u",
            "solaris10_u",
        ] {
            if let Some(rest) = lower.strip_prefix(prefix) {
                let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
                if !digits.is_empty() && digits.len() <= 2 {
                    return format!("s10u{digits}_req");
                }
            }
        }
    }
    "s10_req".into()
}

fn is_fdisk_disk(s: &str) -> bool {
    if matches!(s, "all" | "rootdisk") {
        return true;
    }
    // cXtYdZ / cXdY (t may be hexadecimal: MPxIO names).
    let Some(rest) = s.strip_prefix('c') else {
        return false;
    };
    let ctrl = rest.bytes().take_while(u8::is_ascii_digit).count();
    if ctrl == 0 {
        return false;
    }
    let rest = &rest[ctrl..];
    let rest = match rest.strip_prefix('t') {
        Some(t) => {
            let n = t.bytes().take_while(u8::is_ascii_hexdigit).count();
            // The target's hex digits may run into the `d`: take the last `d`.
            match t.rfind('d') {
                Some(i) if i > 0 && i <= n => &t[i..],
                _ => return false,
            }
        }
        None => rest,
    };
    match rest.strip_prefix('d') {
        Some(d) => !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()),
        None => false,
    }
}

fn is_fdisk_type(s: &str) -> bool {
    matches!(s, "solaris" | "dosprimary" | "x86boot")
        || s.parse::<u8>().is_ok_and(|n| n >= 1)
        || s.strip_prefix("0x")
            .is_some_and(|h| !h.is_empty() && h.len() <= 2 && u8::from_str_radix(h, 16).is_ok())
}

fn is_fdisk_size(s: &str) -> bool {
    matches!(s, "all" | "maxfree" | "delete")
        || (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
}

/// The disk (`c1t0d0`) a root-pool slice (`c1t0d0s0`) is on.
fn disk_of(slice: &str) -> &str {
    match slice.rfind('s') {
        Some(i) if i > 0 => &slice[..i],
        _ => slice,
    }
}

impl Validator<'_> {
    /// A class's `fdisk` lines from the site file, each `disk type size`; a bad line is an
    /// invalid value (Y101) at that line's item.
    pub(super) fn fdisk_lines(
        &mut self,
        class_at: &[Seg],
        lines: Option<&[String]>,
    ) -> Option<Vec<String>> {
        let lines = lines?;
        let mut out = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            let words: Vec<&str> = line.split_whitespace().collect();
            let problem = if let Some((w, why)) = words
                .iter()
                .find_map(|w| describe_bad_char(w).map(|why| (w, why)))
            {
                Some(format!("has {w:?}, which {why}"))
            } else if words.len() != 3 {
                Some(format!(
                    "has {} words, expected three: disk type size",
                    words.len()
                ))
            } else if !is_fdisk_disk(words[0]) {
                Some(format!(
                    "names the disk {:?}: expected cXtYdZ, cXdY, rootdisk or all",
                    words[0]
                ))
            } else if !is_fdisk_type(words[1]) {
                Some(format!(
                    "has the type {:?}: expected solaris, dosprimary, x86boot, a number 1-255 or 0xHH",
                    words[1]
                ))
            } else if !is_fdisk_size(words[2]) {
                Some(format!(
                    "has the size {:?}: expected MB, all, maxfree or delete",
                    words[2]
                ))
            } else if words[2] == "all" && words[1] != "solaris" {
                Some("uses size `all` with a type other than solaris".into())
            } else {
                None
            };
            match problem {
                Some(why) => self.at(
                    &join(class_at, &[K("profile"), K("fdisk"), I(i)]),
                    format!("fdisk line {line:?} {why}"),
                ),
                None => out.push(words.join(" ")),
            }
        }
        Some(out)
    }

    /// A hook's `$SI_…` references: each must be a variable JumpStart sets, always or
    /// through a built-in probe the generated rules can ask for (a custom probe would
    /// need a `custom_probes` the site file cannot give). Y109 at the argument.
    pub(super) fn hook_si_variables(
        &mut self,
        hook_at: &[Seg],
        class: &str,
        hook: &str,
        argv: &[String],
    ) {
        use zflash_parser::lint::dir::unprovided_si_variable::{ALWAYS_SET, probe_for, reads};
        for (j, arg) in argv.iter().enumerate() {
            // As the shell finish script has it: double-quoted.
            for (var, _) in reads(&format!("\"{arg}\"")) {
                if !ALWAYS_SET.contains(&var.as_str()) && probe_for(&var).is_none() {
                    self.flag(
                        "Y109",
                        &join(hook_at, &[K("argv"), I(j)]),
                        format!(
                            "class {class:?}: hook {hook:?} reads ${var}, which JumpStart never sets (not a variable of the Solaris 10 JumpStart environment, nor one a built-in probe sets)"
                        ),
                    );
                }
            }
        }
    }

    /// Settle each class's platform from its clients: one class serves one platform (an
    /// archive holds one architecture's system, an x86 profile needs `fdisk`). x86 classes
    /// get their disk and fdisk defaults here. `entries[n]` is the index in the site file's
    /// `clients:` of `clients[n]`. Conflicts are Y107, at the client's `arch` (or the
    /// class's `fdisk`).
    pub(super) fn resolve_platforms(
        &mut self,
        classes: &mut [model::Class],
        clients: &[model::Client],
        entries: &[usize],
    ) {
        for (i, class) in classes.iter_mut().enumerate() {
            let mine: Vec<(usize, &model::Client)> = clients
                .iter()
                .zip(entries)
                .filter(|(c, _)| c.class == i)
                .map(|(c, &e)| (e, c))
                .collect();
            let x86 = mine.iter().filter(|(_, c)| c.arch == "i386").count();
            let sparc = mine.len() - x86;
            if x86 > 0 && sparc > 0 {
                let of = |is_x86: bool| {
                    mine.iter()
                        .filter(|(_, c)| (c.arch == "i386") == is_x86)
                        .map(|(_, c)| c.hostname.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                // At the first client whose platform differs from the class's first one.
                let first_x86 = mine[0].1.arch == "i386";
                let (entry, _) = mine
                    .iter()
                    .find(|(_, c)| (c.arch == "i386") != first_x86)
                    .expect("both platforms are there");
                self.flag(
                    "Y107",
                    &[K("clients"), I(*entry), K("arch")],
                    format!(
                        "class {:?} has SPARC clients ({}) and x86 clients ({}): an archive and a profile serve one platform, give each its own class",
                        class.name,
                        of(false),
                        of(true)
                    ),
                );
            }
            if let Some(arch) = &class.archive.arch
                && let Some((entry, c)) = mine.iter().find(|(_, c)| &c.arch != arch)
            {
                self.flag(
                    "Y107",
                    &[K("clients"), I(*entry), K("arch")],
                    format!(
                        "class {:?}: archive {:?} was captured on {arch} (its manifest), client {:?} is {}",
                        class.name, class.archive.name, c.hostname, c.arch
                    ),
                );
            }
            class.x86 = x86 > 0 && sparc == 0;
            let p = &mut class.profile;
            if class.x86 {
                if p.disks_defaulted {
                    p.disks = vec!["any".into()];
                }
                if p.fdisk.is_none() {
                    let lines = if p.disks == ["any"] {
                        vec!["rootdisk solaris all".to_string()]
                    } else {
                        let mut disks: Vec<&str> = Vec::new();
                        for d in &p.disks {
                            if !disks.contains(&disk_of(d)) {
                                disks.push(disk_of(d));
                            }
                        }
                        disks.iter().map(|d| format!("{d} solaris all")).collect()
                    };
                    p.fdisk = Some(lines);
                }
            } else if p.fdisk.as_ref().is_some_and(|f| !f.is_empty()) {
                self.flag(
                    "Y107",
                    &[K("classes"), K(&class.name), K("profile"), K("fdisk")],
                    format!(
                        "class {:?}: fdisk is for x86 classes, and this class's clients are SPARC",
                        class.name
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bename_follows_the_image() {
        for (image, be) in [
            ("/export/install/s10u6", "s10u6_req"),
            ("/export/install/sol-10-u11-ga-sparc", "s10u11_req"),
            ("/export/Solaris10U9/", "s10u9_req"),
            ("/export/install/Solaris_10_u8/x", "s10u8_req"),
            ("/export/install/s10", "s10_req"),
            ("/export/install/s10u", "s10_req"),
        ] {
            assert_eq!(default_bename(image), be, "{image}");
        }
    }

    #[test]
    fn fdisk_words() {
        for d in ["c0d0", "c1t0d0", "c0t5000CCA012345678d0", "rootdisk", "all"] {
            assert!(is_fdisk_disk(d), "{d}");
        }
        for d in ["c0t0d0s0", "d0", "c0t", "any"] {
            assert!(!is_fdisk_disk(d), "{d}");
        }
        assert!(is_fdisk_type("solaris") && is_fdisk_type("130") && is_fdisk_type("0x82"));
        assert!(!is_fdisk_type("0") && !is_fdisk_type("ntfs"));
        assert!(is_fdisk_size("maxfree") && is_fdisk_size("2048") && !is_fdisk_size("2g"));
        assert_eq!(disk_of("c1t0d0s0"), "c1t0d0");
        assert_eq!(disk_of("c0d0s0"), "c0d0");
    }
}
