//! Integration tests of the letters PDF, in one test binary.

// Tests may panic on the unexpected.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod errors;
mod pages;
mod pdf;
mod qr;
mod sample;
mod scale;
mod slip;
mod tools;
