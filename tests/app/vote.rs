//! Voting through the web pages, as a member with a letter would: QR link,
//! check page, cast, receipt; and every bad input with its message.

use rocket::http::Status;

use crate::ballot_box::open_ballot;
use crate::support::TestApp;

fn box_length(app: &TestApp, ballot: &str) -> i64 {
    use diesel::prelude::*;
    use votum::db::schema::ballot_boxes;
    ballot_boxes::table
        .find(ballot)
        .select(ballot_boxes::length)
        .first(&mut *app.conn())
        .unwrap()
}

/// Submits the ballot form of `ballot` with `fields` to `step`.
fn submit(app: &TestApp, ballot: &str, step: &str, fields: &[(&str, &str)]) -> (Status, String) {
    let response = app.post_form(
        &format!("/vote/{ballot}"),
        &format!("/vote/{ballot}/{step}"),
        fields,
    );
    let status = response.status();
    (status, response.into_string().unwrap_or_default())
}

crate::both_backends!(
    vote_from_the_letter_link_and_check_the_receipt,
    |app: TestApp| {
        let ballot = open_ballot(&app, 2, false);
        let code = ballot.codes[0].display();
        let (status, page) = app.get(&format!(
            "/vote/{}?code={}",
            ballot.id,
            rocket::http::RawStr::new(&code).percent_encode()
        ));
        assert_eq!(status, Status::Ok);
        // The check symbol may be '=', which the page writes as an entity.
        let shown = code.replace('=', "&#x3D;");
        assert!(
            page.contains(&format!("value=\"{shown}\"")),
            "the QR code's code is filled in"
        );
        assert!(page.contains("Soll der Vorstand entlastet werden?"));

        let (status, review) = submit(
            &app,
            &ballot.id,
            "review",
            &[("code", &code), ("q0", "yes")],
        );
        assert_eq!(status, Status::Ok, "{review}");
        assert!(review.contains("Bitte prüfen Sie Ihre Stimme"));
        assert_eq!(box_length(&app, &ballot.id), 0, "review must not cast");

        let (status, receipt) = submit(&app, &ballot.id, "cast", &[("code", &code), ("q0", "yes")]);
        assert_eq!(status, Status::Ok, "{receipt}");
        assert!(receipt.contains("Ihre Stimme ist abgegeben"));
        assert_eq!(box_length(&app, &ballot.id), 1);
        let tracking = &crate::support::tracking_code(&receipt);

        // The receipt downloads as a file; a tampered one is refused.
        let receipt = crate::support::hidden_value(&receipt, "receipt").unwrap();
        let vote_page = format!("/vote/{}", ballot.id);
        let saved = app.post_form(
            &vote_page,
            &format!("/vote/{}/receipt", ballot.id),
            &[("receipt", &receipt)],
        );
        assert_eq!(saved.status(), Status::Ok);
        assert!(saved
            .headers()
            .get_one("Content-Disposition")
            .unwrap()
            .starts_with("attachment"));
        let saved: votum_ballots::record::v2::Receipt =
            serde_json::from_str(&saved.into_string().unwrap()).unwrap();
        assert_eq!(saved.position, 0);
        let forged = receipt.replace("\"position\":0", "\"position\":7");
        let refused = app.post_form(
            &vote_page,
            &format!("/vote/{}/receipt", ballot.id),
            &[("receipt", &forged)],
        );
        assert_eq!(refused.status(), Status::BadRequest);

        let (_, check) = app.get(&format!("/vote/{}/check?tracking={tracking}", ballot.id));
        assert!(
            check.contains("Ihre Stimme liegt in der Urne, auf Platz 1 von 1"),
            "{check}"
        );
        let (_, check) = app.get(&format!("/vote/{}/check?tracking=AAAA", ballot.id));
        assert!(check.contains("keine Stimme in der Urne"));

        // The same code again: refused with its message, nothing stored.
        let (status, again) = submit(&app, &ballot.id, "cast", &[("code", &code), ("q0", "no")]);
        assert_eq!(status, Status::UnprocessableEntity);
        assert!(again.contains("Mit diesem Code wurde bereits abgestimmt"));
        assert_eq!(box_length(&app, &ballot.id), 1);
    }
);

crate::both_backends!(bad_codes_and_answers_get_their_messages, |app: TestApp| {
    let ballot = open_ballot(&app, 2, false);
    let code = ballot.codes[1].display();
    // One symbol changed: the check character catches it.
    let mut typo: Vec<char> = code.chars().collect();
    typo[0] = if typo[0] == 'A' { 'B' } else { 'A' };
    let typo: String = typo.into_iter().collect();
    let other = votum_crypto::credential::Code::generate()
        .unwrap()
        .display();
    let cases: [(&[(&str, &str)], &str); 6] = [
        (&[("code", &typo), ("q0", "yes")], "vermutlich vertippt"),
        (
            &[("code", &other), ("q0", "yes")],
            "gehört nicht zu dieser Abstimmung",
        ),
        (
            &[("code", "hello"), ("q0", "yes")],
            "kein gültiger Abstimmungscode",
        ),
        (
            &[("code", ""), ("q0", "yes")],
            "Bitte geben Sie Ihren Abstimmungscode ein",
        ),
        (&[("code", &code)], "Bitte wählen Sie eine Antwort"),
        (
            &[("code", &code), ("q0", "perhaps")],
            "Diese Antwort ist nicht möglich",
        ),
    ];
    for (fields, message) in cases {
        for step in ["review", "cast"] {
            let (status, page) = submit(&app, &ballot.id, step, fields);
            assert_eq!(status, Status::UnprocessableEntity, "{step} {fields:?}");
            assert!(
                page.contains(message),
                "{step} {fields:?}: expected {message:?}"
            );
            // What the voter typed is kept.
            if let Some((_, typed)) = fields.iter().find(|(k, _)| *k == "code") {
                let shown = typed.replace('=', "&#x3D;");
                assert!(page.contains(&format!("value=\"{shown}\"")));
            }
        }
    }
    assert_eq!(box_length(&app, &ballot.id), 0);
});

crate::both_backends!(
    closed_and_unopened_ballots_refuse_with_a_message,
    |app: TestApp| {
        let ballot = open_ballot(&app, 1, false);
        let code = ballot.codes[0].display();
        app.clock.advance(chrono::Duration::days(8));
        let (_, page) = app.get(&format!("/vote/{}", ballot.id));
        assert!(page.contains("Die Abstimmung ist beendet"));
        // The closed page has no form; any page's token will do.
        let response = app.post_form(
            "/login",
            &format!("/vote/{}/cast", ballot.id),
            &[("code", &code), ("q0", "yes")],
        );
        assert_eq!(response.status(), Status::UnprocessableEntity);
        assert!(response
            .into_string()
            .unwrap()
            .contains("Die Abstimmung ist beendet"));
        assert_eq!(box_length(&app, &ballot.id), 0);
        // Before opening.
        app.clock.advance(chrono::Duration::days(-10));
        let (_, page) = app.get(&format!("/vote/{}", ballot.id));
        assert!(page.contains("Die Abstimmung hat noch nicht begonnen"));
        assert_eq!(app.get("/vote/unknown-ballot").0, Status::NotFound);
    }
);

crate::both_backends!(
    shuffled_options_differ_between_voters_and_stay_put_for_one,
    |app: TestApp| {
        use votum::ballots::setup::{self, NewBallot};
        use votum_ballots::question::{BallotOption, QuestionKind};
        use votum_ballots::Question;
        let org = app.with_org();
        let labels: Vec<String> = (1..=8).map(|n| format!("Kandidat{n}")).collect();
        let mut conn = app.conn();
        let id = setup::create(
            &mut conn,
            &app.sealing,
            &votum::rights::OfficerOf::by_operator(org.federal.id),
            &NewBallot {
                group_id: org.federal.id,
                title: "Beisitz".into(),
                description: String::new(),
                cutoff_date: crate::support::test_now().date(),
                opens_at: crate::support::test_now() - chrono::Duration::hours(1),
                closes_at: crate::support::test_now() + chrono::Duration::days(1),
                revote_allowed: false,
                shuffle_options: true,
                questions: vec![Question {
                    text: "Wen?".into(),
                    kind: QuestionKind::Approval {
                        options: labels
                            .iter()
                            .zip(1u32..)
                            .map(|(l, n)| BallotOption::new(n, l.clone()))
                            .collect(),
                        min_marks: 0,
                        max_marks: 3,
                    },
                }],
            },
            crate::support::test_now(),
        )
        .unwrap();
        // Tests the signed protocol, as a ballot created before "encrypted".
        votum::ballots::protocol::keep_signed(&mut conn, &id).unwrap();
        setup::set_status(
            &mut conn,
            &id,
            votum::ballots::lifecycle::BallotStatus::Open,
        )
        .unwrap();
        drop(conn);
        let order = |page: &str| -> Vec<usize> {
            let mut found: Vec<(usize, usize)> = labels
                .iter()
                .enumerate()
                .map(|(n, l)| (page.find(&format!(">{l}<")).unwrap(), n))
                .collect();
            found.sort_unstable();
            found.into_iter().map(|(_, n)| n).collect()
        };
        let path = format!("/vote/{id}");
        let first = order(&app.get(&path).1);
        assert_eq!(first, order(&app.get(&path).1), "one voter sees one order");
        let mut orders = vec![first];
        for _ in 0..4 {
            // Another browser on the same database: a fresh pre-session cookie.
            let client = rocket::local::blocking::Client::tracked(
                votum::rocket_with(
                    rocket::figment::Figment::from(rocket::Config::debug_default())
                        .merge(rocket::figment::providers::Serialized::defaults(
                            votum::config::Settings {
                                database_url: app.url.clone(),
                                sealing_key: String::new(),
                                data_dir: tempfile::tempdir().unwrap().path().display().to_string(),
                                ..Default::default()
                            },
                        ))
                        .merge(("log_level", "off")),
                    std::sync::Arc::new(app.clock.clone()),
                )
                .unwrap(),
            )
            .unwrap();
            orders.push(order(
                &client.get(path.clone()).dispatch().into_string().unwrap(),
            ));
        }
        orders.sort();
        orders.dedup();
        assert!(orders.len() > 1, "every browser saw the same order");
    }
);

crate::both_backends!(a_cast_form_sent_twice_is_one_ballot, |app: TestApp| {
    use crate::lifecycle::{form, four_eyes, set_up};
    use crate::support::{hidden_value, tracking_code, PASSWORD};
    use diesel::prelude::*;
    let org = app.with_org();
    app.with_officers(&org);
    // Re-voting is allowed: a second form used to become a second ballot.
    let ballot = set_up(
        &app,
        &[
            ("title", "Satzung"),
            ("group", "bund"),
            ("cutoff", "2026-11-01"),
            ("opens_date", "2026-11-23"),
            ("opens_time", "08:00"),
            ("closes_date", "2026-11-30"),
            ("closes_time", "18:00"),
            ("revote", "on"),
            ("q0_text", "Soll die Satzung geändert werden?"),
            ("q0_kind", "yes_no"),
        ],
    );
    four_eyes(&app, &ballot, "open");
    assert_eq!(
        app.login("member-a1", PASSWORD),
        rocket::http::Status::SeeOther
    );
    let page = format!("/vote/{ballot}");
    let response = app.post_form(&page, &format!("/vote/{ballot}/portal-code"), &[]);
    let code = tracking_code(&response.into_string().unwrap());
    let (status, _, review) = form(
        &app,
        &page,
        &format!("/vote/{ballot}/review"),
        &[("code", &code), ("q0", "yes")],
    );
    assert_eq!(status, rocket::http::Status::Ok, "{review}");
    let nonce = hidden_value(&review, "nonce").expect("the review form carries a nonce");
    let fields = [
        ("code", code.as_str()),
        ("q0", "yes"),
        ("nonce", nonce.as_str()),
    ];
    let (first_status, _, first) = form(&app, &page, &format!("/vote/{ballot}/cast"), &fields);
    let (second_status, _, second) = form(&app, &page, &format!("/vote/{ballot}/cast"), &fields);
    assert_eq!(first_status, rocket::http::Status::Ok, "{first}");
    assert_eq!(second_status, rocket::http::Status::Ok, "{second}");
    assert_eq!(tracking_code(&first), tracking_code(&second));
    assert!(!first.contains("schon abgeschickt"));
    assert!(second.contains("schon abgeschickt"), "{second}");
    let entries: i64 = votum::db::schema::box_entries::table
        .filter(votum::db::schema::box_entries::ballot_id.eq(&ballot))
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(entries, 1, "one form submission is one ballot");
    // A new review (a new form) is a deliberate re-vote.
    let (_, _, review) = form(
        &app,
        &page,
        &format!("/vote/{ballot}/review"),
        &[("code", &code), ("q0", "no")],
    );
    let again = hidden_value(&review, "nonce").unwrap();
    assert_ne!(again, nonce);
    let (status, _, _) = form(
        &app,
        &page,
        &format!("/vote/{ballot}/cast"),
        &[
            ("code", code.as_str()),
            ("q0", "no"),
            ("nonce", again.as_str()),
        ],
    );
    assert_eq!(status, rocket::http::Status::Ok);
});
