//! Writes a signed election record under protocol "encrypted" with N
//! online ballots, for the verifier's benchmark (docs/benchmarks.md):
//!
//! ```sh
//! cargo run --release -p votum-ballots --example encrypted_record -- OUT.json 400000
//! /usr/bin/time -v target/release/votum verify OUT.json
//! ```
//!
//! One yes/no/abstain question and one approval of 5 options with 0–5
//! marks (6 encrypted options with "none"), a 2-of-3 trustees' ceremony,
//! every voter with an own credential; trustees 1 and 3 decrypt. The
//! ballots are encrypted on every core and streamed to the file, so the
//! generator's memory stays small too. Deterministic (seeded), never for a
//! real election.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

#[path = "../tests/ballots/encrypted_common.rs"]
mod encrypted_common;

use encrypted_common::*;
use std::io::Write;
use votum_ballots::record::v2::{
    chain_genesis, lot_order, record_message, ActKind, OfficerAct, Record, Tally, VERSION,
};
use votum_ballots::record::{CredentialEntry, CredentialOrigin, Electorate, FORMAT};
use votum_ballots::{
    tally_counts, BallotOption, Choice, MajorityRule, OptionId, Question, QuestionKind, Ratio,
    YesNoVote,
};
use votum_crypto::ballot_batch::EncryptedTally;
use votum_crypto::group::SeededScalars;
use votum_crypto::{BoxKey, Code, CredentialKey};

const BALLOT_ID: &str = "b-bench-encrypted";
const PREFIX: &[u8] = b"{\"ballots\":[";

fn act(kind: ActKind, at: &str, count: Option<u64>) -> OfficerAct {
    OfficerAct {
        act: kind,
        requested_by: "officer-1".into(),
        confirmed_by: Some("officer-2".into()),
        at: at.into(),
        batch: None,
        count,
    }
}

fn key(voter: u64) -> CredentialKey {
    let mut code = [0u8; 16];
    code[..8].copy_from_slice(&voter.to_be_bytes());
    code[15] = 1;
    CredentialKey::derive_v2(&Code::from_bytes(code), BALLOT_ID)
}

/// A spread of votes: voter i's choices from i alone.
fn choices(voter: u64) -> Vec<Choice> {
    let yes_no = match voter % 7 {
        0..=3 => YesNoVote::Yes,
        4 | 5 => YesNoVote::No,
        _ => YesNoVote::Abstain,
    };
    let mut marks = Vec::new();
    let pattern = (voter.wrapping_mul(2_654_435_761) >> 7) % 32;
    for option in 0..5u32 {
        if pattern & (1 << option) != 0 {
            marks.push(OptionId(option + 1));
        }
    }
    vec![Choice::YesNo(yes_no), Choice::Approval(marks)]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let out = args.get(1).expect("usage: encrypted_record OUT.json N");
    let n: u64 = args.get(2).map_or(1000, |a| a.parse().expect("N"));
    let started = std::time::Instant::now();
    let questions = vec![
        Question {
            text: "Budget".into(),
            kind: QuestionKind::YesNoAbstain {
                quorum: Ratio::new(1, 10).unwrap(),
                majority: MajorityRule::Simple,
            },
        },
        Question {
            text: "Board".into(),
            kind: QuestionKind::Approval {
                options: (1..=5)
                    .map(|i| BallotOption::new(i, format!("Candidate {i}")))
                    .collect(),
                min_marks: 0,
                max_marks: 5,
            },
        },
    ];
    let box_key = BoxKey::from_seed(&[42; 32]);
    let lot_seed = [7u8; 32];
    let mut trustees = ceremony(BALLOT_ID, 2, 3, "bench-trustee");
    let election = election(
        BALLOT_ID,
        "Benchmark",
        questions.clone(),
        false,
        &box_key,
        &trustees.keys,
        &lot_seed,
    );
    let fingerprint = election.fingerprint();
    let params = parameters(&election);

    let mut file = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(out).unwrap());
    let mut hasher = ring::digest::Context::new(&ring::digest::SHA256);
    let mut write = |bytes: &[u8], hasher: &mut ring::digest::Context| {
        file.write_all(bytes).unwrap();
        hasher.update(bytes);
    };
    write(PREFIX, &mut hasher);
    let mut sums = EncryptedTally::empty(&params);
    let mut chain = chain_genesis(&fingerprint);
    let threads = std::thread::available_parallelism().map_or(1, usize::from) as u64;
    let chunk = 1000u64;
    let mut voter = 0u64;
    while voter < n {
        let end = (voter + chunk).min(n);
        // Encrypt one chunk on every core.
        let per = (end - voter).div_ceil(threads);
        let made: Vec<_> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    let (from, to) = (voter + t * per, (voter + (t + 1) * per).min(end));
                    let (params, questions) = (&params, &questions);
                    scope.spawn(move || {
                        (from..to)
                            .map(|i| {
                                let key = key(i);
                                let mut source = SeededScalars::new(&i.to_be_bytes());
                                let ballot = encrypt(
                                    params,
                                    questions,
                                    &key.public(),
                                    &choices(i),
                                    &mut source,
                                );
                                (key, ballot)
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap())
                .collect()
        });
        for (offset, (key, ballot)) in made.iter().enumerate() {
            let position = voter + offset as u64;
            let entry = entry(&fingerprint, key, ballot, position, &chain);
            chain = entry.chain;
            add(&mut sums, ballot);
            if position > 0 {
                write(b",", &mut hasher);
            }
            write(&votum_crypto::canonical::to_canonical(&entry), &mut hasher);
        }
        voter = end;
        eprintln!("{voter} ballots, {:.0} s", started.elapsed().as_secs_f64());
    }

    let votes: Vec<Vec<Choice>> = (0..n).map(choices).collect();
    let counts = counts(&questions, &votes);
    let results = questions
        .iter()
        .zip(&counts)
        .map(|(q, c)| {
            let lot = lot_order(&lot_seed, &q.option_ids());
            tally_counts(q, n, n, c, &lot).unwrap()
        })
        .collect();
    let input = tally_input(&trustees, &election, &sums);
    let partial_decryptions = partials(&mut trustees, &input, &[0, 2]);
    let mut credentials: Vec<CredentialEntry> = (0..n)
        .map(|i| CredentialEntry {
            credential: key(i).public(),
            origin: CredentialOrigin::Authority,
            revoked: false,
        })
        .collect();
    credentials.sort_by_key(|c| c.credential);
    let mut record = Record {
        format: FORMAT.into(),
        version: VERSION,
        election,
        fingerprint,
        electorate: Electorate {
            size: n,
            credentials_issued: n,
        },
        credentials,
        ballots: vec![],
        chain_head: chain,
        postal: vec![],
        officer_acts: vec![
            act(ActKind::ImportCredentials, "2026-05-01T08:00:00Z", Some(n)),
            act(ActKind::Open, "2026-05-01T09:00:00Z", Some(0)),
            act(ActKind::Close, "2026-05-09T18:00:00Z", Some(n)),
            act(ActKind::Tally, "2026-05-09T20:00:00Z", None),
            act(ActKind::Publish, "2026-05-09T20:30:00Z", None),
        ],
        lot_seed,
        results,
        tally: Some(Tally {
            counts,
            input,
            partial_decryptions,
        }),
        signature: None,
    };
    // The record hash: the ballots as written, then the rest without its
    // signature (the record's canonical form with an empty ballots array,
    // from its closing bracket on).
    let without = votum_crypto::canonical::to_canonical_without(&record, "signature");
    hasher.update(&without[PREFIX.len()..]);
    let mut record_hash = [0u8; 32];
    record_hash.copy_from_slice(hasher.finish().as_ref());
    record.signature = Some(box_key.sign(&record_message(&fingerprint, &record_hash)));
    let whole = votum_crypto::canonical::to_canonical(&record);
    file.write_all(&whole[PREFIX.len()..]).unwrap();
    file.write_all(b"\n").unwrap();
    file.flush().unwrap();
    eprintln!(
        "wrote {out}: {n} ballots in {:.0} s",
        started.elapsed().as_secs_f64()
    );
}
