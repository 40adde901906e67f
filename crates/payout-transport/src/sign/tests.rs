use payout_core::Secret;
use proptest::prelude::*;
use serde_json::{Map, Value};

use super::*;

const VECTORS: &str = include_str!("../../testdata/signing.json");

fn vexora_signer() -> Md5SortedSigner {
    let v: Value = serde_json::from_str(VECTORS).unwrap();
    Md5SortedSigner::new(Secret::new(v["secret"].as_str().unwrap()))
}

#[test]
fn every_published_vector() {
    let v: Value = serde_json::from_str(VECTORS).unwrap();
    let signer = vexora_signer();
    let vectors = v["vectors"].as_array().unwrap();
    assert!(vectors.len() >= 9);
    for vec in vectors {
        let body = vec["body"].as_object().unwrap();
        let got = signer.sign_json(body).unwrap();
        assert_eq!(
            got.as_str(),
            vec["sign"].as_str().unwrap(),
            "{}",
            vec["name"]
        );
        // The base string path agrees with the field path.
        let base = vec["base_string"].as_str().unwrap();
        assert_eq!(
            signer.sign_bytes(base.as_bytes()).unwrap(),
            got,
            "{}",
            vec["name"]
        );
        // The prepend variant is a different rule and must not match.
        assert_ne!(
            got.as_str(),
            vec["prepend_variant_for_contrast"].as_str().unwrap()
        );
        assert!(got.matches(vec["sign"].as_str().unwrap()));
    }
}

#[test]
fn rfc4231_vectors() {
    let cases: [(Vec<u8>, Vec<u8>, &str); 6] = [
        (vec![0x0b; 20], b"Hi There".to_vec(), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        (b"Jefe".to_vec(), b"what do ya want for nothing?".to_vec(), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        (vec![0xaa; 20], vec![0xdd; 50], "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        (
            (1u8..=25).collect(),
            vec![0xcd; 50],
            "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
        ),
        (
            vec![0xaa; 131],
            b"Test Using Larger Than Block-Size Key - Hash Key First".to_vec(),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
        ),
        (
            vec![0xaa; 131],
            b"This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.".to_vec(),
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
        ),
    ];
    for (key, data, want) in cases {
        let s = HmacSha256Signer::from_key_bytes(key);
        assert_eq!(s.sign_bytes(&data).unwrap().as_str(), want);
    }
}

#[test]
fn nested_values_are_refused() {
    let v: Value = serde_json::from_str(r#"{"a":"1","b":{"c":"2"}}"#).unwrap();
    let err = vexora_signer()
        .sign_json(v.as_object().unwrap())
        .unwrap_err();
    assert_eq!(err, SignError::Nested("b".into()));
    let v: Value = serde_json::from_str(r#"{"a":[1]}"#).unwrap();
    assert!(vexora_signer().sign_json(v.as_object().unwrap()).is_err());
}

#[test]
fn null_is_skipped_like_missing() {
    let signer = vexora_signer();
    let with_null: Value = serde_json::from_str(r#"{"a":"1","b":null,"c":""}"#).unwrap();
    let without: Value = serde_json::from_str(r#"{"a":"1"}"#).unwrap();
    assert_eq!(
        signer.sign_json(with_null.as_object().unwrap()).unwrap(),
        signer.sign_json(without.as_object().unwrap()).unwrap()
    );
}

#[test]
fn debug_never_shows_secret() {
    let s = vexora_signer();
    assert!(!format!("{s:?}").contains("dbecac55"));
    let h = HmacSha256Signer::new(Secret::new("topsecretkey"));
    assert!(!format!("{h:?}").contains("topsecret"));
}

#[test]
fn signature_match_is_exact() {
    let sig = Signature::from_digest(&[0xab, 0xcd]);
    assert!(sig.matches("abcd"));
    assert!(sig.matches("ABCD"));
    assert!(!sig.matches("abce"));
    assert!(!sig.matches("abc"));
    assert!(!sig.matches(""));
}

fn fields() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::btree_map("[A-Za-z][A-Za-z0-9_]{0,8}", "[ -~]{0,12}", 1..8)
        .prop_map(|m| m.into_iter().filter(|(k, _)| k != "sign").collect())
}

fn as_pairs(v: &[(String, String)]) -> Vec<(&str, &str)> {
    v.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

proptest! {
    #[test]
    fn key_order_does_not_matter(f in fields(), seed in any::<u64>()) {
        let signer = vexora_signer();
        let sorted = signer.sign_fields(&as_pairs(&f)).unwrap();
        let mut shuffled = f.clone();
        let mut rng = fastrand::Rng::with_seed(seed);
        rng.shuffle(&mut shuffled);
        prop_assert_eq!(sorted, signer.sign_fields(&as_pairs(&shuffled)).unwrap());
        let h = HmacSha256Signer::new(Secret::new("k"));
        prop_assert_eq!(h.sign_fields(&as_pairs(&f)).unwrap(), h.sign_fields(&as_pairs(&shuffled)).unwrap());
    }

    #[test]
    fn sign_and_empty_values_are_ignored(f in fields(), junk in "[ -~]{0,40}", extra_key in "[a-z]{1,6}x") {
        let signer = vexora_signer();
        let base = signer.sign_fields(&as_pairs(&f)).unwrap();
        let mut more = as_pairs(&f);
        more.push(("sign", junk.as_str()));
        if !f.iter().any(|(k, _)| *k == extra_key) {
            more.push((extra_key.as_str(), ""));
        }
        prop_assert_eq!(base, signer.sign_fields(&more).unwrap());
    }

    #[test]
    fn changing_a_signed_value_changes_the_sign(f in fields(), idx in any::<prop::sample::Index>(), new in "[ -~]{1,12}") {
        let signer = vexora_signer();
        let i = idx.index(f.len());
        prop_assume!(f[i].1 != new);
        let base = signer.sign_fields(&as_pairs(&f)).unwrap();
        let mut changed = f.clone();
        changed[i].1 = new;
        prop_assert_ne!(base, signer.sign_fields(&as_pairs(&changed)).unwrap());
    }

    #[test]
    fn json_and_pairs_agree(f in fields()) {
        let signer = vexora_signer();
        let mut m = Map::new();
        for (k, v) in &f { m.insert(k.clone(), Value::String(v.clone())); }
        prop_assert_eq!(signer.sign_json(&m).unwrap(), signer.sign_fields(&as_pairs(&f)).unwrap());
    }
}
