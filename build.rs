//! Rebuild when a migration changes: `embed_migrations!` reads the folders
//! at compile time, and Cargo does not know it depends on them, so a new
//! migration would otherwise be missing from an incremental build.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
