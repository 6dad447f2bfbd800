//! The mock in stateful mode, through the generated client and router over loopback: what a
//! client writes through the profile and account operations it reads back.

use std::sync::Arc;

use rocket_api::models::{DeviceRegistrationRequest, ProfileCreationRequest};
use rocket_api::*;

async fn start() -> rocket_client::Client {
    let base = rocketgen_tests::http::serve(rocket_server::router_at(Arc::new(rocket_mock::Mock::stateful(1)), "/api")).await;
    rocket_client::Client::builder(format!("{base}/api"))
        .credential(Credential::AccountAuth("account".into()))
        .credential(Credential::ProfileAuth("profile".into()))
        .build()
        .unwrap()
}

#[tokio::test]
async fn bookmarks_are_read_back_until_deleted() {
    let client = start().await;
    let item = "item 42/ü".to_string();
    assert!(matches!(client.get_item_bookmark(GetItemBookmarkRequest::new(item.clone())).await.unwrap(), GetItemBookmarkResponse::NotFound(_)));
    let BookmarkItemResponse::Ok(stored) = client.bookmark_item(BookmarkItemRequest::new(item.clone())).await.unwrap() else { panic!("bookmarked") };
    assert_eq!(stored.item_id, item);

    let GetItemBookmarkResponse::Ok(read) = client.get_item_bookmark(GetItemBookmarkRequest::new(item.clone())).await.unwrap() else { panic!("read back") };
    assert_eq!(read, stored);
    let GetBookmarksResponse::Ok(all) = client.get_bookmarks(GetBookmarksRequest::new()).await.unwrap() else { panic!("listed") };
    assert_eq!(all.get(&item), Some(&stored.creation_date));
    let GetBookmarkListResponse::Ok(page) = client.get_bookmark_list(GetBookmarkListRequest::new()).await.unwrap() else { panic!("page") };
    assert_eq!(page.items.iter().map(|i| i.id.clone()).collect::<Vec<_>>(), vec![item.clone()]);

    client.delete_item_bookmark(DeleteItemBookmarkRequest::new(item.clone())).await.unwrap();
    assert!(matches!(client.get_item_bookmark(GetItemBookmarkRequest::new(item.clone())).await.unwrap(), GetItemBookmarkResponse::NotFound(_)));
    let GetBookmarksResponse::Ok(all) = client.get_bookmarks(GetBookmarksRequest::new()).await.unwrap() else { panic!("listed") };
    assert!(all.is_empty());
}

#[tokio::test]
async fn ratings_and_watched_positions_are_read_back() {
    let client = start().await;
    client.rate_item(RateItemRequest::new("a".into(), 7)).await.unwrap();
    client.rate_item(RateItemRequest::new("b".into(), 3)).await.unwrap();
    client.rate_item(RateItemRequest::new("a".into(), 9)).await.unwrap();
    let GetItemRatingResponse::Ok(rating) = client.get_item_rating(GetItemRatingRequest::new("a".into())).await.unwrap() else { panic!("rating") };
    assert_eq!((rating.item_id.as_str(), rating.rating), ("a", 9));
    let GetRatingsResponse::Ok(ratings) = client.get_ratings(GetRatingsRequest::new()).await.unwrap() else { panic!("ratings") };
    assert_eq!(ratings.into_iter().collect::<Vec<_>>(), vec![("a".to_string(), 9), ("b".to_string(), 3)]);

    client.set_item_watched_status(SetItemWatchedStatusRequest::new("ep-1".into(), 42)).await.unwrap();
    let GetItemWatchedStatusResponse::Ok(watched) = client.get_item_watched_status(GetItemWatchedStatusRequest::new("ep-1".into())).await.unwrap() else {
        panic!("watched")
    };
    assert_eq!(watched.position, 42);
    let GetWatchedResponse::Ok(all) = client.get_watched(GetWatchedRequest::new()).await.unwrap() else { panic!("all watched") };
    assert_eq!(all["ep-1"].position, 42);
    client.delete_watched(DeleteWatchedRequest::new().with_item_ids(vec!["ep-1".to_string()])).await.unwrap();
    let GetWatchedResponse::Ok(all) = client.get_watched(GetWatchedRequest::new()).await.unwrap() else { panic!("all watched") };
    assert!(all.is_empty());
}

#[tokio::test]
async fn profiles_are_created_read_and_deleted() {
    let client = start().await;
    let body = ProfileCreationRequest { name: "Kid".into(), language_code: None, pin_enabled: None, purchase_enabled: None, segments: None };
    let CreateProfileResponse::Created(created) = client.create_profile(CreateProfileRequest::new(body)).await.unwrap() else { panic!("created") };
    assert_eq!(created.name, "Kid");
    let response = client.get_profile_with_id(GetProfileWithIdRequest::new(created.id.clone())).await.unwrap();
    let GetProfileWithIdResponse::Ok(read) = response else { panic!("read: {response:?} after creating {}", created.id) };
    assert_eq!((read.id.as_str(), read.name.as_str()), (created.id.as_str(), "Kid"));
    client.delete_profile_with_id(DeleteProfileWithIdRequest::new(created.id.clone())).await.unwrap();
    assert!(matches!(client.get_profile_with_id(GetProfileWithIdRequest::new(created.id)).await.unwrap(), GetProfileWithIdResponse::NotFound(_)));
}

#[tokio::test]
async fn devices_are_registered_renamed_and_deregistered() {
    let client = start().await;
    let body = DeviceRegistrationRequest { id: "dev-1".into(), name: "TV".into(), r#type: "tv".into() };
    client.register_device(RegisterDeviceRequest::new(body)).await.unwrap();
    client.rename_device(RenameDeviceRequest::new("dev-1".into(), "Lounge".into())).await.unwrap();
    let GetDeviceResponse::Ok(device) = client.get_device(GetDeviceRequest::new("dev-1".into())).await.unwrap() else { panic!("device") };
    assert_eq!((device.id.as_str(), device.name.as_str()), ("dev-1", "Lounge"));
    let GetDevicesResponse::Ok(all) = client.get_devices(GetDevicesRequest::new()).await.unwrap() else { panic!("devices") };
    assert_eq!(all.devices.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(), vec!["dev-1"]);
    client.deregister_device(DeregisterDeviceRequest::new("dev-1".into())).await.unwrap();
    assert!(matches!(client.get_device(GetDeviceRequest::new("dev-1".into())).await.unwrap(), GetDeviceResponse::NotFound(_)));
}
