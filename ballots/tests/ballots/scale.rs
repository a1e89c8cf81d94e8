//! Counts at the reference size (370,000 members) finish quickly and the
//! results survive a round trip through JSON, as the election record needs.

use crate::common::{lot, options, stv_question};
use votum_ballots::{tally, Choice, OptionId, Outcome, Question, QuestionKind, QuestionResult};

/// 370,000 partial rankings of 12 candidates from a fixed pseudo-random
/// sequence, mildly biased so that candidates differ in strength.
fn electorate_rankings(n: u32) -> Vec<Choice> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..370_000)
        .map(|_| {
            let mut all: Vec<u32> = (1..=n).collect();
            for i in 0..all.len() {
                let span = (all.len() - i) as u64;
                let j = i + (next() % span).min(next() % span) as usize;
                all.swap(i, j);
            }
            let len = 1 + (next() % u64::from(n)) as usize;
            Choice::Ranked(all.into_iter().take(len).map(OptionId).collect())
        })
        .collect()
}

#[test]
fn reference_size_stv_and_schulze() {
    let choices = electorate_rankings(12);
    let stv_q = stv_question(12, 5);
    let result = tally(&stv_q, 370_000, &choices, &lot("ABCDEFGHIJKL"));
    let Outcome::Stv(r) = &result.outcome else {
        panic!("wrong outcome")
    };
    assert_eq!(r.elected.len(), 5);
    assert_eq!(r.quota, 370_000 / 6 + 1);
    let json = serde_json::to_string(&result).unwrap();
    assert_eq!(
        serde_json::from_str::<QuestionResult>(&json).unwrap(),
        result
    );

    let schulze_q = Question {
        text: "Chair".into(),
        kind: QuestionKind::RankedSchulze {
            options: options(12),
        },
    };
    let result = tally(&schulze_q, 370_000, &choices, &lot("ABCDEFGHIJKL"));
    let Outcome::Schulze(r) = &result.outcome else {
        panic!("wrong outcome")
    };
    assert!(r.winner.is_some());
    assert_eq!(r.ranking.len(), 12);
    let json = serde_json::to_string(&result).unwrap();
    assert_eq!(
        serde_json::from_str::<QuestionResult>(&json).unwrap(),
        result
    );
}

/// A record of many signed ballots verifies, and how long it takes.
/// Ignored by default (minutes in a debug build); run with
/// `cargo test --release -p votum-ballots -- --ignored record_at_scale
/// --nocapture`, `VOTUM_RECORD_BALLOTS` setting the number of ballots.
#[test]
#[ignore]
fn record_at_scale() {
    use votum_ballots::record::{
        cast_text, count, verify, ActKind, BallotDefinition, CastBallot, CredentialEntry,
        CredentialOrigin, ElectionRecord, Electorate, OfficerAct, FORMAT, VERSION,
    };
    use votum_ballots::SingleVote;
    use votum_crypto::ballot_box::{ballot_hash, cast_message, chain_genesis, chain_next, BoxKey};
    use votum_crypto::{Code, CredentialKey};
    let n: u32 = std::env::var("VOTUM_RECORD_BALLOTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let id = "b-scale";
    let started = std::time::Instant::now();
    let box_key = BoxKey::from_seed(&[1; 32]);
    let question = Question {
        text: "Chair".into(),
        kind: QuestionKind::SingleChoice {
            options: options(4),
            runoff: false,
        },
    };
    let mut credentials = vec![];
    let mut ballots = vec![];
    let mut head = chain_genesis(id);
    for i in 0..n {
        let mut bytes = [0u8; 16];
        bytes[..4].copy_from_slice(&i.to_be_bytes());
        let key = CredentialKey::derive(&Code::from_bytes(bytes), id);
        let credential = key.public();
        let choice = Choice::Single(SingleVote::For(OptionId(1 + i % 4)));
        let text = cast_text(&[choice], &bytes);
        let signature = key.sign(&cast_message(id, &credential, &text));
        let hash = ballot_hash(id, &credential, &text, &signature);
        head = chain_next(&head, &hash);
        credentials.push(CredentialEntry {
            credential,
            origin: CredentialOrigin::Server,
            revoked: false,
        });
        ballots.push(CastBallot {
            position: u64::from(i),
            credential,
            choices: text,
            signature,
            hash,
            chain: head,
        });
    }
    credentials.sort_by_key(|c| c.credential);
    let act = |act, at: &str| OfficerAct {
        act,
        requested_by: "officer-1".into(),
        confirmed_by: Some("officer-2".into()),
        at: at.into(),
    };
    let mut record = ElectionRecord {
        format: FORMAT.into(),
        version: VERSION,
        ballot: BallotDefinition {
            id: id.into(),
            title: "Scale".into(),
            questions: vec![question],
            revoting: false,
        },
        box_key: box_key.public(),
        electorate: Electorate {
            size: u64::from(n),
            credentials_issued: u64::from(n),
        },
        credentials,
        ballots,
        chain_head: head,
        postal: vec![],
        officer_acts: vec![
            act(ActKind::Open, "2025-01-01T00:00:00Z"),
            act(ActKind::Close, "2025-01-02T00:00:00Z"),
            act(ActKind::Tally, "2025-01-02T00:00:01Z"),
        ],
        lot_seed: b"seed".to_vec(),
        results: vec![],
        signature: None,
    };
    record.results = count(&record).unwrap();
    record.sign(&box_key);
    println!("built and signed {n} ballots in {:?}", started.elapsed());
    let started = std::time::Instant::now();
    let json = record.to_json();
    println!(
        "serialised {} MB in {:?}",
        json.len() / 1_000_000,
        started.elapsed()
    );
    let started = std::time::Instant::now();
    let parsed = ElectionRecord::from_json(json.as_bytes()).unwrap();
    println!(
        "parsed and checked canonical form in {:?}",
        started.elapsed()
    );
    let started = std::time::Instant::now();
    let verified = verify(&parsed).unwrap();
    println!("verified in {:?}", started.elapsed());
    assert_eq!(verified.counted_online, u64::from(n));
}
