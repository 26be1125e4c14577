//! The web app as the local API serves it, by the site distribution's rules: app routes get
//! their app's `index.html` (the staff app's under `/staff`), files are themselves, a missing file is a 404 (never the app), the API stays
//! the API, and every answer carries the app's security headers.

use concierge_infra::local_api::LocalApi;
use concierge_infra::outbox::Outbox;
use concierge_infra::site::{self, Site};

use crate::support::{Stack, emulator, unique_table};

/// A built app in a directory of its own, served beside a demo stack's API.
async fn served_app() -> (Stack, String) {
    let stack = Stack::demo().await;
    let dir = std::env::temp_dir().join(unique_table());
    std::fs::create_dir_all(dir.join("assets")).unwrap();
    std::fs::write(dir.join("index.html"), "<!doctype html><title>app</title>").unwrap();
    std::fs::create_dir_all(dir.join("staff")).unwrap();
    std::fs::write(
        dir.join("staff/index.html"),
        "<!doctype html><title>staff</title>",
    )
    .unwrap();
    std::fs::write(
        dir.join("assets/guest-1a2b.js"),
        "console.log('guest');".repeat(50),
    )
    .unwrap();
    std::fs::write(dir.join("favicon.svg"), "<svg/>").unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let api =
        LocalApi::new(stack.app, Outbox::new(emulator()), emulator()).with_site(Site::new(dir));
    tokio::spawn(api.serve(listener, std::future::pending()));
    (stack, origin)
}

#[tokio::test]
async fn app_routes_get_the_app_and_files_are_themselves() {
    let (_stack, origin) = served_app().await;
    let http = reqwest::Client::new();
    for route in [
        "/",
        "/scan/abcdefghijklmnopqrstuvwxyz",
        "/requests",
        "/requests/01x/",
        "/staffroom",
    ] {
        let response = http.get(format!("{origin}{route}")).send().await.unwrap();
        assert_eq!(response.status(), 200, "{route}");
        let headers = response.headers().clone();
        assert_eq!(
            headers["content-type"], "text/html; charset=utf-8",
            "{route}"
        );
        assert_eq!(headers["cache-control"], "no-cache", "{route}");
        assert_eq!(
            headers["content-security-policy"],
            site::CONTENT_SECURITY_POLICY
        );
        assert!(
            !site::CONTENT_SECURITY_POLICY.contains("unsafe-inline"),
            "no inline scripts"
        );
        assert_eq!(
            headers["strict-transport-security"],
            site::STRICT_TRANSPORT_SECURITY
        );
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["referrer-policy"], site::REFERRER_POLICY);
        assert_eq!(headers["x-frame-options"], "DENY");
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains("<title>app</title>")
        );
    }

    for route in ["/staff", "/staff/", "/staff/queue", "/staff/requests/01x"] {
        let response = http.get(format!("{origin}{route}")).send().await.unwrap();
        assert_eq!(response.status(), 200, "{route}");
        assert_eq!(response.headers()["cache-control"], "no-cache", "{route}");
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains("<title>staff</title>"),
            "{route} is the staff app"
        );
    }

    let script = http
        .get(format!("{origin}/assets/guest-1a2b.js"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(script.status(), 200);
    assert_eq!(
        script.headers()["content-type"],
        "application/javascript; charset=utf-8"
    );
    assert_eq!(script.headers()["content-encoding"], "gzip");
    assert_eq!(
        script.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let compressed = script.bytes().await.unwrap();
    let mut plain = String::new();
    std::io::Read::read_to_string(
        &mut flate2::read::GzDecoder::new(&compressed[..]),
        &mut plain,
    )
    .unwrap();
    assert_eq!(plain, "console.log('guest');".repeat(50));
    let icon = http
        .get(format!("{origin}/favicon.svg"))
        .send()
        .await
        .unwrap();
    assert_eq!(icon.headers()["content-type"], "image/svg+xml");

    for missing in [
        "/assets/gone-9z9z.js",
        "/robots.txt",
        "/.env",
        "/assets/%2e%2e/x.js",
    ] {
        let response = http.get(format!("{origin}{missing}")).send().await.unwrap();
        assert_eq!(response.status(), 404, "{missing}");
        assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    }
    let post = http.post(format!("{origin}/scan/x")).send().await.unwrap();
    assert_eq!(post.status(), 405);

    // The API is not the app: its routes answer JSON, its unknown paths the API's 404.
    let hotel = http
        .get(format!("{origin}/api/v1/hotels/demo"))
        .send()
        .await
        .unwrap();
    assert_eq!(hotel.status(), 200);
    assert!(
        hotel.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let unknown = http
        .get(format!("{origin}/api/v1/nothing"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    let body: serde_json::Value = unknown.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found");
}

/// The distribution's `SiteRoutes` function (run by Node.js, as CloudFront runs it) sends every
/// path to the file the local API serves for it.
#[test]
fn the_distribution_routes_as_the_local_api_does() {
    let template = concierge_infra::template::Template::load_workspace().unwrap();
    let code = template.resources["SiteRoutes"].properties["FunctionCode"]
        .as_str()
        .expect("SiteRoutes has its code inline")
        .to_owned();
    let paths = [
        "/",
        "/scan/abc",
        "/requests/01x/",
        "/favicon.svg",
        "/assets/guest-1a2b.js",
        "/staff",
        "/staff/",
        "/staff/queue",
        "/staff/requests/01x",
        "/staff/manifest.webmanifest",
        "/staffroom",
        "/staffroom/x",
    ];
    let script = format!(
        "{code}\nconst paths = {};\nconsole.log(JSON.stringify(paths.map((uri) => \
         handler({{ request: {{ uri }} }}).uri)));",
        serde_json::to_string(&paths).unwrap()
    );
    let output = std::process::Command::new("node")
        .arg("-e")
        .arg(&script)
        .output()
        .expect("Node.js runs the distribution's function (it builds the web app too)");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let routed: Vec<String> = serde_json::from_slice(&output.stdout).unwrap();
    for (path, uri) in paths.iter().zip(&routed) {
        let local = site::file_of(path).map(|file| format!("/{file}"));
        assert_eq!(local.as_deref(), Some(uri.as_str()), "{path}");
    }
}
