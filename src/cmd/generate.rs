//! `zflash generate`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use zflash_generator::{ChangeKind, GenerateError};
use zflash_parser::Severity;
use zflash_parser::check::CheckReport;
use zflash_parser::render::{Format, RenderOptions, render};

use super::Global;
use super::check::{FailOn, FormatArg};

/// Generate a JumpStart directory (rules, rules.ok, profiles, sysidcfg, finish scripts,
/// deploy configs, install-server fragments) from a YAML site file.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  zflash generate site.yaml -o /export/jumpstart --plan
  zflash generate site.yaml -o /export/jumpstart
  zflash generate --schema > site.schema.json

  zflash generate site.yaml -o /export/jumpstart --plan --format json   # problems as JSON

Exit status: 0 written (or planned), 1 the site file has problems (all listed, nothing
written), 2 other errors. See docs/site-file.md; `zflash explain Y101` for a code.")]
pub struct Args {
    /// The site file (YAML; see docs/site-file.md).
    #[arg(required_unless_present = "schema")]
    pub site: Option<PathBuf>,
    /// Output directory (created if missing; updated in place if a previous `generate`
    /// wrote it).
    #[arg(short, long, value_name = "DIR", required_unless_present_any = ["schema"])]
    pub output: Option<PathBuf>,
    /// Show per client which files would be created, changed or removed; write nothing.
    #[arg(long)]
    pub plan: bool,
    /// Write into an existing non-empty directory that `generate` did not create.
    #[arg(long)]
    pub force: bool,
    /// Print the site file's JSON Schema and exit.
    #[arg(long, exclusive = true)]
    pub schema: bool,
    /// Format of site-file problems (codes `Y…`), as for `zflash check`: human (on
    /// stderr, with excerpts) or json/sarif/github (on stdout; an empty report when clean).
    #[arg(long, value_enum, default_value = "human")]
    pub format: FormatArg,
    /// Lowest severity that makes the exit status 1 (every site problem is an error).
    #[arg(long, value_enum, default_value = "error")]
    pub fail_on: FailOn,
}

/// Render `report` as `check` does; human goes to stderr, machine formats to stdout.
fn show(report: &CheckReport, args: &Args, global: Global) -> anyhow::Result<()> {
    let format = match args.format {
        FormatArg::Human => Format::Human,
        FormatArg::Json => Format::Json,
        FormatArg::Sarif => Format::Sarif,
        FormatArg::Github => Format::Github,
    };
    let color = global.color_for(&std::io::stderr());
    let opts = RenderOptions {
        color: color && format == Format::Human,
        tool_version: Some(env!("CARGO_PKG_VERSION").to_string()),
    };
    let text = render(report, format, &opts);
    if format == Format::Human {
        std::io::stderr().lock().write_all(text.as_bytes())?;
    } else {
        std::io::stdout().lock().write_all(text.as_bytes())?;
    }
    Ok(())
}

/// `global.quiet`: nothing on success; `global.color`: problems in colour (human, stderr).
pub fn run(args: Args, global: Global) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    if args.schema {
        out.write_all(zflash_generator::site::json_schema().as_bytes())?;
        return Ok(ExitCode::SUCCESS);
    }
    let site = args.site.clone().expect("clap requires SITE");
    let dir = args.output.clone().expect("clap requires --output");
    let files = match zflash_generator::generate(&site) {
        Ok(f) => f,
        Err(GenerateError::Site(errors)) => {
            // Every problem, rendered like `check` findings, then exit 1: bad input,
            // nothing written.
            let report = CheckReport {
                files: vec![errors.report()],
                files_checked: 1,
                rules_ok: Vec::new(),
            };
            show(&report, &args, global)?;
            writeln!(std::io::stderr().lock(), "nothing was written")?;
            let threshold = match args.fail_on {
                FailOn::Error => Severity::Error,
                FailOn::Warning => Severity::Warning,
                FailOn::Info => Severity::Info,
            };
            return Ok(match report.max_severity() {
                Some(worst) if worst >= threshold => ExitCode::from(1),
                _ => ExitCode::SUCCESS,
            });
        }
        Err(e) => return Err(e).context("nothing was written"),
    };
    if args.format != FormatArg::Human {
        // A clean report, so that a consumer always reads one document.
        let clean = CheckReport {
            files: Vec::new(),
            files_checked: 1,
            rules_ok: Vec::new(),
        };
        show(&clean, &args, global)?;
        // What was written goes to stderr then: stdout holds the report.
        out = std::io::stdout().lock();
        if !global.quiet {
            let mut err = std::io::stderr().lock();
            return finish_run(&mut err, &args, &dir, &files);
        }
    }
    if global.quiet {
        let mut sink = std::io::sink();
        return finish_run(&mut sink, &args, &dir, &files);
    }
    finish_run(&mut out, &args, &dir, &files)
}

/// Plan or write `files` into `dir`, telling `out` what was (or would be) done.
fn finish_run(
    out: &mut dyn Write,
    args: &Args,
    dir: &std::path::Path,
    files: &zflash_generator::Files,
) -> anyhow::Result<ExitCode> {
    let (dir, files) = (dir.to_path_buf(), files);
    if args.plan {
        zflash_generator::output::check_writable(&dir, args.force)
            .with_context(|| format!("planning {}", dir.display()))?;
        let changes = zflash_generator::output::plan(&dir, files)?;
        let mut site_wide = Vec::new();
        let mut per_client: BTreeMap<String, Vec<_>> = BTreeMap::new();
        for c in changes.iter().filter(|c| c.kind != ChangeKind::Unchanged) {
            match &c.client {
                Some(h) => per_client.entry(h.clone()).or_default().push(c),
                None => site_wide.push(c),
            }
        }
        let unchanged = changes
            .iter()
            .filter(|c| c.kind == ChangeKind::Unchanged)
            .count();
        writeln!(out, "plan for {} (nothing written):", dir.display())?;
        let line = |c: &zflash_generator::Change| match c.warning() {
            Some(w) if args.force => format!("  {:<7} {}  ({w}: --force)", c.kind.as_str(), c.path),
            Some(w) => format!(
                "  {:<7} {}  ({w}: refused without --force)",
                c.kind.as_str(),
                c.path
            ),
            None => format!("  {:<7} {}", c.kind.as_str(), c.path),
        };
        if !site_wide.is_empty() {
            writeln!(out, "site:")?;
            for c in &site_wide {
                writeln!(out, "{}", line(c))?;
            }
        }
        for (host, list) in &per_client {
            writeln!(out, "{host}:")?;
            for c in list {
                writeln!(out, "{}", line(c))?;
            }
        }
        let count = |k| changes.iter().filter(|c| c.kind == k).count();
        writeln!(
            out,
            "{} to create, {} to change, {} to remove, {unchanged} unchanged",
            count(ChangeKind::Create),
            count(ChangeKind::Change),
            count(ChangeKind::Remove)
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let changes = zflash_generator::output::write(&dir, files, args.force)
        .with_context(|| format!("writing {}", dir.display()))?;
    let count = |k| changes.iter().filter(|c| c.kind == k).count();
    writeln!(
        out,
        "{}: {} files ({} created, {} changed, {} removed, {} unchanged)",
        dir.display(),
        files.len(),
        count(ChangeKind::Create),
        count(ChangeKind::Change),
        count(ChangeKind::Remove),
        count(ChangeKind::Unchanged)
    )?;
    Ok(ExitCode::SUCCESS)
}
