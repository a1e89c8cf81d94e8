//! The key generation ceremony: identities and certificates, the roster,
//! share bundles, the check of received shares, and the ceremony's outcome.

use super::files::{
    self, new_header, signed_message, CeremonyFile, CeremonyKeys, Certificate, EncryptedShare,
    ShareBundle, TrusteeEntry, TrusteeFile, TrusteeKey, Verification,
};
use super::polynomial::{commitment_at, verification_key, Polynomial};
use super::proofs::{prove_key, verify_key, Context};
use super::share_box::{self, Place};
use super::ThresholdError;
use crate::ed25519::Signature;
use crate::group::{encode_scalar, generator, Point, Scalar, ScalarSource};
use curve25519_dalek::traits::Identity;
use ed25519_dalek::SigningKey;
use zeroize::Zeroizing;

/// Transcript domain of the proof of knowledge in a certificate.
pub const DOMAIN_ENCRYPTION_KEY: &[u8] = b"trustee-encryption-key";
/// Transcript domain of the proof of knowledge of a_0 in a share bundle.
pub const DOMAIN_COMMITMENT: &[u8] = b"trustee-commitment";
/// Transcript domain of the proof of knowledge of x_i in a verification.
pub const DOMAIN_VERIFICATION_KEY: &[u8] = b"trustee-verification-key";

/// The longest trustee name, in characters.
const MAX_NAME: usize = 200;

/// A trustee's secret keys: the ed25519 key that signs its files and the
/// Ristretto255 key that opens the shares sent to it. Wiped on drop;
/// `Debug` hides them.
pub struct TrusteeIdentity {
    signing: SigningKey,
    encryption: Zeroizing<Scalar>,
}

impl std::fmt::Debug for TrusteeIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "TrusteeIdentity({}, <redacted>)",
            self.signing_key().to_base64()
        )
    }
}

impl TrusteeIdentity {
    /// New keys. The ed25519 seed is SHA-256(`b"votum-trustee-signing\0"`
    /// || a scalar from `source`), so [`crate::group::SeededScalars`] gives
    /// reproducible test vectors.
    pub fn generate(source: &mut dyn ScalarSource) -> Result<Self, ThresholdError> {
        let drawn = Zeroizing::new(encode_scalar(&source.scalar()?));
        let mut input = Zeroizing::new(b"votum-trustee-signing\0".to_vec());
        input.extend_from_slice(drawn.as_ref());
        let seed = Zeroizing::new(crate::sha256(&input));
        Ok(TrusteeIdentity {
            signing: SigningKey::from_bytes(&seed),
            encryption: Zeroizing::new(source.scalar()?),
        })
    }

    /// Keys restored from the private file.
    pub(crate) fn from_secrets(seed: &[u8; 32], encryption: Scalar) -> Self {
        TrusteeIdentity {
            signing: SigningKey::from_bytes(seed),
            encryption: Zeroizing::new(encryption),
        }
    }

    /// The ed25519 seed, for the private file only.
    pub(crate) fn signing_seed(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.signing.to_bytes())
    }

    /// The encryption secret, for the private file only.
    pub(crate) fn encryption_secret(&self) -> Scalar {
        *self.encryption
    }

    /// The public key that signs this trustee's files.
    pub fn signing_key(&self) -> TrusteeKey {
        TrusteeKey(self.signing.verifying_key().to_bytes())
    }

    /// P = G^p, the key shares are encrypted to.
    pub fn encryption_key(&self) -> Point {
        generator() * *self.encryption
    }

    /// Signs a file: the signature to put into its `signature` member
    /// (over [`files::signed_message`]).
    pub fn sign<T: TrusteeFile>(&self, file: &T) -> Signature {
        crate::ed25519::sign(&self.signing, &signed_message(file))
    }

    /// Step 1: the certificate to upload, for `ceremony` under `name`.
    pub fn certificate(
        &self,
        ceremony: &CeremonyFile,
        name: &str,
        source: &mut dyn ScalarSource,
    ) -> Result<Certificate, ThresholdError> {
        ceremony.check()?;
        check_name(name)?;
        let fingerprint = ceremony.fingerprint();
        let signing_key = self.signing_key();
        let encryption_key = self.encryption_key();
        let context: Context<'_> = &[
            (b"ceremony", &fingerprint),
            (b"signing-key", signing_key.as_bytes()),
        ];
        let proof = prove_key(
            DOMAIN_ENCRYPTION_KEY,
            context,
            &self.encryption,
            &encryption_key,
            source,
        )?;
        let (format, version) = new_header::<Certificate>();
        let mut certificate = Certificate {
            format,
            version,
            ceremony: fingerprint,
            name: name.to_owned(),
            signing_key,
            encryption_key,
            proof,
            signature: Signature([0u8; 64]),
        };
        certificate.signature = self.sign(&certificate);
        Ok(certificate)
    }
}

fn check_name(name: &str) -> Result<(), ThresholdError> {
    if name.trim().is_empty()
        || name.chars().count() > MAX_NAME
        || name.chars().any(char::is_control)
    {
        return Err(ThresholdError::BadCeremony(
            "a trustee name is 1 to 200 characters, without control characters",
        ));
    }
    Ok(())
}

fn index_bytes(index: u32) -> [u8; 8] {
    u64::from(index).to_be_bytes()
}

/// The checks of one certificate on its own, as the server makes them
/// when a trustee uploads it: this ceremony, a valid name, the trustee's
/// own signature and a valid proof of knowledge of its encryption key.
/// ([`Roster::new`] makes the same checks for all n together, and those
/// that need all of them: no key twice.)
pub fn check_certificate(
    ceremony: &CeremonyFile,
    certificate: &Certificate,
) -> Result<(), ThresholdError> {
    let fingerprint = ceremony.fingerprint();
    let who = format!("trustee {:?}", certificate.name);
    if certificate.ceremony != fingerprint {
        return Err(ThresholdError::WrongCeremony {
            what: Certificate::WHAT,
            trustee: who,
        });
    }
    check_name(&certificate.name)?;
    if !certificate
        .signing_key
        .verify(&signed_message(certificate), &certificate.signature)
    {
        return Err(ThresholdError::BadSignature {
            what: Certificate::WHAT,
            trustee: who,
        });
    }
    let context: Context<'_> = &[
        (b"ceremony", &fingerprint),
        (b"signing-key", certificate.signing_key.as_bytes()),
    ];
    if !verify_key(
        DOMAIN_ENCRYPTION_KEY,
        context,
        &certificate.encryption_key,
        &certificate.proof,
    ) {
        return Err(ThresholdError::BadKeyProof {
            what: Certificate::WHAT,
            trustee: who,
        });
    }
    Ok(())
}

/// All n certificates of a ceremony, checked, in index order (ordered by
/// signing key bytes: nobody chooses the order). Trustee *i* is the *i*-th
/// certificate, from 1. The **roster hash** is SHA-256 of the canonical
/// JSON array of the ordered certificates.
#[derive(Debug, Clone)]
pub struct Roster {
    ceremony: CeremonyFile,
    fingerprint: [u8; 32],
    certificates: Vec<Certificate>,
    hash: [u8; 32],
}

impl Roster {
    /// Checks every certificate (ceremony, signature, proof of knowledge,
    /// name), that there are exactly n and that no key occurs twice.
    pub fn new(
        ceremony: &CeremonyFile,
        mut certificates: Vec<Certificate>,
    ) -> Result<Roster, ThresholdError> {
        ceremony.check()?;
        let fingerprint = ceremony.fingerprint();
        if certificates.len() != ceremony.trustees as usize {
            return Err(ThresholdError::CertificateCount {
                expected: ceremony.trustees,
                found: certificates.len(),
            });
        }
        for certificate in &certificates {
            check_certificate(ceremony, certificate)?;
        }
        certificates.sort_by_key(|c| c.signing_key);
        for pair in certificates.windows(2) {
            if let [a, b] = pair {
                if a.signing_key == b.signing_key {
                    return Err(ThresholdError::DuplicateKey(a.signing_key.to_base64()));
                }
            }
        }
        for (k, a) in certificates.iter().enumerate() {
            if certificates
                .iter()
                .skip(k + 1)
                .any(|b| b.encryption_key == a.encryption_key)
            {
                return Err(ThresholdError::DuplicateKey(format!(
                    "encryption key of trustee {:?}",
                    a.name
                )));
            }
        }
        let hash = crate::sha256(&crate::canonical::to_canonical(&certificates));
        Ok(Roster {
            ceremony: ceremony.clone(),
            fingerprint,
            certificates,
            hash,
        })
    }

    /// The ceremony.
    pub fn ceremony(&self) -> &CeremonyFile {
        &self.ceremony
    }

    /// The roster hash.
    pub fn hash(&self) -> [u8; 32] {
        self.hash
    }

    /// The certificates in index order.
    pub fn certificates(&self) -> &[Certificate] {
        &self.certificates
    }

    /// The index of the trustee with this signing key.
    pub fn index_of(&self, key: &TrusteeKey) -> Option<u32> {
        self.certificates
            .iter()
            .position(|c| c.signing_key == *key)
            .and_then(|p| u32::try_from(p + 1).ok())
    }

    /// The certificate of trustee `index`.
    pub fn certificate(&self, index: u32) -> Option<&Certificate> {
        let position = usize::try_from(index).ok()?.checked_sub(1)?;
        self.certificates.get(position)
    }

    /// "trustee *i* (*name*)".
    pub fn label(&self, index: u32) -> String {
        match self.certificate(index) {
            Some(c) => format!("trustee {index} ({})", c.name),
            None => format!("trustee {index}"),
        }
    }

    fn indices(&self) -> std::ops::RangeInclusive<u32> {
        1..=self.ceremony.trustees
    }

    fn my_index(&self, identity: &TrusteeIdentity) -> Result<u32, ThresholdError> {
        self.index_of(&identity.signing_key())
            .ok_or_else(|| ThresholdError::Missing {
                what: Certificate::WHAT,
                trustee: "this trustee (the private file does not belong to these certificates)"
                    .into(),
            })
    }

    fn context(&self, index: &[u8; 8]) -> [(&'static [u8], Vec<u8>); 3] {
        [
            (b"ceremony", self.fingerprint.to_vec()),
            (b"roster", self.hash.to_vec()),
            (b"trustee", index.to_vec()),
        ]
    }

    /// Checks that a file of trustee `index` is for this ceremony and
    /// roster and signed by that trustee.
    fn check_signed<T: TrusteeFile>(
        &self,
        file: &T,
        index: u32,
        ceremony: &[u8; 32],
        roster: &[u8; 32],
        signature: &Signature,
    ) -> Result<(), ThresholdError> {
        let certificate = self
            .certificate(index)
            .ok_or(ThresholdError::UnknownTrustee { index })?;
        let trustee = self.label(index);
        if *ceremony != self.fingerprint {
            return Err(ThresholdError::WrongCeremony {
                what: T::WHAT,
                trustee,
            });
        }
        if *roster != self.hash {
            return Err(ThresholdError::WrongRoster {
                what: T::WHAT,
                trustee,
            });
        }
        if !certificate
            .signing_key
            .verify(&signed_message(file), signature)
        {
            return Err(ThresholdError::BadSignature {
                what: T::WHAT,
                trustee,
            });
        }
        Ok(())
    }
}

fn with_context<R>(items: &[(&'static [u8], Vec<u8>); 3], run: impl FnOnce(Context<'_>) -> R) -> R {
    let borrowed: Vec<(&[u8], &[u8])> = items.iter().map(|(l, b)| (*l, b.as_slice())).collect();
    run(&borrowed)
}

/// Step 2: this trustee's share bundle for the roster.
pub fn make_bundle(
    identity: &TrusteeIdentity,
    roster: &Roster,
    source: &mut dyn ScalarSource,
) -> Result<ShareBundle, ThresholdError> {
    let me = roster.my_index(identity)?;
    let polynomial = Polynomial::random(roster.ceremony.threshold, source)?;
    let commitments = polynomial.commitments();
    let constant = Zeroizing::new(polynomial.constant());
    let first = commitments.first().copied().unwrap_or(Point::identity());
    let proof = with_context(&roster.context(&index_bytes(me)), |context| {
        prove_key(DOMAIN_COMMITMENT, context, &constant, &first, source)
    })?;
    let mut shares = Vec::with_capacity(roster.certificates.len());
    for (receiver, certificate) in roster.indices().zip(&roster.certificates) {
        let share = Zeroizing::new(polynomial.evaluate(receiver));
        let place = Place {
            ceremony: &roster.fingerprint,
            roster: &roster.hash,
            sender: me,
            receiver,
        };
        let (ephemeral, ciphertext) =
            share_box::seal(&share, &certificate.encryption_key, &place, source)?;
        shares.push(EncryptedShare {
            to: receiver,
            ephemeral,
            ciphertext,
        });
    }
    let (format, version) = new_header::<ShareBundle>();
    let mut bundle = ShareBundle {
        format,
        version,
        ceremony: roster.fingerprint,
        roster: roster.hash,
        trustee: me,
        commitments,
        proof,
        shares,
        signature: Signature([0u8; 64]),
    };
    bundle.signature = identity.sign(&bundle);
    Ok(bundle)
}

/// The public checks of one bundle: ceremony, roster, signature, t
/// commitments with a valid proof for C_0, one share for each of the n
/// trustees in order. (The server makes them when a trustee uploads its
/// bundle; whether each share opens only its receiver can check.)
pub fn check_bundle(roster: &Roster, bundle: &ShareBundle) -> Result<(), ThresholdError> {
    roster.check_signed(
        bundle,
        bundle.trustee,
        &bundle.ceremony,
        &bundle.roster,
        &bundle.signature,
    )?;
    let trustee = roster.label(bundle.trustee);
    if bundle.commitments.len() != roster.ceremony.threshold as usize {
        return Err(ThresholdError::BadBundle {
            trustee,
            reason: "it does not have one commitment per coefficient",
        });
    }
    let in_order = bundle.shares.len() == roster.certificates.len()
        && roster.indices().zip(&bundle.shares).all(|(i, s)| s.to == i);
    if !in_order {
        return Err(ThresholdError::BadBundle {
            trustee,
            reason: "it does not have one share per trustee, in order",
        });
    }
    let first = bundle
        .commitments
        .first()
        .copied()
        .unwrap_or(Point::identity());
    let valid = with_context(&roster.context(&index_bytes(bundle.trustee)), |context| {
        verify_key(DOMAIN_COMMITMENT, context, &first, &bundle.proof)
    });
    if !valid {
        return Err(ThresholdError::BadKeyProof {
            what: ShareBundle::WHAT,
            trustee,
        });
    }
    Ok(())
}

/// Orders files by trustee index: exactly one per trustee.
fn one_each<'a, T: TrusteeFile>(
    roster: &Roster,
    files: &'a [T],
    index: impl Fn(&T) -> u32,
) -> Result<Vec<&'a T>, ThresholdError> {
    let mut slots: Vec<Option<&T>> = vec![None; roster.certificates.len()];
    for file in files {
        let i = index(file);
        let slot = usize::try_from(i)
            .ok()
            .and_then(|i| i.checked_sub(1))
            .and_then(|p| slots.get_mut(p))
            .ok_or(ThresholdError::UnknownTrustee { index: i })?;
        if slot.is_some() {
            return Err(ThresholdError::DuplicateTrustee {
                what: T::WHAT,
                index: i,
            });
        }
        *slot = Some(file);
    }
    roster
        .indices()
        .zip(slots)
        .map(|(i, slot)| {
            slot.ok_or_else(|| ThresholdError::Missing {
                what: T::WHAT,
                trustee: roster.label(i),
            })
        })
        .collect()
}

/// A trustee's key share after the check step. The secret is wiped on drop.
pub struct TrusteeShare {
    /// The trustee's index.
    pub index: u32,
    secret: Zeroizing<Scalar>,
    /// Y_i = G^{x_i}.
    pub verification_key: Point,
    /// The election public key Y.
    pub public_key: Point,
    /// The ceremony fingerprint.
    pub ceremony: [u8; 32],
    /// The roster hash.
    pub roster: [u8; 32],
}

impl std::fmt::Debug for TrusteeShare {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TrusteeShare(trustee {}, <redacted>)", self.index)
    }
}

impl TrusteeShare {
    /// A share restored from the private file; refuses a secret that does
    /// not match its verification key.
    pub(crate) fn restore(
        index: u32,
        secret: Scalar,
        public_key: Point,
        ceremony: [u8; 32],
        roster: [u8; 32],
    ) -> TrusteeShare {
        TrusteeShare {
            index,
            verification_key: generator() * secret,
            secret: Zeroizing::new(secret),
            public_key,
            ceremony,
            roster,
        }
    }

    /// x_i, for partial decryption and the private file.
    pub(crate) fn secret(&self) -> &Scalar {
        &self.secret
    }
}

/// Step 3: opens and checks the shares sent to this trustee. On success the
/// key share (to keep in the private file) and the verification to upload;
/// a share that does not open or does not match its sender's commitments is
/// [`ThresholdError::BadShare`] naming the sender.
pub fn check_bundles(
    identity: &TrusteeIdentity,
    roster: &Roster,
    bundles: &[ShareBundle],
    source: &mut dyn ScalarSource,
) -> Result<(TrusteeShare, Verification), ThresholdError> {
    let me = roster.my_index(identity)?;
    let ordered = one_each(roster, bundles, |b| b.trustee)?;
    for bundle in &ordered {
        check_bundle(roster, bundle)?;
    }
    let mut secret = Zeroizing::new(Scalar::ZERO);
    for bundle in &ordered {
        let sender = roster.label(bundle.trustee);
        let place = Place {
            ceremony: &roster.fingerprint,
            roster: &roster.hash,
            sender: bundle.trustee,
            receiver: me,
        };
        let encrypted =
            bundle
                .shares
                .iter()
                .find(|s| s.to == me)
                .ok_or_else(|| ThresholdError::BadShare {
                    sender: sender.clone(),
                })?;
        let share = share_box::open(
            &encrypted.ciphertext,
            &encrypted.ephemeral,
            &identity.encryption,
            &place,
        )
        .ok_or_else(|| ThresholdError::BadShare {
            sender: sender.clone(),
        })?;
        if generator() * *share != commitment_at(&bundle.commitments, me) {
            return Err(ThresholdError::BadShare { sender });
        }
        *secret += *share;
    }
    let public_key = election_key(&ordered);
    let share = TrusteeShare::restore(me, *secret, public_key, roster.fingerprint, roster.hash);
    let proof = with_context(&roster.context(&index_bytes(me)), |context| {
        prove_key(
            DOMAIN_VERIFICATION_KEY,
            context,
            share.secret(),
            &share.verification_key,
            source,
        )
    })?;
    let (format, version) = new_header::<Verification>();
    let mut verification = Verification {
        format,
        version,
        ceremony: roster.fingerprint,
        roster: roster.hash,
        trustee: me,
        bundles: ordered.iter().map(|b| files::digest(*b)).collect(),
        verification_key: share.verification_key,
        proof,
        public_key,
        signature: Signature([0u8; 64]),
    };
    verification.signature = identity.sign(&verification);
    Ok((share, verification))
}

fn election_key(ordered: &[&ShareBundle]) -> Point {
    ordered
        .iter()
        .filter_map(|b| b.commitments.first())
        .fold(Point::identity(), |acc, c| acc + c)
}

/// The outcome of the ceremony, for the server and any verifier: from all
/// certificates, share bundles and verifications, the election public key
/// Y = Π_j C_{j,0} and each trustee's verification key Y_i computed from
/// the commitments. Refuses anything inconsistent: a bad certificate or
/// bundle, a missing or duplicated file, a verification that checked other
/// bundles, states another key or has a wrong proof.
pub fn ceremony_keys(
    ceremony: &CeremonyFile,
    certificates: Vec<Certificate>,
    bundles: &[ShareBundle],
    verifications: &[Verification],
) -> Result<CeremonyKeys, ThresholdError> {
    let roster = Roster::new(ceremony, certificates)?;
    let ordered = one_each(&roster, bundles, |b| b.trustee)?;
    for bundle in &ordered {
        check_bundle(&roster, bundle)?;
    }
    let digests: Vec<[u8; 32]> = ordered.iter().map(|b| files::digest(*b)).collect();
    let public_key = election_key(&ordered);
    let checked = one_each(&roster, verifications, |v| v.trustee)?;
    let mut trustees = Vec::with_capacity(checked.len());
    for (verification, certificate) in checked.iter().zip(&roster.certificates) {
        let expected =
            check_one_verification(&roster, &ordered, &digests, &public_key, verification)?;
        trustees.push(TrusteeEntry {
            index: verification.trustee,
            name: certificate.name.clone(),
            signing_key: certificate.signing_key,
            verification_key: expected,
        });
    }
    let (format, version) = new_header::<CeremonyKeys>();
    Ok(CeremonyKeys {
        format,
        version,
        ceremony: roster.fingerprint,
        roster: roster.hash,
        threshold: ceremony.threshold,
        public_key,
        trustees,
    })
}

/// The checks of one verification as the server makes them when a trustee
/// uploads it, once all n share bundles are in: every bundle valid, the
/// verification for this ceremony and roster, signed by its trustee, naming
/// exactly these bundles, stating the election public key and the
/// verification key the commitments give, with a valid proof. Returns the
/// trustee's verification key Y_i.
pub fn check_verification(
    roster: &Roster,
    bundles: &[ShareBundle],
    verification: &Verification,
) -> Result<Point, ThresholdError> {
    let ordered = one_each(roster, bundles, |b| b.trustee)?;
    for bundle in &ordered {
        check_bundle(roster, bundle)?;
    }
    let digests: Vec<[u8; 32]> = ordered.iter().map(|b| files::digest(*b)).collect();
    let public_key = election_key(&ordered);
    check_one_verification(roster, &ordered, &digests, &public_key, verification)
}

/// One verification against the checked, ordered bundles.
fn check_one_verification(
    roster: &Roster,
    ordered: &[&ShareBundle],
    digests: &[[u8; 32]],
    public_key: &Point,
    verification: &Verification,
) -> Result<Point, ThresholdError> {
    let index = verification.trustee;
    roster.check_signed(
        verification,
        index,
        &verification.ceremony,
        &verification.roster,
        &verification.signature,
    )?;
    let trustee = roster.label(index);
    let bad = |reason| ThresholdError::BadVerification {
        trustee: trustee.clone(),
        reason,
    };
    if verification.bundles != digests {
        return Err(bad("it checked other share bundles"));
    }
    if verification.public_key != *public_key {
        return Err(bad("it states another election public key"));
    }
    let expected = verification_key(ordered.iter().map(|b| b.commitments.as_slice()), index);
    if verification.verification_key != expected {
        return Err(bad("it states another verification key"));
    }
    let valid = with_context(&roster.context(&index_bytes(index)), |context| {
        verify_key(
            DOMAIN_VERIFICATION_KEY,
            context,
            &verification.verification_key,
            &verification.proof,
        )
    });
    if !valid {
        return Err(ThresholdError::BadKeyProof {
            what: Verification::WHAT,
            trustee,
        });
    }
    Ok(expected)
}
