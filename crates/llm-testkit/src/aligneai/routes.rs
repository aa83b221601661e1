//! AligneAI routing, API key and workspace checks.

use hyper::{Method, StatusCode};
use serde_json::json;

use super::{chat, embeddings, models, AligneAIApi};
use crate::reply::Reply;
use crate::server::{ApiRequest, Routes};

const EMBEDDINGS: &str = "/v1/embeddings";
const CHAT: &str = "/v1/chat/completions";
const MODELS: &str = "/v1/models";
const PING: &str = "/v1/ping";

impl Routes for AligneAIApi {
    fn route(&self, request: &ApiRequest) -> Reply {
        let path = request.path.as_str();
        let is_get = request.method == Method::GET || request.method == Method::HEAD;
        let allowed = match path {
            EMBEDDINGS | CHAT if request.method == Method::POST => None,
            EMBEDDINGS | CHAT => Some("POST"),
            MODELS | PING if is_get => None,
            MODELS | PING => Some("GET, HEAD"),
            _ => return Reply::not_found(path),
        };
        if let Some(allowed) = allowed {
            return Reply::method_not_allowed(request.method.as_str(), path, allowed);
        }
        if request.header("api-key") != Some(self.api_key.as_str()) {
            return Reply::unauthenticated();
        }
        if let Some(workspace) = &self.workspace_id {
            if request.header("workspace-id") != Some(workspace.as_str()) {
                return Reply::error(StatusCode::FORBIDDEN, "Invalid workspace");
            }
        }
        match path {
            EMBEDDINGS => embeddings::create(self, &request.body),
            CHAT => chat::create(self, &request.body),
            MODELS => models::list(),
            _ => Reply::ok(json!({ "message": "pong" })),
        }
    }
}
