//! The typed, lossless profile AST.
//!
//! Every argument is a [`Tok`]: a typed value, its byte span, and (when the file spelled it
//! differently from the canonical form, e.g. `Install_type` or `4G`) the original text.
//! Whitespace and comments are kept as [`Decor`] on each line, so [`Profile::to_source`]
//! gives back the input byte for byte, while a changed value prints in canonical form.

use crate::source::Span;
use std::fmt;

/// A typed token. `value` is what the rest of the program looks at; the original spelling is
/// only used for printing, and only while `value` is unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tok<T> {
    pub value: T,
    /// Byte range in the file (`0..0` for a token built in code).
    pub span: Span,
    /// (original text, canonical text of the value as parsed) when they differ.
    raw: Option<(String, String)>,
}

impl<T: fmt::Display> Tok<T> {
    /// A token built in code: prints in canonical form.
    pub fn new(value: T) -> Self {
        Tok {
            value,
            span: 0..0,
            raw: None,
        }
    }

    /// A token read from a file, spelled `raw` there.
    pub fn parsed(value: T, span: Span, raw: &str) -> Self {
        let canonical = value.to_string();
        let raw = (canonical != raw).then(|| (raw.to_string(), canonical));
        Tok { value, span, raw }
    }

    /// The text this token prints as.
    pub fn text(&self) -> String {
        let canonical = self.value.to_string();
        match &self.raw {
            Some((raw, was)) if *was == canonical => raw.clone(),
            _ => canonical,
        }
    }
}

macro_rules! word_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),+ }
        impl $name {
            /// Every accepted spelling (lower case), in documentation order.
            pub const NAMES: &'static [&'static str] = &[$($text),+];
            /// Case-insensitive lookup (`check` upper-cases before comparing).
            pub fn from_word(word: &str) -> Option<Self> {
                $(if word.eq_ignore_ascii_case($text) { return Some($name::$variant); })+
                None
            }
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }
    };
}

word_enum!(
    /// Every profile keyword this parser knows (Solaris 10 plus legacy ones).
    Keyword {
        InstallType => "install_type",
        SystemType => "system_type",
        Partitioning => "partitioning",
        Filesys => "filesys",
        Pool => "pool",
        Bootenv => "bootenv",
        RootDevice => "root_device",
        BootDevice => "boot_device",
        Usedisk => "usedisk",
        Dontuse => "dontuse",
        Fdisk => "fdisk",
        Cluster => "cluster",
        Package => "package",
        Patch => "patch",
        Locale => "locale",
        Geo => "geo",
        ArchiveLocation => "archive_location",
        ForcedDeployment => "forced_deployment",
        NoMasterCheck => "no_master_check",
        NoContentCheck => "no_content_check",
        LocalCustomization => "local_customization",
        LayoutConstraint => "layout_constraint",
        BackupMedia => "backup_media",
        Metadb => "metadb",
        ClientArch => "client_arch",
        ClientRoot => "client_root",
        ClientSwap => "client_swap",
        NumClients => "num_clients",
        IsaBits => "isa_bits",
        Noreboot => "noreboot",
        SwapSize => "swap_size",
    }
);

word_enum!(
    InstallType {
        InitialInstall => "initial_install",
        Upgrade => "upgrade",
        FlashInstall => "flash_install",
        FlashUpdate => "flash_update",
    }
);

word_enum!(
    /// `dataless` is legacy (removed after Solaris 2.5.1) and warned about.
    SystemType {
        Standalone => "standalone",
        Server => "server",
        Dataless => "dataless",
    }
);

word_enum!(
    Partitioning {
        Default => "default",
        Existing => "existing",
        Explicit => "explicit",
    }
);

word_enum!(
    /// Second argument of `boot_device`.
    Eeprom {
        Update => "update",
        Preserve => "preserve",
    }
);

word_enum!(
    /// `add` / `delete` of `cluster` and `package`.
    Action {
        Add => "add",
        Delete => "delete",
    }
);

word_enum!(
    BootenvCommand {
        InstallBe => "installbe",
        CreateBe => "createbe",
    }
);

word_enum!(
    Constraint {
        Changeable => "changeable",
        Movable => "movable",
        Available => "available",
        Collapse => "collapse",
    }
);

word_enum!(
    BackupMediaType {
        LocalTape => "local_tape",
        LocalDiskette => "local_diskette",
        LocalFilesystem => "local_filesystem",
        RemoteFilesystem => "remote_filesystem",
        RemoteSystem => "remote_system",
    }
);

/// A disk `cN[tT]dN`. The target is kept as written (decimal or hex WWN).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DiskName {
    pub controller: u32,
    pub target: Option<String>,
    pub disk: u32,
}

impl fmt::Display for DiskName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "c{}", self.controller)?;
        if let Some(t) = &self.target {
            write!(f, "t{t}")?;
        }
        write!(f, "d{}", self.disk)
    }
}

/// A device argument: a disk, a slice, an fdisk partition, or one of the keywords.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Device {
    /// `c0t0d0`
    Disk(DiskName),
    /// `c0t0d0s0`
    Slice(DiskName, u8),
    /// `c0t0d0p1` (x86 fdisk partition)
    Partition(DiskName, u8),
    /// `rootdisk`
    Rootdisk,
    /// `rootdisk.s0`
    RootdiskSlice(u8),
    Any,
    Existing,
    All,
}

impl Device {
    /// The disk this device is on, when it names one.
    pub fn disk(&self) -> Option<&DiskName> {
        match self {
            Device::Disk(d) | Device::Slice(d, _) | Device::Partition(d, _) => Some(d),
            _ => None,
        }
    }
    pub fn is_slice(&self) -> bool {
        matches!(self, Device::Slice(..) | Device::RootdiskSlice(_))
    }
}

impl fmt::Display for Device {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Device::Disk(d) => write!(f, "{d}"),
            Device::Slice(d, s) => write!(f, "{d}s{s}"),
            Device::Partition(d, p) => write!(f, "{d}p{p}"),
            Device::Rootdisk => f.write_str("rootdisk"),
            Device::RootdiskSlice(s) => write!(f, "rootdisk.s{s}"),
            Device::Any => f.write_str("any"),
            Device::Existing => f.write_str("existing"),
            Device::All => f.write_str("all"),
        }
    }
}

/// Unit of a [`Size`]: a bare number is MB.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SizeUnit {
    /// No suffix: megabytes.
    Implicit,
    /// `m`/`M` suffix.
    Mb,
    /// `g`/`G` suffix.
    Gb,
}

/// A size as written: `512`, `512m`, `4g`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Size {
    pub amount: u64,
    pub unit: SizeUnit,
}

impl Size {
    pub fn mb(amount: u64) -> Self {
        Size {
            amount,
            unit: SizeUnit::Implicit,
        }
    }
    pub fn gb(amount: u64) -> Self {
        Size {
            amount,
            unit: SizeUnit::Gb,
        }
    }
    /// The size in MB (`None` on overflow).
    pub fn megabytes(self) -> Option<u64> {
        match self.unit {
            SizeUnit::Implicit | SizeUnit::Mb => Some(self.amount),
            SizeUnit::Gb => self.amount.checked_mul(1024),
        }
    }
}

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.unit {
            SizeUnit::Implicit => write!(f, "{}", self.amount),
            SizeUnit::Mb => write!(f, "{}m", self.amount),
            SizeUnit::Gb => write!(f, "{}g", self.amount),
        }
    }
}

/// Size argument of a local or mirrored `filesys`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FsSize {
    Size(Size),
    Existing,
    Auto,
    All,
    Free,
    /// `start_cylinder:size_mb`
    StartSize(u64, u64),
}

impl fmt::Display for FsSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FsSize::Size(s) => write!(f, "{s}"),
            FsSize::Existing => f.write_str("existing"),
            FsSize::Auto => f.write_str("auto"),
            FsSize::All => f.write_str("all"),
            FsSize::Free => f.write_str("free"),
            FsSize::StartSize(a, b) => write!(f, "{a}:{b}"),
        }
    }
}

/// Third argument of a local `filesys`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MountPoint {
    /// A path (linted to start with `/`).
    Path(String),
    Swap,
    Overlap,
    Unnamed,
    Ignore,
}

impl fmt::Display for MountPoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MountPoint::Path(p) => f.write_str(p),
            MountPoint::Swap => f.write_str("swap"),
            MountPoint::Overlap => f.write_str("overlap"),
            MountPoint::Unnamed => f.write_str("unnamed"),
            MountPoint::Ignore => f.write_str("ignore"),
        }
    }
}

/// `filesys slice size [file_system [optional_parameter]]`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalFilesys {
    pub slice: Tok<Device>,
    pub size: Tok<FsSize>,
    pub mount: Option<Tok<MountPoint>>,
    /// `preserve` or comma-separated mount options.
    pub option: Option<Tok<String>>,
}

/// `mirror` or `mirror:dNN`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MirrorName(pub Option<String>);

impl fmt::Display for MirrorName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Some(n) => write!(f, "mirror:{n}"),
            None => f.write_str("mirror"),
        }
    }
}

/// `filesys mirror[:dNN] slice slice size file_system [optional_parameter]`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MirrorFilesys {
    pub mirror: Tok<MirrorName>,
    pub slices: [Tok<Device>; 2],
    pub size: Tok<FsSize>,
    pub mount: Tok<MountPoint>,
    pub option: Option<Tok<String>>,
}

/// `filesys server:/path address|- mount_point [mount_options]`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteFilesys {
    pub source: Tok<String>,
    pub address: Tok<String>,
    pub mount: Tok<String>,
    pub options: Option<Tok<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filesys {
    Local(LocalFilesys),
    Mirror(MirrorFilesys),
    Remote(RemoteFilesys),
}

/// Pool, swap or dump size of `pool`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PoolSize {
    Size(Size),
    Auto,
    Existing,
}

impl fmt::Display for PoolSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PoolSize::Size(s) => write!(f, "{s}"),
            PoolSize::Auto => f.write_str("auto"),
            PoolSize::Existing => f.write_str("existing"),
        }
    }
}

/// `pool poolname poolsize swapsize dumpsize vdevlist`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pool {
    pub name: Tok<String>,
    pub pool_size: Tok<PoolSize>,
    pub swap_size: Tok<PoolSize>,
    pub dump_size: Tok<PoolSize>,
    /// The `mirror` word, when the vdev list is a mirror.
    pub mirror: Option<Tok<String>>,
    pub devices: Vec<Tok<Device>>,
}

/// `key value` pair after `bootenv installbe|createbe` (`bename`, `dataset`, `filesystem`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BootenvArg {
    /// Lower-cased key.
    pub key: Tok<String>,
    pub value: Tok<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bootenv {
    pub command: Tok<BootenvCommand>,
    pub args: Vec<BootenvArg>,
}

impl Bootenv {
    /// The value of the first `key` argument.
    pub fn get(&self, key: &str) -> Option<&Tok<String>> {
        self.args
            .iter()
            .find(|a| a.key.value == key)
            .map(|a| &a.value)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BootDevice {
    pub device: Tok<Device>,
    pub eeprom: Tok<Eeprom>,
}

/// fdisk partition type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FdiskType {
    Solaris,
    Dosprimary,
    X86boot,
    /// Decimal type id.
    Decimal(u64),
    /// `0xHH`, kept as written after `0x`.
    Hex(String),
}

impl fmt::Display for FdiskType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FdiskType::Solaris => f.write_str("solaris"),
            FdiskType::Dosprimary => f.write_str("dosprimary"),
            FdiskType::X86boot => f.write_str("x86boot"),
            FdiskType::Decimal(n) => write!(f, "{n}"),
            FdiskType::Hex(h) => write!(f, "0x{h}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FdiskSize {
    Mb(u64),
    All,
    Maxfree,
    Delete,
}

impl fmt::Display for FdiskSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FdiskSize::Mb(n) => write!(f, "{n}"),
            FdiskSize::All => f.write_str("all"),
            FdiskSize::Maxfree => f.write_str("maxfree"),
            FdiskSize::Delete => f.write_str("delete"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fdisk {
    pub disk: Tok<Device>,
    pub kind: Tok<FdiskType>,
    pub size: Tok<FdiskSize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cluster {
    pub name: Tok<String>,
    pub action: Option<Tok<Action>>,
}

/// Where a package, patch or archive comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Retrieval {
    /// `nfs server:/path` (keyword present) or `nfs://server/path` (keyword absent).
    Nfs {
        keyword: Option<Tok<String>>,
        target: Tok<String>,
    },
    /// `http://…` or `https://…`
    Http { url: Tok<String> },
    /// `ftp://…`
    Ftp { url: Tok<String> },
    /// `local_tape device [position]`
    LocalTape {
        keyword: Tok<String>,
        device: Tok<String>,
        position: Option<Tok<u64>>,
    },
    /// `local_device device path [fs_type]`
    LocalDevice {
        keyword: Tok<String>,
        device: Tok<String>,
        path: Tok<String>,
        fs_type: Option<Tok<String>>,
    },
    /// `local_file path`
    LocalFile {
        keyword: Tok<String>,
        path: Tok<String>,
    },
}

/// `retry n`, `timeout min`, `proxy host:port`, `auth basic user password`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocationOption {
    /// Lower-cased option name.
    pub key: Tok<String>,
    pub values: Vec<Tok<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub retrieval: Retrieval,
    pub options: Vec<LocationOption>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    pub name: Tok<String>,
    pub action: Option<Tok<Action>>,
    pub location: Option<Location>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Patch {
    /// `id[,id…]` or a patch-list file name.
    pub list: Tok<String>,
    pub location: Location,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayoutConstraint {
    pub slice: Tok<Device>,
    pub constraint: Tok<Constraint>,
    pub minimum: Option<Tok<u64>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupMedia {
    pub media: Tok<BackupMediaType>,
    pub path: Tok<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metadb {
    pub slice: Tok<Device>,
    /// `size N` / `count N` pairs; key lower-cased.
    pub options: Vec<(Tok<String>, Tok<u64>)>,
}

/// The typed arguments of one keyword line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Directive {
    InstallType(Tok<InstallType>),
    SystemType(Tok<SystemType>),
    Partitioning(Tok<Partitioning>),
    Filesys(Filesys),
    Pool(Pool),
    Bootenv(Bootenv),
    RootDevice(Tok<Device>),
    BootDevice(BootDevice),
    Usedisk(Tok<Device>),
    Dontuse(Tok<Device>),
    Fdisk(Fdisk),
    Cluster(Cluster),
    Package(Package),
    Patch(Patch),
    Locale(Tok<String>),
    Geo(Tok<String>),
    ArchiveLocation(Location),
    ForcedDeployment,
    NoMasterCheck,
    NoContentCheck,
    LocalCustomization(Tok<String>),
    LayoutConstraint(LayoutConstraint),
    BackupMedia(BackupMedia),
    Metadb(Metadb),
    ClientArch(Vec<Tok<String>>),
    ClientRoot(Tok<u64>),
    ClientSwap(Tok<u64>),
    NumClients(Tok<u64>),
    IsaBits(Tok<u64>),
    Noreboot,
    SwapSize(Tok<u64>),
    /// Arguments that could not be typed (a syntax diagnostic was raised), or the arguments
    /// of an unknown keyword.
    Unparsed(Vec<Tok<String>>),
}

/// The keyword word of a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeywordName {
    Known(Keyword),
    Unknown(String),
}

impl fmt::Display for KeywordName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeywordName::Known(k) => f.write_str(k.as_str()),
            KeywordName::Unknown(s) => f.write_str(s),
        }
    }
}

/// Whitespace and comment around the tokens of a line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Decor {
    /// Before the first token.
    pub leading: String,
    /// Between consecutive tokens (may hold `\`-newline continuations).
    pub gaps: Vec<String>,
    /// After the last token, before the comment.
    pub trailing: String,
    /// `#…` to end of line.
    pub comment: Option<String>,
    /// `"\n"`, `"\r\n"` or `""` (last line without newline).
    pub eol: String,
}

/// One `keyword value…` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeywordLine {
    /// From the first token to the end of the line's content (comment included).
    pub span: Span,
    pub keyword: Tok<KeywordName>,
    pub directive: Directive,
    /// Arguments beyond what the keyword takes (a diagnostic was raised).
    pub extra: Vec<Tok<String>>,
    pub decor: Decor,
}

/// A blank or comment-only line, kept verbatim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trivia {
    pub span: Span,
    /// The line without its terminator.
    pub text: String,
    pub eol: String,
}

// Nearly every item of a profile is a keyword line, so boxing it would only add indirection.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Trivia(Trivia),
    Keyword(KeywordLine),
}

/// A parsed profile (class file).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Profile {
    pub items: Vec<Item>,
}
