//! CLI integration tests: one binary, one module per subcommand.

mod cli {
    pub mod archive;
    pub mod check;
    pub mod completions;
    pub mod finish;
    pub mod generate;
}
