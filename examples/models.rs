//! Lists the models of both providers and checks the credentials.
//!
//! Shows `client.models().list()` for PeakPrivacy (ids, owner, context size) and AligneAI
//! (ids), PeakPrivacy's `chat().check_api_token()` and AligneAI's `ping()`.
//!
//! ```text
//! cargo run --example models
//! ```
//!
//! Without `PEAKPRIVACY_API_TOKEN` / `ALIGNEAI_API_KEY` it starts local emulators; with a key
//! it talks to that provider's real API (or to `PEAKPRIVACY_API_URL` / `ALIGNEAI_BASE_URL`).

#[path = "common/mod.rs"]
mod common;

#[tokio::main]
async fn main() -> common::Result {
    let peakprivacy = common::peakprivacy().await?;
    let aligneai = common::aligneai().await?;

    peakprivacy.client.chat().check_api_token().await?;
    println!("\nPeakPrivacy token check: the token is valid");
    let models = peakprivacy.client.models().list().await?;
    println!("PeakPrivacy models ({}):", models.len());
    println!("   {:<20} {:<12} {:>12}", "id", "owned by", "max tokens");
    for model in &models {
        let max_tokens = model
            .max_tokens
            .map_or_else(|| "-".to_owned(), |n| n.to_string());
        println!(
            "   {:<20} {:<12} {:>12}",
            model.id, model.owned_by, max_tokens
        );
    }

    aligneai.client.ping().await?;
    println!("\nAligneAI ping: the key is accepted");
    let models = aligneai.client.models().list().await?;
    println!("AligneAI models ({}):", models.len());
    for model in models.iter() {
        println!("   {:<24} {}", model.id, model.owned_by);
    }
    Ok(())
}
