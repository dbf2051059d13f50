use super::*;

fn parse(json: &str) -> Result<Declaration, DeclarationError> {
    Declaration::parse(json, &Limits::default())
}

fn name(s: &str) -> VariantName {
    s.parse().unwrap()
}

/// `json` is refused by `rule`, and the message names `entry` (1-based) and says `says`.
#[track_caller]
fn refused(json: &str, entry: Option<usize>, rule: fn(&Rule) -> bool, says: &str) {
    let error = parse(json).expect_err(json);
    assert!(rule(&error.rule), "{json}: {error:?}");
    assert_eq!(error.entry.map(|e| e + 1), entry, "{error}");
    let message = error.to_string();
    assert!(message.starts_with("VARIANTS"), "{message}");
    if let Some(entry) = entry {
        assert!(message.contains(&format!("entry {entry}")), "{message}");
    }
    assert!(message.contains(says), "{message} should say {says:?}");
}

/// A valid first entry, so that the entry under test is entry 2.
const FIRST: &str = r#"{"name": "a", "width": 100, "formats": ["webp"]}"#;

fn second(entry: &str) -> String {
    format!("[{FIRST}, {entry}]")
}

#[test]
fn the_default_set_is_todays_outputs_plus_webp_and_avif_and_keeps_every_rule() {
    let set = Declaration::default_set();
    let names: Vec<&str> = set.names().map(VariantName::as_str).collect();
    assert_eq!(names, ["thumbnail", "preview", "optimized"]);
    let widths: Vec<_> = set.variants().iter().map(|v| (v.width, v.height)).collect();
    assert_eq!(widths, [(Some(200), None), (Some(800), None), (None, None)]);
    assert!(set.variants().iter().all(|v| v.fit == Fit::ScaleDown));
    let formats = |v: &Variant| -> Vec<(Format, Option<f32>)> {
        v.formats
            .iter()
            .map(|s| (s.format, s.quality.map(Quality::get)))
            .collect()
    };
    assert_eq!(
        formats(&set.variants()[0]),
        [
            (Format::Avif, Some(63.0)),
            (Format::Webp, Some(85.0)),
            (Format::Auto, Some(83.0))
        ]
    );
    assert_eq!(
        formats(&set.variants()[1]),
        [
            (Format::Avif, Some(63.0)),
            (Format::Webp, Some(82.0)),
            (Format::Auto, Some(79.5))
        ]
    );
    assert_eq!(formats(&set.variants()[2]), [(Format::Auto, Some(80.0))]);

    let checked = Declaration::new(set.variants().to_vec(), &Limits::default()).unwrap();
    assert_eq!(checked, set);
}

#[test]
fn the_default_json_and_to_json_both_read_back_as_the_default_set() {
    assert_eq!(
        parse(Declaration::DEFAULT_JSON).unwrap(),
        Declaration::default_set()
    );
    let written = Declaration::default_set().to_json();
    assert_eq!(parse(&written).unwrap(), Declaration::default_set());
}

#[test]
fn a_full_declaration_reads_every_key() {
    let declaration = parse(
        r##"[{"name": "hero", "width": 1200, "height": 600, "fit": "contain",
              "formats": ["avif", {"format": "jpeg", "quality": 70.5}],
              "background": "#FF0000"},
             {"name": "square", "width": 300, "height": 300, "fit": "cover", "formats": ["png"]}]"##,
    )
    .unwrap();
    let hero = declaration.get(&name("hero")).unwrap();
    assert_eq!(
        (hero.width, hero.height, hero.fit),
        (Some(1200), Some(600), Fit::Contain)
    );
    assert_eq!(hero.background(), Rgb([255, 0, 0]));
    assert_eq!(hero.formats[1].quality.unwrap().get(), 70.5);
    let square = declaration.get(&name("square")).unwrap();
    assert_eq!(square.background(), Rgb::WHITE);
    assert!(declaration.get(&name("other")).is_none());
    assert_eq!(parse(&declaration.to_json()).unwrap(), declaration);
}

#[test]
fn text_that_is_not_json_is_refused() {
    refused("[{", None, |r| matches!(r, Rule::NotJson(_)), "not JSON");
    refused("", None, |r| matches!(r, Rule::NotJson(_)), "not JSON");
}

#[test]
fn json_that_is_not_a_list_is_refused() {
    for json in [
        r#"{"name": "a", "formats": ["jpeg"]}"#,
        "\"thumbnail\"",
        "null",
    ] {
        refused(
            json,
            None,
            |r| matches!(r, Rule::NotList),
            "not a JSON list",
        );
    }
}

#[test]
fn an_entry_not_shaped_as_a_variant_is_refused_with_serdes_reason() {
    refused(
        &second(r#"{"name": "b", "widht": 100, "formats": ["jpeg"]}"#),
        Some(2),
        |r| matches!(r, Rule::Shape(_)),
        "unknown field `widht`",
    );
    refused(
        &second(r#"{"name": "b", "width": 100}"#),
        Some(2),
        |r| matches!(r, Rule::Shape(_)),
        "missing field `formats`",
    );
    refused(
        &second(r#"{"name": "b", "width": -1, "formats": ["jpeg"]}"#),
        Some(2),
        |r| matches!(r, Rule::Shape(_)),
        "not a variant",
    );
    refused(
        &second(r#"{"name": "b", "width": 100, "formats": ["gif"]}"#),
        Some(2),
        |r| matches!(r, Rule::Shape(_)),
        "gif",
    );
    refused(
        &second(r#"{"name": "b", "width": 100, "formats": [{"format": "webp", "effort": 6}]}"#),
        Some(2),
        |r| matches!(r, Rule::Shape(_)),
        "effort",
    );
    refused(
        &second(r#"{"name": "b", "width": 100, "fit": "pad", "formats": ["webp"]}"#),
        Some(2),
        |r| matches!(r, Rule::Shape(_)),
        "pad",
    );
    refused(
        &second(
            r#"{"name": "b", "width": 10, "height": 10, "fit": "contain", "formats": ["webp"], "background": "red"}"#,
        ),
        Some(2),
        |r| matches!(r, Rule::Shape(_)),
        "#rrggbb",
    );
    refused(
        "[7]",
        Some(1),
        |r| matches!(r, Rule::Shape(_)),
        "entry 1: not a variant",
    );
    // The name, when there is one, is in the message even though the entry is malformed.
    refused(
        &second(r#"{"name": "hero", "formats": "jpeg"}"#),
        Some(2),
        |r| matches!(r, Rule::Shape(_)),
        "entry 2 (\"hero\")",
    );
}

#[test]
fn an_empty_list_is_refused() {
    refused(
        "[]",
        None,
        |r| matches!(r, Rule::Empty),
        "declares no variant",
    );
}

#[test]
fn more_variants_than_the_limit_are_refused_and_the_limit_is_configurable() {
    let entries: Vec<String> = (0..9)
        .map(|i| format!(r#"{{"name": "v{i}", "width": 100, "formats": ["jpeg"]}}"#))
        .collect();
    let nine = format!("[{}]", entries.join(","));
    refused(
        &nine,
        None,
        |r| matches!(r, Rule::TooManyVariants { count: 9, max: 8 }),
        "declares 9 variants, more than the limit of 8",
    );
    let eight = format!("[{}]", entries[..8].join(","));
    assert_eq!(parse(&eight).unwrap().variants().len(), 8);
    let limits = Limits {
        max_variants: 9,
        ..Limits::default()
    };
    assert!(Declaration::parse(&nine, &limits).is_ok());
}

#[test]
fn a_bad_name_is_refused() {
    refused(
        &second(r#"{"name": "Hero_1", "width": 100, "formats": ["jpeg"]}"#),
        Some(2),
        |r| matches!(r, Rule::Name(_)),
        "entry 2 (\"Hero_1\"): variant name \"Hero_1\" must be 1 to 32 characters",
    );
    refused(
        &second(r#"{"name": "", "width": 100, "formats": ["jpeg"]}"#),
        Some(2),
        |r| matches!(r, Rule::Name(_)),
        "1 to 32 characters",
    );
}

#[test]
fn a_name_declared_twice_is_refused() {
    refused(
        &second(r#"{"name": "a", "width": 300, "formats": ["jpeg"]}"#),
        Some(2),
        |r| matches!(r, Rule::DuplicateName { first: 0 }),
        "entry 2 (\"a\"): the name is already declared by entry 1",
    );
}

#[test]
fn a_variant_without_formats_is_refused() {
    refused(
        &second(r#"{"name": "b", "width": 100, "formats": []}"#),
        Some(2),
        |r| matches!(r, Rule::NoFormats),
        "entry 2 (\"b\"): lists no format",
    );
}

#[test]
fn more_formats_than_the_limit_are_refused() {
    let limits = Limits {
        max_formats: 2,
        ..Limits::default()
    };
    let json = second(r#"{"name": "b", "width": 100, "formats": ["avif", "webp", "jpeg"]}"#);
    let error = Declaration::parse(&json, &limits).unwrap_err();
    assert!(matches!(
        error.rule,
        Rule::TooManyFormats { count: 3, max: 2 }
    ));
    assert_eq!(
        error.to_string(),
        "VARIANTS entry 2 (\"b\"): lists 3 formats, more than the limit of 2"
    );
    // Four distinct formats are all there are, so the default limit refuses none of them;
    // the rule still holds for variants built in code.
    let mut variant = Declaration::default_set().variants()[0].clone();
    variant.formats.push(FormatSpec::new(Format::Jpeg));
    variant.formats.push(FormatSpec::new(Format::Png));
    variant.formats.retain(|s| s.format != Format::Auto);
    variant.formats.push(FormatSpec::new(Format::Webp));
    let error = Declaration::new(vec![variant], &Limits::default()).unwrap_err();
    assert!(
        matches!(error.rule, Rule::TooManyFormats { count: 5, max: 4 }),
        "{error}"
    );
}

#[test]
fn a_format_listed_twice_is_refused_whatever_its_quality() {
    refused(
        &second(
            r#"{"name": "b", "width": 100, "formats": ["webp", {"format": "webp", "quality": 50}]}"#,
        ),
        Some(2),
        |r| matches!(r, Rule::DuplicateFormat(Format::Webp)),
        "entry 2 (\"b\"): lists webp twice",
    );
}

#[test]
fn auto_beside_jpeg_or_png_is_refused() {
    for other in ["jpeg", "png"] {
        refused(
            &second(&format!(
                r#"{{"name": "b", "width": 100, "formats": ["auto", "{other}"]}}"#
            )),
            Some(2),
            |r| matches!(r, Rule::AutoWith(Format::Jpeg | Format::Png)),
            &format!("lists auto with {other}"),
        );
    }
    assert!(parse(r#"[{"name": "b", "width": 100, "formats": ["jpeg", "png"]}]"#).is_ok());
}

#[test]
fn a_width_or_height_of_zero_or_over_the_limit_is_refused() {
    for (box_, says) in [
        (r#""width": 0"#, "width 0 is not within 1 to 4096"),
        (r#""height": 0"#, "height 0 is not within 1 to 4096"),
        (r#""width": 4097"#, "width 4097 is not within 1 to 4096"),
        (
            r#""width": 10, "height": 5000"#,
            "height 5000 is not within 1 to 4096",
        ),
    ] {
        refused(
            &second(&format!(r#"{{"name": "b", {box_}, "formats": ["jpeg"]}}"#)),
            Some(2),
            |r| matches!(r, Rule::Dimension { .. }),
            says,
        );
    }
    assert!(
        parse(r#"[{"name": "b", "width": 4096, "height": 4096, "formats": ["jpeg"]}]"#).is_ok()
    );
}

#[test]
fn cover_and_contain_without_both_sides_are_refused() {
    for (fit, box_) in [
        ("cover", r#""width": 100"#),
        ("cover", r#""height": 100"#),
        ("contain", r#""width": 100"#),
        ("cover", r#""name2": 1"#),
    ] {
        let json = second(&format!(
            r#"{{"name": "hero", "fit": "{fit}", {box_}, "formats": ["jpeg"]}}"#
        ));
        if box_.contains("name2") {
            // An unknown key is a shape error first; with no box at all, the rule holds too.
            let json = second(&format!(
                r#"{{"name": "hero", "fit": "{fit}", "formats": ["jpeg"]}}"#
            ));
            refused(
                &json,
                Some(2),
                |r| matches!(r, Rule::NeedsBox(Fit::Cover)),
                "entry 2 (\"hero\"): cover needs both width and height",
            );
            continue;
        }
        refused(
            &json,
            Some(2),
            |r| matches!(r, Rule::NeedsBox(_)),
            &format!("entry 2 (\"hero\"): {fit} needs both width and height"),
        );
    }
}

#[test]
fn a_background_on_a_fit_other_than_contain_is_refused() {
    for fit in ["scale-down", "cover"] {
        refused(
            &second(&format!(
                r##"{{"name": "b", "width": 100, "height": 100, "fit": "{fit}", "formats": ["jpeg"], "background": "#000000"}}"##
            )),
            Some(2),
            |r| matches!(r, Rule::Background(_)),
            &format!("background is only for contain, not {fit}"),
        );
    }
}

#[test]
fn avif_at_full_resolution_is_refused() {
    refused(
        &second(r#"{"name": "full", "formats": ["avif", "auto"]}"#),
        Some(2),
        |r| matches!(r, Rule::AvifFullResolution),
        "entry 2 (\"full\"): avif needs a width or a height",
    );
}

#[test]
fn avif_on_a_box_over_the_pixel_budget_is_refused_counting_a_missing_side_as_the_given_one() {
    refused(
        &second(r#"{"name": "big", "width": 1500, "formats": ["avif"]}"#),
        Some(2),
        |r| {
            matches!(
                r,
                Rule::AvifTooLarge {
                    pixels: 2_250_000,
                    max: 2_000_000
                }
            )
        },
        "avif on a box of 2250000 pixels, more than the limit of 2000000",
    );
    refused(
        &second(r#"{"name": "big", "height": 1415, "formats": ["avif"]}"#),
        Some(2),
        |r| matches!(r, Rule::AvifTooLarge { .. }),
        "avif on a box",
    );
    refused(
        &second(r#"{"name": "big", "width": 2000, "height": 1001, "formats": ["webp", "avif"]}"#),
        Some(2),
        |r| {
            matches!(
                r,
                Rule::AvifTooLarge {
                    pixels: 2_002_000,
                    ..
                }
            )
        },
        "avif on a box",
    );
    // 800×1422, the phone portrait the default budget is made for, and 1414² fit.
    assert!(parse(r#"[{"name": "p", "width": 800, "height": 1422, "formats": ["avif"]}]"#).is_ok());
    assert!(parse(r#"[{"name": "p", "width": 1414, "formats": ["avif"]}]"#).is_ok());
    // The same box without AVIF is fine.
    assert!(parse(r#"[{"name": "p", "width": 4000, "formats": ["webp"]}]"#).is_ok());
}

#[test]
fn a_quality_outside_1_to_100_is_refused() {
    for quality in ["0", "0.5", "100.5", "-3", "1e10"] {
        refused(
            &second(&format!(
                r#"{{"name": "b", "width": 100, "formats": [{{"format": "webp", "quality": {quality}}}]}}"#
            )),
            Some(2),
            |r| {
                matches!(
                    r,
                    Rule::Quality {
                        format: Format::Webp,
                        ..
                    }
                )
            },
            "entry 2 (\"b\"): webp quality",
        );
    }
    // NaN cannot be written in JSON; a variant built in code cannot hold it either.
    assert!(Quality::new(f32::NAN).is_err());
    assert!(Quality::checked(f64::NAN).is_err());
    let error = parse(&second(
        r#"{"name": "b", "width": 100, "formats": [{"format": "avif", "quality": 101}]}"#,
    ))
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "VARIANTS entry 2 (\"b\"): avif quality 101 is not within 1 to 100"
    );
}

#[test]
fn select_gives_every_variant_for_none_and_the_requested_ones_in_declaration_order() {
    let set = Declaration::default_set();
    let names = |selected: Vec<&Variant>| -> Vec<String> {
        selected.iter().map(|v| v.name.to_string()).collect()
    };
    assert_eq!(
        names(set.select(None).unwrap()),
        ["thumbnail", "preview", "optimized"]
    );
    let requested = [name("optimized"), name("thumbnail"), name("optimized")];
    assert_eq!(
        names(set.select(Some(&requested)).unwrap()),
        ["thumbnail", "optimized"]
    );
    assert!(set.select(Some(&[])).unwrap().is_empty());
}

#[test]
fn select_refuses_an_unknown_name_and_lists_the_known_ones() {
    let set = Declaration::default_set();
    let requested = [name("thumbnail"), name("hero")];
    let error = set.select(Some(&requested)).unwrap_err();
    assert_eq!(error.name, name("hero"));
    assert_eq!(error.known, ["thumbnail", "preview", "optimized"]);
    assert_eq!(
        error.to_string(),
        "unknown variant \"hero\"; the declared variants are thumbnail, preview, optimized"
    );
}
