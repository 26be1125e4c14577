//! Untrusted image bytes in; a web-sized JPEG or PNG, upright and without metadata, out.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::error::LimitErrorKind;
use image::imageops::FilterType;
use image::metadata::Orientation;
use image::{
    DynamicImage, ExtendedColorType, ImageDecoder, ImageEncoder, ImageError, ImageFormat,
    ImageReader, Limits,
};

use super::{jpeg, png};
use crate::error::{Error, Result};

/// What an upload may be, and what the stored image becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageLimits {
    /// The largest accepted file, in bytes.
    pub max_bytes: usize,
    /// The largest accepted width or height in pixels, read from the header before decoding.
    pub max_dimension: u32,
    /// The stored image's longer side, in pixels; smaller images keep their size.
    pub output_long_side: u32,
    /// The most memory decoding may take: the decoded pixels plus the decoder's own buffers.
    pub max_decode_bytes: u64,
}

impl Default for ImageLimits {
    fn default() -> Self {
        ImageLimits {
            max_bytes: 10 * 1024 * 1024,
            max_dimension: 8000,
            output_long_side: 1600,
            // Fits an 8000×8000 RGB photo (183 MiB), not the same with alpha or 16-bit samples.
            max_decode_bytes: 192 * 1024 * 1024,
        }
    }
}

/// An image ready to store and serve: re-encoded from its pixels alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SanitizedImage {
    pub bytes: Vec<u8>,
    /// `image/jpeg`, or `image/png` when the image has transparent pixels.
    pub content_type: &'static str,
    pub width: u32,
    pub height: u32,
}

const JPEG_QUALITY: u8 = 82;
/// Besides its output, image-webp 0.2 holds a whole RGBA frame (4 bytes a pixel), or an RGB
/// frame and YUV planes (4.5 bytes a pixel) for a lossy animation.
const WEBP_WORKING_BYTES_PER_PIXEL: u64 = 5;
/// Sharp like Lanczos3, with a smaller kernel.
const RESIZE_FILTER: FilterType = FilterType::CatmullRom;

const UNSUPPORTED_TYPE: &str = "Upload a JPEG, PNG or WebP image.";
const UNSUPPORTED_VARIANT: &str =
    "This kind of image is not supported; save it as an ordinary JPEG or PNG and upload it again.";
const DAMAGED: &str = "The image file is damaged or incomplete; export it again and upload it.";

/// Checks an uploaded image and re-encodes it for storage. Refuses, in this order: a file over
/// `limits.max_bytes` (413); one that is not a JPEG, PNG or WebP by its magic bytes (415); from
/// the header alone, before any pixel is decoded, an image wider or taller than
/// `limits.max_dimension` or that would take more than `limits.max_decode_bytes` to decode (400);
/// a damaged or truncated file (400). Then turns the image upright by its EXIF orientation,
/// shrinks it to `limits.output_long_side` and encodes it from its pixels alone.
///
/// CPU-bound: a 24-megapixel photo takes 0.6–0.8 s on one core (`docs/performance.md`).
pub fn sanitize(upload: &[u8], limits: &ImageLimits) -> Result<SanitizedImage> {
    if upload.len() > limits.max_bytes {
        return Err(Error::PayloadTooLarge);
    }
    let format = sniff_format(upload).ok_or(Error::UnsupportedMediaType(UNSUPPORTED_TYPE))?;
    // The decoder would panic on this damage rather than report it.
    if format == ImageFormat::Png && !png::palette_is_whole(upload) {
        return Err(damaged());
    }

    let mut reader = ImageReader::with_format(Cursor::new(upload), format);
    reader.limits(decode_limits(limits));
    let mut decoder = reader.into_decoder().map_err(|err| refusal(err, limits))?;
    let (width, height) = decoder.dimensions();
    if width == 0 || height == 0 {
        return Err(damaged());
    }
    if width > limits.max_dimension || height > limits.max_dimension {
        return Err(side_too_long(limits));
    }
    let working_bytes = match format {
        // The walk also proves the JPEG complete, which the lenient decoder would not.
        ImageFormat::Jpeg => jpeg::inspect(upload).ok_or_else(damaged)?.coefficient_bytes,
        ImageFormat::WebP => u64::from(width) * u64::from(height) * WEBP_WORKING_BYTES_PER_PIXEL,
        _ => 0,
    };
    if decoder.total_bytes().saturating_add(working_bytes) > limits.max_decode_bytes {
        return Err(too_many_pixels());
    }
    // All metadata is dropped anyway, so a broken EXIF block costs only the orientation.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let decoded = DynamicImage::from_decoder(decoder).map_err(|err| refusal(err, limits))?;

    // Shrinking before turning rotates a small image instead of a full-size one; both commute.
    let mut image = shrink(decoded, limits.output_long_side);
    image.apply_orientation(orientation);
    encode(&image)
}

/// The format named by the file's first bytes, whatever its name or declared type says.
fn sniff_format(upload: &[u8]) -> Option<ImageFormat> {
    if upload.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageFormat::Jpeg)
    } else if upload.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageFormat::Png)
    } else if upload.starts_with(b"RIFF") && upload.get(8..12) == Some(b"WEBP") {
        Some(ImageFormat::WebP)
    } else {
        None
    }
}

fn decode_limits(limits: &ImageLimits) -> Limits {
    let mut decode_limits = Limits::default();
    decode_limits.max_image_width = Some(limits.max_dimension);
    decode_limits.max_image_height = Some(limits.max_dimension);
    decode_limits.max_alloc = Some(limits.max_decode_bytes);
    decode_limits
}

/// `image` scaled down so its longer side is `long_side`, keeping its aspect; never enlarged.
fn shrink(image: DynamicImage, long_side: u32) -> DynamicImage {
    let (width, height) = (image.width(), image.height());
    let longer = width.max(height);
    if longer <= long_side {
        return image;
    }
    let scaled = |side: u32| {
        let side =
            (u64::from(side) * u64::from(long_side) + u64::from(longer) / 2) / u64::from(longer);
        u32::try_from(side).unwrap_or(long_side).max(1)
    };
    let reduced = average_blocks(image, longer / long_side);
    reduced.resize_exact(scaled(width), scaled(height), RESIZE_FILTER)
}

/// `image` with each `factor`×`factor` block averaged into one pixel. Cheap, and it spares the
/// filter a float buffer the size of the photo; the filter then does the last, smaller step.
fn average_blocks(image: DynamicImage, factor: u32) -> DynamicImage {
    if factor <= 1 {
        return image;
    }
    let shrunk = |side: u32| (side / factor).max(1);
    image.thumbnail_exact(shrunk(image.width()), shrunk(image.height()))
}

/// PNG when some pixel is transparent, JPEG otherwise. The encoders are given pixels only, so
/// nothing of the upload's metadata (EXIF, XMP, ICC, comments) survives.
fn encode(image: &DynamicImage) -> Result<SanitizedImage> {
    let (width, height) = (image.width(), image.height());
    let mut bytes = Vec::new();
    let transparent = image
        .color()
        .has_alpha()
        .then(|| image.to_rgba8())
        .filter(|rgba| rgba.pixels().any(|pixel| pixel.0[3] < u8::MAX));
    let content_type = match transparent {
        Some(rgba) => {
            PngEncoder::new(&mut bytes)
                .write_image(rgba.as_raw(), width, height, ExtendedColorType::Rgba8)
                .map_err(Error::internal)?;
            "image/png"
        }
        None => {
            JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY)
                .encode_image(&image.to_rgb8())
                .map_err(Error::internal)?;
            "image/jpeg"
        }
    };
    Ok(SanitizedImage {
        bytes,
        content_type,
        width,
        height,
    })
}

/// The 4xx for a file the decoder refused; our own encoding never reaches here.
fn refusal(err: ImageError, limits: &ImageLimits) -> Error {
    match err {
        ImageError::Limits(limit) if limit.kind() == LimitErrorKind::DimensionError => {
            side_too_long(limits)
        }
        ImageError::Limits(_) => too_many_pixels(),
        ImageError::Unsupported(_) => Error::UnsupportedMediaType(UNSUPPORTED_VARIANT),
        ImageError::Decoding(_) | ImageError::IoError(_) | ImageError::Parameter(_) => damaged(),
        ImageError::Encoding(_) => Error::internal(err),
    }
}

fn damaged() -> Error {
    Error::invalid(DAMAGED)
}

fn side_too_long(limits: &ImageLimits) -> Error {
    Error::invalid(format!(
        "The image is larger than {max} pixels on a side; scale it down and upload it again.",
        max = limits.max_dimension
    ))
}

fn too_many_pixels() -> Error {
    Error::invalid("The image has too many pixels to process; scale it down and upload it again.")
}

#[cfg(test)]
mod tests {
    use image::{GenericImageView, Rgb, Rgba, RgbaImage};

    use super::*;
    use crate::images::corpus;

    fn sanitized(upload: &[u8]) -> SanitizedImage {
        sanitize(upload, &ImageLimits::default()).unwrap()
    }

    fn refusal(upload: &[u8]) -> Error {
        sanitize(upload, &ImageLimits::default()).unwrap_err()
    }

    fn status(upload: &[u8]) -> u16 {
        refusal(upload).status().as_u16()
    }

    fn decoded(image: &SanitizedImage) -> DynamicImage {
        image::load_from_memory(&image.bytes).unwrap()
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack
            .windows(needle.len())
            .any(|window| window == needle)
    }

    fn is_red(pixel: &Rgb<u8>) -> bool {
        pixel.0[0] > 180 && pixel.0[2] < 80
    }

    #[test]
    fn a_small_jpeg_is_reencoded_at_its_size() {
        let image = sanitized(&corpus::jpeg(640, 480));
        assert_eq!(
            (image.content_type, image.width, image.height),
            ("image/jpeg", 640, 480)
        );
        assert_eq!(decoded(&image).dimensions(), (640, 480));
    }

    #[test]
    fn an_opaque_png_becomes_a_jpeg() {
        let rgb = corpus::encode(corpus::photo(300, 200), ImageFormat::Png);
        let opaque_rgba = corpus::encode(
            DynamicImage::from(corpus::photo(300, 200)).to_rgba8(),
            ImageFormat::Png,
        );
        for png in [rgb, opaque_rgba] {
            let image = sanitized(&png);
            assert_eq!(
                (image.content_type, image.width, image.height),
                ("image/jpeg", 300, 200)
            );
        }
    }

    #[test]
    fn a_png_with_transparency_stays_a_png_and_keeps_it() {
        let logo = RgbaImage::from_fn(300, 200, |x, _| {
            if x < 150 {
                Rgba([200, 30, 30, 255])
            } else {
                Rgba([0, 0, 0, 0])
            }
        });
        let image = sanitized(&corpus::encode(logo, ImageFormat::Png));
        assert_eq!(
            (image.content_type, image.width, image.height),
            ("image/png", 300, 200)
        );
        let pixels = decoded(&image).to_rgba8();
        assert_eq!(pixels.get_pixel(10, 10).0, [200, 30, 30, 255]);
        assert_eq!(pixels.get_pixel(290, 10).0[3], 0);
        for chunk in corpus::png_chunk_types(&image.bytes) {
            assert!(
                ["IHDR", "IDAT", "IEND"].contains(&chunk.as_str()),
                "{chunk}"
            );
        }
    }

    #[test]
    fn a_webp_is_accepted() {
        let image = sanitized(&corpus::encode(corpus::photo(320, 240), ImageFormat::WebP));
        assert_eq!(
            (image.content_type, image.width, image.height),
            ("image/jpeg", 320, 240)
        );
    }

    #[test]
    fn exif_orientation_is_applied_then_every_metadata_segment_dropped() {
        let photo = corpus::encode(corpus::marked(400, 200), ImageFormat::Jpeg);
        let upload = corpus::with_segment(&photo, 0xE1, &corpus::exif_orientation(6));
        let upload = corpus::with_segment(&upload, 0xFE, b"shot at 12 Rue de la Paix");
        let upload =
            corpus::with_segment(&upload, 0xE1, b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta/>");
        let image = sanitized(&upload);
        assert_eq!((image.width, image.height), (200, 400));
        // Orientation 6 is a quarter turn clockwise: the stored top-left corner shows top-right.
        let pixels = decoded(&image).to_rgb8();
        assert!(is_red(pixels.get_pixel(190, 10)));
        assert!(!is_red(pixels.get_pixel(10, 10)));
        // Before the scan: JFIF header, quantisation tables, frame, huffman tables; nothing else.
        for marker in corpus::jpeg_header_markers(&image.bytes) {
            assert!(matches!(marker, 0xE0 | 0xDB | 0xC0 | 0xC4), "{marker:#x}");
        }
        for metadata in [&b"Exif"[..], b"Rue de la Paix", b"xmpmeta"] {
            assert!(!contains(&image.bytes, metadata));
        }
    }

    #[test]
    fn a_broken_exif_block_costs_only_the_orientation() {
        let upload = corpus::with_segment(
            &corpus::jpeg(300, 200),
            0xE1,
            b"Exif\0\0MM\0\x2A\xFF\xFF\xFF\xFF",
        );
        let image = sanitized(&upload);
        assert_eq!((image.width, image.height), (300, 200));
    }

    #[test]
    fn large_images_shrink_to_the_long_side_and_small_ones_never_grow() {
        let wide = sanitized(&corpus::jpeg(4000, 1000));
        assert_eq!((wide.width, wide.height), (1600, 400));
        assert_eq!(decoded(&wide).dimensions(), (1600, 400));
        let tall = sanitized(&corpus::encode(corpus::photo(900, 3000), ImageFormat::Png));
        assert_eq!((tall.width, tall.height), (480, 1600));
        let turned =
            corpus::with_segment(&corpus::jpeg(3200, 800), 0xE1, &corpus::exif_orientation(6));
        let turned = sanitized(&turned);
        assert_eq!((turned.width, turned.height), (400, 1600));
        assert_eq!(decoded(&turned).dimensions(), (400, 1600));
        let small = sanitized(&corpus::jpeg(1600, 20));
        assert_eq!((small.width, small.height), (1600, 20));
        let sliver = sanitized(&corpus::jpeg(8000, 3));
        assert_eq!((sliver.width, sliver.height), (1600, 1));
        let pixels = decoded(&sliver).to_rgb8();
        assert!(
            pixels.get_pixel(800, 0).0[2] > 60,
            "{:?}",
            pixels.get_pixel(800, 0)
        );
    }

    #[test]
    fn huge_declared_sizes_are_refused_before_decoding() {
        // Headers only: decoding any of these would need gigabytes.
        let declared = [
            corpus::png(100_000, 100_000, b""),
            corpus::png(8001, 1, b""),
            corpus::with_frame(&corpus::jpeg(64, 64), 0xC0, 65_000, 65_000),
            corpus::with_frame(&corpus::jpeg(64, 64), 0xC0, 16, 9000),
        ];
        for upload in declared {
            let err = refusal(&upload);
            assert_eq!(err.status(), 400);
            assert!(err.to_string().contains("8000 pixels"), "{err}");
        }
        assert_eq!(status(&corpus::png(0, 10, b"")), 400);
    }

    #[test]
    fn decompression_bombs_are_refused_before_decoding() {
        // 8000×8000 RGBA: 244 MiB of pixels in a file of a few hundred kilobytes.
        let png = corpus::png_of_zeros(8000, 8000);
        assert!(png.len() < 1024 * 1024, "{}", png.len());
        // A progressive 8000×6000 JPEG: 144 MB of pixels plus 192 MB of coefficients.
        let progressive = corpus::with_frame(&corpus::jpeg(64, 64), 0xC2, 8000, 6000);
        // A 6500×6500 WebP: 127 MB of pixels plus a 169 MB working frame.
        let webp = corpus::encode(corpus::photo(64, 64), ImageFormat::WebP);
        let webp = corpus::with_webp_size(&webp, 6500, 6500);
        for upload in [png, progressive, webp] {
            let err = refusal(&upload);
            assert_eq!(err.status(), 400);
            assert!(err.to_string().contains("too many pixels"), "{err}");
        }
    }

    #[test]
    fn truncated_files_are_bad_requests() {
        let photo = corpus::photo(400, 300);
        let files = [
            ("jpeg", corpus::encode(photo.clone(), ImageFormat::Jpeg)),
            ("png", corpus::encode(photo.clone(), ImageFormat::Png)),
            ("webp", corpus::encode(photo, ImageFormat::WebP)),
        ];
        for (format, file) in files {
            for cut in [file.len() / 10, file.len() / 2, file.len() * 9 / 10] {
                assert_eq!(status(&file[..cut]), 400, "{format} cut at {cut}");
            }
        }
        let jpeg = corpus::jpeg(400, 300);
        assert_eq!(status(&jpeg[..jpeg.len() - 2]), 400);
    }

    #[test]
    fn anything_but_jpeg_png_or_webp_is_unsupported() {
        let uploads: [&[u8]; 8] = [
            b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xFF\xFF\xFF\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;",
            br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#,
            b"<!DOCTYPE html><html><body>hello</body></html>",
            b"just some text",
            b"PK\x03\x04\x14\x00\x00\x00\x08\x00",
            b"RIFF\x24\x00\x00\x00WAVEfmt ",
            b"\xFF\xD8",
            b"",
        ];
        for upload in uploads {
            assert_eq!(status(upload), 415, "{:?}", String::from_utf8_lossy(upload));
        }
    }

    #[test]
    fn disguised_files_are_refused_and_appended_data_dropped() {
        let html = b"\xFF\xD8\xFF\xE0<html><script>alert(document.cookie)</script></html>";
        let zip = b"\xFF\xD8\xFFPK\x03\x04\x14\x00\x00\x00\x08\x00";
        assert_eq!(status(html), 400);
        assert_eq!(status(zip), 400);
        // A real JPEG with an archive after its end marker is an image; the archive is dropped.
        let mut polyglot = corpus::jpeg(200, 100);
        polyglot.extend(b"PK\x03\x04<?php system($_GET['c']); ?>");
        let image = sanitized(&polyglot);
        assert!(!contains(&image.bytes, b"PK\x03\x04"));
        assert!(!contains(&image.bytes, b"<?php"));
    }

    #[test]
    fn oversized_uploads_are_too_large() {
        let limits = ImageLimits::default();
        let mut upload = corpus::jpeg(64, 64);
        upload.resize(limits.max_bytes + 1, 0);
        assert_eq!(sanitize(&upload, &limits).unwrap_err().status(), 413);
        upload.truncate(limits.max_bytes);
        assert!(sanitize(&upload, &limits).is_ok());
    }

    #[test]
    fn a_palette_with_a_partial_entry_is_damage_not_a_panic() {
        // Found by fuzzing (fuzz/, image_sanitize): png 0.18 panicked expanding this palette.
        assert_eq!(status(&corpus::paletted_png(&[255, 0, 0, 0])), 400);
        let image = sanitized(&corpus::paletted_png(&[255, 0, 0]));
        assert_eq!(
            (image.content_type, image.width, image.height),
            ("image/jpeg", 1, 1)
        );
        assert!(is_red(decoded(&image).to_rgb8().get_pixel(0, 0)));
    }

    #[test]
    fn damaged_files_never_panic() {
        let photo = corpus::photo(96, 64);
        let originals = [
            corpus::encode(photo.clone(), ImageFormat::Jpeg),
            corpus::encode(photo.clone(), ImageFormat::Png),
            corpus::encode(photo, ImageFormat::WebP),
        ];
        let mut random = 0x2545_F491_u32;
        for original in originals {
            for _ in 0..200 {
                let mut damaged = original.clone();
                for _ in 0..4 {
                    random ^= random << 13;
                    random ^= random >> 17;
                    random ^= random << 5;
                    let at = usize::try_from(random).unwrap() % damaged.len();
                    damaged[at] ^= random.to_be_bytes()[0] | 1;
                }
                if let Err(err) = sanitize(&damaged, &ImageLimits::default()) {
                    assert!(err.status().is_client_error(), "{err}");
                }
            }
        }
    }
}
