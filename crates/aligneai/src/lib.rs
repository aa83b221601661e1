//! The `aligneai` crate (work in progress).
