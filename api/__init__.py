"""The REST API for officers and integrations (docs/api.md).

One view per operation, each with its own input and output serializers; every write calls a
function in ``cases.services`` (or the letters and public-pages services), so the API follows
exactly the rules of the officers' screens. Status, deadlines and the audit trail are never
writable directly.
"""
