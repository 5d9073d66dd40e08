//! CLI tests for the archive commands.
