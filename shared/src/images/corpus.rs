//! Test images, made by the tests themselves so no binary fixture lives in the repository.

use std::io::{Cursor, Write};

use flate2::Compression;
use flate2::write::ZlibEncoder;
use image::{DynamicImage, ImageFormat, Rgb, RgbImage};

/// A photo-like picture: gradients and a little noise, so it does not compress to nothing.
pub fn photo(width: u32, height: u32) -> RgbImage {
    let mut noise = 0x9E37_79B9_u32;
    RgbImage::from_fn(width, height, |x, y| {
        noise ^= noise << 13;
        noise ^= noise >> 17;
        noise ^= noise << 5;
        let grain = u8::try_from(noise % 24).unwrap();
        let red = u8::try_from(x * 200 / width).unwrap();
        let green = u8::try_from(y * 200 / height).unwrap();
        Rgb([red + grain, green + grain, 120 + grain])
    })
}

/// A blue picture with a red square in its top-left corner, to see where that corner goes.
pub fn marked(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        if x < width / 4 && y < height / 4 {
            Rgb([255, 0, 0])
        } else {
            Rgb([0, 0, 255])
        }
    })
}

pub fn encode(image: impl Into<DynamicImage>, format: ImageFormat) -> Vec<u8> {
    let mut bytes = Cursor::new(Vec::new());
    image.into().write_to(&mut bytes, format).unwrap();
    bytes.into_inner()
}

pub fn jpeg(width: u32, height: u32) -> Vec<u8> {
    encode(photo(width, height), ImageFormat::Jpeg)
}

/// `jpeg` with a segment (marker `0xFF marker`, then `payload`) right after its start marker.
pub fn with_segment(jpeg: &[u8], marker: u8, payload: &[u8]) -> Vec<u8> {
    let length = u16::try_from(payload.len() + 2).unwrap();
    let mut out = jpeg[..2].to_vec();
    out.extend([0xFF, marker]);
    out.extend(length.to_be_bytes());
    out.extend_from_slice(payload);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// An APP1 payload: an EXIF block (big-endian TIFF) with one entry, the orientation tag.
pub fn exif_orientation(orientation: u16) -> Vec<u8> {
    let mut exif = b"Exif\0\0MM\0\x2A\0\0\0\x08".to_vec();
    exif.extend(1_u16.to_be_bytes());
    exif.extend([0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01]);
    exif.extend(orientation.to_be_bytes());
    exif.extend([0, 0, 0, 0, 0, 0]);
    exif
}

/// `jpeg` with its first start-of-frame segment changed to `marker`, `width` and `height`:
/// a small file that claims to be a big (or progressive) picture.
pub fn with_frame(jpeg: &[u8], marker: u8, width: u16, height: u16) -> Vec<u8> {
    let mut out = jpeg.to_vec();
    let frame = out
        .windows(2)
        .position(|pair| pair[0] == 0xFF && matches!(pair[1], 0xC0..=0xC2))
        .unwrap();
    out[frame + 1] = marker;
    out[frame + 5..frame + 7].copy_from_slice(&height.to_be_bytes());
    out[frame + 7..frame + 9].copy_from_slice(&width.to_be_bytes());
    out
}

/// A lossless `webp` whose header is changed to declare `width`×`height`.
pub fn with_webp_size(webp: &[u8], width: u32, height: u32) -> Vec<u8> {
    let mut out = webp.to_vec();
    // The VP8L chunk's payload: a 0x2F signature, then width - 1 and height - 1 in 14 bits each.
    let header = out.windows(4).position(|fourcc| fourcc == b"VP8L").unwrap() + 9;
    let bits = u32::from_le_bytes(out[header..header + 4].try_into().unwrap());
    let bits = (bits & !0x0FFF_FFFF) | (width - 1) | ((height - 1) << 14);
    out[header..header + 4].copy_from_slice(&bits.to_le_bytes());
    out
}

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut crc = flate2::Crc::new();
    crc.update(kind);
    crc.update(data);
    let mut chunk = u32::try_from(data.len()).unwrap().to_be_bytes().to_vec();
    chunk.extend(kind);
    chunk.extend(data);
    chunk.extend(crc.sum().to_be_bytes());
    chunk
}

/// A well-formed 8-bit RGBA PNG of `width`×`height` transparent black pixels. Its zlib stream
/// inflates to about `4 × width × height` bytes, a thousand times the file's size.
pub fn png_of_zeros(width: u32, height: u32) -> Vec<u8> {
    let row = vec![0; 1 + 4 * usize::try_from(width).unwrap()];
    let mut pixels = ZlibEncoder::new(Vec::new(), Compression::best());
    for _ in 0..height {
        pixels.write_all(&row).unwrap();
    }
    png(width, height, &pixels.finish().unwrap())
}

/// An 8-bit RGBA PNG whose header declares `width`×`height`, with the zlib stream `pixels`.
pub fn png(width: u32, height: u32, pixels: &[u8]) -> Vec<u8> {
    let mut header = Vec::new();
    header.extend(width.to_be_bytes());
    header.extend(height.to_be_bytes());
    header.extend([8, 6, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(png_chunk(b"IHDR", &header));
    png.extend(png_chunk(b"IDAT", pixels));
    png.extend(png_chunk(b"IEND", b""));
    png
}

/// A 1×1 paletted PNG (8-bit indices) with the `PLTE` chunk `palette`, its pixel entry 0.
pub fn paletted_png(palette: &[u8]) -> Vec<u8> {
    let mut header = Vec::new();
    header.extend(1_u32.to_be_bytes());
    header.extend(1_u32.to_be_bytes());
    header.extend([8, 3, 0, 0, 0]);
    let mut pixels = ZlibEncoder::new(Vec::new(), Compression::best());
    pixels.write_all(&[0, 0]).unwrap();
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(png_chunk(b"IHDR", &header));
    png.extend(png_chunk(b"PLTE", palette));
    png.extend(png_chunk(b"IDAT", &pixels.finish().unwrap()));
    png.extend(png_chunk(b"IEND", b""));
    png
}

/// The marker codes of a JPEG's segments before its first scan.
pub fn jpeg_header_markers(jpeg: &[u8]) -> Vec<u8> {
    let mut markers = Vec::new();
    let mut position = 2;
    while jpeg[position + 1] != 0xDA {
        markers.push(jpeg[position + 1]);
        let length = u16::from_be_bytes([jpeg[position + 2], jpeg[position + 3]]);
        position += 2 + usize::from(length);
    }
    markers
}

/// The chunk types of a PNG, in order.
pub fn png_chunk_types(png: &[u8]) -> Vec<String> {
    let mut types = Vec::new();
    let mut position = 8;
    while position < png.len() {
        let length = u32::from_be_bytes(png[position..position + 4].try_into().unwrap());
        types.push(String::from_utf8_lossy(&png[position + 4..position + 8]).into_owned());
        position += 12 + usize::try_from(length).unwrap();
    }
    types
}
