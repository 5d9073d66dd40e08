//! `zflash`: deploy Solaris-family systems from a golden ZFS image.
//!
//! The binary is thin: it parses flags (clap), dispatches to one module per subcommand
//! under `cmd/`, and maps the outcome to an exit code. Library crates return typed
//! errors; only this binary uses `anyhow`.

use std::io::Write;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

mod cmd;

/// Capture, generate, check and deploy golden ZFS boot environments through JumpStart.
#[derive(Debug, Parser)]
#[command(name = "zflash", version, about, long_about = None)]
#[command(after_help = "Examples:
  zflash generate site.yaml -o /export/jumpstart --plan
  zflash check /export/jumpstart
  zflash --quiet verify golden.zfs.gz && echo valid
  zflash explain Y004

`--color` and `--quiet` are taken by every command, before or after its name.
`zflash help COMMAND` (or `zflash COMMAND --help`) has each command's examples.")]
struct Cli {
    #[command(flatten)]
    global: cmd::Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Lint a JumpStart directory or file and write rules.ok like Solaris `check`.
    Check(cmd::check::Args),
    /// Print the documentation of a lint rule.
    Explain(cmd::explain::Args),
    /// Snapshot a dataset and write a verified, optionally compressed archive.
    #[command(after_help = "Examples:
  zflash capture rpool/ROOT/s10u6 --snapshot flar -o golden.zfs.gz
  zflash capture rpool/ROOT/s10u6 --snapshot p1 --from flar -o golden-p1.zfs.gz
  zflash capture rpool/ROOT/s10u6 --recursive -o golden.zfs.zst   # with BE/var

Exit status: 0 archive and manifest written; 2 error (nothing left behind);
130/143/129 interrupted by SIGINT/SIGTERM/SIGHUP (nothing left behind).")]
    Capture(cmd::capture::Args),
    /// Show an archive's manifest and stream summary.
    #[command(after_help = "Examples:
  zflash info golden.zfs.gz
  zflash info --json golden.zfs.gz golden-p1.zfs.gz

Exit status: 0 readable (and the chain holds); 1 damaged header or broken chain;
2 usage or I/O error.")]
    Info(cmd::info::Args),
    /// Walk every record of archives or bare send streams and check all checksums.
    #[command(after_help = "Examples:
  zflash verify golden.zfs.gz
  zflash verify --json golden.zfs.gz golden-p1.zfs.gz   # base, then its increments

Exit status: 0 valid; 1 damaged, digest mismatch or broken chain; 2 usage or I/O error.")]
    Verify(cmd::verify::Args),
    /// Verify an archive and write its manifest, or complete the capture script's.
    #[command(after_help = "Examples:
  zflash manifest golden.zfs.gz --arch sparc --platform sun4v   # a bare zfs send file
  zflash manifest golden.zfs.gz    # complete the manifest capture/golden.sh wrote

Exit status: 0 manifest written or complete; 1 the archive is damaged or does not match
its manifest; 2 usage or I/O error, or a flag contradicts the manifest.")]
    Manifest(cmd::manifest::Args),
    /// Deploy an archive as a new boot environment (the JumpStart finish step).
    Finish(cmd::finish::Args),
    /// Generate a JumpStart directory from a YAML site file.
    Generate(cmd::generate::Args),
    /// Show every client of a site: not started, running, done or failed (fleet reports).
    Status(cmd::status::Args),
    /// Print a shell completion script (bash, zsh, fish, …).
    Completions(cmd::completions::CompletionsArgs),
    /// Print the man page, or write one per command (`--dir`).
    Man(cmd::completions::ManArgs),
}

/// Exit status when stdout was closed before all output was written (`| head`).
const EXIT_BROKEN_PIPE: u8 = 128 + 13;

/// Exit status of a subcommand that ran to completion.
///
/// 0: success/clean; 1: findings or a failed verification/deployment; 2: usage or I/O
/// error (also used for any `Err` that reaches `main`); 141: stdout closed early (as SIGPIPE).
fn main() -> ExitCode {
    let cli = parse();
    let global = cli.global;
    let result = match cli.command {
        Command::Check(a) => cmd::check::run(a, global),
        Command::Explain(a) => cmd::explain::run(a),
        Command::Capture(a) => cmd::capture::run(a, global),
        Command::Info(a) => cmd::info::run(a, global),
        Command::Verify(a) => cmd::verify::run(a, global),
        Command::Manifest(a) => cmd::manifest::run(a, global),
        Command::Finish(a) => cmd::finish::run(a, global),
        Command::Generate(a) => cmd::generate::run(a, global),
        Command::Status(a) => cmd::status::run(a, global),
        Command::Completions(a) => cmd::completions::completions(a, Cli::command()),
        Command::Man(a) => cmd::completions::man(a, Cli::command()),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            // A closed stdout (`zflash info | head`) is not an error worth a message, but
            // not a success either: the output was cut short, and whatever the run found
            // (a damaged archive, findings) was not all reported. Exit as a process killed
            // by SIGPIPE would (128 + 13), so `set -o pipefail` pipelines fail.
            if err.chain().any(is_broken_pipe) {
                return ExitCode::from(EXIT_BROKEN_PIPE);
            }
            let mut stderr = std::io::stderr().lock();
            let _ = writeln!(stderr, "zflash: error: {err}");
            for cause in err.chain().skip(1) {
                let _ = writeln!(stderr, "  caused by: {cause}");
            }
            ExitCode::from(2)
        }
    }
}

/// The command line, with `--color` applied to clap's own help and usage errors too
/// (they are printed while parsing, before the flag's value is known otherwise).
fn parse() -> Cli {
    let choice = color_choice(std::env::args_os().skip(1));
    let matches = Cli::command().color(choice).get_matches();
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

/// The last `--color WHEN` / `--color=WHEN` before a `--` (clap's `auto` otherwise).
fn color_choice(args: impl Iterator<Item = std::ffi::OsString>) -> clap::ColorChoice {
    let mut choice = clap::ColorChoice::Auto;
    let mut args = args.map(|a| a.to_string_lossy().into_owned());
    while let Some(arg) = args.next() {
        let value = match arg.as_str() {
            "--" => break,
            "--color" => args.next(),
            _ => arg.strip_prefix("--color=").map(str::to_string),
        };
        choice = match value.as_deref() {
            Some("always") => clap::ColorChoice::Always,
            Some("never") => clap::ColorChoice::Never,
            Some("auto") => clap::ColorChoice::Auto,
            _ => choice,
        };
    }
    choice
}

/// Is this error a write to a closed pipe, directly or inside a JSON serialiser's error?
fn is_broken_pipe(err: &(dyn std::error::Error + 'static)) -> bool {
    if let Some(io) = err.downcast_ref::<std::io::Error>() {
        return io.kind() == std::io::ErrorKind::BrokenPipe;
    }
    err.downcast_ref::<serde_json::Error>()
        .and_then(serde_json::Error::io_error_kind)
        == Some(std::io::ErrorKind::BrokenPipe)
}
