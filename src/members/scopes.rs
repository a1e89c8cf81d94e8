//! Upkeep of `member_scopes`, the materialised answer to "which groups is
//! this member visible under" (home chapter, working groups, and all their
//! ancestors). Everything that changes a member's name, chapter or
//! working groups calls [`refresh`] for that member in the same transaction.

use diesel::prelude::*;

use crate::db::DbConn;
use crate::error::AppResult;

const ROWS: &str = "SELECT t.ancestor_id, m.sort_key, m.id FROM members m \
     JOIN group_tree t ON t.group_id = m.chapter_id WHERE m.id IN ({ids}) \
     UNION \
     SELECT t.ancestor_id, m.sort_key, m.id FROM group_memberships gm \
     JOIN members m ON m.id = gm.member_id \
     JOIN group_tree t ON t.group_id = gm.group_id WHERE m.id IN ({ids})";

/// Rebuilds the scope rows of these members.
pub fn refresh(conn: &mut DbConn, members: &[i64]) -> AppResult<()> {
    for chunk in members.chunks(1000) {
        // Integers only, so formatting them into the statement is safe, and
        // one statement per chunk is far faster than a bind per member.
        let ids = chunk
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        diesel::sql_query(format!(
            "DELETE FROM member_scopes WHERE member_id IN ({ids})"
        ))
        .execute(conn)?;
        diesel::sql_query(format!(
            "INSERT INTO member_scopes (group_id, sort_key, member_id) {}",
            ROWS.replace("{ids}", &ids)
        ))
        .execute(conn)?;
    }
    Ok(())
}
