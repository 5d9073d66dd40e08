//! CLI tests for the finish commands.
