//! Lenient deserialisation helpers for fields whose wire type is not documented.

use serde::{Deserialize, Deserializer};

/// A number that may arrive as an integer, a float, a numeric string or `null`/missing.
#[derive(Deserialize)]
#[serde(untagged)]
enum Lenient {
    Unsigned(u64),
    Signed(i64),
    Float(f64),
    Text(String),
    Other(serde::de::IgnoredAny),
}

impl Lenient {
    fn into_u64(self) -> Option<u64> {
        match self {
            Self::Unsigned(n) => Some(n),
            Self::Signed(n) => u64::try_from(n).ok(),
            Self::Float(f) if f.is_finite() && f >= 0.0 => Some(f as u64),
            Self::Text(s) => s
                .trim()
                .parse::<f64>()
                .ok()
                .and_then(|f| (f.is_finite() && f >= 0.0).then_some(f as u64)),
            _ => None,
        }
    }
}

/// `Option<u64>` from a number, a numeric string, `null` or anything else (-> `None`).
pub(crate) fn opt_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(Option::<Lenient>::deserialize(d)?.and_then(Lenient::into_u64))
}

/// `u32` from a number or numeric string; anything else (or an overflow) is 0.
pub(crate) fn u32_or_zero<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    Ok(opt_u64(d)?
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or_default())
}

/// A string that may be `null` (-> empty).
pub(crate) fn string_or_null<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(d)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[derive(Deserialize)]
    struct T {
        #[serde(default, deserialize_with = "opt_u64")]
        n: Option<u64>,
        #[serde(default, deserialize_with = "u32_or_zero")]
        m: u32,
        #[serde(default, deserialize_with = "string_or_null")]
        s: String,
    }

    #[test]
    fn lenient_values() {
        let t: T = serde_json::from_str(r#"{"n":"12","m":3.0,"s":null}"#).unwrap();
        assert_eq!((t.n, t.m, t.s.as_str()), (Some(12), 3, ""));
        let t: T = serde_json::from_str(r#"{"n":-1,"m":{"x":1}}"#).unwrap();
        assert_eq!((t.n, t.m), (None, 0));
        let t: T = serde_json::from_str(r#"{}"#).unwrap();
        assert_eq!((t.n, t.m), (None, 0));
    }
}
