//! Canonical JSON (election record §2): sorted keys, no whitespace, minimal
//! string escapes, integers only. Byte-identical to Python's
//! `json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`.
//!
//! Every public file of the ballot protocol is written in this form: the
//! election record (`votum-ballots`) and the trustees' files
//! ([`crate::threshold`]). It lives in this crate, the one both use.
//!
//! Written here rather than taken from `serde_json`'s own output because
//! `serde_json`'s key order depends on a Cargo feature (`preserve_order`)
//! that any crate in the build may switch on.

use serde::Serialize;
use serde_json::Value;

/// Canonical bytes of a value whose `Serialize` cannot fail (structs,
/// enums, strings, integers, base64 writers; no maps with non-string keys).
pub fn to_canonical<T: Serialize>(value: &T) -> Vec<u8> {
    value_to_canonical(&to_value(value))
}

/// Canonical bytes of a value serialised as an object, leaving out the
/// member `omit` (a record hash or a signed file leaves out `signature`).
pub fn to_canonical_without<T: Serialize>(value: &T, omit: &str) -> Vec<u8> {
    let mut value = to_value(value);
    if let Value::Object(map) = &mut value {
        map.remove(omit);
    }
    value_to_canonical(&value)
}

fn to_value<T: Serialize>(value: &T) -> Value {
    match serde_json::to_value(value) {
        Ok(value) => value,
        // serde_json fails only on maps with non-string keys or a failing
        // `Serialize` impl; the protocol's types have neither (structs,
        // enums, strings, integers, and base64 writers that cannot fail).
        Err(error) => unreachable!("protocol types always serialise: {error}"),
    }
}

/// Canonical bytes of a parsed JSON value.
pub fn value_to_canonical(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    write(value, &mut out);
    out
}

/// Whether `bytes` are exactly the canonical form of the JSON they hold,
/// optionally followed by one line feed (the file form of §2). Returns the
/// parsed value when they are.
pub fn parse_canonical(bytes: &[u8]) -> Option<Value> {
    let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    let value: Value = serde_json::from_slice(body).ok()?;
    (value_to_canonical(&value) == body).then_some(value)
}

fn write(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        // Record numbers are integers; their `Display` is plain decimal.
        Value::Number(n) => out.extend_from_slice(n.to_string().as_bytes()),
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write(item, out);
            }
            out.push(b']');
        }
        Value::Object(map) => {
            // Byte order of UTF-8 is code point order.
            let mut members: Vec<(&String, &Value)> = map.iter().collect();
            members.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push(b'{');
            for (i, (key, item)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_string(key, out);
                out.push(b':');
                write(item, out);
            }
            out.push(b'}');
        }
    }
}

fn write_string(s: &str, out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    let mut buf = [0u8; 4];
    for c in s.chars() {
        match c {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\u{8}' => out.extend_from_slice(b"\\b"),
            '\u{c}' => out.extend_from_slice(b"\\f"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\t' => out.extend_from_slice(b"\\t"),
            c if u32::from(c) < 0x20 => {
                let b = u32::from(c);
                out.extend_from_slice(b"\\u00");
                for nibble in [b >> 4, b & 0xf] {
                    // nibble < 16, so the lookup always succeeds.
                    out.extend(HEX.get(nibble as usize).copied());
                }
            }
            c => out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes()),
        }
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_python_form() {
        let value: Value = serde_json::from_str(
            r#" { "b" : [1, true, null, {"z":0,"a":"x"}], "a" : "q\"\\\/\b\f\n\r\t\u0001\u001f\u007f é €" } "#,
        )
        .unwrap();
        let out = String::from_utf8(value_to_canonical(&value)).unwrap();
        // The expected text is what CPython 3 prints for the same value.
        assert_eq!(
            out,
            "{\"a\":\"q\\\"\\\\/\\b\\f\\n\\r\\t\\u0001\\u001f\u{7f} é €\",\"b\":[1,true,null,{\"a\":\"x\",\"z\":0}]}"
        );
    }

    #[test]
    fn parse_canonical_accepts_one_line_feed_and_nothing_else() {
        assert!(parse_canonical(b"{\"a\":1,\"b\":[]}").is_some());
        assert!(parse_canonical(b"{\"a\":1,\"b\":[]}\n").is_some());
        assert!(parse_canonical(b"{\"a\":1,\"b\":[]}\n\n").is_none());
        assert!(parse_canonical(b"{\"b\":[],\"a\":1}").is_none());
        assert!(parse_canonical(b"{\"a\": 1}").is_none());
        assert!(parse_canonical(b"{\"a\":1e0}").is_none());
        assert!(parse_canonical(b"not json").is_none());
    }

    #[test]
    fn agrees_with_serde_json_escaping() {
        let s: String = (0u32..0x80).filter_map(char::from_u32).collect::<String>() + "ü\u{2028}";
        let mut ours = Vec::new();
        write_string(&s, &mut ours);
        assert_eq!(ours, serde_json::to_vec(&s).unwrap());
    }
}
