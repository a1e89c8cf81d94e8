//! Trustees end to end: t-of-n key generation, partial decryption and
//! combination, every refusal the specification promises
//! (`docs/election-record.md`, "Version 2: trustees"), and the published
//! test vectors.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod ceremony;
mod common;
mod vectors;
