//! Whatever a client writes into its report (message, step name, BE) or names its file,
//! the listing stays one line per client with no control character, and the page shows
//! it as text: no markup from a report reaches the HTML.

use std::path::Path;

use proptest::prelude::*;
use zflash_runtime::report::{REPORT_VERSION, Report, ReportStep, State, Writer};
use zflash_status::html::{HtmlOptions, render as render_html};
use zflash_status::human::{HumanOptions, render as render_human};
use zflash_status::{Fleet, read_report_dir};

const SITE: &str = "version: 1
server: {hostname: js01, ip: 10.1.1.5, install_image: /export/install/s10u6, release: 10/08, config_dir: /export/jumpstart}
archives:
  golden: {location: \"js01:/export/flash/golden.zfs.gz\"}
classes:
  desktop: {archive: golden, deploy: {be: s10u6}}
defaults:
  sysidcfg: {timezone: US/Eastern, root_password: Xy3kP0qLm9ZbA, network_interface: {netmask: 255.255.255.0}}
clients:
  - {hostname: ws001, class: desktop, mac: \"8:0:20:0:0:1\", ip: 10.1.1.21}
";

fn text() -> impl Strategy<Value = String> {
    // Markup, quotes, control characters, bidi overrides and ordinary text.
    proptest::collection::vec(
        prop_oneof![
            Just("<".to_string()),
            Just(">".to_string()),
            Just("&".to_string()),
            Just("\"".to_string()),
            Just("'".to_string()),
            Just("<script>".to_string()),
            Just("\u{1b}[2J".to_string()),
            Just("\u{202e}".to_string()),
            any::<char>().prop_map(String::from),
            "[a-z ]{0,5}",
        ],
        1..12,
    )
    .prop_map(|parts| parts.concat())
}

/// The fleet of the one-client site with ws001's report, and one of `other_host`, saying
/// `message`, `step` and `be`; `dir` holds the report files.
fn fleet(dir: &Path, message: &str, step: &str, be: &str, other_host: &str) -> Fleet {
    let site = zflash_generator::validate::load(Path::new("site.yaml"), SITE).unwrap();
    let mut report = Report {
        version: REPORT_VERSION,
        client: "ws001".into(),
        writer: Writer::Loadzfs,
        archive_id: None,
        be: be.into(),
        state: State::Failed,
        step: Some(ReportStep {
            index: 2,
            total: 9,
            name: step.into(),
        }),
        message: Some(message.into()),
        started: "2026-12-05T21:00:00Z".into(),
        updated: "2026-12-05T21:01:00Z".into(),
        finished: Some("2026-12-05T21:01:00Z".into()),
        bytes_received: 1,
    };
    std::fs::write(dir.join("ws001.json"), report.to_json()).unwrap();
    report.client = other_host.into();
    std::fs::write(dir.join(format!("{other_host}.json")), report.to_json()).unwrap();
    let reports = read_report_dir(dir).unwrap();
    assert!(reports.warnings.is_empty(), "{:?}", reports.warnings);
    Fleet::new(Path::new("site.yaml"), &site, dir, reports, 1_796_506_200)
}

/// How often each character that makes markup occurs in `html`.
fn markup_counts(html: &str) -> [usize; 3] {
    ['<', '>', '"'].map(|c| html.matches(c).count())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn report_text_is_inert_in_every_output(
        message in text(),
        step in text(),
        be in text(),
        other_host in "[a-z]{1,4}[\u{1}-\u{1f}<&\u{202e}]{0,3}",
    ) {
        let tmp = tempfile::tempdir().unwrap();
        let fleet = fleet(tmp.path(), &message, &step, &be, &other_host);
        prop_assert_eq!(fleet.totals.failed, 1);
        prop_assert_eq!(fleet.others.len(), 1);

        let human = render_human(&fleet, &HumanOptions::default());
        for c in human.chars() {
            prop_assert!(
                c == '\n' || !(c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)),
                "{:?} in {:?}", c, human
            );
        }
        // ws001's line, a blank line, the others' header, the other host's line, a blank
        // line, the totals: six lines, whatever the texts.
        prop_assert_eq!(human.lines().count(), 6, "{}", human);

        // The page has exactly the markup of the same page with plain texts: every `<`,
        // `>` and `"` from a report was escaped.
        let html = render_html(&fleet, &HtmlOptions { refresh_seconds: 5 }).unwrap();
        let plain_dir = tempfile::tempdir().unwrap();
        let plain = fleet_plain(plain_dir.path());
        let plain_html = render_html(&plain, &HtmlOptions { refresh_seconds: 5 }).unwrap();
        prop_assert_eq!(markup_counts(&html), markup_counts(&plain_html));
        let raw_control = html.contains(['\u{1b}', '\u{0}']);
        prop_assert!(!raw_control, "a raw control character in the page");
    }
}

fn fleet_plain(dir: &Path) -> Fleet {
    fleet(dir, "x", "x", "x", "zz")
}
