//! The workspace's one JSON writer: request bodies (the platform's signed
//! body, Xendit's create body), the simulator's answers and callbacks.
//!
//! [`JsonWriter`] writes one JSON document into one byte buffer, with no
//! intermediate `serde_json::Value`:
//!
//! - keys come out **in the order written** (the same calls always give the
//!   same bytes: a signed body or a keyed retry must be byte-identical);
//! - strings are escaped **exactly as `serde_json` escapes them** (plain
//!   strings are copied as they are, the others go through `serde_json`);
//! - numbers are written **from their exact text** ([`JsonWriter::number`],
//!   [`JsonWriter::decimal`]): an amount never passes through a float;
//! - objects and arrays nest as deep as needed (up to 64 levels).
//!
//! ```
//! use payout_transport::json::JsonWriter;
//! use payout_core::Decimal;
//!
//! let mut w = JsonWriter::object(128);
//! w.str("reference_id", "PO-1")
//!     .decimal("amount", Decimal::new(1050, 2))
//!     .begin_object("channel_properties")
//!     .str("account_holder_name", "Ana \"Li\"")
//!     .end()
//!     .begin_array("tags")
//!     .item_str("a")
//!     .item_raw("1")
//!     .end()
//!     .null("remark");
//! assert_eq!(
//!     String::from_utf8(w.finish()).unwrap(),
//!     r#"{"reference_id":"PO-1","amount":10.50,"channel_properties":{"account_holder_name":"Ana \"Li\""},"tags":["a",1],"remark":null}"#
//! );
//! ```

mod scan;

use std::fmt;
use std::io::Write as _;

use payout_core::Decimal;

pub use scan::string_end;

/// Deepest nesting of objects and arrays (the top-level one included).
pub const MAX_DEPTH: u32 = 64;

/// Writes one JSON object or array into a byte buffer: keys in the order
/// written, strings escaped as `serde_json` does, numbers from their exact
/// text. See the [module documentation](self).
///
/// Object entries are written by the methods that take a key
/// ([`str`](Self::str), [`number`](Self::number), [`begin_object`](Self::begin_object), ...),
/// array elements by the `item_*` methods. [`end`](Self::end) closes the
/// innermost open object or array; [`finish`](Self::finish) closes all
/// that are still open and returns the bytes.
///
/// The writer does not check that a key is not repeated, nor that a raw
/// value or number text is valid JSON (debug builds assert the latter):
/// the caller writes what it means.
pub struct JsonWriter {
    buf: Vec<u8>,
    /// Whether the innermost open container has no entry yet.
    first: bool,
    /// How many containers are open.
    depth: u32,
    /// Bit `i` set: the container at depth `i + 1` is an array.
    arrays: u64,
}

impl fmt::Debug for JsonWriter {
    /// The size and nesting only: the bytes may hold personal data.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonWriter")
            .field("len", &self.buf.len())
            .field("depth", &self.depth)
            .finish_non_exhaustive()
    }
}

impl JsonWriter {
    /// Starts a top-level object (`{`) in a buffer of `capacity` bytes
    /// (it grows as needed; an exact capacity saves reallocations).
    #[inline]
    pub fn object(capacity: usize) -> Self {
        Self::start(capacity, false)
    }

    /// Starts a top-level array (`[`).
    ///
    /// ```
    /// use payout_transport::json::JsonWriter;
    /// let mut w = JsonWriter::array(32);
    /// w.item_object().str("k", "v").end();
    /// w.item_number("-1.5");
    /// assert_eq!(w.finish(), br#"[{"k":"v"},-1.5]"#);
    /// ```
    pub fn array(capacity: usize) -> Self {
        Self::start(capacity, true)
    }

    #[inline]
    fn start(capacity: usize, array: bool) -> Self {
        let mut w = Self {
            buf: Vec::with_capacity(capacity),
            first: true,
            depth: 0,
            arrays: 0,
        };
        w.open(array);
        w
    }

    /// Opens an object or array as the next value.
    #[inline]
    fn open(&mut self, array: bool) {
        assert!(
            self.depth < MAX_DEPTH,
            "JsonWriter: more than {MAX_DEPTH} nested objects and arrays"
        );
        self.buf.push(if array { b'[' } else { b'{' });
        if array {
            self.arrays |= 1 << self.depth;
        } else {
            self.arrays &= !(1 << self.depth);
        }
        self.depth += 1;
        self.first = true;
    }

    /// Whether the innermost open container is an array.
    #[inline]
    fn in_array(&self) -> bool {
        self.depth > 0 && self.arrays & (1 << (self.depth - 1)) != 0
    }

    /// The comma before an entry or element, unless it is the first.
    #[inline]
    fn separate(&mut self) {
        if !self.first {
            self.buf.push(b',');
        }
        self.first = false;
    }

    /// Writes `"key":` (after a comma when needed) for a value that the
    /// caller writes by other means, such as a body streamed in pieces
    /// after [`into_open`](Self::into_open).
    ///
    /// ```
    /// use payout_transport::json::JsonWriter;
    /// let mut w = JsonWriter::object(32);
    /// w.str("a", "1").key("padding");
    /// let mut head = w.into_open();
    /// head.extend_from_slice(b"\"xxx\"}");
    /// assert_eq!(head, br#"{"a":"1","padding":"xxx"}"#);
    /// ```
    pub fn key(&mut self, key: &str) -> &mut Self {
        debug_assert!(
            self.depth > 0 && !self.in_array(),
            "JsonWriter: a key outside an object"
        );
        self.separate();
        write_str(&mut self.buf, key);
        self.buf.push(b':');
        self
    }

    /// The separator before an array element.
    fn item(&mut self) -> &mut Self {
        debug_assert!(self.in_array(), "JsonWriter: an item outside an array");
        self.separate();
        self
    }

    /// `"key":"value"`, the value escaped as `serde_json` does.
    pub fn str(&mut self, key: &str, value: &str) -> &mut Self {
        self.key(key);
        write_str(&mut self.buf, value);
        self
    }

    /// `"key":text` for a JSON number given as its exact text (`10000`,
    /// `1.10`, `1.5e3`), written as it is.
    pub fn number(&mut self, key: &str, text: &str) -> &mut Self {
        debug_assert!(is_number(text), "JsonWriter: {text:?} is not a JSON number");
        self.key(key);
        self.buf.extend_from_slice(text.as_bytes());
        self
    }

    /// `"key":amount` as a JSON number with exactly the digits and scale of
    /// `amount` (`Decimal::new(1050, 2)` gives `10.50`; normalize first
    /// for the shortest form).
    pub fn decimal(&mut self, key: &str, amount: Decimal) -> &mut Self {
        self.key(key);
        write_decimal(&mut self.buf, amount);
        self
    }

    /// `"key":n`.
    pub fn u64(&mut self, key: &str, n: u64) -> &mut Self {
        self.key(key);
        // Writing to a Vec cannot fail.
        let _ = write!(self.buf, "{n}");
        self
    }

    /// `"key":true` or `"key":false`.
    pub fn bool(&mut self, key: &str, value: bool) -> &mut Self {
        self.key(key);
        self.buf
            .extend_from_slice(if value { b"true" } else { b"false" });
        self
    }

    /// `"key":null`.
    pub fn null(&mut self, key: &str) -> &mut Self {
        self.key(key);
        self.buf.extend_from_slice(b"null");
        self
    }

    /// `"key":json` where `json` is one complete JSON value, copied as it
    /// is (a stored object, a value received and passed on).
    pub fn raw(&mut self, key: &str, json: &str) -> &mut Self {
        self.key(key);
        self.buf.extend_from_slice(json.as_bytes());
        self
    }

    /// `"key":{` — a nested object, closed by [`end`](Self::end).
    pub fn begin_object(&mut self, key: &str) -> &mut Self {
        self.key(key);
        self.open(false);
        self
    }

    /// `"key":[` — a nested array, closed by [`end`](Self::end).
    pub fn begin_array(&mut self, key: &str) -> &mut Self {
        self.key(key);
        self.open(true);
        self
    }

    /// An array element: a string.
    pub fn item_str(&mut self, value: &str) -> &mut Self {
        self.item();
        write_str(&mut self.buf, value);
        self
    }

    /// An array element: a number from its exact text.
    pub fn item_number(&mut self, text: &str) -> &mut Self {
        debug_assert!(is_number(text), "JsonWriter: {text:?} is not a JSON number");
        self.item();
        self.buf.extend_from_slice(text.as_bytes());
        self
    }

    /// An array element: an exact decimal number.
    pub fn item_decimal(&mut self, amount: Decimal) -> &mut Self {
        self.item();
        write_decimal(&mut self.buf, amount);
        self
    }

    /// An array element: one complete JSON value, copied as it is.
    pub fn item_raw(&mut self, json: &str) -> &mut Self {
        self.item();
        self.buf.extend_from_slice(json.as_bytes());
        self
    }

    /// An array element: an object, closed by [`end`](Self::end).
    pub fn item_object(&mut self) -> &mut Self {
        self.item();
        self.open(false);
        self
    }

    /// An array element: an array, closed by [`end`](Self::end).
    pub fn item_array(&mut self) -> &mut Self {
        self.item();
        self.open(true);
        self
    }

    /// Closes the innermost open object or array (nothing when none is
    /// open).
    #[inline]
    pub fn end(&mut self) -> &mut Self {
        debug_assert!(self.depth > 0, "JsonWriter: end() with nothing open");
        if self.depth > 0 {
            let array = self.in_array();
            self.buf.push(if array { b']' } else { b'}' });
            self.depth -= 1;
            // The enclosing container now holds this value.
            self.first = false;
        }
        self
    }

    /// Writes `"key":"value"` for each entry, in order, like as many
    /// [`str`](Self::str) calls, for bodies on a hot path: the entries are
    /// copied without looking at them, then the whole run is checked in
    /// one pass, eight bytes at a time; only when some key or value needs
    /// escaping is the run written again with escapes (hence the
    /// `Clone` iterator, walked at most twice).
    ///
    /// ```
    /// use payout_transport::json::JsonWriter;
    /// let mut w = JsonWriter::object(64);
    /// w.str_entries([("amount", "10000"), ("tradeNo", "T\"1")]);
    /// assert_eq!(w.finish(), br#"{"amount":"10000","tradeNo":"T\"1"}"#);
    /// ```
    #[inline]
    pub fn str_entries<'a, I>(&mut self, entries: I) -> &mut Self
    where
        I: IntoIterator<Item = (&'a str, &'a str)>,
        I::IntoIter: Clone,
    {
        debug_assert!(
            self.depth > 0 && !self.in_array(),
            "JsonWriter: entries outside an object"
        );
        let entries = entries.into_iter();
        let (start, first) = (self.buf.len(), self.first);
        let buf = &mut self.buf;
        if !first {
            buf.push(b',');
        }
        // Each entry as `"k":"v",`; the last comma is taken back below.
        let mut count = 0;
        for (k, v) in entries.clone() {
            buf.push(b'"');
            buf.extend_from_slice(k.as_bytes());
            buf.extend_from_slice(b"\":\"");
            buf.extend_from_slice(v.as_bytes());
            buf.extend_from_slice(b"\",");
            count += 1;
        }
        if count == 0 {
            buf.truncate(start);
            return self;
        }
        buf.pop();
        self.first = false;
        if !scan::written_plain(&self.buf[start..], 4 * count) {
            self.buf.truncate(start);
            self.first = first;
            for (k, v) in entries {
                self.str(k, v);
            }
        }
        self
    }

    /// The bytes written so far.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf
    }

    /// The bytes written so far, leaving open objects and arrays open (for
    /// a body whose rest is streamed in pieces).
    pub fn into_open(self) -> Vec<u8> {
        self.buf
    }

    /// Closes every object and array still open and returns the document.
    #[inline]
    pub fn finish(mut self) -> Vec<u8> {
        while self.depth > 0 {
            self.end();
        }
        self.buf
    }
}

/// Appends `s` as a JSON string literal, escaped exactly as `serde_json`
/// escapes it.
///
/// ```
/// let mut out = Vec::new();
/// payout_transport::json::write_str(&mut out, "a\"b\n\u{1}é");
/// assert_eq!(out, serde_json::to_vec("a\"b\n\u{1}é").unwrap());
/// ```
#[inline]
pub fn write_str(out: &mut Vec<u8>, s: &str) {
    if string_end(s.as_bytes()).is_none() {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        // serde_json escapes exactly as JSON requires; writing to a Vec
        // cannot fail.
        let _ = serde_json::to_writer(&mut *out, s);
    }
}

fn write_decimal(out: &mut Vec<u8>, amount: Decimal) {
    // Writing to a Vec cannot fail.
    let _ = write!(out, "{amount}");
}

/// Whether `text` is a number by the JSON grammar
/// (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`).
fn is_number(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let digits = |i: &mut usize| {
        let from = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - from
    };
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            digits(&mut i);
        }
        _ => return false,
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests;
