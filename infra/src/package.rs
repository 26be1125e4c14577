//! What a Lambda package is: the `bootstrap` executable, zipped. Shared by the bench (the host
//! binaries' zips) and `make deploy-check` (what `sam build` built).

use std::io::Write as _;
use std::path::Path;

use flate2::Compression;
use flate2::write::DeflateEncoder;

/// SPEC §8: every function's release zip at most 4.5 MB.
pub const ZIP_BUDGET_BYTES: u64 = 4_500_000;

/// `path` zipped as Lambda wants it: one entry `bootstrap`, executable, deflated.
pub fn zip_bootstrap(path: &Path, out: &Path) -> Result<u64, String> {
    let data = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut crc = flate2::Crc::new();
    crc.update(&data);
    let mut encoder = DeflateEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(&data).map_err(|e| e.to_string())?;
    let deflated = encoder.finish().map_err(|e| e.to_string())?;
    let (crc, size, csize) = (
        crc.sum(),
        u32::try_from(data.len()).map_err(|_| "too large")?,
        u32::try_from(deflated.len()).map_err(|_| "too large")?,
    );
    let name = b"bootstrap";
    // DOS date 1980-01-01 00:00: the zip does not depend on when it was made.
    let (time, date) = (0u16, 0x21u16);
    let mut zip = Vec::with_capacity(deflated.len() + 200);
    let common = |zip: &mut Vec<u8>| {
        zip.extend(20u16.to_le_bytes()); // version needed: deflate
        zip.extend(0u16.to_le_bytes()); // flags
        zip.extend(8u16.to_le_bytes()); // deflate
        zip.extend(time.to_le_bytes());
        zip.extend(date.to_le_bytes());
        zip.extend(crc.to_le_bytes());
        zip.extend(csize.to_le_bytes());
        zip.extend(size.to_le_bytes());
        zip.extend((name.len() as u16).to_le_bytes());
        zip.extend(0u16.to_le_bytes()); // no extra field
    };
    zip.extend(0x0403_4b50u32.to_le_bytes());
    common(&mut zip);
    zip.extend(name);
    zip.extend(&deflated);
    let directory = zip.len() as u32;
    zip.extend(0x0201_4b50u32.to_le_bytes());
    zip.extend(0x031eu16.to_le_bytes()); // made by: Unix, zip 3.0 (the mode below counts)
    common(&mut zip);
    zip.extend(0u16.to_le_bytes()); // no comment
    zip.extend(0u16.to_le_bytes()); // disk 0
    zip.extend(0u16.to_le_bytes()); // internal attributes
    zip.extend((0o100_755u32 << 16).to_le_bytes()); // a regular file, rwxr-xr-x
    zip.extend(0u32.to_le_bytes()); // the local header's offset
    zip.extend(name);
    let directory_size = zip.len() as u32 - directory;
    zip.extend(0x0605_4b50u32.to_le_bytes());
    zip.extend([0u8; 4]); // disk numbers
    zip.extend(1u16.to_le_bytes());
    zip.extend(1u16.to_le_bytes());
    zip.extend(directory_size.to_le_bytes());
    zip.extend(directory.to_le_bytes());
    zip.extend(0u16.to_le_bytes());
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
    }
    std::fs::write(out, &zip).map_err(|e| format!("{}: {e}", out.display()))?;
    Ok(zip.len() as u64)
}

/// The machine an ELF executable is for (`e_machine`: 183 for aarch64, 62 for x86-64), or why
/// `path` is none.
pub fn elf_machine(path: &Path) -> Result<u16, String> {
    let data = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if data.len() < 20 || &data[..4] != b"\x7fELF" {
        return Err(format!("{} is not an ELF executable", path.display()));
    }
    // Byte 5: 1 for little-endian, as both Lambda architectures are.
    if data[5] != 1 {
        return Err(format!("{} is not little-endian", path.display()));
    }
    Ok(u16::from_le_bytes([data[18], data[19]]))
}

/// `e_machine` of aarch64 (Lambda's arm64).
pub const ELF_AARCH64: u16 = 183;
