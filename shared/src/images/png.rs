//! A walk over a PNG's chunks, before any pixel is decoded.
//!
//! It covers a gap of the decoder: png 0.18 takes a palette (`PLTE`) of any length from 3 to 768
//! bytes, and then panics expanding one that is not a whole number of RGB entries (found by
//! fuzzing; a panic aborts the Lambda).

const SIGNATURE_LEN: usize = 8;
/// A chunk's length and type before its data, and its CRC after.
const CHUNK_HEADER_LEN: usize = 8;
const CHUNK_CRC_LEN: usize = 4;

/// Whether every `PLTE` chunk of `bytes` holds whole RGB entries. The walk ends at `IEND`, as
/// the decoder's does, or where the chunks run out; a truncated chunk is the decoder's to refuse.
pub(super) fn palette_is_whole(bytes: &[u8]) -> bool {
    let mut position = SIGNATURE_LEN;
    while let Some(header) = bytes.get(position..position.saturating_add(CHUNK_HEADER_LEN)) {
        let (length, kind) = header.split_at(4);
        let length = u32::from_be_bytes([length[0], length[1], length[2], length[3]]);
        match kind {
            b"PLTE" if length % 3 != 0 => return false,
            b"IEND" => break,
            _ => {}
        }
        position = usize::try_from(length)
            .ok()
            .and_then(|length| position.checked_add(CHUNK_HEADER_LEN + CHUNK_CRC_LEN + length))
            .unwrap_or(usize::MAX);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::images::corpus;

    #[test]
    fn palettes_of_whole_entries_pass() {
        for palette in [&[1, 2, 3][..], &[7; 768]] {
            assert!(palette_is_whole(&corpus::paletted_png(palette)));
        }
        assert!(palette_is_whole(&corpus::png_of_zeros(4, 4)), "no palette");
    }

    #[test]
    fn a_palette_with_a_partial_entry_is_refused() {
        for length in [4, 5, 25, 767] {
            let png = corpus::paletted_png(&vec![9; length]);
            assert!(!palette_is_whole(&png), "{length} bytes");
        }
    }

    #[test]
    fn chunks_after_the_end_or_past_the_data_are_not_read() {
        let mut png = corpus::png_of_zeros(1, 1);
        png.extend(b"\0\0\0\x04PLTEabcd\0\0\0\0");
        assert!(palette_is_whole(&png), "after IEND");
        let mut truncated = corpus::paletted_png(&[1, 2, 3]);
        truncated.truncate(SIGNATURE_LEN + 4);
        assert!(palette_is_whole(&truncated));
        let huge = [
            b"\x89PNG\r\n\x1a\n\xff\xff\xff\xffIHDR".as_slice(),
            &[0; 20],
        ]
        .concat();
        assert!(palette_is_whole(&huge));
    }
}
