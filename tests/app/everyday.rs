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

crate::both_backends!(
    closing_before_the_announced_end_needs_a_tick_and_a_waiting_request_is_shown,
    |app: TestApp| {
        let org = app.with_org();
        let officers = app.with_officers(&org);
        let id = open_ballot(&app, officers, org.federal.id, "Satzungsänderung");
        let manage = format!("/ballots/{id}/manage");
        let request = format!("/ballots/{id}/request");
        assert_eq!(app.login("officer-1", PASSWORD), Status::SeeOther);
        let (_, page) = app.get(&manage);
        assert!(page.contains("Achtung: Die Abstimmung ist bis"), "{page}");
        assert!(
            page.contains("name=\"early\" value=\"yes\" required"),
            "{page}"
        );

        // Without the tick nothing is requested, and the page says why.
        let response = app.post_form(&manage, &request, &[("act", "close")]);
        assert_eq!(response.status(), Status::SeeOther);
        let (_, page) = app.get(&manage);
        assert!(
            page.contains("läuft noch bis zum angekündigten Ende"),
            "{page}"
        );
        assert!(page.contains("Beantragen: Abstimmung schließen"), "{page}");

        // With it, the request waits, and no second "Beantragen" is offered.
        app.post_form(&manage, &request, &[("act", "close"), ("early", "yes")]);
        let (_, page) = app.get(&manage);
        assert!(
            page.contains("wartet auf die Bestätigung durch eine zweite Person"),
            "{page}"
        );
        assert!(!page.contains("Beantragen: Abstimmung schließen"), "{page}");
        app.logout();

        // The second officer sees the same warning at the confirmation.
        let act = app.pending_act(&id);
        let confirm = format!("/ballots/{id}/confirm/{act}");
        assert_eq!(app.login("officer-2", PASSWORD), Status::SeeOther);
        let (_, page) = app.get(&manage);
        assert!(page.contains("Achtung: Die Abstimmung ist bis"), "{page}");
        assert!(!page.contains("Beantragen: Abstimmung schließen"), "{page}");
        app.post_form(&manage, &confirm, &[]);
        let (_, page) = app.get(&manage);
        assert!(
            page.contains("läuft noch bis zum angekündigten Ende"),
            "{page}"
        );
        assert!(page.contains("<dd>geöffnet</dd>"), "{page}");
        app.post_form(&manage, &confirm, &[("early", "yes")]);
        let (_, page) = app.get(&manage);
        assert!(page.contains("<dd>geschlossen</dd>"), "{page}");
        // A later step (the count) needs no such tick.
        assert!(page.contains("Beantragen: Auszählen"), "{page}");
        assert!(!page.contains("Achtung: Die Abstimmung ist bis"), "{page}");
    }
);

crate::both_backends!(
    the_code_hint_matches_the_letter_and_the_channel,
    |app: TestApp| {
        let org = app.with_org();
        let officers = app.with_officers(&org);
        let id = open_ballot(&app, officers, org.federal.id, "Satzungsänderung");
        let vote = format!("/vote/{id}");
        // From a letter (nobody signed in): where the code is on the
        // letter, and what the check character may be.
        let (_, page) = app.get(&vote);
        let page = crate::support::unescape(&page);
        assert!(page.contains("links neben dem QR-Code"), "{page}");
        assert!(page.contains("* ~ $ = (Stern, Tilde, Dollar"), "{page}");
        assert!(!page.contains("unter dem QR-Code"), "{page}");
        // A mistyped code says the same as the hint.
        let response = app.post_form(
            &vote,
            &format!("{vote}/review"),
            &[("code", "3KXA-8H2M-Ä"), ("q0", "yes")],
        );
        let page = crate::support::unescape(&response.into_string().unwrap());
        assert!(
            page.contains(
                "Er hat 27 Zeichen: Buchstaben und Ziffern, das letzte kann auch * ~ $ = sein"
            ),
            "{page}"
        );
        // A portal voter has no letter and is told so.
        assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
        let (_, page) = app.get(&vote);
        assert!(page.contains("Sie brauchen keinen Brief"), "{page}");
        assert!(!page.contains("links neben dem QR-Code"), "{page}");
    }
);

crate::both_backends!(
    results_show_stv_rounds_the_missed_quorum_and_shares_alike,
    |app: TestApp| {
        use votum::ballots::ballot_box::cast;
        use votum::ballots::officer::Act;
        use votum::ballots::setup::{self, NewBallot};
        use votum_ballots::question::{BallotOption, MajorityRule, OptionId, QuestionKind, Ratio};
        use votum_ballots::{Choice, Question, YesNoVote};
        use votum_crypto::credential::CredentialKey;
        let org = app.with_org();
        let officers = app.with_officers(&org);
        let now = crate::support::test_now();
        let id = {
            let mut conn = app.conn();
            setup::create(
                &mut conn,
                &app.sealing,
                &votum::rights::OfficerOf::by_operator(org.federal.id),
                &NewBallot {
                    group_id: org.federal.id,
                    title: "Vorstandswahl".into(),
                    description: String::new(),
                    cutoff_date: now.date(),
                    opens_at: now - chrono::Duration::hours(1),
                    closes_at: now + chrono::Duration::hours(1),
                    revote_allowed: false,
                    shuffle_options: false,
                    questions: vec![
                        Question {
                            text: "Satzung ändern?".into(),
                            kind: QuestionKind::YesNoAbstain {
                                quorum: Ratio::new(60, 100).unwrap(),
                                majority: MajorityRule::Simple,
                            },
                        },
                        Question {
                            text: "Beisitz".into(),
                            kind: QuestionKind::RankedStv {
                                options: vec![
                                    BallotOption::new(1, "Anna"),
                                    BallotOption::new(2, "Ben"),
                                    BallotOption::new(3, "Cleo"),
                                ],
                                seats: 2,
                            },
                        },
                    ],
                },
                now,
            )
            .unwrap()
        };
        step(&app, officers, &id, Act::Open);
        {
            use diesel::prelude::*;
            use votum::db::schema::electors;
            let mut conn = app.conn();
            let portal = setup::portal_key(&mut conn, &app.sealing, &id)
                .unwrap()
                .unwrap();
            let members: Vec<i64> = electors::table
                .filter(electors::ballot_id.eq(&id))
                .select(electors::member_id)
                .limit(3)
                .load(&mut *conn)
                .unwrap();
            let ranked = |ids: &[u32]| Choice::Ranked(ids.iter().map(|&n| OptionId(n)).collect());
            let votes = [
                (YesNoVote::Yes, ranked(&[1, 2])),
                (YesNoVote::No, ranked(&[1, 3])),
                (YesNoVote::Yes, ranked(&[1, 2])),
            ];
            for (member, (yes_no, ranking)) in members.iter().zip(votes) {
                let key = CredentialKey::derive_v2(&portal.code(&id, *member), &id);
                let vote = crate::ballot_box::signed_for(
                    &mut conn,
                    &id,
                    &key,
                    &[Choice::YesNo(yes_no), ranking],
                );
                cast(&mut conn, &app.sealing, now, &vote).unwrap().unwrap();
            }
        }
        for act in [Act::Close, Act::Tally, Act::Publish] {
            step(&app, officers, &id, act);
        }
        assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
        let (status, page) = app.get(&format!("/ballots/{id}/result"));
        assert_eq!(status, Status::Ok);
        // Which quorum, and by how much it was missed.
        assert!(
            page.contains(
                "Quorum verfehlt: Nötig waren 4 von 6 Stimmberechtigten (60,0\u{a0}%), \
                 teilgenommen haben 3 – es fehlte 1."
            ),
            "{page}"
        );
        // Shares as German readers write them.
        assert!(page.contains("66,7\u{a0}%"), "{page}");
        // STV: the quota, a row per stage, the transfer named, a chart.
        assert!(page.contains("Quote (Droop): 2 Stimmen"), "{page}");
        assert!(page.contains("Zählrunden"), "{page}");
        assert!(page.contains("1. Erstpräferenzen gezählt"), "{page}");
        assert!(
            page.contains("2. Überschuss von Anna (1) übertragen"),
            "{page}"
        );
        assert!(page.contains("class=\"chart-quota\""), "{page}");
    }
);

crate::both_backends!(
    a_new_survey_adds_one_question_at_a_time_with_only_its_fields,
    |app: TestApp| {
        let org = app.with_org();
        let _ = org;
        assert_eq!(app.login("chair-a1", PASSWORD), Status::SeeOther);
        let (_, page) = app.get("/surveys/new");
        // One question, of the default type (single choice): its options,
        // no scale labels, no marks, no second question.
        assert!(page.contains("name=\"q0_text\""), "{page}");
        assert!(page.contains("name=\"q0_options\""), "{page}");
        assert!(!page.contains("name=\"q0_low_label\""), "{page}");
        assert!(!page.contains("name=\"q0_min\""), "{page}");
        assert!(!page.contains("name=\"q1_text\""), "{page}");
        let base = [
            ("title", "Sommerfest"),
            ("group", "Ortsverband A1"),
            ("audience", "group"),
            ("results", "during"),
            ("opens_date", "2026-11-23"),
            ("opens_time", "09:00"),
            ("closes_date", "2026-11-30"),
            ("closes_time", "18:00"),
            ("q0_text", "Welches Essen?"),
            ("q0_kind", "single"),
            ("q0_options", "Grillen\nBuffet"),
        ];
        // "Add a question": the form comes back with a second block and
        // everything typed so far; nothing is stored.
        let mut fields = base.to_vec();
        fields.extend([("questions", "1"), ("step", "add")]);
        let response = app.post_form("/surveys/new", "/surveys/new", &fields);
        assert_eq!(response.status(), Status::Ok);
        let page = response.into_string().unwrap();
        assert!(page.contains("name=\"q1_text\""), "{page}");
        assert!(page.contains("Grillen\nBuffet"), "{page}");
        assert!(page.contains("name=\"questions\" value=\"2\""), "{page}");
        // Choosing the second question's type shows that type's fields.
        let mut fields = base.to_vec();
        fields.extend([
            ("questions", "2"),
            ("q1_text", "Wie zufrieden waren Sie?"),
            ("q1_kind", "scale5"),
            ("step", "kind-1"),
        ]);
        let response = app.post_form("/surveys/new", "/surveys/new", &fields);
        assert_eq!(response.status(), Status::Ok);
        let page = response.into_string().unwrap();
        assert!(page.contains("name=\"q1_low_label\""), "{page}");
        assert!(!page.contains("name=\"q1_options\""), "{page}");
        assert!(!page.contains("name=\"q1_min\""), "{page}");
        // Then the survey is created with both questions.
        let mut fields = base.to_vec();
        fields.extend([
            ("questions", "2"),
            ("q1_text", "Wie zufrieden waren Sie?"),
            ("q1_kind", "scale5"),
            ("q1_low_label", "gar nicht"),
            ("q1_high_label", "sehr"),
        ]);
        let response = app.post_form("/surveys/new", "/surveys/new", &fields);
        assert_eq!(response.status(), Status::SeeOther);
        let survey = response.headers().get_one("Location").unwrap().to_owned();
        let (_, page) = app.get(&format!("{survey}/paper"));
        assert!(page.contains("Welches Essen?"), "{page}");
        assert!(page.contains("Wie zufrieden waren Sie?"), "{page}");
    }
);
