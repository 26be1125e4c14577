//! A walk over a JPEG's marker segments, before any pixel is decoded.
//!
//! It covers two gaps of the decoder: `image` runs zune-jpeg in lenient mode, which paints a
//! truncated file grey instead of failing; and zune-jpeg keeps every DCT coefficient of a
//! progressive JPEG in memory, an allocation `image::Limits` does not count.

const START_OF_IMAGE: [u8; 2] = [0xFF, 0xD8];
const END_OF_IMAGE: u8 = 0xD9;
const START_OF_SCAN: u8 = 0xDA;
/// Start-of-frame markers of the progressive processes (huffman and arithmetic coded).
const PROGRESSIVE_FRAMES: [u8; 4] = [0xC2, 0xC6, 0xCA, 0xCE];

/// What the walk learnt about a structurally complete JPEG.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct JpegLayout {
    /// Memory the decoder needs besides its output: the coefficients of a progressive image.
    pub(super) coefficient_bytes: u64,
}

/// The layout of a JPEG whose segments all fit in `bytes` and lead to an end-of-image marker;
/// `None` for a truncated or malformed one. Data after the end-of-image marker (phones append
/// videos there) is left alone.
pub(super) fn inspect(bytes: &[u8]) -> Option<JpegLayout> {
    if !bytes.starts_with(&START_OF_IMAGE) {
        return None;
    }
    let mut coefficient_bytes = 0;
    let mut position = START_OF_IMAGE.len();
    loop {
        if *bytes.get(position)? != 0xFF {
            return None;
        }
        // A marker may be preceded by any number of 0xFF fill bytes.
        while *bytes.get(position)? == 0xFF {
            position += 1;
        }
        let marker = *bytes.get(position)?;
        position += 1;
        match marker {
            END_OF_IMAGE => return Some(JpegLayout { coefficient_bytes }),
            // Restart and TEM markers stand alone, without a length.
            0x01 | 0xD0..=0xD7 => continue,
            _ => {}
        }
        let length = usize::from(u16::from_be_bytes([
            *bytes.get(position)?,
            *bytes.get(position + 1)?,
        ]));
        let segment = bytes.get(position + 2..position + length)?;
        if PROGRESSIVE_FRAMES.contains(&marker) {
            coefficient_bytes = coefficient_bytes.max(progressive_coefficient_bytes(segment)?);
        }
        position += length;
        if marker == START_OF_SCAN {
            position = end_of_scan_data(bytes, position)?;
        }
    }
}

/// Where the entropy-coded data that starts at `position` ends: the next marker other than a
/// stuffed 0xFF byte or a restart marker.
fn end_of_scan_data(bytes: &[u8], mut position: usize) -> Option<usize> {
    loop {
        position += bytes
            .get(position..)?
            .iter()
            .position(|&byte| byte == 0xFF)?;
        match *bytes.get(position + 1)? {
            0x00 | 0xD0..=0xD7 => position += 2,
            0xFF => position += 1,
            _ => return Some(position),
        }
    }
}

/// The bytes zune-jpeg allocates for the coefficients of a progressive frame: two per sample,
/// each component padded to whole MCUs. `frame` is the start-of-frame segment's payload.
fn progressive_coefficient_bytes(frame: &[u8]) -> Option<u64> {
    let height = u64::from(u16::from_be_bytes([*frame.get(1)?, *frame.get(2)?]));
    let width = u64::from(u16::from_be_bytes([*frame.get(3)?, *frame.get(4)?]));
    let component_count = usize::from(*frame.get(5)?);
    let components = frame.get(6..6 + 3 * component_count)?;
    // Each component is (id, horizontal << 4 | vertical sampling factor, quantisation table).
    let sampling = || {
        components
            .chunks_exact(3)
            .map(|component| (u64::from(component[1] >> 4), u64::from(component[1] & 0x0F)))
    };
    let max_horizontal = sampling().map(|(h, _)| h).max()?.max(1);
    let max_vertical = sampling().map(|(_, v)| v).max()?.max(1);
    let mcus_across = width.div_ceil(8 * max_horizontal);
    let mcus_down = height.div_ceil(8 * max_vertical);
    Some(
        sampling()
            .map(|(h, v)| (mcus_across * h * 8) * (mcus_down * v * 8) * 2)
            .sum(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SOI, a progressive frame of `width`×`height` with 4:2:0 YCbCr, one scan, EOI.
    fn progressive_skeleton(width: u16, height: u16) -> Vec<u8> {
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xC2, 0x00, 17, 8];
        jpeg.extend(height.to_be_bytes());
        jpeg.extend(width.to_be_bytes());
        jpeg.extend([3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
        jpeg.extend([0xFF, 0xDA, 0x00, 8, 1, 1, 0x00, 0, 0, 0]);
        jpeg.extend([0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56, 0xFF, 0xD9]);
        jpeg
    }

    #[test]
    fn progressive_frames_count_their_coefficients() {
        let layout = inspect(&progressive_skeleton(6000, 4000)).unwrap();
        // Luma at full size, both chroma planes at a quarter, two bytes a sample.
        assert_eq!(layout.coefficient_bytes, 6000 * 4000 * 2 * 3 / 2);
    }

    #[test]
    fn a_file_without_its_end_marker_is_incomplete() {
        let complete = progressive_skeleton(16, 16);
        for cut in 0..complete.len() {
            assert_eq!(inspect(&complete[..cut]), None, "cut at {cut}");
        }
    }

    #[test]
    fn segments_longer_than_the_file_are_malformed() {
        let mut jpeg = progressive_skeleton(16, 16);
        jpeg[5] = 0xFF;
        assert_eq!(inspect(&jpeg), None);
        jpeg[4..6].copy_from_slice(&[0, 1]);
        assert_eq!(inspect(&jpeg), None);
    }

    #[test]
    fn data_after_the_end_marker_is_ignored() {
        let mut jpeg = progressive_skeleton(16, 16);
        jpeg.extend(b"PK\x03\x04 an appended archive");
        assert!(inspect(&jpeg).is_some());
    }
}
