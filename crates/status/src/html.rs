//! `zflash status --html FILE`: one static page (templates/status.html.tera) that needs no
//! network access: inline CSS and script, totals, the clients' table sortable by every
//! column (by state, failures first, when opened), and a reload every few seconds so a
//! browser left on it shows what the next write of the file says. The reload is the
//! script's `location.reload()`, which keeps the URL fragment that holds the view; a
//! `<meta http-equiv="refresh">` (kept for browsers without JavaScript, in `<noscript>`)
//! does not reload a URL with a fragment, it only scrolls to it.
//!
//! Everything from the site and the reports is HTML-escaped by tera's autoescape: a
//! message `<script>…` is text on the page.

use std::io::Write;
use std::path::Path;

use serde::Serialize;
use tera::{Context, Tera};
use zflash_runtime::report::format_utc;

use crate::{ClientState, Fleet, Row, bytes, duration, printable};

const TEMPLATE: &str = include_str!("../../../templates/status.html.tera");

/// A page that could not be rendered or written.
#[derive(Debug, thiserror::Error)]
pub enum HtmlError {
    /// The template failed (a bug: it only sees values made here).
    #[error("status page template: {0}")]
    Template(String),
    /// The file could not be written.
    #[error("cannot write {}: {error}", path.display())]
    Write {
        /// The page.
        path: std::path::PathBuf,
        /// Why.
        error: std::io::Error,
    },
}

/// How the page behaves.
#[derive(Debug, Clone)]
pub struct HtmlOptions {
    /// Seconds between the page's reloads (`0`: it does not reload).
    pub refresh_seconds: u32,
}

#[derive(Serialize)]
struct TotalOut {
    key: &'static str,
    label: &'static str,
    count: usize,
}

/// A row as the template shows it: the text of each cell and, for sorting, its value
/// (`*_v`; empty when unknown).
#[derive(Serialize)]
struct RowOut {
    client: String,
    class: String,
    state: &'static str,
    label: &'static str,
    rank: usize,
    step: String,
    step_v: String,
    elapsed: String,
    elapsed_v: String,
    updated: String,
    updated_v: String,
    received: String,
    received_v: String,
    message: String,
}

#[derive(Serialize)]
struct WarningOut {
    file: String,
    message: String,
}

fn row_out(row: &Row, now: i64) -> RowOut {
    let report = row.report.as_ref();
    let step = report.and_then(|r| r.step.as_ref());
    let rank = ClientState::ALL
        .iter()
        .position(|&s| s == row.state)
        .expect("every state is in ALL");
    let elapsed = row.elapsed_seconds();
    let updated = report.and_then(|r| zflash_runtime::report::parse_utc(&r.updated));
    let message = match (report, &row.problem) {
        (Some(r), _) => printable(r.message.as_deref().unwrap_or_default()),
        (None, Some(problem)) => printable(problem),
        (None, None) => String::new(),
    };
    RowOut {
        client: printable(&row.client),
        class: row.class.clone().unwrap_or_default(),
        state: row.state.key(),
        label: row.state.label(),
        rank,
        step: step
            .map(|s| format!("{} of {} ({})", s.index, s.total, printable(&s.name)))
            .unwrap_or_default(),
        // Sorted by how far a client got: step index over the step count.
        step_v: step
            .map(|s| format!("{:.4}", f64::from(s.index) / f64::from(s.total.max(1))))
            .unwrap_or_default(),
        elapsed: elapsed.map(duration).unwrap_or_default(),
        elapsed_v: elapsed.map(|e| e.to_string()).unwrap_or_default(),
        updated: updated
            .map(|u| format!("{} ({} ago)", &format_utc(u)[11..19], duration(now - u)))
            .unwrap_or_default(),
        updated_v: updated.map(|u| u.to_string()).unwrap_or_default(),
        received: report
            .filter(|r| r.bytes_received > 0)
            .map(|r| bytes(r.bytes_received))
            .unwrap_or_default(),
        received_v: report
            .map(|r| r.bytes_received.to_string())
            .unwrap_or_default(),
        message,
    }
}

/// The page for `fleet`.
pub fn render(fleet: &Fleet, opts: &HtmlOptions) -> Result<String, HtmlError> {
    let mut tera = Tera::new();
    // Named `status.html`, so autoescaped: made explicit, as the page's safety rests on it.
    tera.autoescape_on([".html"]);
    tera.add_raw_template("status.html", TEMPLATE)
        .map_err(|e| HtmlError::Template(error_chain(&e)))?;
    let mut ctx = Context::new();
    let t = &fleet.totals;
    ctx.insert("version", env!("CARGO_PKG_VERSION"));
    ctx.insert(
        "title",
        &fleet
            .site
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    );
    ctx.insert("site", &fleet.site.display().to_string());
    ctx.insert("reports_dir", &fleet.reports_dir.display().to_string());
    ctx.insert("generated", &format_utc(fleet.now));
    ctx.insert("refresh", &opts.refresh_seconds);
    ctx.insert("clients", &t.clients);
    ctx.insert("failed", &t.failed);
    ctx.insert("done", &t.done);
    let totals: Vec<TotalOut> = ClientState::ALL
        .into_iter()
        .map(|s| TotalOut {
            key: s.key(),
            label: s.label(),
            count: t.of(s),
        })
        .collect();
    ctx.insert("totals", &totals);
    let rows: Vec<RowOut> = fleet
        .clients
        .iter()
        .map(|r| row_out(r, fleet.now))
        .collect();
    ctx.insert("rows", &rows);
    let others: Vec<RowOut> = fleet.others.iter().map(|r| row_out(r, fleet.now)).collect();
    ctx.insert("others", &others);
    let warnings: Vec<WarningOut> = fleet
        .warnings
        .iter()
        .map(|w| WarningOut {
            file: printable(&w.file.display().to_string()),
            message: printable(&w.message),
        })
        .collect();
    ctx.insert("warnings", &warnings);
    tera.render("status.html", &ctx)
        .map_err(|e| HtmlError::Template(error_chain(&e)))
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}

/// Replace `path` with `text` atomically: a temporary file in the same directory, then
/// a rename, so a browser reloading the page reads the old page or the new one, never
/// half of one. The page is world-readable (0644), as a file served to a browser is.
pub fn write_atomically(path: &Path, text: &str) -> Result<(), HtmlError> {
    let fail = |error| HtmlError::Write {
        path: path.to_path_buf(),
        error,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(fail)?;
    tmp.write_all(text.as_bytes()).map_err(fail)?;
    tmp.as_file().sync_data().map_err(fail)?;
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o644))
            .map_err(fail)?;
    }
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}
