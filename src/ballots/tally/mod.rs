//! The tally of a ballot under protocol "encrypted" (issue 11): when two
//! officers confirm the tally act of a closed ballot, the server checks
//! every counting ballot's proofs in one batch, adds the ciphertexts up
//! and stores the sums as the `votum-tally-input` the trustees decrypt
//! ([`store::begin`]). Each trustee downloads it from the trustee page,
//! runs `votum trustee decrypt` on their own machine and uploads the
//! partial decryption, which is checked before it is stored
//! ([`store::upload_partial`]). With `t` valid ones the server combines
//! them, reads the counts and stores the result for the officers to check
//! and publish as for every other ballot. The server never holds a key
//! that decrypts a single ballot.
//!
//! The tally's stage is [`TallyStage`], stored in `tallies.stage` and
//! compared nowhere else; pages ask [`TallyState`].

pub mod counting;
pub mod store;

use crate::db::models::text_enum;

text_enum!(
    /// Where the encrypted tally of a ballot stands, as stored.
    TallyStage {
        /// The tally input is fixed; trustees upload partial decryptions.
        AwaitingDecryption => "awaiting_decryption",
        /// Enough trustees decrypted: the counts and the result are stored.
        Decrypted => "decrypted",
    }
);

/// What the pages show of an encrypted tally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TallyState {
    /// The officers have not confirmed the tally act yet.
    NotStarted,
    /// The tally input is fixed; `have` of the `need` partial decryptions
    /// are in.
    AwaitingDecryption { have: u32, need: u32 },
    /// Counted; the officers have not published yet.
    Decrypted,
    /// The result and the record are public.
    Published,
}

impl TallyState {
    /// The catalogue key naming the state.
    pub fn message_key(self) -> &'static str {
        match self {
            TallyState::NotStarted => "tally.state_not_started",
            TallyState::AwaitingDecryption { .. } => "tally.state_awaiting",
            TallyState::Decrypted => "tally.state_decrypted",
            TallyState::Published => "tally.state_published",
        }
    }

    /// Whether trustees may upload partial decryptions now.
    pub fn takes_partials(self) -> bool {
        matches!(self, TallyState::AwaitingDecryption { .. })
    }

    /// Whether a result is stored (the officers may publish it).
    pub fn has_result(self) -> bool {
        matches!(self, TallyState::Decrypted | TallyState::Published)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_tally_awaiting_decryption_takes_partials_and_only_a_decrypted_one_has_a_result() {
        let all = [
            TallyState::NotStarted,
            TallyState::AwaitingDecryption { have: 1, need: 2 },
            TallyState::Decrypted,
            TallyState::Published,
        ];
        let takes: Vec<bool> = all.iter().map(|s| s.takes_partials()).collect();
        assert_eq!(takes, [false, true, false, false]);
        let result: Vec<bool> = all.iter().map(|s| s.has_result()).collect();
        assert_eq!(result, [false, false, true, true]);
        assert_eq!(TallyStage::parse("decrypted"), Some(TallyStage::Decrypted));
    }
}
