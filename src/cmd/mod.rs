//! One module per subcommand; each has `Args` (clap) and `run(Args) -> Result<ExitCode>`.

use std::io::IsTerminal;

pub mod archive_common;
pub mod capture;
pub mod check;
pub mod completions;
pub mod explain;
pub mod finish;
pub mod generate;
pub mod info;
pub mod manifest;
pub mod status;
pub mod verify;

pub use check::ColorArg;

/// Flags every subcommand takes, before or after its name (`zflash --quiet info A` or
/// `zflash info A --quiet`); a subcommand gets them as its second `run` argument.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct Global {
    /// Colour: `auto` (only on a terminal, and NO_COLOR unset), `always` or `never`. It
    /// colours the findings of check, generate and finish, and every command's help and
    /// usage errors; the other outputs have none.
    #[arg(long, value_enum, default_value = "auto", global = true)]
    pub color: ColorArg,
    /// Print only what was asked for: no progress, step or summary lines (capture,
    /// finish, generate, manifest), nothing when clean (check), nothing at all for info and
    /// verify (the exit status tells). explain, completions and man print only what was
    /// asked for anyway.
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

impl Global {
    /// Whether to colour output written to `stream`.
    pub fn color_for(&self, stream: &impl IsTerminal) -> bool {
        match self.color {
            ColorArg::Always => true,
            ColorArg::Never => false,
            ColorArg::Auto => stream.is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        }
    }
}
