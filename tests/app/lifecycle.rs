//! A ballot from set-up to a verified election record, through the pages
//! and `votum verify`; and the tables afterwards hold nothing that links a
//! ballot to a member.

use rocket::http::Status;

use crate::support::{TestApp, PASSWORD};

pub(crate) fn form(
    app: &TestApp,
    page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> (Status, Option<String>, String) {
    let response = app.post_form(page, action, fields);
    let status = response.status();
    let location = response.headers().get_one("Location").map(String::from);
    (status, location, response.into_string().unwrap_or_default())
}

/// Officer 1 requests `act`, officer 2 confirms it.
pub(crate) fn four_eyes(app: &TestApp, ballot: &str, act: &str) {
    let manage = format!("/ballots/{ballot}/manage");
    assert_eq!(app.login("officer-1", PASSWORD), Status::SeeOther);
    form(
        app,
        &manage,
        &format!("/ballots/{ballot}/request"),
        // Tests close before the announced end, acknowledged.
        &[("act", act), ("early", "yes")],
    );
    app.logout();
    let id = app.pending_act(ballot);
    assert_eq!(app.login("officer-2", PASSWORD), Status::SeeOther);
    form(
        app,
        &manage,
        &format!("/ballots/{ballot}/confirm/{id}"),
        &[("early", "yes")],
    );
    let (_, page) = app.get(&manage);
    assert!(page.contains("Der Schritt ist bestätigt"), "{act}: {page}");
    app.logout();
}

/// Officer 2 confirms the postal batch officer 1 entered (the only
/// pending act of the ballot).
pub(crate) fn confirm_postal_batch(app: &TestApp, ballot: &str) {
    let postal = format!("/ballots/{ballot}/postal");
    let batch = app.pending_act(ballot);
    assert_eq!(app.login("officer-2", PASSWORD), Status::SeeOther);
    let (status, _, _) = form(
        app,
        &postal,
        &format!("/ballots/{ballot}/postal/batches/{batch}/confirm"),
        &[],
    );
    assert_eq!(status, Status::SeeOther);
    let (_, page) = app.get(&postal);
    assert!(page.contains("Der Stapel ist bestätigt"), "{page}");
    app.logout();
}

/// Officer 1 sets up a ballot through the form; returns its id.
pub(crate) fn set_up(app: &TestApp, fields: &[(&str, &str)]) -> String {
    assert_eq!(app.login("officer-1", PASSWORD), Status::SeeOther);
    let (status, location, page) = form(app, "/ballots/new", "/ballots/new", fields);
    assert_eq!(status, Status::SeeOther, "{page}");
    app.logout();
    let id = location
        .unwrap()
        .trim_start_matches("/ballots/")
        .trim_end_matches("/manage")
        .to_owned();
    // These tests follow the signed protocol (plaintext count), as a
    // ballot created before protocol "encrypted".
    votum::ballots::protocol::keep_signed(&mut app.conn(), &id).unwrap();
    id
}

/// Like [`vote`], and hands the receipt page to `check`.
pub(crate) fn vote_and_read_receipt(
    app: &TestApp,
    login: &str,
    ballot: &str,
    answers: &[(&str, &str)],
    check: impl FnOnce(&str),
) -> String {
    assert_eq!(app.login(login, PASSWORD), Status::SeeOther);
    let page = format!("/vote/{ballot}");
    let response = app.post_form(&page, &format!("/vote/{ballot}/portal-code"), &[]);
    assert_eq!(response.status(), Status::Ok);
    let body = response.into_string().unwrap();
    let code = crate::support::tracking_code(&body);
    let mut fields = vec![("code", code.as_str())];
    fields.extend_from_slice(answers);
    let (status, _, review) = form(app, &page, &format!("/vote/{ballot}/review"), &fields);
    assert_eq!(status, Status::Ok, "{review}");
    let (status, _, receipt) = form(app, &page, &format!("/vote/{ballot}/cast"), &fields);
    assert_eq!(status, Status::Ok, "{receipt}");
    check(&receipt);
    app.logout();
    code
}

/// A member makes a portal code and casts `choice` on question 0 and the
/// given marks on question 1.
pub(crate) fn vote(app: &TestApp, login: &str, ballot: &str, answers: &[(&str, &str)]) -> String {
    assert_eq!(app.login(login, PASSWORD), Status::SeeOther);
    let page = format!("/vote/{ballot}");
    let response = app.post_form(&page, &format!("/vote/{ballot}/portal-code"), &[]);
    assert_eq!(response.status(), Status::Ok);
    let body = response.into_string().unwrap();
    let code = crate::support::tracking_code(&body);
    let mut fields = vec![("code", code.as_str())];
    fields.extend_from_slice(answers);
    let (status, _, receipt) = form(app, &page, &format!("/vote/{ballot}/cast"), &fields);
    assert_eq!(status, Status::Ok, "{receipt}");
    app.logout();
    code
}

fn votum(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_votum"))
        .args(args)
        .output()
        .unwrap()
}

crate::both_backends!(full_lifecycle_to_a_verified_record, |app: TestApp| {
    let org = app.with_org();
    app.with_officers(&org);
    let fields = [
        ("title", "Mitgliederentscheid 2026"),
        ("description", "Satzung und Beisitz"),
        ("group", "bund"),
        ("cutoff", "2026-11-01"),
        ("opens_date", "2026-11-23"),
        ("opens_time", "08:00"),
        ("closes_date", "2026-11-30"),
        ("closes_time", "18:00"),
        ("revote", "on"),
        ("q0_text", "Soll die Satzung geändert werden?"),
        ("q0_kind", "yes_no"),
        ("q0_quorum", "20"),
        ("q0_majority", "two_thirds"),
        ("q1_text", "Beisitz"),
        ("q1_kind", "approval"),
        ("q1_options", "Anna\nBen\nCem"),
        ("q1_max", "2"),
    ];
    let ballot = set_up(&app, &fields);
    four_eyes(&app, &ballot, "open");

    let chair_code = vote(
        &app,
        "chair-a1",
        &ballot,
        &[("q0", "yes"), ("q1", "1"), ("q1", "2")],
    );
    vote(&app, "member-a1", &ballot, &[("q0", "yes"), ("q1", "1")]);
    let b1_code = vote(&app, "member-b1", &ballot, &[("q0", "no"), ("q1", "3")]);
    // member-b1 also sends a postal slip: void, the code was used online.
    assert_eq!(app.login("officer-1", PASSWORD), Status::SeeOther);
    let postal = format!("/ballots/{ballot}/postal");
    let (status, _, body) = form(&app, &postal, &postal, &[("code", &b1_code), ("q0", "yes")]);
    assert_eq!(status, Status::Ok);
    assert!(body.contains("bereits online abgestimmt"));
    app.logout();
    confirm_postal_batch(&app, &ballot);
    // The chair votes again (re-voting allowed): the last ballot counts.
    assert_eq!(app.login("chair-a1", PASSWORD), Status::SeeOther);
    let (status, _, _) = form(
        &app,
        &format!("/vote/{ballot}"),
        &format!("/vote/{ballot}/cast"),
        &[("code", &chair_code), ("q0", "no"), ("q1", "3")],
    );
    assert_eq!(status, Status::Ok);
    app.logout();

    four_eyes(&app, &ballot, "close");
    four_eyes(&app, &ballot, "tally");
    four_eyes(&app, &ballot, "publish");

    // The result: 1 yes, 2 no of 3; two thirds not reached.
    assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
    let (status, page) = app.get(&format!("/ballots/{ballot}/result"));
    assert_eq!(status, Status::Ok);
    assert!(page.contains("Abgelehnt"), "{page}");
    assert!(
        page.contains("<th scope=\"row\">Cem</th><td>2</td>"),
        "{page}"
    );
    let (status, record) = app.get(&format!("/ballots/{ballot}/record.json"));
    assert_eq!(status, Status::Ok);

    let parsed = votum_ballots::record::v2::Record::from_json(record.as_bytes()).unwrap();
    let verified = votum_ballots::record::v2::verify(&parsed).unwrap();
    assert_eq!(verified.ballots_in_chain, 4);
    assert_eq!(verified.counted_online, 3);
    assert_eq!(verified.superseded_online, 1);
    assert_eq!(verified.void_postal, 1);

    // The command line agrees, and any changed byte makes it fail.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("record.json");
    std::fs::write(&file, &record).unwrap();
    let out = votum(&["verify", file.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("the record verifies"));
    let mut bytes = record.into_bytes();
    for position in [10, bytes.len() / 3, bytes.len() / 2, bytes.len() - 5] {
        let mut flipped = bytes.clone();
        flipped[position] ^= 0x01;
        std::fs::write(&file, &flipped).unwrap();
        let out = votum(&["verify", file.to_str().unwrap()]);
        assert!(!out.status.success(), "flip at {position} went unnoticed");
        assert!(String::from_utf8_lossy(&out.stderr).contains("does NOT verify"));
    }
    bytes.truncate(bytes.len() / 2);
    std::fs::write(&file, &bytes).unwrap();
    assert!(!votum(&["verify", file.to_str().unwrap()]).status.success());
});

crate::both_backends!(no_table_links_a_ballot_to_a_member, |app: TestApp| {
    use diesel::prelude::*;
    use diesel::sql_types::Text;
    #[derive(QueryableByName)]
    struct Column {
        #[diesel(sql_type = Text)]
        name: String,
    }
    let columns = |table: &str| -> Vec<String> {
        let sql = match app.backend {
            votum::db::Backend::Sqlite => format!("SELECT name FROM pragma_table_info('{table}')"),
            votum::db::Backend::Postgres => format!(
                "SELECT column_name::text AS name FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name = '{table}'"
            ),
        };
        diesel::sql_query(sql)
            .load::<Column>(&mut *app.conn())
            .unwrap()
            .into_iter()
            .map(|c| c.name)
            .collect()
    };
    // The tables a ballot lives in: no member, account, time or sequence
    // column; order comes only from the chain position, which is public.
    for table in ["credentials", "box_entries", "ballot_boxes", "postal_votes"] {
        let names = columns(table);
        assert!(!names.is_empty(), "{table} has no columns?");
        for name in &names {
            for forbidden in [
                "member", "account", "created", "_at", "time", "date", "officer", "id",
            ] {
                let allowed = name == "ballot_id";
                assert!(
                    allowed || !name.contains(forbidden),
                    "{table}.{name} could link a ballot to a person or a moment"
                );
            }
        }
    }
    // The electorate says who may vote and whether a credential went out,
    // never which one.
    assert_eq!(columns("electors").len(), 4);
    for name in columns("electors") {
        assert!(
            ["ballot_id", "member_id", "channel", "issued"].contains(&name.as_str()),
            "electors.{name}"
        );
    }
});

crate::both_backends!(a_tie_is_decided_by_the_lot_and_shown, |app: TestApp| {
    use votum::ballots::ballot_box::cast;
    use votum::ballots::officer::{confirm_act, request_act, Act};
    use votum::ballots::setup::{self, NewBallot};
    use votum_ballots::question::{BallotOption, OptionId, QuestionKind};
    use votum_ballots::{Choice, Question, SingleVote};
    use votum_crypto::credential::CredentialKey;
    let org = app.with_org();
    let officers = app.with_officers(&org);
    let now = crate::support::test_now();
    let mut conn = app.conn();
    let id = setup::create(
        &mut conn,
        &app.sealing,
        &votum::rights::OfficerOf::by_operator(org.federal.id),
        &NewBallot {
            group_id: org.federal.id,
            title: "Vorsitz".into(),
            description: String::new(),
            cutoff_date: now.date(),
            opens_at: now - chrono::Duration::hours(1),
            closes_at: now + chrono::Duration::hours(1),
            revote_allowed: false,
            shuffle_options: false,
            questions: vec![Question {
                text: "Wer soll den Vorsitz übernehmen?".into(),
                kind: QuestionKind::SingleChoice {
                    options: vec![BallotOption::new(1, "Anna"), BallotOption::new(2, "Ben")],
                    runoff: false,
                },
            }],
        },
        now,
    )
    .unwrap();
    // Tests the signed protocol, as a ballot created before "encrypted".
    votum::ballots::protocol::keep_signed(&mut conn, &id).unwrap();
    // Officer 1 requests, officer 2 confirms, `minutes` after the start.
    let step = |conn: &mut votum::db::DbConn, act: Act, minutes: i64| {
        let at = now + chrono::Duration::minutes(minutes);
        let request = request_act(conn, &id, act, officers[0], at).unwrap();
        confirm_act(conn, &app.sealing, &id, request, officers[1], at)
            .unwrap()
            .unwrap();
    };
    step(&mut conn, Act::Open, 0);
    // Two portal electors' credentials, made when the ballot opened.
    let portal = setup::portal_key(&mut conn, &app.sealing, &id)
        .unwrap()
        .unwrap();
    let members: Vec<i64> = {
        use diesel::prelude::*;
        use votum::db::schema::electors;
        electors::table
            .filter(electors::ballot_id.eq(&id))
            .select(electors::member_id)
            .limit(2)
            .load(&mut *conn)
            .unwrap()
    };
    let keys: Vec<CredentialKey> = members
        .iter()
        .map(|member| CredentialKey::derive_v2(&portal.code(&id, *member), &id))
        .collect();
    for (key, option) in keys.iter().zip([1, 2]) {
        let vote = crate::ballot_box::signed_for(
            &mut conn,
            &id,
            key,
            &[Choice::Single(SingleVote::For(OptionId(option)))],
        );
        cast(&mut conn, &app.sealing, now, &vote).unwrap().unwrap();
    }
    step(&mut conn, Act::Close, 1);
    step(&mut conn, Act::Tally, 2);
    // Counted but not published: not for members yet.
    assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
    assert_eq!(
        app.get(&format!("/ballots/{id}/result")).0,
        Status::NotFound
    );
    step(&mut conn, Act::Publish, 3);
    drop(conn);
    let (status, page) = app.get(&format!("/ballots/{id}/result"));
    assert_eq!(status, Status::Ok);
    // The lot line says what was at stake and how the lot decided.
    assert!(
        page.contains("Gleichstand um den ersten Platz zwischen Anna, Ben; vorn liegt"),
        "{page}"
    );
    assert!(
        page.contains("Entschieden durch Los: Die Reihenfolge folgt aus dem Startwert"),
        "{page}"
    );
});

crate::both_backends!(
    a_receipt_is_checked_on_the_page_and_offline,
    |app: TestApp| {
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
        let (_, page) = {
            assert_eq!(app.login("officer-1", PASSWORD), Status::SeeOther);
            let page = app.get("/ballots/new");
            app.logout();
            page
        };
        assert!(page.contains("Rangfolge-Fragen verwenden das signierte Verfahren"));
        let ballot = set_up(&app, &fields);
        four_eyes(&app, &ballot, "open");
        // member-a1 votes and keeps the receipt.
        assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
        let vote_page = format!("/vote/{ballot}");
        let response = app.post_form(&vote_page, &format!("/vote/{ballot}/portal-code"), &[]);
        let code = crate::support::tracking_code(&response.into_string().unwrap());
        let (status, _, page) = form(
            &app,
            &vote_page,
            &format!("/vote/{ballot}/cast"),
            &[("code", &code), ("q0", "yes")],
        );
        assert_eq!(status, Status::Ok);
        assert!(
            page.contains("Quittung sieht, kann Ihre Stimme lesen"),
            "{page}"
        );
        let receipt = crate::support::hidden_value(&page, "receipt")
            .unwrap()
            .replace("&quot;", "\"");
        app.logout();
        vote(&app, "chair-a1", &ballot, &[("q0", "no")]);
        for act in ["close", "tally", "publish"] {
            four_eyes(&app, &ballot, act);
        }
        // On the page, against the published record, without JavaScript.
        let check = format!("/ballots/{ballot}/receipt-check");
        let (status, page) = app.get(&check);
        assert_eq!(status, Status::Ok);
        assert!(page.contains("<textarea"));
        let response = app.post_form(&check, &check, &[("receipt", &receipt)]);
        assert_eq!(response.status(), Status::Ok);
        assert!(response
            .into_string()
            .unwrap()
            .contains("Gefunden: Ihr Stimmzettel steht unverändert im Protokoll, an Stelle 1"));
        let moved = receipt.replace("\"position\":0", "\"position\":1");
        let response = app.post_form(&check, &check, &[("receipt", &moved)]);
        assert_eq!(response.status(), Status::UnprocessableEntity);
        assert!(response
            .into_string()
            .unwrap()
            .contains("Ungültige Signatur"));
        let response = app.post_form(&check, &check, &[("receipt", "kein Beleg")]);
        assert_eq!(response.status(), Status::UnprocessableEntity);
        assert!(response.into_string().unwrap().contains("keine Quittung"));

        // Offline: votum verify RECORD --receipt FILE.
        let (_, record) = app.get(&format!("/ballots/{ballot}/record.json"));
        let dir = tempfile::tempdir().unwrap();
        let record_file = dir.path().join("record.json");
        let receipt_file = dir.path().join("receipt.json");
        std::fs::write(&record_file, &record).unwrap();
        std::fs::write(&receipt_file, &receipt).unwrap();
        let run = |receipt: &str| {
            std::fs::write(&receipt_file, receipt).unwrap();
            votum(&[
                "verify",
                record_file.to_str().unwrap(),
                "--receipt",
                receipt_file.to_str().unwrap(),
            ])
        };
        let out = run(&receipt);
        assert!(out.status.success());
        assert!(String::from_utf8_lossy(&out.stdout).contains("found at position 0"));
        let out = run(&receipt.replace(&ballot, "b-other"));
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stdout).contains("receipt for another ballot"));
        let out = run(&moved);
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stdout).contains("bad signature"));
    }
);
