//! The fleet report: one small JSON file per client, `<report dir>/<host>.json`, written by
//! `zflash finish` and by the generated loadzfs on start, after each step and at the end,
//! and read by `zflash status`. It is the one contract between the writers (Rust and
//! Bourne shell) and the reader, so its shape lives here.
//!
//! ```json
//! {"version":1,"client":"ws001","writer":"loadzfs","archive_id":"3f…","be":"s10u6",
//!  "state":"running","step":{"index":3,"total":9,"name":"receive"},"message":null,
//!  "started":"2026-12-05T21:03:30Z","updated":"2026-12-05T21:04:10Z","finished":null,
//!  "bytes_received":0}
//! ```
//!
//! Writers replace the file atomically (a temporary file in the same directory, then
//! `rename`/`mv`), so a reader sees the previous report or the next one, never half of
//! one. Times are UTC in the RFC 3339 form `date -u '+%Y-%m-%dT%H:%M:%SZ'` prints (the
//! Solaris 10 `date` has no `%s`): [`parse_utc`] turns them into seconds.

use serde::{Deserialize, Serialize};

/// The only report version this zflash writes and reads.
pub const REPORT_VERSION: u32 = 1;

/// Largest report file a reader accepts (a report is a few hundred bytes; a long message
/// is cut by the writers well before this).
pub const MAX_REPORT_BYTES: u64 = 64 << 10;

/// Longest message writers put in a report (characters); longer ones are cut.
pub const MAX_MESSAGE_CHARS: usize = 2000;

/// One client's report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// Must be [`REPORT_VERSION`].
    pub version: u32,
    /// The client's host name (`SI_HOSTNAME`); also the file name, `<client>.json`.
    pub client: String,
    /// Who wrote it.
    pub writer: Writer,
    /// The archive's id as the BE's `org.zflash:archive` property records it
    /// (`sha256:<hex>` or `guid:<hex>`, one per archive of the chain joined by `+`),
    /// when known.
    pub archive_id: Option<String>,
    /// Name of the boot environment being made.
    pub be: String,
    /// Where the deployment is.
    pub state: State,
    /// The step running (`running`), the step that failed (`failed`), the last step
    /// (`done`); `None` before the first step.
    pub step: Option<ReportStep>,
    /// Why it failed, or the last thing said; `None` when there is nothing to say.
    pub message: Option<String>,
    /// When the deployment started (UTC, `YYYY-MM-DDTHH:MM:SSZ`).
    pub started: String,
    /// When this report was written.
    pub updated: String,
    /// When it ended (`done` or `failed`); `None` while running.
    pub finished: Option<String>,
    /// Bytes of archive read so far (all archives of the chain).
    pub bytes_received: u64,
}

/// Who wrote a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Writer {
    /// `zflash finish`.
    Native,
    /// The generated Bourne-shell finish script.
    Loadzfs,
}

/// State of one client's deployment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Started, not ended.
    Running,
    /// Ended, the new boot environment is the pool's `bootfs`.
    Done,
    /// Ended with an error; the pool is as it was.
    Failed,
}

/// A step of the plan, as a report names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportStep {
    /// 1-based position of the step in the plan.
    pub index: u32,
    /// Number of steps of the plan.
    pub total: u32,
    /// The step's name as `zflash finish --plan` prints it.
    pub name: String,
}

/// A report that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// Not valid JSON of the report's shape.
    #[error("not a zflash report: {0}")]
    Shape(#[from] serde_json::Error),
    /// A version this zflash does not read.
    #[error("report version {0}: this zflash reads version {REPORT_VERSION}")]
    Version(u32),
    /// A time that is not `YYYY-MM-DDTHH:MM:SSZ`.
    #[error("`{field}` is {value:?}: expected a UTC time such as 2026-12-05T21:03:30Z")]
    Time {
        /// The field.
        field: &'static str,
        /// What it holds.
        value: String,
    },
}

impl Report {
    /// The file name of `client`'s report in the report directory.
    pub fn file_name(client: &str) -> String {
        format!("{client}.json")
    }

    /// Parse and check a report's bytes.
    pub fn from_json(bytes: &[u8]) -> Result<Report, ReportError> {
        let report: Report = serde_json::from_slice(bytes)?;
        if report.version != REPORT_VERSION {
            return Err(ReportError::Version(report.version));
        }
        let times = [
            ("started", Some(&report.started)),
            ("updated", Some(&report.updated)),
            ("finished", report.finished.as_ref()),
        ];
        for (field, value) in times {
            if let Some(value) = value
                && parse_utc(value).is_none()
            {
                return Err(ReportError::Time {
                    field,
                    value: value.clone(),
                });
            }
        }
        Ok(report)
    }

    /// The report as one line of JSON (what the writers put in the file).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a report always serializes")
    }

    /// Seconds from start to end (or to the last update while running).
    pub fn elapsed_seconds(&self) -> Option<i64> {
        let start = parse_utc(&self.started)?;
        let end = parse_utc(self.finished.as_deref().unwrap_or(&self.updated))?;
        Some(end - start)
    }
}

/// Seconds since 1970-01-01T00:00:00Z of a `YYYY-MM-DDTHH:MM:SSZ` time; `None` if it is
/// not exactly that form or not a real date.
pub fn parse_utc(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() != 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
        || b[19] != b'Z'
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let s = &text[r];
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())
            .flatten()
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&mo) || d < 1 || d > month_days[(mo - 1) as usize] {
        return None;
    }
    if h > 23 || mi > 59 || s > 60 {
        return None;
    }
    Some(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s)
}

/// The time `seconds` after the epoch as `YYYY-MM-DDTHH:MM:SSZ` (times before 1970 are
/// 1970: reports are never that old). The one formatter, shared with manifests.
pub fn format_utc(seconds: i64) -> String {
    zflash_archive::manifest::rfc3339_utc(seconds.max(0) as u64)
}

// Howard Hinnant's days-from-civil algorithm (proleptic Gregorian calendar); its inverse
// is in `zflash_archive::manifest::rfc3339_utc`.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Report {
        Report {
            version: REPORT_VERSION,
            client: "ws001".into(),
            writer: Writer::Loadzfs,
            archive_id: Some("ab".repeat(32)),
            be: "s10u6".into(),
            state: State::Failed,
            step: Some(ReportStep {
                index: 3,
                total: 9,
                name: "receive".into(),
            }),
            message: Some("quote \" backslash \\ newline \n end".into()),
            started: "2026-12-05T21:03:30Z".into(),
            updated: "2026-12-05T21:04:10Z".into(),
            finished: Some("2026-12-05T21:04:10Z".into()),
            bytes_received: 123,
        }
    }

    #[test]
    fn round_trips_and_measures_elapsed_time() {
        let r = sample();
        let back = Report::from_json(r.to_json().as_bytes()).unwrap();
        assert_eq!(back, r);
        assert_eq!(back.elapsed_seconds(), Some(40));
    }

    #[test]
    fn refuses_other_versions_unknown_keys_and_bad_times() {
        let json = sample().to_json();
        let v2 = json.replace("\"version\":1", "\"version\":2");
        assert!(matches!(
            Report::from_json(v2.as_bytes()),
            Err(ReportError::Version(2))
        ));
        let extra = json.replace("{\"version\"", "{\"x\":1,\"version\"");
        assert!(Report::from_json(extra.as_bytes()).is_err());
        let bad = json.replace("2026-12-05T21:03:30Z", "2026-13-05T21:03:30Z");
        assert!(matches!(
            Report::from_json(bad.as_bytes()),
            Err(ReportError::Time {
                field: "started",
                ..
            })
        ));
    }

    #[test]
    fn utc_times_round_trip() {
        assert_eq!(parse_utc("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_utc("2000-03-01T00:00:00Z"), Some(951_868_800));
        assert_eq!(parse_utc("2026-02-29T00:00:00Z"), None);
        assert_eq!(
            parse_utc("2024-02-29T00:00:00Z").map(format_utc).as_deref(),
            Some("2024-02-29T00:00:00Z")
        );
        for s in [0_i64, 86_399, 951_868_800, 1_796_511_810, 4_102_444_800] {
            assert_eq!(parse_utc(&format_utc(s)), Some(s));
        }
        assert_eq!(parse_utc("2026-12-05 21:03:30Z"), None);
        assert_eq!(parse_utc("2026-12-05T21:03:30+00:00"), None);
    }
}
