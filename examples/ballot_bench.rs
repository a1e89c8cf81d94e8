//! Sets up a ballot at scale for the benchmarks in docs/benchmarks.md.
//!
//! ```sh
//! cargo run --release --example ballot_bench -- prepare DB N CODES_FILE
//!     # an open yes/no ballot of the top group with N server credentials;
//!     # the codes go to CODES_FILE for the HTTP load generator
//! cargo run --release --example ballot_bench -- fill DB BALLOT CODES_FILE
//!     # casts one ballot per code straight into the box (bulk, for tally)
//! cargo run --release --example ballot_bench -- tally DB BALLOT RECORD_FILE
//!     # builds, counts, signs and verifies the record; writes it out
//! cargo run --release --example ballot_bench -- letters DB
//!     # an open ballot whose whole electorate gets letters (then run
//!     # `votum letters BALLOT --out FILE.pdf`)
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::io::{BufRead, Write};
use std::time::Instant;

use diesel::prelude::*;
use votum::ballots::credential::CredentialUse;
use votum::ballots::lifecycle::BallotStatus;
use votum::ballots::setup::{self, NewBallot, Origin};
use votum::db::schema::{ballot_boxes, ballots, box_entries, credentials, groups};
use votum::db::Db;
use votum_ballots::question::{MajorityRule, QuestionKind, Ratio};
use votum_ballots::{Choice, Question, YesNoVote};
use votum_crypto::ballot_box::{ballot_hash, cast_message, chain_genesis, chain_next};
use votum_crypto::credential::{Code, CredentialKey};

fn sealing(data_dir: &str) -> votum_crypto::seal::SealingKey {
    let settings = votum::config::Settings {
        data_dir: data_dir.into(),
        ..Default::default()
    };
    votum::config::sealing_key(&settings).unwrap()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let data_dir = std::env::var("VOTUM_DATA_DIR").unwrap_or_else(|_| "data".into());
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["prepare", db, n, codes] => prepare(db, n.parse().unwrap(), codes, &data_dir),
        ["fill", db, ballot, codes] => fill(db, ballot, codes),
        ["tally", db, ballot, out] => tally(db, ballot, out, &data_dir),
        ["letters", db] => letters(db, &data_dir),
        _ => eprintln!("usage: see the module documentation"),
    }
}

/// A yes/no ballot of the top group, open from `opens` to `closes` (hours
/// from now), with its electorate frozen.
fn new_ballot(
    conn: &mut votum::db::DbConn,
    data_dir: &str,
    title: &str,
    opens: i64,
    closes: i64,
) -> String {
    let top: i64 = groups::table
        .filter(groups::parent_id.is_null())
        .select(groups::id)
        .first(conn)
        .unwrap();
    let now = chrono::Utc::now().naive_utc();
    let id = setup::create(
        conn,
        &sealing(data_dir),
        &votum::rights::OfficerOf::by_operator(top),
        &NewBallot {
            group_id: top,
            title: title.into(),
            description: String::new(),
            cutoff_date: now.date(),
            opens_at: now + chrono::Duration::hours(opens),
            closes_at: now + chrono::Duration::hours(closes),
            revote_allowed: false,
            shuffle_options: false,
            questions: vec![Question {
                text: "Zustimmung?".into(),
                kind: QuestionKind::YesNoAbstain {
                    quorum: Ratio::ZERO,
                    majority: MajorityRule::Simple,
                },
            }],
        },
        now,
    )
    .unwrap();
    votum::ballots::officer::freeze_electorate(conn, &id).unwrap();
    id
}

fn prepare(url: &str, n: usize, codes_file: &str, data_dir: &str) {
    let db = Db::open(url, 2).unwrap();
    let mut conn = db.get().unwrap();
    let id = new_ballot(&mut conn, data_dir, "Benchmark", -1, 24);
    let started = Instant::now();
    let mut out = std::io::BufWriter::new(std::fs::File::create(codes_file).unwrap());
    let mut public = Vec::with_capacity(n);
    for _ in 0..n {
        let code = Code::generate().unwrap();
        public.push(CredentialKey::derive(&code, &id).public());
        writeln!(out, "{}", code.display()).unwrap();
    }
    setup::add_credentials(&mut conn, &id, &public, Origin::Server).unwrap();
    // An electorate of everyone, each with a credential issued.
    diesel::sql_query(format!(
        "UPDATE electors SET issued = TRUE WHERE ballot_id = '{id}'"
    ))
    .execute(&mut *conn)
    .unwrap();
    setup::set_status(&mut conn, &id, BallotStatus::Open).unwrap();
    eprintln!(
        "prepared {n} credentials in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    println!("{id}");
}

fn fill(url: &str, ballot: &str, codes_file: &str) {
    let db = Db::open(url, 2).unwrap();
    let mut conn = db.get().unwrap();
    let started = Instant::now();
    let codes: Vec<String> = std::io::BufReader::new(std::fs::File::open(codes_file).unwrap())
        .lines()
        .map(Result::unwrap)
        .collect();
    let mut head = chain_genesis(ballot);
    let mut rows = Vec::with_capacity(codes.len());
    for (n, code) in codes.iter().enumerate() {
        let key = CredentialKey::derive(&Code::parse(code).unwrap(), ballot);
        let vote = [Choice::YesNo(match n % 3 {
            0 => YesNoVote::Yes,
            1 => YesNoVote::No,
            _ => YesNoVote::Abstain,
        })];
        let text = votum::ballots::ballot_box::cast_text(&vote).unwrap();
        let credential = key.public();
        let signature = key.sign(&cast_message(ballot, &credential, &text));
        let hash = ballot_hash(ballot, &credential, &text, &signature);
        head = chain_next(&head, &hash);
        rows.push((
            box_entries::ballot_id.eq(ballot.to_owned()),
            box_entries::position.eq(n as i64),
            box_entries::credential.eq(credential.to_base64()),
            box_entries::choices.eq(text),
            box_entries::signature.eq(signature.to_base64()),
            box_entries::hash.eq(setup::b64(&hash)),
            box_entries::chain.eq(setup::b64(&head)),
        ));
    }
    eprintln!(
        "signed {} ballots in {:.1} s",
        rows.len(),
        started.elapsed().as_secs_f64()
    );
    let conn: &mut votum::db::DbConn = &mut conn;
    conn.transaction(|conn| {
        for chunk in rows.chunks(1000) {
            votum::insert_batch!(conn, box_entries::table, chunk)?;
        }
        diesel::update(credentials::table.filter(credentials::ballot_id.eq(ballot)))
            .set(credentials::used.eq(CredentialUse::Online))
            .execute(conn)?;
        diesel::update(ballot_boxes::table.find(ballot))
            .set((
                ballot_boxes::head.eq(setup::b64(&head)),
                ballot_boxes::length.eq(rows.len() as i64),
            ))
            .execute(conn)?;
        diesel::update(ballots::table.find(ballot))
            .set(ballots::status.eq(BallotStatus::Closed))
            .execute(conn)?;
        Ok::<_, votum::error::AppError>(())
    })
    .unwrap();
    eprintln!("filled the box in {:.1} s", started.elapsed().as_secs_f64());
}

fn tally(url: &str, ballot: &str, out: &str, data_dir: &str) {
    use votum::ballots::lifecycle::Act;
    let db = Db::open(url, 2).unwrap();
    let mut conn = db.get().unwrap();
    let now = chrono::Utc::now().naive_utc();
    let act = |act| votum::ballots::record::PendingAct {
        act,
        requested_by: 1,
        confirmed_by: 2,
        at: now,
    };
    // The benchmark's officer acts, so that the record is complete.
    for name in ["open", "close"] {
        diesel::sql_query(format!(
            "INSERT INTO officer_acts (id, ballot_id, act, requested_by, requested_at, confirmed_by, confirmed_at) \
             SELECT {}, '{ballot}', '{name}', a.id, $1, b.id, $1 FROM accounts a, accounts b \
             WHERE a.login = 'admin' AND b.login <> 'admin' LIMIT 1",
            votum_crypto::random_id().unwrap()
        ))
        .bind::<diesel::sql_types::Timestamp, _>(now)
        .execute(&mut *conn)
        .unwrap();
    }
    let started = Instant::now();
    let results = votum::ballots::record::tally(&mut conn, ballot, &act(Act::Tally)).unwrap();
    eprintln!(
        "tally (build from database, verify ballots, count): {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let _ = results;
    diesel::sql_query(
        "INSERT INTO officer_acts (id, ballot_id, act, requested_by, requested_at, confirmed_by, confirmed_at) \
         SELECT $1, $2, 'tally', a.id, $3, b.id, $3 FROM accounts a, accounts b \
         WHERE a.login = 'admin' AND b.login <> 'admin' LIMIT 1",
    )
    .bind::<diesel::sql_types::BigInt, _>(votum_crypto::random_id().unwrap())
    .bind::<diesel::sql_types::Text, _>(ballot)
    .bind::<diesel::sql_types::Timestamp, _>(now)
    .execute(&mut *conn)
    .unwrap();
    let started = Instant::now();
    let record =
        votum::ballots::record::publish(&mut conn, &sealing(data_dir), ballot, &act(Act::Publish))
            .unwrap();
    eprintln!(
        "publish (build, count again, sign): {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let json = record.to_json();
    std::fs::write(out, &json).unwrap();
    eprintln!("record: {} bytes", json.len());
}

fn letters(url: &str, data_dir: &str) {
    let db = Db::open(url, 2).unwrap();
    let mut conn = db.get().unwrap();
    let id = new_ballot(&mut conn, data_dir, "Urabstimmung 2026", 14 * 24, 28 * 24);
    diesel::sql_query(format!(
        "UPDATE electors SET channel = 'letter' WHERE ballot_id = '{id}'"
    ))
    .execute(&mut *conn)
    .unwrap();
    setup::set_status(&mut conn, &id, BallotStatus::Open).unwrap();
    println!("{id}");
}
