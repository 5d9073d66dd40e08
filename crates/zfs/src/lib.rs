//! zflash-zfs: what `zflash capture` (golden host) and `zflash finish` (miniroot) share
//! about ZFS.
//!
//! - [`name`]: [`Dataset`] and [`Snapshot`] names, validated once when built (the
//!   component rules of the deploy config), so that no code glues `DATASET@SNAP` together
//!   or splits it again; they serialize as the plain strings `zfs` takes.
//! - [`command`]: how a command runs ([`Runner`], replaceable in tests), the one "busy"
//!   retry policy ([`RetryPolicy`]) and the typed [`CommandError`].
//! - [`platform`]: the system's `zfs`, `zpool`, `mount`, `umount` and `uname`, with the
//!   `ZFLASH_*` program overrides ([`Platform::detect`]).

pub mod command;
pub mod name;
pub mod platform;

pub use command::{CommandError, RetryPolicy, Runner, SystemRunner};
pub use name::{
    ComponentError, Dataset, LEADING_DASH, Name, NameError, Snapshot, validate_component,
};
pub use platform::{Os, Platform, parse_zpool_get};
