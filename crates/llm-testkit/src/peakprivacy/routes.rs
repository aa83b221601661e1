//! PeakPrivacy routing and authentication.

use hyper::Method;
use serde_json::json;

use super::{completions, models, PeakPrivacyApi};
use crate::reply::Reply;
use crate::server::{ApiRequest, Routes};

const COMPLETIONS: &str = "/v1/ai/completions";
const MODELS: &str = "/v1/ai/models";
const PING: &str = "/v1/ai/ping";

impl Routes for PeakPrivacyApi {
    fn route(&self, request: &ApiRequest) -> Reply {
        // Laravel ignores one trailing slash when matching routes.
        let path = match request.path.strip_suffix('/') {
            Some(trimmed) if !trimmed.is_empty() => trimmed,
            _ => request.path.as_str(),
        };
        let is_get = request.method == Method::GET || request.method == Method::HEAD;
        let allowed = match path {
            COMPLETIONS if request.method == Method::POST => None,
            COMPLETIONS => Some("POST"),
            MODELS | PING if is_get => None,
            MODELS | PING => Some("GET, HEAD"),
            _ => return Reply::not_found(path),
        };
        if let Some(allowed) = allowed {
            return Reply::method_not_allowed(request.method.as_str(), path, allowed);
        }
        if request.header("api-token") != Some(self.token.as_str()) {
            return Reply::unauthenticated();
        }
        match path {
            COMPLETIONS => completions::create(self, &request.body),
            MODELS => models::list(),
            _ => Reply::ok(json!({ "message": "pong" })),
        }
    }
}
