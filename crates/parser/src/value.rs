//! Network value grammars shared by several formats (nom 8, `complete` parsers): IPv4
//! addresses, netmasks, host and domain names.
//!
//! Each `parse_*` returns `Err(expected)` with a phrase naming what was expected, ready for
//! "expected …, found `…`" messages.

use nom::{
    IResult, Parser,
    bytes::complete::{take_while_m_n, take_while1},
    character::complete::char,
    combinator::{all_consuming, map_res, opt, recognize},
    multi::separated_list1,
};
use std::net::Ipv4Addr;

type Res<'a, O> = IResult<&'a str, O>;

/// 0–255 without leading zeros: Solaris (inet_addr) reads `010` as octal 8, so a
/// zero-padded address does not mean what it seems to.
fn octet(i: &str) -> Res<'_, u8> {
    map_res(
        take_while_m_n(1, 3, |c: char| c.is_ascii_digit()),
        |s: &str| {
            if s.len() > 1 && s.starts_with('0') {
                Err("leading zero")
            } else {
                s.parse::<u8>().map_err(|_| "above 255")
            }
        },
    )
    .parse(i)
}

fn ipv4(i: &str) -> Res<'_, Ipv4Addr> {
    (octet, char('.'), octet, char('.'), octet, char('.'), octet)
        .map(|(a, _, b, _, c, _, d)| Ipv4Addr::new(a, b, c, d))
        .parse(i)
}

/// A dotted-quad IPv4 address (four numbers 0–255).
pub fn parse_ipv4(s: &str) -> Result<Ipv4Addr, &'static str> {
    all_consuming(ipv4).parse(s).map(|(_, ip)| ip).map_err(
        |_| "an IPv4 address (four numbers 0-255 separated by dots, without leading zeros)",
    )
}

/// A netmask: an IPv4 address whose one bits are contiguous from the left.
pub fn parse_netmask(s: &str) -> Result<Ipv4Addr, &'static str> {
    let ip = parse_ipv4(s)?;
    let bits = u32::from(ip);
    if bits.leading_ones() + bits.trailing_zeros() == 32 {
        Ok(ip)
    } else {
        Err("a contiguous netmask such as 255.255.255.0 (one bits first, then zero bits)")
    }
}

fn label(i: &str) -> Res<'_, &str> {
    take_while1(|c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_').parse(i)
}

fn dotted_name(i: &str) -> Res<'_, &str> {
    recognize(separated_list1(char('.'), label)).parse(i)
}

/// A host name: labels of letters, digits and `-`, separated by dots, none starting or
/// ending with `-`, each at most 63 characters.
pub fn parse_hostname(s: &str) -> Result<&str, &'static str> {
    const EXPECTED: &str =
        "a host name (letters, digits and `-`, dot-separated labels of at most 63 characters)";
    let (_, name) = all_consuming(dotted_name).parse(s).map_err(|_| EXPECTED)?;
    let ok = name.len() <= 255
        && name.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && !l.contains('_')
        });
    if ok { Ok(name) } else { Err(EXPECTED) }
}

/// A domain name (same syntax as a host name; a trailing dot is allowed).
pub fn parse_domain(s: &str) -> Result<&str, &'static str> {
    parse_hostname(s.strip_suffix('.').unwrap_or(s))
        .map_err(|_| "a domain name (dot-separated labels of letters, digits and `-`)")
}

/// NIS `name_server=host(ip)` (the `(ip)` part is optional).
pub fn parse_host_with_ip(s: &str) -> Result<(&str, Option<Ipv4Addr>), &'static str> {
    const EXPECTED: &str = "`hostname` or `hostname(ip-address)`";
    let (_, (host, ip)) = all_consuming((
        dotted_name,
        opt((char('('), ipv4, char(')')).map(|(_, ip, _)| ip)),
    ))
    .parse(s)
    .map_err(|_| EXPECTED)?;
    parse_hostname(host).map_err(|_| EXPECTED)?;
    Ok((host, ip))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4_addresses() {
        assert_eq!(parse_ipv4("10.1.1.50"), Ok(Ipv4Addr::new(10, 1, 1, 50)));
        for bad in [
            "10.1.1",
            "10.1.1.256",
            "a.b.c.d",
            "1.2.3.4.5",
            "",
            "xxx.xxx.xxx.xxx",
        ] {
            assert!(parse_ipv4(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn netmasks_must_be_contiguous() {
        assert!(parse_netmask("255.255.255.0").is_ok());
        assert!(parse_netmask("255.255.0.0").is_ok());
        assert!(parse_netmask("0.0.0.0").is_ok());
        assert!(parse_netmask("255.0.255.0").is_err());
        assert!(parse_netmask("255.255.255.1").is_err());
    }

    #[test]
    fn hostnames() {
        assert!(parse_hostname("web01").is_ok());
        assert!(parse_hostname("kdc1.corp.example.com").is_ok());
        assert!(parse_hostname("-bad").is_err());
        assert!(parse_hostname("<%=").is_err());
        assert!(parse_hostname("a..b").is_err());
        assert_eq!(parse_host_with_ip("nis1(10.0.0.1)").unwrap().0, "nis1");
        assert!(parse_host_with_ip("nis1(10.0.0)").is_err());
    }
}
