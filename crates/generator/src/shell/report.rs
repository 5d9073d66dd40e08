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
    format!("zf_report_end \"done\" {}\n", single(plan::report::RESUMED))
}

#[cfg(test)]
mod tests {
    use zflash_runtime::config::DeployConfig;

    use super::super::{ArchiveFacts, render_plan, shell_plan_env};
    use super::*;
    use crate::model::Compression;

    fn render(reports: &str) -> (Plan, String) {
        let cfg = DeployConfig::from_yaml(&format!(
            "version: 1\narchive: /flash/gold.zfs\nincrements: [/flash/p1.zfs]\nbe_name: gold\nsysidcfg: /etc/sysidcfg\n{reports}"
        ))
        .unwrap();
        let plan = plan::build(&cfg, &shell_plan_env()).unwrap();
        let facts = Facts {
            archives: ["/flash/gold.zfs", "/flash/p1.zfs"]
                .iter()
                .map(|p| ArchiveFacts {
                    path: p.to_string(),
                    location: p.to_string(),
                    compression: Compression::None,
                    sha256: None,
                    arch: None,
                })
                .collect(),
        };
        let r = render_plan(&plan, &facts);
        let text = format!("{}\n{}\n{}\n{}", r.variables, r.rollback, r.steps, r.main);
        (plan, text)
    }

    #[test]
    fn without_a_report_directory_nothing_is_rendered() {
        let (plan, text) = render("");
        assert_eq!(plan.report, None);
        assert!(!text.contains("zf_report"), "{text}");
        assert!(!text.contains("ZF_REPORT"), "{text}");
    }

    #[test]
    fn every_step_reports_itself_from_the_plan() {
        let (plan, text) = render("reports: js:/export/zflash/reports\n");
        let t = plan.report.as_ref().unwrap();
        for (i, step) in plan.steps.iter().enumerate() {
            let name = step.kind.name();
            let start = text.find(&format!("zf_step_{name}() {{")).unwrap();
            let body = &text[start..start + text[start..].find("\n}\n").unwrap()];
            assert!(
                body.contains(&format!("    zf_report_step {} {name}\n", i + 1)),
                "{body}"
            );
        }
        let lock = &text[text.find("zf_step_lock() {").unwrap()..];
        let lock = &lock[..lock.find("\n}\n").unwrap()];
        assert!(
            lock.contains("zf_lock ") && lock.ends_with("zf_report_open\n    :"),
            "{lock}"
        );
        // Each receive adds its archive's size.
        assert_eq!(text.matches("zf_report_add_bytes '/flash/").count(), 2);
        assert!(text.contains(&format!("ZF_REPORT_TOTAL={}\n", t.total_steps)));
        assert!(
            text.contains(
                "ZF_REPORT_TARGET='/tmp/zflash-reports.rpool/'\"${SI_HOSTNAME}\"'.json'\n"
            ),
            "{text}"
        );
        assert!(text.contains("ZF_REPORT_MOUNT_SOURCE='js:/export/zflash/reports'\n"));
        assert!(text.contains("ZF_REPORT_MOUNT_OPTIONS='rw,soft,timeo=10,retrans=2,retry=0'\n"));
        assert!(text.contains("ZF_REPORT_BE='\"gold\"'\n"));
        // The id as far as known: the chain's parts, "unknown" until read.
        assert!(
            text.contains("    echo \"$ZF_ARCHIVE_ID\"'+'\"$ZF_INCREMENT_ID_1\"\n"),
            "{text}"
        );
        // The resume of a killed run's clean-up ends with a done report.
        assert!(text.contains(&format!(
            "zf_report_end \"done\" '{}'",
            plan::report::RESUMED
        )));
    }
}
