//! `zflash generate`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use zflash_generator::{ChangeKind, GenerateError};

/// Generate a JumpStart directory (rules, rules.ok, profiles, sysidcfg, finish scripts,
/// deploy configs, install-server fragments) from a YAML site file.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  zflash generate site.yaml -o /export/jumpstart --plan
  zflash generate site.yaml -o /export/jumpstart
  zflash generate --schema > site.schema.json

Exit status: 0 written (or planned), 1 the site file has problems (all listed, nothing
written), 2 other errors. See docs/site-file.md.")]
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
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    if args.schema {
        out.write_all(zflash_generator::site::json_schema().as_bytes())?;
        return Ok(ExitCode::SUCCESS);
    }
    let site = args.site.expect("clap requires SITE");
    let dir = args.output.expect("clap requires --output");
    let files = match zflash_generator::generate(&site) {
        Ok(f) => f,
        Err(GenerateError::Site(errors)) => {
            // Every problem, one per line, then exit 1: bad input, nothing written.
            let mut err = std::io::stderr().lock();
            writeln!(err, "zflash: error: {errors}")?;
            writeln!(err, "nothing was written")?;
            return Ok(ExitCode::from(1));
        }
        Err(e) => return Err(e).context("nothing was written"),
    };
    if args.plan {
        zflash_generator::output::check_writable(&dir, args.force)
            .with_context(|| format!("planning {}", dir.display()))?;
        let changes = zflash_generator::output::plan(&dir, &files)?;
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
    let changes = zflash_generator::output::write(&dir, &files, args.force)
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
