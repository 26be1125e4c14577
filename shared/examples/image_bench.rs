//! How long `images::sanitize` takes on a 24-megapixel photo, and the memory it needs.
//!
//! Run with `cargo run --release -p concierge --example image_bench [-- WIDTH HEIGHT QUALITY]`.
//! It makes a photo-like JPEG (6000×4000 at quality 90 unless told otherwise), then sanitizes
//! it several times in a child process pinned to one core, so the peak resident memory it
//! reports is the pipeline's and not the generator's. The figures are kept in
//! `docs/performance.md`.

use std::error::Error;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use concierge::images::{self, ImageLimits};
use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage};

const RUNS: usize = 7;
const MEASURE: &str = "--measure";

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1..) {
        Some([flag, path]) if flag == MEASURE => measure(Path::new(path)),
        Some([width, height, quality]) => {
            generate_and_measure(width.parse()?, height.parse()?, quality.parse()?)
        }
        // 24 megapixels, at about the quality cameras save at.
        Some([]) => generate_and_measure(6000, 4000, 90),
        _ => Err("usage: image_bench [WIDTH HEIGHT QUALITY]".into()),
    }
}

fn generate_and_measure(width: u32, height: u32, quality: u8) -> Result<(), Box<dyn Error>> {
    let path: PathBuf =
        std::env::temp_dir().join(format!("concierge-image-bench-{}.jpg", std::process::id()));
    let mut jpeg = Vec::new();
    JpegEncoder::new_with_quality(&mut jpeg, quality).encode_image(&photo(width, height))?;
    std::fs::write(&path, &jpeg)?;
    println!(
        "input: {width}×{height} JPEG (quality {quality}), {:.1} MB",
        megabytes(jpeg.len())
    );
    let status = Command::new(std::env::current_exe()?)
        .arg(MEASURE)
        .arg(&path)
        .status();
    std::fs::remove_file(&path)?;
    if !status?.success() {
        return Err("the measuring process failed".into());
    }
    Ok(())
}

/// Sanitizes the JPEG at `path` `RUNS` times on one core and prints the median time and the
/// process's peak resident memory.
fn measure(path: &Path) -> Result<(), Box<dyn Error>> {
    pin_to_one_core()?;
    let upload = std::fs::read(path)?;
    let limits = ImageLimits::default();
    let mut times = Vec::with_capacity(RUNS);
    let mut output = None;
    for _ in 0..RUNS {
        let started = Instant::now();
        let image = images::sanitize(&upload, &limits).map_err(|err| err.to_string())?;
        times.push(started.elapsed());
        output = Some(image);
    }
    times.sort();
    let output = output.ok_or("no run")?;
    println!(
        "output: {}×{} {}, {:.2} MB",
        output.width,
        output.height,
        output.content_type,
        megabytes(output.bytes.len())
    );
    println!(
        "sanitize, {RUNS} runs on one core: median {} ms (fastest {} ms, slowest {} ms)",
        times[RUNS / 2].as_millis(),
        times[0].as_millis(),
        times[RUNS - 1].as_millis(),
    );
    let median = times[RUNS / 2];
    let peak_bytes = peak_resident_bytes()?;
    println!(
        "peak resident memory (ru_maxrss, input file included): {:.0} MB",
        megabytes(peak_bytes)
    );
    let within_budget = median <= Duration::from_millis(1500) && peak_bytes <= 256_000_000;
    println!(
        "SPEC §8 budget (1.5 s and 256 MB, set for 24 MP): {}",
        if within_budget { "met" } else { "missed" }
    );
    Ok(())
}

/// A photo-like picture: a sky-to-ground gradient, textures of several scales and sensor
/// grain, so it compresses like a photo rather than like a flat colour.
fn photo(width: u32, height: u32) -> RgbImage {
    let mut grain = 0x2545_F491_u32;
    RgbImage::from_fn(width, height, |x, y| {
        let (fx, fy) = (f64::from(x), f64::from(y));
        let horizon = fy / f64::from(height);
        let texture = 18.0 * (fx / 37.0).sin() * (fy / 23.0).cos()
            + 10.0 * ((fx + fy) / 7.0).sin()
            + 25.0 * (fx / 410.0).sin() * (fy / 290.0).sin();
        grain ^= grain << 13;
        grain ^= grain >> 17;
        grain ^= grain << 5;
        let noise = f64::from(grain % 17) - 8.0;
        let channel = |base: f64| (base + texture + noise).clamp(0.0, 255.0) as u8;
        Rgb([
            channel(90.0 + 100.0 * horizon),
            channel(150.0 - 30.0 * horizon),
            channel(220.0 - 160.0 * horizon),
        ])
    })
}

fn megabytes(bytes: usize) -> f64 {
    bytes as f64 / 1_000_000.0
}

/// Lambda gives a function of our size one core; the pipeline is single-threaded anyway.
fn pin_to_one_core() -> Result<(), Box<dyn Error>> {
    // SAFETY: cpu_set_t is plain data for which all zeroes is the empty set, and
    // sched_setaffinity only reads the set we pass for this process.
    let pinned = unsafe {
        let mut cores: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(0, &mut cores);
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &cores)
    };
    if pinned != 0 {
        return Err(std::io::Error::last_os_error().into());
    }
    Ok(())
}

/// This process's peak resident memory so far, in bytes (Linux reports `ru_maxrss` in KiB).
fn peak_resident_bytes() -> Result<usize, Box<dyn Error>> {
    // SAFETY: getrusage writes into the zeroed struct we own and reads nothing else.
    let (status, usage) = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        let status = libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        (status, usage)
    };
    if status != 0 {
        return Err(std::io::Error::last_os_error().into());
    }
    Ok(usize::try_from(usage.ru_maxrss)? * 1024)
}
