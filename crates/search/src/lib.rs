//! French analysis, search, matching and similarity (see docs/ARCHITECTURE.md).
