//! Everyday use (issue 13): what a member sees without knowing where to
//! look: where a ballot's result is, what waits for them on the start
//! page.

use rocket::http::Status;

use crate::support::{TestApp, PASSWORD};

/// A yes/no ballot of the federal group, open now, closing in an hour.
pub(crate) fn open_ballot(app: &TestApp, officers: [i64; 2], group: i64, title: &str) -> String {
    use votum::ballots::officer::{confirm_act, request_act, Act};
    use votum::ballots::setup::{self, NewBallot};
    use votum_ballots::question::QuestionKind;
    use votum_ballots::Question;
    let now = crate::support::test_now();
    let mut conn = app.conn();
    let id = setup::create(
        &mut conn,
        &app.sealing,
        &votum::rights::OfficerOf::by_operator(group),
        &NewBallot {
            group_id: group,
            title: title.into(),
            description: String::new(),
            cutoff_date: now.date(),
            opens_at: now - chrono::Duration::hours(1),
            closes_at: now + chrono::Duration::hours(1),
            revote_allowed: false,
            shuffle_options: false,
            questions: vec![Question {
                text: "Soll der Antrag angenommen werden?".into(),
                kind: QuestionKind::YesNoAbstain {
                    quorum: votum_ballots::question::Ratio::ZERO,
                    majority: votum_ballots::question::MajorityRule::Simple,
                },
            }],
        },
        now,
    )
    .unwrap();
    // Tests the signed protocol, as a ballot created before "encrypted".
    votum::ballots::protocol::keep_signed(&mut conn, &id).unwrap();
    let request = request_act(&mut conn, &id, Act::Open, officers[0], now).unwrap();
    confirm_act(&mut conn, &app.sealing, &id, request, officers[1], now)
        .unwrap()
        .unwrap();
    id
}

/// Officer 1 requests `act`, officer 2 confirms, without the pages.
pub(crate) fn step(app: &TestApp, officers: [i64; 2], id: &str, act: votum::ballots::officer::Act) {
    use votum::ballots::officer::{confirm_act, request_act};
    let now = crate::support::test_now();
    let mut conn = app.conn();
    let request = request_act(&mut conn, id, act, officers[0], now).unwrap();
    confirm_act(&mut conn, &app.sealing, id, request, officers[1], now)
        .unwrap()
        .unwrap();
}

crate::both_backends!(
    every_closed_ballot_says_where_its_result_is_and_members_reach_it,
    |app: TestApp| {
        use votum::ballots::officer::Act;
        let org = app.with_org();
        let officers = app.with_officers(&org);
        let id = open_ballot(&app, officers, org.federal.id, "Satzungsänderung");
        let result_link = format!("href=\"/ballots/{id}/result\"");
        assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
        // Open: no word about a result yet.
        let (_, list) = app.get("/ballots");
        assert!(list.contains("Satzungsänderung"), "{list}");
        assert!(!list.contains("ausgezählt und danach"), "{list}");

        step(&app, officers, &id, Act::Close);
        for page in ["/ballots".to_owned(), format!("/vote/{id}")] {
            let (status, body) = app.get(&page);
            assert_eq!(status, Status::Ok);
            assert!(
                body.contains("wird ausgezählt und danach hier veröffentlicht"),
                "{page}: {body}"
            );
            assert!(!body.contains(&result_link), "{page}: {body}");
        }

        step(&app, officers, &id, Act::Tally);
        for page in ["/ballots".to_owned(), format!("/vote/{id}")] {
            let (_, body) = app.get(&page);
            assert!(
                body.contains("sobald die Wahlleitung es veröffentlicht hat"),
                "{page}: {body}"
            );
            assert!(!body.contains(&result_link), "{page}: {body}");
        }
        // The count stays with the officers until they publish it.
        assert_eq!(
            app.get(&format!("/ballots/{id}/result")).0,
            Status::NotFound
        );

        step(&app, officers, &id, Act::Publish);
        for page in ["/ballots".to_owned(), format!("/vote/{id}")] {
            let (_, body) = app.get(&page);
            assert!(
                body.contains("Das Ergebnis ist veröffentlicht."),
                "{page}: {body}"
            );
            assert!(body.contains(&result_link), "{page}: {body}");
        }
        // The member follows the link.
        let (status, result) = app.get(&format!("/ballots/{id}/result"));
        assert_eq!(status, Status::Ok);
        assert!(result.contains("Satzungsänderung"), "{result}");
    }
);

crate::both_backends!(
    the_start_page_shows_first_what_waits_for_the_member,
    |app: TestApp| {
        use votum::ballots::ballot_box::cast;
        use votum_ballots::{Choice, YesNoVote};
        use votum_crypto::credential::CredentialKey;
        let org = app.with_org();
        let officers = app.with_officers(&org);
        let id = open_ballot(&app, officers, org.federal.id, "Satzungsänderung");
        assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
        let (status, home) = app.get("/");
        assert_eq!(status, Status::Ok);
        let waiting = home.find("Wartet auf Sie").expect("waiting section");
        let chapter = home.find("Mein Ortsverband").expect("chapter section");
        assert!(waiting < chapter, "what waits comes first: {home}");
        assert!(home.contains(&format!("href=\"/vote/{id}\"")), "{home}");
        // The deadline as people write it: closes an hour after test_now.
        let closes = crate::support::test_now() + chrono::Duration::hours(1);
        let deadline = closes.format("%d.%m.%Y %H:%M").to_string();
        assert!(home.contains(&format!("bis {deadline}")), "{home}");

        // Once the member has voted through the portal, the ballot is gone.
        {
            let mut conn = app.conn();
            let portal = votum::ballots::setup::portal_key(&mut conn, &app.sealing, &id)
                .unwrap()
                .unwrap();
            let key = CredentialKey::derive_v2(&portal.code(&id, org.member_a1.id), &id);
            let vote = crate::ballot_box::signed_for(
                &mut conn,
                &id,
                &key,
                &[Choice::YesNo(YesNoVote::Yes)],
            );
            cast(&mut conn, &app.sealing, crate::support::test_now(), &vote)
                .unwrap()
                .unwrap();
        }
        let (_, home) = app.get("/");
        assert!(!home.contains(&format!("href=\"/vote/{id}\"")), "{home}");
        assert!(home.contains("Zurzeit wartet keine Abstimmung"), "{home}");

        // In English, with the English date.
        app.client.get("/lang/en?back=/").dispatch();
        let (_, english) = app.get("/");
        assert!(english.contains("Waiting for you"), "{english}");
        assert!(
            english.contains("No ballot or survey is waiting"),
            "{english}"
        );
    }
);

crate::both_backends!(
    dates_read_as_people_write_them_in_each_language,
    |app: TestApp| {
        let org = app.with_org();
        let officers = app.with_officers(&org);
        let id = open_ballot(&app, officers, org.federal.id, "Satzungsänderung");
        let closes = crate::support::test_now() + chrono::Duration::hours(1);
        assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
        let (_, profile) = app.get("/profile");
        assert!(profile.contains("01.05.1970"), "{profile}");
        assert!(profile.contains("01.01.2000"), "{profile}");
        assert!(!profile.contains("1970-05-01"), "{profile}");
        let (_, vote) = app.get(&format!("/vote/{id}"));
        assert!(
            vote.contains(&closes.format("%d.%m.%Y %H:%M").to_string()),
            "{vote}"
        );

        app.client.get("/lang/en?back=/").dispatch();
        let (_, profile) = app.get("/profile");
        assert!(profile.contains("1 May 1970"), "{profile}");
        assert!(!profile.contains("01.05.1970"), "{profile}");
        let (_, vote) = app.get(&format!("/vote/{id}"));
        assert!(
            vote.contains(&closes.format("%-d %b %Y, %H:%M").to_string()),
            "{vote}"
        );
        let (_, home) = app.get("/");
        assert!(
            home.contains(&closes.format("%-d %b %Y, %H:%M").to_string()),
            "{home}"
        );
    }
);

crate::both_backends!(
    forms_take_groups_by_their_names_and_dates_as_people_write_them,
    |app: TestApp| {
        let org = app.with_org();
        app.with_officers(&org);
        // The survey form suggests the chair's groups by name.
        assert_eq!(app.login("chair-a1", PASSWORD), Status::SeeOther);
        let (status, page) = app.get("/surveys/new");
        assert_eq!(status, Status::Ok);
        assert!(
            page.contains("<datalist id=\"group-choices\">")
                && page.contains("<option value=\"Ortsverband A1\">"),
            "{page}"
        );
        let survey = |group: &str, date: &str| {
            app.post_form(
                "/surveys/new",
                "/surveys/new",
                &[
                    ("title", "Sommerfest"),
                    ("group", group),
                    ("audience", "group"),
                    ("results", "during"),
                    ("opens_date", "2026-11-23"),
                    ("opens_time", "09:00"),
                    ("closes_date", "2026-11-30"),
                    ("closes_time", "18:00"),
                    ("q0_text", "Wann passt es?"),
                    ("q0_kind", "schedule"),
                    ("q0_options", date),
                ],
            )
        };
        // By name, in any case, and with a weekday before the date.
        for group in ["Ortsverband A1", "ortsverband a1", "ov-a1"] {
            let response = survey(group, "Sa 19.06.2027 15:00\nSo., 20.6.2027");
            assert_eq!(response.status(), Status::SeeOther, "{group}");
        }
        let response = survey("Ortsverband Nirgendwo", "Sa 19.06.2027\nSo 20.06.2027");
        assert_eq!(response.status(), Status::UnprocessableEntity);
        let page = response.into_string().unwrap();
        assert!(
            page.contains("Bitte wählen Sie einen der Vorschläge"),
            "{page}"
        );
        let response = survey("Ortsverband A1", "Fr 19.06.2027\nSo 20.06.2027");
        assert_eq!(response.status(), Status::UnprocessableEntity);
        let page = response.into_string().unwrap();
        assert!(
            page.contains("Der Wochentag passt nicht zum Datum"),
            "{page}"
        );
        app.logout();

        // The ballot form does the same for returning officers.
        assert_eq!(app.login("officer-1", PASSWORD), Status::SeeOther);
        let (_, page) = app.get("/ballots/new");
        assert!(page.contains("<option value=\"Bundesverband\">"), "{page}");
        let response = app.post_form(
            "/ballots/new",
            "/ballots/new",
            &[
                ("title", "Mitgliederentscheid"),
                ("group", "bundesverband"),
                ("cutoff", "2026-11-01"),
                ("opens_date", "2026-11-23"),
                ("opens_time", "08:00"),
                ("closes_date", "2026-11-30"),
                ("closes_time", "18:00"),
                ("q0_text", "Soll die Satzung geändert werden?"),
                ("q0_kind", "yes_no"),
            ],
        );
        assert_eq!(response.status(), Status::SeeOther);
    }
);
