//! The loadzfs's fleet report: the plan's [`ReportTarget`] as shell variables, and the
//! calls of the report functions of `templates/loadzfs.tera` (`zf_report_*`, in the
//! script only when the plan has a target) that [`render_plan`](super::render_plan)
//! puts into the steps: the same moments as `zflash finish` (after the lock, at the
//! start of each step, at the end), the same file, mount and step names, since both
//! read them from the plan.

use std::fmt::Write as _;

use zflash_runtime::plan::{self, Plan};

use super::{Facts, chain_id_expr, single, word};

/// Assignments of the report's variables and the function giving the archive id as far
/// as it is known (empty without a report target).
pub(super) fn variables(plan: &Plan, facts: &Facts) -> String {
    let Some(t) = &plan.report else {
        return String::new();
    };
    let mut s = String::new();
    let (source, point, options, timeout) = match &t.mount {
        Some(m) => (
            word(&m.source),
            word(&m.target),
            word(&m.options),
            m.timeout_seconds,
        ),
        None => ("''".into(), "''".into(), "''".into(), 0),
    };
    let _ = write!(
        s,
        "\n# The fleet report (docs/reports.md): written from the lock on, see zf_report_open.\n\
         ZF_REPORT_FILE=\n\
         ZF_REPORT_OFF=0\n\
         ZF_REPORT_MOUNTED=0\n\
         ZF_REPORT_TARGET={file}\n\
         ZF_REPORT_TEMPS={temp}\n\
         ZF_REPORT_TEMP=\"$ZF_REPORT_TEMPS.$$\"\n\
         ZF_REPORT_MOUNT_SOURCE={source}\n\
         ZF_REPORT_MOUNT_POINT={point}\n\
         ZF_REPORT_MOUNT_OPTIONS={options}\n\
         ZF_REPORT_TIMEOUT={timeout}\n\
         ZF_REPORT_TOTAL={total}\n\
         ZF_REPORT_BE={be}\n\
         ZF_REPORT_ALREADY={already}\n\
         ZF_REPORT_STARTED=`date -u '+%Y-%m-%dT%H:%M:%SZ'`\n\
         ZF_REPORT_FINISHED=\n\
         ZF_REPORT_BYTES=0\n\
         ZF_STEP_INDEX=\n\
         ZF_STEP_NAME=\n\
         # The archive id as far as it is known (\"unknown\" parts: not yet read).\n\
         zf_report_archive_id() {{\n\
         \x20   echo {id}\n\
         }}",
        file = word(&t.file),
        temp = word(&t.temp_file),
        total = t.total_steps,
        be = single(&json_string(&t.be)),
        already = single(plan::report::ALREADY_DEPLOYED),
        id = chain_id_expr(facts),
    );
    s
}

/// `s` as a JSON string literal (at generate time: the BE's name).
fn json_string(s: &str) -> String {
    serde_json::to_string(s).expect("a string serializes")
}

/// The call at the start of step `index` (0-based) of the plan.
pub(super) fn step_start(index: usize, name: &str) -> String {
    format!("    zf_report_step {} {name}\n", index + 1)
}

/// The call after the lock is taken: mount, first report.
pub(super) fn after_lock() -> &'static str {
    "    zf_report_open\n"
}

/// The call after archive `archive` was received: its stored size added.
pub(super) fn after_receive(archive: &str) -> String {
    format!("    zf_report_add_bytes {}\n", word(archive))
}

/// The `done` report of a rerun that finished an interrupted clean-up (before `exit 0`).
pub(super) fn resumed(plan: &Plan) -> String {
    if plan.report.is_none() {
        return String::new();
    }
    format!("zf_report_end done {}\n", single(plan::report::RESUMED))
}
