//! Sets up a member survey at scale for the benchmark in docs/benchmarks.md.
//!
//! ```sh
//! cargo run --release --example survey_bench -- prepare DB N CODES_FILE
//!     # an open anonymous survey of the top group in which N members got a
//!     # letter with a one-time code (the codes go to CODES_FILE, for the
//!     # HTTP load generator); prints the survey id
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::io::Write;
use std::time::Instant;

use diesel::prelude::*;
use votum::db::schema::{accounts, groups, members, survey_codes, survey_participants};
use votum::db::Db;
use votum::surveys::questions::{Kind, Question};
use votum::surveys::setup::{Audience, NewSurvey, Visibility};
use votum_crypto::credential::Code;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["prepare", db, n, codes] => prepare(db, n.parse().unwrap(), codes),
        _ => eprintln!("usage: see the module documentation"),
    }
}

/// A member survey as a state party would run it: five questions of the
/// common kinds.
fn questions() -> Vec<Question> {
    let topics: Vec<String> = ["Wohnen", "Verkehr", "Bildung", "Klima", "Digitales"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    vec![
        Question {
            text: "Wichtigstes Thema?".into(),
            kind: Kind::Single {
                options: topics.clone(),
            },
        },
        Question {
            text: "Wo wollen Sie mitarbeiten?".into(),
            kind: Kind::Multiple {
                options: topics,
                min: 0,
                max: 3,
            },
        },
        Question {
            text: "Zufriedenheit mit dem Vorstand".into(),
            kind: Kind::Scale {
                low: 0,
                high: 10,
                low_label: "gar nicht".into(),
                high_label: "sehr".into(),
            },
        },
        Question {
            text: "Mitgliederentscheid zum Programm?".into(),
            kind: Kind::YesNo,
        },
        Question {
            text: "Anmerkungen".into(),
            kind: Kind::Text { max_len: 1000 },
        },
    ]
}

fn prepare(url: &str, n: usize, codes_file: &str) {
    let db = Db::open(url, 2).unwrap();
    let mut pooled = db.get().unwrap();
    let conn: &mut votum::db::DbConn = &mut pooled;
    let top: i64 = groups::table
        .filter(groups::parent_id.is_null())
        .select(groups::id)
        .first(conn)
        .unwrap();
    let owner: i64 = accounts::table
        .filter(accounts::is_admin.eq(true))
        .select(accounts::id)
        .first(conn)
        .unwrap();
    let now = chrono::Utc::now().naive_utc();
    let survey = NewSurvey {
        group_slug: String::new(),
        title: "Mitgliederbefragung".into(),
        description: String::new(),
        audience: Audience::Group,
        opens_at: now - chrono::Duration::hours(1),
        closes_at: now + chrono::Duration::hours(24),
        anonymous: true,
        results: Visibility::During,
        questions: questions(),
    };
    let id = votum::surveys::store::create(
        conn,
        &survey,
        &votum::rights::SurveyCreatorOf::by_operator(top),
        owner,
        now,
    )
    .unwrap();
    let started = Instant::now();
    // N members reached by letter, as `issue_letters` records them: a
    // participant row each, and the codes' digests without members.
    let chosen: Vec<i64> = members::table
        .filter(members::status.eq("active"))
        .order(members::id)
        .select(members::id)
        .limit(i64::try_from(n).unwrap())
        .load(conn)
        .unwrap();
    let mut out = std::io::BufWriter::new(std::fs::File::create(codes_file).unwrap());
    let mut digests = Vec::with_capacity(chosen.len());
    for _ in &chosen {
        let code = Code::generate().unwrap();
        digests.push(votum::surveys::store::code_digest(&id, &code));
        writeln!(out, "{}", code.display()).unwrap();
    }
    digests.sort_unstable();
    conn.transaction(|conn| {
        for chunk in chosen.chunks(1000) {
            let rows: Vec<_> = chunk
                .iter()
                .map(|m| {
                    (
                        survey_participants::survey_id.eq(&id),
                        survey_participants::member_id.eq(*m),
                        survey_participants::channel
                            .eq(votum::surveys::store::Participation::Letter),
                    )
                })
                .collect();
            votum::insert_batch!(conn, survey_participants::table, &rows)?;
        }
        for chunk in digests.chunks(1000) {
            let rows: Vec<_> = chunk
                .iter()
                .map(|d| {
                    (
                        survey_codes::survey_id.eq(&id),
                        survey_codes::code_digest.eq(d),
                        survey_codes::member_id.eq(None::<i64>),
                        survey_codes::used.eq(false),
                    )
                })
                .collect();
            votum::insert_batch!(conn, survey_codes::table, &rows)?;
        }
        Ok::<_, votum::error::AppError>(())
    })
    .unwrap();
    eprintln!(
        "prepared {} codes in {:.1} s",
        chosen.len(),
        started.elapsed().as_secs_f64()
    );
    println!("{id}");
}
