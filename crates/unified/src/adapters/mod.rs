//! Implementations of the traits for each provider, built from the provider clients.

mod aligneai;
mod peakprivacy;

pub use self::aligneai::{AligneAIChat, AligneAIEmbeddings};
pub use self::peakprivacy::PeakPrivacyChat;
