//! The ballot box: signed ballots in, receipts out, exactly once per
//! credential under concurrency, every refusal with nothing stored.

use std::sync::Arc;

use diesel::prelude::*;
use votum::ballots::ballot_box::{cast, Refusal, SignedBallot};
use votum::ballots::lifecycle::BallotStatus;
use votum::ballots::setup::{self, NewBallot, Origin};
use votum::db::schema::{ballot_boxes, box_entries, credentials};
use votum::db::Db;
use votum_ballots::question::{MajorityRule, QuestionKind, Ratio};
use votum_ballots::record::v2::{chain_genesis, chain_next};
use votum_ballots::{Choice, Question, YesNoVote};
use votum_crypto::ballot_box::BoxPublicKey;
use votum_crypto::credential::{Code, CredentialKey};
use votum_crypto::seal::SealingKey;

use crate::support::{test_now, TestApp};

pub fn yes_no() -> Question {
    Question {
        text: "Soll der Vorstand entlastet werden?".into(),
        kind: QuestionKind::YesNoAbstain {
            quorum: Ratio::ZERO,
            majority: MajorityRule::Simple,
        },
    }
}

/// An open yes/no ballot of the federal group with `voters` credentials.
pub struct OpenBallot {
    pub org: crate::support::Org,
    pub id: String,
    pub codes: Vec<Code>,
    pub keys: Vec<CredentialKey>,
    pub sealing: Arc<SealingKey>,
}

pub fn open_ballot(app: &TestApp, voters: usize, revote_allowed: bool) -> OpenBallot {
    let org = app.with_org();
    let sealing = app.sealing.clone();
    let mut conn = app.conn();
    let id = setup::create(
        &mut conn,
        &sealing,
        &votum::rights::OfficerOf::by_operator(org.federal.id),
        &NewBallot {
            group_id: org.federal.id,
            title: "Entlastung".into(),
            description: "Entlastung des Vorstands 2026".into(),
            cutoff_date: test_now().date(),
            opens_at: test_now() - chrono::Duration::hours(1),
            closes_at: test_now() + chrono::Duration::days(7),
            revote_allowed,
            shuffle_options: false,
            questions: vec![yes_no()],
        },
        test_now(),
    )
    .unwrap();
    // Tests the signed protocol, as a ballot created before "encrypted".
    votum::ballots::protocol::keep_signed(&mut conn, &id).unwrap();
    let codes: Vec<Code> = (0..voters).map(|_| Code::generate().unwrap()).collect();
    let keys: Vec<CredentialKey> = codes
        .iter()
        .map(|c| CredentialKey::derive_v2(c, &id))
        .collect();
    let public: Vec<_> = keys.iter().map(CredentialKey::public).collect();
    setup::add_credentials(&mut conn, &id, &public, Origin::Server).unwrap();
    let fingerprint = votum::ballots::record::fix_election(&mut conn, &sealing, &id).unwrap();
    fingerprints()
        .lock()
        .unwrap()
        .insert(id.clone(), fingerprint);
    setup::set_status(&mut conn, &id, BallotStatus::Open).unwrap();
    OpenBallot {
        org,
        id,
        codes,
        keys,
        sealing,
    }
}

/// The election fingerprints of the ballots [`open_ballot`] opened, so that
/// [`signed`] signs what the box checks.
fn fingerprints() -> &'static std::sync::Mutex<std::collections::HashMap<String, [u8; 32]>> {
    static MAP: std::sync::OnceLock<std::sync::Mutex<std::collections::HashMap<String, [u8; 32]>>> =
        std::sync::OnceLock::new();
    MAP.get_or_init(Default::default)
}

/// The fingerprint of a ballot opened by [`open_ballot`] (zero for others).
pub fn fingerprint(ballot: &str) -> [u8; 32] {
    fingerprints()
        .lock()
        .unwrap()
        .get(ballot)
        .copied()
        .unwrap_or([0; 32])
}

pub fn signed(ballot: &str, key: &CredentialKey, choices: &[Choice]) -> SignedBallot {
    let choices_json = votum::ballots::ballot_box::cast_text(choices).unwrap();
    let credential = key.public();
    let message =
        votum_ballots::record::v2::cast_message(&fingerprint(ballot), &credential, &choices_json);
    SignedBallot {
        ballot_id: ballot.into(),
        credential,
        choices_json,
        signature: key.sign(&message),
    }
}

/// A ballot signed as the app signs it for the ballot's protocol, for
/// ballots opened through the officers' act.
pub fn signed_for(
    conn: &mut votum::db::DbConn,
    ballot: &str,
    key: &CredentialKey,
    choices: &[Choice],
) -> SignedBallot {
    let protocol = votum::ballots::protocol::Protocol::of(conn, ballot).unwrap();
    let choices_json = votum::ballots::ballot_box::cast_text(choices).unwrap();
    let credential = key.public();
    let message = protocol.cast_message(ballot, &credential, &choices_json);
    SignedBallot {
        ballot_id: ballot.into(),
        credential,
        choices_json,
        signature: key.sign(&message),
    }
}

fn box_length(conn: &mut votum::db::DbConn, ballot: &str) -> i64 {
    ballot_boxes::table
        .find(ballot)
        .select(ballot_boxes::length)
        .first(conn)
        .unwrap()
}

fn box_public(conn: &mut votum::db::DbConn, ballot: &str) -> BoxPublicKey {
    use votum::db::schema::ballots;
    let key: String = ballots::table
        .find(ballot)
        .select(ballots::box_public_key)
        .first(conn)
        .unwrap();
    BoxPublicKey::from_base64(&key).unwrap()
}

/// Recomputes the chain from genesis over the stored entries.
fn chain_is_intact(conn: &mut votum::db::DbConn, ballot: &str) -> bool {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let entries: Vec<(i64, String, String)> = box_entries::table
        .filter(box_entries::ballot_id.eq(ballot))
        .order(box_entries::position)
        .select((box_entries::position, box_entries::hash, box_entries::chain))
        .load(conn)
        .unwrap();
    let mut head = chain_genesis(&fingerprint(ballot));
    for (n, (position, hash, chain)) in entries.iter().enumerate() {
        let hash: [u8; 32] = b64.decode(hash).unwrap().try_into().unwrap();
        head = chain_next(&head, &hash);
        if *position != n as i64 || b64.encode(head) != *chain {
            return false;
        }
    }
    let stored: String = ballot_boxes::table
        .find(ballot)
        .select(ballot_boxes::head)
        .first(conn)
        .unwrap();
    stored == b64.encode(head)
}

crate::both_backends!(cast_returns_a_receipt_signed_by_the_box, |app: TestApp| {
    let ballot = open_ballot(&app, 3, false);
    let mut conn = app.conn();
    let vote = signed(
        &ballot.id,
        &ballot.keys[0],
        &[Choice::YesNo(YesNoVote::Yes)],
    );
    let receipt = cast(&mut conn, &ballot.sealing, test_now(), &vote)
        .unwrap()
        .unwrap();
    assert_eq!(receipt.position(), 0);
    assert!(receipt.verify(&box_public(&mut conn, &ballot.id)));
    assert_eq!(box_length(&mut conn, &ballot.id), 1);
    assert!(chain_is_intact(&mut conn, &ballot.id));
    let used: String = credentials::table
        .find((&ballot.id, ballot.keys[0].public().to_base64()))
        .select(credentials::used)
        .first(&mut *conn)
        .unwrap();
    assert_eq!(used, "online");
});

crate::both_backends!(every_refusal_stores_nothing, |app: TestApp| {
    let ballot = open_ballot(&app, 3, false);
    let mut conn = app.conn();
    let yes = [Choice::YesNo(YesNoVote::Yes)];
    let good = signed(&ballot.id, &ballot.keys[0], &yes);
    cast(&mut conn, &ballot.sealing, test_now(), &good)
        .unwrap()
        .unwrap();

    let stranger = CredentialKey::derive_v2(&Code::generate().unwrap(), &ballot.id);
    let mut forged = signed(&ballot.id, &ballot.keys[1], &yes);
    forged.choices_json = forged
        .choices_json
        .replace(r#""value":"yes""#, r#""value":"no""#);
    let other_ballot_key = CredentialKey::derive_v2(&Code::generate().unwrap(), "another-ballot");
    let cases: Vec<(SignedBallot, chrono::NaiveDateTime, Refusal)> = vec![
        (good.clone(), test_now(), Refusal::AlreadyVoted),
        (
            signed(&ballot.id, &ballot.keys[1], &[]),
            test_now(),
            Refusal::InvalidChoice(String::new()),
        ),
        (
            signed(&ballot.id, &stranger, &yes),
            test_now(),
            Refusal::UnknownCredential,
        ),
        (forged, test_now(), Refusal::BadSignature),
        (
            signed(&ballot.id, &other_ballot_key, &yes),
            test_now(),
            Refusal::UnknownCredential,
        ),
        (
            signed(&ballot.id, &ballot.keys[1], &yes),
            test_now() + chrono::Duration::days(8),
            Refusal::Closed,
        ),
        (
            signed(&ballot.id, &ballot.keys[1], &yes),
            test_now() - chrono::Duration::days(1),
            Refusal::NotYetOpen,
        ),
        (
            signed(&ballot.id, &ballot.keys[1], &[Choice::Approval(vec![])]),
            test_now(),
            Refusal::InvalidChoice(String::new()),
        ),
        (
            signed(
                &ballot.id,
                &ballot.keys[1],
                &[yes[0].clone(), yes[0].clone()],
            ),
            test_now(),
            Refusal::InvalidChoice(String::new()),
        ),
        (
            SignedBallot {
                ballot_id: "no-such-ballot".into(),
                ..signed("no-such-ballot", &ballot.keys[1], &yes)
            },
            test_now(),
            Refusal::UnknownBallot,
        ),
    ];
    for (vote, now, expected) in cases {
        let refusal = cast(&mut conn, &ballot.sealing, now, &vote)
            .unwrap()
            .unwrap_err();
        match (&refusal, &expected) {
            (Refusal::InvalidChoice(why), Refusal::InvalidChoice(_)) => assert!(!why.is_empty()),
            _ => assert_eq!(refusal, expected),
        }
        assert_eq!(
            box_length(&mut conn, &ballot.id),
            1,
            "{expected:?} stored something"
        );
    }
    // A revoked credential and a closed ballot.
    diesel::update(credentials::table.find((&ballot.id, ballot.keys[2].public().to_base64())))
        .set(credentials::revoked.eq(true))
        .execute(&mut *conn)
        .unwrap();
    let vote = signed(&ballot.id, &ballot.keys[2], &yes);
    assert_eq!(
        cast(&mut conn, &ballot.sealing, test_now(), &vote).unwrap(),
        Err(Refusal::RevokedCredential)
    );
    setup::set_status(&mut conn, &ballot.id, BallotStatus::Closed).unwrap();
    let vote = signed(&ballot.id, &ballot.keys[1], &yes);
    assert_eq!(
        cast(&mut conn, &ballot.sealing, test_now(), &vote).unwrap(),
        Err(Refusal::Closed)
    );
    assert_eq!(box_length(&mut conn, &ballot.id), 1);
    assert!(chain_is_intact(&mut conn, &ballot.id));
});

/// Casts `votes` from `threads` threads, each with its own connection.
fn cast_concurrently(
    app: &TestApp,
    ballot: &OpenBallot,
    votes: Vec<SignedBallot>,
    threads: usize,
) -> Vec<Result<votum::ballots::protocol::AnyReceipt, Refusal>> {
    let db = Db::open(&app.url, threads as u32).unwrap();
    let votes = Arc::new(std::sync::Mutex::new(
        votes.into_iter().enumerate().collect::<Vec<_>>(),
    ));
    let sealing = ballot.sealing.clone();
    let barrier = Arc::new(std::sync::Barrier::new(threads));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let (db, votes, sealing, barrier) =
                (db.clone(), votes.clone(), sealing.clone(), barrier.clone());
            std::thread::spawn(move || {
                let mut conn = db.get().unwrap();
                let mut out = Vec::new();
                barrier.wait();
                loop {
                    let next = votes.lock().unwrap().pop();
                    let Some((n, vote)) = next else { break };
                    out.push((n, cast(&mut conn, &sealing, test_now(), &vote).unwrap()));
                }
                out
            })
        })
        .collect();
    let mut all: Vec<_> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    all.sort_by_key(|(n, _)| *n);
    all.into_iter().map(|(_, r)| r).collect()
}

crate::both_backends!(
    one_credential_from_50_threads_counts_once,
    |app: TestApp| {
        let ballot = open_ballot(&app, 1, false);
        let vote = signed(&ballot.id, &ballot.keys[0], &[Choice::YesNo(YesNoVote::No)]);
        let results = cast_concurrently(&app, &ballot, vec![vote; 50], 50);
        let accepted = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(accepted, 1);
        assert!(results
            .iter()
            .filter_map(|r| r.as_ref().err())
            .all(|e| *e == Refusal::AlreadyVoted));
        let mut conn = app.conn();
        assert_eq!(box_length(&mut conn, &ballot.id), 1);
        assert!(chain_is_intact(&mut conn, &ballot.id));
    }
);

crate::both_backends!(
    revotes_from_50_threads_are_all_chained_once_each,
    |app: TestApp| {
        let ballot = open_ballot(&app, 1, true);
        let votes: Vec<_> = (0..50)
            .map(|n| {
                let vote = if n % 2 == 0 {
                    YesNoVote::Yes
                } else {
                    YesNoVote::No
                };
                signed(&ballot.id, &ballot.keys[0], &[Choice::YesNo(vote)])
            })
            .collect();
        let results = cast_concurrently(&app, &ballot, votes, 50);
        assert!(results.iter().all(Result::is_ok));
        let mut positions: Vec<u64> = results
            .iter()
            .map(|r| r.as_ref().unwrap().position())
            .collect();
        positions.sort_unstable();
        assert_eq!(positions, (0..50).collect::<Vec<u64>>());
        let mut conn = app.conn();
        assert_eq!(box_length(&mut conn, &ballot.id), 50);
        assert!(chain_is_intact(&mut conn, &ballot.id));
    }
);

crate::both_backends!(ten_thousand_concurrent_casts_lose_none, |app: TestApp| {
    let ballot = open_ballot(&app, 10_000, false);
    let votes: Vec<_> = ballot
        .keys
        .iter()
        .enumerate()
        .map(|(n, key)| {
            let vote = match n % 3 {
                0 => YesNoVote::Yes,
                1 => YesNoVote::No,
                _ => YesNoVote::Abstain,
            };
            signed(&ballot.id, key, &[Choice::YesNo(vote)])
        })
        .collect();
    let results = cast_concurrently(&app, &ballot, votes, 16);
    assert!(results.iter().all(Result::is_ok), "a cast was refused");
    let mut positions: Vec<u64> = results
        .iter()
        .map(|r| r.as_ref().unwrap().position())
        .collect();
    positions.sort_unstable();
    assert_eq!(positions, (0..10_000).collect::<Vec<u64>>());
    let mut conn = app.conn();
    assert_eq!(box_length(&mut conn, &ballot.id), 10_000);
    let distinct: i64 = box_entries::table
        .filter(box_entries::ballot_id.eq(&ballot.id))
        .select(diesel::dsl::count(box_entries::credential).aggregate_distinct())
        .first(&mut *conn)
        .unwrap();
    assert_eq!(distinct, 10_000);
    assert!(chain_is_intact(&mut conn, &ballot.id));
});

crate::both_backends!(
    a_replayed_ballot_is_refused_even_where_revoting_is_allowed,
    |app: TestApp| {
        let ballot = open_ballot(&app, 1, true);
        let mut conn = app.conn();
        let vote = signed(
            &ballot.id,
            &ballot.keys[0],
            &[Choice::YesNo(YesNoVote::Yes)],
        );
        cast(&mut conn, &ballot.sealing, test_now(), &vote)
            .unwrap()
            .unwrap();
        assert_eq!(
            cast(&mut conn, &ballot.sealing, test_now(), &vote).unwrap(),
            Err(Refusal::Replayed)
        );
        // A re-vote with the same choice is a new ballot (new nonce) and counts.
        let again = signed(
            &ballot.id,
            &ballot.keys[0],
            &[Choice::YesNo(YesNoVote::Yes)],
        );
        let receipt = cast(&mut conn, &ballot.sealing, test_now(), &again)
            .unwrap()
            .unwrap();
        assert_eq!(receipt.position(), 1);
        assert_eq!(box_length(&mut conn, &ballot.id), 2);
    }
);
