//! Get by id, get by reference (creation order, paging, empty for an
//! unknown reference) and the channel list.

use payout_sim::xendit::XenditEndpoint;

use crate::common::*;

#[tokio::test]
async fn get_by_id_and_unknown_ids() {
    let sim = start(xendit()).await;
    let c = Client::new(&sim);
    let a = c.create("Q-1", &idr("Q-1")).await;
    let id = a.json["id"].as_str().unwrap();
    let g = c.get(id).await;
    assert_eq!(g.status, 200);
    assert_eq!(g.json["id"], id);
    assert_eq!(g.json["reference_id"], "Q-1");
    let n = c.get("disb-00000000-0000-4000-8000-000000000000").await;
    assert_eq!((n.status, n.code()), (404, "DATA_NOT_FOUND"));
    assert_eq!(sim.xendit_total_requests(XenditEndpoint::Get), 2);
}

#[tokio::test]
async fn by_reference_in_creation_order_and_empty_when_unknown() {
    let sim = start(xendit()).await;
    let c = Client::new(&sim);
    // reference_id need not be unique: three payouts, three keys.
    let mut ids = Vec::new();
    for i in 0..3 {
        let body = order(
            "DUPREF",
            "ID_BCA",
            "IDR",
            &format!("{}", 10_000 + i),
            "000000000099",
        );
        let a = c.create(&format!("K-DUPREF-{i}"), &body).await;
        ids.push(a.json["id"].as_str().unwrap().to_owned());
    }
    c.create("K-OTHER", &idr("OTHER")).await;
    let l = c.list("reference_id=DUPREF").await;
    assert_eq!(l.status, 200);
    assert_eq!(l.json["has_more"], false);
    let got: Vec<&str> = l.json["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(got, ids);
    assert_eq!(l.json["data"][2]["amount"].to_string(), "10002");

    let page = c.list("reference_id=DUPREF&limit=2").await;
    assert_eq!(page.json["has_more"], true);
    assert_eq!(page.json["data"].as_array().unwrap().len(), 2);
    let rest = c
        .list(&format!("reference_id=DUPREF&limit=2&after_id={}", ids[1]))
        .await;
    assert_eq!(rest.json["has_more"], false);
    assert_eq!(rest.json["data"][0]["id"], ids[2].as_str());
    let before = c
        .list(&format!("reference_id=DUPREF&before_id={}", ids[1]))
        .await;
    assert_eq!(before.json["data"].as_array().unwrap().len(), 1);

    let none = c.list("reference_id=never-created").await;
    assert_eq!(none.status, 200);
    assert_eq!(
        none.json,
        serde_json::json!({"has_more": false, "data": []})
    );
    // Escaped references are decoded.
    c.create("K-SPACE", &idr("with space&amp")).await;
    let l = c.list("reference_id=with%20space%26amp").await;
    assert_eq!(l.json["data"].as_array().unwrap().len(), 1);

    let missing = c.list("limit=2").await;
    assert_eq!(
        (missing.status, missing.code()),
        (400, "API_VALIDATION_ERROR")
    );
    assert_eq!(c.list("reference_id=DUPREF&limit=0").await.status, 400);
    assert_eq!(
        c.list("reference_id=DUPREF&after_id=disb-x").await.status,
        400
    );
    assert_eq!(sim.xendit_request_count("DUPREF", XenditEndpoint::List), 5);
    assert_eq!(
        sim.xendit_request_count("never-created", XenditEndpoint::List),
        0
    );
}

#[tokio::test]
async fn channel_list_filters_and_sorts() {
    let sim = start(xendit()).await;
    let c = Client::new(&sim);
    let all = c
        .send(reqwest::Method::GET, "/payouts_channels", None, None)
        .await;
    let codes: Vec<&str> = all
        .json
        .as_array()
        .unwrap()
        .iter()
        .map(|ch| ch["channel_code"].as_str().unwrap())
        .collect();
    let mut sorted = codes.clone();
    sorted.sort_unstable();
    assert_eq!(codes, sorted);
    for want in [
        "ID_BCA",
        "ID_MANDIRI",
        "ID_BNI",
        "ID_BRI",
        "ID_BSI",
        "ID_DANA",
        "ID_OVO",
        "ID_GOPAY",
        "PH_GCASH",
        "PH_PAYMAYA",
        "PH_BDO",
        "PH_BPI",
        "PH_AUB",
    ] {
        assert!(codes.contains(&want), "{want}");
    }
    let php_wallets = c
        .send(
            reqwest::Method::GET,
            "/payouts_channels?currency=PHP&channel_category=EWALLET",
            None,
            None,
        )
        .await;
    let list = php_wallets.json.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["channel_code"], "PH_GCASH");
    assert_eq!(
        list[0]["amount_limits"]["minimum_increment"].to_string(),
        "0.01"
    );
    let bsi = c
        .send(
            reqwest::Method::GET,
            "/payouts_channels?channel_code=ID_BSI",
            None,
            None,
        )
        .await;
    assert_eq!(
        bsi.json,
        serde_json::json!([{"channel_code":"ID_BSI","channel_category":"BANK","currency":"IDR",
            "channel_name":"Bank Syariah Indonesia",
            "amount_limits":{"minimum":10000,"maximum":1999999999999_i64,"minimum_increment":1}}])
    );
}
