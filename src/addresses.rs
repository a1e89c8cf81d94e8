//! Postal addresses as every letter of the portal prints them in the
//! window of the envelope (ballot letters, survey invitations, letters to a
//! chair's selection): one type, one query, one layout of the lines.

use std::collections::HashMap;

use diesel::prelude::*;

use crate::db::models::Language;
use crate::db::schema::members;
use crate::db::DbConn;
use crate::error::AppResult;

/// A member as a letter addresses them.
#[derive(Queryable)]
pub struct Addressee {
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
    pub language: String,
}

impl Addressee {
    pub fn name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }

    /// The lines in the envelope window: name, extra line, street, postcode
    /// and city, and the country when it is not Germany.
    pub fn window_lines(&self) -> Vec<String> {
        let mut lines = vec![self.name()];
        lines.extend(self.address_extra.clone());
        lines.push(format!("{} {}", self.street, self.house_number));
        lines.push(format!("{} {}", self.postcode, self.city));
        if self.country != "DE" {
            lines.push(self.country.clone());
        }
        lines
    }

    /// The language the member reads letters in.
    pub fn language(&self) -> Language {
        Language::parse(&self.language).unwrap_or(Language::De)
    }
}

/// The addressees among `ids`, by member id (callers page through large
/// lists a few thousand ids at a time).
pub fn load(conn: &mut DbConn, ids: &[i64]) -> AppResult<HashMap<i64, Addressee>> {
    Ok(members::table
        .filter(members::id.eq_any(ids))
        .select((
            members::id,
            members::membership_number,
            members::first_name,
            members::last_name,
            members::address_extra,
            members::street,
            members::house_number,
            members::postcode,
            members::city,
            members::country,
            members::language,
        ))
        .load::<Addressee>(conn)?
        .into_iter()
        .map(|m| (m.id, m))
        .collect())
}
