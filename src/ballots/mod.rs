//! Membership ballots (election record versions 1 and 2, see
//! `docs/election-record.md` and [`protocol`]):
//! set-up, the electorate and its credentials, and the ballot box.

pub mod authority;
pub mod ballot_box;
pub mod credential;
pub mod definition;
pub mod form;
pub mod letters;
pub mod lifecycle;
pub mod officer;
pub mod postal;
pub mod protocol;
pub mod questions;
pub mod record;
pub mod reissue;
pub mod result_view;
pub mod setup;
pub mod tally;
pub mod trustees;
pub mod vote;
pub mod waiting;
