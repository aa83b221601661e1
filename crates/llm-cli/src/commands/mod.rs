//! One module per subcommand.

pub mod account;
pub mod chat;
pub mod embed;
