#!/usr/bin/env bash
# Fuzzes every target in fuzz/ (or those named) for SECONDS each, one after the other.
#
#   infra/fuzz.sh [SECONDS] [TARGET...]      SECONDS defaults to 600 (make fuzz); CI runs 20
#                                            (make fuzz-smoke)
#
# Needs only the stable toolchain: cargo-fuzz comes from crates.io into .tools/ on first use.
# Without a sanitizer (the default) cargo-fuzz passes only stable flags to rustc; with
# AddressSanitizer, RUSTC_BOOTSTRAP=1 lets stable rustc take `-Zsanitizer=address` (stable ships
# the ASan runtime). Seeds are
# written by fuzz/seeds.py into fuzz/corpus/<target>/, where the fuzzer keeps what it finds
# between runs. A crash stops that target: its input is saved in fuzz/artifacts/<target>/,
# the other targets still run, and the script fails at the end.
#
# Environment: FUZZ_SANITIZER (none, or address for AddressSanitizer: slower to build and run,
# for unsafe code in dependencies); FUZZ_PROFILE (release, or dev: a quarter of the build time
# with what the targets run hot still optimised, see fuzz/Cargo.toml — what CI's short run
# uses); CARGO_TARGET_DIR as usual (default fuzz/target).
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_FUZZ_VERSION=0.13.2
seconds=${1:-600}
shift || true
sanitizer=${FUZZ_SANITIZER:-none}
case "${FUZZ_PROFILE:-release}" in
    release) profile=() ;;
    dev) profile=(--dev) ;;
    *) echo "FUZZ_PROFILE is release or dev" >&2; exit 2 ;;
esac

tools="$PWD/.tools"
if ! "$tools/bin/cargo-fuzz" --version 2>/dev/null | grep -qx "cargo-fuzz $CARGO_FUZZ_VERSION"; then
    cargo install cargo-fuzz --locked --version "$CARGO_FUZZ_VERSION" --root "$tools"
fi
cargo_fuzz() {
    if [ "$sanitizer" = none ]; then
        "$tools/bin/cargo-fuzz" "$@"
    else
        RUSTC_BOOTSTRAP=1 "$tools/bin/cargo-fuzz" "$@"
    fi
}

if [ $# -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo_fuzz list --fuzz-dir fuzz)
fi

python3 fuzz/seeds.py fuzz/corpus
# Dependencies exactly as fuzz/Cargo.lock has them, then one build of all targets (`run` finds
# them built).
cargo metadata --locked --format-version 1 --manifest-path fuzz/Cargo.toml >/dev/null
cargo_fuzz build --fuzz-dir fuzz --sanitizer "$sanitizer" "${profile[@]}"

failed=()
for target in "${targets[@]}"; do
    echo "== $target: ${seconds}s"
    # -timeout: one input taking over 30 s is a hang (on a loaded 2-core machine the first
    # phone number, which loads phonenumber's metadata, once took 12 s in the dev profile). -rss_limit_mb: the image limits keep
    # decoding far below this, so passing it means a limit does not hold.
    if ! cargo_fuzz run --fuzz-dir fuzz --sanitizer "$sanitizer" "${profile[@]}" "$target" \
        "fuzz/corpus/$target" -- \
        -max_total_time="$seconds" -timeout=30 -rss_limit_mb=1024 \
        -print_final_stats=1; then
        failed+=("$target")
    fi
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzzing found crashes in: ${failed[*]} (inputs in fuzz/artifacts/; reproduce with" \
        ".tools/bin/cargo-fuzz run --fuzz-dir fuzz -s none TARGET FILE)" >&2
    exit 1
fi
echo "fuzzing: ${#targets[@]} targets, ${seconds}s each, no crash"
