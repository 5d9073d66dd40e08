//! The commands the runtime runs (`zfs`, `zpool`, NFS mounts): the ZFS command layer
//! `zflash capture` shares, from `zflash-zfs` — one runner, one "busy" retry policy, the
//! `ZFLASH_*` program overrides and typed errors.

pub use zflash_zfs::{CommandError, Os, Platform, RetryPolicy, Runner, parse_zpool_get};
