//! Lists that page: Rocket's eight paginated list operations over 57 items, paged by `page`
//! and `page_size` as the spec describes, with the requests of each operation counted.

use std::collections::BTreeMap;
use std::sync::Mutex;

use rocket_api::models::{ItemList, ItemSummary, ItemSummaryType, Pagination};
use rocket_api::*;

pub const ITEMS: usize = 57;

/// Lists of 57 items, paged as asked (or always the first page, when `ignores_page`); counts the
/// requests of each operation.
pub struct Lists {
    ignores_page: bool,
    pub requests: Mutex<BTreeMap<&'static str, usize>>,
}

impl Lists {
    pub fn new(ignores_page: bool) -> Self {
        Lists { ignores_page, requests: Mutex::default() }
    }

    fn page(&self, operation: &'static str, page: impl Into<Option<i32>>, size: impl Into<Option<i32>>) -> ItemList {
        *self.requests.lock().unwrap().entry(operation).or_default() += 1;
        let page = if self.ignores_page { 1 } else { page.into().unwrap_or(1).max(1) };
        let size = size.into().unwrap_or(12).max(1);
        let total = ITEMS.div_ceil(size as usize) as i32;
        let start = ((page - 1) * size) as usize;
        let items = (start..(start + size as usize).min(ITEMS))
            .map(|i| ItemSummary::new(format!("item-{i}"), format!("/item/{i}"), format!("Item {i}"), ItemSummaryType::Movie))
            .collect();
        let mut paging = Pagination::new(page, total);
        paging.size = Some(size);
        paging.next = (page < total).then(|| format!("/lists/l1?page={}&page_size={size}", page + 1));
        ItemList::new("l1".into(), items, paging, "/lists/l1".into(), ITEMS as i32)
    }
}

impl RocketApi for Lists {
    async fn get_bookmark_list(&self, r: GetBookmarkListRequest) -> Result<GetBookmarkListResponse, Error> {
        Ok(GetBookmarkListResponse::Ok(self.page("bookmarks", r.page, r.page_size)))
    }

    async fn get_continue_watching_list(&self, r: GetContinueWatchingListRequest) -> Result<GetContinueWatchingListResponse, Error> {
        Ok(GetContinueWatchingListResponse::Ok(self.page("continue-watching", r.page, r.page_size)))
    }

    async fn get_ratings_list(&self, r: GetRatingsListRequest) -> Result<GetRatingsListResponse, Error> {
        Ok(GetRatingsListResponse::Ok(self.page("ratings", r.page, r.page_size)))
    }

    async fn get_watched_list(&self, r: GetWatchedListRequest) -> Result<GetWatchedListResponse, Error> {
        Ok(GetWatchedListResponse::Ok(self.page("watched", r.page, r.page_size)))
    }

    async fn get_item_children_list(&self, r: GetItemChildrenListRequest) -> Result<GetItemChildrenListResponse, Error> {
        Ok(GetItemChildrenListResponse::Ok(self.page("children", r.page, r.page_size)))
    }

    async fn get_item_related_list(&self, r: GetItemRelatedListRequest) -> Result<GetItemRelatedListResponse, Error> {
        Ok(GetItemRelatedListResponse::Ok(self.page("related", r.page, r.page_size)))
    }

    async fn get_recommended_list(&self, r: GetRecommendedListRequest) -> Result<GetRecommendedListResponse, Error> {
        Ok(GetRecommendedListResponse::Ok(self.page("recommended", r.page, r.page_size)))
    }

    async fn get_list(&self, r: GetListRequest) -> Result<GetListResponse, Error> {
        Ok(GetListResponse::Ok(self.page("list", r.page, r.page_size)))
    }
}
