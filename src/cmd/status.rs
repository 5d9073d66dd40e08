//! `zflash status`: every client of a site with the state its fleet report gives.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use zflash_archive::interrupt::Interrupt;
use zflash_generator::GenerateError;
use zflash_parser::check::CheckReport;
use zflash_parser::render::{Format, RenderOptions, render};
use zflash_status::html::{HtmlOptions, write_atomically};
use zflash_status::human::{HumanOptions, totals_line};
use zflash_status::{ClientState, Fleet, Warning, read_report_dir};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StatusFormat {
    Human,
    Json,
}

/// Show every client of a site: not started, running step N of M, done in T, or failed
/// at a step with its message; totals per state.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  zflash status site.yaml                       # on the server of the site's `reports:`
  zflash status site.yaml --reports /net/js-server/export/zflash/reports
  zflash status site.yaml --only failed,running
  zflash status site.yaml --format json | jq '.clients[] | select(.state == \"failed\")'
  zflash status site.yaml --html /var/www/rollout.html --watch 5

The report directory is --reports DIR, else the site's `reports:` (for
`server:/dir`, the /dir part: run status on that server, or give --reports).
See docs/status.md.

Exit status: 0 no client failed; 1 a client failed (with --all-done: or is not done);
2 error (bad site file, unreadable report directory); 130/143/129 --watch interrupted.")]
pub struct Args {
    /// The site file (YAML; see docs/site-file.md).
    pub site: PathBuf,
    /// The report directory (default: the site's `reports:` directory).
    #[arg(long, value_name = "DIR")]
    pub reports: Option<PathBuf>,
    /// Output format on stdout (JSON: every client, a stable shape; see docs/status.md).
    #[arg(long, value_enum, default_value = "human")]
    pub format: StatusFormat,
    /// Also write a static HTML page (totals, a table sortable by state; reloads itself).
    /// The human output is then the totals line only.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Seconds between reloads of the HTML page in a browser (0: no reload; default: the
    /// --watch interval, else 5).
    #[arg(long, value_name = "SECONDS", requires = "html",
          value_parser = clap::value_parser!(u32).range(0..=86_400))]
    pub refresh: Option<u32>,
    /// Rewrite the HTML page every SECONDS until interrupted (needs --html), printing
    /// the totals line each time.
    #[arg(long, value_name = "SECONDS", requires = "html",
          value_parser = clap::value_parser!(u32).range(1..=86_400))]
    pub watch: Option<u32>,
    /// List only clients in these states (human format; the totals count all):
    /// failed, unreadable, running, not_started, done.
    #[arg(long, value_name = "STATE", value_delimiter = ',', value_parser = parse_state)]
    pub only: Vec<ClientState>,
    /// Exit 1 unless every client of the site is done.
    #[arg(long)]
    pub all_done: bool,
}

fn parse_state(text: &str) -> Result<ClientState, String> {
    ClientState::parse(text).ok_or_else(|| {
        format!("unknown state {text:?}: expected failed, unreadable, running, not_started or done")
    })
}

/// "Now" for the view: `SOURCE_DATE_EPOCH` when set (reproducible output), else the clock.
fn now() -> anyhow::Result<i64> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(text) => text
            .trim()
            .parse()
            .with_context(|| format!("SOURCE_DATE_EPOCH is {text:?}: expected seconds since 1970")),
        Err(_) => Ok(std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64)),
    }
}

/// `global.quiet`: only failed and unreadable clients (nothing when there is none), no
/// totals and no warnings: the exit status tells. `global.color`: colour in human output.
pub fn run(args: Args, global: super::Global) -> anyhow::Result<ExitCode> {
    if args.watch.is_some() && args.format == StatusFormat::Json {
        anyhow::bail!(
            "--watch rewrites the --html page; it does not repeat the JSON output (run status --format json as often as needed)"
        );
    }
    let site = match zflash_generator::load_site(&args.site) {
        Ok(site) => site,
        Err(GenerateError::Site(errors)) => {
            let report = CheckReport {
                files: vec![errors.report()],
                files_checked: 1,
                rules_ok: Vec::new(),
            };
            let color = global.color_for(&std::io::stderr());
            let opts = RenderOptions {
                color,
                tool_version: Some(env!("CARGO_PKG_VERSION").to_string()),
            };
            std::io::stderr()
                .lock()
                .write_all(render(&report, Format::Human, &opts).as_bytes())?;
            anyhow::bail!(
                "{}: the site file has problems (listed above); status needs its list of clients",
                args.site.display()
            );
        }
        Err(e) => return Err(e.into()),
    };
    let dir = match (&args.reports, zflash_status::default_reports_dir(&site)) {
        (Some(dir), _) => dir.clone(),
        (None, Some(dir)) => dir,
        (None, None) => anyhow::bail!(
            "{} names no report directory (`reports:`): give one with --reports DIR",
            args.site.display()
        ),
    };
    if !dir.is_dir() {
        let hint = match (&args.reports, &site.reports) {
            (None, Some(zflash_generator::model::Location::Nfs { server, path })) => format!(
                " (the site's reports are {server}:{path}: run status on {server}, or give --reports with where that directory is mounted here)"
            ),
            _ => String::new(),
        };
        anyhow::bail!(
            "report directory {} does not exist or is not a directory{hint}",
            dir.display()
        );
    }
    let color = global.color_for(&std::io::stdout());

    let take = |now: i64| -> anyhow::Result<Fleet> {
        let reports = read_report_dir(&dir)?;
        Ok(Fleet::new(&args.site, &site, &dir, reports, now))
    };
    let fleet = take(now()?)?;
    let code = exit_code(&fleet, args.all_done);
    if !global.quiet {
        print_warnings(&fleet.warnings);
    }
    let mut out = std::io::stdout().lock();
    match args.format {
        StatusFormat::Json => out.write_all(zflash_status::json::render(&fleet).as_bytes())?,
        StatusFormat::Human => {
            let mut opts = HumanOptions {
                color,
                only: args.only.clone(),
                no_clients: args.html.is_some(),
                no_totals: false,
                no_others: false,
            };
            if global.quiet {
                opts.only = vec![ClientState::Failed, ClientState::Unreadable];
                opts.no_clients = false;
                opts.no_totals = true;
                opts.no_others = true;
            }
            if args.watch.is_some() && !global.quiet {
                // As every round of the watch prints it: with the time.
                writeln!(out, "{}", watch_line(&fleet, color))?;
            } else {
                out.write_all(zflash_status::human::render(&fleet, &opts).as_bytes())?;
            }
        }
    }
    out.flush()?;
    drop(out);

    let Some(page) = &args.html else {
        return Ok(code);
    };
    let html_opts = HtmlOptions {
        refresh_seconds: args.refresh.or(args.watch).unwrap_or(5),
    };
    write_page(page, &fleet, &html_opts)?;
    let Some(seconds) = args.watch else {
        return Ok(code);
    };
    watch(
        global.quiet,
        page,
        &html_opts,
        Duration::from_secs(seconds.into()),
        color,
        fleet.warnings,
        take,
    )
}

fn write_page(page: &Path, fleet: &Fleet, opts: &HtmlOptions) -> anyhow::Result<()> {
    let text = zflash_status::html::render(fleet, opts)?;
    write_atomically(page, &text)?;
    Ok(())
}

/// 1 when a client failed, or (`--all-done`) when one is not done.
fn exit_code(fleet: &Fleet, all_done: bool) -> ExitCode {
    let t = &fleet.totals;
    if t.failed > 0 || (all_done && t.done != t.clients) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn print_warnings(warnings: &[Warning]) {
    let mut err = std::io::stderr().lock();
    for w in warnings {
        let _ = writeln!(
            err,
            "zflash: warning: {}",
            zflash_status::one_line(&w.to_string())
        );
    }
}

/// `21:30:05 600 clients: 3 failed, …`: a round of `--watch`.
fn watch_line(fleet: &Fleet, color: bool) -> String {
    let time = zflash_runtime::report::format_utc(fleet.now);
    format!("{} {}", &time[11..19], totals_line(fleet, color))
}

/// `--watch`: rewrite the page every `every` until a signal; a round that cannot read
/// the report directory (an NFS hiccup) is a warning and the page keeps its last view.
fn watch(
    quiet: bool,
    page: &Path,
    opts: &HtmlOptions,
    every: Duration,
    color: bool,
    mut last_warnings: Vec<Warning>,
    take: impl Fn(i64) -> anyhow::Result<Fleet>,
) -> anyhow::Result<ExitCode> {
    let interrupt = Interrupt::install().context("cannot install the signal handlers")?;
    loop {
        if let Err(stop) = interrupt.sleep(every) {
            if !quiet {
                let _ = writeln!(
                    std::io::stderr(),
                    "zflash: status --watch {stop}; {} holds the last view",
                    page.display()
                );
            }
            return Ok(ExitCode::from(stop.exit_code()));
        }
        let fleet = match take(now()?) {
            Ok(fleet) => fleet,
            Err(e) => {
                if !quiet {
                    let _ = writeln!(std::io::stderr(), "zflash: warning: {e:#}; trying again");
                }
                continue;
            }
        };
        // Each bad file once, not once a round.
        if !quiet && fleet.warnings != last_warnings {
            let new: Vec<Warning> = fleet
                .warnings
                .iter()
                .filter(|w| !last_warnings.contains(w))
                .cloned()
                .collect();
            print_warnings(&new);
        }
        last_warnings = fleet.warnings.clone();
        write_page(page, &fleet, opts)?;
        if !quiet {
            let mut out = std::io::stdout().lock();
            writeln!(out, "{}", watch_line(&fleet, color))?;
            out.flush()?;
        }
    }
}
