//! Generates the Rocket API types, service trait and client into OUT_DIR on every build whose
//! spec, settings or generator changed.

fn main() {
    rocketgen::buildscript::BuildScript::new("../../specs/rocket/openapi.json").name("rocket").client(true).run();
}
