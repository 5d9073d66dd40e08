//! `zflash finish`: the JumpStart finish step — deploy a ZFS archive as the new boot
//! environment (replaces the hand-written `loadzfs` script). See docs/deploy.md.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use zflash_runtime::config::DeployConfig;
use zflash_runtime::exec::{self, Events, Fault, FinishOptions, Outcome};
use zflash_runtime::platform::Platform;

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  zflash finish --config $SI_CONFIG_DIR/deploy/$SI_HOSTNAME.yaml --plan
  zflash finish --config $SI_CONFIG_DIR/deploy/$SI_HOSTNAME.yaml --events /a/var/tmp/zflash.jsonl

Exit status: 0 deployed or nothing to do; 1 deployment failed and was rolled back (or,
after the bootfs switch, its clean-up failed: rerun); 2 bad invocation or config
(nothing touched). See docs/deploy.md.")]
pub struct Args {
    /// Deploy config (YAML, version 1; `zflash generate` writes deploy/<host>.yaml)
    /// [default: $SI_CONFIG_DIR/zflash-deploy.yaml]
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Root of the installed system, where the pool's altroot is
    #[arg(long, value_name = "DIR", default_value = "/a")]
    altroot: String,
    /// Print the plan (human, or JSON with --json) and change nothing
    #[arg(long)]
    plan: bool,
    /// Print the final report (or the plan) as JSON on stdout
    #[arg(long)]
    json: bool,
    /// Write JSON-lines events to FILE (`-` = stdout)
    #[arg(long, value_name = "FILE|-")]
    events: Option<String>,
    /// Replace an existing boot environment of the same name not deployed from this archive
    #[arg(long)]
    force: bool,
    /// Read every archive through (records, checksums, digest) in preflight, before any
    /// change, as well as during the receive (config `verify_first: true`)
    #[arg(long)]
    verify_first: bool,
    /// Skip the free-space preflight check (for tests of a pool filling up)
    #[arg(long, hide = true)]
    skip_space_check: bool,
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_default()
}

/// `global.quiet`: no step lines and no progress bar on stderr; `global.color`: deploy-config
/// problems in colour.
pub fn run(args: Args, global: super::Global) -> anyhow::Result<ExitCode> {
    let si_config_dir = env("SI_CONFIG_DIR");
    let config_path = match &args.config {
        Some(p) => p.clone(),
        None if !si_config_dir.is_empty() => {
            PathBuf::from(&si_config_dir).join("zflash-deploy.yaml")
        }
        None => anyhow::bail!("no deploy config: give --config FILE (or set SI_CONFIG_DIR)"),
    };
    if args.config.is_none() && !config_path.exists() {
        // A generated JumpStart directory has one config per client, not the default name.
        let generated = PathBuf::from(&si_config_dir)
            .join("deploy")
            .join(format!("{}.yaml", env("SI_HOSTNAME")));
        if !env("SI_HOSTNAME").is_empty() && generated.is_file() {
            anyhow::bail!(
                "no deploy config {} (the default); this JumpStart directory has {} (written by `zflash generate`): pass it with --config",
                config_path.display(),
                generated.display()
            );
        }
    }
    // Problems of the config are findings (D101) rendered like `check`'s, with the line,
    // column and excerpt; only an unreadable file is a plain error.
    // A config that cannot be read as a regular file (a FIFO, `/dev/zero`, a directory)
    // is refused here, before anything else would read it without end.
    let report =
        zflash_generator::deploy_check::check_file(&config_path).map_err(anyhow::Error::msg)?;
    if !report.findings.is_empty() {
        let report = zflash_parser::check::CheckReport {
            files: vec![report],
            files_checked: 1,
            rules_ok: Vec::new(),
        };
        let color = global.color_for(&std::io::stderr());
        let text = zflash_parser::render::human(&report, color);
        let mut err = std::io::stderr().lock();
        err.write_all(text.as_bytes())?;
        writeln!(
            err,
            "zflash: error: invalid deploy config {}: nothing was changed",
            config_path.display()
        )?;
        return Ok(ExitCode::from(2));
    }
    let mut cfg = DeployConfig::load(&config_path)?;
    cfg.verify_first |= args.verify_first;
    let fault = Fault::from_env();
    let opts = FinishOptions {
        altroot: args.altroot.clone(),
        si_config_dir,
        si_hostname: env("SI_HOSTNAME"),
        si_arch: env("SI_ARCH"),
        si_karch: env("SI_KARCH"),
        force: args.force,
        skip_space_check: args.skip_space_check,
        progress: !global.quiet,
        verbose: !global.quiet && !args.plan,
        fault,
    };

    if args.plan {
        let plan = exec::plan_for(&cfg, &opts)?;
        if args.json {
            emit(&format!("{}\n", serde_json::to_string_pretty(&plan)?))?;
        } else {
            emit(&plan.to_string())?;
        }
        return Ok(ExitCode::SUCCESS);
    }

    let sink: Option<Box<dyn Write>> = match args.events.as_deref() {
        None => None,
        Some("-") => Some(Box::new(std::io::stdout())),
        Some(path) => Some(Box::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot create events file {path}"))?,
        )),
    };
    let mut events = Events::new(sink);
    let report = exec::finish(&cfg, &opts, &Platform::detect(), &mut events);
    if args.json {
        emit(&format!("{}\n", serde_json::to_string_pretty(&report)?))?;
    } else {
        emit(&report.to_string())?;
    }
    Ok(if report.outcome == Outcome::Failed {
        if !args.json {
            eprintln!(
                "zflash: error: {}",
                report.error.as_deref().unwrap_or("deployment failed")
            );
        }
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Write to stdout; a closed pipe (`zflash finish --plan | head`) is not an error.
fn emit(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(anyhow::Error::new(e).context("cannot write to stdout"))
        }
        _ => Ok(()),
    }
}
