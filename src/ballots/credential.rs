//! A credential's life: unused, then used online (again, where re-voting is
//! allowed) or by post, never both; and the channel it goes out by. This
//! module alone decides which use may follow which; other modules ask it.

use super::ballot_box::Refusal;
use crate::db::models::{text_enum, Channel};

text_enum!(
    /// How a credential has been used (stored in `credentials.used`).
    CredentialUse {
        No => "no",
        Online => "online",
        Post => "post",
    }
);

text_enum!(
    /// How an elector's credential goes out (stored in `electors.channel`).
    ElectorChannel {
        Letter => "letter",
        Portal => "portal",
    }
);

/// What a returned voting slip does to its credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostalUse {
    /// Counted; the credential becomes used by post.
    Count,
    /// Kept unopened as void: the code already voted online.
    VoidUsedOnline,
    /// A slip of this credential was registered already.
    AlreadyRegistered,
}

impl CredentialUse {
    /// The uses from which an online cast may claim the credential.
    pub fn claimable_online(revote_allowed: bool) -> &'static [CredentialUse] {
        if revote_allowed {
            &[CredentialUse::No, CredentialUse::Online]
        } else {
            &[CredentialUse::No]
        }
    }

    /// Why a credential with the stored `(revoked, used)` (`None`: not of
    /// this ballot) may not cast an online ballot, if it may not.
    pub fn online_refusal(
        row: Option<(bool, CredentialUse)>,
        revote_allowed: bool,
    ) -> Option<Refusal> {
        match row {
            None => Some(Refusal::UnknownCredential),
            Some((true, _)) => Some(Refusal::RevokedCredential),
            Some((_, CredentialUse::Post)) => Some(Refusal::UsedByPost),
            Some((_, used)) if !Self::claimable_online(revote_allowed).contains(&used) => {
                Some(Refusal::AlreadyVoted)
            }
            Some(_) => None,
        }
    }

    /// What a returned slip of a credential in this use does.
    pub fn postal(self) -> PostalUse {
        match self {
            CredentialUse::No => PostalUse::Count,
            CredentialUse::Online => PostalUse::VoidUsedOnline,
            CredentialUse::Post => PostalUse::AlreadyRegistered,
        }
    }

    /// Whether the credential has been used, online or by post.
    pub fn is_used(self) -> bool {
        self != CredentialUse::No
    }

    /// A lost letter is replaced only while its code is unused: otherwise
    /// the new code would be a second vote.
    pub fn may_replace(self) -> bool {
        self == CredentialUse::No
    }
}

impl ElectorChannel {
    /// Paper members get a letter; everyone else fetches a code in the
    /// portal.
    pub fn for_member(channel: Channel) -> ElectorChannel {
        match channel {
            Channel::Paper => ElectorChannel::Letter,
            Channel::Online => ElectorChannel::Portal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_credential_counts_once_online_or_by_post() {
        use CredentialUse::*;
        assert_eq!(
            CredentialUse::online_refusal(Some((false, No)), false),
            None
        );
        assert_eq!(
            CredentialUse::online_refusal(Some((false, Online)), false),
            Some(Refusal::AlreadyVoted)
        );
        assert_eq!(
            CredentialUse::online_refusal(Some((false, Online)), true),
            None
        );
        assert_eq!(
            CredentialUse::online_refusal(Some((false, Post)), true),
            Some(Refusal::UsedByPost)
        );
        assert_eq!(
            CredentialUse::online_refusal(Some((true, No)), true),
            Some(Refusal::RevokedCredential)
        );
        assert_eq!(No.postal(), PostalUse::Count);
        assert_eq!(Online.postal(), PostalUse::VoidUsedOnline);
        assert_eq!(Post.postal(), PostalUse::AlreadyRegistered);
        assert!(No.may_replace() && !Online.may_replace() && !Post.may_replace());
    }
}
