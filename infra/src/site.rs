//! What the site's CloudFront distribution serves beside the API, done by the local API: the
//! built web app (`web/dist`) with the app's security headers, and uploaded images from the
//! images bucket at `/images/<key>`.
//!
//! Paths follow the distribution's rules (`template.yaml`, `SiteDistribution`): a path whose
//! last segment has no extension is an app route and gets its app's `index.html` (the staff
//! app's, `staff/index.html`, under `/staff`; the guest app's elsewhere), which routes itself;
//! anything else is a file, or a 404, never an `index.html`.

use std::io::Write;
use std::path::{Path, PathBuf};

use aws_config::{BehaviorVersion, Region};
use aws_sdk_s3::config::Credentials;
use flate2::Compression;
use flate2::write::GzEncoder;
use http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use hyper::body::Bytes;

use concierge::stream;

/// The URL path under which images are served; `IMAGES_PUBLIC_URL` ends with it.
pub const IMAGES_PATH: &str = "/images";

/// The app's security headers, as the distribution's response headers policy sets them
/// (`tests/integration/deployment.rs` checks that the two agree).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
    manifest-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; \
    form-action 'self'; frame-ancestors 'none'";
pub const STRICT_TRANSPORT_SECURITY: &str = "max-age=63072000; includeSubDomains";
pub const REFERRER_POLICY: &str = "strict-origin-when-cross-origin";

/// Files whose names carry their content's hash (Vite's output): cached for good.
const HASHED_PREFIX: &str = "/assets/";

type Response = hyper::Response<stream::Body>;

/// The uploaded images, read from the bucket the upload routes write to.
#[derive(Clone)]
pub struct Images {
    s3: aws_sdk_s3::Client,
    bucket: String,
}

impl Images {
    /// The bucket in the emulator at `endpoint`.
    pub fn new(endpoint: &str, bucket: &str) -> Self {
        let config = aws_sdk_s3::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(crate::emulator::REGION))
            .credentials_provider(Credentials::new("local", "local", None, None, "emulator"))
            .endpoint_url(endpoint)
            .force_path_style(true)
            .build();
        Self {
            s3: aws_sdk_s3::Client::from_conf(config),
            bucket: bucket.to_owned(),
        }
    }

    /// `GET /images/<key>`: the object at `key`, with its content type and cache header.
    pub async fn serve(&self, method: &Method, path: &str) -> Response {
        if method != Method::GET && method != Method::HEAD {
            return plain(StatusCode::METHOD_NOT_ALLOWED, "Images are read with GET.");
        }
        let Some(key) = path
            .strip_prefix(IMAGES_PATH)
            .and_then(|rest| rest.strip_prefix('/'))
            .filter(|key| is_image_key(key))
        else {
            return plain(StatusCode::NOT_FOUND, "No such image.");
        };
        let object = match self
            .s3
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
        {
            Ok(object) => object,
            Err(err) => {
                let missing = err.as_service_error().is_some_and(|e| e.is_no_such_key());
                if !missing {
                    tracing::warn!(
                        err = %aws_sdk_s3::error::DisplayErrorContext(&err),
                        "reading an image failed"
                    );
                }
                return plain(StatusCode::NOT_FOUND, "No such image.");
            }
        };
        let content_type = object
            .content_type()
            .unwrap_or("application/octet-stream")
            .to_owned();
        let cache_control = object.cache_control().map(str::to_owned);
        let bytes = match object.body.collect().await {
            Ok(bytes) => bytes.into_bytes(),
            Err(err) => {
                tracing::warn!(%err, "reading an image's body failed");
                return plain(StatusCode::BAD_GATEWAY, "The image could not be read.");
            }
        };
        let mut response = hyper::Response::new(stream::full(if method == Method::HEAD {
            Bytes::new()
        } else {
            bytes
        }));
        let headers = response.headers_mut();
        insert(headers, header::CONTENT_TYPE, &content_type);
        if let Some(cache_control) = cache_control {
            insert(headers, header::CACHE_CONTROL, &cache_control);
        }
        security_headers(headers);
        response
    }
}

/// Keys the upload routes write: `hotels/<slug>/<folder>/<name>.<ext>`, nothing else.
fn is_image_key(key: &str) -> bool {
    key.starts_with("hotels/")
        && !key.contains("..")
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"/.-_".contains(&b))
}

/// The built web app.
#[derive(Clone)]
pub struct Site {
    dir: PathBuf,
}

impl Site {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The app's directory in the workspace.
    pub fn workspace() -> Self {
        Self::new(crate::emulator::workspace_dir().join("web/dist"))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether the app has been built.
    pub fn is_built(&self) -> bool {
        self.dir.join("index.html").is_file()
    }

    /// A file of the app, `index.html` for an app route.
    pub async fn serve(&self, method: &Method, path: &str, request: &HeaderMap) -> Response {
        if method != Method::GET && method != Method::HEAD {
            return plain(StatusCode::METHOD_NOT_ALLOWED, "The app is read with GET.");
        }
        let Some(file) = file_of(path) else {
            return plain(StatusCode::NOT_FOUND, "Not found.");
        };
        let bytes = match tokio::fs::read(self.dir.join(&file)).await {
            Ok(bytes) => bytes,
            Err(_) if file.ends_with("index.html") => {
                return plain(
                    StatusCode::NOT_FOUND,
                    "The web app is not built: run `make web-build`.",
                );
            }
            Err(_) => return plain(StatusCode::NOT_FOUND, "Not found."),
        };
        let content_type = content_type_of(&file);
        let gzip = content_type.starts_with("text/")
            || content_type.starts_with("application/javascript")
            || content_type.starts_with("application/json")
            || content_type.starts_with("application/manifest")
            || content_type.starts_with("image/svg");
        let accepts_gzip = request
            .get_all(header::ACCEPT_ENCODING)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|v| v.split(',').any(|e| e.trim().starts_with("gzip")));
        let (bytes, encoded) = if gzip && accepts_gzip {
            (compress(&bytes), true)
        } else {
            (bytes, false)
        };
        let length = bytes.len();
        let mut response = hyper::Response::new(stream::full(if method == Method::HEAD {
            Bytes::new()
        } else {
            Bytes::from(bytes)
        }));
        let headers = response.headers_mut();
        insert(headers, header::CONTENT_TYPE, content_type);
        insert(headers, header::CONTENT_LENGTH, &length.to_string());
        if encoded {
            insert(headers, header::CONTENT_ENCODING, "gzip");
        }
        if gzip {
            insert(headers, header::VARY, "accept-encoding");
        }
        let cache = if path.starts_with(HASHED_PREFIX) {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        insert(headers, header::CACHE_CONTROL, cache);
        security_headers(headers);
        response
    }
}

/// The staff app's routes: `/staff` and everything under `/staff/`.
const STAFF_APP: &str = "staff";

/// The file an app path is served from, relative to the app's directory; `None` for a path
/// that cannot name one of its files.
pub fn file_of(path: &str) -> Option<String> {
    let relative = path.strip_prefix('/')?;
    if relative
        .split('/')
        .any(|segment| segment.starts_with('.') || segment.contains('\\'))
        || relative.contains('%')
    {
        return None;
    }
    let last = relative.rsplit('/').next().unwrap_or_default();
    if last.contains('.') {
        Some(relative.to_owned())
    } else if relative == STAFF_APP || relative.starts_with("staff/") {
        Some(format!("{STAFF_APP}/index.html"))
    } else {
        Some("index.html".to_owned())
    }
}

fn content_type_of(file: &str) -> &'static str {
    match file.rsplit('.').next().unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "application/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn compress(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

/// The security headers of every response of the site.
pub fn security_headers(headers: &mut HeaderMap) {
    insert(
        headers,
        header::CONTENT_SECURITY_POLICY,
        CONTENT_SECURITY_POLICY,
    );
    insert(
        headers,
        header::STRICT_TRANSPORT_SECURITY,
        STRICT_TRANSPORT_SECURITY,
    );
    insert(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    insert(headers, header::REFERRER_POLICY, REFERRER_POLICY);
    insert(headers, header::X_FRAME_OPTIONS, "DENY");
}

fn insert(headers: &mut HeaderMap, name: header::HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        headers.insert(name, value);
    }
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    let mut response = hyper::Response::new(stream::full(Bytes::from_static(text.as_bytes())));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    insert(headers, header::CONTENT_TYPE, "text/plain; charset=utf-8");
    insert(headers, header::CACHE_CONTROL, "no-store");
    security_headers(headers);
    response
}
