//! Every fuzz target of `fuzz/` run in `make test`, uninstrumented and in the workspace's own
//! build: over its seeds (`fuzz/seeds.py`), over what coverage-guided runs kept in
//! `fuzz/corpus/<target>/` when it exists, and over a fixed number of mutants of those, made by
//! a generator seeded with the target's name so a failure repeats. A failing input is saved in
//! `target/fuzz-replay/` and can be fed to the real fuzzer (`.tools/bin/cargo-fuzz run
//! --fuzz-dir fuzz -s none TARGET FILE`). Coverage-guided fuzzing is `make fuzz` (and the short
//! `make fuzz-smoke`): it builds every crate again with coverage instrumentation, which cost
//! 15 minutes of CPU, more than a quarter of `make test`, for a 10-second run per target.

#[path = "../fuzz/src/lib.rs"]
mod fuzz;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

/// Mutants per target, on top of its seeds and corpus.
const MUTANTS: usize = 10_000;
/// The longest mutant, in bytes: past the seeds' sizes, short of the image limits.
const MAX_LEN: usize = 64 * 1024;

fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ lives in the workspace")
}

/// The inputs in `dir`, in name order (none if it does not exist).
fn inputs_in(dir: &Path) -> Vec<Vec<u8>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| Some(e.ok()?.path())).collect();
    paths.sort();
    paths
        .iter()
        .filter(|path| path.is_file())
        .map(|path| std::fs::read(path).expect("a corpus file is readable"))
        .collect()
}

/// One of libFuzzer's kinds of change, applied to `input`; `others` are for splicing.
fn mutate(rng: &mut StdRng, input: &[u8], others: &[Vec<u8>]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..rng.random_range(1..=4) {
        let len = out.len();
        match rng.random_range(0..8) {
            0 if len > 0 => {
                let at = rng.random_range(0..len);
                out[at] ^= 1 << rng.random_range(0..8);
            }
            1 if len > 0 => {
                let at = rng.random_range(0..len);
                out[at] = [0x00, 0xff, 0x7f, 0x80, b'"', b'\n', b'{', b'0'][rng.random_range(0..8)];
            }
            2 => {
                let at = rng.random_range(0..=len);
                let bytes: Vec<u8> = (0..rng.random_range(1..=16))
                    .map(|_| rng.random())
                    .collect();
                out.splice(at..at, bytes);
            }
            3 if len > 0 => {
                let from = rng.random_range(0..len);
                let to = rng.random_range(from..=len);
                out.drain(from..to);
            }
            4 if len > 0 => {
                let from = rng.random_range(0..len);
                let to = rng.random_range(from..=len.min(from + 64));
                let copy = out[from..to].to_vec();
                let at = rng.random_range(0..=out.len());
                out.splice(at..at, copy);
            }
            5 if !others.is_empty() => {
                let other = &others[rng.random_range(0..others.len())];
                let keep = rng.random_range(0..=len);
                let from = rng.random_range(0..=other.len());
                out.truncate(keep);
                out.extend_from_slice(&other[from..]);
            }
            6 => out.truncate(rng.random_range(0..=len)),
            _ => {
                let random: Vec<u8> = (0..rng.random_range(0..=256))
                    .map(|_| rng.random())
                    .collect();
                out = random;
            }
        }
    }
    out.truncate(MAX_LEN);
    out
}

/// FNV-1a of the target's name: each target its own, stable stream of mutants.
fn seed_of(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[test]
fn every_fuzz_target_keeps_its_rules_over_its_seeds_corpus_and_their_mutants() {
    let seeds = std::env::temp_dir().join(format!("concierge-fuzz-seeds-{}", std::process::id()));
    let written = std::process::Command::new("python3")
        .arg(workspace().join("fuzz/seeds.py"))
        .arg(&seeds)
        .status()
        .expect("python3 runs fuzz/seeds.py");
    assert!(written.success(), "fuzz/seeds.py failed");
    let failures = workspace().join("target/fuzz-replay");

    let mut failed = Vec::new();
    for (name, run) in fuzz::TARGETS {
        let mut inputs = inputs_in(&seeds.join(name));
        assert!(!inputs.is_empty(), "fuzz/seeds.py wrote no seed for {name}");
        inputs.extend(inputs_in(&workspace().join("fuzz/corpus").join(name)));
        let mut rng = StdRng::seed_from_u64(seed_of(name));
        let mutants: Vec<Vec<u8>> = (0..MUTANTS)
            .map(|_| {
                let base = &inputs[rng.random_range(0..inputs.len())];
                mutate(&mut rng, base, &inputs)
            })
            .collect();
        let total = inputs.len() + mutants.len();
        for (index, input) in inputs.iter().chain(&mutants).enumerate() {
            if catch_unwind(AssertUnwindSafe(|| run(input))).is_err() {
                std::fs::create_dir_all(&failures).expect("target/fuzz-replay is writable");
                let path = failures.join(format!("{name}-{index}"));
                std::fs::write(&path, input).expect("the failing input is saved");
                failed.push(format!(
                    "{name}: input {index} of {total}, saved as {}",
                    path.display()
                ));
                break;
            }
        }
    }
    let _ = std::fs::remove_dir_all(&seeds);
    assert!(
        failed.is_empty(),
        "fuzz targets failed:\n{}",
        failed.join("\n")
    );
}
