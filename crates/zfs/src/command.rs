//! Running a command: the [`Runner`] (the system's, or a fake in tests), the one retry
//! policy for a daemon that answers "busy" ([`RetryPolicy`]), and the typed error.

use std::fmt;
use std::io;
use std::process::{Command, ExitStatus, Output, Stdio};
use std::time::Duration;

/// A command that failed.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// The program could not be started (not found, not executable).
    #[error("`{command}` failed: cannot run {program}: {source}")]
    Spawn {
        /// The command line, for messages.
        command: String,
        /// The program.
        program: String,
        /// Why.
        source: io::Error,
    },
    /// It ran and exited unsuccessfully (after the retries, when its failure was "busy").
    #[error("`{command}` failed: {}", failure_text(*status, stderr))]
    Failed {
        /// The command line, for messages.
        command: String,
        /// Its exit status.
        status: ExitStatus,
        /// Its stderr, trimmed.
        stderr: String,
    },
    /// It succeeded but said something this layer cannot read.
    #[error("`{command}` failed: unexpected output: {output:?}")]
    Unexpected {
        /// The command line, for messages.
        command: String,
        /// What it printed.
        output: String,
    },
}

impl CommandError {
    /// The command line.
    pub fn command(&self) -> &str {
        match self {
            CommandError::Spawn { command, .. }
            | CommandError::Failed { command, .. }
            | CommandError::Unexpected { command, .. } => command,
        }
    }

    /// Its stderr (empty unless it ran and failed).
    pub fn stderr(&self) -> &str {
        match self {
            CommandError::Failed { stderr, .. } => stderr,
            _ => "",
        }
    }
}

/// What a failed command said: its stderr, or its exit status when it said nothing.
fn failure_text(status: ExitStatus, stderr: &str) -> String {
    if stderr.is_empty() {
        format!("exit status {status}")
    } else {
        stderr.to_string()
    }
}

/// Runs a command to completion (stdin from `/dev/null`, stdout and stderr captured),
/// and waits between retries. [`SystemRunner`] does both for real; tests use a fake to
/// script answers and count attempts without sleeping.
pub trait Runner: fmt::Debug + Send + Sync {
    /// Run `program args`.
    fn run(&self, program: &str, args: &[&str]) -> io::Result<Output>;

    /// Wait before the next attempt.
    fn pause(&self, delay: Duration) {
        std::thread::sleep(delay);
    }
}

/// The real thing: `std::process::Command` and `std::thread::sleep`.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemRunner;

impl Runner for SystemRunner {
    fn run(&self, program: &str, args: &[&str]) -> io::Result<Output> {
        Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .output()
    }
}

/// When a failed command is tried again. ZFS (zfs-fuse while it syncs, any ZFS while a
/// killed `zfs send` or `zfs receive` still holds a dataset) answers "pool is busy" /
/// "dataset is busy" for a moment after writes; a retry a little later succeeds. Any
/// other failure is final at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all (1: no retry).
    pub attempts: u32,
    /// The wait after the first failure; each further one waits one `step` longer …
    pub step: Duration,
    /// … up to this.
    pub max_delay: Duration,
}

impl RetryPolicy {
    /// The policy of every `zfs`, `zpool` and `umount` this layer runs: up to 15 attempts,
    /// waiting 0.1 s, 0.2 s … 0.5 s, then 0.5 s (6 s in all).
    pub const BUSY: RetryPolicy = RetryPolicy {
        attempts: 15,
        step: Duration::from_millis(100),
        max_delay: Duration::from_millis(500),
    };

    /// One attempt, no retry.
    pub const ONCE: RetryPolicy = RetryPolicy {
        attempts: 1,
        step: Duration::ZERO,
        max_delay: Duration::ZERO,
    };

    /// Is this failure worth another attempt?
    pub fn retries(stderr: &str) -> bool {
        stderr.contains("busy")
    }

    /// The wait after failed attempt `attempt` (1-based).
    pub fn delay(&self, attempt: u32) -> Duration {
        self.step.saturating_mul(attempt).min(self.max_delay)
    }

    /// Run `program args` by `runner` until it succeeds, fails for good, or the attempts
    /// are used up; its stdout on success.
    pub fn run(
        &self,
        runner: &dyn Runner,
        program: &str,
        args: &[&str],
    ) -> Result<String, CommandError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let out = runner
                .run(program, args)
                .map_err(|source| CommandError::Spawn {
                    command: command_line(program, args),
                    program: program.to_string(),
                    source,
                })?;
            if out.status.success() {
                return Ok(String::from_utf8_lossy(&out.stdout).into_owned());
            }
            let stderr = String::from_utf8_lossy(&out.stderr).trim().to_string();
            if attempt >= self.attempts || !RetryPolicy::retries(&stderr) {
                return Err(CommandError::Failed {
                    command: command_line(program, args),
                    status: out.status,
                    stderr,
                });
            }
            runner.pause(self.delay(attempt));
        }
    }
}

/// `program arg…`, for messages.
pub fn command_line(program: &str, args: &[&str]) -> String {
    let mut s = program.to_string();
    for a in args {
        s.push(' ');
        s.push_str(a);
    }
    s
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::os::unix::process::ExitStatusExt;
    use std::sync::Mutex;

    /// A runner that answers from a script and records what it was asked and how long
    /// it was told to wait.
    #[derive(Debug, Default)]
    pub struct FakeRunner {
        /// Answers, first first: `Ok((exit code, stdout, stderr))`, or a spawn error.
        pub answers: Mutex<Vec<io::Result<(i32, String, String)>>>,
        pub calls: Mutex<Vec<String>>,
        pub pauses: Mutex<Vec<Duration>>,
    }

    impl FakeRunner {
        /// Fails with `stderr` `n` times, then succeeds printing `stdout`.
        pub fn failing(n: usize, stderr: &str, stdout: &str) -> FakeRunner {
            let mut answers: Vec<_> = (0..n)
                .map(|_| Ok((1, String::new(), stderr.into())))
                .collect();
            answers.push(Ok((0, stdout.into(), String::new())));
            FakeRunner {
                answers: Mutex::new(answers),
                ..FakeRunner::default()
            }
        }

        pub fn calls(&self) -> usize {
            self.calls.lock().unwrap().len()
        }
    }

    impl Runner for FakeRunner {
        fn run(&self, program: &str, args: &[&str]) -> io::Result<Output> {
            self.calls.lock().unwrap().push(command_line(program, args));
            let mut answers = self.answers.lock().unwrap();
            let (code, stdout, stderr) = if answers.is_empty() {
                (0, String::new(), String::new())
            } else {
                answers.remove(0)?
            };
            Ok(Output {
                status: ExitStatus::from_raw(code << 8),
                stdout: stdout.into_bytes(),
                stderr: stderr.into_bytes(),
            })
        }

        fn pause(&self, delay: Duration) {
            self.pauses.lock().unwrap().push(delay);
        }
    }

    const BUSY: &str = "cannot destroy 'p/fs': dataset is busy";

    #[test]
    fn busy_is_retried_until_it_succeeds() {
        let runner = FakeRunner::failing(3, BUSY, "done\n");
        let out = RetryPolicy::BUSY
            .run(&runner, "zfs", &["destroy", "p/fs"])
            .unwrap();
        assert_eq!(out, "done\n");
        assert_eq!(runner.calls(), 4);
        let ms: Vec<u128> = runner
            .pauses
            .lock()
            .unwrap()
            .iter()
            .map(Duration::as_millis)
            .collect();
        assert_eq!(ms, [100, 200, 300]);
    }

    #[test]
    fn busy_gives_up_after_the_last_attempt_with_the_last_answer() {
        let runner = FakeRunner::failing(20, BUSY, "");
        let e = RetryPolicy::BUSY
            .run(&runner, "zfs", &["destroy", "p/fs"])
            .unwrap_err();
        assert_eq!(runner.calls(), 15);
        let pauses = runner.pauses.lock().unwrap();
        assert_eq!(pauses.len(), 14);
        assert_eq!(pauses.iter().sum::<Duration>(), Duration::from_millis(6000));
        assert_eq!(*pauses.last().unwrap(), Duration::from_millis(500));
        assert_eq!(e.to_string(), format!("`zfs destroy p/fs` failed: {BUSY}"));
        assert!(matches!(&e, CommandError::Failed { stderr, .. } if stderr == BUSY));
    }

    #[test]
    fn other_failures_are_final_at_once() {
        let runner = FakeRunner::failing(1, "cannot open 'p/x': dataset does not exist", "");
        let e = RetryPolicy::BUSY
            .run(&runner, "zfs", &["list", "p/x"])
            .unwrap_err();
        assert_eq!(runner.calls(), 1);
        assert!(runner.pauses.lock().unwrap().is_empty());
        assert_eq!(e.stderr(), "cannot open 'p/x': dataset does not exist");
        // A failure without a word on stderr is told by its exit status.
        let runner = FakeRunner::failing(1, "", "");
        let e = RetryPolicy::ONCE
            .run(&runner, "zpool", &["list"])
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "`zpool list` failed: exit status exit status: 1"
        );
    }

    #[test]
    fn once_does_not_retry_busy() {
        let runner = FakeRunner::failing(1, BUSY, "");
        assert!(RetryPolicy::ONCE.run(&runner, "zfs", &["x"]).is_err());
        assert_eq!(runner.calls(), 1);
    }

    #[test]
    fn a_program_that_cannot_start_is_named() {
        let runner = FakeRunner::default();
        runner
            .answers
            .lock()
            .unwrap()
            .push(Err(io::Error::from(io::ErrorKind::NotFound)));
        let e = RetryPolicy::BUSY
            .run(&runner, "/no/zfs", &["list"])
            .unwrap_err();
        assert!(matches!(e, CommandError::Spawn { ref program, .. } if program == "/no/zfs"));
        assert_eq!(
            e.to_string(),
            "`/no/zfs list` failed: cannot run /no/zfs: entity not found"
        );
        let e = RetryPolicy::ONCE
            .run(&SystemRunner, "/no/such/zfs-program", &["list"])
            .unwrap_err();
        assert!(
            e.to_string().starts_with(
                "`/no/such/zfs-program list` failed: cannot run /no/such/zfs-program: "
            ),
            "{e}"
        );
    }
}
