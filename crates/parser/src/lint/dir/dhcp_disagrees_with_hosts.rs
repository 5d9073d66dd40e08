//! J010 dhcp-disagrees-with-hosts: a DHCP binding (Solaris `pntadm`, ISC `host { }`) whose
//! address or Ethernet address is not the one `hosts`/`ethers` beside it give the host.

use std::collections::BTreeMap;

use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::source::{SourceFile, Span};

pub static RULE: Rule = Rule {
    code: "J010",
    name: "dhcp-disagrees-with-hosts",
    severity: Severity::Error,
    summary: "a DHCP binding gives a client another IP or Ethernet address than `hosts`/`ethers`",
    doc: r#"## What it does
Reads the DHCP configuration written for x86 (PXE) clients — `dhcp`, the Solaris DHCP
commands (`pntadm -A IP … -i 01MAC … -h HOST`), and `dhcpd.conf`, the ISC dhcpd fragment
(`host HOST { hardware ethernet MAC; fixed-address IP; }`) — and compares every binding with
the `hosts` and `ethers` files in the same directory: the host must be in both, with the
same IP address and the same Ethernet address.

## Why is this bad?
An x86 client gets its address from DHCP, but JumpStart matches it (`hostaddress` rules)
and names it (`SI_HOSTNAME`, its sysidcfg directory) from `hosts`/`ethers` and the rules.
A binding that disagrees gives the client an address no rule matches, or another host's
configuration.

## Example
`hosts`: `10.1.1.30 pc01`, and `dhcp`:
```
pntadm -A 10.1.1.31 -f PERMANENT+MANUAL -i 01000C29A1B2C3 -m 01000C29A1B2C3 -h pc01 10.1.1.0
```
Use instead: regenerate both from one site file (`zflash generate`), or correct the address.
"#,
};

/// One host-to-address binding read from a DHCP file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub host: String,
    pub ip: Option<String>,
    /// ethers(4) form: lower case, no leading zeros.
    pub mac: Option<String>,
    pub span: Span,
}

/// ethers(4) form of an Ethernet address written with `:` (any case, leading zeros or not).
pub fn normalise_mac(s: &str) -> Option<String> {
    let parts: Vec<&str> = s.split(':').collect();
    if parts.len() != 6 {
        return None;
    }
    let bytes: Option<Vec<u8>> = parts
        .iter()
        .map(|p| {
            (!p.is_empty() && p.len() <= 2)
                .then(|| u8::from_str_radix(p, 16).ok())
                .flatten()
        })
        .collect();
    Some(
        bytes?
            .iter()
            .map(|b| format!("{b:x}"))
            .collect::<Vec<_>>()
            .join(":"),
    )
}

/// A DHCP client id `01` + 12 hex digits (hardware type 1, Ethernet) as an ethers address.
fn mac_of_client_id(id: &str) -> Option<String> {
    let hex = id.strip_prefix("01")?;
    if hex.len() != 12 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let parts: Vec<&str> = (0..6).map(|i| &hex[2 * i..2 * i + 2]).collect();
    normalise_mac(&parts.join(":"))
}

fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = 0;
    text.split_inclusive('\n').map(move |l| {
        let start = offset;
        offset += l.len();
        (start, l.trim_end_matches(['\n', '\r']))
    })
}

fn uncomment(line: &str) -> &str {
    line.split('#').next().unwrap_or("")
}

/// `name → first value` of a hosts(4) (`ip name…`) or ethers(4) (`mac name`) file.
pub fn name_table(text: &str, mac: bool) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (_, line) in lines(text) {
        let mut words = uncomment(line).split_whitespace();
        let (Some(value), Some(name)) = (words.next(), words.next()) else {
            continue;
        };
        let value = if mac {
            normalise_mac(value).unwrap_or_else(|| value.to_string())
        } else {
            value.to_string()
        };
        out.entry(name.to_string()).or_insert(value);
        if !mac {
            for alias in words {
                out.entry(alias.to_string()).or_insert_with(|| {
                    uncomment(line)
                        .split_whitespace()
                        .next()
                        .unwrap_or("")
                        .to_string()
                });
            }
        }
    }
    out
}

/// Bindings of a Solaris DHCP command file (`pntadm -A IP … -i CLIENTID … -h HOST … NET`).
pub fn solaris_bindings(text: &str) -> Vec<Binding> {
    let mut out = Vec::new();
    for (start, line) in lines(text) {
        let words: Vec<&str> = uncomment(line)
            .split_whitespace()
            .map(|w| w.trim_matches(|c| c == '"' || c == '\''))
            .collect();
        let Some(at) = words.windows(2).position(|w| w == ["pntadm", "-A"]) else {
            continue;
        };
        let words = &words[at + 2..];
        let arg = |flag: &str| {
            words
                .windows(2)
                .find(|w| w[0] == flag)
                .map(|w| w[1].to_string())
        };
        let Some(host) = arg("-h") else { continue };
        out.push(Binding {
            host,
            ip: words.first().map(|s| s.to_string()),
            mac: arg("-i").and_then(|id| mac_of_client_id(&id.to_ascii_uppercase())),
            span: start..start + line.len(),
        });
    }
    out
}

/// Bindings of an ISC dhcpd configuration (`host NAME { hardware ethernet MAC;
/// fixed-address IP; }`).
pub fn isc_bindings(text: &str) -> Vec<Binding> {
    let mut out: Vec<Binding> = Vec::new();
    let mut current: Option<Binding> = None;
    for (start, line) in lines(text) {
        let code = uncomment(line).replace('{', " { ").replace('}', " } ");
        let words: Vec<&str> = code
            .split(|c: char| c.is_whitespace() || c == ';')
            .filter(|w| !w.is_empty())
            .collect();
        let mut i = 0;
        while i < words.len() {
            let next = words.get(i + 1).copied();
            match (words[i], next) {
                ("host", Some(name)) => {
                    out.extend(current.take());
                    current = Some(Binding {
                        host: name.to_string(),
                        ip: None,
                        mac: None,
                        span: start..start + line.len(),
                    });
                    i += 1;
                }
                ("ethernet", Some(mac)) if i > 0 && words[i - 1] == "hardware" => {
                    if let Some(b) = current.as_mut() {
                        b.mac = normalise_mac(mac).or_else(|| Some(mac.to_string()));
                    }
                    i += 1;
                }
                ("fixed-address", Some(ip)) => {
                    if let Some(b) = current.as_mut() {
                        b.ip = Some(ip.to_string());
                    }
                    i += 1;
                }
                ("}", _) => out.extend(current.take()),
                _ => {}
            }
            i += 1;
        }
    }
    out.extend(current);
    out
}

/// The findings for one DHCP file, given the `hosts` and `ethers` beside it (None when
/// absent: nothing to compare with).
pub fn check(
    src: &SourceFile,
    isc: bool,
    hosts: Option<&BTreeMap<String, String>>,
    ethers: Option<&BTreeMap<String, String>>,
) -> Vec<Diagnostic> {
    let bindings = if isc {
        isc_bindings(&src.text)
    } else {
        solaris_bindings(&src.text)
    };
    let mut out = Vec::new();
    for b in bindings {
        let mut problems = Vec::new();
        if let Some(hosts) = hosts {
            match (hosts.get(&b.host), &b.ip) {
                (None, _) => problems.push(format!("{} is not in hosts", b.host)),
                (Some(want), Some(got)) if want != got => problems.push(format!(
                    "the binding gives {} the address {got}, hosts says {want}",
                    b.host
                )),
                (Some(_), None) => {
                    problems.push(format!("the binding of {} has no IP address", b.host))
                }
                _ => {}
            }
        }
        if let Some(ethers) = ethers {
            match (ethers.get(&b.host), &b.mac) {
                (None, _) => problems.push(format!("{} is not in ethers", b.host)),
                (Some(want), Some(got)) if want != got => problems.push(format!(
                    "the binding is for the Ethernet address {got}, ethers gives {} {want}",
                    b.host
                )),
                (Some(_), None) => problems.push(format!(
                    "the binding of {} has no Ethernet address (client id)",
                    b.host
                )),
                _ => {}
            }
        }
        for p in problems {
            out.push(
                Diagnostic::new(&RULE, b.span.clone(), p)
                    .label("DHCP binding")
                    .help("regenerate the DHCP files, hosts and ethers from one site file, or correct the binding"),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms_are_read_and_compared() {
        let hosts = name_table("10.1.1.30 pc01 # lab\n10.1.1.31\tpc02 pc02-alias\n", false);
        let ethers = name_table("0:c:29:a1:b2:c3 pc01\n0:c:29:a1:b2:c4 pc02\n", true);
        assert_eq!(hosts["pc02-alias"], "10.1.1.31");
        let solaris = "pntadm -A 10.1.1.30 -f PERMANENT+MANUAL -i 01000C29A1B2C3 -m 01000C29A1B2C3 -h pc01 10.1.1.0 2>/dev/null ||\n    pntadm -A 10.1.1.32 -i 01000C29A1B2C4 -h pc02 10.1.1.0\n";
        let d = check(
            &SourceFile::new("dhcp", solaris),
            false,
            Some(&hosts),
            Some(&ethers),
        );
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("10.1.1.32"), "{}", d[0].message);
        let isc = "host pc01 {\n  hardware ethernet 00:0c:29:a1:b2:c3;\n  fixed-address 10.1.1.30;\n}\nhost pc02 {\n  hardware ethernet 00:0c:29:a1:b2:c5;\n  fixed-address 10.1.1.31;\n}\nhost pc03 { hardware ethernet 00:0c:29:a1:b2:c6; fixed-address 10.1.1.33; }\n";
        let d = check(
            &SourceFile::new("dhcpd.conf", isc),
            true,
            Some(&hosts),
            Some(&ethers),
        );
        let msgs: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(msgs.len(), 3, "{msgs:?}");
        assert!(msgs[0].contains("0:c:29:a1:b2:c5"), "{msgs:?}");
        assert!(msgs[1].contains("pc03 is not in hosts"), "{msgs:?}");
    }
}
