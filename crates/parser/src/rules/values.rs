//! Value grammars of the rule keywords (§1.4): ranges, disk and slice names, IPv4
//! addresses, `installed` versions. Small pure `&str` parsers (nom where a grammar has
//! structure), each reporting what it expected.

use super::{Keyword, MatchPiece, Tok};
use crate::source::Span;
use nom::Parser;
use nom::character::complete::{char, digit1};
use nom::combinator::{all_consuming, cut, opt};
use nom::error::{ContextError, ErrorKind, FromExternalError, ParseError, context};
use nom::sequence::preceded;

/// The typed value of one match piece.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MatchValue {
    /// `any -`.
    Any,
    /// `hostname`, `domainname`, `model`, `arch`, `karch`, `osname`: the value as
    /// `chkprobe` compares it (quotes dropped, quoted blanks turned into `_`).
    Text(String),
    /// `hostaddress` / `network`: four decimal octets (not range-checked here: Sun's own
    /// sample uses `924.222.43.0`).
    Ipv4([u32; 4]),
    /// `memsize` / `totaldisk`: `low-high` in MB; a single number gives `low == high`.
    Range(Range),
    /// `disksize DISK RANGE`.
    DiskSize { disk: String, range: Range },
    /// `installed SLICE VERSION`.
    Installed { slice: String, version: String },
    /// A custom keyword: its values as compared (arity unknown).
    Custom(Vec<String>),
}

/// `low-high` (inclusive) in MB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub low: u64,
    pub high: u64,
    /// Written as a single number (`memsize 512`).
    pub single: bool,
}

/// What kind of value a position expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// `-` after `any`.
    AnyDash,
    Range,
    Disk,
    Slice,
    Ipv4,
}

/// Why a piece's values do not fit its keyword.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueError {
    /// Empty piece (`&&` at an end, `&& &&`, lone `!`).
    NoKeyword,
    /// Wrong number of values.
    Arity {
        keyword: String,
        expected: usize,
        found: usize,
        /// Span of the keyword (too few) or of the surplus values (too many).
        span: Span,
    },
    /// A value that does not follow the keyword's syntax.
    Syntax {
        kind: ValueKind,
        span: Span,
        /// What was expected, for the message ("a range `low-high` in MB").
        expected: String,
        found: String,
        /// A more precise reason ("low end 128 is above high end 64").
        reason: Option<String>,
    },
}

pub(super) fn match_value(piece: &MatchPiece) -> Result<MatchValue, ValueError> {
    let kw_tok = piece.keyword.as_ref().ok_or(ValueError::NoKeyword)?;
    let kw = Keyword::from_name(&kw_tok.value_str());
    let vals = &piece.values;
    if let Some(expected) = kw.arity()
        && vals.len() != expected
    {
        let span = if vals.len() < expected {
            kw_tok.span.start..vals.last().unwrap_or(kw_tok).span.end
        } else {
            vals[expected].span.start..vals[vals.len() - 1].span.end
        };
        return Err(ValueError::Arity {
            keyword: kw_tok.value(),
            expected,
            found: vals.len(),
            span,
        });
    }
    let text = |t: &Tok| t.match_value();
    Ok(match kw {
        Keyword::Any => {
            if vals[0].value_str() != "-" {
                return Err(syntax(ValueKind::AnyDash, &vals[0], "`-`", None));
            }
            MatchValue::Any
        }
        Keyword::Arch
        | Keyword::Domainname
        | Keyword::Hostname
        | Keyword::Karch
        | Keyword::Model
        | Keyword::Osname => MatchValue::Text(text(&vals[0])),
        Keyword::Hostaddress | Keyword::Network => {
            let v = text(&vals[0]);
            match parse_ipv4(&v) {
                Some(o) => MatchValue::Ipv4(o),
                None => {
                    return Err(syntax(
                        ValueKind::Ipv4,
                        &vals[0],
                        "an IPv4 address in dotted-quad form, e.g. `192.168.2.0`",
                        None,
                    ));
                }
            }
        }
        Keyword::Memsize | Keyword::Totaldisk => MatchValue::Range(range_of(&vals[0])?),
        Keyword::Disksize => {
            let disk = text(&vals[0]);
            if disk != "rootdisk" && !is_disk_name(&disk) {
                return Err(syntax(
                    ValueKind::Disk,
                    &vals[0],
                    "a disk name `cXtYdZ`, `cXdY` or `rootdisk`",
                    None,
                ));
            }
            MatchValue::DiskSize {
                disk,
                range: range_of(&vals[1])?,
            }
        }
        Keyword::Installed => {
            let slice = text(&vals[0]);
            if slice != "rootdisk" && slice != "any" && !is_slice_name(&slice) {
                return Err(syntax(
                    ValueKind::Slice,
                    &vals[0],
                    "a slice name `cXtYdZsN`, `cXdYsN`, `rootdisk` or `any`",
                    None,
                ));
            }
            MatchValue::Installed {
                slice,
                version: text(&vals[1]),
            }
        }
        Keyword::Custom(_) | Keyword::Invalid(_) => {
            MatchValue::Custom(vals.iter().map(text).collect())
        }
    })
}

fn syntax(kind: ValueKind, tok: &Tok, expected: &str, reason: Option<String>) -> ValueError {
    ValueError::Syntax {
        kind,
        span: tok.span.clone(),
        expected: expected.to_string(),
        found: tok.value(),
        reason,
    }
}

fn range_of(tok: &Tok) -> Result<Range, ValueError> {
    const EXPECTED: &str = "a range `low-high` of whole megabytes, e.g. `512-2048`";
    let v = tok.match_value();
    match parse_range(&v) {
        Ok(r) if r.low > r.high => Err(syntax(
            ValueKind::Range,
            tok,
            EXPECTED,
            Some(format!(
                "low end {} is above high end {}: the range matches nothing",
                r.low, r.high
            )),
        )),
        Ok(r) => Ok(r),
        Err(e) => Err(syntax(ValueKind::Range, tok, EXPECTED, Some(e))),
    }
}

/// Parse error recording where parsing stopped and what was expected
/// (rust-ecosystem.md §4.3).
#[derive(Debug)]
struct PErr<'a> {
    at: &'a str,
    expected: Option<&'static str>,
}

impl<'a> ParseError<&'a str> for PErr<'a> {
    fn from_error_kind(at: &'a str, _: ErrorKind) -> Self {
        PErr { at, expected: None }
    }
    fn append(_: &'a str, _: ErrorKind, other: Self) -> Self {
        other
    }
    fn or(self, other: Self) -> Self {
        if other.at.len() < self.at.len() {
            other
        } else {
            self
        }
    }
}

impl<'a> ContextError<&'a str> for PErr<'a> {
    fn add_context(at: &'a str, ctx: &'static str, mut e: Self) -> Self {
        if e.expected.is_none() {
            e.expected = Some(ctx);
            e.at = at;
        }
        e
    }
}

impl<'a, E> FromExternalError<&'a str, E> for PErr<'a> {
    fn from_external_error(at: &'a str, _: ErrorKind, _: E) -> Self {
        PErr { at, expected: None }
    }
}

type Res<'a, O> = nom::IResult<&'a str, O, PErr<'a>>;

fn number(i: &str) -> Res<'_, u64> {
    context(
        "a whole number of megabytes",
        nom::combinator::map_res(digit1, str::parse::<u64>),
    )
    .parse(i)
}

/// `N-M` or `N`. Errors name what was expected and where.
pub fn parse_range(s: &str) -> Result<Range, String> {
    let r = all_consuming((number, opt(preceded(char('-'), cut(number))))).parse(s);
    match r {
        Ok((_, (low, high))) => Ok(Range {
            low,
            high: high.unwrap_or(low),
            single: high.is_none(),
        }),
        Err(nom::Err::Error(e) | nom::Err::Failure(e)) => {
            let col = s.len() - e.at.len();
            let found =
                e.at.chars()
                    .next()
                    .map_or("the end".to_string(), |c| format!("`{c}`"));
            let fallback = if s[..col].contains('-') {
                "a digit or the end of the range"
            } else {
                "a digit, `-` or the end of the range"
            };
            Err(format!(
                "expected {} at character {}, found {found}",
                e.expected.unwrap_or(fallback),
                col + 1
            ))
        }
        Err(nom::Err::Incomplete(_)) => Err("incomplete range".into()),
    }
}

fn octet(i: &str) -> Res<'_, u32> {
    context(
        "a decimal octet",
        nom::combinator::map_res(digit1, str::parse::<u32>),
    )
    .parse(i)
}

/// Four dot-separated decimal numbers (each < 1000, not range-checked against 255).
pub fn parse_ipv4(s: &str) -> Option<[u32; 4]> {
    let dot = || cut(char('.'));
    let r = all_consuming((
        octet,
        preceded(dot(), octet),
        preceded(dot(), octet),
        preceded(dot(), octet),
    ))
    .parse(s);
    match r {
        Ok((_, (a, b, c, d))) if [a, b, c, d].iter().all(|&o| o < 1000) => Some([a, b, c, d]),
        _ => None,
    }
}

/// `c<N>[t<HEX>]d<N>` and what follows the `d` number. The target may be a long
/// hexadecimal MPxIO/WWN id that itself contains `d`, so every `d` is tried.
fn split_disk(s: &str) -> Option<(&str, &str)> {
    let digits_end = |t: &str| t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let rest = s.strip_prefix('c')?;
    let n = digits_end(rest);
    if n == 0 {
        return None;
    }
    let rest = &rest[n..];
    fn try_d(after_d: &str) -> Option<(usize, &str)> {
        let n = after_d
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(after_d.len());
        (n > 0).then(|| (n, &after_d[n..]))
    }
    if let Some(target) = rest.strip_prefix('t') {
        // Take the longest target for which the `d<N>` tail parses.
        let positions: Vec<usize> = target
            .char_indices()
            .filter(|&(_, c)| c == 'd')
            .map(|(i, _)| i)
            .collect();
        for &p in positions.iter().rev() {
            let hex = &target[..p];
            if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                continue;
            }
            if let Some((n, tail)) = try_d(&target[p + 1..]) {
                let end = s.len() - tail.len();
                let _ = n;
                return Some((&s[..end], tail));
            }
        }
        None
    } else {
        let after = rest.strip_prefix('d')?;
        let (_, tail) = try_d(after)?;
        Some((&s[..s.len() - tail.len()], tail))
    }
}

/// A whole disk: `cXtYdZ` (hex target allowed) or `cXdY`.
pub fn is_disk_name(s: &str) -> bool {
    matches!(split_disk(s), Some((_, "")))
}

/// A slice: disk name + `s0`…`s7`.
pub fn is_slice_name(s: &str) -> bool {
    matches!(split_disk(s), Some((_, tail)) if tail.len() == 2 && tail.starts_with('s') && (b'0'..=b'7').contains(&tail.as_bytes()[1]))
}

/// `Solaris_<n>` (e.g. `Solaris_9`, `Solaris_2.6`), compared case-insensitively.
pub fn is_solaris_version(s: &str) -> bool {
    let Some(prefix) = s.get(..8) else {
        return false;
    };
    let n = &s[8..];
    prefix.eq_ignore_ascii_case("solaris_")
        && n.starts_with(|c: char| c.is_ascii_digit())
        && n.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && !n.ends_with('.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(
            parse_range("64-128"),
            Ok(Range {
                low: 64,
                high: 128,
                single: false
            })
        );
        assert!(parse_range("512").unwrap().single);
        let e = parse_range("64-").unwrap_err();
        assert!(
            e.contains("whole number") && e.contains("character 4"),
            "{e}"
        );
        let e = parse_range("1G-2G").unwrap_err();
        assert!(
            e.contains("a digit, `-` or the end") && e.contains("`G`"),
            "{e}"
        );
        let e = parse_range("1-2-3").unwrap_err();
        assert!(
            e.contains("a digit or the end") && e.contains("character 4"),
            "{e}"
        );
        assert!(parse_range("-5").is_err());
        assert!(parse_range("1-2-3").is_err());
        assert!(parse_range("99999999999999999999999").is_err());
    }

    #[test]
    fn disks_and_slices() {
        for ok in [
            "c0t3d0",
            "c1d0",
            "c0t5000CCA012345678d0",
            "c10t0d12",
            "c0tDd0",
        ] {
            assert!(is_disk_name(ok), "{ok}");
        }
        for bad in [
            "c0t3d0s0", "c0t3", "d0", "c0t3d", "ct3d0", "c0tXd0", "c0t3d0p1", "",
        ] {
            assert!(!is_disk_name(bad), "{bad}");
        }
        for ok in ["c0t3d0s0", "c1d0s7", "c0t5000CCA012345678d0s2"] {
            assert!(is_slice_name(ok), "{ok}");
        }
        for bad in ["c0t3d0", "c0t3d0s8", "c0t3d0s", "c0t3d0s01"] {
            assert!(!is_slice_name(bad), "{bad}");
        }
    }

    #[test]
    fn ipv4() {
        assert_eq!(parse_ipv4("192.168.2.0"), Some([192, 168, 2, 0]));
        assert_eq!(parse_ipv4("924.222.43.0"), Some([924, 222, 43, 0]));
        for bad in [
            "1.2.3",
            "1.2.3.4.5",
            "a.b.c.d",
            "1..2.3",
            "1.2.3.4 ",
            "1000.1.1.1",
        ] {
            assert_eq!(parse_ipv4(bad), None, "{bad}");
        }
    }

    #[test]
    fn versions() {
        for ok in ["Solaris_9", "Solaris_2.6", "solaris_2.1", "Solaris_10"] {
            assert!(is_solaris_version(ok), "{ok}");
        }
        for bad in [
            "Solaris",
            "Solaris_",
            "Solaris_x",
            "Solaris_9.",
            "SunOS_5.10",
        ] {
            assert!(!is_solaris_version(bad), "{bad}");
        }
    }
}
