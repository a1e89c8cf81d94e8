//! Protocol "encrypted": new ballots without a ranked question use it, a
//! ranked question keeps "signed"; opening waits for the trustees' key
//! ceremony and then fixes the trustees' keys in the election object.

use diesel::prelude::*;
use rocket::http::Status;
use votum::ballots::officer::{confirm_act, request_act, Act, ActRefusal};
use votum::ballots::protocol::{OpeningRefusal, Protocol};
use votum::ballots::setup::{self, NewBallot};
use votum::db::schema::ballots;
use votum_ballots::question::{BallotOption, QuestionKind};
use votum_ballots::record::v2;
use votum_ballots::Question;

use crate::support::{run_ceremony, test_now, TestApp, PASSWORD};

/// A yes/no question and an approval of three that may be left empty.
pub fn questions() -> Vec<Question> {
    vec![
        crate::ballot_box::yes_no(),
        Question {
            text: "Wer soll in den Beirat?".into(),
            kind: QuestionKind::Approval {
                options: (1..=3)
                    .map(|n| BallotOption::new(n, format!("Person {n}")))
                    .collect(),
                min_marks: 0,
                max_marks: 2,
            },
        },
    ]
}

/// A draft ballot of the federal group with `questions`, open for votes
/// from an hour ago on once opened.
pub fn draft(app: &TestApp, group: i64, questions: Vec<Question>) -> String {
    let now = test_now();
    setup::create(
        &mut app.conn(),
        &app.sealing,
        &votum::rights::OfficerOf::by_operator(group),
        &NewBallot {
            group_id: group,
            title: "Beirat 2027".into(),
            description: String::new(),
            cutoff_date: now.date(),
            opens_at: now - chrono::Duration::hours(1),
            closes_at: now + chrono::Duration::days(7),
            revote_allowed: true,
            shuffle_options: false,
            questions,
        },
        now,
    )
    .unwrap()
}

/// Officer 1 requests opening, officer 2 confirms.
pub fn open(app: &TestApp, officers: [i64; 2], id: &str) -> Result<Act, ActRefusal> {
    let mut conn = app.conn();
    let request = request_act(&mut conn, id, Act::Open, officers[0], test_now()).unwrap();
    confirm_act(
        &mut conn,
        &app.sealing,
        id,
        request,
        officers[1],
        test_now(),
    )
    .unwrap()
}

/// An encrypted ballot opened after an in-process ceremony of 3 trustees
/// with threshold 2; returns its id and the trustees.
pub fn opened(
    app: &TestApp,
    officers: [i64; 2],
    group: i64,
) -> (String, Vec<crate::support::TestTrustee>) {
    let id = draft(app, group, questions());
    let trustees = run_ceremony(&mut app.conn(), &id, 3, 2);
    assert_eq!(open(app, officers, &id), Ok(Act::Open));
    (id, trustees)
}

crate::both_backends!(
    an_encrypted_ballot_opens_only_with_the_trustees_key_and_fixes_it,
    |app: TestApp| {
        let org = app.with_org();
        let officers = app.with_officers(&org);
        let id = draft(&app, org.federal.id, questions());
        assert_eq!(
            Protocol::of(&mut app.conn(), &id).unwrap(),
            Protocol::Encrypted(None)
        );

        // Without a ceremony: the officers' page says what is missing and
        // links to the trustees' page; neither a request nor a
        // confirmation opens the ballot.
        assert_eq!(app.login("officer-1", PASSWORD), Status::SeeOther);
        let manage = format!("/ballots/{id}/manage");
        let (_, page) = app.get(&manage);
        assert!(page.contains("id=\"opening-blocked\""), "{page}");
        assert!(page.contains("Schlüsselzeremonie abgeschlossen"), "{page}");
        assert!(page.contains(&format!("href=\"/ballots/{id}/trustees\"")));
        assert!(page.contains("Stimmen verschlüsselt"), "{page}");
        let response = app.post_form(
            &manage,
            &format!("/ballots/{id}/request"),
            &[("act", "open")],
        );
        assert_eq!(response.status(), Status::SeeOther);
        let (_, page) = app.get(&manage);
        assert!(page.contains("Schlüsselzeremonie abgeschlossen"), "{page}");
        let requests: i64 = votum::db::schema::officer_acts::table
            .filter(votum::db::schema::officer_acts::ballot_id.eq(&id))
            .count()
            .get_result(&mut *app.conn())
            .unwrap();
        assert_eq!(requests, 0, "no request was stored");
        app.logout();
        assert_eq!(
            open(&app, officers, &id),
            Err(ActRefusal::Opening(OpeningRefusal::TrusteesMissing))
        );
        let status: String = ballots::table
            .find(&id)
            .select(ballots::status)
            .first(&mut *app.conn())
            .unwrap();
        assert_eq!(status, "draft");

        // After the ceremony it opens, and the election object names the
        // protocol and carries the trustees' keys verbatim.
        let trustees = run_ceremony(&mut app.conn(), &id, 3, 2);
        assert_eq!(trustees.len(), 3);
        // The refused confirmation left its request pending: confirm it.
        let pending = app.pending_act(&id);
        let confirmed = confirm_act(
            &mut app.conn(),
            &app.sealing,
            &id,
            pending,
            officers[1],
            test_now(),
        )
        .unwrap();
        assert_eq!(confirmed, Ok(Act::Open));
        let mut conn = app.conn();
        let protocol = Protocol::of(&mut conn, &id).unwrap();
        assert!(matches!(protocol, Protocol::Encrypted(Some(_))));
        let election: Option<String> = ballots::table
            .find(&id)
            .select(ballots::election)
            .first(&mut *conn)
            .unwrap();
        let election: v2::Election = serde_json::from_str(&election.unwrap()).unwrap();
        assert_eq!(election.protocol, v2::PROTOCOL_ENCRYPTED);
        let keys = votum::ballots::trustees::ceremony::election_key(&mut conn, &id)
            .unwrap()
            .unwrap();
        assert_eq!(election.trustees.as_ref(), Some(&keys));
        let params = protocol
            .election_parameters(&mut conn, &id)
            .unwrap()
            .unwrap();
        assert_eq!(params.fingerprint(), &election.fingerprint());
        assert_eq!(*params.public_key(), keys.election_key().unwrap());
        // yes/no: 3 options; approval of 3 that may be left empty: 3 + "none".
        let options: Vec<u32> = params.questions().iter().map(|q| q.options).collect();
        assert_eq!(options, [3, 4]);
    }
);

crate::both_backends!(
    a_ballot_with_a_ranked_question_stays_signed_and_opens_without_trustees,
    |app: TestApp| {
        let org = app.with_org();
        let officers = app.with_officers(&org);
        let ranked = Question {
            text: "Reihenfolge".into(),
            kind: QuestionKind::RankedSchulze {
                options: vec![BallotOption::new(1, "A"), BallotOption::new(2, "B")],
            },
        };
        let id = draft(
            &app,
            org.federal.id,
            vec![crate::ballot_box::yes_no(), ranked],
        );
        assert_eq!(
            Protocol::of(&mut app.conn(), &id).unwrap(),
            Protocol::V2(None)
        );
        assert_eq!(open(&app, officers, &id), Ok(Act::Open));
        let election: Option<String> = ballots::table
            .find(&id)
            .select(ballots::election)
            .first(&mut *app.conn())
            .unwrap();
        let election: v2::Election = serde_json::from_str(&election.unwrap()).unwrap();
        assert_eq!(election.protocol, v2::PROTOCOL_SIGNED);
        assert!(election.trustees.is_none());
        // And an opened ballot cannot be switched any more.
        assert!(votum::ballots::protocol::keep_signed(&mut app.conn(), &id).is_err());
    }
);

/// The stored entries of a ballot's box: (credential, choices text).
pub fn stored_entries(app: &TestApp, id: &str) -> Vec<(String, String)> {
    use votum::db::schema::box_entries;
    box_entries::table
        .filter(box_entries::ballot_id.eq(id))
        .order(box_entries::position)
        .select((box_entries::credential, box_entries::choices))
        .load(&mut *app.conn())
        .unwrap()
}

/// Checks that a stored entry is the canonical JSON of an encrypted
/// ballot whose proofs hold for its credential, and holds nothing else.
pub fn assert_encrypted_entry(app: &TestApp, id: &str, credential: &str, text: &str) {
    use votum_crypto::encrypted_ballot::EncryptedBallot;
    let mut conn = app.conn();
    let params = Protocol::of(&mut conn, id)
        .unwrap()
        .election_parameters(&mut conn, id)
        .unwrap()
        .unwrap();
    let ballot: EncryptedBallot = serde_json::from_str(text).unwrap();
    assert_eq!(ballot.canonical_json(), text.as_bytes());
    let credential = votum_crypto::PublicCredential::from_base64(credential).unwrap();
    votum_crypto::ballot_batch::verify_one(
        &params,
        &credential,
        &ballot,
        &mut votum_crypto::group::SeededScalars::new(b"test"),
    )
    .unwrap();
    // Nothing in clear: only the members of E.5.
    let value: serde_json::Value = serde_json::from_str(text).unwrap();
    let keys: Vec<&String> = value.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["answers"]);
    for word in ["yes", "approval", "single", "abstain", "nonce", "kind"] {
        assert!(!text.contains(&format!("\"{word}")), "{word} in {text}");
    }
}

crate::both_backends!(
    without_javascript_the_server_encrypts_and_the_box_keeps_only_the_verified_ciphertexts,
    |app: TestApp| {
        let org = app.with_org();
        let officers = app.with_officers(&org);
        let (id, _trustees) = opened(&app, officers, org.federal.id);
        // A portal voter casts through the forms (no JavaScript).
        let code = crate::lifecycle::vote_and_read_receipt(
            &app,
            "member-a1",
            &id,
            &[("q0", "yes"), ("q1", "2")],
            |receipt| {
                assert!(receipt.contains("id=\"server-encrypted\""), "{receipt}");
                assert!(receipt.contains("Der Server hat Ihre Auswahl verschlüsselt"));
            },
        );
        assert!(!code.is_empty());
        let entries = stored_entries(&app, &id);
        assert_eq!(entries.len(), 1);
        assert_encrypted_entry(&app, &id, &entries[0].0, &entries[0].1);
        // An abstention on the approval ("none" alone) is accepted too.
        crate::lifecycle::vote_and_read_receipt(
            &app,
            "member-b1",
            &id,
            &[("q0", "abstain")],
            |_| {},
        );
        let entries = stored_entries(&app, &id);
        assert_eq!(entries.len(), 2);
        assert_encrypted_entry(&app, &id, &entries[1].0, &entries[1].1);
    }
);

crate::both_backends!(
    the_box_refuses_an_encrypted_ballot_whose_proof_fails_and_stores_nothing,
    |app: TestApp| {
        use votum::ballots::ballot_box::{cast, Refusal, SignedBallot};
        use votum_ballots::{Choice, YesNoVote};
        let org = app.with_org();
        let officers = app.with_officers(&org);
        let (id, _trustees) = opened(&app, officers, org.federal.id);
        let mut conn = app.conn();
        let protocol = Protocol::of(&mut conn, &id).unwrap();
        let params = protocol
            .election_parameters(&mut conn, &id)
            .unwrap()
            .unwrap();
        // A credential of this ballot: import one as the authority would.
        let code = votum_crypto::Code::generate().unwrap();
        let key = protocol.derive(&code, &id);
        votum::ballots::setup::add_credentials(
            &mut conn,
            &id,
            &[key.public()],
            votum::ballots::setup::Origin::Authority,
        )
        .unwrap();
        let questions = votum::ballots::ballot_box::questions(&mut conn, &id).unwrap();
        let mut ballot = votum::ballots::protocol::encrypt_choices(
            &params,
            &questions,
            &key.public(),
            &[Choice::YesNo(YesNoVote::No), Choice::Approval(vec![])],
        )
        .unwrap();
        // Swap two ciphertexts: the proofs no longer fit.
        ballot.answers[0].choices.swap(0, 1);
        let text = String::from_utf8(ballot.canonical_json()).unwrap();
        let signed = SignedBallot {
            ballot_id: id.clone(),
            credential: key.public(),
            signature: key.sign(&protocol.cast_message(&id, &key.public(), &text)),
            choices_json: text,
        };
        let refused = cast(&mut conn, &app.sealing, test_now(), &signed).unwrap();
        assert!(
            matches!(&refused, Err(Refusal::InvalidEncryption(why)) if why.contains("question 0")),
            "{refused:?}"
        );
        // Plaintext choices are refused too under "encrypted".
        let plain = votum::ballots::ballot_box::cast_text(&[
            Choice::YesNo(YesNoVote::Yes),
            Choice::Approval(vec![]),
        ])
        .unwrap();
        let signed = SignedBallot {
            ballot_id: id.clone(),
            credential: key.public(),
            signature: key.sign(&protocol.cast_message(&id, &key.public(), &plain)),
            choices_json: plain,
        };
        assert!(matches!(
            cast(&mut conn, &app.sealing, test_now(), &signed).unwrap(),
            Err(Refusal::InvalidEncryption(_))
        ));
        drop(conn);
        assert!(stored_entries(&app, &id).is_empty());
    }
);

crate::both_backends!(
    an_encrypted_ballots_postal_slip_is_stored_encrypted_and_signed_by_its_credential,
    |app: TestApp| {
        use votum::ballots::postal::{register, Registered};
        use votum::db::schema::postal_votes;
        use votum_ballots::{Choice, YesNoVote};
        let org = app.with_org();
        let officers = app.with_officers(&org);
        let (id, _trustees) = opened(&app, officers, org.federal.id);
        let mut conn = app.conn();
        let protocol = Protocol::of(&mut conn, &id).unwrap();
        // Two slips' codes, imported as an authority's credentials.
        let codes: Vec<votum_crypto::Code> = (0..2)
            .map(|_| votum_crypto::Code::generate().unwrap())
            .collect();
        let keys: Vec<_> = codes.iter().map(|c| protocol.derive(c, &id)).collect();
        let public: Vec<_> = keys.iter().map(|k| k.public()).collect();
        votum::ballots::setup::add_credentials(
            &mut conn,
            &id,
            &public,
            votum::ballots::setup::Origin::Authority,
        )
        .unwrap();
        drop(conn);
        // The second code votes online first (server-encrypted cast).
        {
            let mut conn = app.conn();
            let params = protocol
                .election_parameters(&mut conn, &id)
                .unwrap()
                .unwrap();
            let questions = votum::ballots::ballot_box::questions(&mut conn, &id).unwrap();
            let ballot = votum::ballots::protocol::encrypt_choices(
                &params,
                &questions,
                &public[1],
                &[Choice::YesNo(YesNoVote::Yes), Choice::Approval(vec![])],
            )
            .unwrap();
            let text = String::from_utf8(ballot.canonical_json()).unwrap();
            let signed = votum::ballots::ballot_box::SignedBallot {
                ballot_id: id.clone(),
                credential: public[1],
                signature: keys[1].sign(&protocol.cast_message(&id, &public[1], &text)),
                choices_json: text,
            };
            votum::ballots::ballot_box::cast(&mut conn, &app.sealing, test_now(), &signed)
                .unwrap()
                .unwrap();
        }
        // Officer 1 enters both slips.
        let marks = [
            Choice::YesNo(YesNoVote::No),
            Choice::Approval(vec![votum_ballots::question::OptionId(3)]),
        ];
        let mut conn = app.conn();
        for (code, expected) in codes
            .iter()
            .zip([Registered::Counted, Registered::VoidUsedOnline])
        {
            let outcome = register(&mut conn, &id, code, &marks, officers[0], test_now())
                .unwrap()
                .unwrap();
            assert_eq!(outcome, expected);
        }
        let rows: Vec<(String, String, Option<String>)> = postal_votes::table
            .filter(postal_votes::ballot_id.eq(&id))
            .select((
                postal_votes::credential,
                postal_votes::choices,
                postal_votes::signature,
            ))
            .load(&mut *conn)
            .unwrap();
        drop(conn);
        let counted = rows.iter().find(|r| r.0 == public[0].to_base64()).unwrap();
        let void = rows.iter().find(|r| r.0 == public[1].to_base64()).unwrap();
        assert_eq!(void.1, "[]");
        // The counted slip: an encrypted ballot with valid proofs for the
        // slip's credential, nothing in clear, signed by that credential
        // over its canonical serialisation.
        assert_encrypted_entry(&app, &id, &counted.0, &counted.1);
        let signature =
            votum_crypto::Signature::from_base64(counted.2.as_deref().unwrap()).unwrap();
        let fingerprint = match protocol {
            Protocol::Encrypted(Some(f)) => f,
            other => panic!("{other:?}"),
        };
        let message = v2::postal_message_canonical(&fingerprint, &public[0], counted.1.as_bytes());
        assert!(public[0].verify(&message, &signature));
        // Four eyes as before: officer 2 confirms the batch.
        let batch = app.pending_act(&id);
        let confirmed = confirm_act(
            &mut app.conn(),
            &app.sealing,
            &id,
            batch,
            officers[1],
            test_now(),
        )
        .unwrap();
        assert_eq!(confirmed, Ok(Act::EnterPostalVotes));
        // A counted slip whose signature is not its credential's (here the
        // void slip's, a genuine signature over another message) stops the
        // tally act: trustees never decrypt a sum holding it.
        let act = |conn: &mut votum::db::DbConn, act: Act| {
            let request = request_act(conn, &id, act, officers[0], test_now()).unwrap();
            confirm_act(conn, &app.sealing, &id, request, officers[1], test_now()).unwrap()
        };
        let mut conn = app.conn();
        assert_eq!(act(&mut conn, Act::Close), Ok(Act::Close));
        diesel::update(
            postal_votes::table
                .filter(postal_votes::ballot_id.eq(&id))
                .filter(postal_votes::credential.eq(&counted.0)),
        )
        .set(postal_votes::signature.eq(void.2.clone()))
        .execute(&mut *conn)
        .unwrap();
        assert!(act(&mut conn, Act::Tally).is_err());
        assert!(votum::ballots::tally::store::load(&mut conn, &id)
            .unwrap()
            .is_none());
        // With its own signature back, the same slip is summed.
        diesel::update(
            postal_votes::table
                .filter(postal_votes::ballot_id.eq(&id))
                .filter(postal_votes::credential.eq(&counted.0)),
        )
        .set(postal_votes::signature.eq(counted.2.clone()))
        .execute(&mut *conn)
        .unwrap();
        drop(conn);
        // The refused request waits; its confirmation now goes through.
        let pending = app.pending_act(&id);
        let mut conn = app.conn();
        assert_eq!(
            confirm_act(
                &mut conn,
                &app.sealing,
                &id,
                pending,
                officers[1],
                test_now()
            )
            .unwrap(),
            Ok(Act::Tally)
        );
        assert!(votum::ballots::tally::store::load(&mut conn, &id)
            .unwrap()
            .is_some());
    }
);

/// The text of the element with `id` on a page.
fn text_of(page: &str, id: &str) -> String {
    let marker = format!("id=\"{id}\">");
    let start = page.find(&marker).expect(id) + marker.len();
    let end = page[start..].find('<').unwrap() + start;
    page[start..end].to_owned()
}

crate::both_backends!(
    receipts_count_from_one_show_a_short_code_and_say_when_a_revote_replaced_them,
    |app: TestApp| {
        let org = app.with_org();
        let officers = app.with_officers(&org);
        let (id, _trustees) = opened(&app, officers, org.federal.id);
        let mut first_short = String::new();
        crate::lifecycle::vote_and_read_receipt(&app, "member-a1", &id, &[("q0", "yes")], |r| {
            first_short = text_of(r, "short-tracking");
            // Place 1, not 0.
            assert!(r.contains("<dd>1</dd>"), "{r}");
        });
        // 16 unambiguous characters in four groups.
        assert_eq!(first_short.len(), 19, "{first_short}");
        assert!(first_short.chars().all(
            |c| c == '-' || votum_ballots::record::v2::SHORT_CODE_ALPHABET.contains(&(c as u8))
        ));
        let check = |code: &str| {
            app.get(&format!(
                "/vote/{id}/check?tracking={}",
                code.replace(' ', "+")
            ))
            .1
        };
        let page = check(&first_short);
        assert!(page.contains("auf Platz 1 von 1"), "{page}");
        assert!(!page.contains("id=\"replaced\""));
        // Typed leniently: lower case, spaces for dashes.
        let page = check(&first_short.to_lowercase().replace('-', " "));
        assert!(page.contains("auf Platz 1 von 1"), "{page}");
        // The same member votes again: the first ballot's check page says
        // it was replaced; the new one is in the box at place 2.
        crate::lifecycle::vote_and_read_receipt(&app, "member-a1", &id, &[("q0", "no")], |r| {
            assert!(r.contains("<dd>2</dd>"), "{r}");
        });
        let page = check(&first_short);
        assert!(page.contains("id=\"replaced\""), "{page}");
        assert!(page.contains("ersetzt"), "{page}");
        assert!(page.contains(&first_short));
        // An unknown code is not found, and junk gets the form again.
        assert!(check("0000-0000-0000-0000").contains("Bitte prüfen Sie"));
        assert_eq!(
            app.get(&format!("/vote/{id}/check?tracking=%25%25")).0,
            Status::Ok
        );
    }
);
