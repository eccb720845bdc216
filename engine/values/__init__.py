"""AWS's and Java's rules for values, in one place for every service StateCanvas emulates.

EventBridge patterns and SNS filter policies are matched by the same library, and Step Functions'
intrinsic functions run on the same JVM, so the rules they share live here once and the services
(`engine.bus.pattern`, `engine.messaging.sns.filter_policy`, `engine.expr`, the runtime's history
and data flow) use them:

- `cidr`: which strings are IP addresses, what bytes they are, the block a ``cidr`` value covers;
- `java_double`: numbers written as Java writes them (``Double.toString``);
- `java_text`: JSON values printed as Step Functions' Java runtime prints them (``String.valueOf``,
  Jackson's compact JSON, UTF-8 bytes of lone surrogates), AWS's JSON type words and the phrases
  StateCanvas's own messages use for them ("a string", "an object");
- `json_tokens` (with `json_lexer`): JSON read as the library's streaming parser reads it;
- `json_depth`: how deeply a document nests, and Jackson's 1,000-level bound on it.
"""

from engine.values.cidr import CidrBlock, IpValueError, ip_address_bytes, looks_like_ip, parse_cidr
from engine.values.java_double import java_double, java_number
from engine.values.java_text import (
    compact_json,
    escape_lone_surrogates,
    java_to_string,
    java_utf8,
    json_type_name,
    json_type_phrase,
)
from engine.values.json_depth import MAX_NESTING_DEPTH, check_nesting, nesting_depth
from engine.values.json_lexer import (
    END_ARRAY,
    END_OBJECT,
    EOF,
    FALSE,
    FIELD,
    NULL,
    NUMBER,
    START_ARRAY,
    START_OBJECT,
    STRING,
    TRUE,
    JsonSyntaxError,
    Token,
)
from engine.values.json_tokens import (
    JsonNumber,
    PlacedToken,
    TokenStream,
    compact_layout,
    python_number_text,
    tokens_from_object,
    tokens_from_text,
)

__all__ = [
    "END_ARRAY",
    "END_OBJECT",
    "EOF",
    "FALSE",
    "FIELD",
    "MAX_NESTING_DEPTH",
    "NULL",
    "NUMBER",
    "START_ARRAY",
    "START_OBJECT",
    "STRING",
    "TRUE",
    "CidrBlock",
    "IpValueError",
    "JsonNumber",
    "JsonSyntaxError",
    "PlacedToken",
    "Token",
    "TokenStream",
    "check_nesting",
    "compact_json",
    "compact_layout",
    "escape_lone_surrogates",
    "ip_address_bytes",
    "java_double",
    "java_number",
    "java_to_string",
    "java_utf8",
    "json_type_name",
    "json_type_phrase",
    "looks_like_ip",
    "nesting_depth",
    "parse_cidr",
    "python_number_text",
    "tokens_from_object",
    "tokens_from_text",
]
