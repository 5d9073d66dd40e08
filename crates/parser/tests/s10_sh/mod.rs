//! The Solaris 10-like userland's Bourne shell (built from ../shared/tools/s10-userland):
//! where it is, and its `sh -n` verdict on many scripts at once.
//!
//! `ZFLASH_S10_USERLAND=DIR` names the userland (`DIR/bin/sh`). Without it the tests that
//! need it say so on stderr and do not run — except under `CI`, where that is a failure.
//! Shared by the parser's and the generator's differential tests.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// `DIR/bin/sh` of the userland, or `None` (after saying so) when the test cannot run.
/// Panics under `CI` when the userland is missing.
pub fn shell(test: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("ZFLASH_S10_USERLAND").map(PathBuf::from);
    let sh = dir.as_ref().map(|d| d.join("bin/sh"));
    match sh {
        Some(sh) if sh.is_file() => Some(sh),
        _ => {
            let why = match &dir {
                Some(d) => format!("ZFLASH_S10_USERLAND={} has no bin/sh", d.display()),
                None => "ZFLASH_S10_USERLAND is not set".to_string(),
            };
            if std::env::var_os("CI").is_some() {
                panic!("{test}: {why}, and CI is set: build the userland (scripts/test does)");
            }
            eprintln!(
                "{test}: NOT RUN: {why} (build ../shared/tools/s10-userland and point it there)"
            );
            None
        }
    }
}

/// What `sh -n FILE` said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// It reported a syntax error ("syntax error at line N: `…' unexpected"): with exit
    /// status 2, or 0 when the error was in a backquote of a command it forked (a
    /// pipeline, `&`, `( )`) — the shell's verdict on the script either way.
    pub syntax_error: bool,
    pub status: Option<i32>,
    pub stderr: String,
}

/// `sh -n` of each script (written to files in a temporary directory), run in parallel,
/// with `PATH` set to the userland's `bin` only.
pub fn verdicts(sh: &Path, scripts: &[String]) -> Vec<Verdict> {
    let tmp = tempfile::tempdir().expect("temporary directory");
    let bin = sh.parent().expect("bin directory").to_path_buf();
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(2, 8);
    let chunk = scripts.len().div_ceil(threads).max(1);
    let mut out: Vec<Option<Verdict>> = vec![None; scripts.len()];
    std::thread::scope(|scope| {
        let mut handles = Vec::new();
        for (c, part) in scripts.chunks(chunk).enumerate() {
            let dir = tmp.path().to_path_buf();
            let bin = bin.clone();
            handles.push(scope.spawn(move || {
                part.iter()
                    .enumerate()
                    .map(|(i, text)| {
                        let file = dir.join(format!("s{c}_{i}.sh"));
                        std::fs::write(&file, text).expect("write script");
                        let o = Command::new(sh)
                            .arg("-n")
                            .arg(&file)
                            .env_clear()
                            .env("PATH", &bin)
                            .stdin(Stdio::null())
                            .output()
                            .expect("run sh -n");
                        let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
                        Verdict {
                            syntax_error: stderr.contains("syntax error"),
                            status: o.status.code(),
                            stderr,
                        }
                    })
                    .collect::<Vec<_>>()
            }));
        }
        for (c, h) in handles.into_iter().enumerate() {
            for (i, v) in h.join().expect("sh -n thread").into_iter().enumerate() {
                out[c * chunk + i] = Some(v);
            }
        }
    });
    out.into_iter()
        .map(|v| v.expect("every script run"))
        .collect()
}
