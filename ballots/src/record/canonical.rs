//! Canonical JSON (election record §2), written by
//! [`votum_crypto::canonical`]: the record and the trustees' files share one
//! serialiser.

use serde::Serialize;
use serde_json::Value;

/// Canonical bytes of a value of this crate's record types.
pub(crate) fn to_canonical<T: Serialize>(value: &T) -> Vec<u8> {
    votum_crypto::canonical::to_canonical(value)
}

/// Canonical bytes of a record type serialised as an object, leaving out
/// the member `omit` (the record hash leaves out `signature`).
pub(crate) fn to_canonical_without<T: Serialize>(value: &T, omit: &str) -> Vec<u8> {
    votum_crypto::canonical::to_canonical_without(value, omit)
}

/// Canonical bytes of a parsed JSON value.
pub(crate) fn value_to_canonical(value: &Value) -> Vec<u8> {
    votum_crypto::canonical::value_to_canonical(value)
}
