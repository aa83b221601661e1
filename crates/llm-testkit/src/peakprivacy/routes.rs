//! PeakPrivacy routing and authentication.

use hyper::Method;
use serde_json::json;

use super::{completions, files, models, PeakPrivacyApi};
use crate::reply::Reply;
use crate::server::{ApiRequest, Routes};

const COMPLETIONS: &str = "/v1/ai/completions";
const MODELS: &str = "/v1/ai/models";
const PING: &str = "/v1/ai/ping";
const FILES: &str = "/v1/files";

/// What a path names.
enum Route<'a> {
    Completions,
    Models,
    Ping,
    Files,
    File(&'a str),
}

impl<'a> Route<'a> {
    fn parse(path: &'a str) -> Option<Self> {
        match path {
            COMPLETIONS => return Some(Self::Completions),
            MODELS => return Some(Self::Models),
            PING => return Some(Self::Ping),
            FILES => return Some(Self::Files),
            _ => {}
        }
        let id = path.strip_prefix(FILES)?.strip_prefix('/')?;
        (!id.is_empty() && !id.contains('/')).then_some(Self::File(id))
    }

    /// The methods the route answers, as an `Allow` header value.
    fn allowed(&self) -> &'static str {
        match self {
            Self::Completions => "POST",
            Self::Models | Self::Ping => "GET, HEAD",
            Self::Files => "GET, HEAD, POST",
            Self::File(_) => "GET, HEAD, DELETE",
        }
    }
}

impl Routes for PeakPrivacyApi {
    fn route(&self, request: &ApiRequest) -> Reply {
        // Laravel ignores one trailing slash when matching routes.
        let path = match request.path.strip_suffix('/') {
            Some(trimmed) if !trimmed.is_empty() => trimmed,
            _ => request.path.as_str(),
        };
        let Some(route) = Route::parse(path) else {
            return Reply::not_found(path);
        };
        let method = if request.method == Method::HEAD {
            Method::GET
        } else {
            request.method.clone()
        };
        let known = route
            .allowed()
            .split(", ")
            .any(|allowed| allowed == method.as_str());
        if !known {
            return Reply::method_not_allowed(request.method.as_str(), path, route.allowed());
        }
        if request.header("api-token") != Some(self.token.as_str()) {
            return Reply::unauthenticated();
        }
        match (route, method) {
            (Route::Completions, _) => completions::create(self, &request.body),
            (Route::Models, _) => models::list(),
            (Route::Ping, _) => Reply::ok(json!({ "message": "pong" })),
            (Route::Files, Method::POST) => files::upload(self, request),
            (Route::Files, _) => files::list(self, request, FILES),
            (Route::File(id), Method::DELETE) => files::delete(self, id),
            (Route::File(id), _) => files::retrieve(self, id),
        }
    }
}
