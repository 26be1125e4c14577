//! The upload routes against a corpus the tests make (bombs included): each file gets its
//! expected status, and what is stored is fetched from the URL the response gives, as a
//! browser would: upright, at most 1600 px, with no EXIF, with its content type.

use std::io::{Cursor, Write};

use flate2::Compression;
use flate2::write::ZlibEncoder;
use http::Method;
use image::{DynamicImage, GenericImageView, ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};
use serde_json::Value;

use crate::support::{Browser, Stack, read};

fn photo(width: u32, height: u32) -> RgbImage {
    let mut noise = 0x9E37_79B9_u32;
    RgbImage::from_fn(width, height, |x, y| {
        noise ^= noise << 13;
        noise ^= noise >> 17;
        noise ^= noise << 5;
        let grain = (noise % 24) as u8;
        Rgb([
            (x * 200 / width) as u8 + grain,
            (y * 200 / height) as u8 + grain,
            120 + grain,
        ])
    })
}

/// Red in the top-left quarter, blue elsewhere: shows where that corner went.
fn marked(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        if x < width / 4 && y < height / 4 {
            Rgb([255, 0, 0])
        } else {
            Rgb([0, 0, 255])
        }
    })
}

fn encode(image: impl Into<DynamicImage>, format: ImageFormat) -> Vec<u8> {
    let mut bytes = Cursor::new(Vec::new());
    image.into().write_to(&mut bytes, format).unwrap();
    bytes.into_inner()
}

/// A JPEG with an APP1 EXIF block right after its start marker: orientation and a camera tag.
fn jpeg_with_exif(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    let mut exif = b"Exif\0\0MM\0\x2A\0\0\0\x08".to_vec();
    exif.extend(1_u16.to_be_bytes());
    exif.extend([0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01]);
    exif.extend(orientation.to_be_bytes());
    exif.extend([0, 0, 0, 0, 0, 0]);
    exif.extend(b"GPS 38.7223 -9.1393 secret-camera-serial");
    let mut out = jpeg[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(((exif.len() + 2) as u16).to_be_bytes());
    out.extend(exif);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// A small JPEG whose frame header claims `width`×`height`.
fn jpeg_claiming(width: u16, height: u16) -> Vec<u8> {
    let mut out = encode(photo(64, 64), ImageFormat::Jpeg);
    let frame = out
        .windows(2)
        .position(|pair| pair[0] == 0xFF && matches!(pair[1], 0xC0..=0xC2))
        .unwrap();
    out[frame + 5..frame + 7].copy_from_slice(&height.to_be_bytes());
    out[frame + 7..frame + 9].copy_from_slice(&width.to_be_bytes());
    out
}

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut crc = flate2::Crc::new();
    crc.update(kind);
    crc.update(data);
    let mut chunk = (data.len() as u32).to_be_bytes().to_vec();
    chunk.extend(kind);
    chunk.extend(data);
    chunk.extend(crc.sum().to_be_bytes());
    chunk
}

/// An RGBA PNG declaring `width`×`height` whose pixels are `rows` rows of zeros: a small file
/// that inflates a thousandfold.
fn png_bomb(width: u32, height: u32, rows: u32) -> Vec<u8> {
    let row = vec![0; 1 + 4 * width as usize];
    let mut pixels = ZlibEncoder::new(Vec::new(), Compression::best());
    for _ in 0..rows {
        pixels.write_all(&row).unwrap();
    }
    let mut header = width.to_be_bytes().to_vec();
    header.extend(height.to_be_bytes());
    header.extend([8, 6, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(png_chunk(b"IHDR", &header));
    png.extend(png_chunk(b"IDAT", &pixels.finish().unwrap()));
    png.extend(png_chunk(b"IEND", b""));
    png
}

/// A lossless WebP whose header claims `width`×`height`.
fn webp_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut out = encode(photo(16, 16), ImageFormat::WebP);
    let header = out.windows(4).position(|fourcc| fourcc == b"VP8L").unwrap() + 9;
    let bits = u32::from_le_bytes(out[header..header + 4].try_into().unwrap());
    let bits = (bits & !0x0FFF_FFFF) | (width - 1) | ((height - 1) << 14);
    out[header..header + 4].copy_from_slice(&bits.to_le_bytes());
    out
}

const BOUNDARY: &str = "concierge-test-boundary";

fn multipart(field: &str, bytes: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"upload.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend(format!("\r\n--{BOUNDARY}--\r\n").into_bytes());
    body
}

async fn upload(browser: &Browser, path: &str, bytes: &[u8]) -> (u16, Value) {
    let response = browser
        .request(Method::POST, path)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(multipart("image", bytes))
        .send()
        .await
        .expect("upload");
    read(response).await
}

/// What the URL a response gives serves, fetched as a browser would: anonymously, over HTTP
/// (the local API serves the bucket at `/images/`, as the site's distribution does when
/// deployed). It must be the stored image with its content type.
async fn fetch(stack: &Stack, url: &str) -> Vec<u8> {
    let origin = stack.base.strip_suffix("/api/v1").unwrap();
    assert!(
        url.starts_with(&format!("{origin}/images/hotels/")),
        "served beside the app: {url}"
    );
    let response = reqwest::get(url).await.expect("image request");
    assert_eq!(response.status(), 200, "{url}");
    let headers = response.headers().clone();
    let bytes = response.bytes().await.unwrap().to_vec();
    let expected = if bytes.starts_with(b"\x89PNG") {
        "image/png"
    } else {
        assert!(bytes.starts_with(&[0xFF, 0xD8, 0xFF]), "a JPEG or a PNG");
        "image/jpeg"
    };
    assert_eq!(headers["content-type"], expected, "{url}");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(
        headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    bytes
}

fn has_exif(bytes: &[u8]) -> bool {
    bytes.windows(6).any(|w| w == b"Exif\0\0") || bytes.windows(6).any(|w| w == b"secret")
}

async fn experience_image_path(stack: &Stack, admin: &mut Browser) -> String {
    let (status, created) = admin
        .post(
            "/hotels/demo/admin/experiences",
            serde_json::json!({ "department": "spa", "name": "Pictured" }),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let _ = stack;
    format!(
        "/hotels/demo/admin/experiences/{}/image",
        created["id"].as_str().unwrap()
    )
}

#[tokio::test]
async fn every_file_of_the_corpus_gets_its_status() {
    let stack = Stack::demo_with(
        |config| config.images.max_bytes = 2 * 1024 * 1024,
        |app| app,
    )
    .await;
    let mut admin = stack.staff("manager@demo.test").await;
    let path = experience_image_path(&stack, &mut admin).await;
    let mut state = 0x2545_F491_u32;
    let mut oversized = vec![0xFF, 0xD8, 0xFF];
    oversized.extend((0..3 * 1024 * 1024).map(|_| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        state as u8
    }));
    let corpus: Vec<(&str, Vec<u8>, u16)> = vec![
        (
            "plain jpeg",
            encode(photo(320, 200), ImageFormat::Jpeg),
            200,
        ),
        ("png", encode(photo(64, 48), ImageFormat::Png), 200),
        ("webp", encode(photo(64, 48), ImageFormat::WebP), 200),
        (
            "jpeg with exif",
            jpeg_with_exif(&encode(photo(64, 32), ImageFormat::Jpeg), 6),
            200,
        ),
        ("gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec(), 415),
        ("text named jpg", b"hello, I am not an image".to_vec(), 415),
        (
            "svg",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>".to_vec(),
            415,
        ),
        ("empty", Vec::new(), 415),
        (
            "truncated jpeg",
            encode(photo(320, 200), ImageFormat::Jpeg)[..600].to_vec(),
            400,
        ),
        (
            "truncated png",
            encode(photo(64, 48), ImageFormat::Png)[..100].to_vec(),
            400,
        ),
        ("jpeg claiming 60000 px", jpeg_claiming(60000, 60000), 400),
        ("jpeg claiming 8001 px", jpeg_claiming(8001, 100), 400),
        ("png claiming 100000 px", png_bomb(100_000, 100_000, 1), 400),
        ("png decompression bomb", png_bomb(7900, 7900, 7900), 400),
        ("webp claiming 16000 px", webp_claiming(16000, 16000), 400),
        ("over the size limit", oversized, 413),
    ];
    for (name, bytes, expected) in &corpus {
        let (status, body) = upload(&admin, &path, bytes).await;
        assert_eq!(status, *expected, "{name}: {body}");
        if *expected >= 400 {
            assert!(body["error"]["code"].is_string(), "{name}: {body}");
        } else {
            let url = body["image_url"].as_str().expect("image_url");
            assert!(url.contains("/hotels/demo/experiences/"), "{url}");
            let stored = fetch(&stack, url).await;
            assert!(!has_exif(&stored), "{name}: metadata survived");
        }
    }
    // Not multipart at all, or without the field.
    let not_multipart = admin
        .request(Method::POST, &path)
        .header("content-type", "image/jpeg")
        .body(encode(photo(8, 8), ImageFormat::Jpeg))
        .send()
        .await
        .unwrap();
    assert_eq!(not_multipart.status(), 415);
    let wrong_field = admin
        .request(Method::POST, &path)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(multipart("photo", &encode(photo(8, 8), ImageFormat::Jpeg)))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_field.status(), 400);
}

#[tokio::test]
async fn stored_images_are_upright_small_and_without_metadata() {
    let stack = Stack::demo().await;
    let mut admin = stack.staff("manager@demo.test").await;
    let path = experience_image_path(&stack, &mut admin).await;
    // Orientation 6: the camera was turned; the picture must be turned a quarter clockwise.
    let turned = jpeg_with_exif(&encode(marked(400, 200), ImageFormat::Jpeg), 6);
    let (status, body) = upload(&admin, &path, &turned).await;
    assert_eq!(status, 200, "{body}");
    let stored = fetch(&stack, body["image_url"].as_str().unwrap()).await;
    assert!(stored.starts_with(&[0xFF, 0xD8, 0xFF]));
    assert!(!has_exif(&stored));
    let image = image::load_from_memory(&stored).unwrap();
    assert_eq!(image.dimensions(), (200, 400));
    // The red corner went from top-left to top-right.
    let Rgba([r, _, b, _]) = image.get_pixel(190, 10);
    assert!(r > 200 && b < 80, "top right is red: {r} {b}");
    let public = stack
        .get(&format!(
            "/hotels/demo/experiences/{}",
            path.split('/').nth(5).unwrap()
        ))
        .await;
    assert_eq!(public.1["image_url"], body["image_url"]);

    // A big photo is brought down to 1600 px on its longer side.
    let (status, body) = upload(&admin, &path, &encode(photo(3000, 2000), ImageFormat::Jpeg)).await;
    assert_eq!(status, 200, "{body}");
    let stored =
        image::load_from_memory(&fetch(&stack, body["image_url"].as_str().unwrap()).await).unwrap();
    assert_eq!(stored.dimensions(), (1600, 1067));

    // Transparency keeps a PNG; the logo route runs the same pipeline (SUPERADMIN).
    let logo = RgbaImage::from_fn(40, 40, |x, _| Rgba([0, 0, 0, if x < 20 { 0 } else { 255 }]));
    let boss = stack.staff("admin@demo.test").await;
    let (status, hotel) = upload(
        &boss,
        "/hotels/demo/admin/logo",
        &encode(logo, ImageFormat::Png),
    )
    .await;
    assert_eq!(status, 200, "{hotel}");
    let url = hotel["branding"]["logo_url"].as_str().unwrap();
    assert!(
        url.contains("/hotels/demo/logo/") && url.ends_with(".png"),
        "{url}"
    );
    assert!(fetch(&stack, url).await.starts_with(b"\x89PNG"));
    let (_, public) = stack.get("/hotels/demo").await;
    assert_eq!(public["branding"]["logo_url"], url);
    let (status, _) = upload(
        &admin,
        "/hotels/demo/admin/logo",
        &encode(photo(8, 8), ImageFormat::Png),
    )
    .await;
    assert_eq!(status, 403, "an ADMIN may not change the logo");
}

#[tokio::test]
async fn only_stored_images_are_served() {
    let stack = Stack::demo().await;
    let admin = stack.staff("admin@demo.test").await;
    let (status, hotel) = upload(
        &admin,
        "/hotels/demo/admin/logo",
        &encode(photo(16, 16), ImageFormat::Png),
    )
    .await;
    assert_eq!(status, 200, "{hotel}");
    let url = hotel["branding"]["logo_url"].as_str().unwrap();
    let served = fetch(&stack, url).await;
    let origin = stack.base.strip_suffix("/api/v1").unwrap();
    let http = reqwest::Client::new();
    let folder = url.rsplit_once('/').unwrap().0;
    for missing in [
        format!("{folder}/01m8xg6aej6qx2t6dtw0m858qz.jpg"),
        format!("{origin}/images/other/x.png"),
        format!("{origin}/images/"),
    ] {
        let response = http.get(&missing).send().await.unwrap();
        assert_eq!(response.status(), 404, "{missing}");
    }
    let response = http.delete(url).send().await.unwrap();
    assert_eq!(response.status(), 405);
    assert_eq!(fetch(&stack, url).await, served, "still there");
}
