use proptest::prelude::*;
use serde_json::Value;

use super::*;

#[test]
fn writes_nested_objects_arrays_and_every_kind_of_value() {
    let mut w = JsonWriter::object(16);
    w.str("a", "x\"y")
        .u64("n", 3)
        .bool("t", true)
        .bool("f", false)
        .null("z")
        .number("amount", "3.0000")
        .decimal("d", Decimal::new(-1050, 2))
        .raw("meta", r#"{"k":[1,2]}"#);
    w.begin_object("data").str("s", "ok").begin_array("list");
    w.item_str("i")
        .item_number("1e3")
        .item_decimal(Decimal::new(7, 0));
    w.item_object().str("k", "v").end();
    w.item_array().end();
    w.item_raw("null");
    w.end().end();
    w.begin_array("none").end();
    w.begin_object("empty").end();
    let text = String::from_utf8(w.finish()).unwrap();
    assert_eq!(
        text,
        r#"{"a":"x\"y","n":3,"t":true,"f":false,"z":null,"amount":3.0000,"d":-10.50,"meta":{"k":[1,2]},"data":{"s":"ok","list":["i",1e3,7,{"k":"v"},[],null]},"none":[],"empty":{}}"#
    );
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["data"]["list"][3]["k"], "v");
}

#[test]
fn finish_closes_what_is_open_and_into_open_does_not() {
    let mut w = JsonWriter::object(8);
    w.begin_object("a").begin_array("b").item_object();
    assert_eq!(w.as_bytes(), br#"{"a":{"b":[{"#);
    assert_eq!(w.finish(), br#"{"a":{"b":[{}]}}"#);
    let mut w = JsonWriter::array(8);
    w.item_str("x");
    assert_eq!(w.into_open(), br#"["x""#);
    assert_eq!(JsonWriter::object(0).finish(), b"{}");
    assert_eq!(JsonWriter::array(0).finish(), b"[]");
}

#[test]
fn nesting_to_the_limit() {
    let mut w = JsonWriter::array(0);
    for _ in 1..MAX_DEPTH {
        w.item_array();
    }
    let bytes = w.finish();
    assert_eq!(bytes.len(), 2 * MAX_DEPTH as usize);
    assert!(serde_json::from_slice::<Value>(&bytes).is_ok());
}

#[test]
fn debug_shows_no_content() {
    let mut w = JsonWriter::object(8);
    w.str("account_number", "5464438554636");
    let shown = format!("{w:?}");
    assert!(!shown.contains("5464438554636"), "{shown}");
    assert!(shown.contains("len"), "{shown}");
}

#[test]
fn number_grammar() {
    for good in [
        "0", "-0", "1", "10000", "1.10", "-0.5", "1e3", "1E+3", "2.5e-7",
    ] {
        assert!(is_number(good), "{good}");
    }
    for bad in [
        "", "-", "01", "1.", ".5", "+1", "1e", "1e+", "NaN", "1 ", "0x1", "1.5.2",
    ] {
        assert!(!is_number(bad), "{bad}");
    }
}

#[test]
fn entries_escape_like_single_strings() {
    let needs_escape = |b: u8| b < 0x20 || b == b'"' || b == b'\\';
    for len in [1, 7, 8, 9, 16, 17] {
        for at in 0..len {
            for b in 0..=127u8 {
                let mut v = vec![b'a'; len];
                v[at] = b;
                let v = String::from_utf8(v).unwrap();
                for key_len in [1, 4, 9] {
                    let k = "k".repeat(key_len);
                    let mut w = JsonWriter::object(0);
                    w.str("first", "1")
                        .str_entries([(k.as_str(), v.as_str()), ("z", "2")]);
                    let want = format!(
                        r#"{{"first":"1",{}:{},"z":"2"}}"#,
                        serde_json::to_string(&k).unwrap(),
                        serde_json::to_string(&v).unwrap()
                    );
                    assert_eq!(
                        String::from_utf8(w.finish()).unwrap(),
                        want,
                        "byte {b:#x} at {at} of {len} (escaped: {})",
                        needs_escape(b)
                    );
                }
            }
        }
    }
    let mut w = JsonWriter::object(0);
    w.str_entries(std::iter::empty());
    assert_eq!(w.finish(), b"{}");
}

proptest! {
    /// Any strings, keys and values, come out as serde_json writes them.
    #[test]
    fn strings_match_serde_json(pairs in proptest::collection::vec((any::<String>(), any::<String>()), 0..6)) {
        let mut one = JsonWriter::object(0);
        let mut batch = JsonWriter::object(0);
        let mut want = Vec::from(*b"{");
        for (i, (k, v)) in pairs.iter().enumerate() {
            one.str(k, v);
            if i > 0 {
                want.push(b',');
            }
            serde_json::to_writer(&mut want, k).unwrap();
            want.push(b':');
            serde_json::to_writer(&mut want, v).unwrap();
        }
        want.push(b'}');
        batch.str_entries(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        prop_assert_eq!(one.finish(), want.clone());
        prop_assert_eq!(batch.finish(), want);
    }

    /// Decimals are written with their exact digits and scale.
    #[test]
    fn decimals_keep_their_text(m in any::<i64>(), scale in 0u32..=18) {
        let d = Decimal::new(m, scale);
        let mut w = JsonWriter::array(0);
        w.item_decimal(d);
        let text = String::from_utf8(w.finish()).unwrap();
        prop_assert_eq!(&text, &format!("[{d}]"));
        let inner = &text[1..text.len() - 1];
        prop_assert!(is_number(inner), "{}", inner);
        let back: Decimal = inner.parse().unwrap();
        prop_assert_eq!(back, d);
        prop_assert_eq!(back.scale(), d.scale());
    }
}
