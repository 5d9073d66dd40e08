//! CLI integration tests: one binary, one module per subcommand.

mod cli {
    pub mod archive;
    pub mod capture_script;
    pub mod check;
    pub mod completions;
    pub mod finish;
    pub mod generate;
    pub mod hostile;
    pub mod jumpstart_env;
    pub mod multi_server;
    pub mod parity;
    pub mod reports;
    pub mod s10;
    pub mod secrets;
    pub mod status;
    pub mod support;
}
