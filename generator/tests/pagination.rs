//! Pagination in the IR: what is inferred, what the extensions say, and what is diagnosed.

use std::path::Path;

use rocketgen::ir::{self, pagination::PageScheme};

fn build(paths: &str) -> ir::Api {
    let text = format!("openapi: 3.0.3\ninfo: {{ title: t, version: '1' }}\npaths:\n{paths}");
    ir::build(&rocketgen::load::load_str(&text).unwrap()).unwrap()
}

fn scheme(api: &ir::Api, tool: &str) -> Option<PageScheme> {
    api.operations.iter().find(|op| op.tool_name == tool)?.pagination.as_ref().map(|p| p.scheme.clone())
}

#[test]
fn rockets_eight_lists_are_page_numbered_and_get_lists_is_diagnosed() {
    let spec = rocketgen::load::load_path(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/rocket/openapi.json")).unwrap();
    let api = ir::build(&spec).unwrap();
    let paged: Vec<&str> = api.operations.iter().filter(|op| op.pagination.is_some()).map(|op| op.tool_name.as_str()).collect();
    assert_eq!(
        paged,
        [
            "profile.getBookmarkList",
            "profile.getContinueWatchingList",
            "profile.getRatingsList",
            "profile.getWatchedList",
            "content.getItemChildrenList",
            "content.getItemRelatedList",
            "itv.getRecommendedList",
            "content.getList"
        ]
    );
    let total: Vec<String> = ["paging", "total"].map(String::from).to_vec();
    assert_eq!(
        scheme(&api, "content.getList"),
        Some(PageScheme::PageNumber { page: "page".into(), total_pages: Some(total), total_items: None, has_next: Some(vec!["paging".into(), "next".into()]) })
    );
    // `content.getLists` answers the first page of several lists: `page_size`, but no page.
    assert!(api.diagnostics.iter().any(|d| d.pointer == "#/paths/~1lists/get" && d.message.contains("looks paginated")));
}

#[test]
fn fern_pagination_is_read_and_checked() {
    let api = build(
        r#"  /a:
    get:
      operationId: a
      parameters: [{ name: starting_after, in: query, schema: { type: string } }]
      x-fern-pagination: { cursor: $request.starting_after, next_cursor: $response.page.next, results: $response.rows }
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  rows: { type: array, items: { type: string } }
                  page: { type: object, properties: { next: { type: string } } }
  /b:
    get:
      operationId: b
      parameters: [{ name: p, in: query, schema: { type: integer } }]
      x-fern-pagination: { offset: $request.p, results: $response.missing }
      responses:
        '200': { description: ok, content: { application/json: { schema: { type: object, properties: { rows: { type: array, items: { type: string } } } } } } }
"#,
    );
    assert_eq!(scheme(&api, "default.a"), Some(PageScheme::Cursor { cursor: "starting_after".into(), next_cursor: vec!["page".into(), "next".into()] }));
    assert_eq!(scheme(&api, "default.b"), None);
    let diagnostic = api.diagnostics.iter().find(|d| d.pointer == "#/paths/~1b/get/x-fern-pagination").expect("a diagnostic for b");
    assert!(diagnostic.message.contains("`results`: the success body has no `$response.missing`"), "{}", diagnostic.message);
}

#[test]
fn offset_and_link_are_inferred_and_plain_arrays_are_not_paginated() {
    let api = build(
        r#"  /o:
    get:
      parameters: [{ name: offset, in: query, schema: { type: integer } }, { name: limit, in: query, schema: { type: integer } }]
      responses: { '200': { description: ok, content: { application/json: { schema: { type: array, items: { type: string } } } } } }
  /l:
    get:
      responses:
        '200':
          description: ok
          headers: { Link: { schema: { type: string } } }
          content: { application/json: { schema: { type: array, items: { type: string } } } }
  /n:
    get:
      responses: { '200': { description: ok, content: { application/json: { schema: { type: array, items: { type: string } } } } } }
"#,
    );
    let tools: Vec<(&str, Option<PageScheme>)> =
        api.operations.iter().map(|op| (op.tool_name.as_str(), op.pagination.as_ref().map(|p| p.scheme.clone()))).collect();
    assert_eq!(tools[0].1, Some(PageScheme::OffsetLimit { offset: "offset".into(), limit: Some("limit".into()), total_items: None }), "{tools:?}");
    assert_eq!(tools[1].1, Some(PageScheme::Link));
    assert_eq!(tools[2].1, None);
}

#[test]
fn a_last_item_cursor_is_inferred_from_starting_after_and_has_more() {
    let api = build(
        r#"  /charges:
    get:
      parameters: [{ name: starting_after, in: query, schema: { type: string } }, { name: limit, in: query, schema: { type: integer } }]
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  data: { type: array, items: { type: object, properties: { id: { type: string } } } }
                  has_more: { type: boolean }
"#,
    );
    assert_eq!(
        api.operations[0].pagination.as_ref().map(|p| p.scheme.clone()),
        Some(PageScheme::LastItem { cursor: "starting_after".into(), field: "id".into(), has_more: vec!["has_more".into()] })
    );
}
