//! The encrypted tally's decryption relay over HTTP: the tally input is
//! fixed from the stored ballots, each trustee downloads it from the
//! trustee page and uploads a partial decryption, bad ones are refused
//! with the reason and nothing stored, fewer than the threshold publish
//! nothing, and the threshold-th decrypts the result, equal to the
//! plaintext ground truth.

use diesel::prelude::*;
use rocket::http::Status;
use votum::ballots::lifecycle::BallotStatus;
use votum::ballots::setup::{self, b64, Origin};
use votum::ballots::tally::store as tally_store;
use votum::ballots::trustees::local::{run_ceremony, LocalTrustee};
use votum::db::schema::{audit_log, ballot_results, box_entries, tally_partials};
use votum_ballots::Outcome;
use votum_crypto::credential::{Code, CredentialKey};
use votum_crypto::encrypted_ballot::encrypt_ballot;
use votum_crypto::group::SystemScalars;
use votum_crypto::threshold::files;
use votum_crypto::threshold::{PartialDecryption, TallyInput};

use crate::support::{test_now, TestApp, PASSWORD};
use crate::trustees::{draft, upload};

/// A closed yes/no ballot whose trustees (3, any 2 decrypt) were made in
/// process, with the given online ballots stored in the box (marks
/// yes/no/abstain, in chain order, by voter), and its tally input fixed.
/// Returns the ballot and its trustees.
fn tallied(
    app: &TestApp,
    org: &crate::support::Org,
    officer: i64,
    title: &str,
    votes: &[(usize, [bool; 3])],
) -> (String, Vec<LocalTrustee>) {
    let ballot = draft(app, org, title);
    let mut conn = app.conn();
    let trustees = run_ceremony(
        &mut conn,
        &ballot,
        &["Anna Beispiel", "Bernd Muster", "Clara Probe"],
        2,
        officer,
        test_now(),
    )
    .unwrap();
    let keys: Vec<CredentialKey> = (0..5)
        .map(|_| CredentialKey::derive_v2(&Code::generate().unwrap(), &ballot))
        .collect();
    let public: Vec<_> = keys.iter().map(CredentialKey::public).collect();
    setup::add_credentials(&mut conn, &ballot, &public, Origin::Server).unwrap();
    votum::ballots::record::fix_election(&mut conn, &app.sealing, &ballot).unwrap();
    let (params, _) = tally_store::election(&mut conn, &ballot).unwrap().unwrap();
    let protocol = votum::ballots::protocol::Protocol::of(&mut conn, &ballot).unwrap();
    for (position, (voter, marks)) in votes.iter().enumerate() {
        let credential = keys[*voter].public();
        let encrypted =
            encrypt_ballot(&params, &credential, &[marks.to_vec()], &mut SystemScalars).unwrap();
        let text = String::from_utf8(encrypted.canonical_json()).unwrap();
        let signature = keys[*voter].sign(&protocol.cast_message(&ballot, &credential, &text));
        // Stored as the box stores it; the box's own checks are the casting
        // tests' business, the sums are this test's.
        diesel::insert_into(box_entries::table)
            .values((
                box_entries::ballot_id.eq(&ballot),
                box_entries::position.eq(position as i64),
                box_entries::credential.eq(credential.to_base64()),
                box_entries::choices.eq(text),
                box_entries::signature.eq(signature.to_base64()),
                box_entries::hash.eq(b64(&[position as u8; 32])),
                box_entries::chain.eq(b64(&[position as u8; 32])),
            ))
            .execute(&mut *conn)
            .unwrap();
    }
    setup::set_status(&mut conn, &ballot, BallotStatus::Closed).unwrap();
    let summed = tally_store::begin(&mut conn, &ballot, test_now())
        .unwrap()
        .unwrap();
    let voters: std::collections::HashSet<usize> = votes.iter().map(|v| v.0).collect();
    assert_eq!(summed, voters.len() as u64);
    (ballot, trustees)
}

fn link(trustee: &LocalTrustee) -> String {
    format!("/trustee/{}", trustee.token.expose())
}

fn input_of(app: &TestApp, trustee: &LocalTrustee) -> TallyInput {
    let (status, body) = app.get(&format!("{}/tally-input.json", link(trustee)));
    assert_eq!(status, Status::Ok);
    files::from_json(body.as_bytes()).unwrap()
}

fn partials_stored(app: &TestApp, ballot: &str) -> i64 {
    tally_partials::table
        .filter(tally_partials::ballot_id.eq(ballot))
        .count()
        .get_result(&mut *app.conn())
        .unwrap()
}

fn result_stored(app: &TestApp, ballot: &str) -> bool {
    ballot_results::table
        .find(ballot)
        .count()
        .get_result::<i64>(&mut *app.conn())
        .unwrap()
        == 1
}

crate::both_backends!(
    trustees_decrypt_the_sums_through_their_pages,
    |app: TestApp| {
        const YES: [bool; 3] = [true, false, false];
        const NO: [bool; 3] = [false, true, false];
        const ABSTAIN: [bool; 3] = [false, false, true];
        // Voter 0 votes yes, then no: only the last ballot counts.
        let votes = [(0, YES), (1, YES), (2, NO), (3, ABSTAIN), (4, YES), (0, NO)];
        let org = app.with_org();
        let [officer, _] = app.with_officers(&org);
        let (ballot, trustees) = tallied(&app, &org, officer, "Entlastung", &votes);
        let (other, other_trustees) =
            tallied(&app, &org, officer, "Andere Abstimmung", &[(0, YES)]);

        // The trustee page shows step 4 with the tally input fingerprint.
        let input = input_of(&app, &trustees[0]);
        let digest = votum_crypto::base64url::encode(&files::digest(&input));
        let (status, page) = app.get(&link(&trustees[0]));
        assert_eq!(status, Status::Ok);
        assert!(page.contains("id=\"decryption\""), "{page}");
        assert!(page.contains(&digest));
        assert!(page.contains("tally-input.json"));
        assert!(page.contains("0 von 2"));

        // Refused, each with its reason and its status, nothing stored:
        // not a partial decryption;
        let (status, text) = upload(&app, &link(&trustees[0]), b"{\"format\":1}");
        assert_eq!(status, Status::UnprocessableEntity);
        assert!(text.contains("keine gültige Teilentschlüsselung"), "{text}");
        // a file of another step;
        let keys_file = votum::ballots::trustees::ceremony::election_key(&mut app.conn(), &ballot)
            .unwrap()
            .unwrap();
        let (status, text) = upload(
            &app,
            &link(&trustees[0]),
            files::to_json(&keys_file).as_bytes(),
        );
        assert_eq!(status, Status::UnprocessableEntity);
        assert!(text.contains("keine Teilentschlüsselung"), "{text}");
        // a partial decryption of another ballot (another ceremony);
        let foreign = other_trustees[0]
            .decrypt(&input_of(&app, &other_trustees[0]))
            .unwrap();
        let (status, text) = upload(
            &app,
            &link(&trustees[0]),
            files::to_json(&foreign).as_bytes(),
        );
        assert_eq!(status, Status::UnprocessableEntity);
        assert!(text.contains("anderen Schlüsselzeremonie"), "{text}");
        // another trustee's file;
        let bernds = trustees[1].decrypt(&input).unwrap();
        let (status, text) = upload(
            &app,
            &link(&trustees[0]),
            files::to_json(&bernds).as_bytes(),
        );
        assert_eq!(status, Status::UnprocessableEntity);
        assert!(text.contains("anderen Person"), "{text}");
        // a forged factor (re-signing is not possible without the key:
        // the signature or the proof fails);
        let mut forged: PartialDecryption = trustees[0].decrypt(&input).unwrap();
        forged.factors[0].factor = forged.factors[1].factor;
        let (status, text) = upload(
            &app,
            &link(&trustees[0]),
            files::to_json(&forged).as_bytes(),
        );
        assert_eq!(status, Status::UnprocessableEntity);
        assert!(text.contains("Beweis"), "{text}");
        assert_eq!(partials_stored(&app, &ballot), 0);

        // Anna decrypts: one of two, nothing counted or shown yet.
        let annas = trustees[0].decrypt(&input).unwrap();
        let (status, _) = upload(&app, &link(&trustees[0]), files::to_json(&annas).as_bytes());
        assert_eq!(status, Status::SeeOther);
        let (status, text) = upload(&app, &link(&trustees[0]), files::to_json(&annas).as_bytes());
        assert_eq!(status, Status::Conflict, "a second upload is refused");
        assert!(text.contains("liegt schon vor"), "{text}");
        assert_eq!(partials_stored(&app, &ballot), 1);
        assert!(
            !result_stored(&app, &ballot),
            "fewer than t publish nothing"
        );
        assert_eq!(
            tally_store::state(&mut app.conn(), &ballot).unwrap(),
            votum::ballots::tally::TallyState::AwaitingDecryption { have: 1, need: 2 }
        );

        // The officers see who decrypted and how many are missing.
        assert_eq!(app.login("officer-1", PASSWORD), Status::SeeOther);
        let (status, page) = app.get(&format!("/ballots/{ballot}/trustees"));
        assert_eq!(status, Status::Ok);
        assert!(
            page.contains("id=\"decryption-progress\">1 von 2"),
            "{page}"
        );
        assert!(page.contains("Es fehlen noch 1"), "{page}");
        assert!(page.contains(&digest));
        assert_eq!(
            app.get(&format!("/ballots/{ballot}/result")).0,
            Status::NotFound,
            "no result before t trustees decrypted"
        );
        app.logout();

        // Clara's partial decryption completes the set: the result equals
        // the ground truth (voter 0's re-vote replaced the first ballot).
        let claras = trustees[2].decrypt(&input).unwrap();
        let (status, _) = upload(
            &app,
            &link(&trustees[2]),
            files::to_json(&claras).as_bytes(),
        );
        assert_eq!(status, Status::SeeOther);
        assert!(result_stored(&app, &ballot));
        let stored = tally_store::load(&mut app.conn(), &ballot)
            .unwrap()
            .unwrap();
        assert_eq!(stored.counts, Some(vec![vec![2, 2, 1]]));
        let result: String = ballot_results::table
            .find(&ballot)
            .select(ballot_results::result)
            .first(&mut *app.conn())
            .unwrap();
        let results: Vec<votum_ballots::QuestionResult> = serde_json::from_str(&result).unwrap();
        let Outcome::YesNo(yes_no) = &results[0].outcome else {
            panic!("a yes/no result")
        };
        assert_eq!((yes_no.yes, yes_no.no, yes_no.abstain), (2, 2, 1));
        assert_eq!(results[0].ballots.cast, 5);
        assert_eq!(results[0].ballots.invalid, 0);
        assert_eq!(results[0].ballots.abstentions, 1);
        // Bernd comes too late: nothing more is taken.
        let (status, text) = upload(
            &app,
            &link(&trustees[1]),
            files::to_json(&bernds).as_bytes(),
        );
        assert_eq!(status, Status::Conflict);
        assert!(text.contains("bereits genug"), "{text}");
        let (_, page) = app.get(&link(&trustees[1]));
        assert!(page.contains("id=\"decrypted\""));
        // The other ballot is untouched by all of this.
        assert_eq!(partials_stored(&app, &other), 0);
        // The audit log has counts only.
        let entries: Vec<(String, String)> = audit_log::table
            .filter(audit_log::ballot_id.eq(&ballot))
            .select((audit_log::action, audit_log::detail))
            .load(&mut *app.conn())
            .unwrap();
        assert!(entries.contains(&("tally_input_ready".into(), "5".into())));
        assert!(entries.contains(&("partial_decryption".into(), "2/2".into())));
        assert!(entries.contains(&("tally_decrypted".into(), "2/2".into())));
    }
);

crate::both_backends!(
    the_tally_act_fixes_the_sums_and_publishing_waits_for_the_trustees,
    |app: TestApp| {
        use crate::lifecycle::{form, four_eyes};
        use votum::db::schema::{outbox, trustees};
        let org = app.with_org();
        let [officer, _] = app.with_officers(&org);
        let ballot = setup::create(
            &mut app.conn(),
            &app.sealing,
            &votum::rights::OfficerOf::by_operator(org.federal.id),
            &setup::NewBallot {
                group_id: org.federal.id,
                title: "Verschlüsselt".into(),
                description: String::new(),
                cutoff_date: test_now().date(),
                opens_at: test_now() - chrono::Duration::hours(1),
                closes_at: test_now() + chrono::Duration::days(7),
                revote_allowed: false,
                shuffle_options: false,
                questions: vec![crate::ballot_box::yes_no()],
            },
            test_now(),
        )
        .unwrap();
        let local = run_ceremony(
            &mut app.conn(),
            &ballot,
            &["Anna Beispiel", "Bernd Muster", "Clara Probe"],
            2,
            officer,
            test_now(),
        )
        .unwrap();
        diesel::update(trustees::table.find(local[0].id))
            .set(trustees::email.eq(Some("anna@example.org")))
            .execute(&mut *app.conn())
            .unwrap();
        four_eyes(&app, &ballot, "open");
        let (params, _) = tally_store::election(&mut app.conn(), &ballot)
            .unwrap()
            .expect("an opened encrypted ballot");
        // A row the box never wrote (no voter's signature) stops the tally.
        let stranger = CredentialKey::derive_v2(&Code::generate().unwrap(), &ballot).public();
        let forged = encrypt_ballot(
            &params,
            &stranger,
            &[vec![true, false, false]],
            &mut SystemScalars,
        )
        .unwrap();
        let insert = |position: i64,
                      credential: &votum_crypto::credential::PublicCredential,
                      text: String,
                      signature: String| {
            diesel::insert_into(box_entries::table)
                .values((
                    box_entries::ballot_id.eq(&ballot),
                    box_entries::position.eq(position),
                    box_entries::credential.eq(credential.to_base64()),
                    box_entries::choices.eq(text),
                    box_entries::signature.eq(signature),
                    box_entries::hash.eq(b64(&[1; 32])),
                    box_entries::chain.eq(b64(&[1; 32])),
                ))
                .execute(&mut *app.conn())
                .unwrap();
        };
        insert(
            0,
            &stranger,
            String::from_utf8(forged.canonical_json()).unwrap(),
            b64(&[0; 64]),
        );
        // A member's portal code, while the ballot is open.
        let code = Code::parse(&crate::postal::portal_code(&app, "member-a1", &ballot)).unwrap();
        four_eyes(&app, &ballot, "close");
        let manage = format!("/ballots/{ballot}/manage");
        assert_eq!(app.login("officer-1", PASSWORD), Status::SeeOther);
        form(
            &app,
            &manage,
            &format!("/ballots/{ballot}/request"),
            &[("act", "tally")],
        );
        app.logout();
        let tally_act = app.pending_act(&ballot);
        assert_eq!(app.login("officer-2", PASSWORD), Status::SeeOther);
        form(
            &app,
            &manage,
            &format!("/ballots/{ballot}/confirm/{tally_act}"),
            &[],
        );
        let (_, page) = app.get(&manage);
        assert!(page.contains("lassen sich nicht prüfen"), "{page}");
        app.logout();
        assert!(tally_store::load(&mut app.conn(), &ballot)
            .unwrap()
            .is_none());
        // With the forged row gone and a member's genuine ballot (signed by
        // the portal credential issued at opening) the tally goes through.
        diesel::delete(box_entries::table.filter(box_entries::ballot_id.eq(&ballot)))
            .execute(&mut *app.conn())
            .unwrap();
        let protocol = votum::ballots::protocol::Protocol::of(&mut app.conn(), &ballot).unwrap();
        let key = protocol.derive(&code, &ballot);
        let voter = key.public();
        let yes = encrypt_ballot(
            &params,
            &voter,
            &[vec![true, false, false]],
            &mut SystemScalars,
        )
        .unwrap();
        let text = String::from_utf8(yes.canonical_json()).unwrap();
        let signature = key
            .sign(&protocol.cast_message(&ballot, &voter, &text))
            .to_base64();
        insert(0, &voter, text, signature);
        assert_eq!(app.login("officer-2", PASSWORD), Status::SeeOther);
        form(
            &app,
            &manage,
            &format!("/ballots/{ballot}/confirm/{tally_act}"),
            &[],
        );
        let (_, page) = app.get(&manage);
        assert!(page.contains("Der Schritt ist bestätigt"), "{page}");
        app.logout();
        // The tally act fixed the sums and told the trustee with an address
        // (the fingerprint, never the link).
        let stored = tally_store::load(&mut app.conn(), &ballot)
            .unwrap()
            .unwrap();
        assert_eq!(stored.ballots, 1);
        let mails: Vec<(String, Option<String>)> = outbox::table
            .select((outbox::recipient, outbox::body))
            .load(&mut *app.conn())
            .unwrap();
        let mail = mails
            .iter()
            .find(|(to, _)| to == "anna@example.org")
            .and_then(|(_, body)| body.clone())
            .expect("the trustee is told");
        assert!(mail.contains(&stored.digest), "{mail}");
        assert!(!mail.contains(local[0].token.expose()));
        // The manage page says the trustees decrypt; publishing is refused.
        assert_eq!(app.login("officer-1", PASSWORD), Status::SeeOther);
        let (_, page) = app.get(&manage);
        assert!(page.contains("0 von 2"), "{page}");
        form(
            &app,
            &manage,
            &format!("/ballots/{ballot}/request"),
            &[("act", "publish")],
        );
        app.logout();
        let publish = app.pending_act(&ballot);
        assert_eq!(app.login("officer-2", PASSWORD), Status::SeeOther);
        form(
            &app,
            &manage,
            &format!("/ballots/{ballot}/confirm/{publish}"),
            &[],
        );
        let (_, page) = app.get(&manage);
        assert!(page.contains("noch nicht entschlüsselt"), "{page}");
        app.logout();
        // Two trustees decrypt: the result is there for the officers. The
        // record is checked before it is published: this box entry was
        // put into the box by this test, not by the box (its chain is not
        // the box's), so the record is refused and nothing is published.
        for trustee in [&local[0], &local[1]] {
            let partial = trustee.decrypt(&stored.input).unwrap();
            let (status, _) = upload(&app, &link(trustee), files::to_json(&partial).as_bytes());
            assert_eq!(status, Status::SeeOther);
        }
        assert_eq!(app.login("officer-2", PASSWORD), Status::SeeOther);
        let (status, _) = app.get(&format!("/ballots/{ballot}/result"));
        assert_eq!(status, Status::Ok);
        form(
            &app,
            &manage,
            &format!("/ballots/{ballot}/confirm/{publish}"),
            &[],
        );
        let (_, page) = app.get(&manage);
        assert!(page.contains("lassen sich nicht prüfen"), "{page}");
        app.logout();
        assert_eq!(
            tally_store::state(&mut app.conn(), &ballot).unwrap(),
            votum::ballots::tally::TallyState::Decrypted
        );
        assert_eq!(
            app.get(&format!("/ballots/{ballot}/record.json")).0,
            Status::NotFound
        );
    }
);
/// The key ceremony of `ballot` through its trustee pages, with one real
/// `votum trustee` process per trustee (threshold `t`); returns the
/// trustees' links and folders (each holding its `private.json`).
fn cli_ceremony(
    app: &TestApp,
    ballot: &str,
    names: &[&str],
    t: &str,
) -> (Vec<String>, Vec<tempfile::TempDir>) {
    use crate::trustees::{add_trustee, download, files_named, start, trustee_cli};
    let links: Vec<String> = names.iter().map(|n| add_trustee(app, ballot, n)).collect();
    let dirs: Vec<tempfile::TempDir> = names.iter().map(|_| tempfile::tempdir().unwrap()).collect();
    assert_eq!(start(app, ballot, t), Status::SeeOther);
    let n = names.len();
    let steps: [(&str, &[&str]); 3] = [
        ("certificate.json", &[]),
        ("shares.json", &["certificate-"]),
        ("verification.json", &["certificate-", "shares-"]),
    ];
    for (step, (out, inputs)) in steps.iter().enumerate() {
        for ((link, dir), name) in links.iter().zip(&dirs).zip(names) {
            let dir = dir.path();
            let mut args: Vec<String> = match step {
                0 => {
                    download(app, link, "ceremony.json", dir);
                    ["init", "--ceremony", "ceremony.json", "--name", name]
                        .map(String::from)
                        .to_vec()
                }
                1 => vec!["share".into()],
                _ => vec!["check".into()],
            };
            for prefix in *inputs {
                for i in 1..=n {
                    download(app, link, &format!("{prefix}{i}.json"), dir);
                }
            }
            args.extend(["--private", "private.json", "--out", out].map(String::from));
            for prefix in *inputs {
                args.extend(files_named(dir, prefix));
            }
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            trustee_cli(dir, &args);
        }
        for (link, dir) in links.iter().zip(&dirs) {
            let file = std::fs::read(dir.path().join(out)).unwrap();
            assert_eq!(upload(app, link, &file).0, Status::SeeOther, "{out}");
        }
    }
    assert!(
        votum::ballots::trustees::ceremony::election_key(&mut app.conn(), ballot)
            .unwrap()
            .is_some()
    );
    (links, dirs)
}

/// A trustee downloads the tally input and runs `votum trustee decrypt`;
/// returns the partial decryption file and what the tool printed.
fn cli_decrypt(app: &TestApp, link: &str, dir: &std::path::Path) -> (Vec<u8>, String) {
    crate::trustees::download(app, link, "tally-input.json", dir);
    let printed = crate::trustees::trustee_cli(
        dir,
        &[
            "decrypt",
            "--private",
            "private.json",
            "--out",
            "partial.json",
            "tally-input.json",
        ],
    );
    (std::fs::read(dir.join("partial.json")).unwrap(), printed)
}

/// Appends a ballot to the box exactly as the box does (cast message,
/// ballot hash, chain, head, credential marked used), for the encrypted
/// ballots this test makes itself.
fn append_to_box(app: &TestApp, ballot: &str, key: &CredentialKey, text: &str) {
    use votum::db::schema::{ballot_boxes, credentials};
    let mut conn = app.conn();
    let protocol = votum::ballots::protocol::Protocol::of(&mut conn, ballot).unwrap();
    let credential = key.public();
    let signature = key.sign(&protocol.cast_message(ballot, &credential, text));
    let hash = protocol.ballot_hash(ballot, &credential, text, &signature);
    let (head, length): (String, i64) = ballot_boxes::table
        .find(ballot)
        .select((ballot_boxes::head, ballot_boxes::length))
        .first(&mut *conn)
        .unwrap();
    let previous: [u8; 32] = votum_crypto::base64url::decode_array(&head).unwrap();
    let next = protocol.chain_next(&previous, &hash);
    diesel::insert_into(box_entries::table)
        .values((
            box_entries::ballot_id.eq(ballot),
            box_entries::position.eq(length),
            box_entries::credential.eq(credential.to_base64()),
            box_entries::choices.eq(text),
            box_entries::signature.eq(signature.to_base64()),
            box_entries::hash.eq(b64(&hash)),
            box_entries::chain.eq(b64(&next)),
        ))
        .execute(&mut *conn)
        .unwrap();
    diesel::update(ballot_boxes::table.find(ballot))
        .set((
            ballot_boxes::head.eq(b64(&next)),
            ballot_boxes::length.eq(length + 1),
        ))
        .execute(&mut *conn)
        .unwrap();
    diesel::update(credentials::table.find((ballot, credential.to_base64())))
        .set(credentials::used.eq("online"))
        .execute(&mut *conn)
        .unwrap();
}

crate::both_backends!(
    an_encrypted_ballot_from_three_trustee_processes_to_its_result,
    |app: TestApp| {
        use crate::lifecycle::four_eyes;
        let org = app.with_org();
        app.with_officers(&org);
        let ballot = setup::create(
            &mut app.conn(),
            &app.sealing,
            &votum::rights::OfficerOf::by_operator(org.federal.id),
            &setup::NewBallot {
                group_id: org.federal.id,
                title: "Mitgliederentscheid verschlüsselt".into(),
                description: String::new(),
                cutoff_date: test_now().date(),
                opens_at: test_now() - chrono::Duration::hours(1),
                closes_at: test_now() + chrono::Duration::days(7),
                revote_allowed: true,
                shuffle_options: false,
                questions: vec![crate::ballot_box::yes_no()],
            },
            test_now(),
        )
        .unwrap();
        let names = ["Anna Beispiel", "Bernd Muster", "Clara Probe"];
        let (links, dirs) = cli_ceremony(&app, &ballot, &names, "2");
        four_eyes(&app, &ballot, "open");

        // Three members vote (each encrypts with the ballot's parameters and
        // signs with the portal credential of their code); one votes again.
        let protocol = votum::ballots::protocol::Protocol::of(&mut app.conn(), &ballot).unwrap();
        let params = protocol
            .election_parameters(&mut app.conn(), &ballot)
            .unwrap()
            .unwrap();
        let key = |login: &str| {
            let code = Code::parse(&crate::postal::portal_code(&app, login, &ballot)).unwrap();
            protocol.derive(&code, &ballot)
        };
        let encrypted = |key: &CredentialKey, marks: [bool; 3]| {
            let ballot = encrypt_ballot(
                &params,
                &key.public(),
                &[marks.to_vec()],
                &mut SystemScalars,
            )
            .unwrap();
            String::from_utf8(ballot.canonical_json()).unwrap()
        };
        const YES: [bool; 3] = [true, false, false];
        const NO: [bool; 3] = [false, true, false];
        const ABSTAIN: [bool; 3] = [false, false, true];
        let chair = key("chair-a1");
        let a1 = key("member-a1");
        let b1 = key("member-b1");
        append_to_box(&app, &ballot, &chair, &encrypted(&chair, YES));
        append_to_box(&app, &ballot, &a1, &encrypted(&a1, YES));
        append_to_box(&app, &ballot, &b1, &encrypted(&b1, ABSTAIN));
        append_to_box(&app, &ballot, &chair, &encrypted(&chair, NO));

        four_eyes(&app, &ballot, "close");
        four_eyes(&app, &ballot, "tally");

        // Two of three trustees decrypt with their own processes; a changed
        // file first is refused.
        let (annas, printed) = cli_decrypt(&app, &links[0], dirs[0].path());
        let input: TallyInput =
            files::from_json(&std::fs::read(dirs[0].path().join("tally-input.json")).unwrap())
                .unwrap();
        let digest = votum_crypto::base64url::encode(&files::digest(&input));
        assert!(printed.contains(&digest), "{printed}");
        let mut broken: PartialDecryption = files::from_json(&annas).unwrap();
        broken.factors[0].factor = broken.factors[1].factor;
        let (status, text) = upload(&app, &links[0], files::to_json(&broken).as_bytes());
        assert_eq!(status, Status::UnprocessableEntity);
        assert!(text.contains("Beweis"), "{text}");
        assert_eq!(upload(&app, &links[0], &annas).0, Status::SeeOther);
        let (claras, _) = cli_decrypt(&app, &links[2], dirs[2].path());
        assert_eq!(upload(&app, &links[2], &claras).0, Status::SeeOther);
        // Ground truth: chair no (re-vote), a1 yes, b1 abstain. (The
        // record's `tally` member and `votum verify` come with the verifier
        // of protocol "encrypted".)
        let stored = tally_store::load(&mut app.conn(), &ballot)
            .unwrap()
            .unwrap();
        assert_eq!(stored.counts, Some(vec![vec![1, 1, 1]]));
        assert_eq!(stored.input, input);
        assert_eq!(stored.partials.len(), 2);
        let result: String = ballot_results::table
            .find(&ballot)
            .select(ballot_results::result)
            .first(&mut *app.conn())
            .unwrap();
        let results: Vec<votum_ballots::QuestionResult> = serde_json::from_str(&result).unwrap();
        let Outcome::YesNo(yes_no) = &results[0].outcome else {
            panic!("yes/no")
        };
        assert_eq!((yes_no.yes, yes_no.no, yes_no.abstain), (1, 1, 1));
        assert_eq!(results[0].ballots.cast, 3);
        assert_eq!(results[0].ballots.invalid, 0);
        assert_eq!(results[0].ballots.abstentions, 1);
        // Published, the record carries the tally and `votum verify` accepts it.
        four_eyes(&app, &ballot, "publish");
        assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
        let (status, record) = app.get(&format!("/ballots/{ballot}/record.json"));
        assert_eq!(status, Status::Ok);
        app.logout();
        let parsed = votum_ballots::record::v2::Record::from_json(record.as_bytes()).unwrap();
        let tally = parsed.tally.as_ref().expect("the tally member");
        assert_eq!(tally.counts, vec![vec![1, 1, 1]]);
        assert_eq!(tally.input, input);
        assert_eq!(tally.partial_decryptions.len(), 2);
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("record.json");
        std::fs::write(&file, &record).unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_votum"))
            .args(["verify", file.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
);
