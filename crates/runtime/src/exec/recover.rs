//! The plan's `recover` action: settle what a killed run left before anything else.

use std::time::{Duration, Instant};

use super::{Recovery, RunError, Runner, remove_empty_dirs};
use crate::plan::{self, ARCHIVE_PROPERTY, STATE_PROPERTY};

impl Runner<'_> {
    /// The `recover` action ([`plan::Recovery`]): settle the traces of an interrupted
    /// run before anything else.
    pub(super) fn recover(&mut self, r: &plan::Recovery) -> Result<Recovery, RunError> {
        let p = self.platform;
        if p.zpool(&["list", "-H", "-o", "name", &r.pool]).is_err() {
            // Preflight names the problem.
            return Ok(Recovery::Fresh);
        }
        let be = &r.be;
        let tmp = &r.temp;
        let old = &r.parked;
        // A killed run's `zfs receive` outlives it for a moment (until it has read the
        // end of its input and discarded the partial filesystem): let it finish first.
        // Every receive goes into the temporary dataset: `TMP@SNAP`, `-F TMP@SNAP-n`, or
        // `-u TMP` for a compound stream.
        let receives = [format!("{tmp}@"), format!("-u {tmp}")];
        let waited = Instant::now();
        while receives.iter().any(|r| p.receive_running(r))
            && waited.elapsed() < Duration::from_secs(120)
        {
            std::thread::sleep(Duration::from_millis(200));
        }
        let bootfs = self.bootfs();
        if p.exists(be) {
            let state = p.zfs_get(STATE_PROPERTY, be).unwrap_or_default();
            let archive = p.zfs_get(ARCHIVE_PROPERTY, be).unwrap_or_default();
            let ours_in_progress = state != "done" && !archive.is_empty() && archive != "-";
            match state.as_str() {
                "done" if Some(archive.as_str()) == self.report.archive_id.as_deref() => {
                    self.note(&format!("{be} is already deployed from {archive}"));
                    return Ok(Recovery::NoOp);
                }
                _ if ours_in_progress => {
                    if bootfs.as_deref() == Some(be.as_str()) {
                        self.note(&format!(
                            "{be} is bootfs but its clean-up was interrupted: finishing it"
                        ));
                        self.report
                            .recovered
                            .push(format!("{be}: finished the interrupted clean-up"));
                        return Ok(Recovery::Resume(r.resume.clone()));
                    }
                    self.note(&format!(
                        "{be} is a half-done deployment of {archive}: destroying it"
                    ));
                    self.destroy_ours(be)?;
                    self.report
                        .recovered
                        .push(format!("destroyed the half-done {be} (from {archive})"));
                }
                _ => {}
            }
        }
        if p.exists(tmp) {
            self.note(&format!("destroying the leftover temporary dataset {tmp}"));
            self.destroy_ours(tmp)?;
            self.report
                .recovered
                .push(format!("destroyed the leftover {tmp}"));
        }
        if p.exists(old) && !p.exists(be) {
            self.note(&format!("restoring the parked {old} as {be}"));
            p.zfs(&["rename", old, be])?;
            self.report
                .recovered
                .push(format!("renamed the parked {old} back to {be}"));
        }
        remove_empty_dirs(&r.be_root, &self.opts.altroot);
        Ok(Recovery::Fresh)
    }

    pub(super) fn destroy_ours(&mut self, dataset: &str) -> Result<(), RunError> {
        let p = self.platform;
        self.unmount_tree(dataset)?;
        match p.zfs(&["destroy", "-r", dataset]) {
            // Gone meanwhile (an interrupted receive discarding it): what we wanted.
            Err(_) if !p.exists(dataset) => Ok(()),
            Err(e) => Err(e.into()),
            Ok(_) => Ok(()),
        }
    }
}
