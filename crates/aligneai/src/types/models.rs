//! Model listings.

/// One model the API offers. Only `id` is guaranteed; the rest is kept when sent.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Model {
    /// The model id to pass as `model` in requests.
    pub id: String,
    /// The `object` field, when sent.
    pub object: Option<String>,
    /// Creation time (Unix seconds), when sent.
    pub created: Option<u64>,
    /// The owner, when sent.
    pub owned_by: Option<String>,
}

impl Model {
    pub(crate) fn with_id(id: String) -> Self {
        Self {
            id,
            object: None,
            created: None,
            owned_by: None,
        }
    }
}

/// The answer of `GET {base}/models`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ModelList {
    /// The models, in the server's order.
    pub data: Vec<Model>,
}

impl ModelList {
    /// The model ids, in the server's order.
    pub fn ids(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.data.iter().map(|m| m.id.as_str())
    }

    /// The models.
    pub fn iter(&self) -> std::slice::Iter<'_, Model> {
        self.data.iter()
    }

    /// The number of models.
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// True when the list is empty.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
}

impl IntoIterator for ModelList {
    type Item = Model;
    type IntoIter = std::vec::IntoIter<Model>;

    fn into_iter(self) -> Self::IntoIter {
        self.data.into_iter()
    }
}

impl<'a> IntoIterator for &'a ModelList {
    type Item = &'a Model;
    type IntoIter = std::slice::Iter<'a, Model>;

    fn into_iter(self) -> Self::IntoIter {
        self.data.iter()
    }
}
