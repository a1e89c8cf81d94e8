//! Benchmark of ballot protocol version 2's encryption and proofs:
//!
//! ```sh
//! cargo run --release -p votum-crypto --example encrypted_ballot_bench -- [BALLOTS] [THREADS]
//! ```
//!
//! One approval question of 5 options, 0 to 5 marks (the largest mark-count
//! proof such a question can have). Measures: encrypting one ballot (one
//! core), verifying one ballot (exactly, and with one random combination
//! as at casting), parsing BALLOTS ballots from JSON,
//! and batch-verifying and adding up BALLOTS ballots on THREADS threads
//! (defaults: 40,000 and 2), then decrypting the five sums. To keep set-up
//! short, 2,000 distinct ballots (2,000 credentials) are encrypted and
//! repeated up to BALLOTS; the verifier does the same work for a repeat.

use std::time::Instant;
use votum_crypto::ballot_batch::{verify_batch, verify_one, BallotRef};
use votum_crypto::elgamal::SecretKey;
use votum_crypto::encrypted_ballot::{
    encrypt_ballot, verify_ballot, ElectionParameters, EncryptedBallot, QuestionShape,
};
use votum_crypto::group::{SeededScalars, SystemScalars};
use votum_crypto::{Code, CredentialKey, PublicCredential};

const DISTINCT: usize = 2_000;

/// CPU time of this process so far (user + system, Linux `/proc`), to see
/// through other load on a shared machine; 0 where unavailable.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which ends with ')'): utime is the
    // 12th, stime the 13th, in clock ticks of 1/100 s.
    let after = stat.rsplit(')').next().unwrap_or_default();
    let ticks: f64 = after
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|f| f.parse::<f64>().ok())
        .sum();
    ticks / 100.0
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let total: usize = args.next().map_or(Ok(40_000), |a| a.parse())?;
    let threads: usize = args.next().map_or(Ok(2), |a| a.parse())?;

    let mut source = SeededScalars::new(b"ballot bench");
    let key = SecretKey::generate(&mut source)?;
    // Five options that may all be left empty: the sixth is "none".
    let shape = QuestionShape {
        options: 6,
        min_marks: 0,
        max_marks: 5,
    };
    let params = ElectionParameters::new([42; 32], key.public(), vec![shape])?;
    let credentials: Vec<PublicCredential> = (0..DISTINCT)
        .map(|i| {
            let mut code = [0u8; 16];
            for (byte, from) in code.iter_mut().zip((i as u64).to_be_bytes()) {
                *byte = from;
            }
            CredentialKey::derive(&Code::from_bytes(code), "bench").public()
        })
        .collect();
    let choice = |i: usize| -> Vec<Vec<bool>> {
        vec![shape.with_none((0..5).map(|j| (i >> j) & 1 == 1).collect())]
    };

    // Encrypt (one core), with the system's randomness as in production.
    let start = Instant::now();
    let mut distinct = Vec::with_capacity(DISTINCT);
    for (i, credential) in credentials.iter().enumerate() {
        distinct.push(encrypt_ballot(
            &params,
            credential,
            &choice(i),
            &mut SystemScalars,
        )?);
    }
    let encrypt = start.elapsed().as_secs_f64() / DISTINCT as f64;
    println!("encrypt one 5-option ballot: {:.2} ms", encrypt * 1e3);

    // Verify one, exactly (what the server does at casting).
    let start = Instant::now();
    let rounds = 500;
    for (credential, ballot) in credentials.iter().zip(&distinct).cycle().take(rounds) {
        verify_ballot(&params, credential, ballot)?;
    }
    let verify = start.elapsed().as_secs_f64() / rounds as f64;
    println!("verify one ballot (exact): {:.2} ms", verify * 1e3);
    let start = Instant::now();
    for (credential, ballot) in credentials.iter().zip(&distinct).cycle().take(rounds) {
        verify_one(&params, credential, ballot, &mut SystemScalars)?;
    }
    let verify = start.elapsed().as_secs_f64() / rounds as f64;
    println!(
        "verify one ballot (one random combination): {:.2} ms",
        verify * 1e3
    );
    let json = serde_json::to_string(distinct.first().ok_or("no ballot")?)?;
    println!("ballot size: {} bytes of JSON", json.len());

    // Parse `total` ballots from JSON (what a record verifier reads).
    let mut text = String::from("[");
    for (i, ballot) in distinct.iter().cycle().take(total).enumerate() {
        if i > 0 {
            text.push(',');
        }
        text.push_str(&serde_json::to_string(ballot)?);
    }
    text.push(']');
    let start = Instant::now();
    let ballots: Vec<EncryptedBallot> = serde_json::from_str(&text)?;
    let parse = start.elapsed().as_secs_f64();
    println!(
        "parse {total} ballots ({} MB of JSON): {parse:.1} s",
        text.len() / 1_000_000
    );
    drop(text);

    // Batch-verify and add up.
    let refs: Vec<BallotRef<'_>> = ballots
        .iter()
        .zip(credentials.iter().cycle())
        .map(|(ballot, credential)| BallotRef { credential, ballot })
        .collect();
    let (start, cpu_start) = (Instant::now(), cpu_seconds());
    let tally = verify_batch(&params, &refs, threads, &mut SystemScalars)?;
    let batch = start.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu_start;
    println!(
        "batch-verify and sum {total} ballots on {threads} thread(s): {batch:.1} s ({:.0} ballots/s), \
         {cpu:.1} s of CPU ({:.0} µs per ballot)",
        total as f64 / batch,
        cpu / total as f64 * 1e6
    );

    // Decrypt the sums (discrete logarithms up to the number of ballots).
    let start = Instant::now();
    let counts: Vec<Option<u64>> = tally
        .sums
        .first()
        .ok_or("no question")?
        .iter()
        .map(|c| key.decrypt(c, total as u64))
        .collect();
    println!(
        "decrypt 5 sums: {:.0} ms, counts {counts:?}",
        start.elapsed().as_secs_f64() * 1e3
    );
    let expected: Vec<Option<u64>> = (0..5)
        .map(|j| {
            Some(
                (0..total)
                    .filter(|i| ((i % DISTINCT) >> j) & 1 == 1)
                    .count() as u64,
            )
        })
        .collect();
    if counts != expected {
        return Err("the tally does not match the marks".into());
    }
    Ok(())
}
