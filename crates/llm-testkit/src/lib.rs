#![doc = include_str!("../README.md")]

#[macro_use]
mod controls;

pub mod aligneai;
mod chat;
#[cfg(any(feature = "peakprivacy", feature = "aligneai"))]
mod clients;
mod fault;
mod ids;
pub mod logs;
mod multipart;
pub mod peakprivacy;
pub mod raw;
mod record;
mod reply;
mod server;
pub mod spans;
mod sse;

pub use aligneai::{AligneAIEmulator, AligneAIEmulatorBuilder};
pub use fault::Fault;
pub use peakprivacy::{ChunkStyle, PeakPrivacyEmulator, PeakPrivacyEmulatorBuilder};
pub use record::RecordedRequest;
