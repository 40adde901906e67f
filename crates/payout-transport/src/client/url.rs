//! [`RequestUrl`]: a request URL parsed once.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use payout_core::Error;

/// A request URL, parsed once when a provider is built and shared by every
/// request to it: the HTTP client gets it ready-made instead of parsing
/// text on each call.
///
/// It reads as its text (`Display`, `Deref<Target = str>`, comparison
/// with strings).
///
/// ```
/// use payout_transport::RequestUrl;
/// let url = RequestUrl::parse("http://127.0.0.1:9000/indonesia-pay/v1/paypro/queryPayOutResult")?;
/// assert_eq!(url, "http://127.0.0.1:9000/indonesia-pay/v1/paypro/queryPayOutResult");
/// assert!(url.ends_with("/queryPayOutResult"));
/// assert!(RequestUrl::parse("not a url").is_err());
/// # Ok::<(), payout_core::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct RequestUrl(Arc<reqwest::Url>);

impl RequestUrl {
    /// Parses an absolute `http://` or `https://` URL.
    ///
    /// # Errors
    /// [`Error::Config`] naming the URL and what is wrong with it.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let url = reqwest::Url::parse(text)
            .map_err(|e| Error::config(format!("URL {text:?} is not valid: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Error::config(format!(
                "URL {text:?} must start with http:// or https://"
            )));
        }
        Ok(Self(Arc::new(url)))
    }

    /// The URL as text.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The parsed URL, for the HTTP client (a copy; no parsing).
    pub fn to_url(&self) -> reqwest::Url {
        reqwest::Url::clone(&self.0)
    }
}

impl Deref for RequestUrl {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for RequestUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for RequestUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl PartialEq<str> for RequestUrl {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for RequestUrl {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}
