//! A ballot's life: draft → open → closed → tallied → published. Only the
//! four-eyes acts move a ballot on, and this module alone decides which act
//! moves it from which status to which, and what each status allows. Other
//! modules ask it (`accepts_casts`, `next_act`, …) and never compare a
//! status themselves.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::ballot_box::Refusal;
use crate::db::models::text_enum;
use crate::db::schema::ballots;
use crate::db::DbConn;
use crate::error::AppResult;

text_enum!(
    /// Where a ballot stands.
    BallotStatus {
        Draft => "draft",
        Open => "open",
        Closed => "closed",
        Tallied => "tallied",
        Published => "published",
    }
);

text_enum!(
    /// An act that needs two officers (stored in `officer_acts.act`).
    Act {
        Open => "open",
        Close => "close",
        Tally => "tally",
        Publish => "publish",
        /// Revoke a lost letter's credential and issue a new letter.
        Reissue => "reissue_credential",
        /// Store the public credentials of a credential authority's file
        /// (staged by one officer, confirmed by another).
        ImportCredentials => "import_credentials",
        /// A server letter run: requested by one officer; the second
        /// officer's confirmation writes the letters.
        IssueCredentials => "issue_credentials",
        /// A batch of postal slips: one officer enters them, a second
        /// confirms the batch (record version 2).
        EnterPostalVotes => "enter_postal_votes",
    }
);

impl Act {
    /// The ballot status the act needs before and sets after.
    pub fn transition(self) -> (BallotStatus, BallotStatus) {
        use BallotStatus::*;
        match self {
            Act::Open => (Draft, Open),
            Act::Close => (Open, Closed),
            Act::Tally => (Closed, Tallied),
            Act::Publish => (Tallied, Published),
            Act::Reissue | Act::ImportCredentials | Act::IssueCredentials => (Open, Open),
            Act::EnterPostalVotes => (Closed, Closed),
        }
    }

    /// Whether a ballot in `status` may undergo the act now. A postal
    /// batch is confirmed while slips are taken (open or closed), the
    /// others in the status their transition starts from.
    pub fn allowed_in(self, status: BallotStatus) -> bool {
        match self {
            Act::EnterPostalVotes => status.accepts_postal(),
            _ => self.transition().0 == status,
        }
    }

    /// Whether the act moves the ballot to another status.
    pub fn moves(self) -> bool {
        let (from, to) = self.transition();
        from != to
    }
}

impl BallotStatus {
    /// The act that moves a ballot in this status on, if any.
    pub fn next_act(self) -> Option<Act> {
        [Act::Open, Act::Close, Act::Tally, Act::Publish]
            .into_iter()
            .find(|act| act.allowed_in(self))
    }

    /// The message key naming the status.
    pub fn message_key(self) -> String {
        format!("ballot_status.{self}")
    }

    /// Online ballots and portal codes are taken only while open.
    pub fn accepts_casts(self) -> bool {
        self == BallotStatus::Open
    }

    /// The statuses that take online ballots, for a filter under the lock.
    pub fn accepting_casts() -> Vec<BallotStatus> {
        BallotStatus::ALL
            .iter()
            .copied()
            .filter(|s| s.accepts_casts())
            .collect()
    }

    /// Returned voting slips are registered while open and after closing
    /// (slips arrive late), never once counted.
    pub fn accepts_postal(self) -> bool {
        matches!(self, BallotStatus::Open | BallotStatus::Closed)
    }

    /// Letters go out only while open: the electorate is frozen and the
    /// codes can still be used.
    pub fn issues_letters(self) -> bool {
        self == BallotStatus::Open
    }

    /// Officers may preview the voter's form before the ballot opens.
    pub fn previewable(self) -> bool {
        self == BallotStatus::Draft
    }

    /// Whether a result has been counted.
    pub fn has_result(self) -> bool {
        matches!(self, BallotStatus::Tallied | BallotStatus::Published)
    }

    pub fn is_published(self) -> bool {
        self == BallotStatus::Published
    }

    /// Why no online ballot can be cast in this status, whatever the time.
    pub fn cast_refusal(self) -> Option<Refusal> {
        match self {
            BallotStatus::Draft => Some(Refusal::NotYetOpen),
            s if s.accepts_casts() => None,
            _ => Some(Refusal::Closed),
        }
    }

    /// Why nobody can vote now, from the status and the voting period.
    pub fn voting_refusal(
        self,
        now: NaiveDateTime,
        opens_at: NaiveDateTime,
        closes_at: NaiveDateTime,
    ) -> Option<Refusal> {
        if self == BallotStatus::Draft || now < opens_at {
            Some(Refusal::NotYetOpen)
        } else if !self.accepts_casts() || now >= closes_at {
            Some(Refusal::Closed)
        } else {
            None
        }
    }
}

/// Where a ballot's result stands, for the people who voted in it: what
/// every page that lists or shows a ballot after its voting period says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultStage {
    /// Voting has ended; the officers have not counted yet.
    AwaitingCount,
    /// Counted; the officers have not published the result yet.
    AwaitingPublication,
    /// Published: the result page is open to members.
    Published,
}

impl ResultStage {
    /// The message key saying where the result is or when it will be.
    pub fn message_key(self) -> &'static str {
        match self {
            ResultStage::AwaitingCount => "ballot_result.awaiting_count",
            ResultStage::AwaitingPublication => "ballot_result.awaiting_publication",
            ResultStage::Published => "ballot_result.published",
        }
    }

    /// Whether members can follow a link to the result.
    pub fn has_link(self) -> bool {
        self == ResultStage::Published
    }
}

impl BallotStatus {
    /// Where the result stands once voting has ended (by the officers'
    /// close or by the end of the voting period); `None` before.
    pub fn result_stage(self, now: NaiveDateTime, closes_at: NaiveDateTime) -> Option<ResultStage> {
        match self {
            BallotStatus::Draft => None,
            BallotStatus::Open if now < closes_at => None,
            BallotStatus::Open | BallotStatus::Closed => Some(ResultStage::AwaitingCount),
            BallotStatus::Tallied => Some(ResultStage::AwaitingPublication),
            BallotStatus::Published => Some(ResultStage::Published),
        }
    }
}

/// The status of a ballot as stored now.
pub fn status(conn: &mut DbConn, ballot_id: &str) -> AppResult<BallotStatus> {
    Ok(ballots::table
        .find(ballot_id)
        .select(ballots::status)
        .first(conn)?)
}

/// Carries out the status change of a confirmed act. Call inside the
/// confirming transaction, after taking the ballot box lock.
pub fn advance(conn: &mut DbConn, ballot_id: &str, act: Act) -> AppResult<()> {
    if !act.moves() {
        return Ok(());
    }
    diesel::update(ballots::table.find(ballot_id))
        .set(ballots::status.eq(act.transition().1))
        .execute(conn)?;
    Ok(())
}

/// Sets a status directly, under the box lock so the change is ordered
/// against running casts: no ballot is appended after a close commits.
/// For set-up tools and tests; the portal moves ballots by [`advance`].
pub fn set_status(conn: &mut DbConn, ballot_id: &str, status: BallotStatus) -> AppResult<()> {
    conn.transaction(|conn| {
        super::ballot_box::lock(conn, ballot_id)?;
        diesel::update(ballots::table.find(ballot_id))
            .set(ballots::status.eq(status))
            .execute(conn)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_act_but_reissue_moves_the_ballot_one_step_on() {
        let mut status = BallotStatus::Draft;
        let mut acts = Vec::new();
        while let Some(act) = status.next_act() {
            let (from, to) = act.transition();
            assert_eq!(from, status);
            acts.push(act);
            status = to;
        }
        assert_eq!(acts, [Act::Open, Act::Close, Act::Tally, Act::Publish]);
        assert_eq!(status, BallotStatus::Published);
        assert!(Act::Reissue.allowed_in(BallotStatus::Open));
        assert!(!Act::Reissue.allowed_in(BallotStatus::Closed));
        assert!(Act::ImportCredentials.allowed_in(BallotStatus::Open));
        assert!(!Act::ImportCredentials.allowed_in(BallotStatus::Draft));
        assert!(Act::IssueCredentials.allowed_in(BallotStatus::Open));
        assert!(!Act::IssueCredentials.allowed_in(BallotStatus::Draft));
        for status in BallotStatus::ALL {
            assert_eq!(
                Act::EnterPostalVotes.allowed_in(*status),
                status.accepts_postal()
            );
        }
        assert!(!Act::EnterPostalVotes.moves() && !Act::IssueCredentials.moves());
    }

    #[test]
    fn only_an_open_ballot_takes_casts_and_letters() {
        for status in BallotStatus::ALL {
            let open = *status == BallotStatus::Open;
            assert_eq!(status.accepts_casts(), open);
            assert_eq!(status.issues_letters(), open);
            assert_eq!(status.cast_refusal().is_none(), open);
        }
        assert_eq!(BallotStatus::accepting_casts(), [BallotStatus::Open]);
    }

    #[test]
    fn every_ballot_after_its_voting_period_says_where_its_result_is() {
        let closes = chrono::NaiveDate::from_ymd_opt(2026, 12, 2)
            .and_then(|d| d.and_hms_opt(18, 0, 0))
            .unwrap();
        let before = closes - chrono::Duration::minutes(1);
        assert_eq!(BallotStatus::Draft.result_stage(closes, closes), None);
        assert_eq!(BallotStatus::Open.result_stage(before, closes), None);
        assert_eq!(
            BallotStatus::Open.result_stage(closes, closes),
            Some(ResultStage::AwaitingCount)
        );
        assert_eq!(
            BallotStatus::Closed.result_stage(before, closes),
            Some(ResultStage::AwaitingCount)
        );
        assert_eq!(
            BallotStatus::Tallied.result_stage(before, closes),
            Some(ResultStage::AwaitingPublication)
        );
        let published = BallotStatus::Published.result_stage(before, closes);
        assert_eq!(published, Some(ResultStage::Published));
        assert!(published.is_some_and(ResultStage::has_link));
    }
}
