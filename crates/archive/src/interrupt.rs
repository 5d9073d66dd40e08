//! Turning SIGINT, SIGTERM and SIGHUP into a flag that long operations poll, so that
//! they can stop and clean up (kill a child, remove a temporary file, destroy a
//! snapshot) instead of dying with half their work left behind.
//!
//! A second signal of any of these kinds terminates the process at once with the
//! default action: the user insisted, clean-up is skipped.

use std::fmt;
use std::io;
use std::os::fd::{AsFd, AsRawFd};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};

/// The signals that [`Interrupt`] catches.
pub const SIGNALS: [libc::c_int; 3] = [SIGINT, SIGTERM, SIGHUP];

/// Records the first SIGINT/SIGTERM/SIGHUP received after [`Interrupt::install`].
///
/// The handlers stay installed for the rest of the process.
#[derive(Debug, Clone)]
pub struct Interrupt {
    signal: Arc<AtomicUsize>,
}

/// The error of an operation stopped by a signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interrupted {
    pub signal: i32,
}

impl Interrupt {
    /// Install the handlers. From now on these signals no longer terminate the process
    /// (the first one only sets the flag), so the caller must poll [`Interrupt::check`].
    pub fn install() -> io::Result<Interrupt> {
        let signal = Arc::new(AtomicUsize::new(0));
        let armed = Arc::new(AtomicBool::new(false));
        for sig in SIGNALS {
            // Handlers run in registration order: the default action only happens once
            // `armed` was set by an earlier signal.
            signal_hook::flag::register_conditional_default(sig, Arc::clone(&armed))?;
            signal_hook::flag::register_usize(sig, Arc::clone(&signal), sig as usize)?;
            signal_hook::flag::register(sig, Arc::clone(&armed))?;
        }
        Ok(Interrupt { signal })
    }

    /// An `Interrupt` that no signal sets, for tests that must not see the signals
    /// other tests raise.
    #[cfg(test)]
    pub(crate) fn detached() -> Interrupt {
        Interrupt {
            signal: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// The signal received, if any.
    pub fn signal(&self) -> Option<i32> {
        match self.signal.load(Ordering::SeqCst) {
            0 => None,
            s => Some(s as i32),
        }
    }

    /// `Err` once a signal was received.
    pub fn check(&self) -> Result<(), Interrupted> {
        match self.signal() {
            None => Ok(()),
            Some(signal) => Err(Interrupted { signal }),
        }
    }

    /// Sleep for `total`, in short steps, returning early with `Err` on a signal.
    pub fn sleep(&self, total: Duration) -> Result<(), Interrupted> {
        let step = Duration::from_millis(20);
        let mut left = total;
        while !left.is_zero() {
            self.check()?;
            let now = left.min(step);
            std::thread::sleep(now);
            left -= now;
        }
        self.check()
    }
}

impl Interrupted {
    /// The shell convention: 128 + the signal number (130 for SIGINT, 143 for SIGTERM).
    pub fn exit_code(&self) -> u8 {
        (128 + self.signal).clamp(0, 255) as u8
    }

    pub fn signal_name(&self) -> &'static str {
        match self.signal {
            SIGINT => "SIGINT",
            SIGTERM => "SIGTERM",
            SIGHUP => "SIGHUP",
            _ => "a signal",
        }
    }
}

impl fmt::Display for Interrupted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "interrupted by {}", self.signal_name())
    }
}

impl std::error::Error for Interrupted {}

/// Wait until `fd` can be read without blocking (data, end of file or an error), for at
/// most `timeout`. `Ok(false)` on a timeout or when a signal interrupted the wait, so
/// that a copy loop can check its [`Interrupt`] even while the writer is silent.
pub fn wait_readable(fd: &impl AsFd, timeout: Duration) -> io::Result<bool> {
    let mut pfd = libc::pollfd {
        fd: fd.as_fd().as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    let ms = timeout.as_millis().min(i32::MAX as u128) as libc::c_int;
    // SAFETY: `pfd` is one valid, initialised pollfd that outlives the call, and the
    // descriptor is borrowed from a live `AsFd` for its duration.
    let ready = unsafe { libc::poll(&mut pfd, 1, ms) };
    if ready < 0 {
        let e = io::Error::last_os_error();
        return if e.kind() == io::ErrorKind::Interrupted {
            Ok(false)
        } else {
            Err(e)
        };
    }
    Ok(ready > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn a_signal_sets_the_flag_and_stops_sleep() {
        let interrupt = Interrupt::install().unwrap();
        assert_eq!(interrupt.check(), Ok(()));
        signal_hook::low_level::raise(SIGTERM).unwrap();
        let err = interrupt.check().unwrap_err();
        assert_eq!(err.signal, SIGTERM);
        assert_eq!(err.exit_code(), 143);
        assert_eq!(err.to_string(), "interrupted by SIGTERM");
        let start = std::time::Instant::now();
        assert!(interrupt.sleep(Duration::from_secs(5)).is_err());
        assert!(start.elapsed() < Duration::from_secs(1));
        assert_eq!(Interrupted { signal: SIGINT }.exit_code(), 130);
    }

    #[test]
    fn wait_readable_times_out_then_sees_data_and_eof() {
        let (reader, mut writer) = std::io::pipe().unwrap();
        assert!(!wait_readable(&reader, Duration::from_millis(30)).unwrap());
        writer.write_all(b"x").unwrap();
        assert!(wait_readable(&reader, Duration::from_millis(30)).unwrap());
        let (reader, writer) = std::io::pipe().unwrap();
        drop(writer);
        assert!(wait_readable(&reader, Duration::from_millis(30)).unwrap());
    }
}
