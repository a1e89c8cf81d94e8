//! `votum demo`: a fresh database with a plausible party (see
//! [`population`]), offices in every group and four accounts whose logins
//! are printed.

mod places;
pub mod population;

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, Utc};
use diesel::prelude::*;

use crate::db::models::{
    Channel, Group, GroupMembership, GroupTreeRow, Member, MemberStatus, Office, Role,
};
use crate::db::schema::{group_tree, groups, members, offices};
use crate::db::{Backend, Db, DbConn};
use crate::error::{AppError, AppResult};
use crate::members::query::sort_key;
use population::{DemoGroupKind, Population};

/// A login printed after the demo is created.
pub struct DemoLogin {
    pub role: &'static str,
    pub login: String,
    pub password: &'static str,
}

/// The password of every demo account. Demo only: real accounts get their
/// password through the mailed link.
pub const DEMO_PASSWORD: &str = "votum-demo";

/// Creates the demo database at `url` and returns the logins to print.
pub fn create(
    url: &str,
    count: usize,
    seed: u64,
    sealing: &votum_crypto::seal::SealingKey,
) -> AppResult<Vec<DemoLogin>> {
    if Backend::of(url) == Backend::Sqlite {
        for suffix in ["", "-wal", "-shm"] {
            let path = format!("{url}{suffix}");
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(AppError::Internal(format!("removing {path}: {e}"))),
            }
        }
    }
    let db = Db::open(url, 2)?;
    let mut conn = db.get()?;
    let existing: i64 = members::table.count().get_result(&mut *conn)?;
    if existing > 0 {
        return Err(AppError::Conflict(format!(
            "{url} already holds {existing} members; the demo needs an empty database"
        )));
    }
    let started = std::time::Instant::now();
    let (logins, officers, top) = fill(&mut conn, count, seed)?;
    demo_ballot(&mut conn, sealing, top, &officers)?;
    demo_survey(&mut conn, &logins)?;
    // Fresh statistics, so both planners know the tables' real sizes; on
    // PostgreSQL also the visibility map, without which index-only scans
    // (counts over a whole group) visit the heap.
    let maintenance = match Backend::of(url) {
        Backend::Sqlite => "ANALYZE",
        Backend::Postgres => "VACUUM ANALYZE",
    };
    diesel::connection::SimpleConnection::batch_execute(&mut *conn, maintenance)?;
    eprintln!(
        "demo data: {count} members in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(logins)
}

fn kind(kind: &DemoGroupKind) -> &'static str {
    kind.as_str()
}

/// The first few members of each group, to staff its offices.
#[derive(Default, Clone)]
struct Staff(Vec<i64>);

fn fill(conn: &mut DbConn, count: usize, seed: u64) -> AppResult<Staffed> {
    let population = Population::new(count, seed);
    let today = Utc::now().date_naive();
    let mut ids = Vec::with_capacity(population.groups.len());
    let mut rows = Vec::with_capacity(population.groups.len());
    let mut tree = Vec::new();
    for group in &population.groups {
        let id = votum_crypto::random_id()?;
        ids.push(id);
        let parent_id = group.parent.and_then(|p| ids.get(p).copied());
        rows.push(Group {
            id,
            parent_id,
            kind: kind(&group.kind).to_owned(),
            name: group.name.clone(),
            slug: group.slug.clone(),
        });
        // Closure rows: walk up through the parents already placed.
        let mut depth = 0;
        let mut current = Some(group.index);
        while let Some(index) = current {
            let Some(ancestor) = ids.get(index).copied() else {
                break;
            };
            tree.push(GroupTreeRow {
                ancestor_id: ancestor,
                group_id: id,
                depth,
            });
            depth += 1;
            current = population.groups.get(index).and_then(|g| g.parent);
        }
    }
    conn.transaction(|conn| {
        for batch in rows.chunks(1000) {
            crate::insert_batch!(conn, groups::table, batch)?;
        }
        for batch in tree.chunks(2000) {
            crate::insert_batch!(conn, group_tree::table, batch)?;
        }
        Ok::<_, AppError>(())
    })?;

    // Stream members in; remember a few per chapter to staff offices.
    let mut staff: HashMap<usize, Staff> = HashMap::new();
    let working_groups: Vec<usize> = population
        .groups
        .iter()
        .filter(|g| matches!(g.kind, DemoGroupKind::WorkingGroup))
        .map(|g| g.index)
        .collect();
    let mut batch = Vec::with_capacity(1000);
    let mut memberships = Vec::new();
    let mut stream = population.members().enumerate().peekable();
    while stream.peek().is_some() {
        conn.transaction(|conn| {
            for (n, person) in stream.by_ref().take(20_000) {
                let id = votum_crypto::random_id()?;
                let chapter_id = *ids
                    .get(person.local_group)
                    .ok_or_else(|| AppError::Internal("member outside the tree".into()))?;
                let kept = staff.entry(person.local_group).or_default();
                if kept.0.len() < 6 {
                    kept.0.push(id);
                }
                // Every 25th member joins a working group.
                if n % 25 == 0 && !working_groups.is_empty() {
                    if let Some(&wg) = working_groups.get(n / 25 % working_groups.len()) {
                        let wg_id = *ids
                            .get(wg)
                            .ok_or_else(|| AppError::Internal("bad group".into()))?;
                        memberships.push(GroupMembership {
                            group_id: wg_id,
                            member_id: id,
                            since: person.join_date,
                        });
                        let kept = staff.entry(wg).or_default();
                        if kept.0.len() < 2 {
                            kept.0.push(id);
                        }
                    }
                }
                let sort_key = sort_key(&person.first_name, &person.last_name);
                batch.push(Member {
                    id,
                    membership_number: person.membership_number,
                    first_name: person.first_name,
                    last_name: person.last_name,
                    address_extra: None,
                    street: person.street,
                    house_number: person.house_number,
                    postcode: person.postcode,
                    city: person.city,
                    country: "DE".into(),
                    email: person.email,
                    phone: person.phone,
                    birth_date: person.birth_date,
                    join_date: person.join_date,
                    status: MemberStatus::Active.as_str().into(),
                    channel: if person.prefers_paper {
                        Channel::Paper
                    } else {
                        Channel::Online
                    }
                    .as_str()
                    .into(),
                    language: person.language.into(),
                    chapter_id,
                    sort_key,
                });
                if batch.len() == 1000 {
                    crate::members::import::insert_members(conn, &batch)?;
                    batch.clear();
                }
            }
            crate::members::import::insert_members(conn, &batch)?;
            batch.clear();
            for chunk in memberships.chunks(1000) {
                crate::members::import::join_groups(conn, chunk)?;
            }
            memberships.clear();
            Ok::<_, AppError>(())
        })?;
    }
    staff_offices(conn, &population, &ids, &staff, today)
}

/// What [`staff_offices`] hands on: logins to print, the two officers'
/// accounts and the top group.
type Staffed = (Vec<DemoLogin>, Vec<i64>, i64);

/// Chair and treasurer in every local chapter and working group; a chair in
/// every district and state; two returning officers at the top; then the
/// four demo accounts.
fn staff_offices(
    conn: &mut DbConn,
    population: &Population,
    ids: &[i64],
    staff: &HashMap<usize, Staff>,
    today: NaiveDate,
) -> AppResult<Staffed> {
    let term_start = NaiveDate::from_ymd_opt(today.year() - 1, 3, 1).unwrap_or(today);
    // A higher level's chair is a member from its first chapter below.
    let mut first_below: HashMap<usize, Vec<i64>> = HashMap::new();
    for group in population
        .groups
        .iter()
        .filter(|g| matches!(g.kind, DemoGroupKind::Local))
    {
        let Some(people) = staff.get(&group.index) else {
            continue;
        };
        let mut up = group.parent;
        while let Some(index) = up {
            first_below.entry(index).or_insert_with(|| people.0.clone());
            up = population.groups.get(index).and_then(|g| g.parent);
        }
    }
    let mut rows = Vec::new();
    let office = |member_id: i64, group: usize, role: Role| -> AppResult<Office> {
        let group_id = *ids
            .get(group)
            .ok_or_else(|| AppError::Internal("bad group".into()))?;
        Ok(Office {
            id: votum_crypto::random_id()?,
            member_id,
            group_id,
            role: role.as_str().into(),
            starts_on: term_start,
            ends_on: None,
        })
    };
    for group in &population.groups {
        match group.kind {
            DemoGroupKind::Local | DemoGroupKind::WorkingGroup => {
                let people = staff
                    .get(&group.index)
                    .map(|s| s.0.as_slice())
                    .unwrap_or_default();
                if let Some(&chair) = people.first() {
                    rows.push(office(chair, group.index, Role::Chair)?);
                }
                if let Some(&treasurer) = people.get(1) {
                    rows.push(office(treasurer, group.index, Role::Treasurer)?);
                }
            }
            DemoGroupKind::District | DemoGroupKind::State | DemoGroupKind::Federal => {
                let people = first_below
                    .get(&group.index)
                    .map(|s| s.as_slice())
                    .unwrap_or_default();
                // The third member of the first chapter below, so that local
                // and higher chairs are different people where possible.
                if let Some(&chair) = people.get(2).or(people.first()) {
                    rows.push(office(chair, group.index, Role::Chair)?);
                }
            }
        }
    }
    let top = population
        .groups
        .iter()
        .find(|g| g.parent.is_none())
        .map(|g| g.index)
        .ok_or_else(|| AppError::Internal("no top group".into()))?;
    // The demo chair chairs a chapter that also has a member without any
    // office (the demo member, who sees what any member sees); returning
    // officers are office-free members of other chapters.
    let mut holders: std::collections::HashSet<i64> = rows.iter().map(|o| o.member_id).collect();
    let locals: Vec<&[i64]> = population
        .groups
        .iter()
        .filter(|g| matches!(g.kind, DemoGroupKind::Local))
        .filter_map(|g| staff.get(&g.index).map(|s| s.0.as_slice()))
        .collect();
    let free = |people: &[i64], holders: &std::collections::HashSet<i64>| {
        people.iter().copied().find(|id| !holders.contains(id))
    };
    // The demo member votes online, so that the demo ballot shows the
    // portal path; members who chose letters are skipped for that role.
    let candidates: Vec<i64> = locals.iter().flat_map(|p| p.iter().copied()).collect();
    let mut on_paper: std::collections::HashSet<i64> = std::collections::HashSet::new();
    for chunk in candidates.chunks(1000) {
        on_paper.extend(
            members::table
                .filter(members::id.eq_any(chunk))
                .filter(members::channel.eq(Channel::Paper))
                .select(members::id)
                .load::<i64>(conn)?,
        );
    }
    let not_for_member: std::collections::HashSet<i64> =
        holders.union(&on_paper).copied().collect();
    let (chosen, chair, member) = locals
        .iter()
        .enumerate()
        .find_map(|(n, people)| Some((n, *people.first()?, free(people, &not_for_member)?)))
        .ok_or_else(|| AppError::Internal("too few members for the demo".into()))?;
    holders.insert(member);
    let mut officers = Vec::new();
    for (n, people) in locals.iter().enumerate() {
        if n == chosen || officers.len() == 2 {
            continue;
        }
        if let Some(officer) = free(people, &holders) {
            holders.insert(officer);
            officers.push(officer);
        }
    }
    for &officer in &officers {
        rows.push(office(officer, top, Role::ReturningOfficer)?);
    }
    for chunk in rows.chunks(1000) {
        crate::insert_batch!(conn, offices::table, chunk)?;
    }
    let password = votum_crypto::SecretString::new(DEMO_PASSWORD.into());
    let now = Utc::now().naive_utc();
    let mut logins = Vec::new();
    let mut account = |role: &'static str, member_id: Option<i64>, admin: bool| -> AppResult<i64> {
        let login = match member_id {
            Some(id) => members::table
                .find(id)
                .select(members::membership_number)
                .first::<String>(conn)?,
            None => "admin".to_owned(),
        };
        let id = crate::auth::create_account(conn, &login, member_id, &password, admin, now)?;
        logins.push(DemoLogin {
            role,
            login,
            password: DEMO_PASSWORD,
        });
        Ok(id)
    };
    account("member", Some(member), false)?;
    account("chair", Some(chair), false)?;
    let mut officer_accounts = Vec::new();
    for (&officer, role) in officers.iter().zip(["returning officer", "second officer"]) {
        officer_accounts.push(account(role, Some(officer), false)?);
    }
    account("admin", None, true)?;
    let top_id = *ids
        .get(top)
        .ok_or_else(|| AppError::Internal("no top group".into()))?;
    Ok((logins, officer_accounts, top_id))
}

/// An open member survey of the whole party, opened by the two demo
/// officers, so that the demo shows voting from the first click.
fn demo_ballot(
    conn: &mut DbConn,
    sealing: &votum_crypto::seal::SealingKey,
    group_id: i64,
    officers: &[i64],
) -> AppResult<()> {
    use crate::ballots::officer::{confirm_act, request_act, Act};
    use crate::ballots::setup::{create, NewBallot};
    use votum_ballots::question::{BallotOption, MajorityRule, QuestionKind, Ratio};
    use votum_ballots::Question;
    let [first, second] = officers else {
        return Ok(());
    };
    let now = Utc::now().naive_utc();
    let topics = [
        "Bildung",
        "Klimaschutz",
        "Digitales",
        "Gesundheit",
        "Wohnen",
    ];
    let id = create(
        conn,
        sealing,
        &crate::rights::OfficerOf::by_operator(group_id),
        &NewBallot {
            group_id,
            title: "Mitgliederbefragung 2027".into(),
            description: "Ihre Meinung zum Programmprozess und zu den Schwerpunkten des nächsten Jahres.".into(),
            cutoff_date: now.date(),
            opens_at: now - chrono::Duration::hours(1),
            closes_at: now + chrono::Duration::days(14),
            revote_allowed: true,
            shuffle_options: true,
            questions: vec![
                Question {
                    text: "Soll das Grundsatzprogramm 2027 in einem Mitgliederentscheid beschlossen werden?".into(),
                    kind: QuestionKind::YesNoAbstain {
                        quorum: Ratio::new(1, 5).map_err(|e| AppError::Internal(e.to_string()))?,
                        majority: MajorityRule::Simple,
                    },
                },
                Question {
                    text: "Welche Themen sollen 2027 Schwerpunkt sein? (höchstens zwei)".into(),
                    kind: QuestionKind::Approval {
                        options: topics
                            .iter()
                            .zip(1u32..)
                            .map(|(label, n)| BallotOption::new(n, *label))
                            .collect(),
                        min_marks: 0,
                        max_marks: 2,
                    },
                },
            ],
        },
        now,
    )?;
    // The demo has no trustees to run a key ceremony, so its ballot keeps
    // protocol "signed" (record version 2, choices in clear).
    crate::ballots::protocol::keep_signed(conn, &id)?;
    let act = request_act(conn, &id, Act::Open, *first, now)?;
    confirm_act(conn, sealing, &id, act, *second, now)?
        .map_err(|e| AppError::Internal(format!("opening the demo ballot: {e:?}")))?;
    Ok(())
}

/// An open survey of the demo chair's chapter: which topic and which date
/// for the next meeting, so that the demo shows surveys from the first click.
fn demo_survey(conn: &mut DbConn, logins: &[DemoLogin]) -> AppResult<()> {
    use crate::db::schema::accounts;
    use crate::surveys::questions::{Kind, Question};
    use crate::surveys::setup::{Audience, NewSurvey, Visibility};
    let Some(chair) = logins.iter().find(|l| l.role == "chair") else {
        return Ok(());
    };
    let (account, member): (i64, Option<i64>) = accounts::table
        .filter(accounts::login.eq(&chair.login))
        .select((accounts::id, accounts::member_id))
        .first(conn)?;
    let Some(member) = member else {
        return Ok(());
    };
    let chapter: i64 = members::table
        .find(member)
        .select(members::chapter_id)
        .first(conn)?;
    let now = Utc::now().naive_utc();
    let day = |n: i64| {
        (now.date() + chrono::Duration::days(n))
            .format("%Y-%m-%d 19:00")
            .to_string()
    };
    let survey = NewSurvey {
        group_slug: String::new(),
        title: "Nächste Mitgliederversammlung".into(),
        description: "Thema und Termin unseres nächsten Treffens.".into(),
        audience: Audience::Group,
        opens_at: now - chrono::Duration::hours(1),
        closes_at: now + chrono::Duration::days(7),
        anonymous: false,
        results: Visibility::During,
        questions: vec![
            Question {
                text: "Welches Thema soll im Mittelpunkt stehen?".into(),
                kind: Kind::Single {
                    options: vec!["Verkehr".into(), "Schulen".into(), "Wohnen".into()],
                },
            },
            Question {
                text: "Wann können Sie?".into(),
                kind: Kind::Schedule {
                    slots: vec![day(10), day(12), day(17)],
                },
            },
        ],
    };
    crate::surveys::store::create(
        conn,
        &survey,
        &crate::rights::SurveyCreatorOf::by_operator(chapter),
        account,
        now,
    )?;
    Ok(())
}
