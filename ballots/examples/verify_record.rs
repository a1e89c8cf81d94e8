//! Verifies a record file as `votum verify RECORD` does (the same
//! `votum_ballots::record::v2::verify_file`), without the web app's build:
//! for the verifier's benchmark (docs/benchmarks.md).
//!
//! ```sh
//! /usr/bin/time -v target/release/examples/verify_record OUT.json
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used)]

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: verify_record RECORD");
    let started = std::time::Instant::now();
    let file = std::fs::File::open(&path).expect("the record file");
    match votum_ballots::record::v2::verify_file(file) {
        Ok(file) => {
            let v = &file.verified;
            println!(
                "{path}: the record verifies: {} ballots in the chain, {} counted online, {} postal",
                v.ballots_in_chain, v.counted_online, v.counted_postal
            );
            if let Some(e) = &v.encrypted {
                println!(
                    "  proofs of {} ballots hold; the tally input is the sums of {}; decrypted by {:?}",
                    e.online_proved + e.postal_proved,
                    e.summed,
                    e.decrypted_by
                );
            }
            for result in &v.results {
                println!(
                    "  {} valid of {} cast",
                    result.ballots.valid, result.ballots.cast
                );
            }
        }
        Err(e) => {
            eprintln!("{path}: the record does NOT verify: {e}");
            std::process::exit(1);
        }
    }
    eprintln!("{:.1} s", started.elapsed().as_secs_f64());
}
