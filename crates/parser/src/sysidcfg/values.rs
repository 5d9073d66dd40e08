//! sysidcfg value grammars (nom 8, `complete` parsers): crypt hashes, locales. The network
//! grammars (IPv4, netmask, host and domain names) are shared with other formats and live in
//! [`crate::value`]; they are re-exported here.

pub use crate::value::{
    parse_domain, parse_host_with_ip, parse_hostname, parse_ipv4, parse_netmask,
};
use nom::{
    IResult, Parser,
    bytes::complete::{tag, take_while_m_n, take_while1},
    character::complete::char,
    combinator::{all_consuming, opt, recognize},
};

type Res<'a, O> = IResult<&'a str, O>;

/// The kind of a crypt(3C) hash as stored in `/etc/shadow`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CryptKind {
    /// Traditional DES: 13 characters of `[./0-9A-Za-z]`.
    Des,
    /// `$1$` (BSD MD5).
    Md5,
    /// `$md5$` (Sun MD5).
    SunMd5,
    /// `$2a$` (Blowfish; Solaris 10 has no `$2b$`/`$2y$`).
    Blowfish,
    /// `$5$` (SHA-256).
    Sha256,
    /// `$6$` (SHA-512).
    Sha512,
}

fn crypt_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '.' || c == '/'
}

/// `n` characters of the crypt alphabet `[./0-9A-Za-z]`, `min..=max` of them.
fn crypt_chars(min: usize, max: usize) -> impl Fn(&str) -> Res<'_, &str> {
    move |i| take_while_m_n(min, max, crypt_char).parse(i)
}

/// `rounds=N$` (N decimal, no leading zero).
fn rounds(i: &str) -> Res<'_, &str> {
    recognize((
        tag("rounds="),
        take_while_m_n(1, 9, |c: char| c.is_ascii_digit()),
        char('$'),
    ))
    .parse(i)
}

/// The `$id$…` formats Solaris 10's crypt(3C) modules understand (crypt.conf: crypt_bsdmd5,
/// crypt_sunmd5, crypt_bsdbf, crypt_sha256, crypt_sha512), each with its salt and hash
/// lengths: `$1$` salt ≤ 8, hash 22; `$md5[,rounds=N]$` salt ≤ 8, an optional empty field,
/// hash 22; `$2a$` two-digit cost 04–31, 22 salt + 31 hash characters; `$5$`/`$6$`
/// `[rounds=N$]` salt ≤ 16, hash 43 / 86.
fn dollar_hash(i: &str) -> Res<'_, CryptKind> {
    let md5 = (
        tag("$1$"),
        crypt_chars(1, 8),
        char('$'),
        crypt_chars(22, 22),
    )
        .map(|_| CryptKind::Md5);
    let sun_md5 = (
        tag("$md5"),
        opt((
            tag(",rounds="),
            take_while_m_n(1, 9, |c: char| c.is_ascii_digit()),
        )),
        char('$'),
        crypt_chars(1, 8),
        char('$'),
        opt(char('$')),
        crypt_chars(22, 22),
    )
        .map(|_| CryptKind::SunMd5);
    let blowfish = (
        tag("$2a$"),
        nom::combinator::verify(
            take_while_m_n(2, 2, |c: char| c.is_ascii_digit()),
            |cost: &str| cost.parse::<u8>().is_ok_and(|c| (4..=31).contains(&c)),
        ),
        char('$'),
        crypt_chars(53, 53),
    )
        .map(|_| CryptKind::Blowfish);
    let sha = |id: &'static str, hash: usize, kind: CryptKind| {
        (
            tag(id),
            opt(rounds),
            crypt_chars(0, 16),
            char('$'),
            crypt_chars(hash, hash),
        )
            .map(move |_| kind)
    };
    nom::branch::alt((
        md5,
        sun_md5,
        blowfish,
        sha("$5$", 43, CryptKind::Sha256),
        sha("$6$", 86, CryptKind::Sha512),
    ))
    .parse(i)
}

/// Classify a `root_password` value; `None` when it is not a crypt hash Solaris 10
/// understands (plain text, a truncated hash, an unknown or unsupported `$id$`).
pub fn crypt_kind(s: &str) -> Option<CryptKind> {
    if s.len() == 13 && s.chars().all(crypt_char) {
        return Some(CryptKind::Des);
    }
    all_consuming(dollar_hash).parse(s).ok().map(|(_, k)| k)
}

/// A locale name: `C`, `POSIX`, or `ll[_TT][.codeset][@modifier]`.
pub fn is_locale_shape(s: &str) -> bool {
    if s == "C" || s == "POSIX" {
        return true;
    }
    let parsed: Res<'_, &str> = recognize((
        take_while_m_n(2, 3, |c: char| c.is_ascii_lowercase()),
        opt((
            char('_'),
            take_while_m_n(2, 2, |c: char| c.is_ascii_uppercase()),
        )),
        opt((
            char('.'),
            take_while1(|c: char| c.is_ascii_alphanumeric() || c == '-'),
        )),
        opt((char('@'), take_while1(|c: char| c.is_ascii_alphanumeric()))),
    ))
    .parse(s);
    matches!(parsed, Ok(("", _)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crypt_hashes() {
        let h22 = "K3ur7F0pNhzVZtCQJ9wGz.";
        let h43 = "6pDMrcd5O3BWZGoBMpwsMDpjfu5xRm6dGnR4c.zgVG6";
        let h86 = format!("{h43}{h43}");
        let bf53 = "abcdefghijklmnopqrstuuVnR0o0RfQY5aOp9Tlo5u7KxgfIY6LHO";
        let good = [
            ("Xy3kP0qLm9ZbA".to_string(), CryptKind::Des),
            (format!("$1$abcdefgh${h22}"), CryptKind::Md5),
            (format!("$md5$salt$${h22}"), CryptKind::SunMd5),
            (format!("$md5,rounds=2000$salt${h22}"), CryptKind::SunMd5),
            (format!("$2a$04${bf53}"), CryptKind::Blowfish),
            (format!("$5$rounds=5000$saltsalt${h43}"), CryptKind::Sha256),
            (format!("$5$saltsalt${h43}"), CryptKind::Sha256),
            (format!("$6$salt${h86}"), CryptKind::Sha512),
        ];
        for (hash, kind) in &good {
            assert_eq!(crypt_kind(hash), Some(*kind), "{hash}");
        }
        for bad in [
            "secret".to_string(),
            "REPLACE_WITH_YOU_OWN".to_string(),
            "1l9UlhW5sssddd".to_string(),
            "$9$x$y".to_string(),
            String::new(),
            // Truncated or malformed hashes: root could never log in.
            "$1$abc".to_string(),
            format!("$1$abc${}", &h22[..21]),
            format!("$1$abcdefghi${h22}"),
            "$6$salt$abc/def.".to_string(),
            format!("$6$salt${h43}"),
            format!("$5$0123456789abcdefg${h43}"),
            format!("$2a$03${bf53}"),
            format!("$2a$32${bf53}"),
            // Formats Solaris 10 does not have.
            format!("$2b$04${bf53}"),
            format!("$2y$04${bf53}"),
            "$md5$salt$$hash".to_string(),
        ] {
            assert_eq!(crypt_kind(&bad), None, "{bad}");
        }
    }

    #[test]
    fn locales() {
        for ok in [
            "C",
            "POSIX",
            "en_US",
            "en_US.UTF-8",
            "en_US.ISO8859-1",
            "de_DE@euro",
        ] {
            assert!(is_locale_shape(ok), "{ok}");
        }
        for bad in ["english", "en-US", "EN_us", ""] {
            assert!(!is_locale_shape(bad), "{bad}");
        }
    }
}
