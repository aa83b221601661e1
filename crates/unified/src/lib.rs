//! The `unified` crate (work in progress).
