//! `zflash check`: lint JumpStart directories or files and write rules.ok like Solaris `check`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use zflash_parser::Severity;
use zflash_parser::check::{CheckOptions, CheckReport, FileKind, check_path};
use zflash_parser::render::{Format, RenderOptions, render};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum KindArg {
    Rules,
    RulesOk,
    Profile,
    Sysidcfg,
    Bootparams,
    Begin,
    Finish,
    CustomProbes,
}

impl From<KindArg> for FileKind {
    fn from(k: KindArg) -> FileKind {
        match k {
            KindArg::Rules => FileKind::Rules,
            KindArg::RulesOk => FileKind::RulesOk,
            KindArg::Profile => FileKind::Profile,
            KindArg::Sysidcfg => FileKind::Sysidcfg,
            KindArg::Bootparams => FileKind::Bootparams,
            KindArg::Begin => FileKind::Begin,
            KindArg::Finish => FileKind::Finish,
            KindArg::CustomProbes => FileKind::CustomProbes,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    Human,
    Json,
    Sarif,
    Github,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
}

/// Exit status: 0 no finding at or above --fail-on; 1 findings; 2 tool error (unreadable
/// path, bad flags).
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
zflash check /export/jumpstart                  # lint everything, write rules.ok when clean\n  \
zflash check --no-write --format sarif . > zflash.sarif\n  \
zflash check -r rules.test /export/jumpstart    # as Solaris check -r\n  \
zflash check --kind profile web.prof            # one file\n\n\
Exit status: 0 clean, 1 findings at or above --fail-on, 2 error.\n\
See `zflash explain --list` for every code.")]
pub struct Args {
    /// JumpStart directories or single files (default: the current directory).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Check this rules file instead of DIR/rules (as Solaris `check -r`; no rules.ok is
    /// written then). Profiles and scripts are looked up in the one PATH directory.
    #[arg(short = 'r', long = "rules", value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// Accepted for compatibility with Solaris `check -p IMAGE`; zflash has its own probe
    /// definitions, so the image is only verified to be a directory.
    #[arg(short = 'p', long = "image", value_name = "PATH")]
    pub image: Option<PathBuf>,
    /// Kind of a single file (default: from its name; a file starting with `#!` is a script, any other is a profile).
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,
    /// Do not write rules.ok even when the check is clean.
    #[arg(long)]
    pub no_write: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: FormatArg,
    /// Lowest severity that makes the exit status 1.
    #[arg(long, value_enum, default_value = "error")]
    pub fail_on: FailOn,
    /// Threads for the sysidcfg/bootparams files of a directory.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub threads: u16,
    /// Judge sysidcfg files and profiles for this Solaris 10 release (`10/08` or `s10u6`;
    /// 3/05 … 1/13): a keyword it does not know is an error (S223: the installer would
    /// ignore the file), one it asks for that is missing a warning (S224), ZFS-root profile
    /// keywords before 10/08 errors (P234).
    #[arg(long, value_name = "RELEASE", value_parser = parse_release)]
    pub release: Option<zflash_parser::release::Release>,
}

fn parse_release(s: &str) -> Result<zflash_parser::release::Release, String> {
    zflash_parser::release::Release::parse(s).ok_or_else(|| {
        format!(
            "unknown Solaris 10 release {s:?}: expected one of {} (or s10u0 … s10u11)",
            zflash_parser::release::Release::known_list()
        )
    })
}

/// `global.quiet`: nothing when there is no finding (human format), no rules.ok status
/// lines; `global.color`: findings in colour (human format, on stdout).
pub fn run(args: Args, global: super::Global) -> anyhow::Result<ExitCode> {
    if let Some(image) = &args.image
        && !image.is_dir()
    {
        anyhow::bail!(
            "{} is not a valid Solaris image directory (-p)",
            image.display()
        );
    }
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    if args.rules.is_some() && (paths.len() != 1 || !paths[0].is_dir()) {
        anyhow::bail!("-r FILE needs exactly one JumpStart directory PATH (default: .)");
    }
    let opts = CheckOptions {
        write_rules_ok: !args.no_write,
        rules_file: args.rules.clone(),
        kind: args.kind.map(FileKind::from),
        threads: usize::from(args.threads),
        release: args.release,
        // `DIR/deploy/*.yaml` with the validation `zflash finish` applies (D101), so that a
        // typo fails here and not in the miniroot; before rules.ok is decided.
        deploy_config: Some(zflash_parser::check::DeployConfigCheck {
            max_bytes: zflash_generator::deploy_check::MAX_DEPLOY_CONFIG_BYTES,
            check: zflash_generator::deploy_check::check,
        }),
    };
    let mut report = CheckReport::default();
    // The same directory or file named twice (`.` and `$PWD`) is checked once: its
    // findings would otherwise be reported, and counted, twice.
    let mut checked = std::collections::HashSet::new();
    for path in &paths {
        if let Ok(canonical) = std::fs::canonicalize(path)
            && !checked.insert(canonical)
        {
            continue;
        }
        // Every CheckError names the path already.
        let one = check_path(path, &opts)?;
        // A directory with nothing to lint is a wrong path (a typo in CI would otherwise
        // pass green); Solaris check also refuses a directory without `rules`.
        if one.files_checked == 0 && path.is_dir() {
            anyhow::bail!(
                "{}: no JumpStart files found (rules, profiles, sysidcfg, bootparams): is this the JumpStart directory?",
                path.display()
            );
        }
        report.extend(one);
    }

    let stdout = std::io::stdout();
    let color = global.color_for(&stdout);
    let format = match args.format {
        FormatArg::Human => Format::Human,
        FormatArg::Json => Format::Json,
        FormatArg::Sarif => Format::Sarif,
        FormatArg::Github => Format::Github,
    };
    let render_opts = RenderOptions {
        color,
        tool_version: Some(env!("CARGO_PKG_VERSION").to_string()),
    };
    let clean = report.findings().next().is_none();
    if !(global.quiet && clean && format == Format::Human) {
        let text = render(&report, format, &render_opts);
        let mut out = stdout.lock();
        out.write_all(text.as_bytes())?;
        out.flush()?;
    }
    // rules.ok outcomes are status, not findings: stderr, so machine formats stay clean.
    let mut err = std::io::stderr().lock();
    for outcome in report.rules_ok.iter().filter(|_| !global.quiet) {
        let _ = writeln!(err, "zflash: {}", outcome.message());
    }

    let threshold = match args.fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
        FailOn::Info => Severity::Info,
    };
    Ok(match report.max_severity() {
        Some(worst) if worst >= threshold => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    })
}
