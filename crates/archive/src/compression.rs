//! How an archive stores its stream ([`Compression`]): named by the manifest, promised by
//! the file's suffix, recognised from the first bytes.

use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::ByteOrder;

/// How the stream is stored in the archive file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Compression {
    None,
    Zstd,
    Gzip,
}

impl Compression {
    pub fn name(self) -> &'static str {
        match self {
            Compression::None => "none",
            Compression::Zstd => "zstd",
            Compression::Gzip => "gzip",
        }
    }

    /// The compression a file name promises, if its suffix says anything.
    pub fn from_suffix(path: &Path) -> Option<Compression> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "zst" | "zstd" => Some(Compression::Zstd),
            "gz" | "gzip" => Some(Compression::Gzip),
            "zfs" | "zs" | "zsend" => Some(Compression::None),
            _ => None,
        }
    }

    /// Identify stored data from its first bytes.
    pub fn sniff(head: &[u8]) -> Option<Compression> {
        if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Some(Compression::Zstd)
        } else if head.starts_with(&[0x1f, 0x8b]) {
            Some(Compression::Gzip)
        } else if ByteOrder::detect(head).is_some() {
            Some(Compression::None)
        } else {
            None
        }
    }
}

impl fmt::Display for Compression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The kind of data a file holds, for messages.
pub(crate) fn describe(c: Compression) -> &'static str {
    match c {
        Compression::None => "a raw ZFS send stream",
        Compression::Zstd => "zstd-compressed data",
        Compression::Gzip => "gzip-compressed data",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffix_and_magic() {
        assert_eq!(
            Compression::from_suffix(Path::new("a.zfs.zst")),
            Some(Compression::Zstd)
        );
        assert_eq!(
            Compression::from_suffix(Path::new("a.GZ")),
            Some(Compression::Gzip)
        );
        assert_eq!(
            Compression::from_suffix(Path::new("a.zfs")),
            Some(Compression::None)
        );
        assert_eq!(Compression::from_suffix(Path::new("flar")), None);
        assert_eq!(
            Compression::sniff(&[0x28, 0xb5, 0x2f, 0xfd, 0]),
            Some(Compression::Zstd)
        );
        assert_eq!(
            Compression::sniff(&[0x1f, 0x8b, 8]),
            Some(Compression::Gzip)
        );
        assert_eq!(Compression::sniff(b"hello"), None);
    }
}
