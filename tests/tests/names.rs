//! The names fixture (specs/names): schemas named like std types, parameters named like Rust
//! keywords and like the request's own fields, headers named like the response's own fields and
//! a non-ASCII path each reach the wire under their spec names, over real HTTP on loopback.

use std::sync::{Arc, Mutex};

use names_api::models::{Box_, Default_, Error, Option_, Prelude, Result_, Send_, String_, Vec_};
use names_api::{GetStringRequest, GetStringResponse, MingQianWoQuRuRequest, MingQianWoQuRuResponse, NamesApi, PutPreludeRequest, PutPreludeResponse};

#[derive(Default)]
struct Service {
    got: Mutex<Option<GetStringRequest>>,
}

impl NamesApi for Service {
    async fn get_string(&self, request: GetStringRequest) -> Result<GetStringResponse, names_api::Error> {
        let failing = request.r#type == "fail";
        *self.got.lock().unwrap() = Some(request);
        Ok(if failing {
            GetStringResponse::Default { status: 503, body: down(), status_: "degraded".into() }
        } else {
            GetStringResponse::Ok { body: String_("answer".into()), status_: Some("fine".into()), body_: Some(7) }
        })
    }

    async fn put_prelude(&self, request: PutPreludeRequest) -> Result<PutPreludeResponse, names_api::Error> {
        Ok(PutPreludeResponse::Ok(request.body))
    }

    async fn ming_qian_wo_qu_ru(&self, request: MingQianWoQuRuRequest) -> Result<MingQianWoQuRuResponse, names_api::Error> {
        Ok(MingQianWoQuRuResponse::Ok(names_api::models::T1stName { ming_qian: Some(request.id), ..Default::default() }))
    }
}

fn down() -> Error {
    Error::new("down".into())
}

async fn serve() -> (Arc<Service>, String) {
    let service = Arc::new(Service::default());
    let base = rocketgen_tests::http::serve(names_server::router_at(service.clone(), "/v3")).await;
    (service, format!("{base}/v3"))
}

#[tokio::test]
async fn keyword_and_reserved_parameters_arrive_under_their_spec_names() {
    let (service, base) = serve().await;
    let answer = reqwest::Client::new()
        .get(format!("{base}/strings/t1?self=s&match=3&async=true&body=b&1st=f&caf%C3%A9=c"))
        .header("credentials", "in a header")
        .header("X-Key", "k")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.headers()["status"], "fine");
    assert_eq!(answer.headers()["body"], "7");
    assert_eq!(answer.text().await.unwrap(), "\"answer\"");
    let got = service.got.lock().unwrap().take().unwrap();
    assert_eq!(got.r#type, "t1");
    assert_eq!(got.self_.as_deref(), Some("s"));
    assert_eq!(got.r#match, Some(3));
    assert_eq!(got.r#async, Some(true));
    assert_eq!(got.body_.as_deref(), Some("b"));
    assert_eq!(got.credentials_.as_deref(), Some("in a header"));
    assert_eq!(got.field_1st.as_deref(), Some("f"));
    assert_eq!(got.cafe.as_deref(), Some("c"));
    assert_eq!(got.credentials.len(), 1, "the X-Key credential is the request's `credentials`");
}

#[tokio::test]
async fn the_client_reads_headers_named_like_response_fields() {
    let (_, base) = serve().await;
    let client = names_client::Client::builder(base).credential(names_api::Credential::Key("k".into())).build().unwrap();
    let ok = client.get_string(GetStringRequest::new("t1".into())).await.unwrap();
    assert_eq!(ok, GetStringResponse::Ok { body: String_("answer".into()), status_: Some("fine".into()), body_: Some(7) });
    let failed = client.get_string(GetStringRequest::new("fail".into())).await.unwrap();
    assert_eq!(failed, GetStringResponse::Default { status: 503, body: down(), status_: "degraded".into() });
}

#[tokio::test]
async fn std_named_schemas_cross_the_wire_and_a_non_ascii_path_routes() {
    let (_, base) = serve().await;
    let client = names_client::Client::builder(base.clone()).credential(names_api::Credential::Key("k".into())).build().unwrap();
    let prelude = Prelude {
        string: Some(String_("s".into())),
        option: Some(Option_ { some: Some("x".into()), none: Some(false), ..Default::default() }),
        vec: Some(Vec_(vec![String_("a".into())])),
        r#box: Some(Box_ { inner: Some(Box::new(Box_::default())), ..Default::default() }),
        result: Some(Result_::new(true)),
        default: Some(Default_(4)),
        send: Some(Send_::Later),
        ..Default::default()
    };
    let answer = client.put_prelude(PutPreludeRequest::new(prelude.clone())).await.unwrap();
    assert_eq!(answer, PutPreludeResponse::Ok(prelude));

    // The path's literal text is percent-encoded on the wire; the router matches that form.
    let answer = client.ming_qian_wo_qu_ru(MingQianWoQuRuRequest::new("n 1".into())).await.unwrap();
    let MingQianWoQuRuResponse::Ok(name) = answer else { panic!("{answer:?}") };
    assert_eq!(name.ming_qian.as_deref(), Some("n 1"));
    let raw = reqwest::get(format!("{base}/%E5%90%8D%E5%89%8D/n2")).await.unwrap();
    assert_eq!(raw.status(), 200);
}
