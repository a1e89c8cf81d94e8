//! Integration tests of `votum-ballots`, in one binary (each file under
//! `tests/` would otherwise be a separate, slowly linked executable).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;
mod encrypted_common;
mod properties;
mod record;
mod record_errors;
mod record_v2;
mod record_v2_encrypted;
mod scale;
mod stv_examples;
