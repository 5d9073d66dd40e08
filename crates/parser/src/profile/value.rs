//! Value grammars of profile arguments (devices, sizes, `server:/path`, URLs, IPv4), in nom 8.
//!
//! Each grammar is a small `&str -> T` function run on one whitespace-separated word with
//! `all_consuming`, so trailing garbage is an error. Failures carry what would have been
//! accepted; the caller turns that into a diagnostic on the word's span.

use super::ast::{DiskName, Size, SizeUnit};
use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::{tag_no_case, take_while1},
    character::complete::{char, digit1, one_of},
    combinator::{all_consuming, map_res, opt, recognize},
    error::{ContextError, ErrorKind, FromExternalError, ParseError, context},
    sequence::preceded,
};

/// Error that remembers where parsing stopped and what would have been accepted there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueError<'a> {
    pub at: &'a str,
    pub expected: Vec<&'static str>,
}

impl<'a> ParseError<&'a str> for ValueError<'a> {
    fn from_error_kind(at: &'a str, _kind: ErrorKind) -> Self {
        ValueError {
            at,
            expected: Vec::new(),
        }
    }
    fn append(_: &'a str, _: ErrorKind, other: Self) -> Self {
        other
    }
    fn or(mut self, other: Self) -> Self {
        match other.at.len().cmp(&self.at.len()) {
            std::cmp::Ordering::Less => other,
            std::cmp::Ordering::Greater => self,
            std::cmp::Ordering::Equal => {
                for e in other.expected {
                    if !self.expected.contains(&e) {
                        self.expected.push(e);
                    }
                }
                self
            }
        }
    }
}

impl<'a> ContextError<&'a str> for ValueError<'a> {
    fn add_context(at: &'a str, ctx: &'static str, mut e: Self) -> Self {
        if e.expected.is_empty() {
            e.expected.push(ctx);
            e.at = at;
        }
        e
    }
}

impl<'a, E> FromExternalError<&'a str, E> for ValueError<'a> {
    fn from_external_error(at: &'a str, _kind: ErrorKind, _e: E) -> Self {
        ValueError {
            at,
            expected: Vec::new(),
        }
    }
}

type Res<'a, O> = IResult<&'a str, O, ValueError<'a>>;

/// Run `parser` on the whole word. `Err` holds the byte offset in `word` where it failed.
fn whole<'a, O>(
    word: &'a str,
    parser: impl Parser<&'a str, Output = O, Error = ValueError<'a>>,
) -> Result<O, usize> {
    match all_consuming(parser).parse(word) {
        Ok((_, v)) => Ok(v),
        Err(nom::Err::Error(e) | nom::Err::Failure(e)) => Err(word.len() - e.at.len()),
        Err(nom::Err::Incomplete(_)) => Err(0),
    }
}

fn number(i: &str) -> Res<'_, u64> {
    context("a number", map_res(digit1, str::parse::<u64>)).parse(i)
}

/// A plain decimal number (`num_clients 5`).
pub fn parse_number(word: &str) -> Option<u64> {
    whole(word, number).ok()
}

fn unit(i: &str) -> Res<'_, SizeUnit> {
    alt((
        one_of("gG").map(|_| SizeUnit::Gb),
        one_of("mM").map(|_| SizeUnit::Mb),
    ))
    .parse(i)
}

/// `N`, `Nm`, `Ng` (case-insensitive suffix).
pub fn parse_size(word: &str) -> Option<Size> {
    whole(word, (number, opt(unit)))
        .ok()
        .map(|(amount, unit)| Size {
            amount,
            unit: unit.unwrap_or(SizeUnit::Implicit),
        })
}

/// `start_cylinder:size_mb` of `filesys`.
pub fn parse_start_size(word: &str) -> Option<(u64, u64)> {
    whole(word, (number, preceded(char(':'), number))).ok()
}

fn decimal_u32(i: &str) -> Res<'_, u32> {
    map_res(digit1, str::parse::<u32>).parse(i)
}

/// A disk name `cN[tT]dN` (T decimal or hex for MPxIO/WWN targets), followed by an optional
/// `sN` slice or `pN` fdisk partition. Returns the disk and the suffix.
pub fn parse_disk_like(word: &str) -> Option<(DiskName, Option<(char, u8)>)> {
    // The target is hex and may contain `d`, so split on the last `d` that is followed by
    // digits and an optional `sN`/`pN` suffix, then let nom check each piece.
    let rest = word.strip_prefix(['c', 'C'])?;
    let (controller, rest) = {
        let (rest, c) = decimal_u32(rest).ok()?;
        (c, rest)
    };
    let (target, rest) = if let Some(after_t) = rest.strip_prefix(['t', 'T']) {
        let split = after_t
            .char_indices()
            .rev()
            .find(|&(i, c)| {
                (c == 'd' || c == 'D') && i > 0 && disk_tail(&after_t[i + 1..]).is_some()
            })
            .map(|(i, _)| i)?;
        let target = &after_t[..split];
        whole(target, take_while1(|c: char| c.is_ascii_hexdigit())).ok()?;
        (Some(target.to_string()), &after_t[split..])
    } else {
        (None, rest)
    };
    let rest = rest.strip_prefix(['d', 'D'])?;
    let (disk, suffix) = disk_tail(rest)?;
    Some((
        DiskName {
            controller,
            target,
            disk,
        },
        suffix,
    ))
}

/// `N[sN|pN]` after the `d` of a disk name.
fn disk_tail(rest: &str) -> Option<(u32, Option<(char, u8)>)> {
    let suffix = |i| -> Res<'_, (char, u8)> {
        (
            one_of("spSP").map(|c: char| c.to_ascii_lowercase()),
            map_res(digit1, str::parse::<u8>),
        )
            .parse(i)
    };
    whole(rest, (decimal_u32, opt(suffix))).ok()
}

/// `rootdisk.sN`.
pub fn parse_rootdisk_slice(word: &str) -> Option<u8> {
    whole(
        word,
        preceded(tag_no_case("rootdisk.s"), map_res(digit1, str::parse::<u8>)),
    )
    .ok()
}

fn host(i: &str) -> Res<'_, &str> {
    context(
        "a host name or IP address",
        take_while1(|c: char| c.is_ascii_alphanumeric() || "-._$".contains(c)),
    )
    .parse(i)
}

fn abs_path(i: &str) -> Res<'_, &str> {
    context(
        "an absolute path",
        recognize((char('/'), take_while1(|c: char| !c.is_whitespace()))),
    )
    .parse(i)
}

/// `server:/path` (NFS).
pub fn parse_nfs_path(word: &str) -> Result<(), usize> {
    whole(word, (host, char(':'), abs_path)).map(|_| ())
}

/// `nfs://server/path`.
pub fn parse_nfs_url(word: &str) -> Result<(), usize> {
    whole(word, (tag_no_case("nfs://"), host, abs_path)).map(|_| ())
}

fn port(i: &str) -> Res<'_, u16> {
    context("a port number", map_res(digit1, str::parse::<u16>)).parse(i)
}

fn userinfo(i: &str) -> Res<'_, &str> {
    recognize((
        take_while1(|c: char| c != '@' && c != '/' && c != ':'),
        opt((char(':'), take_while1(|c: char| c != '@' && c != '/'))),
        char('@'),
    ))
    .parse(i)
}

/// `scheme://[user[:pw]@]host[:port]/path` for http, https and ftp.
pub fn parse_url(word: &str, schemes: &'static [&'static str]) -> Result<&'static str, usize> {
    let scheme = schemes
        .iter()
        .find(|s| {
            word.len() > s.len() + 3
                && word
                    .get(..s.len())
                    .is_some_and(|w| w.eq_ignore_ascii_case(s))
                && word.get(s.len()..s.len() + 3) == Some("://")
        })
        .copied()
        .ok_or(0usize)?;
    let rest = &word[scheme.len() + 3..];
    let base = scheme.len() + 3;
    whole(
        rest,
        (
            opt(userinfo),
            host,
            opt(preceded(char(':'), port)),
            context("a path after the host", abs_path),
        ),
    )
    .map(|_| scheme)
    .map_err(|at| base + at)
}

/// `host:port` of a `proxy` option.
pub fn parse_host_port(word: &str) -> Result<(), usize> {
    whole(word, (host, char(':'), port)).map(|_| ())
}

/// A dotted-quad IPv4 address (the grammar every format shares, [`crate::value`]).
pub fn parse_ipv4(word: &str) -> Option<[u8; 4]> {
    crate::value::parse_ipv4(word).ok().map(|ip| ip.octets())
}

/// A patch ID `NNNNNN-NN`.
pub fn is_patch_id(word: &str) -> bool {
    word.len() == 9
        && word.as_bytes()[6] == b'-'
        && word[..6].bytes().all(|b| b.is_ascii_digit())
        && word[7..].bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disks_and_slices() {
        let (d, s) = parse_disk_like("c0t0d0s0").unwrap();
        assert_eq!(
            (d.controller, d.target.as_deref(), d.disk),
            (0, Some("0"), 0)
        );
        assert_eq!(s, Some(('s', 0)));
        let (d, s) = parse_disk_like("c1d0").unwrap();
        assert_eq!((d.target, s), (None, None));
        let (d, s) = parse_disk_like("c0t5000CCA0d0d1p2").unwrap();
        assert_eq!(d.target.as_deref(), Some("5000CCA0d0"));
        assert_eq!((d.disk, s), (1, Some(('p', 2))));
        assert!(parse_disk_like("c0t0s0").is_none());
        assert!(parse_disk_like("c0t0d0s").is_none());
        assert!(parse_disk_like("ct0d0").is_none());
        assert!(parse_disk_like("c0tXd0").is_none());
        assert_eq!(parse_rootdisk_slice("rootdisk.s7"), Some(7));
    }

    #[test]
    fn sizes() {
        assert_eq!(
            parse_size("4g"),
            Some(Size {
                amount: 4,
                unit: SizeUnit::Gb
            })
        );
        assert_eq!(parse_size("512").unwrap().megabytes(), Some(512));
        assert!(parse_size("4gb").is_none());
        assert!(parse_size("99999999999999999999999").is_none());
        assert_eq!(parse_start_size("10:200"), Some((10, 200)));
    }

    #[test]
    fn urls_and_paths() {
        assert!(parse_nfs_path("server:/export/flar").is_ok());
        assert!(parse_nfs_path("server:export").is_err());
        assert!(parse_nfs_url("nfs://server/export/a.flar").is_ok());
        assert_eq!(
            parse_url(
                "http://10.1.1.5:8080/flar/web-$HOST.flar",
                &["http", "https"]
            ),
            Ok("http")
        );
        assert!(parse_url("ftp://u:p@h/x", &["ftp"]).is_ok());
        assert!(parse_url("http://host", &["http"]).is_err());
        assert!(parse_url("htté://host/x", &["http", "https"]).is_err());
        assert!(parse_url("ftü://host/x", &["ftp"]).is_err());
        assert!(parse_url("http://host:99999/x", &["http"]).is_err());
        assert!(parse_host_port("proxy:3128").is_ok());
        assert_eq!(parse_ipv4("10.0.0.1"), Some([10, 0, 0, 1]));
        assert!(parse_ipv4("10.0.0.256").is_none());
        assert!(is_patch_id("119254-92"));
        assert!(!is_patch_id("119254-9"));
    }
}
