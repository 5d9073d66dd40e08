//! `zflash status --format json`: one JSON document, a stable shape (documented in
//! docs/status.md). Every key is always there; what is not known is `null`.
//!
//! ```json
//! {"version":1,"site":"site.yaml","reports_dir":"/export/zflash/reports",
//!  "generated":"2026-12-05T21:30:00Z",
//!  "totals":{"clients":2,"failed":0,"unreadable":0,"running":1,"not_started":1,"done":0},
//!  "clients":[{"client":"ws001","class":"desktop","state":"running",
//!    "step":{"index":3,"total":9,"name":"receive"},"message":null,
//!    "started":"2026-12-05T21:03:30Z","updated":"2026-12-05T21:04:10Z","finished":null,
//!    "elapsed_seconds":40,"bytes_received":0,"be":"s10u6","archive_id":null,
//!    "writer":"loadzfs","report_file":"/export/zflash/reports/ws001.json","problem":null},
//!   …],
//!  "other_reports":[…],"warnings":[{"file":"…","message":"…"}]}
//! ```

use serde::Serialize;
use zflash_runtime::report::{ReportStep, Writer, format_utc};

use crate::{ClientState, Fleet, Row, Totals};

/// Version of the document's shape; a change that is not an addition bumps it.
pub const STATUS_JSON_VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    site: String,
    reports_dir: String,
    generated: String,
    totals: Totals,
    clients: Vec<Client<'a>>,
    other_reports: Vec<Client<'a>>,
    warnings: Vec<WarningOut<'a>>,
}

#[derive(Serialize)]
struct Client<'a> {
    client: &'a str,
    class: Option<&'a str>,
    state: ClientState,
    step: Option<&'a ReportStep>,
    message: Option<&'a str>,
    started: Option<&'a str>,
    updated: Option<&'a str>,
    finished: Option<&'a str>,
    elapsed_seconds: Option<i64>,
    bytes_received: Option<u64>,
    be: Option<&'a str>,
    archive_id: Option<&'a str>,
    writer: Option<Writer>,
    report_file: Option<String>,
    problem: Option<&'a str>,
}

#[derive(Serialize)]
struct WarningOut<'a> {
    file: String,
    message: &'a str,
}

fn client(row: &Row) -> Client<'_> {
    let r = row.report.as_ref();
    Client {
        client: &row.client,
        class: row.class.as_deref(),
        state: row.state,
        step: r.and_then(|r| r.step.as_ref()),
        message: r.and_then(|r| r.message.as_deref()),
        started: r.map(|r| r.started.as_str()),
        updated: r.map(|r| r.updated.as_str()),
        finished: r.and_then(|r| r.finished.as_deref()),
        elapsed_seconds: row.elapsed_seconds(),
        bytes_received: r.map(|r| r.bytes_received),
        be: r.map(|r| r.be.as_str()),
        archive_id: r.and_then(|r| r.archive_id.as_deref()),
        writer: r.map(|r| r.writer),
        report_file: row.file.as_ref().map(|f| f.display().to_string()),
        problem: row.problem.as_deref(),
    }
}

/// The fleet as a pretty-printed JSON document (with a final newline).
pub fn render(fleet: &Fleet) -> String {
    let doc = Document {
        version: STATUS_JSON_VERSION,
        site: fleet.site.display().to_string(),
        reports_dir: fleet.reports_dir.display().to_string(),
        generated: format_utc(fleet.now),
        totals: fleet.totals,
        clients: fleet.clients.iter().map(client).collect(),
        other_reports: fleet.others.iter().map(client).collect(),
        warnings: fleet
            .warnings
            .iter()
            .map(|w| WarningOut {
                file: w.file.display().to_string(),
                message: &w.message,
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&doc).expect("the status document serializes");
    text.push('\n');
    text
}
