//! The listing for people: one line per client, then the totals.
//!
//! ```text
//! ws001  desktop  done in 12m04s, 512 MiB received
//! ws002  desktop  running step 3 of 9 (receive) for 4m10s, 120 MiB received, updated 20s ago
//! ws003  desktop  failed at step 5 of 9 (verify) after 3m00s: digest mismatch
//! ws004  desktop  not started
//!
//! 4 clients: 1 failed, 1 running, 1 not started, 1 done
//! ```
//!
//! Everything a report says is passed through [`crate::one_line`]: a message cannot
//! move the cursor, change colours or span lines.

use std::fmt::Write as _;

use crate::{ClientState, Fleet, Row, bytes, duration, one_line};

/// How to render.
#[derive(Debug, Clone, Default)]
pub struct HumanOptions {
    /// ANSI colours on the state words and the totals.
    pub color: bool,
    /// Only clients in these states (empty: all). The totals always count all.
    pub only: Vec<ClientState>,
    /// No client lines (the totals line only).
    pub no_clients: bool,
    /// No totals line.
    pub no_totals: bool,
    /// No section for the reports of hosts the site does not list.
    pub no_others: bool,
}

const RED: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[33m";
const GREEN: &str = "\x1b[32m";
const MAGENTA: &str = "\x1b[1;35m";
const DIM: &str = "\x1b[2m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

fn colour(state: ClientState) -> &'static str {
    match state {
        ClientState::Failed => RED,
        ClientState::Unreadable => MAGENTA,
        ClientState::Running => YELLOW,
        ClientState::NotStarted => DIM,
        ClientState::Done => GREEN,
    }
}

/// The listing: a line per client (site-file order), the reports of hosts the site does
/// not list, then the totals line.
pub fn render(fleet: &Fleet, opts: &HumanOptions) -> String {
    let mut out = String::new();
    let shown = |row: &&Row| opts.only.is_empty() || opts.only.contains(&row.state);
    if !opts.no_clients {
        let rows: Vec<&Row> = fleet.clients.iter().filter(shown).collect();
        table(&mut out, &rows, fleet.now, opts.color);
        let others: Vec<&Row> = if opts.no_others {
            Vec::new()
        } else {
            fleet.others.iter().filter(shown).collect()
        };
        if !others.is_empty() {
            if !rows.is_empty() {
                out.push('\n');
            }
            let n = others.len();
            let _ = writeln!(
                out,
                "{} report{} of hosts not in {}:",
                n,
                plural(n),
                fleet.site.display()
            );
            table(&mut out, &others, fleet.now, opts.color);
        }
        if !opts.no_totals && (!rows.is_empty() || !others.is_empty()) {
            out.push('\n');
        }
    }
    if !opts.no_totals {
        out.push_str(&totals_line(fleet, opts.color));
        out.push('\n');
    }
    out
}

/// `600 clients: 3 failed, 100 running, 77 not started, 420 done` (states with no client
/// left out), plus the count of reports of other hosts.
pub fn totals_line(fleet: &Fleet, color: bool) -> String {
    let t = &fleet.totals;
    let mut line = format!("{} client{}", t.clients, plural(t.clients));
    let parts: Vec<String> = ClientState::ALL
        .into_iter()
        .filter(|&s| t.of(s) > 0)
        .map(|s| paint(&format!("{} {}", t.of(s), s.label()), s, color))
        .collect();
    if !parts.is_empty() {
        line.push_str(": ");
        line.push_str(&parts.join(", "));
    }
    if !fleet.others.is_empty() {
        let n = fleet.others.len();
        let _ = write!(
            line,
            " (and {n} report{} of hosts not in the site)",
            plural(n)
        );
    }
    line
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn paint(text: &str, state: ClientState, color: bool) -> String {
    if color {
        format!("{}{text}{RESET}", colour(state))
    } else {
        text.to_string()
    }
}

fn table(out: &mut String, rows: &[&Row], now: i64, color: bool) {
    // A site's host names are checked; the others come from file names in a directory
    // every client can write to.
    let names: Vec<String> = rows.iter().map(|r| one_line(&r.client)).collect();
    let client_width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    let class_width = rows
        .iter()
        .map(|r| r.class.as_deref().map_or(1, str::len))
        .max()
        .unwrap_or(0);
    for (row, name) in rows.iter().zip(&names) {
        let client = if color {
            format!("{BOLD}{name:client_width$}{RESET}")
        } else {
            format!("{name:client_width$}")
        };
        let line = format!(
            "{client}  {:class_width$}  {}",
            row.class.as_deref().unwrap_or("-"),
            describe(row, now, color)
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
}

/// What a client is doing, as a sentence: `running step 3 of 9 (receive) for 4m10s, …`.
pub fn describe(row: &Row, now: i64, color: bool) -> String {
    let state = paint(row.state.label(), row.state, color);
    let Some(report) = &row.report else {
        return match &row.problem {
            Some(problem) => format!("{state} report: {}", one_line(problem)),
            None => state,
        };
    };
    let step = report.step.as_ref().map(|s| {
        format!(
            "step {} of {} ({})",
            s.index,
            s.total,
            one_line(&s.name).trim()
        )
    });
    let elapsed = row.elapsed_seconds().map(duration);
    let received =
        (report.bytes_received > 0).then(|| format!("{} received", bytes(report.bytes_received)));
    let mut text = state;
    match row.state {
        ClientState::Done => {
            if let Some(e) = &elapsed {
                let _ = write!(text, " in {e}");
            }
            if let Some(r) = received {
                let _ = write!(text, ", {r}");
            }
        }
        ClientState::Failed => {
            match &step {
                Some(step) => {
                    let _ = write!(text, " at {step}");
                }
                None => text.push_str(" before its first step"),
            }
            if let Some(e) = &elapsed {
                let _ = write!(text, " after {e}");
            }
        }
        _ => {
            match &step {
                Some(step) => {
                    let _ = write!(text, " {step}");
                }
                None => text.push_str(" (no step yet)"),
            }
            if let Some(e) = &elapsed {
                let _ = write!(text, " for {e}");
            }
            if let Some(r) = received {
                let _ = write!(text, ", {r}");
            }
            if let Some(ago) = row.since_update(now) {
                let _ = write!(text, ", updated {} ago", duration(ago));
            }
        }
    }
    if let Some(message) = report.message.as_deref().filter(|m| !m.trim().is_empty()) {
        let _ = write!(text, ": {}", one_line(message.trim()));
    }
    // The site's class makes another boot environment than the report names: an old
    // report, or a site changed since.
    if let Some(be) = &row.site_be
        && *be != report.be
    {
        let _ = write!(
            text,
            " [report is for BE {}, the site's class makes {be}]",
            one_line(&report.be)
        );
    }
    text
}
