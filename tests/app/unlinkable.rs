//! Nothing stored pairs a voter with their ballot or anonymous answer by
//! transaction or by write order: single voters sign in, show their portal
//! code, cast, and answer an anonymous survey one after another; then the
//! database is read as a forensic reader would read it.
//!
//! - SQLite: the raw `-wal` file, split into its transactions (frames up
//!   to a commit frame), each frame's page assigned to its table by walking
//!   the b-trees of the file as the WAL leaves it. No transaction may write
//!   both a member-identifying table and a table of secret rows, and the WAL
//!   may keep no frame of a secret table (its frame order would line casts
//!   up with sign-ins).
//! - PostgreSQL: `xmin` of every row about each voter against `xmin` of that
//!   voter's credential, ballot and answer (none may be shared); after
//!   closing, every credential and ballot row of the ballot carries one
//!   transaction id, so their order says nothing.

use std::collections::{BTreeSet, HashMap};

use diesel::prelude::*;
use diesel::sql_types::Text;
use rocket::http::Status;

use crate::lifecycle::{form, four_eyes, set_up};
use crate::support::{member, test_now, tracking_code, TestApp, PASSWORD};

/// Tables whose rows name a member (or an account).
const MEMBER_TABLES: &[&str] = &[
    "members",
    "accounts",
    "sessions",
    "audit_log",
    "electors",
    "officer_acts",
    "survey_participants",
];

/// Tables of secret rows: who cast or answered what.
const SECRET_TABLES: &[&str] = &["credentials", "box_entries", "survey_responses"];

/// What the test knows of one voter after the sequence.
struct Voter {
    member: i64,
    account: i64,
    code: String,
    tracking: String,
    answer: String,
}

/// Six more members of chapter A1, each with an account `voter-N`.
fn add_voters(app: &TestApp) -> Vec<(String, i64)> {
    let mut conn = app.conn();
    let rows: Vec<_> = (0..6)
        .map(|n| member(110 + n, &format!("10001{}", 10 + n), "Vera", "Wahl", 12))
        .collect();
    votum::members::import::insert_members(&mut conn, &rows).unwrap();
    let password = votum_crypto::SecretString::new(PASSWORD.into());
    rows.iter()
        .enumerate()
        .map(|(n, m)| {
            let login = format!("voter-{n}");
            votum::auth::create_account(
                &mut conn,
                &login,
                Some(m.id),
                &password,
                false,
                test_now(),
            )
            .unwrap();
            (login, m.id)
        })
        .collect()
}

fn account_of(app: &TestApp, login: &str) -> i64 {
    use votum::db::schema::accounts;
    accounts::table
        .filter(accounts::login.eq(login))
        .select(accounts::id)
        .first(&mut *app.conn())
        .unwrap()
}

fn ballot_and_survey(app: &TestApp) -> (String, String) {
    let org = app.with_org();
    app.with_officers(&org);
    let ballot = set_up(
        app,
        &[
            ("title", "Satzung"),
            ("group", "bund"),
            ("cutoff", "2026-11-01"),
            ("opens_date", "2026-11-23"),
            ("opens_time", "08:00"),
            ("closes_date", "2026-11-30"),
            ("closes_time", "18:00"),
            ("q0_text", "Soll die Satzung geändert werden?"),
            ("q0_kind", "yes_no"),
        ],
    );
    let survey = crate::surveys::create(
        app,
        &[
            ("anonymous", "on"),
            ("q0_text", "Gut?"),
            ("q0_kind", "yes_no"),
            ("q1_text", "Warum?"),
            ("q1_kind", "text"),
            ("q1_max_len", "200"),
        ],
    );
    (ballot, survey)
}

crate::both_backends!(
    no_transaction_or_write_order_pairs_a_voter_with_a_ballot_or_answer,
    |app: TestApp| {
        let (ballot, survey) = ballot_and_survey(&app);
        // Electors are frozen at opening: the voters exist before it.
        let added = add_voters(&app);
        four_eyes(&app, &ballot, "open");
        if app.backend == votum::db::Backend::Sqlite {
            // Only the voting sequence is in the WAL from here on.
            use diesel::connection::SimpleConnection;
            app.conn()
                .batch_execute("PRAGMA wal_checkpoint(TRUNCATE)")
                .unwrap();
        }
        let (voters, copies) = vote_one_by_one(&app, &ballot, &survey, added);
        match app.backend {
            votum::db::Backend::Sqlite => sqlite_checks(&app, &voters, &copies),
            votum::db::Backend::Postgres => postgres_checks(&app, &ballot, &survey, &voters),
        }
    }
);

/// A copy of the live database files (main file, `-wal` file), as a
/// file-level backup or snapshot would take them.
type Copy = (Vec<u8>, Vec<u8>);

fn copy_files(app: &TestApp) -> Option<Copy> {
    (app.backend == votum::db::Backend::Sqlite).then(|| {
        (
            std::fs::read(&app.url).unwrap(),
            std::fs::read(format!("{}-wal", app.url)).unwrap_or_default(),
        )
    })
}

/// One voter after another: sign in, look at the ballot, show the portal
/// code, cast; then answer the anonymous survey with a text of their own.
/// On SQLite the files are copied after every step.
fn vote_one_by_one(
    app: &TestApp,
    ballot: &str,
    survey: &str,
    added: Vec<(String, i64)>,
) -> (Vec<Voter>, Vec<Copy>) {
    let mut voters = Vec::new();
    let mut copies = Vec::new();
    for (n, (login, member)) in added.into_iter().enumerate() {
        app.clock.advance(chrono::Duration::minutes(7));
        assert_eq!(app.login(&login, PASSWORD), Status::SeeOther);
        copies.extend(copy_files(app));
        let page = format!("/vote/{ballot}");
        assert_eq!(app.get(&page).0, Status::Ok);
        let response = app.post_form(&page, &format!("/vote/{ballot}/portal-code"), &[]);
        assert_eq!(response.status(), Status::Ok);
        let code = tracking_code(&response.into_string().unwrap());
        copies.extend(copy_files(app));
        let (status, _, receipt) = form(
            app,
            &page,
            &format!("/vote/{ballot}/cast"),
            &[("code", &code), ("q0", "yes")],
        );
        assert_eq!(status, Status::Ok, "{receipt}");
        copies.extend(copy_files(app));
        let tracking = tracking_code(&receipt);
        let answer = format!(
            "antwort{n}x{}",
            votum_crypto::random_id().unwrap().unsigned_abs()
        );
        let (status, page) =
            crate::surveys::answer(app, survey, &[("q0", "yes"), ("q1", answer.as_str())]);
        assert_eq!(status, Status::Ok, "{page}");
        copies.extend(copy_files(app));
        voters.push(Voter {
            member,
            account: account_of(app, &login),
            code,
            tracking,
            answer,
        });
    }
    (voters, copies)
}

// ---------------------------------------------------------------- SQLite

fn be32(bytes: &[u8], at: usize) -> u32 {
    u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap())
}

fn be16(bytes: &[u8], at: usize) -> usize {
    usize::from(u16::from_be_bytes(bytes[at..at + 2].try_into().unwrap()))
}

/// One WAL frame: its page number, whether it ends a transaction, and the
/// page image.
struct Frame {
    page: u32,
    commit: bool,
    image: Vec<u8>,
}

/// Every frame of a `-wal` file, as a reader of the raw file sees them.
fn wal_frames(wal: &[u8]) -> Vec<Frame> {
    if wal.len() < 32 {
        return Vec::new();
    }
    let page_size = be32(wal, 8) as usize;
    let mut frames = Vec::new();
    let mut at = 32;
    while at + 24 + page_size <= wal.len() {
        frames.push(Frame {
            page: be32(wal, at),
            commit: be32(wal, at + 4) != 0,
            image: wal[at + 24..at + 24 + page_size].to_vec(),
        });
        at += 24 + page_size;
    }
    frames
}

/// Which table every b-tree page belongs to, walking from each root in the
/// page images the WAL leaves (the newest image of each page).
fn page_owners(main: &[u8], frames: &[Frame], roots: &[(String, i32)]) -> HashMap<u32, String> {
    let page_size = match be16(main, 16) {
        1 => 65536,
        n => n,
    };
    let mut images: HashMap<u32, &[u8]> = main
        .chunks(page_size)
        .enumerate()
        .map(|(n, page)| (n as u32 + 1, page))
        .collect();
    for frame in frames {
        images.insert(frame.page, &frame.image);
    }
    let mut owners = HashMap::new();
    for (table, root) in roots {
        let mut todo = vec![*root as u32];
        while let Some(page) = todo.pop() {
            if owners.insert(page, table.clone()).is_some() {
                continue;
            }
            let Some(image) = images.get(&page) else {
                continue;
            };
            let header = if page == 1 { 100 } else { 0 };
            let kind = image[header];
            if kind == 0x02 || kind == 0x05 {
                let cells = be16(image, header + 3);
                for cell in 0..cells {
                    let pointer = be16(image, header + 12 + 2 * cell);
                    todo.push(be32(image, pointer));
                }
                todo.push(be32(image, header + 8));
            }
        }
    }
    owners
}

fn sqlite_checks(app: &TestApp, voters: &[Voter], copies: &[Copy]) {
    assert_eq!(voters.len(), 6);
    #[derive(QueryableByName)]
    struct Root {
        #[diesel(sql_type = Text)]
        tbl_name: String,
        #[diesel(sql_type = diesel::sql_types::Integer)]
        rootpage: i32,
    }
    let roots: Vec<(String, i32)> =
        diesel::sql_query("SELECT tbl_name, rootpage FROM sqlite_master WHERE rootpage > 0")
            .load::<Root>(&mut *app.conn())
            .unwrap()
            .into_iter()
            .map(|r| (r.tbl_name, r.rootpage))
            .collect();
    let mut transactions_seen = 0;
    for (step, (main, wal)) in copies.iter().enumerate() {
        let frames = wal_frames(wal);
        let owners = page_owners(main, &frames, &roots);
        let mut transaction: BTreeSet<String> = BTreeSet::new();
        let mut secret_frames = 0;
        for frame in &frames {
            let table = owners
                .get(&frame.page)
                .cloned()
                .unwrap_or_else(|| "?".into());
            if SECRET_TABLES.contains(&table.as_str()) {
                secret_frames += 1;
            }
            transaction.insert(table);
            if frame.commit {
                transactions_seen += 1;
                let member = transaction
                    .iter()
                    .any(|t| MEMBER_TABLES.contains(&t.as_str()));
                let secret = transaction
                    .iter()
                    .any(|t| SECRET_TABLES.contains(&t.as_str()));
                assert!(
                    !(member && secret),
                    "copy {step}: one transaction in the WAL writes member rows and secret rows: {transaction:?}"
                );
                transaction.clear();
            }
        }
        assert_eq!(
            secret_frames,
            0,
            "copy {step}: the WAL keeps frames of secret writes in order with sign-ins ({} frames)",
            frames.len()
        );
    }
    // The sign-ins are in the copies: the check above read real transactions.
    assert!(transactions_seen >= voters.len(), "{transactions_seen}");
}

// ------------------------------------------------------------ PostgreSQL

#[derive(QueryableByName)]
struct Xmin {
    #[diesel(sql_type = Text)]
    x: String,
}

fn xmins(app: &TestApp, sql: &str, binds: &[&str]) -> BTreeSet<String> {
    let mut query = diesel::sql_query(sql).into_boxed::<diesel::pg::Pg>();
    for bind in binds {
        query = query.bind::<Text, _>(bind.to_string());
    }
    let mut conn = app.conn();
    let votum::db::DbConn::Postgres(pg) = &mut *conn else {
        unreachable!()
    };
    query
        .load::<Xmin>(pg)
        .unwrap()
        .into_iter()
        .map(|x| x.x)
        .collect()
}

fn postgres_checks(app: &TestApp, ballot: &str, survey: &str, voters: &[Voter]) {
    for voter in voters {
        let member = voter.member.to_string();
        let account = voter.account.to_string();
        let mut about_member = BTreeSet::new();
        for (sql, binds) in [
            (
                "SELECT xmin::text AS x FROM sessions WHERE account_id = $1::bigint",
                vec![account.as_str()],
            ),
            (
                "SELECT xmin::text AS x FROM audit_log WHERE member_id = $1::bigint OR actor_account_id = $2::bigint",
                vec![member.as_str(), account.as_str()],
            ),
            (
                "SELECT xmin::text AS x FROM electors WHERE ballot_id = $1 AND member_id = $2::bigint",
                vec![ballot, member.as_str()],
            ),
            (
                "SELECT xmin::text AS x FROM survey_participants WHERE survey_id = $1 AND member_id = $2::bigint",
                vec![survey, member.as_str()],
            ),
        ] {
            about_member.extend(xmins(app, sql, &binds));
        }
        assert!(!about_member.is_empty());
        let code = votum_crypto::Code::parse(&voter.code).unwrap();
        let public = votum_crypto::CredentialKey::derive_v2(&code, ballot)
            .public()
            .to_base64();
        let mut secret = BTreeSet::new();
        for (sql, binds) in [
            (
                "SELECT xmin::text AS x FROM credentials WHERE ballot_id = $1 AND public_key = $2",
                vec![ballot, public.as_str()],
            ),
            (
                "SELECT xmin::text AS x FROM box_entries WHERE ballot_id = $1 AND hash = $2",
                vec![ballot, voter.tracking.as_str()],
            ),
            (
                "SELECT xmin::text AS x FROM survey_responses WHERE survey_id = $1 AND answers LIKE '%' || $2 || '%'",
                vec![survey, voter.answer.as_str()],
            ),
        ] {
            let found = xmins(app, sql, &binds);
            assert_eq!(found.len(), 1, "{sql}");
            secret.extend(found);
        }
        let shared: Vec<_> = about_member.intersection(&secret).collect();
        assert!(
            shared.is_empty(),
            "member {} and their secret rows share transactions {shared:?}",
            voter.member
        );
    }
    // After closing, the order of transactions says nothing about the
    // ballot box or the credentials.
    four_eyes(app, ballot, "close");
    for table in ["credentials", "box_entries"] {
        let found = xmins(
            app,
            &format!("SELECT DISTINCT xmin::text AS x FROM {table} WHERE ballot_id = $1"),
            &[ballot],
        );
        assert_eq!(found.len(), 1, "{table}: {found:?}");
    }
}
