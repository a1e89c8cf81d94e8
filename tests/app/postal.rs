//! Postal votes: a credential counts once, by post or online, whichever
//! came first; the other is refused or kept void.

use std::sync::{Arc, Barrier};

use diesel::prelude::*;
use rocket::http::Status;
use votum::ballots::ballot_box::{cast, Refusal};
use votum::ballots::postal::{register, Registered, SlipRefusal};
use votum::db::schema::{credentials, postal_votes};
use votum::db::Db;
use votum_ballots::{Choice, YesNoVote};

use crate::ballot_box::{open_ballot, signed};
use crate::support::{test_now, TestApp, PASSWORD};

fn yes() -> Vec<Choice> {
    vec![Choice::YesNo(YesNoVote::Yes)]
}

crate::both_backends!(
    post_first_then_online_is_refused_and_the_reverse_is_void,
    |app: TestApp| {
        let ballot = open_ballot(&app, 3, false);
        let mut conn = app.conn();
        // Post first: counted; the same slip again and the online cast refused.
        assert_eq!(
            register(&mut conn, &ballot.id, &ballot.codes[0], &yes()).unwrap(),
            Ok(Registered::Counted)
        );
        assert_eq!(
            register(&mut conn, &ballot.id, &ballot.codes[0], &yes()).unwrap(),
            Err(SlipRefusal::AlreadyRegistered)
        );
        let online = signed(&ballot.id, &ballot.keys[0], &yes());
        assert_eq!(
            cast(&mut conn, &ballot.sealing, test_now(), &online).unwrap(),
            Err(Refusal::UsedByPost)
        );
        // Online first: the slip is kept void and unopened.
        let online = signed(&ballot.id, &ballot.keys[1], &yes());
        cast(&mut conn, &ballot.sealing, test_now(), &online)
            .unwrap()
            .unwrap();
        assert_eq!(
            register(&mut conn, &ballot.id, &ballot.codes[1], &yes()).unwrap(),
            Ok(Registered::VoidUsedOnline)
        );
        let (choices, status): (String, String) = postal_votes::table
            .find((&ballot.id, ballot.keys[1].public().to_base64()))
            .select((postal_votes::choices, postal_votes::status))
            .first(&mut *conn)
            .unwrap();
        assert_eq!(
            (choices.as_str(), status.as_str()),
            ("[]", "void_used_online")
        );
        let used: String = credentials::table
            .find((&ballot.id, ballot.keys[1].public().to_base64()))
            .select(credentials::used)
            .first(&mut *conn)
            .unwrap();
        assert_eq!(used, "online");
        // A code of another ballot.
        let stranger = votum_crypto::credential::Code::generate().unwrap();
        assert_eq!(
            register(&mut conn, &ballot.id, &stranger, &yes()).unwrap(),
            Err(SlipRefusal::UnknownCode)
        );
    }
);

crate::both_backends!(online_and_postal_racing_count_once, |app: TestApp| {
    let ballot = open_ballot(&app, 20, false);
    let db = Db::open(&app.url, 8).unwrap();
    // For each credential, one thread casts online and another registers
    // the slip at the same moment: exactly one of the two counts.
    let barrier = Arc::new(Barrier::new(8));
    let work: Vec<(usize, bool)> = (0..20).flat_map(|n| [(n, true), (n, false)]).collect();
    let work = Arc::new(std::sync::Mutex::new(work));
    let ballot = Arc::new(ballot);
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let (db, barrier, work, ballot) =
                (db.clone(), barrier.clone(), work.clone(), ballot.clone());
            std::thread::spawn(move || {
                let mut conn = db.get().unwrap();
                barrier.wait();
                let mut counted = Vec::new();
                loop {
                    let next = work.lock().unwrap().pop();
                    let Some((n, online)) = next else { break };
                    let ok = if online {
                        let vote = signed(&ballot.id, &ballot.keys[n], &yes());
                        cast(&mut conn, &ballot.sealing, test_now(), &vote)
                            .unwrap()
                            .is_ok()
                    } else {
                        register(&mut conn, &ballot.id, &ballot.codes[n], &yes()).unwrap()
                            == Ok(Registered::Counted)
                    };
                    if ok {
                        counted.push(n);
                    }
                }
                counted
            })
        })
        .collect();
    let mut counted: Vec<usize> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    counted.sort_unstable();
    assert_eq!(
        counted,
        (0..20).collect::<Vec<_>>(),
        "each credential counts exactly once"
    );
});

crate::both_backends!(officer_registers_slips_on_the_page, |app: TestApp| {
    let ballot = open_ballot(&app, 2, false);
    app.with_officers(&ballot.org);
    assert_eq!(app.login("officer-1", PASSWORD), Status::SeeOther);
    let page = format!("/ballots/{}/postal", ballot.id);
    let code = ballot.codes[0].display();
    let response = app.post_form(&page, &page, &[("code", &code), ("q0", "no")]);
    assert_eq!(response.status(), Status::Ok);
    let body = response.into_string().unwrap();
    assert!(body.contains("Der Brief ist erfasst und zählt"), "{body}");
    assert!(body.contains("Erfasst: 1 gültige Briefe"));
    let response = app.post_form(&page, &page, &[("code", &code), ("q0", "no")]);
    assert_eq!(response.status(), Status::UnprocessableEntity);
    assert!(response.into_string().unwrap().contains("bereits erfasst"));
    let response = app.post_form(&page, &page, &[("code", "nonsense"), ("q0", "no")]);
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let response = app.post_form(&page, &page, &[("code", &ballot.codes[1].display())]);
    assert_eq!(response.status(), Status::UnprocessableEntity);
    assert!(response
        .into_string()
        .unwrap()
        .contains("Bitte wählen Sie eine Antwort"));
    app.logout();
    assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
    assert_eq!(app.get(&page).0, Status::Forbidden);
});

crate::both_backends!(
    postal_votes_are_stored_by_key_not_registration_order,
    |app: TestApp| {
        let ballot = open_ballot(&app, 8, false);
        let mut conn = app.conn();
        // Register the slips in the reverse order of their credentials.
        let mut slips: Vec<(String, usize)> = ballot
            .keys
            .iter()
            .enumerate()
            .map(|(n, key)| (key.public().to_base64(), n))
            .collect();
        slips.sort();
        slips.reverse();
        for (_, n) in &slips {
            assert_eq!(
                register(&mut conn, &ballot.id, &ballot.codes[*n], &yes()).unwrap(),
                Ok(Registered::Counted)
            );
        }
        let mut by_key: Vec<String> = slips.into_iter().map(|(key, _)| key).collect();
        by_key.sort();
        #[derive(QueryableByName)]
        struct Row {
            #[diesel(sql_type = diesel::sql_types::Text)]
            credential: String,
        }
        // The order a reader of the table (or the file) sees: SQLite's storage
        // order; on PostgreSQL the heap order after closing's rewrite.
        let sql = match app.backend {
            votum::db::Backend::Sqlite => {
                "SELECT credential FROM postal_votes WHERE ballot_id = $1"
            }
            votum::db::Backend::Postgres => {
                votum::ballots::setup::rewrite_credentials(&mut conn, &ballot.id).unwrap();
                "SELECT credential FROM postal_votes WHERE ballot_id = $1 ORDER BY ctid"
            }
        };
        let stored: Vec<String> = diesel::sql_query(sql)
            .bind::<diesel::sql_types::Text, _>(&ballot.id)
            .load::<Row>(&mut *conn)
            .unwrap()
            .into_iter()
            .map(|r| r.credential)
            .collect();
        assert_eq!(
            stored, by_key,
            "stored in key order, not registration order"
        );
    }
);
