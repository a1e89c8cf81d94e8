//! `TestApp`: the portal on a fresh database of either backend, a fixed
//! clock, a small organisation, and a tracked client.

use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::connection::SimpleConnection;
use rocket::figment::providers::Serialized;
use rocket::figment::Figment;
use rocket::http::{ContentType, Status};
use rocket::local::blocking::{Client, LocalResponse};

use votum::clock::FixedClock;
use votum::config::Settings;
use votum::db::models::{Group, Member, Office};
use votum::db::{Backend, Db, DbConn};

/// Where a test's database lives; removed when the test ends.
enum Store {
    Sqlite { _dir: tempfile::TempDir },
    Postgres { admin_url: String, schema: String },
}

impl Drop for Store {
    fn drop(&mut self) {
        if let Store::Postgres { admin_url, schema } = self {
            if let Ok(mut conn) = votum::db::connect(admin_url) {
                let _ = conn.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
            }
        }
    }
}

/// The PostgreSQL server for tests: `VOTUM_TEST_POSTGRES`, default the local
/// server CI provides. `off` skips the PostgreSQL variants. When the server
/// cannot be reached, the variant fails under CI or with an explicit URL,
/// and is skipped with a message on a developer machine without one.
fn postgres_url() -> Option<String> {
    let explicit = std::env::var("VOTUM_TEST_POSTGRES").ok();
    let url = explicit
        .clone()
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/test".into());
    if url == "off" {
        return None;
    }
    match votum::db::connect(&url) {
        Ok(_) => Some(url),
        Err(e) if explicit.is_some() || std::env::var("CI").is_ok() => {
            panic!("PostgreSQL at {url} is required for this test: {e}")
        }
        Err(e) => {
            eprintln!(
                "skipping PostgreSQL variant: {url} unreachable ({e}); set VOTUM_TEST_POSTGRES"
            );
            None
        }
    }
}

/// 2026-11-23 10:00 UTC, the tests' "now".
pub fn test_now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 23)
        .and_then(|d| d.and_hms_opt(10, 0, 0))
        .unwrap()
}

pub struct TestApp {
    pub client: Client,
    /// The database URL, for tests that open their own pools.
    pub url: String,
    pub db: Db,
    pub clock: FixedClock,
    pub backend: Backend,
    /// The app's key for secrets at rest (ballot box keys).
    pub sealing: Arc<votum_crypto::seal::SealingKey>,
    _store: Store,
}

pub const PASSWORD: &str = "correct horse battery";

impl TestApp {
    /// A fresh app, or `None` when the backend is unavailable here.
    pub fn new(backend: Backend) -> Option<TestApp> {
        TestApp::with_settings(backend, |_| {})
    }

    pub fn with_settings(backend: Backend, adjust: impl FnOnce(&mut Settings)) -> Option<TestApp> {
        TestApp::build(backend, adjust, |_, _| {})
    }

    /// The app on a database that `prepare` fills first (given its URL).
    pub fn build(
        backend: Backend,
        adjust: impl FnOnce(&mut Settings),
        prepare: impl FnOnce(&str, &votum_crypto::seal::SealingKey),
    ) -> Option<TestApp> {
        let (url, store) = match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                let url = dir.path().join("votum.sqlite").display().to_string();
                (url, Store::Sqlite { _dir: dir })
            }
            Backend::Postgres => {
                let admin_url = postgres_url()?;
                let schema = format!("t{}", votum_crypto::random_id().unwrap());
                votum::db::connect(&admin_url)
                    .unwrap()
                    .batch_execute(&format!("CREATE SCHEMA {schema}"))
                    .unwrap();
                let sep = if admin_url.contains('?') { '&' } else { '?' };
                let url = format!("{admin_url}{sep}options=-csearch_path%3D{schema}");
                (url, Store::Postgres { admin_url, schema })
            }
        };
        let sealing_key = base64_key();
        let sealing = votum_crypto::seal::SealingKey::from_base64("k1", &sealing_key).unwrap();
        prepare(&url, &sealing);
        let data_dir = tempfile::tempdir().unwrap();
        let mut settings = Settings {
            database_url: url.clone(),
            sealing_key: sealing_key.clone(),
            database_pool_size: 8,
            data_dir: data_dir.path().display().to_string(),
            ..Settings::default()
        };
        adjust(&mut settings);
        let figment = Figment::from(rocket::Config::debug_default())
            .merge(Serialized::defaults(settings))
            .merge(("log_level", "off"))
            .merge(("secret_key", base64_key()));
        let clock = FixedClock::at(test_now());
        let rocket = votum::rocket_with(figment, Arc::new(clock.clone())).unwrap();
        let client = Client::tracked(rocket).unwrap();
        let db = Db::open(&url, 4).unwrap();
        // The data dir only held the generated key; keep it alive with the store.
        std::mem::forget(data_dir);
        Some(TestApp {
            client,
            url,
            db,
            clock,
            backend,
            sealing: Arc::new(
                votum_crypto::seal::SealingKey::from_base64("k1", &sealing_key).unwrap(),
            ),
            _store: store,
        })
    }

    /// The app's secret key for keyed tags (CSRF, survey answer marks).
    pub fn mac_key(&self) -> votum_crypto::MacKey {
        self.client
            .rocket()
            .state::<votum::app::App>()
            .unwrap()
            .key
            .clone()
    }

    pub fn conn(&self) -> impl std::ops::DerefMut<Target = DbConn> + '_ {
        self.db.get().unwrap()
    }

    /// The CSRF token of the form on `path`.
    pub fn csrf(&self, path: &str) -> String {
        let body = self.client.get(path).dispatch().into_string().unwrap();
        hidden_value(&body, "csrf").unwrap_or_else(|| panic!("no csrf field on {path}"))
    }

    /// Posts a form with a valid CSRF token taken from `form_page`.
    pub fn post_form(
        &self,
        form_page: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> LocalResponse<'_> {
        let token = self.csrf(form_page);
        let mut all = vec![("csrf", token.as_str())];
        all.extend_from_slice(fields);
        self.client
            .post(action.to_owned())
            .header(ContentType::Form)
            .body(encode(&all))
            .dispatch()
    }

    pub fn login(&self, login: &str, password: &str) -> Status {
        let r = self.post_form(
            "/login",
            "/login",
            &[("login", login), ("password", password)],
        );
        let st = r.status();
        if std::env::var("DBG").is_ok() {
            eprintln!("{}", r.into_string().unwrap_or_default());
        }
        st
    }

    pub fn logout(&self) {
        let response = self.post_form("/", "/logout", &[]);
        assert_eq!(response.status(), Status::SeeOther);
    }

    pub fn get(&self, path: &str) -> (Status, String) {
        let response = self.client.get(path.to_owned()).dispatch();
        let status = response.status();
        (status, response.into_string().unwrap_or_default())
    }
}

pub fn encode(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{k}={}", rocket::http::RawStr::new(v).percent_encode()))
        .collect::<Vec<_>>()
        .join("&")
}

/// The value of the form field `name` as the browser would submit it.
pub fn hidden_value(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(unescape(&html[start..end]))
}

/// The text of the page's first `<code class="tracking">` (a voting code
/// or tracking code), unescaped.
pub fn tracking_code(html: &str) -> String {
    let marker = "<code class=\"tracking\">";
    let start = html.find(marker).expect("no tracking code on the page") + marker.len();
    let end = html[start..].find('<').unwrap() + start;
    unescape(&html[start..end])
}

/// Undoes Handlebars' HTML escaping (codes may contain `=`, shown as
/// `&#x3D;`).
pub fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#x60;", "`")
        .replace("&#x3D;", "=")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn base64_key() -> String {
    votum_crypto::MacKey::generate().unwrap().1
}

/// A small organisation: federal > state A > district A > chapters A1, A2;
/// federal > state B > chapter B1; a working group under federal.
pub struct Org {
    pub federal: Group,
    pub state_a: Group,
    pub chapter_a1: Group,
    pub chapter_a2: Group,
    pub state_b: Group,
    pub chapter_b1: Group,
    pub working_group: Group,
    /// Chair of chapter A1 (login "chair-a1").
    pub chair_a1: Member,
    /// Plain members.
    pub member_a1: Member,
    pub member_a2: Member,
    pub member_b1: Member,
}

fn group(id: i64, parent: Option<i64>, kind: &str, name: &str, slug: &str) -> Group {
    Group {
        id,
        parent_id: parent,
        kind: kind.into(),
        name: name.into(),
        slug: slug.into(),
    }
}

pub fn member(id: i64, number: &str, first: &str, last: &str, chapter: i64) -> Member {
    let sort_key = votum::members::query::sort_key(first, last);
    Member {
        id,
        membership_number: number.into(),
        first_name: first.into(),
        last_name: last.into(),
        address_extra: None,
        street: "Hauptstraße".into(),
        house_number: "1".into(),
        postcode: "10115".into(),
        city: "Berlin".into(),
        country: "DE".into(),
        email: Some(format!("{number}@example.org")),
        phone: None,
        birth_date: NaiveDate::from_ymd_opt(1970, 5, 1).unwrap(),
        join_date: NaiveDate::from_ymd_opt(2000, 1, 1).unwrap(),
        status: "active".into(),
        channel: "online".into(),
        language: "de".into(),
        chapter_id: chapter,
        sort_key,
    }
}

impl TestApp {
    /// Builds the small organisation with accounts "admin", "chair-a1",
    /// "member-a1" and "member-b1", all with [`PASSWORD`].
    pub fn with_org(&self) -> Org {
        use diesel::prelude::*;
        use votum::db::schema::offices;
        let mut conn = self.conn();
        let conn = &mut *conn;
        let federal = group(1, None, "federal", "Bundesverband", "bund");
        let state_a = group(10, Some(1), "state", "Landesverband A", "lv-a");
        let district_a = group(11, Some(10), "district", "Kreisverband A", "kv-a");
        let chapter_a1 = group(12, Some(11), "local", "Ortsverband A1", "ov-a1");
        let chapter_a2 = group(13, Some(11), "local", "Ortsverband A2", "ov-a2");
        let state_b = group(20, Some(1), "state", "Landesverband B", "lv-b");
        let chapter_b1 = group(21, Some(20), "local", "Ortsverband B1", "ov-b1");
        let working_group = group(30, Some(1), "working_group", "AG Digitales", "ag-digitales");
        for g in [
            &federal,
            &state_a,
            &district_a,
            &chapter_a1,
            &chapter_a2,
            &state_b,
            &chapter_b1,
            &working_group,
        ] {
            votum::groups::insert(conn, g).unwrap();
        }
        let chair_a1 = member(100, "1000100", "Clara", "Vorsitz", 12);
        let member_a1 = member(101, "1000101", "Anton", "Müller", 12);
        let member_a2 = member(102, "1000102", "Berta", "Meier", 13);
        let member_b1 = member(103, "1000103", "Bruno", "Schulz", 21);
        votum::members::import::insert_members(
            conn,
            &[
                chair_a1.clone(),
                member_a1.clone(),
                member_a2.clone(),
                member_b1.clone(),
            ],
        )
        .unwrap();
        diesel::insert_into(offices::table)
            .values(Office {
                id: 500,
                member_id: 100,
                group_id: 12,
                role: "chair".into(),
                starts_on: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
                ends_on: None,
            })
            .execute(conn)
            .unwrap();
        let password = votum_crypto::SecretString::new(PASSWORD.into());
        let now = test_now();
        votum::auth::create_account(conn, "admin", None, &password, true, now).unwrap();
        votum::auth::create_account(conn, "chair-a1", Some(100), &password, false, now).unwrap();
        votum::auth::create_account(conn, "member-a1", Some(101), &password, false, now).unwrap();
        votum::auth::create_account(conn, "member-b1", Some(103), &password, false, now).unwrap();
        Org {
            federal,
            state_a,
            chapter_a1,
            chapter_a2,
            state_b,
            chapter_b1,
            working_group,
            chair_a1,
            member_a1,
            member_a2,
            member_b1,
        }
    }
}

impl TestApp {
    /// Two returning officers of the federal group, with accounts
    /// "officer-1" and "officer-2"; returns their account ids.
    pub fn with_officers(&self, org: &Org) -> [i64; 2] {
        use diesel::prelude::*;
        use votum::db::schema::offices;
        let mut conn = self.conn();
        let conn = &mut *conn;
        let now = test_now();
        let password = votum_crypto::SecretString::new(PASSWORD.into());
        let mut accounts = Vec::new();
        for (n, id) in [(1, 200), (2, 201)] {
            let m = member(
                id,
                &format!("1000{id}"),
                "Olga",
                &format!("Wahlleitung{n}"),
                org.chapter_b1.id,
            );
            votum::members::import::insert_members(conn, &[m]).unwrap();
            diesel::insert_into(offices::table)
                .values(Office {
                    id: 600 + id,
                    member_id: id,
                    group_id: org.federal.id,
                    role: "returning_officer".into(),
                    starts_on: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
                    ends_on: None,
                })
                .execute(conn)
                .unwrap();
            accounts.push(
                votum::auth::create_account(
                    conn,
                    &format!("officer-{n}"),
                    Some(id),
                    &password,
                    false,
                    now,
                )
                .unwrap(),
            );
        }
        [accounts[0], accounts[1]]
    }

    /// The open (unconfirmed) officer request of a ballot.
    pub fn pending_act(&self, ballot: &str) -> i64 {
        use diesel::prelude::*;
        use votum::db::schema::officer_acts;
        officer_acts::table
            .filter(officer_acts::ballot_id.eq(ballot))
            .filter(officer_acts::confirmed_by.is_null())
            .select(officer_acts::id)
            .first(&mut *self.conn())
            .unwrap()
    }
}

/// Runs a test body once on SQLite and once on PostgreSQL:
/// `both_backends!(name, |app: TestApp| { ... });`
#[macro_export]
macro_rules! both_backends {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            fn run(backend: votum::db::Backend) {
                if let Some(app) = $crate::support::TestApp::new(backend) {
                    let body: fn($crate::support::TestApp) = $body;
                    body(app);
                }
            }

            #[test]
            fn sqlite() {
                run(votum::db::Backend::Sqlite);
            }

            #[test]
            fn postgres() {
                run(votum::db::Backend::Postgres);
            }
        }
    };
}

/// One trustee of a ceremony run in-process by [`run_ceremony`]: the keys a
/// real trustee keeps in its private file, for partial decryptions.
pub struct TestTrustee {
    #[allow(dead_code)] // for partial decryptions in the tally's tests
    pub identity: votum_crypto::threshold::TrusteeIdentity,
    pub share: votum_crypto::threshold::TrusteeShare,
}

/// Runs the trustees' key ceremony of the draft ballot `ballot` in-process:
/// `n` trustees with threshold `t`, keys from seeded scalars (reproducible),
/// every file uploaded through `trustees::ceremony` as the trustees' links
/// would. Afterwards `trustees::ceremony::election_key` is `Some` and an
/// encrypted ballot can open. Returns the trustees in index order.
pub fn run_ceremony(conn: &mut DbConn, ballot: &str, n: u32, t: u32) -> Vec<TestTrustee> {
    use votum::ballots::trustees::ceremony;
    use votum_crypto::group::SeededScalars;
    use votum_crypto::threshold::{self, files, TrusteeIdentity};
    let now = test_now();
    let ids: Vec<i64> = (1..=n)
        .map(|i| {
            let token = ceremony::add_trustee(conn, ballot, &format!("Treuhand {i}"), "", 0, now)
                .unwrap()
                .unwrap();
            ceremony::trustee_by_token(conn, token.expose())
                .unwrap()
                .unwrap()
                .0
        })
        .collect();
    ceremony::start(conn, ballot, &t.to_string(), 0, now)
        .unwrap()
        .unwrap();
    let file = ceremony::load(conn, ballot).unwrap().file.unwrap();
    let mut source = SeededScalars::new(format!("test ceremony {ballot}").as_bytes());
    let identities: Vec<TrusteeIdentity> = (0..n)
        .map(|_| TrusteeIdentity::generate(&mut source).unwrap())
        .collect();
    let upload = |conn: &mut DbConn, id: i64, json: String| {
        ceremony::upload(conn, id, json.as_bytes(), now)
            .unwrap()
            .unwrap();
    };
    for (i, (id, identity)) in ids.iter().zip(&identities).enumerate() {
        let certificate = identity
            .certificate(&file, &format!("Treuhand {}", i + 1), &mut source)
            .unwrap();
        upload(conn, *id, files::to_json(&certificate));
    }
    let roster = ceremony::load(conn, ballot).unwrap().roster().unwrap();
    let bundles: Vec<_> = identities
        .iter()
        .map(|identity| threshold::make_bundle(identity, &roster, &mut source).unwrap())
        .collect();
    for (id, bundle) in ids.iter().zip(&bundles) {
        upload(conn, *id, files::to_json(bundle));
    }
    let mut trustees = Vec::new();
    for (id, identity) in ids.iter().zip(identities) {
        let (share, verification) =
            threshold::check_bundles(&identity, &roster, &bundles, &mut source).unwrap();
        upload(conn, *id, files::to_json(&verification));
        trustees.push(TestTrustee { identity, share });
    }
    trustees.sort_by_key(|t| t.share.index);
    assert!(ceremony::election_key(conn, ballot).unwrap().is_some());
    trustees
}
