//! Line parser: one logical line at a time, keyword dispatch by table, typed arguments.
//!
//! A line whose arguments cannot be typed keeps them as [`Directive::Unparsed`] (so printing
//! stays lossless) and yields one syntax diagnostic; parsing goes on with the next line.

use super::ast::*;
use super::value;
use crate::diagnostic::Diagnostic;
use crate::lint::profile::{
    bad_device, bad_location, bad_size, extra_argument, invalid_value, line_continuation,
    missing_argument, too_many_arguments, unknown_keyword,
};
use crate::source::{LineSyntax, LogicalLine, SourceFile, Span};

/// One whitespace-separated word of a logical line.
#[derive(Debug, Clone)]
struct Word<'a> {
    /// Text after continuation joining.
    text: &'a str,
    /// File span.
    span: Span,
    /// File text under `span` (differs from `text` only across a `\` continuation).
    raw: &'a str,
}

type PResult<T> = Result<T, Box<Diagnostic>>;

struct Cursor<'a, 'w> {
    keyword: Keyword,
    words: &'w [Word<'a>],
    pos: usize,
    /// Where a missing argument is reported: just after the last word.
    end: usize,
}

fn code(s: &str) -> String {
    format!("`{s}`")
}

fn list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| code(n)).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

/// The closest candidate (compared case-insensitively) within a small edit distance, or
/// one that is a prefix of the word or the other way round.
pub(crate) fn did_you_mean<'c>(word: &str, candidates: &[&'c str]) -> Option<&'c str> {
    let lower = word.to_ascii_lowercase();
    crate::suggest::closest(word, candidates.iter().copied(), |d, c| {
        let lc = c.to_ascii_lowercase();
        d <= (lc.len() / 3).max(2)
            || (lower.len() >= 4 && (lc.starts_with(&lower) || lower.starts_with(&lc)))
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    Disk,
    Slice,
    Partition,
    Rootdisk,
    RootdiskSlice,
    Any,
    Existing,
    All,
}

fn device_form(d: &Device) -> Form {
    match d {
        Device::Disk(_) => Form::Disk,
        Device::Slice(..) => Form::Slice,
        Device::Partition(..) => Form::Partition,
        Device::Rootdisk => Form::Rootdisk,
        Device::RootdiskSlice(_) => Form::RootdiskSlice,
        Device::Any => Form::Any,
        Device::Existing => Form::Existing,
        Device::All => Form::All,
    }
}

/// Any device spelling this parser knows.
pub fn parse_device(word: &str) -> Option<Device> {
    if word.eq_ignore_ascii_case("any") {
        return Some(Device::Any);
    }
    if word.eq_ignore_ascii_case("existing") {
        return Some(Device::Existing);
    }
    if word.eq_ignore_ascii_case("all") {
        return Some(Device::All);
    }
    if word.eq_ignore_ascii_case("rootdisk") {
        return Some(Device::Rootdisk);
    }
    // Slices are s0-s7 (SPARC VTOC) or s0-s15 (x86); fdisk partitions p0 (whole disk)-p4.
    if let Some(s) = value::parse_rootdisk_slice(word) {
        return (s <= 15).then_some(Device::RootdiskSlice(s));
    }
    let (disk, suffix) = value::parse_disk_like(word)?;
    match suffix {
        None => Some(Device::Disk(disk)),
        Some(('s', n)) => (n <= 15).then_some(Device::Slice(disk, n)),
        Some((_, n)) => (n <= 4).then_some(Device::Partition(disk, n)),
    }
}

impl<'a, 'w> Cursor<'a, 'w> {
    fn peek(&self) -> Option<&'w Word<'a>> {
        self.words.get(self.pos)
    }

    fn rest(&self) -> &'w [Word<'a>] {
        &self.words[self.pos.min(self.words.len())..]
    }

    fn missing(&self, what: &str) -> Box<Diagnostic> {
        Box::new(
            Diagnostic::new(
                &missing_argument::RULE,
                self.end..self.end,
                format!("too few arguments: `{}` needs {what}", self.keyword),
            )
            .label(format!("expected {what} here")),
        )
    }

    fn next(&mut self, what: &str) -> PResult<&'w Word<'a>> {
        match self.words.get(self.pos) {
            Some(w) => {
                self.pos += 1;
                Ok(w)
            }
            None => Err(self.missing(what)),
        }
    }

    fn string(&mut self, what: &str) -> PResult<Tok<String>> {
        let w = self.next(what)?;
        Ok(Tok::parsed(w.text.to_string(), w.span.clone(), w.raw))
    }

    /// A word kept as written (names, paths, options).
    fn literal_keep(w: &Word<'_>) -> Tok<String> {
        Tok::parsed(w.text.to_string(), w.span.clone(), w.raw)
    }

    /// A literal keyword word, stored lower-cased.
    fn literal(w: &Word<'_>) -> Tok<String> {
        Tok::parsed(w.text.to_ascii_lowercase(), w.span.clone(), w.raw)
    }

    fn number(&mut self, what: &str) -> PResult<Tok<u64>> {
        let w = self.next(what)?;
        match value::parse_number(w.text) {
            Some(n) => Ok(Tok::parsed(n, w.span.clone(), w.raw)),
            None => Err(Box::new(
                Diagnostic::new(
                    &bad_size::RULE,
                    w.span.clone(),
                    format!(
                        "`{}` expects {what}, found `{}`: the argument is not a number",
                        self.keyword, w.text
                    ),
                )
                .label("expected a decimal number"),
            )),
        }
    }

    fn choice<E: std::fmt::Display>(
        &mut self,
        what: &str,
        from_word: fn(&str) -> Option<E>,
        names: &[&str],
    ) -> PResult<Tok<E>> {
        let w = self.next(&format!("a {what} ({})", list(names)))?;
        match from_word(w.text) {
            Some(v) => Ok(Tok::parsed(v, w.span.clone(), w.raw)),
            None => Err(invalid(self.keyword, w, what, names)),
        }
    }

    fn device(&mut self, what: &str, forms: &[Form]) -> PResult<Tok<Device>> {
        let w = self.next(what)?;
        match parse_device(w.text) {
            Some(d) if forms.contains(&device_form(&d)) => {
                Ok(Tok::parsed(d, w.span.clone(), w.raw))
            }
            _ => Err(Box::new(
                Diagnostic::new(
                    &bad_device::RULE,
                    w.span.clone(),
                    format!(
                        "device `{}` is badly specified: `{}` expects {what}",
                        w.text, self.keyword
                    ),
                )
                .label(format!("expected {what}")),
            )),
        }
    }
}

fn invalid(keyword: Keyword, w: &Word<'_>, what: &str, names: &[&str]) -> Box<Diagnostic> {
    let mut d = Diagnostic::new(
        &invalid_value::RULE,
        w.span.clone(),
        format!(
            "invalid {what} `{}` for `{keyword}`: expected {}",
            w.text,
            list(names)
        ),
    )
    .label(format!("expected {}", list(names)));
    if let Some(m) = did_you_mean(w.text, names) {
        d = d.help(crate::suggest::help(m));
    }
    Box::new(d)
}

fn bad_size_diag(keyword: Keyword, w: &Word<'_>, expected: &str) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::new(
            &bad_size::RULE,
            w.span.clone(),
            format!(
                "size `{}` is invalid for `{keyword}`: expected {expected}",
                w.text
            ),
        )
        .label(format!("expected {expected}")),
    )
}

fn bad_location_diag(w: &Word<'_>, message: String, label: &str) -> Box<Diagnostic> {
    Box::new(Diagnostic::new(&bad_location::RULE, w.span.clone(), message).label(label))
}

const FS_SIZE_EXPECTED: &str =
    "a size in MB, `existing`, `auto`, `all`, `free` or `start_cylinder:size`";
const POOL_SIZE_EXPECTED: &str = "a size (`N` MB, `Nm` or `Ng`), `auto` or `existing`";

fn fs_size(c: &mut Cursor<'_, '_>) -> PResult<Tok<FsSize>> {
    let w = c.next(FS_SIZE_EXPECTED)?;
    let t = w.text;
    let v = if t.eq_ignore_ascii_case("existing") {
        FsSize::Existing
    } else if t.eq_ignore_ascii_case("auto") {
        FsSize::Auto
    } else if t.eq_ignore_ascii_case("all") {
        FsSize::All
    } else if t.eq_ignore_ascii_case("free") {
        FsSize::Free
    } else if let Some((a, b)) = value::parse_start_size(t) {
        FsSize::StartSize(a, b)
    } else if let Some(s) = value::parse_size(t) {
        FsSize::Size(s)
    } else {
        return Err(bad_size_diag(c.keyword, w, FS_SIZE_EXPECTED));
    };
    Ok(Tok::parsed(v, w.span.clone(), w.raw))
}

/// One of `pool`'s three sizes. When the devices start where this size belongs (`mirror`,
/// `any` or a disk), the size is missing: say which one, instead of calling `mirror` a bad
/// size; name the whole disks of the rest of the line too, since the line stops here.
fn pool_sized(c: &mut Cursor<'_, '_>, what: &str) -> PResult<Tok<PoolSize>> {
    if let Some(w) = c.peek()
        && !(w.text.eq_ignore_ascii_case("auto")
            || w.text.eq_ignore_ascii_case("existing")
            || value::parse_size(w.text).is_some())
        && (w.text.eq_ignore_ascii_case("mirror") || parse_device(w.text).is_some())
    {
        let mut d = Diagnostic::new(
            &missing_argument::RULE,
            w.span.clone(),
            format!(
                "too few arguments: `pool` needs a pool size, a swap size and a dump size before its devices; the {what} is missing (found `{}` where it goes)",
                w.text
            ),
        )
        .label(format!("expected the {what} (`auto`, `existing`, `N`, `Nm` or `Ng`) before this"));
        for rest in &c.words[c.pos..] {
            if let Some(Device::Disk(disk)) = parse_device(rest.text) {
                d = d.note(format!(
                    "`{}` is a whole disk: root pool devices must be slices, e.g. `{disk}s0`",
                    rest.text
                ));
            }
        }
        return Err(Box::new(d));
    }
    pool_size_arg(c, &format!("a {what}"))
}

fn pool_size_arg(c: &mut Cursor<'_, '_>, what: &str) -> PResult<Tok<PoolSize>> {
    let w = c.next(what)?;
    let t = w.text;
    let v = if t.eq_ignore_ascii_case("auto") {
        PoolSize::Auto
    } else if t.eq_ignore_ascii_case("existing") {
        PoolSize::Existing
    } else if let Some(s) = value::parse_size(t) {
        PoolSize::Size(s)
    } else {
        return Err(bad_size_diag(c.keyword, w, POOL_SIZE_EXPECTED));
    };
    Ok(Tok::parsed(v, w.span.clone(), w.raw))
}

fn mount_point(w: &Word<'_>) -> Tok<MountPoint> {
    let t = w.text;
    let v = if t.eq_ignore_ascii_case("swap") {
        MountPoint::Swap
    } else if t.eq_ignore_ascii_case("overlap") {
        MountPoint::Overlap
    } else if t.eq_ignore_ascii_case("unnamed") {
        MountPoint::Unnamed
    } else if t.eq_ignore_ascii_case("ignore") {
        MountPoint::Ignore
    } else {
        MountPoint::Path(t.to_string())
    };
    Tok::parsed(v, w.span.clone(), w.raw)
}

const SLICE: &str = "a slice (`cXtYdZsN`, `cXdYsN` or `rootdisk.sN`)";

fn filesys(c: &mut Cursor<'_, '_>) -> PResult<Filesys> {
    let Some(first) = c.peek() else {
        return Err(c.missing("a slice, `mirror[:dNN]` or `server:/path`"));
    };
    let lower = first.text.to_ascii_lowercase();
    if lower == "mirror" || lower.starts_with("mirror:") {
        c.pos += 1;
        let name = first.text.get(7..).map(str::to_string);
        let mirror = Tok::parsed(MirrorName(name), first.span.clone(), first.raw);
        let forms = [Form::Slice, Form::RootdiskSlice];
        let a = c.device(&format!("the first mirror half, {SLICE}"), &forms)?;
        let b = c.device(&format!("the second mirror half, {SLICE}"), &forms)?;
        let size = fs_size(c)?;
        let mount = mount_point(c.next("a mount point, `swap` or `unnamed`")?);
        let option = c.peek().map(Cursor::literal_keep);
        if option.is_some() {
            c.pos += 1;
        }
        return Ok(Filesys::Mirror(MirrorFilesys {
            mirror,
            slices: [a, b],
            size,
            mount,
            option,
        }));
    }
    if first.text.contains(":/") || (first.text.contains(':') && parse_device(first.text).is_none())
    {
        c.pos += 1;
        if value::parse_nfs_path(first.text).is_err() {
            return Err(bad_location_diag(
                first,
                format!(
                    "remote file system `{}` is badly specified: expected `server:/path`",
                    first.text
                ),
                "expected `server:/path`",
            ));
        }
        let source = Tok::parsed(first.text.to_string(), first.span.clone(), first.raw);
        let aw = c.next("the server's IP address or `-`")?;
        if aw.text != "-" && value::parse_ipv4(aw.text).is_none() {
            return Err(invalid(
                c.keyword,
                aw,
                "server address",
                &["an IPv4 address", "-"],
            ));
        }
        let address = Tok::parsed(aw.text.to_string(), aw.span.clone(), aw.raw);
        let mount = c.string("a mount point")?;
        let options = c.peek().map(Cursor::literal_keep);
        if options.is_some() {
            c.pos += 1;
        }
        return Ok(Filesys::Remote(RemoteFilesys {
            source,
            address,
            mount,
            options,
        }));
    }
    let slice = c.device(
        "a slice (`cXtYdZsN`, `cXdYsN`, `rootdisk.sN`) or `any`",
        &[Form::Slice, Form::RootdiskSlice, Form::Any],
    )?;
    let size = fs_size(c)?;
    let mount = c.peek().map(mount_point);
    if mount.is_some() {
        c.pos += 1;
    }
    let option = c.peek().map(Cursor::literal_keep);
    if option.is_some() {
        c.pos += 1;
    }
    Ok(Filesys::Local(LocalFilesys {
        slice,
        size,
        mount,
        option,
    }))
}

fn pool(c: &mut Cursor<'_, '_>) -> PResult<Pool> {
    let name = c.string("a pool name")?;
    let pool_size = pool_sized(c, "pool size")?;
    let swap_size = pool_sized(c, "swap size")?;
    let dump_size = pool_sized(c, "dump size")?;
    let mut mirror = None;
    if let Some(w) = c.peek()
        && w.text.eq_ignore_ascii_case("mirror")
    {
        mirror = Some(Cursor::literal(w));
        c.pos += 1;
    }
    let mut devices = Vec::new();
    let vdev = "a vdev list: a slice (`cXtYdZsN`), `any`, or `mirror` and slices";
    if c.peek().is_none() {
        c.next(vdev)?;
    }
    while let Some(w) = c.peek() {
        match parse_device(w.text) {
            Some(d) => devices.push(Tok::parsed(d, w.span.clone(), w.raw)),
            None => {
                let mut d = Diagnostic::new(
                    &bad_device::RULE,
                    w.span.clone(),
                    format!(
                        "device `{}` is badly specified: `pool` expects {vdev}",
                        w.text
                    ),
                )
                .label("expected a slice such as `c0t0d0s0`, or `any`");
                if [
                    "raidz", "raidz1", "raidz2", "raidz3", "spare", "log", "cache",
                ]
                .contains(&w.text.to_ascii_lowercase().as_str())
                {
                    d = d.help("a root pool is a single slice or a mirror of slices");
                }
                return Err(Box::new(d));
            }
        }
        c.pos += 1;
    }
    Ok(Pool {
        name,
        pool_size,
        swap_size,
        dump_size,
        mirror,
        devices,
    })
}

fn bootenv(c: &mut Cursor<'_, '_>) -> PResult<Bootenv> {
    let command = c.choice(
        "bootenv sub-command",
        BootenvCommand::from_word,
        BootenvCommand::NAMES,
    )?;
    let mut args = Vec::new();
    while let Some(w) = c.peek() {
        let lower = w.text.to_ascii_lowercase();
        if !["bename", "dataset", "filesystem"].contains(&lower.as_str()) {
            return Err(invalid(
                c.keyword,
                w,
                "bootenv argument",
                &["bename", "dataset", "filesystem"],
            ));
        }
        c.pos += 1;
        let value = c.string(&format!("a value after `{lower}`"))?;
        args.push(BootenvArg {
            key: Cursor::literal(w),
            value,
        });
    }
    Ok(Bootenv { command, args })
}

fn fdisk(c: &mut Cursor<'_, '_>) -> PResult<Fdisk> {
    let disk = c.device(
        "a disk (`cXtYdZ`, `cXdY`), `rootdisk` or `all`",
        &[Form::Disk, Form::Rootdisk, Form::All],
    )?;
    let types = ["solaris", "dosprimary", "x86boot", "a number 1-255", "0xHH"];
    let w = c.next("an fdisk partition type")?;
    let t = w.text;
    let kind = if t.eq_ignore_ascii_case("solaris") {
        FdiskType::Solaris
    } else if t.eq_ignore_ascii_case("dosprimary") {
        FdiskType::Dosprimary
    } else if t.eq_ignore_ascii_case("x86boot") {
        FdiskType::X86boot
    } else if let Some(n) = value::parse_number(t) {
        FdiskType::Decimal(n)
    } else if let Some(h) = t
        .strip_prefix("0x")
        .or_else(|| t.strip_prefix("0X"))
        .filter(|h| !h.is_empty() && h.len() <= 2 && h.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        FdiskType::Hex(h.to_string())
    } else {
        return Err(invalid(c.keyword, w, "fdisk type", &types));
    };
    let kind = Tok::parsed(kind, w.span.clone(), w.raw);
    let w = c.next("an fdisk size")?;
    let t = w.text;
    let size = if t.eq_ignore_ascii_case("all") {
        FdiskSize::All
    } else if t.eq_ignore_ascii_case("maxfree") {
        FdiskSize::Maxfree
    } else if t.eq_ignore_ascii_case("delete") {
        FdiskSize::Delete
    } else if let Some(n) = value::parse_number(t) {
        FdiskSize::Mb(n)
    } else {
        return Err(bad_size_diag(
            c.keyword,
            w,
            "a size in MB, `all`, `maxfree` or `delete`",
        ));
    };
    Ok(Fdisk {
        disk,
        kind,
        size: Tok::parsed(size, w.span.clone(), w.raw),
    })
}

fn action(c: &mut Cursor<'_, '_>) -> PResult<Option<Tok<Action>>> {
    if c.peek().is_none() {
        return Ok(None);
    }
    c.choice("third argument", Action::from_word, Action::NAMES)
        .map(Some)
        .map_err(|d| Box::new(d.help("the third argument must be `add` or `delete`")))
}

/// Which retrieval forms and options a keyword accepts.
#[derive(Clone, Copy)]
struct LocationSyntax {
    /// `archive_location` accepts ftp://, `auth basic user password`, `local_tape`.
    archive: bool,
}

const RETRIEVALS_ARCHIVE: &str = "`nfs server:/path`, `nfs://server/path`, `http://…`, `https://…`, `ftp://…`, `local_tape`, `local_device` or `local_file`";
const RETRIEVALS_PACKAGE: &str =
    "`nfs server:/path`, `http://…`, `https://…`, `local_device` or `local_file`";

fn location(c: &mut Cursor<'_, '_>, syntax: LocationSyntax) -> PResult<Location> {
    let expected = if syntax.archive {
        RETRIEVALS_ARCHIVE
    } else {
        RETRIEVALS_PACKAGE
    };
    let w = c.next(&format!("a location: {expected}"))?;
    let lower = w.text.to_ascii_lowercase();
    let url = |c: &Cursor<'_, '_>, schemes: &'static [&'static str]| -> PResult<Tok<String>> {
        match value::parse_url(w.text, schemes) {
            Ok(_) => Ok(Cursor::literal_keep(w)),
            Err(at) => {
                let at = (w.span.start + at).min(w.span.end);
                Err(Box::new(
                    Diagnostic::new(
                        &bad_location::RULE,
                        w.span.clone(),
                        format!(
                            "`{}` location `{}` is malformed: expected `{}://server[:port]/path`",
                            c.keyword, w.text, schemes[0]
                        ),
                    )
                    .secondary(at..at, "parsing stopped here"),
                ))
            }
        }
    };
    let (retrieval, options): (Retrieval, &[&str]) = if lower == "nfs" {
        let t = c.next("`server:/path` after `nfs`")?;
        if value::parse_nfs_path(t.text).is_err() && value::parse_nfs_url(t.text).is_err() {
            return Err(bad_location_diag(
                t,
                format!(
                    "NFS location `{}` is malformed: expected `server:/path`",
                    t.text
                ),
                "expected `server:/path`",
            ));
        }
        (
            Retrieval::Nfs {
                keyword: Some(Cursor::literal(w)),
                target: Cursor::literal_keep(t),
            },
            &["retry"],
        )
    } else if lower.starts_with("nfs:") {
        if value::parse_nfs_url(w.text).is_err() {
            return Err(bad_location_diag(
                w,
                format!(
                    "NFS location `{}` is malformed: expected `nfs://server/path`",
                    w.text
                ),
                "expected `nfs://server/path`",
            ));
        }
        (
            Retrieval::Nfs {
                keyword: None,
                target: Cursor::literal_keep(w),
            },
            &["retry"],
        )
    } else if lower.starts_with("http:") || lower.starts_with("https:") {
        let url = url(c, &["https", "http"])?;
        (
            Retrieval::Http { url },
            if syntax.archive {
                &["auth", "timeout", "proxy"]
            } else {
                &["timeout", "proxy"]
            },
        )
    } else if syntax.archive && lower.starts_with("ftp:") {
        let url = url(c, &["ftp"])?;
        (Retrieval::Ftp { url }, &["timeout", "proxy"])
    } else if syntax.archive && lower == "local_tape" {
        let device = c.string("a tape device such as `/dev/rmt/0`")?;
        let position = match c.peek() {
            Some(p) if value::parse_number(p.text).is_some() => c.number("a tape position").ok(),
            _ => None,
        };
        (
            Retrieval::LocalTape {
                keyword: Cursor::literal(w),
                device,
                position,
            },
            &[],
        )
    } else if lower == "local_device" {
        let device = c.string("a device such as `/dev/dsk/c0t6d0s0`")?;
        let path = c.string("a path on that device")?;
        let fs_type = c.peek().map(Cursor::literal_keep);
        if fs_type.is_some() {
            c.pos += 1;
        }
        (
            Retrieval::LocalDevice {
                keyword: Cursor::literal(w),
                device,
                path,
                fs_type,
            },
            &[],
        )
    } else if lower == "local_file" {
        let path = c.string("a path")?;
        (
            Retrieval::LocalFile {
                keyword: Cursor::literal(w),
                path,
            },
            &[],
        )
    } else {
        let mut d = Diagnostic::new(
            &bad_location::RULE,
            w.span.clone(),
            format!(
                "unknown retrieval type `{}` for `{}`: expected {expected}",
                w.text, c.keyword
            ),
        )
        .label("expected a retrieval type");
        if w.text.starts_with('/') {
            d = d.help(format!(
                "for a file on the client write `local_file {}`",
                w.text
            ));
        } else if value::parse_nfs_path(w.text).is_ok() {
            d = d.help(format!("write `nfs {}`", w.text));
        }
        return Err(Box::new(d));
    };
    let mut opts = Vec::new();
    while let Some(k) = c.peek() {
        let key = k.text.to_ascii_lowercase();
        if !options.contains(&key.as_str()) {
            if options.is_empty() {
                break;
            }
            return Err(bad_location_diag(
                k,
                format!(
                    "unexpected `{}` after the location: expected {}",
                    k.text,
                    list(options)
                ),
                "not an option of this retrieval type",
            ));
        }
        c.pos += 1;
        let mut values = Vec::new();
        match key.as_str() {
            "retry" | "timeout" => {
                let n = c.next(&format!("a number after `{key}`"))?;
                if value::parse_number(n.text).is_none() {
                    return Err(bad_size_diag(
                        c.keyword,
                        n,
                        &format!("a number after `{key}`"),
                    ));
                }
                values.push(Cursor::literal_keep(n));
            }
            "proxy" => {
                let p = c.next("`host:port` after `proxy`")?;
                if value::parse_host_port(p.text).is_err() {
                    return Err(bad_location_diag(
                        p,
                        format!("proxy `{}` is malformed: expected `host:port`", p.text),
                        "expected `host:port`",
                    ));
                }
                values.push(Cursor::literal_keep(p));
            }
            _ => {
                let basic = c.next("`basic user password` after `auth`")?;
                if !basic.text.eq_ignore_ascii_case("basic") {
                    return Err(bad_location_diag(
                        basic,
                        format!(
                            "`auth` must be followed by `basic user password`, found `{}`",
                            basic.text
                        ),
                        "expected `basic`",
                    ));
                }
                values.push(Cursor::literal(basic));
                values.push(c.string("a user name after `auth basic`")?);
                values.push(c.string("a password after `auth basic user`")?);
            }
        }
        opts.push(LocationOption {
            key: Cursor::literal(k),
            values,
        });
    }
    Ok(Location {
        retrieval,
        options: opts,
    })
}

fn package(c: &mut Cursor<'_, '_>) -> PResult<Package> {
    let name = c.string("a package name")?;
    let action = action(c)?;
    let location = match (&action, c.peek()) {
        (Some(a), Some(_)) if a.value == Action::Add => {
            Some(location(c, LocationSyntax { archive: false })?)
        }
        _ => None,
    };
    Ok(Package {
        name,
        action,
        location,
    })
}

fn metadb(c: &mut Cursor<'_, '_>) -> PResult<Metadb> {
    let slice = c.device("a slice (`cXtYdZsN`)", &[Form::Slice])?;
    let mut options = Vec::new();
    while let Some(w) = c.peek() {
        let key = w.text.to_ascii_lowercase();
        if key != "size" && key != "count" {
            return Err(invalid(c.keyword, w, "metadb option", &["size", "count"]));
        }
        c.pos += 1;
        let n = c.number(&format!("a number after `{key}`"))?;
        options.push((Cursor::literal(w), n));
    }
    Ok(Metadb { slice, options })
}

/// Keywords for which check rejects extra arguments (others only warn).
fn strict_arity(k: Keyword) -> bool {
    matches!(
        k,
        Keyword::Filesys | Keyword::BackupMedia | Keyword::LayoutConstraint
    )
}

fn directive(k: Keyword, c: &mut Cursor<'_, '_>) -> PResult<Directive> {
    use Directive as D;
    Ok(match k {
        Keyword::InstallType => {
            D::InstallType(c.choice("install type", InstallType::from_word, InstallType::NAMES)?)
        }
        Keyword::SystemType => D::SystemType(c.choice(
            "system type",
            SystemType::from_word,
            &SystemType::NAMES[..2],
        )?),
        Keyword::Partitioning => D::Partitioning(c.choice(
            "partitioning",
            Partitioning::from_word,
            Partitioning::NAMES,
        )?),
        Keyword::Filesys => D::Filesys(filesys(c)?),
        Keyword::Pool => D::Pool(pool(c)?),
        Keyword::Bootenv => D::Bootenv(bootenv(c)?),
        Keyword::RootDevice => D::RootDevice(c.device("a slice (`cXtYdZsN`)", &[Form::Slice])?),
        Keyword::BootDevice => D::BootDevice(BootDevice {
            device: c.device(
                "a slice (`cXtYdZsN`), a disk or fdisk partition (x86), `existing` or `any`",
                &[
                    Form::Slice,
                    Form::Disk,
                    Form::Partition,
                    Form::Existing,
                    Form::Any,
                ],
            )?,
            eeprom: c.choice("prom update value", Eeprom::from_word, Eeprom::NAMES)?,
        }),
        Keyword::Usedisk => D::Usedisk(c.device("a disk (`cXtYdZ` or `cXdY`)", &[Form::Disk])?),
        Keyword::Dontuse => D::Dontuse(c.device("a disk (`cXtYdZ` or `cXdY`)", &[Form::Disk])?),
        Keyword::Fdisk => D::Fdisk(fdisk(c)?),
        Keyword::Cluster => D::Cluster(Cluster {
            name: c.string("a software group or cluster name")?,
            action: action(c)?,
        }),
        Keyword::Package => D::Package(package(c)?),
        Keyword::Patch => D::Patch(Patch {
            list: c.string("a patch ID list or patch file")?,
            location: location(c, LocationSyntax { archive: false })?,
        }),
        Keyword::Locale => D::Locale(c.string("a locale name")?),
        Keyword::Geo => D::Geo(c.string("a region name")?),
        Keyword::ArchiveLocation => {
            D::ArchiveLocation(location(c, LocationSyntax { archive: true })?)
        }
        Keyword::ForcedDeployment => D::ForcedDeployment,
        Keyword::NoMasterCheck => D::NoMasterCheck,
        Keyword::NoContentCheck => D::NoContentCheck,
        Keyword::Noreboot => D::Noreboot,
        Keyword::LocalCustomization => D::LocalCustomization(c.string("a directory")?),
        Keyword::LayoutConstraint => {
            let slice = c.device("a slice (`cXtYdZsN`)", &[Form::Slice])?;
            let constraint = c.choice(
                "layout constraint",
                Constraint::from_word,
                Constraint::NAMES,
            )?;
            let minimum = if constraint.value == Constraint::Changeable && c.peek().is_some() {
                Some(c.number("a minimum size in MB")?)
            } else {
                None
            };
            D::LayoutConstraint(LayoutConstraint {
                slice,
                constraint,
                minimum,
            })
        }
        Keyword::BackupMedia => D::BackupMedia(BackupMedia {
            media: c.choice(
                "backup media identifier",
                BackupMediaType::from_word,
                BackupMediaType::NAMES,
            )?,
            path: c.string("a backup path")?,
        }),
        Keyword::Metadb => D::Metadb(metadb(c)?),
        Keyword::ClientArch => {
            let mut v = vec![c.string("a kernel architecture (`sun4u`, `sun4v`, `i86pc`)")?];
            while let Some(w) = c.peek() {
                v.push(Cursor::literal_keep(w));
                c.pos += 1;
            }
            D::ClientArch(v)
        }
        Keyword::ClientRoot => D::ClientRoot(c.number("a root size in MB")?),
        Keyword::ClientSwap => D::ClientSwap(c.number("a swap size in MB")?),
        Keyword::NumClients => D::NumClients(c.number("a number of clients")?),
        Keyword::IsaBits => D::IsaBits(c.number("`64` or `32`")?),
        Keyword::SwapSize => D::SwapSize(c.number("a swap size in MB")?),
    })
}

fn untyped(words: &[Word<'_>]) -> Vec<Tok<String>> {
    words.iter().map(Cursor::literal_keep).collect()
}

fn parse_line(src: &SourceFile, line: &LogicalLine, diags: &mut Vec<Diagnostic>) -> Item {
    let text = &src.text;
    let last = line.lines.last();
    let eol = match last {
        Some(pl) => format!(
            "{}{}",
            if pl.has_cr { "\r" } else { "" },
            if pl.has_newline { "\n" } else { "" }
        ),
        None => String::new(),
    };
    let words: Vec<Word<'_>> = line
        .words()
        .into_iter()
        .map(|(span, t)| {
            let fspan = line.file_span(span);
            Word {
                text: t,
                raw: &text[fspan.clone()],
                span: fspan,
            }
        })
        .collect();
    let (Some(first), Some(lastw)) = (words.first(), words.last()) else {
        return Item::Trivia(Trivia {
            span: line.span.clone(),
            text: text[line.span.clone()].to_string(),
            eol,
        });
    };
    let content_end = line.comment.as_ref().map_or(line.span.end, |c| c.start);
    let decor = Decor {
        leading: text[line.span.start..first.span.start].to_string(),
        gaps: words
            .windows(2)
            .map(|p| text[p[0].span.end..p[1].span.start].to_string())
            .collect(),
        trailing: text[lastw.span.end..content_end].to_string(),
        comment: line.comment.as_ref().map(|c| text[c.clone()].to_string()),
        eol,
    };
    let span = first.span.start..line.span.end;
    if line.lines.len() > 1 {
        let at = line.lines[0].span.end.saturating_sub(1);
        diags.push(
            Diagnostic::new(
                &line_continuation::RULE,
                at..line.lines[0].span.end,
                format!(
                    "`{}` line is continued on the next line; profiles do not document `\\` continuations",
                    first.text
                ),
            )
            .label("joins the next line")
            .help("write the whole keyword line on one line"),
        );
    }
    let args = &words[1..];
    let Some(keyword) = Keyword::from_word(first.text) else {
        let mut d = Diagnostic::new(
            &unknown_keyword::RULE,
            first.span.clone(),
            format!("invalid keyword `{}`: not a profile keyword", first.text),
        )
        .label("unknown keyword");
        if let Some(m) = did_you_mean(first.text, Keyword::NAMES) {
            d = d.help(crate::suggest::help(m));
        }
        diags.push(d);
        return Item::Keyword(KeywordLine {
            span,
            keyword: Tok::parsed(
                KeywordName::Unknown(first.text.to_string()),
                first.span.clone(),
                first.raw,
            ),
            directive: Directive::Unparsed(untyped(args)),
            extra: Vec::new(),
            decor,
        });
    };
    let keyword_tok = Tok::parsed(KeywordName::Known(keyword), first.span.clone(), first.raw);
    let mut cursor = Cursor {
        keyword,
        words: args,
        pos: 0,
        end: lastw.span.end,
    };
    let (directive, extra) = match directive(keyword, &mut cursor) {
        Ok(d) => {
            let rest = cursor.rest();
            if let (Some(a), Some(b)) = (rest.first(), rest.last()) {
                let (rule, what) = if strict_arity(keyword) {
                    (&too_many_arguments::RULE, "is rejected")
                } else {
                    (&extra_argument::RULE, "is ignored")
                };
                let n = rest.len();
                diags.push(
                    Diagnostic::new(
                        rule,
                        a.span.start..b.span.end,
                        format!(
                            "too many arguments for `{keyword}`: {n} extra argument{} {what}",
                            if n == 1 { "" } else { "s" }
                        ),
                    )
                    .label("unexpected here"),
                );
            }
            (d, untyped(rest))
        }
        Err(d) => {
            diags.push(*d);
            (Directive::Unparsed(untyped(args)), Vec::new())
        }
    };
    Item::Keyword(KeywordLine {
        span,
        keyword: keyword_tok,
        directive,
        extra,
        decor,
    })
}

/// Parse a profile. Never panics; syntax problems come back as diagnostics.
pub fn parse(src: &SourceFile) -> (Profile, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    // One line at a time: a 16 MiB file of garbage is given up on after
    // MAX_SYNTAX_ERRORS, without first holding every line of it.
    let lines = crate::source::iter_logical_lines(
        src,
        LineSyntax {
            comments: true,
            continuations: true,
        },
    );
    let mut items = Vec::new();
    for l in lines {
        let l = &l;
        if let Some(why) = crate::diagnostic::stop_reason(diags.len(), items.len()) {
            diags.push(crate::diagnostic::stopped_here(
                l.span.start..l.span.start,
                &why,
            ));
            break;
        }
        items.push(parse_line(src, l, &mut diags));
    }
    (Profile { items }, diags)
}
