//! Surveys end to end through the web pages: every question type, the
//! anonymity of answers (checked on the tables), exactly one answer per
//! member also under concurrency, open/closed refusals, bad input, the
//! exports. Meeting material, public links and invitations: survey_channels.rs.

use chrono::Duration;
use diesel::prelude::*;
use rocket::http::Status;
use votum::db::schema::{survey_participants, survey_responses};

use crate::support::{TestApp, PASSWORD};

/// Creates a survey through the form as chair-a1 of chapter A1 (then logs
/// out) and returns its id. `extra` adds or overrides fields.
pub fn create(app: &TestApp, extra: &[(&str, &str)]) -> String {
    assert_eq!(app.login("chair-a1", PASSWORD), Status::SeeOther);
    let mut fields: Vec<(&str, &str)> = vec![
        ("title", "Nächstes Treffen"),
        ("description", "Bitte bis Freitag"),
        ("group", "ov-a1"),
        ("audience", "group"),
        ("results", "during"),
        ("opens_date", "2026-11-23"),
        ("opens_time", "09:00"),
        ("closes_date", "2026-11-30"),
        ("closes_time", "18:00"),
    ];
    for (name, value) in extra {
        fields.retain(|(n, _)| n != name);
        fields.push((name, value));
    }
    let response = app.post_form("/surveys/new", "/surveys/new", &fields);
    let status = response.status();
    let location = response.headers().get_one("Location").map(str::to_owned);
    assert_eq!(
        status,
        Status::SeeOther,
        "{}",
        response.into_string().unwrap_or_default()
    );
    app.logout();
    location
        .unwrap()
        .strip_prefix("/surveys/")
        .unwrap()
        .to_owned()
}

/// The questions of the first survey: one of each option-based type.
const FIRST: &[(&str, &str)] = &[
    ("q0_text", "Welches Thema?"),
    ("q0_kind", "single"),
    ("q0_options", "Verkehr\nSchule\nWohnen"),
    ("q1_text", "Wer bringt was?"),
    ("q1_kind", "multiple"),
    ("q1_options", "Kuchen\nKaffee\nStühle"),
    ("q1_min", "1"),
    ("q1_max", "2"),
    ("q2_text", "Online-Treffen?"),
    ("q2_kind", "yes_no"),
    ("q3_text", "Wie zufrieden?"),
    ("q3_kind", "scale5"),
    ("q3_low_label", "gar nicht"),
    ("q3_high_label", "sehr"),
    ("q4_text", "Reihenfolge der Themen"),
    ("q4_kind", "ranking"),
    ("q4_options", "Verkehr\nSchule\nWohnen"),
    ("q5_text", "Anmerkungen"),
    ("q5_kind", "text"),
    ("q5_max_len", "20"),
];

/// The second survey: number, scheduling poll, 0–10 scale.
const SECOND: &[(&str, &str)] = &[
    ("q0_text", "Wie viele Plakate?"),
    ("q0_kind", "number"),
    ("q0_min", "0"),
    ("q0_max", "500"),
    ("q1_text", "Wann treffen wir uns?"),
    ("q1_kind", "schedule"),
    ("q1_options", "10.12.2026 19:00\n2026-12-11 18:30"),
    ("q2_text", "Weiterempfehlen?"),
    ("q2_kind", "scale10"),
];

/// A question, the fields that answer it wrongly, and the message expected.
type BadCase<'a> = (&'a str, Vec<(&'a str, &'a str)>, &'a str);

pub fn answer(app: &TestApp, id: &str, fields: &[(&str, &str)]) -> (Status, String) {
    let path = format!("/s/{id}");
    let response = app.post_form(&path, &path, fields);
    let status = response.status();
    (status, response.into_string().unwrap_or_default())
}

fn stored(app: &TestApp, id: &str) -> i64 {
    survey_responses::table
        .filter(survey_responses::survey_id.eq(id))
        .count()
        .get_result(&mut *app.conn())
        .unwrap()
}

crate::both_backends!(every_question_type_end_to_end, |app: TestApp| {
    app.with_org();
    let first = create(&app, FIRST);
    let second = create(&app, SECOND);

    assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
    let (status, page) = app.get(&format!("/s/{first}"));
    assert_eq!(status, Status::Ok);
    assert!(page.contains("Welches Thema?") && page.contains("gar nicht"));
    let (status, page) = answer(
        &app,
        &first,
        &[
            ("q0", "2"),
            ("q1", "0"),
            ("q1", "1"),
            ("q2", "yes"),
            ("q3", "4"),
            ("q4-o2", "1"),
            ("q4-o0", "2"),
            ("q5", "Gern <b>bald</b>"),
        ],
    );
    assert_eq!(status, Status::Ok, "{page}");
    assert!(page.contains("Ihre Antwort ist gespeichert"));
    let (status, page) = answer(
        &app,
        &second,
        &[
            ("q0", "120,5"),
            ("q1-o0", "maybe"),
            ("q1-o1", "yes"),
            ("q2", "9"),
        ],
    );
    assert_eq!(status, Status::Ok, "{page}");
    app.logout();

    // The chair answers too, then reads the results.
    assert_eq!(app.login("chair-a1", PASSWORD), Status::SeeOther);
    let (status, _) = answer(
        &app,
        &first,
        &[
            ("q0", "2"),
            ("q1", "2"),
            ("q2", "no"),
            ("q3", "1"),
            ("q4-o0", "1"),
            ("q5", "=SUMME(A1)"),
        ],
    );
    assert_eq!(status, Status::Ok);
    let (status, _) = answer(
        &app,
        &second,
        &[
            ("q0", "80"),
            ("q1-o0", "no"),
            ("q1-o1", "yes"),
            ("q2", "10"),
        ],
    );
    assert_eq!(status, Status::Ok);

    let (status, results) = app.get(&format!("/surveys/{first}/results"));
    assert_eq!(status, Status::Ok);
    assert!(results.contains("Antworten: 2"), "{results}");
    // Reloading only when asked for (WCAG 2.2.1): the live page reloads.
    assert!(!results.contains("http-equiv=\"refresh\""));
    let (_, live) = app.get(&format!("/surveys/{first}/results?live=true"));
    assert!(
        live.contains("<meta http-equiv=\"refresh\""),
        "live page reloads"
    );
    assert!(results.contains("<svg class=\"chart\""));
    assert!(results.contains("Durchschnitt: 2.5"), "scale average");
    // Free text, escaped.
    assert!(results.contains("Gern &lt;b&gt;bald&lt;/b&gt;"));
    assert!(!results.contains("<b>bald</b>"));
    // Single choice: both chose "Wohnen" (100 %).
    // Shares as on ballot results: "100,0 %" in German.
    assert!(
        results.contains("<th scope=\"row\">Wohnen</th><td>2</td><td>100,0\u{a0}%</td>"),
        "{results}"
    );
    // Ranking points: Wohnen 2 (first once), Verkehr 1 + 2 = 3.
    assert!(
        results.contains("<th scope=\"row\">Verkehr</th><td>3</td>"),
        "{results}"
    );

    let (_, results) = app.get(&format!("/surveys/{second}/results"));
    assert!(results.contains("Durchschnitt: 100.25"), "number average");
    assert!(results.contains("kleinster Wert 80, größter Wert 120.5"));
    assert!(results.contains("11.12.2026 18:30 <strong>(bester Termin)</strong>"));
    assert!(results.contains("Durchschnitt: 9.5"), "0–10 scale");

    // The scheduling poll's date becomes the decision.
    let manage = format!("/surveys/{second}");
    let response = app.post_form(
        &manage,
        &format!("/surveys/{second}/decision"),
        &[("slot", "2026-12-11 18:30")],
    );
    assert_eq!(response.status(), Status::SeeOther);
    let (_, page) = app.get(&manage);
    assert!(
        page.contains("Festgelegter Termin: 11.12.2026 18:30"),
        "{page}"
    );

    // CSV export round-trips through a CSV parser; named survey, so names.
    let response = app
        .client
        .get(format!("/surveys/{first}/export.csv?format=machine"))
        .dispatch();
    assert_eq!(response.status(), Status::Ok);
    let body = response.into_bytes().unwrap();
    let mut reader = csv::Reader::from_reader(body.as_slice());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "response");
    assert_eq!(&headers[3], "1. Welches Thema?");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    let anton = rows
        .iter()
        .find(|r| r[2].contains("Anton Müller (1000101)"))
        .unwrap();
    assert_eq!(&anton[1], "portal");
    assert_eq!(&anton[3], "Wohnen");
    assert_eq!(&anton[4], "Kuchen; Kaffee");
    assert_eq!(&anton[5], "yes");
    assert_eq!(&anton[6], "4");
    assert_eq!(&anton[7], "Wohnen > Verkehr");
    assert_eq!(&anton[8], "Gern <b>bald</b>");
    // A text that a spreadsheet would run as a formula is defused.
    let clara = rows.iter().find(|r| r[2].contains("Clara")).unwrap();
    assert_eq!(&clara[8], "'=SUMME(A1)");

    let response = app
        .client
        .get(format!("/surveys/{second}/export.json"))
        .dispatch();
    let json: serde_json::Value = serde_json::from_slice(&response.into_bytes().unwrap()).unwrap();
    assert_eq!(json["counts"]["total"], 2);
    assert_eq!(json["survey"]["decision"], "2026-12-11 18:30");
});

crate::both_backends!(
    anonymous_answers_are_not_linked_to_members,
    |app: TestApp| {
        let org = app.with_org();
        let id = create(
            &app,
            &[
                ("anonymous", "on"),
                ("q0_text", "Gut?"),
                ("q0_kind", "yes_no"),
            ],
        );
        for login in ["member-a1", "chair-a1"] {
            assert_eq!(app.login(login, PASSWORD), Status::SeeOther);
            assert_eq!(answer(&app, &id, &[("q0", "yes")]).0, Status::Ok);
            app.logout();
        }
        let mut conn = app.conn();
        let rows: Vec<(String, Option<i64>, String)> = survey_responses::table
            .filter(survey_responses::survey_id.eq(&id))
            .select((
                survey_responses::id,
                survey_responses::member_id,
                survey_responses::channel,
            ))
            .load(&mut *conn)
            .unwrap();
        assert_eq!(rows.len(), 2);
        assert!(rows.iter().all(|(_, member, _)| member.is_none()));
        // Ids are random, not counters that could be lined up with anything.
        assert!(rows.iter().all(|(rid, _, _)| rid.len() == 20));
        // "Has answered" names nobody: no participant row, only keyed
        // marks, which the server (holding the key) can recompute.
        let participants: i64 = survey_participants::table
            .filter(survey_participants::survey_id.eq(&id))
            .count()
            .get_result(&mut *conn)
            .unwrap();
        assert_eq!(participants, 0);
        let mut marks: Vec<String> = votum::db::schema::survey_answer_marks::table
            .filter(votum::db::schema::survey_answer_marks::survey_id.eq(&id))
            .select(votum::db::schema::survey_answer_marks::token)
            .load(&mut *conn)
            .unwrap();
        marks.sort_unstable();
        let key = app.mac_key();
        let mut expected: Vec<String> = [org.chair_a1.id, org.member_a1.id]
            .iter()
            .map(|member| votum::surveys::store::answered_mark(&key, &id, *member))
            .collect();
        expected.sort_unstable();
        assert_eq!(marks, expected);
        assert!(marks
            .iter()
            .all(|m| !m.contains(&org.chair_a1.id.to_string())));
        // No column in the answers table holds a time, and none the member
        // besides the (empty) one for named surveys.
        let sql = match app.backend {
            votum::db::Backend::Sqlite => "SELECT name FROM pragma_table_info('survey_responses')",
            votum::db::Backend::Postgres => {
                "SELECT column_name::text AS name FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = 'survey_responses'"
            }
        };
        #[derive(QueryableByName)]
        struct Column {
            #[diesel(sql_type = diesel::sql_types::Text)]
            name: String,
        }
        let mut columns: Vec<String> = diesel::sql_query(sql)
            .load::<Column>(&mut *conn)
            .unwrap()
            .into_iter()
            .map(|c| c.name)
            .collect();
        columns.sort();
        assert_eq!(
            columns,
            ["answers", "channel", "id", "member_id", "survey_id"]
        );
    }
);

crate::both_backends!(a_member_answers_once_also_concurrently, |app: TestApp| {
    let org = app.with_org();
    let id = create(
        &app,
        &[
            ("anonymous", "on"),
            ("q0_text", "Gut?"),
            ("q0_kind", "yes_no"),
        ],
    );
    assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
    assert_eq!(answer(&app, &id, &[("q0", "yes")]).0, Status::Ok);
    let (status, page) = answer(&app, &id, &[("q0", "no")]);
    assert_eq!(status, Status::Conflict);
    assert!(page.contains("schon beantwortet"));
    // Also a broken second answer hears that it is a second one.
    assert_eq!(answer(&app, &id, &[("q0", "maybe")]).0, Status::Conflict);
    let (_, page) = app.get(&format!("/s/{id}"));
    assert!(page.contains("schon beantwortet") && !page.contains("name=\"q0\""));
    assert_eq!(stored(&app, &id), 1);

    // Eight answers of one member at once: exactly one is stored.
    let survey = votum::surveys::load(&mut app.conn(), &id).unwrap();
    let now = votum::clock::Clock::now(&app.clock);
    let who = votum::surveys::store::Respondent::Member(org.chair_a1.id);
    let answers = vec![votum::surveys::questions::Answer::YesNo(false)];
    let key = app.mac_key();
    let ok = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                s.spawn(|| {
                    let mut conn = app.db.get().unwrap();
                    votum::surveys::store::record(&mut conn, &key, &survey, &who, &answers, now)
                        .unwrap()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap())
            .filter(Result::is_ok)
            .count()
    });
    assert_eq!(ok, 1);
    assert_eq!(stored(&app, &id), 2);
});

crate::both_backends!(
    closed_and_unopened_surveys_refuse_answers,
    |app: TestApp| {
        app.with_org();
        let id = create(
            &app,
            &[
                ("opens_date", "2026-11-24"),
                ("q0_text", "Gut?"),
                ("q0_kind", "yes_no"),
            ],
        );
        assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
        let (_, page) = app.get(&format!("/s/{id}"));
        assert!(page.contains("noch nicht begonnen"));
        let (status, page) = answer(&app, &id, &[("q0", "yes")]);
        assert_eq!(status, Status::UnprocessableEntity);
        assert!(page.contains("noch nicht begonnen"), "{page}");
        app.clock.advance(Duration::days(8));
        // Sessions end meanwhile.
        assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
        let (status, page) = answer(&app, &id, &[("q0", "yes")]);
        assert_eq!(status, Status::UnprocessableEntity);
        assert!(page.contains("Diese Umfrage ist beendet"));
        assert_eq!(stored(&app, &id), 0);
        // A member of another chapter is not asked.
        app.clock.advance(Duration::days(-7));
        app.logout();
        assert_eq!(app.login("member-b1", PASSWORD), Status::SeeOther);
        let (status, page) = answer(&app, &id, &[("q0", "yes")]);
        assert_eq!(status, Status::Forbidden);
        assert!(page.contains("andere Gliederung"));
        assert_eq!(stored(&app, &id), 0);
    }
);

crate::both_backends!(
    bad_input_gets_its_message_and_stores_nothing,
    |app: TestApp| {
        app.with_org();
        let id = create(&app, FIRST);
        let second = create(&app, SECOND);
        assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
        let good: Vec<(&str, &str)> = vec![
            ("q0", "0"),
            ("q1", "0"),
            ("q2", "yes"),
            ("q3", "3"),
            ("q4-o0", "1"),
        ];
        let cases: Vec<BadCase> = vec![
            (
                "q0",
                vec![("q0", "9")],
                "Diese Möglichkeit gibt es in der Frage nicht.",
            ),
            (
                "q1",
                vec![("q1", "0"), ("q1", "1"), ("q1", "2")],
                "Zu viele Kreuze für diese Frage.",
            ),
            (
                "q5",
                vec![("q5", "viel zu lang für zwanzig Zeichen")],
                "Der Text ist zu lang.",
            ),
            (
                "q3",
                vec![("q3", "fünf")],
                "Bitte wählen Sie einen Wert der Skala.",
            ),
            (
                "q2",
                vec![("q2", "vielleicht")],
                "Diese Antwort passt nicht zur Frage.",
            ),
            (
                "q4",
                vec![("q4-o1", "1")],
                "Jeder Rang darf nur einmal vorkommen",
            ),
        ];
        for (question, replace, message) in cases {
            let mut fields: Vec<(&str, &str)> = good
                .iter()
                .filter(|(n, _)| *n != question)
                .copied()
                .collect();
            fields.extend(replace);
            let (status, page) = answer(&app, &id, &fields);
            assert_eq!(status, Status::UnprocessableEntity, "{question}: {page}");
            assert!(page.contains(message), "{question}: {page}");
            assert!(
                page.contains(&format!("id=\"{question}-error\"")),
                "{question}: message at the field"
            );
            assert!(page.contains("<form method=\"post\""), "form shown again");
        }
        let (status, page) = answer(
            &app,
            &second,
            &[("q0", "viele"), ("q1-o0", "yes"), ("q2", "11")],
        );
        assert_eq!(status, Status::UnprocessableEntity);
        assert!(page.contains("Bitte geben Sie eine Zahl ein"));
        assert!(page.contains("Bitte geben Sie für jeden Termin"));
        assert!(page.contains("außerhalb des erlaubten Bereichs"));
        assert_eq!(stored(&app, &id) + stored(&app, &second), 0);
        // English messages exist too.
        let response = app.client.get("/lang/en?back=/").dispatch();
        assert!(response.status().code < 400);
        let (_, page) = answer(&app, &id, &[("q0", "9")]);
        assert!(
            page.contains("This option is not part of the question."),
            "{page}"
        );

        // The set-up form names its mistakes too.
        app.logout();
        assert_eq!(app.login("chair-a1", PASSWORD), Status::SeeOther);
        let response = app.post_form(
            "/surveys/new",
            "/surveys/new",
            &[
                ("title", ""),
                ("group", "ov-b1"),
                ("q0_text", "x"),
                ("q0_kind", "single"),
            ],
        );
        assert_eq!(response.status(), Status::UnprocessableEntity);
        let page = response.into_string().unwrap();
        assert!(page.contains("id=\"title-error\""));
        assert!(page.contains("id=\"slot0-error\""));
    }
);

crate::both_backends!(
    scale_ends_without_labels_show_no_empty_brackets,
    |app: TestApp| {
        app.with_org();
        let id = create(
            &app,
            &[
                ("q0_text", "Wie zufrieden?"),
                ("q0_kind", "scale5"),
                ("q1_text", "Und damit?"),
                ("q1_kind", "scale5"),
                ("q1_low_label", "gar nicht"),
                ("q1_high_label", "sehr"),
            ],
        );
        assert_eq!(app.login("chair-a1", PASSWORD), Status::SeeOther);
        for path in [format!("/s/{id}"), format!("/surveys/{id}/paper")] {
            let (status, page) = app.get(&path);
            assert_eq!(status, Status::Ok, "{path}");
            assert!(!page.contains("()"), "{path}: {page}");
            assert!(page.contains("1 (gar nicht)"), "{path}: {page}");
            assert!(page.contains("5 (sehr)"), "{path}: {page}");
        }
    }
);
