//! Membership ballots (protocol version 1, see `docs/election-record.md`):
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
pub mod questions;
pub mod record;
pub mod reissue;
pub mod setup;
pub mod vote;
pub mod waiting;
