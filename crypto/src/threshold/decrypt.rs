//! Partial decryption with Chaum-Pedersen proofs, and the combination of
//! any t partial decryptions by Lagrange interpolation at 0.
//!
//! The functions on lists of α points ([`decryption_factors`],
//! [`combine_factors`]) do not depend on the ciphertext type; the file
//! level ([`partial_decrypt`], [`combine`]) reads α from a [`TallyInput`].

use super::ceremony::{TrusteeIdentity, TrusteeShare};
use super::files::{
    self, new_header, signed_message, CeremonyKeys, DecryptionFactor, PartialDecryption,
    TallyInput, TrusteeFile,
};
use super::polynomial::lagrange_at_zero;
use super::proofs::{prove_dleq, verify_dleq, Dleq};
use super::ThresholdError;
use crate::ed25519::Signature;
use crate::group::{Point, ScalarSource};
use curve25519_dalek::traits::VartimeMultiscalarMul;

fn dleq_context<'a>(
    election: &'a [u8; 32],
    ceremony: &'a [u8; 32],
    index: &'a [u8; 8],
) -> [(&'a [u8], &'a [u8]); 3] {
    [
        (b"election", election),
        (b"ceremony", ceremony),
        (b"trustee", index),
    ]
}

/// The decryption factors D = α^{x_i} of `alphas` with their proofs, for
/// the election with fingerprint `election`.
pub fn decryption_factors(
    share: &TrusteeShare,
    election: &[u8; 32],
    alphas: &[Point],
    source: &mut dyn ScalarSource,
) -> Result<Vec<DecryptionFactor>, ThresholdError> {
    let index = u64::from(share.index).to_be_bytes();
    let context = dleq_context(election, &share.ceremony, &index);
    alphas
        .iter()
        .map(|alpha| {
            let factor = alpha * share.secret();
            let statement = Dleq {
                key: &share.verification_key,
                alpha,
                factor: &factor,
            };
            let proof = prove_dleq(&context, &statement, share.secret(), source)?;
            Ok(DecryptionFactor { factor, proof })
        })
        .collect()
}

/// Step 4: this trustee's partial decryption of a tally input. Refuses an
/// input for another ceremony or another election public key.
pub fn partial_decrypt(
    identity: &TrusteeIdentity,
    share: &TrusteeShare,
    input: &TallyInput,
    source: &mut dyn ScalarSource,
) -> Result<PartialDecryption, ThresholdError> {
    if input.ceremony != share.ceremony || input.public_key != share.public_key {
        return Err(ThresholdError::BadCeremony(
            "the tally input is for another ceremony or another election key than this private file",
        ));
    }
    let alphas: Vec<Point> = input.ciphertexts.iter().map(|c| c.alpha).collect();
    let factors = decryption_factors(share, &input.election, &alphas, source)?;
    let (format, version) = new_header::<PartialDecryption>();
    let mut partial = PartialDecryption {
        format,
        version,
        ceremony: share.ceremony,
        election: input.election,
        input: files::digest(input),
        trustee: share.index,
        factors,
        signature: Signature([0u8; 64]),
    };
    partial.signature = identity.sign(&partial);
    Ok(partial)
}

/// Checks one partial decryption against the ceremony's keys and the tally
/// input: known trustee, signature, ceremony, election, input, one factor
/// per ciphertext, every proof. Returns the factors.
pub fn check_partial(
    keys: &CeremonyKeys,
    input: &TallyInput,
    partial: &PartialDecryption,
) -> Result<Vec<Point>, ThresholdError> {
    let entry = usize::try_from(partial.trustee)
        .ok()
        .and_then(|i| i.checked_sub(1))
        .and_then(|p| keys.trustees.get(p))
        .filter(|e| e.index == partial.trustee)
        .ok_or(ThresholdError::UnknownTrustee {
            index: partial.trustee,
        })?;
    let trustee = format!("trustee {} ({})", entry.index, entry.name);
    if !entry
        .signing_key
        .verify(&signed_message(partial), &partial.signature)
    {
        return Err(ThresholdError::BadSignature {
            what: PartialDecryption::WHAT,
            trustee,
        });
    }
    if partial.ceremony != keys.ceremony {
        return Err(ThresholdError::WrongCeremony {
            what: PartialDecryption::WHAT,
            trustee,
        });
    }
    if partial.election != input.election {
        return Err(ThresholdError::WrongInput {
            trustee,
            reason: "another election",
        });
    }
    if partial.input != files::digest(input) || partial.factors.len() != input.ciphertexts.len() {
        return Err(ThresholdError::WrongInput {
            trustee,
            reason: "another tally input",
        });
    }
    let index = u64::from(partial.trustee).to_be_bytes();
    let context = dleq_context(&input.election, &keys.ceremony, &index);
    for (position, (factor, ciphertext)) in
        partial.factors.iter().zip(&input.ciphertexts).enumerate()
    {
        let statement = Dleq {
            key: &entry.verification_key,
            alpha: &ciphertext.alpha,
            factor: &factor.factor,
        };
        if !verify_dleq(&context, &statement, &factor.proof) {
            return Err(ThresholdError::BadDecryptionProof {
                trustee,
                ciphertext: position + 1,
            });
        }
    }
    Ok(partial.factors.iter().map(|f| f.factor).collect())
}

/// Combines the checked factors of at least `threshold` distinct trustees:
/// for each ciphertext, α^x = Π_{i ∈ S} D_i^{λ_i} over the first
/// `threshold` trustees S by index (any t give the same). Refuses fewer
/// than `threshold`, a duplicated or zero index, lists of unequal length.
pub fn combine_factors(
    threshold: u32,
    factors: &[(u32, Vec<Point>)],
) -> Result<Vec<Point>, ThresholdError> {
    let mut chosen: Vec<&(u32, Vec<Point>)> = factors.iter().collect();
    chosen.sort_by_key(|(index, _)| *index);
    for pair in chosen.windows(2) {
        if let [(a, _), (b, _)] = pair {
            if a == b {
                return Err(ThresholdError::DuplicateTrustee {
                    what: PartialDecryption::WHAT,
                    index: *a,
                });
            }
        }
    }
    if let Some((0, _)) = chosen.first() {
        return Err(ThresholdError::UnknownTrustee { index: 0 });
    }
    if threshold == 0 || chosen.len() < threshold as usize {
        return Err(ThresholdError::TooFewPartials {
            needed: threshold,
            got: chosen.len(),
        });
    }
    chosen.truncate(threshold as usize);
    let indices: Vec<u32> = chosen.iter().map(|(index, _)| *index).collect();
    let lambdas = lagrange_at_zero(&indices);
    let count = chosen.first().map(|(_, f)| f.len()).unwrap_or(0);
    if chosen.iter().any(|(_, f)| f.len() != count) {
        return Err(ThresholdError::BadBundle {
            trustee: "the partial decryptions".into(),
            reason: "they do not have the same number of factors",
        });
    }
    Ok((0..count)
        .map(|k| {
            // Every list has `count` factors (checked above), so this
            // takes one factor per chosen trustee, matching `lambdas`.
            let points: Vec<&Point> = chosen.iter().filter_map(|(_, f)| f.get(k)).collect();
            Point::vartime_multiscalar_mul(&lambdas, points)
        })
        .collect())
}

/// Checks every partial decryption ([`check_partial`]; any bad one is
/// refused and named, a trustee given twice too) and combines them: for each
/// ciphertext of the tally input, α^x. Fewer than t partial decryptions are
/// [`ThresholdError::TooFewPartials`].
pub fn combine(
    keys: &CeremonyKeys,
    input: &TallyInput,
    partials: &[PartialDecryption],
) -> Result<Vec<Point>, ThresholdError> {
    if input.ceremony != keys.ceremony || input.public_key != keys.public_key {
        return Err(ThresholdError::BadCeremony(
            "the tally input is for another ceremony or another election key",
        ));
    }
    let mut checked = Vec::with_capacity(partials.len());
    for partial in partials {
        if checked.iter().any(|(i, _)| *i == partial.trustee) {
            return Err(ThresholdError::DuplicateTrustee {
                what: PartialDecryption::WHAT,
                index: partial.trustee,
            });
        }
        checked.push((partial.trustee, check_partial(keys, input, partial)?));
    }
    combine_factors(keys.threshold, &checked)
}

/// The counts m of the tally input, from the combined factors α^x
/// ([`combine`]): the discrete logarithm of β − α^x, searched up to `max`
/// ([`crate::elgamal::discrete_log`]); `None` for a count above `max`.
pub fn counts(input: &TallyInput, combined: &[Point], max: u64) -> Vec<Option<u64>> {
    plaintexts(input, combined)
        .iter()
        .map(|point| crate::elgamal::discrete_log(point, max))
        .collect()
}

/// The plaintext points G^m = β − α^x of the tally input, from the combined
/// factors α^x ([`combine`]); the discrete logarithm m is the count.
pub fn plaintexts(input: &TallyInput, combined: &[Point]) -> Vec<Point> {
    input
        .ciphertexts
        .iter()
        .zip(combined)
        .map(|(c, f)| c.beta - f)
        .collect()
}
