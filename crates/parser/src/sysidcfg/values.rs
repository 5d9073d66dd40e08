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
    /// `$2a$`, `$2b$`, `$2y$` (Blowfish).
    Blowfish,
    /// `$5$` (SHA-256).
    Sha256,
    /// `$6$` (SHA-512).
    Sha512,
}

fn crypt_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '.' || c == '/'
}

fn dollar_hash(i: &str) -> Res<'_, CryptKind> {
    // `$id$[rounds=N$]salt$hash`; Sun MD5 may carry `,rounds=N` in the id field and has an
    // empty field before the hash (`$md5$salt$$hash`).
    let (rest, (_, id, _, _)) = (
        char('$'),
        take_while1(|c: char| c.is_ascii_alphanumeric()),
        opt((tag(",rounds="), take_while1(|c: char| c.is_ascii_digit()))),
        char('$'),
    )
        .parse(i)?;
    let kind = match id {
        "1" => CryptKind::Md5,
        "md5" => CryptKind::SunMd5,
        "2a" | "2b" | "2y" | "2x" => CryptKind::Blowfish,
        "5" => CryptKind::Sha256,
        "6" => CryptKind::Sha512,
        _ => {
            return Err(nom::Err::Error(nom::error::Error::new(
                i,
                nom::error::ErrorKind::Tag,
            )));
        }
    };
    let (rest, _) = take_while1(|c: char| crypt_char(c) || c == '$' || c == '=').parse(rest)?;
    Ok((rest, kind))
}

/// Classify a `root_password` value; `None` when it is not a crypt hash (plain text?).
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
        assert_eq!(crypt_kind("Xy3kP0qLm9ZbA"), Some(CryptKind::Des));
        assert_eq!(
            crypt_kind("$1$abcdefgh$K3ur7F0pNhzVZtCQJ9wGz."),
            Some(CryptKind::Md5)
        );
        assert_eq!(
            crypt_kind("$5$rounds=5000$salt$ZxGQnlGoCu5cVZEgnI3hPJ3rgvqsQSN5FG5CjvYcKm3"),
            Some(CryptKind::Sha256)
        );
        assert_eq!(crypt_kind("$6$salt$abc/def."), Some(CryptKind::Sha512));
        assert_eq!(
            crypt_kind("$2a$04$abcdefghijklmnopqrstuuVnR0o0RfQY5aOp9Tlo5u7KxgfIY6LHO"),
            Some(CryptKind::Blowfish)
        );
        assert_eq!(crypt_kind("$md5$salt$$hash"), Some(CryptKind::SunMd5));
        for bad in [
            "secret",
            "REPLACE_WITH_YOU_OWN",
            "1l9UlhW5sssddd",
            "$9$x$y",
            "",
        ] {
            assert_eq!(crypt_kind(bad), None, "{bad}");
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
