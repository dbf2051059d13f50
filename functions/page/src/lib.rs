//! `GET /`, `/app.js`, `/app.css`, `/favicon.svg`: the web page, served by the API itself so that its calls
//! to the API are same-origin. The files are compiled in (`assets/`, no build step); the
//! page learns the live channel's URL from a `<meta>` the handler fills in. `/app.js` is
//! `assets/thumbhash.js`, the reference ThumbHash decoder vendored from npm (its header says
//! which version and its licence), then `assets/app.js`, which draws each job's placeholder
//! with it: one module on the route the page always had.

pub mod settings;

use crate::settings::Settings;
use lambda_http::http::{header, HeaderValue, Method, StatusCode};
use lambda_http::{Body, Request, Response};

const INDEX: &str = include_str!("../assets/index.html");
const SCRIPT: &str = concat!(
    include_str!("../assets/thumbhash.js"),
    "\n",
    include_str!("../assets/app.js")
);
const STYLE: &str = include_str!("../assets/app.css");
const ICON: &str = include_str!("../assets/favicon.svg");
/// What `index.html` holds where the live channel's URL goes.
const LIVE_URL_SLOT: &str = "{{LIVE_URL}}";

pub struct App {
    index: String,
    policy: HeaderValue,
}

impl App {
    pub fn new(settings: Settings) -> Self {
        let live = settings.live_url.clone().unwrap_or_default();
        let policy = format!(
            "default-src 'none'; script-src 'self'; style-src 'self'; \
             img-src 'self' blob: {storage}; connect-src 'self' {storage}{live}; \
             base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            storage = settings.storage_origin,
            live = if live.is_empty() {
                String::new()
            } else {
                format!(" {live}")
            },
        );
        Self {
            index: INDEX.replace(LIVE_URL_SLOT, &live),
            policy: HeaderValue::from_str(&policy).expect("checked by Settings::from_env"),
        }
    }

    pub fn handle(&self, request: &Request) -> Response<Body> {
        if request.method() != Method::GET && request.method() != Method::HEAD {
            return plain(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD\n");
        }
        let (body, content_type) = match request.uri().path() {
            "/" | "/index.html" => (self.index.as_str(), "text/html; charset=utf-8"),
            "/app.js" => (SCRIPT, "text/javascript; charset=utf-8"),
            "/app.css" => (STYLE, "text/css; charset=utf-8"),
            "/favicon.svg" => (ICON, "image/svg+xml"),
            _ => return plain(StatusCode::NOT_FOUND, "no such page\n"),
        };
        let body = if request.method() == Method::HEAD {
            Body::Empty
        } else {
            Body::Text(body.to_owned())
        };
        Response::builder()
            .status(StatusCode::OK)
            .header(header::CONTENT_TYPE, content_type)
            // Short, so a deploy shows within minutes; the page itself names the live URL.
            .header(header::CACHE_CONTROL, "no-cache")
            .header(header::CONTENT_SECURITY_POLICY, self.policy.clone())
            .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
            .header(header::REFERRER_POLICY, "no-referrer")
            .body(body)
            .expect("a valid response")
    }
}

fn plain(status: StatusCode, text: &str) -> Response<Body> {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .body(Body::Text(text.to_owned()))
        .expect("a valid response")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(live: Option<&str>) -> App {
        App::new(Settings {
            live_url: live.map(str::to_owned),
            storage_origin: "http://127.0.0.1:4566".into(),
        })
    }

    fn get(app: &App, path: &str) -> Response<Body> {
        let request = lambda_http::http::Request::builder()
            .uri(format!("https://api.example{path}"))
            .body(Body::Empty)
            .unwrap();
        app.handle(&request)
    }

    fn text(response: &Response<Body>) -> &str {
        match response.body() {
            Body::Text(text) => text,
            _ => "",
        }
    }

    #[test]
    fn the_page_names_the_live_channel_and_its_policy_allows_it() {
        let response = get(&app(Some("ws://127.0.0.1:9001")), "/");
        assert_eq!(response.status(), 200);
        assert!(text(&response).contains(r#"content="ws://127.0.0.1:9001""#));
        assert!(!text(&response).contains(LIVE_URL_SLOT));
        let policy = response.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap();
        assert!(policy.contains("connect-src 'self' http://127.0.0.1:4566 ws://127.0.0.1:9001;"));
        assert!(policy.contains("script-src 'self';"));
    }

    #[test]
    fn without_a_live_channel_the_slot_is_empty() {
        let response = get(&app(None), "/");
        assert!(text(&response).contains(r#"name="ferrotype-live" content="""#));
    }

    #[test]
    fn each_asset_has_its_type_and_anything_else_is_404() {
        let app = app(None);
        for (path, kind) in [
            ("/app.js", "text/javascript"),
            ("/app.css", "text/css"),
            ("/favicon.svg", "image/svg+xml"),
        ] {
            let response = get(&app, path);
            assert_eq!(response.status(), 200);
            assert!(response.headers()[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with(kind));
        }
        assert_eq!(get(&app, "/../Cargo.toml").status(), 404);
        assert_eq!(get(&app, "/thumbhash.js").status(), 404);
        assert_eq!(get(&app, "/images").status(), 404);
    }

    #[test]
    fn the_script_carries_the_vendored_thumbhash_decoder_with_its_licence_first() {
        let response = get(&app(None), "/app.js");
        let script = text(&response);
        assert!(
            script.starts_with("// thumbhash 0.1.1"),
            "the licence header leads"
        );
        assert!(script.contains("MIT License"));
        let decoder = script
            .find("export function thumbHashToRGBA(hash)")
            .unwrap();
        let page = script.find("const placeholders = {").unwrap();
        assert!(
            decoder < page,
            "the decoder comes before the page that calls it"
        );
        // The page's CSP has no 'unsafe-eval': nothing in the module may need it.
        assert!(!script.contains("eval(") && !script.contains("new Function"));
    }
}
