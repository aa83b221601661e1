//! PeakPrivacy routing and authentication.

use hyper::Method;
use serde_json::json;

use super::{assistants, completions, files, models, PeakPrivacyApi};
use crate::reply::Reply;
use crate::server::{ApiRequest, Routes};

const COMPLETIONS: &str = "/v1/ai/completions";
const MODELS: &str = "/v1/ai/models";
const PING: &str = "/v1/ai/ping";
const FILES: &str = "/v1/files";
const ASSISTANTS: &str = "/v1/ai/assistants";

/// What a path names.
enum Route<'a> {
    Completions,
    Models,
    Ping,
    Files,
    File(&'a str),
    Assistants,
    Assistant(&'a str),
    Query(&'a str),
}

impl<'a> Route<'a> {
    fn parse(path: &'a str) -> Option<Self> {
        match path {
            COMPLETIONS => return Some(Self::Completions),
            MODELS => return Some(Self::Models),
            PING => return Some(Self::Ping),
            FILES => return Some(Self::Files),
            ASSISTANTS => return Some(Self::Assistants),
            _ => {}
        }
        let segment = |id: &'a str| (!id.is_empty() && !id.contains('/')).then_some(id);
        if let Some(rest) = path.strip_prefix(FILES).and_then(|r| r.strip_prefix('/')) {
            return segment(rest).map(Self::File);
        }
        let rest = path.strip_prefix(ASSISTANTS)?.strip_prefix('/')?;
        match rest.strip_suffix("/query") {
            Some(id) => segment(id).map(Self::Query),
            None => segment(rest).map(Self::Assistant),
        }
    }

    /// The methods the route answers, as an `Allow` header value.
    fn allowed(&self) -> &'static str {
        match self {
            Self::Completions => "POST",
            Self::Models | Self::Ping => "GET, HEAD",
            Self::Files => "GET, HEAD, POST",
            Self::File(_) => "GET, HEAD, DELETE",
            Self::Assistants => "GET, HEAD, POST",
            Self::Assistant(_) => "GET, HEAD, PUT, DELETE",
            Self::Query(_) => "POST",
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
            (Route::Assistants, Method::POST) => assistants::create(self, &request.body),
            (Route::Assistants, _) => assistants::list(self, request, ASSISTANTS),
            (Route::Assistant(id), Method::PUT) => assistants::update(self, id, &request.body),
            (Route::Assistant(id), Method::DELETE) => assistants::delete(self, id),
            (Route::Assistant(id), _) => assistants::get(self, id),
            (Route::Query(id), _) => assistants::query(self, id, &request.body),
        }
    }
}
