//! Returning officers: setting up a ballot, four-eyes opening and closing,
//! the frozen electorate, and a member voting with a portal code.

use rocket::http::Status;

use crate::support::{TestApp, PASSWORD};

fn ballot_form(title: &str) -> Vec<(&'static str, String)> {
    vec![
        ("title", title.to_owned()),
        ("description", "Mitgliederentscheid".into()),
        ("group", "bund".into()),
        ("cutoff", "2026-11-01".into()),
        ("opens_date", "2026-11-23".into()),
        ("opens_time", "08:00".into()),
        ("closes_date", "2026-11-30".into()),
        ("closes_time", "18:00".into()),
        ("q0_text", "Soll der Antrag angenommen werden?".into()),
        ("q0_kind", "yes_no".into()),
        ("q0_quorum", "10".into()),
        ("q0_majority", "simple".into()),
    ]
}

fn post(
    app: &TestApp,
    page: &str,
    action: &str,
    fields: &[(&str, String)],
) -> (Status, Option<String>, String) {
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let response = app.post_form(page, action, &refs);
    let status = response.status();
    let location = response.headers().get_one("Location").map(String::from);
    (status, location, response.into_string().unwrap_or_default())
}

fn ballot_count(app: &TestApp) -> i64 {
    use diesel::prelude::*;
    votum::db::schema::ballots::table
        .count()
        .get_result(&mut *app.conn())
        .unwrap()
}

crate::both_backends!(set_up_open_vote_and_close_with_four_eyes, |app: TestApp| {
    let org = app.with_org();
    app.with_officers(&org);

    // A member may not set up ballots.
    assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
    assert_eq!(app.get("/ballots/new").0, Status::Forbidden);
    app.logout();

    assert_eq!(app.login("officer-1", PASSWORD), Status::SeeOther);
    // A bad form names its mistakes, keeps the input and stores nothing.
    let mut bad = ballot_form("");
    bad.push(("q1_text", "Wer?".into()));
    bad.push(("q1_kind", "single".into()));
    bad.push(("q1_options", "Nur eine".into()));
    bad.retain(|(k, _)| *k != "closes_date");
    let (status, _, page) = post(&app, "/ballots/new", "/ballots/new", &bad);
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(page.contains("Bitte geben Sie einen Titel ein"));
    assert!(page.contains("mindestens zwei Antwortmöglichkeiten"));
    assert!(page.contains("gültiges Datum"));
    assert!(
        page.contains("Soll der Antrag angenommen werden?"),
        "input kept"
    );
    assert_eq!(ballot_count(&app), 0);

    let (status, location, _) = post(
        &app,
        "/ballots/new",
        "/ballots/new",
        &ballot_form("Mitgliederentscheid 2026"),
    );
    assert_eq!(status, Status::SeeOther);
    let manage = location.unwrap();
    let id = manage
        .trim_start_matches("/ballots/")
        .trim_end_matches("/manage")
        .to_owned();
    // The four-eyes steps on the signed protocol (an encrypted ballot
    // also needs its trustees first: tests/app/encrypted.rs).
    votum::ballots::protocol::keep_signed(&mut app.conn(), &id).unwrap();
    let (status, page) = app.get(&manage);
    assert_eq!(status, Status::Ok);
    assert!(page.contains("in Vorbereitung"));
    // The officer previews the voters' page before it opens.
    let (_, preview) = app.get(&format!("/vote/{id}"));
    assert!(
        preview.contains("Vorschau für die Wahlleitung"),
        "{preview}"
    );
    assert!(preview.contains("Soll der Antrag angenommen werden?"));

    // Officer 1 requests opening and cannot confirm it alone.
    let open = [("act", "open".to_owned())];
    let (status, _, _) = post(&app, &manage, &format!("/ballots/{id}/request"), &open);
    assert_eq!(status, Status::SeeOther);
    let (status, _, _) = post(&app, &manage, &format!("/ballots/{id}/request"), &open);
    assert_eq!(
        status,
        Status::SeeOther,
        "a second request is refused with a message"
    );
    let (_, page) = app.get(&manage);
    assert!(
        page.contains("Dieser Schritt ist schon beantragt"),
        "{page}"
    );
    assert!(page.contains("wartet auf Bestätigung"));
    let act = app.pending_act(&id);
    post(&app, &manage, &format!("/ballots/{id}/confirm/{act}"), &[]);
    let (_, page) = app.get(&manage);
    assert!(
        page.contains("bestätigen muss eine andere Person"),
        "{page}"
    );
    assert!(page.contains("in Vorbereitung"));
    app.logout();

    // Officer 2 confirms: the ballot opens and the electorate is frozen.
    assert_eq!(app.login("officer-2", PASSWORD), Status::SeeOther);
    post(&app, &manage, &format!("/ballots/{id}/confirm/{act}"), &[]);
    let (_, page) = app.get(&manage);
    assert!(page.contains("geöffnet"), "{page}");
    // Four members of the org plus the two officers, all active.
    assert!(
        page.contains("<dt>Stimmberechtigte</dt><dd>6</dd>"),
        "{page}"
    );

    // Opening made every portal elector's credential at once.
    assert!(
        page.contains("<dt>Ausgegebene Zugänge</dt><dd>6</dd>"),
        "{page}"
    );
    app.logout();

    // A member sees their portal code, the same each time, and votes with it.
    assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
    let vote_page = format!("/vote/{id}");
    let (_, page) = app.get(&vote_page);
    assert!(page.contains("Meinen Abstimmungscode anzeigen"));
    assert!(!page.contains("bereits abgestimmt"));
    let response = app.post_form(&vote_page, &format!("/vote/{id}/portal-code"), &[]);
    assert_eq!(response.status(), Status::Ok);
    let page = response.into_string().unwrap();
    let code = crate::support::tracking_code(&page);
    let again = app.post_form(&vote_page, &format!("/vote/{id}/portal-code"), &[]);
    assert_eq!(again.status(), Status::Ok);
    assert_eq!(
        crate::support::tracking_code(&again.into_string().unwrap()),
        code
    );
    let response = app.post_form(
        &vote_page,
        &format!("/vote/{id}/cast"),
        &[("code", &code), ("q0", "yes")],
    );
    assert_eq!(response.status(), Status::Ok);
    assert!(response
        .into_string()
        .unwrap()
        .contains("Ihre Stimme ist abgegeben"));
    // The member sees that their code has voted, and the code still shows.
    let (_, page) = app.get(&vote_page);
    assert!(page.contains("bereits abgestimmt"), "{page}");
    assert!(page.contains("Meinen Abstimmungscode anzeigen"));
    app.logout();

    // The invariant holds: six credentials issued, six public credentials.
    assert_eq!(app.login("officer-1", PASSWORD), Status::SeeOther);
    let (_, page) = app.get(&manage);
    assert!(
        page.contains("<dt>Ausgegebene Zugänge</dt><dd>6</dd>"),
        "{page}"
    );
    assert!(page.contains("stimmt mit den ausgegebenen Zugängen überein"));

    // Closing, again by two officers.
    post(
        &app,
        &manage,
        &format!("/ballots/{id}/request"),
        &[("act", "close".into()), ("early", "yes".into())],
    );
    let act = app.pending_act(&id);
    app.logout();
    assert_eq!(app.login("officer-2", PASSWORD), Status::SeeOther);
    post(
        &app,
        &manage,
        &format!("/ballots/{id}/confirm/{act}"),
        &[("early", "yes".into())],
    );
    let (_, page) = app.get(&manage);
    assert!(page.contains("geschlossen"));
    let (_, page) = app.get(&vote_page);
    assert!(page.contains("Die Abstimmung ist beendet"));
    // Closing erased the portal key: nobody can recompute whose portal
    // credential was whose.
    use diesel::prelude::*;
    let portal_key: Option<String> = votum::db::schema::ballots::table
        .find(&id)
        .select(votum::db::schema::ballots::portal_key_sealed)
        .first(&mut *app.conn())
        .unwrap();
    assert_eq!(portal_key, None);
});

crate::both_backends!(officers_of_another_group_cannot_manage, |app: TestApp| {
    use diesel::prelude::*;
    let org = app.with_org();
    app.with_officers(&org);
    assert_eq!(app.login("officer-1", PASSWORD), Status::SeeOther);
    let (_, location, _) = post(&app, "/ballots/new", "/ballots/new", &ballot_form("Bund"));
    let manage = location.unwrap();
    app.logout();
    // Move officer-2's office down to state B: no rights on a federal ballot.
    diesel::update(
        votum::db::schema::offices::table.filter(votum::db::schema::offices::member_id.eq(201)),
    )
    .set(votum::db::schema::offices::group_id.eq(org.state_b.id))
    .execute(&mut *app.conn())
    .unwrap();
    assert_eq!(app.login("officer-2", PASSWORD), Status::SeeOther);
    assert_eq!(app.get(&manage).0, Status::Forbidden);
    let mut form = ballot_form("Bund");
    form.retain(|(k, _)| *k != "group");
    form.push(("group", "bund".into()));
    let (status, _, page) = post(&app, "/ballots/new", "/ballots/new", &form);
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(page.contains("nicht Wahlleitung"));
});

// Ballot set-up reads its group from the form: `ballots::setup::create`
// takes a `rights::OfficerOf` proof, made only after the check.
crate::both_backends!(
    a_forged_group_in_ballot_set_up_stores_nothing,
    |app: TestApp| {
        use diesel::prelude::*;
        use votum::db::schema::offices;
        let org = app.with_org();
        app.with_officers(&org);
        // The officers now hold office in chapter A1 only.
        diesel::update(offices::table.filter(offices::role.eq("returning_officer")))
            .set(offices::group_id.eq(org.chapter_a1.id))
            .execute(&mut *app.conn())
            .unwrap();
        assert_eq!(app.login("officer-1", PASSWORD), Status::SeeOther);
        for forged in [&org.federal.slug, &org.state_a.slug, &org.chapter_b1.slug] {
            let mut form = ballot_form("Gefälscht");
            form.retain(|(k, _)| *k != "group");
            form.push(("group", forged.clone()));
            let (status, _, page) = post(&app, "/ballots/new", "/ballots/new", &form);
            assert_eq!(status, Status::UnprocessableEntity, "{forged}");
            assert!(page.contains("nicht Wahlleitung"), "{forged}");
            assert_eq!(ballot_count(&app), 0, "{forged}: nothing stored");
        }
        // Their own chapter works.
        let mut form = ballot_form("Eigener OV");
        form.retain(|(k, _)| *k != "group");
        form.push(("group", org.chapter_a1.slug.clone()));
        let (status, _, _) = post(&app, "/ballots/new", "/ballots/new", &form);
        assert_eq!(status, Status::SeeOther);
        assert_eq!(ballot_count(&app), 1);
    }
);

// The proof is for one group: a ballot for another group is refused by the
// domain function itself.
crate::both_backends!(a_proof_for_one_group_sets_up_no_other, |app: TestApp| {
    use votum::ballots::setup::{self, NewBallot};
    let org = app.with_org();
    let sealing = app.sealing.clone();
    let now = crate::support::test_now();
    let result = setup::create(
        &mut app.conn(),
        &sealing,
        &votum::rights::OfficerOf::by_operator(org.chapter_a1.id),
        &NewBallot {
            group_id: org.federal.id,
            title: "Bund".into(),
            description: String::new(),
            cutoff_date: now.date(),
            opens_at: now,
            closes_at: now + chrono::Duration::days(7),
            revote_allowed: false,
            shuffle_options: false,
            questions: Vec::new(),
        },
        now,
    );
    assert!(matches!(result, Err(votum::error::AppError::Forbidden)));
    assert_eq!(ballot_count(&app), 0);
});
