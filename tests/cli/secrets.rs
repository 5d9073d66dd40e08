//! Secret values (the root password hash, the LDAP `proxy_password`, the `auto_reg`
//! passwords, and keys that look like them) never reach any output: not the excerpts of
//! `check`, `generate` (site-file problems) or `finish` (deploy-config problems), not the
//! messages, in any format; the human excerpts show the mask.

use std::path::Path;
use std::process::Output;

use assert_cmd::Command;

fn zflash() -> Command {
    let mut cmd = Command::cargo_bin("zflash").expect("zflash binary");
    cmd.env_remove("NO_COLOR");
    cmd
}

const FORMATS: [&str; 4] = ["human", "json", "sarif", "github"];

/// Every secret the inputs below hold; none may appear in any output.
const SECRETS: &[&str] = &[
    "open sesame",
    "Ldap-Sesame-77",
    "Typo-Sesame-55",
    "Yaml-Sesame-33",
    "Block-Sesame-11",
    "Oracle-Sesame-22",
    "Proxy-Sesame-44",
    "Deploy-Sesame-66",
];

fn assert_no_secret(out: &Output, context: &str) {
    for stream in [&out.stdout, &out.stderr] {
        let text = String::from_utf8_lossy(stream);
        for secret in SECRETS {
            assert!(!text.contains(secret), "{context}: {secret:?} in\n{text}");
        }
    }
}

/// Run `args` in every format (colour off) and check that no secret shows; returns the
/// human output (problems of `generate` go to stderr, findings of `check` to stdout). The
/// snapshots of each format are the rendering layer's (crates/parser/tests/secrets.rs);
/// here the messages are the checkers' own, which change as they improve.
fn every_format(name: &str, args: &[&str], path: &Path) -> String {
    let mut human = String::new();
    for format in FORMATS {
        let out = zflash()
            .args(args)
            .args(["--format", format, "--color", "never"])
            .arg(path)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{name} {format}: {out:?}");
        assert_no_secret(&out, &format!("{name} {format}"));
        if format == "human" {
            human = String::from_utf8_lossy(&out.stdout).into_owned()
                + &String::from_utf8_lossy(&out.stderr);
        }
    }
    human
}

/// `text` shows each of `lines` (an excerpt line with its mask).
fn assert_shows(text: &str, lines: &[&str]) {
    for line in lines {
        assert!(
            text.lines().any(|l| l.ends_with(line)),
            "no line ending with {line:?} in\n{text}"
        );
    }
}

const SITE_HEAD: &str = "version: 1
server:
  hostname: js-server
  ip: 192.168.10.5
  install_image: /export/install/s10u6
  release: 10/08
  config_dir: /export/jumpstart
archives:
  flar:
    location: js-server:/flashdirectory/s10s_u6wos_07_flar.zfs
";

const SITE_CLIENTS: &str = "clients:
  - hostname: clone01
    mac: 08:00:20:c0:ff:ee
    ip: 192.168.10.21
";

/// Keys the site file does not know but that hold secrets: the LDAP `proxy_password` of
/// the sysidcfg tables, and a misspelt `root_password`. Their findings point at the very
/// line with the password.
#[test]
fn site_file_keys_that_hold_secrets_are_masked() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site.yaml");
    std::fs::write(
        &site,
        format!(
            "{SITE_HEAD}classes:
  s10u6:
    archive: flar
    sysidcfg:
      name_service: {{type: LDAP, domain_name: lab.example, profile: default, profile_server: 192.168.10.5, proxy_password: Ldap-Sesame-77}}
defaults:
  sysidcfg:
    timezone: US/Central
    root_pasword: Typo-Sesame-55
    network_interface:
      netmask: 255.255.255.0
{SITE_CLIENTS}"
        ),
    )
    .unwrap();
    let out = tmp.path().join("out");
    let human = every_format(
        "site_unknown_secret_keys",
        &["generate", "-o", out.to_str().unwrap()],
        &site,
    );
    assert_shows(
        &human,
        &[
            "profile_server: 192.168.10.5, proxy_password: ********}",
            "root_pasword: ********",
        ],
    );
}

/// A `root_password` that is not a hash (Y106) points at the value itself: plain text
/// with blanks, quoted, or a block scalar, the whole value is masked.
#[test]
fn site_file_root_passwords_are_masked_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site.yaml");
    std::fs::write(
        &site,
        format!(
            "{SITE_HEAD}classes:
  plain:
    archive: flar
    sysidcfg:
      root_password: open sesame 99
  quoted:
    archive: flar
    sysidcfg: {{\"root_password\": \"Yaml-Sesame-33\", timezone: GMT}}
  block:
    archive: flar
    sysidcfg:
      root_password: |
        Block-Sesame-11
defaults:
  sysidcfg:
    timezone: US/Central
    network_interface:
      netmask: 255.255.255.0
clients:
  - {{hostname: clone01, class: plain, mac: 08:00:20:c0:ff:ee, ip: 192.168.10.21}}
  - {{hostname: clone02, class: quoted, mac: 08:00:20:c0:ff:ef, ip: 192.168.10.22}}
  - {{hostname: clone03, class: block, mac: 08:00:20:c0:ff:f0, ip: 192.168.10.23}}
"
        ),
    )
    .unwrap();
    let out = tmp.path().join("out");
    let human = every_format(
        "site_root_passwords",
        &["generate", "-o", out.to_str().unwrap()],
        &site,
    );
    assert_shows(
        &human,
        &[
            "      root_password: ********",
            "sysidcfg: {\"root_password\": ********, timezone: GMT}",
            "|         ********",
        ],
    );
}

/// `check` of a sysidcfg: the `auto_reg` passwords are secrets of the keyword table too.
#[test]
fn sysidcfg_auto_reg_passwords_are_masked() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("sysidcfg");
    std::fs::write(
        &file,
        "auto_reg=all {oracle_user=admin@example.com oracle_pw=Oracle-Sesame-22 \
         http_proxy_host=proxy http_proxy_port=8080 http_proxy_user=u \
         http_proxy_pw=Proxy-Sesame-44 bogus=1}\n",
    )
    .unwrap();
    let human = every_format("sysidcfg_auto_reg", &["check"], &file);
    assert!(human.contains("oracle_pw=********"), "{human}");
    assert!(human.contains("http_proxy_pw=******** bogus=1}"), "{human}");
}

/// `check` of a directory with a deploy config that holds a password where none belongs
/// (an unknown field, D101): masked like in a sysidcfg; and `finish` renders the same.
#[test]
fn deploy_config_secrets_are_masked() {
    let tmp = tempfile::tempdir().unwrap();
    let js = tmp.path().join("js");
    std::fs::create_dir_all(js.join("deploy")).unwrap();
    std::fs::write(js.join("rules"), "any - - prof -\n").unwrap();
    std::fs::write(js.join("prof"), "install_type initial_install\n").unwrap();
    let config = js.join("deploy/ws001.yaml");
    std::fs::write(
        &config,
        "version: 1\narchive: /flash/gold.zfs\nbe_name: s10gold\nroot_password: Deploy-Sesame-66\n",
    )
    .unwrap();
    let human = every_format("deploy_config", &["check", "--no-write"], &js);
    assert_shows(&human, &["4 | root_password: ********"]);
    let out = zflash()
        .args(["finish", "--plan", "--color", "never", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert_no_secret(&out, "finish --plan");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("root_password: ********"),
        "the excerpt shows the mask: {err}"
    );
}
