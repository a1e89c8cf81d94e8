//! "Meine Daten" as a page for people: what is stored about a member, by
//! topic, with German (or English) headings, names instead of ids and
//! dates as people write them. The JSON download ([`super::export`]) stays
//! the complete, machine-readable account, table by table; this page is
//! built from the same tables, and a test checks it shows every topic.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::dates;
use crate::db::models::{Consent, Member, MemberChange, Office};
use crate::db::schema::{
    accounts, audit_log, ballots, bank_accounts, consents, electors, email_confirmations,
    group_memberships, groups, member_changes, officer_acts, offices, outbox, sessions,
    survey_participants, survey_responses, surveys,
};
use crate::db::DbConn;
use crate::error::AppResult;
use crate::i18n::{Catalogues, Language};

/// One topic of the page: a heading and what is stored under it.
#[derive(Debug, Serialize)]
pub struct Topic {
    /// Anchor and heading id.
    pub id: &'static str,
    /// The heading, translated.
    pub heading: String,
    /// What the topic is about or why it is kept, translated.
    pub note: String,
    /// One entry per stored thing (an office, a consent, a mail …).
    pub entries: Vec<Entry>,
}

/// One stored thing, as label/value pairs.
#[derive(Debug, Serialize)]
pub struct Entry {
    pub facts: Vec<Fact>,
}

/// A label and its value, both ready to show.
#[derive(Debug, Serialize)]
pub struct Fact {
    pub label: String,
    pub value: String,
}

/// Builds facts in the reader's language.
struct Words<'a> {
    lang: Language,
    catalogues: &'a Catalogues,
}

impl Words<'_> {
    fn t(&self, key: &str) -> String {
        self.catalogues.get(self.lang, key).to_owned()
    }

    fn fact(&self, label: &str, value: impl Into<String>) -> Fact {
        let value = value.into();
        Fact {
            label: self.t(label),
            value: if value.is_empty() {
                self.t("mydata.empty")
            } else {
                value
            },
        }
    }

    fn date(&self, date: NaiveDate) -> String {
        dates::date(self.lang, date)
    }

    fn datetime(&self, at: NaiveDateTime) -> String {
        dates::datetime(self.lang, at)
    }

    fn yes_no(&self, yes: bool) -> String {
        self.t(if yes { "mydata.yes" } else { "mydata.no" })
    }

    fn topic(&self, id: &'static str, entries: Vec<Entry>) -> Topic {
        Topic {
            id,
            heading: self.t(&format!("mydata.{id}")),
            note: self.t(&format!("mydata.{id}_note")),
            entries,
        }
    }
}

/// Every topic stored about `member_id`, in the order a person reads them.
pub fn topics(
    conn: &mut DbConn,
    member_id: i64,
    lang: Language,
    catalogues: &Catalogues,
) -> AppResult<Vec<Topic>> {
    let w = Words { lang, catalogues };
    let group_names: HashMap<i64, String> = groups::table
        .select((groups::id, groups::name))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    let group = |id: i64| group_names.get(&id).cloned().unwrap_or_default();
    let member: Member = members_row(conn, member_id)?;
    let mut topics = Vec::new();

    let address = [
        format!("{} {}", member.street, member.house_number),
        member.address_extra.clone().unwrap_or_default(),
        format!("{} {}", member.postcode, member.city),
        member.country.clone(),
    ]
    .into_iter()
    .filter(|line| !line.trim().is_empty())
    .collect::<Vec<_>>()
    .join(", ");
    topics.push(w.topic(
        "person",
        vec![Entry {
            facts: vec![
                w.fact(
                    "member.name",
                    format!("{} {}", member.first_name, member.last_name),
                ),
                w.fact("member.number", member.membership_number.clone()),
                w.fact("member.address", address),
                w.fact("member.email", member.email.clone().unwrap_or_default()),
                w.fact("member.phone", member.phone.clone().unwrap_or_default()),
                w.fact("member.birth_date", w.date(member.birth_date)),
                w.fact("member.join_date", w.date(member.join_date)),
                w.fact("member.status", w.t(&format!("status.{}", member.status))),
                w.fact(
                    "member.channel",
                    w.t(&format!("channel.{}", member.channel)),
                ),
                w.fact(
                    "csv.language",
                    w.t(&format!("csv.language_{}", member.language)),
                ),
                w.fact("member.chapter", group(member.chapter_id)),
            ],
        }],
    ));

    let memberships: Vec<(i64, NaiveDate)> = group_memberships::table
        .filter(group_memberships::member_id.eq(member_id))
        .select((group_memberships::group_id, group_memberships::since))
        .load(conn)?;
    topics.push(
        w.topic(
            "groups",
            memberships
                .into_iter()
                .map(|(g, since)| Entry {
                    facts: vec![
                        w.fact("mydata.group", group(g)),
                        w.fact("mydata.since", w.date(since)),
                    ],
                })
                .collect(),
        ),
    );

    let terms: Vec<Office> = offices::table
        .filter(offices::member_id.eq(member_id))
        .order(offices::starts_on.desc())
        .select(Office::as_select())
        .load(conn)?;
    topics.push(
        w.topic(
            "offices",
            terms
                .into_iter()
                .map(|o| Entry {
                    facts: vec![
                        w.fact("mydata.office", w.t(&format!("role.{}", o.role))),
                        w.fact("mydata.group", group(o.group_id)),
                        w.fact("mydata.from", w.date(o.starts_on)),
                        w.fact(
                            "mydata.until",
                            o.ends_on.map(|d| w.date(d)).unwrap_or_default(),
                        ),
                    ],
                })
                .collect(),
        ),
    );

    let logins: Vec<(i64, String, bool, NaiveDateTime)> = accounts::table
        .filter(accounts::member_id.eq(member_id))
        .select((
            accounts::id,
            accounts::login,
            accounts::is_admin,
            accounts::created_at,
        ))
        .load(conn)?;
    let account_ids: Vec<i64> = logins.iter().map(|a| a.0).collect();
    let signed_in: Vec<NaiveDateTime> = sessions::table
        .filter(sessions::account_id.eq_any(&account_ids))
        .order(sessions::created_at.desc())
        .select(sessions::created_at)
        .load(conn)?;
    let mut access: Vec<Entry> = logins
        .into_iter()
        .map(|(_, login, admin, created)| Entry {
            facts: vec![
                w.fact("mydata.login", login),
                w.fact("mydata.created", w.date(created.date())),
                w.fact("mydata.admin", w.yes_no(admin)),
                w.fact("mydata.password", w.t("mydata.password_stored_as_hash")),
            ],
        })
        .collect();
    access.extend(signed_in.into_iter().map(|at| Entry {
        facts: vec![w.fact("mydata.signed_in", w.date(at.date()))],
    }));
    topics.push(w.topic("access", access));

    let changes: Vec<MemberChange> = member_changes::table
        .filter(member_changes::member_id.eq(member_id))
        .order(member_changes::changed_at.desc())
        .select(MemberChange::as_select())
        .load(conn)?;
    let mut changed: Vec<Entry> = changes
        .into_iter()
        .map(|c| Entry {
            facts: vec![
                w.fact("mydata.when", w.datetime(c.changed_at)),
                w.fact("mydata.field", w.t(&format!("field.{}", c.field))),
                w.fact("mydata.before", c.old_value.unwrap_or_default()),
                w.fact("mydata.after", c.new_value.unwrap_or_default()),
            ],
        })
        .collect();
    let pending: Vec<(String, NaiveDateTime)> = email_confirmations::table
        .filter(email_confirmations::member_id.eq(member_id))
        .select((email_confirmations::email, email_confirmations::expires_at))
        .load(conn)?;
    changed.extend(pending.into_iter().map(|(email, until)| Entry {
        facts: vec![
            w.fact("mydata.unconfirmed_email", email),
            w.fact("mydata.link_valid_until", w.datetime(until)),
        ],
    }));
    topics.push(w.topic("changes", changed));

    let given: Vec<Consent> = consents::table
        .filter(consents::member_id.eq(member_id))
        .select(Consent::as_select())
        .load(conn)?;
    topics.push(
        w.topic(
            "consents",
            given
                .into_iter()
                .map(|c| Entry {
                    facts: vec![
                        w.fact("mydata.consent", w.t(&format!("consent.{}", c.topic))),
                        w.fact("mydata.given", w.date(c.given_at.date())),
                        w.fact(
                            "mydata.withdrawn",
                            c.withdrawn_at.map(|d| w.date(d.date())).unwrap_or_default(),
                        ),
                    ],
                })
                .collect(),
        ),
    );

    let bank: Vec<(String, NaiveDateTime)> = bank_accounts::table
        .filter(bank_accounts::member_id.eq(member_id))
        .select((bank_accounts::iban_masked, bank_accounts::updated_at))
        .load(conn)?;
    topics.push(
        w.topic(
            "bank",
            bank.into_iter()
                .map(|(masked, updated)| Entry {
                    facts: vec![
                        w.fact("mydata.iban", masked),
                        w.fact("mydata.updated", w.date(updated.date())),
                    ],
                })
                .collect(),
        ),
    );

    let ballots_of: Vec<(String, String, bool)> = electors::table
        .inner_join(ballots::table)
        .filter(electors::member_id.eq(member_id))
        .select((ballots::title, electors::channel, electors::issued))
        .load(conn)?;
    let mut ballot_entries: Vec<Entry> = ballots_of
        .into_iter()
        .map(|(title, channel, issued)| Entry {
            facts: vec![
                w.fact("mydata.ballot", title),
                w.fact(
                    "mydata.ballot_channel",
                    w.t(&format!("mydata.ballot_channel_{channel}")),
                ),
                w.fact("mydata.code_issued", w.yes_no(issued)),
            ],
        })
        .collect();
    // Steps of the returning officers about this member (a replacement
    // letter) and steps this member took as an officer.
    let acts: Vec<(String, String, NaiveDateTime, Option<i64>)> = officer_acts::table
        .inner_join(ballots::table)
        .filter(
            officer_acts::member_id
                .eq(member_id)
                .or(officer_acts::requested_by.eq_any(&account_ids))
                .or(officer_acts::confirmed_by.eq_any(&account_ids)),
        )
        .select((
            ballots::title,
            officer_acts::act,
            officer_acts::requested_at,
            officer_acts::member_id,
        ))
        .load(conn)?;
    ballot_entries.extend(acts.into_iter().map(|(title, act, at, about)| Entry {
        facts: vec![
            w.fact("mydata.ballot", title),
            w.fact(
                if about == Some(member_id) {
                    "mydata.step_about_you"
                } else {
                    "mydata.step_by_you"
                },
                w.t(&format!("mydata.act_{act}")),
            ),
            w.fact("mydata.when", w.date(at.date())),
        ],
    }));
    topics.push(w.topic("ballots", ballot_entries));

    let owned: Vec<(String, NaiveDateTime)> = surveys::table
        .filter(surveys::owner_account_id.eq_any(&account_ids))
        .select((surveys::title, surveys::created_at))
        .load(conn)?;
    let answered: Vec<(String, String)> = survey_participants::table
        .inner_join(surveys::table)
        .filter(survey_participants::member_id.eq(member_id))
        .select((surveys::title, survey_participants::channel))
        .load(conn)?;
    let named: Vec<String> = survey_responses::table
        .inner_join(surveys::table)
        .filter(survey_responses::member_id.eq(member_id))
        .select(surveys::title)
        .load(conn)?;
    let mut survey_entries: Vec<Entry> = owned
        .into_iter()
        .map(|(title, created)| Entry {
            facts: vec![
                w.fact("mydata.survey_created", title),
                w.fact("mydata.created", w.date(created.date())),
            ],
        })
        .collect();
    survey_entries.extend(answered.into_iter().map(|(title, channel)| Entry {
        facts: vec![
            w.fact("mydata.survey_taken", title),
            w.fact(
                "mydata.survey_channel",
                w.t(&format!("mydata.survey_channel_{channel}")),
            ),
        ],
    }));
    survey_entries.extend(named.into_iter().map(|title| Entry {
        facts: vec![w.fact("mydata.survey_named_answer", title)],
    }));
    topics.push(w.topic("surveys", survey_entries));

    // The same addresses as the JSON export: earlier and unconfirmed ones too.
    let addresses = super::export::identifiers(conn, member_id)?;
    let mails: Vec<(NaiveDateTime, String)> = outbox::table
        .filter(outbox::recipient.eq_any(&addresses))
        .order(outbox::created_at.desc())
        .select((outbox::created_at, outbox::subject))
        .load(conn)?;
    topics.push(
        w.topic(
            "mail",
            mails
                .into_iter()
                .map(|(at, subject)| Entry {
                    facts: vec![
                        w.fact("mydata.when", w.datetime(at)),
                        w.fact("mydata.subject", subject),
                    ],
                })
                .collect(),
        ),
    );

    let views: i64 = audit_log::table
        .filter(audit_log::member_id.eq(member_id))
        .count()
        .get_result(conn)?;
    topics.push(w.topic(
        "log",
        vec![Entry {
            facts: vec![w.fact("mydata.log_entries", views.to_string())],
        }],
    ));
    Ok(topics)
}

fn members_row(conn: &mut DbConn, member_id: i64) -> AppResult<Member> {
    use crate::db::schema::members;
    Ok(members::table
        .find(member_id)
        .select(Member::as_select())
        .first(conn)?)
}
