//! The capture plan: what a capture does, as data.
//!
//! [`build`] turns the settled options of a capture into typed [`Step`]s, each an
//! [`Action`] plus the action that undoes it. Two consumers interpret the same plan, so
//! that they cannot drift:
//! - `zflash capture` ([`crate::capture::capture`]) runs it natively;
//! - `zflash generate` renders it as a Bourne-shell script for Solaris 10 golden hosts,
//!   where a Rust binary does not run (`capture/<archive>.sh`, see the generator's
//!   `capture_shell` module).
//!
//! Every string of the plan is either literal text (native) or holds the shell
//! references the caller put in [`PlanInput`] (`${ZF_DATASET}`…): a shell renderer
//! quotes each argument in double quotes, escaping `"`, `\` and `` ` `` but not `$`.
//!
//! | step | action | undo |
//! |---|---|---|
//! | `preflight` | checks, no change: the output directory is writable, the output files do not exist (unless `force`), the dataset exists, the directory has room for the estimated stream | — |
//! | `snapshot` | `zfs snapshot [-r] DATASET@SNAP`, unless it exists (then it is reused and kept) | `zfs destroy [-r] DATASET@SNAP` |
//! | `send` | `zfs send [-R] [-i FROM] DATASET@SNAP`, compressed, into a temporary file beside the output; every command of the pipeline is checked | remove the temporary file |
//! | `digest` | SHA-256 and size of the stored bytes (natively computed during `send`) | — |
//! | `manifest` | the sidecar manifest, into a temporary file | remove it |
//! | `rename` | the archive, then the manifest, renamed into place | remove the archive when the manifest's rename fails |

use serde::Serialize;

use crate::Compression;

/// The kinds of steps, in execution order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    Preflight,
    Snapshot,
    Send,
    Digest,
    Manifest,
    Rename,
}

impl StepKind {
    /// Stable name, used in messages ("the send step failed").
    pub fn name(self) -> &'static str {
        match self {
            StepKind::Preflight => "preflight",
            StepKind::Snapshot => "snapshot",
            StepKind::Send => "send",
            StepKind::Digest => "digest",
            StepKind::Manifest => "manifest",
            StepKind::Rename => "rename",
        }
    }
}

/// What the stream's size is estimated from, for the room check. An increment's size
/// is unknown: pool v23 has no `written` property and its `zfs send` no `-nv` estimate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SizeEstimate {
    /// `zfs get referenced DATASET` (a full stream of one dataset).
    Referenced,
    /// `zfs get used DATASET` (a full `-R` stream: the dataset and its descendants).
    Used,
    /// No estimate: the room check is skipped.
    Unknown,
}

/// A check of the `preflight` step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "check", rename_all = "snake_case")]
pub enum Check {
    /// `zfs list -H -o name -t filesystem DATASET` succeeds.
    DatasetExists { dataset: String },
    /// The directory exists and is writable.
    OutputDirWritable { dir: String },
    /// None of `paths` exists (skipped when `force`).
    OutputAbsent { paths: Vec<String>, force: bool },
    /// The free space of `dir` is at least the estimated stream size divided by
    /// `ratio` (the least compression assumed: 1 for a raw stream).
    Room {
        dataset: String,
        dir: String,
        estimate: SizeEstimate,
        ratio: u64,
    },
}

/// One primitive action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    Check(Check),
    /// `zfs` with `argv` (`snapshot [-r] DATASET@SNAP`), unless `exists` (the snapshot)
    /// already does: then it is reused and kept.
    Snapshot {
        argv: Vec<String>,
        exists: String,
    },
    /// `zfs` with `argv` (`send …`), its output compressed into `temp`.
    Send {
        argv: Vec<String>,
        compression: Compression,
        temp: String,
    },
    /// SHA-256 and size of `file`.
    Digest {
        file: String,
    },
    /// Write the manifest of `archive` into `temp`.
    WriteManifest {
        archive: String,
        temp: String,
    },
    /// Rename `from` to `to`.
    Rename {
        from: String,
        to: String,
    },
    /// `zfs` with `argv` (`destroy [-r] DATASET@SNAP`), retried while the dataset is busy.
    DestroySnapshot {
        argv: Vec<String>,
    },
    /// Remove a file if it exists.
    Remove {
        path: String,
    },
}

/// A step: an action and what undoes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    pub kind: StepKind,
    pub action: Action,
    pub undo: Option<Action>,
}

/// A capture, settled: names checked, compression chosen. Strings are literal values
/// (native) or shell references (the generated script).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanInput {
    pub dataset: String,
    /// The snapshot's short name.
    pub snapshot: String,
    /// Short name of the snapshot an increment starts from.
    pub from: Option<String>,
    pub recursive: bool,
    pub compression: Compression,
    /// The archive file.
    pub output: String,
    /// Its directory.
    pub dir: String,
    /// The temporary archive file beside it.
    pub temp: String,
    /// The manifest file and its temporary file.
    pub manifest: String,
    pub manifest_temp: String,
    pub force: bool,
}

/// The steps of a capture.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CapturePlan {
    /// `DATASET@SNAP`.
    pub full_snapshot: String,
    pub steps: Vec<Step>,
}

/// Least compression ratio the room check assumes for a compressed archive: a system
/// image rarely compresses better than 4:1, so a directory with less room than a
/// quarter of the stream cannot hold it. (The write itself still catches a full disk.)
pub const ASSUMED_COMPRESSION: u64 = 4;

/// Build the plan of a capture.
pub fn build(input: &PlanInput) -> CapturePlan {
    let full_snapshot = format!("{}@{}", input.dataset, input.snapshot);
    let r = |flag: &str| input.recursive.then(|| flag.to_string());
    let mut steps = Vec::new();
    let check = |c| Step {
        kind: StepKind::Preflight,
        action: Action::Check(c),
        undo: None,
    };
    steps.push(check(Check::OutputDirWritable {
        dir: input.dir.clone(),
    }));
    steps.push(check(Check::OutputAbsent {
        paths: vec![input.output.clone(), input.manifest.clone()],
        force: input.force,
    }));
    steps.push(check(Check::DatasetExists {
        dataset: input.dataset.clone(),
    }));
    steps.push(check(Check::Room {
        dataset: input.dataset.clone(),
        dir: input.dir.clone(),
        estimate: match (&input.from, input.recursive) {
            (Some(_), _) => SizeEstimate::Unknown,
            (None, false) => SizeEstimate::Referenced,
            (None, true) => SizeEstimate::Used,
        },
        ratio: if input.compression == Compression::None {
            1
        } else {
            ASSUMED_COMPRESSION
        },
    }));

    let snapshot_argv: Vec<String> = std::iter::once("snapshot".to_string())
        .chain(r("-r"))
        .chain([full_snapshot.clone()])
        .collect();
    let destroy_argv: Vec<String> = std::iter::once("destroy".to_string())
        .chain(r("-r"))
        .chain([full_snapshot.clone()])
        .collect();
    steps.push(Step {
        kind: StepKind::Snapshot,
        action: Action::Snapshot {
            argv: snapshot_argv,
            exists: full_snapshot.clone(),
        },
        undo: Some(Action::DestroySnapshot { argv: destroy_argv }),
    });

    let mut send_argv = vec!["send".to_string()];
    send_argv.extend(r("-R"));
    if let Some(from) = &input.from {
        send_argv.push("-i".into());
        // -R -i takes the short name; a plain -i accepts the full one.
        send_argv.push(if input.recursive {
            from.clone()
        } else {
            format!("{}@{from}", input.dataset)
        });
    }
    send_argv.push(full_snapshot.clone());
    steps.push(Step {
        kind: StepKind::Send,
        action: Action::Send {
            argv: send_argv,
            compression: input.compression,
            temp: input.temp.clone(),
        },
        undo: Some(Action::Remove {
            path: input.temp.clone(),
        }),
    });
    steps.push(Step {
        kind: StepKind::Digest,
        action: Action::Digest {
            file: input.temp.clone(),
        },
        undo: None,
    });
    steps.push(Step {
        kind: StepKind::Manifest,
        action: Action::WriteManifest {
            archive: input.output.clone(),
            temp: input.manifest_temp.clone(),
        },
        undo: Some(Action::Remove {
            path: input.manifest_temp.clone(),
        }),
    });
    steps.push(Step {
        kind: StepKind::Rename,
        action: Action::Rename {
            from: input.temp.clone(),
            to: input.output.clone(),
        },
        undo: Some(Action::Remove {
            path: input.output.clone(),
        }),
    });
    steps.push(Step {
        kind: StepKind::Rename,
        action: Action::Rename {
            from: input.manifest_temp.clone(),
            to: input.manifest.clone(),
        },
        undo: None,
    });
    CapturePlan {
        full_snapshot,
        steps,
    }
}

impl CapturePlan {
    /// The action of the first step of `kind` (every plan has each kind).
    pub fn action(&self, kind: StepKind) -> &Action {
        &self
            .steps
            .iter()
            .find(|s| s.kind == kind)
            .expect("every plan has every step kind")
            .action
    }

    /// The undo of the first step of `kind`.
    pub fn undo(&self, kind: StepKind) -> Option<&Action> {
        self.steps
            .iter()
            .find(|s| s.kind == kind)
            .and_then(|s| s.undo.as_ref())
    }

    /// The preflight checks, in order.
    pub fn checks(&self) -> impl Iterator<Item = &Check> {
        self.steps.iter().filter_map(|s| match &s.action {
            Action::Check(c) => Some(c),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(recursive: bool, from: Option<&str>, compression: Compression) -> PlanInput {
        PlanInput {
            dataset: "rpool/ROOT/gold".into(),
            snapshot: "flar".into(),
            from: from.map(str::to_string),
            recursive,
            compression,
            output: "/x/g.zfs.gz".into(),
            dir: "/x".into(),
            temp: "/x/.g.zfs.gz.1.partial".into(),
            manifest: "/x/g.zfs.gz.manifest.json".into(),
            manifest_temp: "/x/.m.partial".into(),
            force: false,
        }
    }

    #[test]
    fn send_and_snapshot_arguments_follow_the_options() {
        let plan = build(&input(false, None, Compression::Gzip));
        assert_eq!(plan.full_snapshot, "rpool/ROOT/gold@flar");
        let Action::Send { argv, .. } = plan.action(StepKind::Send) else {
            panic!()
        };
        assert_eq!(argv, &["send", "rpool/ROOT/gold@flar"]);
        let plan = build(&input(true, Some("base"), Compression::None));
        let Action::Send { argv, .. } = plan.action(StepKind::Send) else {
            panic!()
        };
        assert_eq!(argv, &["send", "-R", "-i", "base", "rpool/ROOT/gold@flar"]);
        let Action::Snapshot { argv, .. } = plan.action(StepKind::Snapshot) else {
            panic!()
        };
        assert_eq!(argv, &["snapshot", "-r", "rpool/ROOT/gold@flar"]);
        assert_eq!(
            plan.undo(StepKind::Snapshot),
            Some(&Action::DestroySnapshot {
                argv: vec!["destroy".into(), "-r".into(), "rpool/ROOT/gold@flar".into()]
            })
        );
        let plan = build(&input(false, Some("base"), Compression::None));
        let Action::Send { argv, .. } = plan.action(StepKind::Send) else {
            panic!()
        };
        assert_eq!(
            argv,
            &["send", "-i", "rpool/ROOT/gold@base", "rpool/ROOT/gold@flar"]
        );
    }

    #[test]
    fn the_room_estimate_depends_on_the_kind_of_stream() {
        let room = |p: &CapturePlan| {
            p.checks()
                .find_map(|c| match c {
                    Check::Room {
                        estimate, ratio, ..
                    } => Some((*estimate, *ratio)),
                    _ => None,
                })
                .unwrap()
        };
        let full = build(&input(false, None, Compression::None));
        assert_eq!(room(&full), (SizeEstimate::Referenced, 1));
        let rec = build(&input(true, None, Compression::Gzip));
        assert_eq!(room(&rec), (SizeEstimate::Used, ASSUMED_COMPRESSION));
        let inc = build(&input(false, Some("a"), Compression::Gzip));
        assert_eq!(room(&inc).0, SizeEstimate::Unknown);
        // Every step that changes something says how it is undone, in order.
        let kinds: Vec<_> = full.steps.iter().map(|s| s.kind.name()).collect();
        assert_eq!(
            kinds,
            [
                "preflight",
                "preflight",
                "preflight",
                "preflight",
                "snapshot",
                "send",
                "digest",
                "manifest",
                "rename",
                "rename"
            ]
        );
    }
}
