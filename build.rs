//! Sets `TAILOR_CORE_DIGEST`: a digest of every file under `src/core`, the
//! code a built content index comes from. A content index kept on a
//! shopper's device is used only by the build that kept it
//! (`core::rank::kept`), so a widget whose text analysis or weighting
//! changed never reads an index the old code made.

use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn main() {
    let core = Path::new("src/core");
    println!("cargo:rerun-if-changed=src/core");
    let mut paths = Vec::new();
    files(core, &mut paths);
    paths.sort();
    // FNV-1a, 64 bits, over each file's path and contents.
    let mut digest: u64 = 0xcbf2_9ce4_8422_2325;
    for path in &paths {
        let name = path.to_string_lossy().replace('\\', "/");
        let contents = std::fs::read(path).unwrap_or_default();
        for &byte in name.as_bytes().iter().chain([0u8].iter()).chain(&contents) {
            digest ^= u64::from(byte);
            digest = digest.wrapping_mul(0x100_0000_01b3);
        }
    }
    println!("cargo:rustc-env=TAILOR_CORE_DIGEST={digest:016x}");
}
