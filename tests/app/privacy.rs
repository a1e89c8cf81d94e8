//! Data protection: the export holds every table's rows about the member
//! (the test enumerates the database's tables, so a new table without
//! export coverage fails it); erasure leaves no personal data anywhere and
//! results unchanged; every chair view is in the member's own log.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text};
use rocket::http::Status;
use serde_json::Value;
use votum::db::models::{GroupMembership, Office, PasswordReset};
use votum::db::schema::{
    ballot_results, ballots, electors, officer_acts, offices, password_resets,
};

use crate::both_backends;
use crate::lifecycle::{four_eyes, set_up, vote};
use crate::support::{test_now, TestApp, PASSWORD};

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct Cell {
    #[diesel(sql_type = Nullable<Text>)]
    value: Option<String>,
}

fn tables(app: &TestApp) -> Vec<String> {
    let sql = match app.backend {
        votum::db::Backend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__diesel%'"
        }
        votum::db::Backend::Postgres => {
            "SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name NOT LIKE '__diesel%'"
        }
    };
    diesel::sql_query(sql)
        .load::<Name>(&mut *app.conn())
        .unwrap()
        .into_iter()
        .map(|n| n.name)
        .collect()
}

fn columns(app: &TestApp, table: &str) -> Vec<String> {
    let sql = match app.backend {
        votum::db::Backend::Sqlite => format!("SELECT name FROM pragma_table_info('{table}')"),
        votum::db::Backend::Postgres => format!(
            "SELECT column_name::text AS name FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = '{table}'"
        ),
    };
    diesel::sql_query(sql)
        .load::<Name>(&mut *app.conn())
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect()
}

/// Every value of every column of every table, as text.
fn all_text(app: &TestApp) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for table in tables(app) {
        for column in columns(app, &table) {
            let sql = format!("SELECT CAST({column} AS TEXT) AS value FROM {table}");
            for cell in diesel::sql_query(sql)
                .load::<Cell>(&mut *app.conn())
                .unwrap()
            {
                if let Some(value) = cell.value {
                    out.push((format!("{table}.{column}"), value));
                }
            }
        }
    }
    out
}

fn count_for(app: &TestApp, table: &str, member: i64) -> i64 {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    diesel::sql_query(format!(
        "SELECT COUNT(*) AS n FROM {table} WHERE member_id = {member}"
    ))
    .get_result::<Count>(&mut *app.conn())
    .unwrap()
    .n
}

/// Gives member-a1 (101) rows in every table that can hold something
/// about a member, the way the app makes them where it can.
fn fill_everything_for_member_a1(app: &TestApp) {
    let now = test_now();
    {
        let mut conn = app.conn();
        let conn = &mut *conn;
        diesel::insert_into(offices::table)
            .values(Office {
                id: 710,
                member_id: 101,
                group_id: 30,
                role: "secretary".into(),
                starts_on: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
                ends_on: None,
            })
            .execute(conn)
            .unwrap();
        votum::members::import::join_groups(
            conn,
            &[GroupMembership {
                group_id: 30,
                member_id: 101,
                since: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
            }],
        )
        .unwrap();
        votum::members::scopes::refresh(conn, &[101]).unwrap();
        diesel::insert_into(password_resets::table)
            .values(PasswordReset {
                token_digest: "d".repeat(43),
                member_id: Some(101),
                account_id: None,
                expires_at: now,
            })
            .execute(conn)
            .unwrap();
        diesel::insert_into(ballots::table)
            .values((
                ballots::id.eq("b-export"),
                ballots::group_id.eq(1),
                ballots::title.eq("T"),
                ballots::description.eq(""),
                ballots::cutoff_date.eq(now.date()),
                ballots::opens_at.eq(now),
                ballots::closes_at.eq(now),
                ballots::revote_allowed.eq(false),
                ballots::shuffle_options.eq(false),
                ballots::status.eq("open"),
                ballots::box_public_key.eq("x"),
                ballots::box_key_sealed.eq("x"),
                ballots::created_at.eq(now),
            ))
            .execute(conn)
            .unwrap();
        diesel::insert_into(electors::table)
            .values((
                electors::ballot_id.eq("b-export"),
                electors::member_id.eq(101),
                electors::channel.eq("portal"),
                electors::issued.eq(false),
            ))
            .execute(conn)
            .unwrap();
        let admin: i64 = votum::db::schema::accounts::table
            .filter(votum::db::schema::accounts::login.eq("admin"))
            .select(votum::db::schema::accounts::id)
            .first(conn)
            .unwrap();
        diesel::insert_into(officer_acts::table)
            .values((
                officer_acts::id.eq(9),
                officer_acts::ballot_id.eq("b-export"),
                officer_acts::act.eq("reissue_credential"),
                officer_acts::member_id.eq(Some(101)),
                officer_acts::requested_by.eq(admin),
                officer_acts::requested_at.eq(now),
            ))
            .execute(conn)
            .unwrap();
        votum::bank::store(
            conn,
            &app.sealing,
            101,
            &crate::bank::details("DE89370400440532013000"),
            None,
            now,
        )
        .unwrap();
    }
    // A named survey of the chair, answered by member 101 online and
    // invited by letter (rows as the surveys module writes them).
    {
        use diesel::connection::SimpleConnection;
        let mut conn = app.conn();
        let owner: i64 = votum::db::schema::accounts::table
            .filter(votum::db::schema::accounts::login.eq("chair-a1"))
            .select(votum::db::schema::accounts::id)
            .first(&mut *conn)
            .unwrap();
        conn.batch_execute(&format!(
            "INSERT INTO surveys (id, group_id, owner_account_id, title, description, audience, \
               opens_at, closes_at, anonymous, results, created_at) VALUES \
               ('s-privacy', 12, {owner}, 'Grillfest', '', 'group', '2026-11-01 00:00:00', \
                '2026-12-31 00:00:00', FALSE, 'during', '2026-11-01 00:00:00'); \
             INSERT INTO survey_participants (survey_id, member_id, channel) VALUES ('s-privacy', 101, 'portal'); \
             INSERT INTO survey_codes (survey_id, code_digest, member_id, used) VALUES ('s-privacy', 'digest', 101, FALSE); \
             INSERT INTO survey_responses (survey_id, id, member_id, channel, answers) VALUES \
               ('s-privacy', 'r-1', 101, 'portal', '[]');"
        ))
        .unwrap();
    }
    // A chair's look (audit log), then the member's own changes.
    assert_eq!(app.login("chair-a1", PASSWORD), Status::SeeOther);
    assert_eq!(app.get("/members/101").0, Status::Ok);
    app.logout();
    assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
    let edit = [
        ("address_extra", ""),
        ("street", "Lindenweg"),
        ("house_number", "7a"),
        ("postcode", "10117"),
        ("city", "Berlin"),
        ("country", "de"),
        ("phone", "+49 30 1234567"),
        ("channel", "online"),
        ("language", "de"),
    ];
    let response = app.post_form("/profile/edit", "/profile/edit", &edit);
    assert_eq!(response.status(), Status::SeeOther);
    let response = app.post_form(
        "/profile/edit",
        "/profile/email",
        &[("email", "anton@example.net")],
    );
    assert_eq!(response.status(), Status::SeeOther);
    let response = app.post_form(
        "/profile/edit",
        "/profile/consents",
        &[("newsletter", "true"), ("public_office", "true")],
    );
    assert_eq!(response.status(), Status::SeeOther);
}

both_backends!(export_covers_every_table_of_the_schema, |app: TestApp| {
    app.with_org();
    fill_everything_for_member_a1(&app);
    let (status, page) = app.get("/profile/export");
    assert_eq!(status, Status::Ok);
    assert!(page.contains("Lindenweg"));
    assert!(page.contains("DE•• •••• •••• •••• ••30 00"));
    // The page is for people: topics with German headings, names for
    // groups and offices, dates as people write them; no table names, no
    // ids, no ISO or sub-second times.
    for heading in [
        "Ihre Angaben",
        "Gliederungen und Arbeitsgemeinschaften",
        "Ämter",
        "Zugang zum Portal",
        "Einwilligungen",
        "Bankverbindung",
        "Abstimmungen",
        "Umfragen",
        "E-Mails an Sie",
        "Wer hat Ihre Daten angesehen?",
    ] {
        assert!(
            page.contains(&format!(">{heading}</h2>")),
            "{heading}: {page}"
        );
    }
    assert!(
        page.contains("Schriftführung"),
        "office by its name: {page}"
    );
    assert!(page.contains("Ersatzbrief (neuer Code)"), "{page}");
    assert!(page.contains("01.01.2025"), "German dates: {page}");
    let body = page.split("<main").nth(1).unwrap_or(&page);
    for machine in [
        "member_id",
        "group_id",
        "officer_acts",
        "audit_log",
        "2025-01-01",
        "\"id\"",
    ] {
        assert!(!body.contains(machine), "{machine} on the page: {body}");
    }
    let long_number = body
        .split(|c: char| !c.is_ascii_digit())
        .find(|digits| digits.len() >= 12);
    assert_eq!(long_number, None, "an id-like number on the page");
    let response = app.client.get("/profile/export.json").dispatch();
    assert_eq!(response.status(), Status::Ok);
    assert!(response
        .headers()
        .get_one("Content-Disposition")
        .unwrap()
        .contains("attachment"));
    let export: Value = serde_json::from_str(&response.into_string().unwrap()).unwrap();
    let exported = export["tables"].as_object().unwrap();
    let unrelated = export["not_about_members"].as_object().unwrap();
    for table in tables(&app) {
        assert!(
            exported.contains_key(&table) ^ unrelated.contains_key(&table),
            "table {table} is neither exported nor declared unrelated to members"
        );
        if columns(&app, &table).iter().any(|c| c == "member_id") {
            let in_db = count_for(&app, &table, 101);
            assert!(
                in_db > 0,
                "the test gives member 101 no row in {table}: extend fill_everything_for_member_a1"
            );
            let rows = exported
                .get(&table)
                .and_then(Value::as_array)
                .unwrap_or_else(|| panic!("{table} has a member_id column but is not exported"));
            let in_export = rows.iter().filter(|r| r["member_id"] == 101).count();
            assert_eq!(in_export as i64, in_db, "rows of {table}");
        }
    }
    // The tables keyed by account or address are there too.
    assert!(!exported["sessions"].as_array().unwrap().is_empty());
    assert!(!exported["accounts"].as_array().unwrap().is_empty());
    assert!(exported["outbox"].to_string().contains("anton@example.net"));
    // Who viewed: the chair's view is in the export, and the export itself.
    let audit = exported["audit_log"].to_string();
    assert!(audit.contains("member_viewed"));
    assert!(audit.contains("data_exported"));
    // Never a secret: no password hash, no sealed value, no token digest.
    let text = export.to_string();
    assert!(!text.contains("$argon2"));
    assert!(!text.contains("k1:"));
    assert!(!text.contains(&"d".repeat(43)));
});

both_backends!(
    erasure_leaves_no_personal_data_and_results_unchanged,
    |app: TestApp| {
        let org = app.with_org();
        app.with_officers(&org);
        // A ballot member-a1 votes in, counted and published.
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
        vote(&app, "member-a1", &ballot, &[("q0", "yes")]);
        vote(&app, "chair-a1", &ballot, &[("q0", "no")]);
        vote(&app, "member-b1", &ballot, &[("q0", "yes")]);
        four_eyes(&app, &ballot, "close");
        four_eyes(&app, &ballot, "tally");
        four_eyes(&app, &ballot, "publish");
        fill_everything_for_member_a1(&app);
        // The member asks for erasure; the admins see the request.
        let response = app.post_form("/profile/export", "/profile/erasure", &[]);
        assert_eq!(response.status(), Status::SeeOther);
        app.logout();
        assert_eq!(app.login("admin", PASSWORD), Status::SeeOther);
        let (_, requests) = app.get("/admin/erasures");
        assert!(requests.contains("/admin/members/101/erase"), "{requests}");
        app.logout();

        let result = |app: &TestApp| -> (String, Option<String>, i64) {
            let (r, rec): (String, Option<String>) = ballot_results::table
                .find(&ballot)
                .select((ballot_results::result, ballot_results::record))
                .first(&mut *app.conn())
                .unwrap();
            let electorate: i64 = electors::table
                .filter(electors::ballot_id.eq(&ballot))
                .count()
                .get_result(&mut *app.conn())
                .unwrap();
            (r, rec, electorate)
        };
        let before = result(&app);

        // Refused without the right confirmation; nothing changes.
        assert_eq!(app.login("admin", PASSWORD), Status::SeeOther);
        let page = "/admin/members/101/erase";
        let response = app.post_form(page, page, &[("confirm", "1000100")]);
        assert_eq!(response.status(), Status::UnprocessableEntity);
        assert!(all_text(&app).iter().any(|(_, v)| v.contains("Müller")));
        let response = app.post_form(page, page, &[("confirm", "1000101")]);
        assert_eq!(response.status(), Status::SeeOther);
        let (_, requests) = app.get("/admin/erasures");
        assert!(!requests.contains("/admin/members/101/erase"));

        // Results, the signed record and the electorate's size are as
        // before, and the record still verifies.
        let after = result(&app);
        assert!(after.1.is_some());
        assert_eq!(after, before);
        let record =
            votum_ballots::record::v2::Record::from_json(after.1.unwrap().as_bytes()).unwrap();
        votum_ballots::record::v2::verify(&record).unwrap();
        // Answers to named surveys stay counted without the name.
        let named: i64 = votum::db::schema::survey_responses::table
            .filter(votum::db::schema::survey_responses::member_id.eq(101))
            .count()
            .get_result(&mut *app.conn())
            .unwrap();
        let kept: i64 = votum::db::schema::survey_responses::table
            .count()
            .get_result(&mut *app.conn())
            .unwrap();
        assert_eq!((named, kept), (0, 1));
        // Nothing personal of member 101 is left in any table.
        let number: String = votum::db::schema::members::table
            .find(101)
            .select(votum::db::schema::members::membership_number)
            .first(&mut *app.conn())
            .unwrap();
        assert!(number.starts_with("X-"), "{number}");
        let personal = [
            "1000101@",
            "Anton",
            "Müller",
            "mueller",
            "1000101@example.org",
            "anton@example.net",
            "+49 30 1234567",
            "Lindenweg",
            "member-a1",
            "••30 00",
        ];
        for (place, value) in all_text(&app) {
            for needle in personal {
                assert!(
                    !value.contains(needle),
                    "{place} still holds {needle:?}: {value}"
                );
            }
        }
        // The member cannot sign in any more; the erasure is in the log.
        assert_ne!(app.login("member-a1", PASSWORD), Status::SeeOther);
        let erased: i64 = votum::db::schema::audit_log::table
            .filter(votum::db::schema::audit_log::action.eq("member_erased"))
            .filter(votum::db::schema::audit_log::member_id.eq(101))
            .count()
            .get_result(&mut *app.conn())
            .unwrap();
        assert_eq!(erased, 1);
    }
);

both_backends!(
    every_chair_view_is_in_the_members_own_log,
    |app: TestApp| {
        app.with_org();
        assert_eq!(app.login("chair-a1", PASSWORD), Status::SeeOther);
        assert_eq!(app.get("/members").0, Status::Ok);
        assert_eq!(app.get("/members?q=M%C3%BCller").0, Status::Ok);
        assert_eq!(app.get("/members/101").0, Status::Ok);
        assert_eq!(app.get("/members/export.csv").0, Status::Ok);
        app.logout();
        let views: i64 = votum::db::schema::audit_log::table
            .filter(votum::db::schema::audit_log::member_id.eq(101))
            .count()
            .get_result(&mut *app.conn())
            .unwrap();
        assert_eq!(
            views, 4,
            "list, search, detail and export each leave an entry"
        );

        assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
        let (_, log) = app.get("/profile/log");
        assert_eq!(log.matches("Clara Vorsitz").count(), 4, "{log}");
        assert_eq!(log.matches("In der Mitgliederliste angezeigt").count(), 2);
        assert!(log.contains("Mitgliedsakte angesehen"));
        assert!(log.contains("In einer Mitgliederliste heruntergeladen"));
        let (_, profile) = app.get("/profile");
        assert_eq!(profile.matches("Clara Vorsitz").count(), 4, "{profile}");
        // A member of another state saw nothing of 101 and is in no entry.
        assert!(!log.contains("Bruno"));
        // Admins read the same entries, actors named, narrowed to the member.
        app.logout();
        assert_eq!(app.login("admin", PASSWORD), Status::SeeOther);
        let (status, audit) = app.get("/admin/audit?member=101");
        assert_eq!(status, Status::Ok);
        assert!(audit.contains("Clara Vorsitz") && audit.contains("Mitgliedsakte angesehen"));
        assert!(
            !audit.contains("Mitgliederliste angesehen"),
            "entries about others shown"
        );
    }
);
