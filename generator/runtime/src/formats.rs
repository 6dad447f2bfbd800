//! The `format` assertions: what a string must look like beyond its type. Each format is
//! checked by a crate that implements its standard; formats not listed here are annotations,
//! as JSON Schema allows.

/// The formats this runtime asserts.
pub const CHECKED_FORMATS: &[&str] = &["date-time", "date", "time", "email", "uuid", "ipv4", "ipv6", "uri"];

/// Why `text` is not of `format`, or `Ok` (also for a format that is not checked).
pub fn check_format(format: &str, text: &str) -> Result<(), &'static str> {
    use time::format_description::well_known::Rfc3339;
    let rfc3339 = |text: &str| time::OffsetDateTime::parse(text, &Rfc3339).is_ok();
    let valid = match format {
        // RFC 3339's grammar: a `T` between date and time (its note on spaces is no grammar).
        "date-time" => text.as_bytes().get(10).is_some_and(|c| matches!(c, b'T' | b't')) && rfc3339(text),
        // RFC 3339 `full-date` and `full-time`, read as parts of a date-time.
        "date" => text.len() == 10 && !text.contains(['T', 't']) && rfc3339(&format!("{text}T00:00:00Z")),
        "time" => !text.contains(['T', 't']) && rfc3339(&format!("1970-01-01T{text}")),
        "email" => email_address::EmailAddress::is_valid(text),
        // The hyphenated form only, as RFC 9562 writes it and JSON Schema asks.
        "uuid" => text.len() == 36 && uuid::Uuid::try_parse(text).is_ok(),
        "ipv4" => text.parse::<std::net::Ipv4Addr>().is_ok(),
        "ipv6" => text.parse::<std::net::Ipv6Addr>().is_ok(),
        // An absolute URI (RFC 3986: with a scheme).
        "uri" => fluent_uri::Uri::parse(text).is_ok(),
        _ => true,
    };
    if valid { Ok(()) } else { Err(format_expectation(format)) }
}

fn format_expectation(format: &str) -> &'static str {
    match format {
        "date-time" => "must be an RFC 3339 date-time (2024-01-31T12:00:00Z)",
        "date" => "must be an RFC 3339 date (2024-01-31)",
        "time" => "must be an RFC 3339 time (12:00:00Z)",
        "email" => "must be an email address",
        "uuid" => "must be a UUID (8-4-4-4-12 hexadecimal digits)",
        "ipv4" => "must be an IPv4 address",
        "ipv6" => "must be an IPv6 address",
        "uri" => "must be an absolute URI",
        _ => "is not of its format",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_times_follow_rfc_3339() {
        for good in ["2024-01-31T12:00:00Z", "2024-02-29T23:59:59.123+01:00", "1990-12-31t15:59:60-08:00"] {
            assert_eq!(check_format("date-time", good), Ok(()), "{good}");
        }
        for bad in ["2024-01-31", "2024-13-01T00:00:00Z", "2023-02-29T00:00:00Z", "2024-01-31 12:00:00Z", "2024-01-31T12:00:00"] {
            assert!(check_format("date-time", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn dates_and_times_are_the_parts_of_a_date_time() {
        assert_eq!(check_format("date", "2024-02-29"), Ok(()));
        for bad in ["2023-02-29", "2024-1-31", "2024-01-31T00:00:00Z", "31/01/2024"] {
            assert!(check_format("date", bad).is_err(), "{bad}");
        }
        for good in ["12:00:00Z", "23:59:59.5+02:00"] {
            assert_eq!(check_format("time", good), Ok(()), "{good}");
        }
        for bad in ["12:00", "25:00:00Z", "12:00:00", "T12:00:00Z"] {
            assert!(check_format("time", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn emails_uuids_addresses_and_uris() {
        let cases = [
            ("email", "someone@example.com", true),
            ("email", "no-at-sign.example.com", false),
            ("email", "two@@example.com", false),
            ("uuid", "123e4567-e89b-12d3-a456-426614174000", true),
            ("uuid", "123e4567e89b12d3a456426614174000", false),
            ("uuid", "123e4567-e89b-12d3-a456-42661417400g", false),
            ("ipv4", "192.168.0.1", true),
            ("ipv4", "256.1.1.1", false),
            ("ipv4", "1.2.3", false),
            ("ipv6", "2001:db8::1", true),
            ("ipv6", "2001:db8:::1", false),
            ("uri", "https://example.com/a?b=c#d", true),
            ("uri", "urn:isbn:0451450523", true),
            ("uri", "/relative/path", false),
            ("uri", "http://exa mple.com", false),
        ];
        for (format, text, valid) in cases {
            assert_eq!(check_format(format, text).is_ok(), valid, "{format}: {text}");
        }
    }

    #[test]
    fn other_formats_are_annotations() {
        assert_eq!(check_format("password", "anything"), Ok(()));
        assert_eq!(check_format("int64", "x"), Ok(()));
    }
}
