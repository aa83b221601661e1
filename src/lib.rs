//! Workspace root package: owns the workspace-wide `tests/` and `examples/`.
