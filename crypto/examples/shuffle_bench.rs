//! Benchmark of the trustees' verifiable shuffle of ranked ballots:
//!
//! ```sh
//! cargo run --release -p votum-crypto --example shuffle_bench -- [BALLOTS] [OPTIONS]
//! ```
//!
//! Defaults: 100,000 ballots of 5 options (rows of 5 ciphertexts). First
//! the ranked answers' proofs are checked in batches (2,000 distinct
//! answers from 2,000 credentials, repeated up to BALLOTS; the verifier
//! does the same work for a repeat). Then two trustees mix in turn; for each mix it measures shuffle + proof, and the
//! verifier's work: decoding the published output (strict point decoding)
//! and checking the proof. Wall-clock and CPU time (user + system) are
//! printed, because the machine may be shared. Threads: rayon's default
//! (all cores; `RAYON_NUM_THREADS` to change).

use rayon::prelude::*;
use std::time::Instant;
use votum_crypto::elgamal::{Ciphertext, SecretKey};
use votum_crypto::group::{SeededScalars, SystemScalars};
use votum_crypto::ranked_ballot::{
    encrypt_ranking, ranks_of, verify_ranking, verify_rankings, RankedQuestion, RankingRef,
};
use votum_crypto::shuffle::{shuffle, verify_shuffle, CiphertextRows, List, ShuffleParameters};
use votum_crypto::{Code, CredentialKey, PublicCredential};

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

    // Ranked answers with their proofs.
    let question = RankedQuestion::new([42; 32], key.public(), 0, options as u32)?;
    let credentials: Vec<PublicCredential> = (0..2_000u32)
        .map(|i| {
            let mut code = [0u8; 16];
            for (byte, from) in code.iter_mut().zip(i.to_be_bytes()) {
                *byte = from;
            }
            CredentialKey::derive(&Code::from_bytes(code), "bench").public()
        })
        .collect();
    let timer = Timer::start();
    let answers = credentials
        .par_iter()
        .enumerate()
        .map(|(i, cred)| {
            let order: Vec<usize> = (0..options)
                .map(|j| (i + j) % options)
                .take(1 + i % options)
                .collect();
            let ranks = ranks_of(&order, options).map_err(|e| e.to_string())?;
            encrypt_ranking(&question, cred, &ranks, &mut SystemScalars).map_err(|e| e.to_string())
        })
        .collect::<Result<Vec<_>, String>>()?;
    let (w, _) = timer.stop("encrypt 2,000 ranked answers with proofs");
    println!(
        "  one ranked answer: {:.2} ms (wall, both cores)",
        w * 1000.0 / 2000.0
    );
    let timer = Timer::start();
    for (cred, answer) in credentials.iter().zip(&answers).take(100) {
        verify_ranking(&question, cred, answer)?;
    }
    let (w, _) = timer.stop("verify 100 ranked answers exactly, one by one");
    println!("  one ranked answer: {:.2} ms", w * 10.0);
    let refs: Vec<RankingRef<'_>> = credentials
        .iter()
        .zip(&answers)
        .cycle()
        .take(ballots)
        .map(|(credential, ranking)| RankingRef {
            credential,
            ranking,
        })
        .collect();
    let timer = Timer::start();
    let checked = verify_rankings(&question, &refs, &mut SystemScalars)?;
    timer.stop(&format!("batch-verify {ballots} ranked answers"));
    drop(checked);

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
