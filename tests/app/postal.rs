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
        let [officer, _] = app.with_officers(&ballot.org);
        let mut conn = app.conn();
        // Post first: counted; the same slip again and the online cast refused.
        assert_eq!(
            register(
                &mut conn,
                &ballot.id,
                &ballot.codes[0],
                &yes(),
                officer,
                test_now()
            )
            .unwrap(),
            Ok(Registered::Counted)
        );
        assert_eq!(
            register(
                &mut conn,
                &ballot.id,
                &ballot.codes[0],
                &yes(),
                officer,
                test_now()
            )
            .unwrap(),
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
            register(
                &mut conn,
                &ballot.id,
                &ballot.codes[1],
                &yes(),
                officer,
                test_now()
            )
            .unwrap(),
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
            register(
                &mut conn,
                &ballot.id,
                &stranger,
                &yes(),
                officer,
                test_now()
            )
            .unwrap(),
            Err(SlipRefusal::UnknownCode)
        );
    }
);

crate::both_backends!(online_and_postal_racing_count_once, |app: TestApp| {
    let ballot = open_ballot(&app, 20, false);
    let [officer, _] = app.with_officers(&ballot.org);
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
                        register(
                            &mut conn,
                            &ballot.id,
                            &ballot.codes[n],
                            &yes(),
                            officer,
                            test_now(),
                        )
                        .unwrap()
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
    assert!(body.contains("Erfasst: 1 gültiger Brief,"), "{body}");
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
    // A slip whose code voted online is voided from the code alone.
    {
        let online = signed(&ballot.id, &ballot.keys[1], &yes());
        cast(&mut app.conn(), &ballot.sealing, test_now(), &online)
            .unwrap()
            .unwrap();
    }
    let response = app.post_form(&page, &page, &[("code", &ballot.codes[1].display())]);
    assert_eq!(response.status(), Status::Ok);
    let body = response.into_string().unwrap();
    assert!(body.contains("bereits online abgestimmt"), "{body}");
    assert!(
        body.contains("Erfasst: 1 gültiger Brief, 1 ungültig"),
        "{body}"
    );
    app.logout();
    assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
    assert_eq!(app.get(&page).0, Status::Forbidden);
});

crate::both_backends!(
    postal_votes_are_stored_by_key_not_registration_order,
    |app: TestApp| {
        let ballot = open_ballot(&app, 8, false);
        let [officer, _] = app.with_officers(&ballot.org);
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
                register(
                    &mut conn,
                    &ballot.id,
                    &ballot.codes[*n],
                    &yes(),
                    officer,
                    test_now()
                )
                .unwrap(),
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

/// A member's portal code for `ballot`, without voting.
pub(crate) fn portal_code(app: &TestApp, login: &str, ballot: &str) -> String {
    assert_eq!(app.login(login, PASSWORD), Status::SeeOther);
    let page = format!("/vote/{ballot}");
    let response = app.post_form(&page, &format!("/vote/{ballot}/portal-code"), &[]);
    assert_eq!(response.status(), Status::Ok);
    let code = crate::support::tracking_code(&response.into_string().unwrap());
    app.logout();
    code
}

/// Officer 1 requests `act`, officer 2 confirms it; returns the manage
/// page officer 2 sees afterwards.
fn request_and_confirm(app: &TestApp, ballot: &str, act: &str) -> String {
    let manage = format!("/ballots/{ballot}/manage");
    assert_eq!(app.login("officer-1", PASSWORD), Status::SeeOther);
    app.post_form(
        &manage,
        &format!("/ballots/{ballot}/request"),
        &[("act", act), ("early", "yes")],
    );
    app.logout();
    let id = app.pending_act(ballot);
    assert_eq!(app.login("officer-2", PASSWORD), Status::SeeOther);
    app.post_form(
        &manage,
        &format!("/ballots/{ballot}/confirm/{id}"),
        &[("early", "yes")],
    );
    let (_, page) = app.get(&manage);
    app.logout();
    page
}

fn status_of(app: &TestApp, ballot: &str) -> String {
    use votum::db::schema::ballots;
    ballots::table
        .find(ballot)
        .select(ballots::status)
        .first(&mut *app.conn())
        .unwrap()
}

crate::both_backends!(
    postal_rows_inserted_between_close_and_tally_are_refused,
    |app: TestApp| {
        use crate::lifecycle::{confirm_postal_batch, four_eyes, set_up, vote};
        let org = app.with_org();
        app.with_officers(&org);
        let fields = [
            ("title", "Entscheid"),
            ("description", ""),
            ("group", "bund"),
            ("cutoff", "2026-11-01"),
            ("opens_date", "2026-11-23"),
            ("opens_time", "08:00"),
            ("closes_date", "2026-11-30"),
            ("closes_time", "18:00"),
            ("q0_text", "Ja oder nein?"),
            ("q0_kind", "yes_no"),
        ];
        let ballot = set_up(&app, &fields);
        four_eyes(&app, &ballot, "open");
        vote(&app, "member-a1", &ballot, &[("q0", "no")]);
        vote(&app, "chair-a1", &ballot, &[("q0", "no")]);
        // One honest postal vote (member-a2's code on a slip), confirmed.
        let slip = portal_code(&app, "member-b1", &ballot);
        assert_eq!(app.login("officer-1", PASSWORD), Status::SeeOther);
        let postal = format!("/ballots/{ballot}/postal");
        let response = app.post_form(&postal, &postal, &[("code", &slip), ("q0", "no")]);
        assert_eq!(response.status(), Status::Ok);
        app.logout();
        confirm_postal_batch(&app, &ballot);
        four_eyes(&app, &ballot, "close");

        // The attack: rows written straight into postal_votes for
        // credentials that never voted, in the confirmed batch, with a
        // made-up signature (the attacker has no codes).
        let batch: i64 = postal_votes::table
            .filter(postal_votes::ballot_id.eq(&ballot))
            .select(postal_votes::batch.assume_not_null())
            .first(&mut *app.conn())
            .unwrap();
        let unused: Vec<String> = credentials::table
            .filter(credentials::ballot_id.eq(&ballot))
            .filter(credentials::used.eq("no"))
            .select(credentials::public_key)
            .load(&mut *app.conn())
            .unwrap();
        assert!(!unused.is_empty());
        for credential in &unused {
            diesel::insert_into(postal_votes::table)
                .values((
                    postal_votes::ballot_id.eq(&ballot),
                    postal_votes::credential.eq(credential),
                    postal_votes::choices.eq(r#"[{"kind":"yes_no","value":"yes"}]"#),
                    postal_votes::status.eq("counted"),
                    postal_votes::batch.eq(Some(batch)),
                    postal_votes::signature.eq(Some("A".repeat(86))),
                ))
                .execute(&mut *app.conn())
                .unwrap();
        }
        // The server does not count them: the tally is refused, nothing
        // is stored.
        let page = request_and_confirm(&app, &ballot, "tally");
        assert!(page.contains("lassen sich nicht prüfen"), "{page}");
        assert_eq!(status_of(&app, &ballot), "closed");

        // An operator who publishes them anyway, signing with the box key:
        // the record the server would build over the stored rows.
        let record = {
            let mut conn = app.conn();
            let seed =
                votum::ballots::record::opened_lot_seed(&mut conn, &app.sealing, &ballot).unwrap();
            let mut record =
                votum::ballots::record::build_v2(&mut conn, &ballot, seed, None).unwrap();
            let sealed: String = votum::db::schema::ballots::table
                .find(&ballot)
                .select(votum::db::schema::ballots::box_key_sealed)
                .first(&mut *conn)
                .unwrap();
            let key = votum_crypto::BoxKey::from_seed_bytes(
                &app.sealing
                    .open(&sealed, &votum::ballots::setup::box_key_context(&ballot))
                    .unwrap(),
            )
            .unwrap();
            record.sign(&key);
            record
        };
        assert_eq!(record.postal.len(), unused.len() + 1);
        let error = votum_ballots::record::v2::verify(&record).unwrap_err();
        assert!(
            matches!(error, votum_ballots::RecordError::PostalSignature { .. }),
            "{error}"
        );
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("record.json");
        std::fs::write(&file, record.to_json()).unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_votum"))
            .args(["verify", file.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("not signed by its credential"));

        // Rows outside any confirmed batch are not counted at all: with
        // the forged rows moved out of the batch, the count and the record
        // hold only the honest votes, and the record verifies.
        diesel::update(
            postal_votes::table
                .filter(postal_votes::ballot_id.eq(&ballot))
                .filter(postal_votes::credential.eq_any(&unused)),
        )
        .set(postal_votes::batch.eq(None::<i64>))
        .execute(&mut *app.conn())
        .unwrap();
        four_eyes(&app, &ballot, "tally");
        four_eyes(&app, &ballot, "publish");
        let (status, published) = app.get(&format!("/ballots/{ballot}/record.json"));
        assert_eq!(status, Status::Ok);
        let published = votum_ballots::record::v2::Record::from_json(published.as_bytes()).unwrap();
        let verified = votum_ballots::record::v2::verify(&published).unwrap();
        assert_eq!(verified.counted_postal, 1);
        assert_eq!(published.postal.len(), 1);
        let Some(votum_ballots::Outcome::YesNo(result)) =
            verified.results.first().map(|r| r.outcome.clone())
        else {
            panic!("not a yes/no result");
        };
        assert_eq!((result.yes, result.no), (0, 3));
    }
);

crate::both_backends!(
    a_postal_batch_needs_a_second_officer_and_discarding_frees_its_slips,
    |app: TestApp| {
        use votum::ballots::officer::{confirm_act, ActRefusal};
        use votum::ballots::postal::{discard, open_batch};
        let ballot = open_ballot(&app, 3, false);
        let [first, second] = app.with_officers(&ballot.org);
        let mut conn = app.conn();
        assert_eq!(
            register(
                &mut conn,
                &ballot.id,
                &ballot.codes[0],
                &yes(),
                first,
                test_now()
            )
            .unwrap(),
            Ok(Registered::Counted)
        );
        let (batch, by) = open_batch(&mut conn, &ballot.id).unwrap().unwrap();
        assert_eq!(by, first);
        // The second officer cannot add slips to the first one's batch,
        // and the first cannot confirm it.
        assert_eq!(
            register(
                &mut conn,
                &ballot.id,
                &ballot.codes[1],
                &yes(),
                second,
                test_now()
            )
            .unwrap(),
            Err(SlipRefusal::BatchOfAnother)
        );
        assert_eq!(
            confirm_act(
                &mut conn,
                &ballot.sealing,
                &ballot.id,
                batch,
                first,
                test_now()
            )
            .unwrap(),
            Err(ActRefusal::SameOfficer)
        );
        // Discarded: the slip is gone and its code can be entered again.
        assert!(discard(&mut conn, &ballot.id, batch, second, test_now()).unwrap());
        let left: i64 = postal_votes::table
            .filter(postal_votes::ballot_id.eq(&ballot.id))
            .count()
            .get_result(&mut *conn)
            .unwrap();
        assert_eq!(left, 0);
        assert_eq!(
            register(
                &mut conn,
                &ballot.id,
                &ballot.codes[0],
                &yes(),
                second,
                test_now()
            )
            .unwrap(),
            Ok(Registered::Counted)
        );
        let (batch, _) = open_batch(&mut conn, &ballot.id).unwrap().unwrap();
        // A pending batch holds up the count.
        votum::ballots::setup::set_status(
            &mut conn,
            &ballot.id,
            votum::ballots::lifecycle::BallotStatus::Closed,
        )
        .unwrap();
        let tally = votum::ballots::officer::request_act(
            &mut conn,
            &ballot.id,
            votum::ballots::lifecycle::Act::Tally,
            first,
            test_now(),
        )
        .unwrap();
        assert_eq!(
            confirm_act(
                &mut conn,
                &ballot.sealing,
                &ballot.id,
                tally,
                second,
                test_now()
            )
            .unwrap(),
            Err(ActRefusal::BatchPending)
        );
        // Confirmed by the other officer, the batch counts.
        confirm_act(
            &mut conn,
            &ballot.sealing,
            &ballot.id,
            batch,
            first,
            test_now(),
        )
        .unwrap()
        .unwrap();
        assert!(open_batch(&mut conn, &ballot.id).unwrap().is_none());
        assert_eq!(
            votum::ballots::record::confirmed_batches(&mut conn, &ballot.id).unwrap(),
            [batch]
        );
        // Every entry is signed by the slip's credential (record version 2).
        let signature: Option<String> = postal_votes::table
            .filter(postal_votes::ballot_id.eq(&ballot.id))
            .select(postal_votes::signature)
            .first(&mut *conn)
            .unwrap();
        let signature = votum_crypto::Signature::from_base64(&signature.unwrap()).unwrap();
        let message = votum_ballots::record::v2::postal_message(
            &crate::ballot_box::fingerprint(&ballot.id),
            &ballot.keys[0].public(),
            &yes(),
        );
        assert!(ballot.keys[0].public().verify(&message, &signature));
    }
);
