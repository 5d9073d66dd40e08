//! Parse, lint and derive `rules.ok` for a `rules` file, for `scripts/bench-rules`.
//! Prints the number of rules and diagnostics; exits 1 on an unreadable file.

use zflash_parser::{SourceFile, rules};

fn main() -> std::process::ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: rules_bench RULES_FILE");
        return std::process::ExitCode::FAILURE;
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let (src, _) = SourceFile::from_bytes(path, &bytes);
    let (file, mut diags) = rules::parse(&src);
    diags.extend(rules::lint(&src, &file));
    let ok = rules::rules_ok(&src);
    println!(
        "{} rules, {} diagnostics, rules.ok {} bytes",
        file.rules().count(),
        diags.len(),
        ok.len()
    );
    std::process::ExitCode::SUCCESS
}
