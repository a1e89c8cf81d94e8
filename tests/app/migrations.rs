//! Migrations apply on both backends, twice without harm, and create the
//! same tables.

use diesel::prelude::*;
use diesel::sql_types::Text;

use crate::both_backends;
use crate::support::TestApp;

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

both_backends!(migrations_apply_and_are_idempotent, |app: TestApp| {
    let mut conn = app.conn();
    // The app applied them at start; a second run has nothing to do.
    let again = votum::db::migrate(&mut conn).unwrap();
    assert!(again.is_empty(), "{again:?}");
    let sql = match app.backend {
        votum::db::Backend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__diesel%' ORDER BY name"
        }
        votum::db::Backend::Postgres => {
            "SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name NOT LIKE '__diesel%' ORDER BY table_name"
        }
    };
    let mut tables: Vec<String> = diesel::sql_query(sql)
        .load::<Name>(&mut *conn)
        .unwrap()
        .into_iter()
        .map(|n| n.name)
        .collect();
    // Byte order, whatever the database's collation.
    tables.sort();
    assert_eq!(
        tables,
        [
            "accounts",
            "act_details",
            "audit_log",
            "ballot_boxes",
            "ballot_questions",
            "ballot_results",
            "ballots",
            "bank_accounts",
            "box_entries",
            "consents",
            "contact_runs",
            "credential_imports",
            "credentials",
            "electors",
            "email_confirmations",
            "group_memberships",
            "group_tree",
            "groups",
            "member_changes",
            "member_scopes",
            "members",
            "officer_acts",
            "offices",
            "outbox",
            "password_resets",
            "postal_votes",
            "rate_limits",
            "sessions",
            "survey_answer_marks",
            "survey_browsers",
            "survey_codes",
            "survey_participants",
            "survey_policies",
            "survey_questions",
            "survey_responses",
            "surveys",
            "tallies",
            "tally_partials",
            "trustee_ceremonies",
            "trustees"
        ]
    );
});

#[test]
fn both_backends_have_the_same_migrations() {
    let names = |dir: &str| {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    assert_eq!(names("migrations/sqlite"), names("migrations/postgres"));
}
