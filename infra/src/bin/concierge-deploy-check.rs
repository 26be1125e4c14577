//! `make deploy-check`, after `sam build --build-dir DIR`: every function of template.yaml has
//! its artifact in DIR, an arm64 executable `bootstrap` whose zip fits SPEC §8's budget, and
//! the very file cargo-lambda built in `target/lambda/<binary>/`, where `make package` builds
//! with the same command and profile.

use std::path::{Path, PathBuf};

use clap::Parser;
use concierge_infra::emulator::workspace_dir;
use concierge_infra::package::{ELF_AARCH64, ZIP_BUDGET_BYTES, elf_machine, zip_bootstrap};
use concierge_infra::template::Template;

#[derive(Parser)]
#[command(about = "Check what `sam build` built: one arm64 bootstrap per function, within budget")]
struct Args {
    /// The `--build-dir` of `sam build` (it holds the built template.yaml).
    build_dir: PathBuf,
}

fn main() -> Result<(), String> {
    let args = Args::parse();
    let source = Template::load_workspace()?;
    let built = Template::load(&args.build_dir.join("template.yaml"))?;
    let built_functions = built.functions();
    let zips = args.build_dir.join("zips");
    let mut problems = Vec::new();
    let mut sizes = Vec::new();
    for function in source.functions() {
        let id = function.logical_id;
        let Some(artifact) = built_functions
            .iter()
            .find(|f| f.logical_id == id)
            .and_then(|f| f.property("CodeUri"))
            .and_then(|uri| uri.as_str())
        else {
            problems.push(format!("{id}: not in the built template"));
            continue;
        };
        let bootstrap = args.build_dir.join(artifact).join("bootstrap");
        match check(&bootstrap, &zips.join(format!("{id}.zip"))) {
            Ok((size, zip)) => {
                if zip > ZIP_BUDGET_BYTES {
                    problems.push(format!(
                        "{id}: zip {} MB, over the {} MB budget",
                        mb(zip),
                        mb(ZIP_BUDGET_BYTES)
                    ));
                }
                let packaged = function.binary.map(|binary| {
                    workspace_dir()
                        .join("target/lambda")
                        .join(binary)
                        .join("bootstrap")
                });
                if let Some(packaged) = packaged
                    && std::fs::read(&packaged).ok() != std::fs::read(&bootstrap).ok()
                {
                    problems.push(format!(
                        "{id}: differs from {}, what cargo-lambda built",
                        packaged.display()
                    ));
                }
                sizes.push((id.to_owned(), size, zip));
            }
            Err(problem) => problems.push(format!("{id}: {problem}")),
        }
    }
    sizes.sort_by_key(|(_, _, zip)| *zip);
    if let (Some(smallest), Some(largest)) = (sizes.first(), sizes.last()) {
        println!(
            "{} functions built for arm64; zips {} MB ({}) to {} MB ({}), binaries {} to {} MB",
            sizes.len(),
            mb(smallest.2),
            smallest.0,
            mb(largest.2),
            largest.0,
            mb(sizes.iter().map(|s| s.1).min().unwrap_or_default()),
            mb(sizes.iter().map(|s| s.1).max().unwrap_or_default()),
        );
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("\n{}", problems.join("\n")))
    }
}

/// The size of an arm64 executable and of its zip.
fn check(bootstrap: &Path, zip: &Path) -> Result<(u64, u64), String> {
    use std::os::unix::fs::PermissionsExt as _;
    let metadata = std::fs::metadata(bootstrap)
        .map_err(|e| format!("no artifact at {}: {e}", bootstrap.display()))?;
    if metadata.permissions().mode() & 0o111 == 0 {
        return Err(format!("{} is not executable", bootstrap.display()));
    }
    let machine = elf_machine(bootstrap)?;
    if machine != ELF_AARCH64 {
        return Err(format!(
            "{} is for ELF machine {machine}, not arm64 ({ELF_AARCH64})",
            bootstrap.display()
        ));
    }
    Ok((metadata.len(), zip_bootstrap(bootstrap, zip)?))
}

fn mb(bytes: u64) -> String {
    format!("{:.2}", bytes as f64 / 1e6)
}
