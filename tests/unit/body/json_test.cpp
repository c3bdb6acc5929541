#include <catch.hpp>

#include "core/body/json.hpp"

using hipp::body::encode_json;
using hipp::body::parse_json;
using nlohmann::json;

TEST_CASE("encode_json: compact application/json") {
  const json value = {{"b", {1, 2.5, nullptr, true}}, {"a", "caf\xC3\xA9 \"q\" \\ \n"}, {"e", json::object()}};
  const auto body = encode_json(value);
  CHECK(body.content_type == "application/json");
  CHECK(body.data == "{\"a\":\"caf\xC3\xA9 \\\"q\\\" \\\\ \\n\",\"b\":[1,2.5,null,true],\"e\":{}}");
  CHECK(encode_json(json::array()).data == "[]");
  CHECK(encode_json("x&y=z+%").data == "\"x&y=z+%\"");
}

TEST_CASE("encode_json: invalid UTF-8 is replaced, not thrown") {
  const auto body = encode_json(json(std::string("a\xFF" "b")));
  CHECK(body.data == "\"a\xEF\xBF\xBD" "b\"");
}

TEST_CASE("parse_json: documents round-trip") {
  const auto parsed = parse_json(R"( {"args": {"arg": "value"}, "n": [1, -2, 3.5e2, 18446744073709551615],
                                       "s": "\u00e9\ud83d\ude00", "t": true, "z": null, "a": [[], {}]} )");
  REQUIRE(parsed);
  CHECK((*parsed)["args"]["arg"] == "value");
  CHECK((*parsed)["n"][0] == 1);
  CHECK((*parsed)["n"][1] == -2);
  CHECK((*parsed)["n"][2] == 350.0);
  CHECK((*parsed)["n"][3].get<std::uint64_t>() == 18446744073709551615ULL);
  CHECK((*parsed)["s"] == "\xC3\xA9\xF0\x9F\x98\x80");
  CHECK((*parsed)["t"] == true);
  CHECK((*parsed)["z"].is_null());
  CHECK((*parsed)["a"] == json::parse("[[],{}]"));
  CHECK(*parse_json(encode_json(*parsed).data) == *parsed);
  CHECK(*parse_json("\"top\"") == "top");
  CHECK(*parse_json("{\"k\":1,\"k\":2}") == json{{"k", 2}});
}

TEST_CASE("parse_json: errors carry the parser's message") {
  for (std::string_view bad : {"", "{", "{\"a\":}", "[1,]", "nul", "{} x", "\"\xFF\"", "[1] // c"}) {
    INFO("input: " << bad);
    const auto parsed = parse_json(bad);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().code == hipp::ErrorCode::decode_failed);
    CHECK(parsed.error().category == hipp::ErrorCategory::decode);
    CHECK_THAT(parsed.error().detail, Catch::StartsWith("[json.exception.parse_error."));
  }
  CHECK_THAT(parse_json("[1,]").error().detail, Catch::Contains("line 1, column 4"));
}
