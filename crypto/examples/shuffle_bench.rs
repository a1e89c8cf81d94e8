//! Benchmark of the trustees' verifiable shuffle of ranked ballots:
//!
//! ```sh
//! cargo run --release -p votum-crypto --example shuffle_bench -- [BALLOTS] [OPTIONS]
//! ```
//!
//! Defaults: 100,000 ballots of 5 options (rows of 5 ciphertexts). Two
//! trustees mix in turn; for each mix it measures shuffle + proof, and the
//! verifier's work: decoding the published output (strict point decoding)
//! and checking the proof. Wall-clock and CPU time (user + system) are
//! printed, because the machine may be shared. Threads: rayon's default
//! (all cores; `RAYON_NUM_THREADS` to change).

use rayon::prelude::*;
use std::time::Instant;
use votum_crypto::elgamal::{Ciphertext, SecretKey};
use votum_crypto::group::{SeededScalars, SystemScalars};
use votum_crypto::shuffle::{shuffle, verify_shuffle, CiphertextRows, List, ShuffleParameters};

/// CPU time of this process so far (user + system, Linux `/proc`).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or_default();
    let ticks: f64 = after
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|f| f.parse::<f64>().ok())
        .sum();
    ticks / 100.0
}

struct Timer {
    wall: Instant,
    cpu: f64,
}

impl Timer {
    fn start() -> Self {
        Timer {
            wall: Instant::now(),
            cpu: cpu_seconds(),
        }
    }

    fn stop(self, what: &str) -> (f64, f64) {
        let wall = self.wall.elapsed().as_secs_f64();
        let cpu = cpu_seconds() - self.cpu;
        println!("{what:<44} {wall:>8.2} s wall {cpu:>8.2} s CPU");
        (wall, cpu)
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let ballots: usize = args.next().map_or(Ok(100_000), |a| a.parse())?;
    let options: usize = args.next().map_or(Ok(5), |a| a.parse())?;
    println!(
        "{ballots} ranked ballots of {options} options, {} threads",
        rayon::current_num_threads()
    );
    let key = SecretKey::generate(&mut SeededScalars::new(b"shuffle bench"))?;
    let params = ShuffleParameters::new([42; 32], key.public(), options)?;

    let timer = Timer::start();
    let rows: Vec<Vec<Ciphertext>> = (0..ballots)
        .into_par_iter()
        .map(|i| {
            (0..options)
                .map(|j| {
                    let rank = ((i + j) % (options + 1)) as u64;
                    Ciphertext::encrypt(params.public_key(), rank, &mut SystemScalars)
                        .map(|(c, _)| c)
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .collect::<Result<_, _>>()?;
    let input = CiphertextRows::new(options, &rows)?;
    drop(rows);
    timer.stop("set-up: encrypt the input");

    let mut made = (0.0, 0.0);
    let mut checked = (0.0, 0.0);
    let mut current = input;
    for trustee in 1..=2 {
        let timer = Timer::start();
        let (output, proof) = shuffle(&params, &current, &mut SystemScalars)?;
        let (w, c) = timer.stop(&format!("trustee {trustee}: shuffle + prove"));
        made = (made.0 + w, made.1 + c);

        let published = output.to_encoded();
        let timer = Timer::start();
        let decoded = CiphertextRows::decode(options, &published, List::Output)?;
        let (w1, c1) = timer.stop(&format!("trustee {trustee}: verifier decodes the output"));
        let timer = Timer::start();
        verify_shuffle(&params, &current, &decoded, &proof)?;
        let (w2, c2) = timer.stop(&format!("trustee {trustee}: verify the proof"));
        checked = (checked.0 + w1 + w2, checked.1 + c1 + c2);
        current = decoded;
    }
    println!(
        "whole mix of 2 trustees: made in {:.2} s wall ({:.2} s CPU), verified in {:.2} s wall ({:.2} s CPU)",
        made.0, made.1, checked.0, checked.1
    );
    Ok(())
}
