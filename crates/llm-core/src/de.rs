//! Lenient deserialisation helpers for fields whose wire type is not documented, shared by
//! every provider crate (use them with `#[serde(deserialize_with = "...")]`).
//!
//! Servers send counts as numbers, floats or numeric strings, and ids as strings, numbers or
//! `null`; these helpers keep what can be kept and never fail on a scalar of the wrong type.
//!
//! ```
//! #[derive(serde::Deserialize)]
//! struct Wire {
//!     #[serde(default, deserialize_with = "llm_core::de::opt_u64")]
//!     created: Option<u64>,
//!     #[serde(default, deserialize_with = "llm_core::de::string_or_null")]
//!     id: String,
//! }
//! let wire: Wire = serde_json::from_str(r#"{"created":"17","id":42}"#)?;
//! assert_eq!((wire.created, wire.id.as_str()), (Some(17), "42"));
//! # Ok::<(), serde_json::Error>(())
//! ```

use std::fmt;

use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserializer;

/// Reads a number that may arrive as an integer, a float, a numeric string, `null` or
/// anything else (-> `None`), straight from the parser: an `#[serde(untagged)]` enum would
/// buffer every value first, which costs more than the rest of a streamed chunk's parse.
struct LenientU64;

fn float_to_u64(f: f64) -> Option<u64> {
    (f.is_finite() && f >= 0.0).then_some(f as u64)
}

impl<'de> Visitor<'de> for LenientU64 {
    type Value = Option<u64>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number, a numeric string or null")
    }

    fn visit_u64<E>(self, n: u64) -> Result<Self::Value, E> {
        Ok(Some(n))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Self::Value, E> {
        Ok(u64::try_from(n).ok())
    }

    fn visit_f64<E>(self, f: f64) -> Result<Self::Value, E> {
        Ok(float_to_u64(f))
    }

    fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
        Ok(s.trim().parse::<f64>().ok().and_then(float_to_u64))
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }
}

/// `Option<u64>` from a number, a numeric string, `null` or anything else (-> `None`).
///
/// # Errors
/// Only when the input is not valid JSON.
///
/// ```
/// use serde::de::IntoDeserializer;
/// use serde::de::value::Error;
/// let n = llm_core::de::opt_u64("8.9".into_deserializer());
/// assert_eq!(n, Ok::<_, Error>(Some(8)));
/// ```
pub fn opt_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    d.deserialize_any(LenientU64)
}

/// `u32` from a number or numeric string; anything else (or an overflow) is 0.
///
/// # Errors
/// Only when the input is not valid JSON.
///
/// ```
/// use serde::de::IntoDeserializer;
/// use serde::de::value::Error;
/// assert_eq!(llm_core::de::u32_or_zero("12".into_deserializer()), Ok::<_, Error>(12));
/// assert_eq!(llm_core::de::u32_or_zero(u64::MAX.into_deserializer()), Ok::<_, Error>(0));
/// ```
pub fn u32_or_zero<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    Ok(opt_u64(d)?
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or_default())
}

/// A string that may be `null` (-> empty) or a number (-> its decimal text); anything else
/// (a bool, an array, an object) is skipped and reads as empty.
///
/// # Errors
/// Only when the input is not valid JSON.
///
/// ```
/// use serde::de::IntoDeserializer;
/// use serde::de::value::Error;
/// assert_eq!(llm_core::de::string_or_null(7u64.into_deserializer()), Ok::<_, Error>("7".to_owned()));
/// ```
pub fn string_or_null<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(opt_string(d)?.unwrap_or_default())
}

/// An optional string that may arrive as a string or a number; `null` and anything else
/// read as `None`.
///
/// # Errors
/// Only when the input is not valid JSON.
///
/// ```
/// use serde::de::IntoDeserializer;
/// use serde::de::value::Error;
/// assert_eq!(llm_core::de::opt_string("x".into_deserializer()), Ok::<_, Error>(Some("x".to_owned())));
/// ```
pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    d.deserialize_any(LenientString)
}

/// Reads a string, a number (as its text) or anything else (-> `None`) straight from the
/// parser.
struct LenientString;

impl<'de> Visitor<'de> for LenientString {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string, a number or null")
    }

    fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
        Ok(Some(s.to_owned()))
    }

    fn visit_string<E>(self, s: String) -> Result<Self::Value, E> {
        Ok(Some(s))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Self::Value, E> {
        Ok(Some(n.to_string()))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Self::Value, E> {
        Ok(Some(n.to_string()))
    }

    fn visit_f64<E>(self, f: f64) -> Result<Self::Value, E> {
        Ok(Some(f.to_string()))
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }
}

/// `Option<f64>` from a number, a numeric string (Laravel serialises decimal columns as
/// `"0.50"`), `null` or anything else (-> `None`); non-finite values read as `None`.
///
/// # Errors
/// Only when the input is not valid JSON.
///
/// ```
/// #[derive(serde::Deserialize)]
/// struct Wire {
///     #[serde(default, deserialize_with = "llm_core::de::opt_f64")]
///     temperature: Option<f64>,
/// }
/// let wire: Wire = serde_json::from_str(r#"{"temperature":"0.50"}"#)?;
/// assert_eq!(wire.temperature, Some(0.5));
/// let wire: Wire = serde_json::from_str(r#"{"temperature":[1]}"#)?;
/// assert_eq!(wire.temperature, None);
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn opt_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    use serde::Deserialize;
    let value = Option::<serde_json::Value>::deserialize(d)?;
    let number = match value {
        Some(serde_json::Value::Number(n)) => n.as_f64(),
        Some(serde_json::Value::String(s)) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    Ok(number.filter(|f| f.is_finite()))
}

/// `Option<bool>` from a boolean, `0`/`1` (as numbers or strings), `"true"`/`"false"`,
/// `null` or anything else (-> `None`): a database may hand a flag back as a number.
///
/// # Errors
/// Only when the input is not valid JSON.
///
/// ```
/// #[derive(serde::Deserialize)]
/// struct Wire {
///     #[serde(default, deserialize_with = "llm_core::de::opt_bool")]
///     anonymize: Option<bool>,
/// }
/// let wire: Wire = serde_json::from_str(r#"{"anonymize":1}"#)?;
/// assert_eq!(wire.anonymize, Some(true));
/// let wire: Wire = serde_json::from_str(r#"{"anonymize":"false"}"#)?;
/// assert_eq!(wire.anonymize, Some(false));
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    use serde::Deserialize;
    let value = Option::<serde_json::Value>::deserialize(d)?;
    Ok(match value {
        Some(serde_json::Value::Bool(b)) => Some(b),
        Some(serde_json::Value::Number(n)) => match n.as_u64() {
            Some(0) => Some(false),
            Some(1) => Some(true),
            _ => None,
        },
        Some(serde_json::Value::String(s)) => match s.trim() {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    })
}

/// Reads a JSON string as `T` through `From<&str>`, without allocating for the text (used
/// for roles and finish reasons: known values need no `String`).
///
/// # Errors
/// When the value is not a string.
///
/// ```
/// use serde::de::IntoDeserializer;
/// use serde::de::value::Error;
/// let role: Result<llm_core::chat::Role, Error> = llm_core::de::from_str_value("user".into_deserializer());
/// assert_eq!(role, Ok(llm_core::chat::Role::User));
/// ```
pub fn from_str_value<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: for<'a> From<&'a str>,
{
    d.deserialize_str(StrValue(std::marker::PhantomData))
}

/// Turns a string into `T` from the parser's slice.
struct StrValue<T>(std::marker::PhantomData<T>);

impl<'de, T: for<'a> From<&'a str>> Visitor<'de> for StrValue<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E>(self, s: &str) -> Result<T, E> {
        Ok(T::from(s))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct T {
        #[serde(default, deserialize_with = "opt_u64")]
        n: Option<u64>,
        #[serde(default, deserialize_with = "u32_or_zero")]
        m: u32,
        #[serde(default, deserialize_with = "string_or_null")]
        s: String,
        #[serde(default, deserialize_with = "opt_string")]
        o: Option<String>,
    }

    #[test]
    fn lenient_values() {
        let t: T = serde_json::from_str(r#"{"n":"12","m":3.0,"s":null}"#).unwrap();
        assert_eq!((t.n, t.m, t.s.as_str()), (Some(12), 3, ""));
        let t: T = serde_json::from_str(r#"{"n":-1,"m":{"x":1}}"#).unwrap();
        assert_eq!((t.n, t.m), (None, 0));
        let t: T = serde_json::from_str(r#"{}"#).unwrap();
        assert_eq!((t.n, t.m, t.o), (None, 0, None));
        let t: T = serde_json::from_str(r#"{"s":12,"o":[1]}"#).unwrap();
        assert_eq!((t.s.as_str(), t.o), ("12", None));
        let t: T = serde_json::from_str(r#"{"s":{"a":1},"o":"x"}"#).unwrap();
        assert_eq!((t.s.as_str(), t.o.as_deref()), ("", Some("x")));
        for (json, n) in [
            (r#"{"n":7}"#, Some(7)),
            (r#"{"n":7.9}"#, Some(7)),
            (r#"{"n":" 8 "}"#, Some(8)),
            (r#"{"n":"x"}"#, None),
            (r#"{"n":null}"#, None),
            (r#"{"n":true}"#, None),
            (r#"{"n":[1,[2]]}"#, None),
            (r#"{"n":-0.5}"#, None),
            (r#"{"n":1e300}"#, Some(u64::MAX)),
        ] {
            let t: T = serde_json::from_str(json).unwrap();
            assert_eq!(t.n, n, "{json}");
        }
    }
}
