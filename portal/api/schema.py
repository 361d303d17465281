"""The OpenAPI schema says what a 400 really looks like.

A 400 is either the API's error (`{"detail", "code"}`: a domain rule, a parse error, hostile input refused) or
DRF's validation error: the field names, each with its messages (a list, or an object for nested fields). The
views document the first; this hook adds the second to every documented 400, so a client (and Schemathesis,
tests/approvals/api/test_schema_fuzz.py) can rely on the schema.
"""

FIELD_ERRORS = "FieldErrors"
FIELD_ERRORS_SCHEMA = {
    "type": "object",
    "description": "A validation error: each field name (or `non_field_errors`) with its messages, in the "
                   "user's language; nested fields give an object of their own.",
    "minProperties": 1,
    "additionalProperties": {"anyOf": [{"type": "array", "items": {}}, {"type": "object"}]},
}


def document_validation_errors(result, generator, request, public):
    """drf-spectacular postprocessing hook: every 400 is `anyOf` its documented shape and FieldErrors."""
    result.setdefault("components", {}).setdefault("schemas", {})[FIELD_ERRORS] = FIELD_ERRORS_SCHEMA
    reference = {"$ref": f"#/components/schemas/{FIELD_ERRORS}"}
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict):
                continue
            response = operation.get("responses", {}).get("400")
            content = (response or {}).get("content", {}).get("application/json")
            if content is None or "schema" not in content:
                continue
            schema = content["schema"]
            if reference in schema.get("anyOf", []):
                continue
            content["schema"] = {"anyOf": [schema, reference]}
    return result
