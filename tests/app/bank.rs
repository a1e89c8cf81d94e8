//! Bank details: validated, sealed at rest and bound to the member, shown
//! masked; only a treasurer (in office today) of the member's chapter or
//! above reveals them, and each reveal is logged; keys rotate.

use chrono::NaiveDate;
use diesel::prelude::*;
use rocket::http::Status;
use votum::bank::{self, BankDetails};
use votum::db::models::Office;
use votum::db::schema::{audit_log, ballots, bank_accounts, offices};

use crate::both_backends;
use crate::support::{test_now, TestApp, PASSWORD};

pub fn details(iban: &str) -> BankDetails {
    BankDetails {
        iban: iban.into(),
        bic: "COBADEFFXXX".into(),
        holder: "Konto Inhaber".into(),
        mandate_reference: "MREF-0001".into(),
        mandate_date: "2026-01-15".into(),
    }
}

/// Makes member-a1 (101) treasurer of chapter A1 from 2025 until `until`.
pub fn treasurer_a1(app: &TestApp, until: Option<NaiveDate>) {
    diesel::insert_into(offices::table)
        .values(Office {
            id: 700,
            member_id: 101,
            group_id: 12,
            role: "treasurer".into(),
            starts_on: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
            ends_on: until,
        })
        .execute(&mut *app.conn())
        .unwrap();
}

fn reveal(app: &TestApp, member: i64) -> (Status, String) {
    let response = app.post_form("/profile", &format!("/members/{member}/bank"), &[]);
    let status = response.status();
    (status, response.into_string().unwrap_or_default())
}

both_backends!(
    member_enters_bank_details_validated_and_masked,
    |app: TestApp| {
        app.with_org();
        assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
        let fields = |iban: &'static str| {
            vec![
                ("holder", "Anton Müller"),
                ("iban", iban),
                ("bic", "cobadeffxxx"),
                ("mandate_reference", "MREF-101"),
                ("mandate_date", "2026-01-15"),
            ]
        };
        for bad in [
            "DE88370400440532013000",
            "DE8937040044053201300",
            "XX89370400440532013000",
            "DE89-3704-0044",
        ] {
            let response = app.post_form("/profile/bank", "/profile/bank", &fields(bad));
            assert_eq!(response.status(), Status::UnprocessableEntity, "{bad}");
            let body = response.into_string().unwrap();
            assert!(body.contains("id=\"iban-error\""), "{body}");
            assert!(body.contains("aria-invalid=\"true\""));
        }
        let count: i64 = bank_accounts::table
            .count()
            .get_result(&mut *app.conn())
            .unwrap();
        assert_eq!(count, 0, "bad input stored something");

        let response = app.post_form(
            "/profile/bank",
            "/profile/bank",
            &fields("de89 3704 0044 0532 0130 00"),
        );
        assert_eq!(response.status(), Status::SeeOther);
        let (masked, sealed): (String, String) = bank_accounts::table
            .find(101)
            .select((bank_accounts::iban_masked, bank_accounts::sealed))
            .first(&mut *app.conn())
            .unwrap();
        assert_eq!(masked, "DE•• •••• •••• •••• ••30 00");
        assert!(sealed.starts_with("k1:"));
        assert!(!sealed.contains("DE89"));
        let (_, page) = app.get("/profile/bank");
        assert!(page.contains("DE•• •••• •••• •••• ••30 00"));
        assert!(!page.contains("0532"));
        // Normalised before sealing.
        let opened = bank::open(&mut app.conn(), &app.sealing, 101)
            .unwrap()
            .unwrap();
        assert_eq!(opened.iban, "DE89370400440532013000");
        assert_eq!(opened.bic, "COBADEFFXXX");
    }
);

both_backends!(
    sealed_details_refuse_wrong_key_moved_row_and_flipped_byte,
    |app: TestApp| {
        app.with_org();
        let now = test_now();
        let mut conn = app.conn();
        let original = details("GB82WEST12345698765432");
        bank::store(&mut conn, &app.sealing, 100, &original, None, now).unwrap();
        assert_eq!(
            bank::open(&mut conn, &app.sealing, 100).unwrap().unwrap(),
            original
        );
        // Another key, even under the same id, does not open it.
        let (other, _) = votum_crypto::SealingKey::generate("k1").unwrap();
        assert!(bank::open(&mut conn, &other, 100).is_err());
        // Moved to another member's row: refused.
        let sealed: String = bank_accounts::table
            .find(100)
            .select(bank_accounts::sealed)
            .first(&mut *conn)
            .unwrap();
        bank::store(
            &mut conn,
            &app.sealing,
            103,
            &details("DE89370400440532013000"),
            None,
            now,
        )
        .unwrap();
        diesel::update(bank_accounts::table.find(103))
            .set(bank_accounts::sealed.eq(&sealed))
            .execute(&mut *conn)
            .unwrap();
        assert!(bank::open(&mut conn, &app.sealing, 103).is_err());
        // Any flipped bit of the stored text: refused, never decoded wrongly.
        for position in 3..sealed.len() {
            let mut bytes = sealed.clone().into_bytes();
            bytes[position] ^= 0x01;
            let Ok(text) = String::from_utf8(bytes) else {
                continue;
            };
            diesel::update(bank_accounts::table.find(100))
                .set(bank_accounts::sealed.eq(&text))
                .execute(&mut *conn)
                .unwrap();
            match bank::open(&mut conn, &app.sealing, 100) {
                Err(_) => {}
                Ok(got) => panic!("flip at {position} opened as {got:?}"),
            }
        }
    }
);

both_backends!(
    treasurer_of_a_reveals_a_never_b_and_it_is_logged,
    |app: TestApp| {
        let org = app.with_org();
        let now = test_now();
        {
            let mut conn = app.conn();
            bank::store(
                &mut conn,
                &app.sealing,
                100,
                &details("DE89370400440532013000"),
                None,
                now,
            )
            .unwrap();
            bank::store(
                &mut conn,
                &app.sealing,
                103,
                &details("GB82WEST12345698765432"),
                None,
                now,
            )
            .unwrap();
        }
        treasurer_a1(&app, None);
        // The chair (not treasurer) sees the mask and no reveal button.
        assert_eq!(app.login("chair-a1", PASSWORD), Status::SeeOther);
        let (_, page) = app.get(&format!("/members/{}", org.member_a1.id));
        assert!(!page.contains("/bank\""));
        assert_eq!(reveal(&app, 100).0, Status::Forbidden);
        app.logout();

        assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
        let (status, page) = app.get("/members/100");
        assert_eq!(status, Status::Ok);
        assert!(page.contains("DE•• •••• •••• •••• ••30 00"), "{page}");
        assert!(!page.contains("0532 0130"));
        assert!(page.contains("action=\"/members/100/bank\""));
        let (status, page) = reveal(&app, 100);
        assert_eq!(status, Status::Ok);
        assert!(page.contains("DE89 3704 0044 0532 0130 00"), "{page}");
        // Chapter B: refused, nothing shown, nothing logged as a reveal.
        let (status, page) = reveal(&app, 103);
        assert_eq!(status, Status::Forbidden);
        assert!(!page.contains("GB82"));
        let reveals: Vec<Option<i64>> = audit_log::table
            .filter(audit_log::action.eq("bank_details_revealed"))
            .select(audit_log::member_id)
            .load(&mut *app.conn())
            .unwrap();
        assert_eq!(reveals, vec![Some(100)]);
        // The admin is no treasurer either.
        app.logout();
        assert_eq!(app.login("admin", PASSWORD), Status::SeeOther);
        assert_eq!(reveal(&app, 103).0, Status::Forbidden);
        app.logout();
        // The revealed member sees it in their own log.
        assert_eq!(app.login("chair-a1", PASSWORD), Status::SeeOther);
        let (_, log) = app.get("/profile/log");
        assert!(
            log.contains("Bankverbindung vollständig angezeigt"),
            "{log}"
        );
        assert!(log.contains("Anton Müller"));
    }
);

both_backends!(an_expired_office_gives_no_access, |app: TestApp| {
    app.with_org();
    let now = test_now();
    bank::store(
        &mut app.conn(),
        &app.sealing,
        100,
        &details("DE89370400440532013000"),
        None,
        now,
    )
    .unwrap();
    // The term ended the day before "now".
    treasurer_a1(&app, NaiveDate::from_ymd_opt(2026, 11, 22));
    assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
    assert_eq!(reveal(&app, 100).0, Status::Forbidden);
    let (status, _) = app.get("/members/100");
    assert_eq!(
        status,
        Status::Forbidden,
        "an ended term still reads members"
    );
    let (status, _) = app.get("/members");
    assert_eq!(status, Status::Forbidden);
    // An expired chair office likewise.
    diesel::update(offices::table.find(500))
        .set(offices::ends_on.eq(NaiveDate::from_ymd_opt(2026, 11, 1)))
        .execute(&mut *app.conn())
        .unwrap();
    app.logout();
    assert_eq!(app.login("chair-a1", PASSWORD), Status::SeeOther);
    assert_eq!(app.get("/members").0, Status::Forbidden);
    assert_eq!(app.get("/members/101").0, Status::Forbidden);
    // The last day of the term still counts.
    diesel::update(offices::table.find(500))
        .set(offices::ends_on.eq(NaiveDate::from_ymd_opt(2026, 11, 23)))
        .execute(&mut *app.conn())
        .unwrap();
    assert_eq!(app.get("/members").0, Status::Ok);
});

/// `votum keys rotate` with a new current key and the old one retired.
fn rotate(app: &TestApp, new: &str, old: &str) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    std::process::Command::new(env!("CARGO_BIN_EXE_votum"))
        .args(["keys", "rotate", "--batch", "2"])
        .current_dir(dir.path())
        .env("VOTUM_DATABASE_URL", &app.url)
        .env("VOTUM_DATA_DIR", dir.path())
        .env("VOTUM_SEALING_KEY", new)
        .env("VOTUM_SEALING_KEY_ID", "k2")
        .env("VOTUM_SEALING_RETIRED_KEYS", format!("k1:{old}"))
        .env_remove("VOTUM_CONFIG")
        .output()
        .unwrap()
}

#[test]
fn keys_rotate_reseals_bank_details_and_box_keys_sqlite() {
    keys_rotate(votum::db::Backend::Sqlite);
}

#[test]
fn keys_rotate_reseals_bank_details_and_box_keys_postgres() {
    keys_rotate(votum::db::Backend::Postgres);
}

fn keys_rotate(backend: votum::db::Backend) {
    let (_, old) = votum_crypto::SealingKey::generate("k1").unwrap();
    let old_for_app = old.clone();
    let Some(app) = TestApp::with_settings(backend, move |s| s.sealing_key = old_for_app) else {
        return;
    };
    let org = app.with_org();
    app.with_officers(&org);
    let k1 = votum_crypto::SealingKey::from_base64("k1", &old).unwrap();
    for (member, iban) in [
        (100, "DE89370400440532013000"),
        (101, "FR1420041010050500013M02606"),
        (103, "GB82WEST12345698765432"),
    ] {
        bank::store(
            &mut app.conn(),
            &k1,
            member,
            &details(iban),
            None,
            test_now(),
        )
        .unwrap();
    }
    // A ballot, whose box key the app sealed under k1.
    assert_eq!(app.login("officer-1", PASSWORD), Status::SeeOther);
    let response = app.post_form(
        "/ballots/new",
        "/ballots/new",
        &[
            ("title", "Rotation"),
            ("description", ""),
            ("group", "bund"),
            ("cutoff", "2026-11-01"),
            ("opens_date", "2026-11-24"),
            ("opens_time", "08:00"),
            ("closes_date", "2026-11-30"),
            ("closes_time", "18:00"),
            ("q0_text", "Ja?"),
            ("q0_kind", "yes_no"),
        ],
    );
    assert_eq!(response.status(), Status::SeeOther);
    let box_key: String = ballots::table
        .select(ballots::box_key_sealed)
        .first(&mut *app.conn())
        .unwrap();
    assert!(box_key.starts_with("k1:"));

    let (_, new) = votum_crypto::SealingKey::generate("k2").unwrap();
    let out = rotate(&app, &new, &old);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("bank details: 3 re-sealed, 0 already current"),
        "{stdout}"
    );
    assert!(
        stdout.contains("ballot box keys: 1 re-sealed, 0 already current"),
        "{stdout}"
    );
    // Everything is under k2 and opens without the old key.
    let k2 = votum_crypto::SealingKey::from_base64("k2", &new).unwrap();
    let sealed: Vec<String> = bank_accounts::table
        .select(bank_accounts::sealed)
        .load(&mut *app.conn())
        .unwrap();
    assert!(sealed.iter().all(|s| s.starts_with("k2:")), "{sealed:?}");
    assert_eq!(
        bank::open(&mut app.conn(), &k2, 101).unwrap().unwrap().iban,
        "FR1420041010050500013M02606"
    );
    let (id, box_key): (String, String) = ballots::table
        .select((ballots::id, ballots::box_key_sealed))
        .first(&mut *app.conn())
        .unwrap();
    assert!(k2
        .open(&box_key, &votum::ballots::setup::box_key_context(&id))
        .is_ok());
    // A second run finds nothing to do.
    let out = rotate(&app, &new, &old);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("bank details: 0 re-sealed, 3 already current"),
        "{stdout}"
    );
    // Without the key a value was sealed with, rotation stops and says which.
    bank::store(
        &mut app.conn(),
        &k1,
        102,
        &details("DE89370400440532013000"),
        None,
        test_now(),
    )
    .unwrap();
    let (_, unrelated) = votum_crypto::SealingKey::generate("k1").unwrap();
    let out = rotate(&app, &new, &unrelated);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("bank details of member 102"));
}

both_backends!(
    a_working_group_treasurer_reveals_no_member_of_another_chapter,
    |app: TestApp| {
        // Bank details follow the chapter tree only (rights::Tree::Chapters):
        // member-a1 is treasurer of the working group that member-b1 (of
        // chapter B1) belongs to, and may read the member's record as a
        // board member of the group, but never reveal the IBAN.
        let org = app.with_org();
        let now = test_now();
        {
            let mut conn = app.conn();
            for (member, iban) in [
                (100, "DE89370400440532013000"),
                (103, "GB82WEST12345698765432"),
            ] {
                bank::store(&mut conn, &app.sealing, member, &details(iban), None, now).unwrap();
            }
            votum::members::import::join_groups(
                &mut conn,
                &[votum::db::models::GroupMembership {
                    group_id: org.working_group.id,
                    member_id: org.member_b1.id,
                    since: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
                }],
            )
            .unwrap();
            diesel::insert_into(offices::table)
                .values(Office {
                    id: 701,
                    member_id: org.member_a1.id,
                    group_id: org.working_group.id,
                    role: "treasurer".into(),
                    starts_on: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
                    ends_on: None,
                })
                .execute(&mut *conn)
                .unwrap();
        }
        assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
        let (status, page) = app.get("/members/103");
        assert_eq!(status, Status::Ok, "the group's board reads its members");
        assert!(!page.contains("action=\"/members/103/bank\""), "{page}");
        let (status, page) = reveal(&app, 103);
        assert_eq!(status, Status::Forbidden);
        assert!(!page.contains("GB82"));
        app.logout();

        // The same person as treasurer of chapter A1 still reveals A1's
        // members, and still not the working group's member of B1.
        treasurer_a1(&app, None);
        assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
        let (status, page) = reveal(&app, 100);
        assert_eq!(status, Status::Ok);
        assert!(page.contains("DE89 3704 0044 0532 0130 00"), "{page}");
        assert_eq!(reveal(&app, 103).0, Status::Forbidden);
        let reveals: i64 = audit_log::table
            .filter(audit_log::action.eq("bank_details_revealed"))
            .count()
            .get_result(&mut *app.conn())
            .unwrap();
        assert_eq!(reveals, 1);
    }
);
