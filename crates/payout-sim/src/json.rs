//! A small JSON object writer: one buffer, keys in the order written, no
//! intermediate `serde_json::Value`. Numbers are written from their exact
//! text so that amounts never pass through a float.

use std::io::Write as _;

use payout_core::Decimal;

/// `amount` written with exactly `places` decimals. Never drops a digit:
/// the stored amounts passed the region's scale check, and the places
/// asked for are at least the region's.
pub(crate) fn amount_text(amount: Decimal, places: u32) -> String {
    let mut a = amount;
    a.rescale(places);
    a.to_string()
}

/// Writes one JSON object (with nested objects) into a byte buffer.
pub(crate) struct JsonWriter {
    buf: Vec<u8>,
    first: bool,
}

impl JsonWriter {
    /// Starts an object.
    pub(crate) fn new(capacity: usize) -> Self {
        let mut buf = Vec::with_capacity(capacity);
        buf.push(b'{');
        Self { buf, first: true }
    }

    fn key(&mut self, key: &str) {
        if !self.first {
            self.buf.push(b',');
        }
        self.first = false;
        write_str(&mut self.buf, key);
        self.buf.push(b':');
    }

    /// `"key":"value"`.
    pub(crate) fn str(&mut self, key: &str, value: &str) -> &mut Self {
        self.key(key);
        write_str(&mut self.buf, value);
        self
    }

    /// `"key":raw` for numbers, booleans and `null` given as their JSON text.
    pub(crate) fn raw(&mut self, key: &str, raw: &str) -> &mut Self {
        self.key(key);
        self.buf.extend_from_slice(raw.as_bytes());
        self
    }

    /// `"key":n`, or `"key":"n"` when `quoted`.
    pub(crate) fn u64(&mut self, key: &str, n: u64, quoted: bool) -> &mut Self {
        self.key(key);
        if quoted {
            self.buf.push(b'"');
        }
        // Writing to a Vec cannot fail.
        let _ = write!(self.buf, "{n}");
        if quoted {
            self.buf.push(b'"');
        }
        self
    }

    /// `"key":[item,...]` where each item is complete JSON text.
    pub(crate) fn array(&mut self, key: &str, items: &[Vec<u8>]) -> &mut Self {
        self.key(key);
        write_array(&mut self.buf, items);
        self
    }

    /// `"key":{` — a nested object, closed by [`JsonWriter::end`].
    pub(crate) fn begin(&mut self, key: &str) -> &mut Self {
        self.key(key);
        self.buf.push(b'{');
        self.first = true;
        self
    }

    /// Closes the innermost nested object.
    pub(crate) fn end(&mut self) -> &mut Self {
        self.buf.push(b'}');
        self.first = false;
        self
    }

    /// Appends raw bytes (the caller keeps the JSON valid).
    pub(crate) fn bytes(&mut self, bytes: &[u8]) -> &mut Self {
        self.buf.extend_from_slice(bytes);
        self
    }

    /// The bytes written so far, without closing the object.
    pub(crate) fn into_open(self) -> Vec<u8> {
        self.buf
    }

    /// Closes the top-level object and returns the bytes.
    pub(crate) fn finish(mut self) -> Vec<u8> {
        self.buf.push(b'}');
        self.buf
    }
}

/// Appends `[item,...]`, each item complete JSON text.
pub(crate) fn write_array(out: &mut Vec<u8>, items: &[Vec<u8>]) {
    out.push(b'[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(item);
    }
    out.push(b']');
}

/// Appends `s` as a JSON string literal.
fn write_str(out: &mut Vec<u8>, s: &str) {
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        // serde_json escapes exactly as JSON requires; writing to a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *out, s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_nested_objects_and_escapes() {
        let mut w = JsonWriter::new(64);
        w.str("a", "x\"y").u64("t", 17, true).u64("n", 3, false);
        w.begin("data").raw("amount", "3.0000").str("s", "ok").end();
        w.raw("z", "null");
        w.array("list", &[b"1".to_vec(), b"{\"k\":2}".to_vec()]);
        w.array("none", &[]);
        let bytes = w.finish();
        let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(v["a"], "x\"y");
        assert_eq!(v["t"], "17");
        assert_eq!(v["n"], 3);
        assert_eq!(v["data"]["amount"].to_string(), "3.0000");
        assert_eq!(v["data"]["s"], "ok");
        assert!(v["z"].is_null());
        assert_eq!(v["list"][1]["k"], 2);
        assert_eq!(v["none"].as_array().map(Vec::len), Some(0));
    }
}
