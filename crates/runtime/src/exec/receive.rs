//! The receive: the archive read once, verified while it streams into `zfs receive`.

use std::io::{self, IsTerminal, Read, Write};
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::json;

use zflash_zfs::Snapshot;

use super::{Fault, Found, RunError, Runner, kill_self};
use crate::plan;

impl Runner<'_> {
    pub(super) fn receive(
        &mut self,
        snapshot: &Snapshot,
        archive_path: &str,
        mode: &plan::ReceiveMode,
    ) -> Result<(), RunError> {
        let index = self.archive_index(archive_path)?;
        let archive = &self.archives[index];
        let info = archive.info().clone();
        let mut reader = archive.reader().map_err(|source| RunError::Unreadable {
            path: archive_path.to_string(),
            source,
        })?;
        // An increment goes on top of the previous archive's snapshot; `-F` rolls the
        // dataset back to it first (nothing should have changed it: it is not mounted).
        // A compound (`zfs send -R`) stream is received into the dataset, its children
        // below it, unmounted (it carries the golden's mountpoints), under the sender's
        // snapshot name: renamed to the plan's afterwards.
        let compound = info.header.hdrtype != 1;
        let mut args = vec!["receive"];
        let compound_into = match (&mode.compound, compound) {
            (Some(c), true) => {
                args.extend(["-u", c.dataset.as_str()]);
                Some(c)
            }
            (None, true) => {
                return Err(RunError::CompoundNotExpected(archive_path.to_string()));
            }
            (_, false) => {
                if mode.rollback {
                    args.push("-F");
                }
                args.push(snapshot);
                None
            }
        };
        let mut child = self
            .platform
            .zfs_command()
            .args(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|source| RunError::Spawn {
                program: self.platform.zfs.clone(),
                source,
            })?;
        let drain = |r: Option<Box<dyn Read + Send>>| {
            std::thread::spawn(move || {
                let mut s = String::new();
                if let Some(mut r) = r {
                    let _ = r.read_to_string(&mut s);
                }
                s
            })
        };
        let err_thread = drain(
            child
                .stderr
                .take()
                .map(|e| Box::new(e) as Box<dyn Read + Send>),
        );
        let out_thread = drain(
            child
                .stdout
                .take()
                .map(|e| Box::new(e) as Box<dyn Read + Send>),
        );
        let mut stdin = child.stdin.take().expect("piped stdin");

        let bar = self.progress_bar(info.stored_size);
        let t0 = Instant::now();
        let mut last_event = Instant::now();
        let mut buf = vec![0u8; 1 << 20];
        let mut raw = 0u64;
        let mut read_error = None;
        let mut write_error = None;
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    read_error = Some(e);
                    break;
                }
            };
            let half = info.stored_size / 2;
            if self.opts.fault == Some(Fault::KillDuringReceive) && raw + n as u64 > half {
                // Feed exactly half of the stream, then die mid-receive.
                let _ = stdin.write_all(&buf[..(half.saturating_sub(raw)) as usize]);
                let _ = stdin.flush();
                std::thread::sleep(Duration::from_millis(200));
                kill_self();
            }
            if let Err(e) = stdin.write_all(&buf[..n]) {
                write_error = Some(e);
                break;
            }
            raw += n as u64;
            let (stored, _) = reader.position();

            if let Some(b) = &bar {
                b.set_position(stored);
            }
            if last_event.elapsed() >= Duration::from_secs(1) {
                last_event = Instant::now();
                self.fleet.progress(self.report.bytes_stored + stored);
                let secs = t0.elapsed().as_secs_f64();
                let rate = stored as f64 / secs.max(1e-9);
                let eta = info.stored_size.saturating_sub(stored) as f64 / rate.max(1.0);
                let fields = json!({ "bytes_stored": stored, "bytes_total": info.stored_size,
                        "bytes_received": raw,
                        "rate_bytes_per_s": rate as u64,
                        "eta_seconds": (eta * 10.0).round() / 10.0 });
                // `--events -` on the bar's terminal: the bar is taken off the line while
                // the event is written, or the event line would start with the bar's text.
                match &bar {
                    Some(b) => b.suspend(|| self.events.emit("progress", fields)),
                    None => self.events.emit("progress", fields),
                }
            }
        }
        drop(stdin);
        let status = child.wait().map_err(RunError::Wait)?;
        let stderr = err_thread.join().unwrap_or_default();
        let stdout = out_thread.join().unwrap_or_default();
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        for l in stdout.lines().chain(stderr.lines()) {
            self.detail(&format!("    | {l}"));
        }
        self.report.receive_seconds += t0.elapsed().as_secs_f64();
        self.report.bytes_received += raw;
        self.report.bytes_stored += reader.position().0;
        let damaged = |source| RunError::Damaged {
            path: archive_path.to_string(),
            source,
            found: Found::WhileReceived,
        };
        if let Some(e) = read_error {
            return Err(damaged(e));
        }
        if !status.success() {
            let why = stderr.trim();
            return Err(RunError::ReceiveFailed {
                snapshot: snapshot.clone(),
                why: if why.is_empty() {
                    status.to_string()
                } else {
                    why.to_string()
                },
            });
        }
        if let Some(source) = write_error {
            return Err(RunError::ReceiveStopped {
                snapshot: snapshot.clone(),
                source,
            });
        }
        let summary = reader.finish().map_err(damaged)?;
        self.events.emit(
            "received",
            json!({ "archive": archive_path, "summary": &summary }),
        );
        // The report's sha256 is the base archive's; each one is in its `received` event.
        if index == 0 {
            self.report.sha256 = Some(summary.sha256);
        }
        // The sender's snapshot name, from the stream's (foreign) `pool/fs@snap`.
        let sent_snap = info
            .header
            .toname
            .split_once('@')
            .map(|(_, s)| s)
            .unwrap_or("");
        if let Some(c) = compound_into
            && sent_snap != c.snapshot
        {
            let received = c.dataset.snapshot(sent_snap)?;
            self.detail(&format!("  zfs rename -r {received} {snapshot}"));
            self.platform.zfs(&["rename", "-r", &received, snapshot])?;
        }
        Ok(())
    }

    pub(super) fn progress_bar(&self, total: u64) -> Option<indicatif::ProgressBar> {
        if !self.opts.progress || !io::stderr().is_terminal() {
            return None;
        }
        let bar = indicatif::ProgressBar::new(total);
        let style = indicatif::ProgressStyle::with_template(
            "receiving {bar:30} {bytes}/{total_bytes} {bytes_per_sec} ETA {eta}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
        bar.set_style(style);
        Some(bar)
    }
}
