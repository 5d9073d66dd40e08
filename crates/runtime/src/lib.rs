//! The zflash finish runtime (owner: runtime). See issue 4.

pub mod testpool;
