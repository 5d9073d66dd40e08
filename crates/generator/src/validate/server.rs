//! `server:`: the install server's name, address and paths (a one-server site: one
//! server with every role, serving every client; `servers:` is in [`super::servers`]).

use super::tree::Seg::K;
use super::{Validator, is_absolute_path, is_hostname, parse_ipv4};
use crate::model::Release;
use crate::{model, site};

impl Validator<'_> {
    pub(super) fn server(&mut self, s: &site::Server) -> (model::Server, Release) {
        if !is_hostname(&s.hostname) {
            self.bad_value(
                &[K("server"), K("hostname")],
                &s.hostname,
                "server host name",
                "letters, digits and `-`",
            );
        }
        if parse_ipv4(&s.ip).is_none() {
            self.bad_value(
                &[K("server"), K("ip")],
                &s.ip,
                "server IP address",
                "a dotted-quad IPv4 address such as 10.1.1.5",
            );
        }
        for (key, value) in [
            ("install_image", &s.install_image),
            ("config_dir", &s.config_dir),
        ] {
            if !is_absolute_path(value) {
                self.bad_value(
                    &[K("server"), K(key)],
                    value,
                    key,
                    "an absolute path of letters, digits and `_ - . + ,`, without `..`",
                );
            }
        }
        let release = match &s.release {
            None => {
                self.flag_key(
                    "Y110",
                    &[K("server")],
                    format!(
                        "no `release` for the install image: add `release:` to `server` (one of {}; `s10uN` also works)",
                        Release::known_list()
                    ),
                );
                Release::R1_13
            }
            Some(text) => Release::parse(text).unwrap_or_else(|| {
                self.flag(
                    "Y110",
                    &[K("server"), K("release")],
                    format!(
                        "unknown Solaris 10 release {text:?}: expected one of {} (or `s10u0` … `s10u11`)",
                        Release::known_list()
                    ),
                );
                Release::R1_13
            }),
        };
        if !release.info().zfs_root && s.release.is_some() {
            self.zfs_root_needed(&[K("server"), K("release")], release);
        }
        // The one image serves both architectures, as it always did.
        let images = ["sparc", "i386"]
            .into_iter()
            .map(|arch| (arch.to_string(), s.install_image.clone()))
            .collect();
        let server = model::Server {
            hostname: s.hostname.clone(),
            ip: s.ip.clone(),
            install: true,
            boot: true,
            config: true,
            networks: Vec::new(),
            images,
            config_dir: s.config_dir.clone(),
        };
        (server, release)
    }

    /// Y111: a release before 10/08 installs no ZFS root.
    pub(super) fn zfs_root_needed(&mut self, at: &[super::tree::Seg], release: Release) {
        self.flag(
            "Y111",
            at,
            format!(
                "release {release}: its installer lays down a UFS root only, and every zflash class is a ZFS-root install (profile `pool`/`bootenv`), which needs 10/08 or later"
            ),
        );
    }
}
