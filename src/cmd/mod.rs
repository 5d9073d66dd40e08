//! One module per subcommand; each has `Args` (clap) and `run(Args) -> Result<ExitCode>`.

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
