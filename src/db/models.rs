//! Rows as stored. Enumerated columns are text in the database and typed
//! enums in the code ([`GroupKind`], [`Role`], ...); the conversion lives here.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::schema::*;

/// Declares an enum stored as a text column, with its column spelling.
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident {
        $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)?
    }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize,
            diesel::expression::AsExpression, diesel::deserialize::FromSqlRow,
        )]
        #[serde(rename_all = "snake_case")]
        #[diesel(sql_type = diesel::sql_types::Text)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The spelling stored in the database and used in URLs and CSV.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parses the stored spelling.
            pub fn parse(text: &str) -> Option<$name> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        // Stored as its spelling, so queries take and return the enum and
        // no code outside its module spells a state.
        impl<DB> diesel::serialize::ToSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
        {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, DB>,
            ) -> diesel::serialize::Result {
                <str as diesel::serialize::ToSql<diesel::sql_types::Text, DB>>::to_sql(
                    self.as_str(),
                    out,
                )
            }
        }

        impl<DB> diesel::deserialize::FromSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            String: diesel::deserialize::FromSql<diesel::sql_types::Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
                let text =
                    <String as diesel::deserialize::FromSql<diesel::sql_types::Text, DB>>::from_sql(
                        bytes,
                    )?;
                $name::parse(&text).ok_or_else(|| {
                    format!(concat!("unknown ", stringify!($name), " {:?}"), text).into()
                })
            }
        }
    };
}
pub(crate) use text_enum;

text_enum!(
    /// Level of a group in the organisation.
    GroupKind {
        Federal => "federal",
        State => "state",
        District => "district",
        Local => "local",
        WorkingGroup => "working_group",
    }
);

text_enum!(
    /// Whether a membership is running.
    MemberStatus {
        Active => "active",
        Suspended => "suspended",
        Ended => "ended",
    }
);

text_enum!(
    /// How a member wants to receive letters, invitations and ballots.
    Channel {
        Paper => "paper",
        Online => "online",
    }
);

text_enum!(
    /// UI and letter language.
    Language {
        De => "de",
        En => "en",
    }
);

text_enum!(
    /// An office held in a group.
    Role {
        Chair => "chair",
        DeputyChair => "deputy_chair",
        Treasurer => "treasurer",
        Secretary => "secretary",
        BoardMember => "board_member",
        ReturningOfficer => "returning_officer",
    }
);

text_enum!(
    /// What a member may agree to (or withdraw from).
    ConsentTopic {
        Directory => "directory",
        Newsletter => "newsletter",
        PublicOffice => "public_office",
    }
);

impl Role {
    /// Board roles see the members of their group and its sub-groups.
    pub fn is_board(self) -> bool {
        !matches!(self, Role::ReturningOfficer)
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = groups)]
pub struct Group {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub kind: String,
    pub name: String,
    pub slug: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = group_tree)]
pub struct GroupTreeRow {
    pub ancestor_id: i64,
    pub group_id: i64,
    pub depth: i32,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = members)]
pub struct Member {
    pub id: i64,
    pub membership_number: String,
    pub first_name: String,
    pub last_name: String,
    pub address_extra: Option<String>,
    pub street: String,
    pub house_number: String,
    pub postcode: String,
    pub city: String,
    pub country: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub birth_date: NaiveDate,
    pub join_date: NaiveDate,
    pub status: String,
    pub channel: String,
    pub language: String,
    pub chapter_id: i64,
    #[serde(skip)]
    pub sort_key: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = group_memberships)]
pub struct GroupMembership {
    pub group_id: i64,
    pub member_id: i64,
    pub since: NaiveDate,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = offices)]
pub struct Office {
    pub id: i64,
    pub member_id: i64,
    pub group_id: i64,
    pub role: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
}

impl Office {
    /// Whether the term covers `day` (the end date is the last day in office).
    pub fn is_current(&self, day: NaiveDate) -> bool {
        self.starts_on <= day && self.ends_on.is_none_or(|end| day <= end)
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = accounts)]
pub struct Account {
    pub id: i64,
    pub login: String,
    pub member_id: Option<i64>,
    pub password_hash: String,
    pub is_admin: bool,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = sessions)]
pub struct Session {
    pub token_digest: String,
    pub account_id: i64,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = password_resets)]
pub struct PasswordReset {
    pub token_digest: String,
    pub member_id: Option<i64>,
    pub account_id: Option<i64>,
    pub expires_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = audit_log)]
pub struct AuditEntry {
    pub id: i64,
    pub at: NaiveDateTime,
    pub actor_account_id: Option<i64>,
    pub action: String,
    pub member_id: Option<i64>,
    pub group_id: Option<i64>,
    pub detail: String,
    /// The ballot an officer's act was about.
    pub ballot_id: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = outbox)]
pub struct OutboxMessage {
    pub id: i64,
    pub created_at: NaiveDateTime,
    pub recipient: String,
    pub subject: String,
    pub body: Option<String>,
    pub sent_at: Option<NaiveDateTime>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = member_changes)]
pub struct MemberChange {
    pub id: i64,
    pub member_id: i64,
    pub changed_at: NaiveDateTime,
    pub actor_account_id: Option<i64>,
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = email_confirmations)]
pub struct EmailConfirmation {
    pub token_digest: String,
    pub member_id: i64,
    pub email: String,
    pub expires_at: NaiveDateTime,
}

/// A bank account row; `sealed` opens only with the sealing key and the
/// context `bank:<member id>`.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = bank_accounts)]
pub struct BankAccountRow {
    pub member_id: i64,
    pub iban_masked: String,
    pub sealed: String,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = consents)]
pub struct Consent {
    pub member_id: i64,
    pub topic: String,
    pub wording_version: String,
    pub given_at: NaiveDateTime,
    pub withdrawn_at: Option<NaiveDateTime>,
}
