//! Pagination over loopback HTTP: the generated client's page and item streams for each of
//! Rocket's eight paginated list operations, through the generated server, against an
//! implementation holding 57 items that it pages by `page` and `page_size`. Every item arrives
//! once and in order, in 6 requests of 10; a server that ignores `page` ends the stream with an
//! error instead of a loop.

use std::collections::BTreeMap;

use rocket_api::models::{ItemList, ItemSummary};
use rocket_api::*;
use rocket_client::futures::{StreamExt, TryStreamExt};

use rocketgen_tests::lists::{ITEMS, Lists};

async fn serve(lists: Lists) -> (rocket_client::Client, std::sync::Arc<Lists>) {
    let lists = std::sync::Arc::new(lists);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/api", listener.local_addr().unwrap());
    let router = rocket_server::router_at(lists.clone(), rocket_server::BASE_PATH);
    tokio::spawn(async move { axum::serve(listener, router).await });
    let client =
        rocket_client::Client::builder(base).credential(Credential::AccountAuth("a".into())).credential(Credential::ProfileAuth("p".into())).build().unwrap();
    (client, lists)
}

fn ids(items: &[ItemSummary]) -> Vec<String> {
    items.iter().map(|item| item.id.clone()).collect()
}

#[tokio::test]
async fn every_paginated_operation_streams_each_item_once_in_order() {
    let (client, lists) = serve(Lists::new(false)).await;
    let expected: Vec<String> = (0..ITEMS).map(|i| format!("item-{i}")).collect();
    let mut streamed: BTreeMap<&str, Vec<ItemSummary>> = BTreeMap::new();
    streamed.insert("bookmarks", client.get_bookmark_list_items(GetBookmarkListRequest::new().with_page_size(10)).try_collect().await.unwrap());
    streamed.insert(
        "continue-watching",
        client.get_continue_watching_list_items(GetContinueWatchingListRequest::new().with_page_size(10)).try_collect().await.unwrap(),
    );
    streamed.insert("ratings", client.get_ratings_list_items(GetRatingsListRequest::new().with_page_size(10)).try_collect().await.unwrap());
    streamed.insert("watched", client.get_watched_list_items(GetWatchedListRequest::new().with_page_size(10)).try_collect().await.unwrap());
    streamed
        .insert("children", client.get_item_children_list_items(GetItemChildrenListRequest::new("s1".into()).with_page_size(10)).try_collect().await.unwrap());
    streamed.insert("related", client.get_item_related_list_items(GetItemRelatedListRequest::new("m1".into()).with_page_size(10)).try_collect().await.unwrap());
    streamed.insert("recommended", client.get_recommended_list_items(GetRecommendedListRequest::new().with_page_size(10)).try_collect().await.unwrap());
    streamed.insert("list", client.get_list_items(GetListRequest::new("l1".into()).with_page_size(10)).try_collect().await.unwrap());

    assert_eq!(streamed.len(), 8);
    for (operation, items) in &streamed {
        assert_eq!(ids(items), expected, "{operation}");
    }
    let requests = lists.requests.lock().unwrap().clone();
    assert_eq!(requests.len(), 8);
    assert!(requests.values().all(|count| *count == 6), "{requests:?}");
}

#[tokio::test]
async fn pages_start_at_the_requested_page_and_end_at_the_last() {
    let (client, lists) = serve(Lists::new(false)).await;
    let pages: Vec<ItemList> = client.get_list_pages(GetListRequest::new("l1".into()).with_page(4).with_page_size(10)).try_collect().await.unwrap();
    let numbers: Vec<i32> = pages.iter().map(|page| page.paging.page).collect();
    assert_eq!(numbers, [4, 5, 6]);
    assert_eq!(pages.last().unwrap().items.len(), 7);
    assert_eq!(lists.requests.lock().unwrap()["list"], 3);
}

#[tokio::test]
async fn a_server_that_repeats_a_page_ends_the_stream_with_an_error() {
    let (client, lists) = serve(Lists::new(true)).await;
    let pages: Vec<Result<ItemList, Error>> = client.get_list_pages(GetListRequest::new("l1".into()).with_page_size(10)).collect().await;
    assert_eq!(pages.len(), 2, "the first page, then the error");
    assert_eq!(ids(&pages[0].as_ref().unwrap().items)[0], "item-0");
    let error = pages[1].as_ref().unwrap_err();
    assert!(matches!(error, Error::Pagination { operation: "content.getList", .. }), "{error}");
    assert!(error.to_string().contains("repeats an earlier page"), "{error}");
    assert_eq!(lists.requests.lock().unwrap()["list"], 2);
}

#[tokio::test]
async fn an_answer_that_is_not_a_page_ends_the_stream_with_an_error() {
    // The implementation does not provide `content.getList` itself: 501.
    struct Nothing;
    impl RocketApi for Nothing {}
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/api", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, rocket_server::router(Nothing)).await });
    let client = rocket_client::Client::new(base).unwrap();
    let pages: Vec<Result<ItemList, Error>> = client.get_list_pages(GetListRequest::new("l1".into())).collect().await;
    assert_eq!(pages.len(), 1);
    let error = pages[0].as_ref().unwrap_err();
    assert!(error.to_string().contains("page 1 was answered 501"), "{error}");
}

/// The constructs fixture's other schemes: cursor, offset and limit, `Link` headers, a cursor
/// declared by `x-speakeasy-pagination`, and the last item's id, over the same 57 items.
mod schemes {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, OnceLock};

    use constructs_api::models::{ListEventsOkBody, ListLogsOkBody, ListPaymentsOkBody, ListPaymentsOkBodyDataItem, ListTicketsOkBody, ListTicketsOkBodyMeta};
    use constructs_api::*;
    use rocket_client::futures::TryStreamExt;

    use rocketgen_tests::lists::ITEMS;

    /// Pages of 10 from position `from`, with the position after them while there are more.
    fn slice(from: usize) -> (Vec<String>, Option<usize>) {
        let to = (from + 10).min(ITEMS);
        ((from..to).map(|i| format!("e{i}")).collect(), (to < ITEMS).then_some(to))
    }

    #[derive(Default)]
    struct Pages {
        base: OnceLock<String>,
        requests: AtomicUsize,
    }

    impl ConstructsApi for Pages {
        async fn list_events(&self, r: ListEventsRequest) -> Result<ListEventsResponse, Error> {
            self.requests.fetch_add(1, Ordering::SeqCst);
            let (data, next) = slice(r.cursor.map_or(0, |c| c.trim_start_matches('c').parse().unwrap()));
            let mut body = ListEventsOkBody::new(data);
            body.next_cursor = Some(next.map(|n| format!("c{n}")));
            Ok(ListEventsResponse::Ok(body))
        }

        async fn list_logs(&self, r: ListLogsRequest) -> Result<ListLogsResponse, Error> {
            self.requests.fetch_add(1, Ordering::SeqCst);
            let from = r.offset.unwrap_or(0) as usize;
            let limit = r.limit.unwrap_or(10) as usize;
            let to = (from + limit).min(ITEMS);
            Ok(ListLogsResponse::Ok(ListLogsOkBody::new((from..to).map(|i| format!("e{i}")).collect(), ITEMS as i64)))
        }

        async fn list_commits(&self, r: ListCommitsRequest) -> Result<ListCommitsResponse, Error> {
            self.requests.fetch_add(1, Ordering::SeqCst);
            let (body, next) = slice(r.since.unwrap_or(0) as usize);
            let base = self.base.get().unwrap();
            let link = next.map(|n| format!("<{base}/commits?since=0>; rel=\"first\", <{base}/commits?since={n}>; rel=\"next\""));
            Ok(ListCommitsResponse::Ok { body, link })
        }

        async fn list_tickets(&self, r: ListTicketsRequest) -> Result<ListTicketsResponse, Error> {
            self.requests.fetch_add(1, Ordering::SeqCst);
            let (tickets, next) = slice(r.after.map_or(0, |c| c.parse().unwrap()));
            let meta = ListTicketsOkBodyMeta { next: next.map(|n| n.to_string()), ..Default::default() };
            Ok(ListTicketsResponse::Ok(ListTicketsOkBody::new(tickets, meta)))
        }

        async fn list_payments(&self, r: ListPaymentsRequest) -> Result<ListPaymentsResponse, Error> {
            self.requests.fetch_add(1, Ordering::SeqCst);
            let from = r.starting_after.map_or(0, |id| id.trim_start_matches('e').parse::<usize>().unwrap() + 1);
            let (ids, next) = slice(from);
            let data = ids.into_iter().map(ListPaymentsOkBodyDataItem::new).collect();
            Ok(ListPaymentsResponse::Ok(ListPaymentsOkBody::new(data, next.is_some())))
        }
    }

    #[tokio::test]
    async fn cursor_offset_link_and_extension_schemes_stream_every_item_once() {
        let pages = Arc::new(Pages::default());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}/v2", listener.local_addr().unwrap());
        pages.base.set(base.clone()).unwrap();
        let router = constructs_server::router_at(pages.clone(), "/v2");
        tokio::spawn(async move { axum::serve(listener, router).await });
        let client = constructs_client::Client::new(base).unwrap();
        let expected: Vec<String> = (0..ITEMS).map(|i| format!("e{i}")).collect();

        let events: Vec<String> = client.list_events_items(ListEventsRequest::new()).try_collect().await.unwrap();
        let logs: Vec<String> = client.list_logs_items(ListLogsRequest::new().with_limit(10)).try_collect().await.unwrap();
        let commits: Vec<String> = client.list_commits_items(ListCommitsRequest::new()).try_collect().await.unwrap();
        let tickets: Vec<String> = client.list_tickets_items(ListTicketsRequest::new()).try_collect().await.unwrap();
        let payments: Vec<ListPaymentsOkBodyDataItem> = client.list_payments_items(ListPaymentsRequest::new()).try_collect().await.unwrap();
        let payments: Vec<String> = payments.into_iter().map(|payment| payment.id).collect();
        for (scheme, items) in [("cursor", events), ("offset", logs), ("link", commits), ("speakeasy cursor", tickets), ("last item", payments)] {
            assert_eq!(items, expected, "{scheme}");
        }
        assert_eq!(pages.requests.load(Ordering::SeqCst), 5 * 6);
    }
}

/// `rocketgen call --all-pages`, the command, against the same lists: every item as one array.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_call_command_prints_every_item_of_every_page() {
    let (client, lists) = serve(Lists::new(false)).await;
    let base = client.base_url().to_string();
    let spec = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/rocket/openapi.json");
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(rocketgen_tests::cargo_binary("rocketgen", "rocketgen"))
            .args(["call", "content.getList", "--all-pages", "--args", r#"{"id": "l1", "page_size": 10}"#, "--base-url", &base])
            .arg("--spec")
            .arg(spec)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let items: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    let ids: Vec<&str> = items.iter().map(|item| item["id"].as_str().unwrap()).collect();
    assert_eq!(ids, (0..ITEMS).map(|i| format!("item-{i}")).collect::<Vec<_>>());
    assert_eq!(lists.requests.lock().unwrap()["list"], 6);
}
