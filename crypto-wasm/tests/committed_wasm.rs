//! The WebAssembly and JS glue committed in `static/wasm/` must be what
//! `crypto-wasm/build.sh` makes from the sources: otherwise the browser
//! would encrypt with other code than the server verifies with.
//!
//! Rebuilding needs the wasm32-unknown-unknown target, clang and the pinned
//! wasm-bindgen-cli. Without them the check is skipped with a message,
//! except under CI (`CI` set), where it fails; `.ci/run` installs them.
//! `VOTUM_WASM_CHECK=off` skips it.

// Helpers count as test code for clippy only inside cfg(test).
#[cfg(test)]
mod freshness {
    use std::path::{Path, PathBuf};
    use std::process::Command;

    fn root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default()
    }

    /// What is missing to rebuild here, if anything.
    fn missing_tools() -> Vec<String> {
        let mut missing = Vec::new();
        let sysroot = Command::new("rustc")
            .args(["--print", "sysroot"])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_default();
        if !Path::new(&sysroot)
            .join("lib/rustlib/wasm32-unknown-unknown")
            .is_dir()
        {
            missing.push("rustup target add wasm32-unknown-unknown".to_owned());
        }
        if Command::new("clang").arg("--version").output().is_err() {
            missing.push("apt-get install clang".to_owned());
        }
        let manifest = std::fs::read_to_string(root().join("crypto-wasm/Cargo.toml")).unwrap();
        let pinned = manifest
            .lines()
            .find_map(|l| l.strip_prefix("wasm-bindgen = \"="))
            .and_then(|v| v.strip_suffix('"'))
            .unwrap()
            .to_owned();
        let have = Command::new("wasm-bindgen")
            .arg("--version")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_default();
        if have != format!("wasm-bindgen {pinned}") {
            missing.push(format!(
                "cargo install wasm-bindgen-cli --version {pinned} (found: {have:?})"
            ));
        }
        missing
    }

    #[test]
    fn the_committed_browser_crypto_is_built_from_these_sources() {
        if std::env::var("VOTUM_WASM_CHECK").as_deref() == Ok("off") {
            eprintln!("skipping the static/wasm freshness check: VOTUM_WASM_CHECK=off");
            return;
        }
        let missing = missing_tools();
        if !missing.is_empty() {
            let message = format!(
                "cannot rebuild static/wasm to check it is current; needed: {}",
                missing.join("; ")
            );
            assert!(std::env::var_os("CI").is_none(), "{message}");
            eprintln!("skipping: {message}");
            return;
        }
        let out = tempfile_dir();
        let status = Command::new(root().join("crypto-wasm/build.sh"))
            .arg(&out)
            .status()
            .unwrap();
        assert!(status.success(), "crypto-wasm/build.sh failed");
        let committed = root().join("static/wasm");
        let mut names: Vec<_> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        let mut shipped: Vec<_> = std::fs::read_dir(&committed)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        shipped.sort();
        assert_eq!(
            names, shipped,
            "static/wasm holds other files than the build makes"
        );
        for name in names {
            let built = std::fs::read(out.join(&name)).unwrap();
            let kept = std::fs::read(committed.join(&name)).unwrap();
            assert!(
                built == kept,
                "static/wasm/{} is stale: run crypto-wasm/build.sh and commit the result",
                name.to_string_lossy()
            );
        }
        let _ = std::fs::remove_dir_all(&out);
    }

    /// A fresh directory under the build's target directory.
    fn tempfile_dir() -> PathBuf {
        let dir = root()
            .join("target/wasm-check")
            .join(std::process::id().to_string());
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
