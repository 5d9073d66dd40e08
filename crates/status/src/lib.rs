//! zflash-status: the fleet view of a rollout. Every client of a site file, with the state
//! its report (`<report dir>/<host>.json`, see [`zflash_runtime::report`]) gives:
//! not started, running step N of M, done in T, failed at a step with its message — and
//! the reports the directory holds for hosts the site does not list.
//!
//! [`read`] lists the report directory (a bad file is a warning, never the end of the
//! listing); [`Fleet::new`] joins it with the site's clients; [`human`], [`json`] and
//! [`html`] render the fleet.

pub mod html;
pub mod human;
pub mod json;
pub mod read;

use std::path::{Path, PathBuf};

use serde::Serialize;
use zflash_generator::model::{self, Site};
use zflash_runtime::report::{self, Report};

pub use read::{ReadDirError, ReportDir, Warning, read_report_dir};

/// Where a client is, as `zflash status` shows it. The order is the order of
/// "sort by state": what needs a look first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientState {
    /// Its report says it failed (the pool is as it was).
    Failed,
    /// It has a report file that cannot be read (see the warnings): state unknown.
    Unreadable,
    /// Its report says it is deploying.
    Running,
    /// No report yet.
    NotStarted,
    /// Its report says it is deployed.
    Done,
}

impl ClientState {
    /// Every state, in sort order.
    pub const ALL: [ClientState; 5] = [
        ClientState::Failed,
        ClientState::Unreadable,
        ClientState::Running,
        ClientState::NotStarted,
        ClientState::Done,
    ];

    /// The name in JSON and in the HTML page (`not_started`).
    pub fn key(self) -> &'static str {
        match self {
            ClientState::Failed => "failed",
            ClientState::Unreadable => "unreadable",
            ClientState::Running => "running",
            ClientState::NotStarted => "not_started",
            ClientState::Done => "done",
        }
    }

    /// The name for people (`not started`).
    pub fn label(self) -> &'static str {
        match self {
            ClientState::NotStarted => "not started",
            other => other.key(),
        }
    }

    /// Parse a [`ClientState::key`] or [`ClientState::label`] (also `not-started`).
    pub fn parse(text: &str) -> Option<ClientState> {
        let text = text.replace(['-', ' '], "_");
        ClientState::ALL.into_iter().find(|s| s.key() == text)
    }
}

/// One line of the fleet: a client of the site, or a report of a host the site does not
/// list.
#[derive(Debug, Clone)]
pub struct Row {
    /// The host name.
    pub client: String,
    /// Its class in the site (`None`: the site does not list this host).
    pub class: Option<String>,
    /// The boot environment the site's class makes (`None`: not in the site).
    pub site_be: Option<String>,
    /// Its state.
    pub state: ClientState,
    /// Its report file, when there is one.
    pub file: Option<PathBuf>,
    /// Its report, when readable.
    pub report: Option<Report>,
    /// Why the report cannot be read ([`ClientState::Unreadable`]).
    pub problem: Option<String>,
}

impl Row {
    /// Seconds from the start of the deployment to its end (or to the last report while
    /// running).
    pub fn elapsed_seconds(&self) -> Option<i64> {
        self.report.as_ref()?.elapsed_seconds()
    }

    /// Seconds from the last report to `now`.
    pub fn since_update(&self, now: i64) -> Option<i64> {
        Some(now - report::parse_utc(&self.report.as_ref()?.updated)?)
    }
}

/// Number of clients in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// All clients of the site.
    pub clients: usize,
    pub failed: usize,
    pub unreadable: usize,
    pub running: usize,
    pub not_started: usize,
    pub done: usize,
}

impl Totals {
    /// The count of `state`.
    pub fn of(&self, state: ClientState) -> usize {
        match state {
            ClientState::Failed => self.failed,
            ClientState::Unreadable => self.unreadable,
            ClientState::Running => self.running,
            ClientState::NotStarted => self.not_started,
            ClientState::Done => self.done,
        }
    }

    fn add(&mut self, state: ClientState) {
        self.clients += 1;
        *match state {
            ClientState::Failed => &mut self.failed,
            ClientState::Unreadable => &mut self.unreadable,
            ClientState::Running => &mut self.running,
            ClientState::NotStarted => &mut self.not_started,
            ClientState::Done => &mut self.done,
        } += 1;
    }
}

/// The whole view: every client of the site, in site-file order.
#[derive(Debug, Clone)]
pub struct Fleet {
    /// The site file.
    pub site: PathBuf,
    /// The report directory read.
    pub reports_dir: PathBuf,
    /// When the view was taken (seconds since the epoch, UTC).
    pub now: i64,
    /// The site's clients, in site-file order.
    pub clients: Vec<Row>,
    /// Reports of hosts the site does not list, by host name. They are not counted in
    /// the totals: the site says what the fleet is.
    pub others: Vec<Row>,
    /// Report files that cannot be used, in file-name order.
    pub warnings: Vec<Warning>,
    /// The clients' counts per state.
    pub totals: Totals,
}

impl Fleet {
    /// Join `site`'s clients with the reports of `dir`.
    pub fn new(
        site_path: &Path,
        site: &Site,
        reports_dir: &Path,
        mut dir: ReportDir,
        now: i64,
    ) -> Fleet {
        let mut totals = Totals::default();
        let clients: Vec<Row> = site
            .clients
            .iter()
            .map(|c| {
                let class = &site.classes[c.class];
                let row = row(
                    c.hostname.clone(),
                    Some(class),
                    dir.entries.remove(&c.hostname),
                );
                totals.add(row.state);
                row
            })
            .collect();
        let mut others: Vec<Row> = dir
            .entries
            .drain()
            .map(|(host, entry)| row(host, None, Some(entry)))
            .collect();
        others.sort_by(|a, b| a.client.cmp(&b.client));
        Fleet {
            site: site_path.to_path_buf(),
            reports_dir: reports_dir.to_path_buf(),
            now,
            clients,
            others,
            warnings: dir.warnings,
            totals,
        }
    }

    /// Does any client of the site have this state?
    pub fn any(&self, state: ClientState) -> bool {
        self.totals.of(state) > 0
    }
}

fn row(client: String, class: Option<&model::Class>, entry: Option<read::Entry>) -> Row {
    let mut row = Row {
        client,
        class: class.map(|c| c.name.clone()),
        site_be: class.map(|c| c.deploy.be.clone()),
        state: ClientState::NotStarted,
        file: None,
        report: None,
        problem: None,
    };
    match entry {
        None => {}
        Some(read::Entry::Report { file, report }) => {
            row.state = match report.state {
                report::State::Running => ClientState::Running,
                report::State::Done => ClientState::Done,
                report::State::Failed => ClientState::Failed,
            };
            row.file = Some(file);
            row.report = Some(*report);
        }
        Some(read::Entry::Unreadable { file, message }) => {
            row.state = ClientState::Unreadable;
            row.file = Some(file);
            row.problem = Some(message);
        }
    }
    row
}

/// Where `zflash status` reads the reports when no directory is given: the directory of
/// the site's `reports:` (for `server:/dir`, `/dir`: status runs on that server).
pub fn default_reports_dir(site: &Site) -> Option<PathBuf> {
    site.reports.as_ref().map(|location| match location {
        model::Location::Path { path } | model::Location::Nfs { path, .. } => PathBuf::from(path),
    })
}

/// A duration for people: `45s`, `12m04s`, `3h07m`, `2d04h`.
pub fn duration(seconds: i64) -> String {
    let s = seconds.max(0);
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m{:02}s", s / 60, s % 60),
        3600..86_400 => format!("{}h{:02}m", s / 3600, s % 3600 / 60),
        _ => format!("{}d{:02}h", s / 86_400, s % 86_400 / 3600),
    }
}

/// A byte count for people: `512 B`, `3.4 MiB`, `1.21 GiB`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut value = n as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if value < 10.0 {
        format!("{value:.2} {}", UNITS[unit])
    } else if value < 100.0 {
        format!("{value:.1} {}", UNITS[unit])
    } else {
        format!("{value:.0} {}", UNITS[unit])
    }
}

/// `text` with every control character (newline, tab, escape, C1 controls) written as
/// an escape (`\n`, `\u{1b}`): what a client wrote must not drive the terminal or break
/// a one-line listing.
pub fn one_line(text: &str) -> String {
    if !text.chars().any(needs_escape) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_escape(c) {
            match c {
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                '\r' => out.push_str("\\r"),
                _ => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `text` with every control character but newline and tab written as an escape
/// (`\u{1b}`), for the HTML page: text there may span lines, but a raw escape or NUL
/// is not text.
pub fn printable(text: &str) -> String {
    if !text
        .chars()
        .any(|c| needs_escape(c) && c != '\n' && c != '\t')
    {
        return text.to_string();
    }
    text.split_inclusive(['\n', '\t'])
        .map(|part| match part.char_indices().last() {
            Some((i, c @ ('\n' | '\t'))) => format!("{}{c}", one_line(&part[..i])),
            _ => one_line(part),
        })
        .collect()
}

/// Control characters, and the bidirectional overrides that make a terminal show text in
/// another order than it is.
fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_sizes_read_naturally() {
        assert_eq!(duration(-3), "0s");
        assert_eq!(duration(59), "59s");
        assert_eq!(duration(60), "1m00s");
        assert_eq!(duration(724), "12m04s");
        assert_eq!(duration(3600 * 3 + 7 * 60 + 59), "3h07m");
        assert_eq!(duration(86_400 * 2 + 3600 * 4), "2d04h");
        assert_eq!(bytes(0), "0 B");
        assert_eq!(bytes(1023), "1023 B");
        assert_eq!(bytes(1024), "1.00 KiB");
        assert_eq!(bytes(512 << 20), "512 MiB");
        assert_eq!(bytes(3_565_158), "3.40 MiB");
        assert_eq!(bytes(u64::MAX), "16384 PiB");
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(one_line("plain text"), "plain text");
        assert_eq!(
            one_line("a\nb\tc\u{1b}[31md\u{9b}e\u{202e}f"),
            "a\\nb\\tc\\u{1b}[31md\\u{9b}e\\u{202e}f"
        );
    }

    #[test]
    fn printable_keeps_newlines_and_tabs_only() {
        assert_eq!(printable("a\nb\tc"), "a\nb\tc");
        assert_eq!(
            printable("a\u{1b}[2J\nb\u{0}\r\t"),
            "a\\u{1b}[2J\nb\\u{0}\\r\t"
        );
    }

    #[test]
    fn states_parse_from_key_label_and_dash_form() {
        for s in ClientState::ALL {
            assert_eq!(ClientState::parse(s.key()), Some(s));
            assert_eq!(ClientState::parse(s.label()), Some(s));
        }
        assert_eq!(
            ClientState::parse("not-started"),
            Some(ClientState::NotStarted)
        );
        assert_eq!(ClientState::parse("finished"), None);
    }
}
