//! `zflash completions SHELL` (clap_complete) and `zflash man` (clap_mangen): generated
//! from the same clap definitions as the commands, so they cannot drift.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

/// Print a shell completion script.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  zflash completions bash > /etc/bash_completion.d/zflash
  zflash completions zsh > \"${fpath[1]}/_zflash\"
  zflash completions fish > ~/.config/fish/completions/zflash.fish

Exit status: 0 printed; 2 error.")]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Print the man page, or write one page per command into a directory.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  zflash man | man -l -
  zflash man --dir /usr/local/share/man/man1   # zflash.1, zflash-check.1, …

Exit status: 0 written; 2 error.")]
pub struct ManArgs {
    /// Write `zflash.1` and `zflash-<command>.1` for every command into DIR instead of
    /// printing `zflash.1`.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

pub fn completions(args: CompletionsArgs, mut cmd: clap::Command) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    clap_complete::generate(args.shell, &mut cmd, "zflash", &mut out);
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

pub fn man(args: ManArgs, cmd: clap::Command) -> anyhow::Result<ExitCode> {
    let mut cmd = cmd.name("zflash");
    // Propagates the global flags (`--color`, `--quiet`) into every subcommand, whose
    // pages are rendered on their own below.
    cmd.build();
    match &args.dir {
        None => {
            let mut out = std::io::stdout().lock();
            clap_mangen::Man::new(cmd).render(&mut out)?;
            out.flush()?;
        }
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            let write = |name: String, page: clap::Command| -> anyhow::Result<()> {
                let path = dir.join(format!("{name}.1"));
                let mut bytes = Vec::new();
                clap_mangen::Man::new(page).render(&mut bytes)?;
                std::fs::write(&path, bytes)
                    .with_context(|| format!("cannot write {}", path.display()))
            };
            for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
                let name = format!("zflash-{}", sub.get_name());
                write(name.clone(), sub.clone().name(name))?;
            }
            write("zflash".into(), cmd)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
