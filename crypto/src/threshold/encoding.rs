//! Serde forms of group elements in trustee files: a point or a scalar is a
//! base64url string of its 32-byte encoding ([`crate::group`]). Reading
//! refuses non-canonical encodings and, for keys and commitments
//! ([`point`], [`points`]), the identity. Ciphertext components and
//! decryption factors ([`any_point`]) may be the identity: the sum of no
//! ballots is (identity, identity).

use crate::group::{
    decode_point, decode_public_point, decode_scalar, encode_point, encode_scalar, Point, Scalar,
};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serializer};

fn point_from_text<E: serde::de::Error>(text: &str) -> Result<Point, E> {
    let bytes = crate::base64url::decode(text).map_err(E::custom)?;
    decode_public_point(&bytes).map_err(E::custom)
}

/// One point.
pub(crate) mod point {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(
        point: &Point,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&crate::base64url::encode(&encode_point(point)))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Point, D::Error> {
        let text = String::deserialize(deserializer)?;
        point_from_text(&text)
    }
}

/// One ciphertext component or decryption factor (the identity allowed).
pub(crate) mod any_point {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(
        point: &Point,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        super::point::serialize(point, serializer)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Point, D::Error> {
        let text = String::deserialize(deserializer)?;
        let bytes = crate::base64url::decode(&text).map_err(D::Error::custom)?;
        decode_point(&bytes).map_err(D::Error::custom)
    }
}

/// A list of points.
pub(crate) mod points {
    use super::*;
    use serde::ser::SerializeSeq;

    pub(crate) fn serialize<S: Serializer>(
        points: &[Point],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(points.len()))?;
        for point in points {
            seq.serialize_element(&crate::base64url::encode(&encode_point(point)))?;
        }
        seq.end()
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<Point>, D::Error> {
        let texts = Vec::<String>::deserialize(deserializer)?;
        texts.iter().map(|text| point_from_text(text)).collect()
    }
}

/// One scalar.
pub(crate) mod scalar {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(
        scalar: &Scalar,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&crate::base64url::encode(&encode_scalar(scalar)))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Scalar, D::Error> {
        let text = String::deserialize(deserializer)?;
        let bytes = crate::base64url::decode(&text).map_err(D::Error::custom)?;
        decode_scalar(&bytes).map_err(D::Error::custom)
    }
}
