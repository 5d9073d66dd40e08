//! CLI tests for the generate commands.
