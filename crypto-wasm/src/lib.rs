//! Votum's ballot encryption in the voter's browser: the functions
//! `static/js/encrypt-ballot.js` calls, compiled to WebAssembly from the same
//! `votum-crypto` code the server uses, so browser and server produce and
//! check ballots byte for byte alike.
//!
//! Every function takes and returns text (JSON, base64url), so the
//! JavaScript side stays a thin layer that fills form fields. The functions
//! are plain Rust too; the tests call them natively.
//!
//! Rebuild the shipped files with `crypto-wasm/build.sh` (README,
//! "Rebuilding the browser crypto").

#![warn(missing_docs)]

use serde::Serialize;
use votum_crypto::audit::{audit_ballot, AuditError, BallotRandomness};
use votum_crypto::encrypted_ballot::{
    encrypt_ballot_for_audit, ElectionParameters, EncryptedBallot,
};
use votum_crypto::group::SystemScalars;
use votum_crypto::{Code, CredentialKey, PublicCredential};
use wasm_bindgen::prelude::wasm_bindgen;

/// What [`encrypt`] returns (as JSON).
#[derive(Debug, Serialize)]
pub struct Encrypted {
    /// The encrypted ballot's canonical JSON: the exact text to submit.
    pub ballot_json: String,
    /// The ballot's tracking code ([`EncryptedBallot::tracking_code`]).
    pub tracking_code: String,
    /// The randomness of every ciphertext as JSON ([`BallotRandomness`]):
    /// kept in the page for an audit, never sent with a cast ballot.
    pub audit_json: String,
}

/// What [`audit`] returns (as JSON): `ok`, and where a failed audit failed.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct AuditOutcome {
    /// Whether every ciphertext encrypts the claimed choice.
    pub ok: bool,
    /// The question (from 0) where it failed, if a question is to blame.
    pub question: Option<usize>,
    /// The option (from 0) where it failed, if an option is to blame.
    pub option: Option<usize>,
    /// What failed, in English (the page shows its own words).
    pub error: Option<String>,
}

/// What [`derive_and_sign`] returns (as JSON).
#[derive(Debug, Serialize)]
pub struct Signed {
    /// The public credential (base64url).
    pub credential: String,
    /// The ed25519 signature of the message (base64url).
    pub signature: String,
}

fn parse<T: serde::de::DeserializeOwned>(what: &str, json: &str) -> Result<T, String> {
    serde_json::from_str(json).map_err(|e| format!("{what}: {e}"))
}

fn to_json<T: Serialize>(value: &T) -> Result<String, String> {
    serde_json::to_string(value).map_err(|e| e.to_string())
}

/// Encrypts `choices_json` (per question, one `true`/`false` per option)
/// for the voter with public credential `credential` (base64url) under the
/// election `params_json` ([`ElectionParameters`] JSON), with fresh
/// randomness from the browser's `crypto.getRandomValues`. Returns
/// [`Encrypted`] as JSON, or a message.
#[wasm_bindgen]
pub fn encrypt(params_json: &str, credential: &str, choices_json: &str) -> Result<String, String> {
    let params: ElectionParameters = parse("election parameters", params_json)?;
    let credential =
        PublicCredential::from_base64(credential).map_err(|e| format!("credential: {e}"))?;
    let choices: Vec<Vec<bool>> = parse("choices", choices_json)?;
    let (ballot, randomness) =
        encrypt_ballot_for_audit(&params, &credential, &choices, &mut SystemScalars)
            .map_err(|e| e.to_string())?;
    let ballot_json = String::from_utf8(ballot.canonical_json()).map_err(|e| e.to_string())?;
    to_json(&Encrypted {
        ballot_json,
        tracking_code: ballot.tracking_code(),
        audit_json: to_json(&randomness)?,
    })
}

/// The cast-or-audit check ([`votum_crypto::audit`]): does every ciphertext
/// of `ballot_json` encrypt `choices_json` with the randomness in
/// `audit_json`? Returns [`AuditOutcome`] as JSON; malformed input is a
/// failed audit too.
#[wasm_bindgen]
pub fn audit(params_json: &str, ballot_json: &str, audit_json: &str, choices_json: &str) -> String {
    let outcome = check_audit(params_json, ballot_json, audit_json, choices_json);
    let outcome = match outcome {
        Ok(()) => AuditOutcome {
            ok: true,
            question: None,
            option: None,
            error: None,
        },
        Err((question, option, error)) => AuditOutcome {
            ok: false,
            question,
            option,
            error: Some(error),
        },
    };
    to_json(&outcome).unwrap_or_else(|e| format!("{{\"ok\":false,\"error\":{e:?}}}"))
}

type Failure = (Option<usize>, Option<usize>, String);

fn check_audit(
    params_json: &str,
    ballot_json: &str,
    audit_json: &str,
    choices_json: &str,
) -> Result<(), Failure> {
    let unplaced = |e: String| (None, None, e);
    let params: ElectionParameters = parse("election parameters", params_json).map_err(unplaced)?;
    let ballot: EncryptedBallot = parse("ballot", ballot_json).map_err(unplaced)?;
    let randomness: BallotRandomness = parse("audit data", audit_json).map_err(unplaced)?;
    let choices: Vec<Vec<bool>> = parse("choices", choices_json).map_err(unplaced)?;
    audit_ballot(&params, &ballot, &randomness, &choices).map_err(|e| {
        let (question, option) = match e {
            AuditError::QuestionCount { .. } => (None, None),
            AuditError::OptionCount { question, .. } => (Some(question), None),
            AuditError::Randomness { question, option }
            | AuditError::Mismatch {
                question, option, ..
            } => (Some(question), Some(option)),
        };
        (question, option, e.to_string())
    })
}

/// Derives the credential key of the voting code `code` for the ballot
/// `ballot_id` (record version 2: [`CredentialKey::derive_v2`]) and signs
/// `message` with it. Returns [`Signed`] as JSON, or a message that never
/// contains the code.
#[wasm_bindgen]
pub fn derive_and_sign(code: &str, ballot_id: &str, message: &[u8]) -> Result<String, String> {
    let code = Code::parse(code).map_err(|e| e.to_string())?;
    let key = CredentialKey::derive_v2(&code, ballot_id);
    to_json(&Signed {
        credential: key.public().to_base64(),
        signature: key.sign(message).to_base64(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use votum_crypto::elgamal::SecretKey;
    use votum_crypto::encrypted_ballot::{verify_ballot, QuestionShape};
    use votum_crypto::group::SeededScalars;

    fn params() -> ElectionParameters {
        let key = SecretKey::generate(&mut SeededScalars::new(b"wasm")).unwrap();
        // Four options that may all be left empty, and "none".
        let shape = QuestionShape {
            options: 5,
            min_marks: 0,
            max_marks: 4,
        };
        ElectionParameters::new([3; 32], key.public(), vec![shape]).unwrap()
    }

    fn credential() -> PublicCredential {
        CredentialKey::derive_v2(&Code::from_bytes([9; 16]), "b1").public()
    }

    #[test]
    fn encrypt_gives_a_ballot_that_verifies_and_audits() {
        let params = params();
        let params_json = serde_json::to_string(&params).unwrap();
        let choices = "[[true,false,true,false,false]]";
        let out = encrypt(&params_json, &credential().to_base64(), choices).unwrap();
        let out: serde_json::Value = serde_json::from_str(&out).unwrap();
        let ballot_json = out["ballot_json"].as_str().unwrap();
        let audit_json = out["audit_json"].as_str().unwrap();
        let ballot: EncryptedBallot = serde_json::from_str(ballot_json).unwrap();
        assert_eq!(ballot.canonical_json(), ballot_json.as_bytes());
        assert_eq!(out["tracking_code"], ballot.tracking_code());
        assert!(verify_ballot(&params, &credential(), &ballot).is_ok());
        let ok = audit(&params_json, ballot_json, audit_json, choices);
        assert_eq!(
            ok,
            r#"{"ok":true,"question":null,"option":null,"error":null}"#
        );
        // Claiming another choice for option 1 fails there.
        let other = audit(
            &params_json,
            ballot_json,
            audit_json,
            "[[true,true,true,false,false]]",
        );
        let other: serde_json::Value = serde_json::from_str(&other).unwrap();
        assert_eq!(other["ok"], false);
        assert_eq!(other["question"], 0);
        assert_eq!(other["option"], 1);
        // Garbage is a failed audit, not a panic.
        let garbage: serde_json::Value =
            serde_json::from_str(&audit(&params_json, "{", audit_json, choices)).unwrap();
        assert_eq!(garbage["ok"], false);
        assert!(encrypt(&params_json, "not a key", choices).is_err());
        assert!(encrypt(&params_json, &credential().to_base64(), "[[true]]").is_err());
    }

    #[test]
    fn derive_and_sign_matches_the_credential_derivation() {
        let code = Code::from_bytes([9; 16]);
        let out = derive_and_sign(&code.display(), "b1", b"message").unwrap();
        let out: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(out["credential"], credential().to_base64());
        let signature =
            votum_crypto::Signature::from_base64(out["signature"].as_str().unwrap()).unwrap();
        assert!(credential().verify(b"message", &signature));
        let err = derive_and_sign("ABCD", "b1", b"m").unwrap_err();
        assert!(!err.contains("ABCD"), "{err}");
    }
}
