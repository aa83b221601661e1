//! Chat messages and roles.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Who wrote a [`Message`]. Roles the server adds later are kept in [`Role::Other`].
///
/// ```
/// use llm_core::chat::Role;
///
/// assert_eq!(Role::from("system"), Role::System);
/// assert_eq!(Role::from("tool"), Role::Other("tool".into()));
/// assert_eq!(Role::Assistant.as_str(), "assistant");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Role {
    /// Instructions for the model.
    System,
    /// The person talking to the model.
    #[default]
    User,
    /// The model.
    Assistant,
    /// A role this version of the crate does not know, kept as sent.
    Other(String),
}

impl Role {
    /// The role as it appears on the wire.
    ///
    /// ```
    /// assert_eq!(llm_core::chat::Role::User.as_str(), "user");
    /// ```
    pub fn as_str(&self) -> &str {
        match self {
            Self::System => "system",
            Self::User => "user",
            Self::Assistant => "assistant",
            Self::Other(other) => other,
        }
    }
}

impl From<&str> for Role {
    fn from(value: &str) -> Self {
        match value {
            "system" => Self::System,
            "user" => Self::User,
            "assistant" => Self::Assistant,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl From<String> for Role {
    fn from(value: String) -> Self {
        match value.as_str() {
            "system" | "user" | "assistant" => Self::from(value.as_str()),
            _ => Self::Other(value),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Role {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Role {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::de::from_str_value(d)
    }
}

/// One message of a conversation: a [`Role`] and its text.
///
/// ```
/// use llm_core::chat::{Message, Role};
///
/// let messages = [
///     Message::system("Answer in one sentence."),
///     Message::user("What is Presidio?"),
/// ];
/// assert_eq!(messages[1].role, Role::User);
/// assert_eq!(messages[1].content, "What is Presidio?");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Message {
    /// Who wrote it.
    #[serde(default)]
    pub role: Role,
    /// The text (a `null` content on the wire reads as empty).
    #[serde(default, deserialize_with = "crate::de::string_or_null")]
    pub content: String,
}

impl Message {
    /// A message with any role.
    ///
    /// ```
    /// use llm_core::chat::{Message, Role};
    /// let m = Message::new(Role::Assistant, "Hi!");
    /// assert_eq!(m, Message::assistant("Hi!"));
    /// ```
    pub fn new(role: impl Into<Role>, content: impl Into<String>) -> Self {
        Self {
            role: role.into(),
            content: content.into(),
        }
    }

    /// A `system` message (instructions).
    ///
    /// ```
    /// let m = llm_core::chat::Message::system("Be brief.");
    /// assert_eq!(m.role, llm_core::chat::Role::System);
    /// ```
    pub fn system(content: impl Into<String>) -> Self {
        Self::new(Role::System, content)
    }

    /// A `user` message.
    ///
    /// ```
    /// let m = llm_core::chat::Message::user("Hello");
    /// assert_eq!(m.role, llm_core::chat::Role::User);
    /// ```
    pub fn user(content: impl Into<String>) -> Self {
        Self::new(Role::User, content)
    }

    /// An `assistant` message (an earlier answer of the model).
    ///
    /// ```
    /// let m = llm_core::chat::Message::assistant("Hello! How can I help?");
    /// assert_eq!(m.role, llm_core::chat::Role::Assistant);
    /// ```
    pub fn assistant(content: impl Into<String>) -> Self {
        Self::new(Role::Assistant, content)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn roles_round_trip_and_keep_unknown_values() {
        let m: Message = serde_json::from_str(r#"{"role":"critic","content":null}"#).unwrap();
        assert_eq!(m.role, Role::Other("critic".into()));
        assert_eq!(m.content, "");
        assert_eq!(
            serde_json::to_string(&Message::system("x")).unwrap(),
            r#"{"role":"system","content":"x"}"#
        );
        assert_eq!(Role::from("assistant".to_owned()), Role::Assistant);
        assert_eq!(Role::Other("x".into()).to_string(), "x");
    }
}
