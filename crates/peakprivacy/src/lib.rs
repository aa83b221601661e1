//! The `peakprivacy` crate (work in progress).
