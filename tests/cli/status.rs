//! CLI tests for `zflash status`: the listing, JSON, the HTML page (also in a real headless
//! browser), exit codes, and report directories holding what clients should not write.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use zflash_runtime::report::{REPORT_VERSION, Report, ReportStep, State, Writer, parse_utc};

fn zflash() -> Command {
    let mut cmd = Command::cargo_bin("zflash").expect("zflash binary");
    cmd.env_remove("NO_COLOR").env("SOURCE_DATE_EPOCH", NOW);
    cmd
}

/// "Now" for every test view (SOURCE_DATE_EPOCH): 2026-12-05T21:30:00Z.
const NOW: &str = "1796506200";

/// A site with two classes and `clients` (`host` or `host:class`), its reports in
/// `reports` (the site's `reports:` value, when given).
fn site_text(clients: &[&str], reports: Option<&str>) -> String {
    let mut text = String::from(
        "version: 1
server:
  hostname: js01
  ip: 10.1.1.5
  install_image: /export/install/s10u6
  release: 10/08
  config_dir: /export/jumpstart
archives:
  golden: {location: \"js01:/export/flash/golden.zfs.gz\"}
classes:
  desktop: {archive: golden, deploy: {be: s10u6_golden}}
  lab: {archive: golden, deploy: {be: s10u6_lab}}
defaults:
  class: desktop
  sysidcfg:
    timezone: US/Eastern
    root_password: Xy3kP0qLm9ZbA
    network_interface: {netmask: 255.255.0.0}
",
    );
    if let Some(reports) = reports {
        text.push_str(&format!("reports: {reports}\n"));
    }
    text.push_str("clients:\n");
    for (i, client) in clients.iter().enumerate() {
        let (host, class) = client.split_once(':').unwrap_or((client, "desktop"));
        let n = i + 1;
        text.push_str(&format!(
            "  - {{hostname: {host}, class: {class}, mac: \"8:0:20:0:{:x}:{:x}\", ip: 10.1.{}.{}}}\n",
            n >> 8,
            n & 255,
            1 + n / 200,
            n % 200 + 20
        ));
    }
    text
}

struct Step(u32, u32, &'static str);

#[allow(clippy::too_many_arguments)]
fn report(
    client: &str,
    writer: Writer,
    be: &str,
    state: State,
    step: Option<Step>,
    message: Option<&str>,
    started: &str,
    updated: &str,
    bytes_received: u64,
) -> Report {
    Report {
        version: REPORT_VERSION,
        client: client.into(),
        writer,
        archive_id: Some("3f".repeat(32)),
        be: be.into(),
        state,
        step: step.map(|Step(index, total, name)| ReportStep {
            index,
            total,
            name: name.into(),
        }),
        message: message.map(str::to_string),
        started: started.into(),
        updated: updated.into(),
        finished: (state != State::Running).then(|| updated.to_string()),
        bytes_received,
    }
}

fn write_report(dir: &Path, report: &Report) {
    std::fs::write(
        dir.join(Report::file_name(&report.client)),
        report.to_json(),
    )
    .unwrap();
}

const HOSTILE_MESSAGE: &str = "digest mismatch: expected 3f3f…\n<script>alert(1)</script><img src=x onerror=alert(2)> \u{1b}[31mred\u{1b}[0m";

/// A fleet of every kind of client and every kind of bad file: `dir/site.yaml` and
/// `dir/reports/`.
fn hostile_fleet() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let reports = tmp.path().join("reports");
    std::fs::create_dir(&reports).unwrap();
    let clients = [
        "ws001",
        "ws002",
        "ws003",
        "ws004",
        "ws005",
        "ws006",
        "ws007",
        "ws008",
        "ws009",
        "lab01:lab",
        "lab02:lab",
    ];
    std::fs::write(
        tmp.path().join("site.yaml"),
        site_text(&clients, Some(reports.to_str().unwrap())),
    )
    .unwrap();
    let r = &reports;
    write_report(
        r,
        &report(
            "ws001",
            Writer::Native,
            "s10u6_golden",
            State::Done,
            Some(Step(9, 9, "bootfs")),
            None,
            "2026-12-05T21:00:00Z",
            "2026-12-05T21:12:04Z",
            512 << 20,
        ),
    );
    write_report(
        r,
        &report(
            "ws002",
            Writer::Loadzfs,
            "s10u6_golden",
            State::Running,
            Some(Step(3, 9, "receive")),
            None,
            "2026-12-05T21:20:00Z",
            "2026-12-05T21:29:40Z",
            120 << 20,
        ),
    );
    write_report(
        r,
        &report(
            "ws003",
            Writer::Loadzfs,
            "s10u6_golden",
            State::Failed,
            Some(Step(5, 9, "verify")),
            Some(HOSTILE_MESSAGE),
            "2026-12-05T21:10:00Z",
            "2026-12-05T21:25:00Z",
            300 << 20,
        ),
    );
    // ws004: no report (not started).
    std::fs::write(r.join("ws005.json"), "{\"version\":1,\"client\":").unwrap();
    let v2 = report(
        "ws006",
        Writer::Native,
        "s10u6_golden",
        State::Done,
        None,
        None,
        "2026-12-05T21:00:00Z",
        "2026-12-05T21:01:00Z",
        0,
    )
    .to_json()
    .replace("\"version\":1", "\"version\":2");
    std::fs::write(r.join("ws006.json"), v2).unwrap();
    std::fs::write(r.join("ws007.json"), vec![b' '; 70 << 10]).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", r.join("ws008.json")).unwrap();
    let mut other = report(
        "ws001",
        Writer::Native,
        "s10u6_golden",
        State::Failed,
        None,
        Some("not mine"),
        "2026-12-05T21:00:00Z",
        "2026-12-05T21:01:00Z",
        0,
    );
    std::fs::write(r.join("ws009.json"), other.to_json()).unwrap();
    // lab01: running, no step yet, for another BE than the site's class makes now.
    write_report(
        r,
        &report(
            "lab01",
            Writer::Loadzfs,
            "s10u5_lab",
            State::Running,
            None,
            None,
            "2026-12-05T21:29:30Z",
            "2026-12-05T21:29:30Z",
            0,
        ),
    );
    write_report(
        r,
        &report(
            "lab02",
            Writer::Loadzfs,
            "s10u6_lab",
            State::Done,
            Some(Step(9, 9, "bootfs")),
            Some("deployed; reboot to use s10u6_lab"),
            "2026-12-05T19:00:00Z",
            "2026-12-05T20:05:00Z",
            3 << 30,
        ),
    );
    // A report of a host the site does not list.
    other.client = "stray01".into();
    other.message = Some("pool rpool: no such pool".into());
    write_report(r, &other);
    // A host name that would clear the terminal if printed as it is.
    other.client = "evil\u{1b}[2J".into();
    other.state = State::Done;
    write_report(r, &other);
    // A writer's temporary file before its rename, other files: not reports, no warning.
    std::fs::write(r.join(".ws004.json.4711"), "{\"version\":1,").unwrap();
    std::fs::write(r.join("README"), "reports of the rollout\n").unwrap();
    // A directory with a report's name.
    std::fs::create_dir(r.join("x.json")).unwrap();
    tmp
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

fn redact(text: &str, dir: &Path) -> String {
    text.replace(dir.to_str().unwrap(), "[DIR]")
}

#[test]
fn status_human_lists_every_client_and_warns_about_each_bad_file() {
    let tmp = hostile_fleet();
    let out = zflash()
        .arg("status")
        .arg(tmp.path().join("site.yaml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "a client failed: exit 1");
    let stdout = text(&out.stdout);
    assert!(!stdout.contains('\u{1b}'), "no colour when not a terminal");
    insta::assert_snapshot!("status_human", redact(&stdout, tmp.path()));
    insta::assert_snapshot!(
        "status_human_warnings",
        redact(&text(&out.stderr), tmp.path())
    );
}

#[test]
fn status_json_has_every_key_and_null_for_unknowns() {
    let tmp = hostile_fleet();
    let out = zflash()
        .args(["status", "--format", "json"])
        .arg(tmp.path().join("site.yaml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let keys = [
        "client",
        "class",
        "state",
        "step",
        "message",
        "started",
        "updated",
        "finished",
        "elapsed_seconds",
        "bytes_received",
        "be",
        "archive_id",
        "writer",
        "report_file",
        "problem",
    ];
    for row in json["clients"]
        .as_array()
        .unwrap()
        .iter()
        .chain(json["other_reports"].as_array().unwrap())
    {
        let object = row.as_object().unwrap();
        assert_eq!(object.len(), keys.len(), "{row}");
        for key in keys {
            assert!(object.contains_key(key), "{key} missing in {row}");
        }
    }
    let ws004 = &json["clients"][3];
    assert_eq!(ws004["state"], "not_started");
    assert!(ws004["step"].is_null() && ws004["report_file"].is_null());
    assert_eq!(json["totals"]["clients"], 11);
    insta::assert_snapshot!("status_json", redact(&text(&out.stdout), tmp.path()));
}

#[test]
fn status_exit_status_follows_failures_and_all_done() {
    let tmp = tempfile::tempdir().unwrap();
    let reports = tmp.path().join("r");
    std::fs::create_dir(&reports).unwrap();
    let site = tmp.path().join("site.yaml");
    std::fs::write(&site, site_text(&["ws001", "ws002"], None)).unwrap();
    let run = |extra: &[&str]| {
        zflash()
            .arg("status")
            .arg(&site)
            .arg("--reports")
            .arg(&reports)
            .args(extra)
            .output()
            .unwrap()
    };
    // Nothing started: nothing failed, but not all done.
    assert_eq!(run(&[]).status.code(), Some(0));
    assert_eq!(run(&["--all-done"]).status.code(), Some(1));
    let done = |host: &str| {
        report(
            host,
            Writer::Native,
            "s10u6_golden",
            State::Done,
            Some(Step(9, 9, "bootfs")),
            None,
            "2026-12-05T21:00:00Z",
            "2026-12-05T21:01:00Z",
            1,
        )
    };
    write_report(&reports, &done("ws001"));
    write_report(&reports, &done("ws002"));
    let out = run(&["--all-done"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout).lines().last(), Some("2 clients: 2 done"));
    // A failed client: exit 1, with or without --all-done; the quiet output is its line.
    let mut failed = done("ws002");
    failed.state = State::Failed;
    failed.message = Some("zfs receive: out of space".into());
    write_report(&reports, &failed);
    assert_eq!(run(&["--all-done"]).status.code(), Some(1));
    let out = run(&["--quiet"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout),
        "ws002  desktop  failed at step 9 of 9 (bootfs) after 1m00s: zfs receive: out of space\n"
    );
    // Quiet and nothing failed: no output at all.
    write_report(&reports, &done("ws002"));
    std::fs::write(reports.join("junk.json"), "[]").unwrap();
    let out = run(&["--quiet"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty() && out.stderr.is_empty(), "{out:?}");
}

#[test]
fn status_only_lists_the_states_asked_for_and_colours_state_words() {
    let tmp = hostile_fleet();
    let out = zflash()
        .args([
            "status",
            "--only",
            "failed,not-started",
            "--color",
            "always",
        ])
        .arg(tmp.path().join("site.yaml"))
        .output()
        .unwrap();
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().filter(|l| !l.is_empty()).collect();
    assert!(lines[0].starts_with("\u{1b}[1mws003"), "{stdout}");
    assert!(lines[0].contains("\u{1b}[1;31mfailed\u{1b}[0m at step 5 of 9"));
    // The message's own escape sequences are shown, not sent to the terminal.
    assert!(
        lines[0].contains("\\u{1b}[31mred\\u{1b}[0m"),
        "{}",
        lines[0]
    );
    assert!(!lines[0].contains("\u{1b}[31mred"));
    assert!(lines[1].contains("ws004") && lines[1].contains("not started"));
    assert!(lines[2].starts_with("1 report of hosts not in"), "{stdout}");
    assert!(
        !stdout.contains("\u{1b}[2J"),
        "a file name cannot clear the terminal"
    );
    assert!(lines[3].contains("stray01"));
    assert!(lines.last().unwrap().starts_with("11 clients: "));
    let out = zflash()
        .args(["status", "--only", "finished"])
        .arg(tmp.path().join("site.yaml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("expected failed, unreadable, running"));
}

#[test]
fn status_finds_the_report_directory_or_says_how_to_give_one() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site.yaml");
    // No `reports:` and no --reports.
    std::fs::write(&site, site_text(&["ws001"], None)).unwrap();
    let out = zflash().arg("status").arg(&site).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr)
            .contains("names no report directory (`reports:`): give one with --reports DIR"),
        "{}",
        text(&out.stderr)
    );
    // `server:/dir`: the /dir part, here on "the server"; absent: say where it is.
    std::fs::write(
        &site,
        site_text(&["ws001"], Some("js01:/nonexistent/zflash/reports")),
    )
    .unwrap();
    let out = zflash().arg("status").arg(&site).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("report directory /nonexistent/zflash/reports does not exist")
            && err.contains("run status on js01, or give --reports"),
        "{err}"
    );
    // --reports wins over the site's.
    let reports = tmp.path().join("mounted");
    std::fs::create_dir(&reports).unwrap();
    let out = zflash()
        .arg("status")
        .arg(&site)
        .arg("--reports")
        .arg(&reports)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "ws001  desktop  not started\n\n1 client: 1 not started\n"
    );
    // A site path in `reports:` is used as it is.
    std::fs::write(
        &site,
        site_text(&["ws001"], Some(reports.to_str().unwrap())),
    )
    .unwrap();
    let out = zflash().arg("status").arg(&site).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn status_of_a_bad_site_file_lists_its_problems_and_exits_2() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site.yaml");
    std::fs::write(
        &site,
        site_text(&["ws001"], Some("/r")).replace("ip: 10.1.1.21", "ip: 10.1.1.999"),
    )
    .unwrap();
    let out = zflash()
        .args(["status", "--color", "never"])
        .arg(&site)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("10.1.1.999") && err.contains("site.yaml:"),
        "{err}"
    );
    assert!(err.contains("status needs its list of clients"), "{err}");
}

/// Tags of the page: a whole `<…>` with its name, in order.
fn tag_names(html: &str) -> Vec<String> {
    html.split('<')
        .skip(1)
        .map(|t| {
            t.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '/' || *c == '!')
                .collect()
        })
        .collect()
}

#[test]
fn status_html_escapes_everything_and_needs_no_network() {
    let tmp = hostile_fleet();
    let page = tmp.path().join("status.html");
    let out = zflash()
        .arg("status")
        .arg(tmp.path().join("site.yaml"))
        .arg("--html")
        .arg(&page)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    // With --html the listing is the totals line only.
    assert_eq!(
        text(&out.stdout),
        "11 clients: 1 failed, 5 unreadable, 2 running, 1 not started, 2 done (and 3 reports of hosts not in the site)\n"
    );
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the message is text"
    );
    assert!(html.contains("&lt;img src=x onerror=alert(2)&gt;"));
    let tags = tag_names(&html);
    assert_eq!(
        tags.iter().filter(|t| *t == "script").count(),
        1,
        "only the page's own script"
    );
    assert!(
        !tags
            .iter()
            .any(|t| t == "img" || t == "link" || t == "iframe")
    );
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "nothing fetched from a network"
    );
    assert!(html.contains("<meta http-equiv=\"refresh\" content=\"5\">"));
    assert_eq!(html.matches("<tr data-state=").count(), 11 + 3);
    let rows = &html[html.find("<tbody>").unwrap()..html.find("</tbody>").unwrap()];
    insta::assert_snapshot!("status_html_rows", redact(rows, tmp.path()));
    // Written by a rename: nothing else left in the directory.
    let names: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.ends_with(".tmp")), "{names:?}");
    // --refresh 0: no reload.
    zflash()
        .arg("status")
        .arg(tmp.path().join("site.yaml"))
        .args(["--refresh", "0", "--quiet", "--html"])
        .arg(&page)
        .output()
        .unwrap();
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(!html.contains("http-equiv=\"refresh\""));
}

/// Wait until `done` holds, for at most `limit`.
fn wait_for(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    done()
}

#[test]
fn status_watch_rewrites_the_page_until_interrupted() {
    let tmp = tempfile::tempdir().unwrap();
    let reports = tmp.path().join("reports");
    std::fs::create_dir(&reports).unwrap();
    let site = tmp.path().join("site.yaml");
    std::fs::write(
        &site,
        site_text(&["ws001"], Some(reports.to_str().unwrap())),
    )
    .unwrap();
    let page = tmp.path().join("www").join("status.html");
    std::fs::create_dir(page.parent().unwrap()).unwrap();
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("zflash"))
        .arg("status")
        .arg(&site)
        .args(["--watch", "1", "--html"])
        .arg(&page)
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", NOW)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let read = || std::fs::read_to_string(&page).unwrap_or_default();
    assert!(
        wait_for(Duration::from_secs(20), || read()
            .contains("not started</span>")),
        "first page"
    );
    assert!(
        read().contains("<meta http-equiv=\"refresh\" content=\"1\">"),
        "the page reloads as often as it is written"
    );
    let mut running = report(
        "ws001",
        Writer::Loadzfs,
        "s10u6_golden",
        State::Running,
        Some(Step(2, 9, "preflight")),
        None,
        "2026-12-05T21:20:00Z",
        "2026-12-05T21:20:10Z",
        0,
    );
    write_report(&reports, &running);
    assert!(
        wait_for(Duration::from_secs(20), || read()
            .contains("2 of 9 (preflight)")),
        "the page shows the new report: {}",
        read()
    );
    running.state = State::Done;
    running.finished = Some(running.updated.clone());
    write_report(&reports, &running);
    assert!(wait_for(Duration::from_secs(20), || read()
        .contains("<span class=\"state done\">done</span>")));
    // SIGTERM: exit 143, the page stays, no temporary file next to it.
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(143), "{out:?}");
    let stdout = text(&out.stdout);
    // SOURCE_DATE_EPOCH fixes "now" at 21:30:00 for every round.
    assert!(
        stdout.starts_with("21:30:00 1 client: 1 not started\n"),
        "{stdout}"
    );
    assert!(
        stdout.lines().any(|l| l.ends_with(" 1 client: 1 done")),
        "{stdout}"
    );
    assert!(text(&out.stderr).contains("interrupted by SIGTERM"));
    let names: Vec<_> = std::fs::read_dir(page.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["status.html"]);
}

/// The headless browser: `chromium` (Debian's package, which scripts/setup installs).
/// Under `CI` its absence fails the test; elsewhere the test says why it skips.
fn chromium() -> Option<PathBuf> {
    let found = ["chromium", "chromium-browser"].iter().find_map(|name| {
        std::env::var_os("PATH").and_then(|path| {
            std::env::split_paths(&path)
                .map(|dir| dir.join(name))
                .find(|p| p.is_file())
        })
    });
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromium is not installed (scripts/setup installs it): the status page must be checked in a real browser under CI"
        );
        eprintln!("status browser test skipped: no chromium on PATH (scripts/setup installs it)");
    }
    found
}

/// Run headless chromium on `url` with `args` (at most 60 s), returning stdout.
fn run_chromium(browser: &Path, profile: &Path, args: &[&str], url: &str) -> String {
    let out = std::process::Command::new("timeout")
        .arg("60")
        .arg(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            "--disable-background-networking",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(url)
        .env("HOME", profile)
        .stdin(Stdio::null())
        .output()
        .expect("run chromium");
    assert!(
        out.status.success(),
        "chromium {args:?} {url}: {:?}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The `data-state` of each row of the clients' table in a DOM dump, in order, with
/// whether the row is hidden.
fn dom_rows(dom: &str) -> Vec<(String, String, bool)> {
    let body = &dom[dom
        .find("<table id=\"clients\">")
        .expect("the clients' table")..];
    let body = &body[..body.find("</table>").unwrap()];
    body.split("<tr ")
        .skip(1)
        .map(|row| {
            let tag = &row[..row.find('>').unwrap()];
            let state = tag
                .split("data-state=\"")
                .nth(1)
                .and_then(|s| s.split('"').next())
                .unwrap()
                .to_string();
            let client = row
                .split("<td class=\"client\" data-v=\"")
                .nth(1)
                .and_then(|s| s.split('"').next())
                .unwrap()
                .to_string();
            (state, client, tag.contains(" hidden"))
        })
        .collect()
}

#[test]
fn status_page_of_600_clients_renders_and_sorts_in_a_headless_browser() {
    let Some(browser) = chromium() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let reports = tmp.path().join("reports");
    std::fs::create_dir(&reports).unwrap();
    let base = parse_utc("2026-12-05T20:00:00Z").unwrap();
    let utc = zflash_runtime::report::format_utc;
    // A rollout under way: 6 in 10 done, 2 running, 1 failed, 1 not started.
    let steps = [
        "preflight",
        "lock",
        "mount",
        "receive",
        "verify",
        "promote",
        "identity",
        "hooks",
        "bootfs",
    ];
    let now = base + 4800;
    let failures = [
        "zfs receive: cannot receive new filesystem stream: out of space",
        "archive digest mismatch: expected 3f3f…, read 9a1c… (the archive changed while being read?)",
        "preflight: pool rpool is version 10; the archive needs version 15",
    ];
    for i in 1..=600_i64 {
        let host = format!("ss5-{i:03}");
        let started = base + i * 7;
        let (state, step, message, secs) = match i % 10 {
            0 => continue,
            7 | 8 => (
                State::Running,
                (i % 9) as usize,
                None,
                now - started - i % 50,
            ),
            9 => (
                State::Failed,
                [3, 4, 0][(i / 10 % 3) as usize],
                Some(if i % 100 == 49 {
                    // What a hostile client could write: text on the page, never markup.
                    format!(
                        "hook failed: <script>document.title='pwned'</script><img src=x onerror=alert({i})>"
                    )
                } else {
                    failures[(i / 10 % 3) as usize].to_string()
                }),
                200 + i % 300,
            ),
            _ => (State::Done, 8, None, 600 + i * 3 % 900),
        };
        let r = Report {
            version: REPORT_VERSION,
            client: host,
            writer: if i % 2 == 0 {
                Writer::Native
            } else {
                Writer::Loadzfs
            },
            archive_id: Some("3f".repeat(32)),
            be: "s10u6_desktop".into(),
            state,
            step: Some(ReportStep {
                index: step as u32 + 1,
                total: 9,
                name: steps[step].into(),
            }),
            message,
            started: utc(started),
            updated: utc(started + secs),
            finished: (state != State::Running).then(|| utc(started + secs)),
            bytes_received: if state == State::Done {
                534_773_760
            } else {
                (i as u64) << 20
            },
        };
        write_report(&reports, &r);
    }
    let page = tmp.path().join("status.html");
    let out = zflash()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("SOURCE_DATE_EPOCH", now.to_string())
        .args(["status", "fixtures/examples/site-600.yaml", "--reports"])
        .arg(&reports)
        .arg("--html")
        .arg(&page)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "600 clients: 60 failed, 120 running, 60 not started, 360 done\n"
    );
    let profile = tmp.path().join("chromium-profile");
    let url = format!("file://{}", page.display());

    // Opened without a fragment: the script sorted the table by state, failures first.
    let dom = run_chromium(&browser, &profile, &["--dump-dom"], &url);
    let rows = dom_rows(&dom);
    assert_eq!(rows.len(), 600);
    let rank = |s: &str| {
        ["failed", "unreadable", "running", "not_started", "done"]
            .iter()
            .position(|k| *k == s)
            .unwrap()
    };
    assert!(
        rows.windows(2).all(|w| rank(&w[0].0) <= rank(&w[1].0)),
        "sorted by state"
    );
    assert_eq!(rows[0], ("failed".into(), "ss5-009".into(), false));
    assert_eq!(rows.last().unwrap().0, "done");
    assert!(dom.contains("aria-sort=\"ascending\""));
    // The reports' markup stayed text: no element came from a message.
    let tags = tag_names(&dom);
    assert!(
        !tags.iter().any(|t| t == "img"),
        "a message made an element"
    );
    assert!(dom.contains("<title>zflash status: 60 failed, 360/600 done (site-600.yaml)</title>"));

    // A view named in the fragment: running clients only, by client name descending.
    let dom = run_chromium(
        &browser,
        &profile,
        &["--dump-dom"],
        &format!("{url}#sort=-client&only=running"),
    );
    let rows = dom_rows(&dom);
    let shown: Vec<&(String, String, bool)> = rows.iter().filter(|r| !r.2).collect();
    assert_eq!(shown.len(), 120);
    assert!(shown.iter().all(|r| r.0 == "running"));
    assert_eq!(shown[0].1, "ss5-598");
    assert!(
        shown.windows(2).all(|w| w[0].1 > w[1].1),
        "by client, descending"
    );
    assert!(dom.contains("Showing 120 of 600 clients."));

    // The page reloads itself, keeping the view in the fragment: loaded in a frame of a
    // test page that counts the frame's loads (a meta refresh would load it once only:
    // it scrolls to the fragment instead of reloading). Virtual time runs the reloads.
    let quick = tmp.path().join("quick.html");
    let out = zflash()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "status",
            "fixtures/examples/site-600.yaml",
            "--refresh",
            "1",
            "--reports",
        ])
        .arg(&reports)
        .arg("--html")
        .arg(&quick)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let harness = tmp.path().join("harness.html");
    std::fs::write(
        &harness,
        "<!DOCTYPE html><html><head><script>var loads = 0;\n\
         function loaded(frame) { loads++; document.getElementById('loads').textContent = 'loads=' + loads;\n\
         if (loads >= 3) { frame.remove(); } }</script></head><body><p id=\"loads\">loads=0</p>\n\
         <iframe src=\"quick.html#sort=-client&amp;only=failed\" onload=\"loaded(this)\"></iframe></body></html>\n",
    )
    .unwrap();
    let dom = run_chromium(
        &browser,
        &profile,
        &["--dump-dom", "--virtual-time-budget=20000"],
        &format!("file://{}", harness.display()),
    );
    assert!(dom.contains("<p id=\"loads\">loads=3</p>"), "{dom}");

    // The screenshot (docs/status-600.png is one of these).
    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("status-600.png");
    let _ = std::fs::remove_file(&shot);
    run_chromium(
        &browser,
        &profile,
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1280,900",
            "--hide-scrollbars",
        ],
        &url,
    );
    let png = std::fs::read(&shot).expect("chromium wrote the screenshot");
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 20_000,
        "{} bytes",
        png.len()
    );
    eprintln!("status page screenshot: {}", shot.display());
}
