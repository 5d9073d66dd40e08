//! The zflash finish runtime: deploy config, plan, preflight and executor for the
//! JumpStart miniroot (issue 4). Users: `zflash finish`; the generator renders [`plan`]s
//! to Bourne shell.

pub mod config;
pub mod exec;
pub mod input;
pub mod lock;
pub mod plan;
pub mod platform;
pub mod report;
#[cfg(any(test, feature = "test-support"))]
pub mod testpool;
