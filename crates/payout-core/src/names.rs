//! Reading the stable names of the domain's enums back (`FromStr`, and
//! `Deserialize` for the types whose serde form is their `Display` text).

use std::str::FromStr;

use serde::{Deserialize, Deserializer};

use crate::error::Error;

/// The member of `all` whose name is `text`, or a
/// [`Error::Validation`] naming `what` and listing the names.
pub(crate) fn parse_name<T: Copy>(
    what: &str,
    text: &str,
    all: &[T],
    name: impl Fn(&T) -> &'static str,
) -> Result<T, Error> {
    all.iter()
        .copied()
        .find(|v| name(v) == text)
        .ok_or_else(|| {
            let names: Vec<&str> = all.iter().map(&name).collect();
            Error::validation(
                what,
                format!(
                    "must be one of {} (got {:?})",
                    names.join(", "),
                    crate::error::excerpt(text.as_bytes(), 48)
                ),
            )
        })
}

/// Deserializes a `T` from its text through [`FromStr`].
pub(crate) fn deserialize_from_str<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr<Err = Error>,
{
    let text = String::deserialize(d)?;
    text.parse().map_err(serde::de::Error::custom)
}
