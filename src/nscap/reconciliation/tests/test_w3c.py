"""The OpenRefine-compatible reconciliation service over institutions."""

from __future__ import annotations

import json

from django.test import Client


def test_manifest_and_queries_answer_what_the_caller_may_see(world):
    client = Client()
    manifest = client.get("/api/reconciliation/w3c").json()
    assert manifest["versions"] == ["0.2"] and manifest["defaultTypes"][0]["id"] == "institution"
    queries = {
        "q0": {"query": "NSSC", "limit": 10},
        "q1": {"query": "NSSC", "properties": [{"pid": "country", "v": "MY"}]},
        "q2": {"query": "INSA"},
    }
    answer = client.post("/api/reconciliation/w3c", {"queries": json.dumps(queries)})
    assert answer.status_code == 200, answer.content
    results = answer.json()
    ambiguous = results["q0"]["result"]
    assert {r["id"] for r in ambiguous} == {"nssc-my", "nssc-id"}  # not the restricted one
    assert not any(r["match"] for r in ambiguous)  # never auto-matched
    in_context = results["q1"]["result"]
    assert in_context[0]["id"] == "nssc-my" and in_context[0]["match"]
    assert results["q2"]["result"][0] == {
        "id": "insa",
        "name": "International Nuclear Nonproliferation and Security Academy",
        "score": 95.0,
        "match": True,
        "type": [{"id": "institution", "name": "Institution"}],
        "description": "KR · center_of_excellence · INSA",
    }
    assert client.get("/api/reconciliation/w3c", {"queries": "{not json"}).status_code == 400
