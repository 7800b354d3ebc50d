//! The cartographie store (see docs/ARCHITECTURE.md).
