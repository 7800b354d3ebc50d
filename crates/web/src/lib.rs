//! The HTTP layer (see docs/ARCHITECTURE.md).
