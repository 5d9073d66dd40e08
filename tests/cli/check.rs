//! CLI tests for the check commands.
