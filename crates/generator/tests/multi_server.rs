//! Validation of multi-server sites (`servers:`): each mistake is one problem, with its
//! code, at the line:column of the value (or key) that is wrong.

use std::path::Path;

use zflash_generator::validate::load;

/// A valid two-server site; each case edits it.
const SITE: &str = "\
version: 1
servers:
  js01:
    ip: 10.1.1.5
    roles: [install, boot, config]
    networks: [10.1.1.0/24]
    images: {sparc: /export/install/s10u6-sparc, i386: /export/install/s10u6-x86}
    release: 10/08
    config_dir: /export/jumpstart
  bs02:
    ip: 10.1.2.5
    roles: [boot]
    networks: [10.1.2.0/24]
    images: {sparc: /export/boot/s10u6-sparc}
archives:
  gold:
    location: js01:/export/flash/gold.zfs.gz
    replicas:
      bs02: {location: \"bs02:/export/flash/gold.zfs.gz\"}
defaults:
  sysidcfg: {timezone: GMT, root_password: Xy3kP0qLm9ZbA, network_interface: {netmask: 255.255.255.0}}
classes:
  desk: {archive: gold}
clients:
  - {hostname: ws1, mac: \"8:0:20:0:0:1\", ip: 10.1.1.11}
  - {hostname: ws2, mac: \"8:0:20:0:0:2\", ip: 10.1.2.11}
";

/// The problems of `text` as `(code, line, column, message)`.
fn problems(text: &str) -> Vec<(&'static str, usize, usize, String)> {
    match load(Path::new("site.yaml"), text) {
        Ok(_) => Vec::new(),
        Err(e) => e
            .problems
            .into_iter()
            .map(|p| {
                (
                    p.code,
                    p.line.expect("a line"),
                    p.column.expect("a column"),
                    p.message,
                )
            })
            .collect(),
    }
}

/// `SITE` with `from` replaced by `to` (which must be there).
fn edit(from: &str, to: &str) -> String {
    assert!(SITE.contains(from), "{from}");
    SITE.replacen(from, to, 1)
}

/// Line and 1-based column of the first `needle` in `text`.
fn at(text: &str, needle: &str) -> (usize, usize) {
    let i = text.find(needle).unwrap_or_else(|| panic!("{needle}"));
    let line = text[..i].matches('\n').count() + 1;
    let column = i - text[..i].rfind('\n').map_or(0, |n| n + 1) + 1;
    (line, column)
}

#[test]
fn the_base_site_is_valid_and_serves_each_client_from_its_network() {
    let site = load(Path::new("site.yaml"), SITE).unwrap();
    assert!(site.per_server);
    let name = |i: usize| site.servers[i].hostname.as_str();
    assert_eq!(name(site.clients[0].boot_server), "js01");
    assert_eq!(name(site.clients[1].boot_server), "bs02");
    assert_eq!(name(site.clients[1].install_server), "js01");
    assert_eq!(site.config().hostname, "js01");
    assert_eq!(site.release.name(), "10/08");
    // The installed BE's default name follows the install images' paths.
    assert_eq!(site.classes[0].profile.bename, "s10u6_req");
}

#[test]
fn each_mistake_is_one_problem_at_its_value() {
    // (edit from, edit to, code, where (a needle in the edited text), message part)
    // A server added after bs02.
    const AFTER: &str = "    images: {sparc: /export/boot/s10u6-sparc}\n";
    let add = |line: &str| format!("{AFTER}{line}\n");
    let cases: Vec<(&str, String, &str, &str, &str)> = vec![
        (
            "    networks: [10.1.2.0/24]\n",
            "    networks: [10.1.2.0/24]\n    config_dir: /export/js\n".into(),
            "Y202",
            "/export/js\n",
            "has a config_dir but is not the config server",
        ),
        (
            AFTER,
            add("  cf3: {ip: 10.1.1.7, roles: [], networks: [10.9.0.0/16], config_dir: /export/js}"),
            "Y202",
            "[],",
            "server \"cf3\" has no roles",
        ),
        (
            AFTER,
            add("  cf3: {ip: 10.1.1.7, roles: [config], config_dir: /export/js}"),
            "Y202",
            "[config]",
            "server \"cf3\" is a second config server (\"js01\" is one)",
        ),
        (
            AFTER,
            add("  bs3: {ip: 10.1.1.7, roles: [boot], networks: [10.9.0.0/16]}"),
            "Y202",
            "[boot], networks: [10.9",
            "boot server \"bs3\" has no images",
        ),
        (
            AFTER,
            add("  in3: {ip: 10.1.1.7, roles: [install], networks: [10.9.0.0/16], images: {i386: /x86}, release: 10/08}"),
            "Y202",
            "[10.9.0.0/16]",
            "lists networks but is not a boot server",
        ),
        (
            AFTER,
            add("  in3: {ip: 10.1.1.7, roles: [install], images: {i386: /x86}, release: 10/09}"),
            "Y107",
            "10/09",
            "release 10/09, and server \"js01\" has 10/08",
        ),
        (
            "    release: 10/08\n",
            String::new(),
            "Y110",
            "js01:\n",
            "no `release` for the images of install server \"js01\"",
        ),
        (
            AFTER,
            add("  hosts: {ip: 10.1.1.7, roles: [install], images: {i386: /x86}, release: 10/08}"),
            "Y101",
            "hosts:",
            "a server named `hosts`",
        ),
        (
            AFTER,
            add("  JS01: {ip: 10.1.1.7, roles: [install], images: {i386: /x86}, release: 10/08}"),
            "Y103",
            "JS01",
            "host names are not case-sensitive",
        ),
        (
            "    ip: 10.1.2.5\n",
            "    ip: 10.1.1.5\n".into(),
            "Y103",
            "10.1.1.5\n    roles: [boot]",
            "duplicate server IP address 10.1.1.5",
        ),
        (
            "ip: 10.1.2.11}",
            "ip: 10.1.2.5}".into(),
            "Y103",
            "10.1.2.5}",
            "client \"ws2\": IP address 10.1.2.5 is server \"bs02\"'s",
        ),
        (
            "ip: 10.1.2.11}",
            "ip: 10.1.2.11, install_server: bs02}".into(),
            "Y201",
            "bs02}",
            "\"bs02\" is not an install server with an sparc image",
        ),
        (
            "ip: 10.1.1.11}",
            "ip: 10.1.1.11, boot_server: js02}".into(),
            "Y102",
            "js02",
            "did you mean `js01`?",
        ),
        (
            "    networks: [10.1.2.0/24]\n",
            "    networks: [10.1.2.0/24, 10.1.1.128/25]\n".into(),
            "Y203",
            "10.1.1.128/25",
            "overlaps 10.1.1.0/24 of boot server \"js01\"",
        ),
        (
            "    networks: [10.1.2.0/24]\n",
            "    networks: [10.1.2.0/24, \"10.1.3.0\"]\n".into(),
            "Y101",
            "10.1.3.0\"",
            "no `/prefix`",
        ),
        (
            "      bs02: {location: \"bs02:/export/flash/gold.zfs.gz\"}\n",
            "      bs02: {location: \"bs02:/export/flash/gold.zfs.gz\"}\n      cfg: {location: \"cfg:/x.zfs.gz\"}\n".into(),
            "Y102",
            "cfg:",
            "unknown server \"cfg\"",
        ),
    ];
    let mut wrong = Vec::new();
    for (from, to, code, needle, part) in &cases {
        let text = edit(from, to);
        let got = problems(&text);
        let want = at(&text, needle);
        let ok = got.len() == 1
            && got[0].0 == *code
            && (got[0].1, got[0].2) == want
            && got[0].3.contains(part);
        if !ok {
            wrong.push(format!(
                "{to:?}: want {code} at {want:?} with {part:?}, got {got:#?}"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));

    // A replica on the config server, when it is neither a boot nor an install server.
    let text = SITE
        .replace("roles: [install, boot, config]", "roles: [install, boot]")
        .replace("    config_dir: /export/jumpstart\n", "")
        .replace(AFTER, &add("  cf3: {ip: 10.1.1.7, roles: [config], config_dir: /export/js}"))
        .replace(
            "      bs02: {location: \"bs02:/export/flash/gold.zfs.gz\"}\n",
            "      bs02: {location: \"bs02:/export/flash/gold.zfs.gz\"}\n      cf3: {location: \"cf3:/x.zfs.gz\"}\n",
        );
    let got = problems(&text);
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(
        (got[0].0, (got[0].1, got[0].2)),
        ("Y202", at(&text, "cf3: {location"))
    );
    assert!(
        got[0]
            .3
            .contains("\"cf3\" is neither a boot nor an install server")
    );
}

#[test]
fn server_and_servers_are_one_or_the_other() {
    let one = "server: {hostname: js01, ip: 10.1.1.5, install_image: /export/install, release: 10/08, config_dir: /export/js}\n";
    let both = edit("servers:\n", &format!("{one}servers:\n"));
    let got = problems(&both);
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!((got[0].0, got[0].1, got[0].2), ("Y107", 2, 1));
    // Neither: the site names no server.
    let start = SITE.find("servers:").unwrap();
    let end = SITE.find("archives:").unwrap();
    let neither = format!("{}{}", &SITE[..start], &SITE[end..]);
    let got = problems(&neither);
    assert!(
        got.iter()
            .any(|p| p.0 == "Y003" && p.3.contains("missing key `server` (or `servers`)")),
        "{got:#?}"
    );
    // A one-server site's client naming a boot server.
    let text = format!(
        "{}{one}{}",
        &SITE[..start],
        &SITE[end..].replace("ip: 10.1.1.11}", "ip: 10.1.1.11, boot_server: js01}")
    );
    let text = text.replace(
        "      bs02: {location: \"bs02:/export/flash/gold.zfs.gz\"}\n",
        "      js01: {location: \"js01:/export/flash/copy.zfs.gz\"}\n",
    );
    let got = problems(&text);
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].0, "Y107");
    assert!(
        got[0]
            .3
            .contains("`boot_server` is for sites that list `servers:`")
    );
}

/// `reports:` is a location like an archive's (`server:/dir` or an absolute path): what is
/// neither is one problem at its value, and a good one reaches the site.
#[test]
fn the_report_directory_is_checked_like_a_location() {
    for (good, want) in [
        ("js01:/export/zflash/reports", "js01:/export/zflash/reports"),
        ("/var/zflash/reports", "/var/zflash/reports"),
    ] {
        let text = format!("{SITE}reports: {good}\n");
        let site = load(Path::new("site.yaml"), &text).unwrap();
        assert_eq!(site.reports.map(|r| r.display()).as_deref(), Some(want));
    }
    for bad in [
        "reports/relative",
        "js01:/export/../etc",
        "js01:relative",
        "/x;rm",
    ] {
        let text = format!("{SITE}reports: \"{bad}\"\n");
        let found = problems(&text);
        // The value itself, inside its quotes.
        let (line, column) = at(&text, &format!("\"{bad}\"\n"));
        let column = column + 1;
        assert_eq!(found.len(), 1, "{bad}: {found:?}");
        let (code, l, c, message) = &found[0];
        assert_eq!((*l, *c), (line, column), "{bad}: {message}");
        assert!(message.contains("report directory"), "{bad}: {message}");
        assert_eq!(*code, "Y101", "{bad}: {message}");
    }
}
