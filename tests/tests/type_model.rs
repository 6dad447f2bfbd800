//! The type-modelling fixture (specs/typemodel): each construct behaves as the spec means it.

use serde_json::{Value, json};
use typemodel_api::models::{Colour, Keywords, Maps, OpenObject, Presence, Shape};

fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(value: Value) -> (T, Value) {
    let typed: T = serde_json::from_value(value).expect("deserializes");
    let back = serde_json::to_value(&typed).expect("serializes");
    (typed, back)
}

#[test]
fn optional_nullable_has_three_states() {
    let absent = json!({"required": "a", "requiredNullable": null});
    let (typed, back) = round_trip::<Presence>(absent.clone());
    assert_eq!(typed.optional_nullable, None);
    assert_eq!(back, absent);

    let null = json!({"required": "a", "requiredNullable": null, "optionalNullable": null});
    let (typed, back) = round_trip::<Presence>(null.clone());
    assert_eq!(typed.optional_nullable, Some(None));
    assert_eq!(back, null);

    let value = json!({"required": "a", "requiredNullable": "x", "optionalNullable": 7});
    let (typed, back) = round_trip::<Presence>(value.clone());
    assert_eq!(typed.optional_nullable, Some(Some(7)));
    assert_eq!(typed.required_nullable.as_deref(), Some("x"));
    assert_eq!(back, value);
}

#[test]
fn explicit_null_can_be_sent() {
    let patch = Presence { required: "a".into(), optional: None, required_nullable: None, optional_nullable: Some(None), nullable_ref: None };
    assert_eq!(serde_json::to_value(&patch).unwrap(), json!({"required": "a", "requiredNullable": null, "optionalNullable": null}));
}

#[test]
fn maps_typed_free_and_beside_properties() {
    let value = json!({
        "typed": {"a": 1, "b": 2},
        "free": {"x": [1, {"y": null}]},
        "nested": {"k": ["2024-01-02"]},
        "unnamed": "kept as a string",
    });
    let (typed, back) = round_trip::<Maps>(value.clone());
    assert_eq!(typed.typed.as_ref().unwrap()["b"], 2);
    assert_eq!(typed.additional_properties["unnamed"], "kept as a string");
    assert_eq!(back, value);
    // Extra properties must have the declared type.
    assert!(serde_json::from_value::<Maps>(json!({"unnamed": 5})).is_err());
}

#[test]
fn open_objects_keep_unknown_properties() {
    let value = json!({"name": "n", "later": {"deep": [1, 2]}});
    let (typed, back) = round_trip::<OpenObject>(value.clone());
    assert_eq!(typed.additional_properties["later"], json!({"deep": [1, 2]}));
    assert_eq!(back, value);
}

#[test]
fn keyword_and_clashing_property_names_keep_their_json_names() {
    let value = json!({
        "type": "1", "format": "2", "ref": "3", "$ref": "4", "self": "5", "Self": "6", "@type": "7",
        "1st": "8", "": "9", "additional_properties": "10", "fooBar": "11", "foo_bar": "12",
    });
    let (typed, back) = round_trip::<Keywords>(value.clone());
    assert_eq!(typed.r#type.as_deref(), Some("1"));
    assert_eq!(typed.ref_2.as_deref(), Some("4"));
    assert_eq!(typed.self_2.as_deref(), Some("6"));
    assert_eq!(typed.field.as_deref(), Some("9"));
    assert_eq!(typed.foo_bar2.as_deref(), Some("12"));
    assert_eq!(back, value);
}

#[test]
fn enum_values_that_fight_rust_names() {
    for value in Colour::VALUES {
        let (typed, back) = round_trip::<Colour>(json!(value));
        assert!(typed.is_known(), "{value}");
        assert_eq!(back, json!(value));
    }
    assert_eq!(Colour::from("Other"), Colour::Other2);
    assert_eq!(Colour::from("mauve"), Colour::UnknownValue("mauve".into()));
}

#[test]
fn unions_pick_the_member_that_fits_and_keep_the_rest() {
    assert!(matches!(round_trip::<Shape>(json!({"radius": 1.5})).0, Shape::Circle(_)));
    assert!(matches!(round_trip::<Shape>(json!({"side": 3})).0, Shape::Square(_)));
    let (other, back) = round_trip::<Shape>(json!("hexagon"));
    assert!(matches!(other, Shape::Other(_)));
    assert_eq!(back, json!("hexagon"));
}

#[test]
fn all_of_merges_into_one_flat_type() {
    let value = json!({"kind": "derived", "id": "ab", "extra": true, "tags": ["t"]});
    let (typed, back) = round_trip::<typemodel_api::models::Derived>(value.clone());
    assert_eq!(typed.id, "ab");
    assert!(typed.extra);
    assert_eq!(back, value);
}
